/*
 * JSON rendering of conntrack and expectation objects (RFC 8259), in the
 * schema doc/json.md describes (version JSON_SCHEMA_VERSION).
 *
 * The rules the schema makes, and why:
 * - Each value appears once: a tuple field lives in "orig" or "reply"
 *   only, the protocol family and number once at the top (a tuple
 *   repeats them only when it differs). Output is read by machines and
 *   stored in bulk, so a second copy only costs bytes and invites
 *   readers to disagree about which copy counts.
 * - A member appears only when its attribute is set, and the fields
 *   whose zero means "none" (mark, secmark, zones, status, labels,
 *   synproxy, sequence adjustment, TCP flags, timestamps, ...) are left
 *   out when zero: entries made by `conntrack -I` carry a zeroed
 *   synproxy block that says nothing.
 * - No two members share a name with different meanings: the event
 *   kind is "event", an ICMP type "icmp_type".
 * - Times are epoch nanoseconds ("*_ns", exact) next to RFC 3339 UTC
 *   text (for people and date parsers); that pair is the one place a
 *   value is written twice, on purpose.
 * - Strings are escaped so the output is always valid: control
 *   characters, quote and backslash get escapes, and bytes above 0x7e
 *   are written as \u00XX (never invalid UTF-8).
 */
#include <stdio.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <time.h>

#include "ext_internal.h"
#include "format.h"

/* Bumped when a member changes meaning or goes away (doc/json.md). */
#define JSON_SCHEMA_VERSION 1

/* snprintf-style output: writes what fits, counts everything. */
struct jb {
	char *buf;
	size_t size;
	size_t len;
	bool comma;	/* a member was written at this level */
};

static void put(struct jb *b, const char *s, size_t n)
{
	if (b->len < b->size) {
		size_t room = b->size - b->len;

		memcpy(b->buf + b->len, s, n < room ? n : room);
	}
	b->len += n;
}

static void put_qstr(struct jb *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	put(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
		size_t run = i;

		/* a run of plain characters goes out in one piece */
		while (run < n && (unsigned char)s[run] >= 0x20 &&
		       (unsigned char)s[run] < 0x7f && s[run] != '"' &&
		       s[run] != '\\')
			run++;
		if (run > i) {
			put(b, s + i, run - i);
			i = run - 1;
		} else if (c == '"' || c == '\\') {
			put(b, "\\", 1);
			put(b, (char *)&c, 1);
		} else {
			put(b, esc, 6);
		}
	}
	put(b, "\"", 1);
}

/* "key": -- with the comma the previous member needs; keys are plain */
static void key(struct jb *b, const char *k)
{
	char tmp[40];	/* the longest key is 20 bytes */
	size_t n = strlen(k), i = 0;

	if (b->comma)
		tmp[i++] = ',';
	b->comma = true;
	tmp[i++] = '"';
	memcpy(tmp + i, k, n);
	i += n;
	tmp[i++] = '"';
	tmp[i++] = ':';
	put(b, tmp, i);	/* one copy per member, not four */
}

/* Where a nested object started, to take it back if it stays empty. */
struct jmark {
	size_t len;
	bool comma;
};

static struct jmark open_obj(struct jb *b, const char *k)
{
	struct jmark m = { b->len, b->comma };

	if (k)
		key(b, k);
	put(b, "{", 1);
	b->comma = false;
	return m;
}

static void close_obj(struct jb *b)
{
	put(b, "}", 1);
	b->comma = true;
}

/*
 * Close a nested object, or take it back whole when nothing went in:
 * an empty object would only say "unset", which leaving it out says.
 * Bytes already copied into the buffer are overwritten by what follows
 * or cut off by the final NUL, so output and length stay consistent.
 */
static void close_or_drop(struct jb *b, struct jmark m)
{
	if (!b->comma) {
		b->len = m.len;
		b->comma = m.comma;
		return;
	}
	close_obj(b);
}

static void kv_u64(struct jb *b, const char *k, uint64_t v)
{
	char tmp[20];

	key(b, k);
	put(b, tmp, fmt_u64(tmp, v) - tmp);
}

/* Zero means "none" for these fields: leave them out. */
static void kv_nz(struct jb *b, const char *k, uint64_t v)
{
	if (v)
		kv_u64(b, k, v);
}

static void kv_str(struct jb *b, const char *k, const char *s)
{
	key(b, k);
	put_qstr(b, s, strlen(s));
}

/* An address of @family (AF_INET or AF_INET6) as a string. */
static void kv_addr(struct jb *b, const char *k, int family, const void *a)
{
	char tmp[INET6_ADDRSTRLEN + 4];
	char *e = family == AF_INET6 ? fmt_ipv6(tmp, a) : fmt_ipv4(tmp, a);

	key(b, k);
	put(b, "\"", 1);
	put(b, tmp, e - tmp);
	put(b, "\"", 1);
}

/* Epoch nanoseconds as "<k>_ns" and as RFC 3339 UTC text "<k>". */
static void kv_time(struct jb *b, const char *k, uint64_t ns)
{
	char name[32], tmp[48];
	time_t sec = (time_t)(ns / 1000000000u);
	struct tm tm;

	snprintf(name, sizeof(name), "%s_ns", k);
	kv_u64(b, name, ns);
	if (gmtime_r(&sec, &tm) == NULL)
		return;	/* not reachable: 2^64 ns is the year 2554 */
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (unsigned int)(ns % 1000000000u));
	kv_str(b, k, tmp);
}

/* ---- names ----------------------------------------------------------- */

/* Known numbers by name, others as their decimal number in a string. */
static void kv_name(struct jb *b, const char *k, const char *name,
		    unsigned int num)
{
	char tmp[12];

	if (name == NULL) {
		snprintf(tmp, sizeof(tmp), "%u", num);
		name = tmp;
	}
	kv_str(b, k, name);
}

static const char *l3_name(uint8_t l3)
{
	return l3 == AF_INET ? "ipv4" : l3 == AF_INET6 ? "ipv6" : NULL;
}

static const char *l4_name(uint8_t l4)
{
	switch (l4) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_UDPLITE: return "udplite";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	case IPPROTO_SCTP: return "sctp";
	case IPPROTO_DCCP: return "dccp";
	case IPPROTO_GRE: return "gre";
	default: return NULL;
	}
}

static const char *const tcp_states[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};
static const char *const sctp_states[] = {
	"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
	"HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};
static const char *const dccp_states[] = {
	"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ",
	"CLOSING", "TIMEWAIT", "IGNORE", "INVALID",
};

#define STATE(tab, s) ((s) < sizeof(tab) / sizeof(tab[0]) ? tab[s] : NULL)

/* IPS_* bit names, lower case, bit 0 first (conntrack(8) spelling). */
static const char *const status_names[] = {
	"expected", "seen_reply", "assured", "confirmed", "src_nat",
	"dst_nat", "seq_adjust", "src_nat_done", "dst_nat_done", "dying",
	"fixed_timeout", "template", "untracked", "helper", "offload",
	"hw_offload",
};

static const char *const exp_flag_names[] = {
	"permanent", "inactive", "userspace",
};

static const char *msg_name(unsigned int t)
{
	switch (t) {
	case NFCT_T_NEW: return "new";
	case NFCT_T_UPDATE: return "update";
	case NFCT_T_DESTROY: return "destroy";
	default: return NULL;
	}
}

/* A bit set as an array of names; bits without a name as "bitN". */
static void kv_flags(struct jb *b, const char *k, uint32_t v,
		     const char *const *names, unsigned int n)
{
	key(b, k);
	put(b, "[", 1);
	for (unsigned int i = 0; i < 32; i++) {
		char tmp[8];

		if (!(v & (1u << i)))
			continue;
		if (i < n) {
			put_qstr(b, names[i], strlen(names[i]));
		} else {
			snprintf(tmp, sizeof(tmp), "bit%u", i);
			put_qstr(b, tmp, strlen(tmp));
		}
		v &= ~(1u << i);
		if (v)
			put(b, ",", 1);
	}
	put(b, "]", 1);
}

/* ---- tuples ---------------------------------------------------------- */

/* Which attributes make up one tuple of a conntrack object. */
struct tuple_attrs {
	int l3, l4, v4src, v4dst, v6src, v6dst, sport, dport;
	/*
	 * ATTR_ICMP_* apply: the original tuple only. The attributes name
	 * the original's fields, and the reply's are implied by them (the
	 * same id, the answer's type), so writing them would say a value
	 * twice -- or, in an object built by hand, print unset bytes.
	 */
	bool icmp;
};

static const struct tuple_attrs orig_attrs = {
	ATTR_ORIG_L3PROTO, ATTR_ORIG_L4PROTO, ATTR_ORIG_IPV4_SRC,
	ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_SRC, ATTR_ORIG_IPV6_DST,
	ATTR_ORIG_PORT_SRC, ATTR_ORIG_PORT_DST, true,
};
static const struct tuple_attrs repl_attrs = {
	ATTR_REPL_L3PROTO, ATTR_REPL_L4PROTO, ATTR_REPL_IPV4_SRC,
	ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_SRC, ATTR_REPL_IPV6_DST,
	ATTR_REPL_PORT_SRC, ATTR_REPL_PORT_DST, false,
};
static const struct tuple_attrs master_attrs = {
	ATTR_MASTER_L3PROTO, ATTR_MASTER_L4PROTO, ATTR_MASTER_IPV4_SRC,
	ATTR_MASTER_IPV4_DST, ATTR_MASTER_IPV6_SRC, ATTR_MASTER_IPV6_DST,
	ATTR_MASTER_PORT_SRC, ATTR_MASTER_PORT_DST, false,
};

/* The object's family and protocol: "family" and "proto" at the top. */
struct top {
	int l3, l4;	/* -1: not given at the top */
};

static bool is_icmp(uint8_t l4)
{
	return l4 == IPPROTO_ICMP || l4 == IPPROTO_ICMPV6;
}

/*
 * The members of one tuple (no braces): family and protocol when they
 * differ from the top's, addresses, then ports, ICMP fields or GRE keys
 * as the protocol has them. @set is the attribute bitmap that says
 * which fields are present.
 */
static void tuple_members(struct jb *b, const struct nf_conntrack *ct,
			  const struct nfct_tuple *t,
			  const struct tuple_attrs *a, const struct top *top)
{
	bool has_l3 = attr_isset(ct, a->l3), has_l4 = attr_isset(ct, a->l4);
	bool v6 = attr_isset(ct, a->v6src) || attr_isset(ct, a->v6dst);
	bool v4 = attr_isset(ct, a->v4src) || attr_isset(ct, a->v4dst);
	int fam, l3 = -1, l4;

	/*
	 * The two address attributes share storage: the tuple's family
	 * decides how they read, else the attribute that was set. A tuple
	 * with addresses but no family of its own is of that family, which
	 * is written when the top does not already say it.
	 */
	if (has_l3)
		l3 = t->l3proto;
	else if (v4 || v6)
		l3 = v6 ? AF_INET6 : AF_INET;
	fam = l3 == AF_INET6 ? AF_INET6 : AF_INET;
	if (l3 >= 0 && top->l3 != l3)
		kv_name(b, "family", l3_name(l3), l3);
	if (has_l4 && top->l4 != t->l4proto)
		kv_name(b, "proto", l4_name(t->l4proto), t->l4proto);

	if (attr_isset(ct, a->v4src) || attr_isset(ct, a->v6src))
		kv_addr(b, "src", fam, &t->src);
	if (attr_isset(ct, a->v4dst) || attr_isset(ct, a->v6dst))
		kv_addr(b, "dst", fam, &t->dst);

	/* a tuple without a protocol of its own has the top's */
	l4 = has_l4 ? t->l4proto : top->l4;
	if (l4 >= 0 && is_icmp(l4)) {
		if (!a->icmp)
			return;
		if (attr_isset(ct, ATTR_ICMP_TYPE))
			kv_u64(b, "icmp_type", t->l4dst.icmp.type);
		if (attr_isset(ct, ATTR_ICMP_CODE))
			kv_u64(b, "icmp_code", t->l4dst.icmp.code);
		if (attr_isset(ct, ATTR_ICMP_ID))
			kv_u64(b, "icmp_id", ntohs(t->l4src.icmp_id));
	} else if (l4 == IPPROTO_GRE) {
		if (attr_isset(ct, a->sport))
			kv_u64(b, "src_key", ntohs(t->l4src.port));
		if (attr_isset(ct, a->dport))
			kv_u64(b, "dst_key", ntohs(t->l4dst.port));
	} else {
		if (attr_isset(ct, a->sport))
			kv_u64(b, "sport", ntohs(t->l4src.port));
		if (attr_isset(ct, a->dport))
			kv_u64(b, "dport", ntohs(t->l4dst.port));
	}
}

/* ---- conntrack ------------------------------------------------------- */

/* The protocol the private state (TCP, SCTP or DCCP, shared storage)
 * belongs to: the tuple's, else TCP's, which owns the most attributes. */
static uint8_t state_proto(const struct nf_conntrack *ct, const struct top *top)
{
	if (top->l4 == IPPROTO_SCTP || top->l4 == IPPROTO_DCCP)
		return top->l4;
	if (top->l4 < 0 && !attr_isset(ct, ATTR_TCP_STATE)) {
		if (attr_isset(ct, ATTR_SCTP_STATE))
			return IPPROTO_SCTP;
		if (attr_isset(ct, ATTR_DCCP_STATE))
			return IPPROTO_DCCP;
	}
	return IPPROTO_TCP;
}

/* One direction: its tuple, zone, counters and per-direction state. */
static void ct_dir(struct jb *b, const struct nf_conntrack *ct, int dir,
		   const struct top *top, uint8_t sp)
{
	bool o = dir == DIR_ORIG;
	const struct nfct_tuple *t = o ? &ct->orig : &ct->repl;
	const struct nfct_seqadj *sa = &ct->seqadj[dir];

	struct jmark m = open_obj(b, o ? "orig" : "reply");

	tuple_members(b, ct, t, o ? &orig_attrs : &repl_attrs, top);
	if (attr_isset(ct, o ? ATTR_ORIG_ZONE : ATTR_REPL_ZONE))
		kv_nz(b, "zone", t->zone);
	if (attr_isset(ct, o ? ATTR_ORIG_COUNTER_PACKETS : ATTR_REPL_COUNTER_PACKETS))
		kv_u64(b, "packets", ct->counters[dir].packets);
	if (attr_isset(ct, o ? ATTR_ORIG_COUNTER_BYTES : ATTR_REPL_COUNTER_BYTES))
		kv_u64(b, "bytes", ct->counters[dir].bytes);
	if (sp == IPPROTO_TCP) {
		if (attr_isset(ct, o ? ATTR_TCP_FLAGS_ORIG : ATTR_TCP_FLAGS_REPL))
			kv_nz(b, "flags", ct->tcp_flags[dir]);
		if (attr_isset(ct, o ? ATTR_TCP_MASK_ORIG : ATTR_TCP_MASK_REPL))
			kv_nz(b, "mask", ct->tcp_mask[dir]);
		if (attr_isset(ct, o ? ATTR_TCP_WSCALE_ORIG : ATTR_TCP_WSCALE_REPL))
			kv_nz(b, "wscale", ct->tcp_wscale[dir]);
	} else if (sp == IPPROTO_SCTP) {
		if (attr_isset(ct, o ? ATTR_SCTP_VTAG_ORIG : ATTR_SCTP_VTAG_REPL))
			kv_nz(b, "vtag", ct->sctp_vtag[dir]);
	}
	if (attr_isset(ct, o ? ATTR_ORIG_NAT_SEQ_CORRECTION_POS :
			       ATTR_REPL_NAT_SEQ_CORRECTION_POS))
		kv_nz(b, "seq_pos", sa->correction_pos);
	if (attr_isset(ct, o ? ATTR_ORIG_NAT_SEQ_OFFSET_BEFORE :
			       ATTR_REPL_NAT_SEQ_OFFSET_BEFORE))
		kv_nz(b, "seq_before", sa->offset_before);
	if (attr_isset(ct, o ? ATTR_ORIG_NAT_SEQ_OFFSET_AFTER :
			       ATTR_REPL_NAT_SEQ_OFFSET_AFTER))
		kv_nz(b, "seq_after", sa->offset_after);
	close_or_drop(b, m);
}

static bool bits_empty(const struct nfct_bitmask *m)
{
	for (unsigned int i = 0; m && i < m->words; i++)
		if (m->bits[i])
			return false;
	return true;
}

/* Label bits as an ascending array of bit numbers; left out if none. */
static void kv_bits(struct jb *b, const char *k, const struct nfct_bitmask *m)
{
	bool first = true;

	if (bits_empty(m))
		return;
	key(b, k);
	put(b, "[", 1);
	for (unsigned int i = 0; i < m->words * 32; i++) {
		char tmp[12];

		if (!(m->bits[i / 32] & (1u << (i % 32))))
			continue;
		if (!first)
			put(b, ",", 1);
		first = false;
		put(b, tmp, snprintf(tmp, sizeof(tmp), "%u", i));
	}
	put(b, "]", 1);
}

static void kv_hex(struct jb *b, const char *k, const void *p, uint32_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = p;

	key(b, k);
	put(b, "\"", 1);
	for (uint32_t i = 0; s && i < len; i++) {
		char two[2] = { hex[s[i] >> 4], hex[s[i] & 15] };

		put(b, two, 2);
	}
	put(b, "\"", 1);
}

/* NAT address and port of one kind ("snat" or "dnat"). */
static void ct_nat(struct jb *b, const struct nf_conntrack *ct, bool src)
{
	const union nfct_addr *a = src ? &ct->snat_addr : &ct->dnat_addr;

	if (attr_isset(ct, src ? ATTR_SNAT_IPV6 : ATTR_DNAT_IPV6))
		kv_addr(b, src ? "snat_addr" : "dnat_addr", AF_INET6, a);
	else if (attr_isset(ct, src ? ATTR_SNAT_IPV4 : ATTR_DNAT_IPV4))
		kv_addr(b, src ? "snat_addr" : "dnat_addr", AF_INET, a);
	if (attr_isset(ct, src ? ATTR_SNAT_PORT : ATTR_DNAT_PORT))
		kv_u64(b, src ? "snat_port" : "dnat_port",
		       ntohs(src ? ct->snat_port : ct->dnat_port));
}

static void ct_state(struct jb *b, const struct nf_conntrack *ct, uint8_t sp)
{
	if (sp == IPPROTO_SCTP && attr_isset(ct, ATTR_SCTP_STATE))
		kv_name(b, "state", STATE(sctp_states, ct->sctp_state),
			ct->sctp_state);
	else if (sp == IPPROTO_DCCP && attr_isset(ct, ATTR_DCCP_STATE))
		kv_name(b, "state", STATE(dccp_states, ct->dccp_state),
			ct->dccp_state);
	else if (sp == IPPROTO_TCP && attr_isset(ct, ATTR_TCP_STATE))
		kv_name(b, "state", STATE(tcp_states, ct->tcp_state),
			ct->tcp_state);
	if (sp == IPPROTO_DCCP) {
		if (attr_isset(ct, ATTR_DCCP_ROLE))
			kv_u64(b, "dccp_role", ct->dccp_role);
		if (attr_isset(ct, ATTR_DCCP_HANDSHAKE_SEQ))
			kv_nz(b, "dccp_handshake_seq", ct->dccp_handshake_seq);
	}
}

static void ct_synproxy(struct jb *b, const struct nf_conntrack *ct)
{
	uint32_t isn = attr_isset(ct, ATTR_SYNPROXY_ISN) ? ct->synproxy_isn : 0;
	uint32_t its = attr_isset(ct, ATTR_SYNPROXY_ITS) ? ct->synproxy_its : 0;
	uint32_t off = attr_isset(ct, ATTR_SYNPROXY_TSOFF) ?
		       ct->synproxy_tsoff : 0;

	/* the kernel reports a zeroed block for entries made from user
	 * space: all zero says nothing, so nothing is written */
	if (!(isn | its | off))
		return;
	(void)open_obj(b, "synproxy");
	kv_nz(b, "isn", isn);
	kv_nz(b, "its", its);
	kv_nz(b, "tsoff", off);
	close_obj(b);
}

static void kv_now(struct jb *b)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	kv_time(b, "time", (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec);
}

static void head(struct jb *b, const char *kind, unsigned int msg_type,
		 const struct top *top)
{
	(void)open_obj(b, NULL);
	kv_u64(b, "version", JSON_SCHEMA_VERSION);
	kv_str(b, "kind", kind);
	if (msg_name(msg_type))
		kv_str(b, "event", msg_name(msg_type));
	if (top->l3 >= 0)
		kv_name(b, "family", l3_name(top->l3), top->l3);
	if (top->l4 >= 0)
		kv_name(b, "proto", l4_name(top->l4), top->l4);
}

static int finish(struct jb *b)
{
	close_obj(b);
	if (b->size > 0)
		b->buf[b->len < b->size ? b->len : b->size - 1] = '\0';
	if (b->len > INT32_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	return (int)b->len;
}

/**
 * nfct_ext_snprintf_json - print a conntrack object as one JSON object
 * @buf: output buffer (may be NULL when @size is 0)
 * @size: size of @buf
 * @ct: the object
 * @msg_type: NFCT_T_NEW, NFCT_T_UPDATE or NFCT_T_DESTROY ("event"), or
 *	anything else (NFCT_T_UNKNOWN, as for a dump) for no "event"
 * @flags: NFCT_OF_TIME adds the current time ("time_ns" and "time");
 *	other NFCT_OF_* flags are ignored
 *
 * Writes one line-free JSON object in the schema of doc/json.md: always
 * "version" (the schema version, 1) and "kind" ("conntrack"); "event";
 * "family" and "proto"; "orig" and "reply" (tuple, zone, counters,
 * per-direction protocol state); then state, status, timeout, mark,
 * labels, NAT, helper, timestamps and the rest, each value once. A
 * member is written only when its attribute is set, and the fields
 * whose zero means "none" (mark, zones, synproxy, ...) are left out
 * when zero.
 *
 * Returns the length of the whole rendering without the NUL, as
 * snprintf(): when it is @size or more the output was truncated (and
 * is still NUL-terminated when @size > 0). Returns -1 with errno
 * EINVAL for a NULL object or a NULL @buf with a non-zero @size.
 */
NFCT_EXPORT int nfct_ext_snprintf_json(char *buf, unsigned int size,
				       const struct nf_conntrack *ct,
				       unsigned int msg_type, unsigned int flags)
{
	struct jb b = { buf, size, 0, false };
	struct top top = { -1, -1 };
	uint8_t sp;

	if (ct == NULL || (buf == NULL && size > 0)) {
		errno = EINVAL;
		return -1;
	}
	/* the top says what the original tuple says, else the reply's */
	if (attr_isset(ct, ATTR_ORIG_L3PROTO))
		top.l3 = ct->orig.l3proto;
	else if (attr_isset(ct, ATTR_REPL_L3PROTO))
		top.l3 = ct->repl.l3proto;
	if (attr_isset(ct, ATTR_ORIG_L4PROTO))
		top.l4 = ct->orig.l4proto;
	else if (attr_isset(ct, ATTR_REPL_L4PROTO))
		top.l4 = ct->repl.l4proto;
	sp = state_proto(ct, &top);

	head(&b, "conntrack", msg_type, &top);
	ct_dir(&b, ct, DIR_ORIG, &top, sp);
	ct_dir(&b, ct, DIR_REPL, &top, sp);
	ct_state(&b, ct, sp);
	if (attr_isset(ct, ATTR_STATUS) && ct->status)
		kv_flags(&b, "status", ct->status, status_names,
			 sizeof(status_names) / sizeof(status_names[0]));
	if (attr_isset(ct, ATTR_TIMEOUT))
		kv_u64(&b, "timeout", ct->timeout);
	if (attr_isset(ct, ATTR_MARK))
		kv_nz(&b, "mark", ct->mark);
	if (attr_isset(ct, ATTR_SECMARK))
		kv_nz(&b, "secmark", ct->secmark);
	if (attr_isset(ct, ATTR_ZONE))
		kv_nz(&b, "zone", ct->zone);
	if (attr_isset(ct, ATTR_USE))
		kv_u64(&b, "use", ct->use);
	if (attr_isset(ct, ATTR_ID))
		kv_nz(&b, "id", ct->id);
	if (attr_isset(ct, ATTR_CONNLABELS))
		kv_bits(&b, "labels", ct->connlabels);
	if (attr_isset(ct, ATTR_CONNLABELS_MASK))
		kv_bits(&b, "labels_mask", ct->connlabels_mask);
	if (attr_isset(ct, ATTR_SECCTX) && ct->secctx && ct->secctx[0])
		kv_str(&b, "secctx", ct->secctx);
	if (attr_isset(ct, ATTR_HELPER_NAME) && ct->helper_name[0]) {
		key(&b, "helper");
		put_qstr(&b, ct->helper_name,
			 strnlen(ct->helper_name, sizeof(ct->helper_name)));
	}
	if (attr_isset(ct, ATTR_HELPER_INFO) && ct->helper_info_len)
		kv_hex(&b, "helper_info", ct->helper_info, ct->helper_info_len);
	ct_nat(&b, ct, true);
	ct_nat(&b, ct, false);
	if (attr_isset(ct, ATTR_MASTER_L3PROTO) ||
	    attr_isset(ct, ATTR_MASTER_L4PROTO)) {
		/* a master tuple always names its own family and protocol */
		struct top none = { -1, -1 };
		struct jmark m = open_obj(&b, "master");

		tuple_members(&b, ct, &ct->master, &master_attrs, &none);
		close_or_drop(&b, m);
	}
	ct_synproxy(&b, ct);
	if (attr_isset(ct, ATTR_TIMESTAMP_START) && ct->timestamp_start)
		kv_time(&b, "start", ct->timestamp_start);
	if (attr_isset(ct, ATTR_TIMESTAMP_STOP) && ct->timestamp_stop)
		kv_time(&b, "stop", ct->timestamp_stop);
	if (attr_isset(ct, ATTR_TIMESTAMP_EVENT) && ct->timestamp_event)
		kv_time(&b, "event_time", ct->timestamp_event);
	if (flags & NFCT_OF_TIME)
		kv_now(&b);
	return finish(&b);
}

/* ---- expectations ---------------------------------------------------- */

static void exp_tuple(struct jb *b, const char *k, const struct ct_head *h,
		      const struct top *top)
{
	/* a ct_head is the start of a conntrack object: same bitmap */
	const struct nf_conntrack *ct = (const struct nf_conntrack *)h;
	struct jmark m = open_obj(b, k);

	tuple_members(b, ct, &h->orig, &orig_attrs, top);
	close_or_drop(b, m);
}

/**
 * nfexp_ext_snprintf_json - print an expectation as one JSON object
 * @buf: output buffer (may be NULL when @size is 0)
 * @size: size of @buf
 * @exp: the expectation
 * @msg_type: NFCT_T_NEW, NFCT_T_UPDATE or NFCT_T_DESTROY ("event"), or
 *	anything else for no "event"
 * @flags: NFCT_OF_TIME adds the current time ("time_ns" and "time")
 *
 * Writes one JSON object in the schema of doc/json.md: always "version"
 * and "kind" ("expect"); "event"; "family" and "proto" (of the expected
 * tuple); the "master", "expected", "mask" and "nat" tuples; "timeout",
 * "zone", "class", "id", "nat_dir", "helper", "expectfn" and "flags"
 * (names), each only when set and, where zero means none, not zero.
 *
 * Returns the length of the whole rendering, as snprintf(), or -1 with
 * errno EINVAL for a NULL expectation or a NULL @buf with a non-zero
 * @size.
 */
NFCT_EXPORT int nfexp_ext_snprintf_json(char *buf, unsigned int size,
					const struct nf_expect *exp,
					unsigned int msg_type, unsigned int flags)
{
	struct jb b = { buf, size, 0, false };
	struct top top = { -1, -1 };
	const struct ct_head *x;

	if (exp == NULL || (buf == NULL && size > 0)) {
		errno = EINVAL;
		return -1;
	}
	/* the top names the expected tuple's family, else the master's */
	x = exp_isset(exp, ATTR_EXP_EXPECTED) ? &exp->expected :
	    exp_isset(exp, ATTR_EXP_MASTER) ? &exp->master : NULL;
	if (x && attr_isset((const struct nf_conntrack *)x, ATTR_ORIG_L3PROTO))
		top.l3 = x->orig.l3proto;
	if (x && attr_isset((const struct nf_conntrack *)x, ATTR_ORIG_L4PROTO))
		top.l4 = x->orig.l4proto;

	head(&b, "expect", msg_type, &top);
	if (exp_isset(exp, ATTR_EXP_MASTER))
		exp_tuple(&b, "master", &exp->master, &top);
	if (exp_isset(exp, ATTR_EXP_EXPECTED))
		exp_tuple(&b, "expected", &exp->expected, &top);
	if (exp_isset(exp, ATTR_EXP_MASK))
		exp_tuple(&b, "mask", &exp->mask, &top);
	if (exp_isset(exp, ATTR_EXP_NAT_TUPLE))
		exp_tuple(&b, "nat", &exp->nat, &top);
	if (exp_isset(exp, ATTR_EXP_TIMEOUT))
		kv_u64(&b, "timeout", exp->timeout);
	if (exp_isset(exp, ATTR_EXP_ZONE))
		kv_nz(&b, "zone", exp->zone);
	if (exp_isset(exp, ATTR_EXP_CLASS))
		kv_nz(&b, "class", exp->class);
	kv_nz(&b, "id", exp->id);
	if (exp_isset(exp, ATTR_EXP_NAT_DIR))
		kv_name(&b, "nat_dir", exp->nat_dir == 0 ? "orig" :
			exp->nat_dir == 1 ? "reply" : NULL, exp->nat_dir);
	if (exp_isset(exp, ATTR_EXP_HELPER_NAME) && exp->helper_name[0]) {
		key(&b, "helper");
		put_qstr(&b, exp->helper_name,
			 strnlen(exp->helper_name, sizeof(exp->helper_name)));
	}
	if (exp_isset(exp, ATTR_EXP_FN) && exp->expectfn[0]) {
		key(&b, "expectfn");
		put_qstr(&b, exp->expectfn,
			 strnlen(exp->expectfn, sizeof(exp->expectfn)));
	}
	if (exp_isset(exp, ATTR_EXP_FLAGS) && exp->flags)
		kv_flags(&b, "flags", exp->flags, exp_flag_names,
			 sizeof(exp_flag_names) / sizeof(exp_flag_names[0]));
	if (flags & NFCT_OF_TIME)
		kv_now(&b);
	return finish(&b);
}
