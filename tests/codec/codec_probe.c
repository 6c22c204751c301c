/*
 * Codec probe: builds and parses ctnetlink messages through the public
 * API and prints the bytes and every attribute read back. The test runs
 * it on our library and on the reference and requires identical output.
 *
 *   codec_probe build SEED N     nfct_nlmsg_build of N pseudo-random objects
 *   codec_probe legacy SEED N    nfct_build_conntrack / nfct_build_query
 *   codec_probe roundtrip SEED N build, then nfct_nlmsg_parse, print attrs
 *   codec_probe corrupt SEED N   parse truncated/corrupted messages
 *   codec_probe query            nfct_build_query for every query type
 *   codec_probe parse            parse hex messages from stdin, one a line
 *   codec_probe parse_conntrack  nfct_parse_conntrack on each message type
 *
 * Only attributes the reference (1.0.9) knows are used: ATTR_* < 75.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnfnetlink/libnfnetlink.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "probe_msg.h"
#include "probe_rng.h"

#define REF_ATTR_MAX 75		/* ATTR_MAX of the reference */

static uint64_t rng_state;

static uint32_t rnd(void)
{
	return (uint32_t)(xorshift64(&rng_state) >> 11);
}

/* Value kinds of the attributes, written from the header's comments. */
enum { K_U8 = 1, K_U16, K_U32, K_U64, K_V6, K_STR, K_SECCTX, K_BLOB, K_BITS };

static int attr_kind(int t)
{
	switch (t) {
	case ATTR_ORIG_IPV6_SRC: case ATTR_ORIG_IPV6_DST:
	case ATTR_REPL_IPV6_SRC: case ATTR_REPL_IPV6_DST:
	case ATTR_MASTER_IPV6_SRC: case ATTR_MASTER_IPV6_DST:
	case ATTR_SNAT_IPV6: case ATTR_DNAT_IPV6:
		return K_V6;
	case ATTR_ORIG_PORT_SRC: case ATTR_ORIG_PORT_DST:
	case ATTR_REPL_PORT_SRC: case ATTR_REPL_PORT_DST:
	case ATTR_ICMP_ID: case ATTR_SNAT_PORT: case ATTR_DNAT_PORT:
	case ATTR_MASTER_PORT_SRC: case ATTR_MASTER_PORT_DST:
	case ATTR_ZONE: case ATTR_ORIG_ZONE: case ATTR_REPL_ZONE:
		return K_U16;
	case ATTR_ICMP_TYPE: case ATTR_ICMP_CODE:
	case ATTR_ORIG_L3PROTO: case ATTR_REPL_L3PROTO:
	case ATTR_ORIG_L4PROTO: case ATTR_REPL_L4PROTO:
	case ATTR_TCP_STATE: case ATTR_TCP_FLAGS_ORIG: case ATTR_TCP_FLAGS_REPL:
	case ATTR_TCP_MASK_ORIG: case ATTR_TCP_MASK_REPL:
	case ATTR_MASTER_L3PROTO: case ATTR_MASTER_L4PROTO:
	case ATTR_SCTP_STATE: case ATTR_DCCP_STATE: case ATTR_DCCP_ROLE:
	case ATTR_TCP_WSCALE_ORIG: case ATTR_TCP_WSCALE_REPL:
		return K_U8;
	case ATTR_ORIG_COUNTER_PACKETS: case ATTR_REPL_COUNTER_PACKETS:
	case ATTR_ORIG_COUNTER_BYTES: case ATTR_REPL_COUNTER_BYTES:
	case ATTR_DCCP_HANDSHAKE_SEQ: case ATTR_TIMESTAMP_START:
	case ATTR_TIMESTAMP_STOP:
		return K_U64;
	case ATTR_HELPER_NAME:
		return K_STR;
	case ATTR_SECCTX:
		return K_SECCTX;
	case ATTR_HELPER_INFO:
		return K_BLOB;
	case ATTR_CONNLABELS: case ATTR_CONNLABELS_MASK:
		return K_BITS;
	default:
		return K_U32;
	}
}

static void print_ct(const struct nf_conntrack *ct)
{
	for (int t = 0; t < REF_ATTR_MAX; t++) {
		if (!nfct_attr_is_set(ct, t))
			continue;
		printf(" %d=", t);
		switch (attr_kind(t)) {
		case K_U8: printf("%u", nfct_get_attr_u8(ct, t)); break;
		case K_U16: printf("%u", nfct_get_attr_u16(ct, t)); break;
		case K_U32: printf("%u", nfct_get_attr_u32(ct, t)); break;
		case K_U64: printf("%llu", (unsigned long long)nfct_get_attr_u64(ct, t)); break;
		case K_V6: {
			const unsigned char *p = nfct_get_attr(ct, t);
			for (int i = 0; i < 16; i++)
				printf("%02x", p[i]);
			break;
		}
		case K_STR: case K_SECCTX: {
			const char *s = nfct_get_attr(ct, t);
			printf("'%s'", s ? s : "(null)");
			break;
		}
		case K_BLOB:
			printf("%s", nfct_get_attr(ct, t) ? "blob" : "null");
			break;
		case K_BITS: {
			const struct nfct_bitmask *b = nfct_get_attr(ct, t);
			if (!b) {
				printf("null");
				break;
			}
			printf("max%u:", nfct_bitmask_maxbit(b));
			for (unsigned i = 0; i <= nfct_bitmask_maxbit(b); i++)
				if (nfct_bitmask_test_bit(b, i))
					printf("%u,", i);
			break;
		}
		}
	}
	printf("\n");
}

static void print_hex(const void *buf, size_t len, int mask_seq)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		if (mask_seq && i >= 8 && i < 16)
			printf("..");
		else
			printf("%02x", p[i]);
	}
	printf("\n");
}

/* A built message, with its attributes' padding masked (probe_msg.h). */
static void print_msg(void *buf, int mask_seq)
{
	struct nlmsghdr *nlh = buf;
	size_t len = nlh->nlmsg_len;

	if (len > NLMSG_SPACE(sizeof(struct nfgenmsg)) && len <= 8192)
		probe_zero_padding((unsigned char *)buf +
				   NLMSG_SPACE(sizeof(struct nfgenmsg)),
				   len - NLMSG_SPACE(sizeof(struct nfgenmsg)));
	print_hex(buf, len, mask_seq);
}

static const uint8_t l3s[] = { AF_INET, AF_INET6, AF_INET, AF_INET6, 0, 7 };
static const uint8_t l4s[] = { 6, 17, 136, 1, 58, 132, 33, 47, 200, 0, 6, 17, 1, 58 };

static void rnd_fill(void *p, size_t len)
{
	unsigned char *c = p;
	for (size_t i = 0; i < len; i++)
		c[i] = rnd();
}

/* A pseudo-random object: families and protocols from the lists above,
 * each other attribute set with some probability. */
static struct nf_conntrack *rnd_ct(void)
{
	struct nf_conntrack *ct = nfct_new();
	unsigned prob = rnd() % 60 + 5;
	uint8_t l3 = l3s[rnd() % sizeof(l3s)];
	uint8_t l4 = l4s[rnd() % sizeof(l4s)];

	if (rnd() % 16)
		nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, l3);
	if (rnd() % 8)
		nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, l4);
	if (rnd() % 3 == 0) {
		nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, rnd() % 8 ? l3 : 9);
		nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, l4);
	}
	if (rnd() % 6 == 0) {
		nfct_set_attr_u8(ct, ATTR_MASTER_L3PROTO, l3);
		nfct_set_attr_u8(ct, ATTR_MASTER_L4PROTO, l4);
	}
	for (int t = 0; t < REF_ATTR_MAX; t++) {
		unsigned char v[16];

		if (t == ATTR_ORIG_L3PROTO || t == ATTR_REPL_L3PROTO ||
		    t == ATTR_MASTER_L3PROTO || t == ATTR_ORIG_L4PROTO ||
		    t == ATTR_REPL_L4PROTO || t == ATTR_MASTER_L4PROTO)
			continue;
		if (rnd() % 100 >= prob)
			continue;
		rnd_fill(v, sizeof(v));
		switch (attr_kind(t)) {
		case K_STR: {
			static const char *names[] = { "ftp", "sip", "tftp", "h323", "amanda", "x" };
			nfct_set_attr(ct, t, names[rnd() % 6]);
			break;
		}
		case K_SECCTX:
			break;	/* the kernel never takes it from userspace */
		case K_BLOB:
			nfct_set_attr_l(ct, t, v, rnd() % 16 + 1);
			break;
		case K_BITS: {
			struct nfct_bitmask *b = nfct_bitmask_new(rnd() % 2 ? 127 : rnd() % 128);
			for (int i = 0; i < 8; i++)
				nfct_bitmask_set_bit(b, rnd() % (nfct_bitmask_maxbit(b) + 1));
			nfct_set_attr(ct, t, b);
			break;
		}
		case K_U8:
			/* Plausible states keep the parse side meaningful. */
			if (t == ATTR_ICMP_TYPE && rnd() % 2)
				v[0] = rnd() % 2 ? 8 : 128;
			nfct_set_attr_u8(ct, t, v[0]);
			break;
		default:
			nfct_set_attr(ct, t, v);
			break;
		}
	}
	return ct;
}

static struct nlmsghdr *start_msg(void *buf, uint16_t type, uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	g->version = 0;
	g->res_id = 0;
	return nlh;
}

static int build_one(struct nf_conntrack *ct, void *buf)
{
	struct nlmsghdr *nlh;
	int ret;

	memset(buf, 0, 8192);
	nlh = start_msg(buf, IPCTNL_MSG_CT_NEW, nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO));
	ret = nfct_nlmsg_build(nlh, ct);
	return ret;
}

static void do_build(int n)
{
	static char buf[8192];

	for (int i = 0; i < n; i++) {
		struct nf_conntrack *ct = rnd_ct();
		int ret = build_one(ct, buf);

		printf("%d ret=%d ", i, ret);
		print_msg(buf, 0);
		nfct_destroy(ct);
	}
}

static void do_roundtrip(int n)
{
	static char buf[8192];

	for (int i = 0; i < n; i++) {
		struct nf_conntrack *ct = rnd_ct(), *back = nfct_new();
		int ret = build_one(ct, buf);

		errno = 0;
		printf("%d build=%d parse=%d", i, ret,
		       nfct_nlmsg_parse((struct nlmsghdr *)buf, back));
		print_ct(back);
		nfct_destroy(ct);
		nfct_destroy(back);
	}
}

/*
 * Parse one message of @len bytes (may be cut short of nlmsg_len) in a
 * child: on malformed input the reference prints "ctnetlink kernel ABI
 * is broken" and exits, we return -1. Both print "rejected".
 */
static void parse_one(const void *msg, size_t len);

static void parse_print(const void *msg, size_t len)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		parse_one(msg, len);
		fflush(stdout);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		printf("rejected\n");
}

static void parse_one(const void *msg, size_t len)
{
	struct nf_conntrack *ct = nfct_new();
	const struct nlmsghdr *nlh = msg;
	int ret;

	if (len >= sizeof(*nlh) && nlh->nlmsg_len <= len) {
		ret = nfct_nlmsg_parse(nlh, ct);
	} else {
		/* Truncated payload: go through nfct_payload_parse. */
		size_t hdr = MNL_NLMSG_HDRLEN + 4;
		ret = len > hdr ? nfct_payload_parse((const char *)msg + hdr,
						     len - hdr, AF_INET, ct) : 0;
	}
	if (ret < 0)
		printf("rejected\n");
	else
		print_ct(ct);
	nfct_destroy(ct);
}

static void do_corrupt(int n)
{
	static char buf[8192], mut[8192];

	for (int i = 0; i < n; i++) {
		struct nf_conntrack *ct = rnd_ct();
		uint32_t len;

		nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, rnd() % 2 ? AF_INET : AF_INET6);
		build_one(ct, buf);
		nfct_destroy(ct);
		len = ((struct nlmsghdr *)buf)->nlmsg_len;
		for (int k = 0; k < 6; k++) {
			uint32_t cut = len, pos;

			memcpy(mut, buf, len);
			switch (rnd() % 4) {
			case 0:	/* truncate */
				cut = 20 + rnd() % (len - 19);
				((struct nlmsghdr *)mut)->nlmsg_len = cut;
				break;
			case 1:	/* change one attribute length field */
				pos = 20 + (rnd() % ((len - 20) / 4)) * 4;
				mut[pos] = rnd() % 24;
				break;
			case 2:	/* change one type byte */
				pos = 20 + (rnd() % ((len - 20) / 4)) * 4;
				mut[pos + 2] = rnd() % 30;
				break;
			default: /* random byte */
				pos = 20 + rnd() % (len - 20);
				mut[pos] = rnd();
				break;
			}
			printf("%d.%d ", i, k);
			if (getenv("CODEC_PROBE_HEX"))
				print_hex(mut, cut, 0);
			parse_print(mut, cut);
		}
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

static void do_parse(void)
{
	static char line[65536];
	static unsigned char msg[32768] __attribute__((aligned(4)));

	while (fgets(line, sizeof(line), stdin)) {
		size_t n = 0;

		for (char *p = line; hexval(p[0]) >= 0 && hexval(p[1]) >= 0; p += 2)
			msg[n++] = hexval(p[0]) << 4 | hexval(p[1]);
		if (n == 0)
			continue;
		parse_print(msg, n);
	}
}

/* The nfnetlink handle behind open_ssh()'s subsystem, for close_ssh(). */
static struct nfnl_handle *ssh_owner;

static struct nfnl_subsys_handle *open_ssh(void)
{
	ssh_owner = nfnl_open();
	if (ssh_owner == NULL)
		return NULL;
	return nfnl_subsys_open(ssh_owner, NFNL_SUBSYS_CTNETLINK,
				IPCTNL_MSG_MAX, 0);
}

/* Closing the handle also releases its subsystems: the probe must end
 * with nothing allocated, or LeakSanitizer fails it. */
static void close_ssh(void)
{
	if (ssh_owner != NULL)
		nfnl_close(ssh_owner);
	ssh_owner = NULL;
}

static void do_legacy(int n)
{
	static char buf[8192];
	struct nfnl_subsys_handle *ssh = open_ssh();
	static const uint16_t flags[] = { NLM_F_REQUEST | NLM_F_ACK,
		NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 0 };

	if (ssh == NULL) {
		printf("no nfnetlink\n");
		close_ssh();
		return;
	}
	for (int i = 0; i < n; i++) {
		struct nf_conntrack *ct = rnd_ct();
		int q = rnd() % 5, ret;

		memset(buf, 0, sizeof(buf));
		/* Without ATTR_ORIG_L3PROTO the reference leaves the buffer
		 * untouched: fine, it is zeroed. */
		ret = nfct_build_conntrack(ssh, buf, sizeof(buf), rnd() % 4,
					   flags[rnd() % 3], ct);
		printf("%d build_conntrack=%d ", i, ret);
		print_msg(buf, 1);
		memset(buf, 0, sizeof(buf));
		if (q == 4)
			q = NFCT_Q_CREATE_UPDATE;
		ret = nfct_build_query(ssh, q, ct, buf, sizeof(buf));
		printf("%d build_query(%d)=%d ", i, q, ret);
		print_msg(buf, 1);
		nfct_destroy(ct);
	}
	close_ssh();
}

static void do_query(void)
{
	static char buf[8192];
	struct nfnl_subsys_handle *ssh = open_ssh();
	struct nfct_filter_dump_mark m = { 0x10203040, 0xff00ff00 };
	struct nf_conntrack *ct = nfct_new();

	if (ssh == NULL) {
		printf("no nfnetlink\n");
		nfct_destroy(ct);
		close_ssh();
		return;
	}
	nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, IPPROTO_UDP);
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, htonl(0x7f000001));
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, htons(53));
	nfct_set_attr_u32(ct, ATTR_MARK, 7);
	for (int fam = 0; fam < 12; fam += 2)
	for (int variant = 0; variant < 4; variant++)
	for (int q = 0; q <= NFCT_Q_FLUSH_FILTER + 1; q++) {
		struct nfct_filter_dump *f = nfct_filter_dump_create();
		uint32_t family = fam;
		const void *data = ct;
		int ret;

		if (variant & 1)
			nfct_filter_dump_set_attr(f, NFCT_FILTER_DUMP_MARK, &m);
		if (variant & 2)
			nfct_filter_dump_set_attr(f, NFCT_FILTER_DUMP_STATUS, &m);
		if (fam)
			nfct_filter_dump_set_attr_u8(f, NFCT_FILTER_DUMP_L3NUM, fam);
		switch (q) {
		case NFCT_Q_FLUSH: case NFCT_Q_DUMP: case NFCT_Q_DUMP_RESET:
		case NFCT_Q_FLUSH_FILTER:
			data = &family;
			break;
		case NFCT_Q_DUMP_FILTER: case NFCT_Q_DUMP_FILTER_RESET:
			data = f;
			break;
		}
		memset(buf, 0, sizeof(buf));
		errno = 0;
		ret = nfct_build_query(ssh, q, data, buf, sizeof(buf));
		printf("fam %d variant %d query %d ret=%d errno=%d ", fam, variant, q,
		       ret, ret < 0 ? errno : 0);
		print_msg(buf, 1);
		/* The low-level filter builder, on a started message. */
		memset(buf, 0, sizeof(buf));
		ret = nfct_nlmsg_build_filter(start_msg(buf, IPCTNL_MSG_CT_GET, 0), f);
		printf("  build_filter=%d ", ret);
		print_msg(buf, 0);
		nfct_filter_dump_destroy(f);
	}
	nfct_destroy(ct);
	close_ssh();
}

/* nfct_parse_conntrack: which message types and flags give which type. */
static void do_parse_conntrack(void)
{
	static char buf[8192];
	static const uint16_t flags[] = { 0, NLM_F_CREATE, NLM_F_EXCL,
		NLM_F_CREATE | NLM_F_EXCL, NLM_F_MULTI };
	static const int want[] = { NFCT_T_ALL, NFCT_T_NEW, NFCT_T_UPDATE,
		NFCT_T_DESTROY, 0 };
	struct nf_conntrack *src = nfct_new();

	nfct_set_attr_u8(src, ATTR_ORIG_L3PROTO, AF_INET);
	nfct_set_attr_u32(src, ATTR_MARK, 9);
	for (int sub = 1; sub <= 2; sub++)
	for (int t = 0; t < 5; t++)
	for (int f = 0; f < 5; f++)
	for (int w = 0; w < 5; w++) {
		struct nlmsghdr *nlh = start_msg(buf, t, AF_INET);
		struct nf_conntrack *ct = nfct_new();

		nlh->nlmsg_type = sub << 8 | t;
		nlh->nlmsg_flags = flags[f];
		nfct_nlmsg_build(nlh, src);
		printf("%d %d %d %d -> %d", sub, t, f, w,
		       nfct_parse_conntrack(want[w], nlh, ct));
		print_ct(ct);
		nfct_destroy(ct);
	}
	((struct nlmsghdr *)buf)->nlmsg_len = 16;
	printf("short -> %d\n", nfct_parse_conntrack(NFCT_T_ALL, (void *)buf, src));
	nfct_destroy(src);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int n = argc > 3 ? atoi(argv[3]) : 100;

	rng_state = (argc > 2 ? strtoull(argv[2], NULL, 0) : 1) * 0x9e3779b97f4a7c15ull + 1;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (!strcmp(mode, "build"))
		do_build(n);
	else if (!strcmp(mode, "roundtrip"))
		do_roundtrip(n);
	else if (!strcmp(mode, "corrupt"))
		do_corrupt(n);
	else if (!strcmp(mode, "legacy"))
		do_legacy(n);
	else if (!strcmp(mode, "query"))
		do_query();
	else if (!strcmp(mode, "parse"))
		do_parse();
	else if (!strcmp(mode, "parse_conntrack"))
		do_parse_conntrack();
	else {
		fprintf(stderr, "usage: %s build|roundtrip|corrupt|legacy SEED N | query | parse\n", argv[0]);
		return 2;
	}
	return 0;
}
