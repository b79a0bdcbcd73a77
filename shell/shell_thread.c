/* The shell's thread: reads the console, feeds the line editor, runs commands. */
#include <tandem/console.h>
#include <tandem/kernel.h>
#include <tandem/log.h>
#include <tandem/shell.h>

#define SHELL_PRIO 20
#define SHELL_STACK (32 * 1024)

static struct shell console_shell;
static struct k_mutex commands_lock;	/* initialised before any VM exists */

void shell_commands_lock(void)
{
	k_mutex_lock(&commands_lock, K_FOREVER);
}

bool shell_commands_lock_for(uint64_t ns)
{
	return k_mutex_lock(&commands_lock, K_NSEC(ns)) == 0;
}

void shell_commands_unlock(void)
{
	k_mutex_unlock(&commands_lock);
}

static void console_shell_write(void *ctx, const char *buf, size_t len)
{
	console_write(buf, len);
}

static void shell_thread(void *p1, void *p2, void *p3)
{
	shell_init(&console_shell, console_shell_write, NULL);
	LOG_INF("shell ready");
	shell_print_prompt(&console_shell);
	for (;;) {
		char c = (char)console_getc();

		shell_commands_lock();
		shell_feed(&console_shell, c);
		shell_commands_unlock();
	}
}

void shell_start(void)
{
	k_mutex_init(&commands_lock);
	if (!k_thread_spawn("shell", shell_thread, NULL, NULL, SHELL_PRIO, 1U << 0,
			    SHELL_STACK))
		k_panic("cannot start the shell");
}
