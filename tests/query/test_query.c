/*
 * Handles, queries, callbacks and events.
 *
 * Differential: probe_query runs each scenario on both libraries, each
 * run in its own fresh network namespace, and the transcripts must match.
 * Kernel tests (ours only): events reach a listener, dumps stream in
 * constant memory, the libnfnetlink handle is usable, early-stopped
 * replies do not leak into the next query, bad arguments fail cleanly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/netlink.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

#include "nfct_test.h"

/* ---- differential scenarios ----------------------------------------- */

static void differential(const char *scenario)
{
	char *argv[] = { QUERY_PROBE, (char *)scenario, NULL };

	test_netns_enter();	/* skips when namespaces are not available */
	oracle_assert_same(argv, 1);
}

static void test_diff_basic(void **state) { (void)state; differential("basic"); }
static void test_diff_errors(void **state) { (void)state; differential("errors"); }
static void test_diff_empty(void **state) { (void)state; differential("empty"); }
static void test_diff_verdicts(void **state) { (void)state; differential("verdicts"); }
static void test_diff_types(void **state) { (void)state; differential("types"); }
static void test_diff_send(void **state) { (void)state; differential("send"); }
static void test_diff_events(void **state) { (void)state; differential("events"); }
static void test_diff_overrun(void **state) { (void)state; differential("overrun"); }
static void test_diff_handles(void **state) { (void)state; differential("handles"); }
static void test_diff_filter(void **state) { (void)state; differential("filter"); }
static void test_diff_expect(void **state) { (void)state; differential("expect"); }

/* ---- helpers for the kernel tests ----------------------------------- */

/* A TCP entry 10.<n/65536>.<n/256>.<n%256>:1234 -> 192.168.0.1:80. */
static struct nf_conntrack *tcp_ct(uint32_t n)
{
	struct nf_conntrack *ct = nfct_new();

	assert_non_null(ct);
	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_IPV4_SRC, htonl(0x0a000000 + n));
	nfct_set_attr_u32(ct, ATTR_IPV4_DST, htonl(0xc0a80001));
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, htonl(0xc0a80001));
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, htonl(0x0a000000 + n));
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(1234));
	nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(80));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(80));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(1234));
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, TCP_CONNTRACK_ESTABLISHED);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 1000);
	return ct;
}

static uint32_t ct_n(const struct nf_conntrack *ct)
{
	return ntohl(nfct_get_attr_u32(ct, ATTR_IPV4_SRC)) - 0x0a000000;
}

static void create_range(struct nfct_handle *h, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i <= to; i++) {
		struct nf_conntrack *ct = tcp_ct(i);

		assert_int_equal(nfct_query(h, NFCT_Q_CREATE, ct), 0);
		nfct_destroy(ct);
	}
}

/* ---- events --------------------------------------------------------- */

struct ev_log {
	int n;
	enum nf_conntrack_msg_type type[8];
	uint32_t id[8];
};

static int cb_log(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
		  void *data)
{
	struct ev_log *log = data;

	if (log->n < 8) {
		log->type[log->n] = t;
		log->id[log->n] = ct_n(ct);
		log->n++;
	}
	return t == NFCT_T_DESTROY ? NFCT_CB_STOP : NFCT_CB_CONTINUE;
}

static void test_events(void **state)
{
	struct nfct_handle *l, *h;
	struct nf_conntrack *ct;
	struct ev_log log = { 0 };

	(void)state;
	test_netns_enter();
	l = nfct_open(CONNTRACK, NFCT_ALL_CT_GROUPS);
	h = nfct_open(CONNTRACK, 0);
	assert_non_null(l);
	assert_non_null(h);
	assert_int_equal(nfct_callback_register(l, NFCT_T_ALL, cb_log, &log), 0);

	ct = tcp_ct(42);
	assert_int_equal(nfct_query(h, NFCT_Q_CREATE, ct), 0);
	assert_int_equal(nfct_query(h, NFCT_Q_DESTROY, ct), 0);
	nfct_destroy(ct);

	/* events are queued on the listener's socket: catch them now */
	assert_int_equal(nfct_catch(l), 0);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.type[0], NFCT_T_NEW);
	assert_int_equal(log.id[0], 42);
	assert_int_equal(log.type[1], NFCT_T_DESTROY);
	assert_int_equal(log.id[1], 42);
	assert_int_equal(nfct_close(l), 0);
	assert_int_equal(nfct_close(h), 0);
}

/* Only the groups asked for are delivered. */
static void test_events_groups(void **state)
{
	struct nfct_handle *l, *h;
	struct nf_conntrack *ct;
	struct ev_log log = { 0 };

	(void)state;
	test_netns_enter();
	l = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_DESTROY);
	h = nfct_open(CONNTRACK, 0);
	assert_non_null(l);
	assert_non_null(h);
	nfct_callback_register(l, NFCT_T_ALL, cb_log, &log);
	ct = tcp_ct(7);
	assert_int_equal(nfct_query(h, NFCT_Q_CREATE, ct), 0);
	nfct_set_attr_u32(ct, ATTR_MARK, 1);
	assert_int_equal(nfct_query(h, NFCT_Q_UPDATE, ct), 0);
	assert_int_equal(nfct_query(h, NFCT_Q_DESTROY, ct), 0);
	nfct_destroy(ct);
	assert_int_equal(nfct_catch(l), 0);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.type[0], NFCT_T_DESTROY);
	nfct_close(l);
	nfct_close(h);
}

/* ---- constant-memory dumps ------------------------------------------ */

static int cb_count(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
		    void *data)
{
	(void)t;
	(void)ct;
	(*(unsigned int *)data)++;
	return NFCT_CB_CONTINUE;
}

static long maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void test_dump_memory(void **state)
{
	struct nfct_handle *h;
	unsigned int count = 0;
	uint8_t fam = AF_INET;
	long rss_small, rss_big;

	(void)state;
	test_netns_enter();
	h = nfct_open(CONNTRACK, 0);
	assert_non_null(h);
	create_range(h, 1, 2000);
	nfct_callback_register(h, NFCT_T_ALL, cb_count, &count);
	assert_int_equal(nfct_query(h, NFCT_Q_DUMP, &fam), 0);
	assert_int_equal(count, 2000);
	/* measured after the creates, whose objects come and go through
	 * malloc (under valgrind, freed blocks are held back for a while):
	 * what follows is only the two dumps of the large table */
	create_range(h, 2001, 20000);
	rss_small = maxrss_kb();
	count = 0;
	assert_int_equal(nfct_query(h, NFCT_Q_DUMP, &fam), 0);
	assert_int_equal(count, 20000);
	count = 0;
	assert_int_equal(nfct_query(h, NFCT_Q_DUMP_RESET, &fam), 0);
	assert_int_equal(count, 20000);
	rss_big = maxrss_kb();
	/* 18000 more objects kept alive would be several MiB */
	if (rss_big - rss_small > 1024)
		fail_msg("maxrss grew from %ld to %ld KiB", rss_small, rss_big);
	nfct_close(h);
}

/* A dump with the objects stolen: every one is intact and distinct. */
static struct nf_conntrack *kept[3000];

static int cb_keep(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
		   void *data)
{
	unsigned int *n = data;

	(void)t;
	if (*n >= 3000)
		return NFCT_CB_FAILURE;
	kept[(*n)++] = ct;
	return NFCT_CB_STOLEN;
}

static void test_dump_stolen(void **state)
{
	struct nfct_handle *h;
	unsigned int n = 0;
	uint8_t fam = AF_INET;
	static unsigned char seen[2501];

	(void)state;
	test_netns_enter();
	h = nfct_open(CONNTRACK, 0);
	assert_non_null(h);
	create_range(h, 1, 2500);
	nfct_callback_register(h, NFCT_T_ALL, cb_keep, &n);
	assert_int_equal(nfct_query(h, NFCT_Q_DUMP, &fam), 0);
	assert_int_equal(nfct_close(h), 0);	/* stolen objects outlive it */
	assert_int_equal(n, 2500);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t id = ct_n(kept[i]);

		assert_true(id >= 1 && id <= 2500);
		assert_int_equal(seen[id], 0);
		seen[id] = 1;
		assert_int_equal(ntohs(nfct_get_attr_u16(kept[i], ATTR_PORT_DST)), 80);
		nfct_destroy(kept[i]);
	}
}

/* ---- the libnfnetlink handle ---------------------------------------- */

static void test_nfnlh(void **state)
{
	struct nfct_handle *h;
	struct nfnl_handle *n;
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);
	int rcvbuf = 0;
	socklen_t olen = sizeof(rcvbuf);
	uint8_t fam = AF_INET;

	(void)state;
	test_netns_enter();
	h = nfct_open(CONNTRACK, NFCT_ALL_CT_GROUPS);
	assert_non_null(h);
	n = (struct nfnl_handle *)nfct_nfnlh(h);
	assert_non_null(n);
	assert_int_equal(nfnl_fd(n), nfct_fd(h));
	assert_int_equal(getsockname(nfct_fd(h), (struct sockaddr *)&sa, &len), 0);
	assert_int_equal(sa.nl_groups, NFCT_ALL_CT_GROUPS);
	assert_int_equal(nfnl_portid(n), sa.nl_pid);

	assert_true(nfnl_rcvbufsiz(n, 1 << 20) > 0);
	assert_int_equal(getsockopt(nfct_fd(h), SOL_SOCKET, SO_RCVBUF, &rcvbuf, &olen), 0);
	assert_true(rcvbuf >= 1 << 20);	/* the kernel doubles it */
	/* still a working handle */
	assert_int_equal(nfct_query(h, NFCT_Q_FLUSH, &fam), 0);
	assert_int_equal(nfct_close(h), 0);
}

/* nfct_open_nfnl() on a caller's handle; nfct_close() closes it. */
static void test_open_nfnl(void **state)
{
	struct nfnl_handle *n;
	struct nfct_handle *h, *h2;
	uint8_t fam = AF_INET;

	(void)state;
	test_netns_enter();
	n = nfnl_open();
	assert_non_null(n);
	h = nfct_open_nfnl(n, CONNTRACK, 0);
	assert_non_null(h);
	assert_ptr_equal(nfct_nfnlh(h), n);
	errno = 0;
	h2 = nfct_open_nfnl(n, CONNTRACK, 0);
	assert_null(h2);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(nfct_query(h, NFCT_Q_FLUSH, &fam), 0);
	assert_int_equal(nfct_close(h), 0);
}

/* ---- early stop: the rest of a reply does not reach the next query --- */

static int cb_stop_first(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
			 void *data)
{
	struct ev_log *log = data;

	(void)t;
	if (log->n < 8)
		log->id[log->n++] = ct_n(ct);
	return NFCT_CB_STOP;
}

static void test_stale_reply(void **state)
{
	struct nfct_handle *h;
	struct ev_log log = { 0 };
	struct nf_conntrack *a, *b;
	uint8_t fam = AF_INET;

	(void)state;
	test_netns_enter();
	h = nfct_open(CONNTRACK, 0);
	assert_non_null(h);
	create_range(h, 1, 50);
	nfct_callback_register(h, NFCT_T_ALL, cb_stop_first, &log);

	/* a dump stopped after one entry, then GETs on the same handle */
	assert_int_equal(nfct_query(h, NFCT_Q_DUMP, &fam), 0);
	assert_int_equal(log.n, 1);
	a = tcp_ct(17);
	b = tcp_ct(33);
	log.n = 0;
	assert_int_equal(nfct_query(h, NFCT_Q_GET, a), 0);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.id[0], 17);
	/* the GET's ACK was left queued by the STOP: not taken for b's */
	log.n = 0;
	assert_int_equal(nfct_query(h, NFCT_Q_GET, b), 0);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.id[0], 33);
	log.n = 0;
	nfct_callback_unregister(h);
	assert_int_equal(nfct_query(h, NFCT_Q_DESTROY, b), 0);
	errno = 0;
	assert_int_equal(nfct_query(h, NFCT_Q_GET, b), -1);
	assert_int_equal(errno, ENOENT);
	nfct_destroy(a);
	nfct_destroy(b);
	nfct_close(h);
}

/* ---- bad arguments: the reference asserts, we fail cleanly ----------- */

static int cb_dummy(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
		    void *data)
{
	(void)t;
	(void)ct;
	(void)data;
	return NFCT_CB_CONTINUE;
}

#define ASSERT_FAILS(expr, err) do {		\
	errno = 0;				\
	assert_int_equal((expr), -1);		\
	assert_int_equal(errno, (err));		\
} while (0)

static void test_bad_args(void **state)
{
	struct nfct_handle *e, *c;
	uint8_t fam = AF_INET;

	(void)state;
	test_netns_enter();
	ASSERT_FAILS(nfct_query(NULL, NFCT_Q_FLUSH, &fam), EINVAL);
	ASSERT_FAILS(nfct_send(NULL, NFCT_Q_FLUSH, &fam), EINVAL);
	ASSERT_FAILS(nfct_catch(NULL), EINVAL);
	ASSERT_FAILS(nfct_close(NULL), EINVAL);
	ASSERT_FAILS(nfct_fd(NULL), EINVAL);
	ASSERT_FAILS(nfct_callback_register(NULL, NFCT_T_ALL, cb_dummy, NULL), EINVAL);
	ASSERT_FAILS(nfct_callback_register2(NULL, NFCT_T_ALL, NULL, NULL), EINVAL);
	ASSERT_FAILS(nfexp_callback_register(NULL, NFCT_T_ALL, NULL, NULL), EINVAL);
	ASSERT_FAILS(nfexp_callback_register2(NULL, NFCT_T_ALL, NULL, NULL), EINVAL);
	nfct_callback_unregister(NULL);
	nfct_callback_unregister2(NULL);
	nfexp_callback_unregister(NULL);
	nfexp_callback_unregister2(NULL);
	assert_null(nfct_nfnlh(NULL));
	errno = 0;
	assert_null(nfct_open_nfnl(NULL, CONNTRACK, 0));
	assert_int_equal(errno, EINVAL);

	e = nfct_open(EXPECT, 0);
	c = nfct_open(CONNTRACK, 0);
	assert_non_null(e);
	assert_non_null(c);
	/* conntrack operations need the conntrack subsystem, and so on */
	ASSERT_FAILS(nfct_query(e, NFCT_Q_FLUSH, &fam), EINVAL);
	ASSERT_FAILS(nfct_callback_register(e, NFCT_T_ALL, cb_dummy, NULL), EINVAL);
	ASSERT_FAILS(nfexp_callback_register(c, NFCT_T_ALL, NULL, NULL), EINVAL);
	ASSERT_FAILS(nfct_query(c, NFCT_Q_FLUSH, NULL), EINVAL);
	ASSERT_FAILS(nfct_query(c, NFCT_Q_DUMP, NULL), EINVAL);
	ASSERT_FAILS(nfct_query(c, (enum nf_conntrack_query)1000, &fam), EOPNOTSUPP);
	/* and the handles still work */
	assert_int_equal(nfct_query(c, NFCT_Q_FLUSH, &fam), 0);
	nfct_close(e);
	nfct_close(c);
}

/* argv[1] picks a group: "diff", "empty" or "kernel"; none runs all. */
int main(int argc, char **argv)
{
	const struct CMUnitTest diff[] = {
		cmocka_unit_test(test_diff_basic),
		cmocka_unit_test(test_diff_errors),
		cmocka_unit_test(test_diff_verdicts),
		cmocka_unit_test(test_diff_types),
		cmocka_unit_test(test_diff_send),
		cmocka_unit_test(test_diff_events),
		cmocka_unit_test(test_diff_overrun),
		cmocka_unit_test(test_diff_handles),
		cmocka_unit_test(test_diff_filter),
		cmocka_unit_test(test_diff_expect),
	};
	const struct CMUnitTest empty[] = {
		cmocka_unit_test(test_diff_empty),
	};
	const struct CMUnitTest kernel[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_events_groups),
		cmocka_unit_test(test_dump_memory),
		cmocka_unit_test(test_dump_stolen),
		cmocka_unit_test(test_nfnlh),
		cmocka_unit_test(test_open_nfnl),
		cmocka_unit_test(test_stale_reply),
		cmocka_unit_test(test_bad_args),
	};
	const char *g = argc > 1 ? argv[1] : "";
	int fails = 0;

	if (!*g || !strcmp(g, "diff"))
		fails += cmocka_run_group_tests_name("diff", diff, NULL, NULL);
	if (!*g || !strcmp(g, "empty"))
		fails += cmocka_run_group_tests_name("empty", empty, NULL, NULL);
	if (!*g || !strcmp(g, "kernel"))
		fails += cmocka_run_group_tests_name("kernel", kernel, NULL, NULL);
	return fails ? 1 : 0;
}
