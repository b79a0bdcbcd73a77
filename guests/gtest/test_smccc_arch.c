/*
 * smccc_arch: SMCCC 1.1 discovery, as a Linux guest does it at boot.
 * PSCI_FEATURES(SMCCC_VERSION) says whether SMCCC_VERSION may be called;
 * if it answers 1.1 or later, SMCCC_ARCH_FEATURES must know itself, must
 * say NOT_SUPPORTED for an ID that is no Arm Architecture Call, and must
 * answer each of WORKAROUND_1/2/3 with a value the specification defines
 * (0 implemented, 1 or -2 not required, -1 not supported); a workaround
 * said to be implemented must then be callable. Firmware with SMCCC 1.0
 * (QEMU's own PSCI) says NOT_SUPPORTED and the rest is skipped. The
 * answers are printed for the system test, which knows Tandem's policy.
 */
#include <lib/exception.h>
#include <lib/psci.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include "gtest.h"

#define SMCCC_VERSION		0x80000000U
#define SMCCC_ARCH_FEATURES	0x80000001U
#define SMCCC_ARCH_NONE		0x8000ff00U	/* in the range, no call */
#define SMCCC_VERSION_1_1	0x10001

static const struct {
	uint32_t fid;
	const char *name;
} workarounds[] = {
	{ 0x80008000U, "WORKAROUND_1" },
	{ 0x80007fffU, "WORKAROUND_2" },
	{ 0x80003fffU, "WORKAROUND_3" },
};

/* One call over HVC that must not raise an exception: w0 as a signed value. */
static bool hvc(uint32_t fid, uint64_t a1, int32_t *ret)
{
	struct exc_record rec;
	uint64_t x0;

	exc_expect();
	x0 = smccc_hvc(fid, a1, 0, 0);
	REQUIRE(!exc_taken(&rec), "HVC 0x%x(0x%lx) raised ESR_EL1 0x%lx", fid, a1, rec.esr);
	*ret = (int32_t)x0;
	return true;
}

void test_smccc_arch(void)
{
	uint64_t csv2 = (read_sysreg(id_aa64pfr0_el1) >> 56) & 0xf;
	int32_t feat = psci_features(SMCCC_VERSION), version, r;

	if (feat == PSCI_NOT_SUPPORTED) {
		test_info("smccc: path=1.0 (PSCI_FEATURES(SMCCC_VERSION) = NOT_SUPPORTED)");
		return;
	}
	if (!hvc(SMCCC_VERSION, 0, &version))
		return;
	test_info("smccc: version 0x%x", (uint32_t)version);
	CHECK(version >= SMCCC_VERSION_1_1, "SMCCC_VERSION = 0x%x although PSCI_FEATURES "
		"says it exists, want 1.1 or later", (uint32_t)version);
	if (!hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, &r))
		return;
	CHECK(r == 0, "ARCH_FEATURES(ARCH_FEATURES) = %d, want 0", r);
	if (!hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_NONE, &r))
		return;
	CHECK(r == PSCI_NOT_SUPPORTED, "ARCH_FEATURES(0x%x) = %d, want -1", SMCCC_ARCH_NONE, r);
	for (unsigned i = 0; i < ARRAY_SIZE(workarounds); i++) {
		int32_t dummy;

		if (!hvc(SMCCC_ARCH_FEATURES, workarounds[i].fid, &r))
			return;
		test_info("smccc: %s %d (CSV2 %lu)", workarounds[i].name, r, csv2);
		CHECK(r >= -2 && r <= 1, "ARCH_FEATURES(%s) = %d: not a defined answer",
		      workarounds[i].name, r);
		if (r == 0 && !hvc(workarounds[i].fid, 1, &dummy))
			return;
	}
}
