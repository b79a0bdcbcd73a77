/*
 * Scheduler internals shared by the kernel's own files (threads, sync
 * objects, timers). One global lock guards every run queue, wait queue and
 * timeout list: simple, and correct across cores.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <tandem/percpu.h>

#define K_TIMESLICE_MS 10
#define STACK_CANARY 0x54414e44454d2121ULL	/* "TANDEM!!" */

extern struct k_spinlock sched_lock;

/* All with sched_lock held. */
void sched_ready(struct k_thread *t);
void sched_unready(struct k_thread *t);
void sched_set_prio(struct k_thread *t, int prio);
void sched_pend(struct _wait_q *wq, k_timeout_t timeout);
struct k_thread *sched_unpend_first(struct _wait_q *wq);
void sched_unpend(struct k_thread *t);
void sched_wake_all(struct _wait_q *wq, int retval);
void sched_timeout_add(struct timeout *t, ticks_t deadline);
void sched_timeout_reprogram(struct cpu *c);
ticks_t sched_deadline_of(k_timeout_t timeout);

/* Switch to the best thread for this CPU (maybe the current one); drops
 * sched_lock and restores key on return. Not from interrupt context. */
void sched_swap(k_spinlock_key_t key);
/* Unlock, switching first if a higher-priority thread became ready here.
 * From interrupt context the switch is deferred to interrupt exit. */
void sched_reschedule(k_spinlock_key_t key);

void wait_q_init(struct _wait_q *wq);
static inline bool wait_q_empty(const struct _wait_q *wq)
{
	return list_empty(&wq->waiters);
}
static inline struct k_thread *wait_q_first(const struct _wait_q *wq)
{
	struct list_node *n = list_first(&wq->waiters);

	return n ? list_entry(n, struct k_thread, qnode) : NULL;
}

/* Interrupt-path hooks. */
void sched_irq_exit(void);
void sched_timer_tick(void);
void k_timer_run_callbacks(void);
void sched_init_cpu(struct cpu *c);
void thread_list_add(struct k_thread *t);
__noreturn void sched_start_idle(struct cpu *c);

#endif
