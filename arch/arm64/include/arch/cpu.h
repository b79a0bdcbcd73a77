/* The few CPU facts generic code needs, arch side. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdint.h>
#include <arch/sysreg.h>

static inline void *arch_percpu_get(void)
{
	return (void *)read_sysreg(tpidr_el2);
}

static inline void arch_percpu_set(void *p)
{
	write_sysreg(tpidr_el2, p);
}

static inline uint64_t arch_mpidr(void)
{
	return read_sysreg(mpidr_el1) & 0xff00ffffffUL;
}

static inline uint64_t arch_counter(void)
{
	isb();	/* don't let the read float before earlier instructions */
	return read_sysreg(cntpct_el0);
}

#endif
