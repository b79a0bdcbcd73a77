/*
 * Board discovery: turns the DTB handed over in x0 into a struct board
 * (memory, reserved ranges, CPUs, GICv3, the stdout PL011, the generic
 * timer's PPIs and the PSCI conduit).
 *
 * libfdt does all the walking; this file adds the device-tree rules libfdt
 * leaves to its callers: a node's reg is sized by its parent's
 * #address-cells/#size-cells and only becomes a CPU physical address after
 * translation through each enclosing bus's 'ranges', and a device's
 * interrupt parent is inherited down the tree. Every way a board can fail
 * these rules ends in a one-line message naming the node and property,
 * because this runs before anything else can help a porter find out why
 * Tandem refused their board.
 *
 * No global state and no allocation: the caller owns struct board and the
 * message buffer.
 */
/*
 * tandem/types.h goes first: picolibc's <sys/cdefs.h> defines __unused,
 * __aligned and __section too, and only a redefinition from inside a system
 * header is silent under -Werror.
 */
#include <tandem/board.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#define ERR_PREFIX "board DTB: "

/* Longer paths are cut to their last component in messages. */
#define DT_PATH_LEN 128

/* MPIDR_EL1 Aff3 [39:32] and Aff2..Aff0 [23:0]: all a cpu's reg may hold. */
#define MPIDR_AFF_MASK 0xff00ffffffULL

/* Bounds the interrupt-parent walk so a phandle loop cannot hang boot. */
#define IRQ_PARENT_MAX_HOPS 32

struct dt {
	const void *fdt;
	char *err;
	size_t errlen;
};

/* A node's reg, decoded according to its parent bus. */
struct reg {
	int node;
	const fdt32_t *cells;
	int ac;
	int sc;
	unsigned int n;
};

struct gic {
	int node;
	int icells;
};

static int dt_fail(struct dt *dt, int node, int ret, const char *fmt, ...)
	__printf_like(4, 5);

/*
 * Record "board DTB: <path>: <message>" and return ret, so that every error
 * site is a single `return dt_fail(...)`. node < 0 leaves the path out, for
 * errors about the blob as a whole.
 */
static int dt_fail(struct dt *dt, int node, int ret, const char *fmt, ...)
{
	char path[DT_PATH_LEN];
	va_list ap;
	int n;

	if (!dt->err || dt->errlen == 0)
		return ret;

	if (node >= 0) {
		if (fdt_get_path(dt->fdt, node, path, sizeof(path)) < 0) {
			const char *name = fdt_get_name(dt->fdt, node, NULL);

			snprintf(path, sizeof(path), ".../%s", name ? name : "?");
		}
		n = snprintf(dt->err, dt->errlen, ERR_PREFIX "%s: ", path);
	} else {
		n = snprintf(dt->err, dt->errlen, ERR_PREFIX);
	}
	if (n < 0 || (size_t)n >= dt->errlen)
		return ret;

	va_start(ap, fmt);
	vsnprintf(dt->err + n, dt->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return ret;
}

/* fdt_getprop() failed with len: say whether it was absent or broken. */
static int prop_fail(struct dt *dt, int node, const char *name, int len)
{
	if (len == -FDT_ERR_NOTFOUND)
		return dt_fail(dt, node, -ENOENT, "property '%s' missing", name);
	return dt_fail(dt, node, -EINVAL, "property '%s' unreadable: %s",
		       name, fdt_strerror(len));
}

static const char *node_name(struct dt *dt, int node)
{
	const char *name = fdt_get_name(dt->fdt, node, NULL);

	return name ? name : "?";
}

/* True if the property is present and is exactly the string value. */
static bool prop_is(struct dt *dt, int node, const char *name,
		    const char *value)
{
	const char *p;
	int len;

	p = fdt_getprop(dt->fdt, node, name, &len);
	return p && (size_t)len == strlen(value) + 1 &&
	       memcmp(p, value, (size_t)len) == 0;
}

/* DT spec: no 'status' means enabled; "ok" is the pre-standard spelling. */
static bool node_available(struct dt *dt, int node)
{
	if (!fdt_getprop(dt->fdt, node, "status", NULL))
		return true;
	return prop_is(dt, node, "status", "okay") ||
	       prop_is(dt, node, "status", "ok");
}

/* A required property holding one NUL-terminated string. */
static int prop_str(struct dt *dt, int node, const char *name,
		    const char **out)
{
	const char *p;
	int len;

	p = fdt_getprop(dt->fdt, node, name, &len);
	if (!p)
		return prop_fail(dt, node, name, len);
	if (len == 0 || p[len - 1] != '\0')
		return dt_fail(dt, node, -EINVAL,
			       "property '%s' is not a string", name);
	*out = p;
	return 0;
}

/* An optional one-cell property: *out is left alone when it is absent. */
static int prop_u32(struct dt *dt, int node, const char *name, uint32_t *out)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(dt->fdt, node, name, &len);
	if (!p)
		return len == -FDT_ERR_NOTFOUND ? 0 :
		       prop_fail(dt, node, name, len);
	if (len != 4)
		return dt_fail(dt, node, -EINVAL,
			       "property '%s' is %d bytes, need 4", name, len);
	*out = fdt32_ld(p);
	return 0;
}

static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = (v << 32) | fdt32_ld(&p[i]);
	return v;
}

/*
 * The #address-cells/#size-cells a bus imposes on its children. Absent
 * properties take the DT spec defaults (2 and 1). Only 1..2 address cells
 * fit a paddr_t; buses with wider addresses (PCI) carry nothing we read.
 *
 * Not fdt_address_cells(): it lives in Debian's fdt_addresses.o, which (like
 * fdt_rw.o) is compiled with SIMD register use that EL2 code built with
 * -mgeneral-regs-only must not pull in. Stick to fdt.o, fdt_ro.o,
 * fdt_check.o and fdt_strerror.o here.
 */
static int bus_cells(struct dt *dt, int bus, int *ac, int *sc,
		     int sc_min, int sc_max)
{
	uint32_t a = 2, s = 1;
	int ret;

	ret = prop_u32(dt, bus, "#address-cells", &a);
	if (ret)
		return ret;
	ret = prop_u32(dt, bus, "#size-cells", &s);
	if (ret)
		return ret;
	if (a < 1 || a > 2)
		return dt_fail(dt, bus, -EINVAL,
			       "property '#address-cells' is %u, need 1 or 2",
			       a);
	if (s < (uint32_t)sc_min || s > (uint32_t)sc_max)
		return dt_fail(dt, bus, -EINVAL,
			       "property '#size-cells' is %u, need %d..%d",
			       s, sc_min, sc_max);
	*ac = (int)a;
	*sc = (int)s;
	return 0;
}

static int parent_of(struct dt *dt, int node)
{
	int parent = fdt_parent_offset(dt->fdt, node);

	if (parent < 0)
		return dt_fail(dt, node, -EINVAL, "cannot find parent: %s",
			       fdt_strerror(parent));
	return parent;
}

/*
 * Map [*addr, *addr + size) through one bus's non-empty 'ranges' into the
 * address space of the bus's parent.
 */
static int translate_one(struct dt *dt, int node, int bus, int up,
			 paddr_t *addr, uint64_t size)
{
	const fdt32_t *r;
	int len, cac, csc, pac, psc, stride, i, ret;

	r = fdt_getprop(dt->fdt, bus, "ranges", &len);
	if (!r && len == -FDT_ERR_NOTFOUND)
		return dt_fail(dt, bus, -EINVAL,
			       "property 'ranges' missing, so child %s has no CPU address",
			       node_name(dt, node));
	if (!r)
		return prop_fail(dt, bus, "ranges", len);
	if (len == 0)
		return 0;		/* empty 'ranges': identity map */

	ret = bus_cells(dt, bus, &cac, &csc, 1, 2);
	if (ret)
		return ret;
	ret = bus_cells(dt, up, &pac, &psc, 0, 2);
	if (ret)
		return ret;
	stride = cac + pac + csc;
	if (len % (stride * 4))
		return dt_fail(dt, bus, -EINVAL,
			       "property 'ranges' is %d bytes, not a multiple of %d",
			       len, stride * 4);

	for (i = 0; i < len / 4; i += stride) {
		uint64_t cbase = read_cells(&r[i], cac);
		uint64_t pbase = read_cells(&r[i + cac], pac);
		uint64_t rsize = read_cells(&r[i + cac + pac], csc);
		uint64_t off = *addr - cbase;

		if (*addr < cbase || off >= rsize || size > rsize - off)
			continue;
		if (pbase + off < pbase)
			return dt_fail(dt, bus, -EINVAL,
				       "property 'ranges' maps %s past the top of the address space",
				       node_name(dt, node));
		*addr = pbase + off;
		return 0;
	}
	return dt_fail(dt, bus, -EINVAL,
		       "property 'ranges' does not cover child %s at 0x%llx size 0x%llx",
		       node_name(dt, node), (unsigned long long)*addr,
		       (unsigned long long)size);
}

/*
 * A reg address is only meaningful on the node's parent bus; walk up to
 * the root so callers get what the CPU must put in its page tables.
 */
static int translate(struct dt *dt, int node, paddr_t *addr, uint64_t size)
{
	int bus, up, ret;

	for (bus = parent_of(dt, node); bus > 0; bus = up) {
		up = parent_of(dt, bus);
		if (up < 0)
			return up;
		ret = translate_one(dt, node, bus, up, addr, size);
		if (ret)
			return ret;
	}
	return bus < 0 ? bus : 0;
}

/* Look up node's reg and check it has at least min entries. */
static int reg_open(struct dt *dt, int node, unsigned int min, struct reg *r)
{
	int bus, len, stride, ret;

	bus = parent_of(dt, node);
	if (bus < 0)
		return bus;
	ret = bus_cells(dt, bus, &r->ac, &r->sc, 1, 2);
	if (ret)
		return ret;

	r->node = node;
	r->cells = fdt_getprop(dt->fdt, node, "reg", &len);
	if (!r->cells)
		return prop_fail(dt, node, "reg", len);
	stride = (r->ac + r->sc) * 4;
	if (len % stride)
		return dt_fail(dt, node, -EINVAL,
			       "property 'reg' is %d bytes, not a multiple of %d (parent's #address-cells %d + #size-cells %d)",
			       len, stride, r->ac, r->sc);
	r->n = (unsigned int)(len / stride);
	if (r->n < min)
		return dt_fail(dt, node, -EINVAL,
			       "property 'reg' has %u entries, need at least %u",
			       r->n, min);
	return 0;
}

/* Entry idx of an opened reg, as a CPU physical range. */
static int reg_entry(struct dt *dt, const struct reg *r, unsigned int idx,
		     struct board_range *out)
{
	const fdt32_t *p = r->cells + idx * (unsigned int)(r->ac + r->sc);
	paddr_t base = read_cells(p, r->ac);
	uint64_t size = read_cells(p + r->ac, r->sc);
	int ret;

	ret = translate(dt, r->node, &base, size);
	if (ret)
		return ret;
	if (size && base + size - 1 < base)
		return dt_fail(dt, r->node, -EINVAL,
			       "property 'reg' entry %u (0x%llx size 0x%llx) wraps past the top of the address space",
			       idx, (unsigned long long)base,
			       (unsigned long long)size);
	out->base = base;
	out->size = size;
	return 0;
}

/* First available node with the compatible string, or a libfdt error. */
static int find_compatible(struct dt *dt, const char *compat)
{
	int node = -1;

	do {
		node = fdt_node_offset_by_compatible(dt->fdt, node, compat);
	} while (node >= 0 && !node_available(dt, node));
	return node;
}

static int find_required(struct dt *dt, const char *compat)
{
	int node = find_compatible(dt, compat);

	if (node == -FDT_ERR_NOTFOUND)
		return dt_fail(dt, -1, -ENOENT,
			       "no node compatible with \"%s\"", compat);
	if (node < 0)
		return dt_fail(dt, -1, -EINVAL,
			       "looking for \"%s\": %s", compat,
			       fdt_strerror(node));
	return node;
}

static int add_range(struct dt *dt, int node, struct board_range *arr,
		     unsigned int *n, unsigned int max, const char *what,
		     const struct board_range *r)
{
	if (*n == max)
		return dt_fail(dt, node, -E2BIG, "more than %u %s", max, what);
	arr[(*n)++] = *r;
	return 0;
}

static void parse_model(struct dt *dt, struct board *b)
{
	const char *p;
	int len;
	size_t n;

	p = fdt_getprop(dt->fdt, 0, "model", &len);
	if (!p || len <= 0)
		return;
	n = strnlen(p, (size_t)len);
	if (n >= sizeof(b->model))
		n = sizeof(b->model) - 1;
	memcpy(b->model, p, n);
	b->model[n] = '\0';
}

static int parse_memory(struct dt *dt, struct board *b)
{
	struct board_range r;
	struct reg reg;
	unsigned int i;
	int node = -1, ret;

	for (;;) {
		node = fdt_node_offset_by_prop_value(dt->fdt, node,
						     "device_type", "memory",
						     sizeof("memory"));
		if (node < 0)
			break;
		if (!node_available(dt, node))
			continue;
		ret = reg_open(dt, node, 1, &reg);
		if (ret)
			return ret;
		for (i = 0; i < reg.n; i++) {
			ret = reg_entry(dt, &reg, i, &r);
			if (ret)
				return ret;
			/* Bootloaders leave zero-sized slots for banks they did not fill. */
			if (!r.size)
				continue;
			ret = add_range(dt, node, b->mem, &b->n_mem,
					BOARD_MAX_MEM, "memory ranges", &r);
			if (ret)
				return ret;
		}
	}
	if (node != -FDT_ERR_NOTFOUND)
		return dt_fail(dt, -1, -EINVAL, "looking for memory nodes: %s",
			       fdt_strerror(node));
	if (!b->n_mem)
		return dt_fail(dt, -1, -ENOENT,
			       "no /memory node (device_type \"memory\") with a non-empty 'reg'");
	return 0;
}

static int parse_memreserve(struct dt *dt, struct board *b)
{
	struct board_range r;
	int i, n, ret;

	n = fdt_num_mem_rsv(dt->fdt);
	if (n < 0)
		return dt_fail(dt, -1, -EINVAL, "/memreserve/ table: %s",
			       fdt_strerror(n));
	for (i = 0; i < n; i++) {
		ret = fdt_get_mem_rsv(dt->fdt, i, &r.base, &r.size);
		if (ret < 0)
			return dt_fail(dt, -1, -EINVAL,
				       "/memreserve/ entry %d: %s", i,
				       fdt_strerror(ret));
		/* fdt_num_mem_rsv() stops at the first size 0: r.size != 0. */
		if (r.base + r.size - 1 < r.base)
			return dt_fail(dt, -1, -EINVAL,
				       "/memreserve/ entry %d (0x%llx size 0x%llx) wraps past the top of the address space",
				       i, (unsigned long long)r.base,
				       (unsigned long long)r.size);
		if (b->n_reserved == BOARD_MAX_RESERVED)
			return dt_fail(dt, -1, -E2BIG,
				       "more than %d reserved ranges (/memreserve/ and /reserved-memory)",
				       BOARD_MAX_RESERVED);
		b->reserved[b->n_reserved++] = r;
	}
	return 0;
}

/*
 * Children of /reserved-memory with only 'size' are for the OS to place;
 * they pin nothing down, so only those with reg are reported. 'no-map'
 * ones (secure firmware, often) must not even be mapped: a speculative
 * access there can end in an external abort.
 */
static int parse_reserved_memory(struct dt *dt, struct board *b)
{
	struct board_range r;
	struct reg reg;
	unsigned int i;
	int rm, child, ret;

	rm = fdt_path_offset(dt->fdt, "/reserved-memory");
	if (rm == -FDT_ERR_NOTFOUND)
		return 0;
	if (rm < 0)
		return dt_fail(dt, -1, -EINVAL, "/reserved-memory: %s",
			       fdt_strerror(rm));

	fdt_for_each_subnode(child, dt->fdt, rm) {
		bool no_map;

		if (!node_available(dt, child) ||
		    !fdt_getprop(dt->fdt, child, "reg", NULL))
			continue;
		no_map = fdt_getprop(dt->fdt, child, "no-map", NULL) != NULL;
		ret = reg_open(dt, child, 1, &reg);
		if (ret)
			return ret;
		for (i = 0; i < reg.n; i++) {
			ret = reg_entry(dt, &reg, i, &r);
			if (ret)
				return ret;
			if (!r.size)
				continue;
			ret = add_range(dt, child, b->reserved, &b->n_reserved,
					BOARD_MAX_RESERVED,
					"reserved ranges (/memreserve/ and /reserved-memory)",
					&r);
			if (ret)
				return ret;
			if (no_map)
				b->reserved_no_map |= 1U << (b->n_reserved - 1);
		}
	}
	if (child != -FDT_ERR_NOTFOUND)
		return dt_fail(dt, rm, -EINVAL, "walking children: %s",
			       fdt_strerror(child));
	return 0;
}

static int parse_cpu(struct dt *dt, struct board *b, int cpu, int ac)
{
	const fdt32_t *reg;
	uint64_t mpidr;
	unsigned int i;
	int len;

	reg = fdt_getprop(dt->fdt, cpu, "reg", &len);
	if (!reg)
		return prop_fail(dt, cpu, "reg", len);
	if (len == 0 || len % (ac * 4))
		return dt_fail(dt, cpu, -EINVAL,
			       "property 'reg' is %d bytes, need a multiple of %d (/cpus #address-cells)",
			       len, ac * 4);
	mpidr = read_cells(reg, ac);
	if (mpidr & ~MPIDR_AFF_MASK)
		return dt_fail(dt, cpu, -EINVAL,
			       "property 'reg' 0x%llx has bits outside MPIDR Aff0..Aff3",
			       (unsigned long long)mpidr);

	/*
	 * Cores past CONFIG_MAX_CPUS are left to sleep in firmware: running
	 * on a subset of the cores is a valid configuration, not an error.
	 */
	if (b->n_cpus == CONFIG_MAX_CPUS)
		return 0;
	for (i = 0; i < b->n_cpus; i++)
		if (b->cpu_mpidr[i] == mpidr)
			return dt_fail(dt, cpu, -EINVAL,
				       "property 'reg' 0x%llx repeats an earlier cpu's",
				       (unsigned long long)mpidr);
	b->cpu_mpidr[b->n_cpus++] = mpidr;
	return 0;
}

static int parse_cpus(struct dt *dt, struct board *b)
{
	int cpus, cpu, ac, sc, ret;

	cpus = fdt_path_offset(dt->fdt, "/cpus");
	if (cpus < 0)
		return dt_fail(dt, -1, -ENOENT, "node /cpus missing");
	ret = bus_cells(dt, cpus, &ac, &sc, 0, 0);
	if (ret)
		return ret;

	fdt_for_each_subnode(cpu, dt->fdt, cpus) {
		if (!prop_is(dt, cpu, "device_type", "cpu") ||
		    !node_available(dt, cpu))
			continue;
		ret = parse_cpu(dt, b, cpu, ac);
		if (ret)
			return ret;
	}
	if (cpu != -FDT_ERR_NOTFOUND)
		return dt_fail(dt, cpus, -EINVAL, "walking children: %s",
			       fdt_strerror(cpu));
	if (!b->n_cpus)
		return dt_fail(dt, cpus, -ENOENT,
			       "no cpu nodes (device_type \"cpu\", status okay)");
	return 0;
}

static int parse_gic(struct dt *dt, struct board *b, struct gic *gic)
{
	struct reg reg;
	uint32_t icells = 0, nr_redist = 1;
	unsigned int i;
	int node, ret;

	node = find_required(dt, "arm,gic-v3");
	if (node < 0)
		return node;

	ret = prop_u32(dt, node, "#interrupt-cells", &icells);
	if (ret)
		return ret;
	/* The 4th cell, when present, is a PPI partition we do not use. */
	if (icells < 3 || icells > 4)
		return dt_fail(dt, node, -EINVAL,
			       "property '#interrupt-cells' is %u, need 3 or 4",
			       icells);

	ret = prop_u32(dt, node, "#redistributor-regions", &nr_redist);
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
	ret = reg_open(dt, node, 1 + nr_redist, &reg);
	if (ret)
		return ret;
	ret = reg_entry(dt, &reg, 0, &b->gicd);
	if (ret)
		return ret;
	for (i = 0; i < nr_redist; i++) {
		ret = reg_entry(dt, &reg, 1 + i, &b->gicr[i]);
		if (ret)
			return ret;
	}
	b->n_gicr = nr_redist;

	gic->node = node;
	gic->icells = (int)icells;
	return 0;
}

/*
 * Where node's interrupts go, following the DT rules: an explicit
 * interrupt-parent, else the tree parent, until a node that has
 * #interrupt-cells (an interrupt controller or nexus).
 */
static int irq_parent(struct dt *dt, int node)
{
	const fdt32_t *ph;
	int cur = node, next, len, hops;

	for (hops = 0; hops < IRQ_PARENT_MAX_HOPS; hops++) {
		ph = fdt_getprop(dt->fdt, cur, "interrupt-parent", &len);
		if (ph) {
			if (len != 4)
				return dt_fail(dt, cur, -EINVAL,
					       "property 'interrupt-parent' is %d bytes, need 4",
					       len);
			next = fdt_node_offset_by_phandle(dt->fdt, fdt32_ld(ph));
			if (next < 0)
				return dt_fail(dt, cur, -EINVAL,
					       "property 'interrupt-parent' <0x%x> names no node",
					       fdt32_ld(ph));
		} else {
			if (cur == 0)
				return dt_fail(dt, node, -EINVAL,
					       "no 'interrupt-parent' on the node or its ancestors");
			next = parent_of(dt, cur);
			if (next < 0)
				return next;
		}
		if (fdt_getprop(dt->fdt, next, "#interrupt-cells", NULL))
			return next;
		cur = next;
	}
	return dt_fail(dt, node, -EINVAL,
		       "'interrupt-parent' chain longer than %d hops (a loop?)",
		       IRQ_PARENT_MAX_HOPS);
}

/* The first want entries of node's 'interrupts', which must go to the GIC. */
static int node_irqs(struct dt *dt, const struct gic *gic, int node,
		     irqid_t *out, unsigned int want)
{
	const fdt32_t *p;
	unsigned int i, n;
	int parent, len, stride;

	parent = irq_parent(dt, node);
	if (parent < 0)
		return parent;
	if (parent != gic->node)
		return dt_fail(dt, node, -EINVAL,
			       "property 'interrupts' goes to %s, not the GICv3",
			       node_name(dt, parent));

	p = fdt_getprop(dt->fdt, node, "interrupts", &len);
	if (!p)
		return prop_fail(dt, node, "interrupts", len);
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

	node = find_required(dt, "arm,armv8-timer");
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
	return prop_u32(dt, node, "clock-frequency", &b->timer_freq);
}

/*
 * stdout-path is "<path or alias>[:<options>]"; libfdt resolves an alias
 * in the first component for us once the options are cut off.
 */
static int parse_uart(struct dt *dt, struct board *b, const struct gic *gic)
{
	const char *prop = "stdout-path";
	struct reg reg;
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
	ret = prop_str(dt, chosen, prop, &path);
	if (ret)
		return ret;

	plen = strcspn(path, ":");
	node = fdt_path_offset_namelen(dt->fdt, path, (int)plen);
	if (node < 0)
		return dt_fail(dt, chosen, -ENOENT,
			       "property '%s' \"%.*s\" names no node",
			       prop, (int)plen, path);
	if (!node_available(dt, node))
		return dt_fail(dt, node, -ENODEV,
			       "stdout UART has property 'status' not \"okay\"");
	if (fdt_node_check_compatible(dt->fdt, node, "arm,pl011"))
		return dt_fail(dt, node, -ENODEV,
			       "stdout UART: property 'compatible' lacks \"arm,pl011\"");

	ret = reg_open(dt, node, 1, &reg);
	if (ret)
		return ret;
	ret = reg_entry(dt, &reg, 0, &b->uart);
	if (ret)
		return ret;
	return node_irqs(dt, gic, node, &b->uart_irq, 1);
}

/*
 * Only PSCI 0.2+ fixes the function IDs; a 0.1-only node ("arm,psci")
 * carries board-specific ones we would silently get wrong, so refuse it.
 */
static int parse_psci(struct dt *dt, struct board *b)
{
	const char *method;
	int node, ret;

	node = find_compatible(dt, "arm,psci-1.0");
	if (node == -FDT_ERR_NOTFOUND)
		node = find_compatible(dt, "arm,psci-0.2");
	if (node == -FDT_ERR_NOTFOUND) {
		node = find_compatible(dt, "arm,psci");
		if (node >= 0)
			return dt_fail(dt, node, -EINVAL,
				       "property 'compatible' is PSCI 0.1 only (\"arm,psci\"); need \"arm,psci-0.2\" or later");
		if (node == -FDT_ERR_NOTFOUND) {
			b->psci = PSCI_CONDUIT_NONE;
			return 0;
		}
	}
	if (node < 0)
		return dt_fail(dt, -1, -EINVAL, "looking for PSCI: %s",
			       fdt_strerror(node));

	ret = prop_str(dt, node, "method", &method);
	if (ret)
		return ret;
	if (!strcmp(method, "smc"))
		b->psci = PSCI_CONDUIT_SMC;
	else if (!strcmp(method, "hvc"))
		b->psci = PSCI_CONDUIT_HVC;
	else
		return dt_fail(dt, node, -EINVAL,
			       "property 'method' is \"%.16s\", need \"smc\" or \"hvc\"",
			       method);
	return 0;
}

int board_parse(const void *fdt, struct board *b, char *err, size_t errlen)
{
	struct dt dt = { .fdt = fdt, .err = err, .errlen = errlen };
	struct gic gic;
	int ret;

	memset(b, 0, sizeof(*b));
	if (err && errlen)
		err[0] = '\0';

	ret = fdt_check_header(fdt);
	if (ret)
		return dt_fail(&dt, -1, -EINVAL, "bad header: %s",
			       fdt_strerror(ret));
	/* One pass up front so a corrupt blob fails here, not mid-parse. */
	ret = fdt_check_full(fdt, fdt_totalsize(fdt));
	if (ret)
		return dt_fail(&dt, -1, -EINVAL, "bad structure: %s",
			       fdt_strerror(ret));

	parse_model(&dt, b);
	ret = parse_memory(&dt, b);
	if (!ret)
		ret = parse_memreserve(&dt, b);
	if (!ret)
		ret = parse_reserved_memory(&dt, b);
	if (!ret)
		ret = parse_cpus(&dt, b);
	if (!ret)
		ret = parse_gic(&dt, b, &gic);
	if (!ret)
		ret = parse_timer(&dt, b, &gic);
	if (!ret)
		ret = parse_uart(&dt, b, &gic);
	if (!ret)
		ret = parse_psci(&dt, b);
	if (ret)
		return ret;

	b->fdt_size = fdt_totalsize(fdt);
	return 0;
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
