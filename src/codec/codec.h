/*
 * The codec layer: objects <-> ctnetlink attributes. Depends on the
 * object model only; knows nothing of sockets or whole requests.
 */
#ifndef NFCT_CODEC_H
#define NFCT_CODEC_H

#include "object.h"
#include "nlmsg.h"

/* ---- the bounded message writer (codec/msgbuf.c) -------------------- */

/*
 * A message being built in a buffer of @size bytes starting at @nlh.
 * The first put that does not fit sets @full and every later put does
 * nothing, so a builder checks once, at the end, with mb_status().
 */
struct msgbuf {
	struct nlmsghdr *nlh;
	size_t size;
	bool full;
};

void mb_init(struct msgbuf *b, struct nlmsghdr *nlh, size_t size);
void mb_put(struct msgbuf *b, uint16_t type, size_t len, const void *data);
void mb_put_u8(struct msgbuf *b, uint16_t type, uint8_t v);
void mb_put_u16(struct msgbuf *b, uint16_t type, uint16_t v);
void mb_put_u32(struct msgbuf *b, uint16_t type, uint32_t v);
void mb_put_u64(struct msgbuf *b, uint16_t type, uint64_t v);
void mb_put_strz(struct msgbuf *b, uint16_t type, const char *s);
/* NULL once the buffer is full; mb_nest_end() accepts that NULL. */
struct nlattr *mb_nest_start(struct msgbuf *b, uint16_t type);
void mb_nest_end(struct msgbuf *b, struct nlattr *nest);
/* 0, or -1 with errno ENOSPC if anything did not fit. */
int mb_status(const struct msgbuf *b);

/*
 * The buffer the public builders that take no size (nfct_nlmsg_build,
 * nfexp_nlmsg_build, nfct_build_tuple*, nfct_nlmsg_build_filter) assume
 * behind the message: MNL_SOCKET_BUFFER_SIZE, the size libmnl programs
 * allocate. A message that would grow past it is refused (ENOSPC).
 */
size_t mb_default_size(void);

/* The attribute builders, bounded by @b (ENOSPC) */
int ct_attrs_build(struct msgbuf *b, const struct nf_conntrack *ct);
int exp_attrs_build(struct msgbuf *b, const struct nf_expect *exp);
int ct_tuple_build(struct msgbuf *b, const struct nfct_tuple *t, int type);

/* ---- conntrack tuples (codec/build.c, codec/parse.c) ---------------- */

/* Exported by upstream too (with its own tuple layout); kept exported. */
int nfct_build_tuple(struct nlmsghdr *nlh, const struct nfct_tuple *t,
		     int type);
int nfct_build_tuple_raw(struct nlmsghdr *nlh, const struct nfct_tuple *t);
int nfct_parse_tuple(const struct nlattr *attr, struct nfct_tuple *t,
		     int dir, uint32_t *set);

#endif /* NFCT_CODEC_H */
