/*
 * Interrupt handling, controller independent: a handler per INTID, the
 * dispatch loop at interrupt entry, and the IPIs the kernel uses.
 */
#ifndef TANDEM_IRQ_H
#define TANDEM_IRQ_H

#include <tandem/types.h>

#define IRQ_MAX 1020

enum ipi {
	IPI_RESCHED = 0,	/* re-evaluate what runs on the target */
	IPI_CALL = 1,		/* run queued smp_call functions */
	IPI_STOP = 2,		/* halt (panic on another core) */
};

typedef void (*irq_handler_t)(irqid_t intid, void *arg);

int irq_connect(irqid_t intid, irq_handler_t fn, void *arg);
/* For interrupts handed to a guest: the host only drops priority; the
 * handler deactivates itself, or the guest's EOI does (hardware-linked). */
int irq_connect_forwarded(irqid_t intid, irq_handler_t fn, void *arg);
void irq_enable(irqid_t intid);		/* PPIs/SGIs: on the calling CPU */
void irq_disable(irqid_t intid);
void irq_send_ipi(cpuid_t cpu, enum ipi ipi);
uint64_t irq_count(irqid_t intid);
void ipi_init(void);

#endif
