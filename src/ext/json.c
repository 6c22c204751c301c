/*
 * JSON rendering of conntrack and expectation objects (RFC 8259).
 *
 * The structured part carries what the XML format carries (tuples with
 * protocol numbers and names, counters, state, timeout, mark, labels,
 * secmark, secctx, zone, use, id, assured/unreplied, timestamps); the
 * "attrs" object then lists every attribute that is set, by its
 * ATTR_* name, so that nothing the object holds is lost.
 *
 * Strings are escaped so the output is always valid: control
 * characters, quote and backslash get escapes, and bytes above 0x7f
 * are written as \u00XX (never invalid UTF-8).
 */
#include <stdio.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <time.h>

#include "ext_internal.h"

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

static void puts_(struct jb *b, const char *s)
{
	put(b, s, strlen(s));
}

static void put_qstr(struct jb *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	put(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

		if (c == '"' || c == '\\') {
			put(b, "\\", 1);
			put(b, (char *)&c, 1);
		} else if (c < 0x20 || c >= 0x7f) {
			put(b, esc, 6);
		} else {
			put(b, (char *)&c, 1);
		}
	}
	put(b, "\"", 1);
}

/* "key": -- with the comma the previous member needs */
static void key(struct jb *b, const char *k)
{
	if (b->comma)
		put(b, ",", 1);
	b->comma = true;
	put_qstr(b, k, strlen(k));
	put(b, ":", 1);
}

static void open_obj(struct jb *b, const char *k)
{
	if (k)
		key(b, k);
	put(b, "{", 1);
	b->comma = false;
}

static void close_obj(struct jb *b)
{
	put(b, "}", 1);
	b->comma = true;
}

static void kv_u64(struct jb *b, const char *k, uint64_t v)
{
	char tmp[24];

	key(b, k);
	put(b, tmp, snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v));
}

static void kv_str(struct jb *b, const char *k, const char *s)
{
	key(b, k);
	put_qstr(b, s, strlen(s));
}

static void kv_bool(struct jb *b, const char *k, bool v)
{
	key(b, k);
	puts_(b, v ? "true" : "false");
}

static void kv_addr(struct jb *b, const char *k, int family, const void *a)
{
	char tmp[INET6_ADDRSTRLEN];

	if (inet_ntop(family, a, tmp, sizeof(tmp)) == NULL)
		strcpy(tmp, "?");
	kv_str(b, k, tmp);
}

/* ---- names ----------------------------------------------------------- */

static const char *l3_name(uint8_t l3)
{
	return l3 == AF_INET ? "ipv4" : l3 == AF_INET6 ? "ipv6" : "unknown";
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
	default: return "unknown";
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

#define STATE(tab, s) ((s) < sizeof(tab) / sizeof(tab[0]) ? tab[s] : "UNKNOWN")

static const char *msg_name(unsigned int t)
{
	switch (t) {
	case NFCT_T_NEW: return "new";
	case NFCT_T_UPDATE: return "update";
	case NFCT_T_DESTROY: return "destroy";
	default: return "unknown";
	}
}

/* ---- conntrack ------------------------------------------------------- */

static void proto(struct jb *b, const char *k, uint8_t num, const char *name)
{
	open_obj(b, k);
	kv_u64(b, "num", num);
	kv_str(b, "name", name);
	close_obj(b);
}

static bool has_ports(uint8_t l4)
{
	return l4 == IPPROTO_TCP || l4 == IPPROTO_UDP ||
	       l4 == IPPROTO_UDPLITE || l4 == IPPROTO_SCTP ||
	       l4 == IPPROTO_DCCP;
}

static void tuple(struct jb *b, const char *k, const struct nfct_tuple *t)
{
	int fam = t->l3proto == AF_INET6 ? AF_INET6 : AF_INET;

	open_obj(b, k);
	proto(b, "l3proto", t->l3proto, l3_name(t->l3proto));
	kv_addr(b, "src", fam, &t->src);
	kv_addr(b, "dst", fam, &t->dst);
	proto(b, "l4proto", t->l4proto, l4_name(t->l4proto));
	if (has_ports(t->l4proto)) {
		kv_u64(b, "sport", ntohs(t->l4src.port));
		kv_u64(b, "dport", ntohs(t->l4dst.port));
	} else if (t->l4proto == IPPROTO_ICMP || t->l4proto == IPPROTO_ICMPV6) {
		kv_u64(b, "type", t->l4dst.icmp.type);
		kv_u64(b, "code", t->l4dst.icmp.code);
		kv_u64(b, "id", ntohs(t->l4src.icmp_id));
	} else if (t->l4proto == IPPROTO_GRE) {
		kv_u64(b, "srckey", ntohs(t->l4src.port));
		kv_u64(b, "dstkey", ntohs(t->l4dst.port));
	}
}

static void ct_dir(struct jb *b, const struct nf_conntrack *ct, int dir)
{
	const struct nfct_tuple *t = dir == DIR_ORIG ? &ct->orig : &ct->repl;
	int zattr = dir == DIR_ORIG ? ATTR_ORIG_ZONE : ATTR_REPL_ZONE;
	int pattr = dir == DIR_ORIG ? ATTR_ORIG_COUNTER_PACKETS :
				      ATTR_REPL_COUNTER_PACKETS;
	int battr = dir == DIR_ORIG ? ATTR_ORIG_COUNTER_BYTES :
				      ATTR_REPL_COUNTER_BYTES;

	tuple(b, dir == DIR_ORIG ? "original" : "reply", t);
	if (attr_isset(ct, zattr))
		kv_u64(b, "zone", t->zone);
	if (attr_isset(ct, pattr) || attr_isset(ct, battr)) {
		open_obj(b, "counters");
		kv_u64(b, "packets", ct->counters[dir].packets);
		kv_u64(b, "bytes", ct->counters[dir].bytes);
		close_obj(b);
	}
	close_obj(b);
}

static void bit_list(struct jb *b, const char *k, const struct nfct_bitmask *m)
{
	bool first = true;

	key(b, k);
	put(b, "[", 1);
	for (unsigned int i = 0; m && i < m->words * 32; i++) {
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

static void ct_independent(struct jb *b, const struct nf_conntrack *ct)
{
	open_obj(b, "independent");
	/* the three states share storage: name it after the protocol */
	if (attr_isset(ct, ATTR_SCTP_STATE) && ct->orig.l4proto == IPPROTO_SCTP)
		kv_str(b, "state", STATE(sctp_states, ct->sctp_state));
	else if (attr_isset(ct, ATTR_DCCP_STATE) && ct->orig.l4proto == IPPROTO_DCCP)
		kv_str(b, "state", STATE(dccp_states, ct->dccp_state));
	else if (attr_isset(ct, ATTR_TCP_STATE))
		kv_str(b, "state", STATE(tcp_states, ct->tcp_state));
	else if (attr_isset(ct, ATTR_SCTP_STATE))
		kv_str(b, "state", STATE(sctp_states, ct->sctp_state));
	else if (attr_isset(ct, ATTR_DCCP_STATE))
		kv_str(b, "state", STATE(dccp_states, ct->dccp_state));
	if (attr_isset(ct, ATTR_TIMEOUT))
		kv_u64(b, "timeout", ct->timeout);
	if (attr_isset(ct, ATTR_MARK))
		kv_u64(b, "mark", ct->mark);
	if (attr_isset(ct, ATTR_CONNLABELS))
		bit_list(b, "labels", ct->connlabels);
	if (attr_isset(ct, ATTR_SECMARK))
		kv_u64(b, "secmark", ct->secmark);
	if (attr_isset(ct, ATTR_SECCTX) && ct->secctx)
		kv_str(b, "secctx", ct->secctx);
	if (attr_isset(ct, ATTR_ZONE))
		kv_u64(b, "zone", ct->zone);
	if (attr_isset(ct, ATTR_USE))
		kv_u64(b, "use", ct->use);
	if (attr_isset(ct, ATTR_ID))
		kv_u64(b, "id", ct->id);
	if (attr_isset(ct, ATTR_STATUS)) {
		kv_bool(b, "assured", ct->status & IPS_ASSURED);
		kv_bool(b, "unreplied", !(ct->status & IPS_SEEN_REPLY));
	}
	if (attr_isset(ct, ATTR_TIMESTAMP_START) ||
	    attr_isset(ct, ATTR_TIMESTAMP_STOP)) {
		open_obj(b, "timestamp");
		if (attr_isset(ct, ATTR_TIMESTAMP_START))
			kv_u64(b, "start", ct->timestamp_start);
		if (attr_isset(ct, ATTR_TIMESTAMP_STOP))
			kv_u64(b, "stop", ct->timestamp_stop);
		close_obj(b);
	}
	close_obj(b);
}

/* "ATTR_ORIG_IPV4_SRC" -> "orig_ipv4_src" */
static void attr_key(struct jb *b, const char *name)
{
	char tmp[48];
	size_t i = 0;

	if (strncmp(name, "ATTR_", 5) == 0)
		name += 5;
	for (; name[i] && i < sizeof(tmp) - 1; i++)
		tmp[i] = name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i];
	tmp[i] = '\0';
	key(b, tmp);
}

static void attr_value(struct jb *b, const struct nf_conntrack *ct, int type)
{
	const struct attr_desc *d = &attr_table[type];
	const void *p = attr_cptr(ct, type);
	char tmp[INET6_ADDRSTRLEN];
	uint64_t v = 0;

	switch (d->kind) {
	case AK_U8: v = *(const uint8_t *)p; break;
	case AK_U16: { uint16_t x; memcpy(&x, p, 2); v = x; break; }
	case AK_U32: { uint32_t x; memcpy(&x, p, 4); v = x; break; }
	case AK_U64: memcpy(&v, p, 8); break;
	case AK_BYTES:
		inet_ntop(AF_INET6, p, tmp, sizeof(tmp));
		put_qstr(b, tmp, strlen(tmp));
		return;
	case AK_STRING:
		put_qstr(b, p, strnlen(p, d->size));
		return;
	case AK_SECCTX:
		if (ct->secctx)
			put_qstr(b, ct->secctx, strlen(ct->secctx));
		else
			puts_(b, "null");
		return;
	case AK_HELPER_INFO:
		put(b, "\"", 1);
		for (uint32_t i = 0; ct->helper_info && i < ct->helper_info_len; i++) {
			snprintf(tmp, sizeof(tmp), "%02x",
				 ((const unsigned char *)ct->helper_info)[i]);
			put(b, tmp, 2);
		}
		put(b, "\"", 1);
		return;
	case AK_BITMASK:
		/* bit_list writes its own key: undo ours */
		return;
	}
	/* addresses and ports are stored in network order */
	if (strstr(d->name, "IPV4")) {
		inet_ntop(AF_INET, p, tmp, sizeof(tmp));
		put_qstr(b, tmp, strlen(tmp));
		return;
	}
	if (strstr(d->name, "PORT") || type == ATTR_ICMP_ID)
		v = ntohs((uint16_t)v);
	put(b, tmp, snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v));
}

static void ct_attrs(struct jb *b, const struct nf_conntrack *ct)
{
	open_obj(b, "attrs");
	for (int t = 0; t < ATTR_MAX; t++) {
		if (!attr_isset(ct, t) || attr_table[t].name == NULL)
			continue;
		if (attr_table[t].kind == AK_BITMASK) {
			char k[48];
			size_t i;
			const char *n = attr_table[t].name + 5;

			for (i = 0; n[i] && i < sizeof(k) - 1; i++)
				k[i] = n[i] >= 'A' && n[i] <= 'Z' ? n[i] + 32 : n[i];
			k[i] = '\0';
			bit_list(b, k, t == ATTR_CONNLABELS ? ct->connlabels :
				 ct->connlabels_mask);
			continue;
		}
		attr_key(b, attr_table[t].name);
		attr_value(b, ct, t);
	}
	close_obj(b);
}

static void when(struct jb *b)
{
	time_t t = time(NULL);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	open_obj(b, "when");
	kv_u64(b, "hour", tm.tm_hour);
	kv_u64(b, "min", tm.tm_min);
	kv_u64(b, "sec", tm.tm_sec);
	kv_u64(b, "wday", tm.tm_wday + 1);
	kv_u64(b, "day", tm.tm_mday);
	kv_u64(b, "month", tm.tm_mon + 1);
	kv_u64(b, "year", tm.tm_year + 1900);
	close_obj(b);
}

static int finish(struct jb *b)
{
	if (b->size > 0)
		b->buf[b->len < b->size ? b->len : b->size - 1] = '\0';
	return b->len > INT32_MAX ? -1 : (int)b->len;
}

/**
 * nfct_ext_snprintf_json - print a conntrack object as one JSON object
 * @buf: output buffer (may be NULL when @size is 0)
 * @size: size of @buf
 * @ct: the object
 * @msg_type: NFCT_T_NEW, NFCT_T_UPDATE, NFCT_T_DESTROY or NFCT_T_UNKNOWN
 * @flags: NFCT_OF_TIME adds the current local time ("when")
 *
 * Members: "type", "original" and "reply" (tuples, zone, counters),
 * "independent" (what XML's independent element holds) and "attrs"
 * (every attribute set, named after ATTR_*, lowercase, without the
 * prefix; addresses as strings, ports in host order, labels as bit
 * lists). Absent attributes are left out, never printed as zero.
 *
 * Returns the length of the whole rendering, as snprintf() (truncated
 * output is still NUL-terminated), or -1 with errno EINVAL for a NULL
 * object or a NULL @buf with a non-zero @size.
 */
NFCT_EXPORT int nfct_ext_snprintf_json(char *buf, unsigned int size,
				       const struct nf_conntrack *ct,
				       unsigned int msg_type, unsigned int flags)
{
	struct jb b = { buf, size, 0, false };

	if (ct == NULL || (buf == NULL && size > 0)) {
		errno = EINVAL;
		return -1;
	}
	open_obj(&b, NULL);
	kv_str(&b, "type", msg_name(msg_type));
	if (attr_isset(ct, ATTR_ORIG_L3PROTO))
		ct_dir(&b, ct, DIR_ORIG);
	if (attr_isset(ct, ATTR_REPL_L3PROTO))
		ct_dir(&b, ct, DIR_REPL);
	ct_independent(&b, ct);
	ct_attrs(&b, ct);
	if (flags & NFCT_OF_TIME)
		when(&b);
	close_obj(&b);
	return finish(&b);
}

/* ---- expectations ---------------------------------------------------- */

static void exp_tuple(struct jb *b, const char *k, const struct ct_head *h)
{
	tuple(b, k, &h->orig);
	close_obj(b);
}

/**
 * nfexp_ext_snprintf_json - print an expectation as one JSON object
 * @buf: output buffer (may be NULL when @size is 0)
 * @size: size of @buf
 * @exp: the expectation
 * @msg_type: NFCT_T_NEW, NFCT_T_UPDATE, NFCT_T_DESTROY or NFCT_T_UNKNOWN
 * @flags: NFCT_OF_TIME adds the current local time ("when")
 *
 * Members: "type"; "master", "expected", "mask" and "nat" tuples;
 * "timeout", "zone", "class", "id", "nat_dir", "helper_name", "expectfn"
 * and "flags" (the value and permanent/inactive/userspace booleans),
 * each only when set.
 *
 * Returns the length of the whole rendering, as snprintf(), or -1 with
 * errno EINVAL.
 */
NFCT_EXPORT int nfexp_ext_snprintf_json(char *buf, unsigned int size,
					const struct nf_expect *exp,
					unsigned int msg_type, unsigned int flags)
{
	struct jb b = { buf, size, 0, false };

	if (exp == NULL || (buf == NULL && size > 0)) {
		errno = EINVAL;
		return -1;
	}
	open_obj(&b, NULL);
	kv_str(&b, "type", msg_name(msg_type));
	if (exp_isset(exp, ATTR_EXP_MASTER))
		exp_tuple(&b, "master", &exp->master);
	if (exp_isset(exp, ATTR_EXP_EXPECTED))
		exp_tuple(&b, "expected", &exp->expected);
	if (exp_isset(exp, ATTR_EXP_MASK))
		exp_tuple(&b, "mask", &exp->mask);
	if (exp_isset(exp, ATTR_EXP_NAT_TUPLE))
		exp_tuple(&b, "nat", &exp->nat);
	if (exp_isset(exp, ATTR_EXP_TIMEOUT))
		kv_u64(&b, "timeout", exp->timeout);
	if (exp_isset(exp, ATTR_EXP_ZONE))
		kv_u64(&b, "zone", exp->zone);
	if (exp_isset(exp, ATTR_EXP_CLASS))
		kv_u64(&b, "class", exp->class);
	if (exp->id)
		kv_u64(&b, "id", exp->id);
	if (exp_isset(exp, ATTR_EXP_NAT_DIR))
		kv_u64(&b, "nat_dir", exp->nat_dir);
	if (exp_isset(exp, ATTR_EXP_HELPER_NAME)) {
		key(&b, "helper_name");
		put_qstr(&b, exp->helper_name,
			 strnlen(exp->helper_name, sizeof(exp->helper_name)));
	}
	if (exp_isset(exp, ATTR_EXP_FN)) {
		key(&b, "expectfn");
		put_qstr(&b, exp->expectfn,
			 strnlen(exp->expectfn, sizeof(exp->expectfn)));
	}
	if (exp_isset(exp, ATTR_EXP_FLAGS)) {
		open_obj(&b, "flags");
		kv_u64(&b, "value", exp->flags);
		kv_bool(&b, "permanent", exp->flags & NF_CT_EXPECT_PERMANENT);
		kv_bool(&b, "inactive", exp->flags & NF_CT_EXPECT_INACTIVE);
		kv_bool(&b, "userspace", exp->flags & NF_CT_EXPECT_USERSPACE);
		close_obj(&b);
	}
	if (flags & NFCT_OF_TIME)
		when(&b);
	close_obj(&b);
	return finish(&b);
}
