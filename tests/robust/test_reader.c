/*
 * The netlink reader against malformed and foreign datagrams. A shim of
 * recvmsg() and sendto() (this program's definitions take precedence
 * over libc's for the library too) answers the extensions' requests
 * with crafted replies: a message whose nlmsg_len is 2^31 or more, an
 * odd-length message whose last attribute runs into the padding, error
 * codes of INT_MIN. Each must be survived, and the reply that follows
 * be read as the kernel meant it. The last test, in a private network
 * namespace, has another socket send a datagram too big for the receive
 * buffer to the handle while it waits for a reply.
 */
#include <errno.h>
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <arpa/inet.h>

#include "nfct_test.h"
#include "robust_util.h"
#include "fake_reply.h"
#include <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>

/* ---- the shim ---------------------------------------------------------- */

/* Replies answer the first request of the last send (fake_reply.h). */
#define SEQ_REPLY 1

struct dgram {
	union {
		unsigned char buf[512];
		struct nlmsghdr align;
	} u;
	size_t len;
};

static struct dgram queue[8];
static unsigned int queued, next_dgram;
static uint32_t last_seq;
static bool shim_on;

/* default visibility: the build hides symbols unless told otherwise */
#define SHIM __attribute__((visibility("default")))

SHIM ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	const struct nlmsghdr *nlh = buf;

	if (!shim_on)
		return syscall(SYS_sendto, fd, buf, len, flags, to, tolen);
	if (len >= sizeof(*nlh))
		last_seq = nlh->nlmsg_seq;
	return len;
}

SHIM ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct dgram *d;
	size_t n;

	if (!shim_on)
		return syscall(SYS_recvmsg, fd, msg, flags);
	if (next_dgram == queued) {
		errno = EAGAIN;	/* the test gave no more: never block */
		return -1;
	}
	d = &queue[next_dgram++];
	n = d->len < msg->msg_iov[0].iov_len ? d->len : msg->msg_iov[0].iov_len;
	memcpy(msg->msg_iov[0].iov_base, d->u.buf, n);
	fake_reply_number(msg->msg_iov[0].iov_base, n, last_seq);
	memcpy(msg->msg_name, &kernel, sizeof(kernel));
	msg->msg_namelen = sizeof(kernel);
	msg->msg_flags = n < d->len ? MSG_TRUNC : 0;
	return n;
}

static void shim_reset(void)
{
	memset(queue, 0, sizeof(queue));
	queued = next_dgram = 0;
}

static struct dgram *dgram_new(void)
{
	assert_true(queued < sizeof(queue) / sizeof(queue[0]));
	return &queue[queued++];
}

/* Append a message header with @len in nlmsg_len (0: the real length,
 * set by msg_end()). */
static struct nlmsghdr *msg_put(struct dgram *d, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d->u.buf + d->len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = SEQ_REPLY;
	return nlh;
}

static void msg_end(struct dgram *d, struct nlmsghdr *nlh)
{
	d->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* A ctnetlink message of @subsys/@type with struct nfgenmsg. */
static struct nlmsghdr *ct_msg(struct dgram *d, uint8_t subsys, uint8_t type,
			       uint16_t res_id)
{
	struct nlmsghdr *nlh = msg_put(d, subsys << 8 | type, NLM_F_MULTI);
	struct nfgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->nfgen_family = AF_UNSPEC;
	g->res_id = htons(res_id);
	return nlh;
}

/* NLMSG_ERROR or NLMSG_DONE carrying @code. */
static void code_msg(struct dgram *d, uint16_t type, int32_t code)
{
	struct nlmsghdr *nlh = msg_put(d, type, 0);
	unsigned char *p = mnl_nlmsg_put_extra_header(nlh, 20);

	memcpy(p, &code, sizeof(code));
	msg_end(d, nlh);
}

/* A datagram of one message claiming @len bytes, 2^31 or more: as an
 * int, 2^31 wraps to a negative step, 2^32 - 4 to a step of 4 GiB. */
static void huge_dgram(uint16_t type, uint32_t len)
{
	struct dgram *d = dgram_new();
	struct nlmsghdr *nlh = msg_put(d, type, NLM_F_MULTI);

	nlh->nlmsg_len = len;
	d->len = 64;
}

static void stats_reply(void)
{
	struct dgram *d = dgram_new();
	struct nlmsghdr *nlh = ct_msg(d, NFNL_SUBSYS_CTNETLINK,
				      IPCTNL_MSG_CT_GET_STATS, 0);

	mnl_attr_put_u32(nlh, CTA_STATS_GLOBAL_ENTRIES, htonl(7));
	mnl_attr_put_u32(nlh, CTA_STATS_GLOBAL_MAX_ENTRIES, htonl(100));
	msg_end(d, nlh);
	code_msg(d, NLMSG_ERROR, 0);
}

static void cpu_reply(void)
{
	struct dgram *d = dgram_new();

	for (uint16_t cpu = 0; cpu < 2; cpu++) {
		struct nlmsghdr *nlh = ct_msg(d, NFNL_SUBSYS_CTNETLINK,
					      IPCTNL_MSG_CT_GET_STATS_CPU, cpu);

		mnl_attr_put_u32(nlh, CTA_STATS_FOUND, htonl(5 + cpu));
		msg_end(d, nlh);
	}
	code_msg(d, NLMSG_DONE, 0);
}

/*
 * Run @fn in a child with the shim on and a time limit: the defects
 * this file is about crash or hang. Its exit status is the result.
 */
static void isolated(int (*fn)(struct nfct_handle *h))
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct nfct_handle *h;

		/* cmocka's handlers would take the child back into the runner */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		signal(SIGILL, SIG_DFL);
		signal(SIGFPE, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		alarm(20);
		/* should the shim miss a call, it must not reach the host */
		if (unshare(CLONE_NEWNET) != 0)
			_exit(4);
		h = nfct_open(CONNTRACK, 0);
		if (h == NULL)
			_exit(3);
		shim_on = true;
		st = fn(h);
		shim_on = false;
		nfct_close(h);
		_exit(st);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFSIGNALED(st))
		fail_msg("the call died of signal %d (%s)", WTERMSIG(st),
			 WTERMSIG(st) == SIGALRM ? "it hung" : "it crashed");
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) != 0)
		fail_msg("the call gave a wrong result (check %d)",
			 WEXITSTATUS(st));
}

/* ---- messages of 2^31 bytes or more ---------------------------------------------- */

static int count_after_huge(struct nfct_handle *h)
{
	uint32_t entries = 0, max = 0;

	huge_dgram(NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_GET_STATS,
		   0xfffffffcu);
	stats_reply();
	if (nfct_ext_stats_count(h, &entries, &max) != 0)
		return 1;
	return entries == 7 && max == 100 ? 0 : 2;
}

static void test_huge_stats_count(void **state)
{
	(void)state;
	shim_reset();
	isolated(count_after_huge);
}

static int cpu_after_huge(struct nfct_handle *h)
{
	struct nfct_ext_stats_cpu st[4];

	memset(st, 0, sizeof(st));
	huge_dgram(NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_GET_STATS_CPU,
		   0x80000000u);
	cpu_reply();
	if (nfct_ext_stats_cpu(h, st, 4) != 2)
		return 1;
	return st[1].cpu == 1 && st[1].found == 6 ? 0 : 2;
}

static void test_huge_stats_cpu(void **state)
{
	(void)state;
	shim_reset();
	isolated(cpu_after_huge);
}

static int bulk_after_huge(struct nfct_handle *h)
{
	struct nfct_filter_dump *f = nfct_filter_dump_create();
	unsigned int deleted = 0;
	int ret;

	/* a mark filter: the kernel flushes it, one request and its ACK */
	nfct_filter_dump_set_attr(f, NFCT_FILTER_DUMP_MARK,
				  &(struct nfct_filter_dump_mark){ 1, 1 });
	huge_dgram(NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW, 0xfffffffcu);
	code_msg(dgram_new(), NLMSG_ERROR, 0);
	ret = nfct_ext_bulk_delete(h, f, 0, &deleted);
	nfct_filter_dump_destroy(f);
	if (ret != 0)
		return 1;
	return deleted == NFCT_EXT_BULK_UNKNOWN ? 0 : 2;
}

static void test_huge_bulk_delete(void **state)
{
	(void)state;
	shim_reset();
	isolated(bulk_after_huge);
}

/* ---- odd lengths --------------------------------------------------------- */

/*
 * A statistics message of 25 bytes whose entry count attribute claims 8:
 * its last 3 bytes lie in the padding before the next message. They are
 * not the message's, so the attribute does not count.
 */
static int count_odd(struct nfct_handle *h)
{
	struct dgram *d = dgram_new();
	struct nlmsghdr *nlh = ct_msg(d, NFNL_SUBSYS_CTNETLINK,
				      IPCTNL_MSG_CT_GET_STATS, 0);
	uint32_t entries = 1, max = 1;

	mnl_attr_put_u32(nlh, CTA_STATS_GLOBAL_ENTRIES, htonl(0x00abcdef));
	nlh->nlmsg_len -= 3;
	msg_end(d, nlh);
	code_msg(d, NLMSG_ERROR, 0);
	if (nfct_ext_stats_count(h, &entries, &max) != 0)
		return 1;
	return entries == 0 && max == 0 ? 0 : 2;
}

static void test_odd_length_stats(void **state)
{
	(void)state;
	shim_reset();
	isolated(count_odd);
}

/* ---- INT_MIN error codes --------------------------------------------------- */

static int count_int_min(struct nfct_handle *h)
{
	code_msg(dgram_new(), NLMSG_ERROR, INT_MIN);
	if (nfct_ext_stats_count(h, NULL, NULL) != -1)
		return 1;
	return errno == INT_MIN ? 0 : 2;
}

static int cpu_int_min(struct nfct_handle *h)
{
	code_msg(dgram_new(), NLMSG_DONE, INT_MIN);
	if (nfct_ext_stats_cpu(h, NULL, 0) != -1)
		return 1;
	return errno == INT_MIN ? 0 : 2;
}

static void test_int_min(void **state)
{
	(void)state;
	shim_reset();
	isolated(count_int_min);
	shim_reset();
	isolated(cpu_int_min);
}

/* ---- a foreign sender ------------------------------------------------------- */

static int counted;

static int count_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
		    void *data)
{
	(void)type;
	(void)ct;
	(void)data;
	counted++;
	return NFCT_CB_CONTINUE;
}

/* Send the handle a datagram bigger than any receive buffer of ours. */
static void send_foreign(int from, struct nfct_handle *h)
{
	static unsigned char big[70000];
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	struct nlmsghdr nlh = {
		.nlmsg_len = sizeof(big), .nlmsg_type = NLMSG_ERROR,
	};
	socklen_t len = sizeof(to);

	assert_int_equal(getsockname(nfct_fd(h), (struct sockaddr *)&to, &len), 0);
	memcpy(big, &nlh, sizeof(nlh));
	if (sendto(from, big, sizeof(big), 0, (struct sockaddr *)&to,
		   sizeof(to)) != (ssize_t)sizeof(big))
		fail_msg("sending the foreign datagram: %s", strerror(errno));
}

static void test_foreign_sender(void **state)
{
	struct nfct_handle *h;
	struct nf_conntrack *ct;
	int buf = 1 << 20, from;
	uint32_t family = AF_INET, entries = 0;

	(void)state;
	test_netns_enter();
	h = nfct_open(CONNTRACK, 0);
	ct = nfct_new();
	assert_non_null(h);
	assert_non_null(ct);
	robust_entry(ct, 1);
	assert_int_equal(nfct_query(h, NFCT_Q_CREATE, ct), 0);
	nfct_callback_register(h, NFCT_T_ALL, count_cb, NULL);
	setsockopt(nfct_fd(h), SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	from = socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
	assert_true(from >= 0);
	setsockopt(from, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));

	send_foreign(from, h);
	counted = 0;
	if (nfct_query(h, NFCT_Q_DUMP, &family) != 0)
		fail_msg("nfct_query after a foreign datagram: %s", strerror(errno));
	assert_int_equal(counted, 1);

	send_foreign(from, h);
	counted = 0;
	assert_true(nfct_send(h, NFCT_Q_DUMP, &family) > 0);
	if (nfct_catch(h) != 0)
		fail_msg("nfct_catch after a foreign datagram: %s", strerror(errno));
	assert_int_equal(counted, 1);

	send_foreign(from, h);
	if (nfct_ext_stats_count(h, &entries, NULL) != 0)
		fail_msg("nfct_ext_stats_count after a foreign datagram: %s",
			 strerror(errno));
	assert_int_equal(entries, 1);

	close(from);
	nfct_destroy(ct);
	nfct_close(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_huge_stats_count),
		cmocka_unit_test(test_huge_stats_cpu),
		cmocka_unit_test(test_huge_bulk_delete),
		cmocka_unit_test(test_odd_length_stats),
		cmocka_unit_test(test_int_min),
		cmocka_unit_test(test_foreign_sender),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
