/*
 * Per-CPU state. Each core finds its own struct cpu through TPIDR_EL2, so
 * there is no hidden global "current CPU" and no lookup on hot paths.
 */
#ifndef TANDEM_PERCPU_H
#define TANDEM_PERCPU_H

#include <tandem/kernel.h>
#include <arch/cpu.h>
#include <arch/layout.h>

#define SMP_CALL_SLOTS 16

struct smp_call_req {
	void (*fn)(void *arg);
	void *arg;
	volatile bool *done;
};

enum cpu_state { CPU_OFF, CPU_ONLINE, CPU_HALTED };

struct cpu {
	/* Read by the exception vectors (vectors.S, CPU_STACK_* offsets): the
	 * lowest usable address of the stack in use, and the top of this
	 * core's overflow stack, where an overflow is reported. */
	uintptr_t stack_limit;
	uintptr_t overflow_sp;
	/* Used by the FP/SIMD trap (arch/arm64/fpsimd.S, CPU_FP_* and
	 * CPU_CURRENT): the thread whose FP/SIMD state is in this core's
	 * registers (NULL: nobody's), the thread running, and the traps
	 * taken (`cpus counts`). */
	struct k_thread *fp_owner;
	struct k_thread *current;
	uint64_t fp_traps;
	cpuid_t id;
	uint64_t mpidr;
	volatile enum cpu_state state;
	/* Guards rq, timeouts, timer_callbacks, slice, current (above) and
	 * every thread whose t->cpu is this core (its state, prio, queue node
	 * and timeout); held across a context switch. See kernel/sched.h. */
	struct k_spinlock lock;
	int current_prio;		/* current->prio, for other cores' placement */
	struct k_thread idle;
	struct runq rq;
	struct list_node timeouts;	/* struct timeout, by deadline */
	struct list_node timer_callbacks; /* expired k_timers whose fn is due */
	struct timeout slice;		/* time-slice end for `current` */
	struct k_thread *slice_thread;	/* whose slice `slice` measures */
	bool rotate;			/* current goes to the back of its queue */
	volatile bool need_resched;
	unsigned irq_nesting;
	ticks_t last_switch;
	ticks_t online_since;
	ticks_t hw_deadline;		/* what the timer is programmed to, 0: off */
	uint64_t irqs, switches;
	uint64_t ipis, sched_passes;	/* SGIs taken; sched_swap calls */
	uint64_t guest_timer_irqs;	/* of those irqs, the guests' timer (virt/vtimer.c) */
	void *vcpu;			/* struct vcpu loaded on this core */
	unsigned n_pinned;		/* live threads allowed on this core only (atomic) */
	struct k_spinlock call_lock;
	struct smp_call_req calls[SMP_CALL_SLOTS];
	unsigned call_head, call_tail;
	uint8_t tls[256] __aligned(16);	/* picolibc's TLS (errno) */
};

_Static_assert(__builtin_offsetof(struct cpu, stack_limit) == CPU_STACK_LIMIT, "vectors.S");
_Static_assert(__builtin_offsetof(struct cpu, overflow_sp) == CPU_OVERFLOW_SP, "vectors.S");
_Static_assert(__builtin_offsetof(struct cpu, fp_owner) == CPU_FP_OWNER, "fpsimd.S");
_Static_assert(__builtin_offsetof(struct cpu, current) == CPU_CURRENT, "fpsimd.S");
_Static_assert(__builtin_offsetof(struct cpu, fp_traps) == CPU_FP_TRAPS, "fpsimd.S");

extern struct cpu cpu_data[CONFIG_MAX_CPUS];
extern unsigned cpu_count;		/* CPUs the board describes */

static inline struct cpu *this_cpu(void)
{
	return (struct cpu *)arch_percpu_get();
}

static inline struct cpu *cpu_get(cpuid_t id)
{
	return &cpu_data[id];
}

static inline bool k_is_in_isr(void)
{
	return this_cpu()->irq_nesting > 0;
}

/* Interrupt-context code, and vCPU threads (whose FP/SIMD registers hold
 * the guest's), bracket calls to SIMD-using library routines with these so
 * those registers survive: kernel/printf_fp.c does it for every
 * snprintf/vsnprintf in the image. The save area belongs to
 * the caller (on its stack): a per-CPU one would be overwritten by a nested
 * interrupt or by another thread that runs while this one is preempted.
 * Returns whether a save happened. */
static inline bool irq_fp_begin(struct fp_state *save)
{
	struct cpu *c = this_cpu();

	if (!c || (c->irq_nesting == 0 && !(c->current && c->current->guest_fp)))
		return false;
	arch_fp_save(save);
	return true;
}

static inline void irq_fp_end(struct fp_state *save, bool saved)
{
	if (saved)
		arch_fp_restore(save);
}

#endif
