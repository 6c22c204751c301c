/*
 * The codec layer: objects <-> ctnetlink attributes. Depends on the
 * object model only; knows nothing of sockets or whole requests.
 */
#ifndef NFCT_CODEC_H
#define NFCT_CODEC_H

#include "object.h"
#include "nlmsg.h"

/* ---- conntrack tuples (codec/build.c, codec/parse.c) ---------------- */

/* Exported by upstream too (with its own tuple layout); kept exported. */
int nfct_build_tuple(struct nlmsghdr *nlh, const struct nfct_tuple *t,
		     int type);
int nfct_build_tuple_raw(struct nlmsghdr *nlh, const struct nfct_tuple *t);
int nfct_parse_tuple(const struct nlattr *attr, struct nfct_tuple *t,
		     int dir, uint32_t *set);

#endif /* NFCT_CODEC_H */
