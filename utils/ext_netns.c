/*
 * ext_netns - list or count the entries of another network namespace
 *
 * Usage: ext_netns [-c] NETNS
 *
 * NETNS is a name made by `ip netns add` (/run/netns/NETNS) or a path
 * such as /proc/PID/ns/net. Opens a handle in that namespace with
 * nfct_ext_open_netns_path() of
 * <libnetfilter_conntrack/libnetfilter_conntrack_ext.h> (the program
 * itself stays in its own namespace), then prints every entry as
 * `conntrack -L` does, followed by the count; with -c only the count,
 * as `conntrack -C` prints it. Needs CAP_SYS_ADMIN and CAP_NET_ADMIN.
 */
#include <limits.h>
#include <unistd.h>

#include "example.h"
#include <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>

static int cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
	      void *data)
{
	unsigned int *count = data;

	if (count[1])
		example_print(ct, type);
	count[0]++;
	return NFCT_CB_CONTINUE;
}

int main(int argc, char **argv)
{
	char path[PATH_MAX];
	struct nfct_handle *h;
	uint8_t family = AF_UNSPEC;
	unsigned int count[2] = { 0, 1 };	/* entries, print them */
	int opt, ret;

	while ((opt = getopt(argc, argv, "c")) != -1) {
		if (opt != 'c')
			goto usage;
		count[1] = 0;
	}
	if (optind != argc - 1)
		goto usage;
	/* a bare name is one of ip netns's */
	if (strchr(argv[optind], '/') == NULL)
		snprintf(path, sizeof(path), "/run/netns/%s", argv[optind]);
	else
		snprintf(path, sizeof(path), "%s", argv[optind]);

	h = nfct_ext_open_netns_path(path, CONNTRACK, 0);
	if (h == NULL) {
		fprintf(stderr, "nfct_ext_open_netns_path(%s): %s\n", path,
			strerror(errno));
		return EXIT_FAILURE;
	}
	nfct_callback_register(h, NFCT_T_ALL, cb, count);
	ret = nfct_query(h, NFCT_Q_DUMP, &family);
	if (ret < 0)
		perror("nfct_query(NFCT_Q_DUMP)");
	else if (count[1])
		printf("(%u entries)\n", count[0]);
	else
		printf("%u\n", count[0]);
	nfct_close(h);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;

usage:
	fprintf(stderr, "usage: ext_netns [-c] NETNS\n");
	return EXIT_FAILURE;
}
