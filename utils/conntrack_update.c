/*
 * conntrack_update - change the mark and timeout of a conntrack entry
 *
 * Usage: conntrack_update [-m MARK] [-t TIMEOUT] [SRC DST SPORT DPORT]
 *
 * Sets the mark (default 1) and the timeout in seconds (default 300) of
 * the IPv4 TCP entry SRC:SPORT -> DST:DPORT (default 1.1.1.1:20 ->
 * 2.2.2.2:10). Fails with ENOENT when the entry does not exist.
 */
#include <unistd.h>

#include "example.h"

static int number(const char *s, uint32_t *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0' || n > UINT32_MAX) {
		fprintf(stderr, "bad number: %s\n", s);
		return -1;
	}
	*v = n;
	return 0;
}

int main(int argc, char **argv)
{
	struct nfct_handle *h;
	struct nf_conntrack *ct;
	uint32_t mark = 1, timeout = 300;
	int opt, ret;

	while ((opt = getopt(argc, argv, "m:t:")) != -1) {
		if (opt == 'm' && number(optarg, &mark) == 0)
			continue;
		if (opt == 't' && number(optarg, &timeout) == 0)
			continue;
		fprintf(stderr, "usage: %s [-m MARK] [-t TIMEOUT] [SRC DST SPORT DPORT]\n",
			argv[0]);
		return EXIT_FAILURE;
	}

	ct = nfct_new();
	if (ct == NULL) {
		perror("nfct_new");
		return EXIT_FAILURE;
	}
	if (example_tuple(ct, argc - optind, argv + optind, 0) < 0)
		return EXIT_FAILURE;
	nfct_set_attr_u32(ct, ATTR_MARK, mark);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, timeout);

	h = example_open(0);
	if (h == NULL)
		return EXIT_FAILURE;
	ret = nfct_query(h, NFCT_Q_UPDATE, ct);
	if (ret < 0)
		perror("nfct_query(NFCT_Q_UPDATE)");
	printf("update mark=%u timeout=%u: %s\n", mark, timeout,
	       ret < 0 ? "FAILED" : "OK");

	nfct_close(h);
	nfct_destroy(ct);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
