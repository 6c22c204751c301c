/*
 * Shared test support: private network namespaces for kernel tests and
 * the differential oracle that runs one program on both libraries.
 */
#ifndef NFCT_TEST_H
#define NFCT_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/*
 * Move the calling process into a fresh network namespace with loopback
 * up and conntrack events enabled. Skips the test when that is not
 * possible (not root), except under CI=true where it fails instead.
 */
void test_netns_enter(void);

/* True when running in CI (CI=true): a skip must become a failure. */
int test_in_ci(void);

/*
 * Wait for a state instead of sleeping for a guessed time: calls
 * @cond(@arg) until it returns non-zero, polling every 10 ms, and fails
 * the test naming @what when @seconds pass first.
 */
void test_wait_until(int (*cond)(void *arg), void *arg, const char *what,
		     int seconds);

/* Output of one program run. */
struct oracle_out {
	char *out;	/* stdout, NUL-terminated, malloc'ed */
	size_t out_len;
	char *err;	/* stderr, NUL-terminated, malloc'ed */
	size_t err_len;
	int status;	/* exit code, or 128+signal */
};

enum oracle_lib { ORACLE_OURS, ORACLE_REF };

/* Directory holding our libnetfilter_conntrack.so.3 / the reference's. */
const char *oracle_libdir(enum oracle_lib lib);

/* True when the reference library is installed (a non-empty file). */
int oracle_have_ref(void);

/*
 * Skip the calling test when the reference library is missing: the
 * differential parts of a test then skip and its pure parts still run
 * (the quick tier, suite 'unit'). Under CI=true a missing reference
 * fails instead. oracle_run(ORACLE_REF, ...) calls it.
 */
void oracle_need_ref(void);

/*
 * Run argv[0] (a path) with the chosen library forced through
 * LD_LIBRARY_PATH, feeding @input (may be NULL) on stdin. Returns 0 or
 * -1 if the program could not be started. Skips the test when @lib is
 * the reference and it is missing (see oracle_need_ref).
 */
int oracle_run(enum oracle_lib lib, char *const argv[], const char *input,
	       struct oracle_out *res);
void oracle_free(struct oracle_out *res);

/*
 * Run argv on both libraries and assert identical stdout and exit code
 * (stderr too when @cmp_stderr). On a difference, prints both outputs.
 */
void oracle_assert_same(char *const argv[], int cmp_stderr);

/* Path to a built helper program given at build time (see meson). */
#ifndef TEST_BUILD_DIR
#define TEST_BUILD_DIR "."
#endif

#endif
