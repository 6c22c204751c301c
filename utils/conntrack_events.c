/*
 * conntrack_events - print conntrack events as they happen
 *
 * Usage: conntrack_events [-c COUNT] [-t SECONDS]
 *
 * Subscribes to new, update and destroy events and prints each like
 * `conntrack -E` does ("[NEW] tcp 6 120 ESTABLISHED src=..."). Stops
 * after COUNT events (default: never) and fails if SECONDS pass first
 * (default: no limit). Prints "listening" once subscribed, so a script
 * can wait for that line before causing events. Events are only sent
 * when the net.netfilter.nf_conntrack_events sysctl is 1.
 */
#include <signal.h>
#include <unistd.h>

#include "example.h"

static void timeout(int sig)
{
	static const char msg[] = "events: timeout\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(EXIT_FAILURE);
}

static int cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
	      void *data)
{
	long *left = data;

	example_print(ct, type);
	fflush(stdout);
	if (*left > 0 && --*left == 0)
		return NFCT_CB_STOP;
	return NFCT_CB_CONTINUE;
}

int main(int argc, char **argv)
{
	struct nfct_handle *h;
	long count = 0, seconds = 0;
	int opt, ret;

	while ((opt = getopt(argc, argv, "c:t:")) != -1) {
		if (opt == 'c' && example_number(optarg, &count) == 0)
			continue;
		if (opt == 't' && example_number(optarg, &seconds) == 0)
			continue;
		fprintf(stderr, "usage: %s [-c COUNT] [-t SECONDS]\n", argv[0]);
		return EXIT_FAILURE;
	}

	h = example_open(NFCT_ALL_CT_GROUPS);
	if (h == NULL)
		return EXIT_FAILURE;
	nfct_callback_register(h, NFCT_T_ALL, cb, &count);
	if (seconds > 0) {
		signal(SIGALRM, timeout);
		alarm(seconds);
	}
	printf("listening\n");
	fflush(stdout);

	ret = nfct_catch(h);
	if (ret < 0)
		perror("nfct_catch");
	printf("events: %s\n", ret < 0 ? "FAILED" : "OK");

	nfct_close(h);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
