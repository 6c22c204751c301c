/*
 * Extensions beyond the original libnetfilter_conntrack API: batched
 * requests and bulk delete, table statistics, handles in other network
 * namespaces, a self-healing table mirror and JSON output.
 *
 * Everything here is an addition: the names (nfct_ext_*, nfexp_ext_*)
 * cannot collide with upstream's, and the drop-in ABI is unchanged.
 */
#ifndef _LIBNETFILTER_CONNTRACK_EXT_H_
#define _LIBNETFILTER_CONNTRACK_EXT_H_

#include <stdint.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Load-time check. This library and the original share the soname, so a
 * program built with this header can be started on the original (a
 * system copy found first, a prefix install without a run path). The
 * functions below are bound lazily, so it would die at its first call
 * with "undefined symbol: nfct_ext_mirror_new" or the like, after doing
 * part of its work. A data reference is never lazy: every file that
 * includes this header keeps the address of the object below, which only
 * this library defines, so on the original the loader stops the program
 * before main() with "undefined symbol:
 * nfct_ext_needs_libnetfilter_conntrack_with_extensions". The
 * retain attribute keeps the reference through ld --gc-sections;
 * NFCT_EXT_NO_LOAD_CHECK turns the check off.
 */
extern const char nfct_ext_needs_libnetfilter_conntrack_with_extensions[];

#if defined(__GNUC__) && !defined(NFCT_EXT_NO_LOAD_CHECK)
#if defined(__has_attribute)
#if __has_attribute(retain)
#define NFCT_EXT_RETAIN_ __attribute__((retain))
#endif
#endif
#ifndef NFCT_EXT_RETAIN_
#define NFCT_EXT_RETAIN_
#endif
static const char *const nfct_ext_load_check_ __attribute__((used))
	NFCT_EXT_RETAIN_ = nfct_ext_needs_libnetfilter_conntrack_with_extensions;
#undef NFCT_EXT_RETAIN_
#endif

/* ---- batched requests (ext_batch.c) ---------------------------------- */

/*
 * Opaque: requests queued to go to the kernel together, many per
 * datagram and many datagrams per system call. From
 * nfct_ext_batch_new(), released by nfct_ext_batch_free().
 */
struct nfct_ext_batch;

struct nfct_ext_batch *nfct_ext_batch_new(void);
void nfct_ext_batch_free(struct nfct_ext_batch *b);
void nfct_ext_batch_reset(struct nfct_ext_batch *b);
int nfct_ext_batch_add(struct nfct_ext_batch *b, enum nf_conntrack_query q,
		       struct nf_conntrack *ct);
unsigned int nfct_ext_batch_count(const struct nfct_ext_batch *b);
int nfct_ext_batch_send(struct nfct_handle *h, struct nfct_ext_batch *b);
int nfct_ext_batch_result(const struct nfct_ext_batch *b, unsigned int idx);

/* nfct_ext_bulk_delete() flags */
enum {
	NFCT_EXT_BULK_NO_FLUSH = 1 << 0,	/* always dump + batched deletes */
};

/* *deleted when the kernel's flush filter did the work: its answer is a
 * bare ACK, no kernel says how many entries it flushed */
#define NFCT_EXT_BULK_UNKNOWN ((unsigned int)-1)

int nfct_ext_bulk_delete(struct nfct_handle *h,
			 const struct nfct_filter_dump *filter,
			 unsigned int flags, unsigned int *deleted);

/* ---- statistics (ext_stats.c) ---------------------------------------- */

/*
 * One CPU's conntrack counters (IPCTNL_MSG_CT_GET_STATS_CPU). new and
 * delete are C++ keywords: a C++ program sees those two members as new_
 * and delete_ (same layout), so the header compiles in both languages.
 */
struct nfct_ext_stats_cpu {
	uint32_t cpu;		/* CPU number */
	uint32_t searched;	/* old kernels only */
	uint32_t found;		/* lookups that found an entry */
#ifndef __cplusplus
	uint32_t new;		/* old kernels only */
#else
	uint32_t new_;
#endif
	uint32_t invalid;	/* packets conntrack could not track */
	uint32_t ignore;	/* old kernels only */
#ifndef __cplusplus
	uint32_t delete;	/* old kernels only */
#else
	uint32_t delete_;
#endif
	uint32_t delete_list;	/* old kernels only */
	uint32_t insert;	/* entries inserted into the table */
	uint32_t insert_failed;	/* inserts that failed (clashes) */
	uint32_t drop;		/* packets dropped: table full, no memory */
	uint32_t early_drop;	/* entries evicted to make room */
	uint32_t error;		/* packets with errors (ICMP errors included) */
	uint32_t search_restart;	/* lookups restarted (hash resize) */
	uint32_t clash_resolve;	/* insert clashes resolved */
	uint32_t chaintoolong;	/* inserts refused: hash chain too long */
};

/* One CPU's expectation counters (IPCTNL_MSG_EXP_GET_STATS_CPU); new_
 * and delete_ in C++, as above. */
struct nfexp_ext_stats_cpu {
	uint32_t cpu;		/* CPU number */
#ifndef __cplusplus
	uint32_t new;		/* expectations that were matched */
#else
	uint32_t new_;
#endif
	uint32_t create;	/* expectations created */
#ifndef __cplusplus
	uint32_t delete;	/* expectations deleted */
#else
	uint32_t delete_;
#endif
};

int nfct_ext_stats_count(struct nfct_handle *h, uint32_t *entries,
			 uint32_t *max_entries);
int nfct_ext_stats_cpu(struct nfct_handle *h, struct nfct_ext_stats_cpu *st,
		       unsigned int n);
int nfexp_ext_stats_cpu(struct nfct_handle *h, struct nfexp_ext_stats_cpu *st,
			unsigned int n);
int nfct_ext_dump_dying(struct nfct_handle *h, uint8_t family);
int nfct_ext_dump_unconfirmed(struct nfct_handle *h, uint8_t family);

/* ---- network namespaces (ext_netns.c) -------------------------------- */

struct nfct_handle *nfct_ext_open_netns_fd(int nsfd, uint8_t subsys_id,
					   unsigned int subscriptions);
struct nfct_handle *nfct_ext_open_netns_path(const char *path,
					     uint8_t subsys_id,
					     unsigned int subscriptions);

/* ---- table mirror (ext_mirror.c) ------------------------------------- */

/*
 * Opaque: a copy of the conntrack table kept up to date from events. From
 * nfct_ext_mirror_new(), released by nfct_ext_mirror_free().
 */
struct nfct_ext_mirror;

/* Change callbacks; any may be NULL. The object belongs to the mirror.
 * @removed gets the mirror's copy with what the kernel's DESTROY carried
 * (final counters, timestamps) merged in. */
struct nfct_ext_mirror_ops {
	void (*added)(const struct nf_conntrack *ct, void *data);
	void (*updated)(const struct nf_conntrack *ct, void *data);
	void (*removed)(const struct nf_conntrack *ct, void *data);
};

/* Which entries to mirror; a zeroed struct (or NULL) means all. */
enum {
	NFCT_EXT_MF_FAMILY = 1 << 0,	/* orig layer 3 protocol == family */
	NFCT_EXT_MF_MARK = 1 << 1,	/* (mark & mark_mask) == mark */
	NFCT_EXT_MF_ZONE = 1 << 2,	/* zone == zone */
	NFCT_EXT_MF_L4PROTO = 1 << 3,	/* orig layer 4 protocol ==
					 * nfct_ext_mirror_opts.l4proto; only
					 * with nfct_ext_mirror_new_opts() */
};

/* Which entries a mirror keeps: the NFCT_EXT_MF_* flags say which fields count. */
struct nfct_ext_mirror_filter {
	unsigned int flags;	/* NFCT_EXT_MF_* */
	uint8_t family;
	uint32_t mark;
	uint32_t mark_mask;
	uint16_t zone;
};

struct nfct_ext_mirror *nfct_ext_mirror_new(const struct nfct_ext_mirror_filter *filter,
					    const struct nfct_ext_mirror_ops *ops,
					    void *data);
void nfct_ext_mirror_free(struct nfct_ext_mirror *m);
int nfct_ext_mirror_fd(const struct nfct_ext_mirror *m);
int nfct_ext_mirror_process(struct nfct_ext_mirror *m);
int nfct_ext_mirror_resync(struct nfct_ext_mirror *m);
/*
 * How a change reported to the nfct_ext_mirror_opts callbacks was found
 * (their @how argument; flags).
 */
enum {
	NFCT_EXT_MIRROR_EVENT = 0,		/* an event: it just happened */
	NFCT_EXT_MIRROR_INITIAL = 1 << 0,	/* the initial dump */
	NFCT_EXT_MIRROR_RESYNC = 1 << 1,	/* a resynchronisation after
						 * lost events: it happened
						 * some time since */
	NFCT_EXT_MIRROR_UNMATCHED = 1 << 2,	/* removed: an event changed
						 * it so that the filter no
						 * longer matches */
};

/*
 * Everything a mirror can be made with (nfct_ext_mirror_new_opts()).
 * Zero it, set @size to sizeof(struct nfct_ext_mirror_opts) and fill in
 * what you need: fields the library does not know yet must be zero.
 */
struct nfct_ext_mirror_opts {
	unsigned int size;	/* sizeof(struct nfct_ext_mirror_opts) */
	struct nfct_ext_mirror_filter filter;	/* flags 0: every entry */
	uint8_t l4proto;	/* with NFCT_EXT_MF_L4PROTO, e.g. IPPROTO_TCP */
	/* Change callbacks; any may be NULL. Objects belong to the mirror
	 * and live until the callback returns. */
	void (*added)(const struct nf_conntrack *ct, unsigned int how,
		      void *data);
	void (*updated)(const struct nf_conntrack *ct, unsigned int how,
			void *data);
	/* @stored: the mirror's copy with what the kernel's DESTROY carried
	 * merged in; @destroy: that DESTROY as received (final counters,
	 * stop timestamp), NULL when the removal was not a DESTROY event
	 * (NFCT_EXT_MIRROR_RESYNC, NFCT_EXT_MIRROR_UNMATCHED). */
	void (*removed)(const struct nf_conntrack *stored,
			const struct nf_conntrack *destroy, unsigned int how,
			void *data);
	void *data;		/* passed to the callbacks */
	/* Where: NULL for the caller's network namespace, or the path of
	 * another one ("/run/netns/NAME", "/proc/PID/ns/net"). */
	const char *netns;
	/* A handle of the caller's to dump through (instead of a socket of
	 * the mirror's own); events come from its namespace. Borrowed:
	 * close it after nfct_ext_mirror_free(). Excludes @netns. */
	struct nfct_handle *handle;
	/* Receive buffer of the event socket in bytes (SO_RCVBUFFORCE, or
	 * SO_RCVBUF within net.core.rmem_max without CAP_NET_ADMIN); 0
	 * keeps the system's default. Too small a buffer for the table's
	 * event rate means lost events and resyncs. */
	int rcvbuf;
};

struct nfct_ext_mirror *nfct_ext_mirror_new_opts(const struct nfct_ext_mirror_opts *opts);
unsigned int nfct_ext_mirror_count(const struct nfct_ext_mirror *m);
unsigned int nfct_ext_mirror_resyncs(const struct nfct_ext_mirror *m);
const struct nf_conntrack *nfct_ext_mirror_lookup(const struct nfct_ext_mirror *m,
						  const struct nf_conntrack *tuple);
int nfct_ext_mirror_foreach(const struct nfct_ext_mirror *m,
			    int (*cb)(const struct nf_conntrack *ct, void *data),
			    void *data);

/* ---- JSON (ext/json.c) ------------------------------------------------ */

/*
 * One object per call, one line, in schema version 1 (doc/json.md,
 * doc/json-schema.json; every object says "version"). snprintf-style:
 * the return value is the whole length. NFCT_OF_TIME adds the time of
 * printing; other flags are ignored.
 */

int nfct_ext_snprintf_json(char *buf, unsigned int size,
			   const struct nf_conntrack *ct, unsigned int msg_type,
			   unsigned int flags);
int nfexp_ext_snprintf_json(char *buf, unsigned int size,
			    const struct nf_expect *exp, unsigned int msg_type,
			    unsigned int flags);

#ifdef __cplusplus
}
#endif

#endif
