/* Helpers shared by the extension files (src/ext_*.c). */
#ifndef NFCT_EXT_INTERNAL_H
#define NFCT_EXT_INTERNAL_H

#include "io.h"
#include <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>

/* Called for each data message of the awaited reply; <= 0 stops. */
typedef int (*ext_msg_cb)(const struct nlmsghdr *nlh, void *data);

/*
 * Receive the reply with sequence number @seq on @h's socket, passing
 * its data messages to @cb. Other messages (events, stale replies) are
 * skipped. Returns 0 at the ACK or NLMSG_DONE, @cb's value if it stops,
 * or -1 with errno (the kernel's error, EINTR for an interrupted dump).
 */
int ext_recv(struct nfct_handle *h, uint32_t seq, ext_msg_cb cb, void *data);

/* Queue a delete of the entry in dump message @nlh (tuple, zone, id). */
int ext_batch_add_delete_of(struct nfct_ext_batch *b,
			    const struct nlmsghdr *nlh);

#endif
