/*
 * The device-tree rules board discovery shares between its parts
 * (kernel/board.c, board_mem.c, board_dev.c): one-line error messages that
 * name node and property, property readers that check sizes, reg decoding
 * through each enclosing bus's #address-cells/#size-cells and 'ranges', and
 * the interrupt-parent walk. Private to kernel/board*.c.
 */
#ifndef KERNEL_BOARD_DT_H
#define KERNEL_BOARD_DT_H

#include <tandem/board.h>

#include <libfdt.h>

/* The blob being read and where its one error message goes. */
struct dt {
	const void *fdt;
	char *err;
	size_t errlen;
};

/* A node's reg, decoded according to its parent bus. */
struct dt_reg {
	int node;
	const fdt32_t *cells;
	int ac;
	int sc;
	unsigned int n;
};

/*
 * Record "board DTB: <path>: <message>" and return ret; node < 0 leaves
 * the path out.
 */
int dt_fail(struct dt *dt, int node, int ret, const char *fmt, ...)
	__printf_like(4, 5);
/* fdt_getprop() failed with len: say whether it was absent or broken. */
int dt_prop_fail(struct dt *dt, int node, const char *name, int len);
const char *dt_node_name(struct dt *dt, int node);

bool dt_prop_is(struct dt *dt, int node, const char *name, const char *value);
bool dt_node_available(struct dt *dt, int node);
int dt_prop_str(struct dt *dt, int node, const char *name, const char **out);
/* Optional: *out is left alone when the property is absent. */
int dt_prop_u32(struct dt *dt, int node, const char *name, uint32_t *out);
uint64_t dt_read_cells(const fdt32_t *p, int n);

int dt_bus_cells(struct dt *dt, int bus, int *ac, int *sc, int sc_min,
		 int sc_max);
int dt_parent_of(struct dt *dt, int node);
int dt_translate(struct dt *dt, int node, paddr_t *addr, uint64_t size);
/* node's reg, which must have at least min entries. */
int dt_reg_open(struct dt *dt, int node, unsigned int min, struct dt_reg *r);
/* Entry idx of an opened reg, as a CPU physical range. */
int dt_reg_entry(struct dt *dt, const struct dt_reg *r, unsigned int idx,
		 struct board_range *out);

/* First available node with the compatible, or a libfdt error. */
int dt_find_compatible(struct dt *dt, const char *compat);
/* The same, with a message when there is none. */
int dt_find_required(struct dt *dt, const char *compat);
int dt_add_range(struct dt *dt, int node, struct board_range *arr,
		 unsigned int *n, unsigned int max, const char *what,
		 const struct board_range *r);
/* The interrupt controller (or nexus) node's interrupts go to. */
int dt_irq_parent(struct dt *dt, int node);

/* The parts of board_parse(), in the order it calls them. */
int board_parse_memory(struct dt *dt, struct board *b);
int board_parse_devices(struct dt *dt, struct board *b);

#endif
