/* Spinlock wait/hold accounting (see include/tandem/lock_stats.h). Each
 * core writes only its own entry, with IRQs masked (it holds the lock). */
#include <string.h>
#include <tandem/lock_stats.h>
#include <tandem/percpu.h>
#include "sched.h"

static uint64_t bucket_limit[K_SPIN_WAIT_BUCKETS - 1];	/* ticks: 1 us, 10 us, ... */

static unsigned wait_bucket(uint64_t ticks)
{
	unsigned b = 0;

	if (!bucket_limit[0]) {
		uint64_t ns = 1000;

		for (unsigned i = 0; i < K_SPIN_WAIT_BUCKETS - 1; i++, ns *= 10)
			bucket_limit[i] = k_ns_to_cycles(ns);
	}
	while (b < K_SPIN_WAIT_BUCKETS - 1 && ticks >= bucket_limit[b])
		b++;
	return b;
}

void k_spin_stats_acquired(struct k_spinlock *l, uint64_t t0, uint64_t waited)
{
	struct cpu *c = this_cpu();
	struct k_spinlock_cpu_stats *s;

	if (!c)
		return;
	s = &l->stats->cpu[c->id];
	s->acquired++;
	if (waited) {
		s->contended++;
		s->wait_total += waited;
		if (waited > s->wait_max)
			s->wait_max = waited;
		s->waits[wait_bucket(waited)]++;
	}
	if (s->depth++ == 0)
		s->held_since = t0 + waited;
}

void k_spin_stats_released(struct k_spinlock *l)
{
	struct cpu *c = this_cpu();
	struct k_spinlock_cpu_stats *s;
	uint64_t held;

	if (!c)
		return;
	s = &l->stats->cpu[c->id];
	if (s->depth == 0)	/* taken before counting started */
		return;
	if (--s->depth > 0)
		return;
	held = arch_counter() - s->held_since;
	s->held_since = 0;
	s->hold_total += held;
	if (held > s->hold_max)
		s->hold_max = held;
}

void k_spin_stats_reset(struct k_spinlock_stats *s)
{
	for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++) {
		struct k_spinlock_cpu_stats *c = &s->cpu[i];
		uint64_t since = c->held_since, depth = c->depth;

		memset(c, 0, sizeof(*c));
		c->held_since = since;
		c->depth = depth;
	}
}

void k_spin_stats_attach(struct k_spinlock *l, struct k_spinlock_stats *s)
{
	__atomic_store_n(&l->stats, s, __ATOMIC_RELAXED);
}

/* Every scheduler lock points at sched_lock_stats from its init on; this
 * only flips the flag. A lock taken while it flips is counted from its next
 * take (depth guards the release). */
void sched_lock_accounting(bool on)
{
	if (!on) {
		__atomic_store_n(&sched_lock_stats.on, false, __ATOMIC_RELAXED);
		return;
	}
	/* Off, no core touches the stats: start from zero, depth too. */
	memset(sched_lock_stats.cpu, 0, sizeof(sched_lock_stats.cpu));
	__atomic_store_n(&sched_lock_stats.on, true, __ATOMIC_RELAXED);
}

bool sched_lock_accounting_on(void)
{
	return __atomic_load_n(&sched_lock_stats.on, __ATOMIC_RELAXED);
}
