/*
 * conntrack_dump_filter - list the entries that match a kernel-side filter
 *
 * Usage: conntrack_dump_filter [-6] [-m MARK[/MASK]] [-T SRC DST SPORT DPORT]
 *
 * The kernel does the filtering, so only matching entries cross netlink:
 *   -6      IPv6 entries instead of IPv4 (NFCT_FILTER_DUMP_L3NUM)
 *   -m      entries whose mark & MASK == MARK (NFCT_FILTER_DUMP_MARK,
 *           MASK defaults to all ones)
 *   -T      entries with this IPv4 TCP original tuple
 *           (NFCT_FILTER_DUMP_TUPLE, libnetfilter_conntrack 1.1 and later)
 * Prints each entry and then the count.
 */
#include <unistd.h>

#include "example.h"

static int cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
	      void *data)
{
	unsigned int *count = data;

	example_print(ct, type);
	(*count)++;
	return NFCT_CB_CONTINUE;
}

/* Parse MARK[/MASK]. */
static int parse_mark(const char *s, struct nfct_filter_dump_mark *m)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || v > UINT32_MAX)
		return -1;
	m->val = v;
	m->mask = UINT32_MAX;
	if (*end == '\0')
		return 0;
	if (*end != '/')
		return -1;
	s = end + 1;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end != '\0' || v > UINT32_MAX)
		return -1;
	m->mask = v;
	return 0;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-6] [-m MARK[/MASK]] [-T SRC DST SPORT DPORT]\n",
		prog);
}

int main(int argc, char **argv)
{
	struct nfct_filter_dump *filter;
	struct nfct_filter_dump_mark mark;
	struct nf_conntrack *tuple = NULL;
	struct nfct_handle *h;
	unsigned int count = 0;
	uint8_t family = AF_INET;
	int opt, ret, by_tuple = 0;

	filter = nfct_filter_dump_create();
	if (filter == NULL) {
		perror("nfct_filter_dump_create");
		return EXIT_FAILURE;
	}
	while ((opt = getopt(argc, argv, "6m:T")) != -1) {
		switch (opt) {
		case '6':
			family = AF_INET6;
			break;
		case 'm':
			if (parse_mark(optarg, &mark) < 0) {
				fprintf(stderr, "bad mark: %s\n", optarg);
				return EXIT_FAILURE;
			}
			nfct_filter_dump_set_attr(filter, NFCT_FILTER_DUMP_MARK,
						  &mark);
			printf("filter: mark 0x%x/0x%x\n", mark.val, mark.mask);
			break;
		case 'T':
			by_tuple = 1;
			break;
		default:
			usage(argv[0]);
			return EXIT_FAILURE;
		}
	}
	if (by_tuple) {
		tuple = nfct_new();
		if (tuple == NULL ||
		    example_tuple(tuple, argc - optind, argv + optind, 0) < 0)
			return EXIT_FAILURE;
		nfct_filter_dump_set_attr(filter, NFCT_FILTER_DUMP_TUPLE, tuple);
		printf("filter: original tuple\n");
	} else if (optind != argc) {
		usage(argv[0]);
		return EXIT_FAILURE;
	}
	nfct_filter_dump_set_attr_u8(filter, NFCT_FILTER_DUMP_L3NUM, family);
	printf("filter: family %s\n", family == AF_INET ? "ipv4" : "ipv6");

	h = example_open(0);
	if (h == NULL)
		return EXIT_FAILURE;
	nfct_callback_register(h, NFCT_T_ALL, cb, &count);
	ret = nfct_query(h, NFCT_Q_DUMP_FILTER, filter);
	if (ret < 0)
		perror("nfct_query(NFCT_Q_DUMP_FILTER)");
	printf("dump_filter: %s (%u entries)\n", ret < 0 ? "FAILED" : "OK",
	       count);

	nfct_close(h);
	nfct_filter_dump_destroy(filter);
	if (tuple)	/* the reference library asserts on NULL */
		nfct_destroy(tuple);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
