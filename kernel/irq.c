/*
 * Interrupt dispatch: acknowledge at the interrupt controller, run the
 * INTID's handler, drop priority and deactivate, then let the scheduler
 * switch if the handler made a higher-priority thread ready. The
 * controller is whichever driver the board bound (irq_set_chip).
 */
#include <errno.h>
#include <tandem/irq.h>
#include <tandem/irqchip.h>
#include <tandem/log.h>
#include <arch/trap_frame.h>
#include "sched.h"

struct irq_desc {
	irq_handler_t fn;
	void *arg;
	uint64_t count;
	bool forwarded;		/* the handler deactivates (or a guest will) */
};

static struct irq_desc irq_table[IRQ_MAX];
static const struct irqchip_ops *chip;

void irq_set_chip(const struct irqchip_ops *ops)
{
	chip = ops;
}

int irq_chip_init(const struct board *b)
{
	return chip->init(b);
}

int irq_chip_init_cpu(uint64_t mpidr)
{
	return chip->init_cpu(mpidr);
}

const char *irq_chip_name(void)
{
	return chip ? chip->name : "none";
}

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
	chip->enable(intid);
}

void irq_disable(irqid_t intid)
{
	chip->disable(intid);
}

void irq_set_priority(irqid_t intid, uint8_t prio)
{
	chip->set_priority(intid, prio);
}

void irq_set_edge(irqid_t intid, bool edge)
{
	chip->set_edge(intid, edge);
}

void irq_set_target(irqid_t spi, uint64_t mpidr)
{
	chip->set_target(spi, mpidr);
}

void irq_deactivate(irqid_t intid)
{
	chip->deactivate(intid);
}

bool irq_is_active(irqid_t intid)
{
	return chip->is_active(intid);
}

void irq_set_active(irqid_t intid, bool active)
{
	chip->set_active(intid, active);
}

unsigned int irq_num_irqs(void)
{
	return chip->num_irqs();
}

uint64_t irq_count(irqid_t intid)
{
	return intid < IRQ_MAX ? irq_table[intid].count : 0;
}

void irq_send_ipi(cpuid_t cpu, enum ipi ipi)
{
	chip->send_sgi(cpu_get(cpu)->mpidr, ipi);
}

/* From the EL2 IRQ vector, IRQs masked, on the interrupted thread's stack. */
void irq_handle(struct trap_frame *tf)
{
	struct cpu *c = this_cpu();
	const struct irqchip_ops *ic = chip;	/* one load for the whole loop */
	irqid_t intid;

	(void)tf;
	c->irq_nesting++;
	while ((intid = ic->ack()) < IRQ_MAX) {
		struct irq_desc *d = &irq_table[intid];

		c->irqs++;
		if (intid < 16)
			c->ipis++;
		d->count++;
		if (d->fn)
			d->fn(intid, d->arg);
		else
			LOG_WRN("unhandled interrupt %u", intid);
		ic->eoi(intid);
		if (!d->forwarded)
			ic->deactivate(intid);
	}
	k_timer_run_callbacks();
	c->irq_nesting--;
	sched_irq_exit();
}
