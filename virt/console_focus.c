/*
 * Where console input goes: the Tandem shell, or one VM's UART. Ctrl-]
 * (0x1d) switches: from the shell to the first running VM (or the one
 * `console_attach` named), and from a VM back to the shell.
 */
#include <tandem/console.h>
#include <tandem/log.h>
#include <virt/vm.h>

#define ESCAPE_KEY 0x1d	/* Ctrl-] */

void vpl011_receive(void *uart, char c);

static struct vm *volatile focus;

void console_attach(struct vm *vm)
{
	focus = vm;
	if (vm)
		console_printf("\n[console: attached to VM '%s'; Ctrl-] returns to Tandem]\n",
			       vm->name);
	else
		console_printf("\n[console: Tandem shell]\n");
}

struct vm *console_focus(void)
{
	return focus;
}

/* Runs in the UART's interrupt handler. */
static bool route_input(char c)
{
	struct vm *vm = focus;

	if (c == ESCAPE_KEY) {
		struct vm *next = vm ? NULL : vm_first_running();

		console_attach(next);
		return !!next || vm;
	}
	if (!vm)
		return false;
	if (vm->state != VM_RUNNING) {
		console_attach(NULL);
		return false;
	}
	vpl011_receive(vm->uart, c);
	return true;
}

void console_focus_init(void)
{
	console_set_input_hook(route_input);
}
