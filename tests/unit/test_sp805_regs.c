/*
 * Unit tests for virt/devices/sp805_regs.c, against the SP805 TRM: the IDs
 * Linux's sp805_wdt matches, the counter that runs only while INTEN is set
 * and reloads on enable, WdogLoad and WdogIntClr writes, the interrupt at the
 * first zero and the reset at the second one only with RESEN, WdogLock, and
 * widths other than 32 bits refused with nothing changed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <virt/sp805_regs.h>

#include <errno.h>

static struct sp805_regs r;

static int setup(void **state)
{
	sp805_regs_reset(&r);
	return 0;
}

static uint32_t rd(uint64_t now, uint64_t off)
{
	struct sp805_effect e;
	uint64_t v = 0xdeadbeef;

	assert_int_equal(sp805_regs_access(&r, now, off, 4, false, &v, &e), 0);
	return (uint32_t)v;
}

static struct sp805_effect wr(uint64_t now, uint64_t off, uint32_t val)
{
	struct sp805_effect e;
	uint64_t v = val;

	assert_int_equal(sp805_regs_access(&r, now, off, 4, true, &v, &e), 0);
	return e;
}

static void test_ids_and_reset_values(void **state)
{
	static const uint8_t id[8] = { 0x05, 0x18, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rd(0, SP805_ID_BASE + 4 * i), id[i]);
	assert_int_equal(rd(0, SP805_LOAD), 0xffffffffU);
	assert_int_equal(rd(0, SP805_VALUE), 0xffffffffU);
	assert_int_equal(rd(0, SP805_CONTROL), 0);
	assert_int_equal(rd(0, SP805_LOCK), 0);
	assert_int_equal(rd(0, 0x100), 0);		/* reserved reads as zero */
	assert_int_equal(sp805_regs_next_event(&r), UINT64_MAX);
}

static void test_counter_runs_only_when_enabled(void **state)
{
	wr(0, SP805_LOAD, 1000);
	assert_int_equal(rd(500, SP805_VALUE), 1000);	/* stopped: holds */
	wr(500, SP805_CONTROL, SP805_CTRL_INTEN);
	assert_int_equal(rd(800, SP805_VALUE), 700);
	assert_int_equal(sp805_regs_next_event(&r), 1500);
	wr(900, SP805_CONTROL, 0);			/* stops and holds 600 */
	assert_int_equal(rd(5000, SP805_VALUE), 600);
	assert_int_equal(sp805_regs_next_event(&r), UINT64_MAX);
	wr(5000, SP805_CONTROL, SP805_CTRL_INTEN);	/* re-enable reloads */
	assert_int_equal(rd(5000, SP805_VALUE), 1000);
}

static void test_first_zero_interrupts_and_reloads(void **state)
{
	struct sp805_effect e;

	wr(0, SP805_LOAD, 100);
	wr(0, SP805_CONTROL, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
	sp805_regs_advance(&r, 99, &e);
	assert_false(e.level);
	sp805_regs_advance(&r, 100, &e);
	assert_true(e.level);
	assert_false(e.reset);
	assert_int_equal(rd(100, SP805_RIS), 1);
	assert_int_equal(rd(100, SP805_MIS), 1);
	assert_int_equal(rd(130, SP805_VALUE), 70);	/* reloaded at the zero */
	e = wr(130, SP805_INTCLR, 0);			/* fed: cleared and reloaded */
	assert_false(e.level);
	assert_int_equal(rd(130, SP805_VALUE), 100);
	sp805_regs_advance(&r, 229, &e);
	assert_false(e.reset);
	assert_false(e.level);
	assert_int_equal(r.expiries, 1);
}

static void test_second_zero_resets_only_with_resen(void **state)
{
	struct sp805_effect e;

	wr(0, SP805_LOAD, 100);
	wr(0, SP805_CONTROL, SP805_CTRL_INTEN);
	sp805_regs_advance(&r, 1000000, &e);		/* many zeros, no RESEN */
	assert_true(e.level);
	assert_false(e.reset);
	assert_int_equal(r.expiries, 10000);
	assert_true(sp805_regs_next_event(&r) > 1000000);

	sp805_regs_reset(&r);
	wr(0, SP805_LOAD, 100);
	wr(0, SP805_CONTROL, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
	sp805_regs_advance(&r, 199, &e);
	assert_false(e.reset);
	sp805_regs_advance(&r, 200, &e);
	assert_true(e.reset);
	assert_true(r.reset_asserted);
	assert_int_equal(sp805_regs_next_event(&r), UINT64_MAX);	/* stopped */
	sp805_regs_advance(&r, 10000, &e);
	assert_false(e.reset);				/* asserted once */
}

static void test_reset_after_a_long_absence(void **state)
{
	struct sp805_effect e;

	/* The host looks late (a descheduled vCPU): still one reset, at once. */
	wr(0, SP805_LOAD, 10);
	wr(0, SP805_CONTROL, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
	sp805_regs_advance(&r, 1000000000ULL, &e);
	assert_true(e.reset);
	assert_int_equal(r.expiries, 2);
}

static void test_zero_load_is_finite(void **state)
{
	struct sp805_effect e;

	wr(0, SP805_CONTROL, SP805_CTRL_INTEN);
	wr(0, SP805_LOAD, 0);
	sp805_regs_advance(&r, 1ULL << 40, &e);
	assert_true(e.level);
	assert_false(e.reset);
}

static void test_lock(void **state)
{
	wr(0, SP805_LOCK, 1);
	assert_int_equal(rd(0, SP805_LOCK), 1);
	wr(0, SP805_LOAD, 5);
	wr(0, SP805_CONTROL, SP805_CTRL_INTEN);
	assert_int_equal(rd(0, SP805_LOAD), 0xffffffffU);
	assert_int_equal(rd(0, SP805_CONTROL), 0);
	wr(0, SP805_LOCK, SP805_UNLOCK_KEY);
	assert_int_equal(rd(0, SP805_LOCK), 0);
	wr(0, SP805_LOAD, 5);
	assert_int_equal(rd(0, SP805_LOAD), 5);
}

static void test_bad_widths_change_nothing(void **state)
{
	struct sp805_effect e;
	uint64_t v = 7;

	assert_int_equal(sp805_regs_access(&r, 0, SP805_LOAD, 1, true, &v, &e), -EINVAL);
	assert_int_equal(sp805_regs_access(&r, 0, SP805_LOAD, 8, true, &v, &e), -EINVAL);
	assert_int_equal(sp805_regs_access(&r, 0, SP805_LOAD + 2, 4, true, &v, &e), -EINVAL);
	assert_int_equal(sp805_regs_access(&r, 0, SP805_SIZE, 4, true, &v, &e), -EINVAL);
	assert_int_equal(rd(0, SP805_LOAD), 0xffffffffU);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ids_and_reset_values, setup),
		cmocka_unit_test_setup(test_counter_runs_only_when_enabled, setup),
		cmocka_unit_test_setup(test_first_zero_interrupts_and_reloads, setup),
		cmocka_unit_test_setup(test_second_zero_resets_only_with_resen, setup),
		cmocka_unit_test_setup(test_reset_after_a_long_absence, setup),
		cmocka_unit_test_setup(test_zero_load_is_finite, setup),
		cmocka_unit_test_setup(test_lock, setup),
		cmocka_unit_test_setup(test_bad_widths_change_nothing, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
