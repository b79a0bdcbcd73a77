/*
 * vtimer: the EL1 virtual timer and its PPI 27. Armed for 1 ms through
 * CNTV_TVAL_EL0, the interrupt arrives, with ISTATUS set, no earlier
 * than 1 ms by CNTVCT_EL0. Then with CNTV_CTL_EL0.IMASK set, a met timer
 * condition raises nothing.
 */
#include <lib/gic.h>
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
