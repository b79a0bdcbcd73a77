/*
 * The virtual timer as an RTOS uses it, both measured from the deadline
 * (CNTV_CVAL_EL0) on:
 *   vtimer    the CPU spins with interrupts unmasked; time to the first
 *             instruction of the PPI 27 handler (a tick's latency);
 *   wfi_wake  the deadline is 100 us ahead and the CPU waits in WFI with
 *             interrupts masked; time to the instruction after the WFI.
 *             The pending PPI is then acknowledged by polling
 *             ICC_IAR1_EL1, so the handler's path is not part of it.
 * Under Tandem, a WFI traps and the vCPU thread sleeps on a host timeout;
 * a timer that fires while the vCPU runs exits to EL2 and comes back as a
 * hardware-linked virtual interrupt in a list register.
 */
#include <lib/gic.h>
#include <lib/printf.h>
#include <lib/sysreg.h>
#include <lib/timer.h>
#include "gbench.h"

#define TICK_AHEAD_US	20
#define WFI_AHEAD_US	100

static volatile bool fired;
static volatile uint64_t fired_at;
static unsigned int early_wakes, lost_acks;

static void vtimer_handler(unsigned int intid)
{
	(void)intid;
	fired_at = timer_now();
	write_sysreg(0, cntv_ctl_el0);
	isb();
	fired = true;
}

static bool timer_setup(const char *name)
{
	if (!gic_init()) {
		printf("# %s: GIC set-up failed\n", name);
		return false;
	}
	write_sysreg(0, cntv_ctl_el0);
	isb();
	gic_ppi_enable(VTIMER_INTID, true);
	return true;
}

static void timer_teardown(void)
{
	irq_disable();
	write_sysreg(0, cntv_ctl_el0);
	isb();
	gic_ppi_enable(VTIMER_INTID, false);
	gic_set_handler(VTIMER_INTID, NULL);
}

/* Arm the timer @us from now; returns the deadline. */
static uint64_t arm_timer(uint64_t us)
{
	uint64_t cval = timer_now() + us_to_ticks(us);

	write_sysreg(cval, cntv_cval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
	return cval;
}

static bool vtimer_setup(void)
{
	if (!timer_setup("vtimer"))
		return false;
	gic_set_handler(VTIMER_INTID, vtimer_handler);
	irq_enable();
	return true;
}

static uint64_t vtimer_once(void)
{
	uint64_t cval;

	fired = false;
	cval = arm_timer(TICK_AHEAD_US);
	if (!WAIT_FOR(fired, EVENT_TIMEOUT_US)) {
		printf("# vtimer: PPI 27 not taken within 2 s (CNTV_CTL_EL0 0x%lx)\n",
		       read_sysreg(cntv_ctl_el0));
		return BENCH_FAILED;
	}
	return fired_at - cval;
}

static bool wfi_setup(void)
{
	early_wakes = lost_acks = 0;
	return timer_setup("wfi_wake");
}

/*
 * IRQs stay masked: the pending PPI only ends the WFI. A WFI may also
 * return for no reason at all, so the loop waits for the timer's own
 * ISTATUS; such returns are counted, not timed.
 */
static uint64_t wfi_once(void)
{
	uint64_t cval, end, woke;
	uint32_t intid;

	cval = arm_timer(WFI_AHEAD_US);
	end = cval + us_to_ticks(EVENT_TIMEOUT_US);
	for (;;) {
		wfi();
		if (read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS)
			break;
		early_wakes++;
		if (timer_now() > end) {
			printf("# wfi_wake: ISTATUS still clear 2 s after the deadline\n");
			return BENCH_FAILED;
		}
	}
	woke = timer_now();

	intid = (uint32_t)read_sysreg(icc_iar1_el1) & 0xffffff;
	write_sysreg(0, cntv_ctl_el0);
	isb();
	if (intid == INTID_SPURIOUS)
		lost_acks++;
	else
		write_sysreg(intid, icc_eoir1_el1);
	isb();
	return woke - cval;
}

static void wfi_teardown(void)
{
	timer_teardown();
	printf("# wfi_wake: %u early WFI returns, %u wake-ups with nothing to acknowledge\n",
	       early_wakes, lost_acks);
}

const struct bench bench_vtimer = {
	.name = "vtimer", .setup = vtimer_setup, .once = vtimer_once,
	.teardown = timer_teardown, .iterations = BENCH_TIMER_ITERATIONS,
};

const struct bench bench_wfi_wake = {
	.name = "wfi_wake", .setup = wfi_setup, .once = wfi_once,
	.teardown = wfi_teardown, .iterations = BENCH_TIMER_ITERATIONS,
};
