/*
 * The test runner: runs each test on CPU 0, prints its verdict line,
 * counts, prints the RESULT line and powers the machine off. A fatal
 * error (an exception nobody expected, on any CPU) fails the running
 * test and ends the run at once.
 */
#include <lib/printf.h>
#include <lib/psci.h>
#include <lib/sysreg.h>
#include <lib/test.h>

static const char *current;
static bool failed;
static char reason[256];
static unsigned int passed, failures;
static volatile bool aborting;

static void vfail(const char *fmt, va_list ap)
{
	failed = true;
	vsnprintf(reason, sizeof(reason), fmt, ap);
}

void test_fail(const char *fmt, ...)
{
	va_list ap;

	if (failed)
		return;
	va_start(ap, fmt);
	vfail(fmt, ap);
	va_end(ap);
}

bool test_failed(void)
{
	return failed;
}

void test_info(const char *fmt, ...)
{
	va_list ap;

	printf("# %s: ", current ? current : "setup");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void report(void)
{
	if (failed) {
		printf("TEST %s ... FAIL: %s\n", current, reason);
		failures++;
	} else {
		printf("TEST %s ... PASS\n", current);
		passed++;
	}
}

static void __noreturn finish(void)
{
	printf("RESULT: %u passed, %u failed\n", passed, failures);
	psci_system_off();
}

void test_run(const struct test_case *tests, unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++) {
		current = tests[i].name;
		failed = false;
		/* a test that never ends is named by the last RUN line */
		printf("RUN %s\n", current);
		tests[i].run();
		report();
	}
	current = NULL;
	finish();
}

void test_abort(const char *fmt, ...)
{
	va_list ap;

	irq_disable();
	/* One CPU reports; a second one arriving here just stops. */
	if (aborting) {
		for (;;)
			wfi();
	}
	aborting = true;
	if (!current)
		current = "setup";
	va_start(ap, fmt);
	vfail(fmt, ap);
	va_end(ap);
	report();
	printf("# aborted: the remaining tests did not run\n");
	finish();
}
