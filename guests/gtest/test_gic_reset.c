/*
 * gic_reset: every distributor and redistributor register as the guest
 * finds it, before anything has written to the GIC. Each value is printed
 * ("reg <name> <value>", docs/vgic-registers.md is made from these lines
 * of a native and a Tandem run) and checked against the architecture's
 * reset value; bits the architecture leaves to the implementation (ID
 * registers, TYPER fields that say what is implemented) are left out of
 * the comparison, so QEMU natively and Tandem must both pass. The
 * per-INTID registers are checked over every implemented word.
 */
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/printf.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include "gtest.h"

enum frame { DIST, RD, SGI };

struct reset_reg {
	const char *name;
	enum frame frame;
	uint32_t off;
	uint8_t size;		/* 4 or 8 */
	uint8_t words;		/* per-INTID array: 1 = first word only; 0: every implemented SPI word */
	uint64_t want;
	uint64_t impdef;	/* bits not compared */
};

#define ALL	(~0UL)
#define NOCMP	ALL

static const struct reset_reg regs[] = {
	/* Distributor, GICD_CTLR.DS = 1. ARE reads 1: both QEMU and Tandem
	 * fix affinity routing on. */
	{ "GICD_CTLR", DIST, 0x0000, 4, 1, 0x50, 0 },
	/* ITLinesNumber, IDbits, LPIS, A3V, No1N: what is built. */
	{ "GICD_TYPER", DIST, 0x0004, 4, 1, 0, 0x037fffff },
	{ "GICD_IIDR", DIST, 0x0008, 4, 1, 0, NOCMP },
	{ "GICD_TYPER2", DIST, 0x000c, 4, 1, 0, 0 },
	{ "GICD_STATUSR", DIST, 0x0010, 4, 1, 0, 0 },
	{ "GICD_SETSPI_NSR", DIST, 0x0040, 4, 1, 0, 0 },
	{ "GICD_IGROUPR0", DIST, 0x0080, 4, 1, 0, 0 },
	{ "GICD_IGROUPR", DIST, 0x0084, 4, 0, 0, 0 },
	{ "GICD_ISENABLER", DIST, 0x0104, 4, 0, 0, 0 },
	{ "GICD_ICENABLER", DIST, 0x0184, 4, 0, 0, 0 },
	{ "GICD_ISPENDR", DIST, 0x0204, 4, 0, 0, 0 },
	{ "GICD_ICPENDR", DIST, 0x0284, 4, 0, 0, 0 },
	{ "GICD_ISACTIVER", DIST, 0x0304, 4, 0, 0, 0 },
	{ "GICD_ICACTIVER", DIST, 0x0384, 4, 0, 0, 0 },
	{ "GICD_IPRIORITYR0", DIST, 0x0400, 4, 1, 0, 0 },
	{ "GICD_IPRIORITYR8", DIST, 0x0420, 4, 1, 0, 0 },
	{ "GICD_ITARGETSR8", DIST, 0x0820, 4, 1, 0, 0 },
	{ "GICD_ICFGR2", DIST, 0x0c08, 4, 1, 0, 0x55555555 /* RES0 bits only */ },
	{ "GICD_IGRPMODR", DIST, 0x0d04, 4, 0, 0, 0 },
	{ "GICD_NSACR2", DIST, 0x0e08, 4, 1, 0, 0 },
	{ "GICD_CPENDSGIR0", DIST, 0x0f10, 4, 1, 0, 0 },
	{ "GICD_SPENDSGIR0", DIST, 0x0f20, 4, 1, 0, 0 },
	{ "GICD_IROUTER32", DIST, 0x6100, 8, 1, 0, 0 },
	{ "GICD_PIDR2", DIST, 0xffe8, 4, 1, 0x30, 0xcf /* ArchRev compared */ },
	/* Redistributor of this CPU: RD_base. */
	{ "GICR_CTLR", RD, 0x0000, 4, 1, 0, 0x2 /* CES: what is built */ },
	{ "GICR_IIDR", RD, 0x0004, 4, 1, 0, NOCMP },
	{ "GICR_TYPER", RD, 0x0008, 8, 1, 0, ~0x10UL /* all but Last: affinity, LPIs, number */ },
	{ "GICR_STATUSR", RD, 0x0010, 4, 1, 0, 0 },
	{ "GICR_WAKER", RD, 0x0014, 4, 1, 0x6, 0 },
	{ "GICR_PROPBASER", RD, 0x0070, 8, 1, 0, NOCMP /* UNKNOWN at reset */ },
	{ "GICR_PENDBASER", RD, 0x0078, 8, 1, 0, NOCMP /* UNKNOWN at reset */ },
	{ "GICR_PIDR2", RD, 0xffe8, 4, 1, 0x30, 0xcf },
	/* SGI_base. */
	{ "GICR_IGROUPR0", SGI, 0x0080, 4, 1, 0, 0 },
	{ "GICR_ISENABLER0", SGI, 0x0100, 4, 1, 0, 0xffff /* SGIs: IMPLEMENTATION DEFINED */ },
	{ "GICR_ICENABLER0", SGI, 0x0180, 4, 1, 0, 0xffff },
	{ "GICR_ISPENDR0", SGI, 0x0200, 4, 1, 0, 0 },
	{ "GICR_ICPENDR0", SGI, 0x0280, 4, 1, 0, 0 },
	{ "GICR_ISACTIVER0", SGI, 0x0300, 4, 1, 0, 0 },
	{ "GICR_ICACTIVER0", SGI, 0x0380, 4, 1, 0, 0 },
	{ "GICR_IPRIORITYR0", SGI, 0x0400, 4, 1, 0, 0 },
	{ "GICR_IPRIORITYR7", SGI, 0x041c, 4, 1, 0, 0 },
	{ "GICR_ICFGR0", SGI, 0x0c00, 4, 1, 0xaaaaaaaa, 0 },
	{ "GICR_ICFGR1", SGI, 0x0c04, 4, 1, 0, 0xaaaaaaaa /* PPIs: IMPLEMENTATION DEFINED */ },
	{ "GICR_IGRPMODR0", SGI, 0x0d00, 4, 1, 0, 0 },
	{ "GICR_NSACR", SGI, 0x0e00, 4, 1, 0, 0 },
};

static uintptr_t base_of(enum frame f, uintptr_t rd)
{
	return f == DIST ? GICD_BASE : f == RD ? rd : rd + GICR_SGI_BASE;
}

static uint64_t read_reg(uintptr_t addr, unsigned int size)
{
	return size == 8 ? readq(addr) : readl(addr);
}

void test_gic_reset(void)
{
	uintptr_t rd = gicr_of(this_mpidr());
	unsigned int lines = GICD_TYPER_ITLINES(readl(GICD_BASE + GICD_TYPER));
	unsigned int i, w;

	CHECK(rd, "no redistributor for MPIDR 0x%lx", this_mpidr());
	CHECK(gicd_single_security(), "GICD_CTLR.DS = 0: the table is for one Security state");
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		const struct reset_reg *r = &regs[i];
		uintptr_t addr = base_of(r->frame, rd) + r->off;
		unsigned int n = r->words ? r->words : lines;
		uint64_t v = read_reg(addr, r->size);

		printf("reg %s 0x%lx\n", r->name, v);
		for (w = 0; w < n; w++) {
			v = read_reg(addr + 4 * w, r->size);
			EXPECT((v & ~r->impdef) == (r->want & ~r->impdef),
			       "%s%s word %u: 0x%lx at reset, want 0x%lx (bits 0x%lx compared)",
			       r->name, r->words ? "" : "<n>", w, v, r->want, ~r->impdef);
		}
	}
}
