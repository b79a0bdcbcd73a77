/*
 * In-target micro-benchmarks of the hot paths, driven by the `bench` shell
 * command (and bench/run_bench.py under -icount for reproducible figures):
 * thread switch through a semaphore hand-off, IPI round trip, and timer
 * interrupt latency (deadline to handler).
 */
#include <stdio.h>
#include <tandem/bench.h>
#include <tandem/kernel.h>
#include <tandem/percpu.h>

#define SWITCH_ROUNDS 1000
#define IPI_ROUNDS 100
#define TIMER_ROUNDS 100

static struct k_sem ping, pong;

static void pong_entry(void *p1, void *p2, void *p3)
{
	for (int i = 0; i < SWITCH_ROUNDS; i++) {
		k_sem_take(&ping, K_FOREVER);
		k_sem_give(&pong);
	}
}

static void ping_entry(void *p1, void *p2, void *p3)
{
	ticks_t *elapsed = p1;
	ticks_t t0 = k_cycle_get();

	for (int i = 0; i < SWITCH_ROUNDS; i++) {
		k_sem_give(&ping);
		k_sem_take(&pong, K_FOREVER);
	}
	*elapsed = k_cycle_get() - t0;
}

/* Two threads on one core hand a semaphore back and forth: each round trip
 * is two thread switches plus two give/take pairs. */
static uint64_t bench_switch_ns(cpuid_t cpu)
{
	ticks_t elapsed = 0;
	k_tid_t a, b;

	k_sem_init(&ping, 0, 1);
	k_sem_init(&pong, 0, 1);
	b = k_thread_spawn("bench_pong", pong_entry, NULL, NULL, 10, 1U << cpu, 8192);
	a = k_thread_spawn("bench_ping", ping_entry, &elapsed, NULL, 11, 1U << cpu, 8192);
	if (!a || !b)
		return 0;
	k_thread_join(a, K_SECONDS(10));
	k_thread_join(b, K_SECONDS(10));
	return k_cycles_to_ns(elapsed) / (2 * SWITCH_ROUNDS);
}

static void nop(void *arg)
{
}

static uint64_t bench_ipi_ns(cpuid_t cpu)
{
	ticks_t t0 = k_cycle_get();

	for (int i = 0; i < IPI_ROUNDS; i++)
		smp_call(cpu, nop, NULL, true);
	return k_cycles_to_ns(k_cycle_get() - t0) / IPI_ROUNDS;
}

struct timer_probe {
	struct k_timer timer;
	ticks_t deadline;
	uint64_t min, max, sum;
	unsigned n;
	struct k_sem done;
};

static void probe_expiry(struct k_timer *t)
{
	struct timer_probe *p = container_of(t, struct timer_probe, timer);
	/* A periodic timer is re-armed before its handler runs. */
	ticks_t fired = t->timeout.deadline - t->period;
	uint64_t ns = k_cycles_to_ns(k_cycle_get() - fired);

	p->min = ns < p->min ? ns : p->min;
	p->max = ns > p->max ? ns : p->max;
	p->sum += ns;
	if (++p->n == TIMER_ROUNDS) {
		k_timer_stop(t);
		k_sem_give(&p->done);
	}
}

void bench_run(void (*out)(void *ctx, const char *line), void *ctx)
{
	static struct timer_probe probe;
	cpuid_t cpu = cpu_count > 1 ? 1 : 0;
	char line[128];

	snprintf(line, sizeof(line), "bench: thread switch (semaphore hand-off, cpu%u): %llu ns",
		 cpu, (unsigned long long)bench_switch_ns(cpu));
	out(ctx, line);
	if (cpu_count > 1 && cpu_get(1)->state == CPU_ONLINE) {
		snprintf(line, sizeof(line), "bench: IPI round trip cpu%u->cpu1 (smp_call): %llu ns",
			 k_cpu_id(), (unsigned long long)bench_ipi_ns(1));
		out(ctx, line);
	}
	probe.min = UINT64_MAX;
	probe.max = probe.sum = 0;
	probe.n = 0;
	k_sem_init(&probe.done, 0, 1);
	k_timer_init(&probe.timer, probe_expiry, NULL);
	k_timer_start(&probe.timer, K_USEC(500), K_USEC(500));
	k_sem_take(&probe.done, K_SECONDS(5));
	snprintf(line, sizeof(line),
		 "bench: timer interrupt latency (deadline to k_timer handler, %u samples): min %llu ns, avg %llu ns, max %llu ns",
		 probe.n, (unsigned long long)probe.min,
		 (unsigned long long)(probe.n ? probe.sum / probe.n : 0),
		 (unsigned long long)probe.max);
	out(ctx, line);
}
