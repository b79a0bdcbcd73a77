/*
 * Board discovery, devices: the interrupt controller the generic timer's
 * interrupts go to (and its frames), the timer's PPIs, the /chosen
 * stdout-path UART, and which driver (tandem/driver.h) takes each.
 *
 * Everything the tree says is recorded before any driver is looked for,
 * so a board Tandem cannot drive yet is still fully described; the first
 * device without a driver then ends board_parse() with one line naming
 * its node, its compatible and what is supported.
 */
#include <tandem/types.h>

#include "board_dt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <tandem/driver.h>

struct gic {
	int node;
	int icells;
};

/* GICv2-architecture distributors: one binding, many names. */
static const char *const gic_v2_compatible[] = {
	"arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic",
	"arm,cortex-a7-gic", "arm,arm11mp-gic", "arm,gic-v2", NULL
};

static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void record_node(struct dt *dt, int node, char *path, char *compat)
{
	const char *c;
	int len;

	if (fdt_get_path(dt->fdt, node, path, BOARD_PATH_LEN) < 0)
		copy_str(path, BOARD_PATH_LEN, dt_node_name(dt, node));
	c = fdt_getprop(dt->fdt, node, "compatible", &len);
	copy_str(compat, BOARD_COMPAT_LEN, c && len > 0 ? c : "");
}

static bool compatible_with_any(struct dt *dt, int node,
				const char *const *list)
{
	for (; *list; list++)
		if (!fdt_node_check_compatible(dt->fdt, node, *list))
			return true;
	return false;
}

/*
 * The driver of cls that takes node, or -ENODEV with the refusal line:
 * "no driver for UART /serial@fe660000 'foo,uart': supported: ...".
 */
static int bind(struct dt *dt, enum driver_class cls, int node,
		const char *path, const char *compat,
		const struct driver **out)
{
	char supported[160];
	const char *c;
	int len;

	c = fdt_getprop(dt->fdt, node, "compatible", &len);
	*out = c ? driver_match(cls, c, len) : NULL;
	if (*out)
		return 0;
	if (dt->err && dt->errlen) {
		driver_supported(cls, supported, sizeof(supported));
		snprintf(dt->err, dt->errlen,
			 "no driver for %s %s '%s': supported: %s",
			 driver_class_name(cls), path, compat, supported);
	}
	return -ENODEV;
}

static int parse_gic_v3(struct dt *dt, struct board *b, int node)
{
	struct dt_reg reg;
	uint32_t nr_redist = 1;
	unsigned int i;
	int ret;

	ret = dt_prop_u32(dt, node, "#redistributor-regions", &nr_redist);
	if (ret)
		return ret;
	if (nr_redist < 1)
		return dt_fail(dt, node, -EINVAL,
			       "property '#redistributor-regions' is 0");
	if (nr_redist > BOARD_MAX_GICR)
		return dt_fail(dt, node, -E2BIG,
			       "property '#redistributor-regions' is %u, Tandem handles at most %d",
			       nr_redist, BOARD_MAX_GICR);

	/* GICC/GICH/GICV may follow the redistributors; GICv3 needs none. */
	ret = dt_reg_open(dt, node, 1 + nr_redist, &reg);
	if (ret)
		return ret;
	ret = dt_reg_entry(dt, &reg, 0, &b->gicd);
	if (ret)
		return ret;
	for (i = 0; i < nr_redist; i++) {
		ret = dt_reg_entry(dt, &reg, 1 + i, &b->gicr[i]);
		if (ret)
			return ret;
	}
	b->n_gicr = nr_redist;
	return 0;
}

/* Distributor, CPU interface, then (with virtualization) GICH and GICV. */
static int parse_gic_v2(struct dt *dt, struct board *b, int node)
{
	struct board_range *frame[] = { &b->gicd, &b->gicc, &b->gich, &b->gicv };
	struct dt_reg reg;
	unsigned int i;
	int ret;

	ret = dt_reg_open(dt, node, 2, &reg);
	if (ret)
		return ret;
	for (i = 0; i < reg.n && i < 4; i++) {
		ret = dt_reg_entry(dt, &reg, i, frame[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_gic(struct dt *dt, struct board *b, int node, struct gic *gic)
{
	uint32_t icells = 0;
	int ret;

	record_node(dt, node, b->gic_path, b->gic_compat);
	if (!fdt_node_check_compatible(dt->fdt, node, "arm,gic-v3"))
		b->gic_version = 3;
	else if (compatible_with_any(dt, node, gic_v2_compatible))
		b->gic_version = 2;
	else	/* its interrupt specifiers mean nothing to us */
		return bind(dt, DRIVER_IRQCHIP, node, b->gic_path,
			    b->gic_compat, &b->irqchip_driver);

	ret = dt_prop_u32(dt, node, "#interrupt-cells", &icells);
	if (ret)
		return ret;
	/* The 4th cell, when present, is a PPI partition we do not use. */
	if (icells < 3 || icells > 4)
		return dt_fail(dt, node, -EINVAL,
			       "property '#interrupt-cells' is %u, need 3 or 4",
			       icells);
	gic->node = node;
	gic->icells = (int)icells;
	return b->gic_version == 3 ? parse_gic_v3(dt, b, node) :
				     parse_gic_v2(dt, b, node);
}

/* The first want entries of node's 'interrupts', which must go to the GIC. */
static int node_irqs(struct dt *dt, const struct gic *gic, int node,
		     irqid_t *out, unsigned int want)
{
	const fdt32_t *p;
	unsigned int i, n;
	int parent, len, stride;

	parent = dt_irq_parent(dt, node);
	if (parent < 0)
		return parent;
	if (parent != gic->node)
		return dt_fail(dt, node, -EINVAL,
			       "property 'interrupts' goes to %s, not the GIC",
			       dt_node_name(dt, parent));

	p = fdt_getprop(dt->fdt, node, "interrupts", &len);
	if (!p)
		return dt_prop_fail(dt, node, "interrupts", len);
	stride = gic->icells * 4;
	if (len % stride)
		return dt_fail(dt, node, -EINVAL,
			       "property 'interrupts' is %d bytes, not a multiple of %d (GIC #interrupt-cells %d)",
			       len, stride, gic->icells);
	n = (unsigned int)(len / stride);
	if (n < want)
		return dt_fail(dt, node, -EINVAL,
			       "property 'interrupts' has %u entries, need at least %u",
			       n, want);

	for (i = 0; i < want; i++) {
		const fdt32_t *spec = p + i * (unsigned int)gic->icells;
		uint32_t type = fdt32_ld(&spec[0]);
		uint32_t number = fdt32_ld(&spec[1]);

		out[i] = board_gic_spec_to_intid(type, number);
		if (!out[i])
			return dt_fail(dt, node, -EINVAL,
				       "property 'interrupts' entry %u <%u %u> is not a GIC SPI or PPI",
				       i, type, number);
	}
	return 0;
}

static int find_timer(struct dt *dt)
{
	int node = dt_find_compatible(dt, "arm,armv8-timer");

	if (node == -FDT_ERR_NOTFOUND)
		node = dt_find_compatible(dt, "arm,armv7-timer");
	if (node == -FDT_ERR_NOTFOUND)
		return dt_find_required(dt, "arm,armv8-timer");
	return node;
}

static int parse_timer(struct dt *dt, struct board *b, const struct gic *gic,
		       int node)
{
	irqid_t irq[4];
	unsigned int i;
	int ret;

	ret = node_irqs(dt, gic, node, irq, 4);
	if (ret)
		return ret;
	/* The timers are per-core by architecture, so anything else is a typo. */
	for (i = 0; i < 4; i++)
		if (irq[i] < 16 || irq[i] > 31)
			return dt_fail(dt, node, -EINVAL,
				       "property 'interrupts' entry %u is INTID %u, not a PPI",
				       i, irq[i]);
	b->timer_sec_irq = irq[0];
	b->timer_phys_irq = irq[1];
	b->timer_virt_irq = irq[2];
	b->timer_hyp_irq = irq[3];
	return dt_prop_u32(dt, node, "clock-frequency", &b->timer_freq);
}

/* A UART node's registers and 8250 layout, and the driver that takes it. */
static int describe_uart(struct dt *dt, int node, struct board_uart *u)
{
	struct dt_reg reg;
	const char *c;
	int ret, len;

	record_node(dt, node, u->path, u->compat);
	ret = dt_reg_open(dt, node, 1, &reg);
	if (ret)
		return ret;
	ret = dt_reg_entry(dt, &reg, 0, &u->reg);
	if (ret)
		return ret;
	if (!u->reg.size)
		u->reg.size = 0x1000;
	u->reg_shift = 0;
	u->reg_io_width = 1;	/* the 8250 binding's default */
	ret = dt_prop_u32(dt, node, "reg-shift", &u->reg_shift);
	if (!ret)
		ret = dt_prop_u32(dt, node, "reg-io-width", &u->reg_io_width);
	if (ret)
		return ret;
	if (u->reg_shift > 3)
		return dt_fail(dt, node, -EINVAL,
			       "property 'reg-shift' is %u, need 0..3",
			       u->reg_shift);
	if (u->reg_io_width != 1 && u->reg_io_width != 4)
		return dt_fail(dt, node, -EINVAL,
			       "property 'reg-io-width' is %u, Tandem does 1 or 4",
			       u->reg_io_width);
	c = fdt_getprop(dt->fdt, node, "compatible", &len);
	u->driver = c ? driver_match(DRIVER_SERIAL, c, len) : NULL;
	return 0;
}

/*
 * stdout-path is "<path or alias>[:<options>]"; libfdt resolves an alias
 * in the first component for us once the options are cut off.
 */
static int stdout_node(struct dt *dt, struct board_uart *u)
{
	const char *prop = "stdout-path";
	const char *path;
	size_t plen;
	int chosen, node, ret;

	chosen = fdt_path_offset(dt->fdt, "/chosen");
	if (chosen < 0)
		return dt_fail(dt, -1, -ENOENT, "node /chosen missing");
	/* Older boards spell it the pre-standard way. */
	if (!fdt_getprop(dt->fdt, chosen, prop, NULL) &&
	    fdt_getprop(dt->fdt, chosen, "linux,stdout-path", NULL))
		prop = "linux,stdout-path";
	ret = dt_prop_str(dt, chosen, prop, &path);
	if (ret)
		return ret;

	plen = strcspn(path, ":");
	copy_str(u->options, sizeof(u->options),
		 path[plen] ? path + plen + 1 : "");
	node = fdt_path_offset_namelen(dt->fdt, path, (int)plen);
	if (node < 0)
		return dt_fail(dt, chosen, -ENOENT,
			       "property '%s' \"%.*s\" names no node",
			       prop, (int)plen, path);
	if (!dt_node_available(dt, node))
		return dt_fail(dt, node, -ENODEV,
			       "stdout UART has property 'status' not \"okay\"");
	return node;
}

static int find_console(struct dt *dt, struct board_uart *u)
{
	int node, ret;

	node = stdout_node(dt, u);
	if (node < 0)
		return node;
	ret = describe_uart(dt, node, u);
	if (ret)
		return ret;
	return node;
}

int board_find_console(const void *fdt, struct board_uart *u, char *err,
		       size_t errlen)
{
	struct dt dt = { .fdt = fdt, .err = err, .errlen = errlen };
	int node;

	memset(u, 0, sizeof(*u));
	if (err && errlen)
		err[0] = '\0';
	if (fdt_check_header(fdt))
		return dt_fail(&dt, -1, -EINVAL, "bad header");
	node = find_console(&dt, u);
	if (node < 0)
		return node;
	return bind(&dt, DRIVER_SERIAL, node, u->path, u->compat, &u->driver);
}

int board_find_any_uart(const void *fdt, struct board_uart *u)
{
	struct dt dt = { .fdt = fdt };
	const char *c;
	int node, len;

	if (fdt_check_header(fdt))
		return -EINVAL;
	for (node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		c = fdt_getprop(fdt, node, "compatible", &len);
		if (!c || !dt_node_available(&dt, node) ||
		    !driver_match(DRIVER_SERIAL, c, len))
			continue;
		memset(u, 0, sizeof(*u));
		if (!describe_uart(&dt, node, u))
			return 0;
	}
	return -ENOENT;
}

/* Bind a driver to each device, in the order a porter meets them. */
static int bind_all(struct dt *dt, struct board *b, int gic, int timer,
		    int uart)
{
	char timer_path[BOARD_PATH_LEN], timer_compat[BOARD_COMPAT_LEN];
	int ret;

	ret = bind(dt, DRIVER_IRQCHIP, gic, b->gic_path, b->gic_compat,
		   &b->irqchip_driver);
	if (ret)
		return ret;
	record_node(dt, timer, timer_path, timer_compat);
	ret = bind(dt, DRIVER_TIMER, timer, timer_path, timer_compat,
		   &b->timer_driver);
	if (ret)
		return ret;
	return bind(dt, DRIVER_SERIAL, uart, b->uart.path, b->uart.compat,
		    &b->uart.driver);
}

int board_parse_devices(struct dt *dt, struct board *b)
{
	struct gic gic;
	int timer, gic_node, uart, ret;

	timer = find_timer(dt);
	if (timer < 0)
		return timer;
	gic_node = dt_irq_parent(dt, timer);
	if (gic_node < 0)
		return gic_node;
	ret = parse_gic(dt, b, gic_node, &gic);
	if (ret)
		return ret;
	ret = parse_timer(dt, b, &gic, timer);
	if (ret)
		return ret;
	uart = find_console(dt, &b->uart);
	if (uart < 0)
		return uart;
	/* A UART no driver takes is refused below, whatever its interrupts. */
	ret = node_irqs(dt, &gic, uart, &b->uart.irq, 1);
	if (ret && b->uart.driver)
		return ret;
	return bind_all(dt, b, gic_node, timer, uart);
}

irqid_t board_gic_spec_to_intid(uint32_t type, uint32_t number)
{
	/* SPIs end at INTID 1019; 1020..1023 are special INTIDs. */
	if (type == 0 && number <= 1019 - 32)
		return number + 32;
	if (type == 1 && number < 16)
		return number + 16;
	return 0;
}
