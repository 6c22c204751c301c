/* nfexp_nlmsg_parse() on arbitrary messages, then print and clone. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh = fuzz_msg(data, size);
	struct nf_expect *exp, *copy;

	if (nlh == NULL)
		return 0;
	exp = nfexp_new();
	if (exp && nfexp_nlmsg_parse(nlh, exp) == 0) {
		fuzz_print_all(print_exp, exp);
		fuzz_print_sizes(print_exp, exp, NFCT_T_NEW, NFCT_O_PLAIN, 0, 512, 0);
		fuzz_print_sizes(print_exp, exp, NFCT_T_DESTROY, NFCT_O_XML,
				 NFCT_OF_TIME, 512, 0);
		copy = nfexp_clone(exp);
		if (copy && nfexp_cmp(exp, copy, 0) != 1)
			fuzz_abort("clone differs", 0, 1);
		nfexp_destroy(copy);
	}
	nfexp_destroy(exp);
	free(nlh);
	return 0;
}
