/*
 * sgi: Group 1 SGIs through the system register CPU interface, both ways.
 * CPU 0 sends SGI 3 to CPU 1 with ICC_SGI1R_EL1; CPU 1's handler, given
 * INTID 3 by ICC_IAR1_EL1, EOIs it and sends SGI 3 back; 100 round trips,
 * each with a deadline, and no interrupt other than SGI 3 on either CPU.
 * Also checks that ICC_PMR_EL1 implements as many bits as
 * ICC_CTLR_EL1.PRIbits says.
 */
#include <lib/gic.h>
#include <lib/psci.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "gtest.h"

#define SGI_ID		3
#define ROUNDS		100

static volatile unsigned int rx[NR_CPUS];
static volatile bool peer_ready, peer_failed, stop;
static uint64_t cpu0_mpidr;

static void sgi_handler(unsigned int intid)
{
	unsigned int cpu = this_cpu();

	(void)intid;
	rx[cpu]++;
	if (cpu == 1)
		gic_send_sgi(SGI_ID, cpu0_mpidr);
}

static void peer_job(void *arg)
{
	(void)arg;
	if (!gic_init()) {
		peer_failed = true;
		return;
	}
	gic_ppi_enable(SGI_ID, true);
	dsb(sy);
	peer_ready = true;
	irq_enable();
	while (!stop)
		wfe();
	irq_disable();
}

static bool check_pmr(void)
{
	uint64_t ctlr = read_sysreg(icc_ctlr_el1);
	unsigned int bits = ICC_CTLR_PRIBITS(ctlr);
	uint64_t pmr = read_sysreg(icc_pmr_el1);

	test_info("ICC_CTLR_EL1 0x%lx (PRIbits %u), ICC_PMR_EL1 0x%lx, ICC_SRE_EL1 0x%lx",
		  ctlr, bits, pmr, read_sysreg(icc_sre_el1));
	REQUIRE(bits >= 4, "ICC_CTLR_EL1.PRIbits: %u priority bits, want >= 4",
		bits);
	REQUIRE(pmr == ((0xffU << (8 - bits)) & 0xff),
		"ICC_PMR_EL1 reads 0x%lx after 0xff with %u priority bits", pmr,
		bits);
	return true;
}

static void stop_peer(uint64_t peer)
{
	int aff = PSCI_AFF_ON;

	stop = true;
	dsb(sy);
	sev();
	if (!WAIT_FOR((aff = psci_affinity_info(peer, 0)) == PSCI_AFF_OFF,
		      EVENT_TIMEOUT_US))
		test_fail("CPU 1 still not OFF (AFFINITY_INFO %d)", aff);
}

void test_sgi(void)
{
	uint64_t peer = other_cpu_mpidr();
	uint64_t t0, t1;
	unsigned int i;
	int ret;

	CHECK(gic_init(), "GIC set-up on CPU 0 failed");
	if (!check_pmr())
		return;
	cpu0_mpidr = this_mpidr();
	rx[0] = rx[1] = 0;
	gic_unhandled[0] = gic_unhandled[1] = 0;
	peer_ready = peer_failed = stop = false;
	gic_set_handler(SGI_ID, sgi_handler);
	gic_ppi_enable(SGI_ID, true);

	ret = cpu_start(1, peer, peer_job, NULL);
	CHECK(ret == PSCI_SUCCESS, "CPU_ON(0x%lx) = %d", peer, ret);
	if (!WAIT_FOR(peer_ready || peer_failed, EVENT_TIMEOUT_US) || peer_failed) {
		test_fail("CPU 1 %s", peer_failed ? "failed to set up its GIC" :
				      "did not come up");
		stop_peer(peer);
		return;
	}

	irq_enable();
	t0 = timer_now();
	for (i = 0; i < ROUNDS; i++) {
		gic_send_sgi(SGI_ID, peer);
		if (!WAIT_FOR(rx[0] == i + 1, EVENT_TIMEOUT_US)) {
			test_fail("round %u: no reply within 2 s (CPU 1 got %u, CPU 0 got %u)",
				  i, rx[1], rx[0]);
			break;
		}
	}
	t1 = timer_now();
	irq_disable();
	stop_peer(peer);
	gic_ppi_enable(SGI_ID, false);
	if (test_failed())
		return;

	test_info("%u round trips in %lu us", ROUNDS, ticks_to_us(t1 - t0));
	CHECK(rx[0] == ROUNDS && rx[1] == ROUNDS,
	      "SGIs received: CPU 0 %u, CPU 1 %u, want %u each", rx[0], rx[1],
	      ROUNDS);
	CHECK(!gic_unhandled[0] && !gic_unhandled[1],
	      "interrupts other than SGI 3: CPU 0 %u, CPU 1 %u",
	      gic_unhandled[0], gic_unhandled[1]);
}
