/* The register frame an exception entry pushes on the current stack. */
#ifndef ARCH_TRAP_FRAME_H
#define ARCH_TRAP_FRAME_H

#define TF_X(n)     ((n) * 8)
#define TF_SP       (31 * 8)
#define TF_ELR      (32 * 8)
#define TF_SPSR     (33 * 8)
#define TF_ESR      (34 * 8)
#define TF_FAR      (35 * 8)
#define TF_SIZE     (36 * 8)

#ifndef __ASSEMBLY__
#include <stdint.h>

struct trap_frame {
	uint64_t x[31];
	uint64_t sp;	/* stack pointer before the exception */
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
};

_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame layout");
_Static_assert(TF_SIZE % 16 == 0, "stack alignment");
#endif

#endif
