/*
 * Thread objects: creation (caller-provided or allocated memory), start,
 * affinity and priority, exit, join and reclamation, and the registry the
 * `threads` command walks.
 */
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <tandem/log.h>
#include <tandem/stack.h>
#include "sched.h"

#define STACK_PAINT 0xaaU

static struct list_node all_threads = LIST_HEAD_INIT(all_threads);
/* Guards all_threads; taken before a core lock, never inside one. */
static struct k_spinlock threads_lock;

void thread_list_add(struct k_thread *t)
{
	k_spinlock_key_t key = k_spin_lock(&threads_lock);

	list_add_tail(&all_threads, &t->all_node);
	k_spin_unlock(&threads_lock, key);
}

/* First code of every thread, entered from arch_thread_trampoline with its
 * core's lock held by the switch that brought us here. */
__noreturn void thread_start(k_thread_entry_t entry, void *p1, void *p2, void *p3)
{
	k_spin_release(&this_cpu()->lock);
	arch_irq_enable();
	entry(p1, p2, p3);
	k_thread_abort(k_current_get());
	k_panic("dead thread running");
}

static void stack_prepare(struct k_thread *t, void *stack, size_t size)
{
	t->stack = stack;
	t->stack_size = size;
	memset(stack, STACK_PAINT, size);
	*(uint64_t *)stack = STACK_CANARY;
}

k_tid_t k_thread_create(struct k_thread *t, void *stack, size_t stack_size,
			k_thread_entry_t entry, void *p1, void *p2, void *p3,
			int prio, uint32_t options, k_timeout_t delay)
{
	uint64_t top;

	if (prio < 0 || prio >= K_NUM_PRIO)
		k_panic("k_thread_create: priority %d out of range", prio);
	memset(t, 0, sizeof(*t));
	stack_prepare(t, stack, stack_size);
	top = ((uint64_t)stack + stack_size) & ~15UL;

	t->ctx.x19_x30[0] = (uint64_t)entry;
	t->ctx.x19_x30[1] = (uint64_t)p1;
	t->ctx.x19_x30[2] = (uint64_t)p2;
	t->ctx.x19_x30[3] = (uint64_t)p3;
	t->ctx.x19_x30[11] = (uint64_t)arch_thread_trampoline;
	t->ctx.sp = top;
	t->entry = entry;
	t->p1 = p1;
	t->p2 = p2;
	t->p3 = p3;
	t->prio = t->base_prio = prio;
	t->state = THREAD_NEW;
	t->cpu = k_cpu_id();
	t->cpu_mask = (1U << cpu_count) - 1;	/* choose_cpu skips cores not online */
	list_init(&t->qnode);
	list_init(&t->wait_node);
	timeout_init(&t->timeout, NULL);
	wait_q_init(&t->joiners);
	snprintf(t->name, sizeof(t->name), "thread@%lx", (unsigned long)t & 0xffff);
	thread_list_add(t);
	(void)options;
	if (!K_TIMEOUT_IS_FOREVER(delay))
		k_thread_start(t);
	return t;
}

k_tid_t k_thread_spawn(const char *name, k_thread_entry_t entry, void *p1,
		       void *p2, int prio, uint32_t cpu_mask, size_t stack_size)
{
	k_tid_t t = k_thread_alloc(name, entry, p1, p2, prio, cpu_mask, stack_size);

	if (t)
		k_thread_start(t);
	return t;
}

k_tid_t k_thread_alloc(const char *name, k_thread_entry_t entry, void *p1,
		       void *p2, int prio, uint32_t cpu_mask, size_t stack_size)
{
	struct k_thread *t = malloc(sizeof(*t));
	size_t size;
	void *stack;

	if (!t)
		return NULL;
	stack = k_stack_alloc(stack_size, &size);	/* with a guard below */
	if (!stack) {
		free(t);
		return NULL;
	}
	k_thread_create(t, stack, size, entry, p1, p2, NULL, prio, 0, K_FOREVER);
	t->stack_owned = true;
	k_thread_name_set(t, name);
	if (k_thread_cpu_mask_set(t, cpu_mask)) {
		k_thread_abort(t);
		k_thread_join(t, K_NO_WAIT);
		return NULL;
	}
	return t;
}

static unsigned *pinned_count(struct k_thread *t)
{
	return &cpu_get((cpuid_t)__builtin_ctz(t->cpu_mask))->n_pinned;
}

void k_thread_start(k_tid_t t)
{
	k_spinlock_key_t key = { arch_irq_lock() };
	bool pinned = !(t->cpu_mask & (t->cpu_mask - 1));

	/* Counted before it can run, so its core's other vCPUs trap WFI. */
	if (pinned)
		__atomic_fetch_add(pinned_count(t), 1, __ATOMIC_RELAXED);
	if (sched_wake(t, THREAD_NEW, 0))
		t->counted_pinned = pinned;
	else if (pinned)
		__atomic_fetch_sub(pinned_count(t), 1, __ATOMIC_RELAXED);
	sched_reschedule(key);
}

int k_thread_name_set(k_tid_t t, const char *name)
{
	strncpy(t->name, name, sizeof(t->name) - 1);
	t->name[sizeof(t->name) - 1] = '\0';
	return 0;
}

int k_thread_cpu_mask_set(k_tid_t t, uint32_t mask)
{
	uint32_t online = 0;

	for (cpuid_t i = 0; i < cpu_count; i++)
		if (cpu_get(i)->state == CPU_ONLINE)
			online |= 1U << i;

	if (t->state != THREAD_NEW)
		return -EINVAL;
	mask &= online;
	if (!mask)
		return -EINVAL;
	t->cpu_mask = mask;
	t->cpu = (cpuid_t)__builtin_ctz(mask);
	return 0;
}

int k_thread_cpu_pin(k_tid_t t, cpuid_t cpu)
{
	if (cpu >= cpu_count)
		return -EINVAL;
	return k_thread_cpu_mask_set(t, 1U << cpu);
}

void k_thread_priority_set(k_tid_t t, int prio)
{
	k_spinlock_key_t key;

	struct cpu *c;

	if (prio < 0 || prio >= K_NUM_PRIO)
		return;
	key = (k_spinlock_key_t){ arch_irq_lock() };
	c = sched_lock_thread(t);
	/* An inherited (boosted) priority stays until the mutex is released. */
	if (t->prio == t->base_prio || prio < t->prio)
		sched_set_prio_locked(c, t, prio);
	t->base_prio = prio;
	sched_unlock_cpu(c);
	sched_reschedule(key);
}

int k_thread_priority_get(k_tid_t t)
{
	return READ_ONCE(t->prio);
}

static void unpin(struct k_thread *t)
{
	if (t->counted_pinned) {
		__atomic_fetch_sub(pinned_count(t), 1, __ATOMIC_RELAXED);
		t->counted_pinned = false;
	}
}

/* DEAD is set with the joiners' lock held, so a joiner reads it there. */
void k_thread_abort(k_tid_t t)
{
	k_spinlock_key_t key = k_spin_lock(&t->joiners.lock);
	struct cpu *c;

	if (t == k_current_get()) {
		/* Joiners may run at once; they wait for DEAD on our lock and
		 * then for this core to switch away (k_thread_join). */
		sched_wake_all(&t->joiners, 0);
		c = this_cpu();
		arch_spin_acquire(&c->lock);
		t->state = THREAD_DEAD;
		unpin(t);
		k_spin_release(&t->joiners.lock);
		sched_swap(key);	/* never comes back */
		k_panic("dead thread '%s' resumed", t->name);
	}
	c = sched_lock_thread(t);
	if (t->state == THREAD_NEW) {
		t->state = THREAD_DEAD;
		sched_unlock_cpu(c);
		sched_wake_all(&t->joiners, 0);
		k_spin_unlock(&t->joiners.lock, key);
		return;
	}
	sched_unlock_cpu(c);
	k_spin_unlock(&t->joiners.lock, key);
	if (t->state != THREAD_DEAD)
		LOG_WRN("abort of '%s' (started, not the caller) refused", t->name);
}

static void thread_reclaim(struct k_thread *t)
{
	k_spinlock_key_t key = k_spin_lock(&threads_lock);

	list_del(&t->all_node);
	k_spin_unlock(&threads_lock, key);
	if (t->stack_owned) {
		k_stack_free(t->stack);
		free(t);
	}
}

/* A thread that died on another core may still be on its stack until that
 * core has switched away, which it does holding its lock. */
static void wait_off_cpu(struct k_thread *t)
{
	for (;;) {
		k_spinlock_key_t key = { arch_irq_lock() };
		struct cpu *c = sched_lock_thread(t);
		bool off = c->current != t;

		sched_unlock_cpu(c);
		arch_irq_unlock(key.key);
		if (off)
			return;
		cpu_relax();
	}
}

int k_thread_join(k_tid_t t, k_timeout_t timeout)
{
	k_spinlock_key_t key;
	int ret;

	if (t == k_current_get())
		return -EDEADLK;
	key = k_spin_lock(&t->joiners.lock);
	/* The one joiner reclaims t: a second would free it twice. */
	if (t->join_claimed) {
		k_spin_unlock(&t->joiners.lock, key);
		return -EINVAL;
	}
	t->join_claimed = true;
	while (t->state != THREAD_DEAD) {
		if (K_TIMEOUT_IS_NO_WAIT(timeout)) {
			t->join_claimed = false;
			k_spin_unlock(&t->joiners.lock, key);
			return -EBUSY;
		}
		ret = sched_pend_swap(&t->joiners, key, timeout);
		key = k_spin_lock(&t->joiners.lock);
		if (ret && t->state != THREAD_DEAD) {
			t->join_claimed = false;	/* timed out: another may try */
			k_spin_unlock(&t->joiners.lock, key);
			return ret;
		}
	}
	k_spin_unlock(&t->joiners.lock, key);
	wait_off_cpu(t);
	arch_fp_forget(t);
	thread_reclaim(t);
	return 0;
}

uint64_t k_thread_runtime_locked(const struct k_thread *t)
{
	k_spinlock_key_t key = { arch_irq_lock() };
	struct cpu *c = sched_lock_thread((struct k_thread *)t);
	uint64_t ticks = t->runtime_ticks;

	/* Only a switch adds to runtime_ticks: a thread that never leaves
	 * its core (a vCPU alone there) would otherwise show 0. */
	if (t->state == THREAD_RUNNING && c->current == t)
		ticks += k_cycle_get() - c->last_switch;
	sched_unlock_cpu(c);
	arch_irq_unlock(key.key);
	return ticks;
}

uint64_t k_thread_runtime(const struct k_thread *t)
{
	return k_thread_runtime_locked(t);
}

/* With threads_lock held, no thread can be reclaimed under fn. */
void k_thread_foreach(void (*fn)(const struct k_thread *t, void *arg), void *arg)
{
	k_spinlock_key_t key = k_spin_lock(&threads_lock);
	struct list_node *n;

	list_for_each(n, &all_threads)
		fn(list_entry(n, struct k_thread, all_node), arg);
	k_spin_unlock(&threads_lock, key);
}

size_t k_thread_stack_used(const struct k_thread *t)
{
	size_t i = sizeof(uint64_t);	/* skip the canary */

	if (!t->stack)
		return 0;
	while (i < t->stack_size && t->stack[i] == STACK_PAINT)
		i++;
	return t->stack_size - i;
}
