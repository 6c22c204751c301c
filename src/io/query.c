/*
 * Queries, callbacks and the receive loop.
 *
 * Replies and events are read with our own recvmsg() into the handle's
 * buffer and walked in place, so a dump of any size runs in constant
 * memory: the conntrack object handed to callbacks is reused from one
 * message to the next unless a callback steals it.
 *
 * Verdicts follow the original library: a callback returning
 * NFCT_CB_STOP ends the loop with 0, NFCT_CB_FAILURE with -1, any other
 * negative value is returned as is, positive values go on. Without an
 * active callback messages are consumed and skipped; with a registered
 * NULL function each one ends the loop with 0.
 *
 * Unlike the original, the rest of a reply abandoned that way is
 * dropped when it arrives later (by its sequence number) instead of
 * being taken for the reply to the next request.
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <libnfnetlink/libnfnetlink.h>

#include "io.h"

/* nfct_query() builds requests on the stack, as big as the original's. */

/* Result of one message: go on, or end the loop with this value. */
#define GO_ON 1

/* ---- callback registration ------------------------------------------ */

static int slot_set(struct nfct_cb_slot *s, unsigned int types, void *data)
{
	s->types = types;
	s->data = data;
	s->active = true;
	return 0;
}

/* A handle without the subsystem can't take its callback. */
static int slot_check(struct nfct_handle *h, const void *ssh)
{
	if (h == NULL || ssh == NULL) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/**
 * nfct_callback_register - set the conntrack callback of a handle
 * @h: handle opened on CONNTRACK or NFNL_SUBSYS_NONE
 * @type: NFCT_T_* mask of the messages to pass to @cb
 * @cb: called for each conntrack message; returns an NFCT_CB_* verdict
 * @data: passed to @cb
 *
 * The object @cb gets is freed after it returns, unless @cb returns
 * NFCT_CB_STOLEN: then it is the callback's to nfct_destroy().
 *
 * Returns 0, or -1 with errno EINVAL (NULL handle, or a handle without
 * the conntrack subsystem).
 */
NFCT_EXPORT int nfct_callback_register(struct nfct_handle *h,
				       enum nf_conntrack_msg_type type,
				       int (*cb)(enum nf_conntrack_msg_type type,
						 struct nf_conntrack *ct,
						 void *data),
				       void *data)
{
	if (slot_check(h, h ? h->ssh_ct : NULL) < 0)
		return -1;
	h->ct_cb.fn = (void *)cb;
	return slot_set(&h->ct_cb, type, data);
}

/**
 * nfct_callback_unregister - remove the conntrack callback of a handle
 * @h: the handle (NULL is ignored)
 *
 * Deactivates the registration made by either register function.
 */
NFCT_EXPORT void nfct_callback_unregister(struct nfct_handle *h)
{
	if (h == NULL)
		return;
	h->ct_cb.fn = NULL;
	h->ct_cb.active = false;
}

/**
 * nfct_callback_register2 - set the conntrack callback, with the message
 * @h: handle opened on CONNTRACK or NFNL_SUBSYS_NONE
 * @type: NFCT_T_* mask of the messages to pass to @cb
 * @cb: called with the netlink message and the parsed object
 * @data: passed to @cb
 *
 * Like nfct_callback_register(); a callback set by that function takes
 * precedence over this one while both are set.
 *
 * Returns 0, or -1 with errno EINVAL.
 */
NFCT_EXPORT int nfct_callback_register2(struct nfct_handle *h,
					enum nf_conntrack_msg_type type,
					int (*cb)(const struct nlmsghdr *nlh,
						  enum nf_conntrack_msg_type type,
						  struct nf_conntrack *ct,
						  void *data),
					void *data)
{
	if (slot_check(h, h ? h->ssh_ct : NULL) < 0)
		return -1;
	h->ct_cb.fn2 = (void *)cb;
	return slot_set(&h->ct_cb, type, data);
}

/**
 * nfct_callback_unregister2 - remove the conntrack callback (register2)
 * @h: the handle (NULL is ignored)
 */
NFCT_EXPORT void nfct_callback_unregister2(struct nfct_handle *h)
{
	if (h == NULL)
		return;
	h->ct_cb.fn2 = NULL;
	h->ct_cb.active = false;
}

/**
 * nfexp_callback_register - set the expectation callback of a handle
 * @h: handle opened on EXPECT or NFNL_SUBSYS_NONE
 * @type: NFCT_T_* mask of the messages to pass to @cb
 * @cb: called for each expectation message; returns an NFCT_CB_* verdict
 * @data: passed to @cb
 *
 * Returns 0, or -1 with errno EINVAL (NULL handle, or a handle without
 * the expectation subsystem).
 */
NFCT_EXPORT int nfexp_callback_register(struct nfct_handle *h,
					enum nf_conntrack_msg_type type,
					int (*cb)(enum nf_conntrack_msg_type type,
						  struct nf_expect *exp,
						  void *data),
					void *data)
{
	if (slot_check(h, h ? h->ssh_exp : NULL) < 0)
		return -1;
	h->exp_cb.fn = (void *)cb;
	return slot_set(&h->exp_cb, type, data);
}

/**
 * nfexp_callback_unregister - remove the expectation callback
 * @h: the handle (NULL is ignored)
 */
NFCT_EXPORT void nfexp_callback_unregister(struct nfct_handle *h)
{
	if (h == NULL)
		return;
	h->exp_cb.fn = NULL;
	h->exp_cb.active = false;
}

/**
 * nfexp_callback_register2 - set the expectation callback, with message
 * @h: handle opened on EXPECT or NFNL_SUBSYS_NONE
 * @type: NFCT_T_* mask of the messages to pass to @cb
 * @cb: called with the netlink message and the parsed object
 * @data: passed to @cb
 *
 * Returns 0, or -1 with errno EINVAL.
 */
NFCT_EXPORT int nfexp_callback_register2(struct nfct_handle *h,
					 enum nf_conntrack_msg_type type,
					 int (*cb)(const struct nlmsghdr *nlh,
						   enum nf_conntrack_msg_type type,
						   struct nf_expect *exp,
						   void *data),
					 void *data)
{
	if (slot_check(h, h ? h->ssh_exp : NULL) < 0)
		return -1;
	h->exp_cb.fn2 = (void *)cb;
	return slot_set(&h->exp_cb, type, data);
}

/**
 * nfexp_callback_unregister2 - remove the expectation callback (register2)
 * @h: the handle (NULL is ignored)
 */
NFCT_EXPORT void nfexp_callback_unregister2(struct nfct_handle *h)
{
	if (h == NULL)
		return;
	h->exp_cb.fn2 = NULL;
	h->exp_cb.active = false;
}

/* ---- dispatching one message ---------------------------------------- */

typedef int (*ct_cb_t)(enum nf_conntrack_msg_type, struct nf_conntrack *,
		       void *);
typedef int (*ct_cb2_t)(const struct nlmsghdr *, enum nf_conntrack_msg_type,
			struct nf_conntrack *, void *);
typedef int (*exp_cb_t)(enum nf_conntrack_msg_type, struct nf_expect *,
			void *);
typedef int (*exp_cb2_t)(const struct nlmsghdr *, enum nf_conntrack_msg_type,
			 struct nf_expect *, void *);

/* Map a callback verdict to the loop's result. */
static int verdict(int v)
{
	if (v == NFCT_CB_STOLEN || v > 0)
		return GO_ON;
	if (v == NFCT_CB_STOP)
		return 0;
	return v;	/* NFCT_CB_FAILURE (-1) or another negative value */
}

/*
 * The object for the next conntrack message: the spare one, or a new
 * one. The handle lets go of it during the callback, so a callback that
 * queries the same handle again cannot clobber it.
 */
static struct nf_conntrack *ct_take(struct nfct_handle *h)
{
	struct nf_conntrack *ct = h->ct_spare;

	h->ct_spare = NULL;
	return ct ? ct : nfct_new();
}

/* Keep the object for the next message, unless it was stolen. */
static void ct_return(struct nfct_handle *h, struct nf_conntrack *ct, int v)
{
	if (v == NFCT_CB_STOLEN)
		return;
	if (h->ct_spare) {	/* a nested loop left one already */
		nfct_destroy(ct);
		return;
	}
	object_release(ct);
	memset(ct, 0, sizeof(*ct));
	h->ct_spare = ct;
}

static int ct_message(struct nfct_handle *h, const struct nlmsghdr *nlh,
		      enum nf_conntrack_msg_type type)
{
	struct nfct_cb_slot *s = &h->ct_cb;
	struct nf_conntrack *ct;
	int v = NFCT_CB_STOP;

	ct = ct_take(h);
	if (ct == NULL)
		return -1;
	nfct_nlmsg_parse(nlh, ct);
	if (s->fn)
		v = ((ct_cb_t)s->fn)(type, ct, s->data);
	else if (s->fn2)
		v = ((ct_cb2_t)s->fn2)(nlh, type, ct, s->data);
	ct_return(h, ct, v);
	return verdict(v);
}

static int exp_message(struct nfct_handle *h, const struct nlmsghdr *nlh,
		       enum nf_conntrack_msg_type type)
{
	struct nfct_cb_slot *s = &h->exp_cb;
	struct nf_expect *exp;
	int v = NFCT_CB_STOP;

	/* expectations are rare: a fresh object each time is fine */
	exp = nfexp_new();
	if (exp == NULL)
		return -1;
	nfexp_nlmsg_parse(nlh, exp);
	if (s->fn)
		v = ((exp_cb_t)s->fn)(type, exp, s->data);
	else if (s->fn2)
		v = ((exp_cb2_t)s->fn2)(nlh, type, exp, s->data);
	if (v != NFCT_CB_STOLEN)
		nfexp_destroy(exp);
	return verdict(v);
}

/* A conntrack or expectation message: run the subsystem's callback. */
static int subsys_message(struct nfct_handle *h, const struct nlmsghdr *nlh)
{
	uint8_t subsys = NFNL_SUBSYS_ID(nlh->nlmsg_type);
	struct nfct_cb_slot *s;
	enum nf_conntrack_msg_type type;
	int ret;

	if (subsys == NFNL_SUBSYS_CTNETLINK && h->ssh_ct)
		s = &h->ct_cb;
	else if (subsys == NFNL_SUBSYS_CTNETLINK_EXP && h->ssh_exp)
		s = &h->exp_cb;
	else {
		errno = ENOENT;	/* not for a subsystem of this handle */
		return -1;
	}
	type = nl_event_type(nlh);
	if (type == NFCT_T_UNKNOWN)
		return GO_ON;	/* other message types have no callback */
	if (!s->active)
		return GO_ON;	/* nobody listens: skip it */
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct nfgenmsg))) {
		errno = EINVAL;
		return -1;
	}
	if (!(type & s->types))
		return GO_ON;
	if (subsys == NFNL_SUBSYS_CTNETLINK)
		ret = ct_message(h, nlh, type);
	else
		ret = exp_message(h, nlh, type);
	return ret;
}

/* NLMSG_ERROR: an ACK (0) or the kernel's error as errno (-1). The
 * original clears errno on success too. */
static int error_message(const struct nlmsghdr *nlh)
{
	errno = nl_error_code(nlh, nlh->nlmsg_len);
	return errno ? -1 : 0;
}

/*
 * NLMSG_DONE ends a dump, possibly with an error code. An interrupted
 * dump (NLM_F_DUMP_INTR: the table changed while it was walked, so
 * entries may be missing or repeated) fails with EINTR, so that the
 * caller knows to dump again.
 */
static int done_message(struct nfct_handle *h, const struct nlmsghdr *nlh)
{
	int err = nl_done_code(nlh, nlh->nlmsg_len);

	if (err) {
		errno = err;
		return -1;
	}
	if (h->dump_intr || (nlh->nlmsg_flags & NLM_F_DUMP_INTR)) {
		errno = EINTR;
		return -1;
	}
	errno = 0;
	return 0;
}

/*
 * Whether a message belongs to what we are waiting for: the reply with
 * sequence number @want (nfct_query), or anything not stale (@want 0,
 * nfct_catch). Events have sequence number 0.
 */
static bool wanted(const struct nfct_handle *h, const struct nlmsghdr *nlh,
		   uint32_t want)
{
	uint32_t seq = nlh->nlmsg_seq;

	if (seq == 0)
		return true;
	if (want)
		return seq == want;
	return seq != h->stale_seq;
}

static int dispatch(struct nfct_handle *h, const struct nlmsghdr *nlh,
		    uint32_t want)
{
	int ret;

	if (!wanted(h, nlh, want))
		return GO_ON;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		h->dump_intr = true;
	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
		return GO_ON;
	case NLMSG_ERROR:
		return error_message(nlh);
	case NLMSG_DONE:
		return done_message(h, nlh);
	case NLMSG_OVERRUN:
		errno = ENOBUFS;
		return -1;
	}
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		return GO_ON;
	ret = subsys_message(h, nlh);
	/* a callback ended the loop: the rest of this reply is stale */
	if (ret <= 0 && nlh->nlmsg_seq)
		h->stale_seq = nlh->nlmsg_seq;
	return ret;
}

/* ---- the receive loop ----------------------------------------------- */

/*
 * Read one datagram from the kernel into @buf (HANDLE_RXBUF_SIZE bytes).
 * Returns its length, 0 for one to ignore (not from the kernel), or -1
 * with errno set; ENOBUFS reports lost events and leaves the socket
 * usable.
 */
ssize_t handle_receive(struct nfct_handle *h, unsigned char *buf)
{
	struct sockaddr_nl peer;
	struct iovec iov = { buf, HANDLE_RXBUF_SIZE };
	struct msghdr msg = {
		.msg_name = &peer,
		.msg_namelen = sizeof(peer),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t n;

	do
		n = recvmsg(nfnl_fd(h->nfnlh), &msg, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (!nl_from_kernel(&msg))
		return 0;	/* only the kernel talks to us */
	if (msg.msg_flags & MSG_TRUNC) {
		errno = ENOSPC;
		return -1;
	}
	if (n == 0) {
		errno = ENODATA;
		return -1;
	}
	return n;
}

/*
 * Dispatch the messages of one received datagram. Returns 1 when all
 * were consumed and the loop goes on, else the loop's result. Not
 * static: the fuzzers (fuzz/) feed it arbitrary datagrams.
 */
int handle_process(struct nfct_handle *h, const void *buf, size_t size,
		   uint32_t want)
{
	const struct nlmsghdr *nlh;
	struct nl_cursor c;
	size_t avail;

	nl_cursor_init(&c, buf, size, false);
	while ((nlh = nl_cursor_next(&c, &avail))) {
		int ret = dispatch(h, nlh, want);

		if (ret != GO_ON)
			return ret;
	}
	/* a partial message at the end is ignored, as ever */
	return GO_ON;
}

static int walk(struct nfct_handle *h, unsigned char *buf, uint32_t want)
{
	for (;;) {
		ssize_t n = handle_receive(h, buf);
		int ret;

		if (n < 0) {
			if (want)	/* what is left of the reply is stale */
				h->stale_seq = want;
			return -1;
		}
		ret = handle_process(h, buf, n, want);
		if (ret != GO_ON)
			return ret;
	}
}

/*
 * Receive and dispatch until the loop ends. A callback that runs another
 * query on the same handle gets a buffer of its own, so memory stays
 * sound, but that query reads (and drops) the rest of the outer reply
 * from the shared socket: callbacks should query through a second
 * handle, as conntrack -D does.
 */
static int receive_loop(struct nfct_handle *h, uint32_t want)
{
	unsigned char *buf = h->rxbuf;
	int ret;

	h->dump_intr = false;
	if (h->rx_busy) {
		buf = malloc(HANDLE_RXBUF_SIZE);
		if (buf == NULL)
			return -1;
		ret = walk(h, buf, want);
		free(buf);
		return ret;
	}
	h->rx_busy = true;
	ret = walk(h, buf, want);
	h->rx_busy = false;
	return ret;
}

/*
 * Next sequence number. Taken from libnfnetlink's counter when we can,
 * so that a program reading replies with nfnl_process() on our socket
 * passes its sequence check; never 0, which marks events.
 */
static uint32_t next_seq(struct nfct_handle *h)
{
	struct nfnl_subsys_handle *ssh = h->ssh_ct ? h->ssh_ct : h->ssh_exp;
	union {
		char buf[NLMSG_SPACE(sizeof(struct nfgenmsg))];
		struct nlmsghdr nlh;
	} scratch;

	if (ssh) {
		nfnl_fill_hdr(ssh, &scratch.nlh, 0, 0, 0, 0, 0);
		h->seq = scratch.nlh.nlmsg_seq;
	} else {
		h->seq++;
	}
	if (h->seq == 0)
		return next_seq(h);
	return h->seq;
}

int handle_send(struct nfct_handle *h, struct nlmsghdr *nlh)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	nlh->nlmsg_seq = next_seq(h);
	nlh->nlmsg_pid = 0;
	do
		n = sendto(nfnl_fd(h->nfnlh), nlh, nlh->nlmsg_len, 0,
			   (struct sockaddr *)&kernel, sizeof(kernel));
	while (n < 0 && errno == EINTR);
	return n;
}

int handle_query(struct nfct_handle *h, struct nlmsghdr *nlh)
{
	if (handle_send(h, nlh) < 0)
		return -1;
	return receive_loop(h, nlh->nlmsg_seq);
}

int handle_catch(struct nfct_handle *h)
{
	return receive_loop(h, 0);
}

/* ---- public entry points -------------------------------------------- */

/*
 * Build query @q of subsystem @s into a stack buffer, bounded by it,
 * and send it: wait for the reply (handle_query) or not (handle_send).
 */
static int request(struct nfct_handle *h, enum req_subsys s,
		   enum nf_conntrack_query q, const void *data, bool wait)
{
	union {
		char buf[REQ_BUF_SIZE];
		struct nlmsghdr align;
	} u;
	struct nlmsghdr *nlh;

	if (h == NULL || (s == REQ_CT ? h->ssh_ct : h->ssh_exp) == NULL) {
		errno = EINVAL;
		return -1;
	}
	nlh = req_query(u.buf, sizeof(u.buf), s, q, data);
	if (nlh == NULL)
		return -1;
	return wait ? handle_query(h, nlh) : handle_send(h, nlh);
}

/**
 * nfct_query - run a query and process its reply
 * @h: handle opened on CONNTRACK or NFNL_SUBSYS_NONE
 * @query: NFCT_Q_*
 * @data: the query's argument: a struct nf_conntrack * for CREATE,
 *   UPDATE, CREATE_UPDATE, GET and DESTROY; a uint8_t * family for
 *   FLUSH, DUMP and DUMP_RESET (a uint32_t * works too); a struct
 *   nfct_filter_dump * for DUMP_FILTER, DUMP_FILTER_RESET, FLUSH_FILTER
 *
 * Entries in the reply (GET, dumps) go to the registered callback as
 * NFCT_T_UPDATE messages. Blocks until the kernel has answered.
 *
 * Returns 0 on success (also when a callback returned NFCT_CB_STOP), or
 * -1 with errno set: the kernel's error (ENOENT, EEXIST, EINVAL, EPERM,
 * EBUSY, ...), EOPNOTSUPP for an unknown @query, EINVAL for a NULL or
 * unsuitable handle or NULL @data, EINTR for a dump the kernel
 * interrupted; -1 also when a callback returned NFCT_CB_FAILURE.
 */
NFCT_EXPORT int nfct_query(struct nfct_handle *h,
			   const enum nf_conntrack_query query,
			   const void *data)
{
	return request(h, REQ_CT, query, data, true);
}

/**
 * nfct_send - send a query without waiting for the reply
 * @h: handle opened on CONNTRACK or NFNL_SUBSYS_NONE
 * @query: NFCT_Q_*
 * @data: as for nfct_query()
 *
 * Process the reply with nfct_catch().
 *
 * Returns the number of bytes sent, or -1 with errno set.
 */
NFCT_EXPORT int nfct_send(struct nfct_handle *h,
			  const enum nf_conntrack_query query,
			  const void *data)
{
	return request(h, REQ_CT, query, data, false);
}

/**
 * nfct_catch - receive and process messages: events or a sent query's reply
 * @h: the handle
 *
 * Runs the registered callbacks until one returns NFCT_CB_STOP (0 is
 * returned) or NFCT_CB_FAILURE (-1), the reply to nfct_send() ends (0,
 * or -1 with the kernel's error), or receiving fails.
 *
 * Returns 0 or -1 with errno set. ENOBUFS means events were lost because
 * the socket buffer overran; the handle stays usable. EAGAIN comes from a
 * non-blocking socket with nothing to read.
 */
NFCT_EXPORT int nfct_catch(struct nfct_handle *h)
{
	if (h == NULL) {
		errno = EINVAL;
		return -1;
	}
	return handle_catch(h);
}
/**
 * nfexp_query - run an expectation query and process its reply
 * @h: handle opened on EXPECT or NFNL_SUBSYS_NONE
 * @qt: NFCT_Q_CREATE, _CREATE_UPDATE, _UPDATE, _GET, _DESTROY, _FLUSH or
 *   _DUMP
 * @data: a struct nf_expect *, or for FLUSH and DUMP a pointer to the
 *   family (uint8_t or uint32_t)
 *
 * Entries in the reply go to the expectation callback. Returns 0, or -1
 * with errno set (the kernel's error, or EINVAL/ENOTSUP for bad use).
 */
NFCT_EXPORT int nfexp_query(struct nfct_handle *h,
			    const enum nf_conntrack_query qt,
			    const void *data)
{
	return request(h, REQ_EXP, qt, data, true);
}

/**
 * nfexp_send - send an expectation query without waiting for the reply
 * @h: handle opened on EXPECT or NFNL_SUBSYS_NONE
 * @qt: query type, as for nfexp_query()
 * @data: query data, as for nfexp_query()
 *
 * Arguments as nfexp_query(); process the reply with nfexp_catch().
 * Returns the number of bytes sent, or -1 with errno set.
 */
NFCT_EXPORT int nfexp_send(struct nfct_handle *h,
			   const enum nf_conntrack_query qt,
			   const void *data)
{
	return request(h, REQ_EXP, qt, data, false);
}

/**
 * nfexp_catch - receive and process expectation events or a reply
 * @h: the handle
 *
 * As nfct_catch(). Returns 0 when a callback stops or the reply ends,
 * -1 with errno set otherwise (ENOBUFS: events were lost).
 */
NFCT_EXPORT int nfexp_catch(struct nfct_handle *h)
{
	if (h == NULL) {
		errno = EINVAL;
		return -1;
	}
	return handle_catch(h);
}

