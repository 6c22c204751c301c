/*
 * nfct_snprintf(): differential tests against the reference library
 * (format_probe prints a large corpus on both) and the argument checks
 * the reference leaves to assert().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "nfct_test.h"

/* Objects built with the public setters: every field, protocol, state,
 * flag, message type and buffer size the probe generates. */
static void test_corpus_setters(void **state)
{
	char *argv[] = { FORMAT_PROBE, "set", "3000", NULL };

	(void)state;
	oracle_assert_same(argv, 1);
}

/* Objects parsed from ctnetlink messages: counters, use, timestamps,
 * security context and labels with real values. Needs the codec. */
static void test_corpus_nlmsg(void **state)
{
	char *argv[] = { FORMAT_PROBE, "nlmsg", "1500", NULL };
	struct oracle_out ours;

	(void)state;
	assert_int_equal(oracle_run(ORACLE_OURS, argv, NULL, &ours), 0);
	if (ours.status == 77) {
		oracle_free(&ours);
		if (test_in_ci())
			fail_msg("nfct_nlmsg_parse missing from our library");
		skip();
	}
	oracle_free(&ours);
	oracle_assert_same(argv, 1);
}

/* The reference asserts on these; we fail cleanly. */
static void test_bad_arguments(void **state)
{
	struct nf_conntrack *ct = nfct_new();
	char buf[64] = "untouched";

	(void)state;
	assert_non_null(ct);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, 6);

	errno = 0;
	assert_int_equal(nfct_snprintf(buf, 0, ct, 0, NFCT_O_DEFAULT, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(buf, "untouched");

	errno = 0;
	assert_int_equal(nfct_snprintf(NULL, sizeof(buf), ct, 0, NFCT_O_DEFAULT, 0), -1);
	assert_int_equal(errno, EINVAL);

	errno = 0;
	assert_int_equal(nfct_snprintf(buf, sizeof(buf), NULL, 0, NFCT_O_XML, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(buf, "untouched");

	errno = 0;
	assert_int_equal(nfct_snprintf_labels(buf, sizeof(buf), NULL, 0, NFCT_O_XML, 0, NULL), -1);
	assert_int_equal(errno, EINVAL);

	/* Still usable afterwards, and a one-byte buffer holds just NUL. */
	assert_true(nfct_snprintf(buf, 1, ct, 0, NFCT_O_DEFAULT, 0) > 0);
	assert_int_equal(buf[0], '\0');
	nfct_destroy(ct);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_setters),
		cmocka_unit_test(test_corpus_nlmsg),
		cmocka_unit_test(test_bad_arguments),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
