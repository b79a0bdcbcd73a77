/* The host's GICv3 driver: distributor, redistributors, CPU interface. */
#ifndef DRIVERS_GICV3_H
#define DRIVERS_GICV3_H

#include <tandem/types.h>

struct board;

#define GIC_SPURIOUS 1020
#define GIC_PRIO_DEFAULT 0xa0
#define GIC_PRIO_IPI 0x80

int gic_init(const struct board *b);		/* boot CPU: distributor */
int gic_cpu_init(uint64_t mpidr);		/* each CPU: its redistributor + CPU interface */
irqid_t gic_ack(void);
void gic_eoi(irqid_t intid);			/* priority drop */
void gic_deactivate(irqid_t intid);
void gic_irq_enable(irqid_t intid);
void gic_irq_disable(irqid_t intid);
void gic_irq_set_priority(irqid_t intid, uint8_t prio);
void gic_irq_set_edge(irqid_t intid, bool edge);
void gic_irq_set_target(irqid_t spi, uint64_t mpidr);
void gic_send_sgi(uint64_t target_mpidr, unsigned sgi);
unsigned gic_num_irqs(void);
/* Active state of an interrupt (SGI/PPI: this core's). */
bool gic_irq_is_active(irqid_t intid);
void gic_irq_set_active(irqid_t intid, bool active);
/* Pending state; of a level interrupt, the input line (or a software
 * latch), also while it is active: what resampling a line reads. */
bool gic_irq_is_pending(irqid_t intid);

#endif
