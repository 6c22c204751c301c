/*
 * Attribute groups: several attributes set, read, tested or cleared at
 * once through a struct (nfct_attr_grp_*). Each group is one line of
 * grp_table[]: the attributes it covers and where each value sits in
 * the group's struct. The behaviour follows the original library, quirks
 * included (see the comments on the table).
 */
#include <netinet/in.h>
#include <sys/socket.h>

#include "object.h"

#define GRP_FIELDS 3
#define GRP_ATTRS 4

struct grp_field {
	uint8_t attr;		/* attribute whose storage holds the value */
	uint8_t off;		/* offset of the value in the group struct */
};

struct grp_desc {
	/* attributes the group marks set, requires set and clears */
	uint8_t attrs[GRP_ATTRS];
	uint8_t nattrs;
	/* values copied in and out, attr_table[].size bytes each */
	struct grp_field fields[GRP_FIELDS];
	uint8_t nfields;
	/* layer 3 protocol the setter stores (0: none) and where */
	uint8_t l3attr;
	uint8_t l3val;
	/* the setter only marks the attributes, stores nothing */
	bool noset;
	/* set and read if any one of the attributes is set */
	bool any;
};

#define ATTRS(...) .attrs = { __VA_ARGS__ }, \
	.nattrs = sizeof((uint8_t[]){ __VA_ARGS__ })
#define FIELDS2(a, oa, b, ob) .fields = { { a, oa }, { b, ob } }, .nfields = 2
#define L3(attr, val) .l3attr = attr, .l3val = val

/*
 * As in the original: the port groups mark the layer 4 protocol set
 * without storing one; the counter groups and the ATTR_GRP_*_ADDR_*
 * groups only mark (the kernel reports counters, and the address groups
 * mark the IPv4 and the IPv6 attribute alike); reading an address group
 * returns all 16 bytes of the address storage, whatever the family.
 */
static const struct grp_desc grp_table[ATTR_GRP_MAX] = {
	[ATTR_GRP_ORIG_IPV4] = {
		ATTRS(ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV4_DST, ATTR_ORIG_L3PROTO),
		FIELDS2(ATTR_ORIG_IPV4_SRC, 0, ATTR_ORIG_IPV4_DST, 4),
		L3(ATTR_ORIG_L3PROTO, AF_INET),
	},
	[ATTR_GRP_REPL_IPV4] = {
		ATTRS(ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV4_DST, ATTR_REPL_L3PROTO),
		FIELDS2(ATTR_REPL_IPV4_SRC, 0, ATTR_REPL_IPV4_DST, 4),
		L3(ATTR_REPL_L3PROTO, AF_INET),
	},
	[ATTR_GRP_ORIG_IPV6] = {
		ATTRS(ATTR_ORIG_IPV6_SRC, ATTR_ORIG_IPV6_DST, ATTR_ORIG_L3PROTO),
		FIELDS2(ATTR_ORIG_IPV6_SRC, 0, ATTR_ORIG_IPV6_DST, 16),
		L3(ATTR_ORIG_L3PROTO, AF_INET6),
	},
	[ATTR_GRP_REPL_IPV6] = {
		ATTRS(ATTR_REPL_IPV6_SRC, ATTR_REPL_IPV6_DST, ATTR_REPL_L3PROTO),
		FIELDS2(ATTR_REPL_IPV6_SRC, 0, ATTR_REPL_IPV6_DST, 16),
		L3(ATTR_REPL_L3PROTO, AF_INET6),
	},
	[ATTR_GRP_ORIG_PORT] = {
		ATTRS(ATTR_ORIG_PORT_SRC, ATTR_ORIG_PORT_DST, ATTR_ORIG_L4PROTO),
		FIELDS2(ATTR_ORIG_PORT_SRC, 0, ATTR_ORIG_PORT_DST, 2),
	},
	[ATTR_GRP_REPL_PORT] = {
		ATTRS(ATTR_REPL_PORT_SRC, ATTR_REPL_PORT_DST, ATTR_REPL_L4PROTO),
		FIELDS2(ATTR_REPL_PORT_SRC, 0, ATTR_REPL_PORT_DST, 2),
	},
	[ATTR_GRP_ICMP] = {
		ATTRS(ATTR_ICMP_TYPE, ATTR_ICMP_CODE, ATTR_ICMP_ID),
		.fields = { { ATTR_ICMP_ID, 0 }, { ATTR_ICMP_CODE, 2 },
			    { ATTR_ICMP_TYPE, 3 } },
		.nfields = 3,
	},
	[ATTR_GRP_MASTER_IPV4] = {
		ATTRS(ATTR_MASTER_IPV4_SRC, ATTR_MASTER_IPV4_DST,
		      ATTR_MASTER_L3PROTO),
		FIELDS2(ATTR_MASTER_IPV4_SRC, 0, ATTR_MASTER_IPV4_DST, 4),
		L3(ATTR_MASTER_L3PROTO, AF_INET),
	},
	[ATTR_GRP_MASTER_IPV6] = {
		ATTRS(ATTR_MASTER_IPV6_SRC, ATTR_MASTER_IPV6_DST,
		      ATTR_MASTER_L3PROTO),
		FIELDS2(ATTR_MASTER_IPV6_SRC, 0, ATTR_MASTER_IPV6_DST, 16),
		L3(ATTR_MASTER_L3PROTO, AF_INET6),
	},
	[ATTR_GRP_MASTER_PORT] = {
		ATTRS(ATTR_MASTER_PORT_SRC, ATTR_MASTER_PORT_DST,
		      ATTR_MASTER_L4PROTO),
		FIELDS2(ATTR_MASTER_PORT_SRC, 0, ATTR_MASTER_PORT_DST, 2),
	},
	[ATTR_GRP_ORIG_COUNTERS] = {
		ATTRS(ATTR_ORIG_COUNTER_PACKETS, ATTR_ORIG_COUNTER_BYTES),
		FIELDS2(ATTR_ORIG_COUNTER_PACKETS, 0, ATTR_ORIG_COUNTER_BYTES, 8),
		.noset = true,
	},
	[ATTR_GRP_REPL_COUNTERS] = {
		ATTRS(ATTR_REPL_COUNTER_PACKETS, ATTR_REPL_COUNTER_BYTES),
		FIELDS2(ATTR_REPL_COUNTER_PACKETS, 0, ATTR_REPL_COUNTER_BYTES, 8),
		.noset = true,
	},
	[ATTR_GRP_ORIG_ADDR_SRC] = {
		ATTRS(ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC),
		.fields = { { ATTR_ORIG_IPV6_SRC, 0 } }, .nfields = 1,
		.noset = true, .any = true,
	},
	[ATTR_GRP_ORIG_ADDR_DST] = {
		ATTRS(ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_DST),
		.fields = { { ATTR_ORIG_IPV6_DST, 0 } }, .nfields = 1,
		.noset = true, .any = true,
	},
	[ATTR_GRP_REPL_ADDR_SRC] = {
		ATTRS(ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC),
		.fields = { { ATTR_REPL_IPV6_SRC, 0 } }, .nfields = 1,
		.noset = true, .any = true,
	},
	[ATTR_GRP_REPL_ADDR_DST] = {
		ATTRS(ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST),
		.fields = { { ATTR_REPL_IPV6_DST, 0 } }, .nfields = 1,
		.noset = true, .any = true,
	},
};

/* Are the group's attributes set (all of them, or one for g->any)? */
static bool grp_isset(const struct nf_conntrack *ct, const struct grp_desc *g)
{
	for (int i = 0; i < g->nattrs; i++)
		if (attr_isset(ct, g->attrs[i]) == g->any)
			return g->any;
	return !g->any;
}

/**
 * nfct_set_attr_grp - set a group of attributes
 * @ct: the object
 * @type: group (ATTR_GRP_*)
 * @data: pointer to the group's struct (struct nfct_attr_grp_*)
 *
 * An unknown group or a NULL argument is ignored (errno EINVAL; the
 * original asserts on NULL and leaves errno alone otherwise).
 */
NFCT_EXPORT void nfct_set_attr_grp(struct nf_conntrack *ct,
				   const enum nf_conntrack_attr_grp type,
				   const void *data)
{
	const struct grp_desc *g;

	if (unlikely(ct == NULL || data == NULL ||
		     (unsigned)type >= ATTR_GRP_MAX)) {
		errno = EINVAL;
		return;
	}
	g = &grp_table[type];
	if (!g->noset) {
		/* Through the public setter: the ICMP attributes fill in
		 * the reply tuple there, and the group does the same. */
		for (int i = 0; i < g->nfields; i++) {
			const struct grp_field *f = &g->fields[i];
			nfct_set_attr(ct, f->attr, (const char *)data + f->off);
		}
		if (g->l3attr)
			*(uint8_t *)attr_ptr(ct, g->l3attr) = g->l3val;
	}
	for (int i = 0; i < g->nattrs; i++)
		attr_mark(ct, g->attrs[i]);
}

/**
 * nfct_get_attr_grp - read a group of attributes
 * @ct: the object
 * @type: group (ATTR_GRP_*)
 * @data: where to store the group's struct (struct nfct_attr_grp_*)
 *
 * Returns 0, or -1 with errno EINVAL (unknown group, NULL argument) or
 * ENODATA (the group is not set, see nfct_attr_grp_is_set()).
 */
NFCT_EXPORT int nfct_get_attr_grp(const struct nf_conntrack *ct,
				  const enum nf_conntrack_attr_grp type,
				  void *data)
{
	const struct grp_desc *g;

	if (unlikely(ct == NULL || data == NULL ||
		     (unsigned)type >= ATTR_GRP_MAX)) {
		errno = EINVAL;
		return -1;
	}
	g = &grp_table[type];
	if (!grp_isset(ct, g)) {
		errno = ENODATA;
		return -1;
	}
	for (int i = 0; i < g->nfields; i++) {
		const struct grp_field *f = &g->fields[i];
		memcpy((char *)data + f->off, attr_cptr(ct, f->attr),
		       attr_table[f->attr].size);
	}
	return 0;
}

/**
 * nfct_attr_grp_is_set - tell whether all attributes of a group are set
 * @ct: the object
 * @type: group (ATTR_GRP_*)
 *
 * The ATTR_GRP_*_ADDR_* groups count as set when either the IPv4 or the
 * IPv6 attribute is. Returns 1 if all are set, 0 if not, -1 (errno EINVAL) for an unknown
 * group or a NULL object.
 */
NFCT_EXPORT int nfct_attr_grp_is_set(const struct nf_conntrack *ct,
				     const enum nf_conntrack_attr_grp type)
{
	if (unlikely(ct == NULL || (unsigned)type >= ATTR_GRP_MAX)) {
		errno = EINVAL;
		return -1;
	}
	return grp_isset(ct, &grp_table[type]);
}

/**
 * nfct_attr_grp_unset - mark all attributes of a group as not set
 * @ct: the object
 * @type: group (ATTR_GRP_*)
 *
 * Returns 0, or -1 for an unknown group or a NULL object (errno EINVAL;
 * the original leaves errno alone).
 */
NFCT_EXPORT int nfct_attr_grp_unset(struct nf_conntrack *ct,
				    const enum nf_conntrack_attr_grp type)
{
	const struct grp_desc *g;

	if (unlikely(ct == NULL || (unsigned)type >= ATTR_GRP_MAX)) {
		errno = EINVAL;
		return -1;
	}
	g = &grp_table[type];
	for (int i = 0; i < g->nattrs; i++)
		attr_clear(ct, g->attrs[i]);
	return 0;
}

/* ---- object options ------------------------------------------------- */

/* Address size for the family in the original tuple, 0 if neither. */
static size_t l3_addr_size(const struct nf_conntrack *ct)
{
	switch (ct->orig.l3proto) {
	case AF_INET:
		return sizeof(uint32_t);
	case AF_INET6:
		return sizeof(ct->orig.src.v6);
	default:
		return 0;
	}
}

/*
 * Undo address NAT in the reply tuple: remember the mangled address in
 * @nat and put back the one it replaced. Marks the IPv4 or IPv6 NAT
 * attribute depending on the original tuple's family.
 */
static void undo_nat(struct nf_conntrack *ct, union nfct_addr *nat,
		     union nfct_addr *repl, const union nfct_addr *orig,
		     int attr4, int attr6)
{
	size_t n = l3_addr_size(ct);

	if (n == 0)
		return;
	memcpy(nat, repl, n);
	memcpy(repl, orig, n);
	attr_mark(ct, n == sizeof(uint32_t) ? attr4 : attr6);
}

/* Same for ports; done whatever the protocol, as in the original. */
static void undo_pat(struct nf_conntrack *ct, uint16_t *nat, uint16_t *repl,
		     const uint16_t *orig, int attr)
{
	*nat = *repl;
	*repl = *orig;
	attr_mark(ct, attr);
}

/* Does this layer 4 protocol have ports in the tuple? */
static bool l4_has_ports(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
	case IPPROTO_GRE:
		return true;
	default:
		return false;
	}
}

/*
 * Fill tuple @t as the mirror image of @other (the other direction).
 * ICMP types and ids are left alone: setting them already filled in the
 * reply. Afterwards both tuples count as set, like in the original.
 */
static void setup_tuple(struct nf_conntrack *ct, struct nfct_tuple *t,
			const struct nfct_tuple *other)
{
	t->l3proto = other->l3proto;
	t->l4proto = other->l4proto;
	t->src = other->dst;
	t->dst = other->src;
	if (l4_has_ports(t->l4proto)) {
		t->l4src.port = other->l4dst.port;
		t->l4dst.port = other->l4src.port;
	}
	for (int a = ATTR_ORIG_IPV4_SRC; a <= ATTR_REPL_L4PROTO; a++)
		attr_mark(ct, a);
}

/**
 * nfct_setobjopt - apply an operation to an object
 * @ct: the object
 * @option: NFCT_SOPT_UNDO_SNAT, _UNDO_DNAT (put the original address back
 *   into the reply tuple, keeping the NAT address in ATTR_SNAT_IPV4/6 or
 *   ATTR_DNAT_IPV4/6), _UNDO_SPAT, _UNDO_DPAT (same for ports),
 *   _SETUP_ORIGINAL, _SETUP_REPLY (fill one tuple from the other)
 *
 * Returns 0, or -1 with errno EOPNOTSUPP for an unknown option (EINVAL
 * for a NULL object).
 */
NFCT_EXPORT int nfct_setobjopt(struct nf_conntrack *ct, unsigned int option)
{
	if (unlikely(ct == NULL)) {
		errno = EINVAL;
		return -1;
	}
	switch (option) {
	case NFCT_SOPT_UNDO_SNAT:
		undo_nat(ct, &ct->snat_addr, &ct->repl.dst, &ct->orig.src,
			 ATTR_SNAT_IPV4, ATTR_SNAT_IPV6);
		break;
	case NFCT_SOPT_UNDO_DNAT:
		undo_nat(ct, &ct->dnat_addr, &ct->repl.src, &ct->orig.dst,
			 ATTR_DNAT_IPV4, ATTR_DNAT_IPV6);
		break;
	case NFCT_SOPT_UNDO_SPAT:
		undo_pat(ct, &ct->snat_port, &ct->repl.l4dst.port,
			 &ct->orig.l4src.port, ATTR_SNAT_PORT);
		break;
	case NFCT_SOPT_UNDO_DPAT:
		undo_pat(ct, &ct->dnat_port, &ct->repl.l4src.port,
			 &ct->orig.l4dst.port, ATTR_DNAT_PORT);
		break;
	case NFCT_SOPT_SETUP_ORIGINAL:
		setup_tuple(ct, &ct->orig, &ct->repl);
		break;
	case NFCT_SOPT_SETUP_REPLY:
		setup_tuple(ct, &ct->repl, &ct->orig);
		break;
	default:
		errno = EOPNOTSUPP;
		return -1;
	}
	return 0;
}

/* Do the first @n bytes of two addresses differ? */
static int addr_differs(const union nfct_addr *a, const union nfct_addr *b,
			size_t n)
{
	return n != 0 && memcmp(a, b, n) != 0;
}

/* A set status must say the NAT was done; an unset one is no veto. */
static bool nat_done(const struct nf_conntrack *ct, uint32_t bit)
{
	return !attr_isset(ct, ATTR_STATUS) || (ct->status & bit);
}

/**
 * nfct_getobjopt - ask a question about an object
 * @ct: the object
 * @option: NFCT_GOPT_IS_SNAT, _IS_DNAT (the reply tuple's address differs
 *   from the original's), _IS_SPAT, _IS_DPAT (same for ports); when
 *   ATTR_STATUS is set, it must also have IPS_SRC_NAT_DONE (SNAT, SPAT)
 *   or IPS_DST_NAT_DONE (DNAT, DPAT)
 *
 * Returns 1 or 0, or -1 with errno EOPNOTSUPP for an unknown option
 * (EINVAL for a NULL object).
 */
NFCT_EXPORT int nfct_getobjopt(const struct nf_conntrack *ct,
			       unsigned int option)
{
	if (unlikely(ct == NULL)) {
		errno = EINVAL;
		return -1;
	}
	switch (option) {
	case NFCT_GOPT_IS_SNAT:
		return nat_done(ct, IPS_SRC_NAT_DONE) &&
		       addr_differs(&ct->repl.dst, &ct->orig.src,
				    l3_addr_size(ct));
	case NFCT_GOPT_IS_DNAT:
		return nat_done(ct, IPS_DST_NAT_DONE) &&
		       addr_differs(&ct->repl.src, &ct->orig.dst,
				    l3_addr_size(ct));
	case NFCT_GOPT_IS_SPAT:
		return nat_done(ct, IPS_SRC_NAT_DONE) &&
		       ct->repl.l4dst.port != ct->orig.l4src.port;
	case NFCT_GOPT_IS_DPAT:
		return nat_done(ct, IPS_DST_NAT_DONE) &&
		       ct->repl.l4src.port != ct->orig.l4dst.port;
	default:
		errno = EOPNOTSUPP;
		return -1;
	}
}
