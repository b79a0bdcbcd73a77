/*
 * gbench: one vCPU measuring the hypervisor's hot paths (trap entry and
 * exit, exit dispatch, MMIO and system register emulation, virtual
 * interrupt injection, WFI) from inside, then SYSTEM_OFF. The figures
 * mean most under -icount shift=0 (1 ns per instruction), where
 * "Tandem minus native" counts the instructions Tandem adds;
 * bench/hotpaths.py runs both and prints the table.
 */
#include <lib/printf.h>
#include <lib/psci.h>
#include <lib/sysreg.h>
#include <lib/timer.h>
#include "gbench.h"

void guest_main(void);

static const struct bench *const benches[] = {
	&bench_null, &bench_hvc, &bench_mmio, &bench_sysreg,
	&bench_sgi_self, &bench_vtimer, &bench_wfi_wake,
};

void guest_main(void)
{
	unsigned int i;

	printf("gbench: MPIDR_EL1 0x%lx, CurrentEL %lu, CNTFRQ_EL0 %lu Hz (%lu ns a tick)\n",
	       read_sysreg(mpidr_el1), (read_sysreg(CurrentEL) >> 2) & 3,
	       timer_freq(), 1000000000UL / timer_freq());
	for (i = 0; i < ARRAY_SIZE(benches); i++)
		bench_run(benches[i]);
	printf("BENCH done\n");
	psci_system_off();
}
