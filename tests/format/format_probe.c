/*
 * Probe for the format tests: builds a large deterministic corpus of
 * conntrack objects and prints what nfct_snprintf() and
 * nfct_snprintf_labels() make of them, for many output types, flags,
 * message types and buffer sizes. The test runs it on our library and
 * on the reference and compares the output byte for byte.
 *
 *   format_probe set     objects built with the public setters
 *   format_probe nlmsg   objects parsed from hand-made ctnetlink messages
 *                        (exit 77 when the library has no nfct_nlmsg_parse)
 *
 * Fields that depend on the current time (delta-time while a flow is
 * alive, the XML <when> element) are replaced by "NOW" only when they
 * hold exactly the value computed here, so a wrong value still shows.
 */
#include <dlfcn.h>
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "probe_rng.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

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

static struct nfct_labelmap *map;

static const uint8_t l3_pool[] = { AF_INET, AF_INET6, AF_INET, AF_INET6, 0, 1, 255, 3 };
static const uint8_t l4_pool[] = { 6, 17, 136, 1, 58, 132, 33, 47, 0, 99, 255, 2, 41, 6, 17 };

static const char *const v6_pool[] = {
	"::", "::1", "::2", "::ffff:1.2.3.4", "::1.2.3.4", "::ffff:0.0.0.0",
	"1::", "1::1", "2001:db8::1", "fe80::1:0:0:1", "1:0:0:1:0:0:0:1",
	"1:0:1:0:1:0:1:0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	"0:0:1::", "::ffff:ffff:1.2.3.4", "1:2:3:4:5:6:7:8", "::fffe:1.2.3.4",
	"0:0:0:0:0:1:0:0", "64:ff9b::1.2.3.4", "2001:0:0:1::1",
};

static const uint32_t v4_pool[] = {
	0, 0x0100007f, 0xffffffff, 0x04030201, 0x0000000a, 0x000000ff,
};

static void rand_v6(void *out)
{
	uint16_t *w = out;

	if (chance(50)) {
		inet_pton(AF_INET6, v6_pool[pick(sizeof(v6_pool) / sizeof(v6_pool[0]))], out);
		return;
	}
	for (int i = 0; i < 8; i++)
		w[i] = chance(50) ? 0 : (uint16_t)rnd();
}

static uint32_t rand_v4(void)
{
	return chance(40) ? v4_pool[pick(6)] : (uint32_t)rnd();
}

static uint16_t rand_port(void)
{
	return chance(20) ? (chance(50) ? 0 : 0xffff) : (uint16_t)rnd();
}

static uint32_t rand_u32(void)
{
	switch (pick(4)) {
	case 0: return 0;
	case 1: return 0xffffffff;
	case 2: return pick(1000);
	default: return (uint32_t)rnd();
	}
}

static uint32_t rand_status(void)
{
	uint32_t s = chance(30) ? (uint32_t)rnd() : 0;

	if (chance(50)) s |= 1u << 1;	/* seen reply */
	if (chance(50)) s |= 1u << 2;	/* assured */
	if (chance(20)) s |= 1u << 14;	/* offload */
	if (chance(20)) s |= 1u << 15;	/* hw offload */
	return s;
}

static uint8_t rand_state(void)
{
	return chance(80) ? pick(12) : (uint8_t)rnd();
}

static void rand_name(char *s, size_t max)
{
	size_t n = pick(max);

	for (size_t i = 0; i < n; i++)
		s[i] = 'a' + pick(26);
	s[n] = '\0';
}

static struct nfct_bitmask *rand_labels(void)
{
	unsigned int maxbit = pick(4) == 0 ? pick(200) : pick(128);
	struct nfct_bitmask *b = nfct_bitmask_new(maxbit);

	if (b == NULL)
		return NULL;
	for (unsigned int i = 0; i <= maxbit; i++)
		if (chance(15))
			nfct_bitmask_set_bit(b, i);
	return b;
}

/* ---- objects from the public setters --------------------------------- */

static struct nf_conntrack *make_set(void)
{
	struct nf_conntrack *ct = nfct_new();
	uint8_t l3 = l3_pool[pick(sizeof(l3_pool))];
	uint8_t l4 = l4_pool[pick(sizeof(l4_pool))];
	char name[32];

	if (chance(90))
		nfct_set_attr_u8(ct, ATTR_L3PROTO, l3);
	if (chance(85))
		nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, chance(90) ? l3 : l3_pool[pick(sizeof(l3_pool))]);
	if (chance(93))
		nfct_set_attr_u8(ct, ATTR_L4PROTO, l4);
	if (chance(85))
		nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, chance(90) ? l4 : l4_pool[pick(sizeof(l4_pool))]);
	if (l3 == AF_INET6 || chance(10)) {
		uint8_t a[16];
		static const int attrs[] = { ATTR_IPV6_SRC, ATTR_IPV6_DST, ATTR_REPL_IPV6_SRC, ATTR_REPL_IPV6_DST };
		for (int i = 0; i < 4; i++) {
			if (!chance(90))
				continue;
			rand_v6(a);
			nfct_set_attr(ct, attrs[i], a);
		}
	}
	if (l3 != AF_INET6 || chance(10)) {
		static const int attrs[] = { ATTR_IPV4_SRC, ATTR_IPV4_DST, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV4_DST };
		for (int i = 0; i < 4; i++)
			if (chance(90))
				nfct_set_attr_u32(ct, attrs[i], rand_v4());
	}
	{
		static const int attrs[] = { ATTR_PORT_SRC, ATTR_PORT_DST, ATTR_REPL_PORT_SRC, ATTR_REPL_PORT_DST };
		for (int i = 0; i < 4; i++)
			if (chance(85))
				nfct_set_attr_u16(ct, attrs[i], htons(rand_port()));
	}
	if (chance(10)) {
		nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, chance(50) ? pick(20) : (uint8_t)rnd());
		nfct_set_attr_u8(ct, ATTR_ICMP_CODE, (uint8_t)rnd());
		nfct_set_attr_u16(ct, ATTR_ICMP_ID, (uint16_t)rnd());
	}
	/*
	 * At most one protocol state: the reference keeps the TCP, SCTP and
	 * DCCP states in one byte, so setting two is an object-model matter.
	 */
	switch (pick(5)) {
	case 0: nfct_set_attr_u8(ct, ATTR_TCP_STATE, rand_state()); break;
	case 1: nfct_set_attr_u8(ct, ATTR_SCTP_STATE, rand_state()); break;
	case 2: nfct_set_attr_u8(ct, ATTR_DCCP_STATE, rand_state()); break;
	}
	if (chance(50)) nfct_set_attr_u32(ct, ATTR_TIMEOUT, rand_u32());
	if (chance(40)) nfct_set_attr_u32(ct, ATTR_MARK, rand_u32());
	if (chance(25)) nfct_set_attr_u32(ct, ATTR_SECMARK, rand_u32());
	if (chance(25)) nfct_set_attr_u16(ct, ATTR_ZONE, (uint16_t)rand_u32());
	if (chance(20)) nfct_set_attr_u16(ct, ATTR_ORIG_ZONE, (uint16_t)rand_u32());
	if (chance(20)) nfct_set_attr_u16(ct, ATTR_REPL_ZONE, (uint16_t)rand_u32());
	if (chance(50)) nfct_set_attr_u32(ct, ATTR_ID, rand_u32());
	if (chance(60)) nfct_set_attr_u32(ct, ATTR_STATUS, rand_status());
	if (chance(20)) {
		rand_name(name, 16);
		nfct_set_attr(ct, ATTR_HELPER_NAME, name);
	}
	/*
	 * The reference only marks these set and keeps them zero (the
	 * kernel is their only source): set them to zero so both agree.
	 */
	{
		static const int attrs[] = {
			ATTR_ORIG_COUNTER_PACKETS, ATTR_ORIG_COUNTER_BYTES,
			ATTR_REPL_COUNTER_PACKETS, ATTR_REPL_COUNTER_BYTES,
			ATTR_USE, ATTR_TIMESTAMP_START, ATTR_TIMESTAMP_STOP,
		};
		uint64_t zero = 0;
		for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
			if (chance(15))
				nfct_set_attr(ct, attrs[i], &zero);
		if (chance(5))
			nfct_set_attr(ct, ATTR_SECCTX, "");
	}
	if (chance(30)) {
		struct nfct_bitmask *b = rand_labels();
		if (b)
			nfct_set_attr(ct, ATTR_CONNLABELS, b);
	}
	return ct;
}

/* ---- objects from ctnetlink messages ---------------------------------- */

typedef int (*parse_fn)(const struct nlmsghdr *, struct nf_conntrack *);

static void put_tuple(struct nlmsghdr *nlh, int type, int family, uint8_t l4)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, type), *n;

	n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	if (family == AF_INET6) {
		uint8_t a[16];
		rand_v6(a);
		mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, a);
		rand_v6(a);
		mnl_attr_put(nlh, CTA_IP_V6_DST, 16, a);
	} else {
		mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, rand_v4());
		mnl_attr_put_u32(nlh, CTA_IP_V4_DST, rand_v4());
	}
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, l4);
	if (l4 == IPPROTO_ICMP || l4 == IPPROTO_ICMPV6) {
		int v6 = l4 == IPPROTO_ICMPV6;
		mnl_attr_put_u8(nlh, v6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE, (uint8_t)rnd());
		mnl_attr_put_u8(nlh, v6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE, (uint8_t)rnd());
		mnl_attr_put_u16(nlh, v6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID, (uint16_t)rnd());
	} else {
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(rand_port()));
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(rand_port()));
	}
	mnl_attr_nest_end(nlh, n);
	if (chance(20))
		mnl_attr_put_u16(nlh, CTA_TUPLE_ZONE, htons((uint16_t)rand_u32()));
	mnl_attr_nest_end(nlh, t);
}

static void put_counters(struct nlmsghdr *nlh, int type)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS, htobe64(chance(20) ? ~0ull : rnd() >> pick(64)));
	mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES, htobe64(rnd() >> pick(64)));
	mnl_attr_nest_end(nlh, n);
}

static struct nf_conntrack *make_nlmsg(parse_fn parse, char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	static const uint8_t l4s[] = { 6, 17, 136, 1, 58, 132, 33, 47, 99 };
	int family = chance(50) ? AF_INET : AF_INET6;
	uint8_t l4 = l4s[pick(sizeof(l4s))];
	struct nfgenmsg *g;
	struct nlattr *n, *m;
	struct nf_conntrack *ct;
	char name[64];

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	put_tuple(nlh, CTA_TUPLE_ORIG, family, l4);
	put_tuple(nlh, CTA_TUPLE_REPLY, family, l4);
	if (chance(60)) put_counters(nlh, CTA_COUNTERS_ORIG);
	if (chance(60)) put_counters(nlh, CTA_COUNTERS_REPLY);
	if (chance(90)) mnl_attr_put_u32(nlh, CTA_STATUS, htonl(rand_status()));
	if (chance(80)) mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(rand_u32()));
	if (chance(50)) mnl_attr_put_u32(nlh, CTA_MARK, htonl(rand_u32()));
	if (chance(30)) mnl_attr_put_u32(nlh, CTA_SECMARK, htonl(rand_u32()));
	if (chance(70)) mnl_attr_put_u32(nlh, CTA_USE, htonl(rand_u32()));
	if (chance(80)) mnl_attr_put_u32(nlh, CTA_ID, htonl(rand_u32()));
	if (chance(30)) mnl_attr_put_u16(nlh, CTA_ZONE, htons((uint16_t)rand_u32()));
	if (chance(70) && (l4 == 6 || l4 == 132 || l4 == 33)) {
		int nest = l4 == 6 ? CTA_PROTOINFO_TCP : l4 == 132 ? CTA_PROTOINFO_SCTP : CTA_PROTOINFO_DCCP;
		int st = l4 == 6 ? CTA_PROTOINFO_TCP_STATE : l4 == 132 ? CTA_PROTOINFO_SCTP_STATE : CTA_PROTOINFO_DCCP_STATE;
		n = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
		m = mnl_attr_nest_start(nlh, nest);
		mnl_attr_put_u8(nlh, st, rand_state());
		mnl_attr_nest_end(nlh, m);
		mnl_attr_nest_end(nlh, n);
	}
	if (chance(30)) {
		rand_name(name, 16);
		n = mnl_attr_nest_start(nlh, CTA_HELP);
		mnl_attr_put_strz(nlh, CTA_HELP_NAME, name);
		mnl_attr_nest_end(nlh, n);
	}
	if (chance(30)) {
		rand_name(name, 40);
		n = mnl_attr_nest_start(nlh, CTA_SECCTX);
		mnl_attr_put_strz(nlh, CTA_SECCTX_NAME, name);
		mnl_attr_nest_end(nlh, n);
	}
	if (chance(50)) {
		/* Start and stop in 1970..2100, stop after start or not. */
		uint64_t start = (rnd() % 4102444800ull) * 1000000000ull + pick(1000000000);
		n = mnl_attr_nest_start(nlh, CTA_TIMESTAMP);
		mnl_attr_put_u64(nlh, CTA_TIMESTAMP_START, htobe64(start));
		if (chance(70))
			mnl_attr_put_u64(nlh, CTA_TIMESTAMP_STOP,
					 htobe64(start + (chance(50) ? pick(2000000000) : rnd() % 100000000000000ull)));
		mnl_attr_nest_end(nlh, n);
	}
	if (chance(40)) {
		uint32_t lab[4] = { 0 };
		for (int i = 0; i < 4; i++)
			lab[i] = chance(50) ? 0 : (uint32_t)rnd() & (uint32_t)rnd();
		mnl_attr_put(nlh, CTA_LABELS, sizeof(lab), lab);
	}
	ct = nfct_new();
	if (parse(nlh, ct) < 0)
		printf("parse failed\n");
	return ct;
}

/* ---- printing ------------------------------------------------------- */

/* Replace the first @what in @s by "NOW" (s has room: NOW is short). */
static void replace(char *s, const char *what)
{
	char *p = strstr(s, what);
	size_t n = strlen(what);

	/* a whole number only: "delta-time=12" is not in "delta-time=123" */
	if (p == NULL || (p[n] >= '0' && p[n] <= '9'))
		return;
	memcpy(p, "NOW", 3);
	memmove(p + 3, p + n, strlen(p + n) + 1);
}

/*
 * The library reads the clock a moment before or after the probe did, so
 * a second boundary may fall between them: accept the probe's second and
 * its neighbours, nothing else.
 */
static void normalise_at(char *s, time_t now)
{
	char pat[256];
	struct tm tm;

	snprintf(pat, sizeof(pat), "delta-time=%llu", (unsigned long long)now);
	replace(s, pat);
	snprintf(pat, sizeof(pat), "<deltatime>%llu</deltatime>", (unsigned long long)now);
	replace(s, pat);
	localtime_r(&now, &tm);
	snprintf(pat, sizeof(pat), "<when><hour>%d</hour><min>%02d</min><sec>%02d</sec><wday>%d</wday><day>%d</day><month>%d</month><year>%d</year></when>",
		 tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_wday + 1, tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
	replace(s, pat);
}

static void normalise(char *s, time_t now)
{
	normalise_at(s, now);
	normalise_at(s, now - 1);
	normalise_at(s, now + 1);
}

/* "now - start" for an object whose start timestamp is not 0. */
static void normalise_delta(char *s, time_t now, const struct nf_conntrack *ct)
{
	uint64_t start = nfct_get_attr_u64(ct, ATTR_TIMESTAMP_START) / 1000000000ULL;
	uint64_t d = (uint64_t)now - start;
	char pat[256];

	if (!nfct_attr_is_set(ct, ATTR_TIMESTAMP_START) || start == 0)
		return;
	snprintf(pat, sizeof(pat), "delta-time=%llu", (unsigned long long)d);
	replace(s, pat);
	snprintf(pat, sizeof(pat), "<deltatime>%llu</deltatime>", (unsigned long long)d);
	replace(s, pat);
}

static const unsigned int msg_types[] = { NFCT_T_UNKNOWN, NFCT_T_NEW, NFCT_T_UPDATE, NFCT_T_DESTROY, NFCT_T_ERROR, NFCT_T_ALL, 3 };

static int call(char *buf, unsigned int size, const struct nf_conntrack *ct,
		unsigned int t, unsigned int o, unsigned int f, int labels)
{
	if (labels)
		return nfct_snprintf_labels(buf, size, ct, t, o, f, labels == 2 ? NULL : map);
	return nfct_snprintf(buf, size, ct, t, o, f);
}

/* Relative to the start of the object's corpus timestamps, the only
 * volatile value a setter-built object can hold is "now" itself. */
static void print_full(int idx, const struct nf_conntrack *ct, unsigned int t,
		       unsigned int o, unsigned int f, int labels)
{
	static char buf[8192];
	time_t t0, t1;
	size_t before;
	int r;

	do {
		t0 = time(NULL);
		memset(buf, '#', sizeof(buf));
		buf[sizeof(buf) - 1] = '\0';
		r = call(buf, 4096, ct, t, o, f, labels);
		t1 = time(NULL);
	} while (t0 != t1);
	before = strlen(buf);
	normalise_delta(buf, t0, ct);
	normalise(buf, t0);
	/* The return value counts the volatile text too: same correction. */
	if (r > 0)
		r -= (int)(before - strlen(buf));
	printf("%d t=%u o=%u f=%u l=%d r=%d [%s]\n", idx, t, o, f, labels, r, buf);
}

/* Every buffer size from 1 to past the full length: return and a hash
 * of the bytes written (and of the byte after the buffer). */
static void print_sizes(int idx, const struct nf_conntrack *ct, unsigned int t,
			unsigned int o, unsigned int f, int labels)
{
	static char buf[8192];
	int full = call(buf, 4096, ct, t, o, f, labels);
	int max = full < 0 ? 64 : full + 3;

	printf("%d sizes t=%u o=%u f=%u l=%d:", idx, t, o, f, labels);
	for (int s = 1; s <= max && s < 4096; s++) {
		uint32_t h = 2166136261u;
		int r;

		memset(buf, '#', s + 1);
		r = call(buf, s, ct, t, o, f, labels);
		for (int i = 0; i <= s; i++)
			h = (h ^ (unsigned char)buf[i]) * 16777619u;
		printf(" %d:%d:%08x", s, r, h);
	}
	printf("\n");
}

static int volatile_time(const struct nf_conntrack *ct)
{
	return nfct_attr_is_set(ct, ATTR_TIMESTAMP_START);
}

static void exercise(int idx, const struct nf_conntrack *ct)
{
	for (int k = 0; k < 6; k++) {
		unsigned int t = msg_types[pick(7)];
		unsigned int o = pick(10) == 0 ? 2 : pick(2);
		unsigned int f = pick(16);
		int labels = pick(3);

		print_full(idx, ct, t, o, f, labels);
	}
	if (idx % 8 == 0 && !volatile_time(ct)) {
		unsigned int o = pick(2);
		unsigned int f = pick(16) & ~NFCT_OF_TIME;
		print_sizes(idx, ct, msg_types[pick(7)], o, f, pick(2));
	}
}

static void open_map(void)
{
	char path[] = "/tmp/nfct-format-labels-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	if (fd < 0)
		exit(2);
	f = fdopen(fd, "w");
	fprintf(f, "# test labels\n0 zero\n1 one\n2 two\n5 five\n31 thirtyone\n32 thirtytwo\n"
		   "63 sixtythree\n64 sixtyfour\n100 hundred\n126 a-rather-long-label-name\n127 last\n");
	fclose(f);
	map = nfct_labelmap_new(path);
	unlink(path);
	if (map == NULL)
		exit(3);
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 3000;

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	open_map();
	if (argc > 1 && strcmp(argv[1], "nlmsg") == 0) {
		parse_fn parse = (parse_fn)dlsym(RTLD_DEFAULT, "nfct_nlmsg_parse");
		static char msg[8192];

		if (parse == NULL)
			return 77;
		rng = 0x1234567887654321ull;
		for (int i = 0; i < n; i++) {
			struct nf_conntrack *ct = make_nlmsg(parse, msg);
			exercise(i, ct);
			nfct_destroy(ct);
		}
	} else {
		for (int i = 0; i < n; i++) {
			struct nf_conntrack *ct = make_set();
			exercise(i, ct);
			nfct_destroy(ct);
		}
	}
	nfct_labelmap_destroy(map);
	return 0;
}
