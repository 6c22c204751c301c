/*
 * Batched requests: many ctnetlink requests built up front, sent many
 * per sendto() and acknowledged afterwards, each with its own result.
 * Also the bulk delete built on them, and the small receive helper the
 * other extension files share.
 *
 * Flow control: the kernel answers every request with an ACK (a GET
 * also with the entry) into our socket's receive buffer while it walks
 * the datagram; what does not fit is lost with ENOBUFS. So requests go
 * out in windows whose answers fit in the receive buffer, and a window
 * is acknowledged completely before the next one is sent.
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnfnetlink/libnfnetlink.h>

#include "ext_internal.h"

#define REQ_MAX 4096		/* largest request ct_query_build makes */
#define SEND_CHUNK 32768	/* bytes per sendto(), below any sndbuf */
#define ACK_COST 2048		/* receive buffer an ACK may take */
#define GET_COST 16384		/* ... and a GET reply (NLMSG_GOODSIZE skb) */

struct batch_req {
	uint32_t off;			/* message offset in buf */
	uint32_t len;
	int err;			/* 0 or errno, once answered */
	bool done;
	struct nf_conntrack *get;	/* NFCT_Q_GET: filled from the reply */
};

struct nfct_ext_batch {
	unsigned char *buf;		/* the requests, back to back */
	size_t len, cap;
	struct batch_req *req;
	unsigned int n, cap_req;
};

/* ---- shared receive helper ------------------------------------------ */

static ssize_t ext_read(struct nfct_handle *h, unsigned char *buf, size_t size)
{
	struct sockaddr_nl peer;
	struct iovec iov = { buf, size };
	struct msghdr msg = {
		.msg_name = &peer,
		.msg_namelen = sizeof(peer),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t n;

	do
		n = recvmsg(nfct_fd(h), &msg, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (msg.msg_flags & MSG_TRUNC) {
		errno = ENOSPC;
		return -1;
	}
	if (msg.msg_namelen != sizeof(peer) || peer.nl_pid != 0)
		return 0;	/* only the kernel talks to us */
	return n;
}

static int nlerr(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(e->error)))
		return EBADMSG;
	return e->error < 0 ? -e->error : (e->error ? EPROTO : 0);
}

int ext_recv(struct nfct_handle *h, uint32_t seq, ext_msg_cb cb, void *data)
{
	unsigned char *buf = malloc(HANDLE_RXBUF_SIZE);
	bool intr = false;
	int ret = -1;

	if (buf == NULL)
		return -1;
	for (;;) {
		const struct nlmsghdr *nlh;
		ssize_t n = ext_read(h, buf, HANDLE_RXBUF_SIZE);
		int len = n;

		if (n < 0)
			goto out;
		for (nlh = (void *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq)
				continue;	/* events, stale replies */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				errno = nlerr(nlh);
				ret = errno ? -1 : 0;
				goto out;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&err, mnl_nlmsg_get_payload(nlh),
					       sizeof(err));
				errno = err < 0 ? -err : intr ? EINTR : 0;
				ret = errno ? -1 : 0;
				goto out;
			}
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE || cb == NULL)
				continue;
			ret = cb(nlh, data);
			if (ret <= 0)
				goto out;
		}
	}
out:
	free(buf);
	return ret;
}

struct nlmsghdr *ext_msg_start(void *buf, size_t size, uint8_t subsys,
			       uint8_t type, uint16_t flags, uint8_t family)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *g;

	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (subsys << 8) | type;
	nlh->nlmsg_flags = flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	return nlh;
}

/* ---- the batch object ------------------------------------------------ */

/**
 * nfct_ext_batch_new - allocate an empty batch of requests
 *
 * Returns the batch, or NULL (errno ENOMEM). Free it with
 * nfct_ext_batch_free().
 */
NFCT_EXPORT struct nfct_ext_batch *nfct_ext_batch_new(void)
{
	return calloc(1, sizeof(struct nfct_ext_batch));
}

/**
 * nfct_ext_batch_free - release a batch
 * @b: the batch; NULL is ignored
 *
 * Objects passed for NFCT_Q_GET stay the caller's.
 */
NFCT_EXPORT void nfct_ext_batch_free(struct nfct_ext_batch *b)
{
	if (b == NULL)
		return;
	free(b->buf);
	free(b->req);
	free(b);
}

/**
 * nfct_ext_batch_reset - forget all queued requests and their results
 * @b: the batch; NULL is ignored
 *
 * The memory is kept for the next round.
 */
NFCT_EXPORT void nfct_ext_batch_reset(struct nfct_ext_batch *b)
{
	if (b == NULL)
		return;
	b->len = 0;
	b->n = 0;
}

/**
 * nfct_ext_batch_count - number of queued requests
 * @b: the batch
 *
 * Returns the count, 0 for a NULL batch.
 */
NFCT_EXPORT unsigned int nfct_ext_batch_count(const struct nfct_ext_batch *b)
{
	return b ? b->n : 0;
}

static int batch_grow(struct nfct_ext_batch *b, size_t bytes)
{
	if (b->n == b->cap_req) {
		unsigned int c = b->cap_req ? b->cap_req * 2 : 64;
		struct batch_req *r = realloc(b->req, c * sizeof(*r));

		if (r == NULL)
			return -1;
		b->req = r;
		b->cap_req = c;
	}
	if (b->len + bytes > b->cap) {
		size_t c = b->cap ? b->cap * 2 : 16384;
		unsigned char *p;

		while (c < b->len + bytes)
			c *= 2;
		if (c > UINT32_MAX) {
			errno = ENOMEM;
			return -1;
		}
		p = realloc(b->buf, c);
		if (p == NULL)
			return -1;
		b->buf = p;
		b->cap = c;
	}
	return 0;
}

/* Append the message @nlh; returns its index. */
static int batch_append(struct nfct_ext_batch *b, const struct nlmsghdr *nlh,
			struct nf_conntrack *get)
{
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);
	struct batch_req *r;

	if (batch_grow(b, len) < 0)
		return -1;
	memcpy(b->buf + b->len, nlh, nlh->nlmsg_len);
	memset(b->buf + b->len + nlh->nlmsg_len, 0, len - nlh->nlmsg_len);
	r = &b->req[b->n];
	r->off = b->len;
	r->len = len;
	r->err = 0;
	r->done = false;
	r->get = get;
	b->len += len;
	return b->n++;
}

/**
 * nfct_ext_batch_add - queue one request
 * @b: the batch
 * @q: NFCT_Q_CREATE, NFCT_Q_UPDATE, NFCT_Q_CREATE_UPDATE, NFCT_Q_DESTROY
 *   or NFCT_Q_GET
 * @ct: the object, encoded now (it may change or go afterwards), except
 *   for NFCT_Q_GET: it must stay valid until nfct_ext_batch_send()
 *   returns, which replaces its contents with the kernel's entry
 *
 * Returns the request's index (for nfct_ext_batch_result()), or -1 with
 * errno: EINVAL (NULL argument, object without layer 3 protocol),
 * EOPNOTSUPP (another query), ENOMEM.
 */
NFCT_EXPORT int nfct_ext_batch_add(struct nfct_ext_batch *b,
				   enum nf_conntrack_query q,
				   struct nf_conntrack *ct)
{
	union { char buf[REQ_MAX]; struct nlmsghdr align; } u;
	struct nlmsghdr *nlh;

	if (b == NULL || ct == NULL) {
		errno = EINVAL;
		return -1;
	}
	switch (q) {
	case NFCT_Q_CREATE:
	case NFCT_Q_UPDATE:
	case NFCT_Q_CREATE_UPDATE:
	case NFCT_Q_DESTROY:
	case NFCT_Q_GET:
		break;
	default:
		errno = EOPNOTSUPP;
		return -1;
	}
	if (!attr_isset(ct, ATTR_ORIG_L3PROTO)) {
		errno = EINVAL;
		return -1;
	}
	memset(u.buf, 0, sizeof(u.buf));
	nlh = ct_query_build(u.buf, sizeof(u.buf), q, ct);
	if (nlh == NULL)
		return -1;
	return batch_append(b, nlh, q == NFCT_Q_GET ? ct : NULL);
}

int ext_batch_add_delete_of(struct nfct_ext_batch *b,
			    const struct nlmsghdr *dump)
{
	union { char buf[REQ_MAX]; struct nlmsghdr align; } u;
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(dump);
	const struct nlattr *a;
	struct nlmsghdr *nlh;

	if (dump->nlmsg_len < NLMSG_LENGTH(sizeof(*g))) {
		errno = EBADMSG;
		return -1;
	}
	nlh = ext_msg_start(u.buf, sizeof(u.buf), NFNL_SUBSYS_CTNETLINK,
			    IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST | NLM_F_ACK,
			    g->nfgen_family);
	/* The kernel finds the entry by tuple and zone; the id makes sure
	 * a new entry with the same tuple is not taken for it. */
	mnl_attr_for_each(a, dump, sizeof(*g)) {
		uint16_t type = mnl_attr_get_type(a);

		if (type != CTA_TUPLE_ORIG && type != CTA_ZONE && type != CTA_ID)
			continue;
		if (nlh->nlmsg_len + NLA_ALIGN(a->nla_len) > sizeof(u.buf)) {
			errno = EMSGSIZE;
			return -1;
		}
		memcpy((char *)nlh + nlh->nlmsg_len, a, a->nla_len);
		nlh->nlmsg_len += NLA_ALIGN(a->nla_len);
	}
	return batch_append(b, nlh, NULL);
}

/* ---- sending ---------------------------------------------------------- */

static int send_bytes(int fd, const unsigned char *p, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	do
		n = sendto(fd, p, len, 0, (struct sockaddr *)&kernel,
			   sizeof(kernel));
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

/* Send requests [i, j) in datagrams of at most SEND_CHUNK bytes. */
static int send_window(struct nfct_handle *h, struct nfct_ext_batch *b,
		       unsigned int i, unsigned int j)
{
	int fd = nfct_fd(h);
	uint32_t start = b->req[i].off, end = start;

	for (unsigned int k = i; k < j; k++) {
		struct batch_req *r = &b->req[k];

		if (end > start && end + r->len - start > SEND_CHUNK) {
			if (send_bytes(fd, b->buf + start, end - start) < 0)
				return -1;
			start = end;
		}
		end += r->len;
	}
	return send_bytes(fd, b->buf + start, end - start);
}

/* One answer message of the window starting at @i with sequence @base. */
static void window_msg(struct nfct_ext_batch *b, unsigned int i,
		       unsigned int cnt, uint32_t base,
		       const struct nlmsghdr *nlh, unsigned int *done)
{
	uint32_t k = nlh->nlmsg_seq - base;
	struct batch_req *r;

	if (k >= cnt)
		return;		/* not ours: an event or a stale reply */
	r = &b->req[i + k];
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		if (!r->done) {
			r->err = nlerr(nlh);
			r->done = true;
			(*done)++;
		}
	} else if (r->get && NFNL_SUBSYS_ID(nlh->nlmsg_type) ==
		   NFNL_SUBSYS_CTNETLINK) {
		object_release(r->get);
		memset(r->get, 0, sizeof(*r->get));
		nfct_nlmsg_parse(nlh, r->get);
	}
}

static int recv_window(struct nfct_handle *h, struct nfct_ext_batch *b,
		       unsigned int i, unsigned int cnt, uint32_t base,
		       unsigned char *rx)
{
	unsigned int done = 0;

	while (done < cnt) {
		const struct nlmsghdr *nlh;
		ssize_t n = ext_read(h, rx, HANDLE_RXBUF_SIZE);
		int len = n;

		if (n < 0)
			return -1;
		for (nlh = (void *)rx; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len))
			window_msg(b, i, cnt, base, nlh, &done);
	}
	return 0;
}

/* Receive buffer room of the socket: what a window may use. */
static size_t window_budget(struct nfct_handle *h)
{
	int v = 0;
	socklen_t l = sizeof(v);

	if (getsockopt(nfct_fd(h), SOL_SOCKET, SO_RCVBUF, &v, &l) < 0 || v <= 0)
		v = 212992;
	return (size_t)v / 2;
}

/* Number the messages of window [i, j); returns the first number. */
static uint32_t number_window(struct nfct_handle *h, struct nfct_ext_batch *b,
			      unsigned int i, unsigned int j)
{
	uint32_t base = h->seq + 1;

	if (base == 0 || base + (j - i) < base)
		base = 1;	/* 0 marks events: never use it */
	for (unsigned int k = i; k < j; k++) {
		struct nlmsghdr *nlh = (void *)(b->buf + b->req[k].off);

		nlh->nlmsg_seq = base + (k - i);
		nlh->nlmsg_pid = 0;
	}
	h->seq = base + (j - i) - 1;
	return base;
}

/**
 * nfct_ext_batch_send - send all queued requests and collect the answers
 * @h: handle opened on CONNTRACK or NFNL_SUBSYS_NONE; best without event
 *   subscriptions, whose messages share the receive buffer
 * @b: the batch
 *
 * The requests go out many per datagram, in windows sized to the socket's
 * receive buffer, and each one's result is available afterwards from
 * nfct_ext_batch_result(). A failed request does not stop the others.
 * The batch keeps its requests: it can be sent again, or reset.
 *
 * Returns the number of requests that failed (0: all succeeded), or -1
 * with errno set when sending or receiving failed (EINVAL for NULL
 * arguments); requests not answered then report that errno.
 */
NFCT_EXPORT int nfct_ext_batch_send(struct nfct_handle *h,
				    struct nfct_ext_batch *b)
{
	size_t budget;
	unsigned char *rx;
	unsigned int i = 0, failed = 0;

	if (h == NULL || b == NULL || h->ssh_ct == NULL) {
		errno = EINVAL;
		return -1;
	}
	rx = malloc(HANDLE_RXBUF_SIZE);
	if (rx == NULL)
		return -1;
	budget = window_budget(h);
	for (unsigned int k = 0; k < b->n; k++)
		b->req[k].done = false;
	while (i < b->n) {
		unsigned int j = i;
		size_t cost = 0;
		uint32_t base;

		while (j < b->n) {
			size_t c = b->req[j].get ? GET_COST : ACK_COST;

			if (j > i && cost + c > budget)
				break;
			cost += c;
			j++;
		}
		base = number_window(h, b, i, j);
		if (send_window(h, b, i, j) < 0 ||
		    recv_window(h, b, i, j - i, base, rx) < 0) {
			int e = errno;

			for (unsigned int k = i; k < b->n; k++)
				if (!b->req[k].done) {
					b->req[k].err = e;
					b->req[k].done = true;
				}
			free(rx);
			errno = e;
			return -1;
		}
		i = j;
	}
	free(rx);
	for (unsigned int k = 0; k < b->n; k++)
		failed += b->req[k].err != 0;
	return failed;
}

/**
 * nfct_ext_batch_result - result of one request after nfct_ext_batch_send()
 * @b: the batch
 * @idx: index returned by nfct_ext_batch_add()
 *
 * Returns 0 for success, the request's errno (e.g. EEXIST, ENOENT) for a
 * failure, or -1 with errno EINVAL for a bad index or NULL batch and
 * EAGAIN for a request not sent yet.
 */
NFCT_EXPORT int nfct_ext_batch_result(const struct nfct_ext_batch *b,
				      unsigned int idx)
{
	if (b == NULL || idx >= b->n) {
		errno = EINVAL;
		return -1;
	}
	if (!b->req[idx].done) {
		errno = EAGAIN;
		return -1;
	}
	return b->req[idx].err;
}

/* ---- bulk delete ------------------------------------------------------- */

struct collect {
	struct nfct_ext_batch *b;
	int err;
};

static int collect_cb(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK ||
	    NFNL_MSG_TYPE(nlh->nlmsg_type) != IPCTNL_MSG_CT_NEW)
		return 1;
	if (ext_batch_add_delete_of(c->b, nlh) < 0 && c->err == 0)
		c->err = errno;	/* read the dump to its end anyway */
	return 1;
}

/* The kernel deletes what matches by itself (mark, zone, family). */
static int bulk_flush(struct nfct_handle *h, const struct nfct_filter_dump *f)
{
	union { char buf[REQ_MAX]; struct nlmsghdr align; } u;
	struct nlmsghdr *nlh;

	memset(u.buf, 0, sizeof(u.buf));
	nlh = ct_query_build(u.buf, sizeof(u.buf), NFCT_Q_FLUSH_FILTER, f);
	if (nlh == NULL)
		return -1;
	if (handle_send(h, nlh) < 0)
		return -1;
	return ext_recv(h, nlh->nlmsg_seq, NULL, NULL);
}

/* Dump what matches (filtered by the kernel), then delete it in batches.
 * Returns 1 when the dump was interrupted and must be run again. */
static int bulk_dump_delete(struct nfct_handle *h,
			    const struct nfct_filter_dump *f,
			    unsigned int *deleted)
{
	union { char buf[REQ_MAX]; struct nlmsghdr align; } u;
	struct collect c = { nfct_ext_batch_new(), 0 };
	struct nlmsghdr *nlh;
	bool intr = false;
	int ret = -1;

	if (c.b == NULL)
		return -1;
	memset(u.buf, 0, sizeof(u.buf));
	nlh = ct_query_build(u.buf, sizeof(u.buf), NFCT_Q_DUMP_FILTER, f);
	if (nlh == NULL || handle_send(h, nlh) < 0)
		goto out;
	if (ext_recv(h, nlh->nlmsg_seq, collect_cb, &c) < 0) {
		if (errno != EINTR)
			goto out;
		intr = true;
	}
	if (c.err) {
		errno = c.err;
		goto out;
	}
	if (nfct_ext_batch_send(h, c.b) < 0)
		goto out;
	for (unsigned int k = 0; k < c.b->n; k++) {
		int e = c.b->req[k].err;

		if (e == 0)
			(*deleted)++;
		else if (e != ENOENT) {	/* gone meanwhile: fine */
			errno = e;
			goto out;
		}
	}
	ret = intr;
out:
	nfct_ext_batch_free(c.b);
	return ret;
}

/**
 * nfct_ext_bulk_delete - delete every entry matching a dump filter
 * @h: handle opened on CONNTRACK or NFNL_SUBSYS_NONE
 * @filter: what to delete (see nfct_filter_dump_set_attr()); an empty
 *   filter matches everything
 * @flags: NFCT_EXT_BULK_NO_FLUSH to never use the kernel's flush filter
 * @deleted: where to store the number of entries deleted (may be NULL);
 *   NFCT_EXT_BULK_UNKNOWN when the kernel flushed and did not count
 *
 * Filters the kernel can flush by itself (mark, status, zone, family)
 * take a single request. Others (a tuple) are dumped with the kernel
 * filtering the dump, then deleted with batched requests; an interrupted
 * dump is run again. Entries that vanish meanwhile are not an error.
 *
 * Returns 0, or -1 with errno set (EINVAL for NULL arguments, or the
 * kernel's error).
 */
NFCT_EXPORT int nfct_ext_bulk_delete(struct nfct_handle *h,
				     const struct nfct_filter_dump *filter,
				     unsigned int flags, unsigned int *deleted)
{
	unsigned int count = 0;
	int ret;

	if (h == NULL || filter == NULL || h->ssh_ct == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (!(flags & NFCT_EXT_BULK_NO_FLUSH)) {
		if (bulk_flush(h, filter) == 0) {
			if (deleted)
				*deleted = NFCT_EXT_BULK_UNKNOWN;
			return 0;
		}
		/* a tuple filter, or a kernel without flush filters */
		if (errno != ENOTSUP && errno != EOPNOTSUPP && errno != EINVAL)
			return -1;
	}
	for (int round = 0; round < 8; round++) {
		ret = bulk_dump_delete(h, filter, &count);
		if (ret <= 0)
			break;
	}
	if (deleted)
		*deleted = count;
	return ret < 0 ? -1 : 0;
}
