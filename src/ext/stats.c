/*
 * Table statistics: entry count and limit, per-CPU counters of the
 * conntrack and expectation subsystems, and dumps of the dying and
 * unconfirmed lists. conntrack-tools builds these requests by hand.
 */
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>

#include "ext_internal.h"

#define STATS_REQ_SIZE 64

static int stats_request(struct nfct_handle *h, uint8_t subsys, uint8_t type,
			 uint16_t flags, ext_msg_cb cb, void *data)
{
	union { char buf[STATS_REQ_SIZE]; struct nlmsghdr align; } u;
	struct nlmsghdr *nlh;

	if (h == NULL) {
		errno = EINVAL;
		return -1;
	}
	nlh = req_start(u.buf, sizeof(u.buf), subsys, type,
			NLM_F_REQUEST | flags, AF_UNSPEC);
	if (handle_send(h, nlh) < 0)
		return -1;
	return ext_recv(h, nlh->nlmsg_seq, cb, data);
}

_Static_assert(CTA_STATS_MAX <= NL_ANY_MAX, "nl_any_kinds covers CTA_STATS_*");

/* The attributes of a statistics message as host-order u32, by type;
 * shorter ones are skipped. */
static void stats_attrs(const struct nlmsghdr *nlh, uint32_t *v, unsigned int max)
{
	const struct nlattr *tb[CTA_STATS_MAX + 1];
	uint64_t seen;

	if (index_msg(nlh, nl_any_kinds, max, tb, &seen) < 0)
		return;
	for (unsigned int t = 1; t <= max; t++)
		if (HAS(seen, t) && attr_len(tb[t]) >= sizeof(uint32_t))
			v[t] = ntohl(get_u32(tb[t]));
}

static uint16_t msg_res_id(const struct nlmsghdr *nlh)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);

	return ntohs(g->res_id);
}

struct count_arg {
	uint32_t v[CTA_STATS_GLOBAL_MAX + 1];
	bool seen;
};

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct count_arg *c = data;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct nfgenmsg)) ||
	    NFNL_MSG_TYPE(nlh->nlmsg_type) != IPCTNL_MSG_CT_GET_STATS)
		return 1;
	stats_attrs(nlh, c->v, CTA_STATS_GLOBAL_MAX);
	c->seen = true;
	return 1;
}

/**
 * nfct_ext_stats_count - number of entries in the table and its limit
 * @h: a handle (any subsystem)
 * @entries: where to store the number of entries (may be NULL)
 * @max_entries: where to store nf_conntrack_max (may be NULL)
 *
 * Uses IPCTNL_MSG_CT_GET_STATS, what `conntrack -C` prints.
 *
 * Returns 0, or -1 with errno set (EINVAL for a NULL handle, EPROTO for
 * a reply without the numbers, the kernel's error).
 */
NFCT_EXPORT int nfct_ext_stats_count(struct nfct_handle *h, uint32_t *entries,
				     uint32_t *max_entries)
{
	struct count_arg c = { .seen = false };

	if (stats_request(h, NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET_STATS,
			  NLM_F_ACK, count_cb, &c) < 0)
		return -1;
	if (!c.seen) {
		errno = EPROTO;
		return -1;
	}
	if (entries)
		*entries = c.v[CTA_STATS_GLOBAL_ENTRIES];
	if (max_entries)
		*max_entries = c.v[CTA_STATS_GLOBAL_MAX_ENTRIES];
	return 0;
}

struct cpu_arg {
	void *out;
	unsigned int n, got;
	uint8_t type;
};

static void fill_ct_cpu(struct nfct_ext_stats_cpu *s, uint32_t cpu,
			const uint32_t *v)
{
	s->cpu = cpu;
	s->searched = v[CTA_STATS_SEARCHED];
	s->found = v[CTA_STATS_FOUND];
	s->new = v[CTA_STATS_NEW];
	s->invalid = v[CTA_STATS_INVALID];
	s->ignore = v[CTA_STATS_IGNORE];
	s->delete = v[CTA_STATS_DELETE];
	s->delete_list = v[CTA_STATS_DELETE_LIST];
	s->insert = v[CTA_STATS_INSERT];
	s->insert_failed = v[CTA_STATS_INSERT_FAILED];
	s->drop = v[CTA_STATS_DROP];
	s->early_drop = v[CTA_STATS_EARLY_DROP];
	s->error = v[CTA_STATS_ERROR];
	s->search_restart = v[CTA_STATS_SEARCH_RESTART];
	s->clash_resolve = v[CTA_STATS_CLASH_RESOLVE];
	s->chaintoolong = v[CTA_STATS_CHAIN_TOOLONG];
}

static void fill_exp_cpu(struct nfexp_ext_stats_cpu *s, uint32_t cpu,
			 const uint32_t *v)
{
	s->cpu = cpu;
	s->new = v[CTA_STATS_EXP_NEW];
	s->create = v[CTA_STATS_EXP_CREATE];
	s->delete = v[CTA_STATS_EXP_DELETE];
}

static int cpu_cb(const struct nlmsghdr *nlh, void *data)
{
	struct cpu_arg *c = data;
	uint32_t v[CTA_STATS_MAX + 1] = { 0 };

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct nfgenmsg)) ||
	    NFNL_MSG_TYPE(nlh->nlmsg_type) != c->type)
		return 1;
	if (c->got < c->n) {
		if (c->type == IPCTNL_MSG_CT_GET_STATS_CPU) {
			stats_attrs(nlh, v, CTA_STATS_MAX);
			fill_ct_cpu((struct nfct_ext_stats_cpu *)c->out + c->got,
				    msg_res_id(nlh), v);
		} else {
			stats_attrs(nlh, v, CTA_STATS_EXP_MAX);
			fill_exp_cpu((struct nfexp_ext_stats_cpu *)c->out + c->got,
				     msg_res_id(nlh), v);
		}
	}
	c->got++;
	return 1;
}

/**
 * nfct_ext_stats_cpu - per-CPU conntrack counters
 * @h: a handle (any subsystem)
 * @st: array for the counters, one element per possible CPU
 * @n: number of elements in @st (0 to only count CPUs)
 *
 * Uses IPCTNL_MSG_CT_GET_STATS_CPU, what `conntrack -S` prints and
 * /proc/net/stat/nf_conntrack shows. Counters the kernel no longer
 * keeps read 0.
 *
 * Returns the number of CPUs the kernel reported (the first @n of them
 * are stored), or -1 with errno set (EINVAL for a NULL handle or a NULL
 * @st with @n > 0, the kernel's error).
 */
NFCT_EXPORT int nfct_ext_stats_cpu(struct nfct_handle *h,
				   struct nfct_ext_stats_cpu *st,
				   unsigned int n)
{
	struct cpu_arg c = { st, n, 0, IPCTNL_MSG_CT_GET_STATS_CPU };

	if (st == NULL && n > 0) {
		errno = EINVAL;
		return -1;
	}
	if (stats_request(h, NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET_STATS_CPU,
			  NLM_F_DUMP, cpu_cb, &c) < 0)
		return -1;
	return c.got;
}

/**
 * nfexp_ext_stats_cpu - per-CPU expectation counters
 * @h: a handle (any subsystem)
 * @st: array for the counters
 * @n: number of elements in @st (0 to only count CPUs)
 *
 * Uses IPCTNL_MSG_EXP_GET_STATS_CPU (the expect_new, expect_create and
 * expect_delete columns of /proc/net/stat/nf_conntrack).
 *
 * Returns the number of CPUs reported, or -1 with errno set.
 */
NFCT_EXPORT int nfexp_ext_stats_cpu(struct nfct_handle *h,
				    struct nfexp_ext_stats_cpu *st,
				    unsigned int n)
{
	struct cpu_arg c = { st, n, 0, IPCTNL_MSG_EXP_GET_STATS_CPU };

	if (st == NULL && n > 0) {
		errno = EINVAL;
		return -1;
	}
	if (stats_request(h, NFNL_SUBSYS_CTNETLINK_EXP,
			  IPCTNL_MSG_EXP_GET_STATS_CPU, NLM_F_DUMP, cpu_cb,
			  &c) < 0)
		return -1;
	return c.got;
}

static int dump_list(struct nfct_handle *h, uint8_t type, uint8_t family)
{
	union { char buf[STATS_REQ_SIZE]; struct nlmsghdr align; } u;
	struct nlmsghdr *nlh;

	if (h == NULL || h->ssh_ct == NULL) {
		errno = EINVAL;
		return -1;
	}
	nlh = req_start(u.buf, sizeof(u.buf), NFNL_SUBSYS_CTNETLINK, type,
			NLM_F_REQUEST | NLM_F_DUMP, family);
	/* the entries go to the handle's callback, as with nfct_query() */
	return handle_query(h, nlh);
}

/**
 * nfct_ext_dump_dying - dump the entries on the dying list
 * @h: handle opened on CONNTRACK or NFNL_SUBSYS_NONE, with a callback
 *   registered by nfct_callback_register()
 * @family: AF_INET, AF_INET6 or AF_UNSPEC for all
 *
 * Entries that were deleted but are still referenced (by packets in
 * flight, for instance) go to the callback as NFCT_T_UPDATE messages.
 * Since Linux 6.0 the list holds only entries whose DESTROY event still
 * waits to be delivered to a listener that asked to hear of delivery
 * failures (NETLINK_BROADCAST_ERROR, conntrackd's reliable events).
 *
 * Returns 0, or -1 with errno set (EINVAL, the kernel's error).
 */
NFCT_EXPORT int nfct_ext_dump_dying(struct nfct_handle *h, uint8_t family)
{
	return dump_list(h, IPCTNL_MSG_CT_GET_DYING, family);
}

/**
 * nfct_ext_dump_unconfirmed - dump the entries not yet confirmed
 * @h: handle with a conntrack callback, as for nfct_ext_dump_dying()
 * @family: AF_INET, AF_INET6 or AF_UNSPEC for all
 *
 * Entries created by packets still on their way through the stack.
 * Linux 6.0 and later no longer keep this list and report none, even
 * for packets held in an NFQUEUE queue.
 *
 * Returns 0, or -1 with errno set.
 */
NFCT_EXPORT int nfct_ext_dump_unconfirmed(struct nfct_handle *h, uint8_t family)
{
	return dump_list(h, IPCTNL_MSG_CT_GET_UNCONFIRMED, family);
}
