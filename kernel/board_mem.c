/*
 * Board discovery, memory: every /memory bank, the /memreserve/ table and
 * the /reserved-memory children that pin an address (kernel/board_dt.h).
 */
#include <tandem/types.h>

#include "board_dt.h"

#include <errno.h>
#include <string.h>

#define RESERVED_WHAT "reserved ranges (/memreserve/ and /reserved-memory)"

/*
 * Append every non-empty entry of node's reg to arr (a bank table or the
 * reserved one). Bootloaders leave zero-sized slots for banks they did
 * not fill, and reserved-memory nodes sometimes do the same.
 */
static int add_reg_ranges(struct dt *dt, int node, struct board_range *arr,
			  unsigned int *n, unsigned int max, const char *what)
{
	struct board_range r;
	struct dt_reg reg;
	unsigned int i;
	int ret;

	ret = dt_reg_open(dt, node, 1, &reg);
	if (ret)
		return ret;
	for (i = 0; i < reg.n; i++) {
		ret = dt_reg_entry(dt, &reg, i, &r);
		if (ret)
			return ret;
		if (!r.size)
			continue;
		ret = dt_add_range(dt, node, arr, n, max, what, &r);
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_memory(struct dt *dt, struct board *b)
{
	int node = -1, ret;

	for (;;) {
		node = fdt_node_offset_by_prop_value(dt->fdt, node,
						     "device_type", "memory",
						     sizeof("memory"));
		if (node < 0)
			break;
		if (!dt_node_available(dt, node))
			continue;
		ret = add_reg_ranges(dt, node, b->mem, &b->n_mem, BOARD_MAX_MEM,
				     "memory ranges");
		if (ret)
			return ret;
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
			return dt_fail(dt, -1, -E2BIG, "more than %d " RESERVED_WHAT,
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
	int rm, child, ret;

	rm = fdt_path_offset(dt->fdt, "/reserved-memory");
	if (rm == -FDT_ERR_NOTFOUND)
		return 0;
	if (rm < 0)
		return dt_fail(dt, -1, -EINVAL, "/reserved-memory: %s",
			       fdt_strerror(rm));

	fdt_for_each_subnode(child, dt->fdt, rm) {
		unsigned int first = b->n_reserved;

		if (!dt_node_available(dt, child) ||
		    !fdt_getprop(dt->fdt, child, "reg", NULL))
			continue;
		ret = add_reg_ranges(dt, child, b->reserved, &b->n_reserved,
				     BOARD_MAX_RESERVED, RESERVED_WHAT);
		if (ret)
			return ret;
		if (!fdt_getprop(dt->fdt, child, "no-map", NULL))
			continue;
		for (unsigned int i = first; i < b->n_reserved; i++)
			b->reserved_no_map |= 1U << i;
	}
	if (child != -FDT_ERR_NOTFOUND)
		return dt_fail(dt, rm, -EINVAL, "walking children: %s",
			       fdt_strerror(child));
	return 0;
}

int board_parse_memory(struct dt *dt, struct board *b)
{
	int ret;

	ret = parse_memory(dt, b);
	if (!ret)
		ret = parse_memreserve(dt, b);
	if (!ret)
		ret = parse_reserved_memory(dt, b);
	return ret;
}
