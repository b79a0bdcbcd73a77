/* A deterministic PRNG for randomized unit tests (xorshift64*): a failure
 * replays identically from the same seed. */
#ifndef TEST_RNG_H
#define TEST_RNG_H

#include <stdint.h>

static uint64_t rng_state;

static inline void rng_seed(uint64_t seed)
{
	rng_state = seed ? seed : 1;
}

static inline uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static inline unsigned rng_below(unsigned n)
{
	return (unsigned)(rng_next() % n);
}

#endif
