/*
 * The system tick and the latency probe. The EL1 virtual timer fires at
 * absolute deadlines one period apart (CNTV_CVAL_EL0 += period, so the
 * tick never drifts). For each period the deadline is CNTV_CVAL_EL0 and
 * the IRQ vector reads CNTVCT_EL0 on entry (after an ISB); the latency is
 * the difference, in counter ticks, converted to ns with CNTFRQ_EL0. The
 * first RTOS_SAMPLES periods are measured; then the reporter thread is
 * woken to print the result.
 *
 * Like an RTOS tick driver, the handler never programs a deadline that
 * has passed: periods whose deadline went by while the CPU was held up
 * are all announced by the one interrupt, each with the latency it
 * really had (until the handler saw it), and the timer is set to the
 * first deadline still ahead.
 */
#include <lib/printf.h>
#include <lib/sysreg.h>
#include <lib/timer.h>
#include "rtos.h"

struct probe {
	unsigned int n;
	uint64_t min, max, sum;		/* counter ticks */
};

static uint64_t period;
static volatile uint64_t ticks;
static struct probe probe;
static volatile bool probe_done;
static struct thread *reporter;
static uint32_t sample[RTOS_SAMPLES];	/* each period's latency, counter ticks */

static void probe_add(uint64_t lat)
{
	sample[probe.n] = lat > UINT32_MAX ? UINT32_MAX : (uint32_t)lat;
	if (!probe.n || lat < probe.min)
		probe.min = lat;
	if (lat > probe.max)
		probe.max = lat;
	probe.sum += lat;
	if (++probe.n == RTOS_SAMPLES) {
		probe_done = true;
		thread_wake(reporter);
	}
}

static void tick_isr(unsigned int intid, uint64_t stamp)
{
	uint64_t cval = read_sysreg(cntv_cval_el0);
	unsigned int n = 1;
	uint64_t now;

#ifdef RTOS_LOAD_CPUS
	/* PPI 27 is banked per CPU, its ISR is not: a load CPU's own tick. */
	if (this_cpu() != 0) {
		load_tick_isr(intid, stamp);
		return;
	}
#endif
	(void)intid;
	/* A level interrupt can be seen once more after the deadline moved. */
	if (!(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS) || stamp < cval)
		return;
	if (!probe_done)
		probe_add(stamp - cval);
	now = timer_now();
	for (cval += period; cval <= now; cval += period, n++)
		if (!probe_done)
			probe_add(now - cval);
	write_sysreg(cval, cntv_cval_el0);
	isb();
	ticks += n;
	sched_tick(ticks);
	ping_tick();
}

/* This CPU's virtual timer: first deadline @first counter ticks from now, its PPI a
 * level interrupt at tick priority, enabled. */
void vtimer_start(uint64_t first)
{
	intc_irq_config(INTID_VTIMER, PRIO_TICK, false);
	write_sysreg(0, cntv_ctl_el0);
	write_sysreg(timer_now() + first, cntv_cval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
	intc_irq_enable(INTID_VTIMER);
}

void tick_start(struct thread *report_to)
{
	reporter = report_to;
	period = timer_freq() / RTOS_TICK_HZ;
	irq_connect(INTID_VTIMER, tick_isr);
	vtimer_start(period);
}

uint64_t tick_count(void)
{
	return ticks;
}

/* Counter ticks to ns, without overflow for any realistic count. */
static uint64_t to_ns(uint64_t t)
{
	uint64_t freq = timer_freq();

	return t / freq * 1000000000UL + t % freq * 1000000000UL / freq;
}

/* Histogram bucket of @ns: four per octave (1, 1.19, 1.41, 1.68 x 2^e). */
static unsigned int hist_bucket(uint64_t ns)
{
	unsigned int e = 0;

	if (ns < 2)
		return 0;
	while ((ns >> e) > 1)
		e++;
	return 1 + 4 * (e - 1) + (unsigned int)(((ns << 2) >> e) & 3);
}

/* A bucket's lower bound in ns (bucket 0: below 2 ns). */
static uint64_t hist_low(unsigned int b)
{
	unsigned int e = (b - 1) / 4 + 1, q = (b - 1) % 4;

	return b ? ((uint64_t)(4 + q) << e) >> 2 : 0;
}

#define HIST_BUCKETS (1 + 4 * 40)

/* One line, "LATHIST: <low ns>:<count> ..." for the non-empty buckets. */
void tick_latency_hist(void)
{
	static unsigned int count[HIST_BUCKETS];

	if (!probe_done)
		return;
	for (unsigned int i = 0; i < probe.n; i++) {
		unsigned int b = hist_bucket(to_ns(sample[i]));

		count[b < HIST_BUCKETS ? b : HIST_BUCKETS - 1]++;
	}
	printf("LATHIST:");
	for (unsigned int b = 0; b < HIST_BUCKETS; b++)
		if (count[b])
			printf(" %lu:%u", hist_low(b), count[b]);
	printf("\n");
}

/* The probe's result once it has all its samples. */
bool tick_latency(struct latency *out)
{
	if (!probe_done)
		return false;
	out->samples = probe.n;
	out->min_ns = to_ns(probe.min);
	out->max_ns = to_ns(probe.max);
	out->avg_ns = (to_ns(probe.sum) + probe.n / 2) / probe.n;
	return true;
}
