/*
 * Expectation requests: complete ctnetlink_exp messages for each query.
 */
#include <stdlib.h>
#include <arpa/inet.h>

#include "request.h"
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

