/*
 * Codec against the live kernel, in a private network namespace:
 * entries created from nfct_nlmsg_build messages must read back with the
 * same values, kernel dumps must parse identically on both libraries,
 * and dump/flush filters (tuple and zone ones are 1.1.x additions the
 * reference lacks) must really filter in the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnfnetlink/libnfnetlink.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "nfct_test.h"

#define PROBE TEST_BUILD_DIR "/codec/codec_probe"

static struct mnl_socket *nl;
static uint32_t seq;

static struct nlmsghdr *start(void *buf, uint16_t type, uint16_t flags,
			      uint8_t family)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *g;

	/* callers' buffers are MNL_SOCKET_BUFFER_SIZE: libmnl leaves
	 * attribute padding as it was, and valgrind checks what is sent */
	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	return nlh;
}

/* Send and wait for the ACK: returns 0 or the kernel's -errno. */
static int talk(struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int n;

	nlh->nlmsg_flags |= NLM_F_ACK;
	assert_true(mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) >= 0);
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	assert_true(n > 0);
	n = mnl_cb_run(buf, n, nlh->nlmsg_seq, 0, NULL, NULL);
	return n < 0 ? -errno : 0;
}

struct dump {
	int count;
	char *hex;	/* every message, hex, one a line */
	size_t len;
};

static int collect(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	const unsigned char *p = (const void *)nlh;

	d->hex = realloc(d->hex, d->len + nlh->nlmsg_len * 2 + 2);
	for (unsigned i = 0; i < nlh->nlmsg_len; i++)
		d->len += sprintf(d->hex + d->len, "%02x", p[i]);
	d->hex[d->len++] = '\n';
	d->hex[d->len] = '\0';
	d->count++;
	return MNL_CB_OK;
}

static int run_dump(struct nlmsghdr *nlh, struct dump *d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int n, ret;

	memset(d, 0, sizeof(*d));
	assert_true(mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) >= 0);
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		assert_true(n > 0);
		ret = mnl_cb_run(buf, n, nlh->nlmsg_seq, 0, collect, d);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static struct nf_conntrack *tcp4(uint32_t src, uint16_t sport, uint16_t zone)
{
	struct nf_conntrack *ct = nfct_new();

	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u32(ct, ATTR_IPV4_SRC, htonl(src));
	nfct_set_attr_u32(ct, ATTR_IPV4_DST, htonl(0x7f000001));
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, htonl(0x7f000001));
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, htonl(src));
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(sport));
	nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(80));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(80));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(sport));
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, 3);	/* ESTABLISHED */
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 1000);
	nfct_set_attr_u32(ct, ATTR_MARK, sport);
	nfct_set_attr_u32(ct, ATTR_STATUS, 0);
	if (zone)
		nfct_set_attr_u16(ct, ATTR_ZONE, zone);
	return ct;
}

static struct nf_conntrack *udp6(uint16_t sport)
{
	struct nf_conntrack *ct = nfct_new();
	struct in6_addr a = IN6ADDR_LOOPBACK_INIT, b = IN6ADDR_LOOPBACK_INIT;

	b.s6_addr[0] = 0xfd;
	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET6);
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET6);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_UDP);
	nfct_set_attr(ct, ATTR_IPV6_SRC, &b);
	nfct_set_attr(ct, ATTR_IPV6_DST, &a);
	nfct_set_attr(ct, ATTR_REPL_IPV6_SRC, &a);
	nfct_set_attr(ct, ATTR_REPL_IPV6_DST, &b);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_UDP);
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(sport));
	nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(53));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(53));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(sport));
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 1000);
	nfct_set_attr_u32(ct, ATTR_MARK, 0x600 + sport);
	return ct;
}

static void create(struct nf_conntrack *ct)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = start(buf, IPCTNL_MSG_CT_NEW,
				     NLM_F_CREATE | NLM_F_EXCL,
				     nfct_get_attr_u8(ct, ATTR_L3PROTO));

	assert_int_equal(nfct_nlmsg_build(nlh, ct), 0);
	assert_int_equal(talk(nlh), 0);
	nfct_destroy(ct);
}

static int dump_filtered(struct nfct_filter_dump *f, struct dump *d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = start(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC);

	if (f)
		assert_int_equal(nfct_nlmsg_build_filter(nlh, f), 0);
	return run_dump(nlh, d);
}

static void fill_table(void)
{
	test_netns_enter();	/* a fresh, empty table for every test */
	if (nl)
		mnl_socket_close(nl);
	nl = mnl_socket_open(NETLINK_NETFILTER);
	assert_non_null(nl);
	assert_int_equal(mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID), 0);
	/* 3 TCP in zone 0, 2 TCP in zone 5, 2 UDP over IPv6. */
	create(tcp4(0x0a000001, 1001, 0));
	create(tcp4(0x0a000002, 1002, 0));
	create(tcp4(0x0a000002, 1003, 0));
	create(tcp4(0x0a000001, 1004, 5));
	create(tcp4(0x0a000003, 1005, 5));
	create(udp6(2001));
	create(udp6(2002));
}

/* What the kernel holds reads back with the values we created. */
static void test_create_read_back(void **state)
{
	struct dump d;
	char *line, *save = NULL;
	int found = 0;

	(void)state;
	fill_table();
	assert_int_equal(dump_filtered(NULL, &d), 0);
	assert_int_equal(d.count, 7);
	for (line = strtok_r(d.hex, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned char msg[4096] __attribute__((aligned(4)));
		struct nf_conntrack *ct = nfct_new();
		size_t n = strlen(line) / 2;
		uint16_t sport;

		for (size_t i = 0; i < n; i++)
			sscanf(line + 2 * i, "%2hhx", &msg[i]);
		assert_int_equal(nfct_nlmsg_parse((void *)msg, ct), 0);
		sport = ntohs(nfct_get_attr_u16(ct, ATTR_PORT_SRC));
		if (nfct_get_attr_u8(ct, ATTR_L4PROTO) == IPPROTO_TCP) {
			assert_int_equal(nfct_get_attr_u8(ct, ATTR_L3PROTO), AF_INET);
			assert_int_equal(nfct_get_attr_u32(ct, ATTR_MARK), sport);
			assert_int_equal(ntohs(nfct_get_attr_u16(ct, ATTR_PORT_DST)), 80);
			assert_int_equal(nfct_get_attr_u8(ct, ATTR_TCP_STATE), 3);
			assert_int_equal(nfct_get_attr_u16(ct, ATTR_ZONE),
					 sport >= 1004 ? 5 : 0);
			assert_true(nfct_get_attr_u32(ct, ATTR_STATUS) & IPS_CONFIRMED);
		} else {
			assert_int_equal(nfct_get_attr_u8(ct, ATTR_L4PROTO), IPPROTO_UDP);
			assert_int_equal(nfct_get_attr_u8(ct, ATTR_L3PROTO), AF_INET6);
			assert_int_equal(nfct_get_attr_u32(ct, ATTR_MARK), 0x600 + sport);
			assert_int_equal(((const uint8_t *)nfct_get_attr(ct, ATTR_IPV6_SRC))[0], 0xfd);
		}
		assert_true(nfct_get_attr_u32(ct, ATTR_TIMEOUT) <= 1000);
		assert_true(nfct_attr_is_set(ct, ATTR_ID));
		found++;
		nfct_destroy(ct);
	}
	assert_int_equal(found, 7);
	free(d.hex);
}

/* Kernel messages parse the same on both libraries. */
static void test_kernel_dump_parse_same(void **state)
{
	char *argv[] = { PROBE, "parse", NULL };
	struct oracle_out ours, ref;
	struct dump d;

	(void)state;
	fill_table();
	assert_int_equal(dump_filtered(NULL, &d), 0);
	assert_int_equal(oracle_run(ORACLE_OURS, argv, d.hex, &ours), 0);
	assert_int_equal(oracle_run(ORACLE_REF, argv, d.hex, &ref), 0);
	if (strcmp(ours.out, ref.out))
		fprintf(stderr, "ours:\n%s\nreference:\n%s\n", ours.out, ref.out);
	assert_string_equal(ours.out, ref.out);
	assert_int_equal(ours.status, 0);
	oracle_free(&ours);
	oracle_free(&ref);
	free(d.hex);
}

/* Mark, zone and tuple dump filters are applied by the kernel. */
static void test_dump_filters(void **state)
{
	struct nfct_filter_dump *f;
	struct nf_conntrack *t;
	struct nfct_filter_dump_mark m = { 1002, 0xffffffff };
	struct dump d;

	(void)state;
	fill_table();
	f = nfct_filter_dump_create();
	nfct_filter_dump_set_attr(f, NFCT_FILTER_DUMP_MARK, &m);
	assert_int_equal(dump_filtered(f, &d), 0);
	assert_int_equal(d.count, 1);
	free(d.hex);
	nfct_filter_dump_destroy(f);

	f = nfct_filter_dump_create();
	nfct_filter_dump_set_attr_u8(f, NFCT_FILTER_DUMP_L3NUM, AF_INET6);
	assert_int_equal(dump_filtered(f, &d), 0);
	assert_int_equal(d.count, 2);
	free(d.hex);
	nfct_filter_dump_destroy(f);

	f = nfct_filter_dump_create();
	nfct_filter_dump_set_attr_u16(f, NFCT_FILTER_DUMP_ZONE, 5);
	assert_int_equal(dump_filtered(f, &d), 0);
	assert_int_equal(d.count, 2);
	free(d.hex);
	nfct_filter_dump_destroy(f);

	/* Tuple: source 10.0.0.2 over TCP -> two entries. */
	t = nfct_new();
	nfct_set_attr_u8(t, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u32(t, ATTR_IPV4_SRC, htonl(0x0a000002));
	nfct_set_attr_u8(t, ATTR_L4PROTO, IPPROTO_TCP);
	f = nfct_filter_dump_create();
	nfct_filter_dump_set_attr(f, NFCT_FILTER_DUMP_TUPLE, t);
	nfct_destroy(t);	/* the filter keeps its own copy */
	assert_int_equal(dump_filtered(f, &d), 0);
	assert_int_equal(d.count, 2);
	free(d.hex);
	/* A conflicting family is refused before anything is sent. */
	nfct_filter_dump_set_attr_u8(f, NFCT_FILTER_DUMP_L3NUM, AF_INET6);
	{
		char buf[MNL_SOCKET_BUFFER_SIZE];
		struct nlmsghdr *nlh = start(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, 0);
		assert_int_equal(nfct_nlmsg_build_filter(nlh, f), -1);
	}
	nfct_filter_dump_destroy(f);
}

/* NFCT_Q_FLUSH_FILTER with a 1.1.x filter object flushes by mark only,
 * refuses a tuple filter; with a family pointer flushes that family. */
static void test_flush_filter(void **state)
{
	struct nfnl_handle *h;
	struct nfnl_subsys_handle *ssh;
	struct nfct_filter_dump *f;
	struct nfct_filter_dump_mark m = { 1001, 0xffffffff };
	struct nf_conntrack *t = nfct_new();
	union { char buf[4096]; struct nlmsghdr nlh; } req;
	uint32_t family = AF_INET6;
	struct dump d;

	(void)state;
	fill_table();
	h = nfnl_open();
	assert_non_null(h);
	ssh = nfnl_subsys_open(h, NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_MAX, 0);
	assert_non_null(ssh);

	f = nfct_filter_dump_create();
	nfct_filter_dump_set_attr(f, NFCT_FILTER_DUMP_MARK, &m);
	assert_int_equal(nfct_build_query(ssh, NFCT_Q_FLUSH_FILTER, f, req.buf,
					  sizeof(req.buf)), 1);
	req.nlh.nlmsg_seq = ++seq;
	assert_int_equal(talk(&req.nlh), 0);
	assert_int_equal(dump_filtered(NULL, &d), 0);
	assert_int_equal(d.count, 6);
	free(d.hex);

	nfct_set_attr_u8(t, ATTR_L3PROTO, AF_INET);
	nfct_filter_dump_set_attr(f, NFCT_FILTER_DUMP_TUPLE, t);
	nfct_destroy(t);
	errno = 0;
	assert_int_equal(nfct_build_query(ssh, NFCT_Q_FLUSH_FILTER, f, req.buf,
					  sizeof(req.buf)), 1);
	assert_int_equal(errno, ENOTSUP);
	nfct_filter_dump_destroy(f);

	assert_int_equal(nfct_build_query(ssh, NFCT_Q_FLUSH_FILTER, &family,
					  req.buf, sizeof(req.buf)), 1);
	req.nlh.nlmsg_seq = ++seq;
	assert_int_equal(talk(&req.nlh), 0);
	assert_int_equal(dump_filtered(NULL, &d), 0);
	assert_int_equal(d.count, 4);
	free(d.hex);
	nfnl_subsys_close(ssh);
	nfnl_close(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_read_back),
		cmocka_unit_test(test_kernel_dump_parse_same),
		cmocka_unit_test(test_dump_filters),
		cmocka_unit_test(test_flush_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
