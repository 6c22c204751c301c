/*
 * Netlink codec, object -> message: the CTA_* attributes of a conntrack
 * object (nfct_nlmsg_build) and its tuples, every one appended through
 * the bounded writer (msgbuf.c). Whole requests are the request layer's.
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

/*
 * Only AF_INET and AF_INET6 tuples can be encoded. Checked before any
 * nest is started, so a tuple that cannot be encoded writes nothing and
 * a build never needs more room than the message it makes.
 */
static int tuple_family_ok(const struct nfct_tuple *t)
{
	if (t->l3proto == AF_INET || t->l3proto == AF_INET6)
		return 1;
	errno = EINVAL;
	return 0;
}

static void build_tuple_ip(struct msgbuf *b, const struct nfct_tuple *t)
{
	struct nlattr *nest = mb_nest_start(b, CTA_TUPLE_IP);

	if (t->l3proto == AF_INET) {
		mb_put_u32(b, CTA_IP_V4_SRC, t->src.v4);
		mb_put_u32(b, CTA_IP_V4_DST, t->dst.v4);
	} else {
		mb_put(b, CTA_IP_V6_SRC, 16, t->src.v6);
		mb_put(b, CTA_IP_V6_DST, 16, t->dst.v6);
	}
	mb_nest_end(b, nest);
}

static void build_tuple_proto(struct msgbuf *b, const struct nfct_tuple *t)
{
	struct nlattr *nest = mb_nest_start(b, CTA_TUPLE_PROTO);

	mb_put_u8(b, CTA_PROTO_NUM, t->l4proto);
	switch (t->l4proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
	case IPPROTO_GRE:
		mb_put_u16(b, CTA_PROTO_SRC_PORT, t->l4src.port);
		mb_put_u16(b, CTA_PROTO_DST_PORT, t->l4dst.port);
		break;
	case IPPROTO_ICMP:
		mb_put_u8(b, CTA_PROTO_ICMP_CODE, t->l4dst.icmp.code);
		mb_put_u8(b, CTA_PROTO_ICMP_TYPE, t->l4dst.icmp.type);
		mb_put_u16(b, CTA_PROTO_ICMP_ID, t->l4src.icmp_id);
		break;
	case IPPROTO_ICMPV6:
		mb_put_u8(b, CTA_PROTO_ICMPV6_CODE, t->l4dst.icmp.code);
		mb_put_u8(b, CTA_PROTO_ICMPV6_TYPE, t->l4dst.icmp.type);
		mb_put_u16(b, CTA_PROTO_ICMPV6_ID, t->l4src.icmp_id);
		break;
	}
	mb_nest_end(b, nest);
}

/* The IP and protocol nests of a tuple; nothing if its family is unknown. */
static int tuple_raw(struct msgbuf *b, const struct nfct_tuple *t)
{
	if (!tuple_family_ok(t))
		return -1;
	build_tuple_ip(b, t);
	build_tuple_proto(b, t);
	return 0;
}

int ct_tuple_build(struct msgbuf *b, const struct nfct_tuple *t, int type)
{
	struct nlattr *nest;

	if (!tuple_family_ok(t))
		return -1;
	nest = mb_nest_start(b, type);
	tuple_raw(b, t);
	mb_nest_end(b, nest);
	return 0;
}

/* Finish a build through a public entry point: ENOSPC wins. */
static int finish(const struct msgbuf *b, int ret)
{
	if (mb_status(b) < 0)
		return -1;
	return ret;
}

/**
 * nfct_build_tuple_raw - append the IP and protocol nests of a tuple
 * @nlh: message being built, in a buffer of MNL_SOCKET_BUFFER_SIZE bytes
 * @t: the tuple
 *
 * Returns 0, or -1 with errno EINVAL (NULL argument, a family other
 * than AF_INET or AF_INET6: nothing is appended then) or ENOSPC (the
 * message would grow past MNL_SOCKET_BUFFER_SIZE bytes).
 */
NFCT_EXPORT int nfct_build_tuple_raw(struct nlmsghdr *nlh,
				     const struct nfct_tuple *t)
{
	struct msgbuf b;

	if (nlh == NULL || t == NULL) {
		errno = EINVAL;
		return -1;
	}
	mb_init(&b, nlh, mb_default_size());
	return finish(&b, tuple_raw(&b, t));
}

/**
 * nfct_build_tuple - append a tuple nested in attribute @type
 * @nlh: message being built, in a buffer of MNL_SOCKET_BUFFER_SIZE bytes
 * @t: the tuple
 * @type: CTA_TUPLE_ORIG, CTA_TUPLE_REPLY or CTA_TUPLE_MASTER
 *
 * Returns 0, or -1 with errno EINVAL (NULL argument, tuple of unknown
 * family) or ENOSPC, as nfct_build_tuple_raw().
 */
NFCT_EXPORT int nfct_build_tuple(struct nlmsghdr *nlh,
				 const struct nfct_tuple *t, int type)
{
	struct msgbuf b;

	if (nlh == NULL || t == NULL) {
		errno = EINVAL;
		return -1;
	}
	mb_init(&b, nlh, mb_default_size());
	return finish(&b, ct_tuple_build(&b, t, type));
}

/* A direction's tuple with its zone, if any. */
static int build_dir_tuple(struct msgbuf *b, const struct nfct_tuple *t,
			   int type, bool zone)
{
	struct nlattr *nest;

	if (!tuple_family_ok(t))
		return -1;
	nest = mb_nest_start(b, type);
	tuple_raw(b, t);
	if (zone)
		mb_put_u16(b, CTA_TUPLE_ZONE, htons(t->zone));
	mb_nest_end(b, nest);
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

static int build_tuples(struct msgbuf *b, const struct nf_conntrack *ct)
{
	/* The original tuple is always there: ATTR_ORIG_L3PROTO is set. */
	if (build_dir_tuple(b, &ct->orig, CTA_TUPLE_ORIG,
			    attr_isset(ct, ATTR_ORIG_ZONE)) < 0)
		return -1;
	if (any_set(ct, repl_tuple_attrs) &&
	    build_dir_tuple(b, &ct->repl, CTA_TUPLE_REPLY,
			    attr_isset(ct, ATTR_REPL_ZONE)) < 0)
		return -1;
	/* As in the original, a master tuple that cannot be encoded is
	 * left out without failing the build. */
	if (any_set(ct, master_tuple_attrs))
		ct_tuple_build(b, &ct->master, CTA_TUPLE_MASTER);
	return 0;
}

static const signed char tcp_attrs[] = {
	ATTR_TCP_STATE, ATTR_TCP_FLAGS_ORIG, ATTR_TCP_FLAGS_REPL,
	ATTR_TCP_MASK_ORIG, ATTR_TCP_MASK_REPL, ATTR_TCP_WSCALE_ORIG,
	ATTR_TCP_WSCALE_REPL, -1
};

static void build_tcp_flags(struct msgbuf *b,
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
	mb_put(b, dir == DIR_ORIG ? CTA_PROTOINFO_TCP_FLAGS_ORIGINAL :
	       CTA_PROTOINFO_TCP_FLAGS_REPLY, sizeof(v), v);
}

static void build_protoinfo_tcp(struct msgbuf *b,
				const struct nf_conntrack *ct)
{
	struct nlattr *pi, *nest;

	if (!any_set(ct, tcp_attrs))
		return;
	pi = mb_nest_start(b, CTA_PROTOINFO);
	nest = mb_nest_start(b, CTA_PROTOINFO_TCP);
	if (attr_isset(ct, ATTR_TCP_STATE))
		mb_put_u8(b, CTA_PROTOINFO_TCP_STATE, ct->tcp_state);
	build_tcp_flags(b, ct, DIR_ORIG);
	build_tcp_flags(b, ct, DIR_REPL);
	if (attr_isset(ct, ATTR_TCP_WSCALE_ORIG))
		mb_put_u8(b, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL,
				ct->tcp_wscale[DIR_ORIG]);
	if (attr_isset(ct, ATTR_TCP_WSCALE_REPL))
		mb_put_u8(b, CTA_PROTOINFO_TCP_WSCALE_REPLY,
				ct->tcp_wscale[DIR_REPL]);
	mb_nest_end(b, nest);
	mb_nest_end(b, pi);
}

static const signed char sctp_attrs[] = {
	ATTR_SCTP_STATE, ATTR_SCTP_VTAG_ORIG, ATTR_SCTP_VTAG_REPL, -1
};

static void build_protoinfo_sctp(struct msgbuf *b,
				 const struct nf_conntrack *ct)
{
	struct nlattr *pi, *nest;

	if (!any_set(ct, sctp_attrs))
		return;
	pi = mb_nest_start(b, CTA_PROTOINFO);
	nest = mb_nest_start(b, CTA_PROTOINFO_SCTP);
	if (attr_isset(ct, ATTR_SCTP_STATE))
		mb_put_u8(b, CTA_PROTOINFO_SCTP_STATE, ct->sctp_state);
	if (attr_isset(ct, ATTR_SCTP_VTAG_ORIG))
		mb_put_u32(b, CTA_PROTOINFO_SCTP_VTAG_ORIGINAL,
				 htonl(ct->sctp_vtag[DIR_ORIG]));
	if (attr_isset(ct, ATTR_SCTP_VTAG_REPL))
		mb_put_u32(b, CTA_PROTOINFO_SCTP_VTAG_REPLY,
				 htonl(ct->sctp_vtag[DIR_REPL]));
	mb_nest_end(b, nest);
	mb_nest_end(b, pi);
}

static const signed char dccp_attrs[] = {
	ATTR_DCCP_STATE, ATTR_DCCP_ROLE, ATTR_DCCP_HANDSHAKE_SEQ, -1
};

static uint64_t be64(uint64_t v)
{
	return ((uint64_t)htonl(v & 0xffffffff) << 32) | htonl(v >> 32);
}

static void build_protoinfo_dccp(struct msgbuf *b,
				 const struct nf_conntrack *ct)
{
	struct nlattr *pi, *nest;

	if (!any_set(ct, dccp_attrs))
		return;
	pi = mb_nest_start(b, CTA_PROTOINFO);
	nest = mb_nest_start(b, CTA_PROTOINFO_DCCP);
	if (attr_isset(ct, ATTR_DCCP_STATE))
		mb_put_u8(b, CTA_PROTOINFO_DCCP_STATE, ct->dccp_state);
	if (attr_isset(ct, ATTR_DCCP_ROLE))
		mb_put_u8(b, CTA_PROTOINFO_DCCP_ROLE, ct->dccp_role);
	if (attr_isset(ct, ATTR_DCCP_HANDSHAKE_SEQ))
		mb_put_u64(b, CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ,
				 be64(ct->dccp_handshake_seq));
	mb_nest_end(b, nest);
	mb_nest_end(b, pi);
}

static void build_protoinfo(struct msgbuf *b, const struct nf_conntrack *ct)
{
	switch (ct->orig.l4proto) {
	case IPPROTO_TCP:
		build_protoinfo_tcp(b, ct);
		break;
	case IPPROTO_SCTP:
		build_protoinfo_sctp(b, ct);
		break;
	case IPPROTO_DCCP:
		build_protoinfo_dccp(b, ct);
		break;
	}
}

/* One NAT direction: @ip4/@ip6/@port are the ATTR_{S,D}NAT_* ids. */
static void build_nat(struct msgbuf *b, const struct nf_conntrack *ct,
		      int type, int ip4, int ip6, int port)
{
	const union nfct_addr *a = attr_cptr(ct, ip4);
	uint16_t p = *(const uint16_t *)attr_cptr(ct, port);
	bool has4 = attr_isset(ct, ip4), has6 = attr_isset(ct, ip6);
	bool hasp = attr_isset(ct, port);
	struct nlattr *nest;

	if (!has4 && !has6 && !hasp)
		return;
	nest = mb_nest_start(b, type);
	/* IPv4 wins when both are set: they share storage anyway. */
	if (has4)
		mb_put_u32(b, CTA_NAT_V4_MINIP, a->v4);
	else if (has6)
		mb_put(b, CTA_NAT_V6_MINIP, 16, a->v6);
	if (hasp) {
		struct nlattr *pn = mb_nest_start(b, CTA_NAT_PROTO);

		if (ct->orig.l4proto == IPPROTO_TCP ||
		    ct->orig.l4proto == IPPROTO_UDP) {
			mb_put_u16(b, CTA_PROTONAT_PORT_MIN, p);
			mb_put_u16(b, CTA_PROTONAT_PORT_MAX, p);
		}
		mb_nest_end(b, pn);
	}
	mb_nest_end(b, nest);
}

static const signed char seqadj_attrs[2][4] = {
	{ ATTR_ORIG_NAT_SEQ_CORRECTION_POS, ATTR_ORIG_NAT_SEQ_OFFSET_BEFORE,
	  ATTR_ORIG_NAT_SEQ_OFFSET_AFTER, -1 },
	{ ATTR_REPL_NAT_SEQ_CORRECTION_POS, ATTR_REPL_NAT_SEQ_OFFSET_BEFORE,
	  ATTR_REPL_NAT_SEQ_OFFSET_AFTER, -1 },
};

static void build_seqadj(struct msgbuf *b, const struct nf_conntrack *ct,
			 int dir)
{
	const struct nfct_seqadj *s = &ct->seqadj[dir];
	struct nlattr *nest;

	if (!all_set(ct, seqadj_attrs[dir]))
		return;
	nest = mb_nest_start(b, dir == DIR_ORIG ? CTA_SEQ_ADJ_ORIG :
			     CTA_SEQ_ADJ_REPLY);
	mb_put_u32(b, CTA_SEQADJ_CORRECTION_POS, htonl(s->correction_pos));
	mb_put_u32(b, CTA_SEQADJ_OFFSET_BEFORE, htonl(s->offset_before));
	mb_put_u32(b, CTA_SEQADJ_OFFSET_AFTER, htonl(s->offset_after));
	mb_nest_end(b, nest);
}

static void build_helper(struct msgbuf *b, const struct nf_conntrack *ct)
{
	struct nlattr *nest;

	if (!attr_isset(ct, ATTR_HELPER_NAME))
		return;
	nest = mb_nest_start(b, CTA_HELP);
	mb_put_strz(b, CTA_HELP_NAME, ct->helper_name);
	/* The original sends an empty CTA_HELP_INFO whatever the blob. */
	if (attr_isset(ct, ATTR_HELPER_INFO))
		mb_put(b, CTA_HELP_INFO, 0, NULL);
	mb_nest_end(b, nest);
}

static void build_labels(struct msgbuf *b, const struct nf_conntrack *ct)
{
	const struct nfct_bitmask *l = ct->connlabels;
	const struct nfct_bitmask *m = ct->connlabels_mask;

	if (!attr_isset(ct, ATTR_CONNLABELS) || l == NULL)
		return;
	mb_put(b, CTA_LABELS, l->words * sizeof(uint32_t), l->bits);
	/* The kernel wants a mask as long as the labels, or none. */
	if (attr_isset(ct, ATTR_CONNLABELS_MASK) && m != NULL &&
	    m->words == l->words)
		mb_put(b, CTA_LABELS_MASK, m->words * sizeof(uint32_t),
		       m->bits);
}

static const signed char synproxy_attrs[] = {
	ATTR_SYNPROXY_ISN, ATTR_SYNPROXY_ITS, ATTR_SYNPROXY_TSOFF, -1
};

static void build_synproxy(struct msgbuf *b, const struct nf_conntrack *ct)
{
	struct nlattr *nest;

	if (!all_set(ct, synproxy_attrs))
		return;
	nest = mb_nest_start(b, CTA_SYNPROXY);
	mb_put_u32(b, CTA_SYNPROXY_ISN, htonl(ct->synproxy_isn));
	mb_put_u32(b, CTA_SYNPROXY_ITS, htonl(ct->synproxy_its));
	mb_put_u32(b, CTA_SYNPROXY_TSOFF, htonl(ct->synproxy_tsoff));
	mb_nest_end(b, nest);
}

static void put_u32_if(struct msgbuf *b, const struct nf_conntrack *ct,
		       int attr, int type, uint32_t v)
{
	if (attr_isset(ct, attr))
		mb_put_u32(b, type, htonl(v));
}

/*
 * The attributes of @ct, bounded by @b. Returns 0, or -1 with errno
 * EINVAL (no ATTR_ORIG_L3PROTO, tuple of unknown family; the message may
 * hold part of the attributes then) or ENOSPC (@b is full).
 */
int ct_attrs_build(struct msgbuf *b, const struct nf_conntrack *ct)
{
	if (!attr_isset(ct, ATTR_ORIG_L3PROTO)) {
		errno = EINVAL;
		return -1;
	}
	if (build_tuples(b, ct) < 0)
		return finish(b, -1);
	/* The kernel refuses to create an entry that is not confirmed. */
	put_u32_if(b, ct, ATTR_STATUS, CTA_STATUS, ct->status | IPS_CONFIRMED);
	put_u32_if(b, ct, ATTR_TIMEOUT, CTA_TIMEOUT, ct->timeout);
	put_u32_if(b, ct, ATTR_MARK, CTA_MARK, ct->mark);
	put_u32_if(b, ct, ATTR_SECMARK, CTA_SECMARK, ct->secmark);
	build_protoinfo(b, ct);
	build_nat(b, ct, CTA_NAT_SRC, ATTR_SNAT_IPV4, ATTR_SNAT_IPV6,
		  ATTR_SNAT_PORT);
	build_nat(b, ct, CTA_NAT_DST, ATTR_DNAT_IPV4, ATTR_DNAT_IPV6,
		  ATTR_DNAT_PORT);
	build_seqadj(b, ct, DIR_ORIG);
	build_seqadj(b, ct, DIR_REPL);
	build_helper(b, ct);
	if (attr_isset(ct, ATTR_ZONE))
		mb_put_u16(b, CTA_ZONE, htons(ct->zone));
	build_labels(b, ct);
	build_synproxy(b, ct);
	return mb_status(b);
}

/**
 * nfct_nlmsg_build - append a conntrack object's attributes to a message
 * @nlh: message the caller started (header and struct nfgenmsg) in a
 *   buffer of at least MNL_SOCKET_BUFFER_SIZE bytes
 * @ct: the object; ATTR_ORIG_L3PROTO must be set
 *
 * The message never grows past MNL_SOCKET_BUFFER_SIZE bytes: the caller's
 * buffer must hold that much (the size libmnl programs use). Returns 0,
 * or -1 with errno EINVAL (NULL argument, ATTR_ORIG_L3PROTO missing, a
 * tuple of unknown family) or ENOSPC (the attributes do not fit, e.g.
 * labels of thousands of bits); the message may then hold part of the
 * attributes.
 */
NFCT_EXPORT int nfct_nlmsg_build(struct nlmsghdr *nlh,
				 const struct nf_conntrack *ct)
{
	struct msgbuf b;

	if (nlh == NULL || ct == NULL) {
		errno = EINVAL;
		return -1;
	}
	mb_init(&b, nlh, mb_default_size());
	return ct_attrs_build(&b, ct);
}
