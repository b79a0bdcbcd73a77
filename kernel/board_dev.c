/*
 * Board discovery, devices: the GICv3, the generic timer's PPIs and the
 * /chosen stdout-path UART (kernel/board_dt.h).
 */
#include <tandem/types.h>

#include "board_dt.h"

#include <errno.h>
#include <string.h>

struct gic {
	int node;
	int icells;
};

static int parse_gic(struct dt *dt, struct board *b, struct gic *gic)
{
	struct dt_reg reg;
	uint32_t icells = 0, nr_redist = 1;
	unsigned int i;
	int node, ret;

	node = dt_find_required(dt, "arm,gic-v3");
	if (node < 0)
		return node;

	ret = dt_prop_u32(dt, node, "#interrupt-cells", &icells);
	if (ret)
		return ret;
	/* The 4th cell, when present, is a PPI partition we do not use. */
	if (icells < 3 || icells > 4)
		return dt_fail(dt, node, -EINVAL,
			       "property '#interrupt-cells' is %u, need 3 or 4",
			       icells);

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

	gic->node = node;
	gic->icells = (int)icells;
	return 0;
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
			       "property 'interrupts' goes to %s, not the GICv3",
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

static int parse_timer(struct dt *dt, struct board *b, const struct gic *gic)
{
	irqid_t irq[4];
	unsigned int i;
	int node, ret;

	node = dt_find_required(dt, "arm,armv8-timer");
	if (node < 0)
		return node;
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

/*
 * stdout-path is "<path or alias>[:<options>]"; libfdt resolves an alias
 * in the first component for us once the options are cut off.
 */
static int parse_uart(struct dt *dt, struct board *b, const struct gic *gic)
{
	const char *prop = "stdout-path";
	struct dt_reg reg;
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
	node = fdt_path_offset_namelen(dt->fdt, path, (int)plen);
	if (node < 0)
		return dt_fail(dt, chosen, -ENOENT,
			       "property '%s' \"%.*s\" names no node",
			       prop, (int)plen, path);
	if (!dt_node_available(dt, node))
		return dt_fail(dt, node, -ENODEV,
			       "stdout UART has property 'status' not \"okay\"");
	if (fdt_node_check_compatible(dt->fdt, node, "arm,pl011"))
		return dt_fail(dt, node, -ENODEV,
			       "stdout UART: property 'compatible' lacks \"arm,pl011\"");

	ret = dt_reg_open(dt, node, 1, &reg);
	if (ret)
		return ret;
	ret = dt_reg_entry(dt, &reg, 0, &b->uart);
	if (ret)
		return ret;
	return node_irqs(dt, gic, node, &b->uart_irq, 1);
}

int board_parse_devices(struct dt *dt, struct board *b)
{
	struct gic gic;
	int ret;

	ret = parse_gic(dt, b, &gic);
	if (!ret)
		ret = parse_timer(dt, b, &gic);
	if (!ret)
		ret = parse_uart(dt, b, &gic);
	return ret;
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
