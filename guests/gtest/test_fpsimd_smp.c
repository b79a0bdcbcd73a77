/*
 * fpsimd_smp: two CPUs each keep their own FP/SIMD state while they take
 * turns. CPUs 0 and 1 each load V0-V31, FPCR and FPSR with a pattern of
 * their own, sleep in WFI until a short virtual-timer interrupt, and check
 * every register; round after round, with a fresh pattern each time.
 * Under Tandem with both vCPUs on one core (tests/system, the
 * gtest-shared config) each WFI switches the core to the other vCPU, so
 * the registers go through lazy FP/SIMD switching: the other vCPU's first
 * FP instruction traps and must save this one's state, and this one's
 * must come back. Natively and on separate cores it checks the same
 * without the switching.
 */
#include <lib/gic.h>
#include <lib/psci.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include <lib/wfi.h>
#include "cpus.h"
#include "gtest.h"

#define ROUNDS		300
#define SLEEP_US	20
#define CPACR_FPEN	(3UL << 20)

void fpsimd_fill(uint64_t seed);
uint32_t fpsimd_diff(uint64_t seed);

/* Per CPU: FPCR rounding mode and FZ differ, FPSR cumulative flags too. */
static const uint64_t fpcr_pattern[2] = {
	(1UL << 22) | (1UL << 24),		/* RP, FZ */
	(2UL << 22) | (1UL << 25),		/* RM, DN */
};
static const uint64_t fpsr_pattern[2] = {
	(1UL << 0) | (1UL << 4),		/* IOC, IXC */
	(1UL << 2) | (1UL << 27),		/* OFC, QC */
};

struct fp_result {
	volatile bool done, failed;
	volatile unsigned int round, irqs;
	volatile uint32_t diff;
	volatile uint64_t fpcr, fpsr;
};

static struct fp_result result[2];
static volatile bool peer_ready, peer_failed;

static void timer_irq(unsigned int intid)
{
	(void)intid;
	write_sysreg(0, cntv_ctl_el0);
	isb();
	result[this_cpu()].irqs++;
}

/* The rounds on this CPU; the outcome in result[cpu]. */
static void fp_rounds(unsigned int cpu)
{
	struct fp_result *r = &result[cpu];

	for (unsigned int i = 0; i < ROUNDS; i++) {
		uint64_t seed = (uint64_t)(cpu + 1) << 56 | (uint64_t)i << 20 | 0x5a5;
		unsigned int before = r->irqs;
		uint32_t diff;
		uint64_t fpcr, fpsr;

		r->round = i;
		write_sysreg(fpcr_pattern[cpu], fpcr);
		write_sysreg(fpsr_pattern[cpu], fpsr);
		fpsimd_fill(seed);
		write_sysreg(us_to_ticks(SLEEP_US), cntv_tval_el0);
		write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
		isb();
		(void)WFI_UNTIL(r->irqs != before, EVENT_TIMEOUT_US);
		diff = fpsimd_diff(seed);
		fpcr = read_sysreg(fpcr);
		fpsr = read_sysreg(fpsr);
		if (diff || fpcr != fpcr_pattern[cpu] || fpsr != fpsr_pattern[cpu] ||
		    r->irqs == before) {
			r->diff = diff;
			r->fpcr = fpcr;
			r->fpsr = fpsr;
			r->failed = true;
			break;
		}
	}
	write_sysreg(0, cntv_ctl_el0);
	write_sysreg(0, fpcr);
	write_sysreg(0, fpsr);
	dsb(sy);
	r->done = true;
}

static void fp_setup(void)
{
	write_sysreg(read_sysreg(cpacr_el1) | CPACR_FPEN, cpacr_el1);
	isb();
}

static void peer_job(void *arg)
{
	(void)arg;
	fp_setup();
	if (!gic_init()) {
		peer_failed = true;
		return;
	}
	gic_ppi_enable(VTIMER_INTID, true);
	dsb(sy);
	peer_ready = true;
	irq_enable();
	fp_rounds(1);
	irq_disable();
	gic_ppi_enable(VTIMER_INTID, false);
}

static bool report(unsigned int cpu)
{
	const struct fp_result *r = &result[cpu];

	REQUIRE(r->done, "CPU %u: not done within the time limit (round %u)", cpu, r->round);
	REQUIRE(!r->failed, "CPU %u, round %u: V mask 0x%x, FPCR 0x%lx (want 0x%lx), FPSR 0x%lx (want 0x%lx), timer irqs %u",
		cpu, r->round, r->diff, r->fpcr, fpcr_pattern[cpu], r->fpsr,
		fpsr_pattern[cpu], r->irqs);
	return true;
}

void test_fpsimd_smp(void)
{
	uint64_t peer = other_cpu_mpidr();
	int ret;

	for (unsigned int c = 0; c < 2; c++)
		result[c] = (struct fp_result){ 0 };
	peer_ready = peer_failed = false;
	fp_setup();
	CHECK(gic_init(), "GIC set-up on CPU 0 failed");
	gic_set_handler(VTIMER_INTID, timer_irq);
	gic_ppi_enable(VTIMER_INTID, true);

	ret = cpu_start(1, peer, peer_job, NULL);
	CHECK(ret == PSCI_SUCCESS, "CPU_ON(0x%lx) = %d", peer, ret);
	if (!WAIT_FOR(peer_ready || peer_failed, EVENT_TIMEOUT_US) || peer_failed) {
		test_fail("CPU 1 %s", peer_failed ? "failed to set up its GIC" :
				      "did not come up");
	} else {
		irq_enable();
		fp_rounds(0);
		irq_disable();
		(void)WAIT_FOR(result[1].done, 10 * EVENT_TIMEOUT_US);
		if (report(0) && report(1))
			test_info("2 CPUs x %u rounds, each its own registers intact (timer irqs %u, %u)",
				  ROUNDS, result[0].irqs, result[1].irqs);
	}
	gic_ppi_enable(VTIMER_INTID, false);
	gic_set_handler(VTIMER_INTID, NULL);
	if (!gtest_wait_off(peer))
		test_fail("CPU 1 still not OFF");
}
