/*
 * Binding drivers to device-tree nodes by 'compatible' (tandem/driver.h).
 * Host-testable: it only reads the link-time table.
 */
#include <tandem/driver.h>

#include <stdio.h>
#include <string.h>

/* Hidden, so PIE code reaches them PC-relative; weak, so a host test that
 * links no driver sees an empty table instead of a link error. */
extern const struct driver __start_tandem_drivers[]
	__attribute__((visibility("hidden"), weak));
extern const struct driver __stop_tandem_drivers[]
	__attribute__((visibility("hidden"), weak));

#define for_each_driver(d) \
	for ((d) = __start_tandem_drivers; (d) < __stop_tandem_drivers; (d)++)

static bool driver_takes(const struct driver *d, const char *c)
{
	for (const char *const *p = d->compatible; *p; p++)
		if (!strcmp(*p, c))
			return true;
	return false;
}

const struct driver *driver_match(enum driver_class cls, const char *compat,
				  int compat_len)
{
	const struct driver *d;
	int off = 0;

	while (compat && off < compat_len) {
		const char *c = compat + off;
		size_t n = strnlen(c, (size_t)(compat_len - off));

		if ((int)n == compat_len - off)
			break;		/* not NUL-terminated: ignore the rest */
		for_each_driver(d)
			if (d->cls == cls && driver_takes(d, c))
				return d;
		off += (int)n + 1;
	}
	return NULL;
}

void driver_supported(enum driver_class cls, char *buf, size_t len)
{
	const struct driver *d;
	size_t n = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for_each_driver(d) {
		if (d->cls != cls)
			continue;
		for (const char *const *p = d->compatible; *p && n < len; p++) {
			int w = snprintf(buf + n, len - n, "%s%s", n ? ", " : "", *p);

			if (w < 0)
				return;
			n += (size_t)w;
		}
	}
	if (!n)
		snprintf(buf, len, "none");
}

const char *driver_class_name(enum driver_class cls)
{
	switch (cls) {
	case DRIVER_IRQCHIP:
		return "interrupt controller";
	case DRIVER_SERIAL:
		return "UART";
	case DRIVER_TIMER:
		return "timer";
	}
	return "device";
}
