/*
 * Waiting in WFI for an interrupt without losing it.
 *
 * "while (!cond) wfi();" with interrupts unmasked has a window: the
 * interrupt that makes cond true can be taken between the test and the
 * WFI, and if its handler also silences the source (a timer it disables)
 * nothing wakes the WFI again. So the condition is tested with IRQs masked
 * (PSTATE.I) and the WFI entered still masked: a pending masked interrupt
 * ends a WFI, and unmasking right after it lets the handler run. Then the
 * condition is tested again, masked.
 */
#ifndef GUEST_LIB_WFI_H
#define GUEST_LIB_WFI_H

#include <lib/sysreg.h>
#include <lib/timer.h>

/*
 * Sleep in WFI until @cond holds or, at the first wake-up after it, @us
 * microseconds have passed; evaluates to whether @cond held. IRQ handlers
 * run between WFIs whatever the caller's mask; the caller's DAIF is back
 * on return. The time limit ends only waits that keep waking up: an
 * interrupt that never comes leaves the CPU in WFI, and the test harness
 * reports the test that hung.
 */
#define WFI_UNTIL(cond, us) ({						\
	uint64_t __end = timer_now() + us_to_ticks(us);			\
	uint64_t __daif = read_sysreg(daif);				\
	bool __ok;							\
	irq_disable();							\
	while (!(__ok = (cond)) && timer_now() < __end) {		\
		wfi();							\
		irq_enable();						\
		isb();		/* the pending IRQ is taken here */	\
		irq_disable();						\
	}								\
	write_sysreg(__daif, daif);					\
	isb();								\
	__ok;								\
})

#endif
