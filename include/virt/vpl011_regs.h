/*
 * The register model of the emulated PL011 (virt/devices/vpl011_regs.c):
 * state, guest accesses and received bytes, with no locking, console or
 * interrupt wiring, so the host fuzzes it (tests/fuzz/fuzz_vpl011.c).
 * virt/devices/vpl011.c puts it on a VM's MMIO bus.
 */
#ifndef VIRT_VPL011_REGS_H
#define VIRT_VPL011_REGS_H

#include <tandem/types.h>

#define VPL011_RX_FIFO	64
#define VPL011_SIZE	0x1000

struct vpl011_regs {
	uint32_t ris, imsc, cr, lcr_h, ibrd, fbrd, ifls, dmacr, ilpr;
	uint8_t rx[VPL011_RX_FIFO];
	unsigned rx_head, rx_tail;	/* free-running; head - tail bytes waiting */
};

/* What one access did besides the register's value. */
struct vpl011_effect {
	bool level;		/* the interrupt line now: RIS & IMSC != 0 */
	int tx;			/* byte the guest transmitted, or -1 */
};

void vpl011_regs_reset(struct vpl011_regs *r);
/* A guest access at off (< VPL011_SIZE) of size 1, 2, 4 or 8 bytes: 0, or
 * -EINVAL for a width the device does not take (nothing changes then). */
int vpl011_regs_access(struct vpl011_regs *r, uint64_t off, unsigned size, bool write,
		       uint64_t *val, struct vpl011_effect *e);
/* A byte from the console; dropped when the FIFO is full. Returns the line level. */
bool vpl011_regs_receive(struct vpl011_regs *r, uint8_t c);

#endif
