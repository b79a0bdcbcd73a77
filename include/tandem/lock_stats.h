/*
 * Wait and hold times of an instrumented spinlock, per core: how long a
 * core spun before it got the lock (the cost other cores impose on it) and
 * how long it kept it (the cost it imposes on them). Several locks may share
 * one set of stats. The scheduler's locks (every core's and every wait
 * queue's) share one: `locks on`, then `locks` shows it.
 */
#ifndef TANDEM_LOCK_STATS_H
#define TANDEM_LOCK_STATS_H

#include <tandem/spinlock.h>
#include <arch/layout.h>

/* Waits counted by length: < 1 us, < 10 us, < 100 us, < 1 ms, longer. */
#define K_SPIN_WAIT_BUCKETS 5

struct k_spinlock_cpu_stats {
	uint64_t depth;			/* locks of these stats held now (nesting) */
	uint64_t acquired;		/* times this core took the lock */
	uint64_t contended;		/* ... of which it had to wait */
	uint64_t wait_total, wait_max;	/* counter ticks spent spinning */
	uint64_t hold_total, hold_max;	/* ticks from the outermost take to its release */
	uint64_t held_since;
	uint64_t waits[K_SPIN_WAIT_BUCKETS];
};

struct k_spinlock_stats {
	bool on;			/* first: see spin_stats_on() */
	struct k_spinlock_cpu_stats cpu[CONFIG_MAX_CPUS];
};
_Static_assert(__builtin_offsetof(struct k_spinlock_stats, on) == 0, "spin_stats_on");

/* Start counting afresh (racy against lockers: a measurement aid). */
void k_spin_stats_reset(struct k_spinlock_stats *s);
/* Turn accounting of l into s on (s) or off (NULL). Off costs the lock a
 * load and a branch or two; on, a counter read on each take and release. */
void k_spin_stats_attach(struct k_spinlock *l, struct k_spinlock_stats *s);

extern struct k_spinlock_stats sched_lock_stats;
/* The scheduler locks' accounting into sched_lock_stats, on or off. */
void sched_lock_accounting(bool on);
bool sched_lock_accounting_on(void);

#endif
