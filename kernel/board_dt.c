/*
 * The device-tree rules libfdt leaves to its callers, for board discovery
 * (kernel/board_dt.h): a node's reg is sized by its parent's
 * #address-cells/#size-cells and only becomes a CPU physical address after
 * translation through each enclosing bus's 'ranges', and a device's
 * interrupt parent is inherited down the tree. Every way a board can fail
 * these rules ends in a one-line message naming the node and property,
 * because this runs before anything else can help a porter find out why
 * Tandem refused their board.
 */
/*
 * tandem/types.h goes first: picolibc's <sys/cdefs.h> defines __unused,
 * __aligned and __section too, and only a redefinition from inside a system
 * header is silent under -Werror.
 */
#include <tandem/types.h>

#include "board_dt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ERR_PREFIX "board DTB: "

/* Longer paths are cut to their last component in messages. */
#define DT_PATH_LEN 128

/* Bounds the interrupt-parent walk so a phandle loop cannot hang boot. */
#define IRQ_PARENT_MAX_HOPS 32

/*
 * Record "board DTB: <path>: <message>" and return ret, so that every error
 * site is a single `return dt_fail(...)`. node < 0 leaves the path out, for
 * errors about the blob as a whole.
 */
int dt_fail(struct dt *dt, int node, int ret, const char *fmt, ...)
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
int dt_prop_fail(struct dt *dt, int node, const char *name, int len)
{
	if (len == -FDT_ERR_NOTFOUND)
		return dt_fail(dt, node, -ENOENT, "property '%s' missing", name);
	return dt_fail(dt, node, -EINVAL, "property '%s' unreadable: %s",
		       name, fdt_strerror(len));
}

const char *dt_node_name(struct dt *dt, int node)
{
	const char *name = fdt_get_name(dt->fdt, node, NULL);

	return name ? name : "?";
}

/* True if the property is present and is exactly the string value. */
bool dt_prop_is(struct dt *dt, int node, const char *name,
		const char *value)
{
	const char *p;
	int len;

	p = fdt_getprop(dt->fdt, node, name, &len);
	return p && (size_t)len == strlen(value) + 1 &&
	       memcmp(p, value, (size_t)len) == 0;
}

/* DT spec: no 'status' means enabled; "ok" is the pre-standard spelling. */
bool dt_node_available(struct dt *dt, int node)
{
	if (!fdt_getprop(dt->fdt, node, "status", NULL))
		return true;
	return dt_prop_is(dt, node, "status", "okay") ||
	       dt_prop_is(dt, node, "status", "ok");
}

/* A required property holding one NUL-terminated string. */
int dt_prop_str(struct dt *dt, int node, const char *name,
		const char **out)
{
	const char *p;
	int len;

	p = fdt_getprop(dt->fdt, node, name, &len);
	if (!p)
		return dt_prop_fail(dt, node, name, len);
	if (len == 0 || p[len - 1] != '\0')
		return dt_fail(dt, node, -EINVAL,
			       "property '%s' is not a string", name);
	*out = p;
	return 0;
}

/* An optional one-cell property: *out is left alone when it is absent. */
int dt_prop_u32(struct dt *dt, int node, const char *name, uint32_t *out)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(dt->fdt, node, name, &len);
	if (!p)
		return len == -FDT_ERR_NOTFOUND ? 0 :
		       dt_prop_fail(dt, node, name, len);
	if (len != 4)
		return dt_fail(dt, node, -EINVAL,
			       "property '%s' is %d bytes, need 4", name, len);
	*out = fdt32_ld(p);
	return 0;
}

uint64_t dt_read_cells(const fdt32_t *p, int n)
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
int dt_bus_cells(struct dt *dt, int bus, int *ac, int *sc,
		 int sc_min, int sc_max)
{
	uint32_t a = 2, s = 1;
	int ret;

	ret = dt_prop_u32(dt, bus, "#address-cells", &a);
	if (ret)
		return ret;
	ret = dt_prop_u32(dt, bus, "#size-cells", &s);
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

int dt_parent_of(struct dt *dt, int node)
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
			       dt_node_name(dt, node));
	if (!r)
		return dt_prop_fail(dt, bus, "ranges", len);
	if (len == 0)
		return 0;		/* empty 'ranges': identity map */

	ret = dt_bus_cells(dt, bus, &cac, &csc, 1, 2);
	if (ret)
		return ret;
	ret = dt_bus_cells(dt, up, &pac, &psc, 0, 2);
	if (ret)
		return ret;
	stride = cac + pac + csc;
	if (len % (stride * 4))
		return dt_fail(dt, bus, -EINVAL,
			       "property 'ranges' is %d bytes, not a multiple of %d",
			       len, stride * 4);

	for (i = 0; i < len / 4; i += stride) {
		uint64_t cbase = dt_read_cells(&r[i], cac);
		uint64_t pbase = dt_read_cells(&r[i + cac], pac);
		uint64_t rsize = dt_read_cells(&r[i + cac + pac], csc);
		uint64_t off = *addr - cbase;

		if (*addr < cbase || off >= rsize || size > rsize - off)
			continue;
		if (pbase + off < pbase)
			return dt_fail(dt, bus, -EINVAL,
				       "property 'ranges' maps %s past the top of the address space",
				       dt_node_name(dt, node));
		*addr = pbase + off;
		return 0;
	}
	return dt_fail(dt, bus, -EINVAL,
		       "property 'ranges' does not cover child %s at 0x%llx size 0x%llx",
		       dt_node_name(dt, node), (unsigned long long)*addr,
		       (unsigned long long)size);
}

/*
 * A reg address is only meaningful on the node's parent bus; walk up to
 * the root so callers get what the CPU must put in its page tables.
 */
int dt_translate(struct dt *dt, int node, paddr_t *addr, uint64_t size)
{
	int bus, up, ret;

	for (bus = dt_parent_of(dt, node); bus > 0; bus = up) {
		up = dt_parent_of(dt, bus);
		if (up < 0)
			return up;
		ret = translate_one(dt, node, bus, up, addr, size);
		if (ret)
			return ret;
	}
	return bus < 0 ? bus : 0;
}

/* Look up node's reg and check it has at least min entries. */
int dt_reg_open(struct dt *dt, int node, unsigned int min, struct dt_reg *r)
{
	int bus, len, stride, ret;

	bus = dt_parent_of(dt, node);
	if (bus < 0)
		return bus;
	ret = dt_bus_cells(dt, bus, &r->ac, &r->sc, 1, 2);
	if (ret)
		return ret;

	r->node = node;
	r->cells = fdt_getprop(dt->fdt, node, "reg", &len);
	if (!r->cells)
		return dt_prop_fail(dt, node, "reg", len);
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
int dt_reg_entry(struct dt *dt, const struct dt_reg *r, unsigned int idx,
		 struct board_range *out)
{
	const fdt32_t *p = r->cells + idx * (unsigned int)(r->ac + r->sc);
	paddr_t base = dt_read_cells(p, r->ac);
	uint64_t size = dt_read_cells(p + r->ac, r->sc);
	int ret;

	ret = dt_translate(dt, r->node, &base, size);
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
int dt_find_compatible(struct dt *dt, const char *compat)
{
	int node = -1;

	do {
		node = fdt_node_offset_by_compatible(dt->fdt, node, compat);
	} while (node >= 0 && !dt_node_available(dt, node));
	return node;
}

int dt_find_required(struct dt *dt, const char *compat)
{
	int node = dt_find_compatible(dt, compat);

	if (node == -FDT_ERR_NOTFOUND)
		return dt_fail(dt, -1, -ENOENT,
			       "no node compatible with \"%s\"", compat);
	if (node < 0)
		return dt_fail(dt, -1, -EINVAL,
			       "looking for \"%s\": %s", compat,
			       fdt_strerror(node));
	return node;
}

int dt_add_range(struct dt *dt, int node, struct board_range *arr,
		 unsigned int *n, unsigned int max, const char *what,
		 const struct board_range *r)
{
	if (*n == max)
		return dt_fail(dt, node, -E2BIG, "more than %u %s", max, what);
	arr[(*n)++] = *r;
	return 0;
}

/*
 * Where node's interrupts go, following the DT rules: an explicit
 * interrupt-parent, else the tree parent, until a node that has
 * #interrupt-cells (an interrupt controller or nexus).
 */
int dt_irq_parent(struct dt *dt, int node)
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
			next = dt_parent_of(dt, cur);
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
