/*
 * Interrupt dispatch: acknowledge at the GIC, run the INTID's handler, drop
 * priority and deactivate, then let the scheduler switch if the handler
 * made a higher-priority thread ready.
 */
#include <errno.h>
#include <tandem/irq.h>
#include <tandem/log.h>
#include <drivers/gicv3.h>
#include <arch/trap_frame.h>
#include "sched.h"

struct irq_desc {
	irq_handler_t fn;
	void *arg;
	uint64_t count;
	bool forwarded;		/* the handler deactivates (or a guest will) */
};

static struct irq_desc irq_table[IRQ_MAX];

int irq_connect(irqid_t intid, irq_handler_t fn, void *arg)
{
	if (intid >= IRQ_MAX)
		return -EINVAL;
	irq_table[intid].arg = arg;
	irq_table[intid].fn = fn;
	return 0;
}

int irq_connect_forwarded(irqid_t intid, irq_handler_t fn, void *arg)
{
	int ret = irq_connect(intid, fn, arg);

	if (!ret)
		irq_table[intid].forwarded = true;
	return ret;
}

void irq_enable(irqid_t intid)
{
	gic_irq_enable(intid);
}

void irq_disable(irqid_t intid)
{
	gic_irq_disable(intid);
}

uint64_t irq_count(irqid_t intid)
{
	return intid < IRQ_MAX ? irq_table[intid].count : 0;
}

void irq_send_ipi(cpuid_t cpu, enum ipi ipi)
{
	gic_send_sgi(cpu_get(cpu)->mpidr, ipi);
}

/* From the EL2 IRQ vector, IRQs masked, on the interrupted thread's stack. */
void irq_handle(struct trap_frame *tf)
{
	struct cpu *c = this_cpu();
	irqid_t intid;

	(void)tf;
	c->irq_nesting++;
	while ((intid = gic_ack()) < GIC_SPURIOUS) {
		struct irq_desc *d = &irq_table[intid];

		c->irqs++;
		if (intid < 16)
			c->ipis++;
		d->count++;
		if (d->fn)
			d->fn(intid, d->arg);
		else
			LOG_WRN("unhandled interrupt %u", intid);
		gic_eoi(intid);
		if (!d->forwarded)
			gic_deactivate(intid);
	}
	k_timer_run_callbacks();
	c->irq_nesting--;
	sched_irq_exit();
}
