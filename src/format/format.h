/*
 * The number and address formatters of nfct_snprintf() (format.c),
 * shared with the JSON output (ext/json.c) so both print the same text
 * at the same speed: libc's snprintf() and inet_ntop() cost ten times
 * as much per field.
 */
#ifndef NFCT_FORMAT_H
#define NFCT_FORMAT_H

#include <stdint.h>

/* @v in decimal at @q, which has room for 20 bytes; returns the end. */
char *fmt_u64(char *q, uint64_t v);

/*
 * Dotted quad of the network-order IPv4 address at @addr, as
 * inet_ntop(), at @q, which has room for 16 bytes (the byte after the
 * text is scratch); returns the end of the text.
 */
char *fmt_ipv4(char *q, const void *addr);

/*
 * IPv6 text of @addr as glibc's inet_ntop() at @q, which has room for
 * INET6_ADDRSTRLEN + 4 bytes; returns the end of the text.
 */
char *fmt_ipv6(char *q, const void *addr);

#endif
