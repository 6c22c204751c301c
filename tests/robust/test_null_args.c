/*
 * Every exported function called with NULL for each pointer argument
 * (the calls are generated from the public headers, and the list of
 * functions is checked against the library's exported symbols, so a new
 * function cannot be missed): no crash, and the documented answer,
 * -1 with errno EINVAL for functions returning int, NULL for those
 * returning a pointer. Each call runs in its own child process, so one
 * crash names its function instead of ending the test.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <arpa/inet.h>

#include "nfct_test.h"
#include "null_calls.h"

struct fixtures fx;

int fx_cb(void)
{
	return 0;
}

/* Arguments where NULL is a valid value, documented as such. */
static const struct { const char *name; int arg; } null_ok[] = {
	/* opaque user data handed back to a callback */
	{ "nfct_callback_register", 3 }, { "nfct_callback_register2", 3 },
	{ "nfexp_callback_register", 3 }, { "nfexp_callback_register2", 3 },
	{ "nfct_ext_mirror_foreach", 2 }, { "nfct_ext_mirror_new", 2 },
	{ "nfct_ext_dump_dying", 2 }, { "nfct_ext_dump_unconfirmed", 2 },
	/* no callback: the messages are dropped, as in the original */
	{ "nfct_callback_register", 2 }, { "nfct_callback_register2", 2 },
	{ "nfexp_callback_register", 2 }, { "nfexp_callback_register2", 2 },
	/* "no filter", "no callbacks", "no label names" */
	{ "nfct_ext_mirror_new", 0 }, { "nfct_ext_mirror_new", 1 },
	{ "nfct_snprintf_labels", 6 },
	/* the default connlabel.conf */
	{ "nfct_labelmap_new", 0 },
	/* optional results */
	{ "nfct_ext_bulk_delete", 3 }, { "nfct_ext_stats_count", 1 },
	{ "nfct_ext_stats_count", 2 },
	/* the expectation builders do not use the subsystem handle */
	{ "nfexp_build_expect", 0 }, { "nfexp_build_query", 0 },
};

/* Functions whose documented answer to NULL is not -1. */
static const struct { const char *name; long ret; int err; } answer[] = {
	/* "not equal" */
	{ "nfct_cmp", 0, EINVAL }, { "nfct_compare", 0, EINVAL },
	{ "nfexp_cmp", 0, EINVAL },
	{ "nfct_parse_conntrack", NFCT_T_ERROR, EINVAL },
	{ "nfexp_parse_expect", NFCT_T_ERROR, EINVAL },
	/* "bit not set" */
	{ "nfct_bitmask_test_bit", 0, 0 },
};

static bool is_null_ok(const struct null_case *c)
{
	for (size_t i = 0; i < sizeof(null_ok) / sizeof(null_ok[0]); i++)
		if (strcmp(null_ok[i].name, c->name) == 0 &&
		    null_ok[i].arg == c->arg)
			return true;
	return false;
}

/* Is (@ret, @err) the documented answer of @c? */
static bool documented(const struct null_case *c, long ret, int err)
{
	for (size_t i = 0; i < sizeof(answer) / sizeof(answer[0]); i++)
		if (strcmp(answer[i].name, c->name) == 0)
			return ret == answer[i].ret && err == answer[i].err;
	switch (c->ret) {
	case RET_INT:
		return ret == -1 && err == EINVAL;
	case RET_PTR:
		return ret == 0;
	default:
		return true;	/* void, or no value can say "error" */
	}
}

static void fx_setup(void)
{
	static union { char b[8192]; uint64_t align; } buf, msg;
	static const struct nfct_ext_mirror_ops ops;

	fx.buf = buf.b;
	fx.str = "x";
	fx.ct = nfct_new();
	nfct_set_attr_u8(fx.ct, ATTR_ORIG_L3PROTO, AF_INET);
	nfct_set_attr_u8(fx.ct, ATTR_ORIG_L4PROTO, IPPROTO_UDP);
	fx.exp = nfexp_new();
	fx.h = nfct_open(NFNL_SUBSYS_NONE, 0);
	fx.fd_num = fx.h ? nfct_fd(fx.h) : -1;
	fx.bm = nfct_bitmask_new(64);
	fx.lm = nfct_labelmap_new(TEST_SOURCE_DIR "/conntrack_tool/connlabel.conf");
	fx.filter = nfct_filter_create();
	fx.fd = nfct_filter_dump_create();
	fx.batch = nfct_ext_batch_new();
	fx.mirror = nfct_ext_mirror_new(NULL, &ops, NULL);
	fx.nfnl = nfnl_open();
	fx.ssh = fx.nfnl ? nfnl_subsys_open(fx.nfnl, NFNL_SUBSYS_CTNETLINK,
					    IPCTNL_MSG_MAX, 0) : NULL;
	fx.nlh = mnl_nlmsg_put_header(msg.b);
	fx.nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW;
	mnl_nlmsg_put_extra_header(fx.nlh, sizeof(struct nfgenmsg));
	nfct_nlmsg_build(fx.nlh, fx.ct);
}

/* In the child: make the call, exit 0 if the answer is the documented one. */
static void run_case(const struct null_case *c)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE };
	long ret;
	int err;

	/* a crash must kill the child, not reach cmocka's handler */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	alarm(10);
	fx_setup();
	errno = 0;
	ret = c->call();
	err = errno;
	if (is_null_ok(c) || documented(c, ret, err))
		_exit(0);
	fprintf(stderr, "%s, argument %d NULL: returned %ld, errno %d\n",
		c->name, c->arg, ret, err);
	_exit(1);
}

static void test_null_arguments(void **state)
{
	int failed = 0;

	(void)state;
	test_netns_enter();
	for (const struct null_case *c = null_cases; c->name; c++) {
		pid_t pid;
		int status;

		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			run_case(c);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status))
			fprintf(stderr, "%s, argument %d NULL: killed by "
				"signal %d\n", c->name, c->arg, WTERMSIG(status));
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	assert_int_equal(failed, 0);
}

static bool generated(const char *name)
{
	for (const char *const *f = null_functions; *f; f++)
		if (strcmp(*f, name) == 0)
			return true;
	return false;
}

/* Every exported function has its prototype among those generated. */
static void test_every_export_covered(void **state)
{
	char line[256], sym[200], type;
	int missing = 0, n = 0;
	FILE *p;

	(void)state;
	p = popen("nm -D --defined-only " OUR_LIBDIR "/libnetfilter_conntrack.so.3",
		  "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "%*s %c %199s", &type, sym) == 2 &&
		    type == 'T') {
			n++;
			if (!generated(sym)) {
				fprintf(stderr, "no NULL test for %s\n", sym);
				missing++;
			}
		}
	assert_int_equal(pclose(p), 0);
	assert_true(n > 100);
	assert_int_equal(missing, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_export_covered),
		cmocka_unit_test(test_null_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
