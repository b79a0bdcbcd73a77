/*
 * psci_suspend: CPU_SUSPEND to standby (power_state 0) with IRQs masked
 * at PSTATE, the way an idle loop calls it, returns SUCCESS; the armed
 * virtual timer is the wake-up event, and a masked interrupt must still
 * end a standby state. Returning early is allowed, so the wake-up source
 * is reported, not required.
 *
 * psci_suspend_pending: with an SGI already pending (masked at PSTATE),
 * CPU_SUSPEND must come back at once, as WFI would, not sleep on.
 */
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/psci.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "gtest.h"

#define STANDBY		0
#define WAKE_US		1000

static volatile unsigned int late_irqs;

static void late_handler(unsigned int intid)
{
	(void)intid;
	write_sysreg(0, cntv_ctl_el0);
	isb();
	late_irqs++;
}

/* GIC up, intid handled and enabled, IRQs masked at PSTATE, timer off. */
static bool prepare(uintptr_t rd, unsigned int intid, irq_handler_t handler)
{
	REQUIRE(gic_init() && rd, "GIC set-up failed");
	gic_set_handler(intid, handler);
	irq_disable();
	write_sysreg(0, cntv_ctl_el0);
	isb();
	gic_ppi_enable(intid, true);
	return true;
}

void test_psci_suspend(void)
{
	uintptr_t rd = gicr_of(this_mpidr());
	uint64_t t0, t1, ctl;
	uint32_t pend;
	int ret;

	late_irqs = 0;
	if (!prepare(rd, VTIMER_INTID, late_handler))
		return;

	t0 = timer_now();
	write_sysreg(us_to_ticks(WAKE_US), cntv_tval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
	ret = psci_cpu_suspend(STANDBY, (uintptr_t)secondary_entry,
			       CTX_RESUME | 0);
	t1 = timer_now();
	ctl = read_sysreg(cntv_ctl_el0);
	pend = readl(rd + GICR_ISPENDR0) & (uint32_t)BIT(VTIMER_INTID);
	write_sysreg(0, cntv_ctl_el0);
	isb();

	test_info("CPU_SUSPEND(0) = %d after %lu us; timer %s, PPI 27 %s",
		  ret, ticks_to_us(t1 - t0),
		  ctl & CNTV_CTL_ISTATUS ? "fired" : "not yet fired",
		  pend ? "pending" : "not pending");
	irq_enable();
	WAIT_FOR(false, 1000);
	irq_disable();
	gic_ppi_enable(VTIMER_INTID, false);
	test_info("PPI 27 taken %u times after the timer was disabled",
		  late_irqs);
	CHECK(ret == PSCI_SUCCESS, "CPU_SUSPEND(standby) = %d, want 0", ret);
}

#define PENDING_SGI	6
#define PROMPT_US	500	/* "at once", with room for a slow host */

static volatile unsigned int sgis;

static void sgi_handler(unsigned int intid)
{
	(void)intid;
	sgis++;
}

void test_psci_suspend_pending(void)
{
	uintptr_t rd = gicr_of(this_mpidr());
	uint64_t t0, t1;
	uint32_t pend;
	int ret;

	sgis = 0;
	if (!prepare(rd, PENDING_SGI, sgi_handler))	/* no timer to wake it otherwise */
		return;
	gic_send_sgi(PENDING_SGI, this_mpidr());
	WAIT_FOR(readl(rd + GICR_ISPENDR0) & BIT(PENDING_SGI), 1000);
	pend = readl(rd + GICR_ISPENDR0) & (uint32_t)BIT(PENDING_SGI);

	t0 = timer_now();
	ret = psci_cpu_suspend(STANDBY, (uintptr_t)secondary_entry, CTX_RESUME | 0);
	t1 = timer_now();
	irq_enable();
	WAIT_FOR(sgis, 1000);
	irq_disable();
	gic_ppi_enable(PENDING_SGI, false);

	test_info("CPU_SUSPEND with SGI %u %s = %d after %lu us; handler ran %u times",
		  PENDING_SGI, pend ? "pending" : "not seen pending", ret,
		  ticks_to_us(t1 - t0), sgis);
	CHECK(ret == PSCI_SUCCESS, "CPU_SUSPEND(standby) = %d, want 0", ret);
	CHECK(ticks_to_us(t1 - t0) < PROMPT_US,
	      "CPU_SUSPEND slept %lu us with an interrupt pending", ticks_to_us(t1 - t0));
	CHECK(sgis == 1, "the pending SGI was taken %u times, want 1", sgis);
}
