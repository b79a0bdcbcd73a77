/*
 * Wait queues: a thread waits on one with the queue's lock, then its own
 * core's; a waker takes the queue's lock, then the waiter's core lock(s)
 * (sched_wake). See kernel/sched.h for the rules, and why a timed-out
 * waiter leaves the queue itself.
 */
#include <errno.h>
#include "sched.h"

static struct k_thread *waiter_of(struct list_node *n)
{
	return list_entry(n, struct k_thread, wait_node);
}

/* The first waiter of the best priority: FIFO among equals. Priorities are
 * read without the waiters' core locks: a boost that races with this only
 * changes which of two waiters goes first. */
static struct k_thread *best_waiter(struct _wait_q *wq)
{
	struct k_thread *best = NULL;
	struct list_node *pos;

	list_for_each(pos, &wq->waiters) {
		struct k_thread *t = waiter_of(pos);

		if (!best || READ_ONCE(t->prio) < READ_ONCE(best->prio))
			best = t;
	}
	return best;
}

int wait_q_best_prio(struct _wait_q *wq)
{
	struct k_thread *t = best_waiter(wq);

	return t ? READ_ONCE(t->prio) : K_IDLE_PRIO;
}

struct k_thread *sched_wake_first(struct _wait_q *wq, int retval)
{
	struct k_thread *t;

	while ((t = best_waiter(wq))) {
		list_del(&t->wait_node);
		if (sched_wake(t, THREAD_PENDING, retval))
			return t;
		/* It timed out and is on its way out of the queue: that is
		 * done now, the next waiter gets the wake-up. */
	}
	return NULL;
}

void sched_wake_all(struct _wait_q *wq, int retval)
{
	while (sched_wake_first(wq, retval))
		;
}

int sched_pend_swap(struct _wait_q *wq, k_spinlock_key_t key, k_timeout_t timeout)
{
	struct cpu *c = this_cpu();
	struct k_thread *t = c->current;
	int ret;

	arch_spin_acquire(&c->lock);
	t->state = THREAD_PENDING;
	t->pended_on = wq;
	t->swap_retval = 0;
	list_add_tail(&wq->waiters, &t->wait_node);
	if (!K_TIMEOUT_IS_FOREVER(timeout)) {
		t->timeout.fn = sched_thread_timeout_expired;
		sched_timeout_add(&t->timeout, sched_deadline_of(timeout));
	}
	/* A waker may take wq now; it then waits for this core's lock, which
	 * is held until we are off this core. */
	arch_spin_release(&wq->lock);
	sched_swap(key);

	ret = t->swap_retval;
	if (ret) {
		/* Timed out, or woken with an error (then already unlinked). */
		key = k_spin_lock(&wq->lock);
		if (list_linked(&t->wait_node))
			list_del(&t->wait_node);
		k_spin_unlock(&wq->lock, key);
	}
	return ret;
}
