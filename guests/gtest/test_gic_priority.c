/*
 * gic_priority: priority masking and preemption on this CPU.
 * ICC_PMR_EL1: an SGI at priority 0xa0 waits, pending, while PMR is 0xa0
 * (only higher priorities pass) and is taken once PMR is 0xb0. Preemption:
 * while the handler of SGI 13 (priority 0xa0) runs with interrupts
 * unmasked, SGI 14 (priority 0x80) sent to itself preempts it when
 * ICC_BPR1_EL1 is at its minimum (the two differ in group priority), and
 * waits for SGI 13's EOI when BPR1 is 7 (bit 7 alone is the group
 * priority, the same for both).
 */
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "gtest.h"

#define SGI_MASKED	12
#define SGI_LOW		13
#define SGI_HIGH	14
#define PRIO_LOW	0xa0
#define PRIO_HIGH	0x80
#define WAIT_US		2000

static volatile unsigned int taken[16];
static volatile bool preempted;
static uintptr_t rd;

static void count(unsigned int intid)
{
	taken[intid]++;
}

/* Runs with interrupts unmasked for a while: SGI 14 may preempt it. */
static void low_handler(unsigned int intid)
{
	unsigned int before = taken[SGI_HIGH];

	taken[intid]++;
	gic_send_sgi(SGI_HIGH, this_mpidr());
	irq_enable();
	WAIT_FOR(taken[SGI_HIGH] != before, WAIT_US);
	irq_disable();
	preempted = taken[SGI_HIGH] != before;
}

static void set_prio(unsigned int intid, uint8_t prio)
{
	writeb(prio, rd + GICR_IPRIORITYR + intid);
}

static bool pmr_masks(void)
{
	taken[SGI_MASKED] = 0;
	write_sysreg(PRIO_LOW, icc_pmr_el1);
	isb();
	gic_send_sgi(SGI_MASKED, this_mpidr());
	irq_enable();
	WAIT_FOR(taken[SGI_MASKED], WAIT_US);
	irq_disable();
	REQUIRE(!taken[SGI_MASKED], "SGI at priority 0x%x taken with ICC_PMR_EL1 0x%x", PRIO_LOW,
		PRIO_LOW);
	REQUIRE(readl(rd + GICR_ISPENDR0) & BIT(SGI_MASKED),
		"SGI masked by ICC_PMR_EL1 not pending");
	write_sysreg(PRIO_LOW + 0x10, icc_pmr_el1);
	isb();
	irq_enable();
	WAIT_FOR(taken[SGI_MASKED], EVENT_TIMEOUT_US);
	irq_disable();
	write_sysreg(0xff, icc_pmr_el1);
	isb();
	REQUIRE(taken[SGI_MASKED] == 1, "SGI taken %u times once ICC_PMR_EL1 was 0x%x, want 1",
		taken[SGI_MASKED], PRIO_LOW + 0x10);
	return true;
}

static bool preemption(uint64_t bpr, bool want)
{
	taken[SGI_LOW] = taken[SGI_HIGH] = 0;
	preempted = false;
	write_sysreg(bpr, icc_bpr1_el1);
	isb();
	test_info("ICC_BPR1_EL1 %lu written, reads %lu", bpr, read_sysreg(icc_bpr1_el1));
	gic_send_sgi(SGI_LOW, this_mpidr());
	irq_enable();
	WAIT_FOR(taken[SGI_LOW] && taken[SGI_HIGH], EVENT_TIMEOUT_US);
	irq_disable();
	REQUIRE(taken[SGI_LOW] == 1 && taken[SGI_HIGH] == 1,
		"BPR1 %lu: SGI %u taken %u times, SGI %u %u times, want once each", bpr, SGI_LOW,
		taken[SGI_LOW], SGI_HIGH, taken[SGI_HIGH]);
	REQUIRE(preempted == want, "BPR1 %lu: SGI %u (0x%x) %s SGI %u (0x%x)", bpr, SGI_HIGH,
		PRIO_HIGH, preempted ? "preempted" : "did not preempt", SGI_LOW, PRIO_LOW);
	return true;
}

void test_gic_priority(void)
{
	bool ok;

	CHECK(gic_init(), "GIC set-up failed");
	rd = gicr_of(this_mpidr());
	gic_set_handler(SGI_MASKED, count);
	gic_set_handler(SGI_HIGH, count);
	gic_set_handler(SGI_LOW, low_handler);
	set_prio(SGI_MASKED, PRIO_LOW);
	set_prio(SGI_LOW, PRIO_LOW);
	set_prio(SGI_HIGH, PRIO_HIGH);
	gic_ppi_enable(SGI_MASKED, true);
	gic_ppi_enable(SGI_LOW, true);
	gic_ppi_enable(SGI_HIGH, true);
	ok = pmr_masks() && preemption(0, true) && preemption(7, false);
	(void)ok;
	write_sysreg(0, icc_bpr1_el1);
	isb();
	gic_ppi_enable(SGI_MASKED, false);
	gic_ppi_enable(SGI_LOW, false);
	gic_ppi_enable(SGI_HIGH, false);
	for (unsigned int i = SGI_MASKED; i <= SGI_HIGH; i++)
		set_prio(i, GIC_DEFAULT_PRIO);
}
