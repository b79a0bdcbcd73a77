/*
 * The shell's command framework: feeding input through the line editor,
 * splitting lines into words, finding and running commands from the
 * "shell_cmds" link-time table, output formatting, argument parsing
 * helpers, and the built-in "help" command.
 */
#include <tandem/shell.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * Bounds of the registration section, provided by the linker. Hidden, so
 * position-independent code reaches them PC-relative rather than via the
 * GOT.
 */
extern const struct shell_cmd __start_shell_cmds[]
	__attribute__((visibility("hidden")));
extern const struct shell_cmd __stop_shell_cmds[]
	__attribute__((visibility("hidden")));

#define for_each_shell_cmd(cmd) \
	for ((cmd) = __start_shell_cmds; (cmd) < __stop_shell_cmds; (cmd)++)

void shell_init(struct shell *sh, shell_write_fn write, void *ctx)
{
	memset(sh, 0, sizeof(*sh));
	sh->write = write;
	sh->ctx = ctx;
	/* The editor's echo goes straight to the same output. */
	le_init(&sh->le, write, ctx);
}

static void shell_puts(struct shell *sh, const char *s)
{
	sh->write(sh->ctx, s, strlen(s));
}

void shell_print_prompt(struct shell *sh)
{
	shell_puts(sh, SHELL_PROMPT);
}

void shell_printf(struct shell *sh, const char *fmt, ...)
{
	char buf[SHELL_PRINTF_MAX];
	size_t len, flen = strlen(fmt);
	const char *more;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	len = (size_t)n;
	if (len >= sizeof(buf)) {
		/* Keep the line ending so the next prompt starts a new line. */
		more = flen && fmt[flen - 1] == '\n' ? "...\n" : "...";
		len = sizeof(buf) - 1;
		memcpy(buf + len - strlen(more), more, strlen(more));
	}
	sh->write(sh->ctx, buf, len);
}

void shell_write(struct shell *sh, const char *s, size_t n)
{
	sh->write(sh->ctx, s, n);
}

bool shell_sees_vm(const struct shell *sh, const char *vm_name)
{
	return !sh->scope || sh->scope->visible(sh->scope, vm_name);
}

const struct shell_cmd *shell_current_cmd(const struct shell *sh)
{
	return sh->current;
}

int shell_usage(struct shell *sh, const struct shell_cmd *cmd)
{
	if (cmd->usage[0])
		shell_printf(sh, "usage: %s %s\n", cmd->name, cmd->usage);
	else
		shell_printf(sh, "usage: %s\n", cmd->name);
	return -EINVAL;
}

void shell_request_exit(struct shell *sh)
{
	sh->exit_requested = true;
}

bool shell_exit_requested(const struct shell *sh)
{
	return sh->exit_requested;
}

static int digit_value(char c, unsigned int base)
{
	unsigned int v;

	if (c >= '0' && c <= '9')
		v = (unsigned int)(c - '0');
	else if (c >= 'a' && c <= 'f')
		v = (unsigned int)(c - 'a' + 10);
	else if (c >= 'A' && c <= 'F')
		v = (unsigned int)(c - 'A' + 10);
	else
		return -1;
	return v < base ? (int)v : -1;
}

/*
 * Strict unsigned parse: digits only, no sign, no spaces, no trailing text.
 * Returns 0, -EINVAL for anything that is not a number, -ERANGE when the
 * value does not fit.
 */
static int parse_u64(const char *s, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		d = digit_value(*s, base);
		if (d < 0)
			return -EINVAL;
		if (v > (UINT64_MAX - (unsigned int)d) / base)
			return -ERANGE;
		v = v * base + (unsigned int)d;
	}
	*out = v;
	return 0;
}

int shell_parse_u64(struct shell *sh, const char *arg, const char *what,
		    uint64_t min, uint64_t max, uint64_t *out)
{
	bool negative = arg[0] == '-';
	uint64_t v = 0;
	int ret;

	ret = parse_u64(negative ? arg + 1 : arg, &v);
	if (ret == -EINVAL) {
		shell_printf(sh, "error: %s: '%s' is not a number\n",
			     what, arg);
		return -EINVAL;
	}
	/* Negative or too big for 64 bits: show the text as typed. */
	if (negative || ret == -ERANGE) {
		shell_printf(sh,
			     "error: %s must be between %llu and %llu (got %s)\n",
			     what, (unsigned long long)min,
			     (unsigned long long)max, arg);
		return -EINVAL;
	}
	if (v < min || v > max) {
		shell_printf(sh,
			     "error: %s must be between %llu and %llu (got %llu)\n",
			     what, (unsigned long long)min,
			     (unsigned long long)max, (unsigned long long)v);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Split line in place into argv. Quotes are removed by copying each word
 * down over them; the write position never passes the read position, so
 * one buffer suffices. Returns argc or a negative errno.
 */
int shell_tokenize(struct shell *sh, char *line, char **argv)
{
	char *r = line, *w = line;
	bool quoted = false;
	int argc = 0;

	for (;;) {
		while (is_space(*r))
			r++;
		if (!*r)
			break;
		if (argc == SHELL_MAX_ARGS) {
			shell_printf(sh, "error: too many words (max %d)\n",
				     SHELL_MAX_ARGS);
			return -E2BIG;
		}
		argv[argc++] = w;
		for (; *r && (quoted || !is_space(*r)); r++) {
			if (*r == '"')
				quoted = !quoted;
			else
				*w++ = *r;
		}
		if (quoted) {
			shell_printf(sh, "error: unterminated quote\n");
			return -EINVAL;
		}
		/* Read *r before the NUL may overwrite it (when w == r). */
		if (*r)
			r++;
		*w++ = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

static const struct shell_cmd *find_cmd(const char *name)
{
	const struct shell_cmd *cmd;

	for_each_shell_cmd(cmd)
		if (!strcmp(cmd->name, name))
			return cmd;
	return NULL;
}

int shell_execute(struct shell *sh, char *line)
{
	char *argv[SHELL_MAX_ARGS + 1];
	int argc = shell_tokenize(sh, line, argv);

	return argc <= 0 ? argc : shell_execute_argv(sh, argc, argv);
}

int shell_execute_argv(struct shell *sh, int argc, char **argv)
{
	const struct shell_cmd *cmd, *outer;
	int ret;

	cmd = find_cmd(argv[0]);
	if (!cmd) {
		shell_printf(sh, "error: unknown command '%s' (try 'help')\n",
			     argv[0]);
		return -ENOENT;
	}
	/* Commands may run other commands; restore the caller's afterwards. */
	outer = sh->current;
	sh->current = cmd;
	ret = cmd->fn(sh, argc, argv);
	sh->current = outer;
	return ret;
}

int shell_feed(struct shell *sh, char c)
{
	char line[LE_MAX_LEN + 1];
	int ret = 0;

	switch (le_feed(&sh->le, c)) {
	case LE_NONE:
		return 0;
	case LE_LINE:
		/* Copied: the command may edit its argv, and may feed input. */
		memcpy(line, le_line(&sh->le), sizeof(line));
		ret = shell_execute(sh, line);
		break;
	case LE_CANCEL:
		break;
	}
	if (!sh->exit_requested)
		shell_print_prompt(sh);
	return ret;
}

/* Width of "name usage", the first column of the help listing. */
static size_t synopsis_len(const struct shell_cmd *cmd)
{
	size_t n = strlen(cmd->name);

	if (cmd->usage[0])
		n += 1 + strlen(cmd->usage);
	return n;
}

static void print_cmd_line(struct shell *sh, const struct shell_cmd *cmd,
			   size_t width)
{
	shell_printf(sh, "  %s%s%s%*s  %s\n", cmd->name,
		     cmd->usage[0] ? " " : "", cmd->usage,
		     (int)(width - synopsis_len(cmd)), "", cmd->help);
}

/*
 * The table is in link order, and sorting it would need a copy or a
 * writable section: instead pick the next name in order on each pass.
 * Quadratic, but there are a few dozen commands at most.
 */
static const struct shell_cmd *next_by_name(const struct shell_cmd *prev)
{
	const struct shell_cmd *cmd, *best = NULL;

	for_each_shell_cmd(cmd) {
		if (prev && strcmp(cmd->name, prev->name) <= 0)
			continue;
		if (!best || strcmp(cmd->name, best->name) < 0)
			best = cmd;
	}
	return best;
}

static int cmd_help(struct shell *sh, int argc, char **argv)
{
	const struct shell_cmd *cmd;
	size_t width = 0;

	if (argc > 2)
		return shell_usage(sh, shell_current_cmd(sh));
	if (argc == 2) {
		cmd = find_cmd(argv[1]);
		if (!cmd) {
			shell_printf(sh,
				     "error: unknown command '%s' (try 'help')\n",
				     argv[1]);
			return -ENOENT;
		}
		shell_usage(sh, cmd);
		shell_printf(sh, "  %s\n", cmd->help);
		return 0;
	}
	for_each_shell_cmd(cmd)
		width = MAX(width, synopsis_len(cmd));
	for (cmd = next_by_name(NULL); cmd; cmd = next_by_name(cmd))
		print_cmd_line(sh, cmd, width);
	return 0;
}

SHELL_CMD("help", cmd_help, "[command]",
	  "list commands, or show one command's usage");
