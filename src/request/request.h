/*
 * The request layer: complete ctnetlink requests (header, query table,
 * dump and flush filters) for conntrack and expectations. Depends on the
 * codec; knows nothing of sockets.
 */
#ifndef NFCT_REQUEST_H
#define NFCT_REQUEST_H

#include "codec.h"

/* Room for any request nfct_query()/nfexp_query() send. */
#define REQ_BUF_SIZE 4096

/*
 * Build the complete ctnetlink request for query @q (NFCT_Q_*) with its
 * argument @data, as nfct_query() sends it, into @buf of @size bytes.
 * Sequence number and port id are left 0 for the caller to fill in.
 * Returns the message, or NULL with errno set (EINVAL, ENOSPC, ...).
 */
struct nlmsghdr *ct_query_build(void *buf, size_t size,
				enum nf_conntrack_query q, const void *data);

/* filter_dump.c helpers for ct_query_build (NFCT_Q_FLUSH_FILTER). */
int filter_dump_is(const void *data);	/* filter object, not a family? */
int filter_dump_family(const void *data);
int filter_build_flush(struct nlmsghdr *nlh, const void *data);

/* Same for the expectation subsystem (NFEXP queries). */
struct nlmsghdr *exp_query_build(void *buf, size_t size,
				 enum nf_conntrack_query q, const void *data);

#endif /* NFCT_REQUEST_H */
