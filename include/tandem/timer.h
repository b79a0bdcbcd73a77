/*
 * What a timer driver provides (drivers/timer/): the per-core one-shot
 * event the tickless scheduler programs. The driver reports expiry through
 * the callback the kernel registers at init; it never calls the scheduler
 * itself. The counter the deadlines refer to is the architecture's
 * (arch_counter()).
 */
#ifndef TANDEM_TIMER_H
#define TANDEM_TIMER_H

#include <tandem/types.h>

struct board;

typedef void (*timer_expired_fn)(void);

struct timer_ops {
	/*
	 * Boot CPU: learn the frequency (Hz, returned; 0 means unusable) and
	 * route expiry to fn, called in interrupt context on the core whose
	 * deadline passed.
	 */
	uint64_t (*init)(const struct board *b, timer_expired_fn fn);
	void (*init_cpu)(void);			/* each CPU, masked */
	void (*program)(ticks_t deadline);	/* this CPU, absolute */
	void (*disarm)(void);			/* this CPU */
};

#endif
