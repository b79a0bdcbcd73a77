/*
 * Unit tests for arch/arm64/serror.c, who pays for an SError: one found at
 * a guest's exit (after the exit's dsb/esb) or taken while it ran is that
 * guest's, and crashes its VM, unless RAS says it was corrected; one found
 * before an entry is charged to nobody (the guest about to run did not
 * cause it); nothing found, nothing done. The hardware half (the window,
 * DISR_EL1) cannot run here: QEMU raises no asynchronous SError from a
 * guest's device access, see docs/architecture.md.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arch/serror.h>

#define ASYNC		0x11ULL			/* DFSC: asynchronous SError */
#define AET(n)		((uint64_t)(n) << 10)
#define IDS		(1ULL << 24)
#define FOUND(iss)	(SERROR_PRESENT | (iss))

static void test_nothing_pending(void **state)
{
	assert_int_equal(serror_action(0, false), SERROR_NONE);
	assert_int_equal(serror_action(0, true), SERROR_NONE);
	assert_string_equal(serror_kind(0), "none");
}

static void test_exiting_guest_pays(void **state)
{
	/* Without RAS the syndrome is implementation defined (or 0). */
	assert_int_equal(serror_action(FOUND(0), false), SERROR_CRASH_VM);
	assert_int_equal(serror_action(FOUND(IDS | 0x1234), false), SERROR_CRASH_VM);
	assert_string_equal(serror_kind(FOUND(IDS)), "implementation-defined");
	/* RAS, each uncorrected kind. */
	for (unsigned aet = 0; aet < 4; aet++)
		assert_int_equal(serror_action(FOUND(ASYNC | AET(aet)), false), SERROR_CRASH_VM);
	assert_string_equal(serror_kind(FOUND(ASYNC | AET(0))), "uncontainable");
	assert_string_equal(serror_kind(FOUND(ASYNC | AET(3))), "recoverable");
}

static void test_corrected_is_only_reported(void **state)
{
	assert_int_equal(serror_action(FOUND(ASYNC | AET(6)), false), SERROR_LOG);
	assert_string_equal(serror_kind(FOUND(ASYNC | AET(6))), "corrected");
	/* AET means nothing with IDS set, or for another DFSC. */
	assert_int_equal(serror_action(FOUND(IDS | ASYNC | AET(6)), false), SERROR_CRASH_VM);
	assert_int_equal(serror_action(FOUND(AET(6)), false), SERROR_CRASH_VM);
	assert_string_equal(serror_kind(FOUND(AET(6))), "uncategorized");
}

static void test_pending_at_entry_charges_nobody(void **state)
{
	/* Whatever it is: the guest about to enter did not cause it. */
	assert_int_equal(serror_action(FOUND(0), true), SERROR_LOG);
	assert_int_equal(serror_action(FOUND(ASYNC | AET(0)), true), SERROR_LOG);
	assert_int_equal(serror_action(FOUND(IDS), true), SERROR_LOG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_pending),
		cmocka_unit_test(test_exiting_guest_pays),
		cmocka_unit_test(test_corrected_is_only_reported),
		cmocka_unit_test(test_pending_at_entry_charges_nobody),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
