/* nfct_nlmsg_parse() on arbitrary messages, then use what it produced. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh = fuzz_msg(data, size);
	struct nf_conntrack *ct, *copy;

	if (nlh == NULL)
		return 0;
	ct = nfct_new();
	if (ct && nfct_nlmsg_parse(nlh, ct) == 0) {
		fuzz_print_all(print_ct, ct);
		copy = nfct_clone(ct);
		if (copy && nfct_cmp(ct, copy, NFCT_CMP_ALL) != 1)
			fuzz_abort("clone differs", 0, 1);
		nfct_destroy(copy);
	}
	nfct_destroy(ct);
	free(nlh);
	return 0;
}
