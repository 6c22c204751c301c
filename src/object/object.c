/*
 * Conntrack objects: allocation and attribute access. Everything here
 * is generic over attr_table[] (attr.c).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "object.h"

/*
 * Getters report unset attributes through errno, and programs probe
 * for them all the time: reach errno's address through the GOT rather
 * than through a PLT stub (one jump less per probe).
 */
#if defined(__GLIBC__) && defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
extern int *__errno_location(void) __attribute__((noplt));
#endif

/*
 * One destroyed object is kept for the next nfct_new(): programs that
 * create and destroy an object per message (the libmnl pattern) then
 * cost no allocator round trip. An atomic exchange keeps it thread-safe.
 */
static struct nf_conntrack *_Atomic spare_object;

/*
 * Under AddressSanitizer the spare is not kept, so that a use after
 * nfct_destroy() is still caught by our sanitizer runs.
 */
#if defined(__SANITIZE_ADDRESS__)
#define KEEP_SPARE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KEEP_SPARE 0
#endif
#endif
#ifndef KEEP_SPARE
#define KEEP_SPARE 1
#endif

/* Free the spare when the library is unloaded (clean leak reports). */
__attribute__((destructor)) static void spare_object_free(void)
{
	free(atomic_exchange(&spare_object, NULL));
}

/**
 * nfct_new - allocate an empty conntrack object
 *
 * Returns the object, or NULL with errno set (ENOMEM) on failure.
 * Release it with nfct_destroy().
 */
NFCT_EXPORT struct nf_conntrack *nfct_new(void)
{
	struct nf_conntrack *ct = atomic_exchange(&spare_object, NULL);

	if (ct == NULL)
		return calloc(1, sizeof(struct nf_conntrack));
	memset(ct, 0, sizeof(*ct));
	return ct;
}

/**
 * nfct_destroy - release a conntrack object and the data it owns
 * @ct: object from nfct_new() or nfct_clone(); NULL is ignored
 */
NFCT_EXPORT void nfct_destroy(struct nf_conntrack *ct)
{
	if (ct == NULL)
		return;
	object_release(ct);
	if (!KEEP_SPARE) {
		free(ct);
		return;
	}
	/* keep it for the next nfct_new(), free the one kept before */
	free(atomic_exchange(&spare_object, ct));
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
 * Returns the copy, or NULL with errno set on failure.
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
	nfct_copy(c, ct, NFCT_CP_OVERRIDE);
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

/* Error exit kept out of the callers' fast paths. */
static __attribute__((cold, noinline)) void *fail_null(int err)
{
	errno = err;
	return NULL;
}

/* The ICMP attributes also fill in the reply tuple when set. */
static inline bool is_icmp(int type)
{
	return type >= ATTR_ICMP_TYPE && type <= ATTR_ICMP_ID;
}

/* Store a fixed-size value of @kind: one move of a known width. */
static inline void store_inline(void *p, const void *value, int kind)
{
	switch (kind) {
	case AK_U8:
		memcpy(p, value, 1);
		break;
	case AK_U16:
		memcpy(p, value, 2);
		break;
	case AK_U32:
		memcpy(p, value, 4);
		break;
	case AK_U64:
		memcpy(p, value, 8);
		break;
	default:	/* AK_BYTES: an IPv6 address */
		memcpy(p, value, 16);
		break;
	}
}

/* The general setter: errors, strings, heap values, ICMP side effects. */
static __attribute__((noinline)) void set_attr_slow(struct nf_conntrack *ct,
						    int type,
						    const void *value,
						    size_t len)
{
	const struct attr_desc *d;

	if (unlikely(ct == NULL || (unsigned)type >= ATTR_MAX)) {
		fail_null(EINVAL);
		return;
	}
	d = &attr_table[type];
	if (unlikely(value == NULL && d->kind != AK_BITMASK)) {
		fail_null(EINVAL);
		return;
	}
	if (d->flags & AF_NOSET) {
		attr_mark(ct, type);
		return;
	}
	if (likely(d->kind <= AK_BYTES && !is_icmp(type))) {
		store_inline((char *)ct + d->offset, value, d->kind);
		attr_mark(ct, type);
		return;
	}
	attr_store(ct, type, value, len);
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

/*
 * What the public setter does with each attribute, next to the value's
 * offset and set bit so that the common case reads one small entry: a
 * move of a known width, only marking it set (AF_NOSET), or the general
 * path (SK_SLOW; also what an entry holds before the table is filled).
 */
enum { SK_SLOW, SK_MARK, SK_1, SK_2, SK_4, SK_8, SK_16 };

static struct {
	uint16_t offset;	/* of the value in struct nf_conntrack */
	uint16_t kind;		/* SK_* */
	uint32_t bit;		/* the attribute's bit in its set word */
} set_desc[ATTR_MAX];

__attribute__((constructor)) static void set_desc_init(void)
{
	static const uint8_t by_kind[] = {
		[AK_U8] = SK_1, [AK_U16] = SK_2, [AK_U32] = SK_4,
		[AK_U64] = SK_8, [AK_BYTES] = SK_16,
	};

	for (int t = 0; t < ATTR_MAX; t++) {
		const struct attr_desc *d = &attr_table[t];
		uint32_t k = SK_SLOW;

		if (d->flags & AF_NOSET)
			k = SK_MARK;
		else if (d->kind <= AK_BYTES && !is_icmp(t))
			k = by_kind[d->kind];
		set_desc[t].offset = d->offset;
		set_desc[t].kind = k;
		set_desc[t].bit = 1u << (t & 31);
	}
}

/* The body of nfct_set_attr_l(), inline in nfct_set_attr() too. */
static inline void set_attr(struct nf_conntrack *ct, int type,
			    const void *value, size_t len)
{
	char *p;

	if (unlikely((unsigned)type >= ATTR_MAX))
		goto slow;
	if (unlikely(ct == NULL))
		goto slow;
	if (unlikely(value == NULL))
		goto slow;
	p = (char *)ct + set_desc[(unsigned)type].offset;
	switch (set_desc[(unsigned)type].kind) {
	case SK_MARK:
		break;
	case SK_1:
		memcpy(p, value, 1);
		break;
	case SK_2:
		memcpy(p, value, 2);
		break;
	case SK_4:
		memcpy(p, value, 4);
		break;
	case SK_8:
		memcpy(p, value, 8);
		break;
	case SK_16:
		memcpy(p, value, 16);
		break;
	default:
		goto slow;
	}
	ct->set[(unsigned)type >> 5] |= set_desc[(unsigned)type].bit;
	return;
slow:
	set_attr_slow(ct, type, value, len);
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
 * counters, ATTR_USE, the timestamps, ATTR_SECCTX) are only marked set,
 * not stored, and ATTR_ICMP_TYPE/_CODE/_ID also fill in the reply
 * tuple's ICMP fields (the reply type is the answer to the request type,
 * 255 if there is none), without marking them set.
 */
NFCT_EXPORT void nfct_set_attr_l(struct nf_conntrack *ct,
				 const enum nf_conntrack_attr type,
				 const void *value, size_t len)
{
	set_attr(ct, type, value, len);
}

/**
 * nfct_set_attr - set an attribute
 * @ct: the object
 * @type: attribute (ATTR_*)
 * @value: pointer to the value, of the type the attribute documents
 */
NFCT_EXPORT void nfct_set_attr(struct nf_conntrack *ct,
			       const enum nf_conntrack_attr type,
			       const void *value)
{
	set_attr(ct, type, value, 0);
}

/*
 * The typed setters hand over a scalar: pad it with zeros to the widest
 * attribute so that a mismatched width (u8 setter on an IPv6 address)
 * cannot read past the caller's variable, and refuse the label
 * attributes, which need a bitmask pointer, not a number.
 */
static __attribute__((noinline)) void set_scalar(struct nf_conntrack *ct,
						  int type, const void *v,
						  size_t len)
{
	uint8_t buf[16] = { 0 };

	if ((unsigned)type < ATTR_MAX && attr_table[type].kind == AK_BITMASK) {
		errno = EINVAL;
		return;
	}
	memcpy(buf, v, len);
	nfct_set_attr_l(ct, type, buf, len);
}

/*
 * The slot a typed setter of @kind can store into directly: a valid
 * attribute of exactly that kind, really stored by the setter and with
 * no side effect (the ICMP ones), now marked set. NULL: take the
 * generic path, which also does the error handling.
 */
static inline void *direct_slot(struct nf_conntrack *ct, int type, int kind)
{
	const struct attr_desc *d;

	if (unlikely(ct == NULL || (unsigned)type >= ATTR_MAX))
		return NULL;
	d = &attr_table[type];
	if (d->kind != kind || (d->flags & AF_NOSET) || is_icmp(type))
		return NULL;
	attr_mark(ct, type);
	return (char *)ct + d->offset;
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
	void *p = direct_slot(ct, type, AK_U8);

	if (likely(p != NULL)) {
		memcpy(p, &value, sizeof(value));
		return;
	}
	set_scalar(ct, type, &value, sizeof(value));
}

/**
 * nfct_set_attr_u16 - set a 16-bit attribute
 * @ct: the object
 * @type: attribute (ATTR_*) whose value is 16 bits wide
 * @value: the value, in the byte order the attribute documents
 *
 * As nfct_set_attr_l() with a pointer to @value. The label attributes,
 * which take a bitmask pointer, are refused with errno EINVAL.
 */
NFCT_EXPORT void nfct_set_attr_u16(struct nf_conntrack *ct,
				   const enum nf_conntrack_attr type,
				   uint16_t value)
{
	void *p = direct_slot(ct, type, AK_U16);

	if (likely(p != NULL)) {
		memcpy(p, &value, sizeof(value));
		return;
	}
	set_scalar(ct, type, &value, sizeof(value));
}

/**
 * nfct_set_attr_u32 - set a 32-bit attribute
 * @ct: the object
 * @type: attribute (ATTR_*) whose value is 32 bits wide
 * @value: the value, in the byte order the attribute documents
 *
 * As nfct_set_attr_l() with a pointer to @value. The label attributes,
 * which take a bitmask pointer, are refused with errno EINVAL.
 */
NFCT_EXPORT void nfct_set_attr_u32(struct nf_conntrack *ct,
				   const enum nf_conntrack_attr type,
				   uint32_t value)
{
	void *p = direct_slot(ct, type, AK_U32);

	if (likely(p != NULL)) {
		memcpy(p, &value, sizeof(value));
		return;
	}
	set_scalar(ct, type, &value, sizeof(value));
}

/**
 * nfct_set_attr_u64 - set a 64-bit attribute
 * @ct: the object
 * @type: attribute (ATTR_*) whose value is 64 bits wide
 * @value: the value, in the byte order the attribute documents
 *
 * As nfct_set_attr_l() with a pointer to @value. The label attributes,
 * which take a bitmask pointer, are refused with errno EINVAL.
 */
NFCT_EXPORT void nfct_set_attr_u64(struct nf_conntrack *ct,
				   const enum nf_conntrack_attr type,
				   uint64_t value)
{
	void *p = direct_slot(ct, type, AK_U64);

	if (likely(p != NULL)) {
		memcpy(p, &value, sizeof(value));
		return;
	}
	set_scalar(ct, type, &value, sizeof(value));
}

/* nfct_get_attr() for errors, unset attributes and heap values. */
static __attribute__((noinline)) const void *
get_attr_slow(const struct nf_conntrack *ct, int type)
{
	const char *slot;

	if (unlikely(ct == NULL || (unsigned)type >= ATTR_MAX))
		return fail_null(EINVAL);
	if (!attr_isset(ct, type)) {
		errno = ENODATA;	/* common: callers probe attributes */
		return NULL;
	}
	/* inline values (size != 0) are in the object, heap ones (labels,
	 * helper info, security context) behind the pointer there */
	slot = attr_cptr(ct, type);
	if (likely(attr_table[type].size != 0))
		return slot;
	return *(const void *const *)slot;
}

/*
 * Where an attribute's value is, for the getter's fast path: the
 * value's offset, the attribute's set word and bit. The bit is 0 for
 * heap values, so that a set inline value costs one test; every field
 * is 0 before the table is filled, and the general path answers then.
 */
static struct {
	uint16_t offset;
	uint8_t word;
	uint8_t inline_value;	/* 1: value in the object, 0: heap value */
	uint32_t bit;
} get_desc[ATTR_MAX];

__attribute__((constructor)) static void get_desc_init(void)
{
	for (int t = 0; t < ATTR_MAX; t++) {
		get_desc[t].offset = attr_table[t].offset;
		get_desc[t].word = t >> 5;
		get_desc[t].inline_value = attr_table[t].size != 0;
		get_desc[t].bit = attr_table[t].size ? 1u << (t & 31) : 0;
	}
}

/*
 * The psABIs of 64-bit targets leave the upper half of a 32-bit
 * argument's register undefined, so a compiler zero-extends an enum
 * argument before indexing with it. The getter takes the whole register
 * instead (the symbol is still nfct_get_attr, the header's prototype
 * unchanged): when the upper half is zero, as callers' compilers leave
 * it in practice, the one range check covers both halves, and otherwise
 * the general path answers from the 32-bit value. One instruction fewer
 * on the hottest getter.
 */
#if defined(__GNUC__) && defined(__LP64__)
NFCT_EXPORT const void *get_attr_register(const struct nf_conntrack *ct,
					  const unsigned long type)
	__asm__("nfct_get_attr");
#define nfct_get_attr get_attr_register
#define GET_ATTR_INDEX unsigned long
#else
#define GET_ATTR_INDEX enum nf_conntrack_attr
#endif

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
				      const GET_ATTR_INDEX type)
{
	if (likely(type < ATTR_MAX && ct != NULL)) {
		if (likely(ct->set[get_desc[type].word] & get_desc[type].bit))
			return (const char *)ct + get_desc[type].offset;
		/* an inline value not set: probing for those is common */
		if (likely(get_desc[type].inline_value)) {
			errno = ENODATA;
			return NULL;
		}
	}
	return get_attr_slow(ct, (unsigned int)type);
}
#undef nfct_get_attr
#undef GET_ATTR_INDEX

/*
 * Read up to @len bytes of an attribute into @v (zeroed first). Heap
 * values may be shorter than the width asked for: read only what is
 * there rather than past the end of the block.
 */
static __attribute__((noinline)) void get_scalar(const struct nf_conntrack *ct,
						  int type, void *v, size_t len)
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

/*
 * The value of a set attribute of exactly @kind, for the typed getters;
 * NULL: take the generic path (other widths, unset, errors).
 */
static inline const void *direct_value(const struct nf_conntrack *ct,
				       int type, int kind)
{
	if (unlikely(ct == NULL || (unsigned)type >= ATTR_MAX))
		return NULL;
	if (attr_table[type].kind != kind || !attr_isset(ct, type))
		return NULL;
	return attr_cptr(ct, type);
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
	const void *p = direct_value(ct, type, AK_U8);
	uint8_t v;

	if (likely(p != NULL)) {
		memcpy(&v, p, sizeof(v));
		return v;
	}
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
	const void *p = direct_value(ct, type, AK_U16);
	uint16_t v;

	if (likely(p != NULL)) {
		memcpy(&v, p, sizeof(v));
		return v;
	}
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
	const void *p = direct_value(ct, type, AK_U32);
	uint32_t v;

	if (likely(p != NULL)) {
		memcpy(&v, p, sizeof(v));
		return v;
	}
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
	const void *p = direct_value(ct, type, AK_U64);
	uint64_t v;

	if (likely(p != NULL)) {
		memcpy(&v, p, sizeof(v));
		return v;
	}
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
 * Data the attribute owned (labels, helper info) is freed. Returns 0, or -1 (errno EINVAL) for an unknown attribute.
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
