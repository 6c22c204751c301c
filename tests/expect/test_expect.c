/*
 * Expectations (nfexp_*): differential tests against the reference
 * library (exp_probe prints a deterministic corpus on both) and the bad
 * input the reference leaves to assert().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "nfct_test.h"

static void same(const char *mode, const char *n)
{
	char *argv[] = { EXP_PROBE, (char *)mode, (char *)n, NULL };

	oracle_assert_same(argv, 1);
}

/* set/get/is_set/unset, clone, memcpy copies, string truncation */
static void test_objects(void **state)
{
	(void)state;
	same("obj", "400");
}

/* tuples set from whole conntrack objects (and raw bytes) read back */
static void test_whole_tuples(void **state)
{
	(void)state;
	same("whole", "200");
}

/* nfexp_nlmsg_build, nfexp_build_expect, nfexp_build_query bytes */
static void test_build(void **state)
{
	(void)state;
	same("build", "1500");
}

/* nfexp_nlmsg_parse and nfexp_parse_expect on kernel-like messages */
static void test_parse(void **state)
{
	(void)state;
	same("parse", "800");
}

/* nfexp_snprintf text and XML, message types, every text buffer size */
static void test_print(void **state)
{
	(void)state;
	same("print", "400");
}

/*
 * XML into every buffer size: the reference counts the layer 4 port
 * blocks only as far as they fit, so a cut text returns less.
 */
static void test_xml_cut(void **state)
{
	(void)state;
	same("xml", "200");
}

/* nfexp_cmp on random related pairs, every flag combination */
static void test_cmp(void **state)
{
	(void)state;
	same("cmp", "3000");
}

/* nfexp_cmp with one attribute varied at a time, every flag combination */
static void test_cmp_one(void **state)
{
	(void)state;
	same("cmp1", "0");
}

/*
 * The kernel: expectations from the ftp helper and made by hand, GET,
 * DESTROY, FLUSH, DUMP, send+catch, events, callbacks with every verdict
 * and type mask, errors. exp_kernel makes a namespace of its own on each
 * run, so both libraries start from the same empty table.
 */
static void test_kernel(void **state)
{
	char *argv[] = { EXP_KERNEL, NULL };
	struct oracle_out out;

	(void)state;
	assert_int_equal(oracle_run(ORACLE_OURS, argv, NULL, &out), 0);
	if (out.status == 77) {
		oracle_free(&out);
		if (test_in_ci())
			fail_msg("exp_kernel: no network namespace (must run in CI)");
		skip();
	}
	if (out.status != 0)
		fail_msg("exp_kernel exit %d: %s", out.status, out.err);
	/* Not vacuous: what the kernel must have done. */
	assert_non_null(strstr(out.out, "[NEW] proto=6 src=127.0.0.1 dst=127.0.0.1 sport=0 dport=40002 "));
	assert_non_null(strstr(out.out, "[NEW] proto=6 src=::1 dst=::1 sport=0 dport=40003 "));
	assert_non_null(strstr(out.out, "\ncreate: ret=0\n"));
	assert_non_null(strstr(out.out, "\ncreate again: ret=-1 errno=File exists\n"));
	assert_non_null(strstr(out.out, "\nget missing: ret=-1 errno=No such file or directory\n"));
	assert_non_null(strstr(out.out, "\ndump v1 verdict 1: 4 calls\n"));
	oracle_free(&out);
	oracle_assert_same(argv, 1);
}

/* Truncated and corrupted messages: ours only (the reference exit()s). */
static void test_fuzz(void **state)
{
	char *argv[] = { EXP_PROBE, "fuzz", "3000", NULL };
	struct oracle_out out;

	(void)state;
	assert_int_equal(oracle_run(ORACLE_OURS, argv, NULL, &out), 0);
	assert_int_equal(out.status, 0);
	oracle_free(&out);
}

/* The reference asserts on these; we fail cleanly. */
static void test_bad_input(void **state)
{
	struct nf_expect *exp = nfexp_new();
	struct nfct_handle *h;
	char buf[64] = "untouched";
	union {
		char b[4096];
		struct nlmsghdr h;
	} u;

	(void)state;
	assert_non_null(exp);
	errno = 0;
	nfexp_set_attr(NULL, ATTR_EXP_TIMEOUT, buf);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	nfexp_set_attr(exp, ATTR_EXP_MAX, buf);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(nfexp_get_attr(exp, ATTR_EXP_MAX));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(nfexp_get_attr(NULL, ATTR_EXP_TIMEOUT));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(nfexp_attr_is_set(exp, ATTR_EXP_MAX), -1);
	assert_int_equal(nfexp_attr_unset(exp, ATTR_EXP_MAX), -1);
	assert_null(nfexp_clone(NULL));

	errno = 0;
	assert_int_equal(nfexp_snprintf(NULL, 10, exp, 0, NFCT_O_DEFAULT, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(nfexp_snprintf(buf, sizeof(buf), NULL, 0, NFCT_O_XML, 0), -1);
	assert_string_equal(buf, "untouched");

	assert_int_equal(nfexp_nlmsg_parse(NULL, exp), -1);
	memset(&u, 0, sizeof(u));
	u.h.nlmsg_len = 8;	/* shorter than its own header */
	assert_int_equal(nfexp_nlmsg_parse(&u.h, exp), -1);
	assert_int_equal(nfexp_nlmsg_build(NULL, exp), -1);
	assert_int_equal(nfexp_parse_expect(NFCT_T_ALL, NULL, exp), NFCT_T_ERROR);

	/* No master (no family): nothing is sent, ENODATA. */
	errno = 0;
	assert_int_equal(nfexp_build_expect(NULL, u.b, sizeof(u.b),
					    IPCTNL_MSG_EXP_NEW, 0, exp), -1);
	assert_int_equal(errno, ENODATA);
	h = nfct_open(EXPECT, 0);
	if (h != NULL) {
		errno = 0;
		assert_int_equal(nfexp_query(h, NFCT_Q_CREATE, exp), -1);
		assert_int_equal(errno, ENODATA);
		assert_int_equal(nfexp_query(h, NFCT_Q_CREATE, NULL), -1);
		assert_int_equal(nfexp_send(NULL, NFCT_Q_DUMP, exp), -1);
		assert_int_equal(nfexp_catch(NULL), -1);
		nfct_close(h);
	}
	nfexp_destroy(exp);
	nfexp_destroy(NULL);
}

/*
 * The typed setters hand over a number: string attributes get exactly
 * its bytes (never what lies past the caller's variable), and the tuple
 * attributes, which take a conntrack object, refuse it.
 */
static void test_typed_setters(void **state)
{
	static const int tuples[] = {
		ATTR_EXP_MASTER, ATTR_EXP_EXPECTED, ATTR_EXP_MASK,
		ATTR_EXP_NAT_TUPLE,
	};
	struct nf_expect *exp = nfexp_new();
	uint32_t v;

	(void)state;
	assert_non_null(exp);
	for (size_t i = 0; i < sizeof(tuples) / sizeof(tuples[0]); i++) {
		errno = 0;
		nfexp_set_attr_u8(exp, tuples[i], 1);
		assert_int_equal(errno, EINVAL);
		errno = 0;
		nfexp_set_attr_u16(exp, tuples[i], 1);
		assert_int_equal(errno, EINVAL);
		errno = 0;
		nfexp_set_attr_u32(exp, tuples[i], 1);
		assert_int_equal(errno, EINVAL);
		assert_int_equal(nfexp_attr_is_set(exp, tuples[i]), 0);
	}
	memcpy(&v, "abcd", 4);
	nfexp_set_attr_u32(exp, ATTR_EXP_FN, v);
	assert_string_equal(nfexp_get_attr(exp, ATTR_EXP_FN), "abcd");
	nfexp_set_attr_u32(exp, ATTR_EXP_HELPER_NAME, v);
	assert_string_equal(nfexp_get_attr(exp, ATTR_EXP_HELPER_NAME), "abcd");
	nfexp_set_attr_u8(exp, ATTR_EXP_TIMEOUT, 200);
	assert_int_equal(nfexp_get_attr_u32(exp, ATTR_EXP_TIMEOUT), 200);
	nfexp_set_attr_u16(exp, ATTR_EXP_FLAGS, 0xffff);
	assert_int_equal(nfexp_get_attr_u32(exp, ATTR_EXP_FLAGS), 0xffff);
	nfexp_destroy(exp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_whole_tuples),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_xml_cut),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_cmp_one),
		cmocka_unit_test(test_kernel),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_typed_setters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
