/*
 * A Linux-like load on the other CPUs, for a native control run (built
 * with RTOS_LOAD_CPUS=n; CPU 0 is unchanged). CPUs with MPIDR Aff0
 * 1..n, started with PSCI CPU_ON like ping.c's CPU 1, each sweep a
 * private 256 KiB buffer forever (write, then read back, every 64-byte
 * line) and take a 250 Hz tick of their own on the EL1 virtual timer, as
 * Linux with CONFIG_HZ=250 does; the ISR only moves the deadline on.
 *
 * Why: under -icount QEMU runs every CPU round robin in one host thread,
 * each slice lasting until the next virtual-clock timer deadline, so CPU
 * 0's timer interrupt waits for the busy CPUs' slices even without a
 * hypervisor. The load CPUs' ticks give those deadlines Linux's cadence.
 *
 * Built also with RTOS_LOAD_ONLY, CPU 0 runs no RTOS but the same load
 * (load_here()): a VM of RTOS_LOAD_CPUS + 1 vCPUs that loads its cores
 * exactly like the native control's CPUs 1..n, so that a Tandem run
 * beside it differs from that control only by the hypervisor.
 */
#ifdef RTOS_LOAD_CPUS

#include <lib/gic.h>
#include <lib/printf.h>
#include <lib/psci.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include <lib/timer.h>
#include "rtos.h"

#if RTOS_LOAD_CPUS < 1 || RTOS_LOAD_CPUS >= MAX_CPUS
#error "RTOS_LOAD_CPUS must be 1..MAX_CPUS-1 (lib/smp.h)"
#endif

#define LOAD_HZ		250
/* How much later than one period after start a load CPU's first tick is,
 * in us: the phase of the load's ticks against the RTOS's (bench). */
#ifndef RTOS_LOAD_PHASE_US
#define RTOS_LOAD_PHASE_US	0
#endif
#define BUF_SIZE	(256 * 1024)
#define LINE_SIZE	64
#define BUF_WORDS	(BUF_SIZE / 8)
#define LINE_WORDS	(LINE_SIZE / 8)

#ifdef RTOS_LOAD_ONLY
#define FIRST_LOAD_CPU	0
#else
#define FIRST_LOAD_CPU	1
#endif

static uint8_t bufs[RTOS_LOAD_CPUS + 1 - FIRST_LOAD_CPU][BUF_SIZE] __aligned(LINE_SIZE);
static uint64_t period;
static volatile bool ready[MAX_CPUS];
static volatile uint64_t sink[MAX_CPUS];	/* keeps the reads */

/*
 * A load CPU's tick. Like hrtimer_forward(), it skips deadlines that went
 * by while QEMU ran the other CPUs, so a late tick is not a burst.
 */
void load_tick_isr(unsigned int intid, uint64_t stamp)
{
	uint64_t cval = read_sysreg(cntv_cval_el0);
	uint64_t now = timer_now();

	(void)intid;
	(void)stamp;
	/* A level interrupt can be seen once more after the deadline moved. */
	if (!(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS))
		return;
	do
		cval += period;
	while (cval <= now);
	write_sysreg(cval, cntv_cval_el0);
	isb();
}

/* The memory loop between ticks, forever. */
static void __noreturn load_loop(unsigned int cpu)
{
	volatile uint64_t *buf = (volatile uint64_t *)bufs[cpu - FIRST_LOAD_CPU];
	uint64_t pass, sum = 0;
	unsigned int i;

	for (pass = 0;; pass++) {
		for (i = 0; i < BUF_WORDS; i += LINE_WORDS)
			buf[i] = pass + i;
		for (i = 0; i < BUF_WORDS; i += LINE_WORDS)
			sum += buf[i];
		sink[cpu] = sum;
	}
}

/* Counter ticks from now to a load CPU's first tick. */
static uint64_t first_tick(void)
{
	return period + RTOS_LOAD_PHASE_US * (timer_freq() / 1000000);
}

/* A load CPU's whole life: its tick, and the memory loop in between. */
static void load_main(void *arg)
{
	unsigned int cpu = this_cpu();

	(void)arg;
	write_sysreg((uintptr_t)rtos_vectors, vbar_el1);
	isb();
	if (!intc_cpu_init())
		return;			/* CPU_OFF; CPU 0 times out and says so */
	vtimer_start(first_tick());
	ready[cpu] = true;
	irq_enable();
	load_loop(cpu);
}

#ifdef RTOS_LOAD_ONLY
/* CPU 0 of the load-only image, after load_start(): loads its core too. */
void load_here(void)
{
	vtimer_start(first_tick());
	irq_enable();
	load_loop(0);
}
#endif

/* From CPU 0 before tick_start(); says whether any load CPU runs. */
bool load_start(void)
{
	unsigned int cpu, n = 0;
	int ret;

	period = timer_freq() / LOAD_HZ;
	/* Until tick_start() connects tick_isr, which hands these back. */
	irq_connect(INTID_VTIMER, load_tick_isr);
	for (cpu = 1; cpu <= RTOS_LOAD_CPUS; cpu++) {
		uint64_t mpidr = (this_mpidr() & ~0xffUL) | cpu;

		if (!cpu_free(mpidr))
			break;
		ret = cpu_start(cpu, mpidr, load_main, NULL);
		if (ret != PSCI_SUCCESS || !WAIT_FOR(ready[cpu], EVENT_TIMEOUT_US)) {
			printf("rtos: CPU %u (MPIDR 0x%lx) did not come up (CPU_ON %d)\n",
			       cpu, mpidr, ret);
			break;
		}
		n++;
	}
	if (!n) {
		printf("rtos: 1 CPU: load skipped\n");
		return false;
	}
	printf("rtos: load on %u CPU%s (%u Hz tick each)%s\n", n, n > 1 ? "s" : "",
	       LOAD_HZ, n < RTOS_LOAD_CPUS ? ", fewer than built for" : "");
	return true;
}

#endif
