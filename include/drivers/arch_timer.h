/* The ARM generic timer as the host uses it: the EL2 physical timer (CNTHP). */
#ifndef DRIVERS_ARCH_TIMER_H
#define DRIVERS_ARCH_TIMER_H

#include <tandem/types.h>

void arch_timer_init(uint32_t dt_freq, irqid_t hyp_irq);	/* boot CPU */
void arch_timer_cpu_init(void);				/* every CPU */
uint64_t arch_timer_freq(void);
bool arch_timer_ready(void);
void arch_timer_program(ticks_t deadline);		/* this CPU, absolute */
void arch_timer_disarm(void);
irqid_t arch_timer_irq(void);

#endif
