/*
 * psci: the PSCI interface over HVC. Version, PSCI_FEATURES of the
 * mandatory functions and of unknown ones, MIGRATE_INFO_TYPE, and the
 * CPU 1 life cycle: OFF before it is started, CPU_ON runs our entry point
 * with the context ID, AFFINITY_INFO ON, ALREADY_ON for a second CPU_ON,
 * INVALID_PARAMETERS for a CPU that does not exist, CPU_OFF from the CPU
 * itself and AFFINITY_INFO OFF afterwards.
 */
#include <lib/psci.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "gtest.h"

#define PSCI_MAJOR(v)		((v) >> 16)
#define PSCI_MINOR(v)		((v) & 0xffff)
#define NO_SUCH_MPIDR		0xff00ffffffUL	/* every affinity field 255 */
#define PSCI_RESERVED_FID	0x8400001fU	/* PSCI range, no function */
#define UNKNOWN_FID		0xc2001234U

static const struct {
	uint32_t fid;
	const char *name;
} mandatory[] = {
	{ PSCI_VERSION, "PSCI_VERSION" },
	{ PSCI_CPU_SUSPEND_64, "CPU_SUSPEND" },
	{ PSCI_CPU_OFF, "CPU_OFF" },
	{ PSCI_CPU_ON_64, "CPU_ON" },
	{ PSCI_AFFINITY_INFO_64, "AFFINITY_INFO" },
	{ PSCI_SYSTEM_OFF, "SYSTEM_OFF" },
	{ PSCI_SYSTEM_RESET, "SYSTEM_RESET" },
	{ PSCI_FEATURES, "PSCI_FEATURES" },
};

static volatile bool may_stop;

/* CPU 1: stay on until CPU 0 has looked at it, then return to CPU_OFF. */
static void hold_job(void *arg)
{
	(void)arg;
	while (!may_stop)
		wfe();
}

static bool check_features(void)
{
	unsigned int i;
	int ret, mit;

	for (i = 0; i < ARRAY_SIZE(mandatory); i++) {
		ret = psci_features(mandatory[i].fid);
		REQUIRE(ret >= 0, "PSCI_FEATURES(%s 0x%x) = %d",
			mandatory[i].name, mandatory[i].fid, ret);
	}
	test_info("PSCI_FEATURES(CPU_SUSPEND) = 0x%x",
		  psci_features(PSCI_CPU_SUSPEND_64));
	ret = psci_features(PSCI_RESERVED_FID);
	REQUIRE(ret == PSCI_NOT_SUPPORTED,
		"PSCI_FEATURES(0x%x, reserved) = %d, want -1",
		PSCI_RESERVED_FID, ret);
	ret = psci_features(UNKNOWN_FID);
	REQUIRE(ret == PSCI_NOT_SUPPORTED,
		"PSCI_FEATURES(0x%x, not PSCI) = %d, want -1", UNKNOWN_FID, ret);

	/* Optional; if offered, it must say there is no Trusted OS to migrate. */
	ret = psci_features(PSCI_MIGRATE_INFO_TYPE);
	mit = psci_migrate_info_type();
	test_info("MIGRATE_INFO_TYPE = %d (PSCI_FEATURES: %d)", mit, ret);
	if (ret == PSCI_NOT_SUPPORTED)
		REQUIRE(mit == PSCI_NOT_SUPPORTED,
			"MIGRATE_INFO_TYPE = %d though PSCI_FEATURES says NOT_SUPPORTED",
			mit);
	else
		REQUIRE(mit == PSCI_TOS_NOT_PRESENT_MP,
			"MIGRATE_INFO_TYPE = %d, want 2 (no Trusted OS migration)",
			mit);
	return true;
}

static bool check_cpu_on(uint64_t target)
{
	unsigned int started = cpu_state[1].started;
	int ret;

	ret = psci_affinity_info(target, 0);
	REQUIRE(ret == PSCI_AFF_OFF,
		"AFFINITY_INFO(0x%lx) before CPU_ON = %d, want 1 (OFF)",
		target, ret);
	ret = psci_affinity_info(this_mpidr(), 0);
	REQUIRE(ret == PSCI_AFF_ON, "AFFINITY_INFO(self) = %d, want 0 (ON)",
		ret);

	may_stop = false;
	ret = cpu_start(1, target, hold_job, NULL);
	REQUIRE(ret == PSCI_SUCCESS, "CPU_ON(0x%lx) = %d", target, ret);
	REQUIRE(WAIT_FOR(cpu_state[1].started != started, EVENT_TIMEOUT_US),
		"CPU 0x%lx did not reach the entry point within 2 s", target);
	REQUIRE(cpu_state[1].mpidr == target,
		"CPU_ON(0x%lx) started a CPU whose MPIDR_EL1 is 0x%lx",
		target, cpu_state[1].mpidr);

	ret = psci_affinity_info(target, 0);
	REQUIRE(ret == PSCI_AFF_ON, "AFFINITY_INFO(0x%lx) while running = %d, want 0 (ON)",
		target, ret);
	ret = psci_cpu_on(target, (uintptr_t)secondary_entry, 1);
	REQUIRE(ret == PSCI_ALREADY_ON,
		"second CPU_ON(0x%lx) = %d, want -4 (ALREADY_ON)", target, ret);
	ret = psci_cpu_on(NO_SUCH_MPIDR, (uintptr_t)secondary_entry, 1);
	REQUIRE(ret == PSCI_INVALID_PARAMETERS,
		"CPU_ON(0x%lx) = %d, want -2 (INVALID_PARAMETERS)",
		NO_SUCH_MPIDR, ret);
	ret = psci_affinity_info(NO_SUCH_MPIDR, 0);
	REQUIRE(ret == PSCI_INVALID_PARAMETERS,
		"AFFINITY_INFO(0x%lx) = %d, want -2 (INVALID_PARAMETERS)",
		NO_SUCH_MPIDR, ret);
	return true;
}

static bool check_cpu_off(uint64_t target)
{
	int ret = PSCI_AFF_ON;

	may_stop = true;
	dsb(sy);
	sev();
	REQUIRE(WAIT_FOR((ret = psci_affinity_info(target, 0)) == PSCI_AFF_OFF,
			 EVENT_TIMEOUT_US),
		"AFFINITY_INFO(0x%lx) = %d 2 s after CPU_OFF, want 1 (OFF)",
		target, ret);
	return true;
}

void test_psci(void)
{
	uint32_t ver = psci_version();
	uint64_t target = other_cpu_mpidr();

	test_info("PSCI_VERSION = %u.%u (0x%x)", PSCI_MAJOR(ver),
		  PSCI_MINOR(ver), ver);
	CHECK(ver >= 0x2 && PSCI_MAJOR(ver) <= 1,
	      "PSCI_VERSION 0x%x outside 0.2..1.x", ver);
	if (PSCI_MAJOR(ver) >= 1) {
		if (!check_features())
			return;
	} else {
		test_info("PSCI 0.2: no PSCI_FEATURES");
	}
	test_info("CPU 1 is MPIDR 0x%lx", target);
	if (!check_cpu_on(target)) {
		may_stop = true;
		sev();
		return;
	}
	check_cpu_off(target);
}
