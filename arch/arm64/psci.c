/* PSCI client over SMC or HVC, as the board DTB's /psci node says. */
#include <tandem/board.h>
#include <tandem/log.h>
#include <arch/psci.h>
#include <arch/sysreg.h>

static int conduit = PSCI_CONDUIT_NONE;

void psci_init(int c)
{
	conduit = c;
}

bool psci_available(void)
{
	return conduit != PSCI_CONDUIT_NONE;
}

int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (conduit == PSCI_CONDUIT_SMC)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 : : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
				 "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	else if (conduit == PSCI_CONDUIT_HVC)
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 : : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
				 "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	else
		return PSCI_NOT_SUPPORTED;
	return (int64_t)x0;
}

int psci_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t context)
{
	return (int)psci_call(PSCI_CPU_ON_64, mpidr, entry, context);
}

__noreturn void psci_system_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	LOG_ERR("PSCI SYSTEM_OFF returned: halting");
	for (;;)
		wfi();
}

__noreturn void psci_system_reset(void)
{
	psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
	LOG_ERR("PSCI SYSTEM_RESET returned: halting");
	for (;;)
		wfi();
}
