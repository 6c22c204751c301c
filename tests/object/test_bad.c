/* Object API on bad input: runs on our library only. */
#include <errno.h>
#include <stdlib.h>

#include "nfct_test.h"
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

static void test_placeholder(void **state)
{
	(void)state;
	assert_null(nfct_get_attr(NULL, ATTR_MARK));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placeholder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
