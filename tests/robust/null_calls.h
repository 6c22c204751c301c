/*
 * The fixtures the generated NULL-argument calls (gen_null_calls.py)
 * use for the arguments that are not NULL.
 */
#ifndef NULL_CALLS_H
#define NULL_CALLS_H

#include <stdint.h>
#include <stdlib.h>
#include <libmnl/libmnl.h>
#include <libnfnetlink/libnfnetlink.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_ext.h>

struct fixtures {
	struct nf_conntrack *ct;
	struct nf_expect *exp;
	struct nfct_handle *h;
	struct nfct_bitmask *bm;
	struct nfct_labelmap *lm;
	struct nfct_filter *filter;
	struct nfct_filter_dump *fd;
	struct nfct_ext_batch *batch;
	struct nfct_ext_mirror *mirror;
	struct nlmsghdr *nlh;
	struct nfnl_subsys_handle *ssh;
	struct nfnl_handle *nfnl;
	const char *str;
	int fd_num;
	char *buf;		/* zeroed, aligned, 8 KiB */
};

extern struct fixtures fx;
int fx_cb(void);

enum { RET_INT, RET_PTR, RET_VOID, RET_OTHER };

struct null_case {
	const char *name;
	int arg;		/* which argument is NULL */
	int ret;		/* RET_*: what the documented answer is */
	long (*call)(void);	/* 1 for a non-NULL pointer result */
};

extern const struct null_case null_cases[];
extern const char *const null_functions[];

#endif
