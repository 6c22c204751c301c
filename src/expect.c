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

#include "internal.h"

static bool exp_isset(const struct nf_expect *exp, int type)
{
	return exp->set & (1u << type);
}

/* The ct_head an ATTR_EXP_* tuple attribute lives in, or NULL. */
static struct ct_head *exp_head(struct nf_expect *exp, int type)
{
	switch (type) {
	case ATTR_EXP_MASTER:
		return &exp->master;
	case ATTR_EXP_EXPECTED:
		return &exp->expected;
	case ATTR_EXP_MASK:
		return &exp->mask;
	case ATTR_EXP_NAT_TUPLE:
		return &exp->nat;
	default:
		return NULL;
	}
}

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

/**
 * nfexp_set_attr_u8 - set an 8-bit expectation attribute
 * @exp: the expectation
 * @type: attribute (ATTR_EXP_*) whose value is 8 bits wide
 * @value: the value
 *
 * As nfexp_set_attr() with a pointer to @value.
 */
NFCT_EXPORT void nfexp_set_attr_u8(struct nf_expect *exp,
				   const enum nf_expect_attr type,
				   uint8_t value)
{
	/* a wider attribute reads 4 bytes: never past our variable
	 * (ASan, tests/expect); zero above the value */
	unsigned char b[4] = { 0 };

	memcpy(b, &value, sizeof(value));
	nfexp_set_attr(exp, type, b);
}

/**
 * nfexp_set_attr_u16 - set a 16-bit expectation attribute
 * @exp: the expectation
 * @type: attribute (ATTR_EXP_*) whose value is 16 bits wide
 * @value: the value
 *
 * As nfexp_set_attr() with a pointer to @value.
 */
NFCT_EXPORT void nfexp_set_attr_u16(struct nf_expect *exp,
				    const enum nf_expect_attr type,
				    uint16_t value)
{
	unsigned char b[4] = { 0 };	/* as in nfexp_set_attr_u8() */

	memcpy(b, &value, sizeof(value));
	nfexp_set_attr(exp, type, b);
}

/**
 * nfexp_set_attr_u32 - set a 32-bit expectation attribute
 * @exp: the expectation
 * @type: attribute (ATTR_EXP_*) whose value is 32 bits wide
 * @value: the value
 *
 * As nfexp_set_attr() with a pointer to @value.
 */
NFCT_EXPORT void nfexp_set_attr_u32(struct nf_expect *exp,
				    const enum nf_expect_attr type,
				    uint32_t value)
{
	nfexp_set_attr(exp, type, &value);
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

/* ---- netlink codec ------------------------------------------------- */

/* Emit a tuple nest from a head whose l3/l4 protocol fields are set. */
static void put_tuple(struct nlmsghdr *nlh, const struct ct_head *h, int type)
{
	nfct_build_tuple(nlh, &h->orig, type);
}

/**
 * nfexp_nlmsg_build - append an expectation's attributes to a message
 * @nlh: message started by the caller (header and struct nfgenmsg)
 * @exp: the expectation
 *
 * Emits the expected tuple, master tuple, mask (when its layer 3
 * protocol is known), timeout, flags, zone, helper name, class, NAT and
 * expectation function. Returns 0.
 */
NFCT_EXPORT int nfexp_nlmsg_build(struct nlmsghdr *nlh,
				  const struct nf_expect *exp)
{
	if (nlh == NULL || exp == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (exp_isset(exp, ATTR_EXP_EXPECTED))
		put_tuple(nlh, &exp->expected, CTA_EXPECT_TUPLE);
	if (exp_isset(exp, ATTR_EXP_MASTER))
		put_tuple(nlh, &exp->master, CTA_EXPECT_MASTER);
	if (exp_isset(exp, ATTR_EXP_MASK) &&
	    (exp->mask.set[0] & (1u << ATTR_ORIG_L3PROTO)))
		put_tuple(nlh, &exp->mask, CTA_EXPECT_MASK);
	if (exp_isset(exp, ATTR_EXP_TIMEOUT))
		mnl_attr_put_u32(nlh, CTA_EXPECT_TIMEOUT, htonl(exp->timeout));
	if (exp_isset(exp, ATTR_EXP_FLAGS))
		mnl_attr_put_u32(nlh, CTA_EXPECT_FLAGS, htonl(exp->flags));
	if (exp_isset(exp, ATTR_EXP_ZONE))
		mnl_attr_put_u16(nlh, CTA_EXPECT_ZONE, htons(exp->zone));
	if (exp_isset(exp, ATTR_EXP_HELPER_NAME))
		mnl_attr_put_strz(nlh, CTA_EXPECT_HELP_NAME, exp->helper_name);
	return 0;
}

/* Parse one tuple nest into a head; the family comes from the message. */
static int get_tuple(const struct nlattr *attr, struct ct_head *h,
		     uint8_t family)
{
	memset(h, 0, sizeof(*h));
	if (nfct_parse_tuple(attr, &h->orig, DIR_ORIG, h->set) < 0)
		return -1;
	h->orig.l3proto = family;
	h->set[ATTR_ORIG_L3PROTO >> 5] |= 1u << (ATTR_ORIG_L3PROTO & 31);
	return 0;
}

/* Copy a string attribute into a fixed field if it is terminated. */
static void get_str(const struct nlattr *a, char *dst, size_t size)
{
	size_t len = mnl_attr_get_payload_len(a);
	const char *s = mnl_attr_get_payload(a);

	if (len == 0 || memchr(s, '\0', len) == NULL)
		len = len < size - 1 ? len : size - 1;
	else
		len = strnlen(s, size - 1);
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static bool attr_len_ok(const struct nlattr *a, size_t min)
{
	return mnl_attr_get_payload_len(a) >= min;
}

/* Read a big-endian 32-bit attribute; false if it is too short. */
static bool get_be32(const struct nlattr *a, uint32_t *v)
{
	if (!attr_len_ok(a, sizeof(*v)))
		return false;
	*v = ntohl(mnl_attr_get_u32(a));
	return true;
}

/**
 * nfexp_nlmsg_parse - fill an expectation from a ctnetlink message
 * @nlh: an IPCTNL_MSG_EXP_* message
 * @exp: the object to fill (attributes absent from the message are kept)
 *
 * Returns 0, or -1 (errno EINVAL) if the message is malformed.
 */
NFCT_EXPORT int nfexp_nlmsg_parse(const struct nlmsghdr *nlh,
				  struct nf_expect *exp)
{
	const struct nfgenmsg *nfg;
	const struct nlattr *a;
	struct ct_head *h;
	const char *end;

	if (nlh == NULL || exp == NULL ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*nfg))) {
		errno = EINVAL;
		return -1;
	}
	nfg = mnl_nlmsg_get_payload(nlh);
	/* bounded by nlmsg_len itself: mnl_attr_for_each() would walk into
	 * the alignment padding after an odd length (fuzz_exp_parse) */
	end = (const char *)nlh + nlh->nlmsg_len;
	for (a = mnl_nlmsg_get_payload_offset(nlh, sizeof(*nfg));
	     mnl_attr_ok(a, end - (const char *)a); a = mnl_attr_next(a)) {
		int type = mnl_attr_get_type(a);
		int attr = -1;

		switch (type) {
		case CTA_EXPECT_MASTER:
			attr = ATTR_EXP_MASTER;
			break;
		case CTA_EXPECT_TUPLE:
			attr = ATTR_EXP_EXPECTED;
			break;
		case CTA_EXPECT_MASK:
			attr = ATTR_EXP_MASK;
			break;
		case CTA_EXPECT_TIMEOUT:
			if (!get_be32(a, &exp->timeout))
				goto bad;
			attr = ATTR_EXP_TIMEOUT;
			break;
		case CTA_EXPECT_ID:
			if (!get_be32(a, &exp->id))
				goto bad;
			break;
		case CTA_EXPECT_ZONE:
			if (!attr_len_ok(a, 2))
				goto bad;
			exp->zone = ntohs(mnl_attr_get_u16(a));
			attr = ATTR_EXP_ZONE;
			break;
		case CTA_EXPECT_FLAGS:
			if (!get_be32(a, &exp->flags))
				goto bad;
			attr = ATTR_EXP_FLAGS;
			break;
		case CTA_EXPECT_CLASS:
			if (!get_be32(a, &exp->class))
				goto bad;
			attr = ATTR_EXP_CLASS;
			break;
		case CTA_EXPECT_HELP_NAME:
			get_str(a, exp->helper_name, sizeof(exp->helper_name));
			attr = ATTR_EXP_HELPER_NAME;
			break;
		case CTA_EXPECT_FN:
			get_str(a, exp->expectfn, sizeof(exp->expectfn));
			attr = ATTR_EXP_FN;
			break;
		case CTA_EXPECT_NAT: {
			const struct nlattr *n;
			mnl_attr_for_each_nested(n, a) {
				switch (mnl_attr_get_type(n)) {
				case CTA_EXPECT_NAT_DIR:
					if (!attr_len_ok(n, 4))
						goto bad;
					exp->nat_dir = ntohl(mnl_attr_get_u32(n));
					exp->set |= 1u << ATTR_EXP_NAT_DIR;
					break;
				case CTA_EXPECT_NAT_TUPLE:
					if (get_tuple(n, &exp->nat, nfg->nfgen_family) < 0)
						goto bad;
					exp->set |= 1u << ATTR_EXP_NAT_TUPLE;
					break;
				}
			}
			break;
		}
		}
		h = attr >= 0 ? exp_head(exp, attr) : NULL;
		if (h && get_tuple(a, h, nfg->nfgen_family) < 0)
			goto bad;
		if (attr >= 0)
			exp->set |= 1u << attr;
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
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

/* The layer 3 protocol of a tuple attribute, -1 if it has none. */
static int head_family(const struct nf_expect *exp, int type, uint8_t *family)
{
	const struct ct_head *h = exp_head((struct nf_expect *)exp, type);

	if (!exp_isset(exp, type) ||
	    !(h->set[0] & (1u << ATTR_ORIG_L3PROTO)))
		return -1;
	*family = h->orig.l3proto;
	return 0;
}

/*
 * Start an expectation-subsystem request in buf. With @exp, the family
 * is its master's layer 3 protocol, else the expected tuple's; one must
 * be set (ENODATA), as in the original; the bare netlink header is laid down before that check,
 * so a failed build leaves a 16-byte empty header like the original's.
 */
static struct nlmsghdr *exp_put_header(void *buf, size_t size, uint8_t msg,
				       uint16_t flags, uint8_t family,
				       const struct nf_expect *exp)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	if (size < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*nfg))) {
		errno = ENOSPC;
		return NULL;
	}
	memset(buf, 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*nfg)));
	nlh = mnl_nlmsg_put_header(buf);
	if (exp && head_family(exp, ATTR_EXP_MASTER, &family) < 0 &&
	    head_family(exp, ATTR_EXP_EXPECTED, &family) < 0) {
		errno = ENODATA;
		return NULL;
	}
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK_EXP << 8) | msg;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

struct nlmsghdr *exp_query_build(void *buf, size_t size,
				 enum nf_conntrack_query q, const void *data)
{
	const struct nf_expect *exp = data;
	struct nlmsghdr *nlh;
	uint8_t msg;
	uint16_t flags;

	if (data == NULL) {
		errno = EINVAL;
		return NULL;
	}
	switch (q) {
	case NFCT_Q_CREATE:
		msg = IPCTNL_MSG_EXP_NEW;
		flags = NLM_F_CREATE | NLM_F_ACK | NLM_F_EXCL;
		break;
	case NFCT_Q_CREATE_UPDATE:
		msg = IPCTNL_MSG_EXP_NEW;
		flags = NLM_F_CREATE | NLM_F_ACK;
		break;
	case NFCT_Q_UPDATE:
		/* the kernel cannot update expectations; nor can the original */
		errno = EOPNOTSUPP;
		return NULL;
	case NFCT_Q_GET:
		msg = IPCTNL_MSG_EXP_GET;
		flags = NLM_F_ACK;
		break;
	case NFCT_Q_DESTROY:
		msg = IPCTNL_MSG_EXP_DELETE;
		flags = NLM_F_ACK;
		break;
	case NFCT_Q_FLUSH:
		return exp_put_header(buf, size, IPCTNL_MSG_EXP_DELETE, NLM_F_ACK,
				      *(const uint8_t *)data, NULL);
	case NFCT_Q_DUMP:
		/* no ACK asked, as the original: NLMSG_DONE ends the dump */
		return exp_put_header(buf, size, IPCTNL_MSG_EXP_GET,
				      NLM_F_ROOT | NLM_F_MATCH,
				      *(const uint8_t *)data, NULL);
	default:
		errno = ENOTSUP;
		return NULL;
	}
	nlh = exp_put_header(buf, size, msg, flags, 0, exp);
	if (nlh == NULL)
		return NULL;
	/* 4 KiB always fits an expectation; smaller buffers are checked. */
	if (size < 4096) {
		errno = ENOSPC;
		return NULL;
	}
	nfexp_nlmsg_build(nlh, exp);
	return nlh;
}

/**
 * nfexp_build_query - build an expectation request (deprecated)
 * @ssh: libnfnetlink subsystem handle (used for the sequence number)
 * @qt: query type (NFCT_Q_*)
 * @data: struct nf_expect * or, for FLUSH and DUMP, uint32_t * family
 * @buffer: where to build
 * @size: size of @buffer
 *
 * Returns 1, or -1 with errno set: EOPNOTSUPP for NFCT_Q_UPDATE (the
 * kernel has no expectation update), ENODATA when the expectation has no
 * master with a layer 3 protocol, which gives the request's family.
 */
NFCT_EXPORT int nfexp_build_query(struct nfnl_subsys_handle *ssh,
				  const enum nf_conntrack_query qt,
				  const void *data, void *buffer,
				  unsigned int size)
{
	struct nlmsghdr *nlh = exp_query_build(buffer, size, qt, data);

	(void)ssh;
	/* the original returns 1 for a built request */
	return nlh ? 1 : -1;
}

/**
 * nfexp_build_expect - build an expectation message (deprecated)
 * @ssh: libnfnetlink subsystem handle
 * @req: buffer, at least 4 KiB
 * @size: size of @req
 * @type: message type (IPCTNL_MSG_EXP_*)
 * @flags: netlink flags besides NLM_F_REQUEST
 * @exp: the expectation
 *
 * Returns 0, or -1 with errno EINVAL (NULL @req or @exp, @size below
 * 4096). Use nfexp_nlmsg_build() in new code.
 */
NFCT_EXPORT int nfexp_build_expect(struct nfnl_subsys_handle *ssh, void *req,
				   size_t size, uint16_t type, uint16_t flags,
				   const struct nf_expect *exp)
{
	struct nlmsghdr *nlh;

	(void)ssh;
	if (req == NULL || exp == NULL || size < 4096) {
		errno = EINVAL;
		return -1;
	}
	nlh = exp_put_header(req, size, type, flags, 0, exp);
	if (nlh == NULL)
		return -1;
	/* the caller's flags exactly: the original adds no NLM_F_REQUEST */
	nlh->nlmsg_flags = flags;
	return nfexp_nlmsg_build(nlh, exp);
}

/* Message type and flags -> NFCT_T_* (0 if none applies). */
static int exp_event_type(const struct nlmsghdr *nlh)
{
	switch (nlh->nlmsg_type & 0xff) {
	case IPCTNL_MSG_EXP_NEW:
		if (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL))
			return NFCT_T_NEW;
		return NFCT_T_UPDATE;
	case IPCTNL_MSG_EXP_DELETE:
		return NFCT_T_DESTROY;
	}
	return 0;
}

/**
 * nfexp_parse_expect - parse an expectation message (deprecated)
 * @type: the NFCT_T_* types wanted (NFCT_T_ALL for any)
 * @nlh: the message
 * @exp: object to fill in
 *
 * Returns the message's NFCT_T_* type, 0 if it is not one of @type or is
 * too short for its headers (@exp is not touched then), or NFCT_T_ERROR
 * with errno set (EINVAL: NULL argument or malformed message).
 */
NFCT_EXPORT int nfexp_parse_expect(enum nf_conntrack_msg_type type,
				   const struct nlmsghdr *nlh,
				   struct nf_expect *exp)
{
	int t;

	if (nlh == NULL || exp == NULL) {
		errno = EINVAL;
		return NFCT_T_ERROR;
	}
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct nfgenmsg)) {
		errno = EINVAL;
		return 0;
	}
	t = exp_event_type(nlh);
	if (!(t & type))
		return 0;
	if (nfexp_nlmsg_parse(nlh, exp) < 0)
		return NFCT_T_ERROR;
	return t;
}

/* ---- queries ------------------------------------------------------- */

#define EXP_REQ_SIZE 4096

static struct nlmsghdr *exp_request(struct nfct_handle *h, void *buf,
				    enum nf_conntrack_query q,
				    const void *data)
{
	if (h == NULL || data == NULL || h->ssh_exp == NULL) {
		errno = EINVAL;
		return NULL;
	}
	/* no stack garbage in attribute padding goes to the kernel */
	memset(buf, 0, EXP_REQ_SIZE);
	return exp_query_build(buf, EXP_REQ_SIZE, q, data);
}

/**
 * nfexp_query - run an expectation query and process its reply
 * @h: handle opened on EXPECT or NFNL_SUBSYS_NONE
 * @qt: NFCT_Q_CREATE, _CREATE_UPDATE, _UPDATE, _GET, _DESTROY, _FLUSH or
 *   _DUMP
 * @data: a struct nf_expect *, or for FLUSH and DUMP a pointer to the
 *   family (uint8_t or uint32_t)
 *
 * Entries in the reply go to the expectation callback. Returns 0, or -1
 * with errno set (the kernel's error, or EINVAL/ENOTSUP for bad use).
 */
NFCT_EXPORT int nfexp_query(struct nfct_handle *h,
			    const enum nf_conntrack_query qt,
			    const void *data)
{
	union {
		char buf[EXP_REQ_SIZE];
		struct nlmsghdr align;
	} u;
	struct nlmsghdr *nlh = exp_request(h, u.buf, qt, data);

	if (nlh == NULL)
		return -1;
	return handle_query(h, nlh);
}

/**
 * nfexp_send - send an expectation query without waiting for the reply
 * @h: handle opened on EXPECT or NFNL_SUBSYS_NONE
 * @qt: query type, as for nfexp_query()
 * @data: query data, as for nfexp_query()
 *
 * Arguments as nfexp_query(); process the reply with nfexp_catch().
 * Returns the number of bytes sent, or -1 with errno set.
 */
NFCT_EXPORT int nfexp_send(struct nfct_handle *h,
			   const enum nf_conntrack_query qt,
			   const void *data)
{
	union {
		char buf[EXP_REQ_SIZE];
		struct nlmsghdr align;
	} u;
	struct nlmsghdr *nlh = exp_request(h, u.buf, qt, data);

	if (nlh == NULL)
		return -1;
	return handle_send(h, nlh);
}

/**
 * nfexp_catch - receive and process expectation events or a reply
 * @h: the handle
 *
 * As nfct_catch(). Returns 0 when a callback stops or the reply ends,
 * -1 with errno set otherwise (ENOBUFS: events were lost).
 */
NFCT_EXPORT int nfexp_catch(struct nfct_handle *h)
{
	if (h == NULL) {
		errno = EINVAL;
		return -1;
	}
	return handle_catch(h);
}
