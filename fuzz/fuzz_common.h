/*
 * Helpers shared by the libFuzzer targets: turn fuzz input into a
 * netlink message whose nlmsg_len never claims more bytes than exist
 * (the public parsers take a message without a buffer size, so that is
 * the caller's promise), and print parsed objects with every output
 * format and every small buffer size.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <linux/netlink.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

/* A heap copy of the input as a message (aligned, exact-size block so
 * ASan sees any overread). NULL if it is too short for a header. */
static inline struct nlmsghdr *fuzz_msg(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;

	if (size < sizeof(*nlh))
		return NULL;
	nlh = malloc(size);
	if (nlh == NULL)
		return NULL;
	memcpy(nlh, data, size);
	if (nlh->nlmsg_len > size)
		nlh->nlmsg_len = size;
	return nlh;
}

/* A handle on every subsystem for the receive targets; exits if none. */
static inline struct nfct_handle *fuzz_handle(void)
{
	struct nfct_handle *h = nfct_open(NFNL_SUBSYS_NONE, 0);

	if (h == NULL) {
		perror("nfct_open");
		exit(1);
	}
	return h;
}

static inline void fuzz_abort(const char *what, int a, int b)
{
	fprintf(stderr, "fuzz invariant broken: %s (%d vs %d)\n", what, a, b);
	abort();
}

/*
 * Print with @fn into exact-size heap buffers of 1..full+1 bytes: each
 * result must be NUL-terminated and a prefix of the full text; with
 * @same_len, report the same length too (plain-text nfct_snprintf
 * does; the reference's XML, label and nfexp_snprintf output report
 * other lengths when cut, and ours matches that). NFCT_OF_TIME is dropped: the clock moves.
 */
typedef int (*fuzz_print_fn)(char *buf, unsigned int size, const void *obj,
			     unsigned int msg_type, unsigned int out_type,
			     unsigned int flags);

static inline void fuzz_print_sizes(fuzz_print_fn fn, const void *obj,
				    unsigned int msg_type,
				    unsigned int out_type, unsigned int flags,
				    unsigned int max_sizes, int same_len)
{
	char full[8192];
	int len;
	unsigned int n;

	flags &= ~NFCT_OF_TIME;
	len = fn(full, sizeof(full), obj, msg_type, out_type, flags);
	if (len < 0 || len >= (int)sizeof(full))
		return;
	for (n = 1; n <= (unsigned int)len + 1 && n <= max_sizes; n++) {
		char *b = malloc(n);
		int r;

		if (b == NULL)
			return;
		r = fn(b, n, obj, msg_type, out_type, flags);
		if (same_len && r != len)
			fuzz_abort("length differs by buffer size", r, len);
		if (strnlen(b, n) >= n)
			fuzz_abort("not NUL-terminated", (int)n, len);
		if (strncmp(b, full, strlen(b)) != 0)
			fuzz_abort("not a prefix of the full text", (int)n, len);
		free(b);
	}
}

static inline int print_ct(char *buf, unsigned int size, const void *obj,
		    unsigned int msg_type, unsigned int out_type,
		    unsigned int flags)
{
	return nfct_snprintf(buf, size, obj, msg_type, out_type, flags);
}

static inline int print_exp(char *buf, unsigned int size, const void *obj,
		     unsigned int msg_type, unsigned int out_type,
		     unsigned int flags)
{
	return nfexp_snprintf(buf, size, obj, msg_type, out_type, flags);
}

/* Every output type and flag combination once, at full size. */
static inline void fuzz_print_all(fuzz_print_fn fn, const void *obj)
{
	static const unsigned int types[] = { NFCT_O_PLAIN, NFCT_O_XML };
	static const unsigned int msgs[] = {
		NFCT_T_UNKNOWN, NFCT_T_NEW, NFCT_T_UPDATE, NFCT_T_DESTROY,
	};
	char buf[8192];
	unsigned int t, m, f;

	for (t = 0; t < 2; t++)
		for (m = 0; m < 4; m++)
			for (f = 0; f < 16; f++)
				fn(buf, sizeof(buf), obj, msgs[m], types[t], f);
}

#endif
