/*
 * Text and XML formatting of conntrack objects (nfct_snprintf).
 *
 * The output must be byte-identical to the original library, including
 * what ends up in a buffer that is too small: the original builds the
 * text with a series of snprintf() calls, so a short buffer holds the
 * first size-1 bytes of the full text and a NUL, and the return value is
 * the length of the full text. We get the same result with one cursor
 * (struct fbuf) that counts every byte but stores only those that fit,
 * and write numbers and addresses ourselves instead of calling snprintf
 * per field, which is where the time goes when listing big tables.
 */
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "object.h"
#include "format.h"

/* IPS_* status bits (linux/netfilter/nf_conntrack_common.h). */
#define ST_SEEN_REPLY	(1u << 1)
#define ST_ASSURED	(1u << 2)
#define ST_OFFLOAD	(1u << 14)
#define ST_HW_OFFLOAD	(1u << 15)

/* Output cursor: @len counts the full text, bytes past @size are lost. */
struct fbuf {
	char *p;
	size_t size;
	size_t len;
};

/* put_mem() near or past the end of the buffer: store what fits. */
static __attribute__((noinline)) void put_mem_cut(struct fbuf *b,
						  const char *s, size_t n)
{
	if (b->len < b->size) {
		size_t room = b->size - b->len;
		memcpy(b->p + b->len, s, n < room ? n : room);
	}
	b->len += n;
}

/*
 * Everything below is inline and checks the room once per piece, so
 * the cursor stays in registers and literals become plain stores.
 */
static inline void put_mem(struct fbuf *b, const char *s, size_t n)
{
	if (likely(b->len + n <= b->size)) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
		return;
	}
	put_mem_cut(b, s, n);
}

static inline void put_char(struct fbuf *b, char c)
{
	if (b->len < b->size)
		b->p[b->len] = c;
	b->len++;
}

static inline void put_str(struct fbuf *b, const char *s)
{
	put_mem(b, s, strlen(s));
}

/* A string literal: its length is known at compile time. */
#define PUT_LIT(b, lit) put_mem((b), (lit), sizeof(lit) - 1)

/*
 * Some pieces (the XML port block) count only the bytes that fit, not
 * their full length, when the buffer runs out inside them: the original
 * formats them in a helper that returns what it stored. Call with the
 * length before the piece was written.
 */
static void fbuf_cap(struct fbuf *b, size_t start)
{
	size_t room = start < b->size ? b->size - start : 0;

	if (b->len - start > room)
		b->len = start + room;
}

/* No room left: label names are not even counted any more. */
static inline bool fbuf_full(const struct fbuf *b)
{
	return b->len >= b->size;
}

/* NUL-terminate at the end of the text, or at the last byte. */
static void fbuf_finish(struct fbuf *b)
{
	b->p[b->len < b->size ? b->len : b->size - 1] = '\0';
}

/* "00" to "99": two digits per division. */
static const char digits2[200] =
	"00010203040506070809" "10111213141516171819"
	"20212223242526272829" "30313233343536373839"
	"40414243444546474849" "50515253545556575859"
	"60616263646566676869" "70717273747576777879"
	"80818283848586878889" "90919293949596979899";

/* Decimal digits of @v, from the bit length (no loop). */
static inline unsigned int dec_len(uint32_t v)
{
	static const uint32_t pow10[10] = {
		0, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
		100000000, 1000000000,
	};
	unsigned int t = (32 - __builtin_clz(v | 1)) * 1233 >> 12;

	return t + 1 - (v < pow10[t]);
}

/* Write @v in decimal at @q (at most 10 bytes), return the length. */
static inline unsigned int fmt_u32(char *q, uint32_t v)
{
	unsigned int n = dec_len(v);
	char *e = q + n;

	while (v >= 100) {
		e -= 2;
		memcpy(e, digits2 + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(e - 2, digits2 + 2 * v, 2);
	else
		e[-1] = '0' + v;
	return n;
}

static inline void put_u32(struct fbuf *b, uint32_t v)
{
	char tmp[10];

	if (likely(b->len + sizeof(tmp) <= b->size)) {
		b->len += fmt_u32(b->p + b->len, v);
		return;
	}
	put_mem_cut(b, tmp, fmt_u32(tmp, v));
}

char *fmt_u64(char *q, uint64_t v)
{
	char tmp[20];
	char *e = tmp + sizeof(tmp), *p = e;

	if (v <= UINT32_MAX)
		return q + fmt_u32(q, v);
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	memcpy(q, p, e - p);
	return q + (e - p);
}

static void put_u64(struct fbuf *b, uint64_t v)
{
	char tmp[20];

	if (v <= UINT32_MAX) {
		put_u32(b, v);
		return;
	}
	put_mem(b, tmp, fmt_u64(tmp, v) - tmp);
}

static const char hexdig[] = "0123456789abcdef";

/* Lower-case hex without leading zeros, as printf's %x. */
static char *fmt_hex(char *q, unsigned int v)
{
	char tmp[8];
	int n = 0;

	do {
		tmp[n++] = hexdig[v & 15];
		v >>= 4;
	} while (v);
	while (n)
		*q++ = tmp[--n];
	return q;
}

/*
 * Every byte value as text followed by a dot, padded to 4 bytes, and
 * its length with the dot: a dotted quad is four table stores.
 */
#define OCT_C0(v) ((v) >= 100 ? '0' + (v) / 100 : (v) >= 10 ? '0' + (v) / 10 : '0' + (v))
#define OCT_C1(v) ((v) >= 100 ? '0' + (v) / 10 % 10 : (v) >= 10 ? '0' + (v) % 10 : '.')
#define OCT_C2(v) ((v) >= 100 ? '0' + (v) % 10 : '.')
#define OCT(v) { { OCT_C0(v), OCT_C1(v), OCT_C2(v), '.' }, \
		 2 + ((v) >= 10) + ((v) >= 100) }
#define OCT4(v) OCT(v), OCT((v) + 1), OCT((v) + 2), OCT((v) + 3)
#define OCT16(v) OCT4(v), OCT4((v) + 4), OCT4((v) + 8), OCT4((v) + 12)
#define OCT64(v) OCT16(v), OCT16((v) + 16), OCT16((v) + 32), OCT16((v) + 48)

static const struct {
	char c[4];
	uint8_t n;
} octet_text[256] = { OCT64(0), OCT64(64), OCT64(128), OCT64(192) };

/*
 * Dotted quad of an address stored in network order, as inet_ntop,
 * into @q, which must have room for 16 bytes: the bytes after the text
 * are scratch.
 */
char *fmt_ipv4(char *q, const void *addr)
{
	const uint8_t *a = addr;

	for (int i = 0; i < 4; i++) {
		memcpy(q, octet_text[a[i]].c, 4);
		q += octet_text[a[i]].n;
	}
	return q - 1;
}

/*
 * IPv6 text as glibc's inet_ntop: the longest run (first on a tie) of
 * two or more zero groups becomes "::", and ::a.b.c.d / ::ffff:a.b.c.d
 * (except ::1 and ::) keep the IPv4 part dotted.
 */
char *fmt_ipv6(char *q, const void *addr)
{
	const uint8_t *a = addr;
	unsigned int w[8];
	int best = -1, best_len = 0, cur = -1, cur_len = 0;

	for (int i = 0; i < 8; i++) {
		w[i] = (a[2 * i] << 8) | a[2 * i + 1];
		if (w[i] == 0) {
			if (cur < 0) {
				cur = i;
				cur_len = 0;
			}
			if (++cur_len > best_len) {
				best = cur;
				best_len = cur_len;
			}
		} else {
			cur = -1;
		}
	}
	if (best_len < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				*q++ = ':';
			continue;
		}
		if (i)
			*q++ = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 7 && w[7] != 1) ||
		     (best_len == 5 && w[5] == 0xffff)))
			return fmt_ipv4(q, a + 12);
		q = fmt_hex(q, w[i]);
	}
	if (best >= 0 && best + best_len == 8)
		*q++ = ':';
	return q;
}

/* Copy the 7 to 15 bytes of a dotted quad exactly: two overlapping
 * fixed-size moves instead of a memcpy() call. */
static inline void copy_7_15(char *d, const char *s, size_t n)
{
	if (n >= 8) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	}
}

static inline void put_addr(struct fbuf *b, uint8_t l3,
			    const union nfct_addr *a)
{
	/* room for the text plus fmt_ipv4()'s scratch bytes */
	char tmp[INET6_ADDRSTRLEN + 4];
	size_t n;

	if (likely(l3 == AF_INET)) {
		n = fmt_ipv4(tmp, &a->v4) - tmp;
		if (likely(b->len + 16 <= b->size)) {
			copy_7_15(b->p + b->len, tmp, n);
			b->len += n;
			return;
		}
	} else if (l3 == AF_INET6) {
		n = fmt_ipv6(tmp, a->v6) - tmp;
	} else {
		return;
	}
	put_mem(b, tmp, n);
}

static void put_hex16(struct fbuf *b, unsigned int v)
{
	char tmp[8];

	put_mem(b, tmp, fmt_hex(tmp, v) - tmp);
}

/* ---- names ----------------------------------------------------------- */

static const char *l3_name(uint8_t l3)
{
	switch (l3) {
	case AF_INET:
		return "ipv4";
	case AF_INET6:
		return "ipv6";
	default:
		return "unknown";
	}
}

static const char *l4_name(uint8_t l4)
{
	switch (l4) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_UDPLITE:
		return "udplite";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_DCCP:
		return "dccp";
	case IPPROTO_GRE:
		return "gre";
	default:
		return "unknown";
	}
}

#define NSTATES 10

static const char *const tcp_states[NSTATES] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

static const char *const sctp_states[NSTATES] = {
	"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
	"HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};

static const char *const dccp_states[NSTATES] = {
	"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ",
	"CLOSING", "TIMEWAIT", "IGNORE", "INVALID",
};

/* Unknown states print as the first entry, "NONE". */
static const char *state_name(const char *const *tab, uint8_t s)
{
	return tab[s < NSTATES ? s : 0];
}

/* Name padded to 8 columns, a space, the number, a space ("%-8s %u "). */
static inline void put_proto(struct fbuf *b, const char *name, uint8_t num)
{
	size_t n;

	/* the names are short: copy them by hand, pad with one store */
	if (likely(b->len + 8 + 1 + 3 + 1 <= b->size)) {
		char *q = b->p + b->len;

		memcpy(q, "         ", 9);
		for (n = 0; n < 8 && name[n]; n++)
			q[n] = name[n];
		if (likely(name[n] == '\0')) {
			q += 9;
			q += fmt_u32(q, num);
			*q++ = ' ';
			b->len = q - b->p;
			return;
		}
	}
	n = strlen(name);
	put_mem(b, name, n);
	while (n++ < 8)
		put_char(b, ' ');
	put_char(b, ' ');
	put_u32(b, num);
	put_char(b, ' ');
}

static bool l4_has_ports(uint8_t l4)
{
	return l4 == IPPROTO_TCP || l4 == IPPROTO_UDP ||
	       l4 == IPPROTO_UDPLITE || l4 == IPPROTO_SCTP ||
	       l4 == IPPROTO_DCCP;
}

/* Seconds part of a nanosecond timestamp. */
static uint64_t ts_sec(uint64_t ns)
{
	return ns / 1000000000ull;
}

/*
 * Seconds between start and stop, or start and now while alive. Plain
 * text subtracts whole seconds and treats a zero stop time as still
 * running; XML (@xml) subtracts nanoseconds and goes by whether the
 * stop time is set at all.
 */
static uint64_t delta_time(const struct nf_conntrack *ct, bool xml)
{
	uint64_t end;

	if (xml && attr_isset(ct, ATTR_TIMESTAMP_STOP))
		return ts_sec(ct->timestamp_stop - ct->timestamp_start);
	if (!xml && ct->timestamp_stop != 0)
		end = ts_sec(ct->timestamp_stop);
	else
		end = (uint64_t)time(NULL);
	return end - ts_sec(ct->timestamp_start);
}

static char *fmt_2d(char *q, int v)
{
	*q++ = '0' + v / 10 % 10;
	*q++ = '0' + v % 10;
	return q;
}

/* Local time as ctime() without its newline: "Tue Nov 14 22:13:20 2023". */
static void put_ctime(struct fbuf *b, uint64_t sec)
{
	static const char wday[] = "SunMonTueWedThuFriSat";
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	time_t t = (time_t)sec;
	struct tm tm;
	char tmp[32], *q = tmp;

	if (localtime_r(&t, &tm) == NULL) {
		PUT_LIT(b, "(null)");
		return;
	}
	memcpy(q, wday + 3 * tm.tm_wday, 3);
	q[3] = ' ';
	memcpy(q + 4, mon + 3 * tm.tm_mon, 3);
	q += 7;
	*q++ = ' ';
	*q++ = tm.tm_mday >= 10 ? '0' + tm.tm_mday / 10 : ' ';
	*q++ = '0' + tm.tm_mday % 10;
	*q++ = ' ';
	q = fmt_2d(q, tm.tm_hour);
	*q++ = ':';
	q = fmt_2d(q, tm.tm_min);
	*q++ = ':';
	q = fmt_2d(q, tm.tm_sec);
	*q++ = ' ';
	put_mem(b, tmp, q - tmp);
	if (tm.tm_year + 1900 < 0) {
		put_char(b, '-');
		put_u32(b, -(tm.tm_year + 1900));
	} else {
		put_u32(b, tm.tm_year + 1900);
	}
}

/* ---- plain text ------------------------------------------------------ */

static void plain_tuple(struct fbuf *b, const struct nfct_tuple *t)
{
	if (t->l3proto == AF_INET || t->l3proto == AF_INET6) {
		PUT_LIT(b, "src=");
		put_addr(b, t->l3proto, &t->src);
		PUT_LIT(b, " dst=");
		put_addr(b, t->l3proto, &t->dst);
		put_char(b, ' ');
	}
	if (l4_has_ports(t->l4proto)) {
		PUT_LIT(b, "sport=");
		put_u32(b, ntohs(t->l4src.port));
		PUT_LIT(b, " dport=");
		put_u32(b, ntohs(t->l4dst.port));
		put_char(b, ' ');
	} else if (t->l4proto == IPPROTO_ICMP || t->l4proto == IPPROTO_ICMPV6) {
		PUT_LIT(b, "type=");
		put_u32(b, t->l4dst.icmp.type);
		PUT_LIT(b, " code=");
		put_u32(b, t->l4dst.icmp.code);
		PUT_LIT(b, " id=");
		put_u32(b, ntohs(t->l4src.icmp_id));
		put_char(b, ' ');
	} else if (t->l4proto == IPPROTO_GRE) {
		PUT_LIT(b, "srckey=0x");
		put_hex16(b, ntohs(t->l4src.port));
		PUT_LIT(b, " dstkey=0x");
		put_hex16(b, ntohs(t->l4dst.port));
		put_char(b, ' ');
	}
}

static void plain_counters(struct fbuf *b, const struct nf_conntrack *ct,
			   int dir, int pkt_attr, int byte_attr)
{
	if (!attr_isset(ct, pkt_attr) || !attr_isset(ct, byte_attr))
		return;
	PUT_LIT(b, "packets=");
	put_u64(b, ct->counters[dir].packets);
	PUT_LIT(b, " bytes=");
	put_u64(b, ct->counters[dir].bytes);
	put_char(b, ' ');
}

static void plain_zone(struct fbuf *b, const char *label, size_t n,
		       uint16_t zone)
{
	put_mem(b, label, n);
	put_u32(b, zone);
	put_char(b, ' ');
}

/*
 * The next label set in @m, from bit *@bit on, that @map has a non-empty
 * name for; *@bit moves past it. NULL when there is none.
 */
static const char *next_label(const struct nfct_bitmask *m,
			      struct nfct_labelmap *map, unsigned int *bit)
{
	for (; m != NULL && *bit < m->words * 32; (*bit)++) {
		const char *name;

		if (!(m->bits[*bit / 32] & (1u << (*bit % 32))))
			continue;
		name = nfct_labelmap_get_name(map, *bit);
		if (name != NULL && name[0] != '\0') {
			(*bit)++;
			return name;
		}
	}
	return NULL;
}

/* "labels=a,b " with the names the map knows; see plain_finish(). */
static void plain_labels(struct fbuf *b, const struct nf_conntrack *ct,
			 struct nfct_labelmap *map)
{
	const struct nfct_bitmask *m = ct->connlabels;
	const char *name;

	PUT_LIT(b, "labels=");
	for (unsigned int i = 0; (name = next_label(m, map, &i)) != NULL;) {
		if (fbuf_full(b))
			break;
		put_str(b, name);
		put_char(b, ',');
	}
	/* The last separator (or the '=') becomes the field's blank. */
	if (b->len - 1 < b->size)
		b->p[b->len - 1] = ' ';
}

/* Header naming the event (conntrack objects and expectations). */
static void plain_msg_type(struct fbuf *b, unsigned int msg_type)
{
	switch (msg_type) {
	case NFCT_T_NEW:
		PUT_LIT(b, "    [NEW] ");
		break;
	case NFCT_T_UPDATE:
		PUT_LIT(b, " [UPDATE] ");
		break;
	case NFCT_T_DESTROY:
		PUT_LIT(b, "[DESTROY] ");
		break;
	}
}

/* <flow> opening tag naming the event (conntrack objects and
 * expectations). */
static void xml_flow_open(struct fbuf *b, unsigned int msg_type)
{
	switch (msg_type) {
	case NFCT_T_NEW:
		PUT_LIT(b, "<flow type=\"new\">");
		break;
	case NFCT_T_UPDATE:
		PUT_LIT(b, "<flow type=\"update\">");
		break;
	case NFCT_T_DESTROY:
		PUT_LIT(b, "<flow type=\"destroy\">");
		break;
	default:
		PUT_LIT(b, "<flow>");
		break;
	}
}

static int format_plain(struct fbuf *b, const struct nf_conntrack *ct,
			unsigned int msg_type, unsigned int flags,
			struct nfct_labelmap *map)
{
	plain_msg_type(b, msg_type);

	if (flags & NFCT_OF_SHOW_LAYER3) {
		if (!attr_isset(ct, ATTR_ORIG_L3PROTO))
			return -1;
		put_proto(b, l3_name(ct->orig.l3proto), ct->orig.l3proto);
	}
	if (!attr_isset(ct, ATTR_ORIG_L4PROTO))
		return -1;
	put_proto(b, l4_name(ct->orig.l4proto), ct->orig.l4proto);

	if (attr_isset(ct, ATTR_TIMEOUT)) {
		put_u32(b, ct->timeout);
		put_char(b, ' ');
	}
	if (attr_isset(ct, ATTR_TCP_STATE)) {
		put_str(b, state_name(tcp_states, ct->tcp_state));
		put_char(b, ' ');
	}
	if (attr_isset(ct, ATTR_SCTP_STATE)) {
		put_str(b, state_name(sctp_states, ct->sctp_state));
		put_char(b, ' ');
	}
	if (attr_isset(ct, ATTR_DCCP_STATE)) {
		put_str(b, state_name(dccp_states, ct->dccp_state));
		put_char(b, ' ');
	}

	plain_tuple(b, &ct->orig);
	if (attr_isset(ct, ATTR_ORIG_ZONE))
		plain_zone(b, "zone-orig=", 10, ct->orig.zone);
	plain_counters(b, ct, DIR_ORIG, ATTR_ORIG_COUNTER_PACKETS,
		       ATTR_ORIG_COUNTER_BYTES);
	if (attr_isset(ct, ATTR_STATUS) && !(ct->status & ST_SEEN_REPLY))
		PUT_LIT(b, "[UNREPLIED] ");

	plain_tuple(b, &ct->repl);
	if (attr_isset(ct, ATTR_REPL_ZONE))
		plain_zone(b, "zone-reply=", 11, ct->repl.zone);
	plain_counters(b, ct, DIR_REPL, ATTR_REPL_COUNTER_PACKETS,
		       ATTR_REPL_COUNTER_BYTES);

	if (attr_isset(ct, ATTR_STATUS)) {
		if (ct->status & ST_HW_OFFLOAD)
			PUT_LIT(b, "[HW_OFFLOAD] ");
		else if (ct->status & ST_OFFLOAD)
			PUT_LIT(b, "[OFFLOAD] ");
		else if (ct->status & ST_ASSURED)
			PUT_LIT(b, "[ASSURED] ");
	}
	if (attr_isset(ct, ATTR_MARK)) {
		PUT_LIT(b, "mark=");
		put_u32(b, ct->mark);
		put_char(b, ' ');
	}
	if (attr_isset(ct, ATTR_SECMARK)) {
		PUT_LIT(b, "secmark=");
		put_u32(b, ct->secmark);
		put_char(b, ' ');
	}
	if (attr_isset(ct, ATTR_SECCTX)) {
		PUT_LIT(b, "secctx=");
		/* The original passes NULL to printf's %s here. */
		put_str(b, ct->secctx ? ct->secctx : "(null)");
		put_char(b, ' ');
	}
	if (attr_isset(ct, ATTR_ZONE))
		plain_zone(b, "zone=", 5, ct->zone);
	if (attr_isset(ct, ATTR_TIMESTAMP_START)) {
		PUT_LIT(b, "delta-time=");
		put_u64(b, delta_time(ct, false));
		put_char(b, ' ');
	}
	if (flags & NFCT_OF_TIMESTAMP) {
		if (attr_isset(ct, ATTR_TIMESTAMP_START)) {
			PUT_LIT(b, "[start=");
			put_ctime(b, ts_sec(ct->timestamp_start));
			PUT_LIT(b, "] ");
		}
		if (attr_isset(ct, ATTR_TIMESTAMP_STOP)) {
			PUT_LIT(b, "[stop=");
			put_ctime(b, ts_sec(ct->timestamp_stop));
			PUT_LIT(b, "] ");
		}
	}
	if (attr_isset(ct, ATTR_HELPER_NAME)) {
		PUT_LIT(b, "helper=");
		put_str(b, ct->helper_name);
		put_char(b, ' ');
	}
	if (attr_isset(ct, ATTR_USE)) {
		PUT_LIT(b, "use=");
		put_u32(b, ct->use);
		put_char(b, ' ');
	}
	if ((flags & NFCT_OF_ID) && attr_isset(ct, ATTR_ID)) {
		PUT_LIT(b, "id=");
		put_u32(b, ct->id);
		put_char(b, ' ');
	}
	if (map != NULL && attr_isset(ct, ATTR_CONNLABELS))
		plain_labels(b, ct, map);

	/* Drop the blank after the last field (the text always has one). */
	fbuf_finish(b);
	if (b->len - 1 < b->size)
		b->p[b->len - 1] = '\0';
	b->len--;
	return 0;
}

/* ---- XML ------------------------------------------------------------- */

static void xml_u64(struct fbuf *b, const char *open, size_t on,
		    uint64_t v, const char *close, size_t cn)
{
	put_mem(b, open, on);
	put_u64(b, v);
	put_mem(b, close, cn);
}

/* <tag>value</tag> for a decimal value. */
#define XML_NUM(b, tag, v) \
	xml_u64((b), "<" tag ">", sizeof(tag) + 1, (v), "</" tag ">", sizeof(tag) + 2)

static void xml_proto(struct fbuf *b, const char *layer, size_t ln,
		      uint8_t num, const char *name)
{
	put_mem(b, layer, ln);
	PUT_LIT(b, " protonum=\"");
	put_u32(b, num);
	PUT_LIT(b, "\" protoname=\"");
	put_str(b, name);
	PUT_LIT(b, "\">");
}

/*
 * The layer 4 identifiers of a tuple in XML: ports, or GRE keys. The
 * block is counted as far as it fits in the buffer (fbuf_cap()), as the
 * original counts it, for conntrack and expectation tuples alike.
 */
static void xml_l4_ids(struct fbuf *b, const struct nfct_tuple *t)
{
	size_t start = b->len;

	if (l4_has_ports(t->l4proto)) {
		XML_NUM(b, "sport", ntohs(t->l4src.port));
		XML_NUM(b, "dport", ntohs(t->l4dst.port));
	} else if (t->l4proto == IPPROTO_GRE) {
		PUT_LIT(b, "<srckey>0x");
		put_hex16(b, ntohs(t->l4src.port));
		PUT_LIT(b, "</srckey><dstkey>0x");
		put_hex16(b, ntohs(t->l4dst.port));
		PUT_LIT(b, "</dstkey>");
	}
	fbuf_cap(b, start);
}

static void xml_tuple(struct fbuf *b, const struct nf_conntrack *ct,
		      const struct nfct_tuple *t, int dir)
{
	int zone_attr = dir == DIR_ORIG ? ATTR_ORIG_ZONE : ATTR_REPL_ZONE;

	if (dir == DIR_ORIG)
		PUT_LIT(b, "<meta direction=\"original\">");
	else
		PUT_LIT(b, "<meta direction=\"reply\">");

	xml_proto(b, "<layer3", 7, t->l3proto, l3_name(t->l3proto));
	PUT_LIT(b, "<src>");
	put_addr(b, t->l3proto, &t->src);
	PUT_LIT(b, "</src><dst>");
	put_addr(b, t->l3proto, &t->dst);
	PUT_LIT(b, "</dst></layer3>");

	xml_proto(b, "<layer4", 7, t->l4proto, l4_name(t->l4proto));
	xml_l4_ids(b, t);
	PUT_LIT(b, "</layer4>");

	if (attr_isset(ct, zone_attr))
		XML_NUM(b, "zone", t->zone);
	/* The original decides on the original direction's counters for
	 * both directions. */
	if (attr_isset(ct, ATTR_ORIG_COUNTER_PACKETS) &&
	    attr_isset(ct, ATTR_ORIG_COUNTER_BYTES)) {
		PUT_LIT(b, "<counters>");
		XML_NUM(b, "packets", ct->counters[dir].packets);
		XML_NUM(b, "bytes", ct->counters[dir].bytes);
		PUT_LIT(b, "</counters>");
	}
	PUT_LIT(b, "</meta>");
}

static void xml_labels(struct fbuf *b, const struct nf_conntrack *ct,
		       struct nfct_labelmap *map)
{
	const struct nfct_bitmask *m = ct->connlabels;
	const char *name;

	PUT_LIT(b, "<labels>");
	for (unsigned int i = 0; (name = next_label(m, map, &i)) != NULL;) {
		if (fbuf_full(b))
			break;
		PUT_LIT(b, "<label>");
		put_str(b, name);
		PUT_LIT(b, "</label>");
	}
	PUT_LIT(b, "</labels>");
}

/*
 * Attributes that open the <meta direction="independent"> element. The
 * security context is not one of them: alone, it is printed outside.
 */
static const uint8_t independent_attrs[] = {
	ATTR_TCP_STATE, ATTR_SCTP_STATE, ATTR_DCCP_STATE, ATTR_TIMEOUT,
	ATTR_MARK, ATTR_SECMARK, ATTR_ZONE, ATTR_USE,
	ATTR_STATUS, ATTR_ID, ATTR_CONNLABELS, ATTR_TIMESTAMP_START,
	ATTR_TIMESTAMP_STOP,
};

static bool has_independent(const struct nf_conntrack *ct)
{
	for (size_t i = 0; i < sizeof(independent_attrs); i++)
		if (attr_isset(ct, independent_attrs[i]))
			return true;
	return false;
}

static void xml_state(struct fbuf *b, uint8_t s)
{
	/* The original names SCTP and DCCP states from the TCP table. */
	PUT_LIT(b, "<state>");
	put_str(b, state_name(tcp_states, s));
	PUT_LIT(b, "</state>");
}

static void xml_independent(struct fbuf *b, const struct nf_conntrack *ct,
			    unsigned int flags, struct nfct_labelmap *map)
{
	bool open = has_independent(ct);

	if (open)
		PUT_LIT(b, "<meta direction=\"independent\">");
	if (attr_isset(ct, ATTR_TCP_STATE))
		xml_state(b, ct->tcp_state);
	if (attr_isset(ct, ATTR_SCTP_STATE))
		xml_state(b, ct->sctp_state);
	if (attr_isset(ct, ATTR_DCCP_STATE))
		xml_state(b, ct->dccp_state);
	if (attr_isset(ct, ATTR_TIMEOUT))
		XML_NUM(b, "timeout", ct->timeout);
	if (attr_isset(ct, ATTR_MARK))
		XML_NUM(b, "mark", ct->mark);
	if (map != NULL && attr_isset(ct, ATTR_CONNLABELS))
		xml_labels(b, ct, map);
	if (attr_isset(ct, ATTR_SECMARK))
		XML_NUM(b, "secmark", ct->secmark);
	if (attr_isset(ct, ATTR_SECCTX)) {
		PUT_LIT(b, "<secctx>");
		put_str(b, ct->secctx ? ct->secctx : "(null)");
		PUT_LIT(b, "</secctx>");
	}
	if (attr_isset(ct, ATTR_ZONE))
		XML_NUM(b, "zone", ct->zone);
	if (attr_isset(ct, ATTR_USE))
		XML_NUM(b, "use", ct->use);
	if (attr_isset(ct, ATTR_ID))
		XML_NUM(b, "id", ct->id);
	if (attr_isset(ct, ATTR_STATUS)) {
		if (ct->status & ST_ASSURED)
			PUT_LIT(b, "<assured/>");
		if (!(ct->status & ST_SEEN_REPLY))
			PUT_LIT(b, "<unreplied/>");
	}
	if ((flags & NFCT_OF_TIMESTAMP) &&
	    (attr_isset(ct, ATTR_TIMESTAMP_START) ||
	     attr_isset(ct, ATTR_TIMESTAMP_STOP))) {
		PUT_LIT(b, "<timestamp>");
		if (attr_isset(ct, ATTR_TIMESTAMP_START))
			XML_NUM(b, "start", ct->timestamp_start);
		if (attr_isset(ct, ATTR_TIMESTAMP_STOP))
			XML_NUM(b, "stop", ct->timestamp_stop);
		PUT_LIT(b, "</timestamp>");
	}
	if (attr_isset(ct, ATTR_TIMESTAMP_START))
		XML_NUM(b, "deltatime", delta_time(ct, true));
	if (open)
		PUT_LIT(b, "</meta>");
}

static void xml_when(struct fbuf *b)
{
	time_t t = time(NULL);
	struct tm tm;
	char tmp[2];

	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	/* Minute and second are two digits, the rest (the hour too, as
	 * in the original) as they come. */
	PUT_LIT(b, "<when><hour>");
	put_u32(b, tm.tm_hour);
	PUT_LIT(b, "</hour><min>");
	put_mem(b, tmp, fmt_2d(tmp, tm.tm_min) - tmp);
	PUT_LIT(b, "</min><sec>");
	put_mem(b, tmp, fmt_2d(tmp, tm.tm_sec) - tmp);
	PUT_LIT(b, "</sec>");
	XML_NUM(b, "wday", tm.tm_wday + 1);
	XML_NUM(b, "day", tm.tm_mday);
	XML_NUM(b, "month", tm.tm_mon + 1);
	XML_NUM(b, "year", tm.tm_year + 1900);
	PUT_LIT(b, "</when>");
}

static int format_xml(struct fbuf *b, const struct nf_conntrack *ct,
		      unsigned int msg_type, unsigned int flags,
		      struct nfct_labelmap *map)
{
	xml_flow_open(b, msg_type);
	xml_tuple(b, ct, &ct->orig, DIR_ORIG);
	xml_tuple(b, ct, &ct->repl, DIR_REPL);
	xml_independent(b, ct, flags, map);
	if (flags & NFCT_OF_TIME)
		xml_when(b);
	if (attr_isset(ct, ATTR_HELPER_NAME)) {
		PUT_LIT(b, "<helper>");
		put_str(b, ct->helper_name);
		PUT_LIT(b, "</helper>");
	}
	PUT_LIT(b, "</flow>");
	return 0;
}

static int format_ct(char *buf, unsigned int size,
		     const struct nf_conntrack *ct, unsigned int msg_type,
		     unsigned int out_type, unsigned int flags,
		     struct nfct_labelmap *map)
{
	struct fbuf b = { buf, size, 0 };
	int ret;

	if (unlikely(buf == NULL || size == 0 || ct == NULL)) {
		errno = EINVAL;
		return -1;
	}
	switch (out_type) {
	case NFCT_O_PLAIN:
		ret = format_plain(&b, ct, msg_type, flags, map);
		break;
	case NFCT_O_XML:
		ret = format_xml(&b, ct, msg_type, flags, map);
		break;
	default:
		/* Like the original: the buffer is left untouched. */
		errno = ENOENT;
		return -1;
	}
	if (ret < 0) {
		/* What was written so far stays, terminated. */
		if (b.len > 0)
			fbuf_finish(&b);
		errno = EINVAL;
		return -1;
	}
	if (out_type == NFCT_O_XML)
		fbuf_finish(&b);
	return b.len > INT32_MAX ? INT32_MAX : (int)b.len;
}

/**
 * nfct_snprintf - print a conntrack object as text or XML
 * @buf: destination buffer
 * @size: size of @buf in bytes
 * @ct: the object
 * @msg_type: NFCT_T_NEW, NFCT_T_UPDATE or NFCT_T_DESTROY to prefix the
 *   event type; anything else prints no prefix
 * @out_type: NFCT_O_DEFAULT (plain text) or NFCT_O_XML
 * @out_flags: NFCT_OF_SHOW_LAYER3, NFCT_OF_TIME, NFCT_OF_ID,
 *   NFCT_OF_TIMESTAMP
 *
 * Like snprintf(), writes at most @size bytes, always NUL-terminated,
 * and returns the length of the full text, which is @size or more when
 * it was truncated. Returns -1 with errno set for an unknown @out_type
 * (ENOENT, @buf untouched), an object without a layer 4 protocol (or
 * layer 3 protocol with NFCT_OF_SHOW_LAYER3) in plain text (EINVAL,
 * what fit is left in @buf), and a NULL @buf or @ct or zero @size
 * (EINVAL).
 */
NFCT_EXPORT int nfct_snprintf(char *buf, unsigned int size,
			      const struct nf_conntrack *ct,
			      unsigned int msg_type, unsigned int out_type,
			      unsigned int out_flags)
{
	return format_ct(buf, size, ct, msg_type, out_type, out_flags, NULL);
}

/**
 * nfct_snprintf_labels - print a conntrack object with its label names
 * @buf: destination buffer
 * @size: size of @buf in bytes
 * @ct: the object
 * @msg_type: as for nfct_snprintf()
 * @out_type: as for nfct_snprintf()
 * @out_flags: as for nfct_snprintf()
 * @map: label names (nfct_labelmap_new()); NULL prints no labels
 *
 * Same as nfct_snprintf(), plus the names of the connection labels set
 * in @ct that @map knows. Returns as nfct_snprintf().
 */
NFCT_EXPORT int nfct_snprintf_labels(char *buf, unsigned int size,
				     const struct nf_conntrack *ct,
				     unsigned int msg_type,
				     unsigned int out_type,
				     unsigned int out_flags,
				     struct nfct_labelmap *map)
{
	return format_ct(buf, size, ct, msg_type, out_type, out_flags, map);
}

/* ---- expectations ---------------------------------------------------- */

/* A tuple with a prefix before the address names ("mask-", "master-"). */
static void plain_exp_tuple(struct fbuf *b, const char *prefix,
			    const struct nfct_tuple *t)
{
	struct nfct_tuple l4only = *t;

	if (t->l3proto == AF_INET || t->l3proto == AF_INET6) {
		put_str(b, prefix);
		PUT_LIT(b, "src=");
		put_addr(b, t->l3proto, &t->src);
		put_char(b, ' ');
		put_str(b, prefix);
		PUT_LIT(b, "dst=");
		put_addr(b, t->l3proto, &t->dst);
		put_char(b, ' ');
	}
	l4only.l3proto = 0;	/* addresses done above */
	plain_tuple(b, &l4only);
}

static int format_exp_plain(struct fbuf *b, const struct nf_expect *exp,
			    unsigned int msg_type)
{
	static const char *const flag_names[] = {
		"PERMANENT", "INACTIVE", "USERSPACE",
	};

	plain_msg_type(b, msg_type);
	if (exp->set & (1u << ATTR_EXP_TIMEOUT)) {
		put_u32(b, exp->timeout);
		put_char(b, ' ');
	}
	PUT_LIT(b, "proto=");
	put_u32(b, exp->expected.orig.l4proto);
	put_char(b, ' ');
	plain_exp_tuple(b, "", &exp->expected.orig);
	plain_exp_tuple(b, "mask-", &exp->mask.orig);
	plain_exp_tuple(b, "master-", &exp->master.orig);
	if (exp->set & (1u << ATTR_EXP_ZONE)) {
		PUT_LIT(b, "zone=");
		put_u32(b, exp->zone);
		put_char(b, ' ');
	}
	/* A flags value with no known bit still leaves its blank. */
	if ((exp->set & (1u << ATTR_EXP_FLAGS)) && exp->flags != 0) {
		bool first = true;

		for (unsigned int i = 0; i < 3; i++) {
			if (!(exp->flags & (1u << i)))
				continue;
			if (!first)
				put_char(b, ',');
			put_str(b, flag_names[i]);
			first = false;
		}
		put_char(b, ' ');
	}
	if (exp->set & (1u << ATTR_EXP_CLASS)) {
		PUT_LIT(b, "class=");
		put_u32(b, exp->class);
		put_char(b, ' ');
	}
	if (exp->set & (1u << ATTR_EXP_HELPER_NAME)) {
		/* the last item: the original leaves no blank after it */
		PUT_LIT(b, "helper=");
		put_str(b, exp->helper_name);
	}
	/* The original drops a last blank only when it is in the buffer. */
	fbuf_finish(b);
	if (b->len > 0 && b->len - 1 < b->size && b->p[b->len - 1] == ' ') {
		b->p[b->len - 1] = '\0';
		b->len--;
	}
	return 0;
}

static void xml_exp_addrs(struct fbuf *b, const char *tag, size_t tn,
			  const struct nfct_tuple *t)
{
	put_char(b, '<');
	put_mem(b, tag, tn);
	PUT_LIT(b, "><src>");
	put_addr(b, t->l3proto, &t->src);
	PUT_LIT(b, "</src><dst>");
	put_addr(b, t->l3proto, &t->dst);
	PUT_LIT(b, "</dst></");
	put_mem(b, tag, tn);
	put_char(b, '>');
}

static void xml_exp_ports(struct fbuf *b, const char *tag, size_t tn,
			  const struct nfct_tuple *t)
{
	put_char(b, '<');
	put_mem(b, tag, tn);
	put_char(b, '>');
	xml_l4_ids(b, t);
	PUT_LIT(b, "</");
	put_mem(b, tag, tn);
	put_char(b, '>');
}

static int format_exp_xml(struct fbuf *b, const struct nf_expect *exp,
			  unsigned int msg_type, unsigned int flags)
{
	const struct nfct_tuple *e = &exp->expected.orig;

	xml_flow_open(b, msg_type);
	xml_proto(b, "<layer3", 7, e->l3proto, l3_name(e->l3proto));
	xml_exp_addrs(b, "expected", 8, e);
	xml_exp_addrs(b, "mask", 4, &exp->mask.orig);
	xml_exp_addrs(b, "master", 6, &exp->master.orig);
	PUT_LIT(b, "</layer3>");
	xml_proto(b, "<layer4", 7, e->l4proto, l4_name(e->l4proto));
	xml_exp_ports(b, "expected", 8, e);
	xml_exp_ports(b, "mask", 4, &exp->mask.orig);
	xml_exp_ports(b, "master", 6, &exp->master.orig);
	PUT_LIT(b, "</layer4><meta>");
	if (exp->set & (1u << ATTR_EXP_HELPER_NAME)) {
		PUT_LIT(b, "<helper-name>");
		put_str(b, exp->helper_name);
		PUT_LIT(b, "</helper-name>");
	}
	if (exp->set & (1u << ATTR_EXP_TIMEOUT))
		XML_NUM(b, "timeout", exp->timeout);
	if (exp->set & (1u << ATTR_EXP_CLASS))
		XML_NUM(b, "class", exp->class);
	if (exp->set & (1u << ATTR_EXP_ZONE))
		XML_NUM(b, "zone", exp->zone);
	if (flags & NFCT_OF_TIME)
		xml_when(b);
	if (exp->set & (1u << ATTR_EXP_FLAGS)) {
		if (exp->flags & NF_CT_EXPECT_PERMANENT)
			PUT_LIT(b, "<permanent/>");
		if (exp->flags & NF_CT_EXPECT_INACTIVE)
			PUT_LIT(b, "<inactive/>");
		if (exp->flags & NF_CT_EXPECT_USERSPACE)
			PUT_LIT(b, "<userspace/>");
	}
	PUT_LIT(b, "</meta></flow>");
	fbuf_finish(b);
	return 0;
}

/**
 * nfexp_snprintf - print an expectation as text or XML
 * @buf: destination buffer
 * @size: size of @buf in bytes
 * @exp: the expectation
 * @msg_type: NFCT_T_NEW, NFCT_T_UPDATE or NFCT_T_DESTROY to prefix the
 *   event type; anything else prints no prefix
 * @out_type: NFCT_O_DEFAULT or NFCT_O_XML
 * @out_flags: NFCT_OF_TIME adds the time to XML output
 *
 * Writes at most @size bytes, always NUL-terminated, and returns the
 * length of the full text. Returns -1 (errno ENOENT) for an unknown
 * @out_type, leaving @buf untouched, and -1 (EINVAL) for a NULL @buf or
 * @exp or a zero @size.
 */
NFCT_EXPORT int nfexp_snprintf(char *buf, unsigned int size,
			       const struct nf_expect *exp,
			       unsigned int msg_type, unsigned int out_type,
			       unsigned int out_flags)
{
	struct fbuf b = { buf, size, 0 };

	if (unlikely(buf == NULL || size == 0 || exp == NULL)) {
		errno = EINVAL;
		return -1;
	}
	switch (out_type) {
	case NFCT_O_PLAIN:
		format_exp_plain(&b, exp, msg_type);
		break;
	case NFCT_O_XML:
		format_exp_xml(&b, exp, msg_type, out_flags);
		break;
	default:
		errno = ENOENT;
		return -1;
	}
	return b.len > INT32_MAX ? INT32_MAX : (int)b.len;
}
