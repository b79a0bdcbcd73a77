/*
 * The scheduler, on CPU 0 only: fixed priorities, the most urgent ready
 * thread runs, the boot context is the idle thread (WFI). Threads block
 * by sleeping until a tick; the tick wakes them and, at interrupt exit,
 * a thread more urgent than the running one preempts it. A context is a
 * frame on its thread's own stack (vectors.S), so switching is choosing
 * which frame the exception return restores.
 */
#include <lib/sysreg.h>
#include <lib/string.h>
#include <lib/test.h>
#include "rtos.h"

#define MAX_THREADS	4
#define SPSR_EL1H	0x5UL
#define SPSR_F		BIT(6)
#define SPSR_D		BIT(9)

static struct thread *threads[MAX_THREADS];
static unsigned int nr_threads;
static struct thread idle = { .name = "idle", .prio = ~0U };
static struct thread *current = &idle;
static volatile unsigned int lock_depth;
static volatile bool resched_pending;

static void thread_returned(void)
{
	test_abort("rtos: thread '%s' returned from its entry function", current->name);
}

void thread_create(struct thread *t, const char *name, unsigned int prio,
		   void (*entry)(void *), void *arg, void *stack, size_t size)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	struct exc_frame *f = (struct exc_frame *)(top - sizeof(*f));

	if (nr_threads == MAX_THREADS)
		test_abort("rtos: more than %u threads", MAX_THREADS);
	memset(f, 0, sizeof(*f));
	f->x[0] = (uintptr_t)arg;
	f->x[30] = (uintptr_t)thread_returned;
	f->elr = (uintptr_t)entry;
	f->spsr = SPSR_EL1H | SPSR_D | SPSR_F;	/* IRQs and SErrors open */
	t->frame = f;
	t->name = name;
	t->prio = prio;
	t->sleeping = false;
	threads[nr_threads++] = t;
}

static struct thread *pick(void)
{
	struct thread *best = &idle;
	unsigned int i;

	for (i = 0; i < nr_threads; i++)
		if (!threads[i]->sleeping && threads[i]->prio < best->prio)
			best = threads[i];
	return best;
}

/* IRQs masked (exception context). */
struct exc_frame *sched_switch(struct exc_frame *frame)
{
	current->frame = frame;
	current = pick();
	return current->frame;
}

struct exc_frame *sched_irq_exit(struct exc_frame *frame)
{
	if (pick() == current)
		return frame;
	if (lock_depth) {
		resched_pending = true;
		return frame;
	}
	return sched_switch(frame);
}

/* From the tick ISR. */
void sched_tick(uint64_t tick)
{
	unsigned int i;

	for (i = 0; i < nr_threads; i++)
		if (threads[i]->sleeping && threads[i]->wake_tick <= tick)
			threads[i]->sleeping = false;
}

/* From an ISR: make @t ready now, whatever it sleeps for. */
void thread_wake(struct thread *t)
{
	t->sleeping = false;
}

void k_yield(void)
{
	asm volatile("svc #0" ::: "memory");
}

/* The tick ISR may run between the check and the SVC, hence IRQs off. */
void k_sleep_until(uint64_t tick)
{
	irq_disable();
	if (tick > tick_count()) {
		current->wake_tick = tick;
		current->sleeping = true;
		k_yield();
	}
	irq_enable();
}

/* Keep the running thread on the CPU (interrupts still come in). */
void k_sched_lock(void)
{
	lock_depth++;
}

void k_sched_unlock(void)
{
	if (--lock_depth)
		return;
	if (resched_pending) {
		resched_pending = false;
		k_yield();
	}
}

/* The boot context becomes the idle thread. */
void sched_start(void)
{
	irq_enable();
	k_yield();
	for (;;)
		wfi();
}
