/*
 * id_regs: the ID registers describe a machine on which the guest's use
 * of each feature behaves as described. On both QEMU natively and Tandem:
 * a feature reported absent really is (its instruction or register is
 * UNDEFINED), and CNTFRQ_EL0 is writable exactly when EL1 is the highest
 * EL shown (Zephyr's reset code relies on this). Under Tandem (its vGIC's
 * GICD_IIDR) the values are also compared field by field with
 * docs/id-registers.md: hidden fields, fixed fields, clamps, RES0.
 */
#include <lib/exception.h>
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include "gtest.h"

#define TANDEM_GICD_IIDR	0x5400043bU
#define FLD(v, shift)		(((v) >> (shift)) & 0xf)

/* Runs one instruction; true if it raised an Unknown-reason exception. */
#define UNDEFS(insn) ({							\
	struct exc_record __r;						\
	bool __u;							\
	exc_expect();							\
	asm volatile(insn ::: "x0", "memory");				\
	__u = exc_taken(&__r);						\
	if (__u && ESR_EC(__r.esr) != ESR_EC_UNKNOWN)			\
		test_fail("%s: EC 0x%lx, want 0 (UNDEFINED)", insn,	\
			  ESR_EC(__r.esr));				\
	__u;								\
})

/* absent: the ID register says not implemented; then insn must UNDEF. */
static void check_absent_undefs(const char *what, bool absent, const char *insn, bool undefs)
{
	test_info("%s: %s, access %s", what, absent ? "absent" : "present",
		  undefs ? "UNDEFINED" : "works");
	if (absent)
		CHECK(undefs, "%s is reported absent but '%s' works", what, insn);
}

#define ABSENT_UNDEFS(what, absent, insn) \
	check_absent_undefs(what, absent, insn, UNDEFS(insn))

struct id_rule {
	const char *name;
	uint64_t val;
	uint64_t zero;		/* fields that must read 0 (hidden, RES0) */
	uint64_t fixed_mask, fixed;	/* fields with one value */
	uint64_t clamp[4][2];	/* {shift, max}, max 0 ends */
};

static void check_rule(const struct id_rule *r)
{
	CHECK(!(r->val & r->zero), "%s = 0x%lx: hidden or RES0 bits 0x%lx set", r->name,
	      r->val, r->val & r->zero);
	CHECK((r->val & r->fixed_mask) == r->fixed, "%s = 0x%lx: want 0x%lx under mask 0x%lx",
	      r->name, r->val, r->fixed, r->fixed_mask);
	for (unsigned i = 0; i < 4 && r->clamp[i][1]; i++)
		CHECK(FLD(r->val, r->clamp[i][0]) <= r->clamp[i][1],
		      "%s = 0x%lx: field [%lu] above %lu", r->name, r->val,
		      r->clamp[i][0] + 3, r->clamp[i][1]);
}

#define M(shift) (0xfUL << (shift))

/* The table of docs/id-registers.md, as masks. */
static void check_table(void)
{
	const struct id_rule rules[] = {
		{ "ID_AA64PFR0_EL1", read_sysreg(id_aa64pfr0_el1),
		  M(28) | M(32) | M(36) | M(40) | M(44) | M(52), M(8) | M(12), 1UL << 12,
		  { { 0, 1 }, { 4, 1 }, { 24, 1 } } },
		{ "ID_AA64PFR1_EL1", read_sysreg(id_aa64pfr1_el1),
		  ~(M(0) | M(4) | M(32)), 0, 0, { { 0 } } },
		{ "ID_AA64ZFR0_EL1", read_sysreg(S3_0_C0_C4_4), ~0UL, 0, 0, { { 0 } } },
		{ "ID_AA64SMFR0_EL1", read_sysreg(S3_0_C0_C4_5), ~0UL, 0, 0, { { 0 } } },
		{ "ID_AA64DFR0_EL1", read_sysreg(id_aa64dfr0_el1),
		  ~(M(0) | M(12) | M(20) | M(28) | M(36)), 0, 0, { { 0, 6 } } },
		{ "ID_AA64DFR1_EL1", read_sysreg(id_aa64dfr1_el1), ~0UL, 0, 0, { { 0 } } },
		{ "ID_AA64ISAR0_EL1", read_sysreg(id_aa64isar0_el1), M(0) | M(24), 0, 0, { { 0 } } },
		{ "ID_AA64ISAR1_EL1", read_sysreg(id_aa64isar1_el1),
		  M(4) | M(8) | M(24) | M(28) | M(56) | M(60), 0, 0, { { 0 } } },
		{ "ID_AA64ISAR2_EL1", read_sysreg(S3_0_C0_C6_2), ~M(4), 0, 0, { { 0 } } },
		{ "ID_AA64MMFR0_EL1", read_sysreg(id_aa64mmfr0_el1),
		  M(32) | M(36) | M(40) | M(48) | M(52) | M(56), 0, 0, { { 60, 1 } } },
		{ "ID_AA64MMFR1_EL1", read_sysreg(id_aa64mmfr1_el1),
		  M(4) | M(8) | M(16) | M(28) | M(32) | M(40) | M(48) | M(52) | M(56) | M(60),
		  0, 0, { { 0 } } },
		{ "ID_AA64MMFR2_EL1", read_sysreg(id_aa64mmfr2_el1),
		  M(24) | M(40) | M(44) | M(56), 0, 0, { { 0 } } },
		{ "ID_PFR0_EL1 (AArch32)", read_sysreg(id_pfr0_el1), ~0UL, 0, 0, { { 0 } } },
		{ "ID_ISAR0_EL1 (AArch32)", read_sysreg(id_isar0_el1), ~0UL, 0, 0, { { 0 } } },
		{ "MVFR0_EL1 (AArch32)", read_sysreg(mvfr0_el1), ~0UL, 0, 0, { { 0 } } },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(rules); i++)
		check_rule(&rules[i]);
}

void test_id_regs(void)
{
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
	uint64_t pfr1 = read_sysreg(id_aa64pfr1_el1);
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);
	uint64_t isar1 = read_sysreg(id_aa64isar1_el1);
	uint64_t mmfr1 = read_sysreg(id_aa64mmfr1_el1);
	bool el1_highest = !FLD(pfr0, 8) && !FLD(pfr0, 12);
	bool tandem = readl(GICD_BASE + GICD_IIDR) == TANDEM_GICD_IIDR;
	uint64_t freq = read_sysreg(cntfrq_el0);
	bool undef;

	test_info("PFR0 0x%lx PFR1 0x%lx DFR0 0x%lx ISAR1 0x%lx MMFR0 0x%lx%s", pfr0, pfr1,
		  dfr0, isar1, read_sysreg(id_aa64mmfr0_el1), tandem ? " (Tandem)" : "");
	CHECK(FLD(pfr0, 0) && FLD(pfr0, 4), "EL0/EL1 reported without AArch64: 0x%lx", pfr0);

	/* Writing the same frequency back changes nothing where it works. */
	exc_expect();
	asm volatile("msr cntfrq_el0, %0" :: "r"(freq) : "memory");
	undef = exc_taken(NULL);
	test_info("CNTFRQ_EL0 write %s; EL2=%lu EL3=%lu", undef ? "UNDEFINED" : "works",
		  FLD(pfr0, 8), FLD(pfr0, 12));
	CHECK(undef != el1_highest, "CNTFRQ_EL0 write %s although EL1 %s the highest EL shown",
	      undef ? "UNDEFINED" : "works", el1_highest ? "is" : "is not");

	if (!FLD(pfr0, 32)) {		/* SVE: enable at EL1 first, as a kernel would */
		write_sysreg(read_sysreg(cpacr_el1) | (3UL << 16), cpacr_el1);
		isb();
		ABSENT_UNDEFS("SVE (RDVL)", true, ".inst 0x04bf5020");
	}
	ABSENT_UNDEFS("PMU (PMCR_EL0)", !FLD(dfr0, 8), "mrs x0, pmcr_el0");
	ABSENT_UNDEFS("PAC (PACGA)", !FLD(isar1, 24) && !FLD(isar1, 28),
		      ".inst 0x9ac23020");			/* pacga x0, x1, x2 */
	ABSENT_UNDEFS("PAC keys (APIAKEYLO_EL1)",
		      !FLD(isar1, 4) && !FLD(isar1, 8) && !FLD(isar1, 24) && !FLD(isar1, 28),
		      "mrs x0, S3_0_C2_C1_0");
	ABSENT_UNDEFS("RAS (ERRIDR_EL1)", !FLD(pfr0, 28), "mrs x0, S3_0_C5_C3_0");
	ABSENT_UNDEFS("LOR (LORID_EL1)", !FLD(mmfr1, 16), "mrs x0, S3_0_C10_C4_7");
	if (!FLD(pfr1, 8))
		ABSENT_UNDEFS("MTE (GCR_EL1)", true, "mrs x0, S3_0_C1_C0_6");
	if (!FLD(pfr1, 24)) {		/* SME: enabled at EL1 first, as for SVE */
		write_sysreg(read_sysreg(cpacr_el1) | (3UL << 24), cpacr_el1);
		isb();
		ABSENT_UNDEFS("SME (SVCR)", true, "mrs x0, S3_3_C4_C2_2");
	}
	if (tandem)
		check_table();
}
