/*
 * Secondary CPUs: starting one with PSCI CPU_ON to run a job, and what it
 * reports back. When the job returns the CPU calls CPU_OFF.
 */
#ifndef GUEST_LIB_SMP_H
#define GUEST_LIB_SMP_H

#include <lib/types.h>

/*
 * NR_CPUS: the CPUs the tests use. MAX_CPUS: the most a guest may start,
 * CPU indices 0..MAX_CPUS-1 with a stack and a cpu_state each (the rtos
 * load variant uses three); boot.S and guest.ld repeat it.
 */
#define NR_CPUS		3
#define MAX_CPUS	4

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

extern struct cpu_state cpu_state[MAX_CPUS];

void secondary_entry(void);
int cpu_start(unsigned int cpu, uint64_t mpidr, cpu_job_t job, void *arg);
uint64_t other_cpu_mpidr(void);

#endif
