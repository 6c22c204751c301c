/* Copying objects and single attributes (nfct_copy, nfct_copy_attr). */
#include <stdlib.h>

#include "internal.h"

/* Whether @ct owns heap data (helper info, labels, security context). */
static inline bool has_heap(const struct nf_conntrack *ct)
{
	return ct->secctx != NULL || ct->helper_info != NULL ||
	       ct->connlabels != NULL || ct->connlabels_mask != NULL;
}

/* 16 bytes moved as one (SSE2 is baseline on x86-64). */
typedef uint8_t chunk16 __attribute__((vector_size(16), aligned(1)));

/* The whole object in 16-byte moves: half the instructions of the
 * 8-byte moves an inlined memcpy() of this size becomes. */
static inline void copy_object(struct nf_conntrack *dst,
			       const struct nf_conntrack *src)
{
	const char *s = (const char *)src;
	char *d = (char *)dst;
	size_t i;

#pragma GCC unroll 32
	for (i = 0; i + 16 <= sizeof(*dst); i += 16) {
		chunk16 c;

		memcpy(&c, s + i, 16);
		memcpy(d + i, &c, 16);
	}
	memcpy(d + i, s + i, sizeof(*dst) - i);
}

/* Replace dst by a deep copy of src. */
static void copy_whole(struct nf_conntrack *dst, const struct nf_conntrack *src)
{
	if (dst == src)
		return;
	if (unlikely(has_heap(dst)))
		object_release(dst);
	/* the usual object owns nothing: one fixed-size copy is all */
	copy_object(dst, src);
	if (likely(!has_heap(src)))
		return;
	/* The heap data is src's: give dst its own copies. */
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
