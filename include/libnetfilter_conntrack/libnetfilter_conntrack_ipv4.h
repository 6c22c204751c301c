/* Obsolete, empty: kept so that old includes still resolve. */
#ifndef _LIBNETFILTER_CONNTRACK_IPV4_H_
#define _LIBNETFILTER_CONNTRACK_IPV4_H_

#warning "Please, remove libnetfilter_conntrack_ipv4.h from your includes!"

#endif
