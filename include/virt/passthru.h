/*
 * Device passthrough: a VM owns a board device, its register pages mapped
 * into the VM's stage 2 as device memory and its SPIs forwarded to the
 * guest as hardware-linked virtual interrupts. Binding: docs/vm-config.md,
 * "Passthrough". Design: docs/passthrough.md.
 *
 * passthru_resolve() (virt/passthru_board.c) is pure and host-tested: it
 * fills in a device from the board DTB and refuses what the host uses.
 * The rest (virt/passthru.c) runs on the target.
 */
#ifndef VIRT_PASSTHRU_H
#define VIRT_PASSTHRU_H

#include <tandem/types.h>
#include <virt/vm_config.h>
#include <virt/vm_fdt.h>

struct board;
struct vm;

/*
 * Complete d (a device of cfg, index d_index) from the board DTB: a device
 * named by path gets its reg and interrupts; one given by reg must lie in a
 * board node. Refuses the host's own devices (console UART, GIC, RAM), an
 * interrupt that is not an SPI or is the host's, and a guest view that does
 * not fit. Fills *out with what the guest's DTB shows (board node, IPAs,
 * virtual INTIDs, trigger flags). 0, or -errno and one line in err naming
 * file, node and property.
 */
int passthru_resolve(const void *board_fdt, const struct board *b,
		     const struct vm_config *cfg, unsigned d_index,
		     struct vm_passthru *d, struct vm_fdt_dev *out,
		     char *err, size_t errlen);

/* DT interrupt flags 1 or 2: edge-triggered; else level. */
bool passthru_irq_edge(uint32_t dt_flags);

/* One forwarded SPI of a VM. */
struct passthru_line {
	struct vm *vm;
	irqid_t phys, virt;
	bool edge;
	int routed_cpu;		/* physical core its GICD_IROUTER names, -1 none */
	int in_isr;		/* handlers running now, waited for at destroy */
};

struct passthru_dev {
	struct vm_fdt_dev fdt;	/* the guest's view, for its DTB */
	struct passthru_line line[PT_MAX_IRQS];
};

/* Target side, from virt/vm.c. */
int passthru_create(struct vm *vm, char *err, size_t errlen);
void passthru_destroy(struct vm *vm);
void passthru_start(struct vm *vm);	/* after the vGIC's reset */
void passthru_stop(struct vm *vm);	/* lines masked, active state cleared */
void passthru_mask(struct vm *vm, bool masked);	/* pause / resume */

#endif
