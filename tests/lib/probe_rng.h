/*
 * The probes' random numbers: xorshift64 (Marsaglia), one step per call.
 * Each probe keeps its own state and seed, so a run is the same on both
 * libraries and from one run to the next.
 */
#ifndef PROBE_RNG_H
#define PROBE_RNG_H

#include <stdint.h>

static inline uint64_t xorshift64(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

#endif
