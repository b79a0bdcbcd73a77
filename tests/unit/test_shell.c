/*
 * Tests for shell/shell.c: tokenizing, dispatch through the link-time
 * command table (with commands registered here via SHELL_CMD), the help
 * listing, argument parsing, output truncation and the feed/prompt loop.
 */
#include <tandem/shell.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

extern const struct shell_cmd __start_shell_cmds[];
extern const struct shell_cmd __stop_shell_cmds[];

/* ---- output capture ---- */

static char out[8192];
static size_t out_len;

static void capture(void *ctx, const char *buf, size_t len)
{
	assert_ptr_equal(ctx, &out);
	assert_true(out_len + len < sizeof(out));
	memcpy(out + out_len, buf, len);
	out_len += len;
	out[out_len] = '\0';
}

static void out_clear(void)
{
	out_len = 0;
	out[0] = '\0';
}

/* ---- commands registered for the tests ---- */

static int calls;
static int last_argc;
static char last_args[SHELL_MAX_ARGS][64];
static const struct shell_cmd *seen_cmd;

/* Prints each argument in brackets and records them. */
static int cmd_echoargs(struct shell *sh, int argc, char **argv)
{
	calls++;
	last_argc = argc;
	assert_null(argv[argc]);
	for (int i = 0; i < argc; i++) {
		snprintf(last_args[i], sizeof(last_args[i]), "%s", argv[i]);
		shell_printf(sh, "[%s]", argv[i]);
	}
	shell_printf(sh, "\n");
	return 0;
}
SHELL_CMD("echoargs", cmd_echoargs, "[word...]", "print each word in brackets");

static int cmd_pair(struct shell *sh, int argc, char **argv)
{
	calls++;
	seen_cmd = shell_current_cmd(sh);
	if (argc != 3)
		return shell_usage(sh, shell_current_cmd(sh));
	return -EIO;	/* a distinctive result to check it propagates */
}
SHELL_CMD("pair", cmd_pair, "<a> <b>", "take exactly two arguments");

static int cmd_quit(struct shell *sh, int argc, char **argv)
{
	shell_request_exit(sh);
	return 7;
}
SHELL_CMD("quit", cmd_quit, "", "leave the shell");

/* Runs its arguments as a command line, to check nesting. */
static int cmd_nest(struct shell *sh, int argc, char **argv)
{
	char line[64];
	int ret;

	snprintf(line, sizeof(line), "%s", argc > 1 ? argv[1] : "");
	ret = shell_execute(sh, line);
	seen_cmd = shell_current_cmd(sh);
	return ret;
}
SHELL_CMD("nest", cmd_nest, "\"<command line>\"", "run a command line");

#define N_CMDS 5	/* the four above and help */

static struct shell sh;

static int setup(void **state)
{
	shell_init(&sh, capture, &out);
	out_clear();
	calls = 0;
	last_argc = -1;
	seen_cmd = NULL;
	memset(last_args, 0, sizeof(last_args));
	return 0;
}

static int run(const char *line)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", line);
	out_clear();
	return shell_execute(&sh, buf);
}

static void assert_args(int argc, const char *const *expect)
{
	assert_int_equal(last_argc, argc);
	for (int i = 0; i < argc; i++)
		assert_string_equal(last_args[i], expect[i]);
}

/* ---- tests ---- */

static void test_registration_table(void **state)
{
	/*
	 * Exactly our entries, packed: a padded or sanitizer-instrumented
	 * section would break the array walk.
	 */
	assert_int_equal(__stop_shell_cmds - __start_shell_cmds, N_CMDS);
	assert_int_equal(sizeof(struct shell_cmd) % 8, 0);
}

static void test_tokenize_words(void **state)
{
	assert_int_equal(run("echoargs a bc"), 0);
	assert_args(3, (const char *const[]){ "echoargs", "a", "bc" });
	assert_string_equal(out, "[echoargs][a][bc]\n");

	/* Leading, trailing and repeated spaces and tabs separate nothing. */
	assert_int_equal(run("  \techoargs   a\t\tbc  \t"), 0);
	assert_args(3, (const char *const[]){ "echoargs", "a", "bc" });

	assert_int_equal(run("echoargs"), 0);
	assert_args(1, (const char *const[]){ "echoargs" });
}

static void test_tokenize_quotes(void **state)
{
	assert_int_equal(run("echoargs \"a  b\" c"), 0);
	assert_args(3, (const char *const[]){ "echoargs", "a  b", "c" });

	/* Quotes join with adjacent text and are removed. */
	assert_int_equal(run("echoargs x\"y z\"w \"\" q"), 0);
	assert_args(4, (const char *const[]){ "echoargs", "xy zw", "", "q" });

	/* Even the command name may be quoted. */
	assert_int_equal(run("\"echoargs\" \"\t\""), 0);
	assert_args(2, (const char *const[]){ "echoargs", "\t" });

	calls = 0;
	assert_int_equal(run("echoargs \"open"), -EINVAL);
	assert_string_equal(out, "error: unterminated quote\n");
	assert_int_equal(calls, 0);
}

static void test_tokenize_max_args(void **state)
{
	/* 16 words including the command name is the limit. */
	assert_int_equal(run("echoargs 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"), 0);
	assert_int_equal(last_argc, SHELL_MAX_ARGS);
	assert_string_equal(last_args[15], "15");

	calls = 0;
	assert_int_equal(run("echoargs 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"),
			 -E2BIG);
	assert_string_equal(out, "error: too many words (max 16)\n");
	assert_int_equal(calls, 0);

	/* Trailing spaces after the 16th word are not a 17th. */
	assert_int_equal(run("echoargs 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15   "), 0);
}

static void test_empty_line(void **state)
{
	assert_int_equal(run(""), 0);
	assert_int_equal(run("   \t "), 0);
	assert_int_equal(out_len, 0);
	assert_int_equal(calls, 0);
}

static void test_unknown_command(void **state)
{
	assert_int_equal(run("xyz 1 2"), -ENOENT);
	assert_string_equal(out, "error: unknown command 'xyz' (try 'help')\n");
	/* A prefix of a command is not that command. */
	assert_int_equal(run("echo"), -ENOENT);
	assert_int_equal(calls, 0);
}

static void test_dispatch_and_usage(void **state)
{
	assert_int_equal(run("pair a b"), -EIO);
	assert_int_equal(out_len, 0);
	assert_non_null(seen_cmd);
	assert_string_equal(seen_cmd->name, "pair");

	assert_int_equal(run("pair a"), -EINVAL);
	assert_string_equal(out, "usage: pair <a> <b>\n");

	/* A command without arguments has no trailing space. */
	out_clear();
	for (const struct shell_cmd *c = __start_shell_cmds;
	     c < __stop_shell_cmds; c++)
		if (!strcmp(c->name, "quit"))
			shell_usage(&sh, c);
	assert_string_equal(out, "usage: quit\n");

	/* Outside a command there is no current command. */
	assert_null(shell_current_cmd(&sh));
}

static void test_nested_execute(void **state)
{
	assert_int_equal(run("nest \"pair 1 2\""), -EIO);
	/* After the inner command, the outer one is current again. */
	assert_string_equal(seen_cmd->name, "nest");
	assert_null(shell_current_cmd(&sh));
}

static void test_help_listing(void **state)
{
	const char *lines[N_CMDS];
	const char *p;
	size_t help_col = 0;

	assert_int_equal(run("help"), 0);
	assert_string_equal(out,
		"  echoargs [word...]     print each word in brackets\n"
		"  help [command]         list commands, or show one command's usage\n"
		"  nest \"<command line>\"  run a command line\n"
		"  pair <a> <b>           take exactly two arguments\n"
		"  quit                   leave the shell\n");

	/* Independently of the exact text: sorted, one per line, aligned. */
	p = out;
	for (int i = 0; i < N_CMDS; i++) {
		const char *text;

		lines[i] = p;
		assert_memory_equal(p, "  ", 2);
		text = strstr(p + 2, "  ");
		assert_non_null(text);
		while (*text == ' ')
			text++;
		if (i)
			assert_int_equal((size_t)(text - p), help_col);
		help_col = (size_t)(text - p);
		if (i)
			assert_true(strcmp(lines[i - 1], lines[i]) < 0);
		p = strchr(p, '\n') + 1;
	}
	assert_int_equal(*p, '\0');
}

static void test_help_one(void **state)
{
	assert_int_equal(run("help pair"), 0);
	assert_string_equal(out, "usage: pair <a> <b>\n"
				 "  take exactly two arguments\n");

	assert_int_equal(run("help nosuch"), -ENOENT);
	assert_string_equal(out,
			    "error: unknown command 'nosuch' (try 'help')\n");

	assert_int_equal(run("help a b"), -EINVAL);
	assert_string_equal(out, "usage: help [command]\n");
}

/* Parse and return the result; *v keeps 12345 unless the parse worked. */
static int parse(const char *arg, uint64_t min, uint64_t max, uint64_t *v)
{
	*v = 12345;
	out_clear();
	return shell_parse_u64(&sh, arg, "count", min, max, v);
}

static void test_parse_ok(void **state)
{
	uint64_t v;

	assert_int_equal(parse("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse("0", 0, 100, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse("007", 0, 100, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse("0x2A", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse("0Xff", 0, 1000, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(parse("0x0", 0, 1000, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse("0xffffffffffffffff", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	/* Bounds are inclusive. */
	assert_int_equal(parse("10", 10, 20, &v), 0);
	assert_int_equal(parse("20", 10, 20, &v), 0);
	assert_int_equal(v, 20);
	assert_int_equal(out_len, 0);
}

static void assert_not_number(const char *arg)
{
	char expect[128];
	uint64_t v;

	assert_int_equal(parse(arg, 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(v, 12345);
	snprintf(expect, sizeof(expect),
		 "error: count: '%s' is not a number\n", arg);
	assert_string_equal(out, expect);
}

static void test_parse_garbage(void **state)
{
	assert_not_number("");
	assert_not_number("abc");
	assert_not_number("12abc");
	assert_not_number("12 ");
	assert_not_number(" 12");
	assert_not_number("+12");
	assert_not_number("0x");
	assert_not_number("0xg");
	assert_not_number("1f");
	assert_not_number("0b101");
	assert_not_number("1.5");
	assert_not_number("-");
	assert_not_number("--1");
	assert_not_number("-x");
}

static void test_parse_range(void **state)
{
	uint64_t v;

	assert_int_equal(parse("11", 1, 10, &v), -EINVAL);
	assert_int_equal(v, 12345);
	assert_string_equal(out,
		"error: count must be between 1 and 10 (got 11)\n");

	assert_int_equal(parse("0", 1, 10, &v), -EINVAL);
	assert_string_equal(out,
		"error: count must be between 1 and 10 (got 0)\n");

	assert_int_equal(parse("0x10", 1, 10, &v), -EINVAL);
	assert_string_equal(out,
		"error: count must be between 1 and 10 (got 16)\n");

	assert_int_equal(parse("-5", 0, 10, &v), -EINVAL);
	assert_int_equal(v, 12345);
	assert_string_equal(out,
		"error: count must be between 0 and 10 (got -5)\n");

	/* One past UINT64_MAX, decimal and hex. */
	assert_int_equal(parse("18446744073709551616", 0, UINT64_MAX, &v),
			 -EINVAL);
	assert_int_equal(v, 12345);
	assert_string_equal(out, "error: count must be between 0 and "
			    "18446744073709551615 (got 18446744073709551616)\n");
	assert_int_equal(parse("0x10000000000000000", 0, UINT64_MAX, &v),
			 -EINVAL);
	assert_int_equal(parse("99999999999999999999999", 0, UINT64_MAX, &v),
			 -EINVAL);
	assert_non_null(strstr(out, "must be between"));
}

static void test_printf_truncation(void **state)
{
	char big[SHELL_PRINTF_MAX + 100];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';

	out_clear();
	shell_printf(&sh, "%s\n", big);
	assert_int_equal(out_len, SHELL_PRINTF_MAX - 1);
	assert_string_equal(out + out_len - 4, "...\n");
	assert_int_equal(out[out_len - 5], 'x');

	out_clear();
	shell_printf(&sh, "%s", big);
	assert_int_equal(out_len, SHELL_PRINTF_MAX - 1);
	assert_string_equal(out + out_len - 4, "x...");

	/* Output that just fits is untouched. */
	big[SHELL_PRINTF_MAX - 2] = '\0';
	out_clear();
	shell_printf(&sh, "%s\n", big);
	assert_int_equal(out_len, SHELL_PRINTF_MAX - 1);
	assert_string_equal(out + out_len - 2, "x\n");

	out_clear();
	shell_printf(&sh, "%d-%s", 5, "ok");
	assert_string_equal(out, "5-ok");
}

static int feed_str(const char *s)
{
	int ret = 0;

	for (; *s; s++)
		ret = shell_feed(&sh, *s);
	return ret;
}

static void test_feed_runs_lines(void **state)
{
	shell_print_prompt(&sh);
	assert_string_equal(out, "tandem> ");

	out_clear();
	assert_int_equal(feed_str("pair 1 2\r"), -EIO);
	/* Echo, line end, command output (none), then a fresh prompt. */
	assert_string_equal(out, "pair 1 2\r\ntandem> ");
	assert_int_equal(calls, 1);
	assert_int_equal(shell_feed(&sh, '\n'), 0);	/* CR LF: once */
	assert_int_equal(calls, 1);

	out_clear();
	assert_int_equal(feed_str("echoargs \"a b\"\n"), 0);
	assert_string_equal(out,
		"echoargs \"a b\"\r\n[echoargs][a b]\ntandem> ");

	/* Editing keys reach the editor. */
	out_clear();
	assert_int_equal(feed_str("pair x\x7f" "1 2\r"), -EIO);
	assert_int_equal(calls, 3);

	/* An empty line just reprints the prompt. */
	out_clear();
	assert_int_equal(feed_str("\r"), 0);
	assert_string_equal(out, "\r\ntandem> ");

	/* Ctrl-C drops the line and prompts again without running it. */
	out_clear();
	assert_int_equal(feed_str("pair 1 2\x03"), 0);
	assert_string_equal(out, "pair 1 2^C\r\ntandem> ");
	assert_int_equal(calls, 3);

	/* History recall goes through the shell too. */
	out_clear();
	assert_int_equal(feed_str("\x1b[A\r"), -EIO);
	assert_int_equal(calls, 4);
}

static void test_exit(void **state)
{
	assert_false(shell_exit_requested(&sh));
	assert_int_equal(feed_str("quit\r"), 7);
	assert_true(shell_exit_requested(&sh));
	/* No prompt after a command asked to leave. */
	assert_string_equal(out, "quit\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_registration_table, setup),
		cmocka_unit_test_setup(test_tokenize_words, setup),
		cmocka_unit_test_setup(test_tokenize_quotes, setup),
		cmocka_unit_test_setup(test_tokenize_max_args, setup),
		cmocka_unit_test_setup(test_empty_line, setup),
		cmocka_unit_test_setup(test_unknown_command, setup),
		cmocka_unit_test_setup(test_dispatch_and_usage, setup),
		cmocka_unit_test_setup(test_nested_execute, setup),
		cmocka_unit_test_setup(test_help_listing, setup),
		cmocka_unit_test_setup(test_help_one, setup),
		cmocka_unit_test_setup(test_parse_ok, setup),
		cmocka_unit_test_setup(test_parse_garbage, setup),
		cmocka_unit_test_setup(test_parse_range, setup),
		cmocka_unit_test_setup(test_printf_truncation, setup),
		cmocka_unit_test_setup(test_feed_runs_lines, setup),
		cmocka_unit_test_setup(test_exit, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
