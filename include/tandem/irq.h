/*
 * Interrupt handling, controller independent: a handler per INTID, the
 * dispatch loop at interrupt entry, the IPIs the kernel uses, and the
 * calls that reach the bound interrupt-controller driver
 * (tandem/irqchip.h) for the rest of the hypervisor.
 */
#ifndef TANDEM_IRQ_H
#define TANDEM_IRQ_H

#include <tandem/types.h>

/* INTIDs 1020 and up are special (spurious): an ack returning one means none. */
#define IRQ_MAX 1020

/* 8-bit priorities, lower is more urgent. */
#define IRQ_PRIO_DEFAULT 0xa0
#define IRQ_PRIO_IPI 0x80	/* IPIs and the scheduler's timer */

struct irqchip_ops;
struct board;

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

/* Bind the interrupt-controller driver (boot CPU, before anything else). */
void irq_set_chip(const struct irqchip_ops *ops);
int irq_chip_init(const struct board *b);	/* boot CPU */
int irq_chip_init_cpu(uint64_t mpidr);		/* each CPU */
const char *irq_chip_name(void);

void irq_set_priority(irqid_t intid, uint8_t prio);
void irq_set_edge(irqid_t intid, bool edge);
void irq_set_target(irqid_t spi, uint64_t mpidr);
void irq_deactivate(irqid_t intid);
/* Active state of an interrupt (SGI/PPI: this core's). */
bool irq_is_active(irqid_t intid);
void irq_set_active(irqid_t intid, bool active);
unsigned int irq_num_irqs(void);

#endif
