/*
 * Handles in another network namespace. A socket belongs to the
 * namespace it was created in for its whole life, so it is enough to
 * create it there: a short-lived helper thread enters the namespace,
 * opens the handle and exits. The calling thread never changes
 * namespace, not even for a moment, so other threads and signal
 * handlers never see it elsewhere. The helper runs with every signal
 * blocked: a handler of the program must not run in the other
 * namespace (sockets it opened there would belong to it).
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include "ext_internal.h"

struct open_arg {
	int nsfd;
	uint8_t subsys_id;
	unsigned int subscriptions;
	struct nfct_handle *h;
	int err;
};

static void *open_in_ns(void *p)
{
	struct open_arg *a = p;

	/* Only this thread moves: CLONE_NEWNET is per thread. */
	if (setns(a->nsfd, CLONE_NEWNET) < 0) {
		a->err = errno;
		return NULL;
	}
	a->h = nfct_open(a->subsys_id, a->subscriptions);
	if (a->h == NULL)
		a->err = errno;
	return NULL;
}

/**
 * nfct_ext_open_netns_fd - open a handle in the network namespace of a fd
 * @nsfd: descriptor of a network namespace (open("/proc/PID/ns/net"),
 *   open("/run/netns/NAME"), pidfd_open() not accepted)
 * @subsys_id: as for nfct_open()
 * @subscriptions: as for nfct_open()
 *
 * The handle works in that namespace (its table, its events) for its
 * whole life; the calling thread's namespace does not change. The
 * handle is opened by a short-lived helper thread that blocks every
 * signal, so the program's signal handlers never run in the other
 * namespace. Needs CAP_SYS_ADMIN over the namespace.
 *
 * Returns the handle (close it with nfct_close()), or NULL with errno:
 * EBADF, EINVAL (not a network namespace), EPERM, the errors of
 * nfct_open() and pthread_create().
 */
NFCT_EXPORT struct nfct_handle *nfct_ext_open_netns_fd(int nsfd,
						       uint8_t subsys_id,
						       unsigned int subscriptions)
{
	struct open_arg a = { nsfd, subsys_id, subscriptions, NULL, 0 };
	sigset_t all, caller;
	pthread_t t;
	int ret;

	if (nsfd < 0) {
		errno = EBADF;
		return NULL;
	}
	/*
	 * A new thread starts with its creator's signal mask: block every
	 * signal while creating the helper, so it never takes one, and
	 * give the caller its own mask back (signals that came meanwhile
	 * are delivered then).
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &caller);
	ret = pthread_create(&t, NULL, open_in_ns, &a);
	pthread_sigmask(SIG_SETMASK, &caller, NULL);
	if (ret != 0) {
		errno = ret;
		return NULL;
	}
	pthread_join(t, NULL);
	if (a.h == NULL)
		errno = a.err ? a.err : EIO;
	return a.h;
}

/**
 * nfct_ext_open_netns_path - open a handle in a named network namespace
 * @path: e.g. "/run/netns/NAME" (ip netns) or "/proc/PID/ns/net"
 * @subsys_id: as for nfct_open()
 * @subscriptions: as for nfct_open()
 *
 * As nfct_ext_open_netns_fd(), with the namespace given by its path.
 *
 * Returns the handle, or NULL with errno set (EINVAL for a NULL @path,
 * the errors of open() and nfct_ext_open_netns_fd()).
 */
NFCT_EXPORT struct nfct_handle *nfct_ext_open_netns_path(const char *path,
							 uint8_t subsys_id,
							 unsigned int subscriptions)
{
	struct nfct_handle *h;
	int fd, e;

	if (path == NULL) {
		errno = EINVAL;
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	h = nfct_ext_open_netns_fd(fd, subsys_id, subscriptions);
	e = errno;
	close(fd);
	errno = e;
	return h;
}
