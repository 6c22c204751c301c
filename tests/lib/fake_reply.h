/*
 * Crafted replies for the socket shims of tests/robust/test_reader.c and
 * fuzz/fuzz_ext.c: a message with sequence number n other than 0 answers
 * the n-th request of the last send, whose first sequence number is
 * @base; 0 stays 0 (an event). Messages are renumbered up to the first
 * one whose length does not fit.
 */
#ifndef FAKE_REPLY_H
#define FAKE_REPLY_H

#include <stdint.h>
#include <string.h>
#include <linux/netlink.h>

static inline void fake_reply_number(unsigned char *p, size_t len,
				     uint32_t base)
{
	size_t off = 0;

	while (off + sizeof(struct nlmsghdr) <= len) {
		struct nlmsghdr h;

		memcpy(&h, p + off, sizeof(h));
		if (h.nlmsg_seq) {
			h.nlmsg_seq = base + h.nlmsg_seq - 1;
			memcpy(p + off, &h, sizeof(h));
		}
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len - off)
			break;
		off += NLMSG_ALIGN(h.nlmsg_len);
	}
}

#endif
