/*
 * Helpers shared by the example programs: which connection they act on
 * and how they print one. Public API only, like the examples themselves.
 *
 * Every example takes the connection as optional trailing arguments
 *   SRC DST SPORT DPORT     (IPv4 TCP, default 1.1.1.1 2.2.2.2 20 10)
 * so several of them can be combined on distinct entries.
 */
#ifndef EXAMPLE_H
#define EXAMPLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

static inline int example_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v > 65535) {
		fprintf(stderr, "bad port: %s\n", s);
		return -1;
	}
	*port = htons(v);
	return 0;
}

static inline int example_addr(const char *s, uint32_t *addr)
{
	if (inet_pton(AF_INET, s, addr) != 1) {
		fprintf(stderr, "bad IPv4 address: %s\n", s);
		return -1;
	}
	return 0;
}

/*
 * Set the IPv4 TCP original tuple of @ct from args[0..3] (or the defaults
 * when @nargs is 0), and the matching reply tuple too when @reply: the
 * kernel needs both to create an entry, only one to find it.
 * Returns 0, or -1 after printing why.
 */
static inline int example_tuple(struct nf_conntrack *ct, int nargs, char **args,
			 int reply)
{
	static const char *const defaults[4] = {
		"1.1.1.1", "2.2.2.2", "20", "10"
	};
	const char *const *a = (const char *const *)args;
	uint32_t src, dst;
	uint16_t sport, dport;

	if (nargs == 0) {
		a = defaults;
	} else if (nargs != 4) {
		fprintf(stderr, "expected SRC DST SPORT DPORT\n");
		return -1;
	}
	if (example_addr(a[0], &src) || example_addr(a[1], &dst) ||
	    example_port(a[2], &sport) || example_port(a[3], &dport))
		return -1;

	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_IPV4_SRC, src);
	nfct_set_attr_u32(ct, ATTR_IPV4_DST, dst);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, sport);
	nfct_set_attr_u16(ct, ATTR_PORT_DST, dport);
	if (reply) {
		nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
		nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, dst);
		nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, src);
		nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_TCP);
		nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, dport);
		nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, sport);
	}
	return 0;
}

/* Print one entry the way conntrack(8) does, prefixed by the event type. */
static inline void example_print(const struct nf_conntrack *ct,
			  enum nf_conntrack_msg_type type)
{
	char buf[1024];

	nfct_snprintf(buf, sizeof(buf), ct, type, NFCT_O_DEFAULT,
		      NFCT_OF_SHOW_LAYER3);
	printf("%s\n", buf);
}

/* A non-negative decimal number from @s, or -1 after saying why not. */
static inline int example_number(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || *v < 0) {
		fprintf(stderr, "bad number: %s\n", s);
		return -1;
	}
	return 0;
}

/* Open a conntrack handle or say why not. */
static inline struct nfct_handle *example_open(unsigned int groups)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, groups);

	if (h == NULL)
		perror("nfct_open");
	return h;
}

#endif
