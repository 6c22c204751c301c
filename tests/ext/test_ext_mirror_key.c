/*
 * Unit tests of the table mirror's keys and their hash (src/ext/
 * mirror_key.c is built into this program, at -O2 like a release build,
 * so its internal functions can be called):
 *  - keys that differ only in a port, a zone, the layer 4 or layer 3
 *    protocol or an IPv6 address word hash differently;
 *  - 50 000 entries of one host pair spread over the buckets;
 *  - the hash depends on the seed, and two seeds differ.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "nfct_test.h"
#include "mirror_key.h"

static const uint64_t seed[2] = { 0x0123456789abcdefull, 0xfedcba9876543210ull };

/* UDP 10.0.0.1:@sport -> 192.168.0.1:@dport, zone @zone. */
static struct nf_conntrack *udp4(uint16_t sport, uint16_t dport, uint16_t zone)
{
	struct nf_conntrack *ct = nfct_new();

	assert_non_null(ct);
	nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, htonl(0x0a000001u));
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_DST, htonl(0xc0a80001u));
	nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, IPPROTO_UDP);
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, htons(sport));
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, htons(dport));
	if (zone)
		nfct_set_attr_u16(ct, ATTR_ZONE, zone);
	return ct;
}

static uint64_t hash_ct(const struct nf_conntrack *ct, const uint64_t s[2])
{
	struct mkey k;

	return mirror_key_of(ct, s, &k);
}

/* @a and @b hash differently; both are destroyed. */
static void differ(struct nf_conntrack *a, struct nf_conntrack *b,
		   const char *what)
{
	uint64_t ha = hash_ct(a, seed), hb = hash_ct(b, seed);

	if (ha == hb)
		fail_msg("keys differing only in %s hash alike (%016llx)",
			 what, (unsigned long long)ha);
	nfct_destroy(a);
	nfct_destroy(b);
}

static void test_fields_count(void **state)
{
	struct nf_conntrack *a, *b;
	uint32_t v6[4] = { htonl(0x20010db8u), 0, 0, htonl(1) };

	(void)state;
	differ(udp4(1000, 53, 0), udp4(1001, 53, 0), "the source port");
	differ(udp4(1000, 53, 0), udp4(1000, 54, 0), "the destination port");
	differ(udp4(1000, 53, 0), udp4(1000, 53, 7), "the zone");
	a = udp4(1000, 53, 0);
	b = udp4(1000, 53, 0);
	nfct_set_attr_u16(b, ATTR_ORIG_ZONE, 3);
	differ(a, b, "the original direction's zone");
	a = udp4(1000, 53, 0);
	b = udp4(1000, 53, 0);
	nfct_set_attr_u8(b, ATTR_ORIG_L4PROTO, IPPROTO_TCP);
	differ(a, b, "the layer 4 protocol");

	/* IPv6: each address word counts, and so does the family */
	a = udp4(1000, 53, 0);
	nfct_set_attr_u8(a, ATTR_ORIG_L3PROTO, AF_INET6);
	nfct_set_attr(a, ATTR_ORIG_IPV6_SRC, v6);
	nfct_set_attr(a, ATTR_ORIG_IPV6_DST, v6);
	b = nfct_clone(a);
	v6[2] = htonl(5);
	nfct_set_attr(b, ATTR_ORIG_IPV6_DST, v6);
	differ(a, b, "an IPv6 address's third word");

	/* the same key, the same hash */
	a = udp4(1000, 53, 7);
	b = udp4(1000, 53, 7);
	assert_true(hash_ct(a, seed) == hash_ct(b, seed));
	nfct_destroy(a);
	nfct_destroy(b);
}

/* A host pair with 50 000 source ports (a proxy, a NAT gateway): the
 * entries spread over 65 536 buckets as random keys would. */
static void test_ports_spread(void **state)
{
	enum { N = 50000, BUCKETS = 65536 };
	unsigned char *chain = calloc(BUCKETS, 1);
	struct nf_conntrack *ct = udp4(0, 53, 0);
	unsigned int longest = 0, used = 0;

	(void)state;
	assert_non_null(chain);
	for (unsigned int i = 0; i < N; i++) {
		unsigned int b;

		nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, htons(1000 + i));
		b = hash_ct(ct, seed) & (BUCKETS - 1);
		used += chain[b] == 0;
		if (chain[b] < 255)
			chain[b]++;
		if (chain[b] > longest)
			longest = chain[b];
	}
	/* random keys: ~35 000 buckets used, the longest chain ~8 */
	if (longest > 16 || used < 30000)
		fail_msg("%u entries differing in the port: %u buckets used, longest chain %u",
			 N, used, longest);
	nfct_destroy(ct);
	free(chain);
}

static void test_seeds(void **state)
{
	uint64_t s1[2], s2[2];
	struct nf_conntrack *ct = udp4(1000, 53, 0);

	(void)state;
	mirror_seed(s1);
	mirror_seed(s2);
	assert_false(s1[0] == s2[0] && s1[1] == s2[1]);
	/* the seed changes the hash: what one mirror chains, another does not */
	assert_true(hash_ct(ct, s1) != hash_ct(ct, s2));
	assert_true(hash_ct(ct, s1) == hash_ct(ct, s1));
	nfct_destroy(ct);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_count),
		cmocka_unit_test(test_ports_spread),
		cmocka_unit_test(test_seeds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
