/*
 * Use after nfct_destroy() must stay visible to memory checkers: run
 * after_destroy.c under valgrind and require the invalid read report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "nfct_test.h"

static void test_after_destroy(void **state)
{
	char cmd[1024], out[8192];
	size_t n;
	FILE *p;
	int st;

	(void)state;
	if (system("valgrind --version >/dev/null 2>&1") != 0)
		skip();
	snprintf(cmd, sizeof(cmd),
		 "valgrind --error-exitcode=99 %s 2>&1", AFTER_DESTROY);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	st = pclose(p);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) != 99 || strstr(out, "Invalid read") == NULL)
		fail_msg("valgrind did not report the use after destroy "
			 "(exit %d):\n%s", WEXITSTATUS(st), out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_after_destroy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
