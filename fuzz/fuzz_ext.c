/*
 * The extensions' receive paths: bulk delete (flush and dump + batched
 * deletes), statistics, batch results, the mirror's dump and events.
 * The socket calls are wrapped (run.sh links this target with
 * -Wl,--wrap=recvmsg,... ): requests go nowhere, and the replies are
 * the input's datagrams.
 *
 * Input: byte 0 = the path (mode % N_MODES), then datagrams, each a
 * 16-bit little-endian length, a flag byte (bit 0: fail the read with
 * ENOBUFS instead, bit 1: from another socket, not the kernel, bit 2:
 * flagged MSG_TRUNC) and that many bytes. A message with a sequence
 * number n other than 0 gets the n-th sequence number of the last
 * request(s) sent, so that the input can answer them.
 */
#include "fuzz_common.h"
#include "../tests/lib/fake_reply.h"
#include "../tests/robust/robust_util.h"
#include <errno.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>

static const uint8_t *in;
static size_t in_len, in_off;
static uint32_t seq_base;

/* ---- the wrapped socket calls ---------------------------------------- */

static void note_request(const void *buf, size_t len)
{
	struct nlmsghdr nlh;

	if (len >= sizeof(nlh)) {
		memcpy(&nlh, buf, sizeof(nlh));
		seq_base = nlh.nlmsg_seq;
	}
}

ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen)
{
	(void)fd, (void)flags, (void)to, (void)tolen;
	note_request(buf, len);
	return len;
}

int __wrap_sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	(void)fd, (void)flags;
	if (n > 0 && v[0].msg_hdr.msg_iovlen > 0)
		note_request(v[0].msg_hdr.msg_iov[0].iov_base,
			     v[0].msg_hdr.msg_iov[0].iov_len);
	for (unsigned int k = 0; k < n; k++)
		v[k].msg_len = 0;
	return n;
}

/* The next datagram into @msg: its length, or -1 with errno (EAGAIN when
 * the input is used up: every call then ends). */
static ssize_t next_dgram(struct msghdr *msg)
{
	struct sockaddr_nl peer = { .nl_family = AF_NETLINK };
	size_t len, n;
	uint8_t flags;

	if (in_off + 3 > in_len) {
		errno = EAGAIN;
		return -1;
	}
	len = in[in_off] | in[in_off + 1] << 8;
	flags = in[in_off + 2];
	in_off += 3;
	if (len > in_len - in_off)
		len = in_len - in_off;
	if (flags & 1) {
		errno = ENOBUFS;
		return -1;
	}
	n = len < msg->msg_iov[0].iov_len ? len : msg->msg_iov[0].iov_len;
	memcpy(msg->msg_iov[0].iov_base, in + in_off, n);
	in_off += len;
	fake_reply_number(msg->msg_iov[0].iov_base, n, seq_base);
	peer.nl_pid = flags & 2 ? 4242 : 0;
	if (msg->msg_name && msg->msg_namelen >= sizeof(peer)) {
		memcpy(msg->msg_name, &peer, sizeof(peer));
		msg->msg_namelen = sizeof(peer);
	}
	msg->msg_flags = (n < len || (flags & 4)) ? MSG_TRUNC : 0;
	return n;
}

ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
	(void)fd, (void)flags;
	return next_dgram(msg);
}

int __wrap_recvmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags,
		    struct timespec *t)
{
	unsigned int k;

	(void)fd, (void)flags, (void)t;
	for (k = 0; k < n; k++) {
		ssize_t r = next_dgram(&v[k].msg_hdr);

		if (r < 0)
			return k ? (int)k : -1;
		v[k].msg_len = r;
	}
	return k;
}

/* The mirror drains its event socket with recv(): nothing queued. */
ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags)
{
	(void)fd, (void)buf, (void)len, (void)flags;
	errno = EAGAIN;
	return -1;
}

/* ---- the paths ---------------------------------------------------------- */

static struct nfct_handle *h;

static void bulk(unsigned int flags)
{
	struct nfct_filter_dump *f = nfct_filter_dump_create();
	struct nfct_filter_dump_mark mark = { 1, 1 };
	unsigned int deleted;

	if (f == NULL)
		return;
	nfct_filter_dump_set_attr(f, NFCT_FILTER_DUMP_MARK, &mark);
	nfct_ext_bulk_delete(h, f, flags, &deleted);
	nfct_filter_dump_destroy(f);
}

static void batch(void)
{
	static const enum nf_conntrack_query q[] = {
		NFCT_Q_GET, NFCT_Q_DESTROY, NFCT_Q_UPDATE, NFCT_Q_GET,
	};
	struct nfct_ext_batch *b = nfct_ext_batch_new();
	struct nf_conntrack *ct = nfct_new();
	char buf[1024];

	if (b && ct) {
		robust_entry(ct, 1);
		for (unsigned int k = 0; k < sizeof(q) / sizeof(q[0]); k++)
			nfct_ext_batch_add(b, q[k], ct);
		nfct_ext_batch_send(h, b);
		for (unsigned int k = 0; k < sizeof(q) / sizeof(q[0]); k++)
			nfct_ext_batch_result(b, k);
		nfct_snprintf(buf, sizeof(buf), ct, NFCT_T_UNKNOWN,
			      NFCT_O_PLAIN, 0);
	}
	nfct_destroy(ct);
	nfct_ext_batch_free(b);
}

static void seen(const struct nf_conntrack *ct, void *data)
{
	char buf[1024];

	(void)data;
	nfct_snprintf(buf, sizeof(buf), ct, NFCT_T_UNKNOWN, NFCT_O_PLAIN, 0);
}

static void mirror(bool filtered)
{
	static const struct nfct_ext_mirror_ops ops = { seen, seen, seen };
	struct nfct_ext_mirror_filter f = {
		.flags = NFCT_EXT_MF_MARK, .mark = 1, .mark_mask = 1,
	};
	struct nfct_ext_mirror *m;

	m = nfct_ext_mirror_new(filtered ? &f : NULL, &ops, NULL);
	if (m == NULL)
		return;
	nfct_ext_mirror_process(m);
	nfct_ext_mirror_resync(m);
	nfct_ext_mirror_process(m);
	nfct_ext_mirror_free(m);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	h = fuzz_handle();
	return 0;
}

enum { N_MODES = 9 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfct_ext_stats_cpu ct_cpu[4];
	struct nfexp_ext_stats_cpu exp_cpu[4];
	uint32_t entries, max;

	if (size < 1)
		return 0;
	in = data;
	in_len = size;
	in_off = 1;
	switch (data[0] % N_MODES) {
	case 0:
		bulk(0);
		break;
	case 1:
		bulk(NFCT_EXT_BULK_NO_FLUSH);
		break;
	case 2:
		nfct_ext_stats_count(h, &entries, &max);
		break;
	case 3:
		nfct_ext_stats_cpu(h, ct_cpu, 4);
		break;
	case 4:
		nfexp_ext_stats_cpu(h, exp_cpu, 4);
		break;
	case 5:
		batch();
		break;
	case 6:
		mirror(false);
		break;
	case 7:
		mirror(true);
		break;
	case 8:
		nfct_ext_dump_dying(h, AF_UNSPEC);
		break;
	}
	return 0;
}
