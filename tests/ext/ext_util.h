/* Helpers for the extension tests and benchmark: populating a table. */
#ifndef EXT_UTIL_H
#define EXT_UTIL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>

/* UDP entry number @i: 10.x.y.z:1000+(i%50000) -> 192.168.0.1:53. */
static inline void ext_fill_udp(struct nf_conntrack *ct, uint32_t i,
				uint32_t mark, uint32_t timeout)
{
	uint32_t src = htonl(0x0a000000u | (i / 50000 + 1));

	nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, src);
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_DST, htonl(0xc0a80001u));
	nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, IPPROTO_UDP);
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, htons(1000 + i % 50000));
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, htons(53));
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, htonl(0xc0a80001u));
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, src);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_UDP);
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(53));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(1000 + i % 50000));
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, timeout);
	nfct_set_attr_u32(ct, ATTR_MARK, mark);
}

/* Bigger receive buffer: bigger batch windows. */
static inline void ext_big_rcvbuf(struct nfct_handle *h)
{
	int v = 16 << 20;

	setsockopt(nfct_fd(h), SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v));
}

/*
 * Create entries [first, first + n) with a batch, @mark_of(i) giving
 * each one's mark. Returns the number of failed creations or -1.
 */
static inline int ext_populate(struct nfct_handle *h, uint32_t first,
			       uint32_t n, uint32_t (*mark_of)(uint32_t))
{
	struct nfct_ext_batch *b = nfct_ext_batch_new();
	struct nf_conntrack *ct = nfct_new();
	int failed = 0;

	if (b == NULL || ct == NULL)
		return -1;
	for (uint32_t i = first; i < first + n; i++) {
		ext_fill_udp(ct, i, mark_of(i), 3600);
		if (nfct_ext_batch_add(b, NFCT_Q_CREATE, ct) < 0) {
			failed = -1;
			break;
		}
		/* send in slices: bounded memory */
		if (nfct_ext_batch_count(b) == 65536 || i + 1 == first + n) {
			int r = nfct_ext_batch_send(h, b);

			if (r < 0) {
				failed = -1;
				break;
			}
			failed += r;
			nfct_ext_batch_reset(b);
		}
	}
	nfct_ext_batch_free(b);
	nfct_destroy(ct);
	return failed;
}

/* Write @val to a /proc file; returns 0 or -1. */
static inline int ext_write_file(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (f == NULL)
		return -1;
	ret = fputs(val, f) < 0 ? -1 : 0;
	if (fclose(f) != 0)
		ret = -1;
	return ret;
}

static inline long ext_read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

#endif
