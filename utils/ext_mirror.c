/*
 * ext_mirror - watch the conntrack table through a self-healing mirror
 *
 * Usage: ext_mirror [-n NETNS] [-p tcp|udp|icmp] [-b BYTES] [-c COUNT]
 *                   [-t SECONDS]
 *
 * Keeps a copy of the table (of NETNS, a path such as /run/netns/NAME,
 * if given; only the entries of one protocol with -p) and prints each
 * change: "[ADDED]", "[CHANGED]" and "[REMOVED]" followed by the entry
 * as conntrack(8) prints it. Removals an event reported come with the
 * kernel's final counters ("final: packets=... bytes=..."; non-zero once
 * net.netfilter.nf_conntrack_acct is 1). Changes found by a
 * resynchronisation after lost events are marked "(resync)": they
 * happened some time ago. Prints "mirroring N entries" once the initial
 * dump is in, so a script can wait for that line. Stops after COUNT
 * changes (default: never) and fails if SECONDS pass first. -b sets the
 * event socket's receive buffer.
 */
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>

#include "example.h"

static long left;	/* changes still to print; 0: no limit */
static bool done;

static void timeout(int sig)
{
	static const char msg[] = "ext_mirror: timeout\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(EXIT_FAILURE);
}

static void print(const char *tag, const struct nf_conntrack *ct,
		  unsigned int how)
{
	char buf[1024];

	nfct_snprintf(buf, sizeof(buf), ct, NFCT_T_UNKNOWN, NFCT_O_DEFAULT,
		      NFCT_OF_SHOW_LAYER3);
	printf("%s %s%s\n", tag, buf, how & NFCT_EXT_MIRROR_RESYNC ? " (resync)" : "");
}

static void counted(void)
{
	fflush(stdout);
	if (left > 0 && --left == 0)
		done = true;
}

static void added(const struct nf_conntrack *ct, unsigned int how, void *data)
{
	(void)data;
	if (how & NFCT_EXT_MIRROR_INITIAL)
		return;		/* the table as it was: summed up below */
	print("[ADDED]", ct, how);
	counted();
}

static void updated(const struct nf_conntrack *ct, unsigned int how, void *data)
{
	(void)data;
	print("[CHANGED]", ct, how);
	counted();
}

static void removed(const struct nf_conntrack *stored,
		    const struct nf_conntrack *destroy, unsigned int how,
		    void *data)
{
	(void)data;
	print("[REMOVED]", stored, how);
	if (destroy)
		printf("  final: packets=%llu bytes=%llu (original) packets=%llu bytes=%llu (reply)\n",
		       (unsigned long long)nfct_get_attr_u64(destroy, ATTR_ORIG_COUNTER_PACKETS),
		       (unsigned long long)nfct_get_attr_u64(destroy, ATTR_ORIG_COUNTER_BYTES),
		       (unsigned long long)nfct_get_attr_u64(destroy, ATTR_REPL_COUNTER_PACKETS),
		       (unsigned long long)nfct_get_attr_u64(destroy, ATTR_REPL_COUNTER_BYTES));
	counted();
}

static int protocol(const char *s, uint8_t *p)
{
	if (strcmp(s, "tcp") == 0)
		*p = IPPROTO_TCP;
	else if (strcmp(s, "udp") == 0)
		*p = IPPROTO_UDP;
	else if (strcmp(s, "icmp") == 0)
		*p = IPPROTO_ICMP;
	else {
		fprintf(stderr, "unknown protocol: %s\n", s);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct nfct_ext_mirror_opts o;
	struct nfct_ext_mirror *m;
	long seconds = 0, bytes = 0;
	int opt, ret = 0;

	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	o.added = added;
	o.updated = updated;
	o.removed = removed;
	while ((opt = getopt(argc, argv, "n:p:b:c:t:")) != -1) {
		if (opt == 'n') {
			o.netns = optarg;
			continue;
		}
		if (opt == 'p' && protocol(optarg, &o.l4proto) == 0) {
			o.filter.flags |= NFCT_EXT_MF_L4PROTO;
			continue;
		}
		if (opt == 'b' && example_number(optarg, &bytes) == 0 && bytes <= 1 << 30) {
			o.rcvbuf = (int)bytes;
			continue;
		}
		if (opt == 'c' && example_number(optarg, &left) == 0)
			continue;
		if (opt == 't' && example_number(optarg, &seconds) == 0)
			continue;
		fprintf(stderr, "usage: %s [-n NETNS] [-p tcp|udp|icmp] [-b BYTES] [-c COUNT] [-t SECONDS]\n",
			argv[0]);
		return EXIT_FAILURE;
	}
	if (seconds > 0) {
		signal(SIGALRM, timeout);
		alarm(seconds);
	}
	m = nfct_ext_mirror_new_opts(&o);
	if (m == NULL) {
		perror("nfct_ext_mirror_new_opts");
		return EXIT_FAILURE;
	}
	printf("mirroring %u entries\n", nfct_ext_mirror_count(m));
	fflush(stdout);

	while (!done) {
		struct pollfd p = { nfct_ext_mirror_fd(m), POLLIN, 0 };

		if (poll(&p, 1, -1) < 0 && errno != EINTR) {
			perror("poll");
			ret = -1;
			break;
		}
		ret = nfct_ext_mirror_process(m);
		if (ret < 0) {
			perror("nfct_ext_mirror_process");
			break;
		}
	}
	printf("%u entries, %u resyncs\n", nfct_ext_mirror_count(m),
	       nfct_ext_mirror_resyncs(m));
	nfct_ext_mirror_free(m);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
