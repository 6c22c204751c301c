/*
 * The object model: the bottom layer, which every other layer builds on.
 * It knows nothing of netlink beyond the header types.
 *
 * The design rule: one table (attr_table[], attr.c) describes every
 * conntrack attribute once -- where it lives in struct nf_conntrack, how
 * big it is, how it is copied and compared -- and the generic getters,
 * setters, copy and compare follow from it. Code that needs per-attribute
 * behaviour (netlink codec, formatting) reads fields of the object
 * directly, never through the public getters.
 *
 * Invariant: an all-zero block of nfct_maxsize() bytes is a valid, empty
 * object. Programs (conntrackd) allocate objects on the stack that way and
 * some copy them with memcpy(), so the object holds no pointer to itself
 * and needs no constructor.
 */
#ifndef NFCT_OBJECT_H
#define NFCT_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>

#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

/* Protocol numbers some C libraries' <netinet/in.h> may lack. */
#ifndef IPPROTO_DCCP
#define IPPROTO_DCCP 33
#endif
#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif
#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif
#ifndef IPPROTO_GRE
#define IPPROTO_GRE 47
#endif

#define NFCT_EXPORT __attribute__((visibility("default")))
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* An IPv4 or IPv6 address: IPv4 uses the first word only. */
union nfct_addr {
	uint32_t v4;
	uint32_t v6[4];
};

/*
 * One direction's tuple. As in the original library, the ICMP id shares
 * storage with the source port and the ICMP type and code share storage
 * with the destination port: reading one through the other gives the
 * same bytes, and programs rely on that.
 */
struct nfct_tuple {
	union nfct_addr src;
	union nfct_addr dst;
	uint8_t l3proto;
	uint8_t l4proto;
	uint16_t zone;
	union {
		uint16_t port;		/* network order */
		uint16_t icmp_id;	/* network order */
	} l4src;
	union {
		uint16_t port;		/* network order */
		struct {
			uint8_t type;
			uint8_t code;
		} icmp;
	} l4dst;
};

/* Sequence number adjustment of one direction (CTA_SEQ_ADJ_*). */
struct nfct_seqadj {
	uint32_t correction_pos;
	uint32_t offset_before;
	uint32_t offset_after;
};

/* Packet and byte counters of one direction (CTA_COUNTERS_*). */
struct nfct_counters {
	uint64_t packets;
	uint64_t bytes;
};

enum { DIR_ORIG = 0, DIR_REPL = 1 };

/* Number of 32-bit words in the attribute set bitmap. */
#define ATTR_SET_WORDS ((ATTR_MAX + 31) / 32)

/* A conntrack object: attribute bits, then the values (attr_table[]). */
struct nf_conntrack {
	uint32_t set[ATTR_SET_WORDS];	/* which attributes are set */

	struct nfct_tuple orig;
	struct nfct_tuple repl;

	uint32_t status;

	/*
	 * Protocol private state. As in the original, TCP, SCTP and DCCP
	 * share storage: the states are one byte, setting ATTR_DCCP_ROLE
	 * changes ATTR_TCP_FLAGS_ORIG, ATTR_SCTP_VTAG_ORIG overlaps
	 * ATTR_TCP_MASK_REPL and the window scales, ATTR_SCTP_VTAG_REPL
	 * the DCCP handshake sequence. Programs see this, so keep it.
	 */
	union {
		struct {
			uint8_t tcp_state;
			uint8_t tcp_flags[2];	/* [DIR_ORIG], [DIR_REPL] */
			uint8_t tcp_mask[2];
			uint8_t tcp_wscale[2];
		};
		struct {
			uint8_t sctp_state;
			uint32_t sctp_vtag[2];
		};
		struct {
			uint8_t dccp_state;
			uint8_t dccp_role;
			uint64_t dccp_handshake_seq;
		};
	};

	uint32_t timeout;
	uint32_t mark;
	uint32_t use;
	uint32_t id;

	/* kernel-reported, set in dumps with accounting/timestamps on */
	struct nfct_counters counters[2];
	uint64_t timestamp_start;
	uint64_t timestamp_stop;
	uint64_t timestamp_event;
	uint32_t secmark;
	uint16_t zone;

	struct nfct_tuple master;

	/* NAT: the IPv4 address uses the first word, like union nfct_addr */
	union nfct_addr snat_addr;
	union nfct_addr dnat_addr;
	uint16_t snat_port;		/* network order */
	uint16_t dnat_port;		/* network order */

	struct nfct_seqadj seqadj[2];

	uint32_t synproxy_isn;
	uint32_t synproxy_its;
	uint32_t synproxy_tsoff;

	char helper_name[NFCT_HELPER_NAME_MAX];

	uint32_t helper_info_len;	/* bytes at helper_info */

	/*
	 * The slots of the heap-backed attributes (size 0 in attr_table[]),
	 * and nothing else, from here to the end: owned data, freed by
	 * nfct_destroy(), deep-copied by copies. An object owns nothing
	 * when these bytes are zero.
	 */
	char *secctx;
	void *helper_info;
	struct nfct_bitmask *connlabels;
	struct nfct_bitmask *connlabels_mask;
};

#define CT_HEAP_START offsetof(struct nf_conntrack, secctx)
#define CT_HEAP_SIZE (sizeof(struct nf_conntrack) - CT_HEAP_START)
_Static_assert(CT_HEAP_SIZE % sizeof(uintptr_t) == 0, "the tail is whole words");

/* Programs reserve the original's nfct_maxsize() for an object. */
_Static_assert(sizeof(struct nf_conntrack) <= 392, "object larger than 392");

/* ---- the attribute table (attr.c) ---------------------------------- */

/* How an attribute's value is stored and passed. */
enum attr_kind {
	AK_U8,
	AK_U16,
	AK_U32,
	AK_U64,
	AK_BYTES,	/* fixed-size byte array (IPv6 addresses) */
	AK_STRING,	/* inline NUL-terminated string (helper name) */
	AK_SECCTX,	/* owned string pointer */
	AK_HELPER_INFO,	/* owned blob with length */
	AK_BITMASK,	/* owned struct nfct_bitmask pointer */
};

/* Which part of the object an attribute belongs to (nfct_copy flags). */
enum attr_scope {
	AS_ORIG,
	AS_REPL,
	AS_META,
};

/* attr_desc.flags */
enum {
	AF_NOSET = 1 << 0,	/* nfct_set_attr() only marks it set, like the
				 * original (counters, use, timestamps,
				 * secctx: kernel-reported values) */
	AF_NOPUBLIC = 1 << 1,	/* nfct_set_attr() ignores it: the original
				 * (1.0.9) does not know the attribute, only
				 * the kernel reports it */
	AF_LENIENT = 1 << 2,	/* nfct_cmp() with NFCT_CMP_MASK or _STRICT:
				 * unset in one object counts as 0 */
	AF_SUBSET = 1 << 3,	/* nfct_cmp(): the first object's bits must
				 * be in the second's (the status) */
};

/*
 * Which part of nfct_cmp() compares an attribute (attr_desc.cmp); the
 * value is compared by its kind (bytes, string, bitmask) unless
 * AF_SUBSET says otherwise. Not compared: the original does not either.
 */
enum attr_cmp {
	AC_NONE,
	AC_ORIG,	/* NFCT_CMP_ORIG and NFCT_CMP_ALL */
	AC_REPL,	/* NFCT_CMP_REPL and NFCT_CMP_ALL */
	AC_META,	/* NFCT_CMP_ALL only */
	AC_PORT,	/* with its tuple, when both carry the same port-based
			 * layer 4 protocol */
	AC_ICMP,	/* when a compared tuple carries ICMP or ICMPv6 in both */
};

struct attr_desc {
	uint16_t offset;	/* offset of the value in struct nf_conntrack */
	uint8_t size;		/* bytes of storage (0: heap value, the slot
				 * holds a pointer) */
	uint8_t kind;		/* enum attr_kind */
	uint8_t scope;		/* enum attr_scope */
	uint8_t flags;		/* AF_* */
	uint8_t cmp;		/* enum attr_cmp */
	const char *name;	/* for diagnostics and docs */
};

extern const struct attr_desc attr_table[ATTR_MAX];

/* Pointer to an attribute's inline storage. */
static inline void *attr_ptr(struct nf_conntrack *ct, int type)
{
	return (char *)ct + attr_table[type].offset;
}

static inline const void *attr_cptr(const struct nf_conntrack *ct, int type)
{
	return (const char *)ct + attr_table[type].offset;
}

/* ---- attribute set bitmap ------------------------------------------ */

static inline bool attr_isset(const struct nf_conntrack *ct, int type)
{
	return ct->set[type >> 5] & (1u << (type & 31));
}

static inline void attr_mark(struct nf_conntrack *ct, int type)
{
	ct->set[type >> 5] |= 1u << (type & 31);
}

static inline void attr_clear(struct nf_conntrack *ct, int type)
{
	ct->set[type >> 5] &= ~(1u << (type & 31));
}

/* Store a value into an attribute and mark it set (no range check).
 * Returns 0, or -1 with errno ENOMEM (the attribute is then unchanged). */
int attr_store(struct nf_conntrack *ct, int type, const void *value,
	       size_t len);

/* Copy one attribute from src to dst, deep-copying heap values. Returns
 * 0, or -1 with errno ENOMEM (dst's attribute is then unchanged). */
int attr_copy(struct nf_conntrack *dst, const struct nf_conntrack *src,
	      int type);

/* Free the heap data an object owns and forget it. */
void object_release(struct nf_conntrack *ct);

/* Make dst an exact copy of src, every byte, heap values deep-copied.
 * Returns 0, or -1 with errno ENOMEM: a heap value could not be copied,
 * its attribute is then unset in dst (all the others are copied). */
int object_copy(struct nf_conntrack *dst, const struct nf_conntrack *src);

/*
 * The typed setters (nfct_set_attr_u8() ... and nfexp_set_attr_u8() ...)
 * hand a number to code that reads the attribute's own width, or a
 * string: the number goes zero-padded into SCALAR_ROOM bytes, which
 * covers every inline value and string an attribute has, so that no
 * mismatched width reads past the caller's variable.
 */
#define SCALAR_ROOM 32

struct scalar_arg {
	unsigned char b[SCALAR_ROOM];
};

static inline struct scalar_arg scalar_arg(const void *v, size_t len)
{
	struct scalar_arg a = { { 0 } };

	memcpy(a.b, v, len);
	return a;
}

/* ---- expectations (object/expect.c) -------------------------------- */

/* The leading part of struct nf_conntrack: attribute bits and orig tuple. */
/* Aligned like struct nf_conntrack: nfexp_get_attr() hands these out as
 * conntrack objects (UBSan: misaligned access, tests/expect). */
struct ct_head {
	uint32_t set[ATTR_SET_WORDS];
	struct nfct_tuple orig;
	/*
	 * Room for the rest of a conntrack object, always zero: the tuple is
	 * handed out as a struct nf_conntrack (nfexp_get_attr()), and the
	 * nfct_* functions may read a whole object's worth of bytes (a copy
	 * reads every byte, not attribute by attribute), which must stay
	 * inside ours.
	 */
	unsigned char rest[sizeof(struct nf_conntrack) -
			   offsetof(struct nf_conntrack, orig) -
			   sizeof(struct nfct_tuple)];
} __attribute__((aligned(_Alignof(struct nf_conntrack))));

_Static_assert(sizeof(struct ct_head) >= sizeof(struct nf_conntrack),
	       "a ct_head must hold a whole struct nf_conntrack");

_Static_assert(offsetof(struct nf_conntrack, set) == offsetof(struct ct_head, set) &&
	       offsetof(struct nf_conntrack, orig) == offsetof(struct ct_head, orig),
	       "struct ct_head must be a prefix of struct nf_conntrack");

#define EXP_FN_MAX 24	/* expectation function name, NUL included */

struct nf_expect {
	uint32_t set;			/* bit per ATTR_EXP_* */
	struct ct_head master;
	struct ct_head expected;
	struct ct_head mask;
	struct ct_head nat;
	uint32_t timeout;
	uint32_t flags;
	uint32_t class;
	uint32_t id;
	uint16_t zone;
	uint8_t nat_dir;
	char helper_name[NFCT_HELPER_NAME_MAX];
	char expectfn[EXP_FN_MAX];
};

_Static_assert(EXP_FN_MAX <= SCALAR_ROOM && NFCT_HELPER_NAME_MAX <= SCALAR_ROOM &&
	       sizeof(union nfct_addr) <= SCALAR_ROOM,
	       "a typed setter's padded value covers every inline value");


static inline bool exp_isset(const struct nf_expect *exp, int type)
{
	return exp->set & (1u << type);
}

/* The ct_head an ATTR_EXP_* tuple attribute lives in, or NULL. */
static inline struct ct_head *exp_head(struct nf_expect *exp, int type)
{
	switch (type) {
	case ATTR_EXP_MASTER:
		return &exp->master;
	case ATTR_EXP_EXPECTED:
		return &exp->expected;
	case ATTR_EXP_MASK:
		return &exp->mask;
	case ATTR_EXP_NAT_TUPLE:
		return &exp->nat;
	default:
		return NULL;
	}
}

/* ---- bitmasks (object/bitmask.c) ------------------------------------ */

/* Bitmask layout shared by bitmask.c and the codec. */
struct nfct_bitmask {
	unsigned int words;	/* number of 32-bit words in bits[] */
	uint32_t bits[];
};

#endif /* NFCT_OBJECT_H */
