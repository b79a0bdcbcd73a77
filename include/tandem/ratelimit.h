/*
 * A token bucket for log lines: the first `burst` lines pass, then one per
 * `period`; the ones held back are counted so the next line that passes
 * can say how many were suppressed. No locking: the caller holds its own.
 */
#ifndef TANDEM_RATELIMIT_H
#define TANDEM_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit {
	uint32_t tokens;
	bool primed;		/* tokens filled on first use */
	uint64_t last;		/* time of the last refill */
	uint64_t held;		/* suppressed since the last line that passed */
	uint64_t suppressed;	/* suppressed in all */
};

/* now and period in any one unit (cycles). True if this line may be
 * printed; then *held_before is how many were suppressed just before it. */
bool ratelimit_allow(struct ratelimit *r, uint64_t now, uint64_t period, uint32_t burst,
		     uint64_t *held_before);
void ratelimit_reset(struct ratelimit *r);

#endif
