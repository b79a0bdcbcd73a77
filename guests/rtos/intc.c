/*
 * The interrupt controller set-up of an RTOS GICv3 driver (Zephyr's
 * intc_gicv3 and Linux's irq-gic-v3 do the same steps): the boot CPU
 * quiesces the distributor and puts every SPI in Non-secure Group 1,
 * level-sensitive, disabled, at a default priority and routed to itself;
 * each CPU wakes its redistributor, does the same for its SGIs and PPIs
 * and opens its CPU interface. Interrupts are then configured one by one
 * (priority, edge or level) and enabled.
 */
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/sysreg.h>
#include "rtos.h"

#define GICD_IGRPMODR		0x0d00
#define GICR_IGRPMODR0		(GICR_SGI_BASE + 0x0d00)
#define DEFAULT_PRIO		0xa0
#define MAX_INTID		1020

static uintptr_t gicr_this_cpu(void)
{
	return gicr_of(this_mpidr());
}

static uint64_t irouter_of(uint64_t mpidr)
{
	return ((mpidr >> 32) & 0xff) << 32 | (mpidr & 0xffffff);
}

bool intc_dist_init(void)
{
	uint32_t lines = GICD_TYPER_ITLINES(readl(GICD_BASE + GICD_TYPER));
	uint32_t nr = 32 * (lines + 1);
	uint64_t route = irouter_of(this_mpidr());
	uint32_t i;

	if (nr > MAX_INTID)
		nr = MAX_INTID;
	writel(0, GICD_BASE + GICD_CTLR);
	if (!gicd_wait_rwp())
		return false;
	for (i = 32; i < nr; i += 32) {
		writel(~0U, GICD_BASE + GICD_ICENABLER + i / 8);
		writel(~0U, GICD_BASE + GICD_ICPENDR + i / 8);
		writel(~0U, GICD_BASE + GICD_IGROUPR + i / 8);
		writel(0, GICD_BASE + GICD_IGRPMODR + i / 8);
	}
	if (!gicd_wait_rwp())
		return false;
	for (i = 32; i < nr; i += 4)
		writel(DEFAULT_PRIO * 0x01010101U, GICD_BASE + GICD_IPRIORITYR + i);
	for (i = 32; i < nr; i += 16)
		writel(0, GICD_BASE + GICD_ICFGR + i / 4);	/* level */
	for (i = 32; i < nr; i++)
		writeq(route, GICD_BASE + GICD_IROUTER + 8 * i);
	/* Affinity routing before the group enable, as the architecture asks. */
	writel(GICD_CTLR_ARE, GICD_BASE + GICD_CTLR);
	if (!gicd_wait_rwp())
		return false;
	writel(GICD_CTLR_ARE | GICD_CTLR_EN_GRP1, GICD_BASE + GICD_CTLR);
	return gicd_wait_rwp();
}

bool intc_cpu_init(void)
{
	uintptr_t rd = gicr_this_cpu();
	uint32_t i;

	if (!rd || !gicr_wake(rd))
		return false;
	writel(~0U, rd + GICR_ICENABLER0);
	if (!gicr_wait_rwp(rd))
		return false;
	writel(~0U, rd + GICR_ICPENDR0);
	writel(~0U, rd + GICR_IGROUPR0);
	writel(0, rd + GICR_IGRPMODR0);
	for (i = 0; i < 32; i += 4)
		writel(DEFAULT_PRIO * 0x01010101U, rd + GICR_IPRIORITYR + i);
	writel(0, rd + GICR_ICFGR1);			/* PPIs level */

	write_sysreg(read_sysreg(icc_sre_el1) | ICC_SRE_SRE, icc_sre_el1);
	isb();
	if (!(read_sysreg(icc_sre_el1) & ICC_SRE_SRE))
		return false;
	write_sysreg(0xff, icc_pmr_el1);		/* nothing masked by priority */
	write_sysreg(0, icc_bpr1_el1);			/* every priority bit preempts */
	write_sysreg(read_sysreg(icc_ctlr_el1) & ~ICC_CTLR_EOIMODE, icc_ctlr_el1);
	write_sysreg(1, icc_igrpen1_el1);
	isb();
	return true;
}

/* Priority and trigger of one interrupt; SGIs are always edge. */
void intc_irq_config(unsigned int intid, uint8_t prio, bool edge)
{
	uintptr_t base = intid < 32 ? gicr_this_cpu() + GICR_SGI_BASE : GICD_BASE;
	uintptr_t cfg = base + GICD_ICFGR + 4 * (intid / 16);
	uint32_t bit = 1U << (2 * (intid % 16) + 1);
	uint32_t val;

	writeb(prio, base + GICD_IPRIORITYR + intid);
	if (intid < 16)
		return;
	val = readl(cfg);
	writel(edge ? val | bit : val & ~bit, cfg);
}

void intc_irq_enable(unsigned int intid)
{
	uint32_t bit = 1U << (intid % 32);

	if (intid < 32)
		writel(bit, gicr_this_cpu() + GICR_ISENABLER0);
	else
		writel(bit, GICD_BASE + GICD_ISENABLER + 4 * (intid / 32));
}
