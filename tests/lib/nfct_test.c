/* Shared test support, see nfct_test.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <net/if.h>
#include <unistd.h>

#include "nfct_test.h"

int test_in_ci(void)
{
	const char *ci = getenv("CI");
	return ci && strcmp(ci, "true") == 0;
}

void test_wait_until(int (*cond)(void *arg), void *arg, const char *what,
		     int seconds)
{
	struct timespec now, end;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	while (!cond(arg)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			fail_msg("timed out after %d s waiting for %s", seconds, what);
		/* the poll interval, not a guess at when the state comes */
		usleep(10000);
	}
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -1 : 0;
}

static int loopback_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret;

	if (fd < 0)
		return -1;
	strcpy(ifr.ifr_name, "lo");
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (ret == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

void test_netns_enter(void)
{
	if (unshare(CLONE_NEWNET) != 0) {
		if (test_in_ci())
			fail_msg("unshare(CLONE_NEWNET): %s (kernel tests must run in CI)",
				 strerror(errno));
		skip();
	}
	if (loopback_up() != 0)
		fail_msg("bringing lo up: %s", strerror(errno));
	/* Events are sent only when enabled in this namespace. */
	if (write_file("/proc/sys/net/netfilter/nf_conntrack_events", "1") != 0)
		fail_msg("enabling conntrack events: %s", strerror(errno));
}

const char *oracle_libdir(enum oracle_lib lib)
{
	return lib == ORACLE_OURS ? OUR_LIBDIR : REF_LIBDIR;
}

/*
 * REF_LIBDIR is empty when meson did not find the reference; a file
 * emptied (or hidden by an empty bind mount) counts as missing too.
 */
int oracle_have_ref(void)
{
	struct stat st;

	return REF_LIBDIR[0] != '\0' &&
	       stat(REF_LIBDIR "/libnetfilter_conntrack.so.3", &st) == 0 &&
	       st.st_size > 0;
}

void oracle_need_ref(void)
{
	if (oracle_have_ref())
		return;
	if (test_in_ci())
		fail_msg("the reference libnetfilter_conntrack.so.3 is missing (%s): CI runs every differential test",
			 REF_LIBDIR[0] ? REF_LIBDIR : "not found by meson");
	skip();
}

/* Read everything from two pipes until both close. */
static void drain(int fd_out, int fd_err, struct oracle_out *res)
{
	size_t cap_out = 4096, cap_err = 4096;
	struct pollfd pfd[2] = { { fd_out, POLLIN, 0 }, { fd_err, POLLIN, 0 } };
	int open_fds = 2;

	res->out = malloc(cap_out);
	res->err = malloc(cap_err);
	res->out_len = res->err_len = 0;
	while (open_fds > 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			char **buf = i ? &res->err : &res->out;
			size_t *len = i ? &res->err_len : &res->out_len;
			size_t *cap = i ? &cap_err : &cap_out;
			ssize_t n;

			if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (*cap - *len < 4096) {
				*cap *= 2;
				*buf = realloc(*buf, *cap);
			}
			n = read(pfd[i].fd, *buf + *len, *cap - *len - 1);
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_fds--;
				continue;
			}
			*len += n;
		}
	}
	res->out[res->out_len] = '\0';
	res->err[res->err_len] = '\0';
}

int oracle_run(enum oracle_lib lib, char *const argv[], const char *input,
	       struct oracle_out *res)
{
	int po[2], pe[2], pi[2];
	pid_t pid;
	int st;

	if (lib == ORACLE_REF)
		oracle_need_ref();
	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC) || pipe2(pi, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pi[0], 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		setenv("LD_LIBRARY_PATH", oracle_libdir(lib), 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	close(pi[0]);
	if (input) {
		size_t left = strlen(input);
		const char *p = input;
		signal(SIGPIPE, SIG_IGN);
		while (left > 0) {
			ssize_t n = write(pi[1], p, left);
			if (n <= 0)
				break;
			p += n;
			left -= n;
		}
	}
	close(pi[1]);
	drain(po[0], pe[0], res);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

void oracle_free(struct oracle_out *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}

void oracle_assert_same(char *const argv[], int cmp_stderr)
{
	struct oracle_out ours, ref;
	int same;

	assert_int_equal(oracle_run(ORACLE_OURS, argv, NULL, &ours), 0);
	assert_int_equal(oracle_run(ORACLE_REF, argv, NULL, &ref), 0);
	same = ours.status == ref.status && ours.out_len == ref.out_len &&
	       memcmp(ours.out, ref.out, ours.out_len) == 0 &&
	       (!cmp_stderr || strcmp(ours.err, ref.err) == 0);
	if (!same) {
		fprintf(stderr, "differs: %s\n--- ours (exit %d)\n%s%s\n--- reference (exit %d)\n%s%s\n",
			argv[0], ours.status, ours.out, ours.err, ref.status,
			ref.out, ref.err);
	}
	oracle_free(&ours);
	oracle_free(&ref);
	assert_true(same);
}
