/*
 * Unit tests for arch/arm64/exc_entry.c: each rule of the Arm ARM's
 * exception entry to AArch64 EL1 that an injected exception must follow
 * (PSTATE bit by bit, the vector offset from the source EL and stack
 * pointer, and the abort classes for the same and a lower EL).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arch/exc_entry.h>

#define ALL_FEATS	(EXC_FEAT_PAN | EXC_FEAT_SSBS | EXC_FEAT_MTE)
#define EL1H		0x5ULL
#define EL1T		0x4ULL
#define EL0T		0x0ULL
#define SPAN_SET	SCTLR_EL1_SPAN

static void test_always_el1h_all_masked(void **state)
{
	uint64_t p = exc_entry_pstate(EL0T, SPAN_SET, 0);

	assert_int_equal(p & PSR_DAIF, PSR_DAIF);
	assert_int_equal(p & (PSR_EL_MASK | PSR_SP), EL1H);
	assert_int_equal(p & PSR_NRW, 0);
	/* From EL1 with SP_EL0, and from AArch32 EL0, the same. */
	assert_int_equal(exc_entry_pstate(EL1T, SPAN_SET, 0), PSR_DAIF | EL1H);
	assert_int_equal(exc_entry_pstate(PSR_NRW | 0x10, SPAN_SET, 0), PSR_DAIF | EL1H);
}

static void test_pan_set_when_span_clear(void **state)
{
	/* SPAN = 0: PAN set whatever it was. */
	assert_true(exc_entry_pstate(EL0T, 0, EXC_FEAT_PAN) & PSR_PAN);
	assert_true(exc_entry_pstate(EL1H | PSR_PAN, 0, EXC_FEAT_PAN) & PSR_PAN);
	/* SPAN = 1: PAN unchanged. */
	assert_false(exc_entry_pstate(EL1H, SPAN_SET, EXC_FEAT_PAN) & PSR_PAN);
	assert_true(exc_entry_pstate(EL1H | PSR_PAN, SPAN_SET, EXC_FEAT_PAN) & PSR_PAN);
	/* No PAN on the CPU: the bit stays 0 (it is RES0). */
	assert_false(exc_entry_pstate(EL1H | PSR_PAN, 0, 0) & PSR_PAN);
}

static void test_dit_and_flags_unchanged(void **state)
{
	assert_true(exc_entry_pstate(EL1H | PSR_DIT, SPAN_SET, 0) & PSR_DIT);
	assert_false(exc_entry_pstate(EL1H, SPAN_SET, 0) & PSR_DIT);
	assert_int_equal(exc_entry_pstate(EL0T | (0xaULL << 28), SPAN_SET, 0) & PSR_NZCV,
			 0xaULL << 28);
	assert_int_equal(exc_entry_pstate(EL0T | (0x5ULL << 28), SPAN_SET, 0) & PSR_NZCV,
			 0x5ULL << 28);
}

static void test_ssbs_from_dssbs(void **state)
{
	assert_true(exc_entry_pstate(EL1H, SPAN_SET | SCTLR_EL1_DSSBS, EXC_FEAT_SSBS) & PSR_SSBS);
	assert_false(exc_entry_pstate(EL1H | PSR_SSBS, SPAN_SET, EXC_FEAT_SSBS) & PSR_SSBS);
	/* Without SSBS the bit is RES0. */
	assert_false(exc_entry_pstate(EL1H, SPAN_SET | SCTLR_EL1_DSSBS, 0) & PSR_SSBS);
}

static void test_cleared_bits(void **state)
{
	uint64_t old = EL1H | PSR_UAO | PSR_SS | PSR_IL | PSR_BTYPE;
	uint64_t p = exc_entry_pstate(old, SPAN_SET, ALL_FEATS & ~EXC_FEAT_MTE);

	assert_int_equal(p & (PSR_UAO | PSR_SS | PSR_IL | PSR_BTYPE), 0);
}

static void test_tco_only_with_mte(void **state)
{
	assert_true(exc_entry_pstate(EL1H, SPAN_SET, EXC_FEAT_MTE) & PSR_TCO);
	assert_false(exc_entry_pstate(EL1H | PSR_TCO, SPAN_SET, 0) & PSR_TCO);
}

static void test_vector_offset(void **state)
{
	assert_int_equal(exc_sync_vector_offset(EL1T), 0x000);
	assert_int_equal(exc_sync_vector_offset(EL1H), 0x200);
	assert_int_equal(exc_sync_vector_offset(EL0T), 0x400);
	assert_int_equal(exc_sync_vector_offset(PSR_NRW | 0x10), 0x600);
}

static void test_abort_classes(void **state)
{
	assert_int_equal(exc_abort_ec(false, EL0T), 0x20);
	assert_int_equal(exc_abort_ec(false, EL1H), 0x21);
	assert_int_equal(exc_abort_ec(false, EL1T), 0x21);
	assert_int_equal(exc_abort_ec(true, EL0T), 0x24);
	assert_int_equal(exc_abort_ec(true, EL1H), 0x25);
	assert_int_equal(exc_abort_ec(true, PSR_NRW | 0x10), 0x24);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_always_el1h_all_masked),
		cmocka_unit_test(test_pan_set_when_span_clear),
		cmocka_unit_test(test_dit_and_flags_unchanged),
		cmocka_unit_test(test_ssbs_from_dssbs),
		cmocka_unit_test(test_cleared_bits),
		cmocka_unit_test(test_tco_only_with_mte),
		cmocka_unit_test(test_vector_offset),
		cmocka_unit_test(test_abort_classes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
