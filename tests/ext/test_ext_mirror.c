/*
 * The table mirror against the live kernel (private namespace): after an
 * event storm that overflows its socket buffer, the mirror must equal a
 * fresh dump, entry by entry.
 */
#include <errno.h>
#include <poll.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mirror_storm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
