/*
 * Unit tests for virt/ptimer_regs.c, the EL1 physical timer's register
 * model: ISTATUS and the line follow count >= CVAL while enabled, IMASK
 * gates only the line, TVAL reads and writes are 32-bit signed offsets
 * from the count, CTL keeps only its two writable bits, and the wait
 * before the line rises is never a wrapped value (a CVAL parked at ~0).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <virt/ptimer.h>

static void test_reset_is_off(void **state)
{
	struct ptimer_regs t = { .ctl = 3, .cval = 5 };
	uint64_t w;

	ptimer_reset(&t);
	assert_int_equal(ptimer_read(&t, PTIMER_CTL, 100), 0);
	assert_false(ptimer_output(&t, 100));
	assert_false(ptimer_next_wait(&t, 100, &w));
}

static void test_line_follows_cval_and_imask(void **state)
{
	struct ptimer_regs t;
	uint64_t w = 0;

	ptimer_reset(&t);
	ptimer_write(&t, PTIMER_CVAL, 1000, 10);
	ptimer_write(&t, PTIMER_CTL, PTIMER_CTL_ENABLE, 10);
	assert_false(ptimer_output(&t, 999));
	assert_true(ptimer_next_wait(&t, 400, &w));
	assert_int_equal(w, 600);
	assert_true(ptimer_output(&t, 1000));
	assert_int_equal(ptimer_read(&t, PTIMER_CTL, 1000), PTIMER_CTL_ENABLE | PTIMER_CTL_ISTATUS);
	assert_false(ptimer_next_wait(&t, 1000, &w));	/* already up */
	/* Masked: ISTATUS still shows, the line does not. */
	ptimer_write(&t, PTIMER_CTL, PTIMER_CTL_ENABLE | PTIMER_CTL_IMASK, 1000);
	assert_int_equal(ptimer_read(&t, PTIMER_CTL, 1000), 7);
	assert_false(ptimer_output(&t, 1000));
	assert_false(ptimer_next_wait(&t, 10, &w));
	/* Disabled: no ISTATUS either. */
	ptimer_write(&t, PTIMER_CTL, 0, 1000);
	assert_int_equal(ptimer_read(&t, PTIMER_CTL, 2000), 0);
}

static void test_ctl_keeps_writable_bits_only(void **state)
{
	struct ptimer_regs t;

	ptimer_reset(&t);
	ptimer_write(&t, PTIMER_CTL, ~0ULL, 0);
	assert_int_equal(t.ctl, PTIMER_CTL_ENABLE | PTIMER_CTL_IMASK);
	/* ISTATUS is computed, never stored: CVAL 0 is due at count 0. */
	assert_int_equal(ptimer_read(&t, PTIMER_CTL, 0), 7);
}

static void test_tval_is_signed_32_bit(void **state)
{
	struct ptimer_regs t;

	ptimer_reset(&t);
	ptimer_write(&t, PTIMER_TVAL, 100, 5000);
	assert_int_equal(t.cval, 5100);
	assert_int_equal(ptimer_read(&t, PTIMER_TVAL, 5000), 100);
	assert_int_equal(ptimer_read(&t, PTIMER_TVAL, 5101), 0xffffffffu);	/* -1 */
	ptimer_write(&t, PTIMER_TVAL, 0xffffff00u, 5000);			/* -256 */
	assert_int_equal(t.cval, 5000 - 256);
	/* Bits 63:32 of a TVAL write are ignored. */
	ptimer_write(&t, PTIMER_TVAL, 0x1234567800000010ULL, 5000);
	assert_int_equal(t.cval, 5016);
}

static void test_parked_cval_never_wraps(void **state)
{
	struct ptimer_regs t;
	uint64_t w = 0;

	ptimer_reset(&t);
	ptimer_write(&t, PTIMER_CVAL, ~0ULL, 0);
	ptimer_write(&t, PTIMER_CTL, PTIMER_CTL_ENABLE, 0);
	for (uint64_t now = 1; now < (1ULL << 62); now <<= 3) {
		assert_false(ptimer_output(&t, now));
		assert_true(ptimer_next_wait(&t, now, &w));
		assert_true(w >= 1 && w <= PTIMER_MAX_WAIT);
	}
	assert_int_equal(timer_ticks_until(~0ULL, 12345), PTIMER_MAX_WAIT);
	assert_int_equal(timer_ticks_until(10, 12345), 0);
	assert_int_equal(timer_ticks_until(12346, 12345), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_is_off),
		cmocka_unit_test(test_line_follows_cval_and_imask),
		cmocka_unit_test(test_ctl_keeps_writable_bits_only),
		cmocka_unit_test(test_tval_is_signed_32_bit),
		cmocka_unit_test(test_parked_cval_never_wraps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
