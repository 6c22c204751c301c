/*
 * nfct_snprintf()/nfct_snprintf_labels() on whatever a parse produced,
 * into every buffer size up to the full length. The first byte picks
 * event type, output type and flags; the rest is a ctnetlink message.
 */
#include "fuzz_common.h"
#include <unistd.h>

static struct nfct_labelmap *map;

static int print_labels(char *buf, unsigned int size, const void *obj,
			unsigned int msg_type, unsigned int out_type,
			unsigned int flags)
{
	return nfct_snprintf_labels(buf, size, obj, msg_type, out_type,
				    flags, map);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[] = "/tmp/fuzz-connlabel-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	int i;

	(void)argc;
	(void)argv;
	if (fd < 0)
		return 0;
	f = fdopen(fd, "w");
	for (i = 0; i < 128; i += 3)
		fprintf(f, "%d label-%d\n", i, i);
	fclose(f);
	map = nfct_labelmap_new(path);
	unlink(path);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int msgs[] = {
		NFCT_T_UNKNOWN, NFCT_T_NEW, NFCT_T_UPDATE, NFCT_T_DESTROY,
	};
	struct nlmsghdr *nlh;
	struct nf_conntrack *ct;
	unsigned int sel;

	if (size < 1)
		return 0;
	sel = data[0];
	nlh = fuzz_msg(data + 1, size - 1);
	if (nlh == NULL)
		return 0;
	ct = nfct_new();
	if (ct) {
		nfct_nlmsg_parse(nlh, ct);	/* a partial parse prints too */
		fuzz_print_sizes(sel & 0x80 ? print_labels : print_ct, ct,
				 msgs[sel & 3],
				 (sel & 4) ? NFCT_O_XML : NFCT_O_PLAIN,
				 (sel >> 3) & 15, 4096,
				 !(sel & 0x84));
	}
	nfct_destroy(ct);
	free(nlh);
	return 0;
}
