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

int k_sem_take(struct k_sem *s, k_timeout_t timeout)
{
	k_spinlock_key_t key = k_spin_lock(&sched_lock);

	if (s->count > 0) {
		s->count--;
		k_spin_unlock(&sched_lock, key);
		return 0;
	}
	if (K_TIMEOUT_IS_NO_WAIT(timeout) || k_is_in_isr()) {
		k_spin_unlock(&sched_lock, key);
		return -EBUSY;
	}
	sched_pend(&s->wq, timeout);
	sched_swap(key);
	return k_current_get()->swap_retval;
}

void k_sem_give(struct k_sem *s)
{
	k_spinlock_key_t key = k_spin_lock(&sched_lock);
	struct k_thread *t = sched_unpend_first(&s->wq);

	if (t) {
		t->swap_retval = 0;
		sched_ready(t);
	} else if (s->count < s->limit) {
		s->count++;
	}
	sched_reschedule(key);
}

unsigned k_sem_count_get(const struct k_sem *s)
{
	return READ_ONCE(s->count);
}
