/*
 * Extension benchmark, in a private network namespace:
 * deleting the 100 000 entries with mark 7 among 1 000 000 (a tenth of
 * the ENTRIES given as the argument, among them) with
 * nfct_ext_bulk_delete() (kernel flush filter, and filtered dump +
 * batched deletes), with one nfct_query(NFCT_Q_DESTROY) per entry and
 * with Debian's `conntrack -D -m 7`; then the mirror's initial dump and
 * resynchronisation time for 1 000 000 entries. The deletes are timed
 * twice: the delete phase alone (given the list of entries) and the
 * whole operation including finding them.
 *
 * Then (or alone, with the argument "mirror") the cost of building a
 * mirror against one plain dump of the same table, for tables of
 * 200 000 entries of different shapes: many hosts, few host pairs with
 * many ports (IPv4 and IPv6), and the same tuples in several zones.
 * Run it with bench/ext_bench.sh (needs root).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/resource.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "ext_util.h"

/* Entries in the table of the delete benchmark: 1 000 000, or the
 * number given as the program's argument. */
static uint32_t TOTAL = 1000000u;

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

/* The entries with mark 7, from a kernel-filtered dump. */
static struct list dump_list(struct nfct_handle *h)
{
	struct nfct_filter_dump *f = mark7();
	struct list l = { calloc(TOTAL / 10 + 100, sizeof(void *)), 0 };

	nfct_callback_register(h, NFCT_T_ALL, keep_cb, &l);
	if (nfct_query(h, NFCT_Q_DUMP_FILTER, f) < 0)
		perror("dump");
	nfct_callback_unregister(h);
	nfct_filter_dump_destroy(f);
	return l;
}

static void list_free(struct list *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		nfct_destroy(l->ct[i]);
	free(l->ct);
}

/* CPU time spent in the kernel by this process so far. */
static double sys_time(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double last_sys;	/* kernel time of the last delete phase */

/* Delete phase alone: one batch for the whole list. */
static double del_batch(struct nfct_handle *h, struct list *l)
{
	struct nfct_ext_batch *b;
	double s = sys_time(), t = now();
	int r;

	b = nfct_ext_batch_new();
	for (unsigned int i = 0; i < l->n; i++)
		nfct_ext_batch_add(b, NFCT_Q_DESTROY, l->ct[i]);
	r = nfct_ext_batch_send(h, b);
	nfct_ext_batch_free(b);
	t = now() - t;
	last_sys = sys_time() - s;
	if (r != 0)
		fprintf(stderr, "batch delete: %d failed\n", r);
	return t;
}

/* Delete phase alone: one request and its ACK per entry. */
static double del_each(struct nfct_handle *h, struct list *l)
{
	double s = sys_time(), t = now();

	for (unsigned int i = 0; i < l->n; i++)
		if (nfct_query(h, NFCT_Q_DESTROY, l->ct[i]) < 0)
			perror("NFCT_Q_DESTROY");
	t = now() - t;
	last_sys = sys_time() - s;
	return t;
}

/* The classic way: dump what matches, then one request per entry. */
static double per_entry(struct nfct_handle *h)
{
	double t = now();
	struct list l = dump_list(h);

	del_each(h, &l);
	t = now() - t;
	list_free(&l);
	return t;
}

static double tool(void)
{
	double t = now();

	if (system("/usr/sbin/conntrack -D -m 7 >/dev/null 2>&1") < 0)
		perror("conntrack");
	return now() - t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define ROUNDS 5
#define METHODS 4

/* One of the four whole operations, then the table is refilled. */
static double whole(struct nfct_handle *h, int m, uint32_t *left)
{
	double t;

	switch (m) {
	case 0: t = bulk(h, 0); break;
	case 1: t = bulk(h, NFCT_EXT_BULK_NO_FLUSH); break;
	case 2: t = per_entry(h); break;
	default: t = tool(); break;
	}
	*left = table_count(h);
	refill(h);
	return t;
}

/* ---- mirror build against one dump, by the table's shape ------------- */

#define SHAPE_N 200000u

enum shape { MANY_HOSTS, PAIRS4, PAIRS6, ZONES, SHAPES };

static const char *shape_name[SHAPES] = {
	"many hosts (200000 IPv4 sources, 1 port)",
	"4 IPv4 host pairs x 50000 ports",
	"4 IPv6 host pairs x 50000 ports",
	"4 IPv4 host pairs x 5000 ports x 10 zones",
};

/* Entry @i of a table of shape @sh: a UDP entry. */
static void fill_shape(struct nf_conntrack *ct, enum shape sh, uint32_t i)
{
	uint32_t pair = i % 4, port = i / 4, zone = 0;

	nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, sh == PAIRS6 ? AF_INET6 : AF_INET);
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, sh == PAIRS6 ? AF_INET6 : AF_INET);
	if (sh == MANY_HOSTS) {
		pair = i;
		port = 0;
	} else if (sh == ZONES) {
		port = i / 40;
		zone = 1 + (i / 4) % 10;
	}
	if (sh == PAIRS6) {
		uint32_t a[4] = { htonl(0x20010db8u), 0, 0, htonl(1 + pair) };
		uint32_t b[4] = { htonl(0x20010db8u), htonl(1), 0, htonl(1) };

		nfct_set_attr(ct, ATTR_ORIG_IPV6_SRC, a);
		nfct_set_attr(ct, ATTR_ORIG_IPV6_DST, b);
		nfct_set_attr(ct, ATTR_REPL_IPV6_SRC, b);
		nfct_set_attr(ct, ATTR_REPL_IPV6_DST, a);
	} else {
		uint32_t a = htonl(0x0a000000u | (1 + pair)), b = htonl(0xc0a80001u);

		nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, a);
		nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_DST, b);
		nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, b);
		nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, a);
	}
	nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, IPPROTO_UDP);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_UDP);
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, htons(1024 + port));
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, htons(53));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(53));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(1024 + port));
	if (zone)
		nfct_set_attr_u16(ct, ATTR_ZONE, zone);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 3600);
}

static void fill_table(struct nfct_handle *h, enum shape sh)
{
	struct nfct_ext_batch *b = nfct_ext_batch_new();
	struct nf_conntrack *ct;
	int failed = 0;

	for (uint32_t i = 0; i < SHAPE_N; i++) {
		ct = nfct_new();
		fill_shape(ct, sh, i);
		nfct_ext_batch_add(b, NFCT_Q_CREATE, ct);
		nfct_destroy(ct);
	}
	failed = nfct_ext_batch_send(h, b);
	if (failed != 0)
		fprintf(stderr, "%s: %d creations failed\n", shape_name[sh], failed);
	nfct_ext_batch_free(b);
}

static int count_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
		    void *data)
{
	(void)type;
	(void)ct;
	(*(unsigned int *)data)++;
	return NFCT_CB_CONTINUE;
}

/* One plain dump of the table, each entry parsed into an object. */
static double one_dump(struct nfct_handle *h, unsigned int *n)
{
	uint32_t family = AF_UNSPEC;
	double t = now();

	*n = 0;
	nfct_callback_register(h, NFCT_T_ALL, count_cb, n);
	if (nfct_query(h, NFCT_Q_DUMP, &family) < 0)
		perror("dump");
	t = now() - t;
	nfct_callback_unregister(h);
	return t;
}

#define MROUNDS 5

/* CPU time of this process, user and kernel: less sensitive than wall
 * time to other jobs on the machine. */
static double cpu_time(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void mirror_shapes(struct nfct_handle *h)
{
	printf("\nmirror build (nfct_ext_mirror_new) against one dump of the same table,\n"
	       "%u entries, median of %d alternated runs:\n\n", SHAPE_N, MROUNDS);
	printf("  %-44s %7s | %7s %7s %6s | %7s %7s %6s\n", "", "",
	       "wall:", "", "", "cpu:", "", "");
	printf("  %-44s %7s | %7s %7s %6s | %7s %7s %6s\n", "table shape", "entries",
	       "dump s", "mirror", "ratio", "dump s", "mirror", "ratio");
	for (int sh = 0; sh < SHAPES; sh++) {
		double td[MROUNDS], tm[MROUNDS], cd[MROUNDS], cm[MROUNDS];
		unsigned int n = 0, mn = 0;

		nfct_query(h, NFCT_Q_FLUSH, &(uint32_t){ AF_UNSPEC });
		fill_table(h, sh);
		for (int r = 0; r < MROUNDS; r++)
			for (int k = 0; k < 2; k++) {
				double c = cpu_time();

				if ((k + r) % 2 == 0) {
					td[r] = one_dump(h, &n);
					cd[r] = cpu_time() - c;
				} else {
					double t = now();
					struct nfct_ext_mirror *m =
						nfct_ext_mirror_new(NULL, NULL, NULL);

					tm[r] = now() - t;
					cm[r] = cpu_time() - c;
					mn = nfct_ext_mirror_count(m);
					nfct_ext_mirror_free(m);
				}
			}
		double d = median(td, MROUNDS), mm = median(tm, MROUNDS);
		double dc = median(cd, MROUNDS), mc = median(cm, MROUNDS);

		printf("  %-44s %7u | %7.3f %7.3f %5.2fx | %7.3f %7.3f %5.2fx%s\n",
		       shape_name[sh], n, d, mm, mm / d, dc, mc, mc / dc,
		       mn == n ? "" : "  (mirror count differs!)");
	}
	nfct_query(h, NFCT_Q_FLUSH, &(uint32_t){ AF_UNSPEC });
}

int main(int argc, char **argv)
{
	char saved[32] = "";
	FILE *f = fopen("/proc/sys/net/netfilter/nf_conntrack_max", "r");
	struct nfct_handle *h;
	struct nfct_ext_mirror *m;
	double t, dump[2 * ROUNDS], db[ROUNDS], de[ROUNDS], tw[METHODS][ROUNDS];
	double dbs[ROUNDS], des[ROUNDS];
	uint32_t left[METHODS];

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
	if (argc > 1 && strcmp(argv[1], "mirror") == 0) {
		mirror_shapes(h);
		goto out;
	}
	if (argc > 1 && (TOTAL = strtoul(argv[1], NULL, 10)) < 1000) {
		fprintf(stderr, "usage: %s [mirror | ENTRIES (>= 1000)]\n", argv[0]);
		return 1;
	}
	t = now();
	if (ext_populate(h, 0, TOTAL, mark_tenth) != 0)
		fprintf(stderr, "populate: some creations failed\n");
	printf("populate %u entries with batches: %.2f s\n", table_count(h), now() - t);

	/* Delete phase alone: the list of the 100 000 entries is dumped
	 * first (not timed with the deletes); batch and per-entry runs
	 * alternate which goes first. */
	for (int r = 0; r < ROUNDS; r++) {
		for (int k = 0; k < 2; k++) {
			struct list l;
			double t0 = now();

			l = dump_list(h);
			dump[2 * r + k] = now() - t0;
			if ((k + r) % 2 == 0) {
				db[r] = del_batch(h, &l);
				dbs[r] = last_sys;
			} else {
				de[r] = del_each(h, &l);
				des[r] = last_sys;
			}
			left[0] = table_count(h);
			if (left[0] != TOTAL - TOTAL / 10)
				fprintf(stderr, "delete phase: %u left\n", left[0]);
			list_free(&l);
			refill(h);
		}
	}
	/* Whole operation, the four methods in rotating order. */
	for (int r = 0; r < ROUNDS; r++)
		for (int k = 0; k < METHODS; k++) {
			int m = (k + r) % METHODS;

			tw[m][r] = whole(h, m, &left[m]);
		}

	double mdump = median(dump, 2 * ROUNDS), mdb = median(db, ROUNDS),
	       mde = median(de, ROUNDS), mw[METHODS];
	double mdbs = median(dbs, ROUNDS), mdes = median(des, ROUNDS);

	for (int m = 0; m < METHODS; m++)
		mw[m] = median(tw[m], ROUNDS);
	printf("\ndelete the %u entries with mark 7 among %u (median of %d alternated runs):\n",
	       TOTAL / 10, TOTAL, ROUNDS);
	printf("\n delete phase alone, given the list of the %u entries:\n", TOTAL / 10);
	printf("  %-46s %8.3f s  %6.2f us/entry\n", "batched deletes (nfct_ext_batch_send)",
	       mdb, mdb * 1e6 / (TOTAL / 10));
	printf("  %-46s %8.3f s  %6.2f us/entry\n", "nfct_query(NFCT_Q_DESTROY) per entry",
	       mde, mde * 1e6 / (TOTAL / 10));
	printf("  %-46s %8.1fx\n", "batch speed-up", mde / mdb);
	printf("  kernel (system) time: batched %.3f s = %.2f us/entry, per entry %.3f s = %.2f us/entry\n",
	       mdbs, mdbs * 1e6 / (TOTAL / 10), mdes, mdes * 1e6 / (TOTAL / 10));
	printf("  (finding them: kernel-filtered dump %.3f s = %.2f us per entry walked)\n",
	       mdump, mdump * 1e6 / TOTAL);
	printf("\n whole operation, finding included:\n");
	static const char *names[METHODS] = {
		"nfct_ext_bulk_delete, kernel flush filter",
		"nfct_ext_bulk_delete, dump + batched deletes",
		"dump + nfct_query(NFCT_Q_DESTROY) per entry",
		"conntrack -D -m 7 (Debian)",
	};
	for (int m = 0; m < METHODS; m++)
		printf("  %-46s %8.3f s  (left %u)  %5.1fx faster than per-entry\n",
		       names[m], mw[m], left[m], mw[2] / mw[m]);

	t = now();
	m = nfct_ext_mirror_new(NULL, NULL, NULL);
	t = now() - t;
	printf("\nmirror of %u entries: initial dump %.3f s", nfct_ext_mirror_count(m), t);
	t = now();
	nfct_ext_mirror_resync(m);
	printf(", resync %.3f s\n", now() - t);
	nfct_ext_mirror_free(m);
	mirror_shapes(h);
out:
	/* The hash table is shared by all namespaces: emptied here, the
	 * namespace's teardown does not slow down whatever runs next. */
	nfct_query(h, NFCT_Q_FLUSH, &(uint32_t){ AF_UNSPEC });
	nfct_close(h);

	if (init_ns >= 0 && setns(init_ns, CLONE_NEWNET) == 0 && saved[0] &&
	    atol(saved) < 1100000)
		ext_write_file("/proc/sys/net/netfilter/nf_conntrack_max", saved);
	return 0;
}
