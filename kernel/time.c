/*
 * Time: conversions between generic-timer ticks and nanoseconds, uptime,
 * busy waits, and k_timer (one-shot and periodic timers on the tickless
 * per-CPU timeout lists).
 */
#include <errno.h>
#include <tandem/board.h>
#include <tandem/log.h>
#include <tandem/timer.h>
#include "sched.h"

static const struct timer_ops *timer;
static uint64_t timer_freq;	/* Hz of arch_counter() */

void hw_timer_bind(const struct timer_ops *ops, const struct board *b)
{
	timer = ops;
	timer_freq = ops->init(b, sched_timer_tick);
	if (timer_freq == 0)
		k_panic("timer: CNTFRQ_EL0 is 0 and the DTB gives no clock-frequency");
}

void hw_timer_cpu_init(void)
{
	timer->init_cpu();
}

void hw_timer_program(ticks_t deadline)
{
	timer->program(deadline);
}

void hw_timer_disarm(void)
{
	timer->disarm();
}

bool hw_timer_ready(void)
{
	return timer_freq != 0;
}

ticks_t k_cycle_get(void)
{
	return arch_counter();
}

uint64_t k_cycles_to_ns(ticks_t c)
{
	return (uint64_t)(((__uint128_t)c * 1000000000U) / timer_freq);
}

ticks_t k_ns_to_cycles(uint64_t ns)
{
	uint64_t f = timer_freq;

	return (ticks_t)(((__uint128_t)ns * f + 999999999U) / 1000000000U);
}

uint64_t k_uptime_ns(void)
{
	return k_cycles_to_ns(k_cycle_get());
}

int64_t k_uptime_get(void)
{
	return (int64_t)(k_uptime_ns() / 1000000);
}

void k_busy_wait(uint32_t usec)
{
	ticks_t end = k_cycle_get() + k_ns_to_cycles((uint64_t)usec * 1000);

	while (k_cycle_get() < end)
		cpu_relax();
}

/* ---- k_timer ---------------------------------------------------------------- */

/* In the tick, with the timer's core lock held. Waiters are woken in the
 * callback pass, which may take their wait queue's lock. */
static void k_timer_expired(struct timeout *to)
{
	struct k_timer *t = container_of(to, struct k_timer, timeout);
	struct cpu *c = this_cpu();

	t->status++;
	if (t->period)
		timeout_list_add(&c->timeouts, &t->timeout, to->deadline + t->period);
	if (!list_linked(&t->cb_node))
		list_add_tail(&c->timer_callbacks, &t->cb_node);
}

/* After the timeout pass, without the core's lock: wake the timer's waiters,
 * then run its expiry function, which may give semaphores or start
 * threads. */
void k_timer_run_callbacks(void)
{
	struct cpu *c = this_cpu();

	/* Hot path of every interrupt: only this core adds to the list, with
	 * interrupts masked, so an empty list read here is really empty. */
	if (list_empty(&c->timer_callbacks))
		return;
	for (;;) {
		k_spinlock_key_t key = k_spin_lock(&c->lock);
		struct list_node *n = list_first(&c->timer_callbacks);
		struct k_timer *t;

		if (!n) {
			k_spin_unlock(&c->lock, key);
			return;
		}
		list_del(n);
		t = container_of(n, struct k_timer, cb_node);
		k_spin_release(&c->lock);
		arch_spin_acquire(&t->wq.lock);
		sched_wake_all(&t->wq, 0);
		k_spin_unlock(&t->wq.lock, key);
		if (t->expiry)
			t->expiry(t);
	}
}

void k_timer_init(struct k_timer *t, k_timer_expiry_t expiry, void *unused)
{
	timeout_init(&t->timeout, k_timer_expired);
	list_init(&t->cb_node);
	t->cpu = 0;
	t->period = 0;
	t->expiry = expiry;
	t->status = 0;
	wait_q_init(&t->wq);
	(void)unused;
}

/* Off the list of the core it was armed on (t->cpu), IRQs masked. */
static void timer_disarm(struct k_timer *t)
{
	struct cpu *old = cpu_get(t->cpu);

	arch_spin_acquire(&old->lock);
	timeout_list_remove(&t->timeout);
	if (list_linked(&t->cb_node))
		list_del(&t->cb_node);
	arch_spin_release(&old->lock);
}

/* Timers run on the core that starts them. Starting or stopping one timer
 * from two threads at once is not supported (as in Zephyr). */
void k_timer_start(struct k_timer *t, k_timeout_t duration, k_timeout_t period)
{
	k_spinlock_key_t key = { arch_irq_lock() };
	struct cpu *c = this_cpu();

	timer_disarm(t);
	arch_spin_acquire(&c->lock);
	t->status = 0;
	t->period = (period.ns > 0) ? k_ns_to_cycles((uint64_t)period.ns) : 0;
	t->cpu = c->id;
	if (!K_TIMEOUT_IS_FOREVER(duration))
		sched_timeout_add(&t->timeout, sched_deadline_of(duration));
	k_spin_unlock(&c->lock, key);
}

void k_timer_stop(struct k_timer *t)
{
	k_spinlock_key_t key = { arch_irq_lock() };

	timer_disarm(t);
	arch_spin_acquire(&t->wq.lock);
	sched_wake_all(&t->wq, -EAGAIN);
	k_spin_release(&t->wq.lock);
	sched_reschedule(key);
}

uint32_t k_timer_status_sync(struct k_timer *t)
{
	k_spinlock_key_t key = k_spin_lock(&t->wq.lock);
	struct cpu *c = cpu_get(t->cpu);
	uint32_t st;
	bool wait;

	/* The status and the timeout change together under the timer's core
	 * lock; the wake-up comes later, under the wait queue's, which we
	 * hold until we wait. */
	arch_spin_acquire(&c->lock);
	wait = t->status == 0 && timeout_active(&t->timeout);
	arch_spin_release(&c->lock);
	if (wait) {
		sched_pend_swap(&t->wq, key, K_FOREVER);
		key = k_spin_lock(&t->wq.lock);
	}
	arch_spin_acquire(&c->lock);
	st = t->status;
	t->status = 0;
	arch_spin_release(&c->lock);
	k_spin_unlock(&t->wq.lock, key);
	return st;
}
