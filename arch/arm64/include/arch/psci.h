/* PSCI client: how the host asks firmware to start cores and power off. */
#ifndef ARCH_PSCI_H
#define ARCH_PSCI_H

#include <tandem/types.h>

#define PSCI_VERSION		0x84000000U
#define PSCI_CPU_OFF		0x84000002U
#define PSCI_CPU_ON_64		0xc4000003U
#define PSCI_SYSTEM_OFF		0x84000008U
#define PSCI_SYSTEM_RESET	0x84000009U

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_DENIED		(-3)
#define PSCI_ALREADY_ON		(-4)

void psci_init(int conduit);	/* enum psci_conduit */
bool psci_available(void);
int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
int psci_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t context);
__noreturn void psci_system_off(void);
__noreturn void psci_system_reset(void);

#endif
