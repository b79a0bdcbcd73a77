/*
 * Interrupt storms: the virtual timer with CNTV_CVAL = 0 (always firing)
 * and interrupts unmasked for a while, its handler re-arming it until the
 * storm's budget is spent; random self-SGIs through ICC_SGI1R_EL1,
 * ICC_ASGI1R_EL1 and ICC_SGI0R_EL1 (random target lists, IRM, INTIDs); and
 * both timers (virtual and the emulated physical one) given random CTL and
 * compare values, among them the ~0 park NuttX uses (QEMU 7.2 hung on it
 * under a non-zero CNTVOFF_EL2) and values just below it.
 */
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/printf.h>
#include <lib/sysreg.h>
#include <lib/timer.h>
#include "gfuzz.h"

#define PTIMER_INTID 30

static volatile unsigned storm_left;
static uint64_t timer_irqs, sgis;

static void on_timer(unsigned int intid)
{
	(void)intid;
	timer_irqs++;
	if (storm_left && --storm_left)
		write_sysreg(0, cntv_cval_el0);		/* fire again at once */
	else
		write_sysreg(0, cntv_ctl_el0);
	isb();
}

static void on_ptimer(unsigned int intid)
{
	(void)intid;
	timer_irqs++;
	write_sysreg(0, cntp_ctl_el0);
	isb();
}

static void on_sgi(unsigned int intid)
{
	(void)intid;
	sgis++;
}

/* Also repairs what random writes may have changed in our interrupt setup. */
void irq_setup(void)
{
	static bool done;

	if (!done) {
		if (!gic_init())
			printf("gfuzz: gic_init failed\n");
		gic_set_handler(VTIMER_INTID, on_timer);
		gic_set_handler(PTIMER_INTID, on_ptimer);
		for (unsigned i = 0; i < 16; i++)
			gic_set_handler(i, on_sgi);
		done = true;
	}
	uintptr_t rd = gicr_of(this_mpidr());

	write_sysreg(0, cntv_ctl_el0);
	write_sysreg(0, cntp_ctl_el0);
	/* An EOImode = 1 written at random leaves interrupts active: clear them. */
	if (rd)
		writel(0xffffffffU, rd + GICR_ICACTIVER0);
	write_sysreg(0xff, icc_pmr_el1);
	write_sysreg(0, icc_ctlr_el1);
	write_sysreg(1, icc_igrpen1_el1);
	isb();
	gic_ppi_enable(VTIMER_INTID, true);
	gic_ppi_enable(PTIMER_INTID, true);
	for (unsigned i = 0; i < 16; i++)
		gic_ppi_enable(i, true);
}

static void unmasked_for(unsigned loops)
{
	irq_enable();
	for (volatile unsigned i = 0; i < loops; i++)
		;
	irq_disable();
}

/* A compare value a guest may park a timer at: ~0, just below, or any. */
static uint64_t far_cval(void)
{
	switch (rnd_below(3)) {
	case 0: return ~0ULL;
	case 1: return ~0ULL - rnd_below(1U << 20);
	default: return rnd();
	}
}

static void timers_at_random(void)
{
	write_sysreg(far_cval(), cntv_cval_el0);
	write_sysreg(rnd_below(8), cntv_ctl_el0);
	if (rnd_below(2))
		write_sysreg(far_cval(), cntp_cval_el0);
	else
		write_sysreg(rnd(), cntp_tval_el0);
	write_sysreg(rnd_below(8), cntp_ctl_el0);
	isb();
	(void)read_sysreg(cntp_ctl_el0);
	(void)read_sysreg(cntp_tval_el0);
	unmasked_for(1000 + rnd_below(20000));
	write_sysreg(0, cntv_ctl_el0);
	write_sysreg(0, cntp_ctl_el0);
	isb();
}

void op_irq(void)
{
	uint64_t v = rnd();

	switch (rnd_below(5)) {
	case 0:
		storm_left = 1 + rnd_below(200);
		write_sysreg(0, cntv_cval_el0);
		write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
		isb();
		unmasked_for(1000 + rnd_below(20000));
		storm_left = 0;
		write_sysreg(0, cntv_ctl_el0);
		break;
	case 1:
		/* Aff0 target list bit 0 (ourselves) mostly; anything else too. */
		if (rnd_below(2))
			v = (v & (0xfULL << 24)) | 1;	/* INTID 0..15 to Aff0 = 0 */
		write_sysreg(v, icc_sgi1r_el1);
		isb();
		unmasked_for(100);
		break;
	case 2:
		write_sysreg(v, icc_asgi1r_el1);
		isb();
		unmasked_for(100);
		break;
	case 3:
		timers_at_random();
		break;
	default:
		write_sysreg(v, icc_sgi0r_el1);
		isb();
		unmasked_for(100);
		break;
	}
}

uint64_t irq_timer_count(void) { return timer_irqs; }
uint64_t irq_sgi_count(void) { return sgis; }
