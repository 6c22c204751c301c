/* Event storm for the kernel tests, see bsf_scenario.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "bsf_scenario.h"

#define V4(a, b, c, d) { ((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d) }
#define V6(w0, w3) { w0, 0, 0, w3 }

/* TCP states: 1 SYN_SENT, 3 ESTABLISHED, 7 CLOSE; SCTP: 3 ESTABLISHED, 1 CLOSED */
const struct sc_entry sc_table[] = {
	{ AF_INET, 6, V4(10, 0, 0, 1), V4(10, 0, 1, 1), 1001, 80, 3, 0, 0 },
	{ AF_INET, 6, V4(10, 0, 0, 2), V4(10, 0, 1, 2), 1002, 80, 1, 5, 0 },
	{ AF_INET, 6, V4(10, 0, 0, 3), V4(192, 168, 1, 3), 1003, 443, 7, 0x105, 1 },
	{ AF_INET, 6, V4(172, 16, 0, 4), V4(10, 0, 1, 4), 1004, 22, 3, 0xff, 2 },
	{ AF_INET, 17, V4(10, 0, 0, 5), V4(10, 0, 1, 5), 1005, 53, 0, 0, 0 },
	{ AF_INET, 17, V4(10, 0, 0, 200), V4(127, 0, 0, 1), 1006, 53, 0, 5, 0 },
	{ AF_INET, 17, V4(192, 168, 7, 7), V4(10, 0, 1, 7), 1007, 123, 0, 7, 1 },
	{ AF_INET, 17, V4(1, 2, 3, 4), V4(5, 6, 7, 8), 1008, 9, 0, 0, 7 },
	{ AF_INET, 132, V4(10, 0, 0, 9), V4(10, 0, 1, 9), 1009, 5000, 3, 0, 0 },
	{ AF_INET, 132, V4(10, 9, 0, 10), V4(10, 0, 1, 10), 1010, 5000, 1, 5, 1 },
	{ AF_INET6, 6, V6(0x20010db8, 1), V6(0x20010db8, 2), 2001, 80, 3, 0, 0 },
	{ AF_INET6, 6, V6(0x20010db8, 3), V6(0xfe800000, 4), 2002, 80, 1, 5, 2 },
	{ AF_INET6, 17, V6(0xfe800000, 5), V6(0x20010db8, 6), 2003, 53, 0, 0x105, 0 },
	{ AF_INET6, 17, { 0x20010db8, 1, 2, 7 }, V6(0x20010db8, 8), 2004, 53, 0, 5, 1 },
	{ AF_INET6, 132, V6(0x20010db8, 9), V6(0x20010db8, 10), 2005, 5000, 3, 0, 0 },
};
const int sc_count = sizeof(sc_table) / sizeof(sc_table[0]);

unsigned int scenario_groups(void)
{
	return (1 << (NFNLGRP_CONNTRACK_NEW - 1)) |
	       (1 << (NFNLGRP_CONNTRACK_DESTROY - 1));
}

static void put_addrs(struct nlmsghdr *nlh, const struct sc_entry *e,
		      const uint32_t *src, const uint32_t *dst)
{
	struct nlattr *ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	uint32_t s[4], d[4];

	for (int i = 0; i < 4; i++) {
		s[i] = htonl(src[i]);
		d[i] = htonl(dst[i]);
	}
	if (e->family == AF_INET) {
		mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, s[0]);
		mnl_attr_put_u32(nlh, CTA_IP_V4_DST, d[0]);
	} else {
		mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, s);
		mnl_attr_put(nlh, CTA_IP_V6_DST, 16, d);
	}
	mnl_attr_nest_end(nlh, ip);
}

static void put_tuple(struct nlmsghdr *nlh, int type, const struct sc_entry *e,
		      int reply)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, type);
	struct nlattr *p;

	put_addrs(nlh, e, reply ? e->dst : e->src, reply ? e->src : e->dst);
	p = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, e->proto);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(reply ? e->dport : e->sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(reply ? e->sport : e->dport));
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, t);
}

static void put_protoinfo(struct nlmsghdr *nlh, const struct sc_entry *e)
{
	struct nlattr *pi, *n;

	if (e->proto != IPPROTO_TCP && e->proto != IPPROTO_SCTP &&
	    e->proto != IPPROTO_DCCP)
		return;
	pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	if (e->proto == IPPROTO_TCP) {
		n = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, e->state);
	} else if (e->proto == IPPROTO_DCCP) {
		n = mnl_attr_nest_start(nlh, CTA_PROTOINFO_DCCP);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_DCCP_STATE, e->state);
	} else {
		n = mnl_attr_nest_start(nlh, CTA_PROTOINFO_SCTP);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_SCTP_STATE, e->state);
		mnl_attr_put_u32(nlh, CTA_PROTOINFO_SCTP_VTAG_ORIGINAL, htonl(1));
		mnl_attr_put_u32(nlh, CTA_PROTOINFO_SCTP_VTAG_REPLY, htonl(2));
	}
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, pi);
}

static int talk(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int n;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -1;
	return mnl_cb_run(buf, n, nlh->nlmsg_seq, mnl_socket_get_portid(nl),
			  NULL, NULL);
}

static struct nlmsghdr *start(char *buf, int type, int flags, int family,
			      uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

struct nlmsghdr *scenario_build_event(char *buf, const struct sc_entry *e,
				      int type)
{
	struct nlmsghdr *nlh = start(buf, type, NLM_F_CREATE | NLM_F_EXCL,
				     e->family, 0);

	nlh->nlmsg_flags &= ~(NLM_F_REQUEST | NLM_F_ACK);
	put_tuple(nlh, CTA_TUPLE_ORIG, e, 0);
	put_tuple(nlh, CTA_TUPLE_REPLY, e, 1);
	/* like the kernel: zone only when not 0, then status and timeout */
	if (e->zone)
		mnl_attr_put_u16(nlh, CTA_ZONE, htons(e->zone));
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(8));
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(100));
	put_protoinfo(nlh, e);
	if (e->mark)
		mnl_attr_put_u32(nlh, CTA_MARK, htonl(e->mark));
	mnl_attr_put_u32(nlh, CTA_USE, htonl(1));
	mnl_attr_put_u32(nlh, CTA_ID, htonl(0x1234));
	return nlh;
}

int scenario_play(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint32_t seq = time(NULL);
	int ret = 0;

	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("scenario socket");
		return -1;
	}
	for (int i = 0; i < sc_count && ret == 0; i++) {
		const struct sc_entry *e = &sc_table[i];

		nlh = start(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL,
			    e->family, ++seq);
		put_tuple(nlh, CTA_TUPLE_ORIG, e, 0);
		put_tuple(nlh, CTA_TUPLE_REPLY, e, 1);
		put_protoinfo(nlh, e);
		mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(100));
		if (e->mark)
			mnl_attr_put_u32(nlh, CTA_MARK, htonl(e->mark));
		if (e->zone)
			mnl_attr_put_u16(nlh, CTA_ZONE, htons(e->zone));
		ret = talk(nl, nlh);
		if (ret < 0)
			fprintf(stderr, "creating entry %d: %s\n", i, strerror(errno));
	}
	/* A flush destroys everything, one destroy event per entry. */
	nlh = start(buf, IPCTNL_MSG_CT_DELETE, 0, AF_UNSPEC, ++seq);
	if (talk(nl, nlh) < 0) {
		perror("flush");
		ret = -1;
	}
	mnl_socket_close(nl);
	return ret;
}

void scenario_format(char *buf, size_t len, const char *ev,
		     const struct sc_entry *e)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	uint32_t sw[4], dw[4];

	for (int i = 0; i < 4; i++) {
		sw[i] = htonl(e->src[i]);
		dw[i] = htonl(e->dst[i]);
	}
	inet_ntop(e->family, sw, s, sizeof(s));
	inet_ntop(e->family, dw, d, sizeof(d));
	snprintf(buf, len, "%s %s proto=%u %s:%u -> %s:%u state=%u mark=%#x zone=%u",
		 ev, e->family == AF_INET ? "ipv4" : "ipv6", e->proto, s,
		 e->sport, d, e->dport, e->state, e->mark, e->zone);
}

/* ---- reading events back ------------------------------------------ */

static void parse_ip(const struct nlattr *ip, struct sc_entry *e)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, ip) {
		const uint32_t *w = mnl_attr_get_payload(a);
		int n = mnl_attr_get_type(a) <= CTA_IP_V4_DST ? 1 : 4;
		uint32_t *to = (mnl_attr_get_type(a) & 1) ? e->src : e->dst;

		e->family = n == 1 ? AF_INET : AF_INET6;
		for (int i = 0; i < n; i++)
			to[i] = ntohl(w[i]);
	}
}

static void parse_tuple(const struct nlattr *t, struct sc_entry *e)
{
	const struct nlattr *a, *p;

	mnl_attr_for_each_nested(a, t) {
		if (mnl_attr_get_type(a) == CTA_TUPLE_IP)
			parse_ip(a, e);
		if (mnl_attr_get_type(a) != CTA_TUPLE_PROTO)
			continue;
		mnl_attr_for_each_nested(p, a) {
			switch (mnl_attr_get_type(p)) {
			case CTA_PROTO_NUM:
				e->proto = mnl_attr_get_u8(p);
				break;
			case CTA_PROTO_SRC_PORT:
				e->sport = ntohs(mnl_attr_get_u16(p));
				break;
			case CTA_PROTO_DST_PORT:
				e->dport = ntohs(mnl_attr_get_u16(p));
				break;
			}
		}
	}
}

static void parse_protoinfo(const struct nlattr *pi, struct sc_entry *e)
{
	const struct nlattr *n, *a;

	mnl_attr_for_each_nested(n, pi)
		mnl_attr_for_each_nested(a, n)
			if (mnl_attr_get_type(a) == 1)	/* *_STATE */
				e->state = mnl_attr_get_u8(a);
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	char ***lines = data;
	const struct nlattr *a;
	struct sc_entry e;
	char buf[256];
	int n = 0;

	memset(&e, 0, sizeof(e));
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		switch (mnl_attr_get_type(a)) {
		case CTA_TUPLE_ORIG:
			parse_tuple(a, &e);
			break;
		case CTA_PROTOINFO:
			parse_protoinfo(a, &e);
			break;
		case CTA_MARK:
			e.mark = ntohl(mnl_attr_get_u32(a));
			break;
		case CTA_ZONE:
			e.zone = ntohs(mnl_attr_get_u16(a));
			break;
		}
	}
	/* Only the first events of a kind matter: the state in a destroy
	 * event is the live one, so print it the same as in the table. */
	scenario_format(buf, sizeof(buf),
			(nlh->nlmsg_type & 0xff) == IPCTNL_MSG_CT_DELETE ? "destroy" :
			(nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) ? "new" : "update",
			&e);
	while ((*lines)[n])
		n++;
	*lines = realloc(*lines, (n + 2) * sizeof(char *));
	(*lines)[n] = strdup(buf);
	(*lines)[n + 1] = NULL;
	return MNL_CB_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void scenario_print_events(struct mnl_socket *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	char **lines = calloc(1, sizeof(char *));
	int n;

	for (;;) {
		n = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			printf("ENOBUFS\n");
			continue;
		}
		if (n <= 0)
			break;
		mnl_cb_run(buf, n, 0, 0, event_cb, &lines);
	}
	for (n = 0; lines[n]; n++)
		;
	qsort(lines, n, sizeof(char *), cmp_str);
	for (int i = 0; i < n; i++) {
		printf("%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
}
