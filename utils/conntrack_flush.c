/*
 * conntrack_flush - delete every IPv4 conntrack entry
 *
 * Usage: conntrack_flush
 *
 * Empties the IPv4 part of the conntrack table of the current network
 * namespace. Run it in a private namespace (unshare -n) unless you mean
 * to drop the host's connections.
 */
#include "example.h"

int main(int argc, char **argv)
{
	struct nfct_handle *h;
	uint32_t family = AF_INET;
	int ret;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: conntrack_flush\n");
		return EXIT_FAILURE;
	}
	h = example_open(0);
	if (h == NULL)
		return EXIT_FAILURE;
	ret = nfct_query(h, NFCT_Q_FLUSH, &family);
	if (ret < 0)
		perror("nfct_query(NFCT_Q_FLUSH)");
	printf("flush: %s\n", ret < 0 ? "FAILED" : "OK");

	nfct_close(h);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
