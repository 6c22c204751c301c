/*
 * Expectation codec: struct nf_expect <-> ctnetlink expectation attributes.
 */
#include <stdlib.h>
#include <arpa/inet.h>

#include "codec.h"
/*
 * The attributes of @exp, bounded by @b: expected tuple, master tuple,
 * mask (when its layer 3 protocol is known), timeout, flags, zone and
 * helper name, as the reference's nfexp_nlmsg_build (class, NAT and
 * expectation function are not sent, there either). Returns 0, or -1
 * with errno ENOSPC.
 */
int exp_attrs_build(struct msgbuf *b, const struct nf_expect *exp)
{
	if (exp_isset(exp, ATTR_EXP_EXPECTED))
		ct_tuple_build(b, &exp->expected.orig, CTA_EXPECT_TUPLE);
	if (exp_isset(exp, ATTR_EXP_MASTER))
		ct_tuple_build(b, &exp->master.orig, CTA_EXPECT_MASTER);
	if (exp_isset(exp, ATTR_EXP_MASK) &&
	    (exp->mask.set[0] & (1u << ATTR_ORIG_L3PROTO)))
		ct_tuple_build(b, &exp->mask.orig, CTA_EXPECT_MASK);
	if (exp_isset(exp, ATTR_EXP_TIMEOUT))
		mb_put_u32(b, CTA_EXPECT_TIMEOUT, htonl(exp->timeout));
	if (exp_isset(exp, ATTR_EXP_FLAGS))
		mb_put_u32(b, CTA_EXPECT_FLAGS, htonl(exp->flags));
	if (exp_isset(exp, ATTR_EXP_ZONE))
		mb_put_u16(b, CTA_EXPECT_ZONE, htons(exp->zone));
	if (exp_isset(exp, ATTR_EXP_HELPER_NAME))
		mb_put_strz(b, CTA_EXPECT_HELP_NAME, exp->helper_name);
	return mb_status(b);
}

/**
 * nfexp_nlmsg_build - append an expectation's attributes to a message
 * @nlh: message started by the caller (header and struct nfgenmsg) in a
 *   buffer of at least MNL_SOCKET_BUFFER_SIZE bytes
 * @exp: the expectation
 *
 * Emits the expected tuple, master tuple, mask (when its layer 3
 * protocol is known), timeout, flags, zone and helper name; class, NAT
 * and expectation function are not sent (nor does the original). The
 * message never grows past MNL_SOCKET_BUFFER_SIZE bytes. Returns 0, or
 * -1 with errno EINVAL (NULL argument) or ENOSPC.
 */
NFCT_EXPORT int nfexp_nlmsg_build(struct nlmsghdr *nlh,
				  const struct nf_expect *exp)
{
	struct msgbuf b;

	if (nlh == NULL || exp == NULL) {
		errno = EINVAL;
		return -1;
	}
	mb_init(&b, nlh, mb_default_size());
	return exp_attrs_build(&b, exp);
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
	size_t len = attr_len(a);
	const char *s = attr_data(a);

	if (len == 0 || memchr(s, '\0', len) == NULL)
		len = len < size - 1 ? len : size - 1;
	else
		len = strnlen(s, size - 1);
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static const uint16_t exp_kinds[CTA_EXPECT_MAX + 1] = {
	[CTA_EXPECT_MASTER] = PK_NEST, [CTA_EXPECT_TUPLE] = PK_NEST,
	[CTA_EXPECT_MASK] = PK_NEST, [CTA_EXPECT_NAT] = PK_NEST,
	[CTA_EXPECT_TIMEOUT] = PK_U32, [CTA_EXPECT_ID] = PK_U32,
	[CTA_EXPECT_FLAGS] = PK_U32, [CTA_EXPECT_CLASS] = PK_U32,
	[CTA_EXPECT_ZONE] = PK_U16,
	/* names are taken as they come, cut at the field's size */
	[CTA_EXPECT_HELP_NAME] = PK_ANY, [CTA_EXPECT_FN] = PK_ANY,
};

static const uint16_t exp_nat_kinds[CTA_EXPECT_NAT_MAX + 1] = {
	[CTA_EXPECT_NAT_DIR] = PK_U32, [CTA_EXPECT_NAT_TUPLE] = PK_NEST,
};

/* The tuple nests that fill a head of the object. */
static int parse_heads(const struct nlattr **tb, uint64_t seen,
		       struct nf_expect *exp, uint8_t family)
{
	static const struct { uint8_t type, attr; } heads[] = {
		{ CTA_EXPECT_MASTER, ATTR_EXP_MASTER },
		{ CTA_EXPECT_TUPLE, ATTR_EXP_EXPECTED },
		{ CTA_EXPECT_MASK, ATTR_EXP_MASK },
	};

	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		if (!HAS(seen, heads[i].type))
			continue;
		if (get_tuple(tb[heads[i].type], exp_head(exp, heads[i].attr),
			      family) < 0)
			return -1;
		exp->set |= 1u << heads[i].attr;
	}
	return 0;
}

static int parse_nat(const struct nlattr *nest, struct nf_expect *exp,
		     uint8_t family)
{
	const struct nlattr *tb[CTA_EXPECT_NAT_MAX + 1];
	uint64_t seen;

	if (index_nest(nest, exp_nat_kinds, CTA_EXPECT_NAT_MAX, tb, &seen) < 0)
		return -1;
	if (AT(CTA_EXPECT_NAT_DIR)) {
		exp->nat_dir = ntohl(get_u32(AT(CTA_EXPECT_NAT_DIR)));
		exp->set |= 1u << ATTR_EXP_NAT_DIR;
	}
	if (AT(CTA_EXPECT_NAT_TUPLE)) {
		if (get_tuple(AT(CTA_EXPECT_NAT_TUPLE), &exp->nat, family) < 0)
			return -1;
		exp->set |= 1u << ATTR_EXP_NAT_TUPLE;
	}
	return 0;
}

/* A network-order u32 attribute into a host-order field, and its bit
 * (@attr < 0: none). */
static void store_be32(struct nf_expect *exp, uint32_t *field, int attr,
		       const struct nlattr *a)
{
	if (a == NULL)
		return;
	*field = ntohl(get_u32(a));
	if (attr >= 0)
		exp->set |= 1u << attr;
}

static void store_str(struct nf_expect *exp, char *field, size_t size,
		      int attr, const struct nlattr *a)
{
	if (a == NULL)
		return;
	get_str(a, field, size);
	exp->set |= 1u << attr;
}

/**
 * nfexp_nlmsg_parse - fill an expectation from a ctnetlink message
 * @nlh: an IPCTNL_MSG_EXP_* message
 * @exp: the object to fill (attributes absent from the message are kept)
 *
 * Attributes are checked before any is stored.
 * Returns 0, or -1 (errno EINVAL) if the message is malformed.
 */
NFCT_EXPORT int nfexp_nlmsg_parse(const struct nlmsghdr *nlh,
				  struct nf_expect *exp)
{
	const struct nlattr *tb[CTA_EXPECT_MAX + 1];
	const struct nfgenmsg *nfg;
	uint64_t seen;

	if (nlh == NULL || exp == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (index_msg(nlh, exp_kinds, CTA_EXPECT_MAX, tb, &seen) < 0)
		return -1;
	nfg = mnl_nlmsg_get_payload(nlh);
	if (parse_heads(tb, seen, exp, nfg->nfgen_family) < 0)
		return -1;
	store_be32(exp, &exp->timeout, ATTR_EXP_TIMEOUT, AT(CTA_EXPECT_TIMEOUT));
	store_be32(exp, &exp->id, -1, AT(CTA_EXPECT_ID));
	store_be32(exp, &exp->flags, ATTR_EXP_FLAGS, AT(CTA_EXPECT_FLAGS));
	store_be32(exp, &exp->class, ATTR_EXP_CLASS, AT(CTA_EXPECT_CLASS));
	if (AT(CTA_EXPECT_ZONE)) {
		exp->zone = ntohs(get_u16(AT(CTA_EXPECT_ZONE)));
		exp->set |= 1u << ATTR_EXP_ZONE;
	}
	store_str(exp, exp->helper_name, sizeof(exp->helper_name),
		  ATTR_EXP_HELPER_NAME, AT(CTA_EXPECT_HELP_NAME));
	store_str(exp, exp->expectfn, sizeof(exp->expectfn), ATTR_EXP_FN,
		  AT(CTA_EXPECT_FN));
	if (AT(CTA_EXPECT_NAT) &&
	    parse_nat(AT(CTA_EXPECT_NAT), exp, nfg->nfgen_family) < 0)
		return -1;
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
	t = nl_wanted_type(nlh, type);
	if (t == 0)
		return 0;
	if (nfexp_nlmsg_parse(nlh, exp) < 0)
		return NFCT_T_ERROR;
	return t;
}


