/*
 * exc_entry: an exception the hypervisor injects (a data abort for
 * unmapped memory, an UNDEF for an implementation-defined register) enters
 * the guest's handler as the Arm ARM's exception entry would: PAN set when
 * SCTLR_EL1.SPAN is 0 and kept when it is 1, SSBS taken from
 * SCTLR_EL1.DSSBS, UAO cleared, SPSR_EL1 holding the state before. Each
 * bit is checked only where the ID registers say the CPU has it. QEMU's
 * own exceptions natively are the reference. Not DIT: the Arm ARM's
 * exception entry leaves it unchanged (Tandem does, tests/unit/
 * test_exc_entry.c), but QEMU 7.2's own clears it, so natively the
 * reference would disagree.
 */
#include <lib/exception.h>
#include <lib/mmio.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include "gtest.h"

#define UNMAPPED_ADDR	0x0a100000UL	/* as in test_unmapped.c */
#define PSR_SSBS	BIT(12)
#define PSR_PAN		BIT(22)
#define PSR_UAO		BIT(23)
#define PSR_DIT		BIT(24)
#define SCTLR_SPAN	BIT(23)
#define SCTLR_DSSBS	BIT(44)
#define FLD(v, shift)	(((v) >> (shift)) & 0xf)

static bool has_pan, has_uao, has_dit, has_ssbs;
static volatile uint64_t in_handler;	/* PSTATE bits the handler read */

static uint64_t read_pstate_bits(void)
{
	uint64_t p = 0;

	if (has_pan)
		p |= read_sysreg(S3_0_C4_C2_3);
	if (has_uao)
		p |= read_sysreg(S3_0_C4_C2_4);
	if (has_dit)
		p |= read_sysreg(S3_3_C4_C2_5);
	if (has_ssbs)
		p |= read_sysreg(S3_3_C4_C2_6);
	return p;
}

static void write_pstate_bits(uint64_t p)
{
	if (has_pan)
		write_sysreg(p & PSR_PAN, S3_0_C4_C2_3);
	if (has_uao)
		write_sysreg(p & PSR_UAO, S3_0_C4_C2_4);
	if (has_dit)
		write_sysreg(p & PSR_DIT, S3_3_C4_C2_5);
	if (has_ssbs)
		write_sysreg(p & PSR_SSBS, S3_3_C4_C2_6);
	isb();
}

static void record(const struct exc_record *rec)
{
	(void)rec;
	in_handler = read_pstate_bits();
}

static void cause_abort(void)
{
	(void)readl(UNMAPPED_ADDR);
}

static void cause_undef(void)
{
	asm volatile("mrs x0, S3_0_C15_C0_0" ::: "x0", "memory");
}

/* With SCTLR_EL1.SPAN = span: enter with PAN 0, UAO 1, DIT 1, SSBS 0
 * and DSSBS 1, take the exception, compare. */
static bool check_entry(const char *what, void (*cause)(void), bool span)
{
	uint64_t sctlr = read_sysreg(sctlr_el1);
	uint64_t before = PSR_UAO | PSR_DIT;
	uint64_t want = (span ? 0 : PSR_PAN) | PSR_DIT | PSR_SSBS;
	uint64_t mask = (has_pan ? PSR_PAN : 0) | (has_uao ? PSR_UAO : 0) |
			(has_ssbs ? PSR_SSBS : 0);
	struct exc_record rec;
	bool taken;

	write_sysreg((span ? sctlr | SCTLR_SPAN : sctlr & ~SCTLR_SPAN) |
		     (has_ssbs ? SCTLR_DSSBS : 0), sctlr_el1);
	isb();
	write_pstate_bits(before);
	exc_expect_hook(record);
	cause();
	taken = exc_taken(&rec);
	write_pstate_bits(0);
	write_sysreg(sctlr, sctlr_el1);
	isb();
	REQUIRE(taken, "%s: no exception", what);
	test_info("%s, SPAN %u: PSTATE in the handler 0x%lx (PAN/UAO/SSBS), SPSR_EL1 0x%lx",
		  what, span, in_handler & mask, rec.spsr);
	REQUIRE((in_handler & mask) == (want & mask),
		"%s, SPAN %u: PAN/UAO/SSBS 0x%lx in the handler, want 0x%lx", what, span,
		in_handler & mask, want & mask);
	REQUIRE((rec.spsr & mask) == (before & mask),
		"%s, SPAN %u: SPSR_EL1 0x%lx, want PAN/UAO/SSBS 0x%lx", what, span,
		rec.spsr, before & mask);
	REQUIRE((rec.spsr & 0xf) == 0x5, "%s: SPSR_EL1.M 0x%lx, want EL1h", what, rec.spsr & 0xf);
	return true;
}

void test_exc_entry(void)
{
	uint64_t mmfr1 = read_sysreg(id_aa64mmfr1_el1);
	uint64_t mmfr2 = read_sysreg(id_aa64mmfr2_el1);

	has_pan = FLD(mmfr1, 20) != 0;
	has_uao = FLD(mmfr2, 4) != 0;
	has_dit = FLD(read_sysreg(id_aa64pfr0_el1), 48) != 0;
	has_ssbs = FLD(read_sysreg(id_aa64pfr1_el1), 4) != 0;
	test_info("PAN %u UAO %u DIT %u SSBS %u", has_pan, has_uao, has_dit, has_ssbs);
	if (!check_entry("data abort", cause_abort, false) ||
	    !check_entry("data abort", cause_abort, true) ||
	    !check_entry("UNDEF", cause_undef, false))
		return;
	check_entry("UNDEF", cause_undef, true);
}
