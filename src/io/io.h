/*
 * The I/O layer: handles, sockets, receiving and dispatching replies and
 * events to callbacks. Depends on the request layer and below.
 */
#ifndef NFCT_IO_H
#define NFCT_IO_H

#include "request.h"

/* ---- handles (io/handle.c, io/query.c) ------------------------------ */

struct nfnl_handle;
struct nfnl_subsys_handle;

/*
 * A registered callback. As in the original library, register() and
 * register2() share the type mask, data and "active" state but keep their
 * own function: the plain one wins when both are set, and unregistering
 * either one deactivates the registration.
 */
struct nfct_cb_slot {
	void *fn;		/* plain callback (ct or exp flavour) */
	void *fn2;		/* callback that also gets the nlmsghdr */
	void *data;
	unsigned int types;	/* NFCT_T_* mask */
	bool active;
};

struct nfct_handle {
	struct nfnl_handle *nfnlh;		/* owned: closed by nfct_close() */
	struct nfnl_subsys_handle *ssh_ct;	/* NULL: no conntrack subsys */
	struct nfnl_subsys_handle *ssh_exp;	/* NULL: no expectation subsys */
	uint32_t seq;		/* sequence number of the last request */
	uint32_t stale_seq;	/* replies to this request are dropped */
	bool dump_intr;		/* NLM_F_DUMP_INTR seen in this reply */
	bool rx_busy;		/* rxbuf in use: a callback re-entered */
	struct nfct_cb_slot ct_cb;
	struct nfct_cb_slot exp_cb;
	struct nf_conntrack *ct_spare;	/* reused until a callback steals it */
	unsigned char *rxbuf;		/* HANDLE_RXBUF_SIZE bytes */
};

/* Dump datagrams are at most 32 KiB; events are much smaller. */
#define HANDLE_RXBUF_SIZE 65536

/* Send a request built into @nlh (sets its sequence number): bytes sent. */
int handle_send(struct nfct_handle *h, struct nlmsghdr *nlh);
/* Send, then receive and dispatch until the ACK or NLMSG_DONE. */
int handle_query(struct nfct_handle *h, struct nlmsghdr *nlh);
/* Read one datagram (HANDLE_RXBUF_SIZE bytes at most): its length, 0 for
 * one not from the kernel, -1 with errno. */
ssize_t handle_receive(struct nfct_handle *h, unsigned char *buf);
/* Receive and dispatch until a callback stops, an ACK/DONE or an error. */
int handle_catch(struct nfct_handle *h);
/* Dispatch one received datagram (1: go on); the fuzzers use it. */
int handle_process(struct nfct_handle *h, const void *buf, size_t size,
		   uint32_t want);

#endif /* NFCT_IO_H */
