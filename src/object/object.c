/*
 * Conntrack objects: allocation and attribute access. Everything here
 * is generic over attr_table[] (attr.c).
 */
#include <stdlib.h>
#include <sys/socket.h>

#include "object.h"

/*
 * Not inlined: the compiler would merge malloc() and the clear into a
 * calloc(), which glibc serves without its per-thread cache, and
 * programs create and destroy an object per message (ctbench mnl: a
 * third more instructions per entry).
 */
static __attribute__((noinline)) void object_clear(struct nf_conntrack *ct)
{
	memset(ct, 0, sizeof(*ct));
}

/**
 * nfct_new - allocate an empty conntrack object
 *
 * Returns the object, or NULL with errno set (ENOMEM) on failure.
 * Release it with nfct_destroy().
 */
NFCT_EXPORT struct nf_conntrack *nfct_new(void)
{
	struct nf_conntrack *ct = malloc(sizeof(*ct));

	if (ct != NULL)
		object_clear(ct);
	return ct;
}

/**
 * nfct_destroy - release a conntrack object and the data it owns
 * @ct: object from nfct_new() or nfct_clone(); NULL is ignored
 *
 * The memory goes back to the allocator at once, so that a program's
 * use of the object after this call is seen by memory checkers.
 */
NFCT_EXPORT void nfct_destroy(struct nf_conntrack *ct)
{
	if (ct == NULL)
		return;
	object_release(ct);
	free(ct);
}

/**
 * nfct_sizeof - size of a conntrack object in bytes
 * @ct: the object (unused: every object has the same size)
 *
 * Deprecated, as in the original. Returns sizeof(struct nf_conntrack) of
 * this library; never fails.
 */
NFCT_EXPORT size_t nfct_sizeof(const struct nf_conntrack *ct)
{
	(void)ct;
	return sizeof(struct nf_conntrack);
}

/**
 * nfct_maxsize - size of the largest conntrack object in bytes
 *
 * A zeroed block of this size is a valid empty object (conntrackd
 * allocates objects so). Deprecated, as in the original. Returns the
 * size; never fails. It is at most 392, the original's value, so
 * programs that reserve that much keep working.
 */
NFCT_EXPORT size_t nfct_maxsize(void)
{
	return sizeof(struct nf_conntrack);
}

/**
 * nfct_clone - allocate a deep copy of a conntrack object
 * @ct: the object to copy
 *
 * Returns the copy, whole (equal to @ct, heap values included), or NULL
 * with errno set on failure (ENOMEM, or EINVAL for a NULL @ct).
 */
NFCT_EXPORT struct nf_conntrack *nfct_clone(const struct nf_conntrack *ct)
{
	struct nf_conntrack *c;

	if (ct == NULL) {
		errno = EINVAL;
		return NULL;
	}
	c = nfct_new();
	if (c == NULL)
		return NULL;
	if (object_copy(c, ct) < 0) {
		nfct_destroy(c);
		errno = ENOMEM;
		return NULL;
	}
	return c;
}

/*
 * The ICMP type of the reply to a request of type @type, 255 if the type
 * has no reply. As in the original, setting the ICMP attributes also
 * fills in the reply tuple (not marked set) so that a later
 * nfct_setobjopt(NFCT_SOPT_SETUP_REPLY) or a kernel request finds it.
 */
static uint8_t icmp_reply_type(uint8_t l3proto, uint8_t type)
{
	static const struct { uint8_t l3, a, b; } pairs[] = {
		{ AF_INET, 8, 0 },	/* echo */
		{ AF_INET, 13, 14 },	/* timestamp */
		{ AF_INET, 15, 16 },	/* information */
		{ AF_INET, 17, 18 },	/* address mask */
		{ AF_INET6, 128, 129 },	/* echo */
		{ AF_INET6, 139, 140 },	/* node information */
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (pairs[i].l3 != l3proto)
			continue;
		if (pairs[i].a == type)
			return pairs[i].b;
		if (pairs[i].b == type)
			return pairs[i].a;
	}
	return 255;
}

/* The ICMP attributes also fill in the reply tuple when set. */
static void icmp_fill_reply(struct nf_conntrack *ct, int type)
{
	switch (type) {
	case ATTR_ICMP_TYPE:
		ct->repl.l4dst.icmp.type =
			icmp_reply_type(ct->orig.l3proto, ct->orig.l4dst.icmp.type);
		break;
	case ATTR_ICMP_CODE:
		ct->repl.l4dst.icmp.code = ct->orig.l4dst.icmp.code;
		break;
	case ATTR_ICMP_ID:
		ct->repl.l4src.icmp_id = ct->orig.l4src.icmp_id;
		break;
	default:
		break;
	}
}

/**
 * nfct_set_attr_l - set an attribute from a value of a given length
 * @ct: the object
 * @type: attribute (ATTR_*)
 * @value: pointer to the value, of the type the attribute documents
 * @len: length of @value; used only by variable-length attributes
 *   (ATTR_HELPER_INFO)
 *
 * Unknown attributes and a NULL @value are ignored with errno EINVAL
 * (the original asserts on NULL and leaves errno alone otherwise).
 * ATTR_CONNLABELS and ATTR_CONNLABELS_MASK take ownership of the bitmask
 * (NULL allowed). ATTR_HELPER_NAME is truncated to NFCT_HELPER_NAME_MAX
 * - 1 characters. As in the original, values the kernel reports (the
 * counters, ATTR_USE, ATTR_TIMESTAMP_START/_STOP, ATTR_SECCTX) are only
 * marked set, not stored, and ATTR_ICMP_TYPE/_CODE/_ID also fill in the
 * reply tuple's ICMP fields (the reply type is the answer to the request
 * type, 255 if there is none), without marking them set.
 * ATTR_TIMESTAMP_EVENT, which the original (1.0.9) does not know, is
 * ignored: it stays as the kernel reported it, set or not. When a heap
 * value cannot be stored (errno ENOMEM) the attribute is unchanged.
 */
NFCT_EXPORT void nfct_set_attr_l(struct nf_conntrack *ct,
				 const enum nf_conntrack_attr type,
				 const void *value, size_t len)
{
	const struct attr_desc *d;

	if (unlikely(ct == NULL || (unsigned)type >= ATTR_MAX)) {
		errno = EINVAL;
		return;
	}
	d = &attr_table[type];
	if (unlikely(value == NULL && d->kind != AK_BITMASK)) {
		errno = EINVAL;
		return;
	}
	if (d->flags & AF_NOPUBLIC)
		return;
	if (d->flags & AF_NOSET) {
		attr_mark(ct, type);
		return;
	}
	if (attr_store(ct, type, value, len) == 0)
		icmp_fill_reply(ct, type);
}

/**
 * nfct_set_attr - set an attribute
 * @ct: the object
 * @type: attribute (ATTR_*)
 * @value: pointer to the value, of the type the attribute documents
 *
 * As nfct_set_attr_l() with a length of 0.
 */
NFCT_EXPORT void nfct_set_attr(struct nf_conntrack *ct,
			       const enum nf_conntrack_attr type,
			       const void *value)
{
	nfct_set_attr_l(ct, type, value, 0);
}

/*
 * The typed setters hand over a number: padded (struct scalar_arg) so
 * that a mismatched width (u8 setter on an IPv6 address) cannot read
 * past the caller's variable, and refused for the label attributes,
 * which need a bitmask pointer, not a number.
 */
static void set_scalar(struct nf_conntrack *ct, int type, const void *v,
		       size_t len)
{
	struct scalar_arg a = scalar_arg(v, len);

	if ((unsigned)type < ATTR_MAX && attr_table[type].kind == AK_BITMASK) {
		errno = EINVAL;
		return;
	}
	nfct_set_attr_l(ct, type, a.b, len);
}

/**
 * nfct_set_attr_u8 - set an 8-bit attribute
 * @ct: the object
 * @type: attribute (ATTR_*) whose value is 8 bits wide
 * @value: the value, in the byte order the attribute documents
 *
 * As nfct_set_attr_l() with a pointer to @value. The label attributes,
 * which take a bitmask pointer, are refused with errno EINVAL.
 */
NFCT_EXPORT void nfct_set_attr_u8(struct nf_conntrack *ct,
				  const enum nf_conntrack_attr type,
				  uint8_t value)
{
	set_scalar(ct, type, &value, sizeof(value));
}

/**
 * nfct_set_attr_u16 - set a 16-bit attribute
 * @ct: the object
 * @type: attribute (ATTR_*) whose value is 16 bits wide
 * @value: the value, in the byte order the attribute documents
 *
 * As nfct_set_attr_u8().
 */
NFCT_EXPORT void nfct_set_attr_u16(struct nf_conntrack *ct,
				   const enum nf_conntrack_attr type,
				   uint16_t value)
{
	set_scalar(ct, type, &value, sizeof(value));
}

/**
 * nfct_set_attr_u32 - set a 32-bit attribute
 * @ct: the object
 * @type: attribute (ATTR_*) whose value is 32 bits wide
 * @value: the value, in the byte order the attribute documents
 *
 * As nfct_set_attr_u8().
 */
NFCT_EXPORT void nfct_set_attr_u32(struct nf_conntrack *ct,
				   const enum nf_conntrack_attr type,
				   uint32_t value)
{
	set_scalar(ct, type, &value, sizeof(value));
}

/**
 * nfct_set_attr_u64 - set a 64-bit attribute
 * @ct: the object
 * @type: attribute (ATTR_*) whose value is 64 bits wide
 * @value: the value, in the byte order the attribute documents
 *
 * As nfct_set_attr_u8().
 */
NFCT_EXPORT void nfct_set_attr_u64(struct nf_conntrack *ct,
				   const enum nf_conntrack_attr type,
				   uint64_t value)
{
	set_scalar(ct, type, &value, sizeof(value));
}

/**
 * nfct_get_attr - get a pointer to an attribute's value
 * @ct: the object
 * @type: attribute (ATTR_*)
 *
 * Returns a pointer into the object, valid until the attribute changes
 * or the object is destroyed; NULL if the attribute is unknown (errno
 * EINVAL) or not set (errno ENODATA). ATTR_CONNLABELS returns the
 * struct nfct_bitmask pointer itself.
 */
NFCT_EXPORT const void *nfct_get_attr(const struct nf_conntrack *ct,
				      const enum nf_conntrack_attr type)
{
	const void *slot;

	if (unlikely(ct == NULL || (unsigned)type >= ATTR_MAX)) {
		errno = EINVAL;
		return NULL;
	}
	if (!attr_isset(ct, type)) {
		errno = ENODATA;
		return NULL;
	}
	/* inline values (size != 0) are in the object, heap ones (labels,
	 * helper info, security context) behind the pointer there */
	slot = attr_cptr(ct, type);
	if (likely(attr_table[type].size != 0))
		return slot;
	memcpy(&slot, slot, sizeof(slot));
	return slot;
}

/*
 * Read up to @len bytes of an attribute into @v (zeroed first). Heap
 * values may be shorter than the width asked for: read only what is
 * there rather than past the end of the block.
 */
static void get_scalar(const struct nf_conntrack *ct, int type, void *v,
		       size_t len)
{
	const void *p = nfct_get_attr(ct, type);
	size_t avail = len;

	memset(v, 0, len);
	if (p == NULL)
		return;
	switch (attr_table[type].kind) {
	case AK_SECCTX:
		avail = strlen(p) + 1;
		break;
	case AK_HELPER_INFO:
		avail = ct->helper_info_len;
		break;
	case AK_BITMASK:
		avail = sizeof(struct nfct_bitmask) +
			((const struct nfct_bitmask *)p)->words * sizeof(uint32_t);
		break;
	default:
		break;
	}
	memcpy(v, p, avail < len ? avail : len);
}

/**
 * nfct_get_attr_u8 - get an 8-bit attribute, 0 if unset
 * @ct: the object
 * @type: attribute (ATTR_*) whose value is 8 bits wide
 *
 * Returns the value, or 0 when the attribute is unknown (errno EINVAL)
 * or not set (errno ENODATA); 0 may also be a real value, so use
 * nfct_attr_is_set() to tell.
 */
NFCT_EXPORT uint8_t nfct_get_attr_u8(const struct nf_conntrack *ct,
				     const enum nf_conntrack_attr type)
{
	uint8_t v;

	get_scalar(ct, type, &v, sizeof(v));
	return v;
}

/**
 * nfct_get_attr_u16 - get a 16-bit attribute, 0 if unset
 * @ct: the object
 * @type: attribute (ATTR_*) whose value is 16 bits wide
 *
 * Returns the value, or 0 when the attribute is unknown (errno EINVAL)
 * or not set (errno ENODATA); 0 may also be a real value, so use
 * nfct_attr_is_set() to tell.
 */
NFCT_EXPORT uint16_t nfct_get_attr_u16(const struct nf_conntrack *ct,
				       const enum nf_conntrack_attr type)
{
	uint16_t v;

	get_scalar(ct, type, &v, sizeof(v));
	return v;
}

/**
 * nfct_get_attr_u32 - get a 32-bit attribute, 0 if unset
 * @ct: the object
 * @type: attribute (ATTR_*) whose value is 32 bits wide
 *
 * Returns the value, or 0 when the attribute is unknown (errno EINVAL)
 * or not set (errno ENODATA); 0 may also be a real value, so use
 * nfct_attr_is_set() to tell.
 */
NFCT_EXPORT uint32_t nfct_get_attr_u32(const struct nf_conntrack *ct,
				       const enum nf_conntrack_attr type)
{
	uint32_t v;

	get_scalar(ct, type, &v, sizeof(v));
	return v;
}

/**
 * nfct_get_attr_u64 - get a 64-bit attribute, 0 if unset
 * @ct: the object
 * @type: attribute (ATTR_*) whose value is 64 bits wide
 *
 * Returns the value, or 0 when the attribute is unknown (errno EINVAL)
 * or not set (errno ENODATA); 0 may also be a real value, so use
 * nfct_attr_is_set() to tell.
 */
NFCT_EXPORT uint64_t nfct_get_attr_u64(const struct nf_conntrack *ct,
				       const enum nf_conntrack_attr type)
{
	uint64_t v;

	get_scalar(ct, type, &v, sizeof(v));
	return v;
}

/**
 * nfct_attr_is_set - tell whether an attribute is set
 * @ct: the object
 * @type: attribute (ATTR_*)
 *
 * Returns 1 if set, 0 if not, -1 (errno EINVAL) for an unknown attribute.
 */
NFCT_EXPORT int nfct_attr_is_set(const struct nf_conntrack *ct,
				 const enum nf_conntrack_attr type)
{
	if (unlikely(ct == NULL || (unsigned)type >= ATTR_MAX)) {
		errno = EINVAL;
		return -1;
	}
	return attr_isset(ct, type);
}

/**
 * nfct_attr_is_set_array - tell whether all of several attributes are set
 * @ct: the object
 * @type_array: the attributes
 * @size: number of entries in @type_array
 *
 * Returns 1 if all are set, 0 if one is not, -1 (errno EINVAL) if one is
 * unknown.
 */
NFCT_EXPORT int nfct_attr_is_set_array(const struct nf_conntrack *ct,
				       const enum nf_conntrack_attr *type_array,
				       int size)
{
	int i;

	if (unlikely(ct == NULL || (type_array == NULL && size > 0))) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < size; i++) {
		if (unlikely((unsigned)type_array[i] >= ATTR_MAX)) {
			errno = EINVAL;
			return -1;
		}
		if (!attr_isset(ct, type_array[i]))
			return 0;
	}
	return 1;
}

/**
 * nfct_attr_unset - mark an attribute as not set
 * @ct: the object
 * @type: attribute (ATTR_*)
 *
 * Only the attribute's bit is cleared, as in the original: heap data
 * the attribute holds (labels, helper info, security context) stays
 * with the object, which frees it when destroyed or when the attribute
 * is set again. Returns 0, or -1 (errno EINVAL) for an unknown
 * attribute.
 */
NFCT_EXPORT int nfct_attr_unset(struct nf_conntrack *ct,
				const enum nf_conntrack_attr type)
{
	if (unlikely(ct == NULL || (unsigned)type >= ATTR_MAX)) {
		errno = EINVAL;
		return -1;
	}
	attr_clear(ct, type);
	return 0;
}
