/*
 * Finding a passed-through device in the board DTB, at vm_create() time:
 * the config names it by path or by register range, and only the board
 * knows its full reg, its interrupts and their trigger, and whether the
 * host itself uses it (its console UART, the GIC, RAM). Pure: host-tested
 * against QEMU's own virt DTB (tests/unit/test_passthru_board.c).
 *
 * Devices on the root node or on a bus whose `ranges` is empty (1:1) are
 * understood; a device behind address translation is refused rather than
 * guessed at. Interrupts must be 3-cell GIC specifiers of SPIs.
 */
#include <virt/passthru.h>
#include <virt/vm_config_passthru.h>
#include <tandem/board.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#define PT_PAGE		KiB(4)
#define GIC_SPI		0
#define IRQ_TYPE_EDGE	0x3	/* DT flags 1 (rising) and 2 (falling) */

struct pt_res {
	const void *fdt;
	const struct board *b;
	const struct vm_config *cfg;
	const struct vm_passthru *d;
	char *err;
	size_t errlen;
};

static int res_fail(struct pt_res *r, const char *fmt, ...) __printf_like(2, 3);

/* "<file>: /<vm>/passthrough/<dev>: <message>" */
static int res_fail(struct pt_res *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!r->err || !r->errlen)
		return -EINVAL;
	n = snprintf(r->err, r->errlen, "%.*s: /%.*s/passthrough/%.*s: ", VM_FILE_LEN,
		     r->cfg->file, VM_NAME_LEN, r->cfg->name, VM_NAME_LEN, r->d->name);
	if (n >= 0 && (size_t)n < r->errlen) {
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* #address-cells or #size-cells of node (dflt if absent). Not libfdt's
 * fdt_address_cells(): fdt_addresses.o brings FP/SIMD code into EL2. */
static int cells_of(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	return p && len == 4 ? (int)fdt32_ld(p) : dflt;
}

/* Cells of the bus holding node; -1 if the bus translates addresses. */
static int bus_cells(const void *fdt, int node, int *ac, int *sc)
{
	int parent = fdt_parent_offset(fdt, node), len;

	if (parent < 0)
		return -1;
	if (parent != 0 && (!fdt_getprop(fdt, parent, "ranges", &len) || len != 0))
		return -1;
	*ac = cells_of(fdt, parent, "#address-cells", 2);
	*sc = cells_of(fdt, parent, "#size-cells", 1);
	return (*ac >= 1 && *ac <= 2 && *sc >= 1 && *sc <= 2) ? 0 : -1;
}

static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_ld(&p[i]);
	return v;
}

/* reg of node: up to max (base, size) pairs. Count, or -1. */
static int node_regs(const void *fdt, int node, uint64_t *base, uint64_t *size, int max)
{
	int ac, sc, len, n;
	const fdt32_t *p;

	if (bus_cells(fdt, node, &ac, &sc))
		return -1;
	p = fdt_getprop(fdt, node, "reg", &len);
	if (!p || len <= 0 || len % (4 * (ac + sc)))
		return -1;
	n = len / (4 * (ac + sc));
	for (int i = 0; i < n && i < max; i++) {
		base[i] = read_cells(p + i * (ac + sc), ac);
		size[i] = read_cells(p + i * (ac + sc) + ac, sc);
	}
	return n;
}

/* The page-granular range stage 2 maps for a register range. */
static void page_span(uint64_t base, uint64_t size, uint64_t *pbase, uint64_t *psize)
{
	*pbase = ALIGN_DOWN(base, PT_PAGE);
	*psize = ALIGN_UP(base + size, PT_PAGE) - *pbase;
}

static int check_host_range(struct pt_res *r, uint64_t base, uint64_t size)
{
	const struct board *b = r->b;

	if (ranges_overlap(base, size, b->uart.reg.base, b->uart.reg.size))
		return res_fail(r, "0x%llx+0x%llx is the host's console UART",
				(unsigned long long)base, (unsigned long long)size);
	if (ranges_overlap(base, size, b->gicd.base, b->gicd.size))
		return res_fail(r, "0x%llx+0x%llx is the host's GIC distributor",
				(unsigned long long)base, (unsigned long long)size);
	for (unsigned i = 0; i < b->n_gicr; i++)
		if (ranges_overlap(base, size, b->gicr[i].base, b->gicr[i].size))
			return res_fail(r, "0x%llx+0x%llx is the host's GIC redistributors",
					(unsigned long long)base, (unsigned long long)size);
	for (unsigned i = 0; i < b->n_mem; i++)
		if (ranges_overlap(base, size, b->mem[i].base, b->mem[i].size))
			return res_fail(r, "0x%llx+0x%llx is RAM, not a device",
					(unsigned long long)base, (unsigned long long)size);
	return 0;
}

static int check_host_irq(struct pt_res *r, irqid_t intid)
{
	const struct board *b = r->b;

	if (intid == b->uart.irq)
		return res_fail(r, "interrupt %u is the host's console UART's", intid);
	if (intid == b->timer_hyp_irq || intid == b->timer_phys_irq ||
	    intid == b->timer_virt_irq || intid == b->timer_sec_irq)
		return res_fail(r, "interrupt %u is the host's timer's", intid);
	return 0;
}

/* The first board node with a reg range overlapping [pa, pa+size). */
static int find_node_by_reg(const void *fdt, uint64_t pa, uint64_t size)
{
	for (int node = fdt_next_node(fdt, 0, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		uint64_t base[PT_MAX_REGS], sz[PT_MAX_REGS];
		int n = node_regs(fdt, node, base, sz, PT_MAX_REGS);

		for (int i = 0; i < n && i < PT_MAX_REGS; i++)
			if (ranges_overlap(pa, size, base[i], sz[i]))
				return node;
	}
	return -1;
}

/* The node's GIC interrupt specifiers; refuses anything but SPIs. */
static int node_irqs(struct pt_res *r, int node, struct vm_passthru *d,
		     struct vm_fdt_dev *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(r->fdt, node, "interrupts", &len);

	if (!p)
		return 0;
	if (len % 12)
		return res_fail(r, "property 'device': 'interrupts' of %s is not 3-cell GIC specifiers",
				d->device);
	if (len / 12 > PT_MAX_IRQS)
		return res_fail(r, "property 'device': %s has %d interrupts, the maximum is %u",
				d->device, len / 12, PT_MAX_IRQS);
	for (int i = 0; i < len / 12; i++) {
		uint32_t type = fdt32_ld(&p[3 * i]), num = fdt32_ld(&p[3 * i + 1]);

		if (type != GIC_SPI || num > 987)
			return res_fail(r, "property 'device': interrupt %d of %s is not an SPI",
					i, d->device);
		d->intid[i] = num + 32;
		out->irq_flags[i] = fdt32_ld(&p[3 * i + 2]);
	}
	d->n_irqs = (unsigned)(len / 12);
	return 0;
}

/* Trigger flags of intid as the node lists it; level-high if it does not. */
static uint32_t irq_flags_of(const void *fdt, int node, irqid_t intid)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "interrupts", &len);

	for (int i = 0; p && i < len / 12; i++)
		if (fdt32_ld(&p[3 * i]) == GIC_SPI && fdt32_ld(&p[3 * i + 1]) + 32 == intid)
			return fdt32_ld(&p[3 * i + 2]);
	return 4;
}

static int resolve_path(struct pt_res *r, struct vm_passthru *d, struct vm_fdt_dev *out)
{
	int node = fdt_path_offset(r->fdt, d->device), n;

	if (node < 0)
		return res_fail(r, "property 'device': '%s' is not in the board DTB", d->device);
	n = node_regs(r->fdt, node, d->pa, d->size, PT_MAX_REGS);
	if (n <= 0)
		return res_fail(r, "property 'device': '%s' has no 'reg' on a bus Tandem can map",
				d->device);
	if (n > PT_MAX_REGS)
		return res_fail(r, "property 'device': '%s' has %d register ranges, the maximum is %u",
				d->device, n, PT_MAX_REGS);
	d->n_regs = (unsigned)n;
	out->node = node;
	return node_irqs(r, node, d, out);
}

static int resolve_reg(struct pt_res *r, struct vm_passthru *d, struct vm_fdt_dev *out)
{
	int node = -1;

	for (unsigned i = 0; i < d->n_regs; i++) {
		int n = find_node_by_reg(r->fdt, d->pa[i], d->size[i]);

		if (n < 0)
			return res_fail(r, "property 'reg': 0x%llx+0x%llx is not a device in the board DTB",
					(unsigned long long)d->pa[i], (unsigned long long)d->size[i]);
		if (node < 0)
			node = n;
	}
	out->node = node;
	for (unsigned i = 0; i < d->n_irqs; i++)
		out->irq_flags[i] = irq_flags_of(r->fdt, node, d->intid[i]);
	return 0;
}

/*
 * A device that writes memory itself (the board says `dma-coherent`) uses
 * guest-physical addresses as bus addresses: without an IOMMU they are
 * host-physical, so the VM must be direct-mapped (memory-base ==
 * memory-phys), and since the device can then reach all of memory, the
 * config must say it accepts that (dma-no-iommu).
 */
static int check_dma(struct pt_res *r, int node)
{
	const struct vm_config *c = r->cfg;
	int len;

	if (!fdt_getprop(r->fdt, node, "dma-coherent", &len))
		return 0;
	if (!r->d->dma_no_iommu)
		return res_fail(r, "the device does DMA and there is no IOMMU: it could reach all memory (say 'dma-no-iommu;' to accept that)");
	if (c->ram_phys != c->ram_base)
		return res_fail(r, "property 'dma-no-iommu': a DMA device needs the VM direct-mapped (memory-phys = memory-base, now 0x%llx and 0x%llx)",
				(unsigned long long)c->ram_phys, (unsigned long long)c->ram_base);
	return 0;
}

int passthru_resolve(const void *board_fdt, const struct board *b,
		     const struct vm_config *cfg, unsigned d_index,
		     struct vm_passthru *d, struct vm_fdt_dev *out,
		     char *err, size_t errlen)
{
	struct pt_res r = { board_fdt, b, cfg, d, err, errlen };
	char msg[160];
	int ret;

	memset(out, 0, sizeof(*out));
	ret = d->device[0] ? resolve_path(&r, d, out) : resolve_reg(&r, d, out);
	if (ret)
		return ret;
	if (d->n_guest_regs && d->n_guest_regs != d->n_regs)
		return res_fail(&r, "property 'guest-reg' has %u entries, the device has %u register ranges",
				d->n_guest_regs, d->n_regs);
	if (d->n_guest_irqs && d->n_guest_irqs != d->n_irqs)
		return res_fail(&r, "property 'guest-interrupts' has %u entries, the device has %u interrupts",
				d->n_guest_irqs, d->n_irqs);
	for (unsigned i = 0; i < d->n_regs; i++) {
		uint64_t pb, ps;

		page_span(d->pa[i], d->size[i], &pb, &ps);
		ret = check_host_range(&r, pb, ps);
		if (ret)
			return ret;
		/* guest-reg names the page; the offset in it stays the board's */
		out->ipa[i] = d->n_guest_regs ? d->ipa[i] + (d->pa[i] & (PT_PAGE - 1)) : d->pa[i];
		out->size[i] = d->size[i];
	}
	for (unsigned i = 0; i < d->n_irqs; i++) {
		ret = check_host_irq(&r, d->intid[i]);
		if (ret)
			return ret;
		out->intid[i] = d->n_guest_irqs ? d->guest_intid[i] : d->intid[i];
	}
	ret = check_dma(&r, out->node);
	if (ret)
		return ret;
	out->n_regs = d->n_regs;
	out->n_irqs = d->n_irqs;
	if (vm_passthru_check_guest(cfg, d, d_index, msg, sizeof(msg)))
		return res_fail(&r, "%s", msg);
	return 0;
}

bool passthru_irq_edge(uint32_t dt_flags)
{
	return (dt_flags & IRQ_TYPE_EDGE) != 0;
}
