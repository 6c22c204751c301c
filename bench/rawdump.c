/*
 * rawdump - the lower bound of a conntrack table dump: ask the kernel for
 * the IPv4 table and only count the messages, with a 64 KiB receive
 * buffer (the kernel then fills datagrams of up to 32 KiB). Prints the
 * number of entries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "dump_request.h"

#define RXBUF 65536

int main(void)
{
	static char buf[RXBUF];
	struct mnl_socket *nl = dump_request(buf);
	struct nlmsghdr *nlh;
	unsigned long count = 0;

	if (nl == NULL)
		return 1;
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), 0);
		int len = n;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("recv");
			return 1;
		}
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type == NLMSG_DONE)
				goto done;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				fprintf(stderr, "rawdump: error reply\n");
				return 1;
			}
			count++;
		}
	}
done:
	printf("%lu\n", count);
	mnl_socket_close(nl);
	return 0;
}
