/*
 * Expectation objects (nfexp_*): what the kernel expects a related
 * connection to look like (FTP data channels, SIP media, ...).
 *
 * An expectation holds four tuples -- master, expected, mask and NAT --
 * each stored as the leading part of a struct nf_conntrack (its set
 * bitmap and original tuple). nfexp_get_attr() on one of them returns a
 * pointer that the nfct_get_attr*() family reads like a conntrack object
 * for the original-tuple attributes. Like a conntrack object, a zeroed
 * block of nfexp_maxsize() bytes is a valid empty expectation and the
 * object can be copied with memcpy() (conntrackd does).
 */
#include <stdlib.h>
#include <arpa/inet.h>

#include "object.h"

/*
 * Take a conntrack object as an expectation tuple: its attribute bits
 * and its original tuple, the part the kernel gets, as the original
 * library does. Every bit set in @ct stays set, so is_set() answers
 * as there; values outside the original tuple read as zero. Heap values
 * (labels, helper info, security context) are not taken: the tuple does
 * not own them and @ct may free them. Bits past the last attribute are
 * dropped too.
 */
static void head_from_ct(struct ct_head *h, const struct nf_conntrack *ct)
{
	struct nf_conntrack *t = (struct nf_conntrack *)(void *)h;

	memset(h, 0, sizeof(*h));
	memcpy(h->set, ct->set, sizeof(h->set));
	h->orig = ct->orig;
	for (int a = 0; a < ATTR_MAX; a++)
		if (attr_table[a].size == 0)
			attr_clear(t, a);
	for (int a = ATTR_MAX; a < ATTR_SET_WORDS * 32; a++)
		h->set[a >> 5] &= ~(1u << (a & 31));
}

/**
 * nfexp_new - allocate an empty expectation object
 *
 * Returns the object, or NULL (errno ENOMEM). Release with nfexp_destroy().
 */
NFCT_EXPORT struct nf_expect *nfexp_new(void)
{
	return calloc(1, sizeof(struct nf_expect));
}

/**
 * nfexp_destroy - release an expectation object
 * @exp: object from nfexp_new() or nfexp_clone(); NULL is ignored
 */
NFCT_EXPORT void nfexp_destroy(struct nf_expect *exp)
{
	free(exp);
}

/**
 * nfexp_clone - allocate a copy of an expectation
 * @exp: the expectation to copy
 *
 * Returns the copy, to release with nfexp_destroy(), or NULL with errno
 * EINVAL (NULL @exp) or ENOMEM.
 */
NFCT_EXPORT struct nf_expect *nfexp_clone(const struct nf_expect *exp)
{
	struct nf_expect *c;

	if (exp == NULL) {
		errno = EINVAL;
		return NULL;
	}
	c = malloc(sizeof(*c));
	if (c)
		memcpy(c, exp, sizeof(*c));
	return c;
}

/**
 * nfexp_sizeof - size of an expectation object in bytes
 * @exp: the object (unused: every object has the same size)
 *
 * Returns sizeof(struct nf_expect) of this library; never fails.
 */
NFCT_EXPORT size_t nfexp_sizeof(const struct nf_expect *exp)
{
	(void)exp;
	return sizeof(struct nf_expect);
}

/**
 * nfexp_maxsize - size of the largest expectation object in bytes
 *
 * A zeroed block of this size is a valid empty expectation, and
 * expectations may be copied with memcpy() of this size. Returns the
 * size; never fails.
 */
NFCT_EXPORT size_t nfexp_maxsize(void)
{
	return sizeof(struct nf_expect);
}

/* Copy a string into a fixed field, truncating, always terminated. */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t len = strnlen(src, size - 1);

	memcpy(dst, src, len);
	memset(dst + len, 0, size - len);
}

/**
 * nfexp_set_attr - set an expectation attribute
 * @exp: the expectation
 * @type: attribute (ATTR_EXP_*)
 * @value: for ATTR_EXP_MASTER, _EXPECTED, _MASK and _NAT_TUPLE a
 *   struct nf_conntrack * whose original tuple is copied; for the others
 *   a pointer to the value of the documented type
 *
 * Unknown attributes and NULL values are ignored (errno EINVAL).
 */
NFCT_EXPORT void nfexp_set_attr(struct nf_expect *exp,
				const enum nf_expect_attr type,
				const void *value)
{
	struct ct_head *h;

	if (exp == NULL || value == NULL || (unsigned)type >= ATTR_EXP_MAX) {
		errno = EINVAL;
		return;
	}
	h = exp_head(exp, type);
	if (h) {
		head_from_ct(h, value);
	} else {
		switch (type) {
		case ATTR_EXP_TIMEOUT:
			memcpy(&exp->timeout, value, sizeof(uint32_t));
			break;
		case ATTR_EXP_ZONE:
			memcpy(&exp->zone, value, sizeof(uint16_t));
			break;
		case ATTR_EXP_FLAGS:
			memcpy(&exp->flags, value, sizeof(uint32_t));
			break;
		case ATTR_EXP_HELPER_NAME:
			copy_str(exp->helper_name, sizeof(exp->helper_name), value);
			break;
		case ATTR_EXP_CLASS:
			memcpy(&exp->class, value, sizeof(uint32_t));
			break;
		case ATTR_EXP_NAT_DIR:
			memcpy(&exp->nat_dir, value, sizeof(uint8_t));
			break;
		case ATTR_EXP_FN:
			copy_str(exp->expectfn, sizeof(exp->expectfn), value);
			break;
		default:
			return;
		}
	}
	exp->set |= 1u << type;
}

/*
 * The typed setters hand over a number: padded (struct scalar_arg) so
 * that a wider attribute or a string attribute cannot read past the
 * caller's variable, and refused for the tuple attributes, which need
 * a conntrack object, not a number.
 */
static void exp_set_scalar(struct nf_expect *exp, int type, const void *v,
			   size_t len)
{
	struct scalar_arg a = scalar_arg(v, len);

	if (exp != NULL && exp_head(exp, type) != NULL) {
		errno = EINVAL;
		return;
	}
	nfexp_set_attr(exp, type, a.b);
}

/**
 * nfexp_set_attr_u8 - set an 8-bit expectation attribute
 * @exp: the expectation
 * @type: attribute (ATTR_EXP_*) whose value is 8 bits wide
 * @value: the value
 *
 * As nfexp_set_attr() with a pointer to @value. The tuple attributes
 * (ATTR_EXP_MASTER, _EXPECTED, _MASK, _NAT_TUPLE), which take a
 * conntrack object, are refused with errno EINVAL.
 */
NFCT_EXPORT void nfexp_set_attr_u8(struct nf_expect *exp,
				   const enum nf_expect_attr type,
				   uint8_t value)
{
	exp_set_scalar(exp, type, &value, sizeof(value));
}

/**
 * nfexp_set_attr_u16 - set a 16-bit expectation attribute
 * @exp: the expectation
 * @type: attribute (ATTR_EXP_*) whose value is 16 bits wide
 * @value: the value
 *
 * As nfexp_set_attr_u8().
 */
NFCT_EXPORT void nfexp_set_attr_u16(struct nf_expect *exp,
				    const enum nf_expect_attr type,
				    uint16_t value)
{
	exp_set_scalar(exp, type, &value, sizeof(value));
}

/**
 * nfexp_set_attr_u32 - set a 32-bit expectation attribute
 * @exp: the expectation
 * @type: attribute (ATTR_EXP_*) whose value is 32 bits wide
 * @value: the value
 *
 * As nfexp_set_attr_u8().
 */
NFCT_EXPORT void nfexp_set_attr_u32(struct nf_expect *exp,
				    const enum nf_expect_attr type,
				    uint32_t value)
{
	exp_set_scalar(exp, type, &value, sizeof(value));
}

/**
 * nfexp_get_attr - get a pointer to an expectation attribute's value
 * @exp: the expectation
 * @type: attribute (ATTR_EXP_*)
 *
 * The pointer points into @exp and is valid until the attribute changes
 * or @exp is destroyed.
 * For the tuple attributes the pointer can be read with nfct_get_attr*()
 * for the original-tuple attributes (addresses, ports, ICMP, protocols,
 * zone). Returns NULL if unknown (errno EINVAL) or not set (ENODATA).
 */
NFCT_EXPORT const void *nfexp_get_attr(const struct nf_expect *exp,
				       const enum nf_expect_attr type)
{
	struct nf_expect *e = (struct nf_expect *)exp;
	struct ct_head *h;

	if (exp == NULL || (unsigned)type >= ATTR_EXP_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if (!exp_isset(exp, type)) {
		errno = ENODATA;
		return NULL;
	}
	h = exp_head(e, type);
	if (h)
		return h;
	switch (type) {
	case ATTR_EXP_TIMEOUT:
		return &exp->timeout;
	case ATTR_EXP_ZONE:
		return &exp->zone;
	case ATTR_EXP_FLAGS:
		return &exp->flags;
	case ATTR_EXP_HELPER_NAME:
		return exp->helper_name;
	case ATTR_EXP_CLASS:
		return &exp->class;
	case ATTR_EXP_NAT_DIR:
		return &exp->nat_dir;
	case ATTR_EXP_FN:
		return exp->expectfn;
	default:
		return NULL;
	}
}

/**
 * nfexp_get_attr_u8 - get an 8-bit expectation attribute
 * @exp: the expectation
 * @type: attribute (ATTR_EXP_*) whose value is 8 bits wide
 *
 * Returns the value, or 0 when the attribute is unknown (errno EINVAL)
 * or not set (errno ENODATA).
 */
NFCT_EXPORT uint8_t nfexp_get_attr_u8(const struct nf_expect *exp,
				      const enum nf_expect_attr type)
{
	const uint8_t *p = nfexp_get_attr(exp, type);
	return p ? *p : 0;
}

/**
 * nfexp_get_attr_u16 - get a 16-bit expectation attribute
 * @exp: the expectation
 * @type: attribute (ATTR_EXP_*) whose value is 16 bits wide
 *
 * Returns the value, or 0 when the attribute is unknown (errno EINVAL)
 * or not set (errno ENODATA).
 */
NFCT_EXPORT uint16_t nfexp_get_attr_u16(const struct nf_expect *exp,
					const enum nf_expect_attr type)
{
	const void *p = nfexp_get_attr(exp, type);
	uint16_t v = 0;

	if (p)
		memcpy(&v, p, sizeof(v));
	return v;
}

/**
 * nfexp_get_attr_u32 - get a 32-bit expectation attribute
 * @exp: the expectation
 * @type: attribute (ATTR_EXP_*) whose value is 32 bits wide
 *
 * Returns the value, or 0 when the attribute is unknown (errno EINVAL)
 * or not set (errno ENODATA).
 */
NFCT_EXPORT uint32_t nfexp_get_attr_u32(const struct nf_expect *exp,
					const enum nf_expect_attr type)
{
	const void *p = nfexp_get_attr(exp, type);
	uint32_t v = 0;

	if (p)
		memcpy(&v, p, sizeof(v));
	return v;
}

/**
 * nfexp_attr_is_set - tell whether an expectation attribute is set
 * @exp: the expectation
 * @type: attribute (ATTR_EXP_*)
 *
 * Returns 1 if set, 0 if not, -1 with errno EINVAL for an unknown
 * attribute or a NULL @exp.
 */
NFCT_EXPORT int nfexp_attr_is_set(const struct nf_expect *exp,
				  const enum nf_expect_attr type)
{
	if (exp == NULL || (unsigned)type >= ATTR_EXP_MAX) {
		errno = EINVAL;
		return -1;
	}
	return exp_isset(exp, type);
}

/**
 * nfexp_attr_unset - mark an expectation attribute as not set
 * @exp: the expectation
 * @type: attribute (ATTR_EXP_*)
 *
 * Returns 0, or -1 with errno EINVAL for an unknown attribute or a NULL
 * @exp.
 */
NFCT_EXPORT int nfexp_attr_unset(struct nf_expect *exp,
				 const enum nf_expect_attr type)
{
	if (exp == NULL || (unsigned)type >= ATTR_EXP_MAX) {
		errno = EINVAL;
		return -1;
	}
	exp->set &= ~(1u << type);
	return 0;
}

/* ---- comparison ---------------------------------------------------- */

/* Compare one attribute: equal if both unset or both equal; one side
 * unset counts as equal unless NFCT_CMP_STRICT or (NFCT_CMP_MASK and it
 * is set in exp1). */
static int cmp_one(const struct nf_expect *e1, const struct nf_expect *e2,
		   int type, unsigned int flags, bool equal)
{
	bool a = exp_isset(e1, type), b = exp_isset(e2, type);

	if (a && b)
		return equal;
	if (!a && !b)
		return 1;
	if ((flags & NFCT_CMP_MASK) && a)
		return 0;
	if (flags & NFCT_CMP_STRICT)
		return 0;
	return 1;
}

/*
 * Compare two tuples the way nfct_cmp() compares original tuples
 * (attribute by attribute, ICMP fields only for ICMP, one-side-unset
 * rules from @flags), as the original does. The heads are copied into
 * whole objects so nfct_cmp() reads nothing past them.
 */
static bool head_equal(const struct ct_head *a, const struct ct_head *b,
		       unsigned int flags)
{
	struct nf_conntrack ca, cb;

	memset(&ca, 0, sizeof(ca));
	memset(&cb, 0, sizeof(cb));
	memcpy(ca.set, a->set, sizeof(ca.set));
	memcpy(cb.set, b->set, sizeof(cb.set));
	ca.orig = a->orig;
	cb.orig = b->orig;
	/* the original tuple only, whatever else the caller's flags ask
	 * for: the rest of a tuple object is not part of the expectation */
	return nfct_cmp(&ca, &cb, (flags & (NFCT_CMP_MASK | NFCT_CMP_STRICT)) |
			NFCT_CMP_ORIG) == 1;
}

/**
 * nfexp_cmp - compare two expectations
 * @exp1: first expectation (the mask, with NFCT_CMP_MASK)
 * @exp2: second expectation
 * @flags: 0, NFCT_CMP_STRICT or NFCT_CMP_MASK (see nfct_cmp())
 *
 * Compares the tuples (as nfct_cmp() compares original tuples), flags,
 * zone, class, NAT direction, helper name and function. The timeout is
 * not compared (it runs down while the expectation lives), as in the
 * original.
 * Returns 1 if they match, 0 if not.
 */
NFCT_EXPORT int nfexp_cmp(const struct nf_expect *exp1,
			  const struct nf_expect *exp2, unsigned int flags)
{
	if (exp1 == NULL || exp2 == NULL) {
		errno = EINVAL;
		return 0;
	}
	return cmp_one(exp1, exp2, ATTR_EXP_MASTER, flags,
		       head_equal(&exp1->master, &exp2->master, flags)) &&
	       cmp_one(exp1, exp2, ATTR_EXP_EXPECTED, flags,
		       head_equal(&exp1->expected, &exp2->expected, flags)) &&
	       cmp_one(exp1, exp2, ATTR_EXP_MASK, flags,
		       head_equal(&exp1->mask, &exp2->mask, flags)) &&
	       cmp_one(exp1, exp2, ATTR_EXP_NAT_TUPLE, flags,
		       head_equal(&exp1->nat, &exp2->nat, flags)) &&
	       cmp_one(exp1, exp2, ATTR_EXP_FLAGS, flags,
		       exp1->flags == exp2->flags) &&
	       cmp_one(exp1, exp2, ATTR_EXP_ZONE, flags,
		       exp1->zone == exp2->zone) &&
	       cmp_one(exp1, exp2, ATTR_EXP_CLASS, flags,
		       exp1->class == exp2->class) &&
	       cmp_one(exp1, exp2, ATTR_EXP_NAT_DIR, flags,
		       exp1->nat_dir == exp2->nat_dir) &&
	       cmp_one(exp1, exp2, ATTR_EXP_HELPER_NAME, flags,
		       strcmp(exp1->helper_name, exp2->helper_name) == 0) &&
	       cmp_one(exp1, exp2, ATTR_EXP_FN, flags,
		       strcmp(exp1->expectfn, exp2->expectfn) == 0);
}

/* ---- requests ------------------------------------------------------ */

