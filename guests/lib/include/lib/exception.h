/*
 * EL1 exception recording. A test arms the recorder on its CPU, performs
 * the access that should fault, and reads back what was taken. Armed
 * synchronous exceptions are recorded and the faulting instruction is
 * skipped; unarmed ones end the run with a FAIL line.
 */
#ifndef GUEST_LIB_EXCEPTION_H
#define GUEST_LIB_EXCEPTION_H

#include <lib/types.h>

/* Vector kinds, in vector table order for "current EL with SP_ELx". */
#define EXC_SYNC	0
#define EXC_IRQ		1
#define EXC_FIQ		2
#define EXC_SERROR	3
#define EXC_BAD		4	/* any vector a test guest never expects */

#define ESR_EC(esr)	(((esr) >> 26) & 0x3f)
#define ESR_ISS(esr)	((esr) & 0x1ffffff)
#define ESR_EC_UNKNOWN		0x00
#define ESR_EC_SVC64		0x15
#define ESR_EC_IABT_CUR		0x21
#define ESR_EC_DABT_CUR		0x25
#define ESR_DABT_WNR	BIT(6)
#define ESR_DABT_FNV	BIT(10)
#define ESR_DABT_EA	BIT(9)
#define ESR_DABT_DFSC(esr)	((esr) & 0x3f)
#define DFSC_SYNC_EXT_ABORT	0x10

/* Saved by the vectors (lib/exc_frame.S has the layout in assembly). */
struct exc_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

struct exc_record {
	unsigned int kind;
	uint64_t esr;
	uint64_t far;
	uint64_t elr;
	uint64_t spsr;		/* SPSR_EL1: PSTATE before the exception */
};

void exc_expect(void);
/* Also call hook(rec) from the handler of the next armed exception on this
 * CPU (NULL: none), to look at what the handler itself sees. */
void exc_expect_hook(void (*hook)(const struct exc_record *rec));
bool exc_taken(struct exc_record *rec);
void exception_dispatch(unsigned int kind, struct exc_frame *frame);

#endif
