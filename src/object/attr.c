/*
 * The attribute table: one line per conntrack attribute. Generic code
 * (getters, setters, copy, compare) is driven by it; see object.h.
 */
#include <stdlib.h>

#include "object.h"

#define F(field)  offsetof(struct nf_conntrack, field)
#define FSIZE(field) sizeof(((struct nf_conntrack *)0)->field)
/*
 * One line per attribute: its id, its field, its kind, its part for
 * nfct_copy(), then any of .flags and .cmp (how nfct_cmp() compares it).
 */
#define A(id, field, k, sc, ...) \
	[id] = { .offset = F(field), .size = FSIZE(field), .kind = k, \
		 .scope = sc, .name = #id, __VA_ARGS__ }
/* Attributes that alias storage smaller than their field (IPv4 in an
 * address union). */
#define AS(id, field, sz, k, sc, ...) \
	[id] = { .offset = F(field), .size = sz, .kind = k, .scope = sc, \
		 .name = #id, __VA_ARGS__ }
/* Kernel-reported values the public setter only marks as set. */
#define AN(id, field, k, sc, ...) \
	A(id, field, k, sc, .flags = AF_NOSET, __VA_ARGS__)
/* Heap-backed attributes: the slot holds a pointer. */
#define AH(id, field, k, ...) \
	[id] = { .offset = F(field), .size = 0, .kind = k, .scope = AS_META, \
		 .name = #id, __VA_ARGS__ }

const struct attr_desc attr_table[ATTR_MAX] = {
	AS(ATTR_ORIG_IPV4_SRC, orig.src, 4, AK_U32, AS_ORIG, .cmp = AC_ORIG),
	AS(ATTR_ORIG_IPV4_DST, orig.dst, 4, AK_U32, AS_ORIG, .cmp = AC_ORIG),
	AS(ATTR_REPL_IPV4_SRC, repl.src, 4, AK_U32, AS_REPL, .cmp = AC_REPL),
	AS(ATTR_REPL_IPV4_DST, repl.dst, 4, AK_U32, AS_REPL, .cmp = AC_REPL),
	A(ATTR_ORIG_IPV6_SRC, orig.src, AK_BYTES, AS_ORIG, .cmp = AC_ORIG),
	A(ATTR_ORIG_IPV6_DST, orig.dst, AK_BYTES, AS_ORIG, .cmp = AC_ORIG),
	A(ATTR_REPL_IPV6_SRC, repl.src, AK_BYTES, AS_REPL, .cmp = AC_REPL),
	A(ATTR_REPL_IPV6_DST, repl.dst, AK_BYTES, AS_REPL, .cmp = AC_REPL),
	A(ATTR_ORIG_PORT_SRC, orig.l4src.port, AK_U16, AS_ORIG, .cmp = AC_PORT),
	A(ATTR_ORIG_PORT_DST, orig.l4dst.port, AK_U16, AS_ORIG, .cmp = AC_PORT),
	A(ATTR_REPL_PORT_SRC, repl.l4src.port, AK_U16, AS_REPL, .cmp = AC_PORT),
	A(ATTR_REPL_PORT_DST, repl.l4dst.port, AK_U16, AS_REPL, .cmp = AC_PORT),
	A(ATTR_ICMP_TYPE, orig.l4dst.icmp.type, AK_U8, AS_ORIG, .cmp = AC_ICMP),
	A(ATTR_ICMP_CODE, orig.l4dst.icmp.code, AK_U8, AS_ORIG, .cmp = AC_ICMP),
	A(ATTR_ICMP_ID, orig.l4src.icmp_id, AK_U16, AS_ORIG, .cmp = AC_ICMP),
	A(ATTR_ORIG_L3PROTO, orig.l3proto, AK_U8, AS_ORIG, .cmp = AC_ORIG),
	A(ATTR_REPL_L3PROTO, repl.l3proto, AK_U8, AS_REPL, .cmp = AC_REPL),
	A(ATTR_ORIG_L4PROTO, orig.l4proto, AK_U8, AS_ORIG, .cmp = AC_ORIG),
	A(ATTR_REPL_L4PROTO, repl.l4proto, AK_U8, AS_REPL, .cmp = AC_REPL),
	A(ATTR_TCP_STATE, tcp_state, AK_U8, AS_META, .cmp = AC_META),
	AS(ATTR_SNAT_IPV4, snat_addr, 4, AK_U32, AS_META),
	AS(ATTR_DNAT_IPV4, dnat_addr, 4, AK_U32, AS_META),
	A(ATTR_SNAT_PORT, snat_port, AK_U16, AS_META),
	A(ATTR_DNAT_PORT, dnat_port, AK_U16, AS_META),
	A(ATTR_TIMEOUT, timeout, AK_U32, AS_META, .cmp = AC_META),
	A(ATTR_MARK, mark, AK_U32, AS_META, .cmp = AC_META, .flags = AF_LENIENT),
	AN(ATTR_ORIG_COUNTER_PACKETS, counters[DIR_ORIG].packets, AK_U64, AS_META),
	AN(ATTR_REPL_COUNTER_PACKETS, counters[DIR_REPL].packets, AK_U64, AS_META),
	AN(ATTR_ORIG_COUNTER_BYTES, counters[DIR_ORIG].bytes, AK_U64, AS_META),
	AN(ATTR_REPL_COUNTER_BYTES, counters[DIR_REPL].bytes, AK_U64, AS_META),
	AN(ATTR_USE, use, AK_U32, AS_META),
	A(ATTR_ID, id, AK_U32, AS_META, .cmp = AC_META),
	A(ATTR_STATUS, status, AK_U32, AS_META, .cmp = AC_META, .flags = AF_SUBSET),
	A(ATTR_TCP_FLAGS_ORIG, tcp_flags[DIR_ORIG], AK_U8, AS_META),
	A(ATTR_TCP_FLAGS_REPL, tcp_flags[DIR_REPL], AK_U8, AS_META),
	A(ATTR_TCP_MASK_ORIG, tcp_mask[DIR_ORIG], AK_U8, AS_META),
	A(ATTR_TCP_MASK_REPL, tcp_mask[DIR_REPL], AK_U8, AS_META),
	AS(ATTR_MASTER_IPV4_SRC, master.src, 4, AK_U32, AS_META),
	AS(ATTR_MASTER_IPV4_DST, master.dst, 4, AK_U32, AS_META),
	A(ATTR_MASTER_IPV6_SRC, master.src, AK_BYTES, AS_META),
	A(ATTR_MASTER_IPV6_DST, master.dst, AK_BYTES, AS_META),
	A(ATTR_MASTER_PORT_SRC, master.l4src.port, AK_U16, AS_META),
	A(ATTR_MASTER_PORT_DST, master.l4dst.port, AK_U16, AS_META),
	A(ATTR_MASTER_L3PROTO, master.l3proto, AK_U8, AS_META),
	A(ATTR_MASTER_L4PROTO, master.l4proto, AK_U8, AS_META),
	A(ATTR_SECMARK, secmark, AK_U32, AS_META),
	A(ATTR_ORIG_NAT_SEQ_CORRECTION_POS, seqadj[DIR_ORIG].correction_pos, AK_U32, AS_META),
	A(ATTR_ORIG_NAT_SEQ_OFFSET_BEFORE, seqadj[DIR_ORIG].offset_before, AK_U32, AS_META),
	A(ATTR_ORIG_NAT_SEQ_OFFSET_AFTER, seqadj[DIR_ORIG].offset_after, AK_U32, AS_META),
	A(ATTR_REPL_NAT_SEQ_CORRECTION_POS, seqadj[DIR_REPL].correction_pos, AK_U32, AS_META),
	A(ATTR_REPL_NAT_SEQ_OFFSET_BEFORE, seqadj[DIR_REPL].offset_before, AK_U32, AS_META),
	A(ATTR_REPL_NAT_SEQ_OFFSET_AFTER, seqadj[DIR_REPL].offset_after, AK_U32, AS_META),
	A(ATTR_SCTP_STATE, sctp_state, AK_U8, AS_META, .cmp = AC_META),
	A(ATTR_SCTP_VTAG_ORIG, sctp_vtag[DIR_ORIG], AK_U32, AS_META),
	A(ATTR_SCTP_VTAG_REPL, sctp_vtag[DIR_REPL], AK_U32, AS_META),
	A(ATTR_HELPER_NAME, helper_name, AK_STRING, AS_META),
	A(ATTR_DCCP_STATE, dccp_state, AK_U8, AS_META, .cmp = AC_META),
	A(ATTR_DCCP_ROLE, dccp_role, AK_U8, AS_META),
	A(ATTR_DCCP_HANDSHAKE_SEQ, dccp_handshake_seq, AK_U64, AS_META),
	A(ATTR_TCP_WSCALE_ORIG, tcp_wscale[DIR_ORIG], AK_U8, AS_META),
	A(ATTR_TCP_WSCALE_REPL, tcp_wscale[DIR_REPL], AK_U8, AS_META),
	A(ATTR_ZONE, zone, AK_U16, AS_META, .cmp = AC_META, .flags = AF_LENIENT),
	AH(ATTR_SECCTX, secctx, AK_SECCTX, .flags = AF_NOSET, .cmp = AC_META),
	AN(ATTR_TIMESTAMP_START, timestamp_start, AK_U64, AS_META),
	AN(ATTR_TIMESTAMP_STOP, timestamp_stop, AK_U64, AS_META),
	AH(ATTR_HELPER_INFO, helper_info, AK_HELPER_INFO),
	AH(ATTR_CONNLABELS, connlabels, AK_BITMASK, .cmp = AC_META),
	AH(ATTR_CONNLABELS_MASK, connlabels_mask, AK_BITMASK, .cmp = AC_META),
	A(ATTR_ORIG_ZONE, orig.zone, AK_U16, AS_META, .cmp = AC_ORIG, .flags = AF_LENIENT),
	A(ATTR_REPL_ZONE, repl.zone, AK_U16, AS_META, .cmp = AC_REPL, .flags = AF_LENIENT),
	A(ATTR_SNAT_IPV6, snat_addr, AK_BYTES, AS_META),
	A(ATTR_DNAT_IPV6, dnat_addr, AK_BYTES, AS_META),
	A(ATTR_SYNPROXY_ISN, synproxy_isn, AK_U32, AS_META),
	A(ATTR_SYNPROXY_ITS, synproxy_its, AK_U32, AS_META),
	A(ATTR_SYNPROXY_TSOFF, synproxy_tsoff, AK_U32, AS_META),
	A(ATTR_TIMESTAMP_EVENT, timestamp_event, AK_U64, AS_META, .flags = AF_NOPUBLIC),
};

/* The block a heap-backed attribute's slot points to (may be NULL). */
static void *heap_get(const struct nf_conntrack *ct, int type)
{
	void *p;

	memcpy(&p, attr_cptr(ct, type), sizeof(p));
	return p;
}

static void heap_put(struct nf_conntrack *ct, int type, void *p)
{
	memcpy(attr_ptr(ct, type), &p, sizeof(p));
}

/* Free the block of a heap-backed attribute and forget it. */
static void heap_free(struct nf_conntrack *ct, int type)
{
	void *p = heap_get(ct, type);

	if (attr_table[type].kind == AK_BITMASK)
		nfct_bitmask_destroy(p);
	else
		free(p);
	heap_put(ct, type, NULL);
	if (attr_table[type].kind == AK_HELPER_INFO)
		ct->helper_info_len = 0;
}

/* Replace dst's block of heap attribute @type by a copy of src's (none
 * if src has none). On failure dst keeps its own. */
static int heap_copy(struct nf_conntrack *dst, const struct nf_conntrack *src,
		     int type)
{
	const void *p = heap_get(src, type);
	uint32_t len = src->helper_info_len;
	void *c = NULL;

	if (p != NULL) {
		switch (attr_table[type].kind) {
		case AK_SECCTX:
			c = strdup(p);
			break;
		case AK_HELPER_INFO:
			c = malloc(len ? len : 1);
			if (c != NULL)
				memcpy(c, p, len);
			break;
		default:	/* AK_BITMASK */
			c = nfct_bitmask_clone(p);
			break;
		}
		if (c == NULL) {
			errno = ENOMEM;
			return -1;
		}
	}
	if (dst == src && c == NULL)
		return 0;
	heap_free(dst, type);
	heap_put(dst, type, c);
	if (attr_table[type].kind == AK_HELPER_INFO && c != NULL)
		dst->helper_info_len = len;
	return 0;
}

/* Copy an inline value of @n bytes: the sizes attributes have are
 * copied inline (a memcpy() call costs more than the rest of a set). */
static inline void store_inline(void *dst, const void *src, size_t n)
{
	switch (n) {
	case 1:
		memcpy(dst, src, 1);
		break;
	case 2:
		memcpy(dst, src, 2);
		break;
	case 4:
		memcpy(dst, src, 4);
		break;
	case 8:
		memcpy(dst, src, 8);
		break;
	case 16:
		memcpy(dst, src, 16);
		break;
	default:
		memcpy(dst, src, n);
		break;
	}
}

/* attr_store() for the kinds that are not a plain inline value. */
static __attribute__((noinline)) int store_other(struct nf_conntrack *ct,
						 int type, const void *value,
						 size_t len)
{
	const struct attr_desc *d = &attr_table[type];
	void *c;

	switch (d->kind) {
	case AK_STRING: {
		/* Truncate to the field, always terminated. */
		char *dst = attr_ptr(ct, type);
		strncpy(dst, value, d->size);
		dst[d->size - 1] = '\0';
		break;
	}
	case AK_SECCTX:
		/* Only the parser gets here (the public setter does not
		 * store a context, see AF_NOSET). */
		c = strndup(value, len ? len : strlen(value));
		if (c == NULL)
			return -1;
		heap_free(ct, type);
		heap_put(ct, type, c);
		break;
	case AK_HELPER_INFO:
		c = malloc(len ? len : 1);
		if (c == NULL)
			return -1;
		memcpy(c, value, len);
		heap_free(ct, type);
		heap_put(ct, type, c);
		ct->helper_info_len = len;
		break;
	case AK_BITMASK:
		/* The object takes ownership of the caller's bitmask. */
		if (heap_get(ct, type) != value)
			heap_free(ct, type);
		heap_put(ct, type, (void *)value);
		break;
	default:
		memcpy(attr_ptr(ct, type), value, d->size);
		break;
	}
	attr_mark(ct, type);
	return 0;
}

int attr_store(struct nf_conntrack *ct, int type, const void *value,
	       size_t len)
{
	const struct attr_desc *d = &attr_table[type];

	if (d->size == 0 || d->kind == AK_STRING)
		return store_other(ct, type, value, len);
	store_inline(attr_ptr(ct, type), value, d->size);
	attr_mark(ct, type);
	return 0;
}

int attr_copy(struct nf_conntrack *dst, const struct nf_conntrack *src,
	      int type)
{
	const struct attr_desc *d = &attr_table[type];

	if (d->size != 0)
		memcpy(attr_ptr(dst, type), attr_cptr(src, type), d->size);
	else if (heap_copy(dst, src, type) < 0)
		return -1;
	attr_mark(dst, type);
	return 0;
}

/* Whether @ct owns heap data: a slot of the tail is not empty. */
static bool owns_heap(const struct nf_conntrack *ct)
{
	const char *p = (const char *)ct + CT_HEAP_START;
	uintptr_t any = 0;

	for (size_t i = 0; i < CT_HEAP_SIZE; i += sizeof(uintptr_t)) {
		uintptr_t w;

		memcpy(&w, p + i, sizeof(w));
		any |= w;
	}
	return any != 0;
}

void object_release(struct nf_conntrack *ct)
{
	if (!owns_heap(ct))	/* most objects own nothing */
		return;
	for (int t = 0; t < ATTR_MAX; t++)
		if (attr_table[t].size == 0)
			heap_free(ct, t);
}

int object_copy(struct nf_conntrack *dst, const struct nf_conntrack *src)
{
	int ret = 0;

	if (dst == src)
		return 0;
	object_release(dst);
	memcpy(dst, src, sizeof(*dst));
	if (!owns_heap(src))
		return 0;
	memset((char *)dst + CT_HEAP_START, 0, CT_HEAP_SIZE);
	for (int t = 0; t < ATTR_MAX; t++) {
		if (attr_table[t].size != 0 || heap_copy(dst, src, t) == 0)
			continue;
		/* what could not be copied is not there */
		attr_clear(dst, t);
		ret = -1;
	}
	return ret;
}
