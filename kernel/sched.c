/*
 * The scheduler: per-CPU run queues with 32 fixed priorities, preemption
 * (locally at the end of a critical section or at interrupt exit, remotely
 * by IPI), round-robin time slices among equal priorities, tickless
 * per-CPU timeouts, and the idle loop. Each core has its own lock; the
 * rules are in sched.h.
 */
#include <errno.h>
#include <tandem/log.h>
#include <tandem/irq.h>
#include <tandem/lock_stats.h>
#include <arch/fp_lazy.h>
#include "sched.h"

struct k_spinlock_stats sched_lock_stats;	/* every core's and wait queue's lock */

void wait_q_init(struct _wait_q *wq)
{
	wq->lock = (struct k_spinlock){ .stats = &sched_lock_stats };
	list_init(&wq->waiters);
}

/* ---- core locks ---------------------------------------------------------- */

struct cpu *sched_lock_thread(struct k_thread *t)
{
	for (;;) {
		struct cpu *c = cpu_get(READ_ONCE(t->cpu));

		arch_spin_acquire(&c->lock);
		if (t->cpu == c->id)
			return c;
		arch_spin_release(&c->lock);	/* moved meanwhile */
	}
}

/* Two cores' locks in core-id order (one if a == b), IRQs masked. */
static void lock_two(struct cpu *a, struct cpu *b)
{
	if (a == b) {
		arch_spin_acquire(&a->lock);
	} else if (a->id < b->id) {
		arch_spin_acquire(&a->lock);
		arch_spin_acquire(&b->lock);
	} else {
		arch_spin_acquire(&b->lock);
		arch_spin_acquire(&a->lock);
	}
}

static void unlock_two(struct cpu *a, struct cpu *b)
{
	arch_spin_release(&a->lock);
	if (a != b)
		arch_spin_release(&b->lock);
}

/* IRQs masked, then this core's lock (this_cpu() is stable once masked). */
static k_spinlock_key_t lock_this_cpu(struct cpu **cp)
{
	k_spinlock_key_t key = { arch_irq_lock() };

	*cp = this_cpu();
	arch_spin_acquire(&(*cp)->lock);
	return key;
}

/* ---- placement ---------------------------------------------------------- */

/* Read without the other cores' locks: placement is a heuristic, and a
 * stale answer only costs a less ideal core. */
static int cpu_busiest_prio(struct cpu *c)
{
	int cur = READ_ONCE(c->current_prio);
	int q = runq_best_prio(&c->rq);

	return cur < q ? cur : q;
}

/* Where a thread that becomes ready should run: the allowed online CPU doing
 * the least important work (idle first), preferring where it ran last. */
static cpuid_t choose_cpu(struct k_thread *t)
{
	cpuid_t best = t->cpu;
	int best_score = -1;

	for (cpuid_t i = 0; i < cpu_count; i++) {
		struct cpu *c = cpu_get(i);
		int score;

		if (!(t->cpu_mask & (1U << i)) || c->state != CPU_ONLINE)
			continue;
		score = cpu_busiest_prio(c) * 2 + (i == t->cpu);
		if (score > best_score) {
			best_score = score;
			best = i;
		}
	}
	return best;
}

static cpuid_t place(struct k_thread *t)
{
	uint32_t mask = t->cpu_mask;

	return (mask & (mask - 1)) ? choose_cpu(t) : (cpuid_t)__builtin_ctz(mask);
}

static void kick_cpu(struct cpu *c)
{
	if (c == this_cpu())
		c->need_resched = true;
	else
		irq_send_ipi(c->id, IPI_RESCHED);
}

static void slice_arm(struct cpu *c, ticks_t now)
{
	if (!timeout_active(&c->slice))
		sched_timeout_add(&c->slice, now + k_ns_to_cycles(K_TIMESLICE_MS * 1000000ULL));
}

/* t is on no queue; c's lock and the lock of t's present core are held. */
static void enqueue(struct cpu *c, struct k_thread *t)
{
	struct cpu *home = cpu_get(t->cpu);

	if (home != c && home->slice_thread == t)
		home->slice_thread = NULL;	/* leaves: its slice there ends */
	t->cpu = c->id;
	t->state = THREAD_READY;
	runq_add_tail(&c->rq, &t->qnode, t->prio);
	/* Equal priority too: it must start a time slice for the two. */
	if (t->prio <= c->current->prio)
		kick_cpu(c);
}

bool sched_wake(struct k_thread *t, enum thread_state from, int retval)
{
	for (;;) {
		struct cpu *home = cpu_get(READ_ONCE(t->cpu));
		struct cpu *dest = cpu_get(place(t));
		bool ok;

		lock_two(home, dest);
		if (t->cpu != home->id) {
			unlock_two(home, dest);
			continue;
		}
		ok = t->state == from;
		if (ok) {
			/* A timeout left armed only costs home a spurious tick. */
			timeout_list_remove(&t->timeout);
			t->pended_on = NULL;
			t->swap_retval = retval;
			enqueue(dest, t);
		}
		unlock_two(home, dest);
		return ok;
	}
}

void sched_thread_timeout_expired(struct timeout *to)
{
	struct k_thread *t = container_of(to, struct k_thread, timeout);
	struct cpu *c = this_cpu();

	/* Armed by t on this core, which it has not left since. */
	if (t->cpu != c->id)
		k_panic("timeout of '%s' (cpu%u) fired on cpu%u", t->name, t->cpu, c->id);
	if (t->state == THREAD_PENDING)
		t->swap_retval = -EAGAIN;	/* its wait-queue node: see sched.h */
	else if (t->state == THREAD_SLEEPING)
		t->swap_retval = 0;
	else
		return;
	t->pended_on = NULL;
	enqueue(c, t);
}

ticks_t sched_deadline_of(k_timeout_t timeout)
{
	return k_cycle_get() + k_ns_to_cycles((uint64_t)timeout.ns);
}

void sched_set_prio_locked(struct cpu *c, struct k_thread *t, int prio)
{
	if (t->prio == prio)
		return;
	switch (t->state) {
	case THREAD_READY:
		runq_remove(&c->rq, &t->qnode, t->prio);
		t->prio = prio;
		runq_add_tail(&c->rq, &t->qnode, prio);
		if (prio < c->current->prio)
			kick_cpu(c);
		break;
	case THREAD_RUNNING:
		t->prio = prio;
		WRITE_ONCE(c->current_prio, prio);
		/* Lowered below a ready thread on its CPU: let it run. */
		if (runq_best_prio(&c->rq) < prio)
			kick_cpu(c);
		break;
	default:
		/* Waiting: wait queues are searched by priority at wake-up. */
		t->prio = prio;
		break;
	}
}

void sched_set_prio(struct k_thread *t, int prio)
{
	uint64_t irq = arch_irq_lock();
	struct cpu *c = sched_lock_thread(t);

	sched_set_prio_locked(c, t, prio);
	sched_unlock_cpu(c);
	arch_irq_unlock(irq);
}

/* ---- timeouts --------------------------------------------------------------- */

void sched_timeout_reprogram(struct cpu *c)
{
	struct timeout *first = timeout_list_first(&c->timeouts);

	if (!first) {
		if (c->hw_deadline) {
			hw_timer_disarm();
			c->hw_deadline = 0;
		}
		return;
	}
	if (first->deadline != c->hw_deadline) {
		hw_timer_program(first->deadline);
		c->hw_deadline = first->deadline;
	}
}

/* Timeouts always go on the current CPU's list: a thread arms one only for
 * itself while running, timers are per starting CPU. */
void sched_timeout_add(struct timeout *t, ticks_t deadline)
{
	struct cpu *c = this_cpu();

	timeout_list_remove(t);
	timeout_list_add(&c->timeouts, t, deadline);
	sched_timeout_reprogram(c);
}

/* Timer interrupt: run every expired timeout on this CPU. */
void sched_timer_tick(void)
{
	struct cpu *c;
	k_spinlock_key_t key = lock_this_cpu(&c);
	ticks_t now = k_cycle_get();
	struct timeout *t;

	c->hw_deadline = 0;	/* fired: force a reprogram */
	hw_timer_disarm();
	while ((t = timeout_list_pop_expired(&c->timeouts, now)))
		t->fn(t);
	sched_timeout_reprogram(c);
	k_spin_unlock(&c->lock, key);
}

static void slice_expired(struct timeout *t)
{
	struct cpu *c = container_of(t, struct cpu, slice);
	struct k_thread *owner = c->slice_thread;

	/* Ran out while a higher priority had preempted its owner: the owner
	 * goes behind its equals, as if it had run to the end itself. */
	if (owner && owner != c->current && owner->state == THREAD_READY &&
	    owner->cpu == c->id && runq_has_prio(&c->rq, owner->prio)) {
		runq_remove(&c->rq, &owner->qnode, owner->prio);
		runq_add_tail(&c->rq, &owner->qnode, owner->prio);
		c->slice_thread = NULL;
		return;
	}
	if (runq_has_prio(&c->rq, c->current->prio)) {
		c->rotate = true;
		c->need_resched = true;
	}
}

/* ---- switching ------------------------------------------------------------ */

static struct k_thread *pick_next(struct cpu *c, struct k_thread *prev)
{
	int best = runq_best_prio(&c->rq);
	bool prev_runs = prev->state == THREAD_RUNNING && prev != &c->idle;

	if (prev_runs && (best > prev->prio || (best == prev->prio && !c->rotate)))
		return prev;
	if (best == K_IDLE_PRIO)
		return prev_runs ? prev : &c->idle;
	return list_entry(runq_best(&c->rq), struct k_thread, qnode);
}

static void check_stack(struct k_thread *t)
{
	if (t->stack && *(uint64_t *)t->stack != STACK_CANARY)
		k_panic("stack overflow in thread '%s'", t->name);
}

void sched_swap(k_spinlock_key_t key)
{
	struct cpu *c = this_cpu();
	struct k_thread *prev = c->current;
	struct k_thread *next;
	ticks_t now;

	c->need_resched = false;
	c->sched_passes++;
	next = pick_next(c, prev);
	if (next == prev) {
		c->rotate = false;
		if (prev != &c->idle && runq_has_prio(&c->rq, prev->prio))
			slice_arm(c, k_cycle_get());
		k_spin_unlock(&c->lock, key);
		return;
	}

	now = k_cycle_get();
	prev->runtime_ticks += now - c->last_switch;
	c->last_switch = now;
	c->switches++;
	check_stack(prev);
	if (prev->state == THREAD_DEAD && c->slice_thread == prev)
		c->slice_thread = NULL;

	if (prev == &c->idle) {
		prev->state = THREAD_READY;
	} else if (prev->state == THREAD_RUNNING) {
		prev->state = THREAD_READY;
		if (c->rotate)
			runq_add_tail(&c->rq, &prev->qnode, prev->prio);
		else
			runq_add_head(&c->rq, &prev->qnode, prev->prio);
	}
	c->rotate = false;
	if (next != &c->idle)
		runq_remove(&c->rq, &next->qnode, next->prio);
	next->state = THREAD_RUNNING;
	next->cpu = c->id;
	next->switches_in++;
	c->current = next;
	WRITE_ONCE(c->current_prio, next->prio);

	if (runq_has_prio(&c->rq, next->prio)) {
		/* A thread back from a preemption by a higher priority keeps
		 * what is left of its slice: restarting it at each preemption
		 * (an RTOS tick every 1 ms) starved its equals for good. */
		if (c->slice_thread != next) {
			timeout_list_remove(&c->slice);
			c->slice_thread = next;
		}
		slice_arm(c, now);
	} else if (!c->slice_thread || c->slice_thread->state != THREAD_READY ||
		   c->slice_thread->cpu != c->id) {
		/* (A preempted owner's slice runs on under next.) */
		c->slice_thread = NULL;
		if (timeout_list_remove(&c->slice))
			sched_timeout_reprogram(c);
	}

	if (prev->switch_out)
		prev->switch_out(prev);
	if (next->switch_in)
		next->switch_in(next);
	arch_fp_switch(c, prev, next);
	/* For the vectors' overflow check (vectors.S): nothing runs on prev's
	 * stack between here and arch_switch moving sp. */
	c->stack_limit = (uintptr_t)next->stack;
	arch_switch(&prev->ctx, &next->ctx);
	/* Back in prev, possibly on another CPU, possibly much later: the
	 * lock to drop is that of the core which switched to us. */
	k_spin_unlock(&this_cpu()->lock, key);
}

void sched_reschedule(k_spinlock_key_t key)
{
	struct cpu *c = this_cpu();

	if (c->need_resched && c->irq_nesting == 0 && arch_irq_unlocked(key.key)) {
		arch_spin_acquire(&c->lock);
		sched_swap(key);
		return;
	}
	arch_irq_unlock(key.key);
}

void sched_irq_exit(void)
{
	struct cpu *c = this_cpu();

	if (c->need_resched && c->irq_nesting == 0)
		sched_swap(k_spin_lock(&c->lock));
}

/* ---- thread-facing calls ---------------------------------------------------- */

void k_yield(void)
{
	struct cpu *c;
	k_spinlock_key_t key = lock_this_cpu(&c);

	c->rotate = true;
	sched_swap(key);
}

int32_t k_sleep(k_timeout_t timeout)
{
	k_spinlock_key_t key;
	struct k_thread *t;
	struct cpu *c;
	ticks_t deadline, now;

	if (K_TIMEOUT_IS_NO_WAIT(timeout)) {
		k_yield();
		return 0;
	}
	key = lock_this_cpu(&c);
	t = c->current;
	t->state = THREAD_SLEEPING;
	deadline = 0;
	if (!K_TIMEOUT_IS_FOREVER(timeout)) {
		deadline = sched_deadline_of(timeout);
		t->timeout.fn = sched_thread_timeout_expired;
		sched_timeout_add(&t->timeout, deadline);
	}
	sched_swap(key);

	if (K_TIMEOUT_IS_FOREVER(timeout))
		return -1;
	now = k_cycle_get();
	return now >= deadline ? 0 : (int32_t)(k_cycles_to_ns(deadline - now) / 1000000);
}

void k_wakeup(k_tid_t t)
{
	k_spinlock_key_t key = { arch_irq_lock() };

	sched_wake(t, THREAD_SLEEPING, 0);
	sched_reschedule(key);
}

k_tid_t k_current_get(void)
{
	return this_cpu()->current;
}

/* ---- per-CPU start ---------------------------------------------------------- */

void sched_init_cpu(struct cpu *c)
{
	c->lock = (struct k_spinlock){ .stats = &sched_lock_stats };
	c->current_prio = K_IDLE_PRIO;
	runq_init(&c->rq);
	list_init(&c->timeouts);
	list_init(&c->timer_callbacks);
	timeout_init(&c->slice, slice_expired);
}

/* The boot context of each CPU becomes its idle thread. */
__noreturn void sched_start_idle(struct cpu *c)
{
	k_spinlock_key_t key;

	key = k_spin_lock(&c->lock);
	sched_swap(key);
	for (;;) {
		arch_irq_lock();
		if (!c->need_resched && c->rq.count == 0)
			wfi();
		arch_irq_enable();	/* a pending IRQ is taken here */
		if (READ_ONCE(c->rq.count)) {
			key = k_spin_lock(&c->lock);
			sched_swap(key);
		}
	}
}
