/*
 * The netlink reader (nlmsg.h): what is not inline. Every file that
 * looks into received data does it through these functions.
 */
#include "codec.h"

const uint16_t nl_any_kinds[NL_ANY_MAX + 1];

/* A negative code as a positive errno, without negating INT_MIN. */
static int negate(int32_t err)
{
	return (int)(0u - (uint32_t)err);
}

int nl_error_code(const struct nlmsghdr *nlh, size_t avail)
{
	int32_t err;

	if (avail < NLMSG_LENGTH(sizeof(err)))
		return EBADMSG;
	memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
	if (err == 0)
		return 0;
	return err < 0 ? negate(err) : EPROTO;
}

int nl_done_code(const struct nlmsghdr *nlh, size_t avail)
{
	int32_t err = 0;

	if (avail >= NLMSG_LENGTH(sizeof(err)))
		memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
	return err < 0 ? negate(err) : 0;
}

int index_msg(const struct nlmsghdr *nlh, const uint16_t *kinds,
	      unsigned int max, const struct nlattr **tb, uint64_t *seen)
{
	size_t hdr = NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct nfgenmsg)));

	if (nlh->nlmsg_len < hdr) {
		errno = EINVAL;
		return -1;
	}
	return index_attrs((const char *)nlh + hdr, nlh->nlmsg_len - hdr,
			   kinds, max, tb, seen);
}
