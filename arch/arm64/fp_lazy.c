/*
 * Lazy FP/SIMD switching, the switch half (fpsimd.S has the trap half).
 *
 * A core's FP/SIMD registers keep the state of the thread that used them
 * last on that core (struct cpu.fp_owner) across thread switches; a
 * thread's saved copy (ctx.fp) is stale exactly while it is some core's
 * owner. A switch costs no FP/SIMD instruction: it only sets CPTR_EL2.TFP
 * when the incoming thread is not the owner, so that thread's first
 * FP/SIMD instruction, in host code or in its guest (a vCPU thread's state
 * is its guest's), traps and makes it the owner.
 *
 * A thread that may run on another core next (more than one core in its
 * mask) gives up the registers when it is switched out, its state saved,
 * so its state is never left in a core it does not return to; a pinned
 * thread keeps them. A dead thread gives them up unsaved, and one that
 * died elsewhere is forgotten by its joiner (arch_fp_forget) before its
 * memory goes back.
 */
#include <errno.h>
#include <arch/fp_lazy.h>

static bool may_migrate(const struct k_thread *t)
{
	return (t->cpu_mask & (t->cpu_mask - 1)) != 0;
}

void arch_fp_leave(struct cpu *c, struct k_thread *prev)
{
	if (prev->state == THREAD_DEAD) {
		c->fp_owner = NULL;
	} else if (may_migrate(prev)) {
		arch_fp_save(&prev->ctx.fp);
		c->fp_owner = NULL;
	}
}

static void forget_here(void *t)
{
	struct cpu *c = this_cpu();

	if (c->fp_owner == t)
		c->fp_owner = NULL;
}

/* t is dead and current nowhere: no core may save into it any more. A
 * core's owner changes only on that core, and never to a dead thread, so
 * a core read not to hold t cannot come to. */
void arch_fp_forget(struct k_thread *t)
{
	for (cpuid_t i = 0; i < cpu_count; i++) {
		if (READ_ONCE(cpu_get(i)->fp_owner) != t)
			continue;
		while (smp_call(i, forget_here, t, true) == -EBUSY)
			cpu_relax();
	}
}

/* A fault report on a core that then halts: its registers are nobody's
 * concern any more, and the report's formatting must not trap. */
void arch_fp_release_for_panic(void)
{
	write_sysreg(cptr_el2, CPTR_HOST);
	isb();
}
