/*
 * rtos: boot, the two application threads and the report. Thread "a"
 * (more urgent) prints its heartbeat on each whole second of ticks;
 * thread "b" half a second later prints its own, the SGI round-trip
 * count, and, once the tick's latency probe has its samples, the one
 * LATENCY line. The guest then keeps running, so a VM console stays
 * alive; built with RTOS_ONESHOT it powers off after the LATENCY line
 * instead (the native reference run). Built with RTOS_LOAD_CPUS, other
 * CPUs run load.c's Linux-like load instead of the SGI ping; with
 * RTOS_LOAD_ONLY too, CPU 0 runs that load instead of the RTOS.
 *
 * Output:
 *   HEARTBEAT <thread> <count>
 *   PING <round trips>                  (2 CPUs only)
 *   LATENCY: samples=<n> min=<ns> avg=<ns> max=<ns>
 *   CANARY ok <checks>                  every 10th heartbeat of b
 *   CANARY BROKEN at <offset>: <value>  (and no more CANARY lines)
 */
#include <lib/printf.h>
#include <lib/psci.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "rtos.h"

#define STACK_SIZE	8192

void guest_main(void);

static struct thread thread_a, thread_b;

/* A memory canary that thread b checks each second: a host that wrote into
 * this VM's RAM (a stale pointer to a freed VM's pages, a misdirected
 * zeroing) would show here (tests/system/test_lifecycle_storm.py). */
#define CANARY_WORDS	(256 * 1024 / 8)
static uint64_t canary[CANARY_WORDS];

static uint64_t canary_value(unsigned int i)
{
	return 0x5a17c0de00000000UL ^ ((uint64_t)i * 0x9e3779b97f4a7c15UL);
}

static void canary_fill(void)
{
	for (unsigned int i = 0; i < CANARY_WORDS; i++)
		canary[i] = canary_value(i);
}

/* True while intact; prints the first damage it finds, once. */
static bool canary_check(unsigned int checks)
{
	static bool broken;

	if (broken)
		return false;
	for (unsigned int i = 0; i < CANARY_WORDS; i++)
		if (canary[i] != canary_value(i)) {
			broken = true;
			printf("CANARY BROKEN at %u: 0x%lx\n", i * 8, canary[i]);
			return false;
		}
	if (checks % 10 == 0)
		printf("CANARY ok %u\n", checks);
	return true;
}
static uint8_t stack_a[STACK_SIZE] __aligned(16);
static uint8_t stack_b[STACK_SIZE] __aligned(16);

static void thread_a_main(void *arg)
{
	uint64_t next = RTOS_TICK_HZ;
	unsigned int count;

	(void)arg;
	for (count = 1;; count++, next += RTOS_TICK_HZ) {
		k_sleep_until(next);
		k_sched_lock();
		printf("HEARTBEAT a %u\n", count);
		k_sched_unlock();
	}
}

/* Prints the LATENCY line if the probe is done; says whether it did. */
static bool report_latency(void)
{
	struct latency lat;

	if (!tick_latency(&lat))
		return false;
	k_sched_lock();
	tick_latency_hist();
	printf("LATENCY: samples=%u min=%lu avg=%lu max=%lu\n", lat.samples,
	       lat.min_ns, lat.avg_ns, lat.max_ns);
	k_sched_unlock();
#ifdef RTOS_ONESHOT
	psci_system_off();
#endif
	return true;
}

/* Woken early by the probe when it is done; otherwise once a second. */
static void thread_b_main(void *arg)
{
	uint64_t next = RTOS_TICK_HZ + RTOS_TICK_HZ / 2;
	unsigned int count = 1;
	bool reported = false;

	(void)arg;
	for (;;) {
		k_sleep_until(next);
		if (!reported)
			reported = report_latency();
		if (tick_count() < next)
			continue;
		k_sched_lock();
		printf("HEARTBEAT b %u\n", count);
		if (ping_enabled())
			printf("PING %lu\n", ping_count());
		canary_check(count);
		k_sched_unlock();
		count++;
		next += RTOS_TICK_HZ;
	}
}

void guest_main(void)
{
	printf("rtos: MPIDR_EL1 0x%lx, EL%lu, CNTFRQ_EL0 %lu Hz, tick %u Hz, latency over %u periods%s\n",
	       read_sysreg(mpidr_el1), (read_sysreg(CurrentEL) >> 2) & 3,
	       timer_freq(), RTOS_TICK_HZ, RTOS_SAMPLES,
#ifdef RTOS_ONESHOT
	       ", then SYSTEM_OFF"
#else
	       ""
#endif
	       );
	if (!timer_freq() || timer_freq() % RTOS_TICK_HZ)
		test_abort("rtos: CNTFRQ_EL0 %lu Hz is no multiple of the %u Hz tick",
			   timer_freq(), RTOS_TICK_HZ);
	write_sysreg((uintptr_t)rtos_vectors, vbar_el1);
	isb();
	if (!intc_dist_init() || !intc_cpu_init())
		test_abort("rtos: GIC set-up failed");
#if defined(RTOS_LOAD_ONLY)
	printf("rtos: load-only image: no RTOS threads, no probe\n");
	load_start();
	load_here();
#elif defined(RTOS_LOAD_CPUS)
	load_start();
#else
	ping_start();
#endif
	canary_fill();
	thread_create(&thread_a, "a", 1, thread_a_main, NULL, stack_a, sizeof(stack_a));
	thread_create(&thread_b, "b", 2, thread_b_main, NULL, stack_b, sizeof(stack_b));
	tick_start(&thread_b);
	sched_start();
}
