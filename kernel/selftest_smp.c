/*
 * Stress selftests for the per-core scheduler locks: wake-ups, timeouts,
 * priority inheritance and thread exit racing each other across cores.
 * Each checks an invariant a lost or doubled wake-up would break (tokens
 * given = tokens taken, every waiter ends, mutual exclusion holds, priorities
 * come back), and ends with a deadline instead of hanging.
 */
#include <errno.h>
#include <stdio.h>
#include <tandem/kernel.h>
#include <tandem/percpu.h>
#include <tandem/selftest.h>

#define STACK 8192
/* Far beyond what a run takes (well under a second under -icount), so only a
 * thread that is never woken misses it, even on a loaded host without
 * -icount, where a core can lose its host CPU while it holds a lock. */
#define DEADLINE_NS 30000000000ULL
#define FAIL(r, ...) do { (r)->pass = false; \
	snprintf((r)->detail, sizeof((r)->detail), __VA_ARGS__); return; } while (0)

/* Cores 1..n-1 that are online, as a mask (cpu0 alone if none). */
static uint32_t other_cores(void)
{
	uint32_t m = 0;

	for (cpuid_t c = 1; c < cpu_count; c++)
		if (cpu_get(c)->state == CPU_ONLINE)
			m |= 1U << c;
	return m ? m : 1U;
}

/* The n-th core of mask (modulo its size). */
static cpuid_t nth_core(uint32_t mask, unsigned n)
{
	unsigned k = 0;

	for (uint32_t m = mask; m; m &= m - 1)	/* no popcount: it uses SIMD */
		k++;
	n %= k;
	while (n--)
		mask &= mask - 1;
	return (cpuid_t)__builtin_ctz(mask);
}

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1664525U + 1013904223U;
	return *s >> 8;
}

static bool joined_all(k_tid_t *t, unsigned n)
{
	bool ok = true;

	for (unsigned i = 0; i < n; i++)
		if (t[i] && k_thread_join(t[i], K_SECONDS(30)))
			ok = false;
	return ok;
}

/* ---- cross-core wake vs timeout: no token lost or doubled -------------------- */

#define WAKE_PAIRS 3
#define WAKE_TOKENS 300

static struct k_sem wake_sem;
static volatile uint32_t wake_taken, wake_timeouts, wake_givers_done;

static void wake_giver(void *p1, void *p2, void *p3)
{
	uint32_t seed = (uint32_t)(uintptr_t)p1;

	for (int i = 0; i < WAKE_TOKENS; i++) {
		k_sem_give(&wake_sem);
		/* About as long as the takers' timeouts: both ends race. */
		k_busy_wait(rnd(&seed) % 40);
	}
	__atomic_fetch_add(&wake_givers_done, 1, __ATOMIC_RELAXED);
}

static void wake_taker(void *p1, void *p2, void *p3)
{
	uint32_t seed = (uint32_t)(uintptr_t)p1;
	ticks_t end = k_cycle_get() + k_ns_to_cycles(DEADLINE_NS);

	while (__atomic_load_n(&wake_taken, __ATOMIC_RELAXED) < WAKE_PAIRS * WAKE_TOKENS &&
	       k_cycle_get() < end) {
		/* Timeouts of a few us land right on the gives. */
		int ret = k_sem_take(&wake_sem, K_USEC(1 + rnd(&seed) % 30));

		if (ret == 0)
			__atomic_fetch_add(&wake_taken, 1, __ATOMIC_RELAXED);
		else
			__atomic_fetch_add(&wake_timeouts, 1, __ATOMIC_RELAXED);
	}
}

/* Takes its core in bursts: a taker whose wait timed out stays ready, still
 * on the wait queue, while a giver elsewhere looks at it. */
static void wake_hog(void *p1, void *p2, void *p3)
{
	uint32_t seed = (uint32_t)(uintptr_t)p1;

	while (wake_givers_done < WAKE_PAIRS) {
		k_busy_wait(rnd(&seed) % 40);
		k_sleep(K_USEC(1 + rnd(&seed) % 40));
	}
}

void test_wake_cross(struct selftest_result *r)
{
	uint32_t cores = other_cores();
	k_tid_t t[2 * WAKE_PAIRS], hogs[CONFIG_MAX_CPUS];
	unsigned nhogs = 0;

	k_sem_init(&wake_sem, 0, 0xffffffffU);
	wake_taken = wake_timeouts = wake_givers_done = 0;
	for (uint32_t m = cores; m; m &= m - 1, nhogs++)
		hogs[nhogs] = k_thread_spawn("st_whog", wake_hog, (void *)(uintptr_t)(nhogs + 3),
					     NULL, 5, 1U << __builtin_ctz(m), STACK);
	for (unsigned i = 0; i < WAKE_PAIRS; i++) {
		/* Takers may run anywhere but cpu0: wakes move them between cores. */
		t[2 * i] = k_thread_spawn("st_wtake", wake_taker, (void *)(uintptr_t)(i + 7),
					  NULL, 12, cores, STACK);
		t[2 * i + 1] = k_thread_spawn("st_wgive", wake_giver, (void *)(uintptr_t)(i + 1),
					      NULL, 12, 1U << nth_core(cores, i + 1), STACK);
	}
	if (!joined_all(t, 2 * WAKE_PAIRS) || !joined_all(hogs, nhogs))
		FAIL(r, "a thread did not finish");
	if (wake_givers_done != WAKE_PAIRS)
		FAIL(r, "givers done %u of %u", wake_givers_done, WAKE_PAIRS);
	if (wake_taken + k_sem_count_get(&wake_sem) != WAKE_PAIRS * WAKE_TOKENS)
		FAIL(r, "given %u, taken %u + left %u (lost or doubled wake-up)",
		     WAKE_PAIRS * WAKE_TOKENS, wake_taken, k_sem_count_get(&wake_sem));
	if (k_sem_count_get(&wake_sem))
		FAIL(r, "%u tokens left after the takers' deadline", k_sem_count_get(&wake_sem));
	snprintf(r->detail, sizeof(r->detail), "%u tokens across cores, %u timeouts raced",
		 wake_taken, wake_timeouts);
}

/* ---- k_sleep vs k_wakeup from other cores -------------------------------------- */

#define SLEEPERS 3
#define SLEEP_ROUNDS 200

static k_tid_t sleepers[SLEEPERS];
static volatile uint32_t sleep_rounds[SLEEPERS], sleep_bad_ret;
static volatile bool sleep_stop;

static void sleeper(void *p1, void *p2, void *p3)
{
	unsigned i = (unsigned)(uintptr_t)p1;
	uint32_t seed = i + 3;

	for (int n = 0; n < SLEEP_ROUNDS; n++) {
		/* Every other round for ever: only a k_wakeup ends it. */
		int32_t left = k_sleep((n & 1) ? K_FOREVER : K_USEC(1 + rnd(&seed) % 40));

		if (!(n & 1) && left != 0 && left != 1)
			__atomic_fetch_add(&sleep_bad_ret, 1, __ATOMIC_RELAXED);
		sleep_rounds[i] = (uint32_t)n + 1;
	}
}

static void waker(void *p1, void *p2, void *p3)
{
	uint32_t seed = (uint32_t)(uintptr_t)p1;

	while (!sleep_stop) {
		k_wakeup(sleepers[rnd(&seed) % SLEEPERS]);
		k_busy_wait(rnd(&seed) % 15);
	}
}

void test_sleep_wake_race(struct selftest_result *r)
{
	uint32_t cores = other_cores();
	k_tid_t w[2];
	ticks_t end;
	bool done = false;

	sleep_stop = false;
	sleep_bad_ret = 0;
	for (unsigned i = 0; i < SLEEPERS; i++) {
		sleep_rounds[i] = 0;
		/* Created stopped, so the wakers never see a half-made thread. */
		sleepers[i] = k_thread_alloc("st_sleeper", sleeper, (void *)(uintptr_t)i, NULL,
					     11, cores, STACK);
	}
	for (unsigned i = 0; i < SLEEPERS; i++)
		if (sleepers[i])
			k_thread_start(sleepers[i]);
	w[0] = k_thread_spawn("st_waker", waker, (void *)1, NULL, 13,
			      1U << nth_core(cores, 0), STACK);
	w[1] = k_thread_spawn("st_waker", waker, (void *)2, NULL, 13,
			      1U << nth_core(cores, 1), STACK);
	end = k_cycle_get() + k_ns_to_cycles(DEADLINE_NS);
	while (!done && k_cycle_get() < end) {
		done = true;
		for (unsigned i = 0; i < SLEEPERS; i++)
			done &= sleep_rounds[i] == SLEEP_ROUNDS;
		k_msleep(1);
	}
	sleep_stop = true;
	if (!joined_all(w, 2))
		FAIL(r, "a waker did not finish");
	if (!done) {
		/* Wake the stuck ones so they can be joined. */
		for (int k = 0; k < 2 * SLEEP_ROUNDS; k++)
			for (unsigned i = 0; i < SLEEPERS; i++)
				k_wakeup(sleepers[i]);
	}
	if (!joined_all(sleepers, SLEEPERS))
		FAIL(r, "a sleeper did not finish");
	if (!done)
		FAIL(r, "sleepers stuck at rounds %u %u %u of %u", sleep_rounds[0],
		     sleep_rounds[1], sleep_rounds[2], SLEEP_ROUNDS);
	if (sleep_bad_ret)
		FAIL(r, "%u timed sleeps returned an impossible time left", sleep_bad_ret);
	snprintf(r->detail, sizeof(r->detail), "%u sleepers x %u rounds, woken from 2 cores",
		 SLEEPERS, SLEEP_ROUNDS);
}

/* ---- mutex: exclusion and priority inheritance across cores -------------------- */

#define PI_THREADS 4
#define PI_ROUNDS 150

static struct k_mutex pim;
static struct k_sem pim_held;
static volatile uint32_t pim_counter, pim_timeouts;
static volatile bool pim_release;

static void pim_worker(void *p1, void *p2, void *p3)
{
	uint32_t seed = (uint32_t)(uintptr_t)p1;

	for (int i = 0; i < PI_ROUNDS; i++) {
		/* Some waits time out while the owner is boosted by them. */
		int ret = k_mutex_lock(&pim, (rnd(&seed) & 1) ? K_FOREVER :
							 K_USEC(1 + rnd(&seed) % 20));
		uint32_t v;

		if (ret) {
			__atomic_fetch_add(&pim_timeouts, 1, __ATOMIC_RELAXED);
			continue;
		}
		v = pim_counter;	/* not atomic: the mutex must exclude */
		k_busy_wait(rnd(&seed) % 3);
		pim_counter = v + 1;
		k_mutex_unlock(&pim);
	}
}

static void pim_owner(void *p1, void *p2, void *p3)
{
	k_mutex_lock(&pim, K_FOREVER);
	k_sem_give(&pim_held);
	while (!pim_release)
		;
	k_mutex_unlock(&pim);
}

static void pim_waiter(void *p1, void *p2, void *p3)
{
	if (k_mutex_lock(&pim, K_SECONDS(30)) == 0)
		k_mutex_unlock(&pim);
}

void test_mutex_cross(struct selftest_result *r)
{
	uint32_t cores = other_cores();
	k_tid_t t[PI_THREADS], lo, hi;
	uint32_t expect;
	int boosted = -1, after;
	ticks_t end;

	/* Part 1: the owner on one core is boosted by a waiter on another. */
	k_mutex_init(&pim);
	k_sem_init(&pim_held, 0, 1);
	pim_release = false;
	lo = k_thread_spawn("st_pim_lo", pim_owner, NULL, NULL, 24, 1U << nth_core(cores, 0),
			    STACK);
	if (!lo || k_sem_take(&pim_held, K_SECONDS(30)))
		FAIL(r, "owner did not lock");
	hi = k_thread_spawn("st_pim_hi", pim_waiter, NULL, NULL, 6, 1U << nth_core(cores, 1),
			    STACK);
	end = k_cycle_get() + k_ns_to_cycles(DEADLINE_NS);
	while (k_cycle_get() < end && (boosted = k_thread_priority_get(lo)) != 6)
		k_msleep(1);
	pim_release = true;
	k_thread_join(hi, K_SECONDS(30));
	after = k_thread_priority_get(lo);
	k_thread_join(lo, K_SECONDS(30));
	if (boosted != 6)
		FAIL(r, "owner on cpu%u at priority %d while a priority-6 waiter on cpu%u waited",
		     nth_core(cores, 0), boosted, nth_core(cores, 1));
	if (after != 24)
		FAIL(r, "owner priority %d after unlock, expected 24", after);

	/* Part 2: contention from every core, with timed-out waits. */
	k_mutex_init(&pim);
	pim_counter = pim_timeouts = 0;
	for (unsigned i = 0; i < PI_THREADS; i++)
		t[i] = k_thread_spawn("st_pim", pim_worker, (void *)(uintptr_t)(i + 11), NULL,
				      8 + 4 * (int)i, (i & 1) ? cores : 1U << nth_core(cores, i),
				      STACK);
	if (!joined_all(t, PI_THREADS))
		FAIL(r, "a worker did not finish");
	expect = PI_THREADS * PI_ROUNDS - pim_timeouts;
	if (pim_counter != expect)
		FAIL(r, "counter %u, expected %u: the mutex did not exclude", pim_counter, expect);
	if (k_mutex_lock(&pim, K_NO_WAIT))
		FAIL(r, "mutex still owned after all workers ended");
	k_mutex_unlock(&pim);
	if (k_thread_priority_get(k_current_get()) != k_current_get()->base_prio)
		FAIL(r, "the shell's priority changed");
	snprintf(r->detail, sizeof(r->detail), "boost across cores; %u sections, %u timeouts",
		 pim_counter, pim_timeouts);
}

/* ---- thread exit and join across cores ------------------------------------------ */

#define JOIN_THREADS 24

static k_tid_t join_targets[JOIN_THREADS];
static volatile uint32_t join_ran;

static void join_short(void *p1, void *p2, void *p3)
{
	unsigned i = (unsigned)(uintptr_t)p1;
	uint32_t seed = i + 5;

	/* The ones joined from the shell outlive its first joins. */
	k_busy_wait((i & 1) ? 200 + i * 20 : rnd(&seed) % 30);
	__atomic_fetch_add(&join_ran, 1, __ATOMIC_RELAXED);
}

/* Joins one of the targets from another core with short timed joins that
 * race its exit. Below the targets' priorities: a dozen of these polling
 * on two cores (one halted by `fault`) would otherwise starve them. */
static void join_chaser(void *p1, void *p2, void *p3)
{
	k_tid_t t = join_targets[(uintptr_t)p1];
	int ret;

	while ((ret = k_thread_join(t, K_USEC(3))) == -EAGAIN)
		;
	if (ret)
		__atomic_fetch_add(&join_ran, 1000, __ATOMIC_RELAXED);	/* shows as a failure */
}

void test_join_cross(struct selftest_result *r)
{
	uint32_t cores = other_cores();
	k_tid_t chasers[JOIN_THREADS / 2];
	unsigned nchase = 0;

	join_ran = 0;
	for (unsigned i = 0; i < JOIN_THREADS; i++)
		join_targets[i] = k_thread_spawn("st_jshort", join_short, (void *)(uintptr_t)i,
						 NULL, 10 + (int)(i % 6),
						 (i % 3) ? cores : 1U << nth_core(cores, i), STACK);
	/* Half are joined by threads on other cores, half from here (the
	 * targets are short: many have ended before they are joined). */
	for (unsigned i = 0; i < JOIN_THREADS; i += 2)
		chasers[nchase++] = k_thread_spawn("st_jchase", join_chaser, (void *)(uintptr_t)i,
						   NULL, 16, 1U << nth_core(cores, i / 2 + 1), STACK);
	/* From here, untimed: only the exit's wake-up ends these waits. */
	for (unsigned i = 1; i < JOIN_THREADS; i += 2) {
		int ret = k_thread_join(join_targets[i], K_SECONDS(30));

		if (ret)
			FAIL(r, "join of target %u returned %d", i, ret);
	}
	if (!joined_all(chasers, nchase))
		FAIL(r, "a chaser did not finish");
	if (join_ran != JOIN_THREADS)
		FAIL(r, "%u threads ran (a join failed: counts 1000), expected %u", join_ran,
		     JOIN_THREADS);
	snprintf(r->detail, sizeof(r->detail), "%u threads exited and joined across cores",
		 JOIN_THREADS);
}

/* ---- two joiners of one thread ------------------------------------------------------ */

static k_tid_t twice_target;
static struct k_sem twice_go;
static volatile int twice_ret[2];

static void twice_wait(void *p1, void *p2, void *p3)
{
	k_sem_take(&twice_go, K_FOREVER);
}

static void twice_joiner(void *p1, void *p2, void *p3)
{
	twice_ret[(uintptr_t)p1] = k_thread_join(twice_target, K_FOREVER);
}

/* Two threads on two cores join one thread at once (as a shell `vm stop`
 * and the VM manager once did): one reclaims it, the other hears -EINVAL,
 * and the heap is where it was (not freed twice). */
void test_join_twice(struct selftest_result *r)
{
	uint32_t cores = other_cores();
	k_tid_t j[2];

	k_sem_init(&twice_go, 0, 1);
	twice_ret[0] = twice_ret[1] = 1;
	twice_target = k_thread_spawn("st_jtarget", twice_wait, NULL, NULL, 12, cores, STACK);
	for (unsigned i = 0; i < 2; i++)
		j[i] = k_thread_spawn("st_jtwice", twice_joiner, (void *)(uintptr_t)i, NULL, 14,
				      1U << nth_core(cores, i), STACK);
	if (!twice_target || !j[0] || !j[1])
		FAIL(r, "out of memory");
	k_msleep(20);		/* both joiners wait by now */
	k_sem_give(&twice_go);
	if (!joined_all(j, 2))
		FAIL(r, "a joiner did not finish");
	if (!((twice_ret[0] == 0 && twice_ret[1] == -EINVAL) ||
	      (twice_ret[0] == -EINVAL && twice_ret[1] == 0)))
		FAIL(r, "joins returned %d and %d, expected 0 and -EINVAL", twice_ret[0],
		     twice_ret[1]);
	snprintf(r->detail, sizeof(r->detail), "one join reclaimed, the other refused");
}
