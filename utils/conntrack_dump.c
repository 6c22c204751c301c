/*
 * conntrack_dump - list every IPv4 conntrack entry
 *
 * Usage: conntrack_dump
 *
 * Dumps the IPv4 conntrack table, printing one line per entry like
 * `conntrack -L` does, then the number of entries.
 */
#include "example.h"

static int cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
	      void *data)
{
	unsigned int *count = data;

	example_print(ct, type);
	(*count)++;
	return NFCT_CB_CONTINUE;
}

int main(int argc, char **argv)
{
	struct nfct_handle *h;
	uint32_t family = AF_INET;
	unsigned int count = 0;
	int ret;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: conntrack_dump\n");
		return EXIT_FAILURE;
	}
	h = example_open(0);
	if (h == NULL)
		return EXIT_FAILURE;
	nfct_callback_register(h, NFCT_T_ALL, cb, &count);
	ret = nfct_query(h, NFCT_Q_DUMP, &family);
	if (ret < 0)
		perror("nfct_query(NFCT_Q_DUMP)");
	printf("dump: %s (%u entries)\n", ret < 0 ? "FAILED" : "OK", count);

	nfct_close(h);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
