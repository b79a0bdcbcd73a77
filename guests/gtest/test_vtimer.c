/*
 * vtimer: the EL1 virtual timer and its PPI 27. Armed for 1 ms through
 * CNTV_TVAL_EL0, the interrupt arrives, with ISTATUS set, no earlier
 * than 1 ms by CNTVCT_EL0. Then with CNTV_CTL_EL0.IMASK set, a met timer
 * condition raises nothing.
 */
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "gtest.h"

#define MASKED_WAIT_US	2000

static volatile unsigned int fired;
static volatile uint64_t fired_at, fired_ctl;

static void vtimer_handler(unsigned int intid)
{
	(void)intid;
	fired_ctl = read_sysreg(cntv_ctl_el0);
	fired_at = timer_now();
	write_sysreg(0, cntv_ctl_el0);
	isb();
	fired++;
}

static bool check_masked(void)
{
	write_sysreg(0, cntv_tval_el0);
	write_sysreg(CNTV_CTL_ENABLE | CNTV_CTL_IMASK, cntv_ctl_el0);
	isb();
	REQUIRE(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS,
		"CNTV_CTL_EL0 0x%lx: ISTATUS clear with TVAL 0",
		read_sysreg(cntv_ctl_el0));
	irq_enable();
	WAIT_FOR(fired, MASKED_WAIT_US);
	irq_disable();
	write_sysreg(0, cntv_ctl_el0);
	isb();
	REQUIRE(!fired, "PPI 27 taken with CNTV_CTL_EL0.IMASK set");
	return true;
}

void test_vtimer(void)
{
	uint64_t ticks = (timer_freq() + 999) / 1000;
	uint64_t t0;
	bool ok;

	CHECK(timer_freq(), "CNTFRQ_EL0 is 0");
	CHECK(gic_init(), "GIC set-up failed");
	fired = 0;
	gic_set_handler(VTIMER_INTID, vtimer_handler);
	write_sysreg(0, cntv_ctl_el0);
	isb();
	gic_ppi_enable(VTIMER_INTID, true);

	t0 = timer_now();
	write_sysreg(ticks, cntv_tval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
	irq_enable();
	ok = WAIT_FOR(fired, EVENT_TIMEOUT_US);
	irq_disable();
	if (!ok) {
		test_fail("no PPI 27 within 2 s (CNTV_CTL_EL0 0x%lx)",
			  read_sysreg(cntv_ctl_el0));
		write_sysreg(0, cntv_ctl_el0);
		gic_ppi_enable(VTIMER_INTID, false);
		return;
	}
	test_info("PPI 27 after %lu us (%lu ticks, armed for %lu)",
		  ticks_to_us(fired_at - t0), fired_at - t0, ticks);
	if (EXPECT(fired_ctl & CNTV_CTL_ISTATUS,
		   "CNTV_CTL_EL0 0x%lx in the handler: ISTATUS clear",
		   fired_ctl) &&
	    EXPECT(fired_at - t0 >= ticks,
		   "PPI 27 after %lu ticks, before the %lu programmed",
		   fired_at - t0, ticks) &&
	    EXPECT(fired == 1, "PPI 27 taken %u times", fired)) {
		fired = 0;
		check_masked();
	}
	gic_ppi_enable(VTIMER_INTID, false);
}

/*
 * vtimer_pending: the timer's interrupt follows its output, which is
 * CNTV_CTL_EL0's ENABLE && !IMASK && ISTATUS, a level the guest changes
 * with untrapped writes. With interrupts masked the timer fires (PPI 27
 * disabled at the GIC, or enabled), GICR_ISPENDR0 shows it pending; then
 * the guest disables the timer, masks it or moves CVAL into the future,
 * and the interrupt must no longer be pending, nor be taken once
 * interrupts are unmasked. Afterwards the timer still fires as usual.
 */
enum lower_how { LOWER_DISABLE, LOWER_IMASK, LOWER_CVAL };

static const char *const lower_names[] = { "disabled", "masked (IMASK)", "CVAL moved on" };

static bool ppi27_pending(void)
{
	return readl(gicr_of(this_mpidr()) + GICR_ISPENDR0) & BIT(VTIMER_INTID);
}

static bool ppi27_active(void)
{
	return readl(gicr_of(this_mpidr()) + GICR_ISACTIVER0) & BIT(VTIMER_INTID);
}

static bool lower_case(enum lower_how how, bool gic_enabled)
{
	const char *what = lower_names[how];
	bool pending;

	fired = 0;
	gic_ppi_enable(VTIMER_INTID, gic_enabled);
	write_sysreg(0, cntv_tval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
	REQUIRE(WAIT_FOR(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS, EVENT_TIMEOUT_US),
		"timer pending: ISTATUS never set");
	pending = WAIT_FOR(ppi27_pending(), EVENT_TIMEOUT_US);
	REQUIRE(pending,
		"interrupt signal pending: GICR_ISPENDR0 bit 27 clear with the timer firing (PPI %s)",
		gic_enabled ? "enabled" : "disabled");

	switch (how) {
	case LOWER_DISABLE:
		write_sysreg(0, cntv_ctl_el0);
		break;
	case LOWER_IMASK:
		write_sysreg(CNTV_CTL_ENABLE | CNTV_CTL_IMASK, cntv_ctl_el0);
		break;
	case LOWER_CVAL:
		write_sysreg(timer_now() + 100 * timer_freq(), cntv_cval_el0);
		break;
	}
	isb();
	REQUIRE(!ppi27_pending() && !ppi27_active(),
		"interrupt signal no longer pending: GICR_ISPENDR0/ISACTIVER0 still show PPI 27 after the timer was %s (PPI %s)",
		what, gic_enabled ? "enabled" : "disabled");
	gic_ppi_enable(VTIMER_INTID, true);
	irq_enable();
	WAIT_FOR(fired, MASKED_WAIT_US);
	irq_disable();
	REQUIRE(!fired, "no interrupt when timer is %s: PPI 27 taken (PPI was %s)", what,
		gic_enabled ? "enabled" : "disabled");
	write_sysreg(0, cntv_ctl_el0);
	isb();
	return true;
}

static bool fires_again(void)
{
	fired = 0;
	gic_ppi_enable(VTIMER_INTID, true);
	write_sysreg((timer_freq() + 999) / 1000, cntv_tval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
	irq_enable();
	WAIT_FOR(fired, EVENT_TIMEOUT_US);
	irq_disable();
	REQUIRE(fired == 1, "after the withdrawals a 1 ms timer fired %u times, want 1", fired);
	return true;
}

void test_vtimer_pending(void)
{
	CHECK(gic_init(), "GIC set-up failed");
	gic_set_handler(VTIMER_INTID, vtimer_handler);
	write_sysreg(0, cntv_ctl_el0);
	isb();
	irq_disable();
	for (unsigned int how = LOWER_DISABLE; how <= LOWER_CVAL; how++)
		if (!lower_case(how, false) || !lower_case(how, true))
			break;
	if (!test_failed())
		fires_again();
	write_sysreg(0, cntv_ctl_el0);
	isb();
	gic_ppi_enable(VTIMER_INTID, false);
}
