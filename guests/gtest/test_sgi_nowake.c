/*
 * sgi_nowake: SGIs to CPUs whose redistributor was never woken. CPUs 1
 * and 2 set up their GIC as a guest that relies on the reset state does:
 * Group 1, priority and enable in their SGI_base frame, PMR and
 * ICC_IGRPEN1_EL1, and no GICR_WAKER write (it still reads ProcessorSleep).
 * Then every way ICC_SGI1R_EL1 names targets: each CPU to itself, CPU 0 to
 * the target list {1, 2} in one write, and CPU 1 to all but itself
 * (IRM = 1). Each SGI arrives exactly where it was sent, once.
 */
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/psci.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "cpus.h"
#include "gtest.h"

#define SGI_SELF	5
#define SGI_LIST	6
#define SGI_BCAST	7
#define SETTLE_US	2000

enum peer_cmd { CMD_NONE, CMD_SELF, CMD_BCAST };

static volatile unsigned int rx[NR_CPUS][16];
static volatile enum peer_cmd cmd[NR_CPUS];
static volatile bool ready[NR_CPUS], failed[NR_CPUS], stop;
static volatile uint32_t waker_seen[NR_CPUS];

static void count_sgi(unsigned int intid)
{
	rx[this_cpu()][intid]++;
}

static void enable_sgis(void)
{
	gic_ppi_enable(SGI_SELF, true);
	gic_ppi_enable(SGI_LIST, true);
	gic_ppi_enable(SGI_BCAST, true);
}

static void peer_job(void *arg)
{
	unsigned int cpu = this_cpu();

	(void)arg;
	if (!gic_init_nowake()) {
		failed[cpu] = true;
		return;
	}
	enable_sgis();
	waker_seen[cpu] = readl(gicr_of(this_mpidr()) + GICR_WAKER);
	dsb(sy);
	ready[cpu] = true;
	irq_enable();
	while (!stop) {
		enum peer_cmd c = cmd[cpu];

		if (c == CMD_SELF)
			gic_send_sgi(SGI_SELF, this_mpidr());
		else if (c == CMD_BCAST)
			gic_send_sgi_raw(ICC_SGIR_IRM | (uint64_t)SGI_BCAST << 24, false);
		if (c != CMD_NONE)
			cmd[cpu] = CMD_NONE;
		cpu_relax();
	}
	irq_disable();
}

static bool start_peers(void)
{
	unsigned int cpu;
	int ret;

	for (cpu = 1; cpu < NR_CPUS; cpu++) {
		ret = cpu_start(cpu, gtest_cpu_mpidr(cpu), peer_job, NULL);
		REQUIRE(ret == PSCI_SUCCESS, "CPU_ON(CPU %u) = %d", cpu, ret);
	}
	for (cpu = 1; cpu < NR_CPUS; cpu++) {
		REQUIRE(WAIT_FOR(ready[cpu] || failed[cpu], EVENT_TIMEOUT_US) && !failed[cpu],
			"CPU %u %s", cpu, failed[cpu] ? "failed its GIC set-up" : "did not come up");
		test_info("CPU %u: GICR_WAKER 0x%x, never written", cpu, waker_seen[cpu]);
		REQUIRE(!gicd_single_security() || (waker_seen[cpu] & GICR_WAKER_SLEEP),
			"CPU %u: GICR_WAKER 0x%x, want ProcessorSleep still set", cpu,
			waker_seen[cpu]);
	}
	return true;
}

static bool expect_counts(unsigned int intid, unsigned int c0, unsigned int c1, unsigned int c2)
{
	const unsigned int want[NR_CPUS] = { c0, c1, c2 };
	unsigned int cpu;

	/* Wait for the ones due, then a while for any that should not come. */
	WAIT_FOR(rx[0][intid] >= c0 && rx[1][intid] >= c1 && rx[2][intid] >= c2,
		 EVENT_TIMEOUT_US);
	WAIT_FOR(false, SETTLE_US);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		REQUIRE(rx[cpu][intid] == want[cpu], "SGI %u: CPU %u got %u, want %u", intid,
			cpu, rx[cpu][intid], want[cpu]);
	return true;
}

static bool send_all_ways(void)
{
	uint64_t m1 = gtest_cpu_mpidr(1), m2 = gtest_cpu_mpidr(2);

	cmd[1] = CMD_SELF;
	cmd[2] = CMD_SELF;
	if (!expect_counts(SGI_SELF, 0, 1, 1))
		return false;
	REQUIRE((m1 & ~0xfUL) == (m2 & ~0xfUL), "CPUs 1 and 2 (0x%lx, 0x%lx) not in one target list",
		m1, m2);
	gic_send_sgi_raw(gic_sgi_value(SGI_LIST, m1) | BIT(m2 & 0xf), false);
	if (!expect_counts(SGI_LIST, 0, 1, 1))
		return false;
	cmd[1] = CMD_BCAST;
	return expect_counts(SGI_BCAST, 1, 0, 1);
}

void test_sgi_nowake(void)
{
	unsigned int cpu;
	bool ok;

	CHECK(gic_init(), "GIC set-up on CPU 0 failed");
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		ready[cpu] = failed[cpu] = false;
		cmd[cpu] = CMD_NONE;
		gic_unhandled[cpu] = 0;
		for (unsigned int i = 0; i < 16; i++)
			rx[cpu][i] = 0;
	}
	stop = false;
	gic_set_handler(SGI_SELF, count_sgi);
	gic_set_handler(SGI_LIST, count_sgi);
	gic_set_handler(SGI_BCAST, count_sgi);
	enable_sgis();
	irq_enable();
	ok = start_peers() && send_all_ways();
	irq_disable();
	stop = true;
	dsb(sy);
	sev();
	for (cpu = 1; cpu < NR_CPUS; cpu++)
		if (!gtest_wait_off(gtest_cpu_mpidr(cpu)))
			test_fail("CPU %u still not OFF", cpu);
	if (ok)
		CHECK(!gic_unhandled[0] && !gic_unhandled[1] && !gic_unhandled[2],
		      "unexpected interrupts: %u %u %u", gic_unhandled[0], gic_unhandled[1],
		      gic_unhandled[2]);
}
