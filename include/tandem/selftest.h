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
extern const unsigned selftest_count;

#endif
