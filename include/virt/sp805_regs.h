/*
 * The register model of the emulated SP805 watchdog (virt/devices/sp805_regs.c),
 * ARM's PrimeCell watchdog that Linux drives with sp805_wdt. Time is passed in
 * watchdog clock ticks, so the model needs no timer, lock or VM and the host
 * unit-tests and fuzzes it; virt/devices/sp805.c puts it on a VM's MMIO bus and
 * arms a host timeout for sp805_regs_next_event().
 *
 * As the TRM says: the counter runs while WdogControl.INTEN is set; reaching
 * zero raises the interrupt and reloads WdogLoad; reaching zero again with the
 * interrupt still raised and RESEN set asserts the reset and stops the counter.
 * A write to WdogIntClr clears the interrupt and reloads. WdogLock guards every
 * other register's writes.
 */
#ifndef VIRT_SP805_REGS_H
#define VIRT_SP805_REGS_H

#include <tandem/types.h>

#define SP805_SIZE		0x1000
#define SP805_CLOCK_HZ		24000000U	/* wdog_clk: the guest DTB's 24 MHz APB clock */

#define SP805_LOAD		0x000
#define SP805_VALUE		0x004
#define SP805_CONTROL		0x008
#define SP805_INTCLR		0x00c
#define SP805_RIS		0x010
#define SP805_MIS		0x014
#define SP805_LOCK		0xc00
#define SP805_ITCR		0xf00
#define SP805_ITOP		0xf04
#define SP805_ID_BASE		0xfe0

#define SP805_CTRL_INTEN	(1U << 0)
#define SP805_CTRL_RESEN	(1U << 1)
#define SP805_UNLOCK_KEY	0x1acce551U

struct sp805_regs {
	uint32_t load, control;
	bool ris, locked;
	bool running;		/* counting: INTEN set and no reset asserted */
	bool reset_asserted;
	uint32_t held;		/* the counter while it does not run */
	uint64_t next_zero;	/* tick at which a running counter reaches zero */
	uint64_t expiries;	/* times the counter reached zero */
};

/* What an access or the passing of time did. */
struct sp805_effect {
	bool level;		/* the interrupt line: RIS && INTEN */
	bool reset;		/* the reset output was asserted by this call */
};

void sp805_regs_reset(struct sp805_regs *r);
/* A guest access at off (< SP805_SIZE) at tick now: 0, or -EINVAL for a
 * width other than 4 (nothing changes then). Time up to now is applied first. */
int sp805_regs_access(struct sp805_regs *r, uint64_t now, uint64_t off, unsigned size,
		      bool write, uint64_t *val, struct sp805_effect *e);
/* Applies the expiries up to tick now. */
void sp805_regs_advance(struct sp805_regs *r, uint64_t now, struct sp805_effect *e);
/* The tick of the next expiry, or UINT64_MAX when nothing will happen. */
uint64_t sp805_regs_next_event(const struct sp805_regs *r);

#endif
