/*
 * psci_race: CPU 0 and CPU 1 call CPU_ON for CPU 2 at the same moment,
 * 20 times. At least one call succeeds each time and every answer is one
 * PSCI allows (SUCCESS, ALREADY_ON, ON_PENDING). Exactly one SUCCESS, the
 * loser told ALREADY_ON, is what KVM answers and what Tandem must answer;
 * QEMU's own PSCI (7.2) marks the target on only when it starts running,
 * so natively both calls can succeed. The counts are printed and the
 * system test holds Tandem to "double_success=0 on_pending=0".
 */
#include <lib/psci.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "cpus.h"
#include "gtest.h"

#define ROUNDS		20
#define NO_ANSWER	99

static volatile bool go, release;
static volatile int answer[2];
static volatile unsigned int target_runs;
static uint64_t target_mpidr;

static void target_job(void *arg)
{
	(void)arg;
	target_runs++;
	/* Stays ON until both answers are in, so a late call cannot
	 * legitimately succeed a second time. */
	while (!release)
		cpu_relax();
}

static void racer_job(void *arg)
{
	(void)arg;
	while (!go)
		cpu_relax();
	answer[1] = psci_cpu_on(target_mpidr, (uintptr_t)secondary_entry, 2);
}

struct race_counts {
	unsigned int already, pending, doubled;
};

static bool one_round(unsigned int round, struct race_counts *n)
{
	uint64_t racer = gtest_cpu_mpidr(1);
	unsigned int runs = target_runs, ok = 0, i;
	int ret;

	go = release = false;
	answer[0] = answer[1] = NO_ANSWER;
	cpu_state[2].job = target_job;
	dsb(sy);
	ret = cpu_start(1, racer, racer_job, NULL);
	REQUIRE(ret == PSCI_SUCCESS, "round %u: CPU_ON(CPU 1) = %d", round, ret);
	REQUIRE(WAIT_FOR(psci_affinity_info(racer, 0) == PSCI_AFF_ON, EVENT_TIMEOUT_US),
		"round %u: CPU 1 not ON", round);
	go = true;
	answer[0] = psci_cpu_on(target_mpidr, (uintptr_t)secondary_entry, 2);
	REQUIRE(WAIT_FOR(answer[1] != NO_ANSWER, EVENT_TIMEOUT_US),
		"round %u: CPU 1 never got an answer", round);
	REQUIRE(WAIT_FOR(target_runs != runs, EVENT_TIMEOUT_US),
		"round %u: CPU 2 did not run (answers %d, %d)", round, answer[0], answer[1]);
	release = true;
	dsb(sy);
	REQUIRE(gtest_wait_off(racer) && gtest_wait_off(target_mpidr),
		"round %u: CPUs not OFF again", round);
	for (i = 0; i < 2; i++) {
		if (answer[i] == PSCI_SUCCESS)
			ok++;
		else if (answer[i] == PSCI_ALREADY_ON)
			n->already++;
		else if (answer[i] == PSCI_ON_PENDING)
			n->pending++;
		else
			REQUIRE(false, "round %u: CPU %u's CPU_ON = %d", round, i, answer[i]);
	}
	REQUIRE(ok >= 1, "round %u: no CPU_ON call succeeded (%d, %d)", round, answer[0],
		answer[1]);
	if (ok == 2)
		n->doubled++;
	else
		REQUIRE(target_runs == runs + 1, "round %u: CPU 2 ran %u times after one SUCCESS",
			round, target_runs - runs);
	return true;
}

void test_psci_race(void)
{
	struct race_counts n = { 0, 0, 0 };
	unsigned int r;

	target_mpidr = gtest_cpu_mpidr(2);
	CHECK(target_mpidr != ~0UL, "no third CPU");
	CHECK(psci_affinity_info(target_mpidr, 0) == PSCI_AFF_OFF, "CPU 2 not OFF at the start");
	for (r = 0; r < ROUNDS; r++)
		if (!one_round(r, &n))
			return;
	test_info("psci_race: %u rounds: double_success=%u already_on=%u on_pending=%u", ROUNDS,
		  n.doubled, n.already, n.pending);
}
