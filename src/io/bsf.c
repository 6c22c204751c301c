/*
 * Event socket filters: the nfct_filter_* rules are compiled to a classic
 * BPF program and attached to the netlink socket with SO_ATTACH_FILTER,
 * so the kernel drops unwanted events before they are queued.
 *
 * The program walks the ctnetlink message with the netlink extensions:
 * SKF_AD_NLATTR (A = offset where to start looking, X = type; result A =
 * offset of the attribute or 0) and SKF_AD_NLATTR_NEST (A = offset of a
 * nest header). It is laid out as the reference library lays it out, so
 * both make the same decisions on every message:
 *
 *   prologue      not a ctnetlink message: accept
 *   one block per kind with entries, in enum order (ZONE last): the block
 *   either drops the message (ret 0) or falls through to the next block
 *   ret 0xffffffff
 *
 * Within a block, a message without the attribute passes the block
 * (except MARK and ZONE, where a missing attribute means 0: the kernel
 * leaves CTA_ZONE out for zone 0; zones of one direction only, sent as
 * CTA_TUPLE_ZONE, are not looked at). With
 * positive logic it passes when it matches one entry, with negative logic
 * when it matches none.
 *
 * Known reference quirks kept on purpose (same decisions): the lookups
 * inside nests use SKF_AD_NLATTR from the nest's payload, which scans on
 * past the nest; so a DST_IPV4 rule lands on CTA_TUPLE_PROTO in IPv6
 * events and drops them. Reference bugs not kept: several IPv6 entries
 * (it only tried the first one), state rules for several protocols (it
 * overwrote one protocol's code with another's), lists so long that its
 * 8-bit jump offsets wrapped, and lists cut short without an error (it
 * keeps 255 protocols, 127 IPv4 addresses per direction, 20 IPv6
 * addresses per direction and 127 marks, and ignores the rest).
 *
 * Lists are bounded only by the size of the program (BPF_MAXINSNS): the
 * conditional jumps' 8-bit offsets are stretched with BPF_JA trampolines,
 * see island().
 */
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/filter.h>
#include <linux/netfilter/nfnetlink.h>

#include "io.h"

#define MAX_STATE	16	/* states 0..15 of each protocol */

/*
 * Every list entry costs at least one instruction, so a list this long
 * can never be compiled: adding to it records ENOSPC at once instead of
 * growing the list further.
 */
#define MAX_ENTRIES	BPF_MAXINSNS

/* The protocols that have a state: TCP, DCCP and SCTP. */
static const struct {
	uint8_t proto;
	uint8_t attr;		/* CTA_PROTOINFO_* nest */
} state_protos[] = {
	{ IPPROTO_TCP, CTA_PROTOINFO_TCP },
	{ IPPROTO_DCCP, CTA_PROTOINFO_DCCP },
	{ IPPROTO_SCTP, CTA_PROTOINFO_SCTP },
};
#define N_STATE_PROTOS 3

struct nfct_filter {
	uint32_t logic_set;		/* bit per kind: logic given */
	uint32_t negative;		/* bit per kind: negative logic */
	int error;			/* first error recorded, 0 if none */
	uint32_t l4proto[256 / 32];	/* bitmap of protocols */
	uint16_t states[N_STATE_PROTOS];	/* bitmap of states */
	/* the lists: n entries used, cap allocated (see grow()) */
	unsigned int n_ipv4[2], n_ipv6[2], n_mark, n_zone;
	unsigned int cap_ipv4[2], cap_ipv6[2], cap_mark, cap_zone;
	struct nfct_filter_ipv4 *ipv4[2];
	struct nfct_filter_ipv6 *ipv6[2];
	struct nfct_filter_dump_mark *mark;
	uint16_t *zone;
};

/**
 * nfct_filter_create - allocate an empty event filter
 *
 * Returns the filter, or NULL with errno set (ENOMEM).
 * Release it with nfct_filter_destroy().
 */
NFCT_EXPORT struct nfct_filter *nfct_filter_create(void)
{
	return calloc(1, sizeof(struct nfct_filter));
}

/**
 * nfct_filter_destroy - release an event filter
 * @filter: filter from nfct_filter_create(); NULL is ignored
 *
 * An attached program stays attached: the kernel holds its own copy.
 */
NFCT_EXPORT void nfct_filter_destroy(struct nfct_filter *filter)
{
	if (filter == NULL)
		return;
	for (int dir = 0; dir < 2; dir++) {
		free(filter->ipv4[dir]);
		free(filter->ipv6[dir]);
	}
	free(filter->mark);
	free(filter->zone);
	free(filter);
}

/* Keep the first error: it is the one attach reports. */
static void filter_fail(struct nfct_filter *f, int err)
{
	if (f->error == 0)
		f->error = err;
}

/*
 * Room for one more entry in the list @arr (@n entries of @size bytes
 * used, *@cap allocated). Returns the list, moved if it had to grow, or
 * NULL after recording ENOSPC (MAX_ENTRIES reached) or ENOMEM in @f; the
 * list is then unchanged.
 */
static void *grow(struct nfct_filter *f, void *arr, unsigned int n,
		  unsigned int *cap, size_t size)
{
	unsigned int want;
	void *bigger;

	if (n < *cap)
		return arr;
	if (n >= MAX_ENTRIES) {
		filter_fail(f, ENOSPC);
		return NULL;
	}
	want = *cap ? 2 * *cap : 16;
	if (want > MAX_ENTRIES)
		want = MAX_ENTRIES;
	bigger = realloc(arr, (size_t)want * size);
	if (bigger == NULL) {
		filter_fail(f, ENOMEM);
		return NULL;
	}
	*cap = want;
	return bigger;
}

static void add_state(struct nfct_filter *f, const struct nfct_filter_proto *p)
{
	for (int i = 0; i < N_STATE_PROTOS; i++) {
		if (state_protos[i].proto != p->proto)
			continue;
		if (p->state >= MAX_STATE)
			filter_fail(f, EINVAL);
		else
			f->states[i] |= 1u << p->state;
		return;
	}
	filter_fail(f, EINVAL);	/* no state to match on */
}

static void add_ipv4(struct nfct_filter *f, int dir,
		     const struct nfct_filter_ipv4 *a)
{
	struct nfct_filter_ipv4 *v = grow(f, f->ipv4[dir], f->n_ipv4[dir],
					  &f->cap_ipv4[dir], sizeof(*v));

	if (v == NULL)
		return;
	f->ipv4[dir] = v;
	v[f->n_ipv4[dir]++] = *a;
}

static void add_ipv6(struct nfct_filter *f, int dir,
		     const struct nfct_filter_ipv6 *a)
{
	struct nfct_filter_ipv6 *v = grow(f, f->ipv6[dir], f->n_ipv6[dir],
					  &f->cap_ipv6[dir], sizeof(*v));

	if (v == NULL)
		return;
	f->ipv6[dir] = v;
	v[f->n_ipv6[dir]++] = *a;
}

static void add_mark(struct nfct_filter *f, const struct nfct_filter_dump_mark *m)
{
	struct nfct_filter_dump_mark *v = grow(f, f->mark, f->n_mark,
					       &f->cap_mark, sizeof(*v));

	if (v == NULL)
		return;
	f->mark = v;
	v[f->n_mark++] = *m;
}

/*
 * CTA_PROTO_NUM is one byte: a larger number can never match, so it is
 * ignored (as the reference does), which lets a program add every
 * number below its C library's IPPROTO_MAX.
 */
static void add_l4proto(struct nfct_filter *f, uint32_t proto)
{
	if (proto > 255)
		return;
	f->l4proto[proto / 32] |= 1u << (proto % 32);
}

static void add_zone(struct nfct_filter *f, uint16_t zone)
{
	uint16_t *v = grow(f, f->zone, f->n_zone, &f->cap_zone, sizeof(*v));

	if (v == NULL)
		return;
	f->zone = v;
	v[f->n_zone++] = zone;
}

/**
 * nfct_filter_add_attr - add a rule to an event filter
 * @filter: the filter
 * @attr: kind of rule (NFCT_FILTER_*)
 * @value: the rule, of the type @attr documents: uint32_t protocol,
 *   struct nfct_filter_proto, struct nfct_filter_ipv4 or _ipv6 (address
 *   and mask in host byte order; any bitwise mask), struct
 *   nfct_filter_dump_mark, uint16_t zone
 *
 * Protocol numbers above 255 are ignored: the protocol field of an event
 * is one byte, so they never match (the reference ignores them too).
 * Lists have no fixed length; the program they make must fit in
 * BPF_MAXINSNS (4096) instructions, see nfct_filter_attach().
 *
 * Errors are recorded in the filter and reported by nfct_filter_attach():
 * EINVAL for an unknown kind, a NULL value, a state above 15 or for a
 * protocol without states; ENOSPC for a list of 4096 entries (it can
 * never fit), ENOMEM. A NULL filter is ignored (errno EINVAL).
 */
NFCT_EXPORT void nfct_filter_add_attr(struct nfct_filter *filter,
				      const enum nfct_filter_attr attr,
				      const void *value)
{
	if (filter == NULL) {
		errno = EINVAL;
		return;
	}
	if (value == NULL) {
		filter_fail(filter, EINVAL);
		return;
	}
	switch (attr) {
	case NFCT_FILTER_L4PROTO:
		add_l4proto(filter, *(const uint32_t *)value);
		break;
	case NFCT_FILTER_L4PROTO_STATE:
		add_state(filter, value);
		break;
	case NFCT_FILTER_SRC_IPV4:
	case NFCT_FILTER_DST_IPV4:
		add_ipv4(filter, attr == NFCT_FILTER_DST_IPV4, value);
		break;
	case NFCT_FILTER_SRC_IPV6:
	case NFCT_FILTER_DST_IPV6:
		add_ipv6(filter, attr == NFCT_FILTER_DST_IPV6, value);
		break;
	case NFCT_FILTER_MARK:
		add_mark(filter, value);
		break;
	case NFCT_FILTER_ZONE:
		add_zone(filter, *(const uint16_t *)value);
		break;
	default:
		filter_fail(filter, EINVAL);
		break;
	}
}

/**
 * nfct_filter_add_attr_u32 - add a rule given as a 32-bit number
 * @filter: the filter
 * @attr: NFCT_FILTER_L4PROTO or NFCT_FILTER_ZONE
 * @value: the protocol number or the zone
 *
 * Other kinds are not numbers: they record EINVAL, as does a zone above
 * 65535. A protocol above 255 is ignored. See nfct_filter_add_attr().
 */
NFCT_EXPORT void nfct_filter_add_attr_u32(struct nfct_filter *filter,
					  const enum nfct_filter_attr attr,
					  const uint32_t value)
{
	if (filter == NULL) {
		errno = EINVAL;
		return;
	}
	if (attr == NFCT_FILTER_L4PROTO)
		add_l4proto(filter, value);
	else if (attr == NFCT_FILTER_ZONE && value <= 0xffff)
		add_zone(filter, value);
	else
		filter_fail(filter, EINVAL);
}

/**
 * nfct_filter_set_logic - choose positive or negative logic for a kind
 * @filter: the filter
 * @attr: kind of rule (NFCT_FILTER_*)
 * @logic: NFCT_FILTER_LOGIC_POSITIVE (default: pass what matches) or
 *   NFCT_FILTER_LOGIC_NEGATIVE (pass what matches none)
 *
 * Returns 0, or -1 with errno: EBUSY if the logic of @attr was already
 * set (the first choice stays), EOPNOTSUPP for an unknown kind, EINVAL
 * for an unknown logic or a NULL filter. The last two are also recorded
 * in the filter, so that nfct_filter_attach() fails.
 */
NFCT_EXPORT int nfct_filter_set_logic(struct nfct_filter *filter,
				      const enum nfct_filter_attr attr,
				      const enum nfct_filter_logic logic)
{
	if (filter == NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((unsigned int)attr >= NFCT_FILTER_MAX) {
		filter_fail(filter, EINVAL);
		errno = EOPNOTSUPP;
		return -1;
	}
	if (filter->logic_set & (1u << attr)) {
		errno = EBUSY;
		return -1;
	}
	if ((unsigned int)logic >= NFCT_FILTER_LOGIC_MAX) {
		filter_fail(filter, EINVAL);
		errno = EINVAL;
		return -1;
	}
	filter->logic_set |= 1u << attr;
	if (logic == NFCT_FILTER_LOGIC_NEGATIVE)
		filter->negative |= 1u << attr;
	return 0;
}

/* ---- the compiler --------------------------------------------------- */

/*
 * Forward jumps not resolved yet: instruction index and which offset.
 * island() folds a list's conditional jumps into one BPF_JA, so a list
 * holds at most about 255 of them plus one BPF_JA per island.
 */
#define MAX_PENDING 512

/* Which offset of a pending jump: jt, jf, or the k of a BPF_JA. */
enum { JUMP_TRUE, JUMP_FALSE, JUMP_ALWAYS };

struct jumps {
	unsigned int n;
	unsigned int at[MAX_PENDING];
	uint8_t branch[MAX_PENDING];	/* JUMP_* */
};

struct prog {
	struct sock_filter *ins;
	unsigned int len, max;
	int err;
	int big_endian;
};

static unsigned int emit(struct prog *p, uint16_t code, uint8_t jt, uint8_t jf,
			 uint32_t k)
{
	if (p->len >= p->max) {
		p->err = ENOSPC;
		return p->len;
	}
	p->ins[p->len] = (struct sock_filter){ code, jt, jf, k };
	return p->len++;
}

/*
 * Point the jump at instruction @at to the next instruction emitted.
 * jt and jf are 8-bit: island() keeps conditional jumps close enough,
 * and a jump that is not is a compiler bug caught here (ENOSPC rather
 * than a wrapped offset). BPF_JA's k is 32-bit and reaches anywhere.
 */
static void land(struct prog *p, unsigned int at, int branch)
{
	unsigned int off = p->len - at - 1;

	if (at >= p->len || p->err)
		return;
	if (branch == JUMP_ALWAYS) {
		p->ins[at].k = off;
		return;
	}
	if (off > 255) {
		p->err = ENOSPC;
		return;
	}
	if (branch == JUMP_FALSE)
		p->ins[at].jf = off;
	else
		p->ins[at].jt = off;
}

static void defer(struct prog *p, struct jumps *j, unsigned int at, int branch)
{
	if (j->n >= MAX_PENDING) {
		p->err = ENOSPC;
		return;
	}
	j->at[j->n] = at;
	j->branch[j->n++] = branch;
}

static void land_all(struct prog *p, struct jumps *j)
{
	for (unsigned int i = 0; i < j->n; i++)
		land(p, j->at[i], j->branch[i]);
	j->n = 0;
}

/* Index of the oldest pending conditional jump of @j, or UINT_MAX. */
static unsigned int oldest_conditional(const struct jumps *j)
{
	unsigned int oldest = UINT_MAX;

	for (unsigned int i = 0; i < j->n; i++)
		if (j->branch[i] != JUMP_ALWAYS && j->at[i] < oldest)
			oldest = j->at[i];
	return oldest;
}

/*
 * A trampoline for @j here: its conditional jumps land on a BPF_JA that
 * is itself pending in @j, in their place.
 */
static void trampoline(struct prog *p, struct jumps *j)
{
	unsigned int kept = 0;

	for (unsigned int i = 0; i < j->n; i++) {
		if (j->branch[i] != JUMP_ALWAYS) {
			land(p, j->at[i], j->branch[i]);
			continue;
		}
		j->at[kept] = j->at[i];
		j->branch[kept++] = JUMP_ALWAYS;
	}
	j->n = kept;
	defer(p, j, emit(p, BPF_JMP | BPF_JA, 0, 0, 0), JUMP_ALWAYS);
}

/*
 * How far back the oldest pending conditional jump may be before
 * island() must act. From one call to the next a list emits one entry
 * (12 instructions at most: an IPv6 address); after the last one the
 * block ends with 2 more before its jumps land; an island is 3. Every
 * conditional jump so stays within its 8-bit reach.
 */
#define ISLAND_AFTER (255 - 12 - 2 - 3)

/*
 * Called between the entries of a list, with the list's pending jumps
 * to the match code (@match) and to the next block (@next). Classic BPF
 * conditional jumps reach 255 instructions ahead, BPF_JA any distance.
 * When the oldest pending conditional jump is ISLAND_AFTER back, this
 * emits
 *
 *	ja +n		the entries' own path steps over the trampolines
 *	ja ...		one trampoline per list that has conditional jumps
 *
 * so a list is bounded only by the program size (BPF_MAXINSNS). Lists
 * short enough never get an island: their programs are laid out as
 * the reference lays them out.
 */
static void island(struct prog *p, struct jumps *match, struct jumps *next)
{
	unsigned int om = oldest_conditional(match);
	unsigned int on = oldest_conditional(next);
	unsigned int oldest = om < on ? om : on;
	unsigned int n = (om != UINT_MAX) + (on != UINT_MAX);

	if (oldest == UINT_MAX || p->len - oldest < ISLAND_AFTER)
		return;
	emit(p, BPF_JMP | BPF_JA, 0, 0, n);
	if (om != UINT_MAX)
		trampoline(p, match);
	if (on != UINT_MAX)
		trampoline(p, next);
}

/* if (A == k) goto later (resolved through @j) */
static void jeq_to(struct prog *p, struct jumps *j, uint32_t k)
{
	defer(p, j, emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, k), JUMP_TRUE);
}

/* A = offset of attribute @type, looking from offset A on. */
static void find_attr(struct prog *p, uint32_t type, int nest)
{
	emit(p, BPF_LDX | BPF_W | BPF_IMM, 0, 0, type);
	emit(p, BPF_LD | BPF_B | BPF_ABS, 0, 0,
	     SKF_AD_OFF + (nest ? SKF_AD_NLATTR_NEST : SKF_AD_NLATTR));
}

/*
 * Find a chain of nested attributes from the top level, each looked for
 * from its parent's payload; when one is missing jump through @missing.
 * Leaves X = offset of the last one.
 */
static void find_path(struct prog *p, const uint8_t *types, int n,
		      struct jumps *missing)
{
	emit(p, BPF_LD | BPF_W | BPF_IMM, 0, 0,
	     sizeof(struct nlmsghdr) + sizeof(struct nfgenmsg));
	for (int i = 0; i < n; i++) {
		if (i > 0)
			emit(p, BPF_ALU | BPF_ADD | BPF_K, 0, 0, sizeof(struct nlattr));
		find_attr(p, types[i], 0);
		jeq_to(p, missing, 0);
	}
	emit(p, BPF_MISC | BPF_TAX, 0, 0, 0);
}

/*
 * End of a block: what did not jump through @match has matched no entry.
 * Positive logic drops it, negative passes it on; matches do the reverse.
 * @next collects the jumps to the next block and is resolved here.
 */
static void block_end(struct prog *p, struct jumps *match, struct jumps *next,
		      int negative)
{
	if (negative) {
		emit(p, BPF_JMP | BPF_JA, 0, 0, 1);	/* over the drop */
		land_all(p, match);
		emit(p, BPF_RET | BPF_K, 0, 0, 0);
	} else {
		emit(p, BPF_RET | BPF_K, 0, 0, 0);
		land_all(p, match);
	}
	land_all(p, next);
}

static void compile_l4proto(struct prog *p, const struct nfct_filter *f,
			    int negative)
{
	static const uint8_t path[] = { CTA_TUPLE_ORIG, CTA_TUPLE_PROTO, CTA_PROTO_NUM };
	struct jumps next = { 0 }, match = { 0 };

	find_path(p, path, 3, &next);
	emit(p, BPF_LD | BPF_B | BPF_IND, 0, 0, sizeof(struct nlattr));
	for (unsigned int proto = 0; proto < 256; proto++) {
		if (!(f->l4proto[proto / 32] & (1u << (proto % 32))))
			continue;
		island(p, &match, &next);
		jeq_to(p, &match, proto);
	}
	block_end(p, &match, &next, negative);
}

static void compile_ipv4(struct prog *p, const struct nfct_filter *f, int dir,
			 int negative)
{
	const uint8_t path[] = { CTA_TUPLE_ORIG, CTA_TUPLE_IP,
				 dir ? CTA_IP_V4_DST : CTA_IP_V4_SRC };
	struct jumps next = { 0 }, match = { 0 };

	find_path(p, path, 3, &next);
	for (unsigned int i = 0; i < f->n_ipv4[dir]; i++) {
		const struct nfct_filter_ipv4 *a = &f->ipv4[dir][i];

		island(p, &match, &next);
		emit(p, BPF_LD | BPF_W | BPF_IND, 0, 0, sizeof(struct nlattr));
		emit(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, a->mask);
		jeq_to(p, &match, a->addr & a->mask);
	}
	block_end(p, &match, &next, negative);
}

/* IPv6 addresses are looked up properly nested, as the reference does. */
static void compile_ipv6(struct prog *p, const struct nfct_filter *f, int dir,
			 int negative)
{
	struct jumps next = { 0 }, match = { 0 }, miss = { 0 };

	emit(p, BPF_LD | BPF_W | BPF_IMM, 0, 0,
	     sizeof(struct nlmsghdr) + sizeof(struct nfgenmsg));
	find_attr(p, CTA_TUPLE_ORIG, 0);
	jeq_to(p, &next, 0);
	find_attr(p, CTA_TUPLE_IP, 1);
	jeq_to(p, &next, 0);
	find_attr(p, dir ? CTA_IP_V6_DST : CTA_IP_V6_SRC, 1);
	jeq_to(p, &next, 0);
	emit(p, BPF_MISC | BPF_TAX, 0, 0, 0);
	for (unsigned int i = 0; i < f->n_ipv6[dir]; i++) {
		const struct nfct_filter_ipv6 *a = &f->ipv6[dir][i];

		/* a word that differs goes on to the next entry */
		land_all(p, &miss);
		island(p, &match, &next);
		for (int w = 0; w < 4; w++) {
			unsigned int at;

			emit(p, BPF_LD | BPF_W | BPF_IND, 0, 0,
			     sizeof(struct nlattr) + 4 * w);
			emit(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, a->mask[w]);
			at = emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0,
				  a->addr[w] & a->mask[w]);
			if (w < 3)
				defer(p, &miss, at, JUMP_FALSE);
			else
				defer(p, &match, at, JUMP_TRUE);
		}
	}
	land_all(p, &miss);
	block_end(p, &match, &next, negative);
}

/* One protocol's states; @sub collects "not this protocol" jumps. */
static void compile_proto_states(struct prog *p, int i, uint16_t states,
				 int bounded, struct jumps *next,
				 struct jumps *match, struct jumps *sub)
{
	emit(p, BPF_LD | BPF_W | BPF_IMM, 0, 0,
	     sizeof(struct nlmsghdr) + sizeof(struct nfgenmsg));
	find_attr(p, CTA_PROTOINFO, 0);
	jeq_to(p, next, 0);
	/* With several protocols, look for this one inside the nest only,
	 * so that another protocol's message cannot match further on. */
	if (!bounded)
		emit(p, BPF_ALU | BPF_ADD | BPF_K, 0, 0, sizeof(struct nlattr));
	find_attr(p, state_protos[i].attr, bounded);
	jeq_to(p, sub, 0);
	emit(p, BPF_ALU | BPF_ADD | BPF_K, 0, 0, sizeof(struct nlattr));
	find_attr(p, 1, 0);	/* CTA_PROTOINFO_{TCP,DCCP,SCTP}_STATE */
	jeq_to(p, sub, 0);
	emit(p, BPF_MISC | BPF_TAX, 0, 0, 0);
	emit(p, BPF_LD | BPF_B | BPF_IND, 0, 0, sizeof(struct nlattr));
	for (unsigned int s = 0; s < MAX_STATE; s++)
		if (states & (1u << s))
			jeq_to(p, match, s);
}

/*
 * At most 3 protocols of 16 states: the block is about 100 instructions,
 * so every jump in it reaches without an island.
 */
static void compile_states(struct prog *p, const struct nfct_filter *f,
			   int negative)
{
	struct jumps next = { 0 }, match = { 0 }, sub = { 0 };
	int nprotos = 0, done = 0;

	for (int i = 0; i < N_STATE_PROTOS; i++)
		nprotos += f->states[i] != 0;
	for (int i = 0; i < N_STATE_PROTOS; i++) {
		if (f->states[i] == 0)
			continue;
		land_all(p, &sub);
		compile_proto_states(p, i, f->states[i], nprotos > 1, &next,
				     &match, &sub);
		if (++done == nprotos)
			break;
		/* the protocol is this one and no state matched */
		if (negative)
			defer(p, &next, emit(p, BPF_JMP | BPF_JA, 0, 0, 0),
			      JUMP_ALWAYS);
		else
			emit(p, BPF_RET | BPF_K, 0, 0, 0);
	}
	/* not the last protocol either: the message passes the block */
	for (unsigned int i = 0; i < sub.n; i++)
		defer(p, &next, sub.at[i], sub.branch[i]);
	block_end(p, &match, &next, negative);
}

static void compile_mark(struct prog *p, const struct nfct_filter *f,
			 int negative)
{
	struct jumps next = { 0 }, match = { 0 }, miss = { 0 };

	emit(p, BPF_LD | BPF_W | BPF_IMM, 0, 0,
	     sizeof(struct nlmsghdr) + sizeof(struct nfgenmsg));
	find_attr(p, CTA_MARK, 0);
	jeq_to(p, &miss, 0);		/* no mark: A = 0 is the mark */
	emit(p, BPF_MISC | BPF_TAX, 0, 0, 0);
	emit(p, BPF_LD | BPF_W | BPF_IND, 0, 0, sizeof(struct nlattr));
	land_all(p, &miss);
	emit(p, BPF_MISC | BPF_TAX, 0, 0, 0);	/* X = mark */
	for (unsigned int i = 0; i < f->n_mark; i++) {
		island(p, &match, &next);
		emit(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, f->mark[i].mask);
		jeq_to(p, &match, f->mark[i].val & f->mark[i].mask);
		emit(p, BPF_MISC | BPF_TXA, 0, 0, 0);
	}
	block_end(p, &match, &next, negative);
}

/* Not in the reference 1.0.9: CTA_ZONE, absent for zone 0. */
static void compile_zone(struct prog *p, const struct nfct_filter *f,
			 int negative)
{
	struct jumps next = { 0 }, match = { 0 }, miss = { 0 };

	emit(p, BPF_LD | BPF_W | BPF_IMM, 0, 0,
	     sizeof(struct nlmsghdr) + sizeof(struct nfgenmsg));
	find_attr(p, CTA_ZONE, 0);
	jeq_to(p, &miss, 0);		/* no zone attribute: zone 0 */
	emit(p, BPF_MISC | BPF_TAX, 0, 0, 0);
	emit(p, BPF_LD | BPF_H | BPF_IND, 0, 0, sizeof(struct nlattr));
	land_all(p, &miss);
	for (unsigned int i = 0; i < f->n_zone; i++) {
		island(p, &match, &next);
		jeq_to(p, &match, f->zone[i]);
	}
	block_end(p, &match, &next, negative);
}

static int has_states(const struct nfct_filter *f)
{
	for (int i = 0; i < N_STATE_PROTOS; i++)
		if (f->states[i])
			return 1;
	return 0;
}

static int has_l4proto(const struct nfct_filter *f)
{
	for (int i = 0; i < 256 / 32; i++)
		if (f->l4proto[i])
			return 1;
	return 0;
}

/*
 * bsf_compile - compile @f for a host of the given byte order into @ins
 * (room for @max instructions). Returns the number of instructions, or
 * -1 with errno (the filter's recorded error, or ENOSPC). Internal, also
 * used by the unit tests to check both byte orders.
 */
int bsf_compile(const struct nfct_filter *f, int big_endian,
		struct sock_filter *ins, unsigned int max);

int bsf_compile(const struct nfct_filter *f, int big_endian,
		struct sock_filter *ins, unsigned int max)
{
	struct prog p = { ins, 0, max, 0, big_endian };

#define NEG(kind) (!!(f->negative & (1u << (kind))))
	if (f->error) {
		errno = f->error;
		return -1;
	}
	/* X = 4: nlmsg_type; its high byte is the nfnetlink subsystem */
	emit(&p, BPF_LDX | BPF_W | BPF_IMM, 0, 0, offsetof(struct nlmsghdr, nlmsg_type));
	emit(&p, BPF_LD | BPF_B | BPF_IND, 0, 0, big_endian ? 0 : 1);
	emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, NFNL_SUBSYS_CTNETLINK);
	emit(&p, BPF_RET | BPF_K, 0, 0, 0xffffffff);

	if (has_l4proto(f))
		compile_l4proto(&p, f, NEG(NFCT_FILTER_L4PROTO));
	for (int dir = 0; dir < 2; dir++)
		if (f->n_ipv4[dir])
			compile_ipv4(&p, f, dir, NEG(NFCT_FILTER_SRC_IPV4 + dir));
	for (int dir = 0; dir < 2; dir++)
		if (f->n_ipv6[dir])
			compile_ipv6(&p, f, dir, NEG(NFCT_FILTER_SRC_IPV6 + dir));
	if (has_states(f))
		compile_states(&p, f, NEG(NFCT_FILTER_L4PROTO_STATE));
	if (f->n_mark)
		compile_mark(&p, f, NEG(NFCT_FILTER_MARK));
	if (f->n_zone)
		compile_zone(&p, f, NEG(NFCT_FILTER_ZONE));
	emit(&p, BPF_RET | BPF_K, 0, 0, 0xffffffff);
#undef NEG
	if (p.err) {
		errno = p.err;
		return -1;
	}
	return p.len;
}

static int host_is_big_endian(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *)&one == 0;
}

/**
 * nfct_filter_attach - attach an event filter to a netlink socket
 * @fd: the socket (nfct_fd() of a handle, or any netlink socket)
 * @filter: the filter; it may be destroyed once attached
 *
 * Replaces a filter already attached. An empty filter passes everything.
 * The program may have up to BPF_MAXINSNS (4096) instructions: about
 * 1300 IPv4 addresses or marks, 340 IPv6 addresses or 4000 zones in all;
 * all 256 protocols always fit.
 *
 * Returns 0, or -1 with errno: the error recorded while the filter was
 * built (EINVAL, ENOSPC, ENOMEM, see nfct_filter_add_attr()), ENOSPC if
 * the program would be longer than BPF_MAXINSNS, EINVAL for a NULL
 * filter, ENOMEM, or the error of setsockopt() (EBADF, ENOTSOCK...). On
 * error nothing is attached. (The reference never fails for length: it
 * silently keeps the first 255 protocols, 127 IPv4 addresses per
 * direction, 20 IPv6 addresses per direction and 127 marks, and its
 * 8-bit jumps go wrong beyond 85 IPv4 addresses per direction or marks;
 * a filter that does not do what was asked is worse than an error.)
 */
NFCT_EXPORT int nfct_filter_attach(int fd, struct nfct_filter *filter)
{
	struct sock_fprog fprog;
	struct sock_filter *ins;
	int n, ret;

	if (filter == NULL) {
		errno = EINVAL;
		return -1;
	}
	ins = malloc(BPF_MAXINSNS * sizeof(*ins));
	if (ins == NULL)
		return -1;
	n = bsf_compile(filter, host_is_big_endian(), ins, BPF_MAXINSNS);
	if (n < 0) {
		free(ins);
		return -1;
	}
	fprog.len = n;
	fprog.filter = ins;
	ret = setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog));
	free(ins);
	return ret < 0 ? -1 : 0;
}

/**
 * nfct_filter_detach - remove the event filter attached to a socket
 * @fd: the socket
 *
 * Returns 0, or -1 with errno set by setsockopt(): ENOENT when no filter
 * is attached, EBADF, ENOTSOCK...
 */
NFCT_EXPORT int nfct_filter_detach(int fd)
{
	int val = 0;

	return setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &val, sizeof(val)) < 0 ? -1 : 0;
}
