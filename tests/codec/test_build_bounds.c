/*
 * Every builder is bounded by its buffer: a request that does not fit
 * fails with ENOSPC and not one byte is written past the buffer, and
 * every byte of a built message is written by the builder (attribute
 * padding zeroed), whatever the buffer held before. Own library only:
 * the reference overflows here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnfnetlink/libnfnetlink.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>

#include "nfct_test.h"
#include "probe_msg.h"

#define GUARD 64
#define FILL 0xa5

/* A buffer of @size bytes followed by GUARD guard bytes, all FILL. */
static unsigned char *guarded(size_t size)
{
	unsigned char *p = malloc(size + GUARD);

	assert_non_null(p);
	memset(p, FILL, size + GUARD);
	return p;
}

static void assert_guard(const unsigned char *p, size_t size)
{
	for (size_t i = 0; i < GUARD; i++)
		assert_int_equal(p[size + i], FILL);
}

/* The message's attributes have all-zero padding. */
static void assert_padding_zero(const void *buf)
{
	const struct nlmsghdr *nlh = buf;
	size_t hdr = NLMSG_SPACE(sizeof(struct nfgenmsg));
	size_t len = nlh->nlmsg_len;
	unsigned char *copy;

	assert_true(len >= hdr);
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, buf, len);
	probe_zero_padding(copy + hdr, len - hdr);
	assert_memory_equal(copy, buf, len);
	free(copy);
}

static struct nfct_bitmask *labels(unsigned int bits)
{
	struct nfct_bitmask *b = nfct_bitmask_new(bits);

	assert_non_null(b);
	for (unsigned int i = 0; i <= bits; i += 97)
		nfct_bitmask_set_bit(b, i);
	return b;
}

/* A TCP object with odd-sized attributes, a master tuple that cannot be
 * encoded (its nest is started and cancelled) and labels of @bits. */
static struct nf_conntrack *rich_ct(unsigned int bits)
{
	struct nf_conntrack *ct = nfct_new();

	assert_non_null(ct);
	nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, htonl(0x0a000001));
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_DST, htonl(0x0a000002));
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, htons(1234));
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, htons(80));
	nfct_set_attr_u8(ct, ATTR_MASTER_L3PROTO, 7);
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, 3);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 100);
	nfct_set_attr_u32(ct, ATTR_MARK, 0x11);
	nfct_set_attr(ct, ATTR_HELPER_NAME, "ab");
	nfct_set_attr_u16(ct, ATTR_ZONE, 9);
	if (bits > 0) {
		nfct_set_attr(ct, ATTR_CONNLABELS, labels(bits));
		nfct_set_attr(ct, ATTR_CONNLABELS_MASK, labels(bits));
	}
	return ct;
}

static struct nfnl_subsys_handle *ssh_open(struct nfnl_handle **h)
{
	struct nfnl_subsys_handle *ssh;

	*h = nfnl_open();
	assert_non_null(*h);
	ssh = nfnl_subsys_open(*h, NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_MAX, 0);
	assert_non_null(ssh);
	return ssh;
}

/* Labels of 65535 bits fit no fixed request buffer: ENOSPC, no overflow. */
static void test_wide_labels(void **state)
{
	struct nf_conntrack *ct = rich_ct(65535);
	size_t big = MNL_SOCKET_BUFFER_SIZE;
	struct nfct_ext_batch *batch;
	struct nfnl_subsys_handle *ssh;
	struct nfnl_handle *nfnl;
	struct nfct_handle *h;
	struct nlmsghdr *nlh;
	unsigned char *p;

	(void)state;
	ssh = ssh_open(&nfnl);
	p = guarded(4096);
	errno = 0;
	assert_int_equal(nfct_build_conntrack(ssh, p, 4096, IPCTNL_MSG_CT_NEW,
					      NLM_F_REQUEST, ct), -1);
	assert_int_equal(errno, ENOSPC);
	assert_guard(p, 4096);
	errno = 0;
	assert_int_equal(nfct_build_query(ssh, NFCT_Q_CREATE, ct, p, 4096), -1);
	assert_int_equal(errno, ENOSPC);
	assert_guard(p, 4096);
	free(p);

	p = guarded(big);
	nlh = mnl_nlmsg_put_header(p);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
	errno = 0;
	assert_int_equal(nfct_nlmsg_build(nlh, ct), -1);
	assert_int_equal(errno, ENOSPC);
	assert_guard(p, big);
	free(p);

	batch = nfct_ext_batch_new();
	assert_non_null(batch);
	errno = 0;
	assert_int_equal(nfct_ext_batch_add(batch, NFCT_Q_CREATE, ct), -1);
	assert_int_equal(errno, ENOSPC);
	nfct_ext_batch_free(batch);

	/* nfct_query builds into a stack buffer before sending anything */
	test_netns_enter();
	h = nfct_open(CONNTRACK, 0);
	assert_non_null(h);
	errno = 0;
	assert_int_equal(nfct_query(h, NFCT_Q_CREATE, ct), -1);
	assert_int_equal(errno, ENOSPC);
	errno = 0;
	assert_int_equal(nfct_send(h, NFCT_Q_UPDATE, ct), -1);
	assert_int_equal(errno, ENOSPC);
	nfct_close(h);
	nfct_destroy(ct);
	nfnl_subsys_close(ssh);
	nfnl_close(nfnl);
}

/* Build @ct into every buffer size around its length. */
static void every_size_ct(struct nfnl_subsys_handle *ssh,
			  struct nf_conntrack *ct)
{
	unsigned char *full = guarded(16384);
	size_t need;

	assert_int_equal(nfct_build_query(ssh, NFCT_Q_CREATE, ct, full, 16384), 1);
	need = ((struct nlmsghdr *)full)->nlmsg_len;
	assert_padding_zero(full);
	for (size_t size = 0; size <= need + 8; size++) {
		unsigned char *p = guarded(size);
		int ret;

		errno = 0;
		ret = nfct_build_query(ssh, NFCT_Q_CREATE, ct, p, size);
		if (size < need) {
			assert_int_equal(ret, -1);
			assert_int_equal(errno, ENOSPC);
		} else {
			assert_int_equal(ret, 1);
			/* same message, sequence number aside */
			assert_memory_equal(p, full, 8);
			assert_memory_equal(p + 16, full + 16, need - 16);
		}
		assert_guard(p, size);
		memset(p, FILL, size);
		ret = nfct_build_conntrack(ssh, p, size, IPCTNL_MSG_CT_NEW,
					   NLM_F_REQUEST, ct);
		assert_int_equal(ret, size < need ? -1 : 0);
		if (ret == 0)
			assert_padding_zero(p);
		assert_guard(p, size);
		free(p);
	}
	free(full);
}

static void test_every_size(void **state)
{
	struct nfnl_subsys_handle *ssh;
	struct nfnl_handle *nfnl;
	struct nf_conntrack *ct;

	(void)state;
	ssh = ssh_open(&nfnl);
	ct = rich_ct(0);
	every_size_ct(ssh, ct);
	nfct_destroy(ct);
	/* wider than the 1024 bits the old scratch buffers were sized for */
	ct = rich_ct(4000);
	every_size_ct(ssh, ct);
	nfct_destroy(ct);
	nfnl_subsys_close(ssh);
	nfnl_close(nfnl);
}

static struct nf_expect *rich_exp(void)
{
	struct nf_conntrack *t = rich_ct(0);
	struct nf_expect *exp = nfexp_new();

	assert_non_null(exp);
	nfexp_set_attr(exp, ATTR_EXP_MASTER, t);
	nfexp_set_attr(exp, ATTR_EXP_EXPECTED, t);
	nfexp_set_attr(exp, ATTR_EXP_MASK, t);
	nfexp_set_attr_u32(exp, ATTR_EXP_TIMEOUT, 30);
	nfexp_set_attr_u16(exp, ATTR_EXP_ZONE, 5);
	nfexp_set_attr(exp, ATTR_EXP_HELPER_NAME, "ftp-x");
	nfct_destroy(t);
	return exp;
}

static void test_every_size_expect(void **state)
{
	struct nf_expect *exp = rich_exp();
	unsigned char *full = guarded(8192);
	size_t need;

	(void)state;
	assert_int_equal(nfexp_build_query(NULL, NFCT_Q_CREATE, exp, full, 8192), 1);
	need = ((struct nlmsghdr *)full)->nlmsg_len;
	assert_padding_zero(full);
	for (size_t size = 0; size <= need + 8; size++) {
		unsigned char *p = guarded(size);
		int ret;

		errno = 0;
		ret = nfexp_build_query(NULL, NFCT_Q_CREATE, exp, p, size);
		assert_int_equal(ret, size < need ? -1 : 1);
		if (ret == 1)
			assert_memory_equal(p, full, need);
		else
			assert_int_equal(errno, ENOSPC);
		assert_guard(p, size);
		memset(p, FILL, size);
		ret = nfexp_build_expect(NULL, p, size, IPCTNL_MSG_EXP_NEW,
					 NLM_F_REQUEST, exp);
		assert_int_equal(ret, size < need ? -1 : 0);
		assert_guard(p, size);
		free(p);
	}
	free(full);
	nfexp_destroy(exp);
}

/* A filled buffer: every byte of the message comes from the builder. */
static void test_padding_zeroed(void **state)
{
	struct nf_conntrack *ct = rich_ct(40);
	unsigned char *p = guarded(MNL_SOCKET_BUFFER_SIZE);
	struct nlmsghdr *nlh;

	(void)state;
	nlh = mnl_nlmsg_put_header(p);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
	assert_int_equal(nfct_nlmsg_build(nlh, ct), 0);
	assert_padding_zero(p);
	nfct_destroy(ct);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_padding_zeroed),
		cmocka_unit_test(test_every_size),
		cmocka_unit_test(test_every_size_expect),
		cmocka_unit_test(test_wide_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
