/*
 * Object semantics, differential: the probe (probe.c) prints a transcript
 * of set/get/unset, groups, object options, copies and comparisons on
 * seeded random objects; both libraries must print the same.
 */
#include <stdio.h>

#include "nfct_test.h"

static void run_probe(const char *section, const char *seed)
{
	char *argv[] = { OBJECT_PROBE, (char *)section, (char *)seed, NULL };

	oracle_assert_same(argv, 1);
}

#define PROBE_TEST(name, section, seed) \
	static void test_##name(void **state) \
	{ \
		(void)state; \
		run_probe(section, seed); \
	}

PROBE_TEST(attrs_1, "attrs", "1")
PROBE_TEST(attrs_2, "attrs", "0x9e3779b97f4a7c15")
PROBE_TEST(groups_1, "groups", "1")
PROBE_TEST(groups_2, "groups", "12345")
PROBE_TEST(objopt_1, "objopt", "1")
PROBE_TEST(objopt_2, "objopt", "777")
PROBE_TEST(copy_1, "copy", "1")
PROBE_TEST(copy_2, "copy", "31337")
PROBE_TEST(cmp_1, "cmp", "1")
PROBE_TEST(cmp_2, "cmp", "4242")
PROBE_TEST(cmprand_1, "cmprand", "1")
PROBE_TEST(cmprand_2, "cmprand", "99991")
PROBE_TEST(cmprand_3, "cmprand", "0xdeadbeef")
PROBE_TEST(labelcmp_1, "labelcmp", "1")
PROBE_TEST(labelcmp_2, "labelcmp", "2718281828")
PROBE_TEST(stale_1, "stale", "1")
PROBE_TEST(stale_2, "stale", "1618033")
PROBE_TEST(tsevent, "tsevent", "1")

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attrs_1),
		cmocka_unit_test(test_attrs_2),
		cmocka_unit_test(test_groups_1),
		cmocka_unit_test(test_groups_2),
		cmocka_unit_test(test_objopt_1),
		cmocka_unit_test(test_objopt_2),
		cmocka_unit_test(test_copy_1),
		cmocka_unit_test(test_copy_2),
		cmocka_unit_test(test_cmp_1),
		cmocka_unit_test(test_cmp_2),
		cmocka_unit_test(test_cmprand_1),
		cmocka_unit_test(test_cmprand_2),
		cmocka_unit_test(test_cmprand_3),
		cmocka_unit_test(test_labelcmp_1),
		cmocka_unit_test(test_labelcmp_2),
		cmocka_unit_test(test_stale_1),
		cmocka_unit_test(test_stale_2),
		cmocka_unit_test(test_tsevent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
