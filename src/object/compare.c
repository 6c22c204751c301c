/*
 * Comparing objects (nfct_cmp, nfct_compare).
 *
 * What is compared is described by three attribute masks, one per part of
 * the object (original tuple, reply tuple, meta data), plus the per
 * layer 4 protocol attributes compared only when both objects carry the
 * same protocol. Attributes missing from every table (counters, NAT,
 * sequence adjustment, helper, master tuple, timestamps, secmark, ...)
 * are never compared; this is what the original library does.
 */
#include <netinet/in.h>

#include "object.h"

/*
 * The lists as attribute set masks, so that a comparison visits only
 * the attributes set in either object, a bitmap word at a time.
 */
_Static_assert(ATTR_SET_WORDS == 3, "the masks below have three words");

#define W(a, w) ((unsigned)(a) >> 5 == (w) ? 1u << ((a) & 31) : 0u)
#define MASK3(m) { m(0), m(1), m(2) }

#define ORIG(w) (W(ATTR_ORIG_L3PROTO, w) | W(ATTR_ORIG_L4PROTO, w) | \
		 W(ATTR_ORIG_IPV4_SRC, w) | W(ATTR_ORIG_IPV4_DST, w) | \
		 W(ATTR_ORIG_IPV6_SRC, w) | W(ATTR_ORIG_IPV6_DST, w) | \
		 W(ATTR_ORIG_ZONE, w))
#define REPL(w) (W(ATTR_REPL_L3PROTO, w) | W(ATTR_REPL_L4PROTO, w) | \
		 W(ATTR_REPL_IPV4_SRC, w) | W(ATTR_REPL_IPV4_DST, w) | \
		 W(ATTR_REPL_IPV6_SRC, w) | W(ATTR_REPL_IPV6_DST, w) | \
		 W(ATTR_REPL_ZONE, w))
/*
 * The meta data. The protocol states share storage (see object.h), so
 * they compare the same byte whatever the protocol. The timeout is
 * compared for equality: the NFCT_CMP_TIMEOUT_* flags take the
 * comparison out of "compare all" mode, where the meta data is not
 * looked at, so in the original they never reach the timeout.
 */
#define META(w) (W(ATTR_ID, w) | W(ATTR_MARK, w) | W(ATTR_TIMEOUT, w) | \
		 W(ATTR_STATUS, w) | W(ATTR_TCP_STATE, w) | \
		 W(ATTR_SCTP_STATE, w) | W(ATTR_DCCP_STATE, w) | \
		 W(ATTR_ZONE, w) | W(ATTR_SECCTX, w) | \
		 W(ATTR_CONNLABELS, w) | W(ATTR_CONNLABELS_MASK, w))
#define ALL(w) (ORIG(w) | REPL(w) | META(w))
#define ORIG_PORTS(w) (W(ATTR_ORIG_PORT_SRC, w) | W(ATTR_ORIG_PORT_DST, w))
#define REPL_PORTS(w) (W(ATTR_REPL_PORT_SRC, w) | W(ATTR_REPL_PORT_DST, w))
#define ICMP(w) (W(ATTR_ICMP_ID, w) | W(ATTR_ICMP_CODE, w) | \
		 W(ATTR_ICMP_TYPE, w))
#define FAST(w) (ALL(w) | ORIG_PORTS(w) | REPL_PORTS(w) | ICMP(w))
#define PAST_ORIG(w) (FAST(w) & ~(ORIG(w) | ORIG_PORTS(w) | ICMP(w)))
#define SLOW(w) (W(ATTR_SECCTX, w) | W(ATTR_CONNLABELS, w) | \
		 W(ATTR_CONNLABELS_MASK, w) | W(ATTR_ZONE, w))
/*
 * Set in one object only, with MASK or STRICT: for these the unset one
 * counts as 0 (so a 0 still matches); the others do not match.
 */
#define LENIENT(w) (W(ATTR_ORIG_ZONE, w) | W(ATTR_REPL_ZONE, w) | \
		    W(ATTR_MARK, w) | W(ATTR_ZONE, w))

/*
 * The compared attributes by how they are compared: equal values of a
 * width (1, 2, 4 or 16 bytes), or one of the special ones.
 */
#define WIDTH1(w) (W(ATTR_ORIG_L3PROTO, w) | W(ATTR_REPL_L3PROTO, w) | \
		   W(ATTR_ORIG_L4PROTO, w) | W(ATTR_REPL_L4PROTO, w) | \
		   W(ATTR_TCP_STATE, w) | W(ATTR_SCTP_STATE, w) | \
		   W(ATTR_DCCP_STATE, w) | W(ATTR_ICMP_TYPE, w) | \
		   W(ATTR_ICMP_CODE, w))
#define WIDTH2(w) (W(ATTR_ORIG_ZONE, w) | W(ATTR_REPL_ZONE, w) | \
		   W(ATTR_ZONE, w) | W(ATTR_ICMP_ID, w) | ORIG_PORTS(w) | \
		   REPL_PORTS(w))
#define WIDTH4(w) (W(ATTR_ORIG_IPV4_SRC, w) | W(ATTR_ORIG_IPV4_DST, w) | \
		   W(ATTR_REPL_IPV4_SRC, w) | W(ATTR_REPL_IPV4_DST, w) | \
		   W(ATTR_ID, w) | W(ATTR_MARK, w) | W(ATTR_TIMEOUT, w))
#define WIDTH16(w) (W(ATTR_ORIG_IPV6_SRC, w) | W(ATTR_ORIG_IPV6_DST, w) | \
		    W(ATTR_REPL_IPV6_SRC, w) | W(ATTR_REPL_IPV6_DST, w))

static const uint32_t m_orig[] = MASK3(ORIG);
static const uint32_t m_repl[] = MASK3(REPL);
static const uint32_t m_all[] = MASK3(ALL);
static const uint32_t m_orig_ports[] = MASK3(ORIG_PORTS);
static const uint32_t m_repl_ports[] = MASK3(REPL_PORTS);
static const uint32_t m_icmp[] = MASK3(ICMP);
static const uint32_t m_width1[] = MASK3(WIDTH1);
static const uint32_t m_width2[] = MASK3(WIDTH2);
static const uint32_t m_width4[] = MASK3(WIDTH4);
static const uint32_t m_width16[] = MASK3(WIDTH16);
static const uint32_t m_lenient[] = MASK3(LENIENT);

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

/*
 * The attributes that depend on the layer 4 protocol @l4 of a tuple;
 * they are all in the first word of the set bitmap.
 */
_Static_assert(ATTR_ICMP_ID < 32 && ATTR_REPL_PORT_DST < 32,
	       "port and ICMP attributes are in word 0");

static uint32_t l4_bits(uint8_t l4, bool orig)
{
	switch (l4) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		return orig ? m_orig_ports[0] : m_repl_ports[0];
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		/* The ICMP attributes are the original tuple's, but the
		 * original compares them for an ICMP reply tuple too. */
		return m_icmp[0];
	default:
		return 0;
	}
}

/*
 * A tuple's layer 4 protocol @attr, when compared (in @mask) and set in
 * both objects: the protocols must be equal, and then the attributes of
 * that protocol join @mask, to be compared by the same rules.
 */
static inline bool add_l4(const struct nf_conntrack *ct1,
			  const struct nf_conntrack *ct2, uint32_t *mask,
			  int attr, uint8_t l4_1, uint8_t l4_2, bool orig)
{
	uint32_t bit = 1u << (attr & 31);

	if (!(mask[attr >> 5] & ct1->set[attr >> 5] & ct2->set[attr >> 5] & bit))
		return true;
	if (l4_1 != l4_2)
		return false;
	mask[0] |= l4_bits(l4_1, orig);
	return true;
}

/*
 * The attributes in @bits (of bitmap word @w), all @width bytes wide,
 * are equal: with a constant @width each is two loads and a compare.
 */
static inline bool eq_width(const struct nf_conntrack *ct1,
			    const struct nf_conntrack *ct2, uint32_t bits,
			    int w, unsigned int width)
{
	for (; bits; bits &= bits - 1) {
		unsigned int off = attr_table[w * 32 + __builtin_ctz(bits)].offset;

		if (memcmp((const char *)ct1 + off, (const char *)ct2 + off,
			   width) != 0)
			return false;
	}
	return true;
}

/* Compare the values of a special attribute @t, set in both objects. */
static bool cmp_value(const struct nf_conntrack *ct1,
		      const struct nf_conntrack *ct2, int t)
{
	switch (t) {
	case ATTR_STATUS:
		/* ct1's bits all present in ct2 */
		return (ct1->status & ct2->status) == ct1->status;
	case ATTR_SECCTX:
		return str_equal(ct1->secctx, ct2->secctx);
	case ATTR_CONNLABELS:
		return mask_equal(ct1->connlabels, ct2->connlabels);
	case ATTR_CONNLABELS_MASK:
		return mask_equal(ct1->connlabels_mask, ct2->connlabels_mask);
	default:
		return memcmp(attr_cptr(ct1, t), attr_cptr(ct2, t),
			      attr_table[t].size) == 0;
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
 * The attributes of @mask. Set in neither: equal. Set in both: compare
 * values. Set in one only: equal, except with NFCT_CMP_MASK when @ct1
 * has it (@ct1 is the mask: what it sets must match) and with
 * NFCT_CMP_STRICT, where only a lenient attribute holding 0 matches.
 * The result is an AND without side effects, so the order of the
 * visits does not matter.
 */
static bool cmp_set(const struct nf_conntrack *ct1,
		    const struct nf_conntrack *ct2, unsigned int flags,
		    const uint32_t *base)
{
	uint32_t mask[ATTR_SET_WORDS];

	memcpy(mask, base, sizeof(mask));
	if (!add_l4(ct1, ct2, mask, ATTR_ORIG_L4PROTO, ct1->orig.l4proto,
		    ct2->orig.l4proto, true) ||
	    !add_l4(ct1, ct2, mask, ATTR_REPL_L4PROTO, ct1->repl.l4proto,
		    ct2->repl.l4proto, false))
		return false;
	for (int w = 0; w < ATTR_SET_WORDS; w++) {
		uint32_t s1 = ct1->set[w] & mask[w];
		uint32_t s2 = ct2->set[w] & mask[w];
		uint32_t one = s1 ^ s2;

		if ((s1 | s2) == 0)
			continue;

		if (unlikely(one != 0)) {
			if (!(flags & NFCT_CMP_STRICT))
				one = flags & NFCT_CMP_MASK ? one & s1 : 0;
			for (; one; one &= one - 1) {
				uint32_t bit = one & -one;
				int t = w * 32 + __builtin_ctz(one);

				if (!(m_lenient[w] & bit) ||
				    !is_zero(s1 & bit ? ct1 : ct2, t))
					return false;
			}
		}
		uint32_t both = s1 & s2, rest;

		if (both == 0)
			continue;
		if (!eq_width(ct1, ct2, both & m_width1[w], w, 1) ||
		    !eq_width(ct1, ct2, both & m_width2[w], w, 2) ||
		    !eq_width(ct1, ct2, both & m_width4[w], w, 4) ||
		    !eq_width(ct1, ct2, both & m_width16[w], w, 16))
			return false;
		rest = both & ~(m_width1[w] | m_width2[w] | m_width4[w] |
				m_width16[w]);
		for (; rest; rest &= rest - 1)
			if (!cmp_value(ct1, ct2, w * 32 + __builtin_ctz(rest)))
				return false;
	}
	return true;
}

/*
 * The equal objects' shortcut for NFCT_CMP_ALL. Every attribute it
 * may compare (ports and ICMP ones included) set in both objects or in
 * neither, none of them on the heap or outside the range below (the
 * old zone), and the bytes from the original tuple to the id equal:
 * then every value compared is equal (the status too, which only needs
 * to be contained), whatever the flags. False means "not known", not
 * "different". An object with original tuple attributes only may be
 * an expectation's tuple (struct ct_head, no storage past the tuple):
 * it is left to the general path, which reads only what is set.
 */
static const uint32_t m_fast[] = MASK3(FAST);
static const uint32_t m_past_orig[] = MASK3(PAST_ORIG);
static const uint32_t m_slow[] = MASK3(SLOW);

typedef uint8_t v16 __attribute__((vector_size(16), aligned(1)));

#define CT_OFF(f) offsetof(struct nf_conntrack, f)
#define FAST_START CT_OFF(orig)
#define FAST_END (CT_OFF(id) + 4)
#define FAST_CHUNKS ((FAST_END - FAST_START + 15) / 16)
_Static_assert(FAST_START + FAST_CHUNKS * 16 <= sizeof(struct nf_conntrack),
	       "the shortcut reads inside the object");
_Static_assert(CT_OFF(repl) > FAST_START && CT_OFF(status) > FAST_START &&
	       CT_OFF(tcp_state) > FAST_START && CT_OFF(timeout) < FAST_END &&
	       CT_OFF(mark) < FAST_END && CT_OFF(tcp_state) < FAST_END,
	       "the compared fields but the zone lie between orig and id");

static inline bool same_all(const struct nf_conntrack *ct1,
			    const struct nf_conntrack *ct2)
{
	const char *a = (const char *)ct1 + FAST_START;
	const char *b = (const char *)ct2 + FAST_START;
	v16 acc = { 0 };
	uint64_t lo, hi;
	uint32_t past = 0;

	for (int w = 0; w < ATTR_SET_WORDS; w++) {
		if (((ct1->set[w] ^ ct2->set[w]) & m_fast[w]) |
		    (ct1->set[w] & m_slow[w]))
			return false;
		past |= ct1->set[w] & m_past_orig[w];
	}
	if (past == 0)
		return false;
#pragma GCC unroll 16
	for (size_t i = 0; i < FAST_CHUNKS * 16; i += 16) {
		v16 x, y;

		memcpy(&x, a + i, 16);
		memcpy(&y, b + i, 16);
		acc |= x ^ y;
	}
	memcpy(&lo, &acc, 8);
	memcpy(&hi, (char *)&acc + 8, 8);
	return (lo | hi) == 0;
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
		return same_all(ct1, ct2) || cmp_set(ct1, ct2, flags, m_all);
	if ((flags & NFCT_CMP_ORIG) && !cmp_set(ct1, ct2, flags, m_orig))
		return 0;
	if ((flags & NFCT_CMP_REPL) && !cmp_set(ct1, ct2, flags, m_repl))
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
