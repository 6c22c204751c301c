/*
 * Netlink codec, message -> object. Every nest is read in one pass into
 * a small table indexed by attribute type (index_attrs(), nlmsg.h; the
 * last occurrence wins),
 * checking each attribute's length against what its type needs, so a
 * truncated or malformed attribute is rejected instead of overread.
 * As in the original, a bad attribute fails the nest it is in before
 * anything of that nest is stored; attributes of unknown type are
 * ignored.
 */
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter/nfnetlink.h>

#include "codec.h"

static void set_bit(uint32_t *set, int type)
{
	set[type >> 5] |= 1u << (type & 31);
}

/* ---- tuples ---------------------------------------------------------- */

enum { DIR_MASTER = 2 };

/* Per direction: the attribute ids a tuple field sets. */
static const struct tuple_ids {
	signed char ip4_src, ip4_dst, ip6_src, ip6_dst;
	signed char port_src, port_dst, l4proto, zone;
} tuple_ids[3] = {
	[DIR_ORIG] = { ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV4_DST,
		ATTR_ORIG_IPV6_SRC, ATTR_ORIG_IPV6_DST, ATTR_ORIG_PORT_SRC,
		ATTR_ORIG_PORT_DST, ATTR_ORIG_L4PROTO, ATTR_ORIG_ZONE },
	[DIR_REPL] = { ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV4_DST,
		ATTR_REPL_IPV6_SRC, ATTR_REPL_IPV6_DST, ATTR_REPL_PORT_SRC,
		ATTR_REPL_PORT_DST, ATTR_REPL_L4PROTO, ATTR_REPL_ZONE },
	[DIR_MASTER] = { ATTR_MASTER_IPV4_SRC, ATTR_MASTER_IPV4_DST,
		ATTR_MASTER_IPV6_SRC, ATTR_MASTER_IPV6_DST,
		ATTR_MASTER_PORT_SRC, ATTR_MASTER_PORT_DST,
		ATTR_MASTER_L4PROTO, -1 },
};

static const uint16_t tuple_kinds[CTA_TUPLE_MAX + 1] = {
	[CTA_TUPLE_IP] = PK_NEST, [CTA_TUPLE_PROTO] = PK_NEST,
	[CTA_TUPLE_ZONE] = PK_U16,
};

static const uint16_t ip_kinds[CTA_IP_MAX + 1] = {
	[CTA_IP_V4_SRC] = PK_U32, [CTA_IP_V4_DST] = PK_U32,
	[CTA_IP_V6_SRC] = PK_IN6, [CTA_IP_V6_DST] = PK_IN6,
};

static const uint16_t proto_kinds[CTA_PROTO_MAX + 1] = {
	[CTA_PROTO_NUM] = PK_U8,
	[CTA_PROTO_SRC_PORT] = PK_U16, [CTA_PROTO_DST_PORT] = PK_U16,
	[CTA_PROTO_ICMP_ID] = PK_U16, [CTA_PROTO_ICMP_TYPE] = PK_U8,
	[CTA_PROTO_ICMP_CODE] = PK_U8, [CTA_PROTO_ICMPV6_ID] = PK_U16,
	[CTA_PROTO_ICMPV6_TYPE] = PK_U8, [CTA_PROTO_ICMPV6_CODE] = PK_U8,
};

/* Whether the attribute header at @p is exactly (@len, @type). */
static inline bool hdr_is(const unsigned char *p, uint16_t len, uint16_t type)
{
	struct nlattr a;

	memcpy(&a, p, sizeof(a));
	return a.nla_len == len && a.nla_type == type;
}

/*
 * Fast paths for the layouts the kernel always sends: an IPv4 address
 * nest (source, destination) and a port nest (protocol, source port,
 * destination port), each attribute once, in that order, unflagged.
 * They store exactly what the general path stores for such a nest and
 * return false for anything else, which then takes the general path.
 */
static bool ip4_fast(const struct nlattr *nest, struct nfct_tuple *t,
		     const struct tuple_ids *ids, uint32_t *set)
{
	const unsigned char *p = attr_data(nest);

	if (nest->nla_len != MNL_ATTR_HDRLEN + 16 ||
	    !hdr_is(p, 8, CTA_IP_V4_SRC) || !hdr_is(p + 8, 8, CTA_IP_V4_DST))
		return false;
	memcpy(&t->src.v4, p + 4, 4);
	memcpy(&t->dst.v4, p + 12, 4);
	set_bit(set, ids->ip4_src);
	set_bit(set, ids->ip4_dst);
	return true;
}

static bool ports_fast(const struct nlattr *nest, struct nfct_tuple *t,
		       const struct tuple_ids *ids, uint32_t *set)
{
	const unsigned char *p = attr_data(nest);

	if (nest->nla_len != MNL_ATTR_HDRLEN + 24 ||
	    !hdr_is(p, 5, CTA_PROTO_NUM) ||
	    !hdr_is(p + 8, 6, CTA_PROTO_SRC_PORT) ||
	    !hdr_is(p + 16, 6, CTA_PROTO_DST_PORT))
		return false;
	t->l4proto = p[4];
	memcpy(&t->l4src.port, p + 12, 2);
	memcpy(&t->l4dst.port, p + 20, 2);
	set_bit(set, ids->l4proto);
	set_bit(set, ids->port_src);
	set_bit(set, ids->port_dst);
	return true;
}

static int parse_ip(const struct nlattr *nest, struct nfct_tuple *t,
		    const struct tuple_ids *ids, uint32_t *set)
{
	const struct nlattr *tb[CTA_IP_MAX + 1];
	uint64_t seen;

	if (ip4_fast(nest, t, ids, set))
		return 0;
	if (index_nest(nest, ip_kinds, CTA_IP_MAX, tb, &seen) < 0)
		return -1;
	if (AT(CTA_IP_V4_SRC)) {
		t->src.v4 = get_u32(AT(CTA_IP_V4_SRC));
		set_bit(set, ids->ip4_src);
	}
	if (AT(CTA_IP_V4_DST)) {
		t->dst.v4 = get_u32(AT(CTA_IP_V4_DST));
		set_bit(set, ids->ip4_dst);
	}
	if (AT(CTA_IP_V6_SRC)) {
		memcpy(t->src.v6, attr_data(AT(CTA_IP_V6_SRC)), 16);
		set_bit(set, ids->ip6_src);
	}
	if (AT(CTA_IP_V6_DST)) {
		memcpy(t->dst.v6, attr_data(AT(CTA_IP_V6_DST)), 16);
		set_bit(set, ids->ip6_dst);
	}
	return 0;
}

/* There is one set of ICMP attributes; as in the original, a reply or
 * master tuple marks them too (the values go to that tuple). */
static void parse_icmp(const struct nlattr *type, const struct nlattr *code,
		       const struct nlattr *id, struct nfct_tuple *t,
		       uint32_t *set)
{
	if (type) {
		t->l4dst.icmp.type = get_u8(type);
		set_bit(set, ATTR_ICMP_TYPE);
	}
	if (code) {
		t->l4dst.icmp.code = get_u8(code);
		set_bit(set, ATTR_ICMP_CODE);
	}
	if (id) {
		t->l4src.icmp_id = get_u16(id);
		set_bit(set, ATTR_ICMP_ID);
	}
}

#define ICMP_ATTRS ((1ull << CTA_PROTO_ICMP_TYPE) | (1ull << CTA_PROTO_ICMP_CODE) | \
		    (1ull << CTA_PROTO_ICMP_ID) | (1ull << CTA_PROTO_ICMPV6_TYPE) | \
		    (1ull << CTA_PROTO_ICMPV6_CODE) | (1ull << CTA_PROTO_ICMPV6_ID))

static int parse_proto(const struct nlattr *nest, struct nfct_tuple *t,
		       int dir, uint32_t *set)
{
	const struct tuple_ids *ids = &tuple_ids[dir];
	const struct nlattr *tb[CTA_PROTO_MAX + 1];
	uint64_t seen;

	if (ports_fast(nest, t, ids, set))
		return 0;
	if (index_nest(nest, proto_kinds, CTA_PROTO_MAX, tb, &seen) < 0)
		return -1;
	if (AT(CTA_PROTO_NUM)) {
		t->l4proto = get_u8(AT(CTA_PROTO_NUM));
		set_bit(set, ids->l4proto);
	}
	if (AT(CTA_PROTO_SRC_PORT)) {
		t->l4src.port = get_u16(AT(CTA_PROTO_SRC_PORT));
		set_bit(set, ids->port_src);
	}
	if (AT(CTA_PROTO_DST_PORT)) {
		t->l4dst.port = get_u16(AT(CTA_PROTO_DST_PORT));
		set_bit(set, ids->port_dst);
	}
	if (seen & ICMP_ATTRS) {
		parse_icmp(AT(CTA_PROTO_ICMP_TYPE), AT(CTA_PROTO_ICMP_CODE),
			   AT(CTA_PROTO_ICMP_ID), t, set);
		parse_icmp(AT(CTA_PROTO_ICMPV6_TYPE), AT(CTA_PROTO_ICMPV6_CODE),
			   AT(CTA_PROTO_ICMPV6_ID), t, set);
	}
	return 0;
}

static int parse_tuple(const struct nlattr *attr, struct nfct_tuple *t,
		       int dir, uint32_t *set)
{
	const struct nlattr *tb[CTA_TUPLE_MAX + 1];
	const unsigned char *p = attr_data(attr);
	uint64_t seen;

	/* the usual tuple: an IPv4 nest then a port nest, nothing else */
	if (attr->nla_len == MNL_ATTR_HDRLEN + 48 &&
	    hdr_is(p, 20, CTA_TUPLE_IP | NLA_F_NESTED) &&
	    hdr_is(p + 20, 28, CTA_TUPLE_PROTO | NLA_F_NESTED) &&
	    ip4_fast((const struct nlattr *)p, t, &tuple_ids[dir], set) &&
	    ports_fast((const struct nlattr *)(p + 20), t, &tuple_ids[dir], set))
		return 0;
	if (index_nest(attr, tuple_kinds, CTA_TUPLE_MAX, tb, &seen) < 0)
		return -1;
	if (AT(CTA_TUPLE_IP) &&
	    parse_ip(AT(CTA_TUPLE_IP), t, &tuple_ids[dir], set) < 0)
		return -1;
	if (AT(CTA_TUPLE_PROTO) && parse_proto(AT(CTA_TUPLE_PROTO), t, dir, set) < 0)
		return -1;
	if (AT(CTA_TUPLE_ZONE) && tuple_ids[dir].zone >= 0) {
		t->zone = ntohs(get_u16(AT(CTA_TUPLE_ZONE)));
		set_bit(set, tuple_ids[dir].zone);
	}
	return 0;
}

/**
 * nfct_parse_tuple - read a tuple nest (CTA_TUPLE_ORIG, _REPLY, _MASTER)
 * @attr: the nest
 * @t: tuple to fill in
 * @dir: 0 original, 1 reply, 2 master: selects the attributes marked set
 * @set: the object's attribute set bitmap
 *
 * Returns 0, or -1 (errno EINVAL) on a malformed attribute; fields read
 * before the error stay stored.
 */
NFCT_EXPORT int nfct_parse_tuple(const struct nlattr *attr,
				 struct nfct_tuple *t, int dir, uint32_t *set)
{
	if (attr == NULL || t == NULL || set == NULL ||
	    dir < DIR_ORIG || dir > DIR_MASTER) {
		errno = EINVAL;
		return -1;
	}
	return parse_tuple(attr, t, dir, set);
}

/* ---- protocol info --------------------------------------------------- */

static const uint16_t protoinfo_kinds[CTA_PROTOINFO_MAX + 1] = {
	[CTA_PROTOINFO_TCP] = PK_NEST, [CTA_PROTOINFO_DCCP] = PK_NEST,
	[CTA_PROTOINFO_SCTP] = PK_NEST,
};

static const uint16_t tcp_kinds[CTA_PROTOINFO_TCP_MAX + 1] = {
	[CTA_PROTOINFO_TCP_STATE] = PK_U8,
	[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL] = PK_U8,
	[CTA_PROTOINFO_TCP_WSCALE_REPLY] = PK_U8,
	[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL] = PK_TCPFLAGS,
	[CTA_PROTOINFO_TCP_FLAGS_REPLY] = PK_TCPFLAGS,
};

static const uint16_t sctp_kinds[CTA_PROTOINFO_SCTP_MAX + 1] = {
	[CTA_PROTOINFO_SCTP_STATE] = PK_U8,
	[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL] = PK_U32,
	[CTA_PROTOINFO_SCTP_VTAG_REPLY] = PK_U32,
};

static const uint16_t dccp_kinds[CTA_PROTOINFO_DCCP_MAX + 1] = {
	[CTA_PROTOINFO_DCCP_STATE] = PK_U8,
	[CTA_PROTOINFO_DCCP_ROLE] = PK_U8,
	[CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ] = PK_U64,
};

static void store_u8(struct nf_conntrack *ct, int type, const struct nlattr *a)
{
	if (a) {
		*(uint8_t *)attr_ptr(ct, type) = get_u8(a);
		attr_mark(ct, type);
	}
}

/* A network-order u32 attribute into a host-order field. */
static void store_be32(struct nf_conntrack *ct, int type, const struct nlattr *a)
{
	if (a) {
		*(uint32_t *)attr_ptr(ct, type) = ntohl(get_u32(a));
		attr_mark(ct, type);
	}
}

static void store_be64(struct nf_conntrack *ct, int type, const struct nlattr *a)
{
	if (a) {
		*(uint64_t *)attr_ptr(ct, type) = get_be64(a);
		attr_mark(ct, type);
	}
}

static void store_tcp_flags(struct nf_conntrack *ct, int dir,
			    const struct nlattr *a)
{
	const uint8_t *v;

	if (a == NULL)
		return;
	v = attr_data(a);
	ct->tcp_flags[dir] = v[0];
	ct->tcp_mask[dir] = v[1];
	attr_mark(ct, dir == DIR_ORIG ? ATTR_TCP_FLAGS_ORIG : ATTR_TCP_FLAGS_REPL);
	attr_mark(ct, dir == DIR_ORIG ? ATTR_TCP_MASK_ORIG : ATTR_TCP_MASK_REPL);
}

/*
 * The TCP nest as the kernel sends it: state, both window scales, both
 * flag pairs, in that order. Stores what the general path would store;
 * false for any other layout.
 */
static bool tcp_fast(const struct nlattr *nest, struct nf_conntrack *ct)
{
	const unsigned char *p = attr_data(nest);

	if (nest->nla_len != MNL_ATTR_HDRLEN + 40 ||
	    !hdr_is(p, 5, CTA_PROTOINFO_TCP_STATE) ||
	    !hdr_is(p + 8, 5, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL) ||
	    !hdr_is(p + 16, 5, CTA_PROTOINFO_TCP_WSCALE_REPLY) ||
	    !hdr_is(p + 24, 6, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL) ||
	    !hdr_is(p + 32, 6, CTA_PROTOINFO_TCP_FLAGS_REPLY))
		return false;
	ct->tcp_state = p[4];
	ct->tcp_wscale[DIR_ORIG] = p[12];
	ct->tcp_wscale[DIR_REPL] = p[20];
	ct->tcp_flags[DIR_ORIG] = p[28];
	ct->tcp_mask[DIR_ORIG] = p[29];
	ct->tcp_flags[DIR_REPL] = p[36];
	ct->tcp_mask[DIR_REPL] = p[37];
	attr_mark(ct, ATTR_TCP_STATE);
	attr_mark(ct, ATTR_TCP_WSCALE_ORIG);
	attr_mark(ct, ATTR_TCP_WSCALE_REPL);
	attr_mark(ct, ATTR_TCP_FLAGS_ORIG);
	attr_mark(ct, ATTR_TCP_MASK_ORIG);
	attr_mark(ct, ATTR_TCP_FLAGS_REPL);
	attr_mark(ct, ATTR_TCP_MASK_REPL);
	return true;
}

static int parse_tcp(const struct nlattr *nest, struct nf_conntrack *ct)
{
	const struct nlattr *tb[CTA_PROTOINFO_TCP_MAX + 1];
	uint64_t seen;

	if (tcp_fast(nest, ct))
		return 0;
	if (index_nest(nest, tcp_kinds, CTA_PROTOINFO_TCP_MAX, tb, &seen) < 0)
		return -1;
	/* direct fields: every TCP entry of a dump has these */
	if (HAS(seen, CTA_PROTOINFO_TCP_STATE)) {
		ct->tcp_state = get_u8(tb[CTA_PROTOINFO_TCP_STATE]);
		attr_mark(ct, ATTR_TCP_STATE);
	}
	if (HAS(seen, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL)) {
		ct->tcp_wscale[DIR_ORIG] = get_u8(tb[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL]);
		attr_mark(ct, ATTR_TCP_WSCALE_ORIG);
	}
	if (HAS(seen, CTA_PROTOINFO_TCP_WSCALE_REPLY)) {
		ct->tcp_wscale[DIR_REPL] = get_u8(tb[CTA_PROTOINFO_TCP_WSCALE_REPLY]);
		attr_mark(ct, ATTR_TCP_WSCALE_REPL);
	}
	store_tcp_flags(ct, DIR_ORIG, AT(CTA_PROTOINFO_TCP_FLAGS_ORIGINAL));
	store_tcp_flags(ct, DIR_REPL, AT(CTA_PROTOINFO_TCP_FLAGS_REPLY));
	return 0;
}

static int parse_sctp(const struct nlattr *nest, struct nf_conntrack *ct)
{
	const struct nlattr *tb[CTA_PROTOINFO_SCTP_MAX + 1];
	uint64_t seen;

	if (index_nest(nest, sctp_kinds, CTA_PROTOINFO_SCTP_MAX, tb, &seen) < 0)
		return -1;
	store_u8(ct, ATTR_SCTP_STATE, AT(CTA_PROTOINFO_SCTP_STATE));
	store_be32(ct, ATTR_SCTP_VTAG_ORIG, AT(CTA_PROTOINFO_SCTP_VTAG_ORIGINAL));
	store_be32(ct, ATTR_SCTP_VTAG_REPL, AT(CTA_PROTOINFO_SCTP_VTAG_REPLY));
	return 0;
}

static int parse_dccp(const struct nlattr *nest, struct nf_conntrack *ct)
{
	const struct nlattr *tb[CTA_PROTOINFO_DCCP_MAX + 1];
	uint64_t seen;

	if (index_nest(nest, dccp_kinds, CTA_PROTOINFO_DCCP_MAX, tb, &seen) < 0)
		return -1;
	store_u8(ct, ATTR_DCCP_STATE, AT(CTA_PROTOINFO_DCCP_STATE));
	store_u8(ct, ATTR_DCCP_ROLE, AT(CTA_PROTOINFO_DCCP_ROLE));
	store_be64(ct, ATTR_DCCP_HANDSHAKE_SEQ,
		   AT(CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ));
	return 0;
}

static int parse_protoinfo(const struct nlattr *nest, struct nf_conntrack *ct)
{
	const struct nlattr *tb[CTA_PROTOINFO_MAX + 1];
	uint64_t seen;

	if (index_nest(nest, protoinfo_kinds, CTA_PROTOINFO_MAX, tb, &seen) < 0)
		return -1;
	if (AT(CTA_PROTOINFO_TCP) && parse_tcp(AT(CTA_PROTOINFO_TCP), ct) < 0)
		return -1;
	if (AT(CTA_PROTOINFO_SCTP) && parse_sctp(AT(CTA_PROTOINFO_SCTP), ct) < 0)
		return -1;
	if (AT(CTA_PROTOINFO_DCCP) && parse_dccp(AT(CTA_PROTOINFO_DCCP), ct) < 0)
		return -1;
	return 0;
}

/* ---- the other nests ------------------------------------------------- */

static const uint16_t counters_kinds[CTA_COUNTERS_MAX + 1] = {
	[CTA_COUNTERS_PACKETS] = PK_U64, [CTA_COUNTERS_BYTES] = PK_U64,
	[CTA_COUNTERS32_PACKETS] = PK_U32, [CTA_COUNTERS32_BYTES] = PK_U32,
};

static int parse_counters(const struct nlattr *nest, struct nf_conntrack *ct,
			  int dir)
{
	const struct nlattr *tb[CTA_COUNTERS_MAX + 1];
	uint64_t seen;
	int pkts = dir == DIR_ORIG ? ATTR_ORIG_COUNTER_PACKETS :
				     ATTR_REPL_COUNTER_PACKETS;
	int bytes = dir == DIR_ORIG ? ATTR_ORIG_COUNTER_BYTES :
				      ATTR_REPL_COUNTER_BYTES;

	if (index_nest(nest, counters_kinds, CTA_COUNTERS_MAX, tb, &seen) < 0)
		return -1;
	/* Old kernels sent 32-bit counters: widen them. */
	if (AT(CTA_COUNTERS32_PACKETS)) {
		ct->counters[dir].packets = ntohl(get_u32(AT(CTA_COUNTERS32_PACKETS)));
		attr_mark(ct, pkts);
	}
	if (AT(CTA_COUNTERS32_BYTES)) {
		ct->counters[dir].bytes = ntohl(get_u32(AT(CTA_COUNTERS32_BYTES)));
		attr_mark(ct, bytes);
	}
	store_be64(ct, pkts, AT(CTA_COUNTERS_PACKETS));
	store_be64(ct, bytes, AT(CTA_COUNTERS_BYTES));
	return 0;
}

static const uint16_t seqadj_kinds[CTA_SEQADJ_MAX + 1] = {
	[CTA_SEQADJ_CORRECTION_POS] = PK_U32,
	[CTA_SEQADJ_OFFSET_BEFORE] = PK_U32,
	[CTA_SEQADJ_OFFSET_AFTER] = PK_U32,
};

static int parse_seqadj(const struct nlattr *nest, struct nf_conntrack *ct,
			int dir)
{
	const struct nlattr *tb[CTA_SEQADJ_MAX + 1];
	uint64_t seen;
	int base = dir == DIR_ORIG ? ATTR_ORIG_NAT_SEQ_CORRECTION_POS :
				     ATTR_REPL_NAT_SEQ_CORRECTION_POS;

	if (index_nest(nest, seqadj_kinds, CTA_SEQADJ_MAX, tb, &seen) < 0)
		return -1;
	/* The three attributes of a direction are consecutive. */
	store_be32(ct, base, AT(CTA_SEQADJ_CORRECTION_POS));
	store_be32(ct, base + 1, AT(CTA_SEQADJ_OFFSET_BEFORE));
	store_be32(ct, base + 2, AT(CTA_SEQADJ_OFFSET_AFTER));
	return 0;
}

/* Like the original, a name without its NUL is accepted; unlike it, we
 * never read past the attribute for the rest of the name. */
static const uint16_t help_kinds[CTA_HELP_MAX + 1] = {
	[CTA_HELP_NAME] = PK_STR,
};

static int parse_helper(const struct nlattr *nest, struct nf_conntrack *ct)
{
	const struct nlattr *tb[CTA_HELP_MAX + 1];
	uint64_t seen;
	char name[NFCT_HELPER_NAME_MAX];
	size_t name_len;

	if (index_nest(nest, help_kinds, CTA_HELP_MAX, tb, &seen) < 0)
		return -1;
	if (AT(CTA_HELP_NAME) == NULL)
		return 0;
	name_len = attr_len(AT(CTA_HELP_NAME));
	if (name_len >= sizeof(name))
		name_len = sizeof(name) - 1;
	memcpy(name, attr_data(AT(CTA_HELP_NAME)), name_len);
	name[name_len] = '\0';
	attr_store(ct, ATTR_HELPER_NAME, name, 0);
	if (AT(CTA_HELP_INFO)) {
		attr_store(ct, ATTR_HELPER_INFO,
			   attr_data(AT(CTA_HELP_INFO)),
			   attr_len(AT(CTA_HELP_INFO)));
		if (ct->helper_info == NULL)
			return -1;
	}
	return 0;
}

/* The original takes the name up to its first NUL without checking
 * there is one; we stop at the end of the attribute as well. */
static const uint16_t secctx_kinds[CTA_SECCTX_MAX + 1] = {
	[CTA_SECCTX_NAME] = PK_STR,
};

static int parse_secctx(const struct nlattr *nest, struct nf_conntrack *ct)
{
	const struct nlattr *tb[CTA_SECCTX_MAX + 1];
	uint64_t seen;
	char *s;

	if (index_nest(nest, secctx_kinds, CTA_SECCTX_MAX, tb, &seen) < 0)
		return -1;
	if (AT(CTA_SECCTX_NAME) == NULL)
		return 0;
	s = strndup(attr_data(AT(CTA_SECCTX_NAME)),
		    attr_len(AT(CTA_SECCTX_NAME)));
	if (s == NULL)
		return -1;
	free(ct->secctx);
	ct->secctx = s;
	attr_mark(ct, ATTR_SECCTX);
	return 0;
}

static const uint16_t timestamp_kinds[CTA_TIMESTAMP_MAX + 1] = {
	[CTA_TIMESTAMP_START] = PK_U64, [CTA_TIMESTAMP_STOP] = PK_U64,
};

static int parse_timestamp(const struct nlattr *nest, struct nf_conntrack *ct)
{
	const struct nlattr *tb[CTA_TIMESTAMP_MAX + 1];
	uint64_t seen;

	if (index_nest(nest, timestamp_kinds, CTA_TIMESTAMP_MAX, tb, &seen) < 0)
		return -1;
	store_be64(ct, ATTR_TIMESTAMP_START, AT(CTA_TIMESTAMP_START));
	store_be64(ct, ATTR_TIMESTAMP_STOP, AT(CTA_TIMESTAMP_STOP));
	return 0;
}

static const uint16_t synproxy_kinds[CTA_SYNPROXY_MAX + 1] = {
	[CTA_SYNPROXY_ISN] = PK_U32, [CTA_SYNPROXY_ITS] = PK_U32,
	[CTA_SYNPROXY_TSOFF] = PK_U32,
};

static int parse_synproxy(const struct nlattr *nest, struct nf_conntrack *ct)
{
	const struct nlattr *tb[CTA_SYNPROXY_MAX + 1];
	uint64_t seen;

	if (index_nest(nest, synproxy_kinds, CTA_SYNPROXY_MAX, tb, &seen) < 0)
		return -1;
	store_be32(ct, ATTR_SYNPROXY_ISN, AT(CTA_SYNPROXY_ISN));
	store_be32(ct, ATTR_SYNPROXY_ITS, AT(CTA_SYNPROXY_ITS));
	store_be32(ct, ATTR_SYNPROXY_TSOFF, AT(CTA_SYNPROXY_TSOFF));
	return 0;
}

/* Labels: a bitmask as long as the attribute, rounded up to whole 32-bit
 * words. The
 * kernel never sends CTA_LABELS_MASK, and the original ignores it. */
static int parse_labels(const struct nlattr *a, struct nf_conntrack *ct,
			int type)
{
	uint16_t len = attr_len(a);
	struct nfct_bitmask *b;

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	b = nfct_bitmask_new(len * 8 - 1);
	if (b == NULL)
		return -1;
	memcpy(b->bits, attr_data(a), len);
	attr_store(ct, type, b, 0);
	return 0;
}

/* ---- the message ----------------------------------------------------- */

/* Nests most dumps do not have (counters only with accounting on). */
#define RARE_NESTS ((1ull << CTA_COUNTERS_ORIG) | (1ull << CTA_COUNTERS_REPLY) | \
		    (1ull << CTA_HELP) | (1ull << CTA_SECCTX) | \
		    (1ull << CTA_TIMESTAMP) | (1ull << CTA_LABELS) | \
		    (1ull << CTA_SYNPROXY))

static const uint16_t ct_kinds[CTA_MAX + 1] = {
	[CTA_TUPLE_ORIG] = PK_NEST, [CTA_TUPLE_REPLY] = PK_NEST,
	[CTA_TUPLE_MASTER] = PK_NEST, [CTA_SEQ_ADJ_ORIG] = PK_NEST,
	[CTA_SEQ_ADJ_REPLY] = PK_NEST, [CTA_PROTOINFO] = PK_NEST,
	[CTA_COUNTERS_ORIG] = PK_NEST, [CTA_COUNTERS_REPLY] = PK_NEST,
	[CTA_HELP] = PK_NEST, [CTA_SECCTX] = PK_NEST,
	[CTA_TIMESTAMP] = PK_NEST,
	[CTA_STATUS] = PK_U32, [CTA_TIMEOUT] = PK_U32, [CTA_MARK] = PK_U32,
	[CTA_SECMARK] = PK_U32, [CTA_USE] = PK_U32, [CTA_ID] = PK_U32,
	[CTA_ZONE] = PK_U16,
	/* Not checked here, as in the original: CTA_SYNPROXY (its nest is
	 * still read safely) and CTA_TIMESTAMP_EVENT, which the original
	 * does not know (ignored unless 8 bytes long). */
};

static int parse_dir_tuple(const struct nlattr *a, struct nf_conntrack *ct,
			   struct nfct_tuple *t, int dir, int l3attr,
			   uint16_t l3num)
{
	/* The family travels in struct nfgenmsg, not in the tuple. */
	t->l3proto = l3num;
	attr_mark(ct, l3attr);
	return parse_tuple(a, t, dir, ct->set);
}

static int parse_tuples(const struct nlattr **tb, uint64_t seen,
			struct nf_conntrack *ct, uint16_t l3num)
{
	if (AT(CTA_TUPLE_ORIG) &&
	    parse_dir_tuple(AT(CTA_TUPLE_ORIG), ct, &ct->orig, DIR_ORIG,
			    ATTR_ORIG_L3PROTO, l3num) < 0)
		return -1;
	if (AT(CTA_TUPLE_REPLY) &&
	    parse_dir_tuple(AT(CTA_TUPLE_REPLY), ct, &ct->repl, DIR_REPL,
			    ATTR_REPL_L3PROTO, l3num) < 0)
		return -1;
	if (AT(CTA_TUPLE_MASTER) &&
	    parse_dir_tuple(AT(CTA_TUPLE_MASTER), ct, &ct->master, DIR_MASTER,
			    ATTR_MASTER_L3PROTO, l3num) < 0)
		return -1;
	return 0;
}

static void parse_scalars(const struct nlattr **tb, uint64_t seen,
			  struct nf_conntrack *ct)
{
	/* direct fields: these are in every message */
	if (HAS(seen, CTA_STATUS)) {
		ct->status = ntohl(get_u32(tb[CTA_STATUS]));
		attr_mark(ct, ATTR_STATUS);
	}
	if (HAS(seen, CTA_TIMEOUT)) {
		ct->timeout = ntohl(get_u32(tb[CTA_TIMEOUT]));
		attr_mark(ct, ATTR_TIMEOUT);
	}
	if (HAS(seen, CTA_MARK)) {
		ct->mark = ntohl(get_u32(tb[CTA_MARK]));
		attr_mark(ct, ATTR_MARK);
	}
	if (HAS(seen, CTA_USE)) {
		ct->use = ntohl(get_u32(tb[CTA_USE]));
		attr_mark(ct, ATTR_USE);
	}
	if (HAS(seen, CTA_ID)) {
		ct->id = ntohl(get_u32(tb[CTA_ID]));
		attr_mark(ct, ATTR_ID);
	}
	if (!(seen & ((1ull << CTA_SECMARK) | (1ull << CTA_ZONE) |
		      (1ull << CTA_TIMESTAMP_EVENT))))
		return;
	store_be32(ct, ATTR_SECMARK, AT(CTA_SECMARK));
	if (AT(CTA_ZONE)) {
		ct->zone = ntohs(get_u16(AT(CTA_ZONE)));
		attr_mark(ct, ATTR_ZONE);
	}
	if (AT(CTA_TIMESTAMP_EVENT) &&
	    attr_len(AT(CTA_TIMESTAMP_EVENT)) == 8)
		store_be64(ct, ATTR_TIMESTAMP_EVENT, AT(CTA_TIMESTAMP_EVENT));
}

/**
 * nfct_payload_parse - fill an object from ctnetlink attributes
 * @payload: the attributes (the message after struct nfgenmsg)
 * @payload_len: their length in bytes
 * @l3num: the family, from struct nfgenmsg
 * @ct: object to fill in; attributes not in the message are left alone
 *
 * Returns 0, or -1 with errno set: EINVAL for a malformed attribute
 * (attributes read before it stay stored), ENOMEM.
 */
NFCT_EXPORT int nfct_payload_parse(const void *payload, size_t payload_len,
				   uint16_t l3num, struct nf_conntrack *ct)
{
	const struct nlattr *tb[CTA_MAX + 1];
	uint64_t seen;

	if ((payload == NULL && payload_len > 0) || ct == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (index_attrs(payload, payload_len, ct_kinds, CTA_MAX, tb, &seen) < 0)
		return -1;
	if (parse_tuples(tb, seen, ct, l3num) < 0)
		return -1;
	if (AT(CTA_SEQ_ADJ_ORIG) && parse_seqadj(AT(CTA_SEQ_ADJ_ORIG), ct, DIR_ORIG) < 0)
		return -1;
	if (AT(CTA_SEQ_ADJ_REPLY) && parse_seqadj(AT(CTA_SEQ_ADJ_REPLY), ct, DIR_REPL) < 0)
		return -1;
	parse_scalars(tb, seen, ct);
	if (AT(CTA_PROTOINFO) && parse_protoinfo(AT(CTA_PROTOINFO), ct) < 0)
		return -1;
	if (!(seen & RARE_NESTS))
		return 0;
	if (AT(CTA_COUNTERS_ORIG) && parse_counters(AT(CTA_COUNTERS_ORIG), ct, DIR_ORIG) < 0)
		return -1;
	if (AT(CTA_COUNTERS_REPLY) && parse_counters(AT(CTA_COUNTERS_REPLY), ct, DIR_REPL) < 0)
		return -1;
	if (AT(CTA_HELP) && parse_helper(AT(CTA_HELP), ct) < 0)
		return -1;
	if (AT(CTA_SECCTX) && parse_secctx(AT(CTA_SECCTX), ct) < 0)
		return -1;
	if (AT(CTA_TIMESTAMP) && parse_timestamp(AT(CTA_TIMESTAMP), ct) < 0)
		return -1;
	if (AT(CTA_LABELS) && parse_labels(AT(CTA_LABELS), ct, ATTR_CONNLABELS) < 0)
		return -1;
	if (AT(CTA_SYNPROXY) && parse_synproxy(AT(CTA_SYNPROXY), ct) < 0)
		return -1;
	return 0;
}

/**
 * nfct_nlmsg_parse - fill an object from a ctnetlink message
 * @nlh: the message (header, struct nfgenmsg, attributes)
 * @ct: object to fill in
 *
 * Returns 0, or -1 with errno set (EINVAL: message too short for its
 * headers, malformed attribute).
 */
NFCT_EXPORT int nfct_nlmsg_parse(const struct nlmsghdr *nlh,
				 struct nf_conntrack *ct)
{
	const struct nfgenmsg *g;
	size_t hdr = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*g));

	if (nlh == NULL || ct == NULL || nlh->nlmsg_len < hdr) {
		errno = EINVAL;
		return -1;
	}
	g = mnl_nlmsg_get_payload(nlh);
	return nfct_payload_parse((const char *)nlh + hdr, nlh->nlmsg_len - hdr,
				  g->nfgen_family, ct);
}

/**
 * nfct_parse_conntrack - fill an object from a message (deprecated)
 * @type: the NFCT_T_* types wanted (NFCT_T_ALL for any)
 * @nlh: the message
 * @ct: object to fill in
 *
 * Returns the message's NFCT_T_* type, 0 if it is not one of @type or is
 * too short for its headers (the object is not touched then), or
 * NFCT_T_ERROR with errno set (EINVAL: NULL argument, malformed
 * attribute).
 */
NFCT_EXPORT int nfct_parse_conntrack(enum nf_conntrack_msg_type type,
				     const struct nlmsghdr *nlh,
				     struct nf_conntrack *ct)
{
	int t;

	if (nlh == NULL || ct == NULL) {
		errno = EINVAL;
		return NFCT_T_ERROR;
	}
	t = nl_wanted_type(nlh, type);
	if (t == 0)
		return 0;
	if (nfct_nlmsg_parse(nlh, ct) < 0)
		return NFCT_T_ERROR;
	return t;
}
