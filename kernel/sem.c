/* Counting semaphores (Zephyr's k_sem). */
#include <errno.h>
#include "sched.h"

int k_sem_init(struct k_sem *s, unsigned initial, unsigned limit)
{
	if (limit == 0 || initial > limit)
		return -EINVAL;
	s->count = initial;
	s->limit = limit;
	wait_q_init(&s->wq);
	return 0;
}

/* The count is guarded by the wait queue's lock. */
int k_sem_take(struct k_sem *s, k_timeout_t timeout)
{
	k_spinlock_key_t key = k_spin_lock(&s->wq.lock);

	if (s->count > 0) {
		s->count--;
		k_spin_unlock(&s->wq.lock, key);
		return 0;
	}
	if (K_TIMEOUT_IS_NO_WAIT(timeout) || k_is_in_isr()) {
		k_spin_unlock(&s->wq.lock, key);
		return -EBUSY;
	}
	return sched_pend_swap(&s->wq, key, timeout);
}

void k_sem_give(struct k_sem *s)
{
	k_spinlock_key_t key = k_spin_lock(&s->wq.lock);

	if (!sched_wake_first(&s->wq, 0) && s->count < s->limit)
		s->count++;
	k_spin_release(&s->wq.lock);
	sched_reschedule(key);
}

unsigned k_sem_count_get(const struct k_sem *s)
{
	return READ_ONCE(s->count);
}
