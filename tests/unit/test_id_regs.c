/*
 * Unit tests for arch/arm64/id_regs.c, the guest's view of the ID
 * registers: the machine shown has EL3 and no EL2 whatever the host has,
 * hidden features read "not implemented" even when the hardware has them,
 * clamps never raise a value, PARange follows the VM's stage 2, fields the
 * table does not name read 0, and the table itself is well formed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arch/id_regs.h>

#define PFR0	ID_REG(4, 0)
#define PFR1	ID_REG(4, 1)
#define ZFR0	ID_REG(4, 4)
#define DFR0	ID_REG(5, 0)
#define ISAR1	ID_REG(6, 1)
#define MMFR0	ID_REG(7, 0)

static unsigned fld(uint64_t v, unsigned shift)
{
	return (unsigned)(v >> shift) & 0xf;
}

/* Every field at its largest value. */
static const uint64_t ALL_ONES = ~0ULL;

static void test_el3_shown_el2_hidden(void **state)
{
	/* Host with EL2 and no EL3 (QEMU virt, virtualization=on). */
	uint64_t hw = 0x2ULL << 0 | 0x2ULL << 4 | 0x1ULL << 8 | 0x0ULL << 12;
	uint64_t v = id_reg_filter(PFR0, hw, 40);

	assert_int_equal(fld(v, 0), 1);		/* EL0: AArch64 only */
	assert_int_equal(fld(v, 4), 1);		/* EL1: AArch64 only */
	assert_int_equal(fld(v, 8), 0);		/* EL2: absent */
	assert_int_equal(fld(v, 12), 1);	/* EL3: AArch64 */
	/* Host with EL3 AArch64+AArch32: still 1. */
	v = id_reg_filter(PFR0, 0x2ULL << 12 | 0x11, 40);
	assert_int_equal(fld(v, 12), 1);
}

static void test_hidden_features_read_absent(void **state)
{
	uint64_t v = id_reg_filter(PFR0, ALL_ONES, 48);

	assert_int_equal(fld(v, 28), 0);	/* RAS */
	assert_int_equal(fld(v, 32), 0);	/* SVE */
	assert_int_equal(fld(v, 36), 0);	/* SEL2 */
	assert_int_equal(fld(v, 40), 0);	/* MPAM */
	assert_int_equal(fld(v, 44), 0);	/* AMU */
	assert_int_equal(fld(v, 24), 1);	/* GIC: v3 CPU interface only */
	v = id_reg_filter(PFR1, ALL_ONES, 48);
	assert_int_equal(fld(v, 8), 0);		/* MTE */
	assert_int_equal(fld(v, 24), 0);	/* SME */
	assert_int_equal(id_reg_filter(ZFR0, ALL_ONES, 48), 0);
	v = id_reg_filter(DFR0, ALL_ONES, 48);
	assert_int_equal(fld(v, 8), 0);		/* PMUVer */
	assert_int_equal(fld(v, 32), 0);	/* SPE */
	assert_int_equal(fld(v, 0), 6);		/* DebugVer: v8.0 */
	v = id_reg_filter(ISAR1, ALL_ONES, 48);
	assert_int_equal(fld(v, 4) | fld(v, 8) | fld(v, 24) | fld(v, 28), 0);	/* PAC */
}

static void test_aarch32_regs_read_zero(void **state)
{
	for (unsigned crm = 1; crm <= 3; crm++)
		for (unsigned op2 = 0; op2 < 8; op2++)
			assert_int_equal(id_reg_filter(ID_REG(crm, op2), ALL_ONES, 48), 0);
}

static void test_pass_and_clamp_never_raise(void **state)
{
	/* A core without FP (0xf), with Debug v8.0 and no GIC sysregs. */
	uint64_t v = id_reg_filter(PFR0, 0xfULL << 16 | 0x1ULL << 20, 48);

	assert_int_equal(fld(v, 16), 0xf);
	assert_int_equal(fld(v, 20), 1);
	assert_int_equal(fld(v, 24), 0);
	assert_int_equal(fld(id_reg_filter(DFR0, 6, 48), 0), 6);
}

static void test_parange_follows_stage2(void **state)
{
	assert_int_equal(fld(id_reg_filter(MMFR0, 5, 40), 0), 2);	/* 48-bit core, 40-bit VM */
	assert_int_equal(fld(id_reg_filter(MMFR0, 5, 44), 0), 4);
	assert_int_equal(fld(id_reg_filter(MMFR0, 5, 41), 0), 2);
	assert_int_equal(fld(id_reg_filter(MMFR0, 1, 40), 0), 1);	/* 36-bit core */
	assert_int_equal(fld(id_reg_filter(MMFR0, 5, 52), 0), 5);
}

static void test_unlisted_fields_read_zero(void **state)
{
	for (unsigned reg = ID_REG(4, 0); reg <= ID_REG(7, 7); reg++) {
		uint64_t listed = 0;

		for (unsigned i = 0; i < id_fields_count; i++)
			if (id_fields[i].reg == reg)
				listed |= 0xfULL << id_fields[i].shift;
		assert_int_equal(id_reg_filter(reg, ALL_ONES, 52) & ~listed, 0);
	}
}

static void test_table_well_formed(void **state)
{
	for (unsigned i = 0; i < id_fields_count; i++) {
		const struct id_field *f = &id_fields[i];

		assert_true(f->reg >= ID_REG(4, 0) && f->reg <= ID_REG(7, 7));
		assert_true(f->shift % 4 == 0 && f->shift <= 60);
		assert_true(f->value <= 0xf);
		assert_true(f->policy <= ID_IPA);
		assert_non_null(f->name);
		assert_true(f->reason && strlen(f->reason) > 5);
		for (unsigned j = 0; j < i; j++)
			assert_false(id_fields[j].reg == f->reg && id_fields[j].shift == f->shift);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_el3_shown_el2_hidden),
		cmocka_unit_test(test_hidden_features_read_absent),
		cmocka_unit_test(test_aarch32_regs_read_zero),
		cmocka_unit_test(test_pass_and_clamp_never_raise),
		cmocka_unit_test(test_parange_follows_stage2),
		cmocka_unit_test(test_unlisted_fields_read_zero),
		cmocka_unit_test(test_table_well_formed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
