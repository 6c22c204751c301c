/*
 * Netlink message helpers for the probes.
 */
#ifndef PROBE_MSG_H
#define PROBE_MSG_H

#include <stddef.h>
#include <string.h>
#include <linux/netlink.h>

/*
 * Zero the alignment padding of every attribute in @p (recursively for
 * nests): the reference leaves stale bytes there (those of nests it
 * started and cancelled), ours zeroes it, and the kernel ignores it.
 */
static inline void probe_zero_padding(unsigned char *p, size_t len)
{
	size_t off = 0;

	while (off + 4 <= len) {
		struct nlattr a;
		size_t al, aligned;

		memcpy(&a, p + off, sizeof(a));
		al = a.nla_len;
		aligned = NLA_ALIGN(al);
		if (al < 4 || al > len - off)
			break;
		if (a.nla_type & NLA_F_NESTED)
			probe_zero_padding(p + off + 4, al - 4);
		if (aligned > len - off)
			aligned = len - off;
		memset(p + off + al, 0, aligned - al);
		off += aligned;
	}
}

#endif
