#!/bin/bash
# Differential test with iptables' connlabel match (libxt_connlabel.so,
# label names through nfct_labelmap_*) on the reference library and ours.
#   connlabel_diff.sh OUR_LIBDIR REF_LIBDIR
set -u
. "$(dirname "$0")/common.sh"
need iptables conntrack python3
for x in /usr/lib/*/xtables/libxt_connlabel.so; do
	[ -e "$x" ] && break
done
need "$x"

norm() { cat; }
compare connlabel norm unshare -n -m bash "$here/connlabel_scenario.sh" "$work"
expect connlabel '^-A OUTPUT -p udp -m connlabel --label "foo" --set'
expect connlabel '^-A INPUT -m connlabel ! --label "last"'
# "bar" has a trailing comment, which the reference's parser refuses.
expect connlabel 'labels=foo,high$'
finish
