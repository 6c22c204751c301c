/*
 * Handles: a netlink socket (a real libnfnetlink handle, so that programs
 * can use nfnl_rcvbufsiz() and friends on it) with the conntrack and/or
 * expectation subsystems opened on it.
 */
#include <stdlib.h>

#include <libnfnetlink/libnfnetlink.h>

#include "io.h"

static struct nfnl_subsys_handle *subsys_open(struct nfnl_handle *nfnlh,
					      uint8_t id, uint8_t max_msg,
					      unsigned int groups)
{
	/* nfnl_subsys_open() binds the socket to the union of all groups */
	return nfnl_subsys_open(nfnlh, id, max_msg, groups);
}

static void handle_free(struct nfct_handle *h)
{
	if (h->ssh_exp)
		nfnl_subsys_close(h->ssh_exp);
	if (h->ssh_ct)
		nfnl_subsys_close(h->ssh_ct);
	nfct_destroy(h->ct_spare);
	free(h->rxbuf);
	free(h);
}

/**
 * nfct_open_nfnl - open a handle on an existing libnfnetlink handle
 * @nfnlh: libnfnetlink handle from nfnl_open()
 * @subsys_id: CONNTRACK, EXPECT, or 0 (NFNL_SUBSYS_NONE) for both
 * @subscriptions: event groups to join (NF_NETLINK_CONNTRACK_* bits)
 *
 * Like the original library, any other @subsys_id yields a handle with
 * no subsystem, and nfct_close() closes @nfnlh too.
 *
 * Returns the handle, or NULL with errno set: EINVAL (@nfnlh is NULL),
 * EBUSY (the subsystem is already open on @nfnlh), ENOMEM.
 */
NFCT_EXPORT struct nfct_handle *nfct_open_nfnl(struct nfnl_handle *nfnlh,
					       uint8_t subsys_id,
					       unsigned int subscriptions)
{
	struct nfct_handle *h;

	if (nfnlh == NULL) {
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->rxbuf = malloc(HANDLE_RXBUF_SIZE);
	if (h->rxbuf == NULL)
		goto err;
	h->nfnlh = nfnlh;

	if (subsys_id == NFNL_SUBSYS_NONE || subsys_id == CONNTRACK) {
		h->ssh_ct = subsys_open(nfnlh, NFNL_SUBSYS_CTNETLINK,
					IPCTNL_MSG_MAX, subscriptions);
		if (h->ssh_ct == NULL)
			goto err;
	}
	if (subsys_id == NFNL_SUBSYS_NONE || subsys_id == EXPECT) {
		h->ssh_exp = subsys_open(nfnlh, NFNL_SUBSYS_CTNETLINK_EXP,
					 IPCTNL_MSG_EXP_MAX, subscriptions);
		if (h->ssh_exp == NULL)
			goto err;
	}
	return h;
err:
	{
		int e = errno;

		handle_free(h);
		errno = e;
	}
	return NULL;
}

/**
 * nfct_open - open a conntrack netlink handle
 * @subsys_id: CONNTRACK, EXPECT, or 0 (NFNL_SUBSYS_NONE) for both
 * @subscriptions: event groups to join (NF_NETLINK_CONNTRACK_* bits,
 *   e.g. NFCT_ALL_CT_GROUPS); 0 for a handle used for queries only
 *
 * Returns the handle, or NULL with errno set (socket errors, ENOMEM).
 * Release it with nfct_close().
 *
 * Threads: a handle must be used by one thread at a time (open one per
 * thread); objects may be shared between threads read-only.
 */
NFCT_EXPORT struct nfct_handle *nfct_open(uint8_t subsys_id,
					  unsigned int subscriptions)
{
	struct nfnl_handle *nfnlh = nfnl_open();
	struct nfct_handle *h;

	if (nfnlh == NULL)
		return NULL;
	h = nfct_open_nfnl(nfnlh, subsys_id, subscriptions);
	if (h == NULL) {
		int e = errno;

		nfnl_close(nfnlh);
		errno = e;
	}
	return h;
}

/**
 * nfct_close - close a handle and its netlink socket
 * @h: handle from nfct_open() or nfct_open_nfnl()
 *
 * The libnfnetlink handle is closed too, also when it was passed to
 * nfct_open_nfnl(). Objects stolen by callbacks stay valid.
 *
 * Returns 0, or -1 with errno set (EINVAL for a NULL handle, or the
 * error from closing the socket).
 */
NFCT_EXPORT int nfct_close(struct nfct_handle *h)
{
	struct nfnl_handle *nfnlh;

	if (h == NULL) {
		errno = EINVAL;
		return -1;
	}
	nfnlh = h->nfnlh;
	handle_free(h);
	return nfnl_close(nfnlh);
}

/**
 * nfct_fd - file descriptor of a handle's netlink socket
 * @h: the handle
 *
 * Useful for poll()/select() before nfct_catch(). Returns the
 * descriptor, or -1 with errno EINVAL for a NULL handle.
 */
NFCT_EXPORT int nfct_fd(struct nfct_handle *h)
{
	if (h == NULL) {
		errno = EINVAL;
		return -1;
	}
	return nfnl_fd(h->nfnlh);
}

/**
 * nfct_nfnlh - the libnfnetlink handle under a handle
 * @h: the handle
 *
 * For nfnl_rcvbufsiz(), nfnl_portid() and the like. Returns the handle,
 * or NULL with errno EINVAL for a NULL @h.
 */
NFCT_EXPORT const struct nfnl_handle *nfct_nfnlh(struct nfct_handle *h)
{
	if (h == NULL) {
		errno = EINVAL;
		return NULL;
	}
	return h->nfnlh;
}
