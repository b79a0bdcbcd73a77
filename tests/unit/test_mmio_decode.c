/*
 * Unit tests for virt/mmio_decode.c: ESR_EL2 values are assembled here
 * from the Arm ARM data-abort layout (EC[31:26], IL[25], ISV[24],
 * SAS[23:22], SSE[21], SRT[20:16], SF[15], AR[14], S1PTW[7], WnR[6],
 * DFSC[5:0]) and decoded back; loaded values are checked against what the
 * matching LDR/LDRB/LDRH/LDRSB/LDRSH/LDRSW would leave in the register.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include <virt/mmio_decode.h>

#define EC_DABT_LOW	0x24
#define EC_DABT_CUR	0x25
#define EC_IABT_LOW	0x20
#define DFSC_TRANS_L3	0x07	/* translation fault, level 3 */

struct syn {
	unsigned ec, sas, srt;
	bool isv, sse, sf, ar, wnr, s1ptw;
};

static uint64_t esr_of(const struct syn *y)
{
	return (uint64_t)y->ec << 26 | 1ULL << 25 |
	       (uint64_t)y->isv << 24 | (uint64_t)y->sas << 22 |
	       (uint64_t)y->sse << 21 | (uint64_t)y->srt << 16 |
	       (uint64_t)y->sf << 15 | (uint64_t)y->ar << 14 |
	       (uint64_t)y->s1ptw << 7 | (uint64_t)y->wnr << 6 |
	       DFSC_TRANS_L3;
}

/* A well-formed ISV = 1 syndrome for a lower-EL data abort. */
static struct syn dabt(unsigned sas, unsigned srt, bool wnr, bool sf)
{
	struct syn y = {
		.ec = EC_DABT_LOW, .isv = true, .sas = sas, .srt = srt,
		.wnr = wnr, .sf = sf,
	};

	return y;
}

static struct mmio_access decode_ok(const struct syn *y)
{
	struct mmio_access a;

	memset(&a, 0xa5, sizeof(a));
	assert_int_equal(mmio_decode(esr_of(y), &a), 0);
	return a;
}

static void test_sizes_regs_directions(void **state)
{
	static const unsigned regs[] = { 0, 1, 5, 16, 29, 30, 31 };
	unsigned sas, r, w, sf;

	for (sas = 0; sas < 4; sas++)
		for (r = 0; r < ARRAY_SIZE(regs); r++)
			for (w = 0; w < 2; w++)
				for (sf = 0; sf < 2; sf++) {
					struct syn y = dabt(sas, regs[r], w, sf);
					struct mmio_access a = decode_ok(&y);

					assert_int_equal(a.size, 1U << sas);
					assert_int_equal(a.reg, regs[r]);
					assert_int_equal(a.write, w);
					assert_int_equal(a.sixty_four, sf);
					assert_false(a.sign_extend);
				}
}

static void test_named_instructions(void **state)
{
	struct syn y;
	struct mmio_access a;

	/* strb w3, [x1] */
	y = dabt(0, 3, true, false);
	a = decode_ok(&y);
	assert_true(a.write);
	assert_int_equal(a.size, 1);
	assert_int_equal(a.reg, 3);
	/* ldrh w30, [x0] */
	y = dabt(1, 30, false, false);
	a = decode_ok(&y);
	assert_false(a.write);
	assert_int_equal(a.size, 2);
	assert_int_equal(a.reg, 30);
	/* str wzr, [x2]: register 31 is the zero register here */
	y = dabt(2, 31, true, false);
	a = decode_ok(&y);
	assert_true(a.write);
	assert_int_equal(a.size, 4);
	assert_int_equal(a.reg, 31);
	/* ldr x7, [x2] */
	y = dabt(3, 7, false, true);
	a = decode_ok(&y);
	assert_int_equal(a.size, 8);
	assert_true(a.sixty_four);
	/* ldrsb x9, [x0] */
	y = dabt(0, 9, false, true);
	y.sse = true;
	a = decode_ok(&y);
	assert_true(a.sign_extend);
	assert_true(a.sixty_four);
	assert_int_equal(a.size, 1);
	/* ldar w4, [x0] and stlr x4, [x0]: acquire/release, single register */
	y = dabt(2, 4, false, false);
	y.ar = true;
	a = decode_ok(&y);
	assert_int_equal(a.size, 4);
	assert_int_equal(a.reg, 4);
	y = dabt(3, 4, true, true);
	y.ar = true;
	a = decode_ok(&y);
	assert_true(a.write);
	assert_int_equal(a.size, 8);
}

/* ISS2 (ESR_EL2[55:32]) and the fault-status bits do not disturb ISS. */
static void test_other_bits_ignored(void **state)
{
	struct syn y = dabt(1, 12, true, false);
	struct mmio_access a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(mmio_decode(esr_of(&y), &a), 0);
	assert_int_equal(mmio_decode(esr_of(&y) | 0x00ffffff00000000ULL |
				     (1ULL << 9) | (1ULL << 10) | 0x3f, &b), 0);
	assert_int_equal(b.write, a.write);
	assert_int_equal(b.size, a.size);
	assert_int_equal(b.reg, a.reg);
	assert_int_equal(b.sign_extend, a.sign_extend);
	assert_int_equal(b.sixty_four, a.sixty_four);
}

static void expect_rejected(const struct syn *y)
{
	struct mmio_access a, untouched;

	memset(&a, 0x5a, sizeof(a));
	memcpy(&untouched, &a, sizeof(a));
	assert_int_equal(mmio_decode(esr_of(y), &a), -EINVAL);
	assert_memory_equal(&a, &untouched, sizeof(a));
}

static void test_rejects(void **state)
{
	struct syn y;

	/* ISV = 0: pairs, writeback, exclusives, SIMD: no syndrome. */
	y = dabt(2, 1, false, false);
	y.isv = false;
	expect_rejected(&y);
	y.ar = true;		/* ldaxr: acquire-exclusive comes with ISV = 0 */
	expect_rejected(&y);

	/* Not a data abort from a lower EL. */
	y = dabt(2, 1, false, false);
	y.ec = EC_DABT_CUR;
	expect_rejected(&y);
	y.ec = EC_IABT_LOW;
	expect_rejected(&y);
	y.ec = 0;
	expect_rejected(&y);
	y.ec = EC_DABT_LOW & 0x1f;	/* differs in EC[5] only */
	expect_rejected(&y);

	/* A stage-1 walk hit the region, not the instruction's access. */
	y = dabt(3, 1, false, true);
	y.s1ptw = true;
	expect_rejected(&y);
}

static uint64_t load(unsigned sas, bool sse, bool sf, uint64_t raw)
{
	struct syn y = dabt(sas, 0, false, sf);
	struct mmio_access a;

	y.sse = sse;
	a = decode_ok(&y);
	return mmio_load_value(&a, raw);
}

static void test_load_values(void **state)
{
	const uint64_t junk = 0xdeadbeefcafe0000ULL;

	/* Zero-extending loads drop whatever lies beyond the size. */
	assert_int_equal(load(0, false, false, junk | 0x80), 0x80);	/* ldrb w */
	assert_int_equal(load(1, false, false, junk | 0x8001), 0x8001);	/* ldrh w */
	assert_int_equal(load(2, false, false, 0x1122334480000001ULL),
			 0x80000001);					/* ldr w */
	assert_int_equal(load(3, false, true, 0x8877665544332211ULL),
			 0x8877665544332211ULL);			/* ldr x */
	/* A W destination never keeps bits [63:32]. */
	assert_int_equal(load(3, false, false, 0x8877665544332211ULL),
			 0x44332211);

	/* ldrsb / ldrsh into W: sign to bit 31, upper half zero. */
	assert_int_equal(load(0, true, false, junk | 0x80), 0xffffff80);
	assert_int_equal(load(0, true, false, junk | 0x7f), 0x7f);
	assert_int_equal(load(1, true, false, junk | 0x8000), 0xffff8000);
	assert_int_equal(load(1, true, false, junk | 0x7fff), 0x7fff);
	/* ldrsb / ldrsh / ldrsw into X: sign to bit 63. */
	assert_int_equal(load(0, true, true, junk | 0xff),
			 0xffffffffffffffffULL);
	assert_int_equal(load(0, true, true, junk | 0x01), 0x01);
	assert_int_equal(load(1, true, true, junk | 0x8000),
			 0xffffffffffff8000ULL);
	assert_int_equal(load(2, true, true, 0x1234567880000000ULL),
			 0xffffffff80000000ULL);
	assert_int_equal(load(2, true, true, 0x123456787fffffffULL),
			 0x7fffffff);
	/* Sign extension of a full-width load changes nothing. */
	assert_int_equal(load(3, true, true, 0x8000000000000000ULL),
			 0x8000000000000000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_regs_directions),
		cmocka_unit_test(test_named_instructions),
		cmocka_unit_test(test_other_bits_ignored),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_load_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
