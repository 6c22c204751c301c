/*
 * Probe for the expectation tests: builds a deterministic random corpus
 * of expectation objects through the public API and prints what the
 * library makes of them. The test runs it on our library and on the
 * reference and compares the output byte for byte.
 *
 *   exp_probe obj N     set/get/is_set/unset, clone, memcpy copies
 *   exp_probe build N   nfexp_nlmsg_build, nfexp_build_expect,
 *                       nfexp_build_query (sequence and port id masked)
 *   exp_probe parse N   nfexp_nlmsg_parse / nfexp_parse_expect on
 *                       messages made here
 *   exp_probe fuzz N    the same, then truncated and corrupted (run on
 *                       ours only: the reference exit()s on some)
 *   exp_probe print N   nfexp_snprintf, every type and buffer size
 *   exp_probe xml N     nfexp_snprintf XML into every buffer size
 *   exp_probe cmp N     nfexp_cmp on related pairs, every flag set
 *   exp_probe cmp1      nfexp_cmp with one attribute or tuple field
 *   exp_probe whole N   tuples set from whole conntrack objects
 *                       missing or different on either side
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnfnetlink/libnfnetlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "probe_msg.h"
#include "probe_rng.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	return xorshift64(&rng);
}

static unsigned int pick(unsigned int n)
{
	return rnd() % n;
}

static int chance(unsigned int pct)
{
	return pick(100) < pct;
}

static const uint8_t l3_pool[] = { AF_INET, AF_INET6, AF_INET, AF_INET6, 0, 7 };
static const uint8_t l4_pool[] = { 6, 17, 1, 58, 47, 132, 136, 33, 0, 99, 6, 17 };

/* Small values make equal fields likely between random objects. */
static uint32_t small(void)
{
	return chance(50) ? pick(3) : (uint32_t)rnd();
}

static void rand_addr(void *dst, size_t len)
{
	unsigned char *p = dst;

	for (size_t i = 0; i < len; i++)
		p[i] = chance(60) ? 0 : (unsigned char)rnd();
	if (chance(30))
		p[len - 1] = (unsigned char)pick(3);
}

/* A conntrack object whose original tuple feeds an expectation tuple. */
static struct nf_conntrack *rand_ct(void)
{
	struct nf_conntrack *ct = nfct_new();
	uint8_t l3 = l3_pool[pick(sizeof(l3_pool))];
	uint8_t l4 = l4_pool[pick(sizeof(l4_pool))];
	unsigned char a[16];

	if (chance(85))
		nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, l3);
	if (l3 == AF_INET6 || (l3 != AF_INET && chance(30))) {
		rand_addr(a, 16);
		if (chance(85))
			nfct_set_attr(ct, ATTR_ORIG_IPV6_SRC, a);
		rand_addr(a, 16);
		if (chance(85))
			nfct_set_attr(ct, ATTR_ORIG_IPV6_DST, a);
	} else {
		if (chance(85))
			nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, small());
		if (chance(85))
			nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_DST, small());
	}
	if (chance(85))
		nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, l4);
	if (l4 == 1 || l4 == 58 || chance(10)) {
		if (chance(80))
			nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, (uint8_t)small());
		if (chance(80))
			nfct_set_attr_u8(ct, ATTR_ICMP_CODE, (uint8_t)small());
		if (chance(80))
			nfct_set_attr_u16(ct, ATTR_ICMP_ID, (uint16_t)small());
	} else {
		if (chance(80))
			nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, (uint16_t)small());
		if (chance(80))
			nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, (uint16_t)small());
	}
	if (chance(15))
		nfct_set_attr_u16(ct, ATTR_ORIG_ZONE, (uint16_t)small());
	/* Attributes outside the original tuple must not matter. */
	if (chance(20))
		nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, (uint32_t)rnd());
	if (chance(20))
		nfct_set_attr_u32(ct, ATTR_MARK, (uint32_t)rnd());
	return ct;
}

static void rand_str(char *s, size_t max)
{
	size_t n = pick(max);

	for (size_t i = 0; i < n; i++)
		s[i] = 'a' + pick(26);
	s[n] = '\0';
}

static const int tuple_attrs[] = {
	ATTR_EXP_MASTER, ATTR_EXP_EXPECTED, ATTR_EXP_MASK, ATTR_EXP_NAT_TUPLE,
};

static struct nf_expect *rand_exp(void)
{
	struct nf_expect *exp = nfexp_new();
	char s[64];

	for (size_t i = 0; i < 4; i++) {
		if (chance(i == 3 ? 25 : 85)) {
			struct nf_conntrack *ct = rand_ct();
			nfexp_set_attr(exp, tuple_attrs[i], ct);
			nfct_destroy(ct);
		}
	}
	if (chance(60))
		nfexp_set_attr_u32(exp, ATTR_EXP_TIMEOUT, small());
	if (chance(30))
		nfexp_set_attr_u16(exp, ATTR_EXP_ZONE, (uint16_t)small());
	if (chance(50))
		nfexp_set_attr_u32(exp, ATTR_EXP_FLAGS,
				   chance(80) ? pick(8) : (uint32_t)rnd());
	if (chance(30))
		nfexp_set_attr_u32(exp, ATTR_EXP_CLASS, small());
	if (chance(50)) {
		rand_str(s, 40);
		nfexp_set_attr(exp, ATTR_EXP_HELPER_NAME, s);
	}
	if (chance(25))
		/* u32: the reference stores 4 bytes whatever the setter */
		nfexp_set_attr_u32(exp, ATTR_EXP_NAT_DIR, pick(3));
	if (chance(25)) {
		rand_str(s, 40);
		nfexp_set_attr(exp, ATTR_EXP_FN, s);
	}
	return exp;
}

static const int orig_attrs[] = {
	ATTR_ORIG_L3PROTO, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV4_DST,
	ATTR_ORIG_IPV6_SRC, ATTR_ORIG_IPV6_DST, ATTR_ORIG_L4PROTO,
	ATTR_ORIG_PORT_SRC, ATTR_ORIG_PORT_DST, ATTR_ICMP_TYPE,
	ATTR_ICMP_CODE, ATTR_ICMP_ID, ATTR_ORIG_ZONE,
};

static void hex(const void *p, size_t len)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < len; i++)
		printf("%02x", c[i]);
}

/* A tuple attribute, read back the way programs do: nfct_get_attr*(). */
static void dump_tuple(const struct nf_expect *exp, int type)
{
	const struct nf_conntrack *ct = nfexp_get_attr(exp, type);

	if (ct == NULL)
		return;
	printf(" t%d{", type);
	for (size_t i = 0; i < sizeof(orig_attrs) / sizeof(orig_attrs[0]); i++) {
		int a = orig_attrs[i];
		if (!nfct_attr_is_set(ct, a))
			continue;
		printf("%d=", a);
		switch (a) {
		case ATTR_ORIG_IPV6_SRC:
		case ATTR_ORIG_IPV6_DST:
			hex(nfct_get_attr(ct, a), 16);
			break;
		case ATTR_ORIG_IPV4_SRC:
		case ATTR_ORIG_IPV4_DST:
			printf("%08x", nfct_get_attr_u32(ct, a));
			break;
		case ATTR_ORIG_PORT_SRC:
		case ATTR_ORIG_PORT_DST:
		case ATTR_ICMP_ID:
		case ATTR_ORIG_ZONE:
			printf("%u", nfct_get_attr_u16(ct, a));
			break;
		default:
			printf("%u", nfct_get_attr_u8(ct, a));
		}
		putchar(' ');
	}
	putchar('}');
}

/* Everything the public getters say about an expectation. */
static void dump_exp(const struct nf_expect *exp)
{
	for (int t = 0; t < ATTR_EXP_MAX; t++)
		putchar(nfexp_attr_is_set(exp, t) > 0 ? '1' : '0');
	for (size_t i = 0; i < 4; i++)
		dump_tuple(exp, tuple_attrs[i]);
	if (nfexp_attr_is_set(exp, ATTR_EXP_TIMEOUT) > 0)
		printf(" to=%u", nfexp_get_attr_u32(exp, ATTR_EXP_TIMEOUT));
	if (nfexp_attr_is_set(exp, ATTR_EXP_ZONE) > 0)
		printf(" zone=%u", nfexp_get_attr_u16(exp, ATTR_EXP_ZONE));
	if (nfexp_attr_is_set(exp, ATTR_EXP_FLAGS) > 0)
		printf(" fl=%x", nfexp_get_attr_u32(exp, ATTR_EXP_FLAGS));
	if (nfexp_attr_is_set(exp, ATTR_EXP_CLASS) > 0)
		printf(" cl=%u", nfexp_get_attr_u32(exp, ATTR_EXP_CLASS));
	if (nfexp_attr_is_set(exp, ATTR_EXP_NAT_DIR) > 0)
		printf(" nd=%u", nfexp_get_attr_u8(exp, ATTR_EXP_NAT_DIR));
	if (nfexp_attr_is_set(exp, ATTR_EXP_HELPER_NAME) > 0)
		printf(" h='%s'", (const char *)nfexp_get_attr(exp, ATTR_EXP_HELPER_NAME));
	if (nfexp_attr_is_set(exp, ATTR_EXP_FN) > 0)
		printf(" fn='%s'", (const char *)nfexp_get_attr(exp, ATTR_EXP_FN));
	putchar('\n');
}

static void mode_obj(unsigned int n)
{
	void *blk = calloc(1, nfexp_maxsize());

	
	for (unsigned int i = 0; i < n; i++) {
		struct nf_expect *exp = rand_exp(), *c;

		dump_exp(exp);
		printf("sizeof-ok %d\n", nfexp_sizeof(exp) <= nfexp_maxsize());
		c = nfexp_clone(exp);
		dump_exp(c);
		/* conntrackd copies objects with memcpy(maxsize) */
		memcpy(blk, exp, nfexp_maxsize());
		nfexp_destroy(exp);
		dump_exp(blk);
		for (int t = 0; t < ATTR_EXP_MAX; t++) {
			if (chance(30)) {
				printf("unset %d -> %d\n", t, nfexp_attr_unset(c, t));
			}
		}
		dump_exp(c);
		/* unsetting does not forget a value for the getters */
		printf("after-unset u32 %u %u u16 %u u8 %u\n",
		       nfexp_get_attr_u32(c, ATTR_EXP_TIMEOUT),
		       nfexp_get_attr_u32(c, ATTR_EXP_FLAGS),
		       nfexp_get_attr_u16(c, ATTR_EXP_ZONE),
		       nfexp_get_attr_u8(c, ATTR_EXP_NAT_DIR));
		nfexp_destroy(c);
	}
	/* A zeroed block is a valid empty expectation. */
	memset(blk, 0, nfexp_maxsize());
	dump_exp(blk);
	free(blk);

	/* typed setters on each scalar attribute */
	for (int w = 0; w < 3; w++) {
		struct nf_expect *exp = nfexp_new();
		int ts[] = { ATTR_EXP_TIMEOUT, ATTR_EXP_ZONE, ATTR_EXP_FLAGS,
			     ATTR_EXP_CLASS, ATTR_EXP_NAT_DIR };
		for (int k = 0; k < 5; k++) {
			if (w == 0)
				nfexp_set_attr_u32(exp, ts[k], 0x81828384);
			else if (w == 1)
				nfexp_set_attr_u16(exp, ts[k], 0x9192);
			else
				nfexp_set_attr_u8(exp, ts[k], 0xa1);
		}
		/* the 16- and 8-bit setters: only the low bytes are defined */
		printf("w%d u8 nd=%x zone16=%x\n", w,
		       nfexp_get_attr_u8(exp, ATTR_EXP_NAT_DIR),
		       w == 0 ? 0u : (unsigned int)(nfexp_get_attr_u16(exp, ATTR_EXP_ZONE) & (w == 1 ? 0xffffu : 0xffu)));
		if (w == 0)
			printf(" u32 %x %x %x\n", nfexp_get_attr_u32(exp, ATTR_EXP_TIMEOUT),
			       nfexp_get_attr_u32(exp, ATTR_EXP_FLAGS),
			       nfexp_get_attr_u32(exp, ATTR_EXP_CLASS));
		nfexp_destroy(exp);
	}
	/* string truncation */
	for (int len = 0; len < 70; len++) {
		struct nf_expect *exp = nfexp_new();
		char s[80];

		for (int k = 0; k < len; k++)
			s[k] = 'A' + k % 26;
		s[len] = '\0';
		nfexp_set_attr(exp, ATTR_EXP_HELPER_NAME, s);
		nfexp_set_attr(exp, ATTR_EXP_FN, s);
		printf("str %d h=%zu fn=%zu\n", len,
		       strlen(nfexp_get_attr(exp, ATTR_EXP_HELPER_NAME)),
		       strlen(nfexp_get_attr(exp, ATTR_EXP_FN)));
		nfexp_destroy(exp);
	}
}

/* Print a message with sequence number and port id masked. */
static void dump_msg(const char *what, void *buf, int ret)
{
	const struct nlmsghdr *nlh = buf;
	struct nlmsghdr h = *nlh;

	printf("%s ret=%d", what, ret);
	/* the reference leaves errno alone when a build has no family */
	if (ret < 0 && strcmp(what, "expect") != 0)
		printf(" errno=%d", errno);
	if (ret < 0) {
		putchar('\n');
		return;
	}
	if (h.nlmsg_len > 4096)
		h.nlmsg_len = 4096;
	if (h.nlmsg_len < sizeof(h))
		h.nlmsg_len = sizeof(h);
	h.nlmsg_seq = 0;
	h.nlmsg_pid = 0;
	if (h.nlmsg_len > 20)
		probe_zero_padding((unsigned char *)buf + 20, h.nlmsg_len - 20);
	putchar(' ');
	hex(&h, sizeof(h));
	putchar(' ');
	hex((const char *)buf + sizeof(h), h.nlmsg_len - sizeof(h));
	putchar('\n');
}

static void mode_build(unsigned int n)
{
	struct nfnl_handle *nfnlh = nfnl_open();
	struct nfnl_subsys_handle *ssh;
	static const int qts[] = {
		NFCT_Q_CREATE, NFCT_Q_UPDATE, NFCT_Q_DESTROY, NFCT_Q_GET,
		NFCT_Q_FLUSH, NFCT_Q_DUMP, NFCT_Q_CREATE_UPDATE,
	};
	static union {
		char buf[8192];
		struct nlmsghdr h;
	} u;

	if (nfnlh == NULL) {
		perror("nfnl_open");
		exit(2);
	}
	ssh = nfnl_subsys_open(nfnlh, NFNL_SUBSYS_CTNETLINK_EXP,
			       IPCTNL_MSG_EXP_MAX, 0);
	for (unsigned int i = 0; i < n; i++) {
		struct nf_expect *exp = rand_exp();
		struct nlmsghdr *nlh;
		struct nfgenmsg *nfg;
		int ret;

		dump_exp(exp);
		memset(u.buf, 0, sizeof(u.buf));
		nlh = mnl_nlmsg_put_header(u.buf);
		nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK_EXP << 8) | IPCTNL_MSG_EXP_NEW;
		nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
		nfg->nfgen_family = AF_INET;
		ret = nfexp_nlmsg_build(nlh, exp);
		dump_msg("nlmsg", u.buf, ret);

		memset(u.buf, 0, sizeof(u.buf));
		ret = nfexp_build_expect(ssh, u.buf, sizeof(u.buf),
					 pick(4), pick(0x1000), exp);
		dump_msg("expect", u.buf, ret);

		for (size_t q = 0; q < sizeof(qts) / sizeof(qts[0]); q++) {
			uint32_t fam = i & 1 ? AF_INET6 : AF_INET;
			const void *data = exp;

			if (qts[q] == NFCT_Q_FLUSH || qts[q] == NFCT_Q_DUMP)
				data = &fam;
			memset(u.buf, 0, sizeof(u.buf));
			ret = nfexp_build_query(ssh, qts[q], data, u.buf,
						sizeof(u.buf));
			printf("q%d ", qts[q]);
			/*
			 * The reference returns 1 even when it could not
			 * build the request (no master family), leaving an
			 * empty header; ours says -1. Compare what is built.
			 */
			if (u.h.nlmsg_type == 0)
				printf("query none\n");
			else
				dump_msg("query", u.buf, ret);
		}
		nfexp_destroy(exp);
	}
	nfnl_subsys_close(ssh);
	nfnl_close(nfnlh);
}

static void print_all(const struct nf_expect *exp)
{
	static const unsigned int msgs[] = {
		NFCT_T_UNKNOWN, NFCT_T_NEW, NFCT_T_UPDATE, NFCT_T_DESTROY,
		NFCT_T_ALL, NFCT_T_ERROR,
	};
	char buf[2048];

	for (unsigned int o = 0; o < 2; o++) {
		for (size_t m = 0; m < sizeof(msgs) / sizeof(msgs[0]); m++) {
			int r;

			if (m >= 2 && pick(3))
				continue;
			r = nfexp_snprintf(buf, sizeof(buf), exp, msgs[m],
					   o ? NFCT_O_XML : NFCT_O_DEFAULT, 0);
			printf("o%u m%u r=%d [%s]\n", o, msgs[m], r, buf);
		}
	}
}

/* Append a tuple nest made by hand (the kernel's layout). */
static void put_tuple(struct nlmsghdr *nlh, int type, int fam, int l4)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, type);
	struct nlattr *n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	unsigned char a[16];

	if (fam == AF_INET6) {
		rand_addr(a, 16);
		if (chance(90))
			mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, a);
		rand_addr(a, 16);
		if (chance(90))
			mnl_attr_put(nlh, CTA_IP_V6_DST, 16, a);
	} else {
		if (chance(90))
			mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, small());
		if (chance(90))
			mnl_attr_put_u32(nlh, CTA_IP_V4_DST, small());
	}
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	if (chance(95))
		mnl_attr_put_u8(nlh, CTA_PROTO_NUM, l4);
	if (l4 == 1 || l4 == 58) {
		int b = l4 == 1 ? 0 : 3;	/* ICMPV6 ids follow ICMP's */
		if (chance(90))
			mnl_attr_put_u16(nlh, CTA_PROTO_ICMP_ID + b, small());
		if (chance(90))
			mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_TYPE + b, small());
		if (chance(90))
			mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_CODE + b, small());
	} else if (chance(90)) {
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, small());
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, small());
	}
	mnl_attr_nest_end(nlh, n);
	if (chance(10))
		mnl_attr_put_u16(nlh, CTA_TUPLE_ZONE, htons(small()));
	mnl_attr_nest_end(nlh, t);
}

/*
 * Unterminated strings only when fuzzing: the reference prints bytes
 * past them (it copies the payload without a NUL).
 */
static int fuzz_mode;

static void put_str_attr(struct nlmsghdr *nlh, int type, size_t max)
{
	char s[64];

	rand_str(s, max);
	/* an empty unterminated string makes the reference exit() */
	if (!fuzz_mode || chance(80) || s[0] == '\0')
		mnl_attr_put_strz(nlh, type, s);
	else	/* not terminated */
		mnl_attr_put(nlh, type, strlen(s), s);
}

/* A ctnetlink expectation message as the kernel sends them. */
static struct nlmsghdr *make_msg(void *buf, int *msgtype, int fuzz)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	int fam = chance(50) ? AF_INET : AF_INET6;
	int l4 = l4_pool[pick(sizeof(l4_pool))];

	memset(buf, 0, 8192);
	nlh = mnl_nlmsg_put_header(buf);
	static const int wanted[] = {
		NFCT_T_ALL, NFCT_T_ALL, NFCT_T_NEW, NFCT_T_UPDATE,
		NFCT_T_DESTROY, NFCT_T_NEW | NFCT_T_DESTROY, 0,
	};
	static const uint16_t nlflags[] = {
		0, NLM_F_CREATE, NLM_F_EXCL, NLM_F_CREATE | NLM_F_EXCL,
		NLM_F_MULTI,
	};

	*msgtype = wanted[pick(sizeof(wanted) / sizeof(wanted[0]))];
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK_EXP << 8) | pick(4);
	nlh->nlmsg_flags = nlflags[pick(sizeof(nlflags) / sizeof(nlflags[0]))];
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = chance(90) ? (unsigned int)fam : pick(12);
	/*
	 * The kernel always sends these three. With one missing, the
	 * reference stores the family in the wrong tuple (a tuple's layer 3
	 * protocol comes from the presence of the one before it); ours gives
	 * each tuple the family, so only the fuzz mode leaves some out.
	 */
	if (!fuzz || chance(90))
		put_tuple(nlh, CTA_EXPECT_MASTER, chance(80) ? fam : AF_INET, l4);
	if (!fuzz || chance(90))
		put_tuple(nlh, CTA_EXPECT_TUPLE, fam, l4);
	if (!fuzz || chance(90))
		put_tuple(nlh, CTA_EXPECT_MASK, fam, l4);
	if (chance(80))
		mnl_attr_put_u32(nlh, CTA_EXPECT_TIMEOUT, htonl(small()));
	if (chance(80))
		mnl_attr_put_u32(nlh, CTA_EXPECT_ID, htonl(small()));
	if (chance(50))
		put_str_attr(nlh, CTA_EXPECT_HELP_NAME, 40);
	if (chance(30))
		mnl_attr_put_u16(nlh, CTA_EXPECT_ZONE, htons(small()));
	if (chance(60))
		mnl_attr_put_u32(nlh, CTA_EXPECT_FLAGS, htonl(pick(8)));
	if (chance(30))
		mnl_attr_put_u32(nlh, CTA_EXPECT_CLASS, htonl(small()));
	if (chance(30)) {
		struct nlattr *n = mnl_attr_nest_start(nlh, CTA_EXPECT_NAT);
		if (chance(80))
			mnl_attr_put_u32(nlh, CTA_EXPECT_NAT_DIR, htonl(pick(2)));
		if (chance(80))
			put_tuple(nlh, CTA_EXPECT_NAT_TUPLE, fam, l4);
		mnl_attr_nest_end(nlh, n);
	}
	if (chance(30))	/* the reference asserts on longer ones */
		put_str_attr(nlh, CTA_EXPECT_FN, 20);
	return nlh;
}

static void parse_one(const struct nlmsghdr *nlh, int msgtype)
{
	struct nf_expect *exp = nfexp_new();
	int r = nfexp_nlmsg_parse(nlh, exp);

	printf("parse r=%d ", r);
	dump_exp(exp);
	print_all(exp);
	nfexp_destroy(exp);
	exp = nfexp_new();
	r = nfexp_parse_expect(msgtype, nlh, exp);
	printf("parse_expect want=%d type=%x flags=%x r=%d ", msgtype,
	       nlh->nlmsg_type, nlh->nlmsg_flags, r);
	dump_exp(exp);
	nfexp_destroy(exp);
}

/*
 * Clean messages are compared with the reference; corrupted ones only
 * run on ours (@fuzz): the reference exit()s on some of them.
 */
static void mode_parse(unsigned int n, int fuzz)
{
	static union {
		char buf[8192];
		struct nlmsghdr h;
	} u;

	for (unsigned int i = 0; i < n; i++) {
		int msgtype;
		struct nlmsghdr *nlh = make_msg(u.buf, &msgtype, fuzz);
		uint32_t len = nlh->nlmsg_len;
		char *copy;

		printf("msg %u len %u ", i, len);
		hex(u.buf, len);
		putchar('\n');
		parse_one(nlh, msgtype);
		if (!fuzz)
			continue;
		/* corrupt: flip bytes in the attribute area */
		for (int k = 0; k < 3; k++) {
			if (len > 20 && chance(50)) {
				size_t off = 20 + pick(len - 20);
				((unsigned char *)u.buf)[off] = (unsigned char)rnd();
				printf("flip %zu\n", off);
			}
		}
		/* truncate: a heap copy of exactly nlmsg_len bytes, so any
		 * read past the end shows up under valgrind/ASan */
		if (chance(50) && len > 20)
			nlh->nlmsg_len = 20 + pick(len - 20);
		copy = malloc(nlh->nlmsg_len);
		memcpy(copy, u.buf, nlh->nlmsg_len);
		printf("cut %u\n", nlh->nlmsg_len);
		parse_one((struct nlmsghdr *)copy, msgtype);
		free(copy);
	}
}

static void mode_print(unsigned int n)
{
	char buf[1024];

	for (unsigned int i = 0; i < n; i++) {
		struct nf_expect *exp = rand_exp();
		int full;

		dump_exp(exp);
		print_all(exp);
		/* every buffer size up to the full length */
		/* XML: see mode_xml */
		full = nfexp_snprintf(buf, sizeof(buf), exp, NFCT_T_NEW,
				      NFCT_O_DEFAULT, 0);
		for (int s = 1; s <= full + 1 && s < (int)sizeof(buf); s += 1 + (i % 3)) {
			int r;

			memset(buf, '#', sizeof(buf));
			r = nfexp_snprintf(buf, s, exp, NFCT_T_NEW,
					   NFCT_O_DEFAULT, 0);
			printf("s%d r=%d [%.*s]\n", s, r, s, buf);
		}
		nfexp_destroy(exp);
	}
}

/* XML into every buffer size up to the full length (and the return). */
static void mode_xml(unsigned int n)
{
	char buf[2048];

	for (unsigned int i = 0; i < n; i++) {
		struct nf_expect *exp = rand_exp();
		unsigned int mt = i % 4 == 3 ? NFCT_T_DESTROY : NFCT_T_NEW;
		int full;

		dump_exp(exp);
		full = nfexp_snprintf(buf, sizeof(buf), exp, mt, NFCT_O_XML, 0);
		printf("full r=%d [%s]\n", full, buf);
		for (int s = 1; s <= full + 1 && s < (int)sizeof(buf); s++) {
			int r;

			memset(buf, '#', sizeof(buf));
			r = nfexp_snprintf(buf, s, exp, mt, NFCT_O_XML, 0);
			printf("s%d r=%d [%.*s]\n", s, r, s, buf);
		}
		nfexp_destroy(exp);
	}
}

/* A copy of @a with a few attributes changed, unset or added. */
static struct nf_expect *mutate(const struct nf_expect *a)
{
	struct nf_expect *b = nfexp_clone(a);

	for (int k = pick(3); k > 0; k--) {
		int t = pick(ATTR_EXP_MAX);

		if (chance(40)) {
			nfexp_attr_unset(b, t);
		} else if (t == ATTR_EXP_MASTER || t == ATTR_EXP_EXPECTED ||
			   t == ATTR_EXP_MASK || t == ATTR_EXP_NAT_TUPLE) {
			/* same tuple with one attribute changed or dropped */
			const struct nf_conntrack *old = nfexp_get_attr(b, t);
			struct nf_conntrack *ct = rand_ct();

			if (old && chance(70)) {
				nfct_destroy(ct);
				ct = nfct_new();
				for (size_t i = 0; i < sizeof(orig_attrs) / sizeof(orig_attrs[0]); i++) {
					int oa = orig_attrs[i];
					if (nfct_attr_is_set(old, oa) && chance(85))
						nfct_set_attr(ct, oa, nfct_get_attr(old, oa));
				}
				if (chance(50))
					nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, small());
			}
			nfexp_set_attr(b, t, ct);
			nfct_destroy(ct);
		} else if (t == ATTR_EXP_HELPER_NAME || t == ATTR_EXP_FN) {
			nfexp_set_attr(b, t, chance(50) ? "ftp" : "sip");
		} else {
			nfexp_set_attr_u32(b, t, pick(2));
		}
	}
	return b;
}

static void mode_cmp(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct nf_expect *a = rand_exp();
		struct nf_expect *b = chance(80) ? mutate(a) : rand_exp();

		dump_exp(a);
		dump_exp(b);
		printf("cmp");
		for (unsigned int f = 0; f < 128; f++)
			printf(" %d%d", nfexp_cmp(a, b, f), nfexp_cmp(b, a, f));
		putchar('\n');
		nfexp_destroy(a);
		nfexp_destroy(b);
	}
}

/*
 * One attribute at a time: a full expectation against a copy where one
 * attribute (or one field of one tuple) is missing or different, on
 * either side, with the flags that change nfexp_cmp().
 */
static const int cmp_ct_attrs[] = {
	ATTR_ORIG_L3PROTO, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV4_DST,
	ATTR_ORIG_L4PROTO, ATTR_ORIG_PORT_SRC, ATTR_ORIG_PORT_DST,
	ATTR_ICMP_TYPE, ATTR_ICMP_CODE, ATTR_ICMP_ID, ATTR_ORIG_ZONE,
	ATTR_ORIG_IPV6_SRC,
};

/* mode 0: as the base, 1: @field missing, 2: @field different */
static struct nf_conntrack *one_ct(int l4, int field, int mode)
{
	struct nf_conntrack *ct = nfct_new();
	unsigned char a6[16] = { 1, 2, 3 };

	for (size_t i = 0; i < sizeof(cmp_ct_attrs) / sizeof(cmp_ct_attrs[0]); i++) {
		int t = cmp_ct_attrs[i];
		int d = t == field && mode == 2;

		if (t == field && mode == 1)
			continue;
		switch (t) {
		case ATTR_ORIG_L3PROTO:
			nfct_set_attr_u8(ct, t, d ? AF_INET6 : AF_INET);
			break;
		case ATTR_ORIG_L4PROTO:
			nfct_set_attr_u8(ct, t, d ? (l4 == 6 ? 17 : 6) : l4);
			break;
		case ATTR_ORIG_IPV4_SRC:
		case ATTR_ORIG_IPV4_DST:
			nfct_set_attr_u32(ct, t, d ? 5 : 1);
			break;
		case ATTR_ORIG_PORT_SRC:
		case ATTR_ORIG_PORT_DST:
		case ATTR_ICMP_ID:
		case ATTR_ORIG_ZONE:
			nfct_set_attr_u16(ct, t, d ? 5 : 1);
			break;
		case ATTR_ORIG_IPV6_SRC:	/* only as the varied field */
			if (t == field) {
				a6[0] = d ? 5 : 1;
				nfct_set_attr(ct, t, a6);
			}
			break;
		default:
			nfct_set_attr_u8(ct, t, d ? 5 : 1);
		}
	}
	return ct;
}

static struct nf_expect *one_exp(int l4, int attr, int field, int mode)
{
	struct nf_expect *e = nfexp_new();

	for (size_t i = 0; i < 4; i++) {
		int t = tuple_attrs[i], mine = t == attr;
		struct nf_conntrack *ct;

		if (mine && field < 0 && mode == 1)
			continue;
		ct = one_ct(l4, mine ? field : -1, mine ? mode : 0);
		if (mine && field < 0 && mode == 2)
			nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, 99);
		nfexp_set_attr(e, t, ct);
		nfct_destroy(ct);
	}
	for (int t = ATTR_EXP_TIMEOUT; t < ATTR_EXP_MAX; t++) {
		int d = t == attr && mode == 2;

		if (t == ATTR_EXP_NAT_TUPLE || (t == attr && mode == 1))
			continue;
		if (t == ATTR_EXP_HELPER_NAME || t == ATTR_EXP_FN)
			nfexp_set_attr(e, t, d ? "sip" : "ftp");
		else if (t == ATTR_EXP_ZONE)
			nfexp_set_attr_u16(e, t, d ? 7 : 1);
		else	/* NAT_DIR too: the reference reads 4 bytes */
			nfexp_set_attr_u32(e, t, d ? 0 : 1);
	}
	return e;
}

static void mode_cmp1(void)
{
	static const int l4s[] = { 6, 1, 58, 47 };

	for (size_t li = 0; li < 4; li++) {
		for (int attr = 0; attr < ATTR_EXP_MAX; attr++) {
			int tup = attr == ATTR_EXP_MASTER || attr == ATTR_EXP_EXPECTED ||
				  attr == ATTR_EXP_MASK || attr == ATTR_EXP_NAT_TUPLE;
			int nf = tup ? (int)(sizeof(cmp_ct_attrs) / sizeof(cmp_ct_attrs[0])) : 0;

			for (int f = -1; f < nf; f++) {
				for (int ma = 0; ma < 3; ma++) {
					for (int mb = 0; mb < 3; mb++) {
						int field = f < 0 ? -1 : cmp_ct_attrs[f];
						struct nf_expect *a = one_exp(l4s[li], attr, field, ma);
						struct nf_expect *b = one_exp(l4s[li], attr, field, mb);

						printf("l4=%d attr=%d field=%d a%d b%d:", l4s[li],
						       attr, field, ma, mb);
						for (unsigned int fl = 0; fl < 128; fl++)
							putchar('0' + nfexp_cmp(a, b, fl));
						putchar('\n');
						nfexp_destroy(a);
						nfexp_destroy(b);
					}
				}
			}
		}
	}
}

/*
 * Tuple attributes take a whole conntrack object: its attribute bits
 * (is_set() answers as on the object) and its original tuple. Raw bytes
 * given as the object come back first byte for first byte, as the
 * original's own API test checks. (Values outside the original tuple
 * are not compared: the original reads them from past the tuple.)
 */
static struct nf_conntrack *rich_ct(void)
{
	struct nf_conntrack *ct = rand_ct();
	unsigned char a[16];

	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET6);
	rand_addr(a, 16);
	nfct_set_attr(ct, ATTR_REPL_IPV6_SRC, a);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_TCP);
	if (chance(50))
		nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, (uint16_t)rnd());
	if (chance(50))
		nfct_set_attr_u8(ct, ATTR_TCP_STATE, (uint8_t)pick(10));
	if (chance(50))
		nfct_set_attr_u32(ct, ATTR_STATUS, (uint32_t)rnd());
	if (chance(50))
		nfct_set_attr_u32(ct, ATTR_TIMEOUT, (uint32_t)rnd());
	if (chance(50))
		nfct_set_attr_u16(ct, ATTR_ZONE, (uint16_t)rnd());
	if (chance(50))
		nfct_set_attr_u32(ct, ATTR_SNAT_IPV4, (uint32_t)rnd());
	if (chance(50))
		nfct_set_attr(ct, ATTR_HELPER_NAME, "ftp");
	return ct;
}

static void mode_whole(unsigned int n)
{
	unsigned char raw[512];

	for (unsigned int i = 0; i < n; i++) {
		struct nf_conntrack *ct = rich_ct();
		struct nf_expect *exp = nfexp_new();

		for (size_t k = 0; k < 4; k++) {
			const struct nf_conntrack *t;

			nfexp_set_attr(exp, tuple_attrs[k], ct);
			t = nfexp_get_attr(exp, tuple_attrs[k]);
			printf("t%d ", tuple_attrs[k]);
			for (int a = 0; a < ATTR_MAX; a++)
				putchar(nfct_attr_is_set(t, a) > 0 ? '1' : '0');
			putchar('\n');
		}
		dump_exp(exp);
		printf("cmp %d %d %d\n", nfexp_cmp(exp, exp, 0),
		       nfexp_cmp(exp, exp, NFCT_CMP_STRICT),
		       nfexp_cmp(exp, exp, NFCT_CMP_MASK));
		/* raw bytes as the object, as the original's own API test does */
		for (size_t k = 0; k < 4; k++) {
			memset(raw, (int)(i & 0xff), sizeof(raw));
			raw[0] = (unsigned char)(tuple_attrs[k] + i);
			nfexp_set_attr(exp, tuple_attrs[k], raw);
			printf("raw t%d %02x\n", tuple_attrs[k],
			       *(const unsigned char *)nfexp_get_attr(exp, tuple_attrs[k]));
		}
		nfexp_destroy(exp);
		nfct_destroy(ct);
	}
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 2 ? strtoul(argv[2], NULL, 0) : 100;

	if (argc < 2)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[1], "obj") == 0)
		mode_obj(n);
	else if (strcmp(argv[1], "build") == 0)
		mode_build(n);
	else if (strcmp(argv[1], "parse") == 0)
		mode_parse(n, 0);
	else if (strcmp(argv[1], "fuzz") == 0) {
		fuzz_mode = 1;
		mode_parse(n, 1);
	}
	else if (strcmp(argv[1], "print") == 0)
		mode_print(n);
	else if (strcmp(argv[1], "xml") == 0)
		mode_xml(n);
	else if (strcmp(argv[1], "cmp") == 0)
		mode_cmp(n);
	else if (strcmp(argv[1], "cmp1") == 0)
		mode_cmp1();
	else if (strcmp(argv[1], "whole") == 0)
		mode_whole(n);
	else
		return 2;
	return 0;
}
