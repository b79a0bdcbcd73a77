/*
 * GICv3 helpers for the test guests. Everything the guests use is Group 1
 * through the system register interface with EOImode 0 (one EOIR write
 * drops priority and deactivates), but for the tests of Group 0 (FIQ,
 * gic_handle_fiq()). The distributor is set up once by CPU 0; each CPU
 * sets up its own redistributor and CPU interface.
 */
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include <lib/timer.h>

#define RWP_TIMEOUT_US		EVENT_TIMEOUT_US
#define NR_HANDLERS		1020

volatile unsigned int gic_unhandled[NR_CPUS];
volatile unsigned int gic_fiqs[NR_CPUS];
static volatile bool eoi_done[MAX_CPUS];
static irq_handler_t handlers[NR_HANDLERS];
static bool dist_ready;

uint64_t gicr_typer(uintptr_t rd)
{
	return readq(rd + GICR_TYPER);
}

uint64_t gicr_aff_to_mpidr(uint64_t typer)
{
	uint64_t aff = GICR_TYPER_AFF(typer);

	return ((aff & 0xff000000UL) << 8) | (aff & 0xffffffUL);
}

/*
 * Fill @frames with the RD_base of each redistributor, following
 * GICR_TYPER.VLPIS for the frame size; returns how many there are, or 0
 * when no frame among the first @max has GICR_TYPER.Last set.
 */
unsigned int gicr_walk(uintptr_t *frames, unsigned int max)
{
	uintptr_t rd = GICR_BASE;
	unsigned int n;

	for (n = 0; n < max; n++) {
		uint64_t typer = gicr_typer(rd);

		frames[n] = rd;
		if (typer & GICR_TYPER_LAST)
			return n + 1;
		rd += typer & GICR_TYPER_VLPIS ? GICR_FRAME_SIZE_VLPI :
						 GICR_FRAME_SIZE;
	}
	return 0;
}

uintptr_t gicr_of(uint64_t mpidr)
{
	uintptr_t frames[GICR_MAX_FRAMES];
	unsigned int n = gicr_walk(frames, GICR_MAX_FRAMES);
	unsigned int i;

	for (i = 0; i < n; i++)
		if (gicr_aff_to_mpidr(gicr_typer(frames[i])) == mpidr)
			return frames[i];
	return 0;
}

bool gicd_single_security(void)
{
	return readl(GICD_BASE + GICD_CTLR) & GICD_CTLR_DS;
}

bool gicd_wait_rwp(void)
{
	return WAIT_FOR(!(readl(GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP),
			RWP_TIMEOUT_US);
}

bool gicr_wait_rwp(uintptr_t rd)
{
	return WAIT_FOR(!(readl(rd + GICR_CTLR) & GICR_CTLR_RWP),
			RWP_TIMEOUT_US);
}

/* Mark the CPU awake: clear ProcessorSleep, wait for ChildrenAsleep to clear. */
bool gicr_wake(uintptr_t rd)
{
	writel(readl(rd + GICR_WAKER) & ~(uint32_t)GICR_WAKER_SLEEP,
	       rd + GICR_WAKER);
	return WAIT_FOR(!(readl(rd + GICR_WAKER) & GICR_WAKER_CHILDREN),
			RWP_TIMEOUT_US);
}

static bool gic_dist_init(void)
{
	uint32_t lines = GICD_TYPER_ITLINES(readl(GICD_BASE + GICD_TYPER));
	bool grouped = gicd_single_security();
	uint32_t i;

	writel(0, GICD_BASE + GICD_CTLR);
	if (!gicd_wait_rwp())
		return false;
	for (i = 1; i <= lines; i++) {
		writel(~0U, GICD_BASE + GICD_ICENABLER + 4 * i);
		writel(~0U, GICD_BASE + GICD_ICPENDR + 4 * i);
		writel(~0U, GICD_BASE + GICD_ICACTIVER + 4 * i);
		if (grouped)
			writel(~0U, GICD_BASE + GICD_IGROUPR + 4 * i);
	}
	for (i = 32; i < 32 * (lines + 1); i += 4)
		writel(GIC_DEFAULT_PRIO * 0x01010101U,
		       GICD_BASE + GICD_IPRIORITYR + i);
	/* ARE first: changing it with a group enabled is UNPREDICTABLE. */
	writel(GICD_CTLR_ARE, GICD_BASE + GICD_CTLR);
	if (!gicd_wait_rwp())
		return false;
	writel(GICD_CTLR_ARE | GICD_CTLR_EN_GRP1 | GICD_CTLR_EN_GRP0,
	       GICD_BASE + GICD_CTLR);
	if (!gicd_wait_rwp())
		return false;
	return (readl(GICD_BASE + GICD_CTLR) &
		(GICD_CTLR_ARE | GICD_CTLR_EN_GRP1)) ==
	       (GICD_CTLR_ARE | GICD_CTLR_EN_GRP1);
}

static bool gic_cpu_init(bool wake)
{
	uintptr_t rd = gicr_of(this_mpidr());
	unsigned int i;

	if (!rd || (wake && !gicr_wake(rd)))
		return false;
	if (gicd_single_security())
		writel(~0U, rd + GICR_IGROUPR0);
	writel(~0U, rd + GICR_ICENABLER0);
	if (!gicr_wait_rwp(rd))
		return false;
	writel(~0U, rd + GICR_ICPENDR0);
	writel(~0U, rd + GICR_ICACTIVER0);
	for (i = 0; i < 32; i += 4)
		writel(GIC_DEFAULT_PRIO * 0x01010101U,
		       rd + GICR_IPRIORITYR + i);

	write_sysreg(read_sysreg(icc_sre_el1) | ICC_SRE_SRE | ICC_SRE_DFB |
		     ICC_SRE_DIB, icc_sre_el1);
	isb();
	if (!(read_sysreg(icc_sre_el1) & ICC_SRE_SRE))
		return false;
	write_sysreg(0xff, icc_pmr_el1);
	write_sysreg(0, icc_bpr1_el1);
	write_sysreg(read_sysreg(icc_ctlr_el1) & ~ICC_CTLR_EOIMODE,
		     icc_ctlr_el1);
	write_sysreg(1, icc_igrpen1_el1);
	isb();
	return true;
}

static bool gic_init_common(bool wake)
{
	if (!dist_ready) {
		if (!gic_dist_init())
			return false;
		dist_ready = true;
	}
	return gic_cpu_init(wake);
}

/* Distributor once (CPU 0 calls first), then this CPU's interface. */
bool gic_init(void)
{
	return gic_init_common(true);
}

bool gic_init_nowake(void)
{
	return gic_init_common(false);
}

void gic_set_handler(unsigned int intid, irq_handler_t handler)
{
	if (intid < NR_HANDLERS)
		handlers[intid] = handler;
}

/* Enable or disable an SGI or PPI in this CPU's redistributor. */
void gic_ppi_enable(unsigned int intid, bool enable)
{
	uintptr_t rd = gicr_of(this_mpidr());

	if (!rd)
		return;
	if (enable) {
		writel((uint32_t)BIT(intid), rd + GICR_ISENABLER0);
		return;
	}
	writel((uint32_t)BIT(intid), rd + GICR_ICENABLER0);
	gicr_wait_rwp(rd);
}

uint64_t gic_sgi_value(unsigned int intid, uint64_t target_mpidr)
{
	uint64_t aff0 = target_mpidr & 0xff;

	return ((target_mpidr >> 32) & 0xff) << 48 |
	       ((target_mpidr >> 16) & 0xff) << 32 |
	       ((target_mpidr >> 8) & 0xff) << 16 |
	       (uint64_t)(intid & 0xf) << 24 |
	       (aff0 >> 4) << 44 |
	       BIT(aff0 & 0xf);
}

void gic_send_sgi_raw(uint64_t val, bool group0)
{
	/* Stores the receiver will look at must be visible first. */
	dsb(sy);
	if (group0)
		write_sysreg(val, icc_sgi0r_el1);
	else
		write_sysreg(val, icc_sgi1r_el1);
	isb();
}

void gic_send_sgi(unsigned int intid, uint64_t target_mpidr)
{
	gic_send_sgi_raw(gic_sgi_value(intid, target_mpidr), false);
}

/* From a handler: its EOI now, before it has quietened its device (as
 * kvm-unit-tests' pl031 test does); gic_handle_irq() then writes none. */
void gic_eoi_now(unsigned int intid)
{
	write_sysreg(intid, icc_eoir1_el1);
	isb();
	eoi_done[this_cpu()] = true;
}

void gic_handle_irq(void)
{
	uint32_t intid = (uint32_t)read_sysreg(icc_iar1_el1) & 0xffffff;

	if (intid >= NR_HANDLERS && intid <= INTID_SPURIOUS)
		return;
	eoi_done[this_cpu()] = false;
	if (intid < NR_HANDLERS && handlers[intid])
		handlers[intid](intid);
	else
		gic_unhandled[this_cpu()]++;
	if (eoi_done[this_cpu()])
		return;
	write_sysreg(intid, icc_eoir1_el1);
	isb();
}

void gic_handle_fiq(void)
{
	uint32_t intid = (uint32_t)read_sysreg(icc_iar0_el1) & 0xffffff;

	if (intid >= NR_HANDLERS && intid <= INTID_SPURIOUS)
		return;
	gic_fiqs[this_cpu()]++;
	if (intid < NR_HANDLERS && handlers[intid])
		handlers[intid](intid);
	else
		gic_unhandled[this_cpu()]++;
	write_sysreg(intid, icc_eoir0_el1);
	isb();
}
