/*
 * Unit tests of the event filter compiler (src/io/bsf.c is built into this
 * program so its internal bsf_compile() can be called for either byte
 * order):
 *  - programs checked instruction by instruction against programs
 *    written by hand from the semantics, for both byte orders;
 *  - our program and the reference's (read back from a socket by
 *    bsf_probe run on the reference library) make the same decision on
 *    a corpus of event messages, run by a small classic BPF interpreter
 *    that models the kernel's netlink extensions;
 *  - bad input;
 *  - long lists, up to the longest that fit in BPF_MAXINSNS: every jump
 *    lands inside the program, every entry decides, the kernel accepts
 *    the program, one entry more is ENOSPC.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/filter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "nfct_test.h"
#include "bsf_scenario.h"

int bsf_compile(const struct nfct_filter *f, int big_endian,
		struct sock_filter *ins, unsigned int max);

#define PROBE TEST_BUILD_DIR "/bsf/bsf_probe"
#define MAXI 4096

/* ---- hand-written programs ------------------------------------------ */

#define I(c, t, f, k) { c, t, f, k }
#define LDX(k)	I(BPF_LDX | BPF_W | BPF_IMM, 0, 0, k)
#define LDI(k)	I(BPF_LD | BPF_W | BPF_IMM, 0, 0, k)
#define NLA	I(BPF_LD | BPF_B | BPF_ABS, 0, 0, SKF_AD_OFF + SKF_AD_NLATTR)
#define NEST	I(BPF_LD | BPF_B | BPF_ABS, 0, 0, SKF_AD_OFF + SKF_AD_NLATTR_NEST)
#define JEQ(k, t, f) I(BPF_JMP | BPF_JEQ | BPF_K, t, f, k)
#define ADD4	I(BPF_ALU | BPF_ADD | BPF_K, 0, 0, 4)
#define AND(k)	I(BPF_ALU | BPF_AND | BPF_K, 0, 0, k)
#define TAX	I(BPF_MISC | BPF_TAX, 0, 0, 0)
#define TXA	I(BPF_MISC | BPF_TXA, 0, 0, 0)
#define LDB(k)	I(BPF_LD | BPF_B | BPF_IND, 0, 0, k)
#define LDH(k)	I(BPF_LD | BPF_H | BPF_IND, 0, 0, k)
#define LDW(k)	I(BPF_LD | BPF_W | BPF_IND, 0, 0, k)
#define JA(k)	I(BPF_JMP | BPF_JA, 0, 0, k)
#define RET(k)	I(BPF_RET | BPF_K, 0, 0, k)
#define DROP	RET(0)
#define PASS	RET(0xffffffff)
/* not ctnetlink: accept; the subsystem is the high byte of nlmsg_type */
#define PROLOGUE(be) LDX(4), LDB((be) ? 0 : 1), JEQ(NFNL_SUBSYS_CTNETLINK, 1, 0), PASS

static void check_prog(const struct nfct_filter *f, int be,
		       const struct sock_filter *want, int n)
{
	struct sock_filter got[MAXI];
	int len = bsf_compile(f, be, got, MAXI);

	assert_int_equal(len, n);
	for (int i = 0; i < n; i++) {
		if (memcmp(&got[i], &want[i], sizeof(got[i])) == 0)
			continue;
		fail_msg("%s-endian insn %d: got %04x %u %u %08x want %04x %u %u %08x",
			 be ? "big" : "little", i, got[i].code, got[i].jt,
			 got[i].jf, got[i].k, want[i].code, want[i].jt,
			 want[i].jf, want[i].k);
	}
}

#define CHECK_BOTH(f, ...) do { \
	for (int be = 0; be < 2; be++) { \
		struct sock_filter w[] = { __VA_ARGS__ }; \
		check_prog(f, be, w, sizeof(w) / sizeof(w[0])); \
	} \
} while (0)

static void test_prog_empty(void **state)
{
	struct nfct_filter *f = nfct_filter_create();

	(void)state;
	CHECK_BOTH(f, PROLOGUE(be), PASS);
	nfct_filter_destroy(f);
}

/* TCP or UDP pass; a message without a protocol passes. */
static void test_prog_l4proto(void **state)
{
	struct nfct_filter *f = nfct_filter_create();

	(void)state;
	nfct_filter_add_attr_u32(f, NFCT_FILTER_L4PROTO, IPPROTO_UDP);
	nfct_filter_add_attr_u32(f, NFCT_FILTER_L4PROTO, IPPROTO_TCP);
	CHECK_BOTH(f, PROLOGUE(be),
		   LDI(20), LDX(CTA_TUPLE_ORIG), NLA, JEQ(0, 13, 0),
		   ADD4, LDX(CTA_TUPLE_PROTO), NLA, JEQ(0, 9, 0),
		   ADD4, LDX(CTA_PROTO_NUM), NLA, JEQ(0, 5, 0),
		   TAX, LDB(4), JEQ(6, 2, 0), JEQ(17, 1, 0), DROP,
		   PASS);
	assert_int_equal(nfct_filter_set_logic(f, NFCT_FILTER_L4PROTO,
					       NFCT_FILTER_LOGIC_NEGATIVE), 0);
	CHECK_BOTH(f, PROLOGUE(be),
		   LDI(20), LDX(CTA_TUPLE_ORIG), NLA, JEQ(0, 14, 0),
		   ADD4, LDX(CTA_TUPLE_PROTO), NLA, JEQ(0, 10, 0),
		   ADD4, LDX(CTA_PROTO_NUM), NLA, JEQ(0, 6, 0),
		   TAX, LDB(4), JEQ(6, 2, 0), JEQ(17, 1, 0), JA(1), DROP,
		   PASS);
	nfct_filter_destroy(f);
}

/* Two IPv6 sources, negative: any differing word tries the next one. */
static void test_prog_ipv6(void **state)
{
	struct nfct_filter *f = nfct_filter_create();
	struct nfct_filter_ipv6 a = { { 1, 2, 3, 4 }, { ~0u, ~0u, ~0u, 0xffff0000 } };
	struct nfct_filter_ipv6 b = { { 5, 6, 7, 8 }, { ~0u, 0, 0, 0 } };

	(void)state;
	nfct_filter_add_attr(f, NFCT_FILTER_DST_IPV6, &a);
	nfct_filter_add_attr(f, NFCT_FILTER_DST_IPV6, &b);
	nfct_filter_set_logic(f, NFCT_FILTER_DST_IPV6, NFCT_FILTER_LOGIC_NEGATIVE);
	CHECK_BOTH(f, PROLOGUE(be),
		   LDI(20), LDX(CTA_TUPLE_ORIG), NLA, JEQ(0, 33, 0),
		   LDX(CTA_TUPLE_IP), NEST, JEQ(0, 30, 0),
		   LDX(CTA_IP_V6_DST), NEST, JEQ(0, 27, 0), TAX,
		   LDW(4), AND(~0u), JEQ(1, 0, 9),
		   LDW(8), AND(~0u), JEQ(2, 0, 6),
		   LDW(12), AND(~0u), JEQ(3, 0, 3),
		   LDW(16), AND(0xffff0000), JEQ(0, 13, 0),
		   LDW(4), AND(~0u), JEQ(5, 0, 9),
		   LDW(8), AND(0), JEQ(0, 0, 6),
		   LDW(12), AND(0), JEQ(0, 0, 3),
		   LDW(16), AND(0), JEQ(0, 1, 0),
		   JA(1), DROP,
		   PASS);
	nfct_filter_destroy(f);
}

/* IPv4 source, then mark (a missing mark is mark 0), then zone. */
static void test_prog_ipv4_mark_zone(void **state)
{
	struct nfct_filter *f = nfct_filter_create();
	struct nfct_filter_ipv4 a = { 0x0a000001, 0xffffff00 };
	struct nfct_filter_dump_mark m1 = { 0x15, 0xff }, m2 = { 2, ~0u };
	uint16_t z = 3;

	(void)state;
	nfct_filter_add_attr(f, NFCT_FILTER_SRC_IPV4, &a);
	nfct_filter_add_attr(f, NFCT_FILTER_MARK, &m1);
	nfct_filter_add_attr(f, NFCT_FILTER_MARK, &m2);
	nfct_filter_add_attr(f, NFCT_FILTER_ZONE, &z);
	nfct_filter_add_attr_u32(f, NFCT_FILTER_ZONE, 0);
	nfct_filter_set_logic(f, NFCT_FILTER_ZONE, NFCT_FILTER_LOGIC_NEGATIVE);
	CHECK_BOTH(f, PROLOGUE(be),
		   LDI(20), LDX(CTA_TUPLE_ORIG), NLA, JEQ(0, 13, 0),
		   ADD4, LDX(CTA_TUPLE_IP), NLA, JEQ(0, 9, 0),
		   ADD4, LDX(CTA_IP_V4_SRC), NLA, JEQ(0, 5, 0),
		   TAX, LDW(4), AND(0xffffff00), JEQ(0x0a000000, 1, 0), DROP,
		   LDI(20), LDX(CTA_MARK), NLA, JEQ(0, 2, 0), TAX, LDW(4), TAX,
		   AND(0xff), JEQ(0x15, 5, 0), TXA,
		   AND(~0u), JEQ(2, 2, 0), TXA,
		   DROP,
		   LDI(20), LDX(CTA_ZONE), NLA, JEQ(0, 2, 0), TAX, LDH(4),
		   JEQ(3, 2, 0), JEQ(0, 1, 0), JA(1), DROP,
		   PASS);
	nfct_filter_destroy(f);
}

/*
 * States of two protocols: each protocol is looked for inside
 * CTA_PROTOINFO only; a message of another protocol goes on to the next
 * protocol's code, a message of this protocol is decided here.
 */
static void test_prog_states(void **state)
{
	struct nfct_filter *f = nfct_filter_create();
	struct nfct_filter_proto s1 = { IPPROTO_SCTP, 3 }, s2 = { IPPROTO_TCP, 2 };
	struct nfct_filter_proto s3 = { IPPROTO_TCP, 4 };

	(void)state;
	nfct_filter_add_attr(f, NFCT_FILTER_L4PROTO_STATE, &s1);
	nfct_filter_add_attr(f, NFCT_FILTER_L4PROTO_STATE, &s2);
	CHECK_BOTH(f, PROLOGUE(be),
		   LDI(20), LDX(CTA_PROTOINFO), NLA, JEQ(0, 26, 0),
		   LDX(CTA_PROTOINFO_TCP), NEST, JEQ(0, 8, 0),
		   ADD4, LDX(CTA_PROTOINFO_TCP_STATE), NLA, JEQ(0, 4, 0),
		   TAX, LDB(4), JEQ(2, 16, 0), DROP,
		   LDI(20), LDX(CTA_PROTOINFO), NLA, JEQ(0, 11, 0),
		   LDX(CTA_PROTOINFO_SCTP), NEST, JEQ(0, 8, 0),
		   ADD4, LDX(CTA_PROTOINFO_SCTP_STATE), NLA, JEQ(0, 4, 0),
		   TAX, LDB(4), JEQ(3, 1, 0), DROP,
		   PASS);
	/* one protocol: as the reference, looked up from the payload */
	nfct_filter_destroy(f);
	f = nfct_filter_create();
	nfct_filter_add_attr(f, NFCT_FILTER_L4PROTO_STATE, &s3);
	nfct_filter_add_attr(f, NFCT_FILTER_L4PROTO_STATE, &s2);
	nfct_filter_set_logic(f, NFCT_FILTER_L4PROTO_STATE, NFCT_FILTER_LOGIC_NEGATIVE);
	CHECK_BOTH(f, PROLOGUE(be),
		   LDI(20), LDX(CTA_PROTOINFO), NLA, JEQ(0, 14, 0),
		   ADD4, LDX(CTA_PROTOINFO_TCP), NLA, JEQ(0, 10, 0),
		   ADD4, LDX(CTA_PROTOINFO_TCP_STATE), NLA, JEQ(0, 6, 0),
		   TAX, LDB(4), JEQ(2, 2, 0), JEQ(4, 1, 0), JA(1), DROP,
		   PASS);
	nfct_filter_destroy(f);
}

/* ---- bad input and limits ------------------------------------------- */

static int attach_errno(struct nfct_filter *f)
{
	struct sock_filter ins[MAXI];

	errno = 0;
	if (bsf_compile(f, 0, ins, MAXI) >= 0)
		return 0;
	return errno;
}

static void test_errors(void **state)
{
	struct nfct_filter *f = nfct_filter_create();
	struct nfct_filter_proto udp = { IPPROTO_UDP, 1 }, big = { IPPROTO_TCP, 16 };
	static const char zero[64];

	(void)state;
	/* set_logic: reference return values for valid use */
	assert_int_equal(nfct_filter_set_logic(f, NFCT_FILTER_MARK, NFCT_FILTER_LOGIC_NEGATIVE), 0);
	errno = 0;
	assert_int_equal(nfct_filter_set_logic(f, NFCT_FILTER_MARK, NFCT_FILTER_LOGIC_POSITIVE), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(nfct_filter_set_logic(f, NFCT_FILTER_ZONE, NFCT_FILTER_LOGIC_NEGATIVE), 0);
	assert_int_equal(attach_errno(f), 0);
	/* nonsense is reported and recorded */
	errno = 0;
	assert_int_equal(nfct_filter_set_logic(f, NFCT_FILTER_MAX, NFCT_FILTER_LOGIC_POSITIVE), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	assert_int_equal(attach_errno(f), EINVAL);
	nfct_filter_destroy(f);

	f = nfct_filter_create();
	errno = 0;
	assert_int_equal(nfct_filter_set_logic(f, NFCT_FILTER_MARK, NFCT_FILTER_LOGIC_MAX), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(attach_errno(f), EINVAL);
	nfct_filter_destroy(f);

	/* each of these records EINVAL */
	for (int c = 0; c < 6; c++) {
		f = nfct_filter_create();
		switch (c) {
		case 0: nfct_filter_add_attr(f, NFCT_FILTER_L4PROTO_STATE, &udp); break;
		case 1: nfct_filter_add_attr(f, NFCT_FILTER_L4PROTO_STATE, &big); break;
		case 2: nfct_filter_add_attr(f, NFCT_FILTER_MAX, zero); break;
		case 3: nfct_filter_add_attr(f, NFCT_FILTER_MARK, NULL); break;
		case 4: nfct_filter_add_attr_u32(f, NFCT_FILTER_ZONE, 65536); break;
		case 5: nfct_filter_add_attr_u32(f, NFCT_FILTER_SRC_IPV4, 1); break;
		}
		assert_int_equal(attach_errno(f), EINVAL);
		nfct_filter_destroy(f);
	}
	/* protocols above 255 cannot be in the 8-bit field: ignored */
	f = nfct_filter_create();
	for (uint32_t p = 256; p < 263; p++)
		nfct_filter_add_attr_u32(f, NFCT_FILTER_L4PROTO, p);
	nfct_filter_add_attr_u32(f, NFCT_FILTER_L4PROTO, ~0u);
	CHECK_BOTH(f, PROLOGUE(be), PASS);
	nfct_filter_destroy(f);
	/* NULL filters */
	nfct_filter_add_attr(NULL, NFCT_FILTER_MARK, zero);
	nfct_filter_add_attr_u32(NULL, NFCT_FILTER_L4PROTO, 6);
	nfct_filter_destroy(NULL);
	errno = 0;
	assert_int_equal(nfct_filter_set_logic(NULL, 0, 0), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(nfct_filter_attach(0, NULL), -1);
	assert_int_equal(errno, EINVAL);
}

/* ---- decisions: a classic BPF interpreter ---------------------------- */

/* Kernel nla_find(): the first attribute of @type in [off, off+len). */
static uint32_t nla_find(const uint8_t *pkt, uint32_t off, uint32_t len,
			 uint32_t type)
{
	while (len >= 4) {
		uint16_t nlen, ntype;

		memcpy(&nlen, pkt + off, 2);
		memcpy(&ntype, pkt + off + 2, 2);
		if (nlen < 4 || nlen > len)
			return 0;
		if ((ntype & NLA_TYPE_MASK) == type)
			return off;
		nlen = (nlen + 3) & ~3u;
		if (nlen >= len)
			return 0;
		off += nlen;
		len -= nlen;
	}
	return 0;
}

static uint32_t anc(const uint8_t *pkt, uint32_t len, uint32_t k, uint32_t a,
		    uint32_t x)
{
	uint16_t nlen;

	if (k == (uint32_t)(SKF_AD_OFF + SKF_AD_NLATTR)) {
		if (a > len)
			return 0;
		return nla_find(pkt, a, len - a, x);
	}
	/* SKF_AD_NLATTR_NEST: A is the nest's header */
	if (len < 4 || a > len - 4)
		return 0;
	memcpy(&nlen, pkt + a, 2);
	if (nlen < 4 || nlen > len - a)
		return 0;
	return nla_find(pkt, a + 4, nlen - 4, x);
}

static int load(const uint8_t *pkt, uint32_t len, uint32_t at, int size,
		uint32_t *v)
{
	if (at > len || (uint32_t)size > len - at)
		return -1;
	*v = 0;
	for (int i = 0; i < size; i++)
		*v = (*v << 8) | pkt[at + i];
	return 0;
}

/* Run @prog on @pkt: the return value, or -1 for a bad program. */
static long run_bpf(const struct sock_filter *prog, int n, const uint8_t *pkt,
		    uint32_t len)
{
	uint32_t a = 0, x = 0;

	for (int pc = 0; pc >= 0 && pc < n; pc++) {
		const struct sock_filter *i = &prog[pc];
		int size = BPF_SIZE(i->code) == BPF_W ? 4 : BPF_SIZE(i->code) == BPF_H ? 2 : 1;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_IMM: a = i->k; break;
		case BPF_LDX | BPF_W | BPF_IMM: x = i->k; break;
		case BPF_LD | BPF_B | BPF_ABS:
			if (i->k >= (uint32_t)SKF_AD_OFF) {
				a = anc(pkt, len, i->k, a, x);
				break;
			}
			/* fall through */
		case BPF_LD | BPF_H | BPF_ABS:
		case BPF_LD | BPF_W | BPF_ABS:
			if (load(pkt, len, i->k, size, &a))
				return 0;
			break;
		case BPF_LD | BPF_B | BPF_IND:
		case BPF_LD | BPF_H | BPF_IND:
		case BPF_LD | BPF_W | BPF_IND:
			if (load(pkt, len, x + i->k, size, &a))
				return 0;	/* the kernel drops too */
			break;
		case BPF_ALU | BPF_ADD | BPF_K: a += i->k; break;
		case BPF_ALU | BPF_AND | BPF_K: a &= i->k; break;
		case BPF_MISC | BPF_TAX: x = a; break;
		case BPF_MISC | BPF_TXA: a = x; break;
		case BPF_JMP | BPF_JA: pc += i->k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == i->k ? i->jt : i->jf; break;
		case BPF_RET | BPF_K: return i->k;
		default:
			return -1;
		}
	}
	return -1;
}

/* The program bsf_probe attaches for @spec on library @lib. */
static int probe_prog(enum oracle_lib lib, const char *spec,
		      struct sock_filter *prog)
{
	char *argv[64] = { PROBE, "dump" };
	char buf[1024], *save = NULL, *line;
	struct oracle_out out;
	int argc = 2, n = 0;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *t = strtok_r(buf, " ", &save); t && argc < 63; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	setenv("BSF_VERBOSE", "1", 1);
	assert_int_equal(oracle_run(lib, argv, NULL, &out), 0);
	assert_int_equal(out.status, 0);
	for (line = strtok_r(out.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned int idx, code, jt, jf, k;

		if (sscanf(line, "%u: %x %u %u %x", &idx, &code, &jt, &jf, &k) != 5)
			continue;
		prog[n++] = (struct sock_filter){ code, jt, jf, k };
	}
	oracle_free(&out);
	return n;
}

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1103515245 + 12345;
	return *s >> 8;
}

/* Event messages: the scenario's entries and many variations. */
static int build_corpus(uint8_t **msgs, uint32_t *lens, int max)
{
	static const uint32_t v4[] = { 0x0a000001, 0x0a000002, 0x0a0000fe, 0x0a000101,
				       0xc0a80101, 0x7f000001, 0x05000100, 0 };
	static const uint8_t protos[] = { 6, 17, 132, 33, 1, 136 };
	static const uint32_t marks[] = { 0, 1, 2, 5, 7, 0x105, 0x15, 0xff };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seed = 42;
	int n = 0;

	for (int i = 0; i < max; i++) {
		struct sc_entry e;
		struct nlmsghdr *nlh;

		if (i < sc_count) {
			e = sc_table[i];
		} else {
			memset(&e, 0, sizeof(e));
			e.family = lcg(&seed) % 3 ? AF_INET : AF_INET6;
			e.proto = protos[lcg(&seed) % 6];
			for (int w = 0; w < 4; w++) {
				int one = e.family == AF_INET && w > 0;
				e.src[w] = one ? 0 : v4[lcg(&seed) % 8];
				e.dst[w] = one ? 0 : v4[lcg(&seed) % 8];
			}
			if (e.family == AF_INET6 && lcg(&seed) % 2) {
				e.src[0] = 0x20010db8;
				e.dst[0] = 0xfe800000;
			}
			e.sport = lcg(&seed);
			e.dport = lcg(&seed);
			e.state = lcg(&seed) % 11;
			e.mark = marks[lcg(&seed) % 8];
			e.zone = lcg(&seed) % 4;
		}
		nlh = scenario_build_event(buf, &e, i % 3 ? IPCTNL_MSG_CT_NEW : IPCTNL_MSG_CT_DELETE);
		if (i == max - 1)	/* not ctnetlink: always accepted */
			nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK_EXP << 8) | 0;
		msgs[n] = malloc(nlh->nlmsg_len);
		memcpy(msgs[n], nlh, nlh->nlmsg_len);
		lens[n++] = nlh->nlmsg_len;
	}
	return n;
}

/* Filters where the reference behaves (no list long enough to wrap its
 * jumps, one IPv6 entry per direction, states of one protocol). */
static const char *const same_specs[] = {
	"",
	"p=6",
	"p=17 p=6 p=17",
	"p=6 p=132 n=0",
	"s=6:3",
	"s=6:3 s=6:1 n=1",
	"s=132:3",
	"s=132:3 s=132:1 n=1",
	"s=33:1",
	"4s=10.0.0.1/ffffff00 4s=10.0.0.2",
	"4s=10.0.0.1/ffffff00 4s=192.168.1.1 n=2",
	"4d=10.0.0.1 4d=10.0.1.1 n=3",
	"4d=10.0.0.0/ffffff00",
	"4d=5.0.1.0/ffffff00",
	"6s=2001:db8::1/64",
	"6s=2001:db8::/32 n=4",
	"6d=fe80::/16",
	"6d=a00:1:a00:2::/64 n=5",
	"m=5/ff",
	"m=1 m=2 n=6",
	"m=0",
	"m=0/ffff n=6",
	"p=6 n=0 m=1",
	"p=6 p=17 4s=10.0.0.0/ffffff00 m=5/f",
	"p=6 s=6:3 4s=10.0.0.1/ffffff00 4d=10.0.1.1 6s=2001:db8::1/64 6d=::2 m=5/ff m=7",
	"p=6 p=17 s=6:3 4s=10.0.0.1/ffffff00 4d=10.0.1.1 6s=2001:db8::1/64 6d=::2 m=5/ff m=7 n=0 n=1 n=2 n=3 n=4 n=5 n=6",
	"s=6:3 n=1 m=1 4d=10.0.0.254/fffffff0 n=3",
	/* lists as long as the reference gets right ("KIND*N": N entries
	 * no message has), the deciding entry last */
	"p=0-16 p=18-255",
	"p=0-262 n=0",
	"4s*83 4s=10.0.0.1/ffffff00",
	"4d*84 4d=10.0.1.1 n=3",
	"m*84 m=5/ff",
	"m*84 m=1 n=6",
	"6s=2001:db8::/32 6s*84",
};

static void test_same_decisions(void **state)
{
	enum { NMSG = 1500 };
	static uint8_t *msgs[NMSG];
	static uint32_t lens[NMSG];
	static struct sock_filter ours[MAXI], ref[MAXI];
	int n = build_corpus(msgs, lens, NMSG);

	(void)state;
	for (size_t s = 0; s < sizeof(same_specs) / sizeof(same_specs[0]); s++) {
		int no = probe_prog(ORACLE_OURS, same_specs[s], ours);
		int nr = probe_prog(ORACLE_REF, same_specs[s], ref);
		int passed = 0, dropped = 0;

		assert_true(no > 0 && nr > 0);
		for (int m = 0; m < n; m++) {
			long ro = run_bpf(ours, no, msgs[m], lens[m]);
			long rr = run_bpf(ref, nr, msgs[m], lens[m]);

			assert_true(ro == 0 || ro == 0xffffffff);
			if (ro != rr)
				fail_msg("filter '%s' message %d: ours %ld, reference %ld",
					 same_specs[s], m, ro, rr);
			ro ? passed++ : dropped++;
		}
		/* the corpus must exercise both outcomes of real filters */
		if (same_specs[s][0] && (passed == 0 || dropped == 0))
			fail_msg("filter '%s': corpus passes %d, drops %d",
				 same_specs[s], passed, dropped);
	}
	for (int m = 0; m < n; m++)
		free(msgs[m]);
}

/* ---- long lists ------------------------------------------------------ */

/*
 * Conditional jumps have 8-bit offsets; long lists reach their targets
 * through BPF_JA trampolines. These tests build lists of every kind up
 * to the longest that fits in BPF_MAXINSNS and check that every jump
 * lands inside the program and every entry decides.
 */

enum kind { K_SRC4, K_DST4, K_SRC6, K_DST6, K_MARK, K_ZONE, K_NKINDS };

static const char *const kind_name[K_NKINDS] = {
	"IPv4 source", "IPv4 destination", "IPv6 source",
	"IPv6 destination", "mark", "zone",
};

static const enum nfct_filter_attr kind_attr[K_NKINDS] = {
	NFCT_FILTER_SRC_IPV4, NFCT_FILTER_DST_IPV4, NFCT_FILTER_SRC_IPV6,
	NFCT_FILTER_DST_IPV6, NFCT_FILTER_MARK, NFCT_FILTER_ZONE,
};

/* Value of entry @i: distinct for each i; NO_ENTRY gives one of none. */
#define NO_ENTRY 0xffffffffu

static uint32_t v4_of(unsigned int i)
{
	return i == NO_ENTRY ? 0x0b000001 : 0x0b000000 + 3 * i;
}

static uint32_t mark_of(unsigned int i)
{
	return i == NO_ENTRY ? 0x10001 : 0x10000 + 3 * i;
}

static uint16_t zone_of(unsigned int i)
{
	return i == NO_ENTRY ? 999 : 1000 + i;
}

static void add_entry(struct nfct_filter *f, enum kind k, unsigned int i)
{
	struct nfct_filter_ipv4 a4 = { v4_of(i), ~0u };
	struct nfct_filter_ipv6 a6 = { { 0x20020000, i, 0, 7 }, { ~0u, ~0u, ~0u, ~0u } };
	struct nfct_filter_dump_mark m = { mark_of(i), ~0u };
	uint16_t z = zone_of(i);

	switch (k) {
	case K_SRC4: case K_DST4: nfct_filter_add_attr(f, kind_attr[k], &a4); break;
	case K_SRC6: case K_DST6: nfct_filter_add_attr(f, kind_attr[k], &a6); break;
	case K_MARK: nfct_filter_add_attr(f, kind_attr[k], &m); break;
	default: nfct_filter_add_attr(f, kind_attr[k], &z); break;
	}
}

/* A filter of @n entries of kind @k, with negative logic if asked. */
static struct nfct_filter *long_filter(enum kind k, unsigned int n, int negative)
{
	struct nfct_filter *f = nfct_filter_create();

	assert_non_null(f);
	for (unsigned int i = 0; i < n; i++)
		add_entry(f, k, i);
	if (negative)
		assert_int_equal(nfct_filter_set_logic(f, kind_attr[k],
						       NFCT_FILTER_LOGIC_NEGATIVE), 0);
	return f;
}

/* An event whose attribute of kind @k is entry @i's value. */
static struct sc_entry entry_event(enum kind k, unsigned int i)
{
	struct sc_entry e = { AF_INET, IPPROTO_UDP, { 0x0c000001 }, { 0x0c000002 },
			      1000, 53, 0, 0, 0 };
	uint32_t v6[4] = { 0x20020000, i, 0, i == NO_ENTRY ? 8 : 7 };

	switch (k) {
	case K_SRC4: e.src[0] = v4_of(i); break;
	case K_DST4: e.dst[0] = v4_of(i); break;
	case K_SRC6: e.family = AF_INET6; memcpy(e.src, v6, sizeof(v6)); break;
	case K_DST6: e.family = AF_INET6; memcpy(e.dst, v6, sizeof(v6)); break;
	case K_MARK: e.mark = mark_of(i); break;
	default: e.zone = zone_of(i); break;
	}
	return e;
}

/*
 * The program is one the kernel accepts: at most BPF_MAXINSNS
 * instructions, the last a return, every jump landing inside it.
 */
static void assert_valid_prog(const struct sock_filter *prog, int n, const char *what)
{
	if (n <= 0 || n > BPF_MAXINSNS)
		fail_msg("%s: %d instructions", what, n);
	if (BPF_CLASS(prog[n - 1].code) != BPF_RET)
		fail_msg("%s: last instruction %04x is not a return", what, prog[n - 1].code);
	for (int pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &prog[pc];
		uint64_t left = (uint64_t)n - pc - 1;

		if (BPF_CLASS(i->code) != BPF_JMP)
			continue;
		if (BPF_OP(i->code) == BPF_JA ? i->k >= left
					       : i->jt >= left || i->jf >= left)
			fail_msg("%s: jump at %d (%04x %u %u %u) leaves the program of %d",
				 what, pc, i->code, i->jt, i->jf, i->k, n);
	}
}

static int host_big_endian(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *)&one == 0;
}

/* Compile @f for both byte orders, check both; the host's in @prog. */
static int compile_valid(const struct nfct_filter *f, struct sock_filter *prog,
			 const char *what)
{
	static struct sock_filter other[MAXI];
	int be = host_big_endian();
	int n = bsf_compile(f, be, prog, MAXI);
	int no = bsf_compile(f, !be, other, MAXI);

	assert_valid_prog(prog, n, what);
	assert_valid_prog(other, no, what);
	assert_int_equal(n, no);
	return n;
}

/* Decision of @prog on the event @e, run as the kernel would. */
static long decide(const struct sock_filter *prog, int n, const struct sc_entry *e)
{
	static char buf[8192];	/* an event is a few hundred bytes */
	struct nlmsghdr *nlh = scenario_build_event(buf, e, IPCTNL_MSG_CT_NEW);

	return run_bpf(prog, n, (const uint8_t *)nlh, nlh->nlmsg_len);
}

/*
 * Every entry of a list of @n passes (drops with negative logic), a
 * value of no entry drops (passes). The program is attached to a new
 * socket (a replaced program is uncharged only after an RCU grace
 * period): the kernel must accept it, except that it may refuse the
 * longest ones (@longest) with ENOMEM, beyond the socket's option memory
 * (net.core.optmem_max, charged with the program converted to eBPF).
 */
static void check_list(enum kind k, unsigned int n, int negative, int longest)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	static struct sock_filter prog[MAXI];
	struct nfct_filter *f = long_filter(k, n, negative);
	char what[64];
	int len;

	snprintf(what, sizeof(what), "%u %s entries%s", n, kind_name[k],
		 negative ? ", negative" : "");
	len = compile_valid(f, prog, what);
	assert_true(fd >= 0);
	errno = 0;
	if (nfct_filter_attach(fd, f) < 0 && !(longest && errno == ENOMEM))
		fail_msg("%s: the kernel refused it: %s", what, strerror(errno));
	close(fd);
	for (unsigned int i = 0; i <= n; i++) {
		unsigned int entry = i < n ? i : NO_ENTRY;
		struct sc_entry e = entry_event(k, entry);
		long want = (entry != NO_ENTRY) != negative ? 0xffffffff : 0;
		long got = decide(prog, len, &e);

		if (got != want)
			fail_msg("%s: entry %d decided %ld, want %ld", what,
				 entry == NO_ENTRY ? -1 : (int)entry, got, want);
	}
	/* IPv6 events have no IPv4 source: the block passes them */
	if (k == K_SRC4) {
		struct sc_entry e = entry_event(K_SRC6, NO_ENTRY);

		assert_int_equal(decide(prog, len, &e), 0xffffffff);
	}
	nfct_filter_destroy(f);
}

/* errno of compiling @n entries of kind @k, 0 if it compiles. */
static int list_errno(enum kind k, unsigned int n, int negative)
{
	struct nfct_filter *f = long_filter(k, n, negative);
	int err = attach_errno(f);

	nfct_filter_destroy(f);
	return err;
}

/* The longest list of kind @k that compiles. */
static unsigned int longest_list(enum kind k, int negative)
{
	unsigned int lo = 1, hi = BPF_MAXINSNS;	/* lo fits, hi does not */

	assert_int_equal(list_errno(k, lo, negative), 0);
	assert_int_equal(list_errno(k, hi, negative), ENOSPC);
	while (hi - lo > 1) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (list_errno(k, mid, negative) == 0)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Lists of the reference's sizes (85), longer (300) and the longest that
 * fit: every entry decides, with both logics. The longest fills the
 * program up to a few instructions (one entry, an island, the block's
 * end) and one entry more fails with ENOSPC, attaching nothing, as does
 * a list of 5000. The kernel accepts the programs (see check_list()).
 */
static void test_long_lists(void **state)
{
	static struct sock_filter prog[MAXI];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);

	(void)state;
	assert_true(fd >= 0);
	for (int k = 0; k < K_NKINDS; k++) {
		for (int neg = 0; neg < 2; neg++) {
			unsigned int max = longest_list(k, neg);
			const unsigned int sizes[] = { 85, 300, 1000 };
			struct nfct_filter *f = long_filter(k, max, neg);
			int len = compile_valid(f, prog, kind_name[k]);

			if (len <= BPF_MAXINSNS - 20)
				fail_msg("%s: the longest list (%u) makes only %d instructions",
					 kind_name[k], max, len);
			nfct_filter_destroy(f);

			f = long_filter(k, max + 1, neg);
			errno = 0;
			assert_int_equal(nfct_filter_attach(fd, f), -1);
			assert_int_equal(errno, ENOSPC);
			nfct_filter_destroy(f);
			assert_int_equal(list_errno(k, 5000, neg), ENOSPC);

			for (int s = 0; s < 3; s++)
				if (sizes[s] < max)
					check_list(k, sizes[s], neg, 0);
			check_list(k, max, neg, 1);
		}
	}
	/* the failed attaches attached nothing */
	errno = 0;
	assert_int_equal(nfct_filter_detach(fd), -1);
	assert_int_equal(errno, ENOENT);
	close(fd);
}

/*
 * All 256 protocols fit (and the numbers a C library may have above 255
 * are ignored): every protocol decides, with both logics.
 */
static void test_all_protocols(void **state)
{
	static struct sock_filter prog[MAXI];

	(void)state;
	for (int neg = 0; neg < 2; neg++) {
		struct nfct_filter *f = nfct_filter_create();
		int len;

		/* every number below glibc's IPPROTO_MAX (263) but UDP */
		for (uint32_t p = 0; p < 263; p++)
			if (p != IPPROTO_UDP)
				nfct_filter_add_attr_u32(f, NFCT_FILTER_L4PROTO, p);
		if (neg)
			nfct_filter_set_logic(f, NFCT_FILTER_L4PROTO, NFCT_FILTER_LOGIC_NEGATIVE);
		len = compile_valid(f, prog, "all protocols");
		for (unsigned int p = 0; p < 256; p++) {
			struct sc_entry e = entry_event(K_MARK, NO_ENTRY);
			long want = (p != IPPROTO_UDP) != neg ? 0xffffffff : 0;

			e.proto = p;
			if (decide(prog, len, &e) != want)
				fail_msg("protocol %u%s: decided %ld", p,
					 neg ? " (negative)" : "", decide(prog, len, &e));
		}
		nfct_filter_destroy(f);
	}
}

/*
 * Every kind at once, with long lists and negative logic: islands in
 * several blocks of one program, all states of the three protocols;
 * every jump lands inside, every kind still decides, the kernel takes it.
 */
static void test_everything(void **state)
{
	static struct sock_filter prog[MAXI];
	static const unsigned int count[K_NKINDS] = { 200, 200, 50, 50, 200, 300 };
	struct nfct_filter *f = nfct_filter_create();
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	int len;

	(void)state;
	for (int k = 0; k < K_NKINDS; k++)
		for (unsigned int i = 0; i < count[k]; i++)
			add_entry(f, k, i);
	for (uint32_t p = 0; p < 263; p++)
		if (p != IPPROTO_UDP)
			nfct_filter_add_attr_u32(f, NFCT_FILTER_L4PROTO, p);
	for (int st = 0; st < 16; st++) {
		struct nfct_filter_proto sp[3] = { { 6, st }, { 33, st }, { 132, st } };

		for (int j = 0; j < 3; j++)
			nfct_filter_add_attr(f, NFCT_FILTER_L4PROTO_STATE, &sp[j]);
	}
	for (int k = 0; k < NFCT_FILTER_MAX; k++)
		nfct_filter_set_logic(f, k, NFCT_FILTER_LOGIC_NEGATIVE);
	len = compile_valid(f, prog, "everything");
	assert_true(len > 3000);
	assert_true(fd >= 0);
	assert_int_equal(nfct_filter_attach(fd, f), 0);
	close(fd);
	/* UDP with no listed value passes every block; each listed value,
	 * even the last of its list, drops */
	for (int k = 0; k < K_NKINDS; k++) {
		struct sc_entry none = entry_event(k, NO_ENTRY);
		struct sc_entry last = entry_event(k, count[k] - 1);

		assert_int_equal(decide(prog, len, &none), 0xffffffff);
		assert_int_equal(decide(prog, len, &last), 0);
	}
	nfct_filter_destroy(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prog_empty),
		cmocka_unit_test(test_prog_l4proto),
		cmocka_unit_test(test_prog_ipv6),
		cmocka_unit_test(test_prog_ipv4_mark_zone),
		cmocka_unit_test(test_prog_states),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_lists),
		cmocka_unit_test(test_all_protocols),
		cmocka_unit_test(test_everything),
		cmocka_unit_test(test_same_decisions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
