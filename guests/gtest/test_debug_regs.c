/*
 * debug_regs: the self-hosted debug registers are this VM's own. A fresh
 * VM reads DBGBVR0_EL1 and DBGWVR0_EL1 as 0 whatever a VM that ran on the
 * same core before it wrote there (this test leaves values behind for the
 * next run to not see); they read back what was written; the OS lock,
 * claim tags and a comparator past the count in ID_AA64DFR0_EL1 behave as
 * on a core; and a hardware breakpoint the guest programs fires at EL1.
 */
#include <lib/exception.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include "gtest.h"

#define LEFT_BVR	0x12345678UL	/* what this test leaves behind */
#define LEFT_WVR	0x87654320UL
#define BCR_EL1_ANY	((0xfUL << 5) | (1UL << 1) | 1UL)	/* BAS all, PMC EL1, E */
#define MDSCR_KDE	(1UL << 13)
#define MDSCR_MDE	(1UL << 15)
#define ESR_EC_BKPT_CUR	0x31

static bool breakpoint_fires(void)
{
	struct exc_record rec;
	uint64_t at;

	write_sysreg(MDSCR_KDE | MDSCR_MDE, mdscr_el1);
	exc_expect();
	/* Breakpoint 1 on the nop; debug exceptions unmasked around it only. */
	asm volatile("adr	%0, 1f\n"
		     "msr	dbgbvr1_el1, %0\n"
		     "msr	dbgbcr1_el1, %1\n"
		     "isb\n"
		     "msr	daifclr, #8\n"
		     "isb\n"
		     "1:	nop\n"
		     "msr	daifset, #8\n"
		     "isb"
		     : "=&r"(at) : "r"(BCR_EL1_ANY) : "memory");
	write_sysreg(0, dbgbcr1_el1);
	write_sysreg(0, dbgbvr1_el1);
	write_sysreg(0, mdscr_el1);
	isb();
	REQUIRE(exc_taken(&rec), "hardware breakpoint at 0x%lx did not fire", at);
	REQUIRE(ESR_EC(rec.esr) == ESR_EC_BKPT_CUR && rec.elr == at,
		"breakpoint: ESR_EL1 0x%lx ELR 0x%lx, want EC 0x31 at 0x%lx",
		rec.esr, rec.elr, at);
	return true;
}

void test_debug_regs(void)
{
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);
	unsigned int nbp = (unsigned int)((dfr0 >> 12) & 0xf) + 1;
	uint64_t bvr = read_sysreg(dbgbvr0_el1), wvr = read_sysreg(dbgwvr0_el1);
	uint64_t v;

	test_info("%u breakpoints, %u watchpoints; fresh DBGBVR0 0x%lx DBGWVR0 0x%lx",
		  nbp, (unsigned int)((dfr0 >> 20) & 0xf) + 1, bvr, wvr);
	CHECK(bvr == 0 && wvr == 0,
	      "a fresh VM reads DBGBVR0_EL1 0x%lx, DBGWVR0_EL1 0x%lx: another VM's values", bvr,
	      wvr);

	write_sysreg(LEFT_BVR, dbgbvr0_el1);
	write_sysreg(LEFT_WVR, dbgwvr0_el1);
	isb();
	bvr = read_sysreg(dbgbvr0_el1);
	wvr = read_sysreg(dbgwvr0_el1);
	CHECK(bvr == LEFT_BVR && wvr == LEFT_WVR, "DBGBVR0/DBGWVR0 read back 0x%lx/0x%lx", bvr,
	      wvr);

	/* QEMU 7.2 natively has no claim tags (UNDEF); Tandem keeps them per vCPU. */
	exc_expect();
	write_sysreg(0x5, dbgclaimset_el1);
	if (exc_taken(NULL)) {
		test_info("DBGCLAIMSET_EL1 UNDEFINED: no claim tags to check");
	} else {
		v = read_sysreg(dbgclaimclr_el1);
		write_sysreg(0xff, dbgclaimclr_el1);
		CHECK(v == 0x5 && read_sysreg(dbgclaimclr_el1) == 0,
		      "claim tags: set 0x5, read 0x%lx", v);
	}

	write_sysreg(1, oslar_el1);
	isb();
	v = read_sysreg(oslsr_el1);
	CHECK((v & 0xb) == 0xa, "OSLSR_EL1 0x%lx after locking, want OSLM 0b10, OSLK 1", v);
	write_sysreg(0, oslar_el1);
	isb();
	v = read_sysreg(oslsr_el1);
	CHECK((v & 0xb) == 0x8, "OSLSR_EL1 0x%lx after unlocking, want OSLM 0b10, OSLK 0", v);

	if (nbp < 16) {
		exc_expect();
		asm volatile("mrs x0, S2_0_C0_C15_4" ::: "x0", "memory");
		CHECK(exc_taken(NULL), "DBGBVR15_EL1 works with %u breakpoints", nbp);
	}
	if (nbp >= 2 && !breakpoint_fires())
		return;
	/* DBGBVR0/DBGWVR0 keep LEFT_*: the next VM on this core must not see them. */
}
