/*
 * Comparing objects (nfct_cmp, nfct_compare).
 *
 * What is compared is described by three small tables, one per part of
 * the object (original tuple, reply tuple, meta data), plus the per
 * layer 4 protocol attributes compared only when both objects carry the
 * same protocol. Attributes missing from every table (counters, NAT,
 * sequence adjustment, helper, master tuple, timestamps, secmark, ...)
 * are never compared; this is what the original library does.
 */
#include <netinet/in.h>

#include "internal.h"

/* How two values of one attribute are compared. */
enum cmp_kind {
	CK_EQ,		/* equal bytes (attr_table[].size of them) */
	CK_SUBSET,	/* ct1's bits all present in ct2 (status) */
	CK_STRING,	/* owned string (secctx) */
	CK_BITMASK,	/* owned bitmask (labels) */
	CK_L4_ORIG,	/* equal protocol, then its attributes, orig */
	CK_L4_REPL,	/* same for the reply tuple */
};

struct cmp_desc {
	uint8_t attr;
	uint8_t kind;
	/* Set in one object only, with MASK or STRICT: for lenient
	 * attributes the unset one counts as 0 (so a 0 still matches),
	 * strict ones do not match. Lenient ones are plain CK_EQ. */
	bool lenient;
};

#define STRICT(a, k) { .attr = a, .kind = k, .lenient = false }
#define LENIENT(a, k) { .attr = a, .kind = k, .lenient = true }

static const struct cmp_desc cmp_orig[] = {
	STRICT(ATTR_ORIG_L3PROTO, CK_EQ),
	STRICT(ATTR_ORIG_L4PROTO, CK_L4_ORIG),
	STRICT(ATTR_ORIG_IPV4_SRC, CK_EQ),
	STRICT(ATTR_ORIG_IPV4_DST, CK_EQ),
	STRICT(ATTR_ORIG_IPV6_SRC, CK_EQ),
	STRICT(ATTR_ORIG_IPV6_DST, CK_EQ),
	LENIENT(ATTR_ORIG_ZONE, CK_EQ),
};

static const struct cmp_desc cmp_repl[] = {
	STRICT(ATTR_REPL_L3PROTO, CK_EQ),
	STRICT(ATTR_REPL_L4PROTO, CK_L4_REPL),
	STRICT(ATTR_REPL_IPV4_SRC, CK_EQ),
	STRICT(ATTR_REPL_IPV4_DST, CK_EQ),
	STRICT(ATTR_REPL_IPV6_SRC, CK_EQ),
	STRICT(ATTR_REPL_IPV6_DST, CK_EQ),
	LENIENT(ATTR_REPL_ZONE, CK_EQ),
};

/*
 * The meta data. The protocol states share storage (see internal.h), so
 * they compare the same byte whatever the protocol. The timeout is
 * compared for equality: the NFCT_CMP_TIMEOUT_* flags take the
 * comparison out of "compare all" mode, where the meta data is not
 * looked at, so in the original they never reach the timeout.
 */
static const struct cmp_desc cmp_meta[] = {
	STRICT(ATTR_ID, CK_EQ),
	LENIENT(ATTR_MARK, CK_EQ),
	STRICT(ATTR_TIMEOUT, CK_EQ),
	STRICT(ATTR_STATUS, CK_SUBSET),
	STRICT(ATTR_TCP_STATE, CK_EQ),
	STRICT(ATTR_SCTP_STATE, CK_EQ),
	STRICT(ATTR_DCCP_STATE, CK_EQ),
	LENIENT(ATTR_ZONE, CK_EQ),
	STRICT(ATTR_SECCTX, CK_STRING),
	STRICT(ATTR_CONNLABELS, CK_BITMASK),
	STRICT(ATTR_CONNLABELS_MASK, CK_BITMASK),
};

static const struct cmp_desc cmp_orig_ports[] = {
	STRICT(ATTR_ORIG_PORT_SRC, CK_EQ),
	STRICT(ATTR_ORIG_PORT_DST, CK_EQ),
};

static const struct cmp_desc cmp_repl_ports[] = {
	STRICT(ATTR_REPL_PORT_SRC, CK_EQ),
	STRICT(ATTR_REPL_PORT_DST, CK_EQ),
};

static const struct cmp_desc cmp_icmp[] = {
	STRICT(ATTR_ICMP_ID, CK_EQ),
	STRICT(ATTR_ICMP_CODE, CK_EQ),
	STRICT(ATTR_ICMP_TYPE, CK_EQ),
};

#define N(t) (sizeof(t) / sizeof((t)[0]))

static bool cmp_list(const struct nf_conntrack *ct1,
		     const struct nf_conntrack *ct2, unsigned int flags,
		     const struct cmp_desc *list, size_t n);

static bool str_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool mask_equal(const struct nfct_bitmask *a,
		       const struct nfct_bitmask *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return nfct_bitmask_equal(a, b);
}

/* Attributes that depend on the layer 4 protocol, for tuple @t. */
static bool cmp_l4(const struct nf_conntrack *ct1,
		   const struct nf_conntrack *ct2, unsigned int flags,
		   const struct nfct_tuple *t, bool orig)
{
	switch (t->l4proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		if (orig)
			return cmp_list(ct1, ct2, flags, cmp_orig_ports,
					N(cmp_orig_ports));
		return cmp_list(ct1, ct2, flags, cmp_repl_ports,
				N(cmp_repl_ports));
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		/* The ICMP attributes are the original tuple's, but the
		 * original compares them for an ICMP reply tuple too. */
		return cmp_list(ct1, ct2, flags, cmp_icmp, N(cmp_icmp));
	default:
		return true;
	}
}

/* Compare the values of an attribute set in both objects. */
static bool cmp_values(const struct nf_conntrack *ct1,
		       const struct nf_conntrack *ct2, unsigned int flags,
		       const struct cmp_desc *d)
{
	int a = d->attr;

	switch (d->kind) {
	case CK_SUBSET:
		return (ct1->status & ct2->status) == ct1->status;
	case CK_STRING:
		return str_equal(ct1->secctx, ct2->secctx);
	case CK_BITMASK:
		return mask_equal(*(struct nfct_bitmask *const *)attr_cptr(ct1, a),
				  *(struct nfct_bitmask *const *)attr_cptr(ct2, a));
	case CK_L4_ORIG:
		return ct1->orig.l4proto == ct2->orig.l4proto &&
		       cmp_l4(ct1, ct2, flags, &ct1->orig, true);
	case CK_L4_REPL:
		return ct1->repl.l4proto == ct2->repl.l4proto &&
		       cmp_l4(ct1, ct2, flags, &ct1->repl, false);
	default:
		return memcmp(attr_cptr(ct1, a), attr_cptr(ct2, a),
			      attr_table[a].size) == 0;
	}
}

static bool is_zero(const struct nf_conntrack *ct, int attr)
{
	const uint8_t *p = attr_cptr(ct, attr);

	for (size_t i = 0; i < attr_table[attr].size; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * One attribute. Set in neither: equal. Set in both: compare values.
 * Set in one only: equal, except with NFCT_CMP_MASK when @ct1 has it
 * (@ct1 is the mask: what it sets must match) and with NFCT_CMP_STRICT,
 * where it depends on d->lenient.
 */
static bool cmp_attr(const struct nf_conntrack *ct1,
		     const struct nf_conntrack *ct2, unsigned int flags,
		     const struct cmp_desc *d)
{
	bool a = attr_isset(ct1, d->attr);
	bool b = attr_isset(ct2, d->attr);

	if (a && b)
		return cmp_values(ct1, ct2, flags, d);
	if (!a && !b)
		return true;
	if ((a && (flags & NFCT_CMP_MASK)) || (flags & NFCT_CMP_STRICT))
		return d->lenient && is_zero(a ? ct1 : ct2, d->attr);
	return true;
}

static bool cmp_list(const struct nf_conntrack *ct1,
		     const struct nf_conntrack *ct2, unsigned int flags,
		     const struct cmp_desc *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!cmp_attr(ct1, ct2, flags, &list[i]))
			return false;
	return true;
}

/**
 * nfct_cmp - compare two conntrack objects
 * @ct1: first object (the mask, with NFCT_CMP_MASK)
 * @ct2: second object
 * @flags: NFCT_CMP_ALL (original and reply tuples and meta data: id,
 *   mark, timeout, status, protocol state, zone, secctx, labels), or an
 *   OR of NFCT_CMP_ORIG and NFCT_CMP_REPL (those tuples only); plus
 *   NFCT_CMP_MASK (attributes set in @ct1 must be set in @ct2) and
 *   NFCT_CMP_STRICT (attributes set in one must be set in the other)
 *
 * Attributes set in neither object are equal; set in only one, they are
 * equal unless MASK or STRICT says otherwise. The status of @ct1 only
 * needs to be contained in the status of @ct2. Ports are compared when
 * both tuples carry the same port-based protocol, ICMP type, code and id
 * when they carry ICMP or ICMPv6. As in the original, the
 * NFCT_CMP_TIMEOUT_* flags have no effect of their own: any of them only
 * leaves the meta data (timeout included) uncompared, like the tuple
 * flags do.
 *
 * Returns 1 if the objects match, 0 if not (also for a NULL object,
 * with errno EINVAL; the original asserts).
 */
NFCT_EXPORT int nfct_cmp(const struct nf_conntrack *ct1,
			 const struct nf_conntrack *ct2, unsigned int flags)
{
	if (unlikely(ct1 == NULL || ct2 == NULL)) {
		errno = EINVAL;
		return 0;
	}
	if ((flags & ~(NFCT_CMP_MASK | NFCT_CMP_STRICT)) == NFCT_CMP_ALL)
		return cmp_list(ct1, ct2, flags, cmp_meta, N(cmp_meta)) &&
		       cmp_list(ct1, ct2, flags, cmp_orig, N(cmp_orig)) &&
		       cmp_list(ct1, ct2, flags, cmp_repl, N(cmp_repl));
	if ((flags & NFCT_CMP_ORIG) &&
	    !cmp_list(ct1, ct2, flags, cmp_orig, N(cmp_orig)))
		return 0;
	if ((flags & NFCT_CMP_REPL) &&
	    !cmp_list(ct1, ct2, flags, cmp_repl, N(cmp_repl)))
		return 0;
	return 1;
}

/**
 * nfct_compare - compare two conntrack objects completely
 * @ct1: first object
 * @ct2: second object
 *
 * Same as nfct_cmp(@ct1, @ct2, NFCT_CMP_ALL). Returns 1 if they match,
 * 0 if not (also for a NULL object, with errno EINVAL).
 */
NFCT_EXPORT int nfct_compare(const struct nf_conntrack *ct1,
			     const struct nf_conntrack *ct2)
{
	return nfct_cmp(ct1, ct2, NFCT_CMP_ALL);
}
