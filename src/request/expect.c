/*
 * Expectation requests, libnfnetlink-era API: nfexp_build_expect() and
 * nfexp_build_query() through the request driver (request.c). The
 * subsystem handle is not used: the messages are not numbered, as in
 * the original.
 */
#include "request.h"

/**
 * nfexp_build_query - build an expectation request (deprecated)
 * @ssh: libnfnetlink subsystem handle (unused)
 * @qt: query type (NFCT_Q_*)
 * @data: struct nf_expect * or, for FLUSH and DUMP, uint32_t * family
 * @buffer: where to build
 * @size: size of @buffer; nothing is written past it
 *
 * Returns 1, or -1 with errno set: EINVAL for NULL @data or @buffer,
 * EOPNOTSUPP for NFCT_Q_UPDATE (the kernel has no expectation update)
 * and queries conntrack only has, ENODATA when the expectation has
 * neither a master nor an expected tuple with a layer 3 protocol, which
 * gives the request's family, ENOSPC.
 */
NFCT_EXPORT int nfexp_build_query(struct nfnl_subsys_handle *ssh,
				  const enum nf_conntrack_query qt,
				  const void *data, void *buffer,
				  unsigned int size)
{
	const struct req_kind *k;

	(void)ssh;
	if (data == NULL || buffer == NULL) {
		errno = EINVAL;
		return -1;
	}
	k = req_kind(REQ_EXP, qt);
	if (k == NULL || req_build(buffer, size, NULL, k, data) != REQ_OK)
		return -1;
	/* the original returns 1 for a built request */
	return 1;
}

/**
 * nfexp_build_expect - build an expectation message (deprecated)
 * @ssh: libnfnetlink subsystem handle (unused)
 * @req: buffer
 * @size: size of @req; nothing is written past it
 * @type: message type (IPCTNL_MSG_EXP_*)
 * @flags: the message's netlink flags, exactly (NLM_F_REQUEST is not
 *   added, as in the original)
 * @exp: the expectation
 *
 * Returns 0, or -1 with errno EINVAL (NULL @req or @exp), ENODATA (no
 * family, as nfexp_build_query()) or ENOSPC. Use nfexp_nlmsg_build() in
 * new code.
 */
NFCT_EXPORT int nfexp_build_expect(struct nfnl_subsys_handle *ssh, void *req,
				   size_t size, uint16_t type, uint16_t flags,
				   const struct nf_expect *exp)
{
	const struct req_kind k = req_object(REQ_EXP, type, flags);

	(void)ssh;
	if (req == NULL || exp == NULL) {
		errno = EINVAL;
		return -1;
	}
	return req_build(req, size, NULL, &k, exp) == REQ_OK ? 0 : -1;
}
