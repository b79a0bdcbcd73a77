/*
 * Secondary CPUs: starting one with PSCI CPU_ON to run a job, and what it
 * reports back. When the job returns the CPU calls CPU_OFF.
 */
#ifndef GUEST_LIB_SMP_H
#define GUEST_LIB_SMP_H

#include <lib/types.h>

#define NR_CPUS		2

/*
 * CPU_SUSPEND's entry point is ours too; a context ID with this bit set
 * means the CPU came back from a powerdown state, which these guests
 * never request.
 */
#define CTX_RESUME	BIT(63)

typedef void (*cpu_job_t)(void *arg);

struct cpu_state {
	volatile uint64_t mpidr;	/* written by the CPU itself */
	volatile unsigned int started;	/* bumped each time it enters */
	cpu_job_t job;
	void *arg;
};

extern struct cpu_state cpu_state[NR_CPUS];

void secondary_entry(void);
int cpu_start(unsigned int cpu, uint64_t mpidr, cpu_job_t job, void *arg);
uint64_t other_cpu_mpidr(void);

#endif
