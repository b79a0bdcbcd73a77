/* The switch half of lazy FP/SIMD switching, inline on the switch path
 * (arch/arm64/fp_lazy.c explains the scheme). */
#ifndef ARCH_FP_LAZY_H
#define ARCH_FP_LAZY_H

#include <tandem/percpu.h>
#include <arch/sysreg.h>

/* prev owns the registers: save and give them up if it may move or died. */
void arch_fp_leave(struct cpu *c, struct k_thread *prev);

/* From sched_swap, under the scheduler lock with IRQs masked, prev still
 * current: TFP is clear exactly when prev is the owner. Afterwards it is
 * clear exactly when next is. */
static inline void arch_fp_switch(struct cpu *c, struct k_thread *prev, struct k_thread *next)
{
	uint64_t cptr;

	if (__builtin_expect(c->fp_owner == prev, 0))
		arch_fp_leave(c, prev);
	cptr = c->fp_owner == next ? CPTR_HOST : CPTR_HOST | CPTR_EL2_TFP;
	if (__builtin_expect(read_sysreg(cptr_el2) != cptr, 0)) {
		write_sysreg(cptr_el2, cptr);
		isb();
	}
}

#endif
