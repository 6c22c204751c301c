/*
 * Conntrack requests, libnfnetlink-era API: nfct_build_conntrack() and
 * nfct_build_query() through the request driver (request.c).
 */
#include "request.h"

/**
 * nfct_build_conntrack - build a ctnetlink message for an object (deprecated)
 * @ssh: libnfnetlink ctnetlink subsystem handle, numbers the message
 * @req: buffer for the message
 * @size: size of @req; nothing is written past it
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
	const struct req_kind k = req_object(REQ_CT, type, flags);

	if (ssh == NULL || req == NULL || ct == NULL ||
	    !attr_isset(ct, ATTR_ORIG_L3PROTO)) {
		errno = EINVAL;
		return -1;
	}
	return req_build(req, size, ssh, &k, ct) == REQ_OK ? 0 : -1;
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
 * @size: size of @req; nothing is written past it
 *
 * Returns 1 once the request is built, -1 with errno set (EINVAL for
 * NULL arguments, EOPNOTSUPP for an unknown query, ENOSPC). Like the
 * original, it returns 1 even when the object's attributes could not
 * all be encoded (errno is then set).
 */
NFCT_EXPORT int nfct_build_query(struct nfnl_subsys_handle *ssh,
				 const enum nf_conntrack_query query,
				 const void *data, void *req,
				 unsigned int size)
{
	const struct req_kind *k;

	if (ssh == NULL || data == NULL || req == NULL) {
		errno = EINVAL;
		return -1;
	}
	k = req_kind(REQ_CT, query);
	if (k == NULL || req_build(req, size, ssh, k, data) == REQ_FAIL)
		return -1;
	return 1;
}
