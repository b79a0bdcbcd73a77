/*
 * Multi-core support: starting the secondary cores through PSCI, the IPIs
 * (reschedule, call-function, stop) and smp_call().
 */
#include <errno.h>
#include <tandem/irq.h>
#include <tandem/log.h>
#include <arch/psci.h>
#include "sched.h"

static void ipi_resched(irqid_t intid, void *arg)
{
	this_cpu()->need_resched = true;
}

static void ipi_call(irqid_t intid, void *arg)
{
	struct cpu *c = this_cpu();

	for (;;) {
		k_spinlock_key_t key = k_spin_lock(&c->call_lock);
		struct smp_call_req req;

		if (c->call_tail == c->call_head) {
			k_spin_unlock(&c->call_lock, key);
			return;
		}
		req = c->calls[c->call_tail++ % SMP_CALL_SLOTS];
		k_spin_unlock(&c->call_lock, key);
		req.fn(req.arg);
		if (req.done)
			__atomic_store_n(req.done, true, __ATOMIC_RELEASE);
	}
}

void halt_this_cpu(void)
{
	struct cpu *c = this_cpu();

	arch_irq_lock();
	if (c)
		c->state = CPU_HALTED;
	write_sysreg(cnthp_ctl_el2, 2);	/* timer masked */
	for (;;)
		wfi();
}

static void ipi_stop(irqid_t intid, void *arg)
{
	halt_this_cpu();
}

void ipi_init(void)
{
	irq_connect(IPI_RESCHED, ipi_resched, NULL);
	irq_connect(IPI_CALL, ipi_call, NULL);
	irq_connect(IPI_STOP, ipi_stop, NULL);
}

void ipi_cpu_init(void)
{
	irq_enable(IPI_RESCHED);
	irq_enable(IPI_CALL);
	irq_enable(IPI_STOP);
}

int smp_call(cpuid_t cpu, void (*fn)(void *arg), void *arg, bool wait)
{
	struct cpu *c;
	volatile bool done = false;
	k_spinlock_key_t key;

	if (cpu >= cpu_count || cpu_get(cpu)->state != CPU_ONLINE)
		return -EINVAL;
	c = cpu_get(cpu);
	if (c == this_cpu()) {
		key = (k_spinlock_key_t){ arch_irq_lock() };
		fn(arg);
		arch_irq_unlock(key.key);
		return 0;
	}
	key = k_spin_lock(&c->call_lock);
	if (c->call_head - c->call_tail == SMP_CALL_SLOTS) {
		k_spin_unlock(&c->call_lock, key);
		return -EBUSY;
	}
	c->calls[c->call_head++ % SMP_CALL_SLOTS] =
		(struct smp_call_req){ fn, arg, wait ? &done : NULL };
	k_spin_unlock(&c->call_lock, key);
	irq_send_ipi(cpu, IPI_CALL);
	while (wait && !__atomic_load_n(&done, __ATOMIC_ACQUIRE))
		cpu_relax();
	return 0;
}

unsigned k_cpu_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < cpu_count; i++)
		n += cpu_get(i)->state == CPU_ONLINE;
	return n;
}

cpuid_t k_cpu_id(void)
{
	return this_cpu()->id;
}

extern char secondary_entry[];

void smp_start_secondaries(void)
{
	for (cpuid_t i = 1; i < cpu_count; i++) {
		struct cpu *c = cpu_get(i);
		int ret = psci_cpu_on(c->mpidr, (paddr_t)secondary_entry, i);
		ticks_t until = k_cycle_get() + k_ns_to_cycles(1000000000ULL);

		if (ret != PSCI_SUCCESS) {
			LOG_ERR("cpu%u (MPIDR %#llx): PSCI CPU_ON failed (%d)", i,
				(unsigned long long)c->mpidr, ret);
			continue;
		}
		while (c->state != CPU_ONLINE && k_cycle_get() < until)
			cpu_relax();
		if (c->state != CPU_ONLINE)
			LOG_ERR("cpu%u did not come online within 1 s", i);
	}
}
