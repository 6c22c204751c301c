/*
 * The table mirror's keys and their hash (see mirror_key.h).
 *
 * Every multi-byte value is read through memcpy(): the key is filled
 * field by field as 16- and 8-bit values and hashed as 64-bit words, and
 * reading it through a cast pointer would let the compiler move those
 * reads before the stores (strict aliasing).
 */
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "mirror_key.h"

static inline uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

/* One SipHash round over the state v[4]. */
static inline void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13) ^ v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17) ^ v[2];
	v[2] = rotl(v[2], 32);
}

/* Little-endian 64-bit word at @p, whatever the host's byte order. */
static inline uint64_t le64(const unsigned char *p)
{
	uint64_t w = 0;

	for (int i = 7; i >= 0; i--)
		w = (w << 8) | p[i];
	return w;
}

/* SipHash-1-3: one compression round per word, three to finish. */
static uint64_t siphash13(const void *data, size_t len, const uint64_t seed[2])
{
	const unsigned char *p = data;
	uint64_t v[4] = {
		seed[0] ^ 0x736f6d6570736575ull,
		seed[1] ^ 0x646f72616e646f6dull,
		seed[0] ^ 0x6c7967656e657261ull,
		seed[1] ^ 0x7465646279746573ull,
	};
	unsigned char last[8] = { 0 };
	uint64_t m;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(p + i);
		v[3] ^= m;
		sip_round(v);
		v[0] ^= m;
	}
	memcpy(last, p + i, len - i);
	last[7] = (unsigned char)len;
	m = le64(last);
	v[3] ^= m;
	sip_round(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	sip_round(v);
	sip_round(v);
	sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

uint64_t mirror_key_of(const struct nf_conntrack *ct, const uint64_t seed[2],
		       struct mkey *k)
{
	const struct nfct_tuple *t = &ct->orig;

	memset(k, 0, sizeof(*k));
	k->l3 = t->l3proto;
	k->l4 = t->l4proto;
	if (t->l3proto == AF_INET6) {
		memcpy(k->src, t->src.v6, 16);
		memcpy(k->dst, t->dst.v6, 16);
	} else {
		memcpy(&k->src[0], &t->src.v4, 4);
		memcpy(&k->dst[0], &t->dst.v4, 4);
	}
	k->sport = t->l4src.port;
	memcpy(&k->dport, &t->l4dst, sizeof(k->dport));
	k->zone = attr_isset(ct, ATTR_ZONE) ? ct->zone : 0;
	k->orig_zone = attr_isset(ct, ATTR_ORIG_ZONE) ? t->zone : 0;
	return siphash13(k, sizeof(*k), seed);
}

/*
 * getrandom() without blocking; should the kernel's pool not be ready
 * (early boot) the seed is made of the clock, the process id, an
 * address and a call counter instead: weaker against a patient
 * attacker, but a mirror must not hang at boot.
 */
void mirror_seed(uint64_t seed[2])
{
	static unsigned int calls;
	struct timespec ts;
	uint64_t mix[2];

	if (getrandom(seed, 2 * sizeof(seed[0]), GRND_NONBLOCK) ==
	    (ssize_t)(2 * sizeof(seed[0])))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	mix[0] = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	mix[1] = ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)seed ^
		 __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	seed[0] = siphash13(mix, sizeof(mix), (const uint64_t[2]){ mix[1], mix[0] });
	seed[1] = siphash13(mix, sizeof(mix), (const uint64_t[2]){ seed[0], mix[1] });
}
