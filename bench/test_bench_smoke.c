/*
 * Smoke test of the benchmark programs (suite "bench"): in a private
 * namespace, ctfill creates 100 entries, and the raw dump, the counted
 * nfct_query dump and the libmnl + nfct_nlmsg_parse dump must all see
 * exactly those 100, on this library and on the reference; then the
 * flush must empty the table. The benchmark itself is bench/run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfct_test.h"

/* Run on libraries [first, last]; stdout must start with @want_prefix. */
static void run_ok(char *const argv[], const char *want_prefix, int first,
		   int last)
{
	for (int lib = first; lib <= last; lib++) {
		struct oracle_out o;

		assert_int_equal(oracle_run(lib, argv, NULL, &o), 0);
		if (o.status != 0 || strncmp(o.out, want_prefix, strlen(want_prefix)))
			fprintf(stderr, "%s %s on %s: exit %d, out [%s] err [%s]\n",
				argv[0], argv[1] ? argv[1] : "",
				lib == ORACLE_OURS ? "ours" : "reference",
				o.status, o.out, o.err);
		assert_int_equal(o.status, 0);
		assert_memory_equal(o.out, want_prefix, strlen(want_prefix));
		oracle_free(&o);
	}
}

static void test_smoke(void **state)
{
	char *fill[] = { BENCH_DIR "/ctfill", "fill", "100", NULL };
	char *flush[] = { BENCH_DIR "/ctfill", "flush", NULL };
	char *raw[] = { BENCH_DIR "/rawdump", NULL };
	char *count[] = { BENCH_DIR "/ctbench", "count", NULL };
	char *mnl[] = { BENCH_DIR "/ctbench", "mnl", NULL };
	char *plain[] = { BENCH_DIR "/ctbench", "plain", NULL };

	(void)state;
	test_netns_enter();
	/* ctfill and rawdump do not use the library: run them once */
	run_ok(fill, "", ORACLE_OURS, ORACLE_OURS);
	run_ok(raw, "100\n", ORACLE_OURS, ORACLE_OURS);
	run_ok(count, "100 0\n", ORACLE_OURS, ORACLE_REF);
	run_ok(mnl, "100 0\n", ORACLE_OURS, ORACLE_REF);
	/* same entries, same text: the byte counts must agree */
	oracle_assert_same(plain, 0);
	run_ok(flush, "", ORACLE_OURS, ORACLE_OURS);
	run_ok(raw, "0\n", ORACLE_OURS, ORACLE_OURS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smoke),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
