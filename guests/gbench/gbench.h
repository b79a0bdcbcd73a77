/*
 * gbench: the paths a guest drives through its hypervisor, each timed by
 * the virtual counter over many iterations. A measurement is a struct
 * bench: an optional set-up, one timed iteration returning its duration
 * in counter ticks, and an optional tear-down. The same image runs
 * natively on QEMU (the reference) and under Tandem; the difference of
 * the two is what the hypervisor costs.
 */
#ifndef GBENCH_H
#define GBENCH_H

#include <lib/types.h>

#define BENCH_ITERATIONS	1000
#define BENCH_TIMER_ITERATIONS	200

struct bench {
	const char *name;
	/* Returns false, after saying why, if the measurement cannot run. */
	bool (*setup)(void);
	/* One iteration's duration in ticks, or BENCH_FAILED. */
	uint64_t (*once)(void);
	void (*teardown)(void);
	unsigned int iterations;
};

/* once() gives up: an event did not arrive within EVENT_TIMEOUT_US. */
#define BENCH_FAILED	UINT64_MAX

void bench_run(const struct bench *b);

/* Synchronous exits: sync.c */
extern const struct bench bench_null, bench_hvc, bench_mmio, bench_sysreg;
/* Interrupt delivery: sgi.c and vtimer.c */
extern const struct bench bench_sgi_self, bench_vtimer, bench_wfi_wake;

#endif
