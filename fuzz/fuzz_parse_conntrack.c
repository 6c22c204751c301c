/* The deprecated nfct_parse_conntrack(): type filter from the first byte. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;
	struct nf_conntrack *ct;
	int t;

	if (size < 1)
		return 0;
	nlh = fuzz_msg(data + 1, size - 1);
	if (nlh == NULL)
		return 0;
	ct = nfct_new();
	if (ct) {
		t = nfct_parse_conntrack(data[0] & NFCT_T_ALL, nlh, ct);
		if (t > 0 && (t & ~(data[0] & NFCT_T_ALL)))
			fuzz_abort("type not asked for", t, data[0]);
		if (t > 0)
			fuzz_print_all(print_ct, ct);
	}
	nfct_destroy(ct);
	free(nlh);
	return 0;
}
