/*
 * PSCI calls over HVC. Results are narrowed to int the way Linux does:
 * PSCI defines them as 32-bit values in w0.
 */
#include <lib/psci.h>
#include <lib/sysreg.h>

static int psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return (int)smccc_hvc(fid, a1, a2, a3);
}

uint32_t psci_version(void)
{
	return (uint32_t)smccc_hvc(PSCI_VERSION, 0, 0, 0);
}

int psci_features(uint32_t fid)
{
	return psci_call(PSCI_FEATURES, fid, 0, 0);
}

int psci_migrate_info_type(void)
{
	return psci_call(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0);
}

int psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t context)
{
	return psci_call(PSCI_CPU_ON_64, mpidr, entry, context);
}

int psci_cpu_off(void)
{
	return psci_call(PSCI_CPU_OFF, 0, 0, 0);
}

int psci_cpu_suspend(uint32_t power_state, uintptr_t entry, uint64_t context)
{
	return psci_call(PSCI_CPU_SUSPEND_64, power_state, entry, context);
}

int psci_affinity_info(uint64_t mpidr, uint32_t lowest_level)
{
	return psci_call(PSCI_AFFINITY_INFO_64, mpidr, lowest_level, 0);
}

void psci_system_off(void)
{
	smccc_hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		wfi();
}
