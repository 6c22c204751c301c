#!/bin/bash
# Differential test with netsniff-ng's unmodified flowtop (ncurses, run in
# tmux) on the reference library and on ours: the flows on screen after
# a dump and a series of events.
#   flowtop_diff.sh OUR_LIBDIR REF_LIBDIR
set -u
. "$(dirname "$0")/common.sh"
need flowtop tmux conntrack

# Volatile: flow ages.  Column padding is flowtop's own: squeezed.
norm() {
	sed -E 's/ +[0-9]+s / Ns /; s/ +/ /g; s/ +$//'
}
compare flowtop-all norm unshare -n bash "$here/flowtop_scenario.sh" "$work" -n -G -s -46UTIS
expect flowtop-all 'sctp ESTABLISHED Ns 1\.1\.1\.1'
expect flowtop-all '^ *2001:db8::2 ssh'
# IPv4 and TCP only (flowtop still shows the IPv6 TCP flow, and never the UDP
# flows without traffic, on either library).
compare flowtop-tcp4 norm unshare -n bash "$here/flowtop_scenario.sh" "$work" -n -G -4T
expect flowtop-tcp4 'tcp SYN-SENT Ns 2\.2\.2\.6 http'
expect flowtop-tcp4 'flows\(3\) for IPv4,TCP'
finish
