/*
 * The table mirror's keys: the identity of an entry (original tuple and
 * zones) and a keyed hash of it. Separate from mirror.c so the unit
 * tests can check the hash directly.
 */
#ifndef NFCT_EXT_MIRROR_KEY_H
#define NFCT_EXT_MIRROR_KEY_H

#include <stdint.h>

#include "object.h"

/* The identity of an entry: original tuple and zones. Zeroed before it
 * is filled, so it can be compared and hashed as bytes. */
struct mkey {
	uint32_t src[4];
	uint32_t dst[4];
	uint16_t sport;		/* or ICMP id */
	uint16_t dport;		/* or ICMP type and code */
	uint16_t zone;
	uint16_t orig_zone;
	uint8_t l3;
	uint8_t l4;
	uint8_t pad[2];
};

/*
 * Fill @k with the key of @ct's original tuple and zones, and return its
 * hash: SipHash-1-3 of the key's bytes under the 128-bit @seed. Tuples
 * are chosen by remote peers: an unkeyed hash would let them fill one
 * bucket.
 */
uint64_t mirror_key_of(const struct nf_conntrack *ct, const uint64_t seed[2],
		       struct mkey *k);

/* A fresh random seed (getrandom(); never fails, see mirror_key.c). */
void mirror_seed(uint64_t seed[2]);

#endif
