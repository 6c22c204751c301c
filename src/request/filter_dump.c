/*
 * Kernel-side dump and flush filters: the request attributes that make
 * the kernel return (or delete) only matching entries. Mark and status
 * match as in the original 1.0.9; zone and tuple are the 1.1.x additions.
 */
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter/nfnetlink.h>

#include "request.h"

/*
 * First word of every filter object. NFCT_Q_FLUSH_FILTER takes either a
 * pointer to a uint32_t family (1.0.9 callers) or a filter (1.1.x
 * callers); no family has this value, so the tag tells them apart.
 */
#define FILTER_DUMP_TAG 0x6e666454u

struct nfct_filter_dump {
	uint32_t tag;
	uint32_t set;			/* bit per NFCT_FILTER_DUMP_* */
	struct nfct_filter_dump_mark mark;
	struct nfct_filter_dump_mark status;
	uint16_t zone;
	uint8_t l3num;
	struct nf_conntrack tuple;	/* our own copy of the caller's */
};

static bool fd_isset(const struct nfct_filter_dump *f, int type)
{
	return f->set & (1u << type);
}

/**
 * nfct_filter_dump_create - allocate an empty dump filter
 *
 * Returns the filter, or NULL (errno ENOMEM).
 */
NFCT_EXPORT struct nfct_filter_dump *nfct_filter_dump_create(void)
{
	struct nfct_filter_dump *f = calloc(1, sizeof(*f));

	if (f)
		f->tag = FILTER_DUMP_TAG;
	return f;
}

/**
 * nfct_filter_dump_destroy - release a dump filter
 * @filter_dump: the filter; NULL is ignored
 */
NFCT_EXPORT void nfct_filter_dump_destroy(struct nfct_filter_dump *filter_dump)
{
	if (filter_dump == NULL)
		return;
	object_release(&filter_dump->tuple);
	free(filter_dump);
}

/**
 * nfct_filter_dump_set_attr - set a filter attribute
 * @filter_dump: the filter
 * @type: NFCT_FILTER_DUMP_MARK or _STATUS (struct nfct_filter_dump_mark),
 *   _L3NUM (uint8_t), _ZONE (uint16_t) or _TUPLE (struct nf_conntrack,
 *   copied: the caller keeps its object)
 * @data: the value
 *
 * Unknown types and NULL arguments are ignored (errno EINVAL).
 */
NFCT_EXPORT void nfct_filter_dump_set_attr(struct nfct_filter_dump *filter_dump,
					   const enum nfct_filter_dump_attr type,
					   const void *data)
{
	struct nfct_filter_dump *f = filter_dump;

	if (f == NULL || data == NULL || (unsigned)type >= NFCT_FILTER_DUMP_MAX) {
		errno = EINVAL;
		return;
	}
	switch (type) {
	case NFCT_FILTER_DUMP_MARK:
		memcpy(&f->mark, data, sizeof(f->mark));
		break;
	case NFCT_FILTER_DUMP_STATUS:
		memcpy(&f->status, data, sizeof(f->status));
		break;
	case NFCT_FILTER_DUMP_L3NUM:
		f->l3num = *(const uint8_t *)data;
		break;
	case NFCT_FILTER_DUMP_ZONE:
		memcpy(&f->zone, data, sizeof(f->zone));
		break;
	case NFCT_FILTER_DUMP_TUPLE:
		nfct_copy(&f->tuple, data, NFCT_CP_OVERRIDE);
		break;
	default:
		return;
	}
	f->set |= 1u << type;
}

/*
 * The typed setters follow the rule of nfct_set_attr_u8() and friends:
 * the number goes zero-padded into room for any value, so a type wider
 * than the number (a mark) never reads past the caller's variable. The
 * tuple is an object, not a number: refused.
 */
static void set_number(struct nfct_filter_dump *f,
		       enum nfct_filter_dump_attr type, const void *v,
		       size_t len)
{
	struct scalar_arg a;

	if (type == NFCT_FILTER_DUMP_TUPLE) {
		errno = EINVAL;
		return;
	}
	a = scalar_arg(v, len);
	nfct_filter_dump_set_attr(f, type, a.b);
}

/**
 * nfct_filter_dump_set_attr_u8 - set an 8-bit filter attribute (L3NUM)
 * @filter_dump: the filter
 * @type: NFCT_FILTER_DUMP_L3NUM
 * @data: the layer 3 family (AF_INET, AF_INET6)
 *
 * As nfct_filter_dump_set_attr() with a pointer to @data, zero-padded
 * for wider types; NFCT_FILTER_DUMP_TUPLE is refused (errno EINVAL).
 */
NFCT_EXPORT void nfct_filter_dump_set_attr_u8(struct nfct_filter_dump *filter_dump,
					      const enum nfct_filter_dump_attr type,
					      uint8_t data)
{
	set_number(filter_dump, type, &data, sizeof(data));
}

/**
 * nfct_filter_dump_set_attr_u16 - set a 16-bit filter attribute (ZONE)
 * @filter_dump: the filter
 * @type: NFCT_FILTER_DUMP_ZONE
 * @data: the zone
 *
 * As nfct_filter_dump_set_attr() with a pointer to @data, zero-padded
 * for wider types; NFCT_FILTER_DUMP_TUPLE is refused (errno EINVAL).
 */
NFCT_EXPORT void nfct_filter_dump_set_attr_u16(struct nfct_filter_dump *filter_dump,
					       const enum nfct_filter_dump_attr type,
					       uint16_t data)
{
	set_number(filter_dump, type, &data, sizeof(data));
}

/* Which tuple fields the kernel must compare: one flag per set field. */
static uint32_t tuple_filter_flags(const struct nf_conntrack *ct)
{
	static const struct { int attr; uint32_t flag; } map[] = {
		{ ATTR_ORIG_IPV4_SRC, CTA_FILTER_FLAG_CTA_IP_SRC },
		{ ATTR_ORIG_IPV6_SRC, CTA_FILTER_FLAG_CTA_IP_SRC },
		{ ATTR_ORIG_IPV4_DST, CTA_FILTER_FLAG_CTA_IP_DST },
		{ ATTR_ORIG_IPV6_DST, CTA_FILTER_FLAG_CTA_IP_DST },
		{ ATTR_ORIG_ZONE, CTA_FILTER_FLAG_CTA_TUPLE_ZONE },
		{ ATTR_ORIG_L4PROTO, CTA_FILTER_FLAG_CTA_PROTO_NUM },
		{ ATTR_ORIG_PORT_SRC, CTA_FILTER_FLAG_CTA_PROTO_SRC_PORT },
		{ ATTR_ORIG_PORT_DST, CTA_FILTER_FLAG_CTA_PROTO_DST_PORT },
	};
	bool v6 = ct->orig.l3proto == AF_INET6;
	uint32_t flags = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (attr_isset(ct, map[i].attr))
			flags |= map[i].flag;
	if (attr_isset(ct, ATTR_ICMP_TYPE))
		flags |= v6 ? CTA_FILTER_FLAG_CTA_PROTO_ICMPV6_TYPE :
			      CTA_FILTER_FLAG_CTA_PROTO_ICMP_TYPE;
	if (attr_isset(ct, ATTR_ICMP_CODE))
		flags |= v6 ? CTA_FILTER_FLAG_CTA_PROTO_ICMPV6_CODE :
			      CTA_FILTER_FLAG_CTA_PROTO_ICMP_CODE;
	if (attr_isset(ct, ATTR_ICMP_ID))
		flags |= v6 ? CTA_FILTER_FLAG_CTA_PROTO_ICMPV6_ID :
			      CTA_FILTER_FLAG_CTA_PROTO_ICMP_ID;
	return flags;
}

static int build_tuple_filter(struct msgbuf *b,
			      const struct nfct_filter_dump *f)
{
	struct nfgenmsg *g = mnl_nlmsg_get_payload(b->nlh);
	struct nf_conntrack tmp;
	struct nlattr *nest;

	/* A shallow copy: nfct_nlmsg_build only reads it. */
	memcpy(&tmp, &f->tuple, sizeof(tmp));
	if (attr_isset(&tmp, ATTR_ORIG_L3PROTO)) {
		if (fd_isset(f, NFCT_FILTER_DUMP_L3NUM) &&
		    f->l3num != tmp.orig.l3proto) {
			errno = EINVAL;
			return -1;
		}
		g->nfgen_family = tmp.orig.l3proto;
	} else if (fd_isset(f, NFCT_FILTER_DUMP_L3NUM)) {
		/* The tuple needs a family to be encoded at all. */
		tmp.orig.l3proto = f->l3num;
		attr_mark(&tmp, ATTR_ORIG_L3PROTO);
	}
	if (ct_attrs_build(b, &tmp) < 0)
		return -1;
	nest = mb_nest_start(b, CTA_FILTER);
	mb_put_u32(b, CTA_FILTER_ORIG_FLAGS, tuple_filter_flags(&f->tuple));
	mb_put_u32(b, CTA_FILTER_REPLY_FLAGS, 0);
	mb_nest_end(b, nest);
	return 0;
}

/* The attributes a flush filter shares with a dump filter. */
static void build_common(struct msgbuf *b, const struct nfct_filter_dump *f)
{
	if (fd_isset(f, NFCT_FILTER_DUMP_MARK)) {
		mb_put_u32(b, CTA_MARK, htonl(f->mark.val));
		mb_put_u32(b, CTA_MARK_MASK, htonl(f->mark.mask));
	}
	if (fd_isset(f, NFCT_FILTER_DUMP_STATUS)) {
		mb_put_u32(b, CTA_STATUS, htonl(f->status.val));
		mb_put_u32(b, CTA_STATUS_MASK, htonl(f->status.mask));
	}
	if (fd_isset(f, NFCT_FILTER_DUMP_ZONE))
		mb_put_u16(b, CTA_ZONE, htons(f->zone));
}

/* The attributes of dump filter @data, bounded by @b. */
int filter_attrs_build(struct msgbuf *b, const void *data)
{
	const struct nfct_filter_dump *f = data;
	struct nfgenmsg *g = mnl_nlmsg_get_payload(b->nlh);

	build_common(b, f);
	if (fd_isset(f, NFCT_FILTER_DUMP_L3NUM))
		g->nfgen_family = f->l3num;
	if (fd_isset(f, NFCT_FILTER_DUMP_TUPLE) &&
	    build_tuple_filter(b, f) < 0)
		return -1;
	return mb_status(b);
}

/**
 * nfct_nlmsg_build_filter - append a dump filter to a dump request
 * @nlh: message the caller started (header and struct nfgenmsg) in a
 *   buffer of at least MNL_SOCKET_BUFFER_SIZE bytes
 * @filter_dump: the filter
 *
 * NFCT_FILTER_DUMP_L3NUM, or the family of a tuple filter, is written
 * into the struct nfgenmsg. The message never grows past
 * MNL_SOCKET_BUFFER_SIZE bytes. Returns 0, or -1 with errno EINVAL (NULL
 * argument, L3NUM conflicting with the tuple's family, tuple without
 * any family) or ENOSPC.
 */
NFCT_EXPORT int nfct_nlmsg_build_filter(struct nlmsghdr *nlh,
					const struct nfct_filter_dump *filter_dump)
{
	struct msgbuf b;

	if (nlh == NULL || filter_dump == NULL) {
		errno = EINVAL;
		return -1;
	}
	mb_init(&b, nlh, mb_default_size());
	return filter_attrs_build(&b, filter_dump);
}

/* ---- helpers for the request driver (request.c) --------------------- */

/* Is @data a filter object rather than a pointer to a family? */
int filter_dump_is(const void *data)
{
	const union { uint32_t u; unsigned char b[4]; } want = { FILTER_DUMP_TAG };
	uint32_t tag;

	/* 1.0.9 callers may pass a uint8_t family: look at one byte
	 * first (a family is below AF_MAX, the tag's first byte is not),
	 * never past it (ASan, tests/query) */
	if (*(const unsigned char *)data != want.b[0])
		return 0;
	memcpy(&tag, data, sizeof(tag));
	return tag == FILTER_DUMP_TAG;
}

int filter_dump_family(const void *data)
{
	const struct nfct_filter_dump *f = data;

	return fd_isset(f, NFCT_FILTER_DUMP_L3NUM) ? f->l3num : AF_UNSPEC;
}

/* Flush filters: as upstream 1.1.x, the kernel cannot flush by tuple. */
int filter_build_flush(struct msgbuf *b, const void *data)
{
	const struct nfct_filter_dump *f = data;

	if (fd_isset(f, NFCT_FILTER_DUMP_TUPLE)) {
		errno = ENOTSUP;
		return -1;
	}
	build_common(b, f);
	return mb_status(b);
}
