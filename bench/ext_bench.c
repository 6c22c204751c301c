/*
 * Extension benchmark (issue 7), in a private network namespace:
 * deleting the 100 000 entries with mark 7 among 1 000 000 with
 * nfct_ext_bulk_delete() (kernel flush filter, and filtered dump +
 * batched deletes), with one nfct_query(NFCT_Q_DESTROY) per entry and
 * with Debian's `conntrack -D -m 7`; then the mirror's initial dump and
 * resynchronisation time for 1 000 000 entries. Run it with
 * bench/ext_bench.sh (needs root).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "ext_util.h"

#define TOTAL 1000000u

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static uint32_t mark_tenth(uint32_t i)
{
	return i % 10 == 3 ? 7 : 1;
}

static uint32_t table_count(struct nfct_handle *h)
{
	uint32_t n = 0;

	nfct_ext_stats_count(h, &n, NULL);
	return n;
}

/* Put the 100 000 marked entries back. */
static void refill(struct nfct_handle *h)
{
	struct nfct_ext_batch *b = nfct_ext_batch_new();
	struct nf_conntrack *ct = nfct_new();

	for (uint32_t i = 3; i < TOTAL; i += 10) {
		ext_fill_udp(ct, i, 7, 3600);
		nfct_ext_batch_add(b, NFCT_Q_CREATE, ct);
	}
	if (nfct_ext_batch_send(h, b) != 0)
		fprintf(stderr, "refill: some creations failed\n");
	nfct_ext_batch_free(b);
	nfct_destroy(ct);
}

static struct nfct_filter_dump *mark7(void)
{
	struct nfct_filter_dump *f = nfct_filter_dump_create();
	struct nfct_filter_dump_mark mk = { 7, 0xffffffff };

	nfct_filter_dump_set_attr(f, NFCT_FILTER_DUMP_MARK, &mk);
	return f;
}

static double bulk(struct nfct_handle *h, unsigned int flags)
{
	struct nfct_filter_dump *f = mark7();
	unsigned int n;
	double t = now();

	if (nfct_ext_bulk_delete(h, f, flags, &n) < 0)
		perror("nfct_ext_bulk_delete");
	t = now() - t;
	nfct_filter_dump_destroy(f);
	return t;
}

struct list {
	struct nf_conntrack **ct;
	unsigned int n;
};

static int keep_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
		   void *data)
{
	struct list *l = data;

	(void)type;
	l->ct[l->n++] = ct;
	return l->n < TOTAL / 10 + 100 ? NFCT_CB_STOLEN : NFCT_CB_STOP;
}

/* The classic way: dump what matches, then one request per entry. */
static double per_entry(struct nfct_handle *h)
{
	struct nfct_filter_dump *f = mark7();
	struct list l = { calloc(TOTAL / 10 + 100, sizeof(void *)), 0 };
	double t = now();

	nfct_callback_register(h, NFCT_T_ALL, keep_cb, &l);
	nfct_query(h, NFCT_Q_DUMP_FILTER, f);
	nfct_callback_unregister(h);
	for (unsigned int i = 0; i < l.n; i++)
		nfct_query(h, NFCT_Q_DESTROY, l.ct[i]);
	t = now() - t;
	for (unsigned int i = 0; i < l.n; i++)
		nfct_destroy(l.ct[i]);
	free(l.ct);
	nfct_filter_dump_destroy(f);
	return t;
}

static double tool(void)
{
	double t = now();

	if (system("/usr/sbin/conntrack -D -m 7 >/dev/null 2>&1") < 0)
		perror("conntrack");
	return now() - t;
}

int main(void)
{
	char saved[32] = "";
	FILE *f = fopen("/proc/sys/net/netfilter/nf_conntrack_max", "r");
	struct nfct_handle *h;
	struct nfct_ext_mirror *m;
	double t, ta, tb, tc, td;
	uint32_t left[4];

	if (f == NULL || fgets(saved, sizeof(saved), f) == NULL)
		saved[0] = '\0';
	if (f)
		fclose(f);
	/* the limit is global: raised for the run, put back afterwards */
	if (saved[0] && atol(saved) < 1100000 &&
	    ext_write_file("/proc/sys/net/netfilter/nf_conntrack_max", "1100000") < 0)
		perror("raising nf_conntrack_max");
	int init_ns = open("/proc/self/ns/net", O_RDONLY);
	if (unshare(CLONE_NEWNET) < 0) {
		perror("unshare (run as root)");
		return 1;
	}
	h = nfct_open(CONNTRACK, 0);
	ext_big_rcvbuf(h);
	t = now();
	if (ext_populate(h, 0, TOTAL, mark_tenth) != 0)
		fprintf(stderr, "populate: some creations failed\n");
	printf("populate %u entries with batches: %.2f s\n", table_count(h), now() - t);

	ta = bulk(h, 0);
	left[0] = table_count(h);
	refill(h);
	tb = bulk(h, NFCT_EXT_BULK_NO_FLUSH);
	left[1] = table_count(h);
	refill(h);
	tc = per_entry(h);
	left[2] = table_count(h);
	refill(h);
	td = tool();
	left[3] = table_count(h);
	refill(h);

	printf("\ndelete the 100000 entries with mark 7 among %u:\n", TOTAL);
	printf("  %-44s %8.3f s  (left %u)\n", "nfct_ext_bulk_delete, kernel flush filter", ta, left[0]);
	printf("  %-44s %8.3f s  (left %u)  %5.1fx faster than per-entry\n",
	       "nfct_ext_bulk_delete, dump + batched deletes", tb, left[1], tc / tb);
	printf("  %-44s %8.3f s  (left %u)\n", "nfct_query(NFCT_Q_DESTROY) per entry", tc, left[2]);
	printf("  %-44s %8.3f s  (left %u)\n", "conntrack -D -m 7 (Debian)", td, left[3]);

	t = now();
	m = nfct_ext_mirror_new(NULL, NULL, NULL);
	t = now() - t;
	printf("\nmirror of %u entries: initial dump %.3f s", nfct_ext_mirror_count(m), t);
	t = now();
	nfct_ext_mirror_resync(m);
	printf(", resync %.3f s\n", now() - t);
	nfct_ext_mirror_free(m);
	nfct_close(h);

	if (init_ns >= 0 && setns(init_ns, CLONE_NEWNET) == 0 && saved[0] &&
	    atol(saved) < 1100000)
		ext_write_file("/proc/sys/net/netfilter/nf_conntrack_max", saved);
	return 0;
}
