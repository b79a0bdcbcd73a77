/*
 * GICv3 driver for the host ("arm,gic-v3"). All interrupts are Group 1
 * Non-secure, taken at EL2. EOImode = 1 (priority drop and deactivation
 * are separate writes), which lets a guest's EOI deactivate a
 * hardware-linked interrupt. Distributor and redistributor addresses come
 * from the board DTB (kernel/board_dev.c).
 */
#include <errno.h>
#include <tandem/board.h>
#include <tandem/driver.h>
#include <tandem/irq.h>
#include <tandem/irqchip.h>
#include <tandem/log.h>
#include <tandem/percpu.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>

#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IROUTER		0x6000
#define GICD_CTLR_RWP		(1U << 31)
#define GICD_CTLR_ARE		(1U << 4)
#define GICD_CTLR_GRP1		(1U << 1)

#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_TYPER_VLPIS	(1UL << 1)
#define GICR_TYPER_LAST		(1UL << 4)
#define GICR_WAKER_SLEEP	(1U << 1)
#define GICR_WAKER_CHILDREN	(1U << 2)
#define GICR_SGI_BASE		0x10000
#define GICR_FRAME		0x20000

#define ICC_CTLR_EOIMODE	(1UL << 1)

/* ID_AA64PFR0_EL1.GIC: the GICv3 system-register CPU interface exists. */
#define PFR0_GIC_SHIFT		24

static volatile uint8_t *gicd;
static unsigned n_irqs;
static volatile uint8_t *gicr_of_cpu[CONFIG_MAX_CPUS];
static const struct board *gic_board;

static inline uint32_t rd32(volatile uint8_t *base, uint32_t off)
{
	return *(volatile uint32_t *)(base + off);
}

static inline void wr32(volatile uint8_t *base, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static inline uint64_t rd64(volatile uint8_t *base, uint32_t off)
{
	return *(volatile uint64_t *)(base + off);
}

static inline void wr64(volatile uint8_t *base, uint32_t off, uint64_t v)
{
	*(volatile uint64_t *)(base + off) = v;
}

static void dist_wait_rwp(void)
{
	for (int i = 0; i < 1000000 && (rd32(gicd, GICD_CTLR) & GICD_CTLR_RWP); i++)
		cpu_relax();
}

static unsigned int gic_num_irqs(void)
{
	return n_irqs;
}

static int gic_init(const struct board *b)
{
	gic_board = b;
	gicd = mmu_map_device(b->gicd.base, b->gicd.size);
	for (unsigned i = 0; i < b->n_gicr; i++)
		if (!mmu_map_device(b->gicr[i].base, b->gicr[i].size))
			gicd = NULL;
	if (!gicd)
		return -ENOMEM;

	n_irqs = ((rd32(gicd, GICD_TYPER) & 0x1f) + 1) * 32;
	if (n_irqs > IRQ_MAX)
		n_irqs = IRQ_MAX;

	wr32(gicd, GICD_CTLR, 0);
	dist_wait_rwp();
	for (unsigned i = 32; i < n_irqs; i += 32) {
		wr32(gicd, GICD_ICENABLER + i / 8, ~0U);
		wr32(gicd, GICD_ICPENDR + i / 8, ~0U);
		wr32(gicd, GICD_ICACTIVER + i / 8, ~0U);
		wr32(gicd, GICD_IGROUPR + i / 8, ~0U);
	}
	for (unsigned i = 32; i < n_irqs; i += 4)
		wr32(gicd, GICD_IPRIORITYR + i, IRQ_PRIO_DEFAULT * 0x01010101U);
	for (unsigned i = 32; i < n_irqs; i += 16)
		wr32(gicd, GICD_ICFGR + i / 4, 0);	/* level */
	for (unsigned i = 32; i < n_irqs; i++)
		wr64(gicd, GICD_IROUTER + i * 8, b->cpu_mpidr[0]);
	dist_wait_rwp();
	wr32(gicd, GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
	dist_wait_rwp();
	return 0;
}

static uint32_t mpidr_to_typer_aff(uint64_t mpidr)
{
	return (uint32_t)(((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff));
}

static volatile uint8_t *find_redist(uint64_t mpidr)
{
	uint32_t want = mpidr_to_typer_aff(mpidr);

	for (unsigned r = 0; r < gic_board->n_gicr; r++) {
		uint64_t base = gic_board->gicr[r].base;
		uint64_t end = base + gic_board->gicr[r].size;

		while (base < end) {
			volatile uint8_t *rd = (volatile uint8_t *)base;
			uint64_t typer = rd64(rd, GICR_TYPER);

			if ((uint32_t)(typer >> 32) == want)
				return rd;
			if (typer & GICR_TYPER_LAST)
				break;
			base += (typer & GICR_TYPER_VLPIS) ? 2 * GICR_FRAME : GICR_FRAME;
		}
	}
	return NULL;
}

static volatile uint8_t *this_sgi_base(void)
{
	return gicr_of_cpu[this_cpu()->id] + GICR_SGI_BASE;
}

static int gic_cpu_init(uint64_t mpidr)
{
	volatile uint8_t *rd = find_redist(mpidr);
	volatile uint8_t *sgi;
	int spins = 1000000;

	if (!rd) {
		LOG_ERR("gic: no redistributor for MPIDR %#llx", (unsigned long long)mpidr);
		return -ENODEV;
	}
	/* Without the system-register interface every ICC_* access UNDEFs. */
	if (!((read_sysreg(id_aa64pfr0_el1) >> PFR0_GIC_SHIFT) & 0xf)) {
		LOG_ERR("gic: this core has no GICv3 system-register interface");
		return -ENODEV;
	}
	/* EL2 uses it; EL1 (guests) may too. */
	write_sysreg_s(ICC_SRE_EL2, read_sysreg_s(ICC_SRE_EL2) | ICC_SRE_EL2_HOST);
	isb();
	gicr_of_cpu[this_cpu()->id] = rd;

	wr32(rd, GICR_WAKER, rd32(rd, GICR_WAKER) & ~GICR_WAKER_SLEEP);
	while ((rd32(rd, GICR_WAKER) & GICR_WAKER_CHILDREN) && --spins)
		cpu_relax();
	if (!spins)
		return -ETIMEDOUT;

	sgi = rd + GICR_SGI_BASE;
	wr32(sgi, GICD_ICENABLER, ~0U);
	wr32(sgi, GICD_ICPENDR, ~0U);
	wr32(sgi, GICD_ICACTIVER, ~0U);
	wr32(sgi, GICD_IGROUPR, ~0U);
	for (unsigned i = 0; i < 32; i += 4)
		wr32(sgi, GICD_IPRIORITYR + i, IRQ_PRIO_DEFAULT * 0x01010101U);
	for (unsigned i = 0; i < 16; i += 4)
		wr32(sgi, GICD_IPRIORITYR + i, IRQ_PRIO_IPI * 0x01010101U);
	wr32(sgi, GICD_ICFGR + 4, 0);	/* PPIs level */

	write_sysreg_s(ICC_PMR_EL1, 0xf0);
	write_sysreg_s(ICC_BPR1_EL1, 0);
	write_sysreg_s(ICC_CTLR_EL1, ICC_CTLR_EOIMODE);
	write_sysreg_s(ICC_IGRPEN1_EL1, 1);
	isb();
	return 0;
}

static irqid_t gic_ack(void)
{
	irqid_t intid = (irqid_t)read_sysreg_s(ICC_IAR1_EL1) & 0xffffff;

	dsb(sy);	/* the device's state is visible before we handle it */
	return intid;
}

static void gic_eoi(irqid_t intid)
{
	write_sysreg_s(ICC_EOIR1_EL1, intid);
	isb();
}

static void gic_deactivate(irqid_t intid)
{
	write_sysreg_s(ICC_DIR_EL1, intid);
	isb();
}

static volatile uint8_t *reg_base_for(irqid_t intid)
{
	return intid < 32 ? this_sgi_base() : gicd;
}

static void gic_irq_enable(irqid_t intid)
{
	if (intid >= n_irqs)
		return;
	wr32(reg_base_for(intid), GICD_ISENABLER + (intid / 32) * 4, 1U << (intid % 32));
}

static void gic_irq_disable(irqid_t intid)
{
	if (intid >= n_irqs)
		return;
	wr32(reg_base_for(intid), GICD_ICENABLER + (intid / 32) * 4, 1U << (intid % 32));
	if (intid >= 32)
		dist_wait_rwp();
}

static void gic_irq_set_priority(irqid_t intid, uint8_t prio)
{
	if (intid >= n_irqs)
		return;
	*(volatile uint8_t *)(reg_base_for(intid) + GICD_IPRIORITYR + intid) = prio;
}

static void gic_irq_set_edge(irqid_t intid, bool edge)
{
	volatile uint8_t *base = reg_base_for(intid);
	uint32_t off = GICD_ICFGR + (intid / 16) * 4;
	uint32_t shift = (intid % 16) * 2 + 1;
	uint32_t v;

	if (intid < 16 || intid >= n_irqs)
		return;	/* SGIs are always edge */
	v = rd32(base, off) & ~(1U << shift);
	wr32(base, off, v | ((uint32_t)edge << shift));
}

static void gic_irq_set_target(irqid_t spi, uint64_t mpidr)
{
	if (spi < 32 || spi >= n_irqs)
		return;
	wr64(gicd, GICD_IROUTER + spi * 8, mpidr & 0xff00ffffffUL);
}

static void gic_send_sgi(uint64_t mpidr, unsigned int sgi)
{
	uint64_t aff0 = mpidr & 0xff;
	uint64_t v = ((mpidr >> 32) & 0xff) << 48 |	/* Aff3 */
		     ((mpidr >> 16) & 0xff) << 32 |	/* Aff2 */
		     ((mpidr >> 8) & 0xff) << 16 |	/* Aff1 */
		     (aff0 >> 4) << 44 |		/* RS */
		     (uint64_t)(sgi & 0xf) << 24 |
		     (1UL << (aff0 & 0xf));

	dsb(ishst);	/* data the target will read is visible first */
	write_sysreg_s(ICC_SGI1R_EL1, v);
	isb();
}

static bool gic_irq_is_active(irqid_t intid)
{
	if (intid >= n_irqs)
		return false;
	return rd32(reg_base_for(intid), GICD_ISACTIVER + (intid / 32) * 4) &
	       (1U << (intid % 32));
}

static void gic_irq_set_active(irqid_t intid, bool active)
{
	if (intid >= n_irqs)
		return;
	wr32(reg_base_for(intid), (active ? GICD_ISACTIVER : GICD_ICACTIVER) + (intid / 32) * 4,
	     1U << (intid % 32));
}

static const struct irqchip_ops gicv3_ops = {
	.name = "GICv3",
	.init = gic_init,
	.init_cpu = gic_cpu_init,
	.ack = gic_ack,
	.eoi = gic_eoi,
	.deactivate = gic_deactivate,
	.enable = gic_irq_enable,
	.disable = gic_irq_disable,
	.set_priority = gic_irq_set_priority,
	.set_edge = gic_irq_set_edge,
	.set_target = gic_irq_set_target,
	.send_sgi = gic_send_sgi,
	.is_active = gic_irq_is_active,
	.set_active = gic_irq_set_active,
	.num_irqs = gic_num_irqs,
};

static const char *const gicv3_compatible[] = { "arm,gic-v3", NULL };

DRIVER_REGISTER(DRIVER_IRQCHIP, "gicv3", gicv3_compatible, &gicv3_ops);
