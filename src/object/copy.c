/* Copying objects and single attributes (nfct_copy, nfct_copy_attr). */
#include <stdlib.h>

#include "object.h"

/* Whether @a or @b owns heap data (helper info, labels, context). */
static inline bool heap_in(const struct nf_conntrack *a,
			   const struct nf_conntrack *b)
{
	/* one OR chain, one branch: the usual answer is no */
	return ((uintptr_t)a->secctx | (uintptr_t)a->helper_info |
		(uintptr_t)a->connlabels | (uintptr_t)a->connlabels_mask |
		(uintptr_t)b->secctx | (uintptr_t)b->helper_info |
		(uintptr_t)b->connlabels | (uintptr_t)b->connlabels_mask) != 0;
}

/* 16 bytes moved as one (SSE2 is baseline on x86-64). */
typedef uint8_t chunk16 __attribute__((vector_size(16), aligned(1)));

/* The first @n bytes of the object in 16-byte moves; with a constant
 * @n this is two instructions per 16 bytes. */
static inline __attribute__((always_inline)) void
copy_bytes(struct nf_conntrack *dst, const struct nf_conntrack *src, size_t n)
{
	const char *s = (const char *)src;
	char *d = (char *)dst;
	size_t i;

#pragma GCC unroll 32
	for (i = 0; i + 16 <= n; i += 16) {
		chunk16 c;

		memcpy(&c, s + i, 16);
		memcpy(d + i, &c, 16);
	}
	memcpy(d + i, s + i, n - i);
}

/*
 * The attributes stored (partly) past the head, and past the middle
 * part, of the object (see struct nf_conntrack); heap ones count as
 * past both. Narrowed from attr_table[] when the library loads; until
 * then every attribute counts as past both, so a copy made earlier
 * (another library's constructor) is whole, not wrong.
 */
static uint32_t past_head[ATTR_SET_WORDS] = { ~0u, ~0u, ~0u };
static uint32_t past_mid[ATTR_SET_WORDS] = { ~0u, ~0u, ~0u };

__attribute__((constructor)) static void copy_masks_init(void)
{
	uint32_t head[ATTR_SET_WORDS] = { 0 }, mid[ATTR_SET_WORDS] = { 0 };

	for (int t = 0; t < ATTR_MAX; t++) {
		const struct attr_desc *d = &attr_table[t];
		size_t end = d->offset + d->size;

		if (d->size == 0 || end > CT_HEAD_END)
			head[t >> 5] |= 1u << (t & 31);
		if (d->size == 0 || end > CT_MID_END)
			mid[t >> 5] |= 1u << (t & 31);
	}
	memcpy(past_head, head, sizeof(head));
	memcpy(past_mid, mid, sizeof(mid));
}

/* Whether any attribute set in @a or @b is stored past @mask's part. */
static inline bool set_past(const struct nf_conntrack *a,
			    const struct nf_conntrack *b, const uint32_t *mask)
{
	_Static_assert(ATTR_SET_WORDS == 3, "three words below");
	return (((a->set[0] | b->set[0]) & mask[0]) |
		((a->set[1] | b->set[1]) & mask[1]) |
		((a->set[2] | b->set[2]) & mask[2])) != 0;
}

/* The part of src up to the end of the last field set in either. */
static inline void copy_inline(struct nf_conntrack *dst,
			       const struct nf_conntrack *src)
{
	if (likely(!set_past(dst, src, past_head)))
		copy_bytes(dst, src, CT_HEAD_END);
	else if (!set_past(dst, src, past_mid))
		copy_bytes(dst, src, CT_MID_END);
	else
		copy_bytes(dst, src, sizeof(*dst));
}

/* copy_whole() when either object owns heap data: dst's is freed,
 * src's deep-copied. */
static __attribute__((noinline)) void copy_heap(struct nf_conntrack *dst,
						const struct nf_conntrack *src)
{
	object_release(dst);
	if (!heap_in(src, src)) {
		copy_inline(dst, src);
		return;
	}
	copy_bytes(dst, src, sizeof(*dst));
	dst->secctx = NULL;
	dst->helper_info = NULL;
	dst->helper_info_len = 0;
	dst->connlabels = NULL;
	dst->connlabels_mask = NULL;
	attr_copy(dst, src, ATTR_SECCTX);
	attr_copy(dst, src, ATTR_HELPER_INFO);
	attr_copy(dst, src, ATTR_CONNLABELS);
	attr_copy(dst, src, ATTR_CONNLABELS_MASK);
	memcpy(dst->set, src->set, sizeof(dst->set));
}

/*
 * Replace dst by a deep copy of src. Only the part of the object that
 * an attribute set in either holds is copied: the rest stores nothing
 * either object reports (unset values, heap pointers both NULL), and
 * the usual object fits in the head.
 */
static inline void copy_whole(struct nf_conntrack *dst,
			      const struct nf_conntrack *src)
{
	if (dst == src)
		return;
	if (unlikely(heap_in(dst, src))) {
		copy_heap(dst, src);
		return;
	}
	copy_inline(dst, src);
}

/*
 * Whether attribute @t is in the parts @flags names. As in the
 * original, META is everything from ATTR_TCP_STATE on, the tuple zones
 * included.
 */
static bool in_scope(int t, unsigned int flags)
{
	switch (attr_table[t].scope) {
	case AS_ORIG:
		return flags & NFCT_CP_ORIG;
	case AS_REPL:
		return flags & NFCT_CP_REPL;
	default:
		return flags & NFCT_CP_META;
	}
}

/* The attributes set in @src that @flags selects, a word at a time. */
static __attribute__((noinline)) void copy_some(struct nf_conntrack *dst,
						const struct nf_conntrack *src,
						unsigned int flags)
{
	for (int w = 0; w < ATTR_SET_WORDS; w++) {
		for (uint32_t bits = src->set[w]; bits; bits &= bits - 1) {
			int t = w * 32 + __builtin_ctz(bits);

			if (unlikely(t >= ATTR_MAX))
				break;	/* stray bits past the table */
			if (flags != NFCT_CP_ALL && !in_scope(t, flags))
				continue;
			attr_copy(dst, src, t);
		}
	}
}

/**
 * nfct_copy - copy attributes from one object to another
 * @dest: object to copy to
 * @source: object to copy from
 * @flags: NFCT_CP_ALL (every attribute set in @source),
 *   NFCT_CP_OVERRIDE (make @dest an exact copy of @source), or an OR of
 *   NFCT_CP_ORIG (original tuple), NFCT_CP_REPL (reply tuple) and
 *   NFCT_CP_META (everything else)
 *
 * Attributes not set in @source are left alone in @dest, except with
 * NFCT_CP_OVERRIDE, which wins over any other flag. META covers every
 * attribute from ATTR_TCP_STATE on, the tuple zones included. A NULL
 * object is ignored with errno EINVAL (the original asserts).
 */
NFCT_EXPORT void nfct_copy(struct nf_conntrack *dest,
			   const struct nf_conntrack *source,
			   unsigned int flags)
{
	if (dest == NULL || source == NULL) {
		errno = EINVAL;
		return;
	}
	/* NFCT_CP_OVERRIDE wins over every other flag, as in the original. */
	if (flags & NFCT_CP_OVERRIDE) {
		copy_whole(dest, source);
		return;
	}
	copy_some(dest, source, flags);
}

/**
 * nfct_copy_attr - copy one attribute, if set in @ct2, from @ct2 to @ct1
 * @ct1: object to copy to
 * @ct2: object to copy from
 * @type: attribute (ATTR_*)
 *
 * Heap values (helper info, labels) are deep-copied. A NULL object or an
 * unknown attribute is ignored with errno EINVAL (the original asserts
 * or leaves errno alone).
 */
NFCT_EXPORT void nfct_copy_attr(struct nf_conntrack *ct1,
				const struct nf_conntrack *ct2,
				const enum nf_conntrack_attr type)
{
	if (ct1 == NULL || ct2 == NULL || (unsigned)type >= ATTR_MAX) {
		errno = EINVAL;
		return;
	}
	if (attr_isset(ct2, type))
		attr_copy(ct1, ct2, type);
}
