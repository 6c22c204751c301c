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
#include <stdlib.h>
#include <sys/socket.h>

#include "ext_internal.h"

/* The identity of an entry: original tuple and zones. */
struct mkey {
	uint32_t src[4];
	uint32_t dst[4];
	uint16_t sport;		/* or ICMP id */
	uint16_t dport;		/* or ICMP type and code */
	uint16_t zone;
	uint16_t orig_zone;
	uint8_t l3;
	uint8_t l4;
	uint8_t pad[2];
};

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
	struct nfct_ext_mirror_filter filter;
	struct nfct_ext_mirror_ops ops;
	void *data;
	struct mnode **bucket;
	uint32_t mask;		/* buckets - 1 */
	unsigned int count;
	unsigned int resyncs;
	uint32_t gen;		/* generation of the current dump */
	unsigned int events;	/* events applied by this process() */
	int err;		/* error inside a callback */
};

/* ---- hash table ------------------------------------------------------ */

static void key_of(const struct nf_conntrack *ct, struct mkey *k)
{
	const struct nfct_tuple *t = &ct->orig;

	memset(k, 0, sizeof(*k));
	k->l3 = t->l3proto;
	k->l4 = t->l4proto;
	if (t->l3proto == AF_INET6) {
		memcpy(k->src, t->src.v6, 16);
		memcpy(k->dst, t->dst.v6, 16);
	} else {
		k->src[0] = t->src.v4;
		k->dst[0] = t->dst.v4;
	}
	k->sport = t->l4src.port;
	k->dport = t->l4dst.port;
	k->zone = attr_isset(ct, ATTR_ZONE) ? ct->zone : 0;
	k->orig_zone = attr_isset(ct, ATTR_ORIG_ZONE) ? t->zone : 0;
}

/* A word-wise multiplicative hash: the key is 44 bytes, all words. */
static uint32_t key_hash(const struct mkey *k)
{
	const uint32_t *w = (const uint32_t *)k;
	uint64_t h = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < sizeof(*k) / 4; i++) {
		h ^= w[i];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return (uint32_t)h;
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

static void node_unlink(struct nfct_ext_mirror *m, struct mnode **p)
{
	struct mnode *e = *p;

	*p = e->next;
	m->count--;
	if (m->ops.removed)
		m->ops.removed(e->ct, m->data);
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
	if (m->ops.added)
		m->ops.added(ct, m->data);
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

	key_of(ct, &k);
	hash = key_hash(&k);
	p = slot_of(m, &k, hash);
	if (*p == NULL)
		return insert(m, p, &k, hash, ct);
	changed = differs((*p)->ct, ct);
	nfct_destroy((*p)->ct);
	(*p)->ct = ct;
	(*p)->gen = m->gen;
	if (changed && m->ops.updated)
		m->ops.updated(ct, m->data);
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

	key_of(ct, &k);
	hash = key_hash(&k);
	p = slot_of(m, &k, hash);
	e = *p;
	if (type == NFCT_T_DESTROY) {
		/* only the entry this event is about, not a newer one */
		if (e && (!attr_isset(ct, ATTR_ID) || !attr_isset(e->ct, ATTR_ID) ||
			  e->ct->id == ct->id))
			node_unlink(m, p);
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
		if (m->ops.updated)
			m->ops.updated(ct, m->data);
		ct = NULL;
	} else {
		merge(e->ct, ct);
		if (m->ops.updated)
			m->ops.updated(e->ct, m->data);
	}
	if (!filter_match(m, e->ct))	/* e.g. its mark changed */
		node_unlink(m, p);
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
	struct nfct_filter_dump *fd;
	int ret;

	if (f->flags == 0) {
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
				node_unlink(m, p);
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
 * reply tuple or id changed) and removed.
 *
 * Returns 0, or -1 with errno set (EINVAL for NULL, ENOMEM, dump errors;
 * EINTR if the table kept changing through several dumps).
 */
NFCT_EXPORT int nfct_ext_mirror_resync(struct nfct_ext_mirror *m)
{
	int ret = -1;

	if (m == NULL) {
		errno = EINVAL;
		return -1;
	}
	drain_events(m);
	m->gen++;
	m->resyncs++;
	for (int tries = 0; tries < 16; tries++) {
		m->err = 0;
		ret = dump_once(m);
		if (ret == 0 || errno != EINTR)
			break;
	}
	if (ret < 0) {
		if (m->err)
			errno = m->err;
		return -1;
	}
	sweep(m);
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

/**
 * nfct_ext_mirror_new - start mirroring the conntrack table
 * @filter: which entries to keep (copied); NULL for all
 * @ops: change callbacks (copied; NULL for none), also called for the
 *   entries of the initial dump
 * @data: passed to the callbacks
 *
 * Opens an event socket and a query socket in the caller's network
 * namespace and dumps the table. Set a bigger receive buffer on
 * nfct_ext_mirror_fd() for busy tables: fewer resyncs.
 *
 * Returns the mirror, or NULL with errno set (socket errors, ENOMEM,
 * EPERM without CAP_NET_ADMIN).
 */
NFCT_EXPORT struct nfct_ext_mirror *nfct_ext_mirror_new(const struct nfct_ext_mirror_filter *filter,
							const struct nfct_ext_mirror_ops *ops,
							void *data)
{
	struct nfct_ext_mirror *m = calloc(1, sizeof(*m));
	int e;

	if (m == NULL)
		return NULL;
	if (filter)
		m->filter = *filter;
	if (ops)
		m->ops = *ops;
	m->data = data;
	m->mask = 1023;
	m->bucket = calloc(m->mask + 1, sizeof(*m->bucket));
	if (m->bucket == NULL)
		goto err;
	m->ev = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_NEW |
			  NF_NETLINK_CONNTRACK_UPDATE |
			  NF_NETLINK_CONNTRACK_DESTROY);
	if (m->ev == NULL)
		goto err;
	m->dump = nfct_open(CONNTRACK, 0);
	if (m->dump == NULL)
		goto err;
	if (fcntl(nfct_fd(m->ev), F_SETFL,
		  fcntl(nfct_fd(m->ev), F_GETFL) | O_NONBLOCK) < 0)
		goto err;
	nfct_callback_register(m->ev, NFCT_T_ALL, event_cb, m);
	nfct_callback_register(m->dump, NFCT_T_ALL, dump_cb, m);
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
 * nfct_ext_mirror_free - stop mirroring and release everything
 * @m: the mirror; NULL is ignored
 *
 * No callback is called.
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
	if (m->dump)
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
	key_of(tuple, &k);
	p = slot_of(m, &k, key_hash(&k));
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
