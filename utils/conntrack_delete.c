/*
 * conntrack_delete - delete one conntrack entry
 *
 * Usage: conntrack_delete [SRC DST SPORT DPORT]
 *
 * Removes the IPv4 TCP entry SRC:SPORT -> DST:DPORT (default 1.1.1.1:20
 * -> 2.2.2.2:10). Fails with ENOENT when it does not exist.
 */
#include "example.h"

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
	ret = nfct_query(h, NFCT_Q_DESTROY, ct);
	if (ret < 0)
		perror("nfct_query(NFCT_Q_DESTROY)");
	printf("delete: %s\n", ret < 0 ? "FAILED" : "OK");

	nfct_close(h);
	nfct_destroy(ct);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
