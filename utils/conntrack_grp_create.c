/*
 * conntrack_grp_create - create an entry, setting its tuples by group
 *
 * Usage: conntrack_grp_create [SRC DST SPORT DPORT]
 *
 * Like conntrack_create, but sets the addresses and ports with attribute
 * groups (ATTR_GRP_ORIG_IPV4, ATTR_GRP_ORIG_PORT, ...): one call sets
 * several related attributes. The defaults are 1.1.1.1:20 -> 2.2.2.2:10.
 * Reads the groups back with nfct_get_attr_grp() before creating.
 */
#include "example.h"

int main(int argc, char **argv)
{
	struct nfct_attr_grp_ipv4 ip, check_ip;
	struct nfct_attr_grp_port port, check_port;
	struct nfct_handle *h;
	struct nf_conntrack *ct, *scratch;
	int ret;

	/* Parse the arguments with the usual helper, then regroup them. */
	scratch = nfct_new();
	ct = nfct_new();
	if (scratch == NULL || ct == NULL) {
		perror("nfct_new");
		return EXIT_FAILURE;
	}
	if (example_tuple(scratch, argc - 1, argv + 1, 0) < 0)
		return EXIT_FAILURE;
	ip.src = nfct_get_attr_u32(scratch, ATTR_IPV4_SRC);
	ip.dst = nfct_get_attr_u32(scratch, ATTR_IPV4_DST);
	port.sport = nfct_get_attr_u16(scratch, ATTR_PORT_SRC);
	port.dport = nfct_get_attr_u16(scratch, ATTR_PORT_DST);
	nfct_destroy(scratch);

	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_grp(ct, ATTR_GRP_ORIG_IPV4, &ip);
	nfct_set_attr_grp(ct, ATTR_GRP_ORIG_PORT, &port);

	/* The reply direction is the original one reversed. */
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_grp(ct, ATTR_GRP_REPL_IPV4,
			  &(struct nfct_attr_grp_ipv4){ ip.dst, ip.src });
	nfct_set_attr_grp(ct, ATTR_GRP_REPL_PORT,
			  &(struct nfct_attr_grp_port){ port.dport, port.sport });

	nfct_set_attr_u8(ct, ATTR_TCP_STATE, TCP_CONNTRACK_ESTABLISHED);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 120);

	if (!nfct_attr_grp_is_set(ct, ATTR_GRP_ORIG_IPV4) ||
	    nfct_get_attr_grp(ct, ATTR_GRP_ORIG_IPV4, &check_ip) < 0 ||
	    nfct_get_attr_grp(ct, ATTR_GRP_ORIG_PORT, &check_port) < 0 ||
	    check_ip.src != ip.src || check_ip.dst != ip.dst ||
	    check_port.sport != port.sport || check_port.dport != port.dport) {
		fprintf(stderr, "attribute groups do not read back\n");
		return EXIT_FAILURE;
	}

	h = example_open(0);
	if (h == NULL)
		return EXIT_FAILURE;
	ret = nfct_query(h, NFCT_Q_CREATE, ct);
	if (ret < 0)
		perror("nfct_query(NFCT_Q_CREATE)");
	else
		example_print(ct, NFCT_T_NEW);
	printf("create by groups: %s\n", ret < 0 ? "FAILED" : "OK");

	nfct_close(h);
	nfct_destroy(ct);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
