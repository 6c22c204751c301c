/*
 * JSON output: a corpus of objects (synthetic ones with every attribute
 * and awkward strings, entries read back from the kernel, expectations)
 * must parse with a strict parser (python3 json, NaN and duplicate keys
 * refused) and hold every attribute that is set.
 */
#include <errno.h>
#include <unistd.h>

#include "nfct_test.h"
#include "ext_util.h"

static FILE *corpus;

static int set_count(const struct nf_conntrack *ct)
{
	int n = 0;

	for (int t = 0; t < ATTR_MAX; t++)
		n += nfct_attr_is_set(ct, t) > 0;
	return n;
}

/* One corpus line: attribute count, XML mark or -1, then the JSON. */
static void emit_ct(const struct nf_conntrack *ct, unsigned int type)
{
	char small[16], *buf;
	int len = nfct_ext_snprintf_json(NULL, 0, ct, type, NFCT_OF_TIME);

	assert_true(len > 0);
	buf = malloc(len + 1);
	assert_int_equal(nfct_ext_snprintf_json(buf, len + 1, ct, type,
						NFCT_OF_TIME), len);
	/* truncation: snprintf semantics, a NUL-terminated prefix */
	assert_int_equal(nfct_ext_snprintf_json(small, sizeof(small), ct, type,
						NFCT_OF_TIME), len);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, buf, sizeof(small) - 1);
	fprintf(corpus, "ct\t%d\t%s\n", set_count(ct), buf);
	free(buf);
}

static void synthetic(void)
{
	struct nf_conntrack *ct = nfct_new();
	struct nfct_bitmask *lb = nfct_bitmask_new(127);
	uint8_t v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	uint8_t v6b[16] = { 0xfe, 0x80, [15] = 2 };

	/* every inline attribute with a value of its size */
	for (int t = 0; t < ATTR_MAX; t++) {
		uint8_t val[64];

		if (t == ATTR_SECCTX || t == ATTR_HELPER_INFO ||
		    t == ATTR_CONNLABELS || t == ATTR_CONNLABELS_MASK)
			continue;	/* pointers, set below */
		memset(val, 0x41 + t % 20, sizeof(val));
		val[sizeof(val) - 1] = 0;
		nfct_set_attr(ct, t, val);
	}
	nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET6);
	nfct_set_attr(ct, ATTR_ORIG_IPV6_SRC, v6a);
	nfct_set_attr(ct, ATTR_ORIG_IPV6_DST, v6b);
	nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, 200);	/* out of range */
	/* quotes, backslash, control and high bytes in a string */
	nfct_set_attr(ct, ATTR_HELPER_NAME, "a\"b\\c\n\x01\xff");
	nfct_bitmask_set_bit(lb, 3);
	nfct_bitmask_set_bit(lb, 100);
	nfct_set_attr(ct, ATTR_CONNLABELS, lb);
	nfct_set_attr_l(ct, ATTR_HELPER_INFO, "\x00\x01\xfe", 3);
	emit_ct(ct, NFCT_T_NEW);
	emit_ct(ct, NFCT_T_UNKNOWN);
	nfct_destroy(ct);

	ct = nfct_new();	/* the empty object */
	emit_ct(ct, NFCT_T_DESTROY);
	nfct_destroy(ct);
}

static int dump_cb(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
		   void *data)
{
	(void)data;
	emit_ct(ct, t);
	return NFCT_CB_CONTINUE;
}

static uint32_t mark_of(uint32_t i)
{
	return i * 7;
}

/* Entries as the kernel reports them: UDP, TCP, ICMP, IPv6, zone. */
static void from_kernel(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	struct nf_conntrack *ct = nfct_new();
	uint32_t family = AF_UNSPEC;
	uint8_t a6[16] = { 0xfd, [15] = 1 }, b6[16] = { 0xfd, [15] = 2 };

	assert_non_null(h);
	assert_int_equal(ext_populate(h, 0, 5, mark_of), 0);

	ext_fill_udp(ct, 10, 3, 100);
	nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, 3 /* ESTABLISHED */);
	nfct_set_attr_u16(ct, ATTR_ZONE, 9);
	nfct_set_attr_u32(ct, ATTR_STATUS, IPS_ASSURED | IPS_SEEN_REPLY);
	assert_int_equal(nfct_query(h, NFCT_Q_CREATE, ct), 0);
	nfct_destroy(ct);

	ct = nfct_new();
	nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET6);
	nfct_set_attr(ct, ATTR_ORIG_IPV6_SRC, a6);
	nfct_set_attr(ct, ATTR_ORIG_IPV6_DST, b6);
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET6);
	nfct_set_attr(ct, ATTR_REPL_IPV6_SRC, b6);
	nfct_set_attr(ct, ATTR_REPL_IPV6_DST, a6);
	nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, IPPROTO_ICMPV6);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_ICMPV6);
	nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, 128);
	nfct_set_attr_u8(ct, ATTR_ICMP_CODE, 0);
	nfct_set_attr_u16(ct, ATTR_ICMP_ID, htons(77));
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 100);
	assert_int_equal(nfct_query(h, NFCT_Q_CREATE, ct), 0);
	nfct_destroy(ct);

	nfct_callback_register(h, NFCT_T_ALL, dump_cb, NULL);
	assert_int_equal(nfct_query(h, NFCT_Q_DUMP, &family), 0);
	nfct_close(h);
}

static void expectations(void)
{
	struct nf_expect *e = nfexp_new();
	struct nf_conntrack *m = nfct_new(), *x = nfct_new(), *k = nfct_new();
	char buf[4096];
	int len;

	ext_fill_udp(m, 1, 0, 0);
	ext_fill_udp(x, 2, 0, 0);
	ext_fill_udp(k, 3, 0, 0);
	nfexp_set_attr(e, ATTR_EXP_MASTER, m);
	nfexp_set_attr(e, ATTR_EXP_EXPECTED, x);
	nfexp_set_attr(e, ATTR_EXP_MASK, k);
	nfexp_set_attr(e, ATTR_EXP_NAT_TUPLE, x);
	nfexp_set_attr_u32(e, ATTR_EXP_TIMEOUT, 30);
	nfexp_set_attr_u16(e, ATTR_EXP_ZONE, 4);
	nfexp_set_attr_u32(e, ATTR_EXP_FLAGS, NF_CT_EXPECT_PERMANENT | NF_CT_EXPECT_USERSPACE);
	nfexp_set_attr(e, ATTR_EXP_HELPER_NAME, "ftp\"x");
	nfexp_set_attr_u32(e, ATTR_EXP_CLASS, 1);
	nfexp_set_attr_u8(e, ATTR_EXP_NAT_DIR, 1);
	nfexp_set_attr(e, ATTR_EXP_FN, "nat-follow-master");
	len = nfexp_ext_snprintf_json(buf, sizeof(buf), e, NFCT_T_NEW, 0);
	assert_true(len > 0 && len < (int)sizeof(buf));
	fprintf(corpus, "exp\t%d\t%s\n", ATTR_EXP_MAX, buf);
	nfexp_destroy(e);
	e = nfexp_new();
	len = nfexp_ext_snprintf_json(buf, sizeof(buf), e, NFCT_T_UNKNOWN, 0);
	fprintf(corpus, "exp\t0\t%s\n", buf);
	nfexp_destroy(e);
	nfct_destroy(m);
	nfct_destroy(x);
	nfct_destroy(k);
	assert_int_equal(nfexp_ext_snprintf_json(buf, sizeof(buf), NULL, 0, 0), -1);
	assert_int_equal(nfct_ext_snprintf_json(NULL, 5, (void *)buf, 0, 0), -1);
}

/* The checker: strict parse, then every set attribute present. */
static const char checker[] =
	"import json, sys\n"
	"def strict(pairs):\n"
	"    keys = [k for k, _ in pairs]\n"
	"    assert len(keys) == len(set(keys)), 'duplicate key'\n"
	"    return dict(pairs)\n"
	"def nan(x): raise ValueError('not RFC 8259: ' + x)\n"
	"n = 0\n"
	"for line in open(sys.argv[1], encoding='ascii'):\n"
	"    kind, count, text = line.rstrip('\\n').split('\\t', 2)\n"
	"    o = json.loads(text, object_pairs_hook=strict, parse_constant=nan)\n"
	"    assert 'type' in o\n"
	"    if kind == 'ct':\n"
	"        assert len(o['attrs']) == int(count), (count, sorted(o['attrs']))\n"
	"        a = o['attrs']\n"
	"        if 'orig_l3proto' in a:\n"
	"            v6 = o['original']['l3proto']['name'] == 'ipv6'\n"
	"            src = a['orig_ipv6_src' if v6 else 'orig_ipv4_src']\n"
	"            assert o['original']['src'] == src, (o['original'], src)\n"
	"        if 'mark' in a:\n"
	"            assert o['independent']['mark'] == a['mark']\n"
	"        if 'orig_port_src' in a and o.get('original', {}).get('l4proto', {}).get('name') in ('udp', 'tcp'):\n"
	"            assert o['original']['sport'] == a['orig_port_src']\n"
	"    else:\n"
	"        want = {'master', 'expected', 'mask', 'nat', 'timeout', 'zone', 'flags',\n"
	"                'helper_name', 'class', 'nat_dir', 'expectfn'} if int(count) else set()\n"
	"        assert want <= set(o), sorted(set(o))\n"
	"    n += 1\n"
	"print(n)\n";

static void test_json_corpus(void **state)
{
	char path[] = "/tmp/nfct-json-XXXXXX", script[] = "/tmp/nfct-jchk-XXXXXX";
	char *argv[] = { "/usr/bin/env", "python3", script, path, NULL };
	char *jq[] = { "/usr/bin/jq", "-e", ".", path, NULL };
	struct oracle_out o;
	int fd;
	FILE *s;

	(void)state;
	test_netns_enter();
	fd = mkstemp(path);
	assert_true(fd >= 0);
	corpus = fdopen(fd, "w");
	synthetic();
	from_kernel();
	expectations();
	fclose(corpus);
	fd = mkstemp(script);
	s = fdopen(fd, "w");
	fputs(checker, s);
	fclose(s);

	assert_int_equal(oracle_run(ORACLE_OURS, argv, NULL, &o), 0);
	if (o.status != 0)
		fprintf(stderr, "%s%s", o.out, o.err);
	assert_int_equal(o.status, 0);
	assert_true(atoi(o.out) >= 3 + 7 + 2);
	oracle_free(&o);
	if (access(jq[0], X_OK) == 0) {
		/* the corpus lines hold a prefix: jq reads the JSON only */
		char cmd[256];
		char *sh[] = { "/bin/sh", "-c", cmd, NULL };

		snprintf(cmd, sizeof(cmd), "cut -f3 %s | jq -e . >/dev/null", path);
		assert_int_equal(oracle_run(ORACLE_OURS, sh, NULL, &o), 0);
		assert_int_equal(o.status, 0);
		oracle_free(&o);
	}
	unlink(path);
	unlink(script);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
