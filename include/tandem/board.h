/*
 * Platform discovery: what the board's device tree says about memory, CPUs,
 * the GIC, the console UART, the generic timer and PSCI. Tandem is handed
 * the DTB in x0 at EL2 and learns the machine from it once at boot; nothing
 * else in the hypervisor may hard-code a board address.
 */
#ifndef TANDEM_BOARD_H
#define TANDEM_BOARD_H

#include <tandem/types.h>

#define BOARD_MAX_MEM 8
#define BOARD_MAX_RESERVED 16
#define BOARD_MAX_GICR 4

/* A CPU physical address range, after translation through any bus 'ranges'. */
struct board_range {
	paddr_t base;
	uint64_t size;
};

#define BOARD_PATH_LEN 96	/* longer node paths are cut */
#define BOARD_COMPAT_LEN 40

struct driver;

/* A UART as the device tree describes it, and the driver that takes it. */
struct board_uart {
	char path[BOARD_PATH_LEN];
	char compat[BOARD_COMPAT_LEN];	/* the node's first compatible */
	char options[24];		/* stdout-path's, e.g. "115200n8" */
	struct board_range reg;		/* reg[0] */
	uint32_t reg_shift;		/* 'reg-shift', default 0 */
	uint32_t reg_io_width;		/* 'reg-io-width', default 4 */
	irqid_t irq;			/* board_parse() only */
	const struct driver *driver;	/* NULL: no driver takes it */
};

enum psci_conduit {
	PSCI_CONDUIT_NONE,
	PSCI_CONDUIT_SMC,
	PSCI_CONDUIT_HVC,
};

struct board {
	char model[64];			/* root "model", truncated; "" if absent */

	/* Every reg entry of every device_type = "memory" node. */
	struct board_range mem[BOARD_MAX_MEM];
	unsigned int n_mem;

	/* /memreserve/ entries, then /reserved-memory children that have reg. */
	struct board_range reserved[BOARD_MAX_RESERVED];
	unsigned int n_reserved;
	uint32_t reserved_no_map;	/* bit i: reserved[i]'s node says no-map */

	/*
	 * MPIDR affinity bits (reg) of the available /cpus/cpu@* nodes, in DT
	 * order. Boards with more than CONFIG_MAX_CPUS cores are accepted and
	 * only the first CONFIG_MAX_CPUS are reported.
	 */
	uint64_t cpu_mpidr[CONFIG_MAX_CPUS];
	unsigned int n_cpus;

	/*
	 * The interrupt controller the generic timer's interrupts go to, and
	 * so every device's: its node, its first compatible, and the driver
	 * bound to it (NULL: none, and board_parse() said so).
	 */
	char gic_path[BOARD_PATH_LEN];
	char gic_compat[BOARD_COMPAT_LEN];
	unsigned int gic_version;	/* 2 or 3; 0 if not a GIC */
	const struct driver *irqchip_driver;
	/* GICv3: reg[0] and reg[1 .. #redistributor-regions]. */
	struct board_range gicd;
	struct board_range gicr[BOARD_MAX_GICR];
	unsigned int n_gicr;
	/* GICv2 (no driver yet): CPU interface, hypervisor control, vCPU. */
	struct board_range gicc, gich, gicv;

	/* The console: the /chosen stdout-path node. */
	struct board_uart uart;

	/* "arm,armv8-timer" interrupts 0..3, as INTIDs (all PPIs). */
	irqid_t timer_sec_irq;
	irqid_t timer_phys_irq;
	irqid_t timer_virt_irq;
	irqid_t timer_hyp_irq;
	uint32_t timer_freq;		/* "clock-frequency" if present, else 0 */
	const struct driver *timer_driver;

	enum psci_conduit psci;		/* NONE if the DT has no PSCI node */

	uint64_t fdt_size;		/* fdt_totalsize(), to keep the DTB mapped */
};

_Static_assert(BOARD_MAX_RESERVED <= 32, "reserved_no_map has a bit per range");

/*
 * Fill *b from the DTB at fdt. Returns 0, or a negative errno with a
 * one-line message in err (when err != NULL) naming the node and property
 * at fault, e.g. "board DTB: /intc@8000000: property 'reg' has 1 entries,
 * need at least 2". On success err is set to "".
 *
 * The DTB is trusted to be readable up to its header's totalsize; that is
 * all the boot protocol gives us.
 */
int board_parse(const void *fdt, struct board *b, char *err, size_t errlen);

/*
 * Just the console: the /chosen stdout-path (or linux,stdout-path) UART,
 * its options and its driver, for the early console before anything else
 * runs. 0 with u->driver set; -ENODEV when the node is fine but no driver
 * takes it (u filled, err says "no driver for UART <path> '<compat>':
 * supported: ..."); another negative errno with err set otherwise.
 */
int board_find_console(const void *fdt, struct board_uart *u, char *err,
		       size_t errlen);
/* The first available node in the tree that a UART driver takes. */
int board_find_any_uart(const void *fdt, struct board_uart *u);

/* The board this kernel booted on, and its DTB (kernel/init.c). */
extern struct board board;
extern const void *board_dtb;

/*
 * GIC 3-cell interrupt specifier (type: 0 = SPI, 1 = PPI; number) to INTID:
 * SPI n -> n + 32, PPI n -> n + 16. Returns 0 (an SGI, never a device
 * interrupt) for anything else, including the GICv3.1 extended ranges.
 */
irqid_t board_gic_spec_to_intid(uint32_t type, uint32_t number);

#endif
