/*
 * A program with a bug: it reads a conntrack object after
 * nfct_destroy(). test_after_destroy runs it under valgrind, which must
 * report the invalid read: the library gives destroyed objects back to
 * the allocator instead of keeping them for reuse, where a checker
 * cannot see the bug.
 */
#include <stdio.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

int main(void)
{
	struct nf_conntrack *ct = nfct_new();
	struct nf_conntrack *again;

	if (ct == NULL)
		return 1;
	nfct_set_attr_u32(ct, ATTR_MARK, 7);
	nfct_destroy(ct);
	/* a new object right away, as programs that handle one object
	 * per message do: it must not hide the bug below */
	again = nfct_new();
	printf("%u\n", nfct_get_attr_u32(ct, ATTR_MARK));	/* the bug */
	nfct_destroy(again);
	return 0;
}
