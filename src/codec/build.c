/*
 * Netlink codec, object -> message: the CTA_* attributes of a conntrack
 * object (nfct_nlmsg_build), the libnfnetlink-era wrappers and the
 * complete requests nfct_query() sends (ct_query_build).
 *
 * What is emitted, in which order and under which conditions follows
 * the original library byte for byte; tests/codec checks it against the
 * reference. Notable rules kept for compatibility:
 *  - ATTR_ORIG_L3PROTO is required; a tuple whose family is neither
 *    AF_INET nor AF_INET6 fails the whole build;
 *  - CTA_STATUS always carries IPS_CONFIRMED (the kernel refuses to
 *    create an unconfirmed entry);
 *  - NAT emits only the minimum address, and NAT ports only for TCP/UDP;
 *  - multi-field groups (TCP flags, seqadj, synproxy) need all fields.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnfnetlink/libnfnetlink.h>

#include "codec.h"

/* Is any attribute of @list (terminated by -1) set? */
static bool any_set(const struct nf_conntrack *ct, const signed char *list)
{
	for (; *list >= 0; list++)
		if (attr_isset(ct, *list))
			return true;
	return false;
}

static bool all_set(const struct nf_conntrack *ct, const signed char *list)
{
	for (; *list >= 0; list++)
		if (!attr_isset(ct, *list))
			return false;
	return true;
}

static int build_tuple_ip(struct nlmsghdr *nlh, const struct nfct_tuple *t)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);

	switch (t->l3proto) {
	case AF_INET:
		mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, t->src.v4);
		mnl_attr_put_u32(nlh, CTA_IP_V4_DST, t->dst.v4);
		break;
	case AF_INET6:
		mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, t->src.v6);
		mnl_attr_put(nlh, CTA_IP_V6_DST, 16, t->dst.v6);
		break;
	default:
		mnl_attr_nest_cancel(nlh, nest);
		errno = EINVAL;
		return -1;
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

static void build_tuple_proto(struct nlmsghdr *nlh, const struct nfct_tuple *t)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);

	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, t->l4proto);
	switch (t->l4proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
	case IPPROTO_GRE:
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, t->l4src.port);
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, t->l4dst.port);
		break;
	case IPPROTO_ICMP:
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_CODE, t->l4dst.icmp.code);
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_TYPE, t->l4dst.icmp.type);
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMP_ID, t->l4src.icmp_id);
		break;
	case IPPROTO_ICMPV6:
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMPV6_CODE, t->l4dst.icmp.code);
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMPV6_TYPE, t->l4dst.icmp.type);
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMPV6_ID, t->l4src.icmp_id);
		break;
	}
	mnl_attr_nest_end(nlh, nest);
}

/**
 * nfct_build_tuple_raw - append the IP and protocol nests of a tuple
 * @nlh: message being built
 * @t: the tuple
 *
 * Returns 0, or -1 (errno EINVAL) if the tuple's family is not AF_INET
 * or AF_INET6; nothing is appended then.
 */
NFCT_EXPORT int nfct_build_tuple_raw(struct nlmsghdr *nlh,
				     const struct nfct_tuple *t)
{
	if (nlh == NULL || t == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (build_tuple_ip(nlh, t) < 0)
		return -1;
	build_tuple_proto(nlh, t);
	return 0;
}

/**
 * nfct_build_tuple - append a tuple nested in attribute @type
 * @nlh: message being built
 * @t: the tuple
 * @type: CTA_TUPLE_ORIG, CTA_TUPLE_REPLY or CTA_TUPLE_MASTER
 *
 * Returns 0, or -1 (errno EINVAL) for a tuple of unknown family.
 */
NFCT_EXPORT int nfct_build_tuple(struct nlmsghdr *nlh,
				 const struct nfct_tuple *t, int type)
{
	struct nlattr *nest;

	if (nlh == NULL || t == NULL) {
		errno = EINVAL;
		return -1;
	}
	nest = mnl_attr_nest_start(nlh, type);
	if (nfct_build_tuple_raw(nlh, t) < 0) {
		mnl_attr_nest_cancel(nlh, nest);
		return -1;
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

/* A direction's tuple with its zone, if any. */
static int build_dir_tuple(struct nlmsghdr *nlh, const struct nfct_tuple *t,
			   int type, bool zone)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	if (nfct_build_tuple_raw(nlh, t) < 0) {
		mnl_attr_nest_cancel(nlh, nest);
		return -1;
	}
	if (zone)
		mnl_attr_put_u16(nlh, CTA_TUPLE_ZONE, htons(t->zone));
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

static const signed char repl_tuple_attrs[] = {
	ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_SRC,
	ATTR_REPL_IPV6_DST, ATTR_REPL_PORT_SRC, ATTR_REPL_PORT_DST,
	ATTR_REPL_L3PROTO, ATTR_REPL_L4PROTO, ATTR_REPL_ZONE, -1
};

static const signed char master_tuple_attrs[] = {
	ATTR_MASTER_IPV4_SRC, ATTR_MASTER_IPV4_DST, ATTR_MASTER_IPV6_SRC,
	ATTR_MASTER_IPV6_DST, ATTR_MASTER_PORT_SRC, ATTR_MASTER_PORT_DST,
	ATTR_MASTER_L3PROTO, ATTR_MASTER_L4PROTO, -1
};

static int build_tuples(struct nlmsghdr *nlh, const struct nf_conntrack *ct)
{
	/* The original tuple is always there: ATTR_ORIG_L3PROTO is set. */
	if (build_dir_tuple(nlh, &ct->orig, CTA_TUPLE_ORIG,
			    attr_isset(ct, ATTR_ORIG_ZONE)) < 0)
		return -1;
	if (any_set(ct, repl_tuple_attrs) &&
	    build_dir_tuple(nlh, &ct->repl, CTA_TUPLE_REPLY,
			    attr_isset(ct, ATTR_REPL_ZONE)) < 0)
		return -1;
	/* As in the original, a master tuple that cannot be encoded is
	 * left out without failing the build. */
	if (any_set(ct, master_tuple_attrs))
		nfct_build_tuple(nlh, &ct->master, CTA_TUPLE_MASTER);
	return 0;
}

static const signed char tcp_attrs[] = {
	ATTR_TCP_STATE, ATTR_TCP_FLAGS_ORIG, ATTR_TCP_FLAGS_REPL,
	ATTR_TCP_MASK_ORIG, ATTR_TCP_MASK_REPL, ATTR_TCP_WSCALE_ORIG,
	ATTR_TCP_WSCALE_REPL, -1
};

static void build_tcp_flags(struct nlmsghdr *nlh,
			    const struct nf_conntrack *ct, int dir)
{
	int fattr = dir == DIR_ORIG ? ATTR_TCP_FLAGS_ORIG : ATTR_TCP_FLAGS_REPL;
	int mattr = dir == DIR_ORIG ? ATTR_TCP_MASK_ORIG : ATTR_TCP_MASK_REPL;
	uint8_t v[2];

	/* The kernel takes flags and mask as one struct nf_ct_tcp_flags. */
	if (!attr_isset(ct, fattr) || !attr_isset(ct, mattr))
		return;
	v[0] = ct->tcp_flags[dir];
	v[1] = ct->tcp_mask[dir];
	mnl_attr_put(nlh, dir == DIR_ORIG ? CTA_PROTOINFO_TCP_FLAGS_ORIGINAL :
		     CTA_PROTOINFO_TCP_FLAGS_REPLY, sizeof(v), v);
}

static void build_protoinfo_tcp(struct nlmsghdr *nlh,
				const struct nf_conntrack *ct)
{
	struct nlattr *pi, *nest;

	if (!any_set(ct, tcp_attrs))
		return;
	pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	nest = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
	if (attr_isset(ct, ATTR_TCP_STATE))
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, ct->tcp_state);
	build_tcp_flags(nlh, ct, DIR_ORIG);
	build_tcp_flags(nlh, ct, DIR_REPL);
	if (attr_isset(ct, ATTR_TCP_WSCALE_ORIG))
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL,
				ct->tcp_wscale[DIR_ORIG]);
	if (attr_isset(ct, ATTR_TCP_WSCALE_REPL))
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_WSCALE_REPLY,
				ct->tcp_wscale[DIR_REPL]);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_nest_end(nlh, pi);
}

static const signed char sctp_attrs[] = {
	ATTR_SCTP_STATE, ATTR_SCTP_VTAG_ORIG, ATTR_SCTP_VTAG_REPL, -1
};

static void build_protoinfo_sctp(struct nlmsghdr *nlh,
				 const struct nf_conntrack *ct)
{
	struct nlattr *pi, *nest;

	if (!any_set(ct, sctp_attrs))
		return;
	pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	nest = mnl_attr_nest_start(nlh, CTA_PROTOINFO_SCTP);
	if (attr_isset(ct, ATTR_SCTP_STATE))
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_SCTP_STATE, ct->sctp_state);
	if (attr_isset(ct, ATTR_SCTP_VTAG_ORIG))
		mnl_attr_put_u32(nlh, CTA_PROTOINFO_SCTP_VTAG_ORIGINAL,
				 htonl(ct->sctp_vtag[DIR_ORIG]));
	if (attr_isset(ct, ATTR_SCTP_VTAG_REPL))
		mnl_attr_put_u32(nlh, CTA_PROTOINFO_SCTP_VTAG_REPLY,
				 htonl(ct->sctp_vtag[DIR_REPL]));
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_nest_end(nlh, pi);
}

static const signed char dccp_attrs[] = {
	ATTR_DCCP_STATE, ATTR_DCCP_ROLE, ATTR_DCCP_HANDSHAKE_SEQ, -1
};

static uint64_t be64(uint64_t v)
{
	return ((uint64_t)htonl(v & 0xffffffff) << 32) | htonl(v >> 32);
}

static void build_protoinfo_dccp(struct nlmsghdr *nlh,
				 const struct nf_conntrack *ct)
{
	struct nlattr *pi, *nest;

	if (!any_set(ct, dccp_attrs))
		return;
	pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	nest = mnl_attr_nest_start(nlh, CTA_PROTOINFO_DCCP);
	if (attr_isset(ct, ATTR_DCCP_STATE))
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_DCCP_STATE, ct->dccp_state);
	if (attr_isset(ct, ATTR_DCCP_ROLE))
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_DCCP_ROLE, ct->dccp_role);
	if (attr_isset(ct, ATTR_DCCP_HANDSHAKE_SEQ))
		mnl_attr_put_u64(nlh, CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ,
				 be64(ct->dccp_handshake_seq));
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_nest_end(nlh, pi);
}

static void build_protoinfo(struct nlmsghdr *nlh, const struct nf_conntrack *ct)
{
	switch (ct->orig.l4proto) {
	case IPPROTO_TCP:
		build_protoinfo_tcp(nlh, ct);
		break;
	case IPPROTO_SCTP:
		build_protoinfo_sctp(nlh, ct);
		break;
	case IPPROTO_DCCP:
		build_protoinfo_dccp(nlh, ct);
		break;
	}
}

/* One NAT direction: @ip4/@ip6/@port are the ATTR_{S,D}NAT_* ids. */
static void build_nat(struct nlmsghdr *nlh, const struct nf_conntrack *ct,
		      int type, int ip4, int ip6, int port)
{
	const union nfct_addr *a = attr_cptr(ct, ip4);
	uint16_t p = *(const uint16_t *)attr_cptr(ct, port);
	bool has4 = attr_isset(ct, ip4), has6 = attr_isset(ct, ip6);
	bool hasp = attr_isset(ct, port);
	struct nlattr *nest;

	if (!has4 && !has6 && !hasp)
		return;
	nest = mnl_attr_nest_start(nlh, type);
	/* IPv4 wins when both are set: they share storage anyway. */
	if (has4)
		mnl_attr_put_u32(nlh, CTA_NAT_V4_MINIP, a->v4);
	else if (has6)
		mnl_attr_put(nlh, CTA_NAT_V6_MINIP, 16, a->v6);
	if (hasp) {
		struct nlattr *pn = mnl_attr_nest_start(nlh, CTA_NAT_PROTO);

		if (ct->orig.l4proto == IPPROTO_TCP ||
		    ct->orig.l4proto == IPPROTO_UDP) {
			mnl_attr_put_u16(nlh, CTA_PROTONAT_PORT_MIN, p);
			mnl_attr_put_u16(nlh, CTA_PROTONAT_PORT_MAX, p);
		}
		mnl_attr_nest_end(nlh, pn);
	}
	mnl_attr_nest_end(nlh, nest);
}

static const signed char seqadj_attrs[2][4] = {
	{ ATTR_ORIG_NAT_SEQ_CORRECTION_POS, ATTR_ORIG_NAT_SEQ_OFFSET_BEFORE,
	  ATTR_ORIG_NAT_SEQ_OFFSET_AFTER, -1 },
	{ ATTR_REPL_NAT_SEQ_CORRECTION_POS, ATTR_REPL_NAT_SEQ_OFFSET_BEFORE,
	  ATTR_REPL_NAT_SEQ_OFFSET_AFTER, -1 },
};

static void build_seqadj(struct nlmsghdr *nlh, const struct nf_conntrack *ct,
			 int dir)
{
	const struct nfct_seqadj *s = &ct->seqadj[dir];
	struct nlattr *nest;

	if (!all_set(ct, seqadj_attrs[dir]))
		return;
	nest = mnl_attr_nest_start(nlh, dir == DIR_ORIG ? CTA_SEQ_ADJ_ORIG :
				   CTA_SEQ_ADJ_REPLY);
	mnl_attr_put_u32(nlh, CTA_SEQADJ_CORRECTION_POS, htonl(s->correction_pos));
	mnl_attr_put_u32(nlh, CTA_SEQADJ_OFFSET_BEFORE, htonl(s->offset_before));
	mnl_attr_put_u32(nlh, CTA_SEQADJ_OFFSET_AFTER, htonl(s->offset_after));
	mnl_attr_nest_end(nlh, nest);
}

static void build_helper(struct nlmsghdr *nlh, const struct nf_conntrack *ct)
{
	struct nlattr *nest;

	if (!attr_isset(ct, ATTR_HELPER_NAME))
		return;
	nest = mnl_attr_nest_start(nlh, CTA_HELP);
	mnl_attr_put_strz(nlh, CTA_HELP_NAME, ct->helper_name);
	/* The original sends an empty CTA_HELP_INFO whatever the blob. */
	if (attr_isset(ct, ATTR_HELPER_INFO))
		mnl_attr_put(nlh, CTA_HELP_INFO, 0, NULL);
	mnl_attr_nest_end(nlh, nest);
}

static void build_labels(struct nlmsghdr *nlh, const struct nf_conntrack *ct)
{
	const struct nfct_bitmask *b = ct->connlabels;
	const struct nfct_bitmask *m = ct->connlabels_mask;

	if (!attr_isset(ct, ATTR_CONNLABELS) || b == NULL)
		return;
	mnl_attr_put(nlh, CTA_LABELS, b->words * sizeof(uint32_t), b->bits);
	/* The kernel wants a mask as long as the labels, or none. */
	if (attr_isset(ct, ATTR_CONNLABELS_MASK) && m != NULL &&
	    m->words == b->words)
		mnl_attr_put(nlh, CTA_LABELS_MASK, m->words * sizeof(uint32_t),
			     m->bits);
}

static const signed char synproxy_attrs[] = {
	ATTR_SYNPROXY_ISN, ATTR_SYNPROXY_ITS, ATTR_SYNPROXY_TSOFF, -1
};

static void build_synproxy(struct nlmsghdr *nlh, const struct nf_conntrack *ct)
{
	struct nlattr *nest;

	if (!all_set(ct, synproxy_attrs))
		return;
	nest = mnl_attr_nest_start(nlh, CTA_SYNPROXY);
	mnl_attr_put_u32(nlh, CTA_SYNPROXY_ISN, htonl(ct->synproxy_isn));
	mnl_attr_put_u32(nlh, CTA_SYNPROXY_ITS, htonl(ct->synproxy_its));
	mnl_attr_put_u32(nlh, CTA_SYNPROXY_TSOFF, htonl(ct->synproxy_tsoff));
	mnl_attr_nest_end(nlh, nest);
}

static void put_u32_if(struct nlmsghdr *nlh, const struct nf_conntrack *ct,
		       int attr, int type, uint32_t v)
{
	if (attr_isset(ct, attr))
		mnl_attr_put_u32(nlh, type, htonl(v));
}

/**
 * nfct_nlmsg_build - append a conntrack object's attributes to a message
 * @nlh: message the caller started (header and struct nfgenmsg)
 * @ct: the object; ATTR_ORIG_L3PROTO must be set
 *
 * The message buffer must have room for the attributes (a buffer of
 * MNL_SOCKET_BUFFER_SIZE always has). Returns 0, or -1 with errno EINVAL
 * if ATTR_ORIG_L3PROTO is missing or a tuple has an unknown family; the
 * message may then hold part of the attributes.
 */
NFCT_EXPORT int nfct_nlmsg_build(struct nlmsghdr *nlh,
				 const struct nf_conntrack *ct)
{
	if (nlh == NULL || ct == NULL || !attr_isset(ct, ATTR_ORIG_L3PROTO)) {
		errno = EINVAL;
		return -1;
	}
	if (build_tuples(nlh, ct) < 0)
		return -1;
	/* The kernel refuses to create an entry that is not confirmed. */
	put_u32_if(nlh, ct, ATTR_STATUS, CTA_STATUS, ct->status | IPS_CONFIRMED);
	put_u32_if(nlh, ct, ATTR_TIMEOUT, CTA_TIMEOUT, ct->timeout);
	put_u32_if(nlh, ct, ATTR_MARK, CTA_MARK, ct->mark);
	put_u32_if(nlh, ct, ATTR_SECMARK, CTA_SECMARK, ct->secmark);
	build_protoinfo(nlh, ct);
	build_nat(nlh, ct, CTA_NAT_SRC, ATTR_SNAT_IPV4, ATTR_SNAT_IPV6,
		  ATTR_SNAT_PORT);
	build_nat(nlh, ct, CTA_NAT_DST, ATTR_DNAT_IPV4, ATTR_DNAT_IPV6,
		  ATTR_DNAT_PORT);
	build_seqadj(nlh, ct, DIR_ORIG);
	build_seqadj(nlh, ct, DIR_REPL);
	build_helper(nlh, ct);
	if (attr_isset(ct, ATTR_ZONE))
		mnl_attr_put_u16(nlh, CTA_ZONE, htons(ct->zone));
	build_labels(nlh, ct);
	build_synproxy(nlh, ct);
	return 0;
}
