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

/* The priority the owner deserves: its own, or its best waiter's. */
static int owner_target_prio(struct k_mutex *m)
{
	struct k_thread *w = wait_q_first(&m->wq);
	int prio = m->owner_orig_prio;

	if (w && w->prio < prio)
		prio = w->prio;
	return prio;
}

int k_mutex_lock(struct k_mutex *m, k_timeout_t timeout)
{
	k_spinlock_key_t key = k_spin_lock(&sched_lock);
	struct k_thread *cur = this_cpu()->current;
	int ret;

	if (!m->owner) {
		m->owner = cur;
		m->lock_count = 1;
		m->owner_orig_prio = cur->base_prio;
		k_spin_unlock(&sched_lock, key);
		return 0;
	}
	if (m->owner == cur) {
		m->lock_count++;
		k_spin_unlock(&sched_lock, key);
		return 0;
	}
	if (K_TIMEOUT_IS_NO_WAIT(timeout) || k_is_in_isr()) {
		k_spin_unlock(&sched_lock, key);
		return -EBUSY;
	}
	if (cur->prio < m->owner->prio)
		sched_set_prio(m->owner, cur->prio);
	sched_pend(&m->wq, timeout);
	sched_swap(key);

	ret = cur->swap_retval;
	if (ret) {
		/* Timed out: the owner may no longer deserve our priority. */
		key = k_spin_lock(&sched_lock);
		if (m->owner)
			sched_set_prio(m->owner, owner_target_prio(m));
		sched_reschedule(key);
	}
	return ret;	/* on success the unlocker made us the owner */
}

int k_mutex_unlock(struct k_mutex *m)
{
	k_spinlock_key_t key = k_spin_lock(&sched_lock);
	struct k_thread *cur = this_cpu()->current;
	struct k_thread *next;

	if (!m->owner) {
		k_spin_unlock(&sched_lock, key);
		return -EINVAL;
	}
	if (m->owner != cur) {
		k_spin_unlock(&sched_lock, key);
		return -EPERM;
	}
	if (--m->lock_count > 0) {
		k_spin_unlock(&sched_lock, key);
		return 0;
	}
	sched_set_prio(cur, m->owner_orig_prio);

	next = sched_unpend_first(&m->wq);
	if (next) {
		m->owner = next;
		m->lock_count = 1;
		m->owner_orig_prio = next->base_prio;
		next->swap_retval = 0;
		/* Remaining waiters lend their priority to the new owner. */
		next->prio = owner_target_prio(m) < next->prio ?
			     owner_target_prio(m) : next->prio;
		sched_ready(next);
	} else {
		m->owner = NULL;
	}
	sched_reschedule(key);
	return 0;
}
