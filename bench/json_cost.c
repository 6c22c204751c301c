/*
 * json_cost - what one JSON rendering costs next to nfct_snprintf()
 *
 * Usage: build/bench/json_cost [N]   (default N = 1000000)
 *
 * Renders one typical TCP entry (both tuples, counters, state, status,
 * timeout, TCP flags and window scale, id) N times with
 * nfct_snprintf(NFCT_O_DEFAULT), nfct_snprintf(NFCT_O_XML) and
 * nfct_ext_snprintf_json(), and prints nanoseconds per rendering and
 * the output size of each. No kernel needed. doc/ext/json.md quotes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <endian.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>

/* One direction's IPv4 TCP tuple. */
static void tuple(struct nf_conntrack *ct, int reply, const char *src,
		  const char *dst, uint16_t sport, uint16_t dport)
{
	nfct_set_attr_u8(ct, reply ? ATTR_REPL_L3PROTO : ATTR_ORIG_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, reply ? ATTR_REPL_IPV4_SRC : ATTR_ORIG_IPV4_SRC,
			  inet_addr(src));
	nfct_set_attr_u32(ct, reply ? ATTR_REPL_IPV4_DST : ATTR_ORIG_IPV4_DST,
			  inet_addr(dst));
	nfct_set_attr_u8(ct, reply ? ATTR_REPL_L4PROTO : ATTR_ORIG_L4PROTO,
			 IPPROTO_TCP);
	nfct_set_attr_u16(ct, reply ? ATTR_REPL_PORT_SRC : ATTR_ORIG_PORT_SRC,
			  htons(sport));
	nfct_set_attr_u16(ct, reply ? ATTR_REPL_PORT_DST : ATTR_ORIG_PORT_DST,
			  htons(dport));
}

/* Counters come in only through the parser: build what the kernel sends. */
static struct nf_conntrack *typical(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nf_conntrack *ct = nfct_new();
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	for (int dir = 0; dir < 2; dir++) {
		struct nlattr *n = mnl_attr_nest_start(nlh, dir ? CTA_COUNTERS_REPLY :
							       CTA_COUNTERS_ORIG);

		mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS, htobe64(dir ? 21 : 25));
		mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES, htobe64(dir ? 48312 : 3154));
		mnl_attr_nest_end(nlh, n);
	}
	if (ct == NULL || nfct_nlmsg_parse(nlh, ct) != 0)
		exit(1);
	tuple(ct, 0, "192.168.100.100", "192.168.100.200", 54321, 443);
	tuple(ct, 1, "192.168.100.200", "192.168.100.100", 443, 54321);
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, 3 /* ESTABLISHED */);
	nfct_set_attr_u8(ct, ATTR_TCP_FLAGS_ORIG, 0x27);
	nfct_set_attr_u8(ct, ATTR_TCP_FLAGS_REPL, 0x23);
	nfct_set_attr_u8(ct, ATTR_TCP_WSCALE_ORIG, 7);
	nfct_set_attr_u8(ct, ATTR_TCP_WSCALE_REPL, 7);
	nfct_set_attr_u32(ct, ATTR_STATUS, 0xe /* SEEN_REPLY ASSURED CONFIRMED */);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 431999);
	nfct_set_attr_u32(ct, ATTR_ID, 3735928559u);
	return ct;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	struct nf_conntrack *ct = typical();
	static char buf[4096];
	const char *names[3] = { "nfct_snprintf default", "nfct_snprintf xml",
				 "nfct_ext_snprintf_json" };

	if (n <= 0)
		return 1;
	for (int k = 0; k < 3; k++) {
		int len = 0;
		double t0 = now_ns();

		for (long i = 0; i < n; i++) {
			if (k == 2)
				len = nfct_ext_snprintf_json(buf, sizeof(buf), ct,
							     NFCT_T_UPDATE, 0);
			else
				len = nfct_snprintf(buf, sizeof(buf), ct,
						    NFCT_T_UPDATE, k ? NFCT_O_XML :
						    NFCT_O_DEFAULT, 0);
		}
		printf("%-24s %7.0f ns/entry %5d bytes\n", names[k],
		       (now_ns() - t0) / n, len);
	}
	nfct_destroy(ct);
	return 0;
}
