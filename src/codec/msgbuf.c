/*
 * The bounded message writer every builder appends through: each put
 * checks the room left in the caller's buffer and writes every byte it
 * claims, alignment padding included (zeroed), so nothing is written
 * past the buffer and no stale memory goes to the kernel.
 */
#include "codec.h"

/* Room for @len more bytes (aligned) after the message? */
static bool mb_room(struct msgbuf *b, size_t len)
{
	if (b->full)
		return false;
	if (b->nlh->nlmsg_len > b->size ||
	    MNL_ALIGN(len) > b->size - b->nlh->nlmsg_len) {
		b->full = true;
		return false;
	}
	return true;
}

void mb_init(struct msgbuf *b, struct nlmsghdr *nlh, size_t size)
{
	b->nlh = nlh;
	b->size = size;
	b->full = false;
}

void mb_put(struct msgbuf *b, uint16_t type, size_t len, const void *data)
{
	char *p = (char *)b->nlh + b->nlh->nlmsg_len;
	struct nlattr a;

	/* nla_len is 16 bits: a longer payload cannot be encoded */
	if (len > UINT16_MAX - MNL_ATTR_HDRLEN) {
		b->full = true;
		return;
	}
	if (!mb_room(b, MNL_ATTR_HDRLEN + len))
		return;
	a.nla_type = type;
	a.nla_len = MNL_ATTR_HDRLEN + len;
	memcpy(p, &a, sizeof(a));
	if (len > 0)
		memcpy(p + MNL_ATTR_HDRLEN, data, len);
	memset(p + MNL_ATTR_HDRLEN + len, 0, MNL_ALIGN(len) - len);
	b->nlh->nlmsg_len += MNL_ATTR_HDRLEN + MNL_ALIGN(len);
}

void mb_put_u8(struct msgbuf *b, uint16_t type, uint8_t v)
{
	mb_put(b, type, sizeof(v), &v);
}

void mb_put_u16(struct msgbuf *b, uint16_t type, uint16_t v)
{
	mb_put(b, type, sizeof(v), &v);
}

void mb_put_u32(struct msgbuf *b, uint16_t type, uint32_t v)
{
	mb_put(b, type, sizeof(v), &v);
}

void mb_put_u64(struct msgbuf *b, uint16_t type, uint64_t v)
{
	mb_put(b, type, sizeof(v), &v);
}

void mb_put_strz(struct msgbuf *b, uint16_t type, const char *s)
{
	mb_put(b, type, strlen(s) + 1, s);
}

struct nlattr *mb_nest_start(struct msgbuf *b, uint16_t type)
{
	struct nlattr *nest = (struct nlattr *)((char *)b->nlh +
						b->nlh->nlmsg_len);
	struct nlattr a = { .nla_len = MNL_ATTR_HDRLEN,
			    .nla_type = NLA_F_NESTED | type };

	if (!mb_room(b, MNL_ATTR_HDRLEN))
		return NULL;
	memcpy(nest, &a, sizeof(a));
	b->nlh->nlmsg_len += MNL_ATTR_HDRLEN;
	return nest;
}

void mb_nest_end(struct msgbuf *b, struct nlattr *nest)
{
	size_t len;
	uint16_t len16;

	if (nest == NULL || b->full)
		return;
	len = (char *)b->nlh + b->nlh->nlmsg_len - (char *)nest;
	if (len > UINT16_MAX) {
		b->full = true;
		return;
	}
	len16 = len;
	memcpy(&nest->nla_len, &len16, sizeof(len16));
}

int mb_status(const struct msgbuf *b)
{
	if (b->full) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

size_t mb_default_size(void)
{
	return MNL_SOCKET_BUFFER_SIZE;
}
