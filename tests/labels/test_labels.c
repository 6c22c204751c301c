/*
 * Label maps and bitmasks, differential: the probes print what the
 * public API reveals, run once on our library and once on the reference.
 * connlabel.conf variants are written to temporary files.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nfct_test.h"
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#define LABELS_PROBE	TEST_BUILD_DIR "/labels/labels_probe"
#define BITMASK_PROBE	TEST_BUILD_DIR "/labels/bitmask_probe"

struct variant {
	const char *text;
	size_t len;		/* 0: strlen(text) */
};

/* Each variant probes one rule of the format (see src/object/labels.c). */
static const struct variant variants[] = {
	{ .text = "0 a\n1 b\n" }, { .text = "0 a\n0 b\n" }, { .text = "0 a\n1 a\n" }, { .text = "5 a\n0 a\n" },
	{ .text = "1023 a\n" }, { .text = "1024 a\n" }, { .text = "0 a\n1024 b\n" }, { .text = "0 a\n1023 b\n" },
	{ .text = "0x10 a\n" }, { .text = "0X1f a\n" }, { .text = "010 a\n" }, { .text = "08 a\n" },
	{ .text = "1 z\n08 a\n" }, { .text = "1 z\n0xg\n" }, { .text = "1 z\n0x\n" }, { .text = "1 z\n0b1 a\n" },
	{ .text = "-1 a\n" }, { .text = "1 z\n-0 a\n" }, { .text = "+3 a\n" }, { .text = " 3 a\n" },
	{ .text = "\t3\tx\n" }, { .text = "0 z\n4294967296 a\n" }, { .text = "0 z\n4294967301 a\n" },
	{ .text = "0 z\n18446744073709551615 a\n" }, { .text = "0 z\n99999999999999999999 a\n" },
	{ .text = "a 1\n" }, { .text = "1a b\n" }, { .text = "1\n" }, { .text = "1 \n" }, { .text = "0 a\n1\n" },
	{ .text = "2 a b c\n" }, { .text = "0 z\n5 x  x\n" }, { .text = "0 z\n5 x\tx\n" },
	{ .text = "0 z\n5 x\vx\n" }, { .text = "0 z\n5 x \n" }, { .text = "0 z\n5 x\t\n" },
	{ .text = "0 z\n5\vx\n" }, { .text = "0 z\n5x\n" }, { .text = "0 z\n5-x\n" }, { .text = "0 z\n5 -\n" },
	{ .text = "0 z\n5 --\n" }, { .text = "0 z\n5 - x\n" }, { .text = "0 z\n5 -a\n" },
	{ .text = "# comment\n0 a\n" }, { .text = " # 4 a\n" }, { .text = "0 z\n#5 x\n" },
	{ .text = "0 z\n;5 x\n" }, { .text = "0 z\n5 #x\n" }, { .text = "5 a # c\n" }, { .text = "0 a\n5 a #c\n" },
	{ .text = "5 a#c\n" }, { .text = "0 z\n5 a-b.c_d\n" }, { .text = "0 z\n5 _a\n" }, { .text = "0 z\n5 .a\n" },
	{ .text = "0 z\n5 a!\n" }, { .text = "0 z\n5 a\xc3\xa9\n" }, { .text = "0 z\n5 \x01x\n" },
	{ .text = "0 z\n5 x\x01\n" }, { .text = "6 a\r\n" }, { .text = "0 z\n5 x\rx\n" },
	{ "0 z\n5 x\0y\n", 10 }, { "0 z\n\0" "5 x\n", 9 }, { .text = "" }, { .text = "\n\n" },
	{ .text = "7 a" }, { .text = "0 a\n\n1 b\n" }, { .text = "0 a\n   \n1 b\n" }, { .text = "0 z\n5 \n6 y\n" },
	{ .text = "0 a\n2 b\n1 c\n" }, { .text = "3 x\n0 y\n" }, { .text = "1023 a\n0 b\n" },
	{ .text = "0 A\n1 a\n" }, { .text = "0 Zz9-\n" }, { .text = "127 last\n128 over\n" },
};

static char *write_temp(const char *text, size_t len)
{
	char *path = strdup("/tmp/nfct-labels-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

/* Run the labels probe on both libraries; true if the outputs match. */
static bool same_on_both(const char *path, const char *what)
{
	char *argv[] = { LABELS_PROBE, (char *)path, "a", "b", "x", "y", "z",
			 "A", "last", "over", NULL };
	struct oracle_out ours, ref;
	bool same;

	assert_int_equal(oracle_run(ORACLE_OURS, argv, NULL, &ours), 0);
	assert_int_equal(oracle_run(ORACLE_REF, argv, NULL, &ref), 0);
	same = ours.status == 0 && ref.status == 0 &&
	       ours.out_len == ref.out_len &&
	       memcmp(ours.out, ref.out, ours.out_len) == 0 &&
	       strcmp(ours.err, ref.err) == 0;
	if (!same) {
		/* print the first differing line only: outputs are long */
		size_t i = 0, start = 0;

		while (i < ours.out_len && i < ref.out_len &&
		       ours.out[i] == ref.out[i])
			if (ours.out[i++] == '\n')
				start = i;
		fprintf(stderr, "differs for %s (exit %d / %d):\n  ours: %.200s\n  ref:  %.200s\n",
			what, ours.status, ref.status, ours.out + start,
			ref.out + start);
	}
	oracle_free(&ours);
	oracle_free(&ref);
	return same;
}

static bool check_text(const char *text, size_t len, const char *what)
{
	char *path = write_temp(text, len);
	bool same = same_on_both(path, what);

	unlink(path);
	free(path);
	return same;
}

static void test_variants(void **state)
{
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		const struct variant *v = &variants[i];
		char what[32];

		snprintf(what, sizeof(what), "variant %zu", i);
		if (!check_text(v->text, v->len ? v->len : strlen(v->text), what))
			bad++;
	}
	assert_int_equal(bad, 0);
}

/* Lines are read in chunks: names near and past the chunk size. */
static void test_long_lines(void **state)
{
	static const size_t lens[] = { 1000, 1019, 1020, 1021, 1022, 1023, 1030, 2100 };
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (int tail = 0; tail < 2; tail++) {
			char *text = malloc(lens[i] + 32), what[48];
			size_t n;

			assert_non_null(text);
			n = (size_t)sprintf(text, "0 z\n1 ");
			memset(text + n, 'a', lens[i]);
			n += lens[i];
			/* a second "entry" the chunking may split off */
			n += (size_t)sprintf(text + n, tail ? "7 y\n8 w\n" : "\n8 w\n");
			snprintf(what, sizeof(what), "long name %zu%s", lens[i],
				 tail ? "+tail" : "");
			if (!check_text(text, n, what))
				bad++;
			free(text);
		}
	}
	assert_int_equal(bad, 0);
}

/* All 1024 bits named, in reverse order. */
static void test_full_map(void **state)
{
	char *text = malloc(1024 * 16);
	size_t n = 0;

	(void)state;
	assert_non_null(text);
	for (int bit = 1023; bit >= 0; bit--)
		n += (size_t)sprintf(text + n, "%d label-%d\n", bit, bit);
	assert_true(check_text(text, n, "full map"));
	free(text);
}

/* Random lines from the characters the format cares about. */
static void test_random_files(void **state)
{
	static const char alphabet[] = "0123456789 \t\n\nxX#-_abz\r+";
	unsigned int seed = 12345;
	int bad = 0;

	(void)state;
	for (int f = 0; f < 150; f++) {
		char text[200], what[32];
		size_t len = 20 + rand_r(&seed) % 160;

		for (size_t i = 0; i < len; i++)
			text[i] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		snprintf(what, sizeof(what), "random file %d", f);
		if (!check_text(text, len, what))
			bad++;
	}
	assert_int_equal(bad, 0);
}

static void test_missing_file(void **state)
{
	(void)state;
	assert_true(same_on_both("/nonexistent/connlabel.conf", "missing file"));
	/* "-": the default path; absent on a normal test machine */
	if (access(nfct_labels_get_path(), F_OK) != 0)
		assert_true(same_on_both("-", "missing default file"));
}

/*
 * A directory opens but cannot be read. The reference then reports "no
 * labels" (NULL, errno 0); we return NULL with the read error instead.
 */
static void test_directory(void **state)
{
	char *argv[] = { LABELS_PROBE, "/tmp", NULL };
	struct oracle_out ref;

	(void)state;
	assert_int_equal(oracle_run(ORACLE_REF, argv, NULL, &ref), 0);
	assert_non_null(strstr(ref.out, "new: NULL"));
	oracle_free(&ref);
	errno = 0;
	assert_null(nfct_labelmap_new("/tmp"));
	assert_int_equal(errno, EISDIR);
}

/*
 * nfct_labelmap_new(NULL) reads the default path: put a file there in a
 * private mount namespace (an overlay over its directory's parent), so
 * the real system is not touched.
 */
static void test_default_path(void **state)
{
	const char *conf = "0 a\n3 default-three\n";
	char dir[] = "/tmp/nfct-labels-ns-XXXXXX", path[256], upper[300],
	     work[300], opts[1024];
	const char *def = nfct_labels_get_path();
	char *slash, parent[256];
	FILE *f;

	(void)state;
	assert_true(same_on_both("/nonexistent", "path"));	/* path= line */
	if (geteuid() != 0 || unshare(CLONE_NEWNS) != 0) {
		if (test_in_ci())
			fail_msg("cannot make a mount namespace");
		skip();
	}
	assert_int_equal(mount(NULL, "/", "none", MS_REC | MS_PRIVATE, NULL), 0);
	/* parent of the default file's directory: /etc for /etc/xtables/.. */
	snprintf(parent, sizeof(parent), "%s", def);
	for (int i = 0; i < 2; i++) {
		slash = strrchr(parent, '/');
		assert_non_null(slash);
		*slash = '\0';
	}
	assert_non_null(mkdtemp(dir));
	assert_int_equal(mount("tmpfs", dir, "tmpfs", 0, NULL), 0);
	snprintf(upper, sizeof(upper), "%s/upper", dir);
	snprintf(work, sizeof(work), "%s/work", dir);
	assert_int_equal(mkdir(upper, 0755), 0);
	assert_int_equal(mkdir(work, 0755), 0);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s",
		 parent, upper, work);
	assert_int_equal(mount("overlay", parent, "overlay", 0, opts), 0);
	snprintf(path, sizeof(path), "%s", def);
	*strrchr(path, '/') = '\0';
	mkdir(path, 0755);
	f = fopen(def, "w");
	assert_non_null(f);
	fputs(conf, f);
	fclose(f);
	assert_true(same_on_both("-", "default path file"));
	umount2(parent, MNT_DETACH);
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}

/* Our own NULL handling: the reference would crash on these. */
static void test_null_args(void **state)
{
	char *path = write_temp("1 one\n", 6);
	struct nfct_labelmap *m = nfct_labelmap_new(path);

	(void)state;
	unlink(path);
	free(path);
	assert_non_null(m);
	errno = 0;
	assert_null(nfct_labelmap_get_name(NULL, 0));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(nfct_labelmap_get_bit(NULL, "one"), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(nfct_labelmap_get_bit(m, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(nfct_labelmap_get_bit(m, "one"), 1);
	nfct_labelmap_destroy(m);
	nfct_labelmap_destroy(NULL);

	assert_int_equal(nfct_bitmask_maxbit(NULL), 0);
	assert_int_equal(nfct_bitmask_test_bit(NULL, 0), 0);
	nfct_bitmask_set_bit(NULL, 0);
	nfct_bitmask_unset_bit(NULL, 0);
	nfct_bitmask_clear(NULL);
	nfct_bitmask_destroy(NULL);
	assert_true(nfct_bitmask_equal(NULL, NULL));
	errno = 0;
	assert_null(nfct_bitmask_clone(NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(nfct_bitmask_new(65536));
	assert_int_equal(errno, EINVAL);
}

static void test_bitmask(void **state)
{
	char *argv[] = { BITMASK_PROBE, NULL };

	(void)state;
	oracle_assert_same(argv, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_variants),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_full_map),
		cmocka_unit_test(test_random_files),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_null_args),
		cmocka_unit_test(test_bitmask),
		/* last: it leaves the process in its own mount namespace */
		cmocka_unit_test(test_default_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
