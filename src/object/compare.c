/*
 * Comparing objects (nfct_cmp, nfct_compare). attr_table[].cmp says
 * which part of a comparison looks at an attribute; attributes that no
 * part compares (counters, NAT, sequence adjustment, helper, master
 * tuple, timestamps, secmark, ...) are never compared, as in the
 * original library.
 */
#include <netinet/in.h>

#include "object.h"

static bool str_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Labels are equal when the same bits are set, whatever the sizes of
 * the masks (the original compares them so; nfct_bitmask_equal(), the
 * public call, also wants equal sizes): the words past the shorter mask
 * must be zero.
 */
static bool mask_equal(const struct nfct_bitmask *a,
		       const struct nfct_bitmask *b)
{
	unsigned int common;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->words > b->words) {
		const struct nfct_bitmask *t = a;

		a = b;
		b = t;
	}
	common = a->words;
	if (memcmp(a->bits, b->bits, common * sizeof(uint32_t)) != 0)
		return false;
	for (unsigned int i = common; i < b->words; i++)
		if (b->bits[i] != 0)
			return false;
	return true;
}

/* Compare the values of attribute @t, set in both objects. */
static bool cmp_value(const struct nf_conntrack *ct1,
		      const struct nf_conntrack *ct2, int t)
{
	const struct attr_desc *d = &attr_table[t];
	uint32_t a, b;

	if (d->flags & AF_SUBSET) {
		/* ct1's bits all present in ct2 */
		memcpy(&a, attr_cptr(ct1, t), sizeof(a));
		memcpy(&b, attr_cptr(ct2, t), sizeof(b));
		return (a & b) == a;
	}
	switch (d->kind) {
	case AK_SECCTX:
		return str_equal(ct1->secctx, ct2->secctx);
	case AK_BITMASK: {
		const struct nfct_bitmask *m1, *m2;

		memcpy(&m1, attr_cptr(ct1, t), sizeof(m1));
		memcpy(&m2, attr_cptr(ct2, t), sizeof(m2));
		return mask_equal(m1, m2);
	}
	default:
		return memcmp(attr_cptr(ct1, t), attr_cptr(ct2, t),
			      d->size) == 0;
	}
}

static bool is_zero(const struct nf_conntrack *ct, int t)
{
	const uint8_t *p = attr_cptr(ct, t);

	for (size_t i = 0; i < attr_table[t].size; i++)
		if (p[i])
			return false;
	return true;
}

/* Which kind of layer 4 attributes a tuple's protocol @l4 brings. */
static int l4_class(uint8_t l4)
{
	switch (l4) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		return AC_PORT;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return AC_ICMP;
	default:
		return AC_NONE;
	}
}

/* What one comparison looks at: parts by enum attr_cmp, and for the
 * port attributes the tuples (enum attr_scope) whose ports count. */
struct cmp_parts {
	bool part[AC_ICMP + 1];
	bool ports[AS_REPL + 1];
};

/*
 * The layer 4 protocol attribute @attr of a compared tuple (scope @sc),
 * set in both objects: the protocols must be equal, and then that
 * protocol's attributes are compared too, by the same rules. The ICMP
 * attributes are the original tuple's, but the original compares them
 * for an ICMP reply tuple as well.
 */
static bool add_l4(const struct nf_conntrack *ct1,
		   const struct nf_conntrack *ct2, struct cmp_parts *p,
		   int attr, int sc)
{
	uint8_t l4_1, l4_2;

	if (!p->part[attr_table[attr].cmp] || !attr_isset(ct1, attr) ||
	    !attr_isset(ct2, attr))
		return true;
	memcpy(&l4_1, attr_cptr(ct1, attr), 1);
	memcpy(&l4_2, attr_cptr(ct2, attr), 1);
	if (l4_1 != l4_2)
		return false;
	switch (l4_class(l4_1)) {
	case AC_PORT:
		p->ports[sc] = true;
		break;
	case AC_ICMP:
		p->part[AC_ICMP] = true;
		break;
	default:
		break;
	}
	return true;
}

static bool compared(const struct cmp_parts *p, int t)
{
	const struct attr_desc *d = &attr_table[t];

	if (d->cmp == AC_PORT)
		return p->ports[d->scope];
	return d->cmp != AC_NONE && p->part[d->cmp];
}

/* One compared attribute @t, set in @ct1 or @ct2 or both. */
static bool cmp_one(const struct nf_conntrack *ct1,
		    const struct nf_conntrack *ct2, unsigned int flags, int t)
{
	bool a = attr_isset(ct1, t), b = attr_isset(ct2, t);

	if (a && b)
		return cmp_value(ct1, ct2, t);
	if (!(flags & NFCT_CMP_STRICT) && !((flags & NFCT_CMP_MASK) && a))
		return true;
	return (attr_table[t].flags & AF_LENIENT) && is_zero(a ? ct1 : ct2, t);
}

/*
 * The attributes of the parts @p. Set in neither: equal. Set in both:
 * compare values. Set in one only: equal, except with NFCT_CMP_MASK when
 * @ct1 has it (@ct1 is the mask: what it sets must match) and with
 * NFCT_CMP_STRICT, where only a lenient attribute (AF_LENIENT) holding 0
 * matches.
 */
static bool cmp_parts(const struct nf_conntrack *ct1,
		      const struct nf_conntrack *ct2, unsigned int flags,
		      struct cmp_parts *p)
{
	if (!add_l4(ct1, ct2, p, ATTR_ORIG_L4PROTO, AS_ORIG) ||
	    !add_l4(ct1, ct2, p, ATTR_REPL_L4PROTO, AS_REPL))
		return false;
	for (int w = 0; w < ATTR_SET_WORDS; w++) {
		for (uint32_t bits = ct1->set[w] | ct2->set[w]; bits;
		     bits &= bits - 1) {
			int t = w * 32 + __builtin_ctz(bits);

			if (t >= ATTR_MAX)
				break;	/* stray bits past the table */
			if (compared(p, t) && !cmp_one(ct1, ct2, flags, t))
				return false;
		}
	}
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
	if ((flags & ~(NFCT_CMP_MASK | NFCT_CMP_STRICT)) == NFCT_CMP_ALL) {
		struct cmp_parts all = {
			.part = { [AC_ORIG] = true, [AC_REPL] = true,
				  [AC_META] = true },
		};

		return cmp_parts(ct1, ct2, flags, &all);
	}
	if (flags & NFCT_CMP_ORIG) {
		struct cmp_parts orig = { .part = { [AC_ORIG] = true } };

		if (!cmp_parts(ct1, ct2, flags, &orig))
			return 0;
	}
	if (flags & NFCT_CMP_REPL) {
		struct cmp_parts repl = { .part = { [AC_REPL] = true } };

		if (!cmp_parts(ct1, ct2, flags, &repl))
			return 0;
	}
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
