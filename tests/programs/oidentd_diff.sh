#!/bin/bash
# Differential test with Debian's oidentd -M on a NAT router: ident
# queries about masqueraded connections are answered from the conntrack
# table, which oidentd dumps through the library (nfct_open,
# nfct_callback_register, nfct_query NFCT_Q_DUMP) and parses from
# nfct_snprintf's text (oidentd_scenario.sh); run on the reference library
# and on ours, without and with conntrack accounting.
#   oidentd_diff.sh OUR_LIBDIR REF_LIBDIR
set -u
. "$(dirname "$0")/common.sh"
need oidentd nft conntrack python3 nsenter

# Volatile: remaining timeouts, accounting counters (TCP timing).
norm() {
	sed -E 's/^(tcp +6 )[0-9]+ /\1T /; s/(packets|bytes)=[0-9]+/\1=N/g'
}
for acct in 0 1; do
	compare "oidentd-acct$acct" norm \
		unshare -n bash "$here/oidentd_scenario.sh" "$work" $acct
	o=oidentd-acct$acct
	expect $o '^oidentd runs on the library from LD_LIBRARY_PATH$'
	# Answered from the masq file: the entry's original source address.
	expect $o '^50001 , 6667 -> 50001,6667:USERID:UNIX:alice$'
	expect $o '^40005 , 6667 -> 40005,6667:USERID:UNIX:alice$'
	# Forwarded to the client with the entry's original ports.
	expect $o '^50003 , 6667 -> 50003,6667:USERID:UNIX:carol-40003-6667$'
	expect $o '^50009 , 6668 -> 50009,6668:USERID:UNIX:carol-40009-6668$'
	expect $o 'Successful lookup \(by forward\): 50003 \(40003\) , 6667 \(6667\)'
	# Not ESTABLISHED, absent, wrong port: no answer.
	expect $o '^50007 , 6667 -> 50007,6667:ERROR:NO-USER$'
	expect $o '^50011 , 6667 -> 50011,6667:ERROR:NO-USER$'
done
finish
