/*
 * gic_active: the active state of an SGI (9) and a PPI (20), on this
 * CPU's redistributor. GICR_ISACTIVER0/ICACTIVER0 set and clear it
 * directly. With EOImode 0 the interrupt is active while its handler runs
 * and not after the EOI. With EOImode 1 the EOI only drops priority: the
 * interrupt stays active, a new pending one waits, and deactivating it
 * (ICACTIVER0 the first time, ICC_DIR_EL1 the second) lets the waiting one
 * in.
 */
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "gtest.h"

#define WAIT_US		2000

static const unsigned int intids[] = { 9, 20 };
static volatile unsigned int taken;
static volatile bool active_in_handler;
static uintptr_t rd;

static bool is_active(unsigned int intid)
{
	return readl(rd + GICR_ISACTIVER0) & BIT(intid);
}

static bool is_pending(unsigned int intid)
{
	return readl(rd + GICR_ISPENDR0) & BIT(intid);
}

static void handler(unsigned int intid)
{
	active_in_handler = is_active(intid);
	taken++;
}

static void make_pending(unsigned int intid)
{
	writel(BIT(intid), rd + GICR_ISPENDR0);
}

static bool set_clear(unsigned int intid)
{
	writel(BIT(intid), rd + GICR_ISACTIVER0);
	REQUIRE(is_active(intid), "INTID %u: not active after GICR_ISACTIVER0", intid);
	REQUIRE(readl(rd + GICR_ICACTIVER0) & BIT(intid),
		"INTID %u: GICR_ICACTIVER0 does not read as ISACTIVER0", intid);
	writel(BIT(intid), rd + GICR_ICACTIVER0);
	REQUIRE(!is_active(intid), "INTID %u: still active after GICR_ICACTIVER0", intid);
	return true;
}

static bool eoimode0(unsigned int intid)
{
	taken = 0;
	make_pending(intid);
	irq_enable();
	WAIT_FOR(taken, EVENT_TIMEOUT_US);
	irq_disable();
	REQUIRE(taken == 1, "EOImode 0: INTID %u taken %u times, want 1", intid, taken);
	REQUIRE(active_in_handler, "EOImode 0: INTID %u not active in its handler", intid);
	REQUIRE(!is_active(intid) && !is_pending(intid),
		"EOImode 0: INTID %u still active/pending after the EOI", intid);
	return true;
}

static bool eoimode1(unsigned int intid, bool use_dir)
{
	const char *how = use_dir ? "ICC_DIR_EL1" : "GICR_ICACTIVER0";

	taken = 0;
	make_pending(intid);
	irq_enable();
	WAIT_FOR(taken, EVENT_TIMEOUT_US);
	irq_disable();
	REQUIRE(taken == 1, "EOImode 1: INTID %u taken %u times, want 1", intid, taken);
	REQUIRE(is_active(intid), "EOImode 1: INTID %u not active after the EOI (priority drop only)",
		intid);
	/* Pending while active: it must wait for the deactivation. */
	make_pending(intid);
	irq_enable();
	WAIT_FOR(taken > 1, WAIT_US);
	irq_disable();
	REQUIRE(taken == 1, "EOImode 1: INTID %u taken again while still active", intid);
	REQUIRE(is_pending(intid) && is_active(intid),
		"EOImode 1: INTID %u pending %d active %d, want both", intid, is_pending(intid),
		is_active(intid));
	if (use_dir) {
		write_sysreg(intid, icc_dir_el1);
		isb();
	} else {
		writel(BIT(intid), rd + GICR_ICACTIVER0);
	}
	irq_enable();
	WAIT_FOR(taken > 1, EVENT_TIMEOUT_US);
	irq_disable();
	REQUIRE(taken == 2, "EOImode 1: INTID %u taken %u times after deactivating it with %s, want 2",
		intid, taken, how);
	/* The second one is active now; finish it the same way. */
	if (use_dir) {
		write_sysreg(intid, icc_dir_el1);
		isb();
	} else {
		writel(BIT(intid), rd + GICR_ICACTIVER0);
	}
	REQUIRE(!is_active(intid) && !is_pending(intid),
		"EOImode 1: INTID %u still active/pending after %s", intid, how);
	return true;
}

void test_gic_active(void)
{
	uint64_t ctlr;
	unsigned int i;
	bool ok = true;

	CHECK(gic_init(), "GIC set-up failed");
	rd = gicr_of(this_mpidr());
	ctlr = read_sysreg(icc_ctlr_el1);
	for (i = 0; i < ARRAY_SIZE(intids) && ok; i++) {
		unsigned int intid = intids[i];

		gic_set_handler(intid, handler);
		gic_ppi_enable(intid, true);
		ok = set_clear(intid) && eoimode0(intid);
		if (ok) {
			write_sysreg(ctlr | ICC_CTLR_EOIMODE, icc_ctlr_el1);
			isb();
			ok = eoimode1(intid, false) && eoimode1(intid, true);
			write_sysreg(ctlr & ~ICC_CTLR_EOIMODE, icc_ctlr_el1);
			isb();
		}
		gic_ppi_enable(intid, false);
		writel(BIT(intid), rd + GICR_ICPENDR0);
		writel(BIT(intid), rd + GICR_ICACTIVER0);
	}
}
