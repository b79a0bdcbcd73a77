/*
 * The early console, chosen by the device tree before anything else runs:
 * the /chosen stdout-path UART, through whichever serial driver takes its
 * compatible (board_find_console). Nothing about the UART is compiled in.
 *
 * If no driver takes it, Tandem looks for any UART in the tree a driver
 * does take and says, on that one, what it found; if there is none at
 * all, the words wait in the console's ring and boot ends at a BRK the
 * exception vectors catch (kernel/init.c), which QEMU's -d int shows.
 */
#include <string.h>
#include <tandem/board.h>
#include <tandem/console.h>
#include <tandem/driver.h>
#include <tandem/serial.h>
#include <arch/mmu.h>

static bool bind_uart(const struct board_uart *u)
{
	struct serial_port p = {
		.reg_shift = u->reg_shift,
		.reg_width = u->reg_io_width,
	};

	p.base = mmu_map_device(u->reg.base, u->reg.size);
	if (!p.base)
		return false;
	console_bind(u->driver->ops, &p);
	return true;
}

void console_early_init(const void *dtb)
{
	struct board_uart u;
	char why[256];

	if (!board_find_console(dtb, &u, why, sizeof(why))) {
		if (bind_uart(&u)) {
			console_printf("tandem: console %s '%s' (%s)%s%s\n", u.path,
				       u.compat, u.driver->name,
				       u.options[0] ? ", stdout-path options " : "",
				       u.options);
			return;
		}
		strcpy(why, "cannot map the stdout-path UART");
	}
	/* Say it in the ring first: it comes out on whatever UART works. */
	console_printf("\ntandem: early console: %s\n", why);
	if (!board_find_any_uart(dtb, &u) && bind_uart(&u))
		console_printf("tandem: early console: using %s '%s' (%s) instead\n",
			       u.path, u.compat, u.driver->name);
}
