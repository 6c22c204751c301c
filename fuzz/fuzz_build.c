/*
 * The builders: random objects (every attribute, labels up to 65535
 * bits, long helper names and security contexts) built into buffers of
 * many sizes, each an exact-size heap block so ASan sees any write past
 * it. Every build either fails with -1 and ENOSPC (the buffer is too
 * small) or gives the same message as into a large buffer, and a built
 * conntrack message parses back to an object equal on the attributes
 * both have.
 */
#include "fuzz_common.h"
#include <errno.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnfnetlink/libnfnetlink.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#define BIG 40000

struct input {
	const uint8_t *p;
	size_t left;
};

static uint8_t byte(struct input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

static uint16_t u16(struct input *in)
{
	return byte(in) | byte(in) << 8;
}

static void bytes(struct input *in, void *dst, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((uint8_t *)dst)[i] = byte(in);
}

static struct nfct_bitmask *bitmask(struct input *in)
{
	/* sizes around the word boundaries and up to the 65535 maximum */
	static const unsigned int sizes[] = { 0, 31, 32, 127, 1023, 1024,
					      4000, 65535 };
	unsigned int max = byte(in) & 1 ? sizes[byte(in) % 8] : u16(in);
	struct nfct_bitmask *b = nfct_bitmask_new(max);

	if (b == NULL)
		return NULL;
	for (unsigned int n = byte(in) % 16; n > 0; n--)
		nfct_bitmask_set_bit(b, u16(in) % (max + 1));
	return b;
}

static void string(struct input *in, char *s, size_t size)
{
	size_t len = u16(in) % size;

	for (size_t i = 0; i < len; i++)
		s[i] = 'a' + byte(in) % 26;
	s[len] = '\0';
}

static struct nf_conntrack *make_ct(struct input *in)
{
	static const uint8_t l3[] = { AF_INET, AF_INET6, AF_INET, 0, 7 };
	struct nf_conntrack *ct = nfct_new();
	char s[300];

	if (ct == NULL)
		return NULL;
	for (int a = 0; a < ATTR_MAX; a++) {
		uint8_t v[64];

		if (!(byte(in) & 1))
			continue;
		switch (a) {
		case ATTR_CONNLABELS:
		case ATTR_CONNLABELS_MASK:
			nfct_set_attr(ct, a, bitmask(in));
			break;
		case ATTR_HELPER_NAME:
		case ATTR_SECCTX:
			string(in, s, sizeof(s));
			nfct_set_attr(ct, a, s);
			break;
		case ATTR_HELPER_INFO:
			bytes(in, v, sizeof(v));
			nfct_set_attr_l(ct, a, v, byte(in) % sizeof(v));
			break;
		case ATTR_ORIG_L3PROTO:
		case ATTR_REPL_L3PROTO:
		case ATTR_MASTER_L3PROTO:
			nfct_set_attr_u8(ct, a, l3[byte(in) % sizeof(l3)]);
			break;
		default:
			bytes(in, v, sizeof(v));
			nfct_set_attr(ct, a, v);
		}
	}
	return ct;
}

static struct nf_expect *make_exp(struct input *in)
{
	static const int tuples[] = { ATTR_EXP_MASTER, ATTR_EXP_EXPECTED,
				      ATTR_EXP_MASK, ATTR_EXP_NAT_TUPLE };
	struct nf_expect *exp = nfexp_new();
	char s[300];

	if (exp == NULL)
		return NULL;
	for (size_t i = 0; i < 4; i++) {
		struct nf_conntrack *t;

		if (!(byte(in) & 1))
			continue;
		t = make_ct(in);
		if (t != NULL)
			nfexp_set_attr(exp, tuples[i], t);
		nfct_destroy(t);
	}
	nfexp_set_attr_u32(exp, ATTR_EXP_TIMEOUT, u16(in));
	if (byte(in) & 1)
		nfexp_set_attr_u16(exp, ATTR_EXP_ZONE, u16(in));
	if (byte(in) & 1)
		nfexp_set_attr_u32(exp, ATTR_EXP_FLAGS, u16(in));
	if (byte(in) & 1) {
		string(in, s, sizeof(s));
		nfexp_set_attr(exp, ATTR_EXP_HELPER_NAME, s);
		nfexp_set_attr(exp, ATTR_EXP_FN, s);
	}
	return exp;
}

/* One builder into a buffer of @size bytes; returns its result. */
typedef int (*build_fn)(void *buf, size_t size, const void *obj, int q);

static struct nfnl_subsys_handle *ssh;

static int b_conntrack(void *buf, size_t size, const void *obj, int q)
{
	(void)q;
	return nfct_build_conntrack(ssh, buf, size, IPCTNL_MSG_CT_NEW,
				    NLM_F_REQUEST | NLM_F_CREATE, obj);
}

static int b_query(void *buf, size_t size, const void *obj, int q)
{
	return nfct_build_query(ssh, q, obj, buf, size);
}

static int b_exp_query(void *buf, size_t size, const void *obj, int q)
{
	return nfexp_build_query(NULL, q, obj, buf, size);
}

static int b_expect(void *buf, size_t size, const void *obj, int q)
{
	(void)q;
	return nfexp_build_expect(NULL, buf, size, IPCTNL_MSG_EXP_NEW,
				  NLM_F_REQUEST, obj);
}

/* Same bytes, the sequence number (nfnl_fill_hdr counts) aside. */
static int same_msg(const uint8_t *a, const uint8_t *b, size_t len)
{
	return memcmp(a, b, 8) == 0 &&
	       memcmp(a + 16, b + 16, len - 16) == 0;
}

/*
 * Build into a big buffer, then into sizes around the message's length:
 * too small gives -1/ENOSPC, big enough the same message. Returns the
 * full message (malloc'ed) or NULL.
 */
static uint8_t *every_size(build_fn fn, const void *obj, int q,
			   struct input *in)
{
	uint8_t *full = malloc(BIG);
	size_t need;
	int ret;

	if (full == NULL)
		return NULL;
	memset(full, 0, BIG);
	ret = fn(full, BIG, obj, q);
	need = ((struct nlmsghdr *)full)->nlmsg_len;
	if (ret < 0 || need < 20) {
		free(full);
		return NULL;
	}
	for (int k = 0; k < 12; k++) {
		size_t size = k == 0 ? need - 1 : k == 1 ? need :
			      k == 2 ? 0 : u16(in) % (need + 16);
		uint8_t *buf = malloc(size ? size : 1);
		int r;

		if (buf == NULL)
			break;
		errno = 0;
		r = fn(buf, size, obj, q);
		if (size < need && (r != -1 || errno != ENOSPC))
			fuzz_abort("short buffer must give ENOSPC", r, errno);
		if (size >= need && (r != ret || !same_msg(buf, full, need)))
			fuzz_abort("big enough buffer must give the message",
				   r, ret);
		free(buf);
	}
	return full;
}

/* A built conntrack message parses back to an equal object. */
static void parse_back(const struct nf_conntrack *ct, const uint8_t *msg)
{
	struct nf_conntrack *back;

	/*
	 * Only objects whose two tuples carry the same layer 4 protocol
	 * (as every kernel entry does) round-trip: an object has one set of
	 * ICMP attributes, which the parser fills from whichever tuple
	 * carries ICMP, as the reference does.
	 */
	if (nfct_attr_is_set(ct, ATTR_ORIG_L4PROTO) !=
	    nfct_attr_is_set(ct, ATTR_REPL_L4PROTO) ||
	    nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO) !=
	    nfct_get_attr_u8(ct, ATTR_REPL_L4PROTO))
		return;
	back = nfct_new();
	if (back == NULL)
		return;
	if (nfct_nlmsg_parse((const struct nlmsghdr *)msg, back) < 0)
		fuzz_abort("a built message must parse", -1, errno);
	if (!nfct_cmp(ct, back, NFCT_CMP_ALL)) {
		char a[4096], b[4096];

		nfct_snprintf(a, sizeof(a), ct, NFCT_T_UNKNOWN, NFCT_O_DEFAULT,
			      NFCT_OF_SHOW_LAYER3);
		nfct_snprintf(b, sizeof(b), back, NFCT_T_UNKNOWN,
			      NFCT_O_DEFAULT, NFCT_OF_SHOW_LAYER3);
		fprintf(stderr, "built:  %s\nparsed: %s\n", a, b);
		for (int i = 0; i < ATTR_MAX; i++)
			if (nfct_attr_is_set(ct, i) > 0 &&
			    nfct_attr_is_set(back, i) > 0)
				fprintf(stderr, "both set: %d\n", i);
		fuzz_abort("a built message must parse back equal", 0, 0);
	}
	nfct_destroy(back);
}

/* nfct_nlmsg_build stays within MNL_SOCKET_BUFFER_SIZE. */
static void nlmsg_build(const struct nf_conntrack *ct)
{
	struct nlmsghdr *nlh = malloc(MNL_SOCKET_BUFFER_SIZE);

	if (nlh == NULL)
		return;
	mnl_nlmsg_put_header(nlh);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
	if (nfct_nlmsg_build(nlh, ct) < 0 && errno != ENOSPC &&
	    errno != EINVAL)
		fuzz_abort("nfct_nlmsg_build: ENOSPC or EINVAL", -1, errno);
	free(nlh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int families[] = { ATTR_REPL_L3PROTO, ATTR_MASTER_L3PROTO };
	struct input in = { data, size };
	struct nf_conntrack *ct;
	struct nf_expect *exp;
	uint8_t *msg;
	int q;

	if (ssh == NULL) {
		struct nfnl_handle *h = nfnl_open();

		if (h == NULL)
			return 0;
		ssh = nfnl_subsys_open(h, NFNL_SUBSYS_CTNETLINK,
				       IPCTNL_MSG_MAX, 0);
		if (ssh == NULL)
			return 0;
	}
	ct = make_ct(&in);
	if (ct == NULL)
		return 0;
	/* the kernel gets every entry confirmed: compare with that */
	if (nfct_attr_is_set(ct, ATTR_STATUS) > 0)
		nfct_set_attr_u32(ct, ATTR_STATUS,
				  nfct_get_attr_u32(ct, ATTR_STATUS) |
				  IPS_CONFIRMED);
	/* one family per message: the parser gives every tuple the header's */
	for (size_t i = 0; i < 2; i++)
		if (nfct_attr_is_set(ct, families[i]) > 0)
			nfct_set_attr_u8(ct, families[i],
					 nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO));
	nlmsg_build(ct);
	msg = every_size(b_conntrack, ct, 0, &in);
	if (msg != NULL)
		parse_back(ct, msg);
	free(msg);
	q = byte(&in) % (NFCT_Q_CREATE_UPDATE + 1);
	if (q != NFCT_Q_FLUSH && q != NFCT_Q_DUMP && q != NFCT_Q_DUMP_RESET)
		free(every_size(b_query, ct, q, &in));
	nfct_destroy(ct);

	exp = make_exp(&in);
	if (exp == NULL)
		return 0;
	q = byte(&in) % (NFCT_Q_CREATE_UPDATE + 1);
	if (q != NFCT_Q_FLUSH && q != NFCT_Q_DUMP && q != NFCT_Q_DUMP_RESET)
		free(every_size(b_exp_query, exp, q, &in));
	free(every_size(b_expect, exp, 0, &in));
	nfexp_destroy(exp);
	return 0;
}
