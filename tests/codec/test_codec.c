/*
 * Codec tests: the probe (codec_probe.c) runs on our library and on the
 * reference, and both must print the same bytes and attributes.
 */
#include <stdlib.h>

#include "nfct_test.h"

#define PROBE TEST_BUILD_DIR "/codec/codec_probe"

static void same(const char *mode, const char *seed, const char *n)
{
	char *argv[] = { PROBE, (char *)mode, (char *)seed, (char *)n, NULL };

	oracle_assert_same(argv, 0);
}

/* nfct_nlmsg_build on pseudo-random objects: identical bytes. */
static void test_build(void **state)
{
	(void)state;
	same("build", "1", "3000");
	same("build", "7", "3000");
}

/* nfct_build_conntrack and nfct_build_query with a ct argument. */
static void test_legacy(void **state)
{
	(void)state;
	same("legacy", "3", "1500");
}

/* Every query type, dump filters and nfct_nlmsg_build_filter. */
static void test_query(void **state)
{
	(void)state;
	same("query", "1", "1");
}

/* set -> build -> parse -> get for every attribute the message carries. */
static void test_roundtrip(void **state)
{
	(void)state;
	same("roundtrip", "5", "3000");
}

/* nfct_parse_conntrack: message types, flags and the wanted-type mask. */
static void test_parse_conntrack(void **state)
{
	(void)state;
	same("parse_conntrack", "1", "1");
}

/*
 * Truncated and corrupted messages: both reject (the reference exits,
 * we return -1) or both read the same. Seeds whose corpus contains an
 * unterminated helper name are avoided: the reference reads past the
 * attribute for the rest of the name, we do not.
 */
static void test_corrupt(void **state)
{
	(void)state;
	same("corrupt", "2", "300");
	same("corrupt", "3", "300");
	same("corrupt", "4", "300");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_parse_conntrack),
		cmocka_unit_test(test_corrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
