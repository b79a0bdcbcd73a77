/*
 * The Arm generic timer at EL2 ("arm,armv8-timer"): the EL2 physical timer
 * (CNTHP) is the kernel's one-shot, tickless event source. Its expiry goes
 * to the callback the kernel registered (tandem/timer.h).
 */
#include <tandem/board.h>
#include <tandem/driver.h>
#include <tandem/irq.h>
#include <tandem/timer.h>
#include <arch/sysreg.h>

#define CNT_CTL_ENABLE	(1UL << 0)
#define CNT_CTL_IMASK	(1UL << 1)

static irqid_t timer_irq;
static timer_expired_fn expired;

static void timer_isr(irqid_t intid, void *arg)
{
	expired();
}

static uint64_t arch_timer_init(const struct board *b, timer_expired_fn fn)
{
	uint64_t freq = read_sysreg(cntfrq_el0);

	if (freq == 0)
		freq = b->timer_freq;	/* firmware left CNTFRQ unset */
	timer_irq = b->timer_hyp_irq;
	expired = fn;
	irq_connect(timer_irq, timer_isr, NULL);
	return freq;
}

static void arch_timer_cpu_init(void)
{
	write_sysreg(cnthp_ctl_el2, CNT_CTL_IMASK);
	irq_set_priority(timer_irq, IRQ_PRIO_IPI);
	irq_enable(timer_irq);
}

static void arch_timer_program(ticks_t deadline)
{
	write_sysreg(cnthp_cval_el2, deadline);
	write_sysreg(cnthp_ctl_el2, CNT_CTL_ENABLE);
	isb();
}

static void arch_timer_disarm(void)
{
	write_sysreg(cnthp_ctl_el2, CNT_CTL_IMASK);
	isb();
}

static const struct timer_ops arch_timer_ops = {
	.init = arch_timer_init,
	.init_cpu = arch_timer_cpu_init,
	.program = arch_timer_program,
	.disarm = arch_timer_disarm,
};

static const char *const arch_timer_compatible[] = {
	"arm,armv8-timer", "arm,armv7-timer", NULL
};

DRIVER_REGISTER(DRIVER_TIMER, "arch_timer", arch_timer_compatible,
		&arch_timer_ops);
