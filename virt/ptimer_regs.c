/*
 * The EL1 physical timer's registers as the guest sees them (the model;
 * include/virt/ptimer.h). Every value a guest can write is accepted: CTL
 * keeps ENABLE and IMASK, CVAL all 64 bits, TVAL sets CVAL to the count
 * plus its sign-extended low 32 bits. The counter wraps as the hardware's
 * would; comparisons follow the architecture (ISTATUS when count >= CVAL,
 * unsigned).
 */
#include <virt/ptimer.h>

void ptimer_reset(struct ptimer_regs *t)
{
	t->ctl = 0;
	t->cval = 0;
}

bool ptimer_istatus(const struct ptimer_regs *t, uint64_t now)
{
	return (t->ctl & PTIMER_CTL_ENABLE) && now >= t->cval;
}

bool ptimer_output(const struct ptimer_regs *t, uint64_t now)
{
	return ptimer_istatus(t, now) && !(t->ctl & PTIMER_CTL_IMASK);
}

uint64_t timer_ticks_until(uint64_t cval, uint64_t now)
{
	if (cval <= now)
		return 0;
	return cval - now > PTIMER_MAX_WAIT ? PTIMER_MAX_WAIT : cval - now;
}

bool ptimer_next_wait(const struct ptimer_regs *t, uint64_t now, uint64_t *ticks)
{
	if ((t->ctl & (PTIMER_CTL_ENABLE | PTIMER_CTL_IMASK)) != PTIMER_CTL_ENABLE ||
	    now >= t->cval)
		return false;
	*ticks = timer_ticks_until(t->cval, now);
	return true;
}

uint64_t ptimer_read(const struct ptimer_regs *t, enum ptimer_reg reg, uint64_t now)
{
	switch (reg) {
	case PTIMER_CTL:
		return t->ctl | (ptimer_istatus(t, now) ? PTIMER_CTL_ISTATUS : 0);
	case PTIMER_CVAL:
		return t->cval;
	case PTIMER_TVAL:
		/* TimerValue: the low 32 bits of CVAL - count; 63:32 RES0. */
		return (uint32_t)(t->cval - now);
	}
	return 0;
}

void ptimer_write(struct ptimer_regs *t, enum ptimer_reg reg, uint64_t val, uint64_t now)
{
	switch (reg) {
	case PTIMER_CTL:
		t->ctl = (uint32_t)val & (PTIMER_CTL_ENABLE | PTIMER_CTL_IMASK);
		break;
	case PTIMER_CVAL:
		t->cval = val;
		break;
	case PTIMER_TVAL:
		t->cval = now + (uint64_t)(int64_t)(int32_t)(uint32_t)val;
		break;
	}
}
