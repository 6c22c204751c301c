/*
 * ext_purge - delete every conntrack entry with a given mark
 *
 * Usage: ext_purge [-n NETNS] [-x] MARK[/MASK]
 *
 * Deletes, in the table of NETNS (a path such as /run/netns/NAME or
 * /proc/PID/ns/net; default: this process's namespace), the entries
 * whose mark & MASK == MARK & MASK (MASK defaults to 0xffffffff; both
 * decimal or 0x hex) with one call to nfct_ext_bulk_delete(). The
 * kernel's flush filter does it in one request, and then cannot say how
 * many it deleted; -x asks for the exact count instead (the entries are
 * dumped and deleted in batches, which costs more). Prints "deleted N
 * entries" or "deleted (count unknown)".
 */
#include <unistd.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>

#include "example.h"

static int u32_of(const char *s, char **end, uint32_t *v)
{
	unsigned long long x;

	errno = 0;
	x = strtoull(s, end, 0);
	if (errno || *end == s || x > 0xffffffffull)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* "MARK" or "MARK/MASK". */
static int mark_of(const char *s, struct nfct_filter_dump_mark *mk)
{
	char *end;

	mk->mask = 0xffffffff;
	if (u32_of(s, &end, &mk->val) < 0)
		goto bad;
	if (*end == '/' && u32_of(end + 1, &end, &mk->mask) < 0)
		goto bad;
	if (*end == '\0')
		return 0;
bad:
	fprintf(stderr, "bad mark: %s\n", s);
	return -1;
}

int main(int argc, char **argv)
{
	struct nfct_filter_dump_mark mk;
	struct nfct_filter_dump *f;
	struct nfct_handle *h;
	const char *netns = NULL;
	unsigned int flags = 0, deleted = 0;
	int opt, ret;

	while ((opt = getopt(argc, argv, "n:x")) != -1) {
		if (opt == 'n')
			netns = optarg;
		else if (opt == 'x')
			flags |= NFCT_EXT_BULK_NO_FLUSH;
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	if (mark_of(argv[optind], &mk) < 0)
		return EXIT_FAILURE;

	h = netns ? nfct_ext_open_netns_path(netns, CONNTRACK, 0)
		  : nfct_open(CONNTRACK, 0);
	if (h == NULL) {
		perror(netns ? netns : "nfct_open");
		return EXIT_FAILURE;
	}
	f = nfct_filter_dump_create();
	if (f == NULL) {
		perror("nfct_filter_dump_create");
		nfct_close(h);
		return EXIT_FAILURE;
	}
	nfct_filter_dump_set_attr(f, NFCT_FILTER_DUMP_MARK, &mk);
	ret = nfct_ext_bulk_delete(h, f, flags, &deleted);
	if (ret < 0)
		perror("nfct_ext_bulk_delete");
	else if (deleted == NFCT_EXT_BULK_UNKNOWN)
		printf("deleted (count unknown)\n");
	else
		printf("deleted %u entries\n", deleted);
	nfct_filter_dump_destroy(f);
	nfct_close(h);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
usage:
	fprintf(stderr, "usage: %s [-n NETNS] [-x] MARK[/MASK]\n", argv[0]);
	return EXIT_FAILURE;
}
