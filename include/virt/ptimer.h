/*
 * The EL1 physical timer's register model (CNTP_CTL/CVAL/TVAL_EL0), per
 * vCPU, as the Arm ARM defines it: a pure function of the stored control
 * bits, the compare value and the counter's value now. No hardware access,
 * so it compiles on the host (tests/unit/test_ptimer.c, fuzz_ptimer.c).
 * The glue that traps the accesses, keeps a host timeout at the deadline
 * and drives the PPI is virt/vptimer.c.
 */
#ifndef VIRT_PTIMER_H
#define VIRT_PTIMER_H

#include <tandem/types.h>

#define PTIMER_CTL_ENABLE	(1u << 0)
#define PTIMER_CTL_IMASK	(1u << 1)
#define PTIMER_CTL_ISTATUS	(1u << 2)	/* read-only, computed */

/* The EL1 physical timer's PPI (the guest DTB's timer node, PPI 14). */
#define PTIMER_INTID		30

/* A deadline further away than this is not armed as one host timeout:
 * a guest that parks CVAL at ~0 gets a re-check now and then, never a
 * wrapped (past) deadline. About 1 hour at 62.5 MHz. */
#define PTIMER_MAX_WAIT		(1ULL << 38)

enum ptimer_reg { PTIMER_TVAL, PTIMER_CTL, PTIMER_CVAL };

struct ptimer_regs {
	uint32_t ctl;		/* ENABLE and IMASK only */
	uint64_t cval;
};

void ptimer_reset(struct ptimer_regs *t);
uint64_t ptimer_read(const struct ptimer_regs *t, enum ptimer_reg reg, uint64_t now);
void ptimer_write(struct ptimer_regs *t, enum ptimer_reg reg, uint64_t val, uint64_t now);
/* ISTATUS: enabled and the count has reached CVAL. */
bool ptimer_istatus(const struct ptimer_regs *t, uint64_t now);
/* The interrupt line: ISTATUS and not masked. */
bool ptimer_output(const struct ptimer_regs *t, uint64_t now);
/* When the line next rises, as ticks from now (1..PTIMER_MAX_WAIT; the
 * cap means "look again then"); false if it cannot rise without a write
 * (disabled, masked, or already up). */
bool ptimer_next_wait(const struct ptimer_regs *t, uint64_t now, uint64_t *ticks);

/* Ticks from now until cval, capped at PTIMER_MAX_WAIT; 0 if due. Also
 * for the virtual timer's WFI wait, where CVAL may be any guest value. */
uint64_t timer_ticks_until(uint64_t cval, uint64_t now);

#endif
