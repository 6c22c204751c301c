/*
 * Run the example programs of utils/ in a private network namespace and
 * check what they did to the kernel's table. Each scenario runs once on
 * the reference library (which proves the test and the examples right)
 * and once on ours. The table is read back with Debian's conntrack(8) on
 * the reference library, so our library is never its own judge.
 */
#include <fcntl.h>
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

static void listener_start(struct listener *l, enum oracle_lib lib,
			   const char *count)
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
		execl(example_path("conntrack_events"), "conntrack_events",
		      "-c", count, "-t", "20", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	l->out = fdopen(p[0], "r");
	assert_non_null(l->out);
	/* Only once it is subscribed can events not be missed. */
	if (fgets(line, sizeof(line), l->out) == NULL ||
	    strcmp(line, "listening\n") != 0)
		fail_msg("conntrack_events did not start listening");
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
		fail_msg("conntrack_events failed (status 0x%x):\n%s", st, buf);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle_ref),
		cmocka_unit_test(test_lifecycle_ours),
		cmocka_unit_test(test_dump_filter_ref),
		cmocka_unit_test(test_dump_filter_ours),
		cmocka_unit_test(test_dump_filter_tuple_ours),
		cmocka_unit_test(test_bad_args_ref),
		cmocka_unit_test(test_bad_args_ours),
		cmocka_unit_test(test_valgrind_ref),
		cmocka_unit_test(test_valgrind_ours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
