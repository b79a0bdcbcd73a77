/*
 * Unit tests for lib/ratelimit.c: a burst passes, then one line per
 * period; the line after a gap reports how many were held back; tokens
 * never exceed the burst however long the quiet spell; totals add up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <tandem/ratelimit.h>

#define PERIOD 1000
#define BURST 10

static void test_burst_then_one_per_period(void **state)
{
	struct ratelimit r;
	uint64_t held = 99;
	unsigned passed = 0;

	ratelimit_reset(&r);
	for (unsigned i = 0; i < 1000; i++)
		passed += ratelimit_allow(&r, 5, PERIOD, BURST, &held);
	assert_int_equal(passed, BURST);
	assert_int_equal(r.suppressed, 1000 - BURST);
	/* One period on: exactly one more, reporting the ones held back. */
	assert_true(ratelimit_allow(&r, 5 + PERIOD, PERIOD, BURST, &held));
	assert_int_equal(held, 1000 - BURST);
	assert_false(ratelimit_allow(&r, 5 + PERIOD, PERIOD, BURST, &held));
	assert_false(ratelimit_allow(&r, 5 + 2 * PERIOD - 1, PERIOD, BURST, &held));
	assert_true(ratelimit_allow(&r, 5 + 2 * PERIOD, PERIOD, BURST, &held));
	assert_int_equal(held, 2);
}

static void test_quiet_spell_refills_to_burst_only(void **state)
{
	struct ratelimit r;
	uint64_t held;
	unsigned passed = 0;

	ratelimit_reset(&r);
	for (unsigned i = 0; i < BURST; i++)
		assert_true(ratelimit_allow(&r, 0, PERIOD, BURST, &held));
	for (unsigned i = 0; i < 100; i++)
		passed += ratelimit_allow(&r, 1000000 * PERIOD, PERIOD, BURST, &held);
	assert_int_equal(passed, BURST);
	assert_int_equal(r.suppressed, 100 - BURST);
}

static void test_first_line_reports_none_held(void **state)
{
	struct ratelimit r;
	uint64_t held = 7;

	ratelimit_reset(&r);
	assert_true(ratelimit_allow(&r, 123, PERIOD, 1, &held));
	assert_int_equal(held, 0);
	assert_false(ratelimit_allow(&r, 124, PERIOD, 1, &held));
	assert_int_equal(r.held, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_one_per_period),
		cmocka_unit_test(test_quiet_spell_refills_to_burst_only),
		cmocka_unit_test(test_first_line_reports_none_held),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
