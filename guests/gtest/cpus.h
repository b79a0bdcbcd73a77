/*
 * The gtest CPUs beyond CPU 0: their MPIDRs (from the redistributor
 * frames, in frame order: CPU n is frame n on QEMU virt and under Tandem),
 * and waiting for one to be OFF again after its job returned.
 */
#ifndef GTEST_CPUS_H
#define GTEST_CPUS_H

#include <lib/types.h>

/* MPIDR of CPU n, or ~0 if there is no such frame. */
uint64_t gtest_cpu_mpidr(unsigned int n);
/* AFFINITY_INFO says OFF within 2 s. */
bool gtest_wait_off(uint64_t mpidr);

#endif
