/*
 * Attribute groups: several attributes set, read, tested or cleared at
 * once through a struct (nfct_attr_grp_*). Each group is one line of
 * grp_table[]: the attributes it covers and where each value sits in
 * the group's struct. The behaviour follows the original library, quirks
 * included (see the comments on the table).
 */
#include <sys/socket.h>

#include "internal.h"

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
