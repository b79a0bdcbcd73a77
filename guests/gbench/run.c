/*
 * Running one measurement and printing its line:
 * "BENCH <name>: n=<n> min=<ns> avg=<ns> max=<ns>".
 *
 * The counter is coarse (QEMU's runs at 62.5 MHz: 16 ns a tick) next to
 * the paths measured, and under -icount the run is deterministic, so a
 * loop whose length is a whole number of ticks would meet the counter at
 * the same phase every time and bias the average by up to a tick. A short
 * delay that changes from one iteration to the next spreads the starting
 * phase over the whole tick, which makes the average exact over many
 * iterations; min and max keep the tick's resolution.
 */
#include <lib/printf.h>
#include <lib/timer.h>
#include "gbench.h"

/* Iterations run before the counted ones and thrown away. */
#define WARMUP	16

struct stats {
	unsigned int n;
	uint64_t min, max, sum;		/* ticks */
};

static void stats_add(struct stats *s, uint64_t ticks)
{
	if (!s->n || ticks < s->min)
		s->min = ticks;
	if (ticks > s->max)
		s->max = ticks;
	s->sum += ticks;
	s->n++;
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	return ticks * 1000000000UL / timer_freq();
}

/* sum / n ticks in ns, rounded, without overflowing on long outliers. */
static uint64_t avg_ns(const struct stats *s)
{
	uint64_t freq = timer_freq();
	uint64_t whole = s->sum / s->n, rest = s->sum % s->n;

	return ticks_to_ns(whole) +
	       (rest * 1000000000UL + freq * s->n / 2) / (freq * s->n);
}

/*
 * 3(k + 1) instructions for k = 0..15 in an order that visits every k:
 * as 3 and 16 share no factor, under -icount (1 ns an instruction) the
 * next iteration starts at every phase of a 16 ns tick in turn. In
 * assembly, so the compiler cannot change the count.
 */
static void dither(unsigned int i)
{
	unsigned int turns = (i * 7) & 15;

	asm volatile("1:	nop\n"
		     "	subs	%w0, %w0, #1\n"
		     "	b.hs	1b"
		     : "+r"(turns) :: "cc");
}

void bench_run(const struct bench *b)
{
	struct stats s = { 0 };
	unsigned int i;

	if (b->setup && !b->setup()) {
		printf("BENCH %s: skipped\n", b->name);
		return;
	}
	for (i = 0; i < WARMUP + b->iterations; i++) {
		uint64_t ticks;

		dither(i);
		ticks = b->once();
		if (ticks == BENCH_FAILED)
			break;
		if (i >= WARMUP)
			stats_add(&s, ticks);
	}
	if (b->teardown)
		b->teardown();
	if (s.n < b->iterations) {
		printf("BENCH %s: failed after %u iterations\n", b->name, i);
		return;
	}
	printf("BENCH %s: n=%u min=%lu avg=%lu max=%lu\n", b->name, s.n,
	       ticks_to_ns(s.min), avg_ns(&s), ticks_to_ns(s.max));
}
