/* Copying objects and single attributes (nfct_copy, nfct_copy_attr). */
#include <stdlib.h>

#include "object.h"

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

/* The attributes set in @src that @flags selects. A heap value that
 * cannot be copied leaves dst's attribute as it was (errno ENOMEM). */
static void copy_some(struct nf_conntrack *dst, const struct nf_conntrack *src,
		      unsigned int flags)
{
	for (int t = 0; t < ATTR_MAX; t++)
		if (attr_isset(src, t) &&
		    (flags == NFCT_CP_ALL || in_scope(t, flags)))
			attr_copy(dst, src, t);
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
 * NFCT_CP_OVERRIDE, which wins over any other flag: then @dest becomes
 * byte for byte what @source is, values of unset attributes included
 * (as in the original, where a setter that only marks an attribute set
 * then reads the source's value), heap values deep-copied. META covers
 * every attribute from ATTR_TCP_STATE on, the tuple zones included. A
 * NULL object is ignored with errno EINVAL (the original asserts). A
 * heap value that cannot be copied (errno ENOMEM) is not set in @dest;
 * every attribute set there is readable.
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
		object_copy(dest, source);
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
 * Heap values (helper info, labels, security context) are deep-copied;
 * if that fails (errno ENOMEM) @ct1 keeps its own value. A NULL object
 * or an unknown attribute is ignored with errno EINVAL (the original
 * asserts or leaves errno alone).
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
