/*
 * The attribute table: one line per conntrack attribute. Generic code
 * (getters, setters, copy, compare) is driven by it; see object.h.
 */
#include <stdlib.h>

#include "object.h"

#define F(field)  offsetof(struct nf_conntrack, field)
#define FSIZE(field) sizeof(((struct nf_conntrack *)0)->field)
#define A(id, field, k, sc) \
	[id] = { .offset = F(field), .size = FSIZE(field), .kind = k, \
		 .scope = sc, .name = #id }
/* Attributes that alias storage smaller than their field (IPv4 in an
 * address union). */
#define AS(id, field, sz, k, sc) \
	[id] = { .offset = F(field), .size = sz, .kind = k, .scope = sc, \
		 .name = #id }
/* Kernel-reported values the public setter only marks as set. */
#define AN(id, field, k, sc) \
	[id] = { .offset = F(field), .size = FSIZE(field), .kind = k, \
		 .scope = sc, .flags = AF_NOSET, .name = #id }
/* Heap-backed attributes: the slot holds a pointer. */
#define AH(id, field, k, fl) \
	[id] = { .offset = F(field), .size = 0, .kind = k, .scope = AS_META, \
		 .flags = fl, .name = #id }

const struct attr_desc attr_table[ATTR_MAX] = {
	AS(ATTR_ORIG_IPV4_SRC, orig.src, 4, AK_U32, AS_ORIG),
	AS(ATTR_ORIG_IPV4_DST, orig.dst, 4, AK_U32, AS_ORIG),
	AS(ATTR_REPL_IPV4_SRC, repl.src, 4, AK_U32, AS_REPL),
	AS(ATTR_REPL_IPV4_DST, repl.dst, 4, AK_U32, AS_REPL),
	A(ATTR_ORIG_IPV6_SRC, orig.src, AK_BYTES, AS_ORIG),
	A(ATTR_ORIG_IPV6_DST, orig.dst, AK_BYTES, AS_ORIG),
	A(ATTR_REPL_IPV6_SRC, repl.src, AK_BYTES, AS_REPL),
	A(ATTR_REPL_IPV6_DST, repl.dst, AK_BYTES, AS_REPL),
	A(ATTR_ORIG_PORT_SRC, orig.l4src.port, AK_U16, AS_ORIG),
	A(ATTR_ORIG_PORT_DST, orig.l4dst.port, AK_U16, AS_ORIG),
	A(ATTR_REPL_PORT_SRC, repl.l4src.port, AK_U16, AS_REPL),
	A(ATTR_REPL_PORT_DST, repl.l4dst.port, AK_U16, AS_REPL),
	A(ATTR_ICMP_TYPE, orig.l4dst.icmp.type, AK_U8, AS_ORIG),
	A(ATTR_ICMP_CODE, orig.l4dst.icmp.code, AK_U8, AS_ORIG),
	A(ATTR_ICMP_ID, orig.l4src.icmp_id, AK_U16, AS_ORIG),
	A(ATTR_ORIG_L3PROTO, orig.l3proto, AK_U8, AS_ORIG),
	A(ATTR_REPL_L3PROTO, repl.l3proto, AK_U8, AS_REPL),
	A(ATTR_ORIG_L4PROTO, orig.l4proto, AK_U8, AS_ORIG),
	A(ATTR_REPL_L4PROTO, repl.l4proto, AK_U8, AS_REPL),
	A(ATTR_TCP_STATE, tcp_state, AK_U8, AS_META),
	AS(ATTR_SNAT_IPV4, snat_addr, 4, AK_U32, AS_META),
	AS(ATTR_DNAT_IPV4, dnat_addr, 4, AK_U32, AS_META),
	A(ATTR_SNAT_PORT, snat_port, AK_U16, AS_META),
	A(ATTR_DNAT_PORT, dnat_port, AK_U16, AS_META),
	A(ATTR_TIMEOUT, timeout, AK_U32, AS_META),
	A(ATTR_MARK, mark, AK_U32, AS_META),
	AN(ATTR_ORIG_COUNTER_PACKETS, counters[DIR_ORIG].packets, AK_U64, AS_META),
	AN(ATTR_REPL_COUNTER_PACKETS, counters[DIR_REPL].packets, AK_U64, AS_META),
	AN(ATTR_ORIG_COUNTER_BYTES, counters[DIR_ORIG].bytes, AK_U64, AS_META),
	AN(ATTR_REPL_COUNTER_BYTES, counters[DIR_REPL].bytes, AK_U64, AS_META),
	AN(ATTR_USE, use, AK_U32, AS_META),
	A(ATTR_ID, id, AK_U32, AS_META),
	A(ATTR_STATUS, status, AK_U32, AS_META),
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
	A(ATTR_SCTP_STATE, sctp_state, AK_U8, AS_META),
	A(ATTR_SCTP_VTAG_ORIG, sctp_vtag[DIR_ORIG], AK_U32, AS_META),
	A(ATTR_SCTP_VTAG_REPL, sctp_vtag[DIR_REPL], AK_U32, AS_META),
	A(ATTR_HELPER_NAME, helper_name, AK_STRING, AS_META),
	A(ATTR_DCCP_STATE, dccp_state, AK_U8, AS_META),
	A(ATTR_DCCP_ROLE, dccp_role, AK_U8, AS_META),
	A(ATTR_DCCP_HANDSHAKE_SEQ, dccp_handshake_seq, AK_U64, AS_META),
	A(ATTR_TCP_WSCALE_ORIG, tcp_wscale[DIR_ORIG], AK_U8, AS_META),
	A(ATTR_TCP_WSCALE_REPL, tcp_wscale[DIR_REPL], AK_U8, AS_META),
	A(ATTR_ZONE, zone, AK_U16, AS_META),
	AH(ATTR_SECCTX, secctx, AK_SECCTX, AF_NOSET),
	AN(ATTR_TIMESTAMP_START, timestamp_start, AK_U64, AS_META),
	AN(ATTR_TIMESTAMP_STOP, timestamp_stop, AK_U64, AS_META),
	AH(ATTR_HELPER_INFO, helper_info, AK_HELPER_INFO, 0),
	AH(ATTR_CONNLABELS, connlabels, AK_BITMASK, 0),
	AH(ATTR_CONNLABELS_MASK, connlabels_mask, AK_BITMASK, 0),
	A(ATTR_ORIG_ZONE, orig.zone, AK_U16, AS_META),
	A(ATTR_REPL_ZONE, repl.zone, AK_U16, AS_META),
	A(ATTR_SNAT_IPV6, snat_addr, AK_BYTES, AS_META),
	A(ATTR_DNAT_IPV6, dnat_addr, AK_BYTES, AS_META),
	A(ATTR_SYNPROXY_ISN, synproxy_isn, AK_U32, AS_META),
	A(ATTR_SYNPROXY_ITS, synproxy_its, AK_U32, AS_META),
	A(ATTR_SYNPROXY_TSOFF, synproxy_tsoff, AK_U32, AS_META),
	AN(ATTR_TIMESTAMP_EVENT, timestamp_event, AK_U64, AS_META),
};

/* Free the bitmask or blob held in a heap-backed attribute slot. */
static void attr_free_heap(struct nf_conntrack *ct, int type)
{
	switch (attr_table[type].kind) {
	case AK_SECCTX:
		free(ct->secctx);
		ct->secctx = NULL;
		break;
	case AK_HELPER_INFO:
		free(ct->helper_info);
		ct->helper_info = NULL;
		ct->helper_info_len = 0;
		break;
	case AK_BITMASK: {
		struct nfct_bitmask **b = attr_ptr(ct, type);
		nfct_bitmask_destroy(*b);
		*b = NULL;
		break;
	}
	default:
		break;
	}
}

/*
 * Move an inline value of @size bytes: the sizes attributes have are
 * few, so each becomes a single load and store instead of a memcpy()
 * call with a size read at run time.
 */
static inline void move_inline(void *dst, const void *src, unsigned int size)
{
	switch (size) {
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
		memcpy(dst, src, size);
		break;
	}
}

void attr_store(struct nf_conntrack *ct, int type, const void *value,
		size_t len)
{
	const struct attr_desc *d = &attr_table[type];

	switch (d->kind) {
	case AK_STRING: {
		/* Truncate to the field, always terminated. */
		char *dst = attr_ptr(ct, type);
		strncpy(dst, value, d->size);
		dst[d->size - 1] = '\0';
		break;
	}
	case AK_SECCTX: {
		/* Only the parser gets here (the public setter does not
		 * store a context, see AF_NOSET). */
		char *str = strndup(value, len ? len : strlen(value));
		if (str == NULL)
			return;
		free(ct->secctx);
		ct->secctx = str;
		break;
	}
	case AK_HELPER_INFO: {
		void *blob = malloc(len ? len : 1);
		if (blob == NULL)
			return;
		memcpy(blob, value, len);
		free(ct->helper_info);
		ct->helper_info = blob;
		ct->helper_info_len = len;
		break;
	}
	case AK_BITMASK: {
		/* The object takes ownership of the caller's bitmask. */
		struct nfct_bitmask **b = attr_ptr(ct, type);
		if (*b != value)
			nfct_bitmask_destroy(*b);
		*b = (struct nfct_bitmask *)value;
		break;
	}
	default:
		move_inline(attr_ptr(ct, type), value, d->size);
		break;
	}
	attr_mark(ct, type);
}

void attr_copy(struct nf_conntrack *dst, const struct nf_conntrack *src,
	       int type)
{
	switch (attr_table[type].kind) {
	case AK_SECCTX:
		if (src->secctx != NULL) {
			char *s = strdup(src->secctx);
			if (s == NULL)
				return;
			free(dst->secctx);
			dst->secctx = s;
		}
		break;
	case AK_HELPER_INFO:
		if (src->helper_info == NULL)
			break;
		attr_store(dst, type, src->helper_info, src->helper_info_len);
		return;
	case AK_BITMASK: {
		const struct nfct_bitmask *b =
			*(struct nfct_bitmask *const *)attr_cptr(src, type);
		struct nfct_bitmask *c = b ? nfct_bitmask_clone(b) : NULL;
		if (b && c == NULL)
			return;
		attr_store(dst, type, c, 0);
		return;
	}
	default:
		move_inline(attr_ptr(dst, type), attr_cptr(src, type),
			    attr_table[type].size);
		break;
	}
	attr_mark(dst, type);
}

void object_release(struct nf_conntrack *ct)
{
	/* most objects own nothing: one test instead of four calls */
	if (ct->secctx == NULL && ct->helper_info == NULL &&
	    ct->connlabels == NULL && ct->connlabels_mask == NULL)
		return;
	attr_free_heap(ct, ATTR_SECCTX);
	attr_free_heap(ct, ATTR_HELPER_INFO);
	attr_free_heap(ct, ATTR_CONNLABELS);
	attr_free_heap(ct, ATTR_CONNLABELS_MASK);
}
