/*
 * Scripted query/callback/event scenarios printing a deterministic
 * transcript. The differential test runs it on our library and on the
 * reference and requires identical output. Each run enters its own
 * network namespace, so it starts from an empty conntrack table.
 *
 * usage: probe_query <scenario>
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

static int netns_setup(void)
{
	struct ifreq ifr = { 0 };
	int fd, ret;

	if (unshare(CLONE_NEWNET) != 0)
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	strcpy(ifr.ifr_name, "lo");
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (ret == 0) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	fd = open("/proc/sys/net/netfilter/nf_conntrack_events", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			ret = -1;
		close(fd);
	}
	return ret;
}

/*
 * Callback output is collected and printed sorted when the query ends:
 * the kernel walks its hash table in an order that differs between
 * namespaces. Events keep their order (sorting off).
 */
static char *lines[4096];
static int nlines;
static int sorting = 1;
static int quiet;

static void emit(const char *s)
{
	if (quiet)
		return;
	if (!sorting) {
		puts(s);
		return;
	}
	if (nlines < 4096)
		lines[nlines++] = strdup(s);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void flush_lines(void)
{
	qsort(lines, nlines, sizeof(lines[0]), cmp_line);
	for (int i = 0; i < nlines; i++) {
		puts(lines[i]);
		free(lines[i]);
	}
	nlines = 0;
}

#define say(...) (flush_lines(), printf(__VA_ARGS__))

/* Print what a call returned, with errno only when it failed. */
static void res(const char *what, int ret)
{
	if (ret < 0)
		say("%s = %d errno=%s\n", what, ret, strerrorname_np(errno));
	else
		say("%s = %d\n", what, ret);
}

static const char *tname(enum nf_conntrack_msg_type t)
{
	switch (t) {
	case NFCT_T_NEW: return "NEW";
	case NFCT_T_UPDATE: return "UPDATE";
	case NFCT_T_DESTROY: return "DESTROY";
	case NFCT_T_UNKNOWN: return "UNKNOWN";
	default: return "?";
	}
}

static void show_ct(const char *head, const struct nf_conntrack *ct)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], line[512];
	uint8_t l3 = nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO);

	if (l3 == AF_INET6) {
		inet_ntop(AF_INET6, nfct_get_attr(ct, ATTR_ORIG_IPV6_SRC), s, sizeof(s));
		inet_ntop(AF_INET6, nfct_get_attr(ct, ATTR_ORIG_IPV6_DST), d, sizeof(d));
	} else {
		uint32_t a = nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_SRC);
		uint32_t b = nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_DST);
		inet_ntop(AF_INET, &a, s, sizeof(s));
		inet_ntop(AF_INET, &b, d, sizeof(d));
	}
	snprintf(line, sizeof(line),
		 "%s | l3=%u l4=%u %s:%u -> %s:%u mark=%u(%d) tcpstate=%u(%d) status=%#x",
		 head, l3, nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO), s,
		 ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_SRC)), d,
		 ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST)),
		 nfct_get_attr_u32(ct, ATTR_MARK), nfct_attr_is_set(ct, ATTR_MARK),
		 nfct_get_attr_u8(ct, ATTR_TCP_STATE),
		 nfct_attr_is_set(ct, ATTR_TCP_STATE),
		 nfct_get_attr_u32(ct, ATTR_STATUS));
	emit(line);
}

/* A TCP entry 10.0.0.<n>:<1000+n> -> 10.1.0.1:80. */
static struct nf_conntrack *tcp_ct(int n, uint32_t mark)
{
	struct nf_conntrack *ct = nfct_new();

	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u32(ct, ATTR_IPV4_SRC, htonl(0x0a000000 + n));
	nfct_set_attr_u32(ct, ATTR_IPV4_DST, htonl(0x0a010001));
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, htonl(0x0a010001));
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, htonl(0x0a000000 + n));
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(1000 + n));
	nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(80));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(80));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(1000 + n));
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, TCP_CONNTRACK_ESTABLISHED);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 1000);
	if (mark)
		nfct_set_attr_u32(ct, ATTR_MARK, mark);
	return ct;
}

/* A UDP entry over IPv6 fd00::<n> -> fd00::ffff port 53. */
static struct nf_conntrack *udp6_ct(int n)
{
	struct nf_conntrack *ct = nfct_new();
	struct in6_addr a, b;

	inet_pton(AF_INET6, "fd00::", &a);
	a.s6_addr[15] = n;
	inet_pton(AF_INET6, "fd00::ffff", &b);
	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET6);
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET6);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_UDP);
	nfct_set_attr(ct, ATTR_IPV6_SRC, &a);
	nfct_set_attr(ct, ATTR_IPV6_DST, &b);
	nfct_set_attr(ct, ATTR_REPL_IPV6_SRC, &b);
	nfct_set_attr(ct, ATTR_REPL_IPV6_DST, &a);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_UDP);
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(2000 + n));
	nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(53));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(53));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(2000 + n));
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 1000);
	return ct;
}

/* ---- callbacks ---- */

static int cb_calls;
static int cb_stop_at;		/* verdict changes at this call */
static int cb_verdict;		/* returned from call cb_stop_at on */
static struct nf_conntrack *stolen[64];
static int nstolen;

static int cb_print(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
		    void *data)
{
	char head[128];

	cb_calls++;
	snprintf(head, sizeof(head), " cb %s data=%s", tname(t),
		 data ? (const char *)data : "(null)");
	show_ct(head, ct);
	if (cb_stop_at && cb_calls >= cb_stop_at)
		return cb_verdict;
	return NFCT_CB_CONTINUE;
}

static int cb_steal(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
		    void *data)
{
	(void)data;
	cb_calls++;
	emit(t == NFCT_T_UPDATE ? " steal UPDATE" : " steal other");
	if (nstolen < 64)
		stolen[nstolen++] = ct;
	return NFCT_CB_STOLEN;
}

static int cb2_print(const struct nlmsghdr *nlh, enum nf_conntrack_msg_type t,
		     struct nf_conntrack *ct, void *data)
{
	char head[128];

	cb_calls++;
	snprintf(head, sizeof(head), " cb2 %s nltype=%#x nlflags=%#x data=%s",
		 tname(t), nlh->nlmsg_type, nlh->nlmsg_flags,
		 data ? (const char *)data : "(null)");
	show_ct(head, ct);
	if (cb_stop_at && cb_calls >= cb_stop_at)
		return cb_verdict;
	return NFCT_CB_CONTINUE;
}

/* Partial deliveries depend on the dump order: count them only. */
static void cb_reset(int stop_at, int verdict)
{
	quiet = stop_at > 0;
	cb_calls = 0;
	cb_stop_at = stop_at;
	cb_verdict = verdict;
}

/* ---- scenarios ---- */

static int q(struct nfct_handle *h, const char *what, enum nf_conntrack_query qt,
	     const void *data)
{
	int ret;

	errno = 0;
	ret = nfct_query(h, qt, data);
	res(what, ret);
	return ret;
}

static void create_n(struct nfct_handle *h, int n)
{
	for (int i = 1; i <= n; i++) {
		struct nf_conntrack *ct = tcp_ct(i, 0);
		char what[32];

		snprintf(what, sizeof(what), "create %d", i);
		q(h, what, NFCT_Q_CREATE, ct);
		nfct_destroy(ct);
	}
}

static int sc_basic(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	struct nf_conntrack *ct = tcp_ct(1, 7), *ct2, *ct6;
	uint8_t fam = AF_INET;

	if (!h)
		return 1;
	res("register", nfct_callback_register(h, NFCT_T_ALL, cb_print, "basic"));
	cb_reset(0, 0);
	q(h, "create", NFCT_Q_CREATE, ct);
	q(h, "create again", NFCT_Q_CREATE, ct);
	q(h, "get", NFCT_Q_GET, ct);
	nfct_set_attr_u32(ct, ATTR_MARK, 42);
	q(h, "update mark", NFCT_Q_UPDATE, ct);
	q(h, "get", NFCT_Q_GET, ct);
	nfct_set_attr_u32(ct, ATTR_MARK, 43);
	q(h, "create_update existing", NFCT_Q_CREATE_UPDATE, ct);
	ct2 = tcp_ct(2, 9);
	q(h, "update missing", NFCT_Q_UPDATE, ct2);
	q(h, "get missing", NFCT_Q_GET, ct2);
	q(h, "destroy missing", NFCT_Q_DESTROY, ct2);
	q(h, "create_update new", NFCT_Q_CREATE_UPDATE, ct2);
	ct6 = udp6_ct(5);
	q(h, "create v6", NFCT_Q_CREATE, ct6);
	q(h, "dump inet", NFCT_Q_DUMP, &fam);
	fam = AF_INET6;
	q(h, "dump inet6", NFCT_Q_DUMP, &fam);
	fam = AF_UNSPEC;
	q(h, "dump unspec", NFCT_Q_DUMP, &fam);
	fam = AF_INET;
	q(h, "dump_reset inet", NFCT_Q_DUMP_RESET, &fam);
	q(h, "destroy", NFCT_Q_DESTROY, ct);
	q(h, "get destroyed", NFCT_Q_GET, ct);
	q(h, "dump", NFCT_Q_DUMP, &fam);
	fam = AF_INET;
	q(h, "flush inet", NFCT_Q_FLUSH, &fam);
	fam = AF_UNSPEC;
	q(h, "dump unspec after inet flush", NFCT_Q_DUMP, &fam);
	q(h, "flush unspec", NFCT_Q_FLUSH, &fam);
	q(h, "dump after flush", NFCT_Q_DUMP, &fam);
	q(h, "bad query", (enum nf_conntrack_query)99, &fam);
	nfct_callback_unregister(h);
	nfct_destroy(ct);
	nfct_destroy(ct2);
	nfct_destroy(ct6);
	res("close", nfct_close(h));
	return 0;
}

/* Objects the kernel rejects. */
static int sc_errors(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	struct nf_conntrack *ct;
	uint8_t fam = AF_INET;

	if (!h)
		return 1;
	res("register", nfct_callback_register(h, NFCT_T_ALL, cb_print, NULL));
	cb_reset(0, 0);
	ct = tcp_ct(3, 0);
	nfct_attr_unset(ct, ATTR_TIMEOUT);
	q(h, "create without timeout", NFCT_Q_CREATE, ct);
	nfct_destroy(ct);
	ct = tcp_ct(4, 0);
	nfct_set_attr_u8(ct, ATTR_L3PROTO, 99);
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, 99);
	q(h, "create bad family", NFCT_Q_CREATE, ct);
	q(h, "get bad family", NFCT_Q_GET, ct);
	nfct_destroy(ct);
	ct = tcp_ct(5, 0);
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, 200);
	q(h, "create bad tcp state", NFCT_Q_CREATE, ct);
	nfct_destroy(ct);
	fam = 99;
	q(h, "dump family 99", NFCT_Q_DUMP, &fam);
	q(h, "flush family 99", NFCT_Q_FLUSH, &fam);
	res("close", nfct_close(h));
	return 0;
}

/* Objects without even a family: the request cannot be built. */
static int sc_empty(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	struct nf_conntrack *ct = nfct_new();

	if (!h)
		return 1;
	q(h, "create empty", NFCT_Q_CREATE, ct);
	q(h, "get empty", NFCT_Q_GET, ct);
	q(h, "destroy empty", NFCT_Q_DESTROY, ct);
	q(h, "update empty", NFCT_Q_UPDATE, ct);
	res("send empty", nfct_send(h, NFCT_Q_CREATE, ct));
	nfct_destroy(ct);
	nfct_close(h);
	return 0;
}

/* Every verdict a callback can give, during dumps and GET. */
static int sc_verdicts(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	uint8_t fam = AF_INET;
	struct nf_conntrack *ct;
	int ret;

	if (!h)
		return 1;
	create_n(h, 6);
	/* no callback at all */
	q(h, "dump without callback", NFCT_Q_DUMP, &fam);
	nfct_close(h);

	h = nfct_open(CONNTRACK, 0);
	nfct_callback_register(h, NFCT_T_ALL, cb_print, "v");
	cb_reset(0, 0);
	q(h, "dump continue", NFCT_Q_DUMP, &fam);
	say("calls=%d\n", cb_calls);
	cb_reset(2, NFCT_CB_STOP);
	q(h, "dump stop at 2", NFCT_Q_DUMP, &fam);
	say("calls=%d\n", cb_calls);
	nfct_close(h);

	h = nfct_open(CONNTRACK, 0);
	nfct_callback_register(h, NFCT_T_ALL, cb_print, "v");
	cb_reset(3, NFCT_CB_FAILURE);
	errno = 0;
	ret = nfct_query(h, NFCT_Q_DUMP, &fam);
	say("dump failure at 3 = %d calls=%d\n", ret, cb_calls);
	nfct_close(h);

	h = nfct_open(CONNTRACK, 0);
	nfct_callback_register(h, NFCT_T_ALL, cb_print, "v");
	ct = tcp_ct(2, 0);
	cb_reset(1, NFCT_CB_FAILURE);
	ret = nfct_query(h, NFCT_Q_GET, ct);
	say("get failure = %d calls=%d\n", ret, cb_calls);
	nfct_close(h);

	h = nfct_open(CONNTRACK, 0);
	nfct_callback_register(h, NFCT_T_ALL, cb_print, "v");
	cb_reset(1, NFCT_CB_STOP);
	q(h, "get stop", NFCT_Q_GET, ct);
	say("calls=%d\n", cb_calls);
	nfct_close(h);

	/* odd verdicts: positive means go on, other negatives end */
	h = nfct_open(CONNTRACK, 0);
	nfct_callback_register(h, NFCT_T_ALL, cb_print, "v");
	cb_reset(1, 5);
	q(h, "dump verdict 5", NFCT_Q_DUMP, &fam);
	say("calls=%d\n", cb_calls);
	nfct_close(h);

	h = nfct_open(CONNTRACK, 0);
	nfct_callback_register(h, NFCT_T_ALL, cb_steal, NULL);
	cb_reset(0, 0);
	nstolen = 0;
	q(h, "dump stolen", NFCT_Q_DUMP, &fam);
	q(h, "get stolen", NFCT_Q_GET, ct);
	for (int i = 0; i < nstolen; i++) {
		show_ct(" stolen", stolen[i]);
		nfct_destroy(stolen[i]);
	}
	nfct_callback_unregister(h);
	cb_reset(0, 0);
	q(h, "dump after unregister", NFCT_Q_DUMP, &fam);
	say("calls=%d\n", cb_calls);
	nfct_close(h);
	nfct_destroy(ct);
	return 0;
}

/* Type masks, register2 and how the registrations interact. */
static int sc_types(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	uint8_t fam = AF_INET;
	struct nf_conntrack *ct = tcp_ct(1, 0);

	if (!h)
		return 1;
	create_n(h, 2);
	res("register NEW only", nfct_callback_register(h, NFCT_T_NEW, cb_print, "new"));
	cb_reset(0, 0);
	q(h, "dump", NFCT_Q_DUMP, &fam);
	q(h, "get", NFCT_Q_GET, ct);
	say("calls=%d\n", cb_calls);
	nfct_callback_unregister(h);
	res("register UPDATE|DESTROY", nfct_callback_register(h, NFCT_T_UPDATE | NFCT_T_DESTROY, cb_print, "ud"));
	q(h, "dump", NFCT_Q_DUMP, &fam);
	say("calls=%d\n", cb_calls);
	nfct_callback_unregister(h);

	res("register2", nfct_callback_register2(h, NFCT_T_ALL, cb2_print, "two"));
	cb_reset(0, 0);
	q(h, "dump", NFCT_Q_DUMP, &fam);
	q(h, "get", NFCT_Q_GET, ct);
	q(h, "dump_reset", NFCT_Q_DUMP_RESET, &fam);
	nfct_callback_unregister2(h);
	cb_reset(0, 0);
	q(h, "dump after unregister2", NFCT_Q_DUMP, &fam);
	say("calls=%d\n", cb_calls);
	nfct_close(h);

	/* both kinds registered: the plain callback wins */
	h = nfct_open(CONNTRACK, 0);
	nfct_callback_register2(h, NFCT_T_ALL, cb2_print, "two");
	nfct_callback_register(h, NFCT_T_ALL, cb_print, "one");
	cb_reset(0, 0);
	q(h, "get with both", NFCT_Q_GET, ct);
	nfct_callback_unregister(h);
	cb_reset(0, 0);
	q(h, "get after unregister of one", NFCT_Q_GET, ct);
	say("calls=%d\n", cb_calls);
	nfct_close(h);

	h = nfct_open(CONNTRACK, 0);
	nfct_callback_register(h, NFCT_T_ALL, cb_print, "one");
	nfct_callback_register2(h, NFCT_T_ALL, cb2_print, "two");
	cb_reset(0, 0);
	q(h, "get one then two", NFCT_Q_GET, ct);
	nfct_callback_unregister2(h);
	q(h, "get after unregister2", NFCT_Q_GET, ct);
	say("calls=%d\n", cb_calls);
	nfct_close(h);

	/* a NULL callback */
	h = nfct_open(CONNTRACK, 0);
	res("register NULL", nfct_callback_register(h, NFCT_T_ALL, NULL, NULL));
	q(h, "dump with NULL cb", NFCT_Q_DUMP, &fam);
	nfct_close(h);
	nfct_destroy(ct);
	return 0;
}

/* nfct_send then nfct_catch, the asynchronous way to run a query. */
static int sc_send(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	uint8_t fam = AF_INET;
	struct nf_conntrack *ct = tcp_ct(9, 0);
	int ret;

	if (!h)
		return 1;
	nfct_callback_register(h, NFCT_T_ALL, cb_print, "send");
	cb_reset(0, 0);
	ret = nfct_send(h, NFCT_Q_CREATE, ct);
	say("send create > 0: %d\n", ret > 0);
	res("catch", nfct_catch(h));
	ret = nfct_send(h, NFCT_Q_CREATE, ct);
	say("send create again > 0: %d\n", ret > 0);
	res("catch", nfct_catch(h));
	create_n(h, 3);
	ret = nfct_send(h, NFCT_Q_DUMP, &fam);
	say("send dump > 0: %d\n", ret > 0);
	res("catch", nfct_catch(h));
	ret = nfct_send(h, NFCT_Q_GET, ct);
	say("send get > 0: %d\n", ret > 0);
	res("catch", nfct_catch(h));
	res("send bad query", nfct_send(h, (enum nf_conntrack_query)77, &fam));
	ret = nfct_send(h, NFCT_Q_FLUSH, &fam);
	say("send flush: %d\n", ret);
	res("catch", nfct_catch(h));
	nfct_destroy(ct);
	nfct_close(h);
	return 0;
}

static int ev_left;

static int cb_event(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
		    void *data)
{
	char head[64];

	(void)data;
	snprintf(head, sizeof(head), " event %s", tname(t));
	show_ct(head, ct);
	if (t == NFCT_T_DESTROY && --ev_left == 0)
		return NFCT_CB_STOP;
	return NFCT_CB_CONTINUE;
}

/* A listener in a child sees what the parent does. */
static int sc_events(void)
{
	int sync[2];
	pid_t pid;
	char c;
	int st;

	if (pipe(sync) != 0)
		return 1;
	sorting = 0;	/* the order of events is part of the check */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct nfct_handle *l = nfct_open(CONNTRACK, NFCT_ALL_CT_GROUPS);

		close(sync[0]);
		if (!l)
			_exit(1);
		nfct_callback_register(l, NFCT_T_ALL, cb_event, NULL);
		ev_left = 2;
		if (write(sync[1], "x", 1) != 1)
			_exit(1);
		res("catch", nfct_catch(l));
		res("close", nfct_close(l));
		fflush(stdout);
		_exit(0);
	}
	close(sync[1]);
	if (read(sync[0], &c, 1) != 1)
		return 1;
	{
		struct nfct_handle *h = nfct_open(CONNTRACK, 0);
		struct nf_conntrack *a = tcp_ct(1, 0), *b = tcp_ct(2, 5);
		int r1, r2, r3, r4, r5;

		r1 = nfct_query(h, NFCT_Q_CREATE, a);
		r2 = nfct_query(h, NFCT_Q_CREATE, b);
		nfct_set_attr_u32(a, ATTR_MARK, 77);
		r3 = nfct_query(h, NFCT_Q_UPDATE, a);
		r4 = nfct_query(h, NFCT_Q_DESTROY, a);
		r5 = nfct_query(h, NFCT_Q_DESTROY, b);
		waitpid(pid, &st, 0);
		say("parent: %d %d %d %d %d child=%d\n", r1, r2, r3, r4, r5,
		       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		nfct_destroy(a);
		nfct_destroy(b);
		nfct_close(h);
	}
	return 0;
}

static int ovr_seen, ovr_calls, ovr_other;

static int cb_ovr(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
		  void *data)
{
	(void)data;
	ovr_calls++;
	if (t != NFCT_T_NEW)
		ovr_other++;
	if (ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_SRC)) == 1250) {
		ovr_seen = 1;
		return NFCT_CB_STOP;
	}
	return NFCT_CB_CONTINUE;
}

/* Overrun of a listener: ENOBUFS, and the handle keeps working. */
static int sc_overrun(void)
{
	struct nfct_handle *l = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_NEW);
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	struct nf_conntrack *ct;
	int ret, fl;

	if (!l || !h)
		return 1;
	nfnl_rcvbufsiz(nfct_nfnlh(l), 4096);
	nfct_callback_register(l, NFCT_T_ALL, cb_ovr, NULL);
	for (int i = 1; i <= 200; i++) {
		ct = tcp_ct(i, 0);
		nfct_query(h, NFCT_Q_CREATE, ct);
		nfct_destroy(ct);
	}
	errno = 0;
	res("catch after overrun", nfct_catch(l));
	/* drain without blocking: EAGAIN ends it */
	fl = fcntl(nfct_fd(l), F_GETFL);
	fcntl(nfct_fd(l), F_SETFL, fl | O_NONBLOCK);
	errno = 0;
	ret = nfct_catch(l);
	res("catch nonblocking", ret);
	say("drained some: %d, all NEW: %d\n", ovr_calls > 0, ovr_other == 0);
	fcntl(nfct_fd(l), F_SETFL, fl);
	ct = tcp_ct(250, 0);
	res("create", nfct_query(h, NFCT_Q_CREATE, ct));
	nfct_destroy(ct);
	res("catch after drain", nfct_catch(l));
	say("seen new entry: %d\n", ovr_seen);
	nfct_close(l);
	nfct_close(h);
	return 0;
}

/* Kernel-side filters: DUMP_FILTER, DUMP_FILTER_RESET, FLUSH_FILTER. */
static int sc_filter(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	struct nfct_filter_dump *f = nfct_filter_dump_create();
	struct nfct_filter_dump_mark m = { .val = 2, .mask = 0x3 };
	struct nf_conntrack *ct;

	if (!h || !f)
		return 1;
	for (int i = 1; i <= 6; i++) {
		ct = tcp_ct(i, i);
		q(h, "create", NFCT_Q_CREATE, ct);
		nfct_destroy(ct);
	}
	ct = udp6_ct(7);
	q(h, "create v6", NFCT_Q_CREATE, ct);
	nfct_destroy(ct);
	nfct_callback_register(h, NFCT_T_ALL, cb_print, "f");
	cb_reset(0, 0);
	nfct_filter_dump_set_attr(f, NFCT_FILTER_DUMP_MARK, &m);
	nfct_filter_dump_set_attr_u8(f, NFCT_FILTER_DUMP_L3NUM, AF_INET);
	q(h, "dump filter mark&3==2", NFCT_Q_DUMP_FILTER, f);
	q(h, "dump filter reset", NFCT_Q_DUMP_FILTER_RESET, f);
	nfct_filter_dump_destroy(f);
	{
		uint8_t fam = AF_INET6;

		q(h, "flush filter inet6", NFCT_Q_FLUSH_FILTER, &fam);
	}
	f = nfct_filter_dump_create();
	nfct_filter_dump_set_attr_u8(f, NFCT_FILTER_DUMP_L3NUM, AF_INET6);
	q(h, "dump filter inet6", NFCT_Q_DUMP_FILTER, f);
	nfct_filter_dump_destroy(f);
	f = nfct_filter_dump_create();
	q(h, "dump empty filter", NFCT_Q_DUMP_FILTER, f);
	nfct_filter_dump_destroy(f);
	nfct_close(h);
	return 0;
}

/* Create an expectation with a raw request: nfexp_query() is not ours. */
static int raw_exp_create(struct nf_expect *e)
{
	char buf[4096];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	struct nlmsghdr *nlh;
	struct nfgenmsg *g;
	int n, ret = -1;

	if (!nl || mnl_socket_bind(nl, 0, 0) < 0)
		return -1;
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK_EXP << 8) | IPCTNL_MSG_EXP_NEW;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK | NLM_F_EXCL;
	nlh->nlmsg_seq = 1;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_INET;
	nfexp_nlmsg_build(nlh, e);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) >= 0) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n > 0)
			ret = mnl_cb_run(buf, n, 1, mnl_socket_get_portid(nl),
					 NULL, NULL);
	}
	mnl_socket_close(nl);
	return ret;
}

static int cb_exp(enum nf_conntrack_msg_type t, struct nf_expect *e,
		  void *data)
{
	const struct nf_conntrack *x = nfexp_get_attr(e, ATTR_EXP_EXPECTED);
	const struct nf_conntrack *m = nfexp_get_attr(e, ATTR_EXP_MASTER);

	say(" exp %s data=%s timeout-set=%d expected-dport=%u master-dport=%u\n",
	    tname(t), data ? (const char *)data : "(null)",
	    nfexp_attr_is_set(e, ATTR_EXP_TIMEOUT),
	    x ? ntohs(nfct_get_attr_u16(x, ATTR_PORT_DST)) : 0,
	    m ? ntohs(nfct_get_attr_u16(m, ATTR_PORT_DST)) : 0);
	return t == NFCT_T_DESTROY ? NFCT_CB_STOP : NFCT_CB_CONTINUE;
}

/* Expectation events reach the expectation callback (ftp helper). */
static int sc_expect(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	struct nfct_handle *all = nfct_open(NFNL_SUBSYS_NONE,
		NF_NETLINK_CONNTRACK_EXP_NEW | NF_NETLINK_CONNTRACK_EXP_DESTROY |
		NF_NETLINK_CONNTRACK_NEW);
	struct nfct_handle *cto = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_EXP_NEW);
	struct nfct_handle *expo = nfct_open(EXPECT, NF_NETLINK_CONNTRACK_EXP_NEW);
	struct nf_conntrack *m = tcp_ct(1, 0), *x, *k;
	struct nf_expect *e = nfexp_new();

	if (!h || !all || !cto || !expo || !e)
		return 1;
	nfct_set_attr_u16(m, ATTR_PORT_DST, htons(21));
	nfct_set_attr_u16(m, ATTR_REPL_PORT_SRC, htons(21));
	nfct_set_attr(m, ATTR_HELPER_NAME, "ftp");
	q(h, "create master", NFCT_Q_CREATE, m);
	x = nfct_new();
	nfct_set_attr_u8(x, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u32(x, ATTR_IPV4_SRC, nfct_get_attr_u32(m, ATTR_IPV4_SRC));
	nfct_set_attr_u32(x, ATTR_IPV4_DST, nfct_get_attr_u32(m, ATTR_IPV4_DST));
	nfct_set_attr_u8(x, ATTR_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u16(x, ATTR_PORT_SRC, 0);
	nfct_set_attr_u16(x, ATTR_PORT_DST, htons(2000));
	k = nfct_new();
	nfct_set_attr_u8(k, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u32(k, ATTR_IPV4_SRC, 0xffffffff);
	nfct_set_attr_u32(k, ATTR_IPV4_DST, 0xffffffff);
	nfct_set_attr_u8(k, ATTR_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u16(k, ATTR_PORT_SRC, 0);
	nfct_set_attr_u16(k, ATTR_PORT_DST, 0xffff);
	nfexp_set_attr(e, ATTR_EXP_MASTER, m);
	nfexp_set_attr(e, ATTR_EXP_EXPECTED, x);
	nfexp_set_attr(e, ATTR_EXP_MASK, k);
	nfexp_set_attr_u32(e, ATTR_EXP_TIMEOUT, 100);
	say("raw expectation create = %d\n", raw_exp_create(e));

	/* both kinds of message on one handle: each to its own callback */
	res("register ct", nfct_callback_register(all, NFCT_T_ALL, cb_print, "ct"));
	res("register exp", nfexp_callback_register(all, NFCT_T_ALL, cb_exp, "exp"));
	cb_reset(0, 0);
	{
		/* the master's NEW event, then the expectation's NEW event;
		 * the destroy of the master ends the expectation too */
		q(h, "destroy master", NFCT_Q_DESTROY, m);
		res("catch all", nfct_catch(all));
	}
	/* a conntrack-only handle has no expectation subsystem */
	errno = 0;
	res("catch on conntrack-only handle", nfct_catch(cto));
	/* handles without a callback, non-blocking so nothing hangs */
	fcntl(nfct_fd(expo), F_SETFL, O_NONBLOCK);
	res("catch on exp handle without callback", nfct_catch(expo));
	res("again", nfct_catch(expo));
	{
		struct nfct_handle *l = nfct_open(CONNTRACK, NFCT_ALL_CT_GROUPS);
		struct nf_conntrack *ct = tcp_ct(2, 0);

		fcntl(nfct_fd(l), F_SETFL, O_NONBLOCK);
		q(h, "create", NFCT_Q_CREATE, ct);
		q(h, "destroy", NFCT_Q_DESTROY, ct);
		res("catch on ct handle without callback", nfct_catch(l));
		res("again", nfct_catch(l));
		res("again", nfct_catch(l));
		/* registered, but with a NULL function */
		res("register NULL", nfct_callback_register(l, NFCT_T_ALL, NULL, NULL));
		q(h, "create", NFCT_Q_CREATE, ct);
		q(h, "destroy", NFCT_Q_DESTROY, ct);
		res("catch with NULL callback", nfct_catch(l));
		res("again", nfct_catch(l));
		res("again", nfct_catch(l));
		nfct_destroy(ct);
		nfct_close(l);
	}
	nfct_close(all);
	nfct_close(cto);
	nfct_close(h);
	nfct_close(expo);
	nfct_destroy(m);
	nfct_destroy(x);
	nfct_destroy(k);
	nfexp_destroy(e);
	return 0;
}

/* Early STOP leaves the rest of the reply queued; what comes next. */
static int sc_stale(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	struct nf_conntrack *ct = tcp_ct(1, 0);
	uint8_t fam = AF_INET;

	create_n(h, 3);
	nfct_callback_register(h, NFCT_T_ALL, cb_print, "st");
	cb_reset(1, NFCT_CB_STOP);
	q(h, "get stop", NFCT_Q_GET, ct);
	cb_reset(0, 0);
	q(h, "get next", NFCT_Q_GET, ct);
	q(h, "get next2", NFCT_Q_GET, ct);
	q(h, "get next3", NFCT_Q_GET, ct);
	cb_reset(1, NFCT_CB_STOP);
	q(h, "dump stop", NFCT_Q_DUMP, &fam);
	cb_reset(0, 0);
	q(h, "get next", NFCT_Q_GET, ct);
	q(h, "get next2", NFCT_Q_GET, ct);
	q(h, "get next3", NFCT_Q_GET, ct);
	return 0;
}

/* Handles: subsystems, groups, bad arguments, nfct_open_nfnl. */
static int sc_handles(void)
{
	static const int ids[] = { CONNTRACK, EXPECT, 0, 3, 200 };
	static const unsigned subs[] = { 0, NFCT_ALL_CT_GROUPS, 0x28, ~0u };
	uint8_t fam = AF_INET;

	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		for (unsigned j = 0; j < sizeof(subs) / sizeof(subs[0]); j++) {
			struct nfct_handle *h = nfct_open(ids[i], subs[j]);
			struct sockaddr_nl sa;
			socklen_t len = sizeof(sa);

			if (!h) {
				say("open(%d, %#x) = NULL errno=%s\n", ids[i],
				       subs[j], strerrorname_np(errno));
				continue;
			}
			getsockname(nfct_fd(h), (struct sockaddr *)&sa, &len);
			say("open(%d, %#x): groups=%#x fd-match=%d\n", ids[i],
			       subs[j], sa.nl_groups,
			       nfnl_fd((struct nfnl_handle *)nfct_nfnlh(h)) == nfct_fd(h));
			if (ids[i] == CONNTRACK || ids[i] == 0)
				q(h, " flush", NFCT_Q_FLUSH, &fam);
			res(" close", nfct_close(h));
		}
	{
		struct nfnl_handle *n = nfnl_open();
		/* Static: closing c closes n under a, which can then be
		 * neither closed nor freed; a global keeps it reachable, so
		 * LeakSanitizer does not count it as a leak. */
		static struct nfct_handle *a, *b, *c;
		int fd = nfnl_fd(n);

		a = nfct_open_nfnl(n, CONNTRACK, NF_NETLINK_CONNTRACK_NEW);
		say("open_nfnl ct: %s\n", a ? "ok" : strerrorname_np(errno));
		b = nfct_open_nfnl(n, CONNTRACK, 0);
		say("open_nfnl ct again: %s\n", b ? "ok" : strerrorname_np(errno));
		b = nfct_open_nfnl(n, 0, 0);
		say("open_nfnl none: %s\n", b ? "ok" : strerrorname_np(errno));
		c = nfct_open_nfnl(n, EXPECT, NF_NETLINK_CONNTRACK_EXP_NEW);
		say("open_nfnl exp: %s\n", c ? "ok" : strerrorname_np(errno));
		say("fd same: %d %d\n", nfct_fd(a) == fd, nfct_fd(c) == fd);
		q(a, "flush via nfnl handle", NFCT_Q_FLUSH, &fam);
		res("close exp handle", nfct_close(c));
		say("fd open after close: %d\n", fcntl(fd, F_GETFD) != -1);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} sc[] = {
		{ "basic", sc_basic }, { "errors", sc_errors },
		{ "empty", sc_empty },
		{ "verdicts", sc_verdicts }, { "types", sc_types },
		{ "send", sc_send }, { "events", sc_events },
		{ "overrun", sc_overrun }, { "handles", sc_handles }, { "filter", sc_filter },
		{ "expect", sc_expect },
		{ "stale", sc_stale },
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: %s <scenario>\n", argv[0]);
		return 2;
	}
	if (netns_setup() != 0) {
		perror("netns");
		return 3;
	}
	for (unsigned i = 0; i < sizeof(sc) / sizeof(sc[0]); i++)
		if (strcmp(argv[1], sc[i].name) == 0)
			return sc[i].fn();
	fprintf(stderr, "unknown scenario %s\n", argv[1]);
	return 2;
}
