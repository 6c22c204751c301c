/*
 * Bitmasks: the value type of connection labels (ATTR_CONNLABELS).
 * A bitmask holds bits 0..maxbit, stored in 32-bit words.
 */
#include <stdlib.h>

#include "object.h"

static size_t bitmask_bytes(unsigned int words)
{
	return sizeof(struct nfct_bitmask) + words * sizeof(uint32_t);
}

/* Largest maxbit accepted, as in the original library. */
#define BITMASK_MAXBIT_LIMIT	0xffff

/**
 * nfct_bitmask_new - allocate a cleared bitmask
 * @maxbit: highest bit number the mask must hold, at most 65535
 *
 * The mask is rounded up to whole 32-bit words, so nfct_bitmask_maxbit()
 * may report more. Returns NULL on failure, errno ENOMEM, or EINVAL when
 * @maxbit is too big.
 */
NFCT_EXPORT struct nfct_bitmask *nfct_bitmask_new(unsigned int maxbit)
{
	unsigned int words;
	struct nfct_bitmask *b;

	if (maxbit > BITMASK_MAXBIT_LIMIT) {
		errno = EINVAL;
		return NULL;
	}
	words = maxbit / 32 + 1;
	b = calloc(1, bitmask_bytes(words));
	if (b)
		b->words = words;
	return b;
}

/**
 * nfct_bitmask_clone - allocate a copy of a bitmask
 * @b: the mask to copy
 *
 * Returns the copy, or NULL with errno ENOMEM, or EINVAL if @b is NULL.
 */
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

/**
 * nfct_bitmask_maxbit - highest bit number the mask holds
 * @b: the mask
 *
 * Returns a multiple of 32 minus one; 0 if @b is NULL.
 */
NFCT_EXPORT unsigned int nfct_bitmask_maxbit(const struct nfct_bitmask *b)
{
	if (b == NULL)
		return 0;
	return b->words * 32 - 1;
}

/**
 * nfct_bitmask_set_bit - set a bit
 * @b: the mask; NULL is ignored
 * @bit: bit number; bits beyond maxbit are ignored
 */
NFCT_EXPORT void nfct_bitmask_set_bit(struct nfct_bitmask *b, unsigned int bit)
{
	if (b && bit / 32 < b->words)
		b->bits[bit / 32] |= 1u << (bit % 32);
}

/**
 * nfct_bitmask_test_bit - test a bit
 * @b: the mask
 * @bit: bit number
 *
 * Returns 1 if the bit is set, 0 if not, beyond maxbit or @b is NULL.
 */
NFCT_EXPORT int nfct_bitmask_test_bit(const struct nfct_bitmask *b,
				      unsigned int bit)
{
	if (b == NULL || bit / 32 >= b->words)
		return 0;
	return (b->bits[bit / 32] >> (bit % 32)) & 1;
}

/**
 * nfct_bitmask_unset_bit - clear a bit
 * @b: the mask; NULL is ignored
 * @bit: bit number; bits beyond maxbit are ignored
 */
NFCT_EXPORT void nfct_bitmask_unset_bit(struct nfct_bitmask *b, unsigned int bit)
{
	if (b && bit / 32 < b->words)
		b->bits[bit / 32] &= ~(1u << (bit % 32));
}

/**
 * nfct_bitmask_destroy - release a bitmask
 * @b: the mask; NULL is ignored
 */
NFCT_EXPORT void nfct_bitmask_destroy(struct nfct_bitmask *b)
{
	free(b);
}

/**
 * nfct_bitmask_clear - clear every bit
 * @b: the mask; NULL is ignored
 */
NFCT_EXPORT void nfct_bitmask_clear(struct nfct_bitmask *b)
{
	if (b == NULL)
		return;
	memset(b->bits, 0, b->words * sizeof(uint32_t));
}

/**
 * nfct_bitmask_equal - compare two bitmasks
 * @b1: a mask
 * @b2: another mask
 *
 * Returns true if both have the same size and the same bits set (masks
 * of different sizes are never equal), or if both are NULL.
 */
NFCT_EXPORT bool nfct_bitmask_equal(const struct nfct_bitmask *b1,
				    const struct nfct_bitmask *b2)
{
	if (b1 == NULL || b2 == NULL)
		return b1 == b2;
	if (b1->words != b2->words)
		return false;
	return memcmp(b1->bits, b2->bits, b1->words * sizeof(uint32_t)) == 0;
}
