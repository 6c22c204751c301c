/*
 * Conntrack requests: complete ctnetlink messages for each query.
 */
#include <stdlib.h>
#include <arpa/inet.h>
#include <libnfnetlink/libnfnetlink.h>

#include "request.h"

/* ---- libnfnetlink-style API ---------------------------------------- */

/*
 * Start a ctnetlink message in @buf. libnfnetlink's nfnl_fill_hdr()
 * does it when a subsystem handle is given, as the original did (it
 * also numbers the message); without one the header is filled here.
 */
static struct nlmsghdr *put_header(struct nfnl_subsys_handle *ssh, void *buf,
				   uint16_t type, uint16_t flags,
				   uint8_t family, uint8_t version)
{
	struct nlmsghdr *nlh = buf;
	struct nfgenmsg *g;

	if (ssh != NULL) {
		nfnl_fill_hdr(ssh, buf, 0, family, 0, type, flags);
		g = mnl_nlmsg_get_payload(nlh);
		g->version = version;
		return nlh;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	g->version = version;
	g->res_id = 0;
	return nlh;
}

/*
 * Room for the largest message any request can produce (three tuples,
 * 1024-bit labels and mask, everything else): attributes are appended
 * without bound checks, so smaller buffers are built in a scratch
 * buffer first and copied only if the result fits.
 */
#define CT_MSG_MAX 2048

static int build_ct_msg(struct nfnl_subsys_handle *ssh, void *buf,
			uint16_t type, uint16_t flags,
			const struct nf_conntrack *ct)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, NLMSG_SPACE(sizeof(struct nfgenmsg)));
	nlh = put_header(ssh, buf, type, flags, ct->orig.l3proto, 0);
	return nfct_nlmsg_build(nlh, ct);
}

/**
 * nfct_build_conntrack - build a ctnetlink message for an object (deprecated)
 * @ssh: libnfnetlink ctnetlink subsystem handle, numbers the message
 * @req: buffer for the message
 * @size: size of @req
 * @type: IPCTNL_MSG_CT_* message type
 * @flags: NLM_F_* flags
 * @ct: the object; ATTR_ORIG_L3PROTO must be set
 *
 * Returns 0, or -1 with errno set (EINVAL, ENOSPC).
 */
NFCT_EXPORT int nfct_build_conntrack(struct nfnl_subsys_handle *ssh,
				     void *req, size_t size, uint16_t type,
				     uint16_t flags,
				     const struct nf_conntrack *ct)
{
	union { char buf[CT_MSG_MAX]; struct nlmsghdr align; } scratch;
	void *out = size >= CT_MSG_MAX ? req : scratch.buf;
	int ret;

	if (ssh == NULL || req == NULL || ct == NULL ||
	    !attr_isset(ct, ATTR_ORIG_L3PROTO)) {
		errno = EINVAL;
		return -1;
	}
	ret = build_ct_msg(ssh, out, type, flags, ct);
	if (out != req) {
		if (((struct nlmsghdr *)out)->nlmsg_len > size) {
			errno = ENOSPC;
			return -1;
		}
		memcpy(req, out, ((struct nlmsghdr *)out)->nlmsg_len);
	}
	return ret;
}

/* ---- complete requests ---------------------------------------------- */

/* Type and flags of the requests that carry a conntrack object. */
static const struct {
	uint16_t type;
	uint16_t flags;
	bool takes_ct;		/* data is a struct nf_conntrack */
} ct_query_hdr[] = {
	[NFCT_Q_CREATE] = { IPCTNL_MSG_CT_NEW,
		NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK | NLM_F_EXCL, true },
	[NFCT_Q_UPDATE] = { IPCTNL_MSG_CT_NEW, NLM_F_REQUEST | NLM_F_ACK, true },
	[NFCT_Q_DESTROY] = { IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST | NLM_F_ACK, true },
	[NFCT_Q_GET] = { IPCTNL_MSG_CT_GET, NLM_F_REQUEST | NLM_F_ACK, true },
	[NFCT_Q_FLUSH] = { IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST | NLM_F_ACK },
	[NFCT_Q_DUMP] = { IPCTNL_MSG_CT_GET, NLM_F_REQUEST | NLM_F_DUMP },
	[NFCT_Q_DUMP_RESET] = { IPCTNL_MSG_CT_GET_CTRZERO,
		NLM_F_REQUEST | NLM_F_DUMP },
	[NFCT_Q_CREATE_UPDATE] = { IPCTNL_MSG_CT_NEW,
		NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK, true },
	[NFCT_Q_DUMP_FILTER] = { IPCTNL_MSG_CT_GET, NLM_F_REQUEST | NLM_F_DUMP },
	[NFCT_Q_DUMP_FILTER_RESET] = { IPCTNL_MSG_CT_GET_CTRZERO,
		NLM_F_REQUEST | NLM_F_DUMP },
	[NFCT_Q_FLUSH_FILTER] = { IPCTNL_MSG_CT_DELETE,
		NLM_F_REQUEST | NLM_F_ACK },
};

static int query_fill(struct nfnl_subsys_handle *ssh, void *buf,
		      enum nf_conntrack_query q, const void *data)
{
	uint16_t type = ct_query_hdr[q].type, flags = ct_query_hdr[q].flags;
	struct nlmsghdr *nlh;

	memset(buf, 0, NLMSG_SPACE(sizeof(struct nfgenmsg)));
	switch (q) {
	case NFCT_Q_FLUSH:
	case NFCT_Q_DUMP:
	case NFCT_Q_DUMP_RESET:
		/* one byte: callers pass a uint8_t (conntrack does); a
		 * uint32_t gives the same byte on little-endian. Reading 4
		 * overran the caller's variable (ASan, tests/query). */
		put_header(ssh, buf, type, flags, *(const uint8_t *)data, 0);
		return 0;
	case NFCT_Q_DUMP_FILTER:
	case NFCT_Q_DUMP_FILTER_RESET:
		nlh = put_header(ssh, buf, type, flags, AF_UNSPEC, 0);
		return nfct_nlmsg_build_filter(nlh, data);
	case NFCT_Q_FLUSH_FILTER:
		/*
		 * Debian 1.0.9 callers pass a pointer to the family, 1.1.x
		 * callers a filter object, recognised by its tag. Version 1
		 * asks the kernel to flush only that family (version 0
		 * flushes everything).
		 */
		if (!filter_dump_is(data)) {
			put_header(ssh, buf, type, flags,
				   *(const uint8_t *)data, 1);
			return 0;
		}
		nlh = put_header(ssh, buf, type, flags,
				 filter_dump_family(data), 1);
		return filter_build_flush(nlh, data);
	default:
		return build_ct_msg(ssh, buf, type, flags, data);
	}
}

/*
 * Build request @q into @buf. Returns 0, -1 if the request could not be
 * started (nothing usable in @buf) or -2 if it was started but the
 * argument could not be fully encoded; errno is set.
 */
static int query_build(struct nfnl_subsys_handle *ssh, void *buf, size_t size,
		       enum nf_conntrack_query q, const void *data)
{
	union { char buf[CT_MSG_MAX]; struct nlmsghdr align; } scratch;
	void *out = size >= CT_MSG_MAX ? buf : scratch.buf;
	int ret;

	if ((unsigned)q > NFCT_Q_FLUSH_FILTER) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (buf == NULL || data == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (ct_query_hdr[q].takes_ct &&
	    !attr_isset((const struct nf_conntrack *)data, ATTR_ORIG_L3PROTO)) {
		/* The original leaves the buffer alone then. */
		errno = EINVAL;
		return -2;
	}
	ret = query_fill(ssh, out, q, data) < 0 ? -2 : 0;
	if (out != buf) {
		if (((struct nlmsghdr *)out)->nlmsg_len > size) {
			errno = ENOSPC;
			return -1;
		}
		memcpy(buf, out, ((struct nlmsghdr *)out)->nlmsg_len);
	}
	return ret;
}

struct nlmsghdr *ct_query_build(void *buf, size_t size,
				enum nf_conntrack_query q, const void *data)
{
	if (query_build(NULL, buf, size, q, data) < 0) {
		/* The original sends an empty request for an object without
		 * a layer 3 protocol, and nfct_query() reports ENODATA. */
		if ((unsigned)q <= NFCT_Q_FLUSH_FILTER && data != NULL &&
		    ct_query_hdr[q].takes_ct &&
		    !attr_isset((const struct nf_conntrack *)data, ATTR_ORIG_L3PROTO))
			errno = ENODATA;
		return NULL;
	}
	return buf;
}

/**
 * nfct_build_query - build the request nfct_query() sends (deprecated)
 * @ssh: libnfnetlink ctnetlink subsystem handle, numbers the message
 * @query: NFCT_Q_* request
 * @data: the request's argument: a struct nf_conntrack for CREATE,
 *   UPDATE, CREATE_UPDATE, GET and DESTROY; a uint32_t family for FLUSH,
 *   DUMP and DUMP_RESET; a struct nfct_filter_dump for DUMP_FILTER and
 *   DUMP_FILTER_RESET; either for FLUSH_FILTER
 * @req: buffer for the message
 * @size: size of @req
 *
 * Returns 1 once the request is built, -1 with errno set (EOPNOTSUPP for
 * an unknown query, EINVAL for NULL arguments, ENOSPC). Like the
 * original, it returns 1 even when the object's attributes could not
 * all be encoded (errno is then set).
 */
NFCT_EXPORT int nfct_build_query(struct nfnl_subsys_handle *ssh,
				 const enum nf_conntrack_query query,
				 const void *data, void *req,
				 unsigned int size)
{
	if (ssh == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (query_build(ssh, req, size, query, data) == -1)
		return -1;
	return 1;
}

