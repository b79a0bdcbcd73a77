/*
 * HVC and SMC with random function IDs and arguments, and PSCI storms.
 * Calls that would end or suspend the fuzzer (CPU_OFF, CPU_SUSPEND,
 * SYSTEM_OFF/RESET/RESET2/SUSPEND, CPU_FREEZE, CPU_DEFAULT_SUSPEND) are
 * never made: the whole PSCI range is drawn only from the safe list.
 */
#include <lib/psci.h>
#include <lib/sysreg.h>
#include "gfuzz.h"

static bool psci_range(uint64_t fid)
{
	uint32_t f = (uint32_t)fid & ~0x40000000U;	/* SMC32 and SMC64 alike */

	return f >= 0x84000000U && f <= 0x840000ffU;
}

static uint64_t random_fid(void)
{
	static const uint32_t owners[] = {
		0x80000000U, 0x81000000U, 0x82000000U, 0x83000000U, 0x84000000U,
		0x85000000U, 0x86000000U, 0xb0000000U, 0xbf000000U, 0xc2000000U,
	};

	switch (rnd_below(3)) {
	case 0:
		return rnd();				/* anything, high bits too */
	case 1:
		return rnd() & 0xffffffffU;
	default:	/* a fast call of a known owner, SMC32 or SMC64 */
		return (owners[rnd_below(sizeof(owners) / sizeof(owners[0]))] |
			(rnd() & 0x4000ffffU));
	}
}

static uint64_t random_arg(void)
{
	switch (rnd_below(4)) {
	case 0: return 0;
	case 1: return rnd_below(16);
	case 2: return rnd();
	default: return (uint64_t)-1 - rnd_below(16);
	}
}

static void psci_storm(void)
{
	uint64_t mpidr = rnd_below(2) ? this_mpidr() : (rnd_below(2) ? rnd_below(8) : rnd());
	/* Never a real entry point: the CPU_ON must fail or start a CPU we do not have. */
	uint64_t bad_entry = rnd_below(2) ? 0 : (rnd() | 1);
	long r;

	switch (rnd_below(6)) {
	case 0:
		r = psci_cpu_on(mpidr, bad_entry, rnd());
		/* One vCPU: nothing to turn on, so never SUCCESS. */
		if (r == PSCI_SUCCESS)
			note_anomaly("CPU_ON succeeded on mpidr", mpidr);
		break;
	case 1:
		r = psci_affinity_info(mpidr, rnd_below(4));
		break;
	case 2:
		r = psci_features((uint32_t)random_fid());
		break;
	case 3:
		(void)psci_version();
		break;
	case 4:
		(void)psci_migrate_info_type();
		break;
	default:	/* undefined IDs in the PSCI range, 32 and 64 bit */
		(void)smccc_hvc((rnd_below(2) ? 0xc4000000U : 0x84000000U) | (0x20 + rnd_below(0xe0)),
				random_arg(), random_arg(), random_arg());
		break;
	}
	(void)r;
}

void op_call(void)
{
	uint64_t fid;

	if (rnd_below(3) == 0) {
		psci_storm();
		return;
	}
	fid = random_fid();
	if (psci_range(fid)) {
		psci_storm();
		return;
	}
	if (rnd_below(2))
		(void)smccc_hvc(fid, random_arg(), random_arg(), random_arg());
	else
		(void)smccc_smc(fid, random_arg(), random_arg(), random_arg());
}
