/*
 * ptdev: passed-through devices as a guest sees them: QEMU virt's PL031
 * RTC (0x09010000, SPI 2 = INTID 34, level) and its PL061 GPIO
 * (0x09030000, SPI 7 = INTID 39, level). Runs natively on QEMU virt (the
 * reference) and under Tandem with both devices passed through
 * (tests/system/test_passthrough.py), and must pass both.
 *
 *   gpio_latency  the PL061's interrupt raised 1000 times by the guest's
 *              own write; each taken once; prints the trigger-to-vector
 *              latency (gpio_latency.c, bench/passthru_latency.py);
 *   rtc_read   the time register holds a date after 2020 and counts
 *              seconds;
 *   rtc_alarm  the match register raises the alarm: the interrupt is
 *              taken; the handler leaves the line up twice, so a level
 *              interrupt is taken again after each EOI, and clears it on
 *              the third; then nothing stays pending. Under Tandem every
 *              round is the physical line, forwarded hardware-linked, and
 *              the guest's EOI deactivating it.
 *   rtc_eoi_first  the alarm's handler EOIs before it clears the RTC:
 *              taken once, and nothing left pending.
 *
 * irq_lines.c has the tests of lines lost or doubled around starts and
 * CPU resets; ptdev.h what the files share.
 */
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/printf.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "ptdev.h"

#define RTC_2020	1577836800U	/* 2020-01-01 00:00:00 UTC */
#define LEVEL_ROUNDS	3
#define ALARM_US	4000000		/* the alarm is at most 2 s away */

void guest_main(void);

static volatile unsigned int taken;

static uint32_t rtc(unsigned int reg)
{
	return readl(RTC_BASE + reg);
}

static bool rtc_pending(void)
{
	return readl(GICD_BASE + GICD_ISPENDR + 4) & BIT(RTC_INTID % 32);
}

static void test_rtc_read(void)
{
	uint32_t t0 = rtc(RTC_DR), t1;

	printf("ptdev: RTC time %u, PeriphID0 0x%x\n", t0, rtc(RTC_PERIPHID0));
	CHECK(rtc(RTC_PERIPHID0) == 0x31, "PeriphID0 0x%x, want 0x31 (PL031)", rtc(RTC_PERIPHID0));
	CHECK(t0 > RTC_2020, "time %u is before 2020", t0);
	t1 = t0;
	WAIT_FOR((t1 = rtc(RTC_DR)) != t0, EVENT_TIMEOUT_US);
	CHECK(t1 == t0 + 1, "time went from %u to %u, want one second on", t0, t1);
}

/* Leave the line up on the first rounds: level, so taken again. */
static void alarm_handler(unsigned int intid)
{
	(void)intid;
	if (++taken >= LEVEL_ROUNDS)
		writel(1, RTC_BASE + RTC_ICR);
}

static void test_rtc_alarm(void)
{
	uint32_t now;

	CHECK(gic_init(), "GIC set-up failed");
	writel(1, RTC_BASE + RTC_ICR);
	writeq(this_mpidr() & 0xff00ffffffUL, GICD_BASE + GICD_IROUTER + 8 * RTC_INTID);
	gic_set_handler(RTC_INTID, alarm_handler);
	writel(BIT(RTC_INTID % 32), GICD_BASE + GICD_ISENABLER + 4);
	for (unsigned int round = 1; round <= 2; round++) {
		taken = 0;
		now = rtc(RTC_DR);
		writel(now + 1, RTC_BASE + RTC_MR);
		writel(1, RTC_BASE + RTC_IMSC);
		irq_enable();
		WAIT_FOR(taken >= LEVEL_ROUNDS, ALARM_US);
		WAIT_FOR(false, 2000);
		irq_disable();
		printf("ptdev: alarm %u at %u (armed at %u), taken %u times\n", round,
		       rtc(RTC_DR), now, taken);
		CHECK(taken == LEVEL_ROUNDS, "alarm %u: taken %u times, want %u (level, cleared on the last)",
		      round, taken, LEVEL_ROUNDS);
		CHECK(!(rtc(RTC_RIS) & 1), "alarm %u: RTCRIS still set", round);
		CHECK(!rtc_pending(), "alarm %u: INTID %u still pending", round, RTC_INTID);
	}
	writel(0, RTC_BASE + RTC_IMSC);
	writel(BIT(RTC_INTID % 32), GICD_BASE + GICD_ICENABLER + 4);
}

/* What the last run left up is looked at first; leave_lines_up, last,
 * leaves it for the next run (irq_lines.c). */
/* The handler's EOI first, then the device (kvm-unit-tests' pl031
 * test does), then a look at the GIC: natively the line is down and
 * nothing is pending; the interrupt is taken once. */
static volatile bool eoi_first_pending;

static void eoi_first_handler(unsigned int intid)
{
	gic_eoi_now(intid);
	writel(1, RTC_BASE + RTC_ICR);
	eoi_first_pending = rtc_pending();
	taken++;
}

static void test_rtc_eoi_first(void)
{
	uint32_t now;

	CHECK(gic_init(), "GIC set-up failed");
	writel(1, RTC_BASE + RTC_ICR);
	taken = 0;
	gic_set_handler(RTC_INTID, eoi_first_handler);
	writel(BIT(RTC_INTID % 32), GICD_BASE + GICD_ISENABLER + 4);
	now = rtc(RTC_DR);
	writel(now + 1, RTC_BASE + RTC_MR);
	writel(1, RTC_BASE + RTC_IMSC);
	irq_enable();
	WAIT_FOR(taken >= 1, ALARM_US);
	WAIT_FOR(false, 2000);	/* a second one comes at the unmasking */
	irq_disable();
	writel(0, RTC_BASE + RTC_IMSC);
	writel(BIT(RTC_INTID % 32), GICD_BASE + GICD_ICENABLER + 4);
	printf("ptdev: EOI before the clear: the alarm taken %u times\n", taken);
	CHECK(taken == 1, "the alarm taken %u times, want 1 (EOI before the device's clear)", taken);
	CHECK(!eoi_first_pending, "INTID %u pending once the device was cleared", RTC_INTID);
}

static const struct test_case tests[] = {
	{ "gpio_line_at_start", test_gpio_line_at_start },
	{ "uart_reset", test_uart_reset },
	{ "gpio_latency", test_gpio_latency },
	{ "rtc_read", test_rtc_read },
	{ "rtc_alarm", test_rtc_alarm },
	{ "rtc_eoi_first", test_rtc_eoi_first },
	{ "gpio_cpu_reset", test_gpio_cpu_reset },
	{ "leave_lines_up", test_leave_lines_up },
};

void guest_main(void)
{
	printf("ptdev: PL031 at 0x%lx, INTID %u; PL061 at 0x9030000, INTID 39\n", RTC_BASE,
	       RTC_INTID);
	test_run(tests, ARRAY_SIZE(tests));
}
