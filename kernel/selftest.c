/*
 * In-target kernel tests: what only the real kernel on real (emulated) cores
 * can show: threads run where pinned, preemption is immediate, sleeps wake
 * on time, priority inheritance works across the scheduler, IPIs arrive.
 * Each test cleans up after itself so `selftest` can run any number of times.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <tandem/bitops.h>
#include <tandem/kernel.h>
#include <tandem/page_alloc.h>
#include <tandem/percpu.h>
#include <tandem/selftest.h>
#include <tandem/stack.h>

#define TEST_STACK 8192
#define FAIL(r, ...) do { (r)->pass = false; \
	snprintf((r)->detail, sizeof((r)->detail), __VA_ARGS__); return; } while (0)

static bool online(cpuid_t c)
{
	return cpu_get(c)->state == CPU_ONLINE;
}

/* The n-th (modulo) online core other than the shell's cpu0, or cpu0. */
static cpuid_t other_cpu(unsigned n)
{
	cpuid_t others[CONFIG_MAX_CPUS];
	unsigned k = 0;

	for (cpuid_t c = 1; c < cpu_count; c++)
		if (online(c))
			others[k++] = c;
	return k ? others[n % k] : 0;
}

static uint64_t us_since(ticks_t t0)
{
	return k_cycles_to_ns(k_cycle_get() - t0) / 1000;
}

static k_tid_t spawn(const char *name, k_thread_entry_t fn, void *p1, void *p2,
		     int prio, cpuid_t cpu)
{
	return k_thread_spawn(name, fn, p1, p2, prio, 1U << cpu, TEST_STACK);
}

/* ---- threads: many threads on all cores, all finish ------------------------- */

static volatile uint32_t counter;
static volatile uint32_t cpus_seen;

static void count_entry(void *p1, void *p2, void *p3)
{
	for (int i = 0; i < 1000; i++) {
		__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
		if (i % 100 == 0)
			k_yield();
	}
	__atomic_fetch_or(&cpus_seen, 1U << k_cpu_id(), __ATOMIC_RELAXED);
}

static void test_threads(struct selftest_result *r)
{
	k_tid_t t[8];

	counter = 0;
	cpus_seen = 0;
	for (int i = 0; i < 8; i++) {
		t[i] = k_thread_spawn("st_count", count_entry, NULL, NULL, 21, K_CPU_ALL,
				      TEST_STACK);
		if (!t[i])
			FAIL(r, "spawn %d failed", i);
	}
	for (int i = 0; i < 8; i++)
		if (k_thread_join(t[i], K_SECONDS(5)))
			FAIL(r, "thread %d did not finish", i);
	if (counter != 8000)
		FAIL(r, "counter %u, expected 8000", counter);
	if (cpu_count > 1 && hweight32(cpus_seen) < 2)
		FAIL(r, "all threads ran on one core (mask %#x)", cpus_seen);
	snprintf(r->detail, sizeof(r->detail), "8 threads on cores %#x", cpus_seen);
}

/* ---- pinning: a pinned thread never runs elsewhere ------------------------- */

static void pinned_entry(void *p1, void *p2, void *p3)
{
	uintptr_t want = (uintptr_t)p1;
	volatile uint32_t *bad = p2;

	for (int i = 0; i < 40; i++) {
		if (k_cpu_id() != want)
			(*bad)++;
		if (i % 4 == 0)
			k_msleep(1);
		else
			k_yield();
	}
}

static void test_pinning(struct selftest_result *r)
{
	static volatile uint32_t bad[CONFIG_MAX_CPUS];
	k_tid_t t[CONFIG_MAX_CPUS];

	for (cpuid_t c = 0; c < cpu_count; c++) {
		t[c] = NULL;
		if (!online(c))
			continue;
		bad[c] = 0;
		t[c] = spawn("st_pin", pinned_entry, (void *)(uintptr_t)c,
			     (void *)&bad[c], 21, c);
		if (!t[c])
			FAIL(r, "spawn on cpu%u failed", c);
	}
	for (cpuid_t c = 0; c < cpu_count; c++) {
		if (!t[c])
			continue;
		if (k_thread_join(t[c], K_SECONDS(5)))
			FAIL(r, "thread pinned to cpu%u did not finish", c);
		if (bad[c])
			FAIL(r, "thread pinned to cpu%u ran elsewhere %u times", c, bad[c]);
	}
	snprintf(r->detail, sizeof(r->detail), "%u cores", k_cpu_count());
}

/* ---- preempt: a higher-priority thread made ready runs at once --------------- */

static volatile ticks_t hi_started;
static volatile uint64_t lo_progress;
static volatile bool lo_stop;

static void hi_entry(void *p1, void *p2, void *p3)
{
	uint64_t seen;

	hi_started = k_cycle_get();
	/* While we run, the low-priority thread on this core must not. */
	seen = lo_progress;
	k_busy_wait(200);
	*(volatile bool *)p1 = (lo_progress == seen);
}

static void lo_entry(void *p1, void *p2, void *p3)
{
	while (!lo_stop)
		lo_progress++;
}

static void test_preempt(struct selftest_result *r)
{
	/* The shell (priority 20, cpu0) starts a priority-5 thread on cpu0: it
	 * must have run before k_thread_start() returns. */
	void *stack = k_stack_alloc(TEST_STACK, NULL);
	struct k_thread *t = malloc(sizeof(*t));
	volatile bool quiet = false;
	ticks_t t0;
	bool ran;

	if (!stack || !t)
		FAIL(r, "out of memory");
	hi_started = 0;
	k_thread_create(t, stack, TEST_STACK, hi_entry, (void *)&quiet, NULL, NULL, 5,
			0, K_FOREVER);
	k_thread_name_set(t, "st_hi");
	k_thread_cpu_pin(t, k_cpu_id());
	t0 = k_cycle_get();
	k_thread_start(t);
	ran = hi_started != 0;
	k_thread_join(t, K_SECONDS(1));
	free(t);
	k_stack_free(stack);
	if (!ran)
		FAIL(r, "higher-priority thread had not run when start returned");
	snprintf(r->detail, sizeof(r->detail), "latency %llu ns",
		 (unsigned long long)k_cycles_to_ns(hi_started - t0));
}

static void test_preempt_remote(struct selftest_result *r)
{
	cpuid_t cpu = other_cpu(0);
	volatile bool quiet = false;
	k_tid_t lo, hi;
	ticks_t t0;
	uint64_t before;

	lo_stop = false;
	lo_progress = 0;
	hi_started = 0;
	lo = spawn("st_lo", lo_entry, NULL, NULL, 25, cpu);
	if (!lo)
		FAIL(r, "spawn failed");
	k_msleep(2);
	before = lo_progress;
	if (cpu != 0 && before == 0)
		FAIL(r, "low-priority thread never ran on cpu%u", cpu);
	t0 = k_cycle_get();
	hi = spawn("st_hi", hi_entry, (void *)&quiet, NULL, 5, cpu);
	if (!hi)
		FAIL(r, "spawn failed");
	k_thread_join(hi, K_SECONDS(1));
	lo_stop = true;
	k_thread_join(lo, K_SECONDS(1));
	if (!hi_started)
		FAIL(r, "high-priority thread never ran");
	if (!quiet)
		FAIL(r, "low-priority thread kept running while preempted");
	if (us_since(t0) > 100000)
		FAIL(r, "took too long");
	snprintf(r->detail, sizeof(r->detail), "cpu%u, latency %llu ns", cpu,
		 (unsigned long long)k_cycles_to_ns(hi_started - t0));
}

/* ---- sleep: k_sleep(10 ms) wakes on time ----------------------------------- */

static void test_sleep(struct selftest_result *r)
{
	ticks_t t0 = k_cycle_get();
	uint64_t us;

	k_msleep(10);
	us = us_since(t0);
	if (us < 10000)
		FAIL(r, "woke early: %llu us", (unsigned long long)us);
	if (us > 10000 + 2000)
		FAIL(r, "woke late: %llu us", (unsigned long long)us);
	snprintf(r->detail, sizeof(r->detail), "k_sleep(10 ms) took %llu us",
		 (unsigned long long)us);
}

/* ---- timeslice: equal priorities share a core ------------------------------ */

static volatile uint64_t slice_count[2];

static void slice_entry(void *p1, void *p2, void *p3)
{
	uintptr_t idx = (uintptr_t)p1;
	ticks_t end = *(ticks_t *)p2;

	while (k_cycle_get() < end)
		slice_count[idx]++;
}

static void test_timeslice(struct selftest_result *r)
{
	cpuid_t cpu = other_cpu(1);
	ticks_t end = k_cycle_get() + k_ns_to_cycles(60ULL * 1000000);
	k_tid_t a, b;
	unsigned sa, sb;

	slice_count[0] = slice_count[1] = 0;
	a = spawn("st_slice0", slice_entry, (void *)0, &end, 22, cpu);
	b = spawn("st_slice1", slice_entry, (void *)1, &end, 22, cpu);
	if (!a || !b)
		FAIL(r, "spawn failed");
	/* 10 ms slices: by 45 ms each has started at least twice. */
	k_msleep(45);
	sa = (unsigned)a->switches_in;
	sb = (unsigned)b->switches_in;
	k_thread_join(a, K_SECONDS(2));
	k_thread_join(b, K_SECONDS(2));
	if (!slice_count[0] || !slice_count[1])
		FAIL(r, "one thread starved (%llu/%llu)", (unsigned long long)slice_count[0],
		     (unsigned long long)slice_count[1]);
	if (cpu != 0 && (sa < 2 || sb < 2))
		FAIL(r, "no rotation: switched in %u and %u times in 45 ms", sa, sb);
	snprintf(r->detail, sizeof(r->detail), "cpu%u, %u+%u slices in 45 ms", cpu, sa, sb);
}

/* ---- semaphores ------------------------------------------------------------ */

static void sem_echo(void *p1, void *p2, void *p3)
{
	struct k_sem *in = p1, *out = p2;

	for (int i = 0; i < 100; i++) {
		if (k_sem_take(in, K_SECONDS(1)))
			return;
		k_sem_give(out);
	}
}

static void test_sem(struct selftest_result *r)
{
	static struct k_sem ping, pong, lim;
	k_tid_t t;

	k_sem_init(&ping, 0, 1);
	k_sem_init(&pong, 0, 1);
	t = spawn("st_sem", sem_echo, &ping, &pong, 19, other_cpu(2));
	if (!t)
		FAIL(r, "spawn failed");
	for (int i = 0; i < 100; i++) {
		k_sem_give(&ping);
		if (k_sem_take(&pong, K_MSEC(100)))
			FAIL(r, "no answer to ping %d", i);
	}
	k_thread_join(t, K_SECONDS(1));
	if (k_sem_take(&pong, K_NO_WAIT) != -EBUSY)
		FAIL(r, "take on an empty semaphore did not say -EBUSY");
	k_sem_init(&lim, 0, 2);
	for (int i = 0; i < 3; i++)
		k_sem_give(&lim);
	if (k_sem_count_get(&lim) != 2)
		FAIL(r, "count %u above limit 2", k_sem_count_get(&lim));
	if (k_sem_init(&lim, 3, 2) != -EINVAL)
		FAIL(r, "initial count above limit accepted");
	snprintf(r->detail, sizeof(r->detail), "100 round trips to cpu%u", other_cpu(2));
}

static void test_sem_timeout(struct selftest_result *r)
{
	static struct k_sem s;
	ticks_t t0;
	uint64_t us;
	int ret;

	k_sem_init(&s, 0, 1);
	t0 = k_cycle_get();
	ret = k_sem_take(&s, K_MSEC(5));
	us = us_since(t0);
	if (ret != -EAGAIN)
		FAIL(r, "returned %d, expected -EAGAIN", ret);
	if (us < 5000 || us > 7000)
		FAIL(r, "timed out after %llu us, expected 5000", (unsigned long long)us);
	snprintf(r->detail, sizeof(r->detail), "5 ms timeout took %llu us",
		 (unsigned long long)us);
}

/* ---- mutex priority inheritance --------------------------------------------- */

static struct k_mutex pi_mutex;
static struct k_sem pi_locked;
static volatile bool pi_release, pi_mid_done;
static volatile int pi_h_got_before_mid;

static void pi_low(void *p1, void *p2, void *p3)
{
	k_mutex_lock(&pi_mutex, K_FOREVER);
	k_sem_give(&pi_locked);
	while (!pi_release)
		;
	k_mutex_unlock(&pi_mutex);
}

static void pi_high(void *p1, void *p2, void *p3)
{
	if (k_mutex_lock(&pi_mutex, K_SECONDS(2)) == 0) {
		pi_h_got_before_mid = !pi_mid_done;
		k_mutex_unlock(&pi_mutex);
	}
}

static void pi_mid(void *p1, void *p2, void *p3)
{
	k_busy_wait(20000);	/* would starve a priority-25 owner for 20 ms */
	pi_mid_done = true;
}

static void test_mutex_pi(struct selftest_result *r)
{
	cpuid_t cpu = other_cpu(2);
	k_tid_t lo, hi, mid;
	int boosted, after;
	ticks_t t0;

	k_mutex_init(&pi_mutex);
	k_sem_init(&pi_locked, 0, 1);
	pi_release = pi_mid_done = false;
	pi_h_got_before_mid = -1;

	lo = spawn("st_pi_lo", pi_low, NULL, NULL, 25, cpu);
	if (!lo || k_sem_take(&pi_locked, K_SECONDS(1)))
		FAIL(r, "low thread did not lock");
	hi = spawn("st_pi_hi", pi_high, NULL, NULL, 5, cpu);
	/* Without -icount on a loaded host its core may take a while to run it. */
	t0 = k_cycle_get();
	do {
		k_msleep(2);
		boosted = k_thread_priority_get(lo);
	} while (boosted != 5 && us_since(t0) < 1000000);
	mid = spawn("st_pi_mid", pi_mid, NULL, NULL, 15, cpu);
	k_msleep(1);
	pi_release = true;
	k_thread_join(hi, K_SECONDS(2));
	k_thread_join(mid, K_SECONDS(2));
	after = k_thread_priority_get(lo);
	k_thread_join(lo, K_SECONDS(2));
	if (boosted != 5)
		FAIL(r, "owner priority %d while a priority-5 thread waited", boosted);
	if (after != 25)
		FAIL(r, "owner priority %d after unlock, expected 25", after);
	if (pi_h_got_before_mid != 1)
		FAIL(r, "middle-priority thread delayed the waiter (inversion)");
	if (k_mutex_unlock(&pi_mutex) != -EINVAL)
		FAIL(r, "unlock of a free mutex accepted");
	snprintf(r->detail, sizeof(r->detail), "cpu%u, owner boosted 25->5->25", cpu);
}

/* ---- k_timer ---------------------------------------------------------------- */

static volatile uint32_t timer_fires;

static void timer_fn(struct k_timer *t)
{
	timer_fires++;
}

static void test_timer(struct selftest_result *r)
{
	static struct k_timer tm;
	uint32_t at_stop;
	ticks_t t0;
	uint64_t us;

	timer_fires = 0;
	k_timer_init(&tm, timer_fn, NULL);
	t0 = k_cycle_get();
	k_timer_start(&tm, K_MSEC(2), K_MSEC(2));
	k_msleep(21);
	k_timer_stop(&tm);
	at_stop = timer_fires;
	k_msleep(5);
	if (at_stop < 9 || at_stop > 11)
		FAIL(r, "periodic 2 ms timer fired %u times in 21 ms", at_stop);
	if (timer_fires != at_stop)
		FAIL(r, "timer fired after stop");
	k_timer_start(&tm, K_MSEC(3), K_NO_WAIT);
	t0 = k_cycle_get();
	if (k_timer_status_sync(&tm) != 1)
		FAIL(r, "one-shot status not 1");
	us = us_since(t0);
	if (us < 2900 || us > 4000)
		FAIL(r, "one-shot 3 ms took %llu us", (unsigned long long)us);
	snprintf(r->detail, sizeof(r->detail), "%u periodic fires, one-shot %llu us", at_stop,
		 (unsigned long long)us);
}

/* ---- IPIs ------------------------------------------------------------------- */

static void record_cpu(void *arg)
{
	*(volatile cpuid_t *)arg = k_cpu_id();
}

static void test_ipi(struct selftest_result *r)
{
	uint64_t worst = 0;

	for (cpuid_t c = 0; c < cpu_count; c++) {
		volatile cpuid_t ran_on = 0xff;
		ticks_t t0 = k_cycle_get();
		uint64_t us;

		if (!online(c))
			continue;

		if (smp_call(c, record_cpu, (void *)&ran_on, true))
			FAIL(r, "smp_call to cpu%u failed", c);
		us = us_since(t0);
		worst = us > worst ? us : worst;
		if (ran_on != c)
			FAIL(r, "function for cpu%u ran on cpu%u", c, ran_on);
	}
	snprintf(r->detail, sizeof(r->detail), "%u cores, worst round trip %llu us",
		 k_cpu_count(), (unsigned long long)worst);
}

/* ---- heap and pages come back --------------------------------------------- */

static void test_heap(struct selftest_result *r)
{
	struct buddy_stats p0, p1;
	struct heap_stats h0, h1;
	void *blocks[32];
	void *pages[8];

	heap_stats(&h0);
	page_alloc_stats(&p0);
	for (int i = 0; i < 32; i++)
		if (!(blocks[i] = malloc((size_t)(16 << (i % 10)))))
			FAIL(r, "malloc %d failed", i);
	for (int i = 0; i < 8; i++)
		if (!(pages[i] = page_alloc((unsigned)i)))
			FAIL(r, "page_alloc order %d failed", i);
	for (int i = 31; i >= 0; i--)
		free(blocks[i]);
	for (int i = 0; i < 8; i++)
		page_free(pages[i], (unsigned)i);
	heap_stats(&h1);
	page_alloc_stats(&p1);
	if (h1.used != h0.used)
		FAIL(r, "heap use %zu -> %zu", h0.used, h1.used);
	if (p1.free_pages != p0.free_pages)
		FAIL(r, "free pages %llu -> %llu", (unsigned long long)p0.free_pages,
		     (unsigned long long)p1.free_pages);
}

const struct selftest selftests[] = {
	{ "threads", test_threads },
	{ "pinning", test_pinning },
	{ "preempt", test_preempt },
	{ "preempt_remote", test_preempt_remote },
	{ "sleep", test_sleep },
	{ "timeslice", test_timeslice },
	{ "sem", test_sem },
	{ "sem_timeout", test_sem_timeout },
	{ "mutex_pi", test_mutex_pi },
	{ "timer", test_timer },
	{ "ipi", test_ipi },
	{ "heap", test_heap },
	{ "wake_cross", test_wake_cross },
	{ "sleep_wake_race", test_sleep_wake_race },
	{ "mutex_cross", test_mutex_cross },
	{ "join_cross", test_join_cross },
	{ "join_twice", test_join_twice },
};
const unsigned selftest_count = ARRAY_SIZE(selftests);
