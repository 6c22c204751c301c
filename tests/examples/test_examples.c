/*
 * Run the example programs of utils/ in a private network namespace and
 * check what they did to the kernel's table. Each scenario runs once on
 * the reference library (which proves the test and the examples right)
 * and once on ours. The table is read back with Debian's conntrack(8) on
 * the reference library, so our library is never its own judge.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nfct_test.h"

#define CONNTRACK_BIN "/usr/sbin/conntrack"

#define T1 "src=1.1.1.1 dst=2.2.2.2 sport=20 dport=10"
#define T1_REPLY "src=2.2.2.2 dst=1.1.1.1 sport=10 dport=20"
#define T2 "src=3.3.3.3 dst=4.4.4.4 sport=30 dport=40"
#define T3 "src=5.5.5.5 dst=6.6.6.6 sport=50 dport=60"
#define T3_NAT_REPLY "src=6.6.6.6 dst=8.8.8.8 sport=60 dport=1025"

static char *example_path(const char *name)
{
	static char path[4][512];
	static int next;
	char *p = path[next++ & 3];

	snprintf(p, sizeof(path[0]), "%s/%s", UTILS_DIR, name);
	return p;
}

/*
 * Run an example (argv[0] is its name, or a path) on library @lib, check its exit
 * status (0, or EXIT_FAILURE when @want_fail: not 127 for "could not
 * run" nor a crash) and return its stdout.
 */
static char *run_example(enum oracle_lib lib, int want_fail, char **argv)
{
	struct oracle_out res;
	char *out;

	if (strchr(argv[0], '/') == NULL)
		argv[0] = example_path(argv[0]);
	assert_int_equal(oracle_run(lib, argv, NULL, &res), 0);
	if (res.status != (want_fail ? EXIT_FAILURE : 0))
		fail_msg("%s exited %d, expected %d\n--- stdout\n%s--- stderr\n%s",
			 argv[0], res.status, want_fail ? EXIT_FAILURE : 0,
			 res.out, res.err);
	out = res.out;
	res.out = NULL;
	oracle_free(&res);
	return out;
}

#define RUN(lib, ...) run_example(lib, 0, (char *[]){ __VA_ARGS__, NULL })
#define RUN_FAILS(lib, ...) run_example(lib, 1, (char *[]){ __VA_ARGS__, NULL })

/* The kernel's TCP table as conntrack(8) on the reference library lists it. */
static char *kernel_table(void)
{
	char *argv[] = { CONNTRACK_BIN, "-L", "-p", "tcp", NULL };
	struct oracle_out res;
	char *out;

	assert_int_equal(oracle_run(ORACLE_REF, argv, NULL, &res), 0);
	if (res.status != 0)
		fail_msg("conntrack -L exited %d: %s", res.status, res.err);
	out = res.out;
	res.out = NULL;
	oracle_free(&res);
	return out;
}

static void want(const char *text, const char *what, const char *where)
{
	if (strstr(text, what) == NULL)
		fail_msg("expected \"%s\" in %s:\n%s", what, where, text);
}

static void want_not(const char *text, const char *what, const char *where)
{
	if (strstr(text, what) != NULL)
		fail_msg("did not expect \"%s\" in %s:\n%s", what, where, text);
}

/* Check the kernel table has (or lacks) a line holding both a and b. */
static void table_has(const char *a, const char *b, int present)
{
	char *table = kernel_table();
	char *line, *save = NULL;
	int found = 0;

	for (line = strtok_r(table, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, a) && (b == NULL || strstr(line, b)))
			found = 1;
	if (found != present)
		fail_msg("conntrack -L: entry \"%s\"%s%s %s", a, b ? " with " : "",
			 b ? b : "", present ? "missing" : "still present");
	free(table);
}

static void check_output(char *out, const char *what, const char *where)
{
	want(out, what, where);
	free(out);
}

/* ---- the event listener runs in the background ---------------------- */

struct listener {
	pid_t pid;
	FILE *out;
};

/* Start @argv (argv[0]: an example's name) in the background on @lib
 * and wait for the line starting with @ready it prints once it cannot
 * miss events any more. */
static void listener_spawn(struct listener *l, enum oracle_lib lib,
			   char **argv, const char *ready)
{
	int p[2];
	char line[256];

	if (lib == ORACLE_REF)
		oracle_need_ref();
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	l->pid = fork();
	assert_true(l->pid >= 0);
	if (l->pid == 0) {
		dup2(p[1], 1);
		setenv("LD_LIBRARY_PATH", oracle_libdir(lib), 1);
		execv(example_path(argv[0]), argv);
		_exit(127);
	}
	close(p[1]);
	l->out = fdopen(p[0], "r");
	assert_non_null(l->out);
	if (fgets(line, sizeof(line), l->out) == NULL ||
	    strncmp(line, ready, strlen(ready)) != 0)
		fail_msg("%s did not print \"%s\"", argv[0], ready);
}

static void listener_start(struct listener *l, enum oracle_lib lib,
			   const char *count)
{
	listener_spawn(l, lib, (char *[]){ "conntrack_events", "-c",
		       (char *)count, "-t", "20", NULL }, "listening\n");
}

/* Wait for the listener to exit and return all it printed. */
static char *listener_finish(struct listener *l)
{
	size_t cap = 8192, len = 0, n;
	char *buf = malloc(cap);
	int st;

	assert_non_null(buf);
	while ((n = fread(buf + len, 1, cap - len - 1, l->out)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[len] = '\0';
	fclose(l->out);
	assert_int_equal(waitpid(l->pid, &st, 0), l->pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("listener failed (status 0x%x):\n%s", st, buf);
	return buf;
}

/* ---- scenarios ------------------------------------------------------- */

/* create, get, update, events, group create, NAT, dump, delete, flush */
static void lifecycle(enum oracle_lib lib)
{
	struct listener ev;
	char *out;

	test_netns_enter();
	listener_start(&ev, lib, "3");

	free(RUN(lib, "conntrack_create"));
	table_has(T1, T1_REPLY, 1);
	free(RUN_FAILS(lib, "conntrack_create"));	/* EEXIST */

	check_output(RUN(lib, "conntrack_get"), T1, "conntrack_get");
	free(RUN(lib, "conntrack_update", "-m", "7", "-t", "500"));
	table_has(T1, "mark=7", 1);
	check_output(RUN(lib, "conntrack_get"), "mark=7", "conntrack_get");

	free(RUN(lib, "conntrack_grp_create", "3.3.3.3", "4.4.4.4", "30", "40"));
	table_has(T2, NULL, 1);

	/* new T1, update T1, new T2 */
	out = listener_finish(&ev);
	want(out, "[NEW]", "events");
	want(out, "[UPDATE]", "events");
	want(out, T1, "events");
	want(out, T2, "events");
	want(out, "mark=7", "events");
	free(out);

	free(RUN(lib, "conntrack_create_nat", "5.5.5.5", "6.6.6.6", "50", "60"));
	table_has(T3, T3_NAT_REPLY, 1);

	out = RUN(lib, "conntrack_dump");
	want(out, T1, "conntrack_dump");
	want(out, T2, "conntrack_dump");
	want(out, T3_NAT_REPLY, "conntrack_dump");
	check_output(out, "(3 entries)", "conntrack_dump");

	free(RUN(lib, "conntrack_delete"));
	table_has(T1, NULL, 0);
	table_has(T2, NULL, 1);
	free(RUN_FAILS(lib, "conntrack_delete"));	/* ENOENT */
	free(RUN_FAILS(lib, "conntrack_get"));
	free(RUN_FAILS(lib, "conntrack_update"));

	free(RUN(lib, "conntrack_flush"));
	table_has("src=", NULL, 0);
	check_output(RUN(lib, "conntrack_dump"), "(0 entries)", "conntrack_dump");
}

/* Kernel-side dump filters by mark and by family. */
static void dump_filter(enum oracle_lib lib)
{
	char *out;

	test_netns_enter();
	free(RUN(lib, "conntrack_create"));
	free(RUN(lib, "conntrack_update", "-m", "7"));
	free(RUN(lib, "conntrack_grp_create", "3.3.3.3", "4.4.4.4", "30", "40"));

	out = RUN(lib, "conntrack_dump_filter", "-m", "7");
	want(out, T1, "dump_filter -m 7");
	want_not(out, T2, "dump_filter -m 7");
	check_output(out, "(1 entries)", "dump_filter -m 7");

	out = RUN(lib, "conntrack_dump_filter", "-m", "0/0xff");
	want(out, T2, "dump_filter -m 0/0xff");
	check_output(out, "(1 entries)", "dump_filter -m 0/0xff");

	check_output(RUN(lib, "conntrack_dump_filter", "-m", "8"),
		     "(0 entries)", "dump_filter -m 8");
	check_output(RUN(lib, "conntrack_dump_filter", "-6"),
		     "(0 entries)", "dump_filter -6");
	check_output(RUN(lib, "conntrack_dump_filter"),
		     "(2 entries)", "dump_filter");
}

/* Bad arguments are refused before anything reaches the kernel. */
static void bad_args(enum oracle_lib lib)
{
	test_netns_enter();
	free(RUN_FAILS(lib, "conntrack_create", "1.1.1.1"));
	free(RUN_FAILS(lib, "conntrack_create", "1.1.1.1", "x", "1", "2"));
	free(RUN_FAILS(lib, "conntrack_get", "1.1.1.1", "2.2.2.2", "1", "70000"));
	free(RUN_FAILS(lib, "conntrack_update", "-m", "nope"));
	free(RUN_FAILS(lib, "conntrack_dump_filter", "-m", "1/"));
	free(RUN_FAILS(lib, "conntrack_flush", "extra"));
	table_has("src=", NULL, 0);
}

/*
 * The same programs under valgrind: the library must not leak or touch
 * memory it should not on these everyday paths. The reference run shows
 * the examples themselves are clean.
 */
#define VALGRIND "/usr/bin/valgrind"
#define VG(lib, ...) RUN(lib, VALGRIND, "-q", "--error-exitcode=99", \
			 "--leak-check=full", "--errors-for-leak-kinds=definite", \
			 __VA_ARGS__)

static void under_valgrind(enum oracle_lib lib)
{
	char path[5][512];
	const char *names[5] = { "conntrack_create", "conntrack_get",
		"conntrack_update", "conntrack_dump", "conntrack_delete" };

	if (access(VALGRIND, X_OK) != 0) {
		if (test_in_ci())
			fail_msg("valgrind is missing");
		skip();
	}
	test_netns_enter();
	for (int i = 0; i < 5; i++)
		snprintf(path[i], sizeof(path[i]), "%s/%s", UTILS_DIR, names[i]);
	free(VG(lib, path[0]));
	free(VG(lib, path[1]));
	free(VG(lib, path[2], "-m", "3"));
	free(VG(lib, path[3]));
	free(VG(lib, path[4]));
	free(run_example(lib, 1, (char *[]){ VALGRIND, "-q",
		"--error-exitcode=99", path[1], NULL }));	/* ENOENT path */
	table_has("src=", NULL, 0);
}

static void test_lifecycle_ref(void **state) { (void)state; lifecycle(ORACLE_REF); }
static void test_lifecycle_ours(void **state) { (void)state; lifecycle(ORACLE_OURS); }
static void test_dump_filter_ref(void **state) { (void)state; dump_filter(ORACLE_REF); }
static void test_dump_filter_ours(void **state) { (void)state; dump_filter(ORACLE_OURS); }
static void test_bad_args_ref(void **state) { (void)state; bad_args(ORACLE_REF); }
static void test_valgrind_ref(void **state) { (void)state; under_valgrind(ORACLE_REF); }
static void test_valgrind_ours(void **state) { (void)state; under_valgrind(ORACLE_OURS); }
static void test_bad_args_ours(void **state) { (void)state; bad_args(ORACLE_OURS); }

/*
 * Filtering a dump by original tuple (NFCT_FILTER_DUMP_TUPLE) is newer
 * than the reference 1.0.9, which ignores it: checked on ours alone,
 * against the kernel.
 */
static void test_dump_filter_tuple_ours(void **state)
{
	char *out;

	(void)state;
	test_netns_enter();
	free(RUN(ORACLE_OURS, "conntrack_create"));
	free(RUN(ORACLE_OURS, "conntrack_grp_create", "3.3.3.3", "4.4.4.4", "30", "40"));
	out = RUN(ORACLE_OURS, "conntrack_dump_filter", "-T",
		  "3.3.3.3", "4.4.4.4", "30", "40");
	want(out, T2, "dump_filter -T");
	want_not(out, T1, "dump_filter -T");
	check_output(out, "(1 entries)", "dump_filter -T");
}

/* ---- the extension examples (ours only: they need this library) ----- */

/* What a Debian program prints, run on the reference in this namespace. */
static char *debian(char **argv)
{
	struct oracle_out res;
	char *out;

	assert_int_equal(oracle_run(ORACLE_REF, argv, NULL, &res), 0);
	if (res.status != 0)
		fail_msg("%s exited %d: %s", argv[0], res.status, res.err);
	out = res.out;
	res.out = NULL;
	oracle_free(&res);
	return out;
}

#define DEBIAN(...) debian((char *[]){ __VA_ARGS__, NULL })

/*
 * ext_stats prints "entries=N max=M" and then the per-CPU lines exactly
 * as conntrack -S (-S exp with -e) prints them; N is what conntrack -C
 * counts and M the namespace's nf_conntrack_max. Nothing moves the
 * counters between the runs: the namespace has no traffic.
 */
static void test_ext_stats_ours(void **state)
{
	char *out, *cpus, *count, want_first[64];
	unsigned int max;
	FILE *f;

	(void)state;
	test_netns_enter();
	free(RUN(ORACLE_OURS, "conntrack_create"));
	free(RUN(ORACLE_OURS, "conntrack_grp_create", "3.3.3.3", "4.4.4.4", "30", "40"));

	f = fopen("/proc/sys/net/netfilter/nf_conntrack_max", "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%u", &max), 1);
	fclose(f);
	count = DEBIAN(CONNTRACK_BIN, "-C");
	assert_string_equal(count, "2\n");
	snprintf(want_first, sizeof(want_first), "entries=2 max=%u\n", max);

	out = RUN(ORACLE_OURS, "ext_stats");
	cpus = strchr(out, '\n');
	assert_non_null(cpus);
	if (strncmp(out, want_first, strlen(want_first)) != 0)
		fail_msg("ext_stats: expected \"%s\", got:\n%s", want_first, out);
	free(count);
	count = DEBIAN(CONNTRACK_BIN, "-S");
	assert_string_equal(cpus + 1, count);
	want(count, "insert=", "conntrack -S");
	free(count);
	free(out);

	out = RUN(ORACLE_OURS, "ext_stats", "-e");
	cpus = strchr(out, '\n');
	assert_non_null(cpus);
	count = DEBIAN(CONNTRACK_BIN, "-S", "exp");
	assert_string_equal(cpus + 1, count);
	want(count, "expect_new=", "conntrack -S exp");
	free(count);
	free(out);

	free(RUN_FAILS(ORACLE_OURS, "ext_stats", "extra"));
}

/*
 * A program built with libnetfilter_conntrack_ext.h, started on the
 * original library, is stopped by the loader before main(): no output
 * of its own, and the loader names the data object only this library
 * defines.
 */
static void test_ext_needs_our_library(void **state)
{
	char *argv[] = { example_path("ext_stats"), NULL };
	struct oracle_out res;

	(void)state;
	test_netns_enter();
	assert_int_equal(oracle_run(ORACLE_REF, argv, NULL, &res), 0);
	assert_int_equal(res.status, 127);
	assert_string_equal(res.out, "");
	want(res.err, "undefined symbol: "
	     "nfct_ext_needs_libnetfilter_conntrack_with_extensions",
	     "the loader's message");
	want_not(res.err, "usage", "the loader's message");
	oracle_free(&res);
}

/* A child process parked in a new network namespace of its own. */
struct other_ns {
	pid_t pid;
	int release;
	char path[64];
};

static void other_ns_start(struct other_ns *o)
{
	int ready[2], release[2];
	char c;

	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	assert_int_equal(pipe2(release, O_CLOEXEC), 0);
	o->pid = fork();
	assert_true(o->pid >= 0);
	if (o->pid == 0) {
		/* its own copy of the write end would keep the read below open */
		close(release[1]);
		close(ready[0]);
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		/* until the test closes its end */
		while (read(release[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	close(release[0]);
	if (read(ready[0], &c, 1) != 1)
		fail_msg("the namespace child did not start");
	close(ready[0]);
	o->release = release[1];
	snprintf(o->path, sizeof(o->path), "/proc/%d/ns/net", (int)o->pid);
}

static void other_ns_stop(struct other_ns *o)
{
	int st;

	close(o->release);
	assert_int_equal(waitpid(o->pid, &st, 0), o->pid);
}

/*
 * ext_netns lists and counts the table of another namespace (a child's,
 * by its /proc path) while staying in its own: the entry created there
 * by conntrack(8) under nsenter is listed, the count equals what
 * conntrack -C counts there, and the test's own table stays empty.
 */
static void test_ext_netns_ours(void **state)
{
	struct other_ns o;
	char *out, *count, net[80];

	(void)state;
	test_netns_enter();
	other_ns_start(&o);
	snprintf(net, sizeof(net), "--net=%s", o.path);
	free(DEBIAN("/usr/bin/nsenter", net, CONNTRACK_BIN, "-I", "-p", "tcp",
		    "-s", "7.7.7.7", "-d", "8.8.8.8", "--sport", "70",
		    "--dport", "80", "--state", "ESTABLISHED", "-t", "100"));
	free(DEBIAN("/usr/bin/nsenter", net, CONNTRACK_BIN, "-I", "-p", "udp",
		    "-s", "7.7.7.7", "-d", "9.9.9.9", "--sport", "71",
		    "--dport", "90", "-t", "100"));

	out = RUN(ORACLE_OURS, "ext_netns", o.path);
	want(out, "src=7.7.7.7 dst=8.8.8.8 sport=70 dport=80", "ext_netns");
	want(out, "src=7.7.7.7 dst=9.9.9.9 sport=71 dport=90", "ext_netns");
	check_output(out, "(2 entries)", "ext_netns");

	out = RUN(ORACLE_OURS, "ext_netns", "-c", o.path);
	count = DEBIAN("/usr/bin/nsenter", net, CONNTRACK_BIN, "-C");
	assert_string_equal(out, count);
	assert_string_equal(out, "2\n");
	free(count);
	free(out);

	count = DEBIAN(CONNTRACK_BIN, "-C");
	assert_string_equal(count, "0\n");
	free(count);
	other_ns_stop(&o);

	free(RUN_FAILS(ORACLE_OURS, "ext_netns", "no-such-netns-here"));
	free(RUN_FAILS(ORACLE_OURS, "ext_netns"));
}

/* ---- the extensions' examples (ours alone: the reference lacks them) */

/*
 * ext_mirror prints the changes of the table with the final counters of
 * removed entries; ext_purge deletes by mark in another namespace (run
 * from a fresh one by unshare(1)), the exact count with -x.
 */
static void test_ext_examples_ours(void **state)
{
	struct listener l;
	char ns[64], *out;

	(void)state;
	test_netns_enter();
	free(RUN(ORACLE_OURS, "conntrack_grp_create", "3.3.3.3", "4.4.4.4", "30", "40"));
	/* added T1, changed T1 (mark), removed T1 */
	listener_spawn(&l, ORACLE_OURS, (char *[]){ "ext_mirror", "-p", "tcp",
		       "-c", "3", "-t", "20", NULL }, "mirroring 1 entries\n");
	free(RUN(ORACLE_OURS, "conntrack_create"));
	free(RUN(ORACLE_OURS, "conntrack_update", "-m", "7"));
	free(RUN(ORACLE_OURS, "conntrack_delete"));
	out = listener_finish(&l);
	want(out, "[ADDED] ipv4     2 tcp      6", "ext_mirror");
	want(out, "[CHANGED]", "ext_mirror");
	want(out, "mark=7", "ext_mirror");
	want(out, "[REMOVED]", "ext_mirror");
	want(out, T1, "ext_mirror");
	want(out, "final: packets=0 bytes=0", "ext_mirror");
	want(out, "1 entries, 0 resyncs", "ext_mirror");
	free(out);

	/* marks: T1 7, T2 0, T3 7 */
	free(RUN(ORACLE_OURS, "conntrack_create"));
	free(RUN(ORACLE_OURS, "conntrack_update", "-m", "7"));
	free(RUN(ORACLE_OURS, "conntrack_create", "5.5.5.5", "6.6.6.6", "50", "60"));
	free(RUN(ORACLE_OURS, "conntrack_update", "-m", "7", "5.5.5.5", "6.6.6.6", "50", "60"));
	snprintf(ns, sizeof(ns), "/proc/%d/ns/net", (int)getpid());
	check_output(RUN(ORACLE_OURS, "/usr/bin/unshare", "-n", example_path("ext_purge"),
			 "-n", ns, "-x", "7"), "deleted 2 entries", "ext_purge -x");
	table_has(T1, NULL, 0);
	table_has(T3, NULL, 0);
	table_has(T2, NULL, 1);
	check_output(RUN(ORACLE_OURS, example_path("ext_purge"), "0/0xff"),
		     "deleted (count unknown)", "ext_purge");
	table_has("src=", NULL, 0);
	free(RUN_FAILS(ORACLE_OURS, "ext_purge", "7/"));
	free(RUN_FAILS(ORACLE_OURS, "ext_purge", "-n", "/nonexistent", "7"));
	free(RUN_FAILS(ORACLE_OURS, "ext_mirror", "-p", "sctp"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle_ref),
		cmocka_unit_test(test_lifecycle_ours),
		cmocka_unit_test(test_dump_filter_ref),
		cmocka_unit_test(test_dump_filter_ours),
		cmocka_unit_test(test_dump_filter_tuple_ours),
		cmocka_unit_test(test_ext_examples_ours),
		cmocka_unit_test(test_bad_args_ref),
		cmocka_unit_test(test_bad_args_ours),
		cmocka_unit_test(test_valgrind_ref),
		cmocka_unit_test(test_valgrind_ours),
		cmocka_unit_test(test_ext_stats_ours),
		cmocka_unit_test(test_ext_needs_our_library),
		cmocka_unit_test(test_ext_netns_ours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
