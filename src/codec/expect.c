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


