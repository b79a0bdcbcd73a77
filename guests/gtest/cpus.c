/*
 * Helpers the multi-CPU tests share (cpus.h).
 */
#include <lib/gic.h>
#include <lib/psci.h>
#include <lib/timer.h>
#include "cpus.h"

uint64_t gtest_cpu_mpidr(unsigned int n)
{
	uintptr_t frames[GICR_MAX_FRAMES];
	unsigned int count = gicr_walk(frames, GICR_MAX_FRAMES);

	if (n >= count)
		return ~0UL;
	return gicr_aff_to_mpidr(gicr_typer(frames[n]));
}

bool gtest_wait_off(uint64_t mpidr)
{
	return WAIT_FOR(psci_affinity_info(mpidr, 0) == PSCI_AFF_OFF, EVENT_TIMEOUT_US);
}
