/*
 * conntrack_create - create an IPv4 TCP conntrack entry
 *
 * Usage: conntrack_create [SRC DST SPORT DPORT]
 *
 * Creates SRC:SPORT -> DST:DPORT (default 1.1.1.1:20 -> 2.2.2.2:10) in
 * state ESTABLISHED with a 120 second timeout, the way a userspace
 * connection tracker (conntrackd) injects entries. Fails with EEXIST if
 * the entry is already there.
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
	if (example_tuple(ct, argc - 1, argv + 1, 1) < 0)
		return EXIT_FAILURE;
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, TCP_CONNTRACK_ESTABLISHED);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 120);

	h = example_open(0);
	if (h == NULL)
		return EXIT_FAILURE;
	ret = nfct_query(h, NFCT_Q_CREATE, ct);
	if (ret < 0)
		perror("nfct_query(NFCT_Q_CREATE)");
	else
		example_print(ct, NFCT_T_NEW);
	printf("create: %s\n", ret < 0 ? "FAILED" : "OK");

	nfct_close(h);
	nfct_destroy(ct);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
