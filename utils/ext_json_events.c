/*
 * ext_json_events - print conntrack events as JSON lines
 *
 * Usage: ext_json_events [-c COUNT] [-t SECONDS] [-b BYTES]
 *
 * Subscribes to new, update and destroy events and prints each as one
 * JSON object per line on stdout (nfct_ext_snprintf_json(), schema in
 * doc/json.md), ready for jq or a log shipper. Says "listening" on
 * stderr once subscribed, so a script can wait for that before causing
 * events. Stops after COUNT events (default: never) and fails if SECONDS
 * pass first (default: no limit); SIGTERM and SIGINT end it with status
 * 0. BYTES sets the socket receive buffer (SO_RCVBUF), small to see the
 * overrun path.
 *
 * When events come faster than they are read, the kernel drops them and
 * the next read fails with ENOBUFS. A watcher must survive that: this
 * one notes the loss on stderr ("events lost") and goes on reading; the
 * events after the loss are still printed. (A program that keeps state
 * from events would now dump the table to resynchronise.)
 */
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "example.h"
#include <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>

static void timeout(int sig)
{
	static const char msg[] = "ext_json_events: timeout\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(EXIT_FAILURE);
}

static void stop(int sig)
{
	(void)sig;
	_exit(EXIT_SUCCESS);	/* every line so far is flushed */
}

/* Print one event as a JSON line; 0, or -1 if out of memory. */
static int print_json(const struct nf_conntrack *ct,
		      enum nf_conntrack_msg_type type)
{
	char small[1024], *buf = small;
	int len = nfct_ext_snprintf_json(small, sizeof(small), ct, type, 0);

	if (len < 0)
		return -1;
	/* snprintf contract: len is the whole length, however big */
	if ((size_t)len >= sizeof(small)) {
		buf = malloc(len + 1);
		if (buf == NULL)
			return -1;
		nfct_ext_snprintf_json(buf, len + 1, ct, type, 0);
	}
	puts(buf);
	fflush(stdout);
	if (buf != small)
		free(buf);
	return 0;
}

static int cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
	      void *data)
{
	long *left = data;

	if (print_json(ct, type) < 0)
		return NFCT_CB_FAILURE;
	if (*left > 0 && --*left == 0)
		return NFCT_CB_STOP;
	return NFCT_CB_CONTINUE;
}

int main(int argc, char **argv)
{
	struct nfct_handle *h;
	long count = 0, seconds = 0, rcvbuf = 0, lost = 0;
	int opt, ret;

	while ((opt = getopt(argc, argv, "c:t:b:")) != -1) {
		if (opt == 'c' && example_number(optarg, &count) == 0)
			continue;
		if (opt == 't' && example_number(optarg, &seconds) == 0)
			continue;
		if (opt == 'b' && example_number(optarg, &rcvbuf) == 0)
			continue;
		fprintf(stderr, "usage: %s [-c COUNT] [-t SECONDS] [-b BYTES]\n",
			argv[0]);
		return EXIT_FAILURE;
	}
	if (optind != argc) {
		fprintf(stderr, "usage: %s [-c COUNT] [-t SECONDS] [-b BYTES]\n",
			argv[0]);
		return EXIT_FAILURE;
	}

	h = example_open(NFCT_ALL_CT_GROUPS);
	if (h == NULL)
		return EXIT_FAILURE;
	if (rcvbuf > 0) {
		int v = rcvbuf;

		if (setsockopt(nfct_fd(h), SOL_SOCKET, SO_RCVBUF, &v,
			       sizeof(v)) < 0)
			perror("SO_RCVBUF");
	}
	nfct_callback_register(h, NFCT_T_ALL, cb, &count);
	signal(SIGTERM, stop);
	signal(SIGINT, stop);
	if (seconds > 0) {
		signal(SIGALRM, timeout);
		alarm(seconds);
	}
	fprintf(stderr, "listening\n");

	for (;;) {
		ret = nfct_catch(h);
		if (ret == 0)
			break;		/* COUNT events printed */
		if (errno != ENOBUFS) {
			perror("nfct_catch");
			break;
		}
		/* the kernel dropped events: say so, keep reading */
		lost++;
		fprintf(stderr, "ext_json_events: events lost (%ld overruns so far)\n",
			lost);
	}

	nfct_close(h);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
