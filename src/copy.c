/* Copying objects and single attributes (nfct_copy, nfct_copy_attr). */
#include <stdlib.h>

#include "internal.h"

/* Replace dst by a deep copy of src. */
static void copy_whole(struct nf_conntrack *dst, const struct nf_conntrack *src)
{
	if (dst == src)
		return;
	object_release(dst);
	memcpy(dst, src, sizeof(*dst));
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
	for (int t = 0; t < ATTR_MAX; t++) {
		if (!attr_isset(source, t))
			continue;
		if (flags != NFCT_CP_ALL) {
			/* As in the original, META is everything from
			 * ATTR_TCP_STATE on, the tuple zones included. */
			int scope = attr_table[t].scope;

			if (!((scope == AS_ORIG && (flags & NFCT_CP_ORIG)) ||
			      (scope == AS_REPL && (flags & NFCT_CP_REPL)) ||
			      (scope == AS_META && (flags & NFCT_CP_META))))
				continue;
		}
		attr_copy(dest, source, t);
	}
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
