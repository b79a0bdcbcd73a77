/* The `selftest` and `bench` commands: in-target tests and measurements. */
#include <string.h>
#include <tandem/bench.h>
#include <tandem/selftest.h>
#include <tandem/shell.h>

static int cmd_selftest(struct shell *sh, int argc, char **argv)
{
	unsigned passed = 0, failed = 0;
	bool found = false;

	if (argc > 2)
		return shell_usage(sh, shell_current_cmd(sh));
	for (unsigned i = 0; i < selftest_count; i++) {
		const struct selftest *t = &selftests[i];
		struct selftest_result r = { .pass = true };

		if (argc == 2 && strcmp(argv[1], t->name) != 0)
			continue;
		found = true;
		t->run(&r);
		if (r.pass) {
			passed++;
			shell_printf(sh, "selftest: %s ... PASS%s%s%s\n", t->name,
				     r.detail[0] ? " (" : "", r.detail, r.detail[0] ? ")" : "");
		} else {
			failed++;
			shell_printf(sh, "selftest: %s ... FAIL: %s\n", t->name, r.detail);
		}
	}
	if (!found) {
		shell_printf(sh, "error: unknown selftest '%s'\n", argv[1]);
		return -1;
	}
	shell_printf(sh, "selftest: %u passed, %u failed\n", passed, failed);
	return failed ? -1 : 0;
}
SHELL_CMD("selftest", cmd_selftest, "[name]",
	  "run the in-target kernel tests (all, or the one named)");

static void bench_line(void *ctx, const char *line)
{
	shell_printf(ctx, "%s\n", line);
}

static int cmd_bench(struct shell *sh, int argc, char **argv)
{
	bench_run(bench_line, sh);
	return 0;
}
SHELL_CMD("bench", cmd_bench, "", "measure thread switch, IPI and timer-interrupt latency");
