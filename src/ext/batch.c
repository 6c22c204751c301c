/*
 * Batched requests: many ctnetlink requests built up front, sent many
 * per datagram and many datagrams per sendmmsg(), answered afterwards,
 * each with its own result.
 * Also the bulk delete built on them, and the small receive helper the
 * other extension files share.
 *
 * Flow control: the kernel answers requests (errors, ACKs, a GET's
 * entry) into our socket's receive buffer while it walks the datagram;
 * what does not fit is lost with ENOBUFS. So requests go out in windows
 * whose answers fit in the receive buffer, and a window is answered
 * completely before the next one is sent (see "Cost model" below).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* sendmmsg, recvmmsg */
#endif
#include <stdlib.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnfnetlink/libnfnetlink.h>

#include "ext_internal.h"

#define REQ_MAX 4096		/* room for a request; larger ones: ENOSPC */
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
	struct batch_io *io;		/* send/receive vectors, made once */
};

int ext_recv(struct nfct_handle *h, uint32_t seq, ext_msg_cb cb, void *data)
{
	unsigned char *buf = malloc(HANDLE_RXBUF_SIZE);
	bool intr = false;
	int ret = -1;

	if (buf == NULL)
		return -1;
	for (;;) {
		const struct nlmsghdr *nlh;
		struct nl_cursor c;
		size_t avail;
		ssize_t n = handle_receive(h, buf);

		if (n < 0)
			goto out;
		nl_cursor_init(&c, buf, n, false);
		while ((nlh = nl_cursor_next(&c, &avail))) {
			if (nlh->nlmsg_seq != seq)
				continue;	/* events, stale replies */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				errno = nl_error_code(nlh, avail);
				ret = errno ? -1 : 0;
				goto out;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				errno = nl_done_code(nlh, avail);
				if (errno == 0 && intr)
					errno = EINTR;
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

/* ---- the batch object ------------------------------------------------ */

/**
 * nfct_ext_batch_new - allocate an empty batch of requests
 *
 * Returns the batch, or NULL (errno ENOMEM). Free it with
 * nfct_ext_batch_free(). The first nfct_ext_batch_send() adds about
 * 0.5 MiB of receive buffers, kept until then for the next rounds.
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
	free(b->io);
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
		/* libmnl leaves attribute padding as it finds it: never
		 * send uninitialised heap bytes (valgrind, tests/ext) */
		memset(p + b->cap, 0, c - b->cap);
		b->buf = p;
		b->cap = c;
	}
	return 0;
}

/* Room for one more request of at most REQ_MAX bytes, built in place
 * (no staging buffer to clear and copy per request). */
static struct nlmsghdr *batch_reserve(struct nfct_ext_batch *b)
{
	if (batch_grow(b, REQ_MAX) < 0)
		return NULL;
	return (struct nlmsghdr *)(b->buf + b->len);
}

/* Queue the message built at batch_reserve()'s place; returns its index. */
static int batch_commit(struct nfct_ext_batch *b, struct nf_conntrack *get)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(b->buf + b->len);
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);
	struct batch_req *r;

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
	nlh = batch_reserve(b);
	if (nlh == NULL || req_query(nlh, REQ_MAX, REQ_CT, q, ct) == NULL)
		return -1;
	return batch_commit(b, q == NFCT_Q_GET ? ct : NULL);
}

/* What identifies the entry of a dump message to the kernel: its tuple
 * and zone; the id makes sure a new entry with the same tuple is not
 * taken for it. */
static const uint8_t delete_keys[] = { CTA_TUPLE_ORIG, CTA_ZONE, CTA_ID };

_Static_assert(CTA_MAX <= NL_ANY_MAX, "nl_any_kinds covers CTA_*");

int ext_batch_add_delete_of(struct nfct_ext_batch *b,
			    const struct nlmsghdr *dump)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(dump);
	const struct nlattr *tb[CTA_MAX + 1];
	struct nlmsghdr *nlh;
	struct msgbuf mb;
	uint64_t seen;

	if (dump->nlmsg_len < NLMSG_LENGTH(sizeof(*g))) {
		errno = EBADMSG;
		return -1;
	}
	/* copied as they are: the kernel checks them */
	index_msg(dump, nl_any_kinds, CTA_MAX, tb, &seen);
	nlh = batch_reserve(b);
	if (nlh == NULL)
		return -1;
	nlh = req_start(nlh, REQ_MAX, NFNL_SUBSYS_CTNETLINK,
			IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST | NLM_F_ACK,
			g->nfgen_family);
	mb_init(&mb, nlh, REQ_MAX);
	for (size_t k = 0; k < sizeof(delete_keys); k++) {
		const struct nlattr *a = tb[delete_keys[k]];

		if (HAS(seen, delete_keys[k]))
			mb_put(&mb, a->nla_type, a->nla_len - MNL_ATTR_HDRLEN,
			       (const char *)a + MNL_ATTR_HDRLEN);
	}
	if (mb_status(&mb) < 0)
		return -1;
	return batch_commit(b, NULL);
}

/* ---- sending ---------------------------------------------------------- */

/*
 * Cost model. The kernel handles a datagram's messages one after the
 * other inside our sendmsg(), and queues each answer into our receive
 * buffer; an answer that does not fit is dropped (ENOBUFS). Successful
 * requests are only answered when they carry NLM_F_ACK, failures always
 * are. So only GETs and the last request of a window ask for an ACK:
 * that last ACK arrives after every other answer of the window, and any
 * request without an error message before it has succeeded. This saves
 * the kernel an skb and us a read per request. A window is still sized
 * as if every request failed, so that no error can be lost.
 */
#define RX_SLOTS 64		/* datagrams per recvmmsg() */
#define RX_SLOT 8192		/* > any answer: a GET reply is < 4 KiB,
				 * an error echoes a request < REQ_MAX */
#define TX_CHUNK (128u << 10)	/* bytes per datagram, below the sndbuf */
#define TX_VEC 16		/* datagrams per sendmmsg() */
#define RCVBUF_WANT (4 << 20)	/* asked for when the buffer is smaller */

struct batch_io {
	unsigned char rx[RX_SLOTS][RX_SLOT];
	struct iovec iov[RX_SLOTS];
	struct sockaddr_nl peer[RX_SLOTS];
	struct mmsghdr mm[RX_SLOTS];
	struct iovec tx_iov[TX_VEC];
	struct mmsghdr tx_mm[TX_VEC];
};

static int send_chunks(int fd, struct mmsghdr *mm, unsigned int n)
{
	static struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	unsigned int sent = 0;

	for (unsigned int k = 0; k < n; k++) {
		mm[k].msg_hdr.msg_name = &kernel;
		mm[k].msg_hdr.msg_namelen = sizeof(kernel);
	}
	while (sent < n) {
		int r = sendmmsg(fd, mm + sent, n - sent, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		sent += r;
	}
	return 0;
}

/* Send requests [i, j) in datagrams of at most @chunk bytes. */
static int send_window(struct nfct_handle *h, struct nfct_ext_batch *b,
		       unsigned int i, unsigned int j, size_t chunk)
{
	struct batch_io *io = b->io;
	int fd = nfct_fd(h);
	uint32_t start = b->req[i].off, end = start;
	unsigned int nv = 0;

	for (unsigned int k = i; k <= j; k++) {
		if (k == j || (end > start && end + b->req[k].len - start > chunk)) {
			io->tx_iov[nv].iov_base = b->buf + start;
			io->tx_iov[nv].iov_len = end - start;
			memset(&io->tx_mm[nv], 0, sizeof(io->tx_mm[nv]));
			io->tx_mm[nv].msg_hdr.msg_iov = &io->tx_iov[nv];
			io->tx_mm[nv].msg_hdr.msg_iovlen = 1;
			if (++nv == TX_VEC || k == j) {
				if (send_chunks(fd, io->tx_mm, nv) < 0)
					return -1;
				nv = 0;
			}
			start = end;
		}
		if (k < j)
			end += b->req[k].len;
	}
	return 0;
}

/*
 * One answer of the window [i, i + cnt) numbered from @base; @n bytes
 * were received of it, fewer than its length when the datagram was
 * truncated. Returns 1 when it was the window's last ACK.
 */
static int window_msg(struct nfct_ext_batch *b, unsigned int i,
		      unsigned int cnt, uint32_t base,
		      const struct nlmsghdr *nlh, size_t n)
{
	uint32_t k = nlh->nlmsg_seq - base;
	struct batch_req *r;

	if (k >= cnt)
		return 0;	/* not ours: an event or a stale reply */
	r = &b->req[i + k];
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		if (!r->done) {
			r->err = nl_error_code(nlh, n);
			r->done = true;
		}
		return k == cnt - 1;
	}
	if (r->get == NULL ||
	    NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK)
		return 0;
	if (n < nlh->nlmsg_len) {
		r->err = EMSGSIZE;	/* cannot happen: RX_SLOT is ample */
		r->done = true;
		return 0;
	}
	object_release(r->get);
	memset(r->get, 0, sizeof(*r->get));
	nfct_nlmsg_parse(nlh, r->get);
	return 0;
}

/* Walk one received datagram; returns 1 when the window is answered. */
static int window_dgram(struct nfct_ext_batch *b, unsigned int i,
			unsigned int cnt, uint32_t base,
			const unsigned char *p, size_t n, bool trunc)
{
	const struct nlmsghdr *nlh;
	struct nl_cursor c;
	size_t avail;
	int last = 0;

	nl_cursor_init(&c, p, n, trunc);
	while ((nlh = nl_cursor_next(&c, &avail)))
		last |= window_msg(b, i, cnt, base, nlh, avail);
	return last;
}

static int recv_window(struct nfct_handle *h, struct nfct_ext_batch *b,
		       unsigned int i, unsigned int cnt, uint32_t base)
{
	struct batch_io *io = b->io;
	int last = 0;

	while (!last) {
		int r;

		for (unsigned int s = 0; s < RX_SLOTS; s++) {
			struct msghdr *m = &io->mm[s].msg_hdr;

			io->iov[s].iov_base = io->rx[s];
			io->iov[s].iov_len = RX_SLOT;
			memset(m, 0, sizeof(*m));
			m->msg_name = &io->peer[s];
			m->msg_namelen = sizeof(io->peer[s]);
			m->msg_iov = &io->iov[s];
			m->msg_iovlen = 1;
		}
		r = recvmmsg(nfct_fd(h), io->mm, RX_SLOTS, MSG_WAITFORONE, NULL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		for (int s = 0; s < r; s++) {
			const struct msghdr *m = &io->mm[s].msg_hdr;

			if (!nl_from_kernel(m))
				continue;	/* only the kernel talks to us */
			last |= window_dgram(b, i, cnt, base, io->rx[s],
					     io->mm[s].msg_len,
					     m->msg_flags & MSG_TRUNC);
		}
	}
	/* no error message before the last ACK: success */
	for (unsigned int k = i; k < i + cnt; k++)
		if (!b->req[k].done) {
			b->req[k].err = 0;
			b->req[k].done = true;
		}
	return 0;
}

static int sockopt_int(int fd, int opt)
{
	int v = 0;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &l) < 0 || v <= 0)
		return 0;
	return v;
}

/*
 * Receive buffer room for a window. A small buffer means small windows
 * and a round trip every few dozen requests, so it is enlarged (never
 * shrunk) when allowed: SO_RCVBUFFORCE needs CAP_NET_ADMIN, which
 * changing the table needs anyway.
 */
static size_t window_budget(struct nfct_handle *h)
{
	int fd = nfct_fd(h), want = RCVBUF_WANT;
	int v = sockopt_int(fd, SO_RCVBUF);

	if (v < 2 * want &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
	v = sockopt_int(fd, SO_RCVBUF);
	if (v == 0)
		v = 212992;
	/* the kernel reports twice the size it accounts skbs against;
	 * half of that leaves room for events sharing the socket */
	return (size_t)v / 4;
}

/* Largest datagram: the kernel refuses more than sndbuf - 32 bytes. */
static size_t send_chunk(struct nfct_handle *h)
{
	int v = sockopt_int(nfct_fd(h), SO_SNDBUF);

	if (v <= 0 || (size_t)v > TX_CHUNK + 4096)
		return TX_CHUNK;
	return v > 2 * REQ_MAX ? (size_t)v - REQ_MAX : REQ_MAX;
}

/* Number the messages of window [i, j), only the GETs and the last one
 * asking for an ACK; returns the first number. */
static uint32_t number_window(struct nfct_handle *h, struct nfct_ext_batch *b,
			      unsigned int i, unsigned int j)
{
	/* Far from the numbers nfct_query() takes next: answers left in
	 * the socket by a failed batch cannot pass for its replies. */
	uint32_t base = h->seq + 1 + (1u << 30);

	if (base == 0 || base + (j - i) < base)
		base = 1;	/* 0 marks events: never use it */
	for (unsigned int k = i; k < j; k++) {
		struct nlmsghdr *nlh = (void *)(b->buf + b->req[k].off);

		nlh->nlmsg_seq = base + (k - i);
		nlh->nlmsg_pid = 0;
		if (b->req[k].get || k == j - 1)
			nlh->nlmsg_flags |= NLM_F_ACK;
		else
			nlh->nlmsg_flags &= ~NLM_F_ACK;
		b->req[k].done = false;
	}
	h->seq = base + (j - i) - 1;
	return base;
}

/* End of the window starting at @i that fits in @budget. */
static unsigned int window_end(const struct nfct_ext_batch *b, unsigned int i,
			       size_t budget)
{
	unsigned int j = i;
	size_t cost = 0;

	while (j < b->n) {
		size_t c = b->req[j].get ? GET_COST : ACK_COST + b->req[j].len;

		if (j > i && cost + c > budget)
			break;
		cost += c;
		j++;
	}
	return j;
}

/**
 * nfct_ext_batch_send - send all queued requests and collect the answers
 * @h: handle opened on CONNTRACK or NFNL_SUBSYS_NONE; best without event
 *   subscriptions, whose messages share the receive buffer
 * @b: the batch
 *
 * The requests go out many per datagram and many datagrams per system
 * call, in windows sized to the socket's receive buffer (which is
 * enlarged to 4 MiB when smaller and allowed). Only the kernel's error
 * messages and one ACK per window come back, so the answers of a whole
 * window are read in a few calls; each request's result is available
 * afterwards from nfct_ext_batch_result(). A failed request does not
 * stop the others. The batch keeps its requests: it can be sent again,
 * or reset.
 *
 * Returns the number of requests that failed (0: all succeeded), or -1
 * with errno set when sending or receiving failed (EINVAL for NULL
 * arguments, ENOMEM); requests not answered then report that errno.
 */
NFCT_EXPORT int nfct_ext_batch_send(struct nfct_handle *h,
				    struct nfct_ext_batch *b)
{
	size_t budget, chunk;
	unsigned int i = 0, failed = 0;

	if (h == NULL || b == NULL || h->ssh_ct == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (b->io == NULL && (b->io = malloc(sizeof(*b->io))) == NULL)
		return -1;
	budget = window_budget(h);
	chunk = send_chunk(h);
	for (unsigned int k = 0; k < b->n; k++)
		b->req[k].done = false;
	while (i < b->n) {
		unsigned int j = window_end(b, i, budget);
		uint32_t base = number_window(h, b, i, j);

		if (send_window(h, b, i, j, chunk) < 0 ||
		    recv_window(h, b, i, j - i, base) < 0) {
			int e = errno;

			for (unsigned int k = i; k < b->n; k++)
				if (!b->req[k].done) {
					b->req[k].err = e;
					b->req[k].done = true;
				}
			errno = e;
			return -1;
		}
		i = j;
	}
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
	nlh = req_query(u.buf, sizeof(u.buf), REQ_CT, NFCT_Q_FLUSH_FILTER, f);
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
	nlh = req_query(u.buf, sizeof(u.buf), REQ_CT, NFCT_Q_DUMP_FILTER, f);
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
 * @deleted: where to store the number of entries deleted (may be NULL)
 *
 * Filters the kernel can flush by itself (mark, status, zone, family)
 * take a single request. Others (a tuple), or all with
 * NFCT_EXT_BULK_NO_FLUSH, are dumped with the kernel filtering the dump,
 * then deleted with batched requests; an interrupted dump is run again.
 * Entries that vanish meanwhile are not an error.
 *
 * The count: the kernel answers a flush with a bare ACK, whatever it
 * deleted, so *@deleted is NFCT_EXT_BULK_UNKNOWN exactly when the flush
 * was used: @flags without NFCT_EXT_BULK_NO_FLUSH and a filter the
 * kernel took for a flush. Otherwise (NFCT_EXT_BULK_NO_FLUSH, or a
 * filter the kernel refused to flush with ENOTSUP, EOPNOTSUPP or EINVAL,
 * such as a tuple) it is the exact number of entries this call deleted,
 * not counting those that vanished by themselves meanwhile. Counting
 * the flush another way is not cheap: a dump of the matching entries
 * costs about as much as the flush (see doc/ext/batch.md) and would
 * still miss entries created between the two.
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
