/*
 * Probe for the differential bitmask tests: exercises nfct_bitmask_* at
 * edge sizes and bit numbers and prints every result, so that runs on our
 * library and on the reference can be compared verbatim.
 */
#include <limits.h>
#include <stdio.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

static const unsigned int sizes[] = {
	0, 1, 30, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1023, 1024, 4095,
	65503, 65504, 65535, 65536, 65537, 1u << 20, INT_MAX, INT_MAX + 1u,
	UINT_MAX - 32, UINT_MAX - 31, UINT_MAX - 1, UINT_MAX,
};

/* Bits to poke relative to a mask's maxbit, and absolute ones. */
static void poke(struct nfct_bitmask *b)
{
	unsigned int max = nfct_bitmask_maxbit(b);
	unsigned int bits[] = { 0, 1, 31, 32, 33, max - 32, max - 31, max - 1,
				max, max + 1, max + 32, max + 33, 65535, 65536,
				INT_MAX, UINT_MAX };
	unsigned int n = sizeof(bits) / sizeof(bits[0]);

	for (unsigned int i = 0; i < n; i++) {
		nfct_bitmask_set_bit(b, bits[i]);
		printf(" s%u=%d", bits[i], nfct_bitmask_test_bit(b, bits[i]));
	}
	for (unsigned int i = 0; i < n; i += 2) {
		nfct_bitmask_unset_bit(b, bits[i]);
		printf(" u%u=%d", bits[i], nfct_bitmask_test_bit(b, bits[i]));
	}
	for (unsigned int i = 0; i < n; i++)
		printf(" t%u=%d", bits[i], nfct_bitmask_test_bit(b, bits[i]));
	printf("\n");
}

static void sizes_and_bits(void)
{
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct nfct_bitmask *b = nfct_bitmask_new(sizes[i]);

		printf("new(%u):", sizes[i]);
		if (b == NULL) {
			printf(" NULL\n");
			continue;
		}
		printf(" maxbit=%u", nfct_bitmask_maxbit(b));
		if (sizes[i] <= 65535) {
			for (unsigned int bit = 0; bit <= sizes[i]; bit += 97)
				if (nfct_bitmask_test_bit(b, bit))
					printf(" dirty%u", bit);
			poke(b);
		} else {
			printf("\n");
		}
		nfct_bitmask_destroy(b);
	}
}

static void equal_and_clone(void)
{
	struct nfct_bitmask *a = nfct_bitmask_new(0);
	struct nfct_bitmask *b = nfct_bitmask_new(40);
	struct nfct_bitmask *c = nfct_bitmask_new(63);
	struct nfct_bitmask *d;

	printf("eq a,b=%d b,c=%d b,b=%d\n", nfct_bitmask_equal(a, b),
	       nfct_bitmask_equal(b, c), nfct_bitmask_equal(b, b));
	nfct_bitmask_set_bit(b, 40);
	printf("eq set40 b,c=%d\n", nfct_bitmask_equal(b, c));
	nfct_bitmask_set_bit(c, 40);
	printf("eq set40 both b,c=%d\n", nfct_bitmask_equal(b, c));
	nfct_bitmask_set_bit(b, 63);
	printf("eq set63 b,c=%d\n", nfct_bitmask_equal(b, c));
	d = nfct_bitmask_clone(b);
	printf("clone maxbit=%u eq=%d t40=%d t63=%d\n", nfct_bitmask_maxbit(d),
	       nfct_bitmask_equal(b, d), nfct_bitmask_test_bit(d, 40),
	       nfct_bitmask_test_bit(d, 63));
	nfct_bitmask_unset_bit(d, 40);
	printf("clone independent: b40=%d d40=%d eq=%d\n",
	       nfct_bitmask_test_bit(b, 40), nfct_bitmask_test_bit(d, 40),
	       nfct_bitmask_equal(b, d));
	nfct_bitmask_clear(b);
	printf("clear: b40=%d b63=%d eq b,c=%d\n", nfct_bitmask_test_bit(b, 40),
	       nfct_bitmask_test_bit(b, 63), nfct_bitmask_equal(b, c));
	nfct_bitmask_unset_bit(c, 40);
	printf("eq cleared b,c=%d\n", nfct_bitmask_equal(b, c));
	nfct_bitmask_destroy(a);
	nfct_bitmask_destroy(b);
	nfct_bitmask_destroy(c);
	nfct_bitmask_destroy(d);
}

int main(void)
{
	sizes_and_bits();
	equal_and_clone();
	return 0;
}
