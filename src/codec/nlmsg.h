/*
 * The netlink reader: the one place that looks into received data.
 * Datagrams are walked with a cursor whose checks are unsigned (libmnl's
 * mnl_nlmsg_ok() compares nlmsg_len as an int, so a length of 2^31 or
 * more passes it and the walk jumps out of the buffer); attributes are
 * indexed by type into a table, each checked against the kind its type
 * needs and bounded by nlmsg_len (mnl_attr_for_each() walks on into the
 * alignment padding after an odd length); error codes are negated as
 * unsigned (negating INT_MIN is undefined).
 *
 * The walk and the index are inline: they are the hot loop of a dump.
 */
#ifndef NFCT_NLMSG_H
#define NFCT_NLMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

/* ---- datagrams and messages ------------------------------------------ */

/* Whether a received datagram comes from the kernel: anything else in
 * the namespace may send to our port, and is ignored before anything
 * (its size included) is concluded from it. */
static inline bool nl_from_kernel(const struct msghdr *m)
{
	const struct sockaddr_nl *peer = m->msg_name;

	return m->msg_namelen == sizeof(*peer) && peer->nl_pid == 0;
}

/* A cursor over the messages of one datagram. */
struct nl_cursor {
	const unsigned char *p;
	size_t rest;		/* bytes from p to the end of the datagram */
	bool partial;		/* the datagram was cut (MSG_TRUNC): its last
				 * message may be longer than what is there */
};

static inline void nl_cursor_init(struct nl_cursor *c, const void *buf,
				  size_t len, bool partial)
{
	c->p = buf;
	c->rest = len;
	c->partial = partial;
}

/*
 * The next message, or NULL at the end of the datagram or at a message
 * whose length is impossible (the rest is then ignored). *@avail gets
 * the bytes of it that were received: its nlmsg_len, unless a partial
 * datagram cut it.
 */
static inline const struct nlmsghdr *nl_cursor_next(struct nl_cursor *c,
						    size_t *avail)
{
	const struct nlmsghdr *nlh = (const void *)c->p;
	uint32_t len;
	size_t step;

	if (c->rest < sizeof(*nlh))
		return NULL;
	memcpy(&len, c->p, sizeof(len));	/* nlmsg_len comes first */
	if (len < sizeof(*nlh) || (len > c->rest && !c->partial)) {
		c->rest = 0;
		return NULL;
	}
	*avail = len < c->rest ? len : c->rest;
	step = ((size_t)len + NLMSG_ALIGNTO - 1) & ~(size_t)(NLMSG_ALIGNTO - 1);
	if (step >= c->rest) {
		c->rest = 0;	/* the last one: its padding may be missing */
	} else {
		c->p += step;
		c->rest -= step;
	}
	return nlh;
}

/* errno for an NLMSG_ERROR message of which @avail bytes arrived: 0 for
 * an ACK, the kernel's error, EBADMSG if cut short, EPROTO if positive. */
int nl_error_code(const struct nlmsghdr *nlh, size_t avail);

/* errno carried by an NLMSG_DONE message of @avail bytes, 0 if none. */
int nl_done_code(const struct nlmsghdr *nlh, size_t avail);

/*
 * NFCT_T_NEW, _UPDATE or _DESTROY for a conntrack or expectation message
 * (their NEW and DELETE types have the same numbers), NFCT_T_UNKNOWN for
 * other types. NEW events carry NLM_F_CREATE or NLM_F_EXCL; dump entries
 * and GET replies are updates.
 */
static inline enum nf_conntrack_msg_type
nl_event_type(const struct nlmsghdr *nlh)
{
	switch (nlh->nlmsg_type & 0xff) {
	case IPCTNL_MSG_CT_NEW:
		if (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL))
			return NFCT_T_NEW;
		return NFCT_T_UPDATE;
	case IPCTNL_MSG_CT_DELETE:
		return NFCT_T_DESTROY;
	default:
		return NFCT_T_UNKNOWN;
	}
}

/*
 * The type the deprecated parse calls (nfct_parse_conntrack(),
 * nfexp_parse_expect()) answer for @nlh: its NFCT_T_* type if that is
 * one of @want, else 0, also for a message too short for its headers
 * (errno EINVAL), which the reference reports as not wanted rather than
 * as an error.
 */
static inline int nl_wanted_type(const struct nlmsghdr *nlh,
				 unsigned int want)
{
	int t;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct nfgenmsg)) {
		errno = EINVAL;
		return 0;
	}
	t = nl_event_type(nlh);
	return (t & want) ? t : 0;
}

/* ---- attributes ------------------------------------------------------ */

/*
 * What an attribute's payload must look like: a fixed-size kind is its
 * exact payload length, so the common check is one comparison; the
 * other kinds use values no payload length can have (at most 65531).
 */
enum pk {
	PK_ANY = 0,		/* not checked */
	PK_U8 = 1,
	PK_U16 = 2,
	PK_TCPFLAGS = 2,	/* struct nf_ct_tcp_flags */
	PK_U32 = 4,
	PK_U64 = 8,
	PK_IN6 = 16,
	PK_NEST = 0xfffc,	/* empty, or at least one attribute header */
	PK_STRZ = 0xfffd,	/* NUL-terminated string */
	PK_STR = 0xfffe,	/* string, not empty */
};

/* Kinds for an index that checks nothing: any type up to NL_ANY_MAX. */
#define NL_ANY_MAX 63
extern const uint16_t nl_any_kinds[NL_ANY_MAX + 1];

/* Payload of an attribute whose header has been checked, and its length
 * (inline: the libmnl calls cost more than the parsing around them). */
static inline const void *attr_data(const struct nlattr *a)
{
	return (const char *)a + MNL_ATTR_HDRLEN;
}

static inline uint16_t attr_len(const struct nlattr *a)
{
	return a->nla_len - MNL_ATTR_HDRLEN;
}

/* Whether a payload of @len bytes, not the exact length of a fixed-size
 * kind, is still valid for @kind. */
static inline bool attr_valid_var(const struct nlattr *a, unsigned int len,
				  unsigned int kind)
{
	const char *p = attr_data(a);

	switch (kind) {
	case PK_ANY:
		return true;
	case PK_NEST:
		return len == 0 || len >= MNL_ATTR_HDRLEN;
	case PK_STRZ:
		return len > 0 && p[len - 1] == '\0';
	case PK_STR:
		return len > 0;
	default:
		return false;	/* a fixed size, and not this one */
	}
}

/* Bit of attribute type @t in a nest's "seen" mask (every *_MAX < 64). */
#define HAS(seen, t) (((seen) >> (t)) & 1)

/* tb[t] if the nest had attribute @t, else NULL. */
#define AT(t) (HAS(seen, t) ? tb[t] : NULL)

/*
 * Index the attributes of @data into tb[0..max], checking them with
 * @kinds, and return in *@seen a bit per type found: only those slots
 * of @tb are written, so the table needs no clearing. The last of
 * several attributes of one type wins. The walk stops at an attribute
 * that does not fit in @len. Returns 0, or -1 (errno EINVAL) on an
 * attribute its kind rejects: then nothing of the nest is to be used.
 */
static inline __attribute__((always_inline))
int index_attrs(const void *data, size_t len, const uint16_t *kinds,
		unsigned int max, const struct nlattr **tb, uint64_t *seen)
{
	const unsigned char *p = data;
	uint64_t s = 0;

	while (len >= MNL_ATTR_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		unsigned int alen = a->nla_len;
		unsigned int type = a->nla_type & NLA_TYPE_MASK;
		size_t step;

		if (alen < MNL_ATTR_HDRLEN || alen > len)
			break;
		/* the last attribute's padding may be missing */
		step = MNL_ALIGN(alen);
		if (step > len)
			step = len;
		p += step;
		len -= step;
		if (type > max)
			continue;
		alen -= MNL_ATTR_HDRLEN;
		/* nests are common: their check is kept inline too */
		if (__builtin_expect(kinds[type] != alen, 0) &&
		    !(kinds[type] == PK_NEST && alen >= MNL_ATTR_HDRLEN) &&
		    !attr_valid_var(a, alen, kinds[type])) {
			errno = EINVAL;
			return -1;
		}
		tb[type] = a;
		s |= (uint64_t)1 << type;
	}
	*seen = s;
	return 0;
}

/* Index the attributes inside nest @nest. */
static inline __attribute__((always_inline))
int index_nest(const struct nlattr *nest, const uint16_t *kinds,
	       unsigned int max, const struct nlattr **tb, uint64_t *seen)
{
	return index_attrs(attr_data(nest), attr_len(nest), kinds, max, tb,
			   seen);
}

/* Index the attributes of a ctnetlink message, after its struct
 * nfgenmsg. Returns 0, or -1 (errno EINVAL) for a message too short for
 * its headers or a rejected attribute. */
int index_msg(const struct nlmsghdr *nlh, const uint16_t *kinds,
	      unsigned int max, const struct nlattr **tb, uint64_t *seen);

/* Payload values, read through memcpy: attributes are only 4-aligned. */
static inline uint8_t get_u8(const struct nlattr *a)
{
	return *(const uint8_t *)attr_data(a);
}

static inline uint16_t get_u16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static inline uint32_t get_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static inline uint64_t get_be64(const struct nlattr *a)
{
	uint32_t w[2];

	memcpy(w, attr_data(a), sizeof(w));
	return ((uint64_t)ntohl(w[0]) << 32) | ntohl(w[1]);
}

#endif /* NFCT_NLMSG_H */
