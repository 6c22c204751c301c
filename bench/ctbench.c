/*
 * ctbench - the workloads of the benchmark, written against the public
 * API only, so the same binary runs on this library or on the reference
 * (LD_LIBRARY_PATH picks which; see bench/run.sh).
 *
 *   ctbench count            nfct_query(NFCT_Q_DUMP), callback only counts
 *   ctbench mnl              libmnl reads the dump, the caller runs
 *                            nfct_new + nfct_nlmsg_parse + nfct_destroy
 *                            on each message (as conntrack -L does)
 *   ctbench plain | xml      count, plus nfct_snprintf of every entry
 *   ctbench events BUF IDLE_MS READY_FILE
 *                            listen for NEW/DESTROY events with a BUF
 *                            bytes receive buffer, touch READY_FILE once
 *                            subscribed, stop after IDLE_MS without events
 *   ctbench obj OP ITERS     object operation OP, ITERS times:
 *                            new, copy, cmp, set, get (set/get: every
 *                            attribute the reference knows and the
 *                            setter stores inline, once each; get on an
 *                            object where all of them are set), getunset
 *                            (every attribute of an empty object: the
 *                            ENODATA path); setloop, getloop,
 *                            getunsetloop: the same loops calling a
 *                            function that does nothing (the caller's
 *                            share of the set/get counts)
 *   ctbench maxsize          print nfct_maxsize()
 *
 * Dump modes print "entries bytes" on stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <libmnl/libmnl.h>
#include <libnfnetlink/libnfnetlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "dump_request.h"

/* Attributes both libraries know (the reference stops after this one). */
#define BENCH_ATTR_MAX (ATTR_SYNPROXY_TSOFF + 1)

static unsigned long entries, bytes;
static int out_type = -1;

static int dump_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
		   void *data)
{
	char buf[1024];

	(void)data;
	entries++;
	if (out_type >= 0)
		bytes += nfct_snprintf(buf, sizeof(buf), ct, type, out_type, 0);
	return NFCT_CB_CONTINUE;
}

static int dump_query(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	uint32_t family = AF_INET;

	if (h == NULL) {
		perror("nfct_open");
		return 1;
	}
	nfct_callback_register(h, NFCT_T_ALL, dump_cb, NULL);
	if (nfct_query(h, NFCT_Q_DUMP, &family) < 0) {
		perror("nfct_query");
		return 1;
	}
	nfct_close(h);
	printf("%lu %lu\n", entries, bytes);
	return 0;
}

static int mnl_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nf_conntrack *ct = nfct_new();

	(void)data;
	if (ct == NULL)
		return MNL_CB_ERROR;
	if (nfct_nlmsg_parse(nlh, ct) == 0)
		entries++;
	nfct_destroy(ct);
	return MNL_CB_OK;
}

static int dump_mnl(void)
{
	static char buf[65536];
	struct mnl_socket *nl = dump_request(buf);
	int ret;

	if (nl == NULL)
		return 1;
	do {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret <= 0)
			break;
		ret = mnl_cb_run(buf, ret, 1, mnl_socket_get_portid(nl),
				 mnl_cb, NULL);
	} while (ret > 0);
	if (ret < 0) {
		perror("dump");
		return 1;
	}
	mnl_socket_close(nl);
	printf("%lu 0\n", entries);
	return 0;
}

/* ---- events ----------------------------------------------------------- */

static unsigned long ev_new, ev_destroy, ev_other;

static int event_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
		    void *data)
{
	(void)ct;
	(void)data;
	if (type == NFCT_T_NEW)
		ev_new++;
	else if (type == NFCT_T_DESTROY)
		ev_destroy++;
	else
		ev_other++;
	return NFCT_CB_CONTINUE;
}

static int events(unsigned int bufsize, unsigned int idle_ms, const char *ready)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_NEW |
					  NF_NETLINK_CONNTRACK_DESTROY);
	struct timeval tv = { idle_ms / 1000, (idle_ms % 1000) * 1000 };
	unsigned long overruns = 0;
	int fd;

	if (h == NULL) {
		perror("nfct_open");
		return 1;
	}
	nfnl_rcvbufsiz(nfct_nfnlh(h), bufsize);
	setsockopt(nfct_fd(h), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nfct_callback_register(h, NFCT_T_ALL, event_cb, NULL);
	fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
	for (;;) {
		if (nfct_catch(h) == 0)
			continue;
		if (errno == ENOBUFS) {
			overruns++;
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;	/* idle: the storm is over */
		perror("nfct_catch");
		return 1;
	}
	nfct_close(h);
	printf("%lu %lu %lu\n", ev_new, ev_destroy, overruns);
	return 0;
}

/* ---- objects ---------------------------------------------------------- */

static struct nf_conntrack *sample(void)
{
	struct nf_conntrack *ct = nfct_new();

	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_IPV4_SRC, htonl(0x0a000001));
	nfct_set_attr_u32(ct, ATTR_IPV4_DST, htonl(0xc0a80001));
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(1024));
	nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(80));
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, htonl(0xc0a80001));
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, htonl(0x0a000001));
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(80));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(1024));
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, 3);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 86400);
	nfct_set_attr_u32(ct, ATTR_MARK, 7);
	nfct_set_attr_u32(ct, ATTR_STATUS, 0xe);
	nfct_set_attr_u32(ct, ATTR_ID, 12345);
	return ct;
}

/* Heap-backed attributes take pointers or ownership: not set blindly. */
static int plain_attr(int a)
{
	return a != ATTR_SECCTX && a != ATTR_HELPER_INFO &&
	       a != ATTR_CONNLABELS && a != ATTR_CONNLABELS_MASK;
}

/*
 * The set and get loops with a function that does nothing in place of
 * the library's, called through a pointer like a shared library call:
 * their count is the caller's part, subtracted to get the library's.
 */
static void nop_set(struct nf_conntrack *ct, const enum nf_conntrack_attr t,
		    const void *v)
{
	(void)ct;
	(void)t;
	(void)v;
}

static const void *nop_get(const struct nf_conntrack *ct,
			   const enum nf_conntrack_attr t)
{
	(void)t;
	return ct;
}

static void (*volatile dummy_set)(struct nf_conntrack *,
				  const enum nf_conntrack_attr,
				  const void *) = nop_set;
static const void *(*volatile dummy_get)(const struct nf_conntrack *,
					 const enum nf_conntrack_attr) = nop_get;

/*
 * One loop per operation, chosen before it starts, and the attribute
 * list made beforehand: what is counted per call is the library's work
 * plus a few loop instructions, the same on both libraries.
 */
static int objects(const char *op, unsigned long iters)
{
	struct nf_conntrack *a = sample(), *b = sample();
	struct nf_conntrack *full = nfct_new(), *empty = nfct_new();
	unsigned char val[64];
	unsigned long sink = 0;
	int attrs[BENCH_ATTR_MAX], n = 0;

	memset(val, 0x11, sizeof(val));
	val[sizeof(val) - 1] = 0;	/* helper name: a terminated string */
	for (int t = 0; t < BENCH_ATTR_MAX; t++)
		if (plain_attr(t))
			attrs[n++] = t;
	/* get measures reading set attributes; getunset the unset ones */
	for (int k = 0; k < n; k++)
		nfct_set_attr(full, attrs[k], val);
	if (strcmp(op, "new") == 0) {
		for (unsigned long i = 0; i < iters; i++) {
			struct nf_conntrack *ct = nfct_new();
			sink += ct != NULL;
			nfct_destroy(ct);
		}
	} else if (strcmp(op, "copy") == 0) {
		for (unsigned long i = 0; i < iters; i++)
			nfct_copy(b, a, NFCT_CP_OVERRIDE);
	} else if (strcmp(op, "cmp") == 0) {
		for (unsigned long i = 0; i < iters; i++)
			sink += nfct_cmp(a, b, NFCT_CMP_ALL);
	} else if (strcmp(op, "set") == 0) {
		for (unsigned long i = 0; i < iters; i++)
			for (int k = 0; k < n; k++)
				nfct_set_attr(b, attrs[k], val);
	} else if (strcmp(op, "get") == 0) {
		for (unsigned long i = 0; i < iters; i++)
			for (int k = 0; k < n; k++)
				sink += nfct_get_attr(full, attrs[k]) != NULL;
	} else if (strcmp(op, "getunset") == 0) {
		for (unsigned long i = 0; i < iters; i++)
			for (int t = 0; t < BENCH_ATTR_MAX; t++)
				sink += nfct_get_attr(empty, t) != NULL;
	} else if (strcmp(op, "setloop") == 0) {
		for (unsigned long i = 0; i < iters; i++)
			for (int k = 0; k < n; k++)
				dummy_set(b, attrs[k], val);
	} else if (strcmp(op, "getloop") == 0) {
		for (unsigned long i = 0; i < iters; i++)
			for (int k = 0; k < n; k++)
				sink += dummy_get(full, attrs[k]) != NULL;
	} else if (strcmp(op, "getunsetloop") == 0) {
		for (unsigned long i = 0; i < iters; i++)
			for (int t = 0; t < BENCH_ATTR_MAX; t++)
				sink += dummy_get(empty, t) != NULL;
	} else {
		fprintf(stderr, "unknown op %s\n", op);
		return 2;
	}
	printf("%lu\n", sink);
	nfct_destroy(a);
	nfct_destroy(b);
	nfct_destroy(full);
	nfct_destroy(empty);
	return 0;
}

/* Calls per iteration of an op (set/get walk every attribute). */
static int op_calls(const char *op)
{
	int n = 0;

	if (strcmp(op, "set") == 0 || strcmp(op, "setloop") == 0 ||
	    strcmp(op, "get") == 0 || strcmp(op, "getloop") == 0) {
		for (int t = 0; t < BENCH_ATTR_MAX; t++)
			n += plain_attr(t);
		return n;
	}
	if (strcmp(op, "getunset") == 0 || strcmp(op, "getunsetloop") == 0)
		return BENCH_ATTR_MAX;
	return 1;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	if (strcmp(m, "count") == 0)
		return dump_query();
	if (strcmp(m, "plain") == 0 || strcmp(m, "xml") == 0) {
		out_type = m[0] == 'x' ? NFCT_O_XML : NFCT_O_DEFAULT;
		return dump_query();
	}
	if (strcmp(m, "mnl") == 0)
		return dump_mnl();
	if (strcmp(m, "events") == 0 && argc == 5)
		return events(strtoul(argv[2], NULL, 0),
			      strtoul(argv[3], NULL, 0), argv[4]);
	if (strcmp(m, "obj") == 0 && argc == 4)
		return objects(argv[2], strtoul(argv[3], NULL, 0));
	if (strcmp(m, "calls") == 0 && argc == 3) {
		printf("%d\n", op_calls(argv[2]));
		return 0;
	}
	if (strcmp(m, "maxsize") == 0) {
		printf("%zu\n", nfct_maxsize());
		return 0;
	}
	fprintf(stderr, "usage: see the comment at the top of bench/ctbench.c\n");
	return 2;
}
