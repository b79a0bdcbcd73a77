/*
 * What an interrupt-controller driver provides (drivers/irqchip/), and the
 * kernel calls through (kernel/irq.c). INTIDs are the GIC's numbering,
 * which the device tree's 3-cell specifiers also use: SGIs 0-15, PPIs
 * 16-31 (per core), SPIs from 32. Priorities are 8-bit, lower is more
 * urgent.
 *
 * ack/eoi/deactivate run on every interrupt: the kernel loads the ops
 * pointer once per interrupt entry and calls them directly, so the table
 * costs one indirect branch per call and no lookup.
 *
 * The virtual interface (list registers, arch/arm64/vgic_hw.c) is not
 * part of these ops: it is GICv3's system-register interface today. A
 * GICv2 driver would bring its own back end for the GICH/GICV frames;
 * the board already records those frames (struct board: gich, gicv).
 */
#ifndef TANDEM_IRQCHIP_H
#define TANDEM_IRQCHIP_H

#include <tandem/types.h>

struct board;

struct irqchip_ops {
	const char *name;			/* "GICv3", for the boot log */
	int (*init)(const struct board *b);	/* boot CPU: the distributor */
	int (*init_cpu)(uint64_t mpidr);	/* each CPU: its own interface */
	/* The highest-priority pending INTID, or >= IRQ_MAX if none. */
	irqid_t (*ack)(void);
	void (*eoi)(irqid_t intid);		/* priority drop only */
	void (*deactivate)(irqid_t intid);
	void (*enable)(irqid_t intid);		/* SGI/PPI: the calling CPU's */
	void (*disable)(irqid_t intid);
	void (*set_priority)(irqid_t intid, uint8_t prio);
	void (*set_edge)(irqid_t intid, bool edge);
	void (*set_target)(irqid_t spi, uint64_t mpidr);
	void (*send_sgi)(uint64_t target_mpidr, unsigned int sgi);
	bool (*is_active)(irqid_t intid);
	void (*set_active)(irqid_t intid, bool active);
	unsigned int (*num_irqs)(void);
};

#endif
