/*
 * SMC Calling Convention conduits and the PSCI functions the guests use.
 * The PSCI wrappers go over HVC, the conduit QEMU and Tandem both offer a
 * guest at EL1; smccc_smc() exists for tests of the SMC path itself.
 */
#ifndef GUEST_LIB_PSCI_H
#define GUEST_LIB_PSCI_H

#include <lib/types.h>

#define PSCI_VERSION			0x84000000U
#define PSCI_CPU_SUSPEND_64		0xc4000001U
#define PSCI_CPU_OFF			0x84000002U
#define PSCI_CPU_ON_64			0xc4000003U
#define PSCI_AFFINITY_INFO_64		0xc4000004U
#define PSCI_MIGRATE_64			0xc4000005U
#define PSCI_MIGRATE_INFO_TYPE		0x84000006U
#define PSCI_MIGRATE_INFO_UP_CPU_64	0xc4000007U
#define PSCI_SYSTEM_OFF			0x84000008U
#define PSCI_SYSTEM_RESET		0x84000009U
#define PSCI_FEATURES			0x8400000aU

#define PSCI_SUCCESS			0
#define PSCI_NOT_SUPPORTED		(-1)
#define PSCI_INVALID_PARAMETERS		(-2)
#define PSCI_DENIED			(-3)
#define PSCI_ALREADY_ON			(-4)
#define PSCI_ON_PENDING			(-5)
#define PSCI_INTERNAL_FAILURE		(-6)
#define PSCI_NOT_PRESENT		(-7)
#define PSCI_DISABLED			(-8)
#define PSCI_INVALID_ADDRESS		(-9)

/* AFFINITY_INFO results */
#define PSCI_AFF_ON			0
#define PSCI_AFF_OFF			1
#define PSCI_AFF_ON_PENDING		2

/* MIGRATE_INFO_TYPE: no Trusted OS, or one that needs no migration */
#define PSCI_TOS_NOT_PRESENT_MP		2

/* Raw calls: x0 = function ID, x1..x3 = arguments; the result is x0. */
uint64_t smccc_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
uint64_t smccc_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

uint32_t psci_version(void);
int psci_features(uint32_t fid);
int psci_migrate_info_type(void);
int psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t context);
int psci_cpu_off(void);
int psci_cpu_suspend(uint32_t power_state, uintptr_t entry, uint64_t context);
int psci_affinity_info(uint64_t mpidr, uint32_t lowest_level);
void psci_system_off(void) __noreturn;

#endif
