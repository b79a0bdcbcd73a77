/*
 * The virtual counter as the guests' only clock: timestamps, conversions
 * and a bounded busy-wait. Every wait in a test has a deadline, so a
 * missing event becomes a FAIL line rather than a hang.
 */
#ifndef GUEST_LIB_TIMER_H
#define GUEST_LIB_TIMER_H

#include <lib/sysreg.h>

#define CNTV_CTL_ENABLE		BIT(0)
#define CNTV_CTL_IMASK		BIT(1)
#define CNTV_CTL_ISTATUS	BIT(2)

#define VTIMER_INTID		27

/*
 * How long a test waits for an event (a CPU coming up, an interrupt)
 * before calling it missing. Generous: the counter runs in host time, and
 * a loaded host or a hypervisor under emulation can stall a vCPU for
 * far longer than the events take. Only a failing test waits this long.
 */
#define EVENT_TIMEOUT_US	2000000

static inline uint64_t timer_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

/* The ISB keeps the read from being hoisted above earlier instructions. */
static inline uint64_t timer_now(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static inline uint64_t us_to_ticks(uint64_t us)
{
	return us * timer_freq() / 1000000;
}

static inline uint64_t ticks_to_us(uint64_t ticks)
{
	return ticks * 1000000 / timer_freq();
}

/*
 * Spin until @cond holds or @us microseconds pass; evaluates to whether
 * @cond held. @cond is looked at once more after the deadline, so a vCPU
 * descheduled across it does not report an event that did happen.
 */
#define WAIT_FOR(cond, us) ({						\
	uint64_t __end = timer_now() + us_to_ticks(us);			\
	bool __ok;							\
	while (!(__ok = (cond)) && timer_now() < __end)			\
		cpu_relax();						\
	__ok || (cond);							\
})

#endif
