/*
 * conntrack_get - look up one conntrack entry by its original tuple
 *
 * Usage: conntrack_get [SRC DST SPORT DPORT]
 *
 * Asks the kernel for the IPv4 TCP entry SRC:SPORT -> DST:DPORT (default
 * 1.1.1.1:20 -> 2.2.2.2:10) and prints it. Exits non-zero (ENOENT) when
 * there is no such entry.
 */
#include "example.h"

static int found;

static int cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
	      void *data)
{
	(void)data;
	example_print(ct, type);
	found++;
	return NFCT_CB_CONTINUE;
}

int main(int argc, char **argv)
{
	struct nfct_handle *h;
	struct nf_conntrack *ct;
	int ret;

	ct = nfct_new();
	if (ct == NULL) {
		perror("nfct_new");
		return EXIT_FAILURE;
	}
	if (example_tuple(ct, argc - 1, argv + 1, 0) < 0)
		return EXIT_FAILURE;

	h = example_open(0);
	if (h == NULL)
		return EXIT_FAILURE;
	nfct_callback_register(h, NFCT_T_ALL, cb, NULL);
	ret = nfct_query(h, NFCT_Q_GET, ct);
	if (ret < 0)
		perror("nfct_query(NFCT_Q_GET)");
	printf("get: %s\n", ret < 0 || !found ? "FAILED" : "OK");

	nfct_close(h);
	nfct_destroy(ct);
	return ret < 0 || !found ? EXIT_FAILURE : EXIT_SUCCESS;
}
