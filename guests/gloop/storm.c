/*
 * gstorm (gloop built with -DGLOOP_STORM, under Tandem only): the lifecycle
 * storm's guest. Every run starts all its CPUs (up to MAX_CPUS), which meet
 * at one instant of the virtual counter and then, each at once, do one of:
 * PSCI SYSTEM_RESET, SYSTEM_OFF, or the gloop crash (VBAR_EL1 = 0 and an
 * UNDEFINED instruction: the injected exception faults at its own vector
 * until Tandem marks the VM crashed). The counter's low bits (how long the
 * start took) pick one of the three for every CPU, or, in a quarter of the
 * runs, one per CPU; so the VM restarts itself in a loop between the
 * shell's requests (tests/system/test_lifecycle_storm.py).
 */
#ifdef GLOOP_STORM
#include <lib/printf.h>
#include <lib/psci.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include <lib/timer.h>

void guest_main(void);

enum { ACT_RESET, ACT_OFF, ACT_CRASH, ACT_RESET2 };

static volatile uint64_t meet_at;
static volatile uint32_t seed;

static void act(unsigned int cpu)
{
	uint32_t r = seed * 2654435761U + cpu * 40503U;
	/* A quarter of the runs mix the three per CPU; the rest do one
	 * thing on every CPU (so all crash-loop at once, too). */
	unsigned int what = (seed & 3) == 3 ? (r >> 13) & 3 : seed & 3;

	/* A few counter ticks of stagger: "at once" without lock-step. */
	while (read_sysreg(cntvct_el0) < meet_at + ((r >> 3) & 7))
		cpu_relax();
	if (what == ACT_OFF) {
		smccc_hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	} else if (what == ACT_CRASH) {
		write_sysreg(0, vbar_el1);
		isb();
		asm volatile("udf #0");
	} else {
		smccc_hvc(PSCI_SYSTEM_RESET, 0, 0, 0);
	}
	/* Still here: the request is being carried out; wait for the end. */
	for (;;)
		wfi();
}

static void secondary_job(void *arg)
{
	act((unsigned int)(uintptr_t)arg);
}

void guest_main(void)
{
	uint64_t now = read_sysreg(cntvct_el0);

	seed = (uint32_t)now ^ (uint32_t)(now >> 17);
	/* 2 ms ahead: time enough for every CPU_ON to land. */
	meet_at = now + timer_freq() / 500;
	dsb(sy);
	printf("gstorm: run, seed %u\n", seed);
	for (unsigned int cpu = 1; cpu < MAX_CPUS; cpu++)
		if (cpu_start(cpu, cpu, secondary_job, (void *)(uintptr_t)cpu) != PSCI_SUCCESS)
			break;		/* no such CPU: this VM has fewer */
	act(0);
}
#endif
