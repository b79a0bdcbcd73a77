/*
 * The driver model: interrupt controllers, UARTs and timers are drivers
 * (drivers/<class>/<name>.c), each bound to its device-tree node by the
 * node's 'compatible' through the ops table of its class
 * (tandem/irqchip.h, tandem/serial.h, tandem/timer.h). The kernel only
 * calls through the ops; a driver never calls up into the scheduler.
 *
 * Registration is a link-time table, like the shell's commands: each
 * driver file places one struct driver in the "tandem_drivers" section
 * with DRIVER_REGISTER, and driver_match() walks it between
 * __start_tandem_drivers and __stop_tandem_drivers. Adding a driver is
 * adding its file: no central list to edit, no init order to get right,
 * and the host unit tests see exactly the drivers they link.
 */
#ifndef TANDEM_DRIVER_H
#define TANDEM_DRIVER_H

#include <tandem/types.h>

enum driver_class {
	DRIVER_IRQCHIP,
	DRIVER_SERIAL,
	DRIVER_TIMER,
};

struct driver {
	enum driver_class cls;
	const char *name;		/* short, for the boot log: "pl011" */
	/* The compatibles it drives, NULL-terminated, most specific first. */
	const char *const *compatible;
	const void *ops;		/* the class's ops table */
};

#define DRIVER_CAT2(a, b) a##b
#define DRIVER_CAT(a, b) DRIVER_CAT2(a, b)

/*
 * At file scope in the driver: DRIVER_REGISTER(DRIVER_SERIAL, "pl011",
 * pl011_compatible, &pl011_ops); aligned(8) keeps the entries an array
 * (sizeof(struct driver) is a multiple of 8).
 */
#define DRIVER_REGISTER(_cls, _name, _compatible, _ops)			\
	static const struct driver					\
	DRIVER_CAT(__driver_, __COUNTER__)				\
	__attribute__((used, section("tandem_drivers"), aligned(8))) = { \
		.cls = (_cls),						\
		.name = (_name),					\
		.compatible = (_compatible),				\
		.ops = (_ops),						\
	}

/*
 * The first driver of the class, in link order, that lists one of the
 * compatibles in the NUL-separated list compat of compat_len bytes (a DT
 * 'compatible' property). The node's own order wins: its first string
 * that any driver takes decides. NULL if none does.
 */
const struct driver *driver_match(enum driver_class cls, const char *compat,
				  int compat_len);

/* "a, b, c": every compatible the class's drivers take, for refusals. */
void driver_supported(enum driver_class cls, char *buf, size_t len);

/* "interrupt controller", "UART", "timer". */
const char *driver_class_name(enum driver_class cls);

#endif
