/*
 * Measurements of one instruction each that a hypervisor traps and
 * answers synchronously:
 *   null    two back-to-back counter reads: the floor every other
 *           figure includes (and proof that CNTVCT_EL0 is not trapped);
 *   hvc     PSCI_VERSION over HVC, there and back;
 *   mmio    a load from GICD_TYPER (emulated device register);
 *   sysreg  a read of ID_AA64PFR0_EL1 (an ID register: trapped by
 *           HCR_EL2.TID3 under Tandem, not trapped natively).
 */
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/printf.h>
#include <lib/psci.h>
#include <lib/sysreg.h>
#include <lib/timer.h>
#include "gbench.h"

static uint64_t null_once(void)
{
	uint64_t t0 = timer_now();

	return timer_now() - t0;
}

static bool hvc_setup(void)
{
	uint32_t version = psci_version();

	printf("# hvc: PSCI_VERSION returns 0x%x\n", version);
	return version != (uint32_t)PSCI_NOT_SUPPORTED;
}

static uint64_t hvc_once(void)
{
	uint64_t t0 = timer_now();

	smccc_hvc(PSCI_VERSION, 0, 0, 0);
	return timer_now() - t0;
}

static bool mmio_setup(void)
{
	printf("# mmio: GICD_TYPER 0x%x\n", readl(GICD_BASE + GICD_TYPER));
	return true;
}

static uint64_t mmio_once(void)
{
	uint64_t t0 = timer_now();

	readl(GICD_BASE + GICD_TYPER);
	return timer_now() - t0;
}

static bool sysreg_setup(void)
{
	printf("# sysreg: ID_AA64PFR0_EL1 0x%lx\n",
	       read_sysreg(id_aa64pfr0_el1));
	return true;
}

static uint64_t sysreg_once(void)
{
	uint64_t t0 = timer_now();

	read_sysreg(id_aa64pfr0_el1);
	return timer_now() - t0;
}

const struct bench bench_null = {
	.name = "null", .once = null_once,
	.iterations = BENCH_ITERATIONS,
};

const struct bench bench_hvc = {
	.name = "hvc", .setup = hvc_setup, .once = hvc_once,
	.iterations = BENCH_ITERATIONS,
};

const struct bench bench_mmio = {
	.name = "mmio", .setup = mmio_setup, .once = mmio_once,
	.iterations = BENCH_ITERATIONS,
};

const struct bench bench_sysreg = {
	.name = "sysreg", .setup = sysreg_setup, .once = sysreg_once,
	.iterations = BENCH_ITERATIONS,
};
