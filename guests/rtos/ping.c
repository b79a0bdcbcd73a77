/*
 * The inter-processor path: with a second CPU, every tick CPU 0 sends it
 * SGI 1 and CPU 1 answers with SGI 2; a round trip counts once CPU 0 has
 * the answer. A ping is only sent when the previous one came back, so a
 * slow answer shows as fewer round trips, never as a pile-up. CPU 1 is
 * started with PSCI CPU_ON; whether it exists is asked with AFFINITY_INFO
 * on the MPIDR of the other redistributor.
 */
#include <lib/gic.h>
#include <lib/printf.h>
#include <lib/psci.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include <lib/timer.h>
#include "rtos.h"

static uint64_t cpu0_mpidr, cpu1_mpidr;
static volatile bool cpu1_ready, enabled, outstanding;
static volatile uint64_t round_trips;

static void ping_isr(unsigned int intid, uint64_t stamp)
{
	(void)intid;
	(void)stamp;
	gic_send_sgi(INTID_PONG, cpu0_mpidr);
}

static void pong_isr(unsigned int intid, uint64_t stamp)
{
	(void)intid;
	(void)stamp;
	round_trips++;
	outstanding = false;
}

/* CPU 1's whole life: answer pings. */
static void cpu1_main(void *arg)
{
	(void)arg;
	write_sysreg((uintptr_t)rtos_vectors, vbar_el1);
	isb();
	if (!intc_cpu_init())
		return;			/* CPU_OFF; CPU 0 times out and says so */
	intc_irq_config(INTID_PING, PRIO_SGI, true);
	intc_irq_enable(INTID_PING);
	cpu1_ready = true;
	irq_enable();
	for (;;)
		wfi();
}

/* A CPU this guest may start: it has a redistributor, and AFFINITY_INFO
 * says it is off. Also used by load.c. */
bool cpu_free(uint64_t mpidr)
{
	int state;

	if (!gicr_of(mpidr))
		return false;
	state = psci_affinity_info(mpidr, 0);
	if (state == PSCI_AFF_OFF)
		return true;
	printf("rtos: CPU MPIDR 0x%lx: AFFINITY_INFO %d, not OFF: not used\n",
	       mpidr, state);
	return false;
}

bool ping_start(void)
{
	int ret;

	cpu0_mpidr = this_mpidr();
	cpu1_mpidr = other_cpu_mpidr();
	if (!cpu_free(cpu1_mpidr)) {
		printf("rtos: 1 CPU: SGI ping skipped\n");
		return false;
	}
	irq_connect(INTID_PING, ping_isr);
	irq_connect(INTID_PONG, pong_isr);
	intc_irq_config(INTID_PONG, PRIO_SGI, true);
	intc_irq_enable(INTID_PONG);
	ret = cpu_start(1, cpu1_mpidr, cpu1_main, NULL);
	if (ret != PSCI_SUCCESS || !WAIT_FOR(cpu1_ready, EVENT_TIMEOUT_US)) {
		printf("rtos: CPU 1 (MPIDR 0x%lx) did not come up (CPU_ON %d): SGI ping skipped\n",
		       cpu1_mpidr, ret);
		return false;
	}
	printf("rtos: 2 CPUs: SGI ping CPU 0 -> CPU 1 (MPIDR 0x%lx) -> CPU 0 every tick\n",
	       cpu1_mpidr);
	enabled = true;
	return true;
}

bool ping_enabled(void)
{
	return enabled;
}

/* From the tick ISR on CPU 0. */
void ping_tick(void)
{
	if (!enabled || outstanding)
		return;
	outstanding = true;
	gic_send_sgi(INTID_PING, cpu1_mpidr);
}

uint64_t ping_count(void)
{
	return round_trips;
}
