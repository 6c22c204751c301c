/*
 * The table mirror: an in-memory copy of the conntrack table (or the
 * part a filter selects), kept in step with the kernel by events.
 *
 * Two handles: one subscribed to events (non-blocking, read by
 * nfct_ext_mirror_process()), one for dumps. The event socket is opened
 * first, so nothing happens between the dump and the events unseen.
 *
 * When events were lost (ENOBUFS) the mirror resynchronises: it drops
 * the events still queued (they are older than the dump about to
 * start), dumps the table, marks every entry seen with a new
 * generation and removes what was not seen, reporting each change.
 * Events queued after that are applied in order, so the mirror ends at
 * the kernel's latest state. A DESTROY only removes the entry with the
 * same id, so an old event never removes a new entry with that tuple.
 *
 * Entries are kept in a chained hash table keyed by the original tuple
 * and zone: lookup, insert and remove are O(1).
 */
#include <fcntl.h>
#include <linux/sockios.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ext_internal.h"
#include "mirror_key.h"

struct mnode {
	struct mnode *next;
	struct mkey key;
	uint32_t hash;
	uint32_t gen;
	struct nf_conntrack *ct;
};

struct nfct_ext_mirror {
	struct nfct_handle *ev;
	struct nfct_handle *dump;
	bool dump_borrowed;	/* the caller's handle: not closed here */
	struct nfct_ext_mirror_filter filter;
	uint8_t l4proto;
	struct nfct_ext_mirror_ops ops;		/* nfct_ext_mirror_new() */
	struct nfct_ext_mirror_opts opts;	/* nfct_ext_mirror_new_opts() */
	void *data;
	uint64_t seed[2];	/* key of the hash, random per mirror */
	struct mnode **bucket;
	uint32_t mask;		/* buckets - 1 */
	unsigned int count;
	unsigned int resyncs;
	unsigned int how;	/* NFCT_EXT_MIRROR_* of the changes being made */
	uint32_t gen;		/* generation of the current dump */
	unsigned int events;	/* events applied by this process() */
	int err;		/* error inside a callback */
};

/* ---- reporting changes ------------------------------------------------ */

static void report_added(const struct nfct_ext_mirror *m,
			 const struct nf_conntrack *ct)
{
	if (m->opts.added)
		m->opts.added(ct, m->how, m->data);
	else if (m->ops.added)
		m->ops.added(ct, m->data);
}

static void report_updated(const struct nfct_ext_mirror *m,
			   const struct nf_conntrack *ct)
{
	if (m->opts.updated)
		m->opts.updated(ct, m->how, m->data);
	else if (m->ops.updated)
		m->ops.updated(ct, m->data);
}

static void report_removed(const struct nfct_ext_mirror *m,
			   const struct nf_conntrack *stored,
			   const struct nf_conntrack *destroy, unsigned int how)
{
	if (m->opts.removed)
		m->opts.removed(stored, destroy, how, m->data);
	else if (m->ops.removed)
		m->ops.removed(stored, m->data);
}

/* ---- hash table ------------------------------------------------------ */

/* Fill @k with @ct's key and return its hash under the mirror's seed. */
static uint32_t key_of(const struct nfct_ext_mirror *m,
		       const struct nf_conntrack *ct, struct mkey *k)
{
	return (uint32_t)mirror_key_of(ct, m->seed, k);
}

static struct mnode **slot_of(const struct nfct_ext_mirror *m,
			      const struct mkey *k, uint32_t hash)
{
	struct mnode **p = &m->bucket[hash & m->mask];

	while (*p && ((*p)->hash != hash ||
		      memcmp(&(*p)->key, k, sizeof(*k)) != 0))
		p = &(*p)->next;
	return p;
}

static int grow(struct nfct_ext_mirror *m)
{
	uint32_t n = (m->mask + 1) * 2;
	struct mnode **b = calloc(n, sizeof(*b));

	if (b == NULL)
		return -1;
	for (uint32_t i = 0; i <= m->mask; i++) {
		struct mnode *e = m->bucket[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	free(m->bucket);
	m->bucket = b;
	m->mask = n - 1;
	return 0;
}

static void merge(struct nf_conntrack *dst, const struct nf_conntrack *src);

/* Remove the entry at @p, reporting it with the DESTROY @destroy (may be
 * NULL) and @how. */
static void node_unlink(struct nfct_ext_mirror *m, struct mnode **p,
			const struct nf_conntrack *destroy, unsigned int how)
{
	struct mnode *e = *p;

	*p = e->next;
	m->count--;
	if (destroy)
		merge(e->ct, destroy);
	report_removed(m, e->ct, destroy, how);
	nfct_destroy(e->ct);
	free(e);
}

/* ---- applying changes ------------------------------------------------ */

static bool filter_match(const struct nfct_ext_mirror *m,
			 const struct nf_conntrack *ct)
{
	const struct nfct_ext_mirror_filter *f = &m->filter;

	if ((f->flags & NFCT_EXT_MF_FAMILY) && ct->orig.l3proto != f->family)
		return false;
	if ((f->flags & NFCT_EXT_MF_MARK) &&
	    (ct->mark & f->mark_mask) != (f->mark & f->mark_mask))
		return false;
	if ((f->flags & NFCT_EXT_MF_ZONE) && ct->zone != f->zone)
		return false;
	if ((f->flags & NFCT_EXT_MF_L4PROTO) && ct->orig.l4proto != m->l4proto)
		return false;
	return true;
}

/* Copy what @src carries into @dst: events carry only part of it. */
static void merge(struct nf_conntrack *dst, const struct nf_conntrack *src)
{
	for (int w = 0; w < ATTR_SET_WORDS; w++) {
		uint32_t bits = src->set[w];

		while (bits) {
			int b = __builtin_ctz(bits);

			bits &= bits - 1;
			attr_copy(dst, src, w * 32 + b);
		}
	}
}

/* Did anything a consumer cares about change (not timeout, counters)? */
static bool differs(const struct nf_conntrack *a, const struct nf_conntrack *b)
{
	return a->status != b->status || a->mark != b->mark ||
	       a->tcp_state != b->tcp_state || a->secmark != b->secmark ||
	       a->id != b->id || memcmp(&a->repl, &b->repl, sizeof(a->repl));
}

/* Insert a new entry, taking @ct. Returns 0 or -1 (ENOMEM). */
static int insert(struct nfct_ext_mirror *m, struct mnode **p,
		  const struct mkey *k, uint32_t hash, struct nf_conntrack *ct)
{
	struct mnode *e = malloc(sizeof(*e));

	if (e == NULL)
		return -1;
	e->next = NULL;
	e->key = *k;
	e->hash = hash;
	e->gen = m->gen;
	e->ct = ct;
	*p = e;
	m->count++;
	report_added(m, ct);
	if (m->count > m->mask + 1)
		grow(m);	/* failing only makes chains longer */
	return 0;
}

/* An entry from a dump: add it, or refresh the copy. Takes @ct. */
static int apply_dump(struct nfct_ext_mirror *m, struct nf_conntrack *ct)
{
	struct mkey k;
	uint32_t hash;
	struct mnode **p;
	bool changed;

	hash = key_of(m, ct, &k);
	p = slot_of(m, &k, hash);
	if (*p == NULL)
		return insert(m, p, &k, hash, ct);
	changed = differs((*p)->ct, ct);
	nfct_destroy((*p)->ct);
	(*p)->ct = ct;
	(*p)->gen = m->gen;
	if (changed)
		report_updated(m, ct);
	return 0;
}

/* An event. Returns 1 if @ct was taken, 0 if not, -1 on error. */
static int apply_event(struct nfct_ext_mirror *m,
		       enum nf_conntrack_msg_type type, struct nf_conntrack *ct)
{
	struct mkey k;
	uint32_t hash;
	struct mnode **p;
	struct mnode *e;

	hash = key_of(m, ct, &k);
	p = slot_of(m, &k, hash);
	e = *p;
	if (type == NFCT_T_DESTROY) {
		/* only the entry this event is about, not a newer one */
		if (e && (!attr_isset(ct, ATTR_ID) || !attr_isset(e->ct, ATTR_ID) ||
			  e->ct->id == ct->id))
			node_unlink(m, p, ct, NFCT_EXT_MIRROR_EVENT);
		return 0;
	}
	if (e == NULL) {
		if (!filter_match(m, ct))
			return 0;
		return insert(m, p, &k, hash, ct) < 0 ? -1 : 1;
	}
	if (attr_isset(ct, ATTR_ID) && attr_isset(e->ct, ATTR_ID) &&
	    e->ct->id != ct->id) {
		/* a new entry with the old one's tuple: replace it */
		nfct_destroy(e->ct);
		e->ct = ct;
		report_updated(m, ct);
		ct = NULL;
	} else {
		merge(e->ct, ct);
		report_updated(m, e->ct);
	}
	if (!filter_match(m, e->ct))	/* e.g. its mark changed */
		node_unlink(m, p, NULL, NFCT_EXT_MIRROR_UNMATCHED);
	return ct == NULL;
}

/* ---- callbacks of the two handles ------------------------------------ */

static int dump_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
		   void *data)
{
	struct nfct_ext_mirror *m = data;

	(void)type;
	if (!filter_match(m, ct))
		return NFCT_CB_CONTINUE;
	if (apply_dump(m, ct) < 0) {
		m->err = errno;
		return NFCT_CB_FAILURE;
	}
	return NFCT_CB_STOLEN;
}

static int event_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
		    void *data)
{
	struct nfct_ext_mirror *m = data;
	int ret = apply_event(m, type, ct);

	if (ret < 0) {
		m->err = errno;
		return NFCT_CB_FAILURE;
	}
	m->events++;
	return ret ? NFCT_CB_STOLEN : NFCT_CB_CONTINUE;
}

/* ---- resynchronisation ----------------------------------------------- */

/* Drop the queued events: the dump about to run is newer than them. */
static void drain_events(struct nfct_ext_mirror *m)
{
	unsigned char buf[8192];
	int fd = nfct_fd(m->ev);

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno != ENOBUFS && errno != EINTR)
			break;
	}
}

static int dump_once(struct nfct_ext_mirror *m)
{
	const struct nfct_ext_mirror_filter *f = &m->filter;
	unsigned int kernel = f->flags & (NFCT_EXT_MF_FAMILY | NFCT_EXT_MF_MARK |
					  NFCT_EXT_MF_ZONE);
	struct nfct_filter_dump *fd;
	int ret;

	/* the kernel filters what it can; filter_match() does the rest */
	if (kernel == 0) {
		uint32_t family = AF_UNSPEC;

		return nfct_query(m->dump, NFCT_Q_DUMP, &family);
	}
	fd = nfct_filter_dump_create();
	if (fd == NULL)
		return -1;
	if (f->flags & NFCT_EXT_MF_FAMILY)
		nfct_filter_dump_set_attr_u8(fd, NFCT_FILTER_DUMP_L3NUM, f->family);
	if (f->flags & NFCT_EXT_MF_MARK) {
		struct nfct_filter_dump_mark mk = { f->mark, f->mark_mask };

		nfct_filter_dump_set_attr(fd, NFCT_FILTER_DUMP_MARK, &mk);
	}
	if (f->flags & NFCT_EXT_MF_ZONE)
		nfct_filter_dump_set_attr_u16(fd, NFCT_FILTER_DUMP_ZONE, f->zone);
	ret = nfct_query(m->dump, NFCT_Q_DUMP_FILTER, fd);
	nfct_filter_dump_destroy(fd);
	return ret;
}

static void sweep(struct nfct_ext_mirror *m)
{
	for (uint32_t i = 0; i <= m->mask; i++) {
		struct mnode **p = &m->bucket[i];

		while (*p) {
			if ((*p)->gen != m->gen)
				node_unlink(m, p, NULL, m->how);
			else
				p = &(*p)->next;
		}
	}
}

/**
 * nfct_ext_mirror_resync - bring the mirror in line with the kernel now
 * @m: the mirror
 *
 * Done by nfct_ext_mirror_process() by itself when events were lost;
 * call it to force one. Queued events are dropped, the table is dumped
 * (again, if the kernel interrupted the dump) and the differences are
 * reported through the callbacks: added, updated (status, mark, state,
 * reply tuple or id changed) and removed, with NFCT_EXT_MIRROR_RESYNC
 * as their @how (nfct_ext_mirror_opts callbacks) and no DESTROY object:
 * the changes happened at some time since the events were lost.
 *
 * Returns 0, or -1 with errno set (EINVAL for NULL, ENOMEM, dump errors;
 * EINTR if the table kept changing through several dumps).
 */
NFCT_EXPORT int nfct_ext_mirror_resync(struct nfct_ext_mirror *m)
{
	struct nfct_cb_slot saved;
	int ret = -1, e;

	if (m == NULL) {
		errno = EINVAL;
		return -1;
	}
	drain_events(m);
	m->gen++;
	m->resyncs++;
	if (m->how != NFCT_EXT_MIRROR_INITIAL)
		m->how = NFCT_EXT_MIRROR_RESYNC;
	/* a borrowed handle gets its own callback back afterwards */
	saved = m->dump->ct_cb;
	nfct_callback_register(m->dump, NFCT_T_ALL, dump_cb, m);
	for (int tries = 0; tries < 16; tries++) {
		m->err = 0;
		ret = dump_once(m);
		if (ret == 0 || errno != EINTR)
			break;
	}
	e = errno;
	m->dump->ct_cb = saved;
	if (ret < 0) {
		errno = m->err ? m->err : e;
		m->how = NFCT_EXT_MIRROR_EVENT;
		return -1;
	}
	/* after the initial dump nothing is older than it: no walk needed */
	if (m->how != NFCT_EXT_MIRROR_INITIAL)
		sweep(m);
	m->how = NFCT_EXT_MIRROR_EVENT;
	return 0;
}

/**
 * nfct_ext_mirror_process - apply the pending events
 * @m: the mirror
 *
 * Never blocks: call it when nfct_ext_mirror_fd() is readable. When the
 * kernel reports lost events (ENOBUFS) the mirror resynchronises by
 * itself and goes on.
 *
 * Returns the number of events applied, or -1 with errno set (EINVAL,
 * ENOMEM, resync errors).
 */
NFCT_EXPORT int nfct_ext_mirror_process(struct nfct_ext_mirror *m)
{
	if (m == NULL) {
		errno = EINVAL;
		return -1;
	}
	m->events = 0;
	for (;;) {
		m->err = 0;
		if (nfct_catch(m->ev) == 0)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return m->events;
		if (m->err) {
			errno = m->err;
			return -1;
		}
		if (errno != ENOBUFS)
			return -1;
		if (nfct_ext_mirror_resync(m) < 0)
			return -1;
	}
}

/* ---- life cycle ------------------------------------------------------- */

#define EV_GROUPS (NF_NETLINK_CONNTRACK_NEW | NF_NETLINK_CONNTRACK_UPDATE | \
		   NF_NETLINK_CONNTRACK_DESTROY)

/* An event handle in the network namespace of the socket of @h. */
static struct nfct_handle *open_events_beside(struct nfct_handle *h)
{
	struct nfct_handle *ev;
	int nsfd = ioctl(nfct_fd(h), SIOCGSKNS);
	int e;

	if (nsfd < 0)
		return NULL;
	ev = nfct_ext_open_netns_fd(nsfd, CONNTRACK, EV_GROUPS);
	e = errno;
	close(nsfd);
	errno = e;
	return ev;
}

/* Set the event socket's receive buffer to @bytes: forced (beyond
 * rmem_max) where allowed, else as far as rmem_max lets. */
static int set_rcvbuf(struct nfct_handle *ev, int bytes)
{
	int fd = nfct_fd(ev);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0)
		return 0;
	return setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

/* The common part of both constructors: @m has its filter, callbacks
 * and options; open the sockets and run the initial dump. */
static struct nfct_ext_mirror *start(struct nfct_ext_mirror *m)
{
	const struct nfct_ext_mirror_opts *o = &m->opts;
	uint32_t entries = 0;
	int e;

	mirror_seed(m->seed);
	if (o->handle) {
		m->dump = o->handle;
		m->dump_borrowed = true;
		m->ev = open_events_beside(o->handle);
	} else if (o->netns) {
		m->ev = nfct_ext_open_netns_path(o->netns, CONNTRACK, EV_GROUPS);
		m->dump = m->ev ? nfct_ext_open_netns_path(o->netns, CONNTRACK, 0) : NULL;
	} else {
		m->ev = nfct_open(CONNTRACK, EV_GROUPS);
		m->dump = m->ev ? nfct_open(CONNTRACK, 0) : NULL;
	}
	if (m->ev == NULL || m->dump == NULL)
		goto err;
	/* room for the whole table at once: growing means walking every
	 * entry again, a cache miss each */
	m->mask = 1023;
	if (nfct_ext_stats_count(m->dump, &entries, NULL) == 0)
		while (m->mask < entries + entries / 4 && m->mask < (1u << 30))
			m->mask = m->mask * 2 + 1;
	m->bucket = calloc(m->mask + 1, sizeof(*m->bucket));
	if (m->bucket == NULL)
		goto err;
	if (fcntl(nfct_fd(m->ev), F_SETFL,
		  fcntl(nfct_fd(m->ev), F_GETFL) | O_NONBLOCK) < 0)
		goto err;
	if (o->rcvbuf > 0 && set_rcvbuf(m->ev, o->rcvbuf) < 0)
		goto err;
	nfct_callback_register(m->ev, NFCT_T_ALL, event_cb, m);
	m->how = NFCT_EXT_MIRROR_INITIAL;
	if (nfct_ext_mirror_resync(m) < 0)
		goto err;
	m->resyncs = 0;		/* the initial dump is not a resync */
	return m;
err:
	e = errno;
	nfct_ext_mirror_free(m);
	errno = e;
	return NULL;
}

/**
 * nfct_ext_mirror_new - start mirroring the conntrack table
 * @filter: which entries to keep (copied); NULL for all.
 *   NFCT_EXT_MF_L4PROTO needs nfct_ext_mirror_new_opts().
 * @ops: change callbacks (copied; NULL for none), also called for the
 *   entries of the initial dump
 * @data: passed to the callbacks
 *
 * Opens an event socket and a query socket in the caller's network
 * namespace and dumps the table. nfct_ext_mirror_new_opts() does more:
 * another namespace, a caller's handle, an L4 protocol filter, a
 * receive buffer size, callbacks that say how a change was found and
 * pass the kernel's DESTROY.
 *
 * Returns the mirror, or NULL with errno set (EINVAL for filter flags it
 * does not know, socket errors, ENOMEM, EPERM without CAP_NET_ADMIN).
 */
NFCT_EXPORT struct nfct_ext_mirror *nfct_ext_mirror_new(const struct nfct_ext_mirror_filter *filter,
							const struct nfct_ext_mirror_ops *ops,
							void *data)
{
	struct nfct_ext_mirror *m;

	if (filter && (filter->flags & ~(unsigned int)(NFCT_EXT_MF_FAMILY |
			NFCT_EXT_MF_MARK | NFCT_EXT_MF_ZONE))) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	if (filter)
		m->filter = *filter;
	if (ops)
		m->ops = *ops;
	m->data = data;
	return start(m);
}

/**
 * nfct_ext_mirror_new_opts - start mirroring, with options
 * @opts: see struct nfct_ext_mirror_opts (copied); @opts->size must be
 *   set, and bytes beyond the library's idea of the struct must be zero
 *
 * As nfct_ext_mirror_new(), with: @opts->netns to mirror another network
 * namespace's table, or @opts->handle to dump through a caller's handle
 * (its callbacks are left as they were; events come from the
 * namespace of its socket); @opts->filter with NFCT_EXT_MF_L4PROTO and
 * @opts->l4proto; @opts->rcvbuf for the event socket; callbacks told
 * how each change was found (NFCT_EXT_MIRROR_INITIAL, _RESYNC,
 * _UNMATCHED, or _EVENT) and, on removal by an event, given the
 * kernel's DESTROY with the final counters and timestamps.
 *
 * Returns the mirror, or NULL with errno set: EINVAL (NULL @opts, @size
 * too small, unknown filter flags, non-zero bytes beyond the struct, both
 * @netns and @handle, negative @rcvbuf), E2BIG (@size beyond 4096), the
 * errors of nfct_ext_open_netns_path(), of ioctl(SIOCGSKNS) on
 * @handle's socket, of setsockopt(), and those of nfct_ext_mirror_new().
 */
NFCT_EXPORT struct nfct_ext_mirror *nfct_ext_mirror_new_opts(const struct nfct_ext_mirror_opts *opts)
{
	const unsigned int known = NFCT_EXT_MF_FAMILY | NFCT_EXT_MF_MARK |
				   NFCT_EXT_MF_ZONE | NFCT_EXT_MF_L4PROTO;
	struct nfct_ext_mirror_opts o;
	struct nfct_ext_mirror *m;
	size_t size;

	if (opts == NULL || opts->size < offsetof(struct nfct_ext_mirror_opts, filter)) {
		errno = EINVAL;
		return NULL;
	}
	if (opts->size > 4096) {
		errno = E2BIG;
		return NULL;
	}
	/* a newer caller's fields this library does not know must be unused */
	for (size = sizeof(o); size < opts->size; size++)
		if (((const unsigned char *)opts)[size] != 0) {
			errno = EINVAL;
			return NULL;
		}
	memset(&o, 0, sizeof(o));
	memcpy(&o, opts, opts->size < sizeof(o) ? opts->size : sizeof(o));
	if ((o.filter.flags & ~known) || (o.netns && o.handle) || o.rcvbuf < 0 ||
	    (o.handle && o.handle->ssh_ct == NULL)) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->opts = o;
	m->filter = o.filter;
	m->l4proto = o.l4proto;
	m->data = o.data;
	return start(m);
}

/**
 * nfct_ext_mirror_free - stop mirroring and release everything
 * @m: the mirror; NULL is ignored
 *
 * No callback is called. A handle given in nfct_ext_mirror_opts stays
 * open: it is the caller's.
 */
NFCT_EXPORT void nfct_ext_mirror_free(struct nfct_ext_mirror *m)
{
	if (m == NULL)
		return;
	if (m->bucket) {
		for (uint32_t i = 0; i <= m->mask; i++) {
			struct mnode *e = m->bucket[i], *next;

			for (; e; e = next) {
				next = e->next;
				nfct_destroy(e->ct);
				free(e);
			}
		}
	}
	free(m->bucket);
	if (m->ev)
		nfct_close(m->ev);
	if (m->dump && !m->dump_borrowed)
		nfct_close(m->dump);
	free(m);
}

/**
 * nfct_ext_mirror_fd - descriptor to poll for pending events
 * @m: the mirror
 *
 * Returns the event socket's descriptor, or -1 with errno EINVAL.
 */
NFCT_EXPORT int nfct_ext_mirror_fd(const struct nfct_ext_mirror *m)
{
	if (m == NULL) {
		errno = EINVAL;
		return -1;
	}
	return nfct_fd(m->ev);
}

/**
 * nfct_ext_mirror_count - number of entries in the mirror
 * @m: the mirror (NULL: 0)
 *
 * Returns the number of entries, 0 for a NULL @m.
 */
NFCT_EXPORT unsigned int nfct_ext_mirror_count(const struct nfct_ext_mirror *m)
{
	return m ? m->count : 0;
}

/**
 * nfct_ext_mirror_resyncs - how many times the mirror resynchronised
 * @m: the mirror (NULL: 0)
 *
 * The initial dump does not count. Returns the number of
 * resynchronisations, 0 for a NULL @m.
 */
NFCT_EXPORT unsigned int nfct_ext_mirror_resyncs(const struct nfct_ext_mirror *m)
{
	return m ? m->resyncs : 0;
}

/**
 * nfct_ext_mirror_lookup - find an entry by its original tuple
 * @m: the mirror
 * @tuple: object with the original tuple set (addresses, layer 3 and 4
 *   protocols, ports or ICMP fields) and ATTR_ZONE / ATTR_ORIG_ZONE if
 *   the entry has them
 *
 * O(1) on average. Returns the mirror's object (valid until the next
 * nfct_ext_mirror_process() or resync), or NULL with errno ENOENT
 * (EINVAL for NULL arguments).
 */
NFCT_EXPORT const struct nf_conntrack *nfct_ext_mirror_lookup(const struct nfct_ext_mirror *m,
							      const struct nf_conntrack *tuple)
{
	struct mkey k;
	struct mnode **p;

	if (m == NULL || tuple == NULL) {
		errno = EINVAL;
		return NULL;
	}
	p = slot_of(m, &k, key_of(m, tuple, &k));
	if (*p == NULL) {
		errno = ENOENT;
		return NULL;
	}
	return (*p)->ct;
}

/**
 * nfct_ext_mirror_foreach - visit every entry
 * @m: the mirror
 * @cb: called for each entry; a non-zero return stops the walk
 * @data: passed to @cb
 *
 * @cb must not change the mirror. Returns 0 after a full walk, @cb's
 * non-zero value, or -1 with errno EINVAL for NULL arguments.
 */
NFCT_EXPORT int nfct_ext_mirror_foreach(const struct nfct_ext_mirror *m,
					int (*cb)(const struct nf_conntrack *ct,
						  void *data),
					void *data)
{
	if (m == NULL || cb == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (uint32_t i = 0; i <= m->mask; i++)
		for (const struct mnode *e = m->bucket[i]; e; e = e->next) {
			int ret = cb(e->ct, data);

			if (ret)
				return ret;
		}
	return 0;
}
