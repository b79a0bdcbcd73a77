/*
 * gstorm (gloop built with -DGLOOP_STORM, under Tandem only): the lifecycle
 * storm's guest. Every run starts all its CPUs (up to MAX_CPUS), which meet
 * at one instant of the virtual counter and then, each at once, do one of:
 * PSCI SYSTEM_RESET, SYSTEM_OFF, or the gloop crash (VBAR_EL1 = 0 and an
 * UNDEFINED instruction: the injected exception faults at its own vector
 * until Tandem marks the VM crashed). Until they meet they ring each other
 * with SGIs, so the host kicks vCPUs while it stops them. The counter's low
 * bits (how long the start took) pick one of the three for every CPU, or,
 * in a quarter of the runs, one per CPU; so the VM restarts itself in a
 * loop between the shell's requests (tests/system/test_lifecycle_storm.py).
 */
#ifdef GLOOP_STORM
#include <lib/gic.h>
#include <lib/printf.h>
#include <lib/psci.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include <lib/timer.h>

void guest_main(void);

enum { ACT_RESET, ACT_OFF, ACT_CRASH, ACT_RESET2 };

#define STORM_SGI	3
#define NOT_YET		(~0UL)

static volatile uint64_t meet_at = NOT_YET;
static volatile uint32_t seed;
static volatile unsigned int arrived[MAX_CPUS], n_cpus = 1;
static volatile uint64_t sgis_taken[MAX_CPUS];

static void sgi_taken(unsigned int intid)
{
	(void)intid;
	sgis_taken[this_cpu()]++;
}

static void ring_others(void)
{
	gic_send_sgi_raw(ICC_SGIR_IRM | (uint64_t)STORM_SGI << 24, false);
	for (unsigned int i = 0; i < 64; i++)
		cpu_relax();
}

/* CPU 0 names the instant once every CPU it started is here (or after
 * 100 ms): 1 ms on. Until then every CPU rings all the others (SGI,
 * IRM = 1), so the host kicks vCPUs of this VM while a stop is taking
 * their threads away. */
static void meet(unsigned int cpu, uint32_t stagger)
{
	if (cpu && !gic_init())
		printf("gstorm: cpu%u: GIC set-up failed\n", cpu);
	gic_set_handler(STORM_SGI, sgi_taken);
	gic_ppi_enable(STORM_SGI, true);
	irq_enable();
	arrived[cpu] = 1;
	if (cpu == 0) {
		uint64_t give_up = read_sysreg(cntvct_el0) + timer_freq() / 10;
		unsigned int n;

		do {
			ring_others();
			n = 0;
			for (unsigned int i = 0; i < n_cpus; i++)
				n += arrived[i];
		} while (n < n_cpus && read_sysreg(cntvct_el0) < give_up);
		meet_at = read_sysreg(cntvct_el0) + timer_freq() / 1000;
	}
	while (meet_at == NOT_YET || read_sysreg(cntvct_el0) < meet_at + stagger)
		ring_others();
}

static void act(unsigned int cpu)
{
	uint32_t r = seed * 2654435761U + cpu * 40503U;
	/* A quarter of the runs mix the three per CPU; the rest do one
	 * thing on every CPU (so all crash-loop at once, too). */
	unsigned int what = (seed & 3) == 3 ? (r >> 13) & 3 : seed & 3;

	meet(cpu, (r >> 3) & 7);	/* a few ticks of stagger, not lock-step */
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
	printf("gstorm: run, seed %u\n", seed);
	if (!gic_init())
		printf("gstorm: GIC set-up failed\n");
	for (unsigned int cpu = 1; cpu < MAX_CPUS; cpu++) {
		if (cpu_start(cpu, cpu, secondary_job, (void *)(uintptr_t)cpu) != PSCI_SUCCESS)
			break;		/* no such CPU: this VM has fewer */
		n_cpus = cpu + 1;
	}
	act(0);
}
#endif
