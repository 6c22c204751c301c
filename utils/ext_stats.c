/*
 * ext_stats - the kernel's conntrack statistics (extension API)
 *
 * Usage: ext_stats [-e]
 *
 * Prints the number of entries and the table's limit, then one line of
 * counters per CPU in the format of `conntrack -S`; with -e, the
 * expectation counters per CPU as `conntrack -S exp` prints them.
 * Uses nfct_ext_stats_count(), nfct_ext_stats_cpu() and
 * nfexp_ext_stats_cpu() of <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>,
 * so it runs only on this library.
 */
#include <unistd.h>

#include "example.h"
#include <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>

/* Room for every CPU a kernel can report; the call says how many. */
#define MAX_CPUS 8192

static int print_ct(struct nfct_handle *h)
{
	static struct nfct_ext_stats_cpu st[MAX_CPUS];
	int n = nfct_ext_stats_cpu(h, st, MAX_CPUS);

	if (n < 0) {
		perror("nfct_ext_stats_cpu");
		return -1;
	}
	for (int i = 0; i < n && i < MAX_CPUS; i++)
		/* the fields conntrack -S shows on current kernels */
		printf("cpu=%-4u\tfound=%u invalid=%u insert=%u insert_failed=%u "
		       "drop=%u early_drop=%u error=%u search_restart=%u "
		       "clash_resolve=%u chaintoolong=%u \n",
		       st[i].cpu, st[i].found, st[i].invalid, st[i].insert,
		       st[i].insert_failed, st[i].drop, st[i].early_drop,
		       st[i].error, st[i].search_restart, st[i].clash_resolve,
		       st[i].chaintoolong);
	return 0;
}

static int print_exp(struct nfct_handle *h)
{
	static struct nfexp_ext_stats_cpu st[MAX_CPUS];
	int n = nfexp_ext_stats_cpu(h, st, MAX_CPUS);

	if (n < 0) {
		perror("nfexp_ext_stats_cpu");
		return -1;
	}
	for (int i = 0; i < n && i < MAX_CPUS; i++)
		printf("cpu=%-4u\texpect_new=%u expect_create=%u expect_delete=%u \n",
		       st[i].cpu, st[i].new, st[i].create, st[i].delete);
	return 0;
}

int main(int argc, char **argv)
{
	struct nfct_handle *h;
	uint32_t entries, max;
	int opt, exp = 0, ret = -1;

	while ((opt = getopt(argc, argv, "e")) != -1) {
		if (opt != 'e')
			goto usage;
		exp = 1;
	}
	if (optind != argc)
		goto usage;

	/* one handle for both subsystems: the statistics of each */
	h = nfct_open(NFNL_SUBSYS_NONE, 0);
	if (h == NULL) {
		perror("nfct_open");
		return EXIT_FAILURE;
	}
	if (nfct_ext_stats_count(h, &entries, &max) < 0) {
		perror("nfct_ext_stats_count");
	} else {
		printf("entries=%u max=%u\n", entries, max);
		ret = exp ? print_exp(h) : print_ct(h);
	}
	nfct_close(h);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;

usage:
	fprintf(stderr, "usage: ext_stats [-e]\n");
	return EXIT_FAILURE;
}
