/*
 * The ARM generic timer at EL2: the counter (CNTPCT) is the kernel's clock
 * and the EL2 physical timer (CNTHP) its one-shot, tickless event source.
 */
#include <tandem/irq.h>
#include <tandem/log.h>
#include <drivers/arch_timer.h>
#include <drivers/gicv3.h>
#include "../kernel/sched.h"

#define CNT_CTL_ENABLE	(1UL << 0)
#define CNT_CTL_IMASK	(1UL << 1)

static uint64_t timer_freq;
static irqid_t timer_irq;

uint64_t arch_timer_freq(void)
{
	return timer_freq;
}

bool arch_timer_ready(void)
{
	return timer_freq != 0;
}

irqid_t arch_timer_irq(void)
{
	return timer_irq;
}

static void timer_isr(irqid_t intid, void *arg)
{
	sched_timer_tick();
}

void arch_timer_init(uint32_t dt_freq, irqid_t hyp_irq)
{
	timer_freq = read_sysreg(cntfrq_el0);
	if (timer_freq == 0)
		timer_freq = dt_freq;	/* firmware left CNTFRQ unset */
	if (timer_freq == 0)
		k_panic("arch timer: CNTFRQ_EL0 is 0 and the DTB gives no clock-frequency");
	timer_irq = hyp_irq;
	irq_connect(hyp_irq, timer_isr, NULL);
}

void arch_timer_cpu_init(void)
{
	write_sysreg(cnthp_ctl_el2, CNT_CTL_IMASK);
	gic_irq_set_priority(timer_irq, GIC_PRIO_IPI);
	irq_enable(timer_irq);
}

void arch_timer_program(ticks_t deadline)
{
	write_sysreg(cnthp_cval_el2, deadline);
	write_sysreg(cnthp_ctl_el2, CNT_CTL_ENABLE);
	isb();
}

void arch_timer_disarm(void)
{
	write_sysreg(cnthp_ctl_el2, CNT_CTL_IMASK);
	isb();
}
