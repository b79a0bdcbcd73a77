/*
 * fpsimd: the guest's FP/SIMD state survives every kind of exit. V0-V31,
 * FPCR and FPSR are loaded with a pattern, then the guest makes an HVC, an
 * unknown HVC (which the hypervisor logs), a trapped ID register read, an
 * emulated MMIO read, takes an SGI it sent itself and a virtual timer
 * interrupt it waits for in WFI, loads from unmapped memory (an abort the
 * hypervisor injects, and logs) and reads an implementation-defined
 * register (an UNDEF it injects, and logs); after each, every register must
 * still hold its pattern, and for the last two also in the exception
 * handler itself. Each exit runs hypervisor code on the vCPU's own thread
 * with these registers live, so one stray SIMD instruction there (or a
 * printf outside the FP bracket) shows up here.
 */
#include <lib/exception.h>
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/psci.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include <lib/wfi.h>
#include "gtest.h"

#define ROUNDS		40
#define SGI_ID		5
#define CPACR_FPEN	(3UL << 20)
/* FPCR: round towards zero, flush-to-zero, default NaN; FPSR: IOC, DZC, QC. */
#define FPCR_PATTERN	((3UL << 22) | (1UL << 24) | (1UL << 25))
#define FPSR_PATTERN	((1UL << 0) | (1UL << 1) | (1UL << 27))
#define UNKNOWN_HVC	0xc6000042UL	/* a vendor-hypervisor call nobody implements */
/* Nothing there natively (between virtio-mmio and the platform bus) nor
 * under Tandem (no stage-2 mapping), as in test_unmapped.c. */
#define UNMAPPED_ADDR	0x0a100000UL

void fpsimd_fill(uint64_t seed);
uint32_t fpsimd_diff(uint64_t seed);

static volatile unsigned int irqs;
static uint64_t exc_seed;		/* the pattern the handler checks */
static volatile uint32_t exc_diff;	/* what it found */

static void count_irq(unsigned int intid)
{
	if (intid == VTIMER_INTID) {
		write_sysreg(0, cntv_ctl_el0);
		isb();
	}
	irqs++;
}

static void exit_hvc(void)
{
	smccc_hvc(PSCI_VERSION, 0, 0, 0);
}

static void exit_unknown_hvc(void)
{
	smccc_hvc(UNKNOWN_HVC, 0, 0, 0);
}

static void exit_sysreg(void)
{
	(void)read_sysreg(id_aa64pfr0_el1);
}

static void exit_mmio(void)
{
	(void)readl(GICD_BASE + GICD_TYPER);
}

static void exit_sgi(void)
{
	unsigned int before = irqs;

	gic_send_sgi(SGI_ID, this_mpidr());
	WAIT_FOR(irqs != before, EVENT_TIMEOUT_US);
}

static void exit_vtimer_wfi(void)
{
	unsigned int before = irqs;

	write_sysreg(us_to_ticks(50), cntv_tval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
	WFI_UNTIL(irqs != before, EVENT_TIMEOUT_US);
}

static void check_in_handler(const struct exc_record *rec)
{
	(void)rec;
	exc_diff = fpsimd_diff(exc_seed);
}

static void exit_abort(void)
{
	exc_expect_hook(check_in_handler);
	(void)readl(UNMAPPED_ADDR);
}

static void exit_undef(void)
{
	/* IMPLEMENTATION DEFINED (op1 0, CRn 15): none on QEMU's CPUs; under
	 * Tandem HCR_EL2.TIDCP traps it and an UNDEF is injected. */
	exc_expect_hook(check_in_handler);
	asm volatile("mrs x0, S3_0_C15_C0_0" ::: "x0", "memory");
}

static const struct {
	const char *name;
	void (*cause)(void);
	bool interrupt;		/* must have taken an interrupt */
	bool exception;		/* must have taken a synchronous exception */
} exits[] = {
	{ "HVC PSCI_VERSION", exit_hvc, false, false },
	{ "unknown HVC", exit_unknown_hvc, false, false },
	{ "ID_AA64PFR0_EL1 read", exit_sysreg, false, false },
	{ "GICD_TYPER read", exit_mmio, false, false },
	{ "SGI to self", exit_sgi, true, false },
	{ "virtual timer IRQ in WFI", exit_vtimer_wfi, true, false },
	{ "load from unmapped memory (abort)", exit_abort, false, true },
	{ "IMPLEMENTATION DEFINED register read (UNDEF)", exit_undef, false, true },
};

static bool survives(unsigned int e, uint64_t seed)
{
	unsigned int before = irqs;
	uint64_t fpcr, fpsr;
	uint32_t diff;

	write_sysreg(FPCR_PATTERN, fpcr);
	write_sysreg(FPSR_PATTERN, fpsr);
	exc_seed = seed;
	exc_diff = 0;
	fpsimd_fill(seed);
	exits[e].cause();
	diff = fpsimd_diff(seed);
	if (exits[e].exception) {
		struct exc_record rec;

		REQUIRE(exc_taken(&rec), "%s: no exception taken", exits[e].name);
		REQUIRE(!exc_diff, "%s: V registers changed in the exception handler (mask 0x%x)",
			exits[e].name, exc_diff);
	}
	fpcr = read_sysreg(fpcr);
	fpsr = read_sysreg(fpsr);
	REQUIRE(!diff, "after %s: V registers changed (mask 0x%x)",
		exits[e].name, diff);
	REQUIRE(fpcr == FPCR_PATTERN, "after %s: FPCR 0x%lx, want 0x%lx",
		exits[e].name, fpcr, FPCR_PATTERN);
	REQUIRE(fpsr == FPSR_PATTERN, "after %s: FPSR 0x%lx, want 0x%lx",
		exits[e].name, fpsr, FPSR_PATTERN);
	if (exits[e].interrupt)
		REQUIRE(irqs != before, "%s: no interrupt within %u us",
			exits[e].name, EVENT_TIMEOUT_US);
	return true;
}

void test_fpsimd(void)
{
	bool ok = true;

	write_sysreg(read_sysreg(cpacr_el1) | CPACR_FPEN, cpacr_el1);
	isb();
	CHECK(gic_init(), "GIC set-up failed");
	irqs = 0;
	gic_set_handler(SGI_ID, count_irq);
	gic_set_handler(VTIMER_INTID, count_irq);
	gic_ppi_enable(SGI_ID, true);
	gic_ppi_enable(VTIMER_INTID, true);
	irq_enable();
	for (unsigned int r = 0; r < ROUNDS && ok; r++)
		for (unsigned int e = 0; e < ARRAY_SIZE(exits) && ok; e++)
			ok = survives(e, (uint64_t)r << 32 | e);
	irq_disable();
	write_sysreg(0, cntv_ctl_el0);
	gic_ppi_enable(SGI_ID, false);
	gic_ppi_enable(VTIMER_INTID, false);
	gic_set_handler(SGI_ID, NULL);
	gic_set_handler(VTIMER_INTID, NULL);
	write_sysreg(0, fpcr);
	write_sysreg(0, fpsr);
	if (ok)
		test_info("%u rounds of %u exit kinds, registers intact", ROUNDS,
			  (unsigned int)ARRAY_SIZE(exits));
}
