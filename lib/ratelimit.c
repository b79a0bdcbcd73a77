/* Token-bucket rate limiting of log lines (see tandem/ratelimit.h). */
#include <string.h>
#include <tandem/ratelimit.h>

void ratelimit_reset(struct ratelimit *r)
{
	memset(r, 0, sizeof(*r));
}

bool ratelimit_allow(struct ratelimit *r, uint64_t now, uint64_t period, uint32_t burst,
		     uint64_t *held_before)
{
	if (!r->primed) {
		r->primed = true;
		r->tokens = burst;
		r->last = now;
	}
	/* One token per full period since the last refill, up to burst. */
	if (period && now - r->last >= period) {
		uint64_t add = (now - r->last) / period;

		r->tokens = add >= burst - r->tokens ? burst : r->tokens + (uint32_t)add;
		r->last += add * period;
	}
	if (!r->tokens) {
		r->held++;
		r->suppressed++;
		return false;
	}
	r->tokens--;
	*held_before = r->held;
	r->held = 0;
	return true;
}
