/*
 * Kernel probe for the expectation tests. In a private network namespace
 * of its own, it makes the kernel's ftp helper create expectations (a
 * real FTP control connection over loopback with an nftables ct helper),
 * then drives nfexp_query/nfexp_send/nfexp_catch, callbacks and events,
 * and prints a transcript. The test runs it on our library and on the
 * reference and compares the transcripts.
 *
 * Lines that depend on the kernel's per-namespace hash order are sorted;
 * timeouts (they count down) are left out of the printed objects.
 *
 * Exit status: 0 done, 77 no namespace could be made (not root),
 * 3 the setup (nft, sockets) failed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#define MAXLINES 256

/* Lines collected by the callbacks, printed sorted. */
static char *lines[MAXLINES];
static int nlines;
static int ncalls;
static int verdict = NFCT_CB_CONTINUE;
static struct nf_expect *stolen[MAXLINES];
static int nstolen;

static void setup_fail(const char *what)
{
	fprintf(stderr, "setup: %s: %s\n", what, strerror(errno));
	exit(3);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void flush_lines(const char *what)
{
	qsort(lines, nlines, sizeof(lines[0]), cmp_str);
	printf("%s: %d calls\n", what, ncalls);
	for (int i = 0; i < nlines; i++) {
		printf("  %s\n", lines[i]);
		free(lines[i]);
	}
	nlines = 0;
	ncalls = 0;
	for (int i = 0; i < nstolen; i++)
		nfexp_destroy(stolen[i]);
	nstolen = 0;
}

static const char *type_name(unsigned int t)
{
	switch (t) {
	case NFCT_T_NEW:
		return "NEW";
	case NFCT_T_UPDATE:
		return "UPDATE";
	case NFCT_T_DESTROY:
		return "DESTROY";
	default:
		return "?";
	}
}

/* Record one expectation (its timeout counts down: not printed). */
static int record(const char *via, enum nf_conntrack_msg_type type,
		  struct nf_expect *exp)
{
	char buf[1024], *l;
	int has_to = nfexp_attr_is_set(exp, ATTR_EXP_TIMEOUT) > 0 &&
		     nfexp_get_attr_u32(exp, ATTR_EXP_TIMEOUT) > 0;

	ncalls++;
	nfexp_attr_unset(exp, ATTR_EXP_TIMEOUT);
	nfexp_snprintf(buf, sizeof(buf), exp, type, NFCT_O_DEFAULT, 0);
	if (nlines < MAXLINES &&
	    asprintf(&l, "%s %s to%d [%s]", via, type_name(type), has_to, buf) >= 0)
		lines[nlines++] = l;
	if (verdict == NFCT_CB_STOLEN && nstolen < MAXLINES)
		stolen[nstolen++] = exp;
	return verdict;
}

static int cb1(enum nf_conntrack_msg_type type, struct nf_expect *exp,
	       void *data)
{
	(void)data;
	return record("v1", type, exp);
}

static int cb2(const struct nlmsghdr *nlh, enum nf_conntrack_msg_type type,
	       struct nf_expect *exp, void *data)
{
	char via[64];

	(void)data;
	snprintf(via, sizeof(via), "v2 msg=%04x", nlh->nlmsg_type);
	return record(via, type, exp);
}

static void result(const char *what, int ret)
{
	if (ret < 0)
		printf("%s: ret=%d errno=%s\n", what, ret, strerror(errno));
	else
		printf("%s: ret=%d\n", what, ret);
}

static void query(struct nfct_handle *h, const char *what,
		  enum nf_conntrack_query q, const void *data)
{
	int ret;

	errno = 0;
	ret = nfexp_query(h, q, data);
	result(what, ret);
	flush_lines(what);
}

static void dump(struct nfct_handle *h, const char *what, uint32_t family)
{
	query(h, what, NFCT_Q_DUMP, &family);
}

/* Read every queued event: the socket is non-blocking. */
static void drain_events(struct nfct_handle *ev, const char *what)
{
	struct pollfd p = { nfct_fd(ev), POLLIN, 0 };
	int ret = 0;

	/* events of the last step are already queued; allow stragglers */
	while (poll(&p, 1, 200) > 0) {
		errno = 0;
		ret = nfexp_catch(ev);
		if (ret < 0 && errno != EAGAIN)
			break;
	}
	printf("events %s: last catch ret=%d%s\n", what, ret,
	       ret < 0 ? (errno == EAGAIN ? " EAGAIN" : " error") : "");
	flush_lines("events");
}

/* ---- namespace and traffic ------------------------------------------ */

static void netns_setup(void)
{
	struct ifreq ifr;
	int fd;
	FILE *f;

	if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "unshare: %s\n", strerror(errno));
		exit(77);
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		setup_fail("lo flags");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		setup_fail("lo up");
	close(fd);
	f = fopen("/proc/sys/net/netfilter/nf_conntrack_events", "w");
	if (f == NULL || fputs("1\n", f) < 0 || fclose(f) != 0)
		setup_fail("nf_conntrack_events");
	/* The ftp helper on connections to port 21, as conntrack(8) users
	 * set it up; any rule registers the conntrack hooks. */
	f = popen("nft -f -", "w");
	if (f == NULL)
		setup_fail("nft");
	fputs("table inet cthelp {\n"
	      " ct helper ftp-std { type \"ftp\" protocol tcp; }\n"
	      " chain out { type filter hook output priority 0;"
	      " tcp dport 21 ct helper set \"ftp-std\"; }\n"
	      " chain in { type filter hook input priority 0;"
	      " ct state new counter; }\n"
	      "}\n", f);
	if (pclose(f) != 0) {
		errno = EINVAL;
		setup_fail("nft ruleset");
	}
}

static void xfer(int from, int to, const char *msg)
{
	char buf[256];

	if (send(from, msg, strlen(msg), 0) < 0 || recv(to, buf, sizeof(buf), 0) <= 0)
		setup_fail("ftp exchange");
}

/*
 * An FTP control session from @sport announcing data port @dataport
 * (PORT for IPv4, EPRT for IPv6). The sockets stay open so the helper's
 * expectation stays.
 */
static void ftp_session(int fam, const char *addr, int sport, int dataport)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int srv, cli, conn, one = 1;
	char cmd[128];

	memset(&ss, 0, sizeof(ss));
	if (fam == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;
		s->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &s->sin_addr);
		sl = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
		s->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &s->sin6_addr);
		sl = sizeof(*s);
	}
	srv = socket(fam, SOCK_STREAM, 0);
	cli = socket(fam, SOCK_STREAM, 0);
	if (srv < 0 || cli < 0)
		setup_fail("socket");
	setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	((struct sockaddr_in *)&ss)->sin_port = htons(21);
	if (bind(srv, (struct sockaddr *)&ss, sl) < 0 || listen(srv, 1) < 0)
		setup_fail("ftp listen");
	((struct sockaddr_in *)&ss)->sin_port = htons(sport);
	if (bind(cli, (struct sockaddr *)&ss, sl) < 0)
		setup_fail("ftp client bind");
	((struct sockaddr_in *)&ss)->sin_port = htons(21);
	if (connect(cli, (struct sockaddr *)&ss, sl) < 0)
		setup_fail("ftp connect");
	conn = accept(srv, NULL, NULL);
	if (conn < 0)
		setup_fail("ftp accept");
	xfer(conn, cli, "220 ready\r\n");
	/* the helper parses a command only after a newline it has seen */
	xfer(cli, conn, "USER test\r\n");
	xfer(conn, cli, "331 password\r\n");
	if (fam == AF_INET)
		snprintf(cmd, sizeof(cmd), "PORT 127,0,0,1,%d,%d\r\n",
			 dataport >> 8, dataport & 0xff);
	else
		snprintf(cmd, sizeof(cmd), "EPRT |2|%s|%d|\r\n", addr, dataport);
	xfer(cli, conn, cmd);
	xfer(conn, cli, "200 ok\r\n");
	close(srv);	/* cli and conn stay open until exit */
}

/* ---- expectation objects --------------------------------------------- */

static struct nf_conntrack *tuple4(uint16_t sport, uint16_t dport,
				   uint32_t src, uint32_t dst)
{
	struct nf_conntrack *ct = nfct_new();

	nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, src);
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_DST, dst);
	nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, htons(sport));
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, htons(dport));
	return ct;
}

static void set_tuple(struct nf_expect *exp, int attr, struct nf_conntrack *ct)
{
	nfexp_set_attr(exp, attr, ct);
	nfct_destroy(ct);
}

/*
 * An expectation on the IPv4 FTP control connection from @msport, as
 * conntrack -I expect builds it: master, expected, mask, timeout.
 */
static struct nf_expect *hand_exp(uint16_t msport, uint16_t dport, int parts)
{
	struct nf_expect *exp = nfexp_new();
	uint32_t lo = htonl(INADDR_LOOPBACK);

	if (parts & 1)
		set_tuple(exp, ATTR_EXP_MASTER, tuple4(msport, 21, lo, lo));
	if (parts & 2)
		set_tuple(exp, ATTR_EXP_EXPECTED, tuple4(0, dport, lo, lo));
	if (parts & 4)
		set_tuple(exp, ATTR_EXP_MASK, tuple4(0, 0xffff, 0xffffffff, 0xffffffff));
	nfexp_set_attr_u32(exp, ATTR_EXP_TIMEOUT, 200);
	return exp;
}

/* The IPv4 expectation the ftp helper made: just its expected tuple. */
static struct nf_expect *expected_only(uint16_t dport)
{
	return hand_exp(0, dport, 2);
}

static void step_create(struct nfct_handle *h, struct nfct_handle *ev)
{
	struct nf_expect *exp;

	exp = hand_exp(40100, 40009, 7);
	query(h, "create", NFCT_Q_CREATE, exp);
	query(h, "create again", NFCT_Q_CREATE, exp);
	query(h, "create_update existing", NFCT_Q_CREATE_UPDATE, exp);
	query(h, "update", NFCT_Q_UPDATE, exp);
	nfexp_destroy(exp);
	drain_events(ev, "after create");
	exp = expected_only(40009);
	query(h, "get created", NFCT_Q_GET, exp);
	nfexp_destroy(exp);

	exp = hand_exp(40199, 40020, 7);	/* no such master */
	query(h, "create unknown master", NFCT_Q_CREATE, exp);
	nfexp_destroy(exp);
	exp = hand_exp(40100, 40021, 6);	/* no master at all */
	query(h, "create without master", NFCT_Q_CREATE, exp);
	nfexp_destroy(exp);
	exp = nfexp_new();
	query(h, "create empty", NFCT_Q_CREATE, exp);
	nfexp_destroy(exp);
	exp = hand_exp(40100, 40022, 3);	/* no mask */
	query(h, "create without mask", NFCT_Q_CREATE, exp);
	nfexp_destroy(exp);
	drain_events(ev, "after failed creates");
}

static void step_get_destroy(struct nfct_handle *h, struct nfct_handle *ev)
{
	struct nf_expect *exp = expected_only(40002);

	query(h, "get helper's", NFCT_Q_GET, exp);
	nfexp_destroy(exp);
	exp = hand_exp(40100, 40002, 3);
	query(h, "get by master+expected", NFCT_Q_GET, exp);
	nfexp_destroy(exp);
	exp = expected_only(40555);
	query(h, "get missing", NFCT_Q_GET, exp);
	query(h, "destroy missing", NFCT_Q_DESTROY, exp);
	nfexp_destroy(exp);
	exp = expected_only(40002);
	query(h, "destroy helper's", NFCT_Q_DESTROY, exp);
	query(h, "destroy again", NFCT_Q_DESTROY, exp);
	query(h, "get destroyed", NFCT_Q_GET, exp);
	nfexp_destroy(exp);
	drain_events(ev, "after destroy");
	dump(h, "dump inet", AF_INET);
}

/*
 * Every verdict with both callback kinds on a dump of several entries,
 * each on a handle of its own: after STOP or FAILURE the rest of the
 * dump stays queued on the socket, and the reference hands it to the
 * next query on that handle. Which entry comes first is the kernel's
 * per-namespace hash order, so entries are printed only when all come.
 */
static void verdict_dump(int v2, unsigned int mask, int v, const char *what)
{
	struct nfct_handle *h = nfct_open(EXPECT, 0);
	int ret;

	if (h == NULL)
		setup_fail("nfct_open");
	if (v2)
		nfexp_callback_register2(h, mask, cb2, NULL);
	else
		nfexp_callback_register(h, mask, cb1, NULL);
	verdict = v;
	errno = 0;
	{
		uint32_t fam = AF_UNSPEC;
		ret = nfexp_query(h, NFCT_Q_DUMP, &fam);
	}
	result(what, ret);
	if (v == NFCT_CB_STOP || v == NFCT_CB_FAILURE) {
		for (int i = 0; i < nlines; i++)
			free(lines[i]);
		nlines = 0;
	}
	flush_lines(what);
	verdict = NFCT_CB_CONTINUE;
	nfct_close(h);
}

static void step_verdicts(void)
{
	static const int verdicts[] = {
		NFCT_CB_CONTINUE, NFCT_CB_STOP, NFCT_CB_STOLEN, NFCT_CB_FAILURE,
	};
	/* a dump's entries are NFCT_T_UPDATE */
	static const unsigned int masks[] = {
		NFCT_T_NEW, NFCT_T_UPDATE, NFCT_T_DESTROY,
		NFCT_T_NEW | NFCT_T_UPDATE, NFCT_T_ALL,
	};
	char what[64];

	for (int v2 = 0; v2 < 2; v2++) {
		for (size_t i = 0; i < 4; i++) {
			snprintf(what, sizeof(what), "dump v%d verdict %d",
				 v2 + 1, verdicts[i]);
			verdict_dump(v2, NFCT_T_ALL, verdicts[i], what);
		}
		for (size_t i = 0; i < 5; i++) {
			snprintf(what, sizeof(what), "dump v%d mask %u",
				 v2 + 1, masks[i]);
			verdict_dump(v2, masks[i], NFCT_CB_CONTINUE, what);
		}
	}
}

/* nfexp_send, then nfexp_catch for the reply. */
static void step_send_catch(struct nfct_handle *h)
{
	uint32_t fam = AF_INET6;
	struct nf_expect *exp;
	int ret;

	errno = 0;
	ret = nfexp_send(h, NFCT_Q_DUMP, &fam);
	printf("send dump: %s\n", ret > 0 ? "sent" : strerror(errno));
	errno = 0;
	result("catch dump", nfexp_catch(h));
	flush_lines("catch dump");

	exp = expected_only(40011);
	errno = 0;
	ret = nfexp_send(h, NFCT_Q_GET, exp);
	printf("send get: %s\n", ret > 0 ? "sent" : strerror(errno));
	errno = 0;
	result("catch get", nfexp_catch(h));
	flush_lines("catch get");
	nfexp_destroy(exp);
}

/* Only some event types wanted on the event handle, then a flush. */
static void events_masked(struct nfct_handle *h, struct nfct_handle *ev,
			  unsigned int mask, uint16_t dport)
{
	struct nf_expect *exp = hand_exp(40102, dport, 7);
	uint32_t fam = AF_INET;
	char what[64];

	nfexp_callback_unregister2(ev);
	nfexp_callback_unregister(ev);
	nfexp_callback_register(ev, mask, cb1, NULL);
	query(h, "create for masked events", NFCT_Q_CREATE, exp);
	nfexp_destroy(exp);
	query(h, "flush for masked events", NFCT_Q_FLUSH, &fam);
	snprintf(what, sizeof(what), "mask %u", mask);
	drain_events(ev, what);
}

/* The kernel flushes every family whatever the request says. */
static void step_flush(struct nfct_handle *h, struct nfct_handle *ev)
{
	uint32_t fam = AF_INET;

	query(h, "flush inet", NFCT_Q_FLUSH, &fam);
	drain_events(ev, "after flush inet");
	dump(h, "dump all after flush inet", AF_UNSPEC);
	fam = AF_INET6;
	query(h, "flush inet6 (empty)", NFCT_Q_FLUSH, &fam);
	events_masked(h, ev, NFCT_T_DESTROY, 40030);
	events_masked(h, ev, NFCT_T_NEW, 40031);
	events_masked(h, ev, NFCT_T_UPDATE, 40032);
	events_masked(h, ev, NFCT_T_ALL, 40033);
	dump(h, "dump all at the end", AF_UNSPEC);
}

int main(void)
{
	struct nfct_handle *h, *ev;
	struct nf_expect *exp;

	setvbuf(stdout, NULL, _IOLBF, 0);
	netns_setup();
	h = nfct_open(EXPECT, 0);
	ev = nfct_open(EXPECT, NF_NETLINK_CONNTRACK_EXP_NEW |
		       NF_NETLINK_CONNTRACK_EXP_UPDATE |
		       NF_NETLINK_CONNTRACK_EXP_DESTROY);
	if (h == NULL || ev == NULL)
		setup_fail("nfct_open");
	if (fcntl(nfct_fd(ev), F_SETFL, O_NONBLOCK) < 0)
		setup_fail("O_NONBLOCK");
	nfexp_callback_register(h, NFCT_T_ALL, cb1, NULL);
	nfexp_callback_register2(ev, NFCT_T_ALL, cb2, NULL);

	dump(h, "dump empty", AF_UNSPEC);
	ftp_session(AF_INET, "127.0.0.1", 40100, 40002);
	ftp_session(AF_INET6, "::1", 40101, 40003);
	drain_events(ev, "ftp sessions");
	dump(h, "dump inet", AF_INET);
	dump(h, "dump inet6", AF_INET6);
	dump(h, "dump all", AF_UNSPEC);

	step_get_destroy(h, ev);
	step_create(h, ev);
	/*
	 * The ftp helper allows one expectation per master: a new one
	 * replaces the old (a DESTROY event). More masters, more entries.
	 */
	for (uint16_t p = 40010; p < 40012; p++) {
		exp = hand_exp(40100, p, 7);
		query(h, "create replacing", NFCT_Q_CREATE, exp);
		nfexp_destroy(exp);
	}
	ftp_session(AF_INET, "127.0.0.1", 40102, 40004);
	ftp_session(AF_INET, "127.0.0.1", 40103, 40005);
	drain_events(ev, "after more");
	step_verdicts();
	step_send_catch(h);
	step_flush(h, ev);

	nfct_close(h);
	nfct_close(ev);
	return 0;
}
