/*
 * Bitmasks: the value type of connection labels (ATTR_CONNLABELS).
 * A bitmask holds bits 0..maxbit, stored in 32-bit words.
 */
#include <stdlib.h>

#include "internal.h"

static size_t bitmask_bytes(unsigned int words)
{
	return sizeof(struct nfct_bitmask) + words * sizeof(uint32_t);
}

/**
 * nfct_bitmask_new - allocate a cleared bitmask
 * @maxbit: highest bit number the mask must hold
 *
 * The mask is rounded up to whole 32-bit words, so nfct_bitmask_maxbit()
 * may report more. Returns NULL (errno ENOMEM or EINVAL) on failure.
 */
NFCT_EXPORT struct nfct_bitmask *nfct_bitmask_new(unsigned int maxbit)
{
	unsigned int words;
	struct nfct_bitmask *b;

	if (maxbit > 1023) {	/* 1024 bits: far beyond the kernel's 128 */
		errno = EINVAL;
		return NULL;
	}
	words = maxbit / 32 + 1;
	b = calloc(1, bitmask_bytes(words));
	if (b)
		b->words = words;
	return b;
}

/** nfct_bitmask_clone - allocate a copy of a bitmask, NULL on failure */
NFCT_EXPORT struct nfct_bitmask *nfct_bitmask_clone(const struct nfct_bitmask *b)
{
	struct nfct_bitmask *c;

	if (b == NULL) {
		errno = EINVAL;
		return NULL;
	}
	c = malloc(bitmask_bytes(b->words));
	if (c)
		memcpy(c, b, bitmask_bytes(b->words));
	return c;
}

/** nfct_bitmask_maxbit - highest bit number the mask holds */
NFCT_EXPORT unsigned int nfct_bitmask_maxbit(const struct nfct_bitmask *b)
{
	return b->words * 32 - 1;
}

/** nfct_bitmask_set_bit - set a bit; bits beyond maxbit are ignored */
NFCT_EXPORT void nfct_bitmask_set_bit(struct nfct_bitmask *b, unsigned int bit)
{
	if (bit / 32 < b->words)
		b->bits[bit / 32] |= 1u << (bit % 32);
}

/** nfct_bitmask_test_bit - 1 if a bit is set, 0 if not or beyond maxbit */
NFCT_EXPORT int nfct_bitmask_test_bit(const struct nfct_bitmask *b,
				      unsigned int bit)
{
	if (bit / 32 >= b->words)
		return 0;
	return (b->bits[bit / 32] >> (bit % 32)) & 1;
}

/** nfct_bitmask_unset_bit - clear a bit; bits beyond maxbit are ignored */
NFCT_EXPORT void nfct_bitmask_unset_bit(struct nfct_bitmask *b, unsigned int bit)
{
	if (bit / 32 < b->words)
		b->bits[bit / 32] &= ~(1u << (bit % 32));
}

/** nfct_bitmask_destroy - release a bitmask; NULL is ignored */
NFCT_EXPORT void nfct_bitmask_destroy(struct nfct_bitmask *b)
{
	free(b);
}

/** nfct_bitmask_clear - clear every bit */
NFCT_EXPORT void nfct_bitmask_clear(struct nfct_bitmask *b)
{
	memset(b->bits, 0, b->words * sizeof(uint32_t));
}

/** nfct_bitmask_equal - true if both masks have the same size and bits */
NFCT_EXPORT bool nfct_bitmask_equal(const struct nfct_bitmask *b1,
				    const struct nfct_bitmask *b2)
{
	if (b1->words != b2->words)
		return false;
	return memcmp(b1->bits, b2->bits, b1->words * sizeof(uint32_t)) == 0;
}
