/*
 * Event storm probe, run on both libraries by test_robust (storm):
 * in a fresh namespace, create and flush far more entries than a
 * listener's socket buffer holds before it reads anything, then read.
 *
 *   storm_probe MODE ENTRIES
 *   MODE: default (kernel default buffer), bigbuf (nfnl_rcvbufsiz 1 GiB),
 *         noenobufs (NETLINK_NO_ENOBUFS)
 *
 * stdout carries only what must agree between libraries (what
 * nfct_catch reported, whether the handle still works); the figures,
 * which vary from run to run, go to stderr as "generated received
 * lost enobufs rcvbuf".
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <libnfnetlink/libnfnetlink.h>

#include "robust_util.h"

static long received;
static int stop_after_one;

static int count_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
		    void *data)
{
	(void)type;
	(void)ct;
	(void)data;
	received++;
	return stop_after_one ? NFCT_CB_STOP : NFCT_CB_CONTINUE;
}

static void set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "default";
	uint32_t n = argc > 2 ? strtoul(argv[2], NULL, 0) : 100000;
	struct nfct_handle *l, *w;
	long generated, total, enobufs = 0, first_ret;
	int first_errno, fd, on = 1;
	uint8_t fam = AF_INET;
	socklen_t sl = sizeof(int);
	int rcvbuf = 0;

	if (unshare(CLONE_NEWNET) < 0) {
		perror("unshare");
		return 77;
	}
	l = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_NEW |
				 NF_NETLINK_CONNTRACK_DESTROY);
	w = nfct_open(CONNTRACK, 0);
	if (l == NULL || w == NULL) {
		perror("nfct_open");
		return 1;
	}
	fd = nfct_fd(l);
	if (strcmp(mode, "bigbuf") == 0)
		nfnl_rcvbufsiz(nfct_nfnlh(l), 1 << 30);
	else if (strcmp(mode, "noenobufs") == 0)
		setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &on, sizeof(on));
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &sl);
	nfct_callback_register(l, NFCT_T_ALL, count_cb, NULL);

	/* n NEW events, then n DESTROY events from one flush, unread */
	if (robust_fill(0, n) != n || nfct_query(w, NFCT_Q_FLUSH, &fam) < 0) {
		perror("generate");
		return 1;
	}
	generated = 2L * n;

	set_nonblock(fd, 1);
	first_ret = nfct_catch(l);
	first_errno = errno;
	printf("first catch: %ld %s\n", first_ret,
	       first_ret < 0 ? (first_errno == ENOBUFS ? "ENOBUFS" :
				first_errno == EAGAIN ? "EAGAIN" : "other") : "");
	if (first_ret < 0 && first_errno == ENOBUFS)
		enobufs++;
	/* drain: the handle must go on working after ENOBUFS */
	for (;;) {
		int r = nfct_catch(l);

		if (r < 0 && errno == ENOBUFS) {
			enobufs++;
			continue;
		}
		if (r < 0 && errno == EAGAIN)
			break;
		if (r < 0) {
			printf("drain error: %s\n", strerror(errno));
			break;
		}
	}
	printf("all received: %s\n", received == generated ? "yes" : "no");
	printf("enobufs reported: %s\n", enobufs ? "yes" : "no");

	/* still usable: one more event arrives and is handled */
	total = received;
	set_nonblock(fd, 0);
	stop_after_one = 1;
	received = 0;
	if (robust_fill(n + 1, 1) != 1)
		return 1;
	first_ret = nfct_catch(l);
	printf("after storm: catch %ld, got %ld\n", first_ret, received);
	fprintf(stderr, "%s: generated %ld received %ld lost %ld enobufs %ld rcvbuf %d\n",
		mode, generated, total, generated - total, enobufs, rcvbuf);
	nfct_close(l);
	nfct_close(w);
	return 0;
}
