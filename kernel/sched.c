/*
 * The scheduler: per-CPU run queues with 32 fixed priorities, preemption
 * (locally at the end of a critical section or at interrupt exit, remotely
 * by IPI), round-robin time slices among equal priorities, tickless
 * per-CPU timeouts, and the idle loop.
 */
#include <errno.h>
#include <tandem/log.h>
#include <tandem/irq.h>
#include <tandem/lock_stats.h>
#include <drivers/arch_timer.h>
#include <arch/fp_lazy.h>
#include "sched.h"

struct k_spinlock_stats sched_lock_stats;
struct k_spinlock sched_lock;	/* .stats set by `locks on` */

void wait_q_init(struct _wait_q *wq)
{
	list_init(&wq->waiters);
}

static struct runq *rq_of(cpuid_t cpu)
{
	return &cpu_get(cpu)->rq;
}

/* ---- placement ---------------------------------------------------------- */

static int cpu_busiest_prio(struct cpu *c)
{
	int cur = c->current ? c->current->prio : K_IDLE_PRIO;
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

void sched_ready(struct k_thread *t)
{
	cpuid_t target = (t->cpu_mask & (t->cpu_mask - 1)) ? choose_cpu(t) :
			 (cpuid_t)__builtin_ctz(t->cpu_mask);
	struct cpu *c = cpu_get(target);

	t->cpu = target;
	t->state = THREAD_READY;
	runq_add_tail(&c->rq, &t->qnode, t->prio);
	if (t->prio < c->current->prio)
		kick_cpu(c);
	else if (t->prio == c->current->prio)
		kick_cpu(c);	/* it must start a time slice for the two */
}

void sched_unready(struct k_thread *t)
{
	if (t->state == THREAD_READY)
		runq_remove(rq_of(t->cpu), &t->qnode, t->prio);
}

/* ---- wait queues ----------------------------------------------------------- */

static void wait_q_insert(struct _wait_q *wq, struct k_thread *t)
{
	struct list_node *pos;

	list_for_each(pos, &wq->waiters) {
		if (list_entry(pos, struct k_thread, qnode)->prio > t->prio)
			break;
	}
	list_insert_before(pos, &t->qnode);
}

static void thread_timeout_expired(struct timeout *to)
{
	struct k_thread *t = container_of(to, struct k_thread, timeout);

	if (t->state == THREAD_PENDING) {
		list_del(&t->qnode);
		t->pended_on = NULL;
		t->swap_retval = -EAGAIN;
		sched_ready(t);
	} else if (t->state == THREAD_SLEEPING) {
		t->swap_retval = 0;
		sched_ready(t);
	}
}

ticks_t sched_deadline_of(k_timeout_t timeout)
{
	return k_cycle_get() + k_ns_to_cycles((uint64_t)timeout.ns);
}

void sched_pend(struct _wait_q *wq, k_timeout_t timeout)
{
	struct k_thread *t = this_cpu()->current;

	t->state = THREAD_PENDING;
	t->pended_on = wq;
	t->swap_retval = 0;
	wait_q_insert(wq, t);
	if (!K_TIMEOUT_IS_FOREVER(timeout)) {
		t->timeout.fn = thread_timeout_expired;
		sched_timeout_add(&t->timeout, sched_deadline_of(timeout));
	}
}

void sched_unpend(struct k_thread *t)
{
	list_del(&t->qnode);
	t->pended_on = NULL;
	timeout_list_remove(&t->timeout);
}

struct k_thread *sched_unpend_first(struct _wait_q *wq)
{
	struct k_thread *t = wait_q_first(wq);

	if (t)
		sched_unpend(t);
	return t;
}

void sched_wake_all(struct _wait_q *wq, int retval)
{
	struct k_thread *t;

	while ((t = sched_unpend_first(wq))) {
		t->swap_retval = retval;
		sched_ready(t);
	}
}

void sched_set_prio(struct k_thread *t, int prio)
{
	if (t->prio == prio)
		return;
	switch (t->state) {
	case THREAD_READY:
		runq_remove(rq_of(t->cpu), &t->qnode, t->prio);
		t->prio = prio;
		runq_add_tail(rq_of(t->cpu), &t->qnode, prio);
		if (prio < cpu_get(t->cpu)->current->prio)
			kick_cpu(cpu_get(t->cpu));
		break;
	case THREAD_PENDING: {
		struct _wait_q *wq = t->pended_on;

		list_del(&t->qnode);
		t->prio = prio;
		wait_q_insert(wq, t);
		break;
	}
	case THREAD_RUNNING:
		t->prio = prio;
		/* Lowered below a ready thread on its CPU: let it run. */
		if (runq_best_prio(rq_of(t->cpu)) < prio)
			kick_cpu(cpu_get(t->cpu));
		break;
	default:
		t->prio = prio;
		break;
	}
}

/* ---- timeouts --------------------------------------------------------------- */

void sched_timeout_reprogram(struct cpu *c)
{
	struct timeout *first = timeout_list_first(&c->timeouts);

	if (!first) {
		if (c->hw_deadline) {
			arch_timer_disarm();
			c->hw_deadline = 0;
		}
		return;
	}
	if (first->deadline != c->hw_deadline) {
		arch_timer_program(first->deadline);
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
	struct cpu *c = this_cpu();
	k_spinlock_key_t key = k_spin_lock(&sched_lock);
	ticks_t now = k_cycle_get();
	struct timeout *t;

	c->hw_deadline = 0;	/* fired: force a reprogram */
	arch_timer_disarm();
	while ((t = timeout_list_pop_expired(&c->timeouts, now)))
		t->fn(t);
	sched_timeout_reprogram(c);
	k_spin_unlock(&sched_lock, key);
}

static void slice_expired(struct timeout *t)
{
	struct cpu *c = container_of(t, struct cpu, slice);

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
		k_spin_unlock(&sched_lock, key);
		return;
	}

	now = k_cycle_get();
	prev->runtime_ticks += now - c->last_switch;
	c->last_switch = now;
	c->switches++;
	check_stack(prev);

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

	if (runq_has_prio(&c->rq, next->prio)) {
		timeout_list_remove(&c->slice);
		slice_arm(c, now);
	} else {
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
	/* Back in prev, possibly on another CPU, possibly much later. */
	k_spin_unlock(&sched_lock, key);
}

void sched_reschedule(k_spinlock_key_t key)
{
	struct cpu *c = this_cpu();

	if (c->need_resched && c->irq_nesting == 0 && arch_irq_unlocked(key.key)) {
		sched_swap(key);
		return;
	}
	k_spin_unlock(&sched_lock, key);
}

void sched_irq_exit(void)
{
	struct cpu *c = this_cpu();

	if (c->need_resched && c->irq_nesting == 0)
		sched_swap(k_spin_lock(&sched_lock));
}

/* ---- thread-facing calls ---------------------------------------------------- */

void k_yield(void)
{
	k_spinlock_key_t key = k_spin_lock(&sched_lock);

	this_cpu()->rotate = true;
	sched_swap(key);
}

int32_t k_sleep(k_timeout_t timeout)
{
	k_spinlock_key_t key;
	struct k_thread *t;
	ticks_t deadline, now;

	if (K_TIMEOUT_IS_NO_WAIT(timeout)) {
		k_yield();
		return 0;
	}
	key = k_spin_lock(&sched_lock);
	t = this_cpu()->current;
	t->state = THREAD_SLEEPING;
	deadline = 0;
	if (!K_TIMEOUT_IS_FOREVER(timeout)) {
		deadline = sched_deadline_of(timeout);
		t->timeout.fn = thread_timeout_expired;
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
	k_spinlock_key_t key = k_spin_lock(&sched_lock);

	if (t->state == THREAD_SLEEPING) {
		timeout_list_remove(&t->timeout);
		sched_ready(t);
	}
	sched_reschedule(key);
}

k_tid_t k_current_get(void)
{
	return this_cpu()->current;
}

/* ---- per-CPU start ---------------------------------------------------------- */

void sched_init_cpu(struct cpu *c)
{
	runq_init(&c->rq);
	list_init(&c->timeouts);
	list_init(&c->timer_callbacks);
	timeout_init(&c->slice, slice_expired);
}

/* The boot context of each CPU becomes its idle thread. */
__noreturn void sched_start_idle(struct cpu *c)
{
	k_spinlock_key_t key;

	key = k_spin_lock(&sched_lock);
	sched_swap(key);
	for (;;) {
		arch_irq_lock();
		if (!c->need_resched && c->rq.count == 0)
			wfi();
		arch_irq_enable();	/* a pending IRQ is taken here */
		if (READ_ONCE(c->rq.count)) {
			key = k_spin_lock(&sched_lock);
			sched_swap(key);
		}
	}
}
