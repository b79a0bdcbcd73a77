/*
 * Mutexes with priority inheritance: a thread that blocks on a mutex lends
 * its priority to the owner until the owner releases it, so a low-priority
 * owner cannot be starved by middle-priority work (priority inversion).
 * Inheritance is one level deep (the owner's own blocking is not chased).
 */
#include <errno.h>
#include "sched.h"

int k_mutex_init(struct k_mutex *m)
{
	m->owner = NULL;
	m->lock_count = 0;
	m->owner_orig_prio = 0;
	wait_q_init(&m->wq);
	return 0;
}

/* The priority the owner deserves: its own, or its best waiter's (a waiter
 * that just timed out may count until it has left the queue). All with the
 * wait queue's lock held, which guards the mutex's fields. */
static int owner_target_prio(struct k_mutex *m)
{
	int w = wait_q_best_prio(&m->wq);

	return w < m->owner_orig_prio ? w : m->owner_orig_prio;
}

int k_mutex_lock(struct k_mutex *m, k_timeout_t timeout)
{
	k_spinlock_key_t key = k_spin_lock(&m->wq.lock);
	struct k_thread *cur = k_current_get();
	int ret;

	if (!m->owner) {
		m->owner = cur;
		m->lock_count = 1;
		m->owner_orig_prio = cur->base_prio;
		k_spin_unlock(&m->wq.lock, key);
		return 0;
	}
	if (m->owner == cur) {
		m->lock_count++;
		k_spin_unlock(&m->wq.lock, key);
		return 0;
	}
	if (K_TIMEOUT_IS_NO_WAIT(timeout) || k_is_in_isr()) {
		k_spin_unlock(&m->wq.lock, key);
		return -EBUSY;
	}
	/* The owner may run, wait or be ready on any core. */
	if (cur->prio < READ_ONCE(m->owner->prio))
		sched_set_prio(m->owner, cur->prio);
	ret = sched_pend_swap(&m->wq, key, timeout);
	if (ret) {
		/* Timed out: the owner may no longer deserve our priority. */
		key = k_spin_lock(&m->wq.lock);
		if (m->owner)
			sched_set_prio(m->owner, owner_target_prio(m));
		k_spin_release(&m->wq.lock);
		sched_reschedule(key);
	}
	return ret;	/* on success the unlocker made us the owner */
}

int k_mutex_unlock(struct k_mutex *m)
{
	k_spinlock_key_t key = k_spin_lock(&m->wq.lock);
	struct k_thread *cur = k_current_get();
	struct k_thread *next;
	int prio;

	if (!m->owner) {
		k_spin_unlock(&m->wq.lock, key);
		return -EINVAL;
	}
	if (m->owner != cur) {
		k_spin_unlock(&m->wq.lock, key);
		return -EPERM;
	}
	if (--m->lock_count > 0) {
		k_spin_unlock(&m->wq.lock, key);
		return 0;
	}
	sched_set_prio(cur, m->owner_orig_prio);

	/* The new owner may run before the fields below are set, but cannot
	 * touch the mutex until we drop its lock. */
	next = sched_wake_first(&m->wq, 0);
	if (next) {
		m->owner = next;
		m->lock_count = 1;
		m->owner_orig_prio = next->base_prio;
		/* Remaining waiters lend their priority to the new owner. */
		prio = owner_target_prio(m);
		if (prio < READ_ONCE(next->prio))
			sched_set_prio(next, prio);
	} else {
		m->owner = NULL;
	}
	k_spin_release(&m->wq.lock);
	sched_reschedule(key);
	return 0;
}
