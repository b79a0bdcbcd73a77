/*
 * ptimer: the EL1 physical timer and its PPI 30, as QEMU and KVM give an
 * EL1 guest (Tandem emulates it). Armed for 1 ms through CNTP_TVAL_EL0 the
 * interrupt arrives, with ISTATUS set, no earlier than 1 ms by
 * CNTPCT_EL0; CNTP_CVAL_EL0 reads back; with IMASK set a met condition
 * raises nothing; the timer wakes a WFI.
 *
 * timer_park: both timers parked the way NuttX parks them (CVAL = ~0,
 * ENABLE = 1): nothing fires, nothing hangs (QEMU 7.2 spun for ever on a
 * virtual timer parked like that under a non-zero CNTVOFF_EL2), and both
 * timers still work afterwards.
 */
#include <lib/gic.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "gtest.h"

#define PTIMER_INTID	30
#define PARK_US		20000

static volatile unsigned int fired, vfired;
static volatile uint64_t fired_at, fired_ctl;

static inline uint64_t pnow(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static void ptimer_handler(unsigned int intid)
{
	(void)intid;
	fired_ctl = read_sysreg(cntp_ctl_el0);
	fired_at = pnow();
	write_sysreg(0, cntp_ctl_el0);
	isb();
	fired++;
}

static void vtimer_handler(unsigned int intid)
{
	(void)intid;
	write_sysreg(0, cntv_ctl_el0);
	isb();
	vfired++;
}

static bool fires_once(void)
{
	uint64_t ticks = (timer_freq() + 999) / 1000, t0;

	fired = 0;
	t0 = pnow();
	write_sysreg(ticks, cntp_tval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntp_ctl_el0);
	isb();
	REQUIRE(read_sysreg(cntp_cval_el0) - t0 >= ticks &&
		read_sysreg(cntp_cval_el0) - t0 < ticks + timer_freq() / 10,
		"CNTP_CVAL_EL0 0x%lx after TVAL %lu at count 0x%lx",
		read_sysreg(cntp_cval_el0), ticks, t0);
	irq_enable();
	WAIT_FOR(fired, EVENT_TIMEOUT_US);
	irq_disable();
	REQUIRE(fired == 1, "PPI 30 taken %u times in 2 s (CNTP_CTL_EL0 0x%lx)", fired,
		read_sysreg(cntp_ctl_el0));
	test_info("PPI 30 after %lu us (%lu ticks, armed for %lu)",
		  ticks_to_us(fired_at - t0), fired_at - t0, ticks);
	REQUIRE(fired_ctl & CNTV_CTL_ISTATUS, "CNTP_CTL_EL0 0x%lx in the handler: ISTATUS clear",
		fired_ctl);
	REQUIRE(fired_at - t0 >= ticks, "PPI 30 after %lu ticks, before the %lu programmed",
		fired_at - t0, ticks);
	return true;
}

static bool masked_raises_nothing(void)
{
	fired = 0;
	write_sysreg(0, cntp_tval_el0);
	write_sysreg(CNTV_CTL_ENABLE | CNTV_CTL_IMASK, cntp_ctl_el0);
	isb();
	REQUIRE(read_sysreg(cntp_ctl_el0) & CNTV_CTL_ISTATUS,
		"CNTP_CTL_EL0 0x%lx: ISTATUS clear with TVAL 0", read_sysreg(cntp_ctl_el0));
	irq_enable();
	WAIT_FOR(fired, 2000);
	irq_disable();
	write_sysreg(0, cntp_ctl_el0);
	isb();
	REQUIRE(!fired, "PPI 30 taken with CNTP_CTL_EL0.IMASK set");
	return true;
}

static bool wakes_wfi(void)
{
	uint64_t end;

	fired = 0;
	write_sysreg(us_to_ticks(500), cntp_tval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntp_ctl_el0);
	isb();
	end = pnow() + us_to_ticks(EVENT_TIMEOUT_US);
	/* A masked interrupt still ends WFI; the handler runs once unmasked. */
	while (!(read_sysreg(cntp_ctl_el0) & CNTV_CTL_ISTATUS) && pnow() < end)
		__asm__ volatile("wfi");
	irq_enable();
	WAIT_FOR(fired, EVENT_TIMEOUT_US);
	irq_disable();
	REQUIRE(fired == 1, "WFI with a 500 us physical timer: PPI 30 taken %u times", fired);
	return true;
}

void test_ptimer(void)
{
	CHECK(gic_init(), "GIC set-up failed");
	gic_set_handler(PTIMER_INTID, ptimer_handler);
	write_sysreg(0, cntp_ctl_el0);
	isb();
	gic_ppi_enable(PTIMER_INTID, true);
	if (fires_once() && masked_raises_nothing())
		wakes_wfi();
	write_sysreg(0, cntp_ctl_el0);
	isb();
	gic_ppi_enable(PTIMER_INTID, false);
}

void test_timer_park(void)
{
	uint64_t t0;

	CHECK(gic_init(), "GIC set-up failed");
	gic_set_handler(PTIMER_INTID, ptimer_handler);
	gic_set_handler(VTIMER_INTID, vtimer_handler);
	gic_ppi_enable(PTIMER_INTID, true);
	gic_ppi_enable(VTIMER_INTID, true);
	fired = vfired = 0;
	write_sysreg(~0UL, cntv_cval_el0);
	write_sysreg(~0UL, cntp_cval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntp_ctl_el0);
	isb();
	t0 = timer_now();
	irq_enable();
	WAIT_FOR(fired || vfired, PARK_US);
	irq_disable();
	CHECK(!fired && !vfired, "a timer parked at CVAL ~0 fired (physical %u, virtual %u)",
	      fired, vfired);
	CHECK(!(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS) &&
	      !(read_sysreg(cntp_ctl_el0) & CNTV_CTL_ISTATUS),
	      "ISTATUS set on a parked timer (CNTV_CTL 0x%lx, CNTP_CTL 0x%lx)",
	      read_sysreg(cntv_ctl_el0), read_sysreg(cntp_ctl_el0));
	CHECK(timer_now() - t0 >= us_to_ticks(PARK_US), "the counter stood still while parked");
	/* Both still work. */
	write_sysreg(us_to_ticks(500), cntv_tval_el0);
	write_sysreg(us_to_ticks(500), cntp_tval_el0);
	isb();
	irq_enable();
	WAIT_FOR(fired && vfired, EVENT_TIMEOUT_US);
	irq_disable();
	CHECK(fired == 1 && vfired == 1, "after the park: physical fired %u, virtual %u, want 1 each",
	      fired, vfired);
	write_sysreg(0, cntv_ctl_el0);
	write_sysreg(0, cntp_ctl_el0);
	isb();
	gic_ppi_enable(PTIMER_INTID, false);
	gic_ppi_enable(VTIMER_INTID, false);
}
