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

/* How attribute values are compared: derived from the table (kind,
 * size, AF_SUBSET) by cmp_sets_init(), so that a comparison is one
 * switch with the fixed sizes inline (a memcmp() call costs more than
 * the rest of the comparison of an attribute). */
enum cmp_op {
	CO_BYTES,	/* memcmp() of the size */
	CO_1, CO_2, CO_4, CO_8, CO_16,
	CO_SUBSET,	/* ct1's bits all present in ct2 (status) */
	CO_SECCTX,
	CO_BITMASK,
};

static uint8_t cmp_op[ATTR_MAX];

static enum cmp_op op_of(const struct attr_desc *d)
{
	if (d->flags & AF_SUBSET)
		return CO_SUBSET;
	switch (d->kind) {
	case AK_SECCTX:
		return CO_SECCTX;
	case AK_BITMASK:
		return CO_BITMASK;
	}
	switch (d->size) {
	case 1: return CO_1;
	case 2: return CO_2;
	case 4: return CO_4;
	case 8: return CO_8;
	case 16: return CO_16;
	default: return CO_BYTES;
	}
}

/* Compare the values of attribute @t, set in both objects. */
static bool cmp_value(const struct nf_conntrack *ct1,
		      const struct nf_conntrack *ct2, int t)
{
	const void *p1 = attr_cptr(ct1, t), *p2 = attr_cptr(ct2, t);
	const struct nfct_bitmask *m1, *m2;
	uint64_t d1[2], d2[2];
	uint32_t w1, w2;
	uint16_t h1, h2;

	switch (cmp_op[t]) {
	case CO_1:
		return *(const uint8_t *)p1 == *(const uint8_t *)p2;
	case CO_2:
		memcpy(&h1, p1, 2);
		memcpy(&h2, p2, 2);
		return h1 == h2;
	case CO_4:
		memcpy(&w1, p1, 4);
		memcpy(&w2, p2, 4);
		return w1 == w2;
	case CO_8:
		memcpy(d1, p1, 8);
		memcpy(d2, p2, 8);
		return d1[0] == d2[0];
	case CO_16:
		memcpy(d1, p1, 16);
		memcpy(d2, p2, 16);
		return d1[0] == d2[0] && d1[1] == d2[1];
	case CO_SUBSET:
		memcpy(&w1, p1, 4);
		memcpy(&w2, p2, 4);
		return (w1 & w2) == w1;
	case CO_SECCTX:
		return str_equal(ct1->secctx, ct2->secctx);
	case CO_BITMASK:
		memcpy(&m1, p1, sizeof(m1));
		memcpy(&m2, p2, sizeof(m2));
		return mask_equal(m1, m2);
	default:
		return memcmp(p1, p2, attr_table[t].size) == 0;
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

/*
 * The attributes each part compares, as attribute-set words, and how
 * each is compared: derived from attr_table[] once, when the library is
 * loaded, so a comparison walks only the attributes it compares.
 */
static uint32_t part_attrs[AC_ICMP + 1][ATTR_SET_WORDS];
static uint32_t port_attrs[AS_REPL + 1][ATTR_SET_WORDS];

static void combos_init(void);

__attribute__((constructor)) static void cmp_sets_init(void)
{
	for (int t = 0; t < ATTR_MAX; t++) {
		const struct attr_desc *d = &attr_table[t];
		uint32_t *w = d->cmp == AC_PORT ? port_attrs[d->scope]
						: part_attrs[d->cmp];

		if (d->cmp != AC_NONE)
			w[t >> 5] |= 1u << (t & 31);
		cmp_op[t] = op_of(d);
	}
	combos_init();
}

/*
 * The set of attributes each combination of parts compares, indexed by
 * the bits of combo(): computed from the two tables above, once.
 */
#define COMBOS 64
static uint32_t combo_attrs[COMBOS][ATTR_SET_WORDS];

static unsigned int combo(const struct cmp_parts *p)
{
	return p->part[AC_ORIG] | p->part[AC_REPL] << 1 |
	       p->part[AC_META] << 2 | p->part[AC_ICMP] << 3 |
	       p->ports[AS_ORIG] << 4 | p->ports[AS_REPL] << 5;
}

static void combos_init(void)
{
	for (unsigned int i = 0; i < COMBOS; i++) {
		struct cmp_parts p = {
			.part = { [AC_ORIG] = i & 1, [AC_REPL] = i >> 1 & 1,
				  [AC_META] = i >> 2 & 1,
				  [AC_ICMP] = i >> 3 & 1 },
			.ports = { [AS_ORIG] = i >> 4 & 1,
				   [AS_REPL] = i >> 5 & 1 },
		};

		for (int w = 0; w < ATTR_SET_WORDS; w++) {
			for (int c = AC_NONE + 1; c <= AC_ICMP; c++)
				if (c != AC_PORT && p.part[c])
					combo_attrs[i][w] |= part_attrs[c][w];
			for (int sc = AS_ORIG; sc <= AS_REPL; sc++)
				if (p.ports[sc])
					combo_attrs[i][w] |= port_attrs[sc][w];
		}
	}
}

/* A compared attribute @t set in one object only: equal unless @flags
 * say otherwise (see cmp_parts()). */
static bool cmp_one_side(const struct nf_conntrack *ct1,
			 const struct nf_conntrack *ct2, unsigned int flags,
			 int t)
{
	bool in1 = attr_isset(ct1, t);

	if (!(flags & NFCT_CMP_STRICT) && !((flags & NFCT_CMP_MASK) && in1))
		return true;
	return (attr_table[t].flags & AF_LENIENT) && is_zero(in1 ? ct1 : ct2, t);
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
	const uint32_t *compared = combo_attrs[combo(p)];

	for (int w = 0; w < ATTR_SET_WORDS; w++) {
		uint32_t want = compared[w];
		uint32_t both = ct1->set[w] & ct2->set[w] & want;
		uint32_t one = (ct1->set[w] ^ ct2->set[w]) & want;

		for (; both; both &= both - 1)
			if (!cmp_value(ct1, ct2, w * 32 + __builtin_ctz(both)))
				return false;
		if (!(flags & (NFCT_CMP_STRICT | NFCT_CMP_MASK)))
			continue;
		for (; one; one &= one - 1)
			if (!cmp_one_side(ct1, ct2, flags,
					  w * 32 + __builtin_ctz(one)))
				return false;
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
