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

enum req_subsys { REQ_CT, REQ_EXP };

/* One entry of the query table: what a request is made of. */
struct req_kind {
	uint8_t subsys;		/* NFNL_SUBSYS_CTNETLINK or _EXP */
	uint16_t type;		/* IPCTNL_MSG_* */
	uint16_t flags;		/* NLM_F_* */
	uint8_t arg;		/* what the argument is (request.c) */
	uint8_t version;	/* struct nfgenmsg version */
};

/* Outcomes of req_build(). */
enum {
	REQ_OK = 0,
	REQ_FAIL = -1,		/* nothing usable was built; errno set */
	REQ_PARTIAL = -2,	/* built, but the argument not fully encoded */
	REQ_NOFAMILY = -3,	/* object without a family: buffer untouched */
};

/* The table entry of query @q, or NULL (errno EOPNOTSUPP). */
const struct req_kind *req_kind(enum req_subsys s, enum nf_conntrack_query q);

/* A request carrying subsystem @s's object, with the caller's type and
 * flags (nfct_build_conntrack, nfexp_build_expect). */
struct req_kind req_object(enum req_subsys s, uint16_t type, uint16_t flags);

/*
 * Build request @k with argument @data into @buf of @size bytes, never
 * writing past it (ENOSPC). @ssh, if not NULL, fills the header and
 * numbers the message. Returns one of the REQ_* outcomes.
 */
int req_build(void *buf, size_t size, struct nfnl_subsys_handle *ssh,
	      const struct req_kind *k, const void *data);

/*
 * Build query @q of subsystem @s as nfct_query()/nfexp_query() send it,
 * sequence number and port id 0. Returns the message, or NULL with
 * errno set (EINVAL, EOPNOTSUPP, ENODATA, ENOSPC, ...).
 */
struct nlmsghdr *req_query(void *buf, size_t size, enum req_subsys s,
			   enum nf_conntrack_query q, const void *data);

/*
 * Start a request of just a header (@subsys/@type, struct nfgenmsg
 * version 0) in @buf of @size bytes. Returns it, or NULL (ENOSPC).
 */
struct nlmsghdr *req_start(void *buf, size_t size, uint8_t subsys,
			   uint8_t type, uint16_t flags, uint8_t family);

/* filter_dump.c helpers for the dump and flush filter requests. */
int filter_dump_is(const void *data);	/* filter object, not a family? */
int filter_dump_family(const void *data);
int filter_attrs_build(struct msgbuf *b, const void *data);
int filter_build_flush(struct msgbuf *b, const void *data);

#endif /* NFCT_REQUEST_H */
