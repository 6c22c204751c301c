/*
 * The table mirror against the live kernel (private namespace): after an
 * event storm that overflows its socket buffer, the mirror must equal a
 * fresh dump, entry by entry. With nfct_ext_mirror_new_opts(): the
 * kernel's DESTROY with its final counters (real traffic over loopback),
 * changes found by a resync told apart from events, an L4 protocol
 * filter, the receive buffer, a mirror of another namespace and one
 * through a caller's handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "nfct_test.h"
#include "ext_util.h"

struct changes {
	unsigned int added, updated, removed;
};

static void on_added(const struct nf_conntrack *ct, void *data)
{
	(void)ct;
	((struct changes *)data)->added++;
}

static void on_updated(const struct nf_conntrack *ct, void *data)
{
	(void)ct;
	((struct changes *)data)->updated++;
}

static void on_removed(const struct nf_conntrack *ct, void *data)
{
	(void)ct;
	((struct changes *)data)->removed++;
}

static const struct nfct_ext_mirror_ops ops = { on_added, on_updated, on_removed };

struct cmp {
	struct nfct_ext_mirror *m;
	unsigned int seen, missing, wrong;
	uint32_t only_mark;	/* 0: all */
};

/* Each entry of a fresh dump must be in the mirror, with its mark and id. */
static int cmp_cb(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
		  void *data)
{
	struct cmp *c = data;
	const struct nf_conntrack *e;

	(void)t;
	if (c->only_mark && nfct_get_attr_u32(ct, ATTR_MARK) != c->only_mark)
		return NFCT_CB_CONTINUE;
	c->seen++;
	e = nfct_ext_mirror_lookup(c->m, ct);
	if (e == NULL) {
		c->missing++;
		return NFCT_CB_CONTINUE;
	}
	if (nfct_get_attr_u32(e, ATTR_MARK) != nfct_get_attr_u32(ct, ATTR_MARK) ||
	    nfct_get_attr_u32(e, ATTR_ID) != nfct_get_attr_u32(ct, ATTR_ID) ||
	    !nfct_cmp(e, ct, NFCT_CMP_ORIG | NFCT_CMP_REPL))
		c->wrong++;
	return NFCT_CB_CONTINUE;
}

/* The mirror equals a fresh dump: same entries, nothing more. */
static void assert_equal_to_dump(struct nfct_handle *h,
				 struct nfct_ext_mirror *m, uint32_t only_mark)
{
	struct cmp c = { m, 0, 0, 0, only_mark };
	uint32_t family = AF_UNSPEC;

	nfct_callback_register(h, NFCT_T_ALL, cmp_cb, &c);
	assert_int_equal(nfct_query(h, NFCT_Q_DUMP, &family), 0);
	nfct_callback_unregister(h);
	assert_int_equal(c.missing, 0);
	assert_int_equal(c.wrong, 0);
	assert_int_equal(c.seen, nfct_ext_mirror_count(m));
}

/* Apply events until none are pending. */
static void settle(struct nfct_ext_mirror *m)
{
	for (int idle = 0; idle < 3;) {
		struct pollfd p = { nfct_ext_mirror_fd(m), POLLIN, 0 };
		int n;

		poll(&p, 1, 50);
		n = nfct_ext_mirror_process(m);
		assert_true(n >= 0);
		idle = n == 0 ? idle + 1 : 0;
	}
}

static uint32_t mark_one(uint32_t i)
{
	(void)i;
	return 1;
}

static uint32_t mark_five(uint32_t i)
{
	return i % 4 == 0 ? 5 : 1;
}

/* Run @q on entries [first, first + n) whose index passes @pick. */
static void batch_on(struct nfct_handle *h, enum nf_conntrack_query q,
		     uint32_t first, uint32_t n, int every,
		     uint32_t (*mark)(uint32_t))
{
	struct nfct_ext_batch *b = nfct_ext_batch_new();
	struct nf_conntrack *ct = nfct_new();

	for (uint32_t i = first; i < first + n; i++) {
		if (i % every)
			continue;
		ext_fill_udp(ct, i, mark(i), 3600);
		assert_true(nfct_ext_batch_add(b, q, ct) >= 0);
	}
	assert_int_equal(nfct_ext_batch_send(h, b), 0);
	nfct_ext_batch_free(b);
	nfct_destroy(ct);
}

static void test_mirror_storm(void **state)
{
	struct changes ch = { 0, 0, 0 };
	struct nfct_ext_mirror *m, *mf;
	struct nfct_ext_mirror_filter f = { .flags = NFCT_EXT_MF_MARK,
					    .mark = 5, .mark_mask = 0xff };
	struct nfct_handle *h;
	struct nf_conntrack *key;
	int small = 1;

	(void)state;
	test_netns_enter();
	h = nfct_open(CONNTRACK, 0);
	assert_non_null(h);
	ext_big_rcvbuf(h);
	/* a table that exists before the mirror starts */
	assert_int_equal(ext_populate(h, 0, 1000, mark_one), 0);

	m = nfct_ext_mirror_new(NULL, &ops, &ch);
	assert_non_null(m);
	assert_int_equal(nfct_ext_mirror_count(m), 1000);
	assert_int_equal(ch.added, 1000);
	mf = nfct_ext_mirror_new(&f, NULL, NULL);
	assert_non_null(mf);
	assert_int_equal(nfct_ext_mirror_count(mf), 0);
	/* the smallest buffer the kernel allows: the storm overflows it */
	setsockopt(nfct_ext_mirror_fd(m), SOL_SOCKET, SO_RCVBUF, &small,
		   sizeof(small));
	setsockopt(nfct_ext_mirror_fd(mf), SOL_SOCKET, SO_RCVBUF, &small,
		   sizeof(small));

	/* the storm: creations, mark changes, deletions */
	assert_int_equal(ext_populate(h, 1000, 20000, mark_one), 0);
	batch_on(h, NFCT_Q_UPDATE, 0, 21000, 4, mark_five);
	batch_on(h, NFCT_Q_DESTROY, 0, 21000, 5, mark_one);
	settle(m);
	settle(mf);
	assert_true(nfct_ext_mirror_resyncs(m) >= 1);
	assert_true(nfct_ext_mirror_resyncs(mf) >= 1);
	assert_equal_to_dump(h, m, 0);
	assert_equal_to_dump(h, mf, 5);
	assert_int_equal(nfct_ext_mirror_count(m), 21000 - 21000 / 5);
	assert_int_equal(ch.added - ch.removed, nfct_ext_mirror_count(m));

	/* quiet events with room to spare: applied one by one */
	int big = 4 << 20;
	unsigned int resyncs = nfct_ext_mirror_resyncs(m);

	setsockopt(nfct_ext_mirror_fd(m), SOL_SOCKET, SO_RCVBUFFORCE, &big,
		   sizeof(big));
	settle(m);
	ch.updated = 0;
	assert_int_equal(ext_populate(h, 30000, 10, mark_one), 0);
	batch_on(h, NFCT_Q_UPDATE, 30000, 10, 2, mark_five);
	batch_on(h, NFCT_Q_DESTROY, 30000, 10, 3, mark_one);
	settle(m);
	assert_int_equal(nfct_ext_mirror_resyncs(m), resyncs);
	assert_true(ch.updated >= 5);
	assert_equal_to_dump(h, m, 0);

	/* lookup by tuple; a forced resync changes nothing */
	key = nfct_new();
	ext_fill_udp(key, 30001, 0, 0);
	nfct_attr_unset(key, ATTR_MARK);
	assert_non_null(nfct_ext_mirror_lookup(m, key));
	ext_fill_udp(key, 30003, 0, 0);
	assert_null(nfct_ext_mirror_lookup(m, key));
	assert_int_equal(errno, ENOENT);
	ch.added = ch.removed = ch.updated = 0;
	assert_int_equal(nfct_ext_mirror_resync(m), 0);
	assert_int_equal(ch.added + ch.removed, 0);

	assert_null(nfct_ext_mirror_lookup(NULL, key));
	assert_int_equal(nfct_ext_mirror_process(NULL), -1);
	nfct_destroy(key);
	nfct_ext_mirror_free(m);
	nfct_ext_mirror_free(mf);
	nfct_ext_mirror_free(NULL);
	nfct_close(h);
}

/* ---- nfct_ext_mirror_new_opts() ------------------------------------- */

/* What the opts callbacks saw. */
struct seen {
	unsigned int added[8], updated[8], removed[8];	/* by @how */
	unsigned int destroys;		/* removals with a DESTROY */
	uint64_t stored_packets, destroy_packets, destroy_bytes;
	bool stop_stamp;		/* the DESTROY had a stop timestamp */
	unsigned int old_removed;	/* nfct_ext_mirror_ops removals */
	uint64_t old_packets;
};

static void o_added(const struct nf_conntrack *ct, unsigned int how, void *data)
{
	(void)ct;
	((struct seen *)data)->added[how & 7]++;
}

static void o_updated(const struct nf_conntrack *ct, unsigned int how,
		      void *data)
{
	(void)ct;
	((struct seen *)data)->updated[how & 7]++;
}

static void o_removed(const struct nf_conntrack *stored,
		      const struct nf_conntrack *destroy, unsigned int how,
		      void *data)
{
	struct seen *s = data;

	s->removed[how & 7]++;
	if (destroy == NULL)
		return;
	s->destroys++;
	s->stored_packets = nfct_get_attr_u64(stored, ATTR_ORIG_COUNTER_PACKETS);
	s->destroy_packets = nfct_get_attr_u64(destroy, ATTR_ORIG_COUNTER_PACKETS);
	s->destroy_bytes = nfct_get_attr_u64(destroy, ATTR_ORIG_COUNTER_BYTES);
	s->stop_stamp = nfct_attr_is_set(destroy, ATTR_TIMESTAMP_STOP);
}

static void old_removed(const struct nf_conntrack *ct, void *data)
{
	struct seen *s = data;

	s->old_removed++;
	s->old_packets = nfct_get_attr_u64(ct, ATTR_ORIG_COUNTER_PACKETS);
}

static struct nfct_ext_mirror_opts opts_of(struct seen *s)
{
	struct nfct_ext_mirror_opts o;

	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	o.added = o_added;
	o.updated = o_updated;
	o.removed = o_removed;
	o.data = s;
	return o;
}

/* Apply events until *@what reaches @want (10 s at most). */
static void wait_for(struct nfct_ext_mirror *m, const unsigned int *what,
		     unsigned int want, const char *name)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { nfct_ext_mirror_fd(m), POLLIN, 0 };

		assert_true(nfct_ext_mirror_process(m) >= 0);
		if (*what >= want)
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 10)
			fail_msg("%s: %u after 10 s, expected %u", name, *what, want);
		poll(&p, 1, 100);
	}
}

/* Conntrack sees loopback traffic only with a rule that needs it. */
static void track_loopback(void)
{
	FILE *f = popen("nft -f -", "w");

	assert_non_null(f);
	fputs("table inet mirror_test {\n"
	      "  chain out { type filter hook output priority 0; ct state new accept; }\n"
	      "}\n", f);
	assert_int_equal(pclose(f), 0);
}

/* @n datagrams of @len bytes over loopback, 127.0.0.1:40000 -> :40001. */
static void udp_traffic(int n, size_t len)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(40000),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in b = a;
	int cs = socket(AF_INET, SOCK_DGRAM, 0), ss = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[256] = { 0 };

	b.sin_port = htons(40001);
	assert_true(cs >= 0 && ss >= 0 && len <= sizeof(buf));
	assert_int_equal(bind(cs, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(bind(ss, (struct sockaddr *)&b, sizeof(b)), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(sendto(cs, buf, len, 0, (struct sockaddr *)&b,
					sizeof(b)), (ssize_t)len);
	close(cs);
	close(ss);
}

static int first_udp(const struct nf_conntrack *ct, void *data)
{
	if (nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO) != IPPROTO_UDP)
		return 0;
	*(struct nf_conntrack **)data = nfct_clone(ct);
	return 1;
}

/*
 * Real traffic with accounting on: the removal of a deleted entry comes
 * with the kernel's DESTROY (final counters, stop timestamp), merged into
 * the stored copy too, also for nfct_ext_mirror_ops callbacks. A TCP
 * entry stays out of a UDP-only mirror.
 */
static void test_mirror_destroy_counters(void **state)
{
	struct seen s, so;
	struct nfct_ext_mirror_opts o = opts_of(&s);
	struct nfct_ext_mirror_ops ops_old = { NULL, NULL, old_removed };
	struct nfct_ext_mirror *m, *mo;
	struct nf_conntrack *ct = NULL, *tcp;
	struct nfct_handle *h;

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(&so, 0, sizeof(so));
	test_netns_enter();
	assert_int_equal(ext_write_file("/proc/sys/net/netfilter/nf_conntrack_acct", "1"), 0);
	assert_int_equal(ext_write_file("/proc/sys/net/netfilter/nf_conntrack_timestamp", "1"), 0);
	track_loopback();
	h = nfct_open(CONNTRACK, 0);
	assert_non_null(h);
	/* a TCP entry, which the UDP filter leaves out */
	tcp = nfct_new();
	ext_fill_udp(tcp, 7, 0, 600);
	nfct_set_attr_u8(tcp, ATTR_ORIG_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u8(tcp, ATTR_REPL_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u8(tcp, ATTR_TCP_STATE, 3 /* ESTABLISHED */);
	assert_int_equal(nfct_query(h, NFCT_Q_CREATE, tcp), 0);

	o.filter.flags = NFCT_EXT_MF_L4PROTO;
	o.l4proto = IPPROTO_UDP;
	m = nfct_ext_mirror_new_opts(&o);
	assert_non_null(m);
	mo = nfct_ext_mirror_new(NULL, &ops_old, &so);
	assert_non_null(mo);
	assert_int_equal(nfct_ext_mirror_count(m), 0);
	assert_int_equal(nfct_ext_mirror_count(mo), 1);

	udp_traffic(5, 100);
	wait_for(m, &s.added[NFCT_EXT_MIRROR_EVENT], 1, "UDP entry added by an event");
	assert_int_equal(nfct_ext_mirror_count(m), 1);
	assert_int_equal(nfct_ext_mirror_foreach(m, first_udp, &ct), 1);
	assert_int_equal(nfct_query(h, NFCT_Q_DESTROY, ct), 0);
	wait_for(m, &s.destroys, 1, "removal with the kernel's DESTROY");
	wait_for(mo, &so.old_removed, 1, "removal (nfct_ext_mirror_ops)");
	assert_int_equal(s.removed[NFCT_EXT_MIRROR_EVENT], 1);
	assert_int_equal(s.destroy_packets, 5);
	assert_int_equal(s.destroy_bytes, 5 * (20 + 8 + 100));
	assert_int_equal(s.stored_packets, 5);
	assert_true(s.stop_stamp);
	assert_int_equal(so.old_packets, 5);
	assert_int_equal(nfct_ext_mirror_count(m), 0);
	assert_int_equal(nfct_ext_mirror_count(mo), 1);	/* the TCP entry */

	nfct_destroy(ct);
	nfct_destroy(tcp);
	nfct_ext_mirror_free(m);
	nfct_ext_mirror_free(mo);
	nfct_close(h);
}

static unsigned int total(const unsigned int *v)
{
	return v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
}

/*
 * The initial dump's entries come with NFCT_EXT_MIRROR_INITIAL, those a
 * resync finds (tiny receive buffer from the options, event storm) with
 * NFCT_EXT_MIRROR_RESYNC, entries a mark change takes out of the filter
 * with NFCT_EXT_MIRROR_UNMATCHED, quiet events with NFCT_EXT_MIRROR_EVENT.
 */
static void test_mirror_how(void **state)
{
	struct seen s;
	struct nfct_ext_mirror_opts o = opts_of(&s);
	struct nfct_ext_mirror *m;
	struct nfct_handle *h;
	int rcvbuf = 0;
	socklen_t len = sizeof(rcvbuf);

	(void)state;
	memset(&s, 0, sizeof(s));
	test_netns_enter();
	h = nfct_open(CONNTRACK, 0);
	assert_non_null(h);
	ext_big_rcvbuf(h);
	assert_int_equal(ext_populate(h, 0, 100, mark_one), 0);

	o.filter.flags = NFCT_EXT_MF_MARK;
	o.filter.mark = 1;
	o.filter.mark_mask = 0xff;
	o.rcvbuf = 1;		/* the kernel's minimum */
	m = nfct_ext_mirror_new_opts(&o);
	assert_non_null(m);
	assert_int_equal(getsockopt(nfct_ext_mirror_fd(m), SOL_SOCKET, SO_RCVBUF,
				    &rcvbuf, &len), 0);
	assert_true(rcvbuf < 8192);
	assert_int_equal(s.added[NFCT_EXT_MIRROR_INITIAL], 100);
	assert_int_equal(total(s.added), 100);

	/* the storm overflows the tiny buffer */
	assert_int_equal(ext_populate(h, 1000, 20000, mark_one), 0);
	wait_for(m, &s.added[NFCT_EXT_MIRROR_RESYNC], 1,
		 "entries added by a resync");
	settle(m);
	assert_true(nfct_ext_mirror_resyncs(m) >= 1);
	assert_int_equal(nfct_ext_mirror_count(m), 20100);
	assert_int_equal(total(s.added), 20100);
	assert_true(s.added[NFCT_EXT_MIRROR_EVENT] < 20000);

	/* room for quiet events: a mark change takes entries out */
	int big = 4 << 20;

	setsockopt(nfct_ext_mirror_fd(m), SOL_SOCKET, SO_RCVBUFFORCE, &big,
		   sizeof(big));
	settle(m);
	memset(&s, 0, sizeof(s));
	batch_on(h, NFCT_Q_UPDATE, 0, 10, 1, mark_five);
	wait_for(m, &s.removed[NFCT_EXT_MIRROR_UNMATCHED], 3,
		 "entries taken out by a mark change");
	assert_int_equal(s.destroys, 0);
	batch_on(h, NFCT_Q_DESTROY, 5, 1, 1, mark_one);
	wait_for(m, &s.removed[NFCT_EXT_MIRROR_EVENT], 1, "entry removed by an event");
	assert_int_equal(s.destroys, 1);
	assert_int_equal(total(s.added), 0);

	nfct_ext_mirror_free(m);
	nfct_close(h);
}

/* Bad options: -1 with EINVAL, never a crash. */
static void test_mirror_opts_bad(void **state)
{
	struct nfct_ext_mirror_opts o;
	struct nfct_ext_mirror_filter f = { .flags = NFCT_EXT_MF_L4PROTO };
	unsigned char big[sizeof(o) + 16];

	(void)state;
	test_netns_enter();
	memset(&o, 0, sizeof(o));
	errno = 0;
	assert_null(nfct_ext_mirror_new_opts(NULL));
	assert_int_equal(errno, EINVAL);
	assert_null(nfct_ext_mirror_new_opts(&o));	/* size 0 */
	assert_int_equal(errno, EINVAL);
	o.size = sizeof(o);
	o.filter.flags = 1u << 20;
	assert_null(nfct_ext_mirror_new_opts(&o));
	assert_int_equal(errno, EINVAL);
	o.filter.flags = 0;
	o.rcvbuf = -1;
	assert_null(nfct_ext_mirror_new_opts(&o));
	assert_int_equal(errno, EINVAL);
	o.rcvbuf = 0;
	o.netns = "/nonexistent/ns";
	assert_null(nfct_ext_mirror_new_opts(&o));
	assert_int_equal(errno, ENOENT);
	o.netns = "/proc/self/ns/net";
	o.handle = (struct nfct_handle *)&o;	/* never read: both set */
	assert_null(nfct_ext_mirror_new_opts(&o));
	assert_int_equal(errno, EINVAL);
	/* the old constructor has no room for the L4 protocol */
	assert_null(nfct_ext_mirror_new(&f, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	/* a newer caller's struct: unknown bytes must be zero */
	o.handle = NULL;
	memset(big, 0, sizeof(big));
	memcpy(big, &o, sizeof(o));
	((struct nfct_ext_mirror_opts *)(void *)big)->size = sizeof(big);
	struct nfct_ext_mirror *m = nfct_ext_mirror_new_opts((void *)big);

	assert_non_null(m);
	nfct_ext_mirror_free(m);
	big[sizeof(big) - 1] = 1;
	assert_null(nfct_ext_mirror_new_opts((void *)big));
	assert_int_equal(errno, EINVAL);
}

static int count_cb(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
		    void *data)
{
	(void)t;
	(void)ct;
	(*(unsigned int *)data)++;
	return NFCT_CB_CONTINUE;
}

/*
 * A mirror of another namespace's table (by path), and one through a
 * handle opened there: the calling thread stays in its own namespace,
 * whose table is empty, and the caller's handle keeps its callback.
 */
static void test_mirror_other_netns(void **state)
{
	struct seen s;
	struct nfct_ext_mirror_opts o = opts_of(&s);
	struct nfct_ext_mirror *m, *mh;
	struct nfct_handle *ha, *h;
	char path[64];
	unsigned int n = 0;
	uint32_t family = AF_UNSPEC;
	int nsa;

	(void)state;
	memset(&s, 0, sizeof(s));
	test_netns_enter();		/* namespace A */
	nsa = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(nsa >= 0);
	h = nfct_open(CONNTRACK, 0);
	assert_non_null(h);
	assert_int_equal(ext_populate(h, 0, 50, mark_one), 0);
	nfct_close(h);
	assert_int_equal(unshare(CLONE_NEWNET), 0);	/* namespace B */
	assert_int_equal(ext_write_file("/proc/sys/net/netfilter/nf_conntrack_events", "1"), 0);
	h = nfct_open(CONNTRACK, 0);
	assert_non_null(h);
	assert_int_equal(ext_populate(h, 100, 3, mark_one), 0);

	snprintf(path, sizeof(path), "/proc/self/fd/%d", nsa);
	o.netns = path;
	m = nfct_ext_mirror_new_opts(&o);
	assert_non_null(m);
	assert_int_equal(nfct_ext_mirror_count(m), 50);

	ha = nfct_ext_open_netns_fd(nsa, CONNTRACK, 0);
	assert_non_null(ha);
	nfct_callback_register(ha, NFCT_T_ALL, count_cb, &n);
	o.netns = NULL;
	o.handle = ha;
	mh = nfct_ext_mirror_new_opts(&o);
	assert_non_null(mh);
	assert_int_equal(nfct_ext_mirror_count(mh), 50);
	assert_int_equal(n, 0);		/* the mirror's dump, not ours */

	/* events of A reach both; B's own entries never do */
	assert_int_equal(ext_populate(ha, 200, 10, mark_one), 0);
	memset(&s, 0, sizeof(s));
	wait_for(m, &s.added[NFCT_EXT_MIRROR_EVENT], 10, "events of namespace A (path)");
	wait_for(mh, &s.added[NFCT_EXT_MIRROR_EVENT], 20, "events of namespace A (handle)");
	assert_int_equal(nfct_ext_mirror_count(m), 60);
	assert_int_equal(nfct_ext_mirror_count(mh), 60);
	assert_int_equal(nfct_ext_mirror_resync(mh), 0);
	assert_int_equal(nfct_ext_mirror_count(mh), 60);

	/* the caller's handle still works, with its own callback */
	nfct_ext_mirror_free(mh);
	assert_int_equal(nfct_query(ha, NFCT_Q_DUMP, &family), 0);
	assert_int_equal(n, 60);
	nfct_close(ha);
	n = 0;
	nfct_callback_register(h, NFCT_T_ALL, count_cb, &n);
	assert_int_equal(nfct_query(h, NFCT_Q_DUMP, &family), 0);
	assert_int_equal(n, 3);
	nfct_ext_mirror_free(m);
	nfct_close(h);
	close(nsa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mirror_storm),
		cmocka_unit_test(test_mirror_destroy_counters),
		cmocka_unit_test(test_mirror_how),
		cmocka_unit_test(test_mirror_opts_bad),
		cmocka_unit_test(test_mirror_other_netns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
