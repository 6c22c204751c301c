/*
 * Probe run on both libraries (the oracle): builds an event filter from
 * the command line with the public nfct_filter_* API, attaches it and
 * prints what happened.
 *
 *   bsf_probe dump SPEC...   print return values and the attached program
 *   bsf_probe run SPEC...    attach to a conntrack event socket, create and
 *                            destroy the scenario's entries (in the current
 *                            netns) and print the events that got through
 *
 * SPEC tokens:
 *   p=N          L4PROTO N              s=P:S     L4PROTO_STATE proto P state S
 *   p=A-B        L4PROTO A, A+1 ... B, in that order
 *   4s=A/M 4d=A/M IPv4 address A (dotted) mask M (hex, host order)
 *   6s=A/L 6d=A/L IPv6 address A, prefix length L
 *   m=V/M        MARK value V mask M (hex)
 *   z=N          ZONE N
 *   n=K / P=K    set logic of kind K negative / positive (prints the result)
 *   raw=K        add_attr with attr K and a zeroed value (bad input)
 *   4s*N 4d*N 6s*N 6d*N m*N z*N
 *                N entries of that kind that no scenario event matches
 *                (100.64.0.0/10 and 2002::/16 addresses, marks and zones
 *                from 0x10000 / 1000 on), to make long lists
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/filter.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "bsf_scenario.h"

static void prefix_mask(int len, uint32_t m[4])
{
	for (int i = 0; i < 4; i++) {
		int bits = len - 32 * i;
		if (bits >= 32)
			m[i] = 0xffffffff;
		else if (bits <= 0)
			m[i] = 0;
		else
			m[i] = 0xffffffffu << (32 - bits);
	}
}

/* "KIND*N": @n entries of @kind that match none of sc_table. */
static int add_filler(struct nfct_filter *f, const char *kind, long n)
{
	for (long i = 0; i < n; i++) {
		struct nfct_filter_ipv4 a4 = { 0x64400000 + i, 0xffffffff };
		struct nfct_filter_ipv6 a6 = { { 0x20020000, 0, 0, i },
					       { ~0u, ~0u, ~0u, ~0u } };
		struct nfct_filter_dump_mark m = { 0x10000 + i, 0xffffffff };
		uint16_t z = 1000 + i;

		if (!strcmp(kind, "4s") || !strcmp(kind, "4d"))
			nfct_filter_add_attr(f, kind[1] == 's' ? NFCT_FILTER_SRC_IPV4
						      : NFCT_FILTER_DST_IPV4, &a4);
		else if (!strcmp(kind, "6s") || !strcmp(kind, "6d"))
			nfct_filter_add_attr(f, kind[1] == 's' ? NFCT_FILTER_SRC_IPV6
						      : NFCT_FILTER_DST_IPV6, &a6);
		else if (!strcmp(kind, "m"))
			nfct_filter_add_attr(f, NFCT_FILTER_MARK, &m);
		else if (!strcmp(kind, "z"))
			nfct_filter_add_attr(f, NFCT_FILTER_ZONE, &z);
		else
			return -1;
	}
	return 0;
}

static int add_token(struct nfct_filter *f, const char *t)
{
	char buf[128];
	char *slash, *star, *dash;

	snprintf(buf, sizeof(buf), "%s", t);
	star = strchr(buf, '*');
	if (star) {
		*star++ = '\0';
		if (add_filler(f, buf, strtol(star, NULL, 0)) < 0) {
			fprintf(stderr, "bad token %s\n", t);
			return -1;
		}
		return 0;
	}
	dash = strchr(buf, '-');
	if (!strncmp(buf, "p=", 2) && dash) {
		for (unsigned long p = strtoul(buf + 2, NULL, 0);
		     p <= strtoul(dash + 1, NULL, 0); p++)
			nfct_filter_add_attr_u32(f, NFCT_FILTER_L4PROTO, p);
		return 0;
	}
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (!strncmp(buf, "p=", 2)) {
		nfct_filter_add_attr_u32(f, NFCT_FILTER_L4PROTO, strtoul(buf + 2, NULL, 0));
	} else if (!strncmp(buf, "s=", 2)) {
		struct nfct_filter_proto p;
		char *c = strchr(buf, ':');
		p.proto = strtoul(buf + 2, NULL, 0);
		p.state = c ? strtoul(c + 1, NULL, 0) : 0;
		nfct_filter_add_attr(f, NFCT_FILTER_L4PROTO_STATE, &p);
	} else if (!strncmp(buf, "4s=", 3) || !strncmp(buf, "4d=", 3)) {
		struct nfct_filter_ipv4 a;
		struct in_addr in;
		inet_pton(AF_INET, buf + 3, &in);
		a.addr = ntohl(in.s_addr);
		a.mask = slash ? strtoul(slash, NULL, 16) : 0xffffffff;
		nfct_filter_add_attr(f, buf[1] == 's' ? NFCT_FILTER_SRC_IPV4 : NFCT_FILTER_DST_IPV4, &a);
	} else if (!strncmp(buf, "6s=", 3) || !strncmp(buf, "6d=", 3)) {
		struct nfct_filter_ipv6 a;
		uint32_t w[4];
		inet_pton(AF_INET6, buf + 3, w);
		for (int i = 0; i < 4; i++)
			a.addr[i] = ntohl(w[i]);
		prefix_mask(slash ? atoi(slash) : 128, a.mask);
		nfct_filter_add_attr(f, buf[1] == 's' ? NFCT_FILTER_SRC_IPV6 : NFCT_FILTER_DST_IPV6, &a);
	} else if (!strncmp(buf, "m=", 2)) {
		struct nfct_filter_dump_mark m;
		m.val = strtoul(buf + 2, NULL, 16);
		m.mask = slash ? strtoul(slash, NULL, 16) : 0xffffffff;
		nfct_filter_add_attr(f, NFCT_FILTER_MARK, &m);
	} else if (!strncmp(buf, "z=", 2)) {
		uint16_t z = strtoul(buf + 2, NULL, 0);
		nfct_filter_add_attr(f, NFCT_FILTER_ZONE, &z);
	} else if (!strncmp(buf, "n=", 2) || !strncmp(buf, "P=", 2)) {
		int r;
		errno = 0;
		r = nfct_filter_set_logic(f, strtol(buf + 2, NULL, 0),
					  buf[0] == 'n' ? NFCT_FILTER_LOGIC_NEGATIVE
							: NFCT_FILTER_LOGIC_POSITIVE);
		printf("set_logic(%s)=%d errno=%d\n", buf + 2, r, r < 0 ? errno : 0);
	} else if (!strncmp(buf, "raw=", 4)) {
		static const char zero[64];
		nfct_filter_add_attr(f, strtol(buf + 4, NULL, 0), zero);
	} else {
		fprintf(stderr, "bad token %s\n", t);
		return -1;
	}
	return 0;
}

static void dump_prog(int fd)
{
	struct sock_filter ins[4096];
	socklen_t len = 4096;
	int r = getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, ins, &len);

	printf("get=%d len=%u\n", r, r == 0 ? len : 0);
	if (r == 0 && getenv("BSF_VERBOSE"))
		for (unsigned i = 0; i < len; i++)
			printf("%3u: %04x %3u %3u %08x\n", i, ins[i].code,
			       ins[i].jt, ins[i].jf, ins[i].k);
}

int main(int argc, char **argv)
{
	struct mnl_socket *nl;
	struct nfct_filter *f;
	int r, run;

	if (argc < 2)
		return 2;
	run = !strcmp(argv[1], "run");
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (nl == NULL || mnl_socket_bind(nl, run ? scenario_groups() : 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink");
		return 2;
	}
	f = nfct_filter_create();
	if (f == NULL)
		return 2;
	for (int i = 2; i < argc; i++)
		if (add_token(f, argv[i]) < 0)
			return 2;
	errno = 0;
	r = nfct_filter_attach(mnl_socket_get_fd(nl), f);
	printf("attach=%d errno=%d\n", r, r < 0 ? errno : 0);
	nfct_filter_destroy(f);
	if (!run) {
		dump_prog(mnl_socket_get_fd(nl));
		errno = 0;
		r = nfct_filter_detach(mnl_socket_get_fd(nl));
		printf("detach=%d errno=%d\n", r, r < 0 ? errno : 0);
		errno = 0;
		r = nfct_filter_detach(mnl_socket_get_fd(nl));
		printf("detach again=%d errno=%d\n", r, r < 0 ? errno : 0);
		errno = 0;
		r = nfct_filter_detach(-1);
		printf("detach bad fd=%d errno=%d\n", r, r < 0 ? errno : 0);
	} else {
		if (scenario_play() < 0)
			return 3;
		scenario_print_events(nl);
	}
	mnl_socket_close(nl);
	return 0;
}
