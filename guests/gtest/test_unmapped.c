/*
 * unmapped: a load and a store to an address where nothing is mapped
 * (natively, no device in QEMU virt's map; under Tandem, no stage-2
 * mapping) raise a synchronous data abort at EL1, reported as a
 * synchronous external abort with FAR = the address, and the guest goes
 * on after the access.
 */
#include <lib/exception.h>
#include <lib/mmio.h>
#include <lib/test.h>
#include "gtest.h"

/* Between virtio-mmio (ends 0x0a004000) and the platform bus (0x0c000000). */
#define UNMAPPED_ADDR	0x0a100000UL

static bool check_abort(const struct exc_record *rec, bool write)
{
	uint64_t esr = rec->esr;

	test_info("%s: ESR_EL1 0x%lx (EC 0x%lx, DFSC 0x%lx, WnR %u, EA %u, FnV %u) FAR_EL1 0x%lx",
		  write ? "store" : "load", esr, ESR_EC(esr),
		  ESR_DABT_DFSC(esr), !!(esr & ESR_DABT_WNR),
		  !!(esr & ESR_DABT_EA), !!(esr & ESR_DABT_FNV), rec->far);
	REQUIRE(rec->kind == EXC_SYNC,
		"%s raised an SError (ESR_EL1 0x%lx), not a synchronous abort",
		write ? "store" : "load", esr);
	REQUIRE(ESR_EC(esr) == ESR_EC_DABT_CUR,
		"%s: ESR_EL1.EC 0x%lx, want 0x25 (data abort, same EL)",
		write ? "store" : "load", ESR_EC(esr));
	REQUIRE(ESR_DABT_DFSC(esr) == DFSC_SYNC_EXT_ABORT,
		"%s: DFSC 0x%lx, want 0x10 (synchronous external abort)",
		write ? "store" : "load", ESR_DABT_DFSC(esr));
	REQUIRE(!!(esr & ESR_DABT_WNR) == write, "%s: WnR is %u",
		write ? "store" : "load", !!(esr & ESR_DABT_WNR));
	REQUIRE(!(esr & ESR_DABT_FNV) && rec->far == UNMAPPED_ADDR,
		"%s: FAR_EL1 0x%lx (FnV %u), want 0x%lx",
		write ? "store" : "load", rec->far, !!(esr & ESR_DABT_FNV),
		UNMAPPED_ADDR);
	return true;
}

void test_unmapped(void)
{
	struct exc_record rec;
	uint32_t val;

	exc_expect();
	val = readl(UNMAPPED_ADDR);
	CHECK(exc_taken(&rec), "load from 0x%lx returned 0x%x without an exception",
	      UNMAPPED_ADDR, val);
	if (!check_abort(&rec, false))
		return;

	exc_expect();
	writel(0x5a5a5a5a, UNMAPPED_ADDR);
	CHECK(exc_taken(&rec), "store to 0x%lx completed without an exception",
	      UNMAPPED_ADDR);
	check_abort(&rec, true);
}
