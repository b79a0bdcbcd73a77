/*
 * Scheduler internals shared by the kernel's own files (threads, sync
 * objects, timers).
 *
 * Locking (no global lock):
 * - Each core's lock (struct cpu .lock) guards its run queue, timeout list,
 *   expired-timer list, time slice and `current`, and every thread whose
 *   t->cpu names that core: the thread's state, prio, run-queue node and
 *   timeout. t->cpu itself changes only with both the old and the new
 *   core's locks held. A core holds its lock across a context switch, so a
 *   thread that is PENDING or SLEEPING is off every core once its core's
 *   lock can be taken.
 * - Each wait queue's lock guards its waiter list and the object around it
 *   (a semaphore's count, a mutex's owner, a dying thread's DEAD state).
 * - Order: wait queue lock, then core locks; two core locks in core-id
 *   order; never two wait queue locks. Both are taken with IRQs masked.
 * - A timeout runs with its core's lock held and so cannot take a wait
 *   queue's lock: it makes the thread ready and leaves its node on the
 *   wait queue; the thread unlinks itself when it runs (sched_pend_swap),
 *   and a waker that meets such a node (thread no longer PENDING) drops it.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <tandem/percpu.h>

#define K_TIMESLICE_MS 10
#define STACK_CANARY 0x54414e44454d2121ULL	/* "TANDEM!!" */

/* The lock of the core t belongs to, taken with IRQs already masked; t->cpu
 * is stable while it is held. */
struct cpu *sched_lock_thread(struct k_thread *t);
static inline void sched_unlock_cpu(struct cpu *c)
{
	arch_spin_release(&c->lock);
}

/* Make t ready (on the core placement picks) if it is still in state
 * `from`, with swap_retval = retval: a waker's call, holding no core lock.
 * For PENDING the caller holds the wait queue's lock and has unlinked t.
 * Returns whether t was woken. */
bool sched_wake(struct k_thread *t, enum thread_state from, int retval);
/* Change t's priority (re-queueing it if ready); no core lock held. */
void sched_set_prio(struct k_thread *t, int prio);
/* The same with t's core lock held (c = sched_lock_thread(t)). */
void sched_set_prio_locked(struct cpu *c, struct k_thread *t, int prio);

/* With wq's lock held, taken with key: the current thread waits on wq, the
 * lock is dropped, the core switches away. Returns the waker's swap_retval
 * (-EAGAIN on timeout), with no lock held and key restored; the thread is
 * off wq by then. Not from interrupt context. */
int sched_pend_swap(struct _wait_q *wq, k_spinlock_key_t key, k_timeout_t timeout);
/* With wq's lock held: wake its best-priority waiter, or return NULL. */
struct k_thread *sched_wake_first(struct _wait_q *wq, int retval);
void sched_wake_all(struct _wait_q *wq, int retval);
/* The best priority waiting on wq (K_IDLE_PRIO if none), wq's lock held. */
int wait_q_best_prio(struct _wait_q *wq);

/* A thread's own timeout (k_sleep, a timed wait), run by the tick. */
void sched_thread_timeout_expired(struct timeout *to);

/* On this core, with its lock held. */
void sched_timeout_add(struct timeout *t, ticks_t deadline);
void sched_timeout_reprogram(struct cpu *c);
ticks_t sched_deadline_of(k_timeout_t timeout);

/* Switch to the best thread for this CPU (maybe the current one): call with
 * this core's lock held and IRQs masked; drops the lock and restores key on
 * return. Not from interrupt context. */
void sched_swap(k_spinlock_key_t key);
/* With no lock held and IRQs masked (key): switch first if a
 * higher-priority thread became ready here, then restore key. From
 * interrupt context the switch is deferred to interrupt exit. */
void sched_reschedule(k_spinlock_key_t key);

void wait_q_init(struct _wait_q *wq);
static inline bool wait_q_empty(const struct _wait_q *wq)
{
	return list_empty(&wq->waiters);
}

/* Interrupt-path hooks. */
void sched_irq_exit(void);
void sched_timer_tick(void);

/* The bound timer driver (kernel/time.c, tandem/timer.h). */
struct timer_ops;
struct board;
void hw_timer_bind(const struct timer_ops *ops, const struct board *b);
void hw_timer_cpu_init(void);
void hw_timer_program(ticks_t deadline);
void hw_timer_disarm(void);
bool hw_timer_ready(void);		/* the clock runs: uptimes mean something */
void k_timer_run_callbacks(void);
void sched_init_cpu(struct cpu *c);
void thread_list_add(struct k_thread *t);
__noreturn void sched_start_idle(struct cpu *c);

#endif
