/*
 * The request driver: one header writer and one query table for the
 * conntrack and expectation subsystems. Every request is built through
 * the codec's bounded writer into the caller's buffer: a request that
 * does not fit fails with ENOSPC and nothing is written past the buffer.
 */
#include <libnfnetlink/libnfnetlink.h>

#include "request.h"

/* What a query's argument is. */
enum req_arg {
	ARG_NONE,		/* no such query for this subsystem */
	ARG_CT,			/* struct nf_conntrack */
	ARG_EXP,		/* struct nf_expect */
	ARG_FAMILY,		/* pointer to the family, one byte read */
	ARG_FILTER,		/* struct nfct_filter_dump */
	ARG_FAMILY_OR_FILTER,	/* either, told apart by the filter's tag */
};

#define RQ NLM_F_REQUEST
#define ACK (NLM_F_REQUEST | NLM_F_ACK)
#define DUMP (NLM_F_REQUEST | NLM_F_DUMP)
#define NEW (NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK)

/* Message type, flags and argument of every query of both subsystems. */
static const struct req_kind req_table[2][NFCT_Q_FLUSH_FILTER + 1] = {
	[REQ_CT] = {
		[NFCT_Q_CREATE] = { NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW,
				    NEW | NLM_F_EXCL, ARG_CT, 0 },
		[NFCT_Q_UPDATE] = { NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW,
				    ACK, ARG_CT, 0 },
		[NFCT_Q_DESTROY] = { NFNL_SUBSYS_CTNETLINK,
				     IPCTNL_MSG_CT_DELETE, ACK, ARG_CT, 0 },
		[NFCT_Q_GET] = { NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET,
				 ACK, ARG_CT, 0 },
		[NFCT_Q_FLUSH] = { NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE,
				   ACK, ARG_FAMILY, 0 },
		[NFCT_Q_DUMP] = { NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET,
				  DUMP, ARG_FAMILY, 0 },
		[NFCT_Q_DUMP_RESET] = { NFNL_SUBSYS_CTNETLINK,
					IPCTNL_MSG_CT_GET_CTRZERO, DUMP,
					ARG_FAMILY, 0 },
		[NFCT_Q_CREATE_UPDATE] = { NFNL_SUBSYS_CTNETLINK,
					   IPCTNL_MSG_CT_NEW, NEW, ARG_CT, 0 },
		[NFCT_Q_DUMP_FILTER] = { NFNL_SUBSYS_CTNETLINK,
					 IPCTNL_MSG_CT_GET, DUMP,
					 ARG_FILTER, 0 },
		[NFCT_Q_DUMP_FILTER_RESET] = { NFNL_SUBSYS_CTNETLINK,
					       IPCTNL_MSG_CT_GET_CTRZERO,
					       DUMP, ARG_FILTER, 0 },
		/* Version 1 flushes only the given family (0: all). */
		[NFCT_Q_FLUSH_FILTER] = { NFNL_SUBSYS_CTNETLINK,
					  IPCTNL_MSG_CT_DELETE, ACK,
					  ARG_FAMILY_OR_FILTER, 1 },
	},
	/* The kernel cannot update an expectation: no NFCT_Q_UPDATE. */
	[REQ_EXP] = {
		[NFCT_Q_CREATE] = { NFNL_SUBSYS_CTNETLINK_EXP,
				    IPCTNL_MSG_EXP_NEW, NEW | NLM_F_EXCL,
				    ARG_EXP, 0 },
		[NFCT_Q_CREATE_UPDATE] = { NFNL_SUBSYS_CTNETLINK_EXP,
					   IPCTNL_MSG_EXP_NEW, NEW,
					   ARG_EXP, 0 },
		[NFCT_Q_GET] = { NFNL_SUBSYS_CTNETLINK_EXP,
				 IPCTNL_MSG_EXP_GET, ACK, ARG_EXP, 0 },
		[NFCT_Q_DESTROY] = { NFNL_SUBSYS_CTNETLINK_EXP,
				     IPCTNL_MSG_EXP_DELETE, ACK, ARG_EXP, 0 },
		[NFCT_Q_FLUSH] = { NFNL_SUBSYS_CTNETLINK_EXP,
				   IPCTNL_MSG_EXP_DELETE, ACK, ARG_FAMILY, 0 },
		/* no ACK asked, as the original: NLMSG_DONE ends the dump */
		[NFCT_Q_DUMP] = { NFNL_SUBSYS_CTNETLINK_EXP,
				  IPCTNL_MSG_EXP_GET, DUMP, ARG_FAMILY, 0 },
	},
};

const struct req_kind *req_kind(enum req_subsys s, enum nf_conntrack_query q)
{
	if ((unsigned)q > NFCT_Q_FLUSH_FILTER ||
	    req_table[s][q].arg == ARG_NONE) {
		errno = EOPNOTSUPP;
		return NULL;
	}
	return &req_table[s][q];
}

struct req_kind req_object(enum req_subsys s, uint16_t type, uint16_t flags)
{
	struct req_kind k = { NFNL_SUBSYS_CTNETLINK, type, flags, ARG_CT, 0 };

	if (s == REQ_EXP) {
		k.subsys = NFNL_SUBSYS_CTNETLINK_EXP;
		/* the original keeps the type's low byte only */
		k.type = (uint8_t)type;
		k.arg = ARG_EXP;
	}
	return k;
}

/* The layer 3 protocol of an expectation tuple, -1 if it has none. */
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
 * The family of the request's struct nfgenmsg. Objects without one are
 * refused as the original does: a conntrack leaves the buffer alone
 * (REQ_NOFAMILY); an expectation, whose family is its master's or else
 * its expected tuple's, leaves a bare 16-byte netlink header (ENODATA).
 */
static int arg_family(void *buf, size_t size, const struct req_kind *k,
		      const void *data, uint8_t *family)
{
	switch (k->arg) {
	case ARG_CT:
		if (!attr_isset((const struct nf_conntrack *)data,
				ATTR_ORIG_L3PROTO)) {
			errno = EINVAL;
			return REQ_NOFAMILY;
		}
		*family = ((const struct nf_conntrack *)data)->orig.l3proto;
		return REQ_OK;
	case ARG_EXP:
		if (head_family(data, ATTR_EXP_MASTER, family) == 0 ||
		    head_family(data, ATTR_EXP_EXPECTED, family) == 0)
			return REQ_OK;
		if (size >= MNL_NLMSG_HDRLEN) {
			memset(buf, 0, MNL_NLMSG_HDRLEN);
			mnl_nlmsg_put_header(buf);
		}
		errno = ENODATA;
		return REQ_FAIL;
	case ARG_FILTER:
		*family = AF_UNSPEC;
		return REQ_OK;
	case ARG_FAMILY_OR_FILTER:
		if (filter_dump_is(data)) {
			*family = filter_dump_family(data);
			return REQ_OK;
		}
		/* fall through */
	default:
		/* One byte: callers pass a uint8_t (conntrack does); a
		 * uint32_t gives the same byte on little-endian. */
		*family = *(const uint8_t *)data;
		return REQ_OK;
	}
}

/*
 * Start a message in @buf: netlink header and struct nfgenmsg, every
 * byte written. With @ssh, libnfnetlink's nfnl_fill_hdr() fills it and
 * numbers the message, as the original's did.
 */
static struct nlmsghdr *req_header(struct msgbuf *b, void *buf, size_t size,
				   struct nfnl_subsys_handle *ssh,
				   const struct req_kind *k, uint8_t family)
{
	struct nfgenmsg g = { .nfgen_family = family, .version = k->version };
	struct nlmsghdr *nlh = buf;

	if (size < NLMSG_SPACE(sizeof(g))) {
		errno = ENOSPC;
		return NULL;
	}
	memset(buf, 0, NLMSG_SPACE(sizeof(g)));
	if (ssh != NULL) {
		nfnl_fill_hdr(ssh, buf, 0, family, 0, k->type, k->flags);
	} else {
		nlh->nlmsg_len = NLMSG_SPACE(sizeof(g));
		nlh->nlmsg_type = (k->subsys << 8) | k->type;
		nlh->nlmsg_flags = k->flags;
	}
	memcpy(mnl_nlmsg_get_payload(nlh), &g, sizeof(g));
	mb_init(b, nlh, size);
	return nlh;
}

struct nlmsghdr *req_start(void *buf, size_t size, uint8_t subsys,
			   uint8_t type, uint16_t flags, uint8_t family)
{
	const struct req_kind k = { subsys, type, flags, ARG_NONE, 0 };
	struct msgbuf b;

	return req_header(&b, buf, size, NULL, &k, family);
}

static int req_body(struct msgbuf *b, const struct req_kind *k,
		    const void *data)
{
	switch (k->arg) {
	case ARG_CT:
		return ct_attrs_build(b, data);
	case ARG_EXP:
		return exp_attrs_build(b, data);
	case ARG_FILTER:
		return filter_attrs_build(b, data);
	case ARG_FAMILY_OR_FILTER:
		return filter_dump_is(data) ? filter_build_flush(b, data) : 0;
	default:
		return 0;
	}
}

int req_build(void *buf, size_t size, struct nfnl_subsys_handle *ssh,
	      const struct req_kind *k, const void *data)
{
	struct msgbuf b;
	uint8_t family;
	int ret;

	if (buf == NULL || data == NULL) {
		errno = EINVAL;
		return REQ_FAIL;
	}
	ret = arg_family(buf, size, k, data, &family);
	if (ret != REQ_OK)
		return ret;
	if (req_header(&b, buf, size, ssh, k, family) == NULL)
		return REQ_FAIL;
	ret = req_body(&b, k, data);
	if (mb_status(&b) < 0)
		return REQ_FAIL;
	return ret < 0 ? REQ_PARTIAL : REQ_OK;
}

struct nlmsghdr *req_query(void *buf, size_t size, enum req_subsys s,
			   enum nf_conntrack_query q, const void *data)
{
	const struct req_kind *k;
	int ret;

	if (buf == NULL || data == NULL) {
		errno = EINVAL;
		return NULL;
	}
	k = req_kind(s, q);
	if (k == NULL)
		return NULL;
	ret = req_build(buf, size, NULL, k, data);
	if (ret == REQ_OK)
		return buf;
	/* The original sends an empty request for an object without a
	 * layer 3 protocol, and nfct_query() reports ENODATA. */
	if (ret == REQ_NOFAMILY)
		errno = ENODATA;
	return NULL;
}
