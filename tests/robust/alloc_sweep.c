/*
 * Allocation-failure sweep (run by test_robust alloc): this program
 * replaces malloc and friends for the whole process (exported: the
 * project builds with hidden visibility) (the library's and
 * libc's calls included) and fails exactly the Nth allocation of a
 * representative call sequence: objects, attributes, build, parse,
 * copy, clone, snprintf, label map, BPF filter, dump filter, handles
 * and kernel queries, expectations.
 *
 *   alloc_sweep N
 *
 * Exit status: 0 the sequence ran with allocation N failing and
 * everything was freed; 2 fewer than N allocations happened (the sweep
 * is complete); 3 leak; 4 a call failed without an injected failure or
 * without errno; 77 no namespace (not root).
 */
#include <errno.h>
#include <malloc.h>
#include <sched.h>
#include <stdlib.h>
#include <libnfnetlink/libnfnetlink.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

#include "robust_util.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

static int armed;
static long count, fail_at;
static int injected;

/* Blocks allocated while armed, to find leaks: open addressing. */
#define SLOTS 65536
static void *live[SLOTS];
static long nlive;

static unsigned int slot_of(void *p)
{
	return ((uintptr_t)p >> 4) * 2654435761u % SLOTS;
}

static void track(void *p)
{
	unsigned int i = slot_of(p);

	while (live[i])
		i = (i + 1) % SLOTS;
	live[i] = p;
	nlive++;
}

static void untrack(void *p)
{
	unsigned int i = slot_of(p), j;

	for (j = 0; j < SLOTS; j++, i = (i + 1) % SLOTS) {
		if (live[i] == NULL)
			return;
		if (live[i] == p)
			break;
	}
	if (j == SLOTS)
		return;
	live[i] = NULL;
	nlive--;
	/* re-insert the rest of the cluster so lookups keep working */
	for (i = (i + 1) % SLOTS; live[i]; i = (i + 1) % SLOTS) {
		void *q = live[i];

		live[i] = NULL;
		nlive--;
		track(q);
	}
}

static int should_fail(void)
{
	if (!armed)
		return 0;
	if (++count == fail_at) {
		injected = 1;
		return 1;
	}
	return 0;
}

#define EXPORT __attribute__((visibility("default")))

EXPORT void *malloc(size_t n)
{
	void *p;

	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	p = __libc_malloc(n);
	if (p && armed)
		track(p);
	return p;
}

EXPORT void *calloc(size_t a, size_t b)
{
	void *p;

	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	p = __libc_calloc(a, b);
	if (p && armed)
		track(p);
	return p;
}

EXPORT void *realloc(void *old, size_t n)
{
	void *p;

	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	p = __libc_realloc(old, n);
	if (p || n == 0) {
		if (old && armed)
			untrack(old);
		if (p && armed)
			track(p);
	}
	return p;
}

EXPORT void free(void *p)
{
	if (p && armed)
		untrack(p);
	__libc_free(p);
}

/* libc's own aligned allocations must not reach our free() untracked */
EXPORT int posix_memalign(void **res, size_t align, size_t n)
{
	void *p;

	if (should_fail())
		return ENOMEM;
	p = __libc_memalign(align, n);
	if (p == NULL)
		return ENOMEM;
	if (armed)
		track(p);
	*res = p;
	return 0;
}

/*
 * @dst, a copy of @src (whole: @clone), holds every attribute it says
 * is set: a value that could not be copied is not set. A whole copy
 * holds all of them.
 */
static void check_copy(const char *what, const struct nf_conntrack *dst,
		       const struct nf_conntrack *src, int clone)
{
	for (int a = 0; a < ATTR_MAX; a++) {
		int set = nfct_attr_is_set(dst, a) == 1;

		if (clone && nfct_attr_is_set(src, a) == 1 && !set) {
			fprintf(stderr, "%s: attribute %d missing (n=%ld)\n",
				what, a, fail_at);
			exit(5);
		}
		if (set && nfct_get_attr(src, a) != NULL &&
		    nfct_get_attr(dst, a) == NULL) {
			fprintf(stderr, "%s: attribute %d set, no value (n=%ld)\n",
				what, a, fail_at);
			exit(5);
		}
	}
	if (clone && nfct_cmp(dst, src, NFCT_CMP_ALL | NFCT_CMP_STRICT) != 1) {
		fprintf(stderr, "%s: not equal (n=%ld)\n", what, fail_at);
		exit(5);
	}
}

/* A call failed: fine only after the injected failure, with errno. */
static void failed(const char *what)
{
	if (!injected || errno == 0) {
		fprintf(stderr, "%s failed without cause (errno %d, n=%ld)\n",
			what, errno, fail_at);
		exit(4);
	}
}

static int dump_cb(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
		   void *data)
{
	char buf[512];

	(void)data;
	nfct_snprintf(buf, sizeof(buf), ct, t, NFCT_O_PLAIN, 0);
	return NFCT_CB_CONTINUE;
}

static void objects(const char *labels_path)
{
	struct nf_conntrack *ct = nfct_new(), *ct2 = NULL, *ct3 = NULL, *cl = NULL;
	struct nfct_bitmask *bm = NULL;
	struct nfct_labelmap *map = NULL;
	char buf[4096] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

	if (ct == NULL) {
		failed("nfct_new");
		return;
	}
	robust_entry(ct, 7);
	nfct_set_attr(ct, ATTR_HELPER_NAME, "ftp");
	nfct_set_attr_l(ct, ATTR_HELPER_INFO, "blob", 4);
	bm = nfct_bitmask_new(127);
	if (bm == NULL)
		failed("nfct_bitmask_new");
	else {
		nfct_bitmask_set_bit(bm, 3);
		nfct_set_attr(ct, ATTR_CONNLABELS, bm);	/* ct owns it now */
	}
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
	((struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->nfgen_family = AF_INET;
	if (nfct_nlmsg_build(nlh, ct) < 0)
		failed("nfct_nlmsg_build");
	ct2 = nfct_new();
	if (ct2 == NULL)
		failed("nfct_new 2");
	else if (nfct_nlmsg_parse(nlh, ct2) < 0)
		failed("nfct_nlmsg_parse");
	ct3 = nfct_new();
	if (ct3 == NULL)
		failed("nfct_new 3");
	else if (ct2) {
		nfct_copy(ct3, ct2, NFCT_CP_OVERRIDE);	/* void: no report */
		check_copy("nfct_copy", ct3, ct2, 0);
	}
	if (ct3) {
		nfct_copy(ct3, ct, NFCT_CP_OVERRIDE);
		check_copy("nfct_copy heap", ct3, ct, 0);
		nfct_copy(ct3, ct, NFCT_CP_META);
		check_copy("nfct_copy meta", ct3, ct, 0);
		nfct_copy_attr(ct3, ct, ATTR_CONNLABELS);
		nfct_copy_attr(ct3, ct, ATTR_HELPER_INFO);
		check_copy("nfct_copy_attr", ct3, ct, 0);
	}
	cl = nfct_clone(ct);
	if (cl == NULL)
		failed("nfct_clone");
	else
		check_copy("nfct_clone", cl, ct, 1);
	if (nfct_snprintf(buf, sizeof(buf), ct, NFCT_T_NEW, NFCT_O_XML,
			  NFCT_OF_SHOW_LAYER3) < 0)
		failed("nfct_snprintf");
	map = nfct_labelmap_new(labels_path);
	if (map == NULL)
		failed("nfct_labelmap_new");
	if (nfct_snprintf_labels(buf, sizeof(buf), ct, NFCT_T_UNKNOWN,
				 NFCT_O_PLAIN, 0, map) < 0)
		failed("nfct_snprintf_labels");
	nfct_labelmap_destroy(map);
	nfct_destroy(cl);
	nfct_destroy(ct3);
	nfct_destroy(ct2);
	nfct_destroy(ct);
}

static void expectations(void)
{
	struct nf_expect *exp = nfexp_new(), *cl;
	struct nf_conntrack *m = nfct_new();
	char buf[1024];

	if (exp == NULL || m == NULL) {
		failed("nfexp_new");
		goto out;
	}
	robust_entry(m, 9);
	nfexp_set_attr(exp, ATTR_EXP_MASTER, m);
	nfexp_set_attr(exp, ATTR_EXP_EXPECTED, m);
	nfexp_set_attr(exp, ATTR_EXP_MASK, m);
	nfexp_set_attr_u32(exp, ATTR_EXP_TIMEOUT, 10);
	cl = nfexp_clone(exp);
	if (cl == NULL)
		failed("nfexp_clone");
	if (nfexp_snprintf(buf, sizeof(buf), exp, NFCT_T_NEW, NFCT_O_XML, 0) < 0)
		failed("nfexp_snprintf");
	nfexp_destroy(cl);
out:
	nfexp_destroy(exp);
	nfct_destroy(m);
}

static void kernel(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	struct nfct_filter *f = NULL;
	struct nfct_filter_dump *fd = NULL;
	struct nf_conntrack *ct = NULL;
	uint8_t fam = AF_INET;

	if (h == NULL) {
		failed("nfct_open");
		return;
	}
	ct = nfct_new();
	if (ct == NULL) {
		failed("nfct_new k");
		goto out;
	}
	robust_entry(ct, 11);
	if (nfct_query(h, NFCT_Q_CREATE, ct) < 0)
		failed("nfct_query create");
	if (nfct_callback_register(h, NFCT_T_ALL, dump_cb, NULL) < 0)
		failed("nfct_callback_register");
	if (nfct_query(h, NFCT_Q_DUMP, &fam) < 0)
		failed("nfct_query dump");
	fd = nfct_filter_dump_create();
	if (fd == NULL)
		failed("nfct_filter_dump_create");
	else {
		struct nfct_filter_dump_mark mark = { .val = 11, .mask = ~0u };

		nfct_filter_dump_set_attr(fd, NFCT_FILTER_DUMP_MARK, &mark);
		nfct_filter_dump_set_attr_u8(fd, NFCT_FILTER_DUMP_L3NUM, AF_INET);
		if (nfct_query(h, NFCT_Q_DUMP_FILTER, fd) < 0)
			failed("nfct_query dump filter");
	}
	f = nfct_filter_create();
	if (f == NULL)
		failed("nfct_filter_create");
	else {
		nfct_filter_add_attr_u32(f, NFCT_FILTER_L4PROTO, IPPROTO_UDP);
		if (nfct_filter_attach(nfct_fd(h), f) < 0)
			failed("nfct_filter_attach");
		else
			nfct_filter_detach(nfct_fd(h));
	}
	if (nfct_query(h, NFCT_Q_DESTROY, ct) < 0 && errno != ENOENT)
		failed("nfct_query destroy");
out:
	nfct_filter_destroy(f);
	nfct_filter_dump_destroy(fd);
	nfct_destroy(ct);
	nfct_close(h);
}

int main(int argc, char **argv)
{
	char path[] = "/tmp/robust-labels-XXXXXX";
	int fd;

	if (argc < 2)
		return 1;
	fail_at = strtol(argv[1], NULL, 0);
	if (unshare(CLONE_NEWNET) < 0)
		return 77;
	fd = mkstemp(path);
	if (fd < 0 || write(fd, "3 blue\n7 green\n", 15) != 15)
		return 1;
	close(fd);

	armed = 1;
	errno = 0;
	objects(path);
	expectations();
	kernel();
	armed = 0;

	unlink(path);
	if (nlive) {
		fprintf(stderr, "n=%ld: %ld blocks leaked\n", fail_at, nlive);
		for (fd = 0; fd < SLOTS; fd++)
			if (live[fd])
				fprintf(stderr, "  %zu bytes: %.16s\n",
					malloc_usable_size(live[fd]),
					(char *)live[fd]);
		return 3;
	}
	printf("%ld allocations\n", count);
	return count < fail_at ? 2 : 0;
}
