/*
 * gtest: what a 3-CPU guest sees of PSCI, SMCCC, the GICv3 distributor,
 * redistributors and CPU interface, the virtual timer, an access to
 * unmapped memory and whether its FP/SIMD registers survive exits. Runs
 * at EL1 on the QEMU virt layout, natively on QEMU (the reference) and
 * under Tandem, and must pass on both.
 */
#include <lib/printf.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "gtest.h"

void guest_main(void);

/* Register reset values are read first, before any test programs the GIC. */
static const struct test_case tests[] = {
	{ "gic_reset", test_gic_reset },
	{ "gicd_regs", test_gicd_regs },
	{ "gicr_regs", test_gicr_regs },
	/* Before any test wakes CPUs 1 and 2's redistributors. */
	{ "sgi_nowake", test_sgi_nowake },
	{ "psci", test_psci },
	{ "psci_race", test_psci_race },
	{ "hvc_unknown", test_hvc_unknown },
	{ "smc", test_smc },
	{ "sgi", test_sgi },
	{ "vtimer", test_vtimer },
	{ "vtimer_pending", test_vtimer_pending },
	{ "gic_active", test_gic_active },
	{ "gic_group0", test_gic_group0 },
	{ "gic_priority", test_gic_priority },
	{ "gic_spi", test_gic_spi },
	{ "psci_suspend", test_psci_suspend },
	{ "unmapped", test_unmapped },
	{ "exc_entry", test_exc_entry },
	{ "fpsimd", test_fpsimd },
	{ "fpsimd_smp", test_fpsimd_smp },
	{ "id_regs", test_id_regs },
	{ "debug_regs", test_debug_regs },
};

void guest_main(void)
{
	printf("gtest: CPU 0 MPIDR_EL1 0x%lx, CurrentEL %lu, CNTFRQ_EL0 %lu Hz\n",
	       read_sysreg(mpidr_el1), (read_sysreg(CurrentEL) >> 2) & 3,
	       timer_freq());
	test_run(tests, ARRAY_SIZE(tests));
}
