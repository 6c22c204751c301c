/*
 * ctfill - fill or flush the conntrack table of the current network
 * namespace quickly, straight over libmnl (no libnetfilter_conntrack, so
 * the table is the same whichever library is measured afterwards).
 *
 *   ctfill fill N [FIRST]   create N TCP ESTABLISHED entries, numbered
 *                           from FIRST (default 0); many CT_NEW messages
 *                           per sendmsg(), no ACKs: only errors come back
 *   ctfill flush            delete every entry (one CT_DELETE request)
 *
 * Entry i is 10.a.b.c:(1024 + i % 60000) -> 192.168.0.1:80, so entries
 * are distinct for i < 60000 * 2^24.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#define BATCH_BYTES (256 * 1024)
#define SOCK_BUF (16 * 1024 * 1024)

static struct nlmsghdr *put_header(char *buf, uint16_t type, uint16_t flags,
				   uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	g->res_id = 0;
	return nlh;
}

static void put_tuple(struct nlmsghdr *nlh, int type, uint32_t src,
		      uint32_t dst, uint16_t sport, uint16_t dport)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, type);
	struct nlattr *n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);

	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, src);
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, dst);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_TCP);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
}

/* Append the CT_NEW message for entry @i at @buf; returns its length. */
static size_t put_entry(char *buf, unsigned long i)
{
	struct nlmsghdr *nlh = put_header(buf, IPCTNL_MSG_CT_NEW,
					  NLM_F_CREATE | NLM_F_EXCL, AF_INET);
	uint32_t src = htonl(0x0a000000u + (uint32_t)(i / 60000));
	uint32_t dst = htonl(0xc0a80001u);
	uint16_t sport = 1024 + i % 60000;
	struct nlattr *p, *tcp;

	put_tuple(nlh, CTA_TUPLE_ORIG, src, dst, sport, 80);
	put_tuple(nlh, CTA_TUPLE_REPLY, dst, src, 80, sport);
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(86400));
	mnl_attr_put_u32(nlh, CTA_STATUS,
			 htonl(IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED));
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(i & 0xff));
	p = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	tcp = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, TCP_CONNTRACK_ESTABLISHED);
	mnl_attr_nest_end(nlh, tcp);
	mnl_attr_nest_end(nlh, p);
	return nlh->nlmsg_len;
}

/* Read the error replies waiting on the socket; returns how many. */
static unsigned long drain_errors(struct mnl_socket *nl, int *first_err)
{
	static char buf[65536];
	unsigned long errs = 0;
	ssize_t n;

	while ((n = recv(mnl_socket_get_fd(nl), buf, sizeof(buf),
			 MSG_DONTWAIT)) > 0) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = n;

		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_type != NLMSG_ERROR || e->error == 0)
				continue;
			if (errs++ == 0 && *first_err == 0)
				*first_err = -e->error;
		}
	}
	return errs;
}

static struct mnl_socket *open_socket(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	int sz = SOCK_BUF;

	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink socket");
		exit(1);
	}
	/* big enough for a whole batch, and for its error replies */
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	return nl;
}

static int fill(unsigned long n, unsigned long first)
{
	struct mnl_socket *nl = open_socket();
	char *buf = malloc(BATCH_BYTES);
	unsigned long i = first, errs = 0, sends = 0;
	int first_err = 0;
	struct timespec t0, t1;

	if (buf == NULL)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (i < first + n) {
		size_t len = 0;

		/* an entry is ~150 bytes: keep 1 KiB of headroom */
		while (i < first + n && len + 1024 <= BATCH_BYTES)
			len += put_entry(buf + len, i++);
		if (mnl_socket_sendto(nl, buf, len) < 0) {
			perror("sendto");
			return 1;
		}
		sends++;
		errs += drain_errors(nl, &first_err);
	}
	errs += drain_errors(nl, &first_err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "ctfill: %lu entries in %lu sendmsg, %.2f s, %lu errors%s%s\n",
		n, sends, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
		errs, first_err ? ", first: " : "",
		first_err ? strerror(first_err) : "");
	free(buf);
	mnl_socket_close(nl);
	return errs ? 1 : 0;
}

static int flush(void)
{
	struct mnl_socket *nl = open_socket();
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_header(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK,
					  AF_UNSPEC);
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("sendto");
		return 1;
	}
	ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (ret > 0)
		ret = mnl_cb_run(buf, ret, 0, 0, NULL, NULL);
	if (ret < 0)
		perror("flush");
	mnl_socket_close(nl);
	return ret < 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "fill") == 0)
		return fill(strtoul(argv[2], NULL, 0),
			    argc > 3 ? strtoul(argv[3], NULL, 0) : 0);
	if (argc == 2 && strcmp(argv[1], "flush") == 0)
		return flush();
	fprintf(stderr, "usage: ctfill fill N [FIRST] | ctfill flush\n");
	return 2;
}
