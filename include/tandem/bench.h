/* In-target hot-path micro-benchmarks (see kernel/bench.c). */
#ifndef TANDEM_BENCH_H
#define TANDEM_BENCH_H

void bench_run(void (*out)(void *ctx, const char *line), void *ctx);

#endif
