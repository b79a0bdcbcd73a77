/* In-target kernel tests, run from the shell's `selftest` command. */
#ifndef TANDEM_SELFTEST_H
#define TANDEM_SELFTEST_H

#include <tandem/types.h>

struct selftest_result {
	bool pass;
	char detail[96];	/* failure reason, or a measurement */
};

struct selftest {
	const char *name;
	void (*run)(struct selftest_result *r);
};

extern const struct selftest selftests[];
/* The cross-core stress tests (kernel/selftest_smp.c). */
void test_wake_cross(struct selftest_result *r);
void test_sleep_wake_race(struct selftest_result *r);
void test_mutex_cross(struct selftest_result *r);
void test_join_cross(struct selftest_result *r);
void test_join_twice(struct selftest_result *r);
extern const unsigned selftest_count;

#endif
