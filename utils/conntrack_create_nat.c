/*
 * conntrack_create_nat - create an IPv4 TCP entry with source NAT
 *
 * Usage: conntrack_create_nat [-a NATADDR] [-p NATPORT] [SRC DST SPORT DPORT]
 *
 * Creates SRC:SPORT -> DST:DPORT (default 1.1.1.1:20 -> 2.2.2.2:10)
 * with its source translated to NATADDR:NATPORT (default 8.8.8.8:1025),
 * as `conntrack -I --src-nat` does. The kernel applies the NAT binding,
 * so the reply tuple it stores is DST:DPORT -> NATADDR:NATPORT.
 */
#include <unistd.h>

#include "example.h"

int main(int argc, char **argv)
{
	const char *nat_addr = "8.8.8.8", *nat_port = "1025";
	struct nfct_handle *h;
	struct nf_conntrack *ct;
	uint32_t addr;
	uint16_t port;
	int opt, ret;

	while ((opt = getopt(argc, argv, "a:p:")) != -1) {
		if (opt == 'a')
			nat_addr = optarg;
		else if (opt == 'p')
			nat_port = optarg;
		else {
			fprintf(stderr, "usage: %s [-a NATADDR] [-p NATPORT] [SRC DST SPORT DPORT]\n",
				argv[0]);
			return EXIT_FAILURE;
		}
	}
	if (example_addr(nat_addr, &addr) < 0 ||
	    example_port(nat_port, &port) < 0)
		return EXIT_FAILURE;

	ct = nfct_new();
	if (ct == NULL) {
		perror("nfct_new");
		return EXIT_FAILURE;
	}
	if (example_tuple(ct, argc - optind, argv + optind, 1) < 0)
		return EXIT_FAILURE;
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, TCP_CONNTRACK_ESTABLISHED);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 120);
	nfct_set_attr_u32(ct, ATTR_SNAT_IPV4, addr);
	nfct_set_attr_u16(ct, ATTR_SNAT_PORT, port);

	h = example_open(0);
	if (h == NULL)
		return EXIT_FAILURE;
	ret = nfct_query(h, NFCT_Q_CREATE, ct);
	if (ret < 0)
		perror("nfct_query(NFCT_Q_CREATE)");
	printf("create with SNAT to %s:%s: %s\n", nat_addr, nat_port,
	       ret < 0 ? "FAILED" : "OK");

	nfct_close(h);
	nfct_destroy(ct);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
