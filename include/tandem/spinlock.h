/*
 * Spinlocks with Zephyr's interface: k_spin_lock() masks IRQs on this CPU
 * and takes a ticket lock (FIFO, so no core starves), returning the IRQ
 * state to restore on unlock.
 */
#ifndef TANDEM_SPINLOCK_H
#define TANDEM_SPINLOCK_H

#include <tandem/types.h>
#include <arch/cpu.h>
#include <arch/irqflags.h>

struct k_spinlock_stats;

struct k_spinlock {
	uint16_t next;		/* ticket handed to the next locker */
	uint16_t owner;		/* ticket now being served */
	struct k_spinlock_stats *stats;	/* wait and hold times, or NULL */
};

/* Lock accounting (lock_stats.c), for locks that carry stats: called with
 * the lock held, waited = counter ticks spent spinning for it. */
void k_spin_stats_acquired(struct k_spinlock *l, uint64_t t0, uint64_t waited);
void k_spin_stats_released(struct k_spinlock *l);

typedef struct {
	uint64_t key;
} k_spinlock_key_t;

/* Counting is on when the lock has stats and their `on` flag (the first
 * member of struct k_spinlock_stats) is set. */
static inline bool spin_stats_on(const struct k_spinlock *l)
{
	return l->stats && __atomic_load_n((const bool *)l->stats, __ATOMIC_RELAXED);
}

static inline void arch_spin_acquire(struct k_spinlock *l)
{
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	uint64_t t0;

	if (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) == me) {
		if (spin_stats_on(l))
			k_spin_stats_acquired(l, arch_counter(), 0);
		return;
	}
	t0 = spin_stats_on(l) ? arch_counter() : 0;
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		__asm__ volatile("yield");
	if (spin_stats_on(l)) {
		uint64_t t1 = arch_counter();

		/* t0 == 0: counting started while we spun. */
		k_spin_stats_acquired(l, t0 ? t0 : t1, t0 ? t1 - t0 : 0);
	}
}

static inline void arch_spin_release(struct k_spinlock *l)
{
	if (spin_stats_on(l))
		k_spin_stats_released(l);
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline k_spinlock_key_t k_spin_lock(struct k_spinlock *l)
{
	k_spinlock_key_t k = { arch_irq_lock() };

	arch_spin_acquire(l);
	return k;
}

static inline void k_spin_unlock(struct k_spinlock *l, k_spinlock_key_t key)
{
	arch_spin_release(l);
	arch_irq_unlock(key.key);
}

/* Release the lock but keep IRQs masked (handing over to a context switch). */
static inline void k_spin_release(struct k_spinlock *l)
{
	arch_spin_release(l);
}

/* Take the lock only if it is free now; IRQs are left as they are. For a
 * path that must not wait on a holder that may never let go (a fault
 * report from a core about to halt). */
static inline bool arch_spin_trylock(struct k_spinlock *l)
{
	uint16_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint16_t ticket = owner;

	return __atomic_compare_exchange_n(&l->next, &ticket, (uint16_t)(owner + 1), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline bool k_spin_is_locked(struct k_spinlock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

#endif
