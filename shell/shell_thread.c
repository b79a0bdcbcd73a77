/* The shell's thread: reads the console, feeds the line editor, runs commands. */
#include <tandem/console.h>
#include <tandem/kernel.h>
#include <tandem/log.h>
#include <tandem/shell.h>

#define SHELL_PRIO 20
#define SHELL_STACK (32 * 1024)

static struct shell console_shell;

static void console_shell_write(void *ctx, const char *buf, size_t len)
{
	console_write(buf, len);
}

static void shell_thread(void *p1, void *p2, void *p3)
{
	shell_init(&console_shell, console_shell_write, NULL);
	LOG_INF("shell ready");
	shell_print_prompt(&console_shell);
	for (;;)
		shell_feed(&console_shell, (char)console_getc());
}

void shell_start(void)
{
	if (!k_thread_spawn("shell", shell_thread, NULL, NULL, SHELL_PRIO, 1U << 0,
			    SHELL_STACK))
		k_panic("cannot start the shell");
}
