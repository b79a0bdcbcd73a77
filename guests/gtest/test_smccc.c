/*
 * hvc_unknown and smc: the SMC Calling Convention beyond PSCI. An unknown
 * function ID over HVC must come back as NOT_SUPPORTED, and PSCI_VERSION
 * over SMC must either reach the same PSCI implementation or, where the
 * guest sees neither EL2 nor EL3, be UNDEFINED as the architecture says.
 */
#include <lib/exception.h>
#include <lib/psci.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include "gtest.h"

#define SIP_FAST64_UNKNOWN	0xc2001234U
#define SIP_FAST32_UNKNOWN	0x82001234U

#define PFR0_EL2(pfr0)		(((pfr0) >> 8) & 0xf)
#define PFR0_EL3(pfr0)		(((pfr0) >> 12) & 0xf)

/*
 * SMCCC: an unknown function ID returns -1 (NOT_SUPPORTED). For an SMC64
 * ID all of x0 is checked; for SMC32 only w0 is defined.
 */
static bool check_unknown(uint32_t fid)
{
	uint64_t want = fid & BIT(30) ? ~0UL : 0xffffffffUL;
	uint64_t mask = fid & BIT(30) ? ~0UL : 0xffffffffUL;
	struct exc_record rec;
	uint64_t ret;

	exc_expect();
	ret = smccc_hvc(fid, 0, 0, 0);
	REQUIRE(!exc_taken(&rec),
		"HVC 0x%x raised an exception: ESR_EL1 0x%lx (EC 0x%lx) ELR 0x%lx",
		fid, rec.esr, ESR_EC(rec.esr), rec.elr);
	test_info("HVC 0x%x -> x0 = 0x%lx", fid, ret);
	REQUIRE((ret & mask) == want, "HVC 0x%x returned x0 = 0x%lx, want %s0xffffffff (NOT_SUPPORTED)",
		fid, ret, fid & BIT(30) ? "0xffffffff_" : "w0 = ");
	return true;
}

void test_hvc_unknown(void)
{
	if (!check_unknown(SIP_FAST64_UNKNOWN))
		return;
	check_unknown(SIP_FAST32_UNKNOWN);
}

void test_smc(void)
{
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
	uint32_t hvc_version = psci_version();
	struct exc_record rec;
	uint64_t ret;

	exc_expect();
	ret = smccc_smc(PSCI_VERSION, 0, 0, 0);
	if (exc_taken(&rec)) {
		test_info("path=undefined: SMC took %s EC 0x%lx, ESR_EL1 0x%lx, ELR_EL1 0x%lx; ID_AA64PFR0_EL1 EL2=%lu EL3=%lu",
			  rec.kind == EXC_SYNC ? "sync" : "SError",
			  ESR_EC(rec.esr), rec.esr, rec.elr, PFR0_EL2(pfr0),
			  PFR0_EL3(pfr0));
		CHECK(rec.kind == EXC_SYNC && ESR_EC(rec.esr) == ESR_EC_UNKNOWN,
		      "SMC raised ESR_EL1 0x%lx, not an Unknown-reason (UNDEFINED) exception",
		      rec.esr);
		CHECK(!PFR0_EL2(pfr0) && !PFR0_EL3(pfr0),
		      "SMC is UNDEFINED although ID_AA64PFR0_EL1 reports EL2=%lu EL3=%lu",
		      PFR0_EL2(pfr0), PFR0_EL3(pfr0));
		return;
	}
	test_info("path=returned: SMC PSCI_VERSION -> x0 = 0x%lx (HVC: 0x%x)",
		  ret, hvc_version);
	CHECK((uint32_t)ret == hvc_version,
	      "SMC PSCI_VERSION 0x%lx differs from HVC PSCI_VERSION 0x%x",
	      ret, hvc_version);
}
