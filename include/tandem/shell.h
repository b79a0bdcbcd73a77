/*
 * The management shell's command framework: line input through the line
 * editor, tokenizing, dispatch to commands registered at link time, and the
 * helpers commands use to print and to check their arguments.
 *
 * Commands register with SHELL_CMD() from any file; no central table to
 * edit. Each registration places a struct shell_cmd in the "shell_cmds"
 * section and the shell walks it between __start_shell_cmds and
 * __stop_shell_cmds, which GNU ld defines for sections named like C
 * identifiers. The target linker script must KEEP(*(shell_cmds)) so
 * --gc-sections does not drop registrations nothing else references.
 */
#ifndef TANDEM_SHELL_H
#define TANDEM_SHELL_H

#include <tandem/types.h>
#include <tandem/line_editor.h>

#define SHELL_PROMPT	"tandem> "
#define SHELL_MAX_ARGS	16	/* including the command name */
#define SHELL_PRINTF_MAX 512	/* bytes per shell_printf(), with the NUL */

typedef void (*shell_write_fn)(void *ctx, const char *buf, size_t len);

struct shell_cmd;

/*
 * What a shell other than the console's (a control VM's channel) may see:
 * commands that list VMs show only those visible() accepts. NULL: all.
 */
struct shell_scope {
	bool (*visible)(const struct shell_scope *scope, const char *vm_name);
};

/* Fields are private to shell.c; commands use the functions below. */
struct shell {
	shell_write_fn write;
	void *ctx;
	struct line_editor le;
	const struct shell_cmd *current;	/* the command running now */
	bool exit_requested;
	/* Answers for a program: one line of key=value per object. */
	bool machine;
	const struct shell_scope *scope;
};

/*
 * A command. argv[0] is the command name and argv[argc] is NULL. Return 0 on
 * success or a negative errno; the command prints its own error message.
 */
typedef int (*shell_cmd_fn)(struct shell *sh, int argc, char **argv);

struct shell_cmd {
	const char *name;
	const char *usage;	/* arguments, e.g. "<vm> [cpu]"; "" if none */
	const char *help;	/* one line for the help listing */
	shell_cmd_fn fn;
};

#define SHELL_CMD_CAT2(a, b) a##b
#define SHELL_CMD_CAT(a, b) SHELL_CMD_CAT2(a, b)

/*
 * Register a command at file scope:
 *	SHELL_CMD("vm", cmd_vm, "<list|start|stop> [id]", "manage VMs");
 * The aligned(8) keeps entries packed as an array: each struct shell_cmd is
 * a multiple of 8 bytes, so the linker inserts no padding between them.
 */
#define SHELL_CMD(_name, _fn, _usage, _help)				\
	static const struct shell_cmd					\
	SHELL_CMD_CAT(__shell_cmd_, __COUNTER__)			\
	__attribute__((used, section("shell_cmds"), aligned(8))) = {	\
		.name = (_name),					\
		.usage = (_usage),					\
		.help = (_help),					\
		.fn = (_fn),						\
	}

/* All output (prompt, echo, command output) goes through write(ctx, ...). */
void shell_init(struct shell *sh, shell_write_fn write, void *ctx);

void shell_print_prompt(struct shell *sh);

/*
 * Feed one received byte. On a complete line, run it and print the prompt
 * again (unless a command asked the shell to exit). Returns the command's
 * result, or 0 when no command ran.
 */
int shell_feed(struct shell *sh, char c);

/*
 * Tokenize line in place and run it. Words are separated by spaces or tabs;
 * "double quotes" group words and are removed. An empty line returns 0, an
 * unknown command -ENOENT, more than SHELL_MAX_ARGS words -E2BIG and an
 * unterminated quote -EINVAL, each after printing an error.
 */
int shell_execute(struct shell *sh, char *line);
/* Its two halves, for a caller that checks the words before running them
 * (a control channel): tokenize into argv[SHELL_MAX_ARGS + 1] (argc, or
 * <0 after printing why), then run a tokenized line (argc >= 1). */
int shell_tokenize(struct shell *sh, char *line, char **argv);
int shell_execute_argv(struct shell *sh, int argc, char **argv);

/*
 * printf to the shell's output. Text is formatted into a buffer of
 * SHELL_PRINTF_MAX bytes; longer output is cut and ends in "...", plus the
 * trailing newline if fmt had one. Use "\n" for line ends: the console layer
 * turns them into CR LF.
 */
void shell_printf(struct shell *sh, const char *fmt, ...) __printf_like(2, 3);
/* Bytes as they are, e.g. a VM's console log. */
void shell_write(struct shell *sh, const char *s, size_t n);
/* May this shell see the VM (its scope)? */
bool shell_sees_vm(const struct shell *sh, const char *vm_name);

/*
 * Command execution is serialised between the interpreters (the console's
 * shell thread and the control channels' executors): commands keep state of
 * their own and hold raw VM pointers for their run. Hypervisor only
 * (shell/shell_thread.c).
 */
void shell_commands_lock(void);
/* The same, giving up after ns: true if taken. */
bool shell_commands_lock_for(uint64_t ns);
void shell_commands_unlock(void);

/* The command being run, for commands that want their own usage text. */
const struct shell_cmd *shell_current_cmd(const struct shell *sh);

/* Print "usage: <name> <usage>" and return -EINVAL. */
int shell_usage(struct shell *sh, const struct shell_cmd *cmd);

/*
 * Parse a decimal or 0x-hex number in [min, max] into *out. On error print
 * "error: <what>: '<arg>' is not a number" or "error: <what> must be between
 * <min> and <max> (got <v>)" and return -EINVAL, leaving *out untouched.
 */
int shell_parse_u64(struct shell *sh, const char *arg, const char *what,
		    uint64_t min, uint64_t max, uint64_t *out);

/* Make shell_exit_requested() true, e.g. from an "exit" command. */
void shell_request_exit(struct shell *sh);
bool shell_exit_requested(const struct shell *sh);

#endif
