/*
 * gicr_regs: the redistributors. One frame per CPU, walked by
 * GICR_TYPER (frame size from VLPIS) until the one with Last; distinct
 * affinities, one of them this CPU's MPIDR_EL1; ArchRev 3; GICR_WAKER out
 * of reset and the wake-up handshake; and this CPU's SGI_base: IGROUPR0,
 * the ISENABLER0/ICENABLER0 pair and ICFGR0 (SGIs are edge, read-only).
 */
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "gtest.h"

#define SGI_ALL_EDGE	0xaaaaaaaaU
#define CHECK_PPI	27
#define CHECK_SGI	3

static bool check_frames(uintptr_t *frames, unsigned int n, uintptr_t *self)
{
	unsigned int i, j, mine = 0;

	REQUIRE(n, "no GICR_TYPER.Last in the first %u redistributor frames",
		GICR_MAX_FRAMES);
	REQUIRE(n >= NR_CPUS, "%u redistributor(s), want at least %u", n,
		NR_CPUS);
	for (i = 0; i < n; i++) {
		uint64_t typer = gicr_typer(frames[i]);
		uint64_t mpidr = gicr_aff_to_mpidr(typer);
		uint32_t pidr2 = readl(frames[i] + GICR_PIDR2);

		test_info("GICR%u at 0x%lx: TYPER 0x%lx (MPIDR 0x%lx, Processor_Number %lu, Last %u), WAKER 0x%x",
			  i, frames[i], typer, mpidr, (typer >> 8) & 0xffff,
			  !!(typer & GICR_TYPER_LAST),
			  readl(frames[i] + GICR_WAKER));
		REQUIRE(PIDR2_ARCHREV(pidr2) == 3,
			"GICR%u PIDR2.ArchRev %u, want 3", i,
			PIDR2_ARCHREV(pidr2));
		for (j = 0; j < i; j++)
			REQUIRE(gicr_aff_to_mpidr(gicr_typer(frames[j])) != mpidr,
				"GICR%u and GICR%u both claim MPIDR 0x%lx", j,
				i, mpidr);
		if (mpidr == this_mpidr()) {
			mine++;
			*self = frames[i];
		}
	}
	REQUIRE(mine == 1, "%u redistributors match MPIDR_EL1 0x%lx", mine,
		this_mpidr());
	return true;
}

/*
 * With a single Security state GICR_WAKER is ours: ProcessorSleep and
 * ChildrenAsleep are set out of reset and clearing the first clears the
 * second. With two, Non-secure software sees it RAZ/WI.
 */
static bool check_waker(uintptr_t *frames, unsigned int n, uintptr_t self)
{
	bool ds = gicd_single_security();
	unsigned int i;
	uint32_t w;

	for (i = 0; i < n; i++) {
		w = readl(frames[i] + GICR_WAKER);
		if (ds)
			REQUIRE((w & (GICR_WAKER_SLEEP | GICR_WAKER_CHILDREN)) ==
				(GICR_WAKER_SLEEP | GICR_WAKER_CHILDREN),
				"GICR%u_WAKER 0x%x at reset: want ProcessorSleep and ChildrenAsleep",
				i, w);
		else
			REQUIRE(!w, "GICR%u_WAKER 0x%x, want RAZ (DS=0)", i, w);
	}
	REQUIRE(gicr_wake(self), "GICR_WAKER.ChildrenAsleep still set 2 s after clearing ProcessorSleep (0x%x)",
		readl(self + GICR_WAKER));
	w = readl(self + GICR_WAKER);
	REQUIRE(!(w & (GICR_WAKER_SLEEP | GICR_WAKER_CHILDREN)),
		"GICR_WAKER 0x%x after the wake-up sequence", w);
	return true;
}

static bool check_sgi_base(uintptr_t rd)
{
	uint32_t v, orig;
	uint8_t mask;

	v = readl(rd + GICR_IGROUPR0);
	test_info("GICR_IGROUPR0 0x%x at reset", v);
	if (gicd_single_security()) {
		writel(~0U, rd + GICR_IGROUPR0);
		v = readl(rd + GICR_IGROUPR0);
		REQUIRE((v & 0xffff) == 0xffff && (v & BIT(CHECK_PPI)),
			"GICR_IGROUPR0 0x%x after writing ones: SGIs and PPI 27 must be Group 1 capable",
			v);
	}

	v = readl(rd + GICR_ISENABLER0);
	test_info("GICR_ISENABLER0 0x%x at reset", v);
	REQUIRE(!(v & 0xffff0000), "GICR_ISENABLER0 0x%x: PPIs enabled at reset",
		v);
	writel((uint32_t)(BIT(CHECK_PPI) | BIT(CHECK_SGI)),
	       rd + GICR_ISENABLER0);
	v = readl(rd + GICR_ISENABLER0);
	REQUIRE((v & (BIT(CHECK_PPI) | BIT(CHECK_SGI))) ==
		(BIT(CHECK_PPI) | BIT(CHECK_SGI)),
		"GICR_ISENABLER0 0x%x after enabling SGI 3 and PPI 27", v);
	REQUIRE(readl(rd + GICR_ICENABLER0) == v,
		"GICR_ICENABLER0 0x%x differs from GICR_ISENABLER0 0x%x",
		readl(rd + GICR_ICENABLER0), v);
	writel((uint32_t)(BIT(CHECK_PPI) | BIT(CHECK_SGI)),
	       rd + GICR_ICENABLER0);
	REQUIRE(gicr_wait_rwp(rd), "GICR_CTLR.RWP stuck");
	v = readl(rd + GICR_ISENABLER0);
	REQUIRE(!(v & BIT(CHECK_PPI)), "GICR_ISENABLER0 0x%x after disabling PPI 27",
		v);

	v = readl(rd + GICR_ICFGR0);
	REQUIRE(v == SGI_ALL_EDGE, "GICR_ICFGR0 0x%x, want 0xaaaaaaaa (SGIs edge)",
		v);
	writel(0, rd + GICR_ICFGR0);
	v = readl(rd + GICR_ICFGR0);
	REQUIRE(v == SGI_ALL_EDGE, "GICR_ICFGR0 0x%x after writing 0: not read-only",
		v);
	test_info("GICR_ICFGR1 0x%x (PPI 27 %s)", readl(rd + GICR_ICFGR1),
		  readl(rd + GICR_ICFGR1) & BIT(2 * (CHECK_PPI - 16) + 1) ?
		  "edge" : "level");

	orig = readl(rd + GICR_IPRIORITYR);
	writeb(0xff, rd + GICR_IPRIORITYR + CHECK_SGI);
	mask = readb(rd + GICR_IPRIORITYR + CHECK_SGI);
	test_info("SGI priority mask 0x%x", mask);
	REQUIRE(gic_prio_mask_ok(mask),
		"SGI 3 priority reads 0x%x after 0xff: want the top 4..8 bits",
		mask);
	writel(orig, rd + GICR_IPRIORITYR);
	return true;
}

void test_gicr_regs(void)
{
	uintptr_t frames[GICR_MAX_FRAMES];
	unsigned int n = gicr_walk(frames, GICR_MAX_FRAMES);
	uintptr_t self = 0;
	unsigned int i;

	if (!check_frames(frames, n, &self) || !check_waker(frames, n, self) ||
	    !check_sgi_base(self))
		return;
	for (i = 0; i < n; i++)
		CHECK(readl(frames[i] + GICR_ICFGR0) == SGI_ALL_EDGE,
		      "GICR%u_ICFGR0 0x%x, want 0xaaaaaaaa", i,
		      readl(frames[i] + GICR_ICFGR0));
}
