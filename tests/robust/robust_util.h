/*
 * Helpers for the robustness tests: fill a kernel table fast (many
 * ctnetlink NEW messages per datagram, no ACKs) without going through
 * the code under test more than for building the messages.
 */
#ifndef ROBUST_UTIL_H
#define ROBUST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

/* Entry @i: UDP 10.x.y.z:1000 -> 192.0.2.1:53, unique per i (< 2^24). */
static inline void robust_entry(struct nf_conntrack *ct, uint32_t i)
{
	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_IPV4_SRC, htonl(0x0a000000 | i));
	nfct_set_attr_u32(ct, ATTR_IPV4_DST, htonl(0xc0000201));
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_UDP);
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(1000));
	nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(53));
	/* the kernel wants both tuples to create an entry */
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_UDP);
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, htonl(0xc0000201));
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, htonl(0x0a000000 | i));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(53));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(1000));
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 600);
	nfct_set_attr_u32(ct, ATTR_MARK, i);
}

/*
 * Create entries [first, first + n) in the current namespace. Returns
 * the number of messages sent, or -1.
 */
static inline long robust_fill(uint32_t first, uint32_t n)
{
	static char buf[65536];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	struct nf_conntrack *ct = nfct_new();
	long sent = 0;
	uint32_t i = 0;
	int on = 1;

	if (nl == NULL || ct == NULL || mnl_socket_bind(nl, 0, 0) < 0)
		return -1;
	/* errors (none expected) must not block us: never read them */
	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_NO_ENOBUFS,
		   &on, sizeof(on));
	while (i < n) {
		size_t off = 0;

		while (i < n && off + 512 <= sizeof(buf)) {
			struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + off);
			struct nfgenmsg *g;

			nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) |
					  IPCTNL_MSG_CT_NEW;
			nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE;
			g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
			g->nfgen_family = AF_INET;
			g->version = NFNETLINK_V0;
			robust_entry(ct, first + i);
			nfct_nlmsg_build(nlh, ct);
			off += NLMSG_ALIGN(nlh->nlmsg_len);
			i++;
		}
		if (mnl_socket_sendto(nl, buf, off) < 0) {
			perror("sendto");
			break;
		}
		sent = i;
	}
	nfct_destroy(ct);
	mnl_socket_close(nl);
	return sent;
}

/* Entries in the table of this namespace (from /proc). */
static inline long robust_count(void)
{
	FILE *f = fopen("/proc/sys/net/netfilter/nf_conntrack_count", "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

static inline long robust_maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

#endif
