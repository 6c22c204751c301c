/*
 * The request both libmnl dumps of the benchmark send (rawdump, the lower
 * bound, and ctbench's libmnl + nfct_nlmsg_parse path): open and bind a
 * netfilter socket, ask for the IPv4 conntrack table. Returns the socket,
 * or NULL after printing why. @buf must hold a netlink header and a
 * struct nfgenmsg.
 */
#ifndef BENCH_DUMP_REQUEST_H
#define BENCH_DUMP_REQUEST_H

#include <stdio.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

static struct mnl_socket *dump_request(char *buf)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	struct nlmsghdr *nlh;
	struct nfgenmsg *g;

	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink socket");
		return NULL;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = 1;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_INET;
	g->version = NFNETLINK_V0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("sendto");
		return NULL;
	}
	return nl;
}

#endif
