/*
 * Acceptance test: Debian's unmodified conntrack(8) on our library and on
 * the reference, every scenario in a fresh network namespace per library.
 *
 * Scenarios live in scenarios.txt:
 *
 *   [name]           starts a scenario (one cmocka test)
 *   ! shell line     setup, run but not compared
 *   shell line       compared: stdout (sorted), stderr, exit code
 *   = shell line     compared, stdout kept in order (event streams)
 *   # comment
 *
 * Each scenario becomes one shell script (prelude.sh + the lines) run as
 * "unshare -n -m taskset -c 0 sh script" with LD_LIBRARY_PATH choosing
 * the library, so the seeding commands are under test as well. Outputs
 * go through normalize.sed (volatile fields only) and are compared per
 * command line; every differing line is reported with a diff.
 *
 * Environment:
 *   NFCT_TOOL_SELFCHECK=1   reference on both sides (proves the
 *                           normalisation: everything must agree)
 *   NFCT_TOOL_ONLY=substr   run only scenarios whose name contains substr
 *   NFCT_TOOL_SCENARIOS=f   another scenario file
 *   NFCT_TOOL_VERBOSE=1     print every command's reference output
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfct_test.h"

#ifndef TOOL_SRC_DIR
#define TOOL_SRC_DIR "."
#endif

#define CONNTRACK_BIN "/usr/sbin/conntrack"

enum line_kind { LINE_SETUP, LINE_SORTED, LINE_ORDERED };

struct line {
	enum line_kind kind;
	char *text;
	int lineno;
};

struct scenario {
	char *name;
	struct line *lines;
	int nlines;
};

static struct scenario *scenarios;
static int nscenarios;
static int cmd_passed, cmd_failed;
static char *failed_list;	/* one line per differing command */
static size_t failed_len;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		perror("realloc");
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		perror("strdup");
		exit(1);
	}
	return d;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static void add_line(struct scenario *sc, enum line_kind kind,
		     const char *text, int lineno)
{
	sc->lines = xrealloc(sc->lines, (sc->nlines + 1) * sizeof(*sc->lines));
	sc->lines[sc->nlines].kind = kind;
	sc->lines[sc->nlines].text = xstrdup(text);
	sc->lines[sc->nlines].lineno = lineno;
	sc->nlines++;
}

static int load_scenarios(const char *path, const char *only)
{
	struct scenario *cur = NULL;
	char buf[4096];
	int lineno = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		char *s = trim(buf);

		lineno++;
		if (*s == '\0' || *s == '#')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');

			if (!end) {
				fprintf(stderr, "%s:%d: bad header\n", path, lineno);
				fclose(f);
				return -1;
			}
			*end = '\0';
			cur = NULL;
			if (only && !strstr(s + 1, only))
				continue;
			scenarios = xrealloc(scenarios,
					     (nscenarios + 1) * sizeof(*scenarios));
			cur = &scenarios[nscenarios++];
			memset(cur, 0, sizeof(*cur));
			cur->name = xstrdup(s + 1);
			continue;
		}
		if (!cur)
			continue;	/* filtered out, or before any header */
		if (*s == '!')
			add_line(cur, LINE_SETUP, trim(s + 1), lineno);
		else if (*s == '=')
			add_line(cur, LINE_ORDERED, trim(s + 1), lineno);
		else
			add_line(cur, LINE_SORTED, s, lineno);
	}
	fclose(f);
	return 0;
}

/* Write the scenario as a shell script; returns its path (malloc'ed). */
static char *write_script(const struct scenario *sc)
{
	char path[] = "/tmp/ct-tool-script.XXXXXX";
	FILE *f;
	int fd;

	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		return NULL;
	}
	fprintf(f, "TOOLDIR='%s'\n. \"$TOOLDIR/prelude.sh\"\n", TOOL_SRC_DIR);
	for (int i = 0; i < sc->nlines; i++) {
		const struct line *l = &sc->lines[i];

		/*
		 * Setup output goes to the script's stderr (shown on
		 * failure), never into a compared section.
		 */
		if (l->kind == LINE_SETUP) {
			fprintf(f, "{ %s\n} >&2\n", l->text);
			continue;
		}
		/* Braces keep pipelines and && chains inside the capture. */
		fprintf(f, "__begin %d\n{ %s\n} >\"$T/o\" 2>\"$T/e\" </dev/null\n__end $? %s\n",
			i, l->text, l->kind == LINE_SORTED ? "sort" : "keep");
	}
	fclose(f);
	return xstrdup(path);
}

static int run_scenario(enum oracle_lib lib, const char *script,
			struct oracle_out *out)
{
	char *argv[] = {
		"/usr/bin/unshare", "-n", "-m", "--propagation", "private",
		"/usr/bin/taskset", "-c", "0", "/bin/sh", (char *)script, NULL
	};

	return oracle_run(lib, argv, NULL, out);
}

/*
 * Find the section of command @idx in a run's output: from after its
 * marker up to and including its "@@@RC n@@@" line, or to the next
 * command or the end when the script died inside it. NULL when missing.
 */
static const char *section(const char *out, int idx, size_t *len)
{
	char marker[64];
	const char *p, *next, *rc;

	snprintf(marker, sizeof(marker), "@@@CMD %d@@@\n", idx);
	p = strstr(out, marker);
	if (!p)
		return NULL;
	p += strlen(marker);
	next = strstr(p, "@@@CMD ");
	rc = strstr(p, "\n@@@RC ");
	if (rc && (!next || rc < next)) {
		next = strchr(rc + 1, '\n');
		next = next ? next + 1 : NULL;
	}
	*len = next ? (size_t)(next - p) : strlen(p);
	return p;
}

static void write_text(const char *path, const char *s, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return;
	if (s)
		fwrite(s, 1, len, f);
	else
		fputs("(command did not run: script died before it)\n", f);
	fclose(f);
}

static void print_diff(const char *a, size_t alen, const char *b, size_t blen,
		       const char *alabel, const char *blabel)
{
	char pa[] = "/tmp/ct-tool-a.XXXXXX", pb[] = "/tmp/ct-tool-b.XXXXXX";
	char cmd[256];
	int fa = mkstemp(pa), fb = mkstemp(pb);

	if (fa < 0 || fb < 0)
		return;
	close(fa);
	close(fb);
	write_text(pa, a, alen);
	write_text(pb, b, blen);
	snprintf(cmd, sizeof(cmd), "diff -u --label '%s' --label '%s' %s %s >&2",
		 alabel, blabel, pa, pb);
	fflush(stderr);
	if (system(cmd) < 0)
		perror("diff");
	unlink(pa);
	unlink(pb);
}

/* Remember a differing command line, with a hint when one is obvious. */
static void note_failure(const struct scenario *sc, const struct line *l,
			 const char *ours, size_t ours_len)
{
	static const char undef[] = "undefined symbol: ";
	char entry[1024], hint[128] = "";
	const char *u;
	int n;

	if (!ours) {
		snprintf(hint, sizeof(hint), "  (did not run)");
	} else if ((u = memmem(ours, ours_len, undef, sizeof(undef) - 1))) {
		u += sizeof(undef) - 1;
		n = strcspn(u, "\n");
		snprintf(hint, sizeof(hint), "  (undefined symbol %.*s)",
			 n > 64 ? 64 : n, u);
	}
	n = snprintf(entry, sizeof(entry), "  [%s] scenarios.txt:%d: %s%s\n",
		     sc->name, l->lineno, l->text, hint);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(entry))
		n = sizeof(entry) - 1;
	failed_list = xrealloc(failed_list, failed_len + n + 1);
	memcpy(failed_list + failed_len, entry, n + 1);
	failed_len += n;
}

static int selfcheck(void)
{
	const char *s = getenv("NFCT_TOOL_SELFCHECK");

	return s && *s && strcmp(s, "0") != 0;
}

static void test_scenario(void **state)
{
	const struct scenario *sc = *state;
	enum oracle_lib left = selfcheck() ? ORACLE_REF : ORACLE_OURS;
	struct oracle_out ours, ref;
	int failed = 0, ncmd = 0;
	char *script;

	script = write_script(sc);
	assert_non_null(script);
	/* Run the reference first: its output is the expectation. */
	assert_int_equal(run_scenario(ORACLE_REF, script, &ref), 0);
	assert_int_equal(run_scenario(left, script, &ours), 0);
	unlink(script);
	free(script);

	for (int i = 0; i < sc->nlines; i++) {
		const struct line *l = &sc->lines[i];
		const char *a, *b;
		size_t alen = 0, blen = 0;

		if (l->kind == LINE_SETUP)
			continue;
		ncmd++;
		a = section(ref.out, i, &alen);
		b = section(ours.out, i, &blen);
		if (getenv("NFCT_TOOL_VERBOSE") && a)
			fprintf(stderr, "\n--- [%s] $ %s\n%.*s", sc->name,
				l->text, (int)alen, a);
		if (a && b && alen == blen && memcmp(a, b, alen) == 0) {
			cmd_passed++;
			continue;
		}
		cmd_failed++;
		failed++;
		note_failure(sc, l, b, blen);
		fprintf(stderr, "\n=== DIFFERS [%s] scenarios.txt:%d: %s\n",
			sc->name, l->lineno, l->text);
		print_diff(a, alen, b, blen, "reference",
			   left == ORACLE_REF ? "reference (again)" : "ours");
	}
	if (failed || ref.status != 0 || ours.status != 0) {
		fprintf(stderr, "--- [%s] script exit: reference %d, %s %d\n",
			sc->name, ref.status,
			left == ORACLE_REF ? "reference (again)" : "ours",
			ours.status);
		if (*ref.err)
			fprintf(stderr, "--- reference script stderr:\n%s", ref.err);
		if (*ours.err)
			fprintf(stderr, "--- other script stderr:\n%s", ours.err);
	}
	fprintf(stderr, "[%s] %d/%d command lines agree\n", sc->name,
		ncmd - failed, ncmd);
	oracle_free(&ours);
	oracle_free(&ref);
	if (failed)
		fail_msg("[%s] %d of %d command lines differ", sc->name, failed,
			 ncmd);
}

static int print_summary(void **state)
{
	(void)state;
	if (failed_list)
		fprintf(stderr, "\nDiffering command lines:\n%s", failed_list);
	fprintf(stderr, "\nconntrack_tool%s: %d passed, %d failed (command lines)\n",
		selfcheck() ? " (self-check, reference on both sides)" : "",
		cmd_passed, cmd_failed);
	return 0;
}

/* Root, conntrack(8) and unshare(1) are needed; skip (77) without. */
static int check_environment(void)
{
	static const char *const tools[] = {
		CONNTRACK_BIN, "/usr/bin/unshare", "/usr/bin/taskset",
		"/usr/sbin/nft", "/usr/bin/python3", "/usr/bin/timeout",
	};

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		if (access(tools[i], X_OK) == 0)
			continue;
		fprintf(stderr, "conntrack_tool: %s is missing\n", tools[i]);
		return test_in_ci() ? 1 : 77;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "conntrack_tool: needs root (network namespaces)\n");
		return test_in_ci() ? 1 : 77;
	}
	return 0;
}

int main(void)
{
	const char *file = getenv("NFCT_TOOL_SCENARIOS");
	struct CMUnitTest *tests;
	int ret;

	ret = check_environment();
	if (ret != 0)
		return ret;	/* 77 is meson's "skipped" */
	if (!file)
		file = TOOL_SRC_DIR "/scenarios.txt";
	if (load_scenarios(file, getenv("NFCT_TOOL_ONLY")) < 0)
		return 1;
	if (nscenarios == 0) {
		fprintf(stderr, "no scenarios in %s\n", file);
		return 1;
	}
	tests = calloc(nscenarios, sizeof(*tests));
	if (!tests)
		return 1;
	for (int i = 0; i < nscenarios; i++) {
		tests[i].name = scenarios[i].name;
		tests[i].test_func = test_scenario;
		tests[i].initial_state = &scenarios[i];
	}
	ret = _cmocka_run_group_tests("conntrack_tool", tests, nscenarios,
				      NULL, print_summary);
	free(tests);
	return ret;
}
