/*
 * The event storm used by the kernel tests: a fixed table of conntrack
 * entries, created and flushed with raw ctnetlink (libmnl) so the tests
 * do not depend on the library's query code, and the events read back.
 */
#ifndef BSF_SCENARIO_H
#define BSF_SCENARIO_H

#include <stdint.h>
#include <stdio.h>
#include <libmnl/libmnl.h>

struct sc_entry {
	uint8_t family;		/* AF_INET / AF_INET6 */
	uint8_t proto;		/* IPPROTO_TCP / UDP / SCTP */
	uint32_t src[4];	/* host order words, IPv4 in [0] */
	uint32_t dst[4];
	uint16_t sport, dport;	/* host order */
	uint8_t state;		/* TCP / SCTP state (0: none) */
	uint32_t mark;
	uint16_t zone;
};

extern const struct sc_entry sc_table[];
extern const int sc_count;

/* Multicast groups to bind to: new and destroy events. */
unsigned int scenario_groups(void);

/* An event message like the kernel's for @e (IPCTNL_MSG_CT_* @type). */
struct nlmsghdr *scenario_build_event(char *buf, const struct sc_entry *e,
				      int type);

/* Create every entry of sc_table, then flush them all. */
int scenario_play(void);

/* One event line ("new"/"destroy" plus the entry), into buf. */
void scenario_format(char *buf, size_t len, const char *ev,
		     const struct sc_entry *e);

/* Read the queued events and print them, sorted, one per line. */
void scenario_print_events(struct mnl_socket *nl);

#endif
