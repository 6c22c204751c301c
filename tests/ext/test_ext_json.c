/*
 * JSON output (schema version 1, doc/json.md and doc/json-schema.json).
 *
 * A corpus of objects -- thousands of random ones over every family,
 * protocol and attribute, plus entries, events and expectations from a
 * kernel in a private namespace -- is printed one object per line and
 * then judged by programs other than ours: tests/ext/json_check.py
 * (strict parse: duplicate keys, NaN and non-ASCII refused; every
 * object against the schema: required keys, types, ranges, no unknown
 * key) and jq -e. Every rendering is also made at every buffer size to
 * hold the snprintf contract. The rules a schema cannot say (each value
 * once, zeros left out, the size of a typical event) have tests here.
 */
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnetfilter_conntrack/linux_nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_sctp.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_dccp.h>

#include "nfct_test.h"
#include "ext_util.h"

#define SCHEMA TEST_SOURCE_DIR "/../doc/json-schema.json"
#define CHECKER TEST_SOURCE_DIR "/ext/json_check.py"
#define JQ "/usr/bin/jq"

/* A typical TCP event with counters fits in this (doc/ext/json.md). */
#define TYPICAL_MAX 450

static FILE *corpus;
static unsigned int emitted;

/* xorshift: the same corpus on every run */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* 0 half the time (zero defaults must vanish), else random */
static uint32_t rnd_or_zero(void)
{
	return rnd() & 1 ? rnd() : 0;
}

/*
 * Render with every buffer size from 0 to the length + 1 (or a few
 * sizes when @all is false): each call returns the full length, writes
 * at most size bytes, a NUL-terminated prefix of the full text.
 */
static void check_sizes(const char *full, int len, bool all,
			int (*render)(char *, unsigned int, const void *),
			const void *obj)
{
	char *buf = malloc(len + 8);

	assert_non_null(buf);
	for (int size = 0; size <= len + 1; size++) {
		if (!all && size > 3 && size < len - 3 && rnd() % 16)
			continue;
		memset(buf, '#', len + 8);
		assert_int_equal(render(size ? buf : NULL, size, obj), len);
		if (size > 0) {
			int n = size - 1 < len ? size - 1 : len;

			assert_memory_equal(buf, full, n);
			assert_int_equal(buf[n], '\0');
		}
		assert_int_equal(buf[size], '#');	/* nothing past size */
	}
	free(buf);
}

static unsigned int cur_type, cur_flags;

static int render_ct(char *buf, unsigned int size, const void *ct)
{
	return nfct_ext_snprintf_json(buf, size, ct, cur_type, cur_flags);
}

static int render_exp(char *buf, unsigned int size, const void *exp)
{
	return nfexp_ext_snprintf_json(buf, size, exp, cur_type, cur_flags);
}

/* Print @obj into the corpus and check the truncation contract. */
static char *emit(int (*render)(char *, unsigned int, const void *),
		  const void *obj, unsigned int type, unsigned int flags)
{
	int len, again;
	char *buf;

	cur_type = type;
	cur_flags = flags;
	len = render(NULL, 0, obj);
	assert_true(len > 0);
	buf = malloc(len + 1);
	assert_non_null(buf);
	again = render(buf, len + 1, obj);
	assert_int_equal(again, len);
	assert_int_equal(strlen(buf), len);
	/* with the time in it, a second rendering may differ in the time */
	if (!(flags & NFCT_OF_TIME))
		check_sizes(buf, len, emitted < 300, render, obj);
	fprintf(corpus, "%s\n", buf);
	emitted++;
	return buf;
}

static void emit_ct(const struct nf_conntrack *ct, unsigned int type,
		    unsigned int flags)
{
	free(emit(render_ct, ct, type, flags));
}

/* ---- random objects ---------------------------------------------------- */

static const uint8_t protos[] = {
	IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE, IPPROTO_ICMP,
	IPPROTO_ICMPV6, IPPROTO_SCTP, IPPROTO_DCCP, IPPROTO_GRE, 253,
};

/* awkward text: quotes, backslash, control and high bytes */
static void rnd_text(char *s, size_t size)
{
	static const char pool[] = "ab\"\\\n\x01\x7f\xff/{}:, ";
	size_t n = 1 + rnd() % (size - 1);

	for (size_t i = 0; i < n; i++)
		s[i] = pool[rnd() % (sizeof(pool) - 1)];
	s[n] = '\0';
}

/* Kernel-reported values (counters, timestamps, use, secctx) only come
 * in through the parser: build the message the kernel would send. */
static void parsed_part(struct nf_conntrack *ct, uint8_t family)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	struct nlattr *nest;
	char ctx[24];

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	for (int dir = 0; dir < 2; dir++) {
		if (rnd() % 3 == 0)
			continue;
		nest = mnl_attr_nest_start(nlh, dir ? CTA_COUNTERS_REPLY :
						      CTA_COUNTERS_ORIG);
		mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS,
				 htobe64(rnd() % 4 ? rnd() : 0));
		mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES,
				 htobe64((uint64_t)rnd() << (rnd() % 33)));
		mnl_attr_nest_end(nlh, nest);
	}
	if (rnd() % 2) {
		nest = mnl_attr_nest_start(nlh, CTA_TIMESTAMP);
		mnl_attr_put_u64(nlh, CTA_TIMESTAMP_START,
				 htobe64(rnd() % 3 ? 1700000000000000000ull +
					 ((uint64_t)rnd() << 20) : 0));
		if (rnd() % 2)
			mnl_attr_put_u64(nlh, CTA_TIMESTAMP_STOP,
					 htobe64(UINT64_MAX - rnd() % 3));
		mnl_attr_nest_end(nlh, nest);
	}
	if (rnd() % 3 == 0)
		mnl_attr_put_u64(nlh, CTA_TIMESTAMP_EVENT,
				 htobe64((uint64_t)rnd() * 1000000000u + rnd() % 1000));
	if (rnd() % 2)
		mnl_attr_put_u32(nlh, CTA_USE, htonl(rnd() % 5));
	if (rnd() % 3 == 0) {
		rnd_text(ctx, sizeof(ctx));
		nest = mnl_attr_nest_start(nlh, CTA_SECCTX);
		mnl_attr_put_strz(nlh, CTA_SECCTX_NAME,
				  rnd() % 4 ? ctx : "system_u:object_r:unlabeled_t:s0");
		mnl_attr_nest_end(nlh, nest);
	}
	assert_int_equal(nfct_nlmsg_parse(nlh, ct), 0);
}

static void rnd_addr(struct nf_conntrack *ct, uint8_t fam, int v4, int v6)
{
	uint8_t a[16];

	for (int i = 0; i < 16; i++)
		a[i] = rnd() % 3 ? 0 : rnd();
	a[0] = 0x20;
	if (fam == AF_INET6)
		nfct_set_attr(ct, v6, a);
	else
		nfct_set_attr_u32(ct, v4, rnd());
}

/* One tuple (orig, reply or master): family, protocol, addresses and
 * the protocol's fields, each present or not. */
static void rnd_tuple(struct nf_conntrack *ct, int dir, uint8_t fam, uint8_t l4)
{
	static const int a[3][8] = {
		{ ATTR_ORIG_L3PROTO, ATTR_ORIG_L4PROTO, ATTR_ORIG_IPV4_SRC,
		  ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_SRC, ATTR_ORIG_IPV6_DST,
		  ATTR_ORIG_PORT_SRC, ATTR_ORIG_PORT_DST },
		{ ATTR_REPL_L3PROTO, ATTR_REPL_L4PROTO, ATTR_REPL_IPV4_SRC,
		  ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_SRC, ATTR_REPL_IPV6_DST,
		  ATTR_REPL_PORT_SRC, ATTR_REPL_PORT_DST },
		{ ATTR_MASTER_L3PROTO, ATTR_MASTER_L4PROTO, ATTR_MASTER_IPV4_SRC,
		  ATTR_MASTER_IPV4_DST, ATTR_MASTER_IPV6_SRC, ATTR_MASTER_IPV6_DST,
		  ATTR_MASTER_PORT_SRC, ATTR_MASTER_PORT_DST },
	};

	if (rnd() % 16) {
		nfct_set_attr_u8(ct, a[dir][0], fam);
		nfct_set_attr_u8(ct, a[dir][1], l4);
	}
	if (rnd() % 8)
		rnd_addr(ct, fam, a[dir][2], a[dir][4]);
	if (rnd() % 8)
		rnd_addr(ct, fam, a[dir][3], a[dir][5]);
	if (l4 == IPPROTO_ICMP || l4 == IPPROTO_ICMPV6) {
		if (dir < 2 && rnd() % 4) {
			nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, rnd());
			nfct_set_attr_u8(ct, ATTR_ICMP_CODE, rnd());
			nfct_set_attr_u16(ct, ATTR_ICMP_ID, rnd());
		}
	} else if (rnd() % 8) {
		nfct_set_attr_u16(ct, a[dir][6], rnd());
		nfct_set_attr_u16(ct, a[dir][7], rnd());
	}
}

static void rnd_ct(struct nf_conntrack *ct)
{
	uint8_t fam = rnd() % 8 ? (rnd() % 2 ? AF_INET : AF_INET6) : rnd();
	uint8_t l4 = protos[rnd() % sizeof(protos)];
	char text[NFCT_HELPER_NAME_MAX];
	struct nfct_bitmask *lb;

	parsed_part(ct, fam);
	rnd_tuple(ct, 0, fam, l4);
	if (rnd() % 4)
		rnd_tuple(ct, 1, rnd() % 16 ? fam : AF_INET6,
			  rnd() % 16 ? l4 : IPPROTO_UDP);
	if (rnd() % 2) {
		/* the three states share a byte: each through its own name */
		int s = l4 == IPPROTO_SCTP ? ATTR_SCTP_STATE :
			l4 == IPPROTO_DCCP ? ATTR_DCCP_STATE : ATTR_TCP_STATE;

		nfct_set_attr_u8(ct, s, rnd() % 12);
	}
	if (rnd() % 2)
		nfct_set_attr_u32(ct, ATTR_STATUS, rnd() % 4 ? rnd() & 0xffff : rnd());
	if (rnd() % 2)
		nfct_set_attr_u32(ct, ATTR_TIMEOUT, rnd() % 4 ? rnd() % 432000 : 0);
	if (rnd() % 2)
		nfct_set_attr_u32(ct, ATTR_MARK, rnd_or_zero());
	if (rnd() % 4 == 0)
		nfct_set_attr_u32(ct, ATTR_SECMARK, rnd_or_zero());
	if (rnd() % 3 == 0)
		nfct_set_attr_u16(ct, ATTR_ZONE, rnd_or_zero());
	if (rnd() % 4 == 0)
		nfct_set_attr_u16(ct, ATTR_ORIG_ZONE, rnd_or_zero());
	if (rnd() % 4 == 0)
		nfct_set_attr_u16(ct, ATTR_REPL_ZONE, rnd_or_zero());
	if (rnd() % 2)
		nfct_set_attr_u32(ct, ATTR_ID, rnd_or_zero());
	if (rnd() % 4 == 0) {
		lb = nfct_bitmask_new(127);
		for (int i = rnd() % 4; i > 0; i--)
			nfct_bitmask_set_bit(lb, rnd() % 128);
		nfct_set_attr(ct, rnd() % 4 ? ATTR_CONNLABELS :
			      ATTR_CONNLABELS_MASK, lb);
	}
	if (rnd() % 4 == 0) {
		rnd_text(text, sizeof(text));
		nfct_set_attr(ct, ATTR_HELPER_NAME, rnd() % 2 ? text : "ftp");
	}
	if (rnd() % 8 == 0)
		nfct_set_attr_l(ct, ATTR_HELPER_INFO, "\x00\x01\xfe\x7f",
				rnd() % 5);
	if (rnd() % 4 == 0) {
		rnd_addr(ct, fam, ATTR_SNAT_IPV4, ATTR_SNAT_IPV6);
		nfct_set_attr_u16(ct, ATTR_SNAT_PORT, rnd());
	}
	if (rnd() % 4 == 0)
		rnd_addr(ct, fam, ATTR_DNAT_IPV4, ATTR_DNAT_IPV6);
	if (rnd() % 6 == 0)
		rnd_tuple(ct, 2, fam, l4);
	for (int t = ATTR_SYNPROXY_ISN; t <= ATTR_SYNPROXY_TSOFF; t++)
		if (rnd() % 3 == 0)
			nfct_set_attr_u32(ct, t, rnd() % 2 ? 0 : rnd_or_zero());
	if (rnd() % 6 == 0)
		for (int t = ATTR_ORIG_NAT_SEQ_CORRECTION_POS;
		     t <= ATTR_REPL_NAT_SEQ_OFFSET_AFTER; t++)
			nfct_set_attr_u32(ct, t, rnd_or_zero());
	if (l4 == IPPROTO_TCP && rnd() % 2) {
		nfct_set_attr_u8(ct, ATTR_TCP_FLAGS_ORIG, rnd());
		nfct_set_attr_u8(ct, ATTR_TCP_FLAGS_REPL, rnd());
		nfct_set_attr_u8(ct, ATTR_TCP_WSCALE_ORIG, rnd() % 15);
		nfct_set_attr_u8(ct, ATTR_TCP_WSCALE_REPL, rnd() % 15);
		nfct_set_attr_u8(ct, ATTR_TCP_MASK_ORIG, rnd_or_zero());
	} else if (l4 == IPPROTO_SCTP && rnd() % 2) {
		nfct_set_attr_u32(ct, ATTR_SCTP_VTAG_ORIG, rnd_or_zero());
		nfct_set_attr_u32(ct, ATTR_SCTP_VTAG_REPL, rnd());
	} else if (l4 == IPPROTO_DCCP && rnd() % 2) {
		nfct_set_attr_u8(ct, ATTR_DCCP_ROLE, rnd() % 2);
		nfct_set_attr_u64(ct, ATTR_DCCP_HANDSHAKE_SEQ,
				  (uint64_t)rnd_or_zero() << 20);
	}
}

static const unsigned int msg_types[] = {
	NFCT_T_UNKNOWN, NFCT_T_NEW, NFCT_T_UPDATE, NFCT_T_DESTROY, NFCT_T_ALL,
};

static void random_objects(void)
{
	for (int i = 0; i < 3000; i++) {
		struct nf_conntrack *ct = nfct_new();

		rnd_ct(ct);
		emit_ct(ct, msg_types[rnd() % 5], rnd() % 8 ? 0 : NFCT_OF_TIME);
		nfct_destroy(ct);
	}
}

static void rnd_exp_tuple(struct nf_expect *e, int attr, uint8_t fam,
			  uint8_t l4)
{
	struct nf_conntrack *t = nfct_new();

	rnd_tuple(t, 0, fam, l4);
	nfexp_set_attr(e, attr, t);
	nfct_destroy(t);
}

static void random_expectations(void)
{
	for (int i = 0; i < 500; i++) {
		struct nf_expect *e = nfexp_new();
		uint8_t fam = rnd() % 2 ? AF_INET : AF_INET6;
		uint8_t l4 = protos[rnd() % sizeof(protos)];
		char text[NFCT_HELPER_NAME_MAX];

		if (rnd() % 4)
			rnd_exp_tuple(e, ATTR_EXP_MASTER, fam, IPPROTO_TCP);
		if (rnd() % 4)
			rnd_exp_tuple(e, ATTR_EXP_EXPECTED, fam, l4);
		if (rnd() % 4)
			rnd_exp_tuple(e, ATTR_EXP_MASK, fam, l4);
		if (rnd() % 4 == 0)
			rnd_exp_tuple(e, ATTR_EXP_NAT_TUPLE, fam, l4);
		if (rnd() % 2)
			nfexp_set_attr_u32(e, ATTR_EXP_TIMEOUT, rnd() % 300);
		if (rnd() % 3 == 0)
			nfexp_set_attr_u16(e, ATTR_EXP_ZONE, rnd_or_zero());
		if (rnd() % 3 == 0)
			nfexp_set_attr_u32(e, ATTR_EXP_FLAGS, rnd_or_zero());
		if (rnd() % 3 == 0)
			nfexp_set_attr_u32(e, ATTR_EXP_CLASS, rnd_or_zero());
		if (rnd() % 3 == 0)
			nfexp_set_attr_u8(e, ATTR_EXP_NAT_DIR, rnd() % 3);
		if (rnd() % 3 == 0) {
			rnd_text(text, sizeof(text));
			nfexp_set_attr(e, ATTR_EXP_HELPER_NAME, text);
		}
		if (rnd() % 4 == 0)
			nfexp_set_attr(e, ATTR_EXP_FN, "nat-follow-master");
		free(emit(render_exp, e, msg_types[rnd() % 5],
			  rnd() % 8 ? 0 : NFCT_OF_TIME));
		nfexp_destroy(e);
	}
}

/* ---- from a kernel ----------------------------------------------------- */

static unsigned int tcp_destroys;
static int tcp_destroy_max;

static int event_cb(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
		    void *data)
{
	char *text = emit(render_ct, ct, t, 0);

	(void)data;
	if (t == NFCT_T_DESTROY && nfct_get_attr_u8(ct, ATTR_L4PROTO) == IPPROTO_TCP &&
	    nfct_attr_is_set(ct, ATTR_ORIG_COUNTER_PACKETS) > 0) {
		int len = strlen(text);

		tcp_destroys++;
		if (len > tcp_destroy_max)
			tcp_destroy_max = len;
		print_message("kernel TCP destroy event, %d bytes: %s\n", len, text);
	}
	free(text);
	return NFCT_CB_CONTINUE;
}

static int dump_cb(enum nf_conntrack_msg_type t, struct nf_conntrack *ct,
		   void *data)
{
	(void)data;
	emit_ct(ct, t, NFCT_OF_TIME);
	return NFCT_CB_CONTINUE;
}

static void tuple4(struct nf_conntrack *ct, uint8_t l4, const char *s,
		   const char *d, uint16_t sp, uint16_t dp)
{
	nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, inet_addr(s));
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_DST, inet_addr(d));
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, inet_addr(d));
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, inet_addr(s));
	nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, l4);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, l4);
	if (l4 == IPPROTO_ICMP)
		return;
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, htons(sp));
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, htons(dp));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(dp));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(sp));
}

/* Create one entry; @must: fail the test if the kernel refuses it
 * (protocols the running kernel may lack, like DCCP, need not work). */
static void create(struct nfct_handle *h, struct nf_conntrack *ct, bool must)
{
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 300);
	if (nfct_query(h, NFCT_Q_CREATE, ct) != 0 && must)
		fail_msg("creating an entry: %s", strerror(errno));
	nfct_destroy(ct);
}

static void drain_events(struct nfct_handle *ev)
{
	/* ctnetlink queues an event before it answers the request that
	 * caused it: all are there now, no wait needed */
	while (nfct_catch(ev) >= 0)
		;
	assert_int_equal(errno, EAGAIN);
}

static void from_kernel(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	struct nfct_handle *ev = nfct_open(CONNTRACK, NFCT_ALL_CT_GROUPS);
	uint8_t a6[16] = { 0xfd, [15] = 1 }, b6[16] = { 0xfd, [15] = 2 };
	uint32_t family = AF_UNSPEC;
	struct nf_conntrack *ct;

	assert_non_null(h);
	assert_non_null(ev);
	/* counters and timestamps in dumps and destroy events */
	assert_int_equal(ext_write_file("/proc/sys/net/netfilter/nf_conntrack_acct", "1"), 0);
	assert_int_equal(fcntl(nfct_fd(ev), F_SETFL, O_NONBLOCK), 0);
	nfct_callback_register(ev, NFCT_T_ALL, event_cb, NULL);

	/* an entry as `conntrack -I` makes one: zeroed synproxy block;
	 * made before timestamps are on, so its destroy event is the
	 * typical one: counters, no timestamps */
	assert_int_equal(ext_write_file("/proc/sys/net/netfilter/nf_conntrack_timestamp", "0"), 0);
	ct = nfct_new();
	tuple4(ct, IPPROTO_TCP, "192.168.100.100", "192.168.100.200", 54321, 443);
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, TCP_CONNTRACK_ESTABLISHED);
	nfct_set_attr_u32(ct, ATTR_STATUS, IPS_ASSURED | IPS_SEEN_REPLY);
	nfct_set_attr_u32(ct, ATTR_MARK, 7);
	create(h, ct, true);
	assert_int_equal(ext_write_file("/proc/sys/net/netfilter/nf_conntrack_timestamp", "1"), 0);

	ct = nfct_new();
	tuple4(ct, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 1000, 53);
	nfct_set_attr_u16(ct, ATTR_ZONE, 9);
	create(h, ct, true);

	ct = nfct_new();
	tuple4(ct, IPPROTO_UDP, "10.0.0.3", "10.0.0.4", 1000, 53);
	nfct_set_attr_u32(ct, ATTR_SNAT_IPV4, inet_addr("8.8.8.8"));
	nfct_set_attr_u16(ct, ATTR_SNAT_PORT, htons(1025));
	create(h, ct, true);

	ct = nfct_new();
	tuple4(ct, IPPROTO_ICMP, "10.0.0.5", "10.0.0.6", 0, 0);
	nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, 8);
	nfct_set_attr_u8(ct, ATTR_ICMP_CODE, 0);
	nfct_set_attr_u16(ct, ATTR_ICMP_ID, htons(77));
	create(h, ct, true);

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
	nfct_set_attr_u16(ct, ATTR_ICMP_ID, htons(78));
	create(h, ct, true);

	ct = nfct_new();
	tuple4(ct, IPPROTO_SCTP, "10.0.0.7", "10.0.0.8", 5000, 5001);
	nfct_set_attr_u8(ct, ATTR_SCTP_STATE, SCTP_CONNTRACK_ESTABLISHED);
	nfct_set_attr_u32(ct, ATTR_SCTP_VTAG_ORIG, 11);
	nfct_set_attr_u32(ct, ATTR_SCTP_VTAG_REPL, 12);
	create(h, ct, true);

	ct = nfct_new();
	tuple4(ct, IPPROTO_DCCP, "10.0.0.9", "10.0.0.10", 6000, 6001);
	nfct_set_attr_u8(ct, ATTR_DCCP_STATE, DCCP_CONNTRACK_OPEN);
	create(h, ct, false);

	ct = nfct_new();
	tuple4(ct, IPPROTO_GRE, "10.0.0.11", "10.0.0.12", 0, 0);
	create(h, ct, false);

	/* an update event: the mark changes */
	ct = nfct_new();
	tuple4(ct, IPPROTO_TCP, "192.168.100.100", "192.168.100.200", 54321, 443);
	nfct_set_attr_u32(ct, ATTR_MARK, 8);
	assert_int_equal(nfct_query(h, NFCT_Q_UPDATE, ct), 0);
	nfct_destroy(ct);

	nfct_callback_register(h, NFCT_T_ALL, dump_cb, NULL);
	assert_int_equal(nfct_query(h, NFCT_Q_DUMP, &family), 0);
	/* destroy events, with counters and timestamps */
	assert_int_equal(nfct_query(h, NFCT_Q_FLUSH, &family), 0);
	drain_events(ev);
	nfct_close(ev);
	nfct_close(h);
}

static void ftp_expectation(void)
{
	/* the expectation the ftp helper sets up for a PORT command */
	struct nf_expect *e = nfexp_new();
	struct nf_conntrack *m = nfct_new(), *x = nfct_new(), *k = nfct_new();

	tuple4(m, IPPROTO_TCP, "10.1.0.1", "10.1.0.2", 40000, 21);
	tuple4(x, IPPROTO_TCP, "10.1.0.1", "10.1.0.2", 0, 40001);
	tuple4(k, IPPROTO_TCP, "255.255.255.255", "255.255.255.255", 0, 65535);
	nfexp_set_attr(e, ATTR_EXP_MASTER, m);
	nfexp_set_attr(e, ATTR_EXP_EXPECTED, x);
	nfexp_set_attr(e, ATTR_EXP_MASK, k);
	nfexp_set_attr_u32(e, ATTR_EXP_TIMEOUT, 300);
	nfexp_set_attr(e, ATTR_EXP_HELPER_NAME, "ftp");
	nfexp_set_attr_u32(e, ATTR_EXP_FLAGS, NF_CT_EXPECT_PERMANENT);
	free(emit(render_exp, e, NFCT_T_NEW, 0));
	nfexp_destroy(e);
	nfct_destroy(m);
	nfct_destroy(x);
	nfct_destroy(k);
}

/* ---- the judges ---------------------------------------------------------- */

static void judge(const char *path)
{
	char *py[] = { "/usr/bin/env", "python3", CHECKER, SCHEMA, (char *)path, NULL };
	char cmd[512];
	char *sh[] = { "/bin/sh", "-c", cmd, NULL };
	struct oracle_out o;

	assert_int_equal(oracle_run(ORACLE_OURS, py, NULL, &o), 0);
	if (o.status != 0)
		fail_msg("json_check.py:\n%s%s", o.out, o.err);
	assert_int_equal((unsigned int)atoi(o.out), emitted);
	oracle_free(&o);

	if (access(JQ, X_OK) != 0) {
		if (test_in_ci())
			fail_msg("jq is missing (scripts/packages.txt)");
		return;
	}
	/* jq reads each line as JSON and checks what every line must hold */
	snprintf(cmd, sizeof(cmd),
		 JQ " -e -s 'length == %u and all(.[]; .version == 1 and "
		 "(.kind == \"conntrack\" or .kind == \"expect\") and "
		 "(has(\"type\") | not) and (has(\"attrs\") | not))' %s",
		 emitted, path);
	assert_int_equal(oracle_run(ORACLE_OURS, sh, NULL, &o), 0);
	if (o.status != 0)
		fail_msg("jq -e: status %d\n%s%s", o.status, o.out, o.err);
	oracle_free(&o);
}

static void test_json_corpus(void **state)
{
	char path[] = "/tmp/nfct-json-XXXXXX";
	int fd;

	(void)state;
	test_netns_enter();
	fd = mkstemp(path);
	assert_true(fd >= 0);
	corpus = fdopen(fd, "w");
	assert_non_null(corpus);
	emitted = 0;
	random_objects();
	random_expectations();
	from_kernel();
	ftp_expectation();
	assert_int_equal(fclose(corpus), 0);

	/* the TCP entry's destroy event, with counters, and small */
	assert_int_equal(tcp_destroys, 1);
	assert_true(tcp_destroy_max <= TYPICAL_MAX);
	judge(path);
	unlink(path);
}

static int count(const char *text, const char *what)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

/* ---- rules the schema cannot say ----------------------------------------- */

static char *render(const struct nf_conntrack *ct, unsigned int type,
		    unsigned int flags)
{
	static char buf[4096];
	int len = nfct_ext_snprintf_json(buf, sizeof(buf), ct, type, flags);

	assert_true(len > 0 && len < (int)sizeof(buf));
	return buf;
}

static void has(const char *text, const char *what, bool yes)
{
	if ((strstr(text, what) != NULL) != yes)
		fail_msg("%s \"%s\" in %s", yes ? "expected" : "did not expect",
			 what, text);
}

/*
 * A typical TCP event with counters as the kernel reports it: an update
 * of an established web connection with accounting on (its counters,
 * TCP window scale and flags, a 10-digit id, the zeroed synproxy block
 * of an entry made by `conntrack -I`).
 */
static struct nf_conntrack *typical_tcp(void)
{
	struct nf_conntrack *ct = nfct_new();
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	struct nlattr *nest;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	for (int dir = 0; dir < 2; dir++) {
		nest = mnl_attr_nest_start(nlh, dir ? CTA_COUNTERS_REPLY :
						      CTA_COUNTERS_ORIG);
		mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS,
				 htobe64(dir ? 21 : 25));
		mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES,
				 htobe64(dir ? 48312 : 3154));
		mnl_attr_nest_end(nlh, nest);
	}
	assert_int_equal(nfct_nlmsg_parse(nlh, ct), 0);
	tuple4(ct, IPPROTO_TCP, "192.168.100.100", "192.168.100.200", 54321, 443);
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, TCP_CONNTRACK_ESTABLISHED);
	nfct_set_attr_u8(ct, ATTR_TCP_FLAGS_ORIG, 0x27);
	nfct_set_attr_u8(ct, ATTR_TCP_FLAGS_REPL, 0x23);
	nfct_set_attr_u8(ct, ATTR_TCP_MASK_ORIG, 0);
	nfct_set_attr_u8(ct, ATTR_TCP_MASK_REPL, 0);
	nfct_set_attr_u8(ct, ATTR_TCP_WSCALE_ORIG, 7);
	nfct_set_attr_u8(ct, ATTR_TCP_WSCALE_REPL, 7);
	nfct_set_attr_u32(ct, ATTR_STATUS, IPS_ASSURED | IPS_SEEN_REPLY | IPS_CONFIRMED);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 431999);
	nfct_set_attr_u32(ct, ATTR_MARK, 0);
	nfct_set_attr_u32(ct, ATTR_ID, 3735928559u);
	for (int t = ATTR_SYNPROXY_ISN; t <= ATTR_SYNPROXY_TSOFF; t++)
		nfct_set_attr_u32(ct, t, 0);
	return ct;
}

static void test_json_typical_size(void **state)
{
	struct nf_conntrack *ct = typical_tcp();
	char *text = render(ct, NFCT_T_UPDATE, 0);

	(void)state;
	print_message("typical TCP update event, %zu bytes: %s\n",
		      strlen(text), text);
	assert_true(strlen(text) <= TYPICAL_MAX);
	/* each value once: the tuple is not repeated anywhere */
	has(text, "attrs", false);
	has(text, "\"packets\":25", true);
	assert_int_equal(count(text, "192.168.100.100"), 2);	/* orig src, reply dst */
	assert_int_equal(count(text, "54321"), 2);	/* orig sport, reply dport */
	nfct_destroy(ct);
}

static void test_json_zero_defaults(void **state)
{
	struct nf_conntrack *ct = typical_tcp();
	char *text;

	(void)state;
	nfct_set_attr_u16(ct, ATTR_ZONE, 0);
	nfct_set_attr_u16(ct, ATTR_ORIG_ZONE, 0);
	nfct_set_attr_u32(ct, ATTR_SECMARK, 0);
	text = render(ct, NFCT_T_NEW, 0);
	has(text, "synproxy", false);
	has(text, "mark", false);
	has(text, "zone", false);
	has(text, "tcp_mask", false);
	/* set and not zero: there */
	nfct_set_attr_u32(ct, ATTR_SYNPROXY_ITS, 5);
	nfct_set_attr_u32(ct, ATTR_MARK, 1);
	nfct_set_attr_u16(ct, ATTR_ORIG_ZONE, 3);
	text = render(ct, NFCT_T_NEW, 0);
	has(text, "\"synproxy\":{\"its\":5}", true);
	has(text, "\"mark\":1", true);
	has(text, "\"zone\":3", true);
	/* an object with nothing set says only what it is */
	nfct_destroy(ct);
	ct = nfct_new();
	assert_string_equal(render(ct, NFCT_T_UNKNOWN, 0),
			    "{\"version\":1,\"kind\":\"conntrack\"}");
	nfct_destroy(ct);
}

static void test_json_icmp_names(void **state)
{
	struct nf_conntrack *ct = nfct_new();
	char *text;

	(void)state;
	tuple4(ct, IPPROTO_ICMP, "10.0.0.5", "10.0.0.6", 0, 0);
	nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, 8);
	nfct_set_attr_u8(ct, ATTR_ICMP_CODE, 0);
	nfct_set_attr_u16(ct, ATTR_ICMP_ID, htons(77));
	text = render(ct, NFCT_T_NEW, 0);
	has(text, "\"event\":\"new\"", true);
	has(text, "\"icmp_type\":8,\"icmp_code\":0,\"icmp_id\":77", true);
	has(text, "\"type\"", false);
	/* the reply's ICMP fields are implied by the original's */
	assert_int_equal(count(text, "icmp_type"), 1);
	has(text, "port", false);
	nfct_destroy(ct);
}

static void test_json_times(void **state)
{
	struct nf_conntrack *ct = nfct_new();
	char buf[MNL_SOCKET_BUFFER_SIZE], *text, *p;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *nest;
	struct timespec t0, t1;
	unsigned long long now;

	(void)state;
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
	nest = mnl_attr_nest_start(nlh, CTA_TIMESTAMP);
	mnl_attr_put_u64(nlh, CTA_TIMESTAMP_START, htobe64(1700000000123456789ull));
	mnl_attr_put_u64(nlh, CTA_TIMESTAMP_STOP, htobe64(0));
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(nfct_nlmsg_parse(nlh, ct), 0);

	clock_gettime(CLOCK_REALTIME, &t0);
	text = render(ct, NFCT_T_DESTROY, NFCT_OF_TIME);
	clock_gettime(CLOCK_REALTIME, &t1);
	has(text, "\"start_ns\":1700000000123456789,"
		  "\"start\":\"2023-11-14T22:13:20.123456789Z\"", true);
	has(text, "stop", false);	/* zero: never stopped */
	p = strstr(text, "\"time_ns\":");
	assert_non_null(p);
	now = strtoull(p + 10, NULL, 10);
	assert_true(now >= t0.tv_sec * 1000000000ull + t0.tv_nsec);
	assert_true(now <= t1.tv_sec * 1000000000ull + t1.tv_nsec);
	has(text, "Z\"}", true);
	nfct_destroy(ct);
}

static void test_json_errors(void **state)
{
	struct nf_conntrack *ct = nfct_new();
	struct nf_expect *e = nfexp_new();
	char buf[8];

	(void)state;
	errno = 0;
	assert_int_equal(nfct_ext_snprintf_json(buf, sizeof(buf), NULL, 0, 0), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(nfct_ext_snprintf_json(NULL, 5, ct, 0, 0), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(nfexp_ext_snprintf_json(buf, sizeof(buf), NULL, 0, 0), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(nfexp_ext_snprintf_json(NULL, 1, e, 0, 0), -1);
	assert_int_equal(errno, EINVAL);
	/* size 0 with NULL: only the length */
	assert_int_equal(nfexp_ext_snprintf_json(NULL, 0, e, 0, 0),
			 strlen("{\"version\":1,\"kind\":\"expect\"}"));
	nfct_destroy(ct);
	nfexp_destroy(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_typical_size),
		cmocka_unit_test(test_json_zero_defaults),
		cmocka_unit_test(test_json_icmp_names),
		cmocka_unit_test(test_json_times),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_json_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
