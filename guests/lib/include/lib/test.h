/*
 * The test runner. A test is a function; it reports progress with
 * test_info() and failure with test_fail() or the CHECK/EXPECT macros.
 * Each prints one line, "TEST <name> ... PASS" or "... FAIL: <why>"; the
 * run ends with "RESULT: <n> passed, <m> failed" and PSCI SYSTEM_OFF.
 */
#ifndef GUEST_LIB_TEST_H
#define GUEST_LIB_TEST_H

#include <lib/types.h>

struct test_case {
	const char *name;
	void (*run)(void);
};

void test_run(const struct test_case *tests, unsigned int count) __noreturn;
void test_fail(const char *fmt, ...) __printf(1, 2);
void test_info(const char *fmt, ...) __printf(1, 2);
bool test_failed(void);
void test_abort(const char *fmt, ...) __printf(1, 2) __noreturn;

/* Record the failure and leave the test. */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		test_fail(__VA_ARGS__);					\
		return;							\
	}								\
} while (0)

/* Record the failure and return false, for a test's helper functions. */
#define REQUIRE(cond, ...) do {						\
	if (!(cond)) {							\
		test_fail(__VA_ARGS__);					\
		return false;						\
	}								\
} while (0)

/* Record the failure and carry on; evaluates to @cond. */
#define EXPECT(cond, ...) ({						\
	bool __ok = (cond);						\
	if (!__ok)							\
		test_fail(__VA_ARGS__);					\
	__ok;								\
})

#endif
