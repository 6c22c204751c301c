/*
 * nfct_ext_open_netns_fd() and _path() open the handle from a helper
 * thread that enters the other network namespace. That thread must take
 * no signal: a handler of the program would run in the other namespace
 * (and a socket it opens would belong there). The handler here records
 * whether it ran outside the test's own namespace.
 *
 *  - test_helper_blocks_signals (deterministic): this program's setns()
 *    interposes the C library's one for the library (which calls it
 *    through the PLT). In the helper, right after entering the other
 *    namespace, it sends SIGUSR1 to the helper thread itself: a thread
 *    that does not block a signal sent to itself takes it before the
 *    sending system call returns. So the helper must leave it pending,
 *    the handler must never run, and the caller's signal mask must be
 *    the same after the call.
 *  - test_signal_storm: signals sent to the process and to its other
 *    threads again and again while handles are opened; the handler
 *    never runs in the other namespace (without the interposition: on
 *    a helper that took signals it fails often, not always).
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>

#include "nfct_test.h"

/* link of the test's own namespace, for the handler */
static char home_ns[64];
static size_t home_len;

static volatile sig_atomic_t handled;		/* handler runs */
static volatile sig_atomic_t handled_elsewhere;	/* ... not in home_ns */

/* setns() interposition: the helper signals itself (see the top) */
static volatile sig_atomic_t probe_helper;
static volatile sig_atomic_t helper_entered;	/* setns() calls probed */
static volatile sig_atomic_t helper_pending;	/* SIGUSR1 left pending */

static void on_usr1(int sig)
{
	int saved = errno;
	char buf[64];
	ssize_t n = readlink("/proc/thread-self/ns/net", buf, sizeof(buf));

	(void)sig;
	handled++;
	if (n < 0 || (size_t)n != home_len || memcmp(buf, home_ns, home_len) != 0)
		handled_elsewhere++;
	errno = saved;
}

/*
 * The C library's setns(), for the library too. Outside the main
 * thread, with probe_helper set, it is the helper of
 * nfct_ext_open_netns_fd(): once in the namespace it sends SIGUSR1 to
 * itself and notes whether the signal stayed pending. Default
 * visibility: the build hides symbols, and this one must be exported to
 * interpose.
 */
__attribute__((visibility("default"))) int setns(int fd, int nstype)
{
	long r = syscall(SYS_setns, fd, nstype);
	pid_t tid = syscall(SYS_gettid);

	if (r == 0 && probe_helper && tid != getpid()) {
		sigset_t pending;

		syscall(SYS_tgkill, getpid(), tid, SIGUSR1);
		sigemptyset(&pending);
		sigpending(&pending);
		helper_pending = sigismember(&pending, SIGUSR1);
		helper_entered++;
	}
	return r < 0 ? -1 : 0;
}

/* Namespaces: the test's own (home) and another one, by descriptor. */
static int other_ns(void)
{
	int home, other;
	ssize_t n;

	test_netns_enter();
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(home >= 0);
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	other = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(other >= 0);
	assert_int_equal(setns(home, CLONE_NEWNET), 0);
	close(home);
	n = readlink("/proc/thread-self/ns/net", home_ns, sizeof(home_ns));
	assert_true(n > 0 && (size_t)n < sizeof(home_ns));
	home_len = n;
	return other;
}

static void catch_usr1(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
}

static void test_helper_blocks_signals(void **state)
{
	int other = other_ns();
	sigset_t before, after;
	char path[64];

	(void)state;
	catch_usr1();
	/* the caller blocks SIGUSR2 only: its mask must come back as is */
	sigemptyset(&before);
	sigaddset(&before, SIGUSR2);
	assert_int_equal(pthread_sigmask(SIG_SETMASK, &before, NULL), 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", other);

	for (int by_path = 0; by_path < 2; by_path++) {
		struct nfct_handle *h;

		handled = handled_elsewhere = 0;
		helper_entered = helper_pending = 0;
		probe_helper = 1;
		h = by_path ? nfct_ext_open_netns_path(path, CONNTRACK, 0)
			    : nfct_ext_open_netns_fd(other, CONNTRACK, 0);
		probe_helper = 0;
		assert_non_null(h);
		nfct_close(h);
		if (helper_entered != 1)
			fail_msg("the helper's setns() was not the interposed one (%d calls)",
				 (int)helper_entered);
		if (handled_elsewhere)
			fail_msg("a signal handler ran in the other namespace");
		if (!helper_pending)
			fail_msg("SIGUSR1 sent to the helper thread was not left pending");
		/* sent to the helper alone, it went away with it */
		assert_int_equal(handled, 0);
		assert_int_equal(pthread_sigmask(SIG_SETMASK, NULL, &after), 0);
		for (int sig = 1; sig < SIGRTMIN; sig++)
			if (sigismember(&before, sig) != sigismember(&after, sig))
				fail_msg("the caller's mask changed for signal %d", sig);
	}
	sigemptyset(&before);
	pthread_sigmask(SIG_SETMASK, &before, NULL);
	close(other);
}

static volatile int storm_stop;

/*
 * Until storm_stop, sends SIGUSR1 to the process and to each of its
 * threads but the main one and itself (that is, to the helper when it
 * exists); blocks SIGUSR1 itself.
 */
static void *storm(void *p)
{
	pid_t pid = getpid(), self = syscall(SYS_gettid);
	sigset_t usr1;
	long *sent = p;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	while (!__atomic_load_n(&storm_stop, __ATOMIC_ACQUIRE)) {
		DIR *d = opendir("/proc/self/task");
		struct dirent *e;

		kill(pid, SIGUSR1);
		(*sent)++;
		while (d && (e = readdir(d)) != NULL) {
			pid_t tid = atoi(e->d_name);

			if (tid > 0 && tid != pid && tid != self) {
				syscall(SYS_tgkill, pid, tid, SIGUSR1);
				(*sent)++;
			}
		}
		if (d)
			closedir(d);
	}
	return NULL;
}

static void test_signal_storm(void **state)
{
	int other = other_ns();
	long sent = 0;
	pthread_t t;
	char path[64];

	(void)state;
	catch_usr1();
	handled = handled_elsewhere = 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", other);
	__atomic_store_n(&storm_stop, 0, __ATOMIC_RELEASE);
	assert_int_equal(pthread_create(&t, NULL, storm, &sent), 0);
	for (int i = 0; i < 300; i++) {
		struct nfct_handle *h = i % 2 ? nfct_ext_open_netns_path(path, CONNTRACK, 0)
					      : nfct_ext_open_netns_fd(other, CONNTRACK, 0);

		if (h == NULL)
			fail_msg("open %d in the other namespace: %s", i, strerror(errno));
		nfct_close(h);
	}
	__atomic_store_n(&storm_stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(t, NULL), 0);
	if (handled_elsewhere)
		fail_msg("%d of %d signal handler runs were in the other namespace",
			 (int)handled_elsewhere, (int)handled);
	/* the storm did reach the handler */
	if (sent == 0 || handled == 0)
		fail_msg("signals sent %ld, handled %d", sent, (int)handled);
	close(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helper_blocks_signals),
		cmocka_unit_test(test_signal_storm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
