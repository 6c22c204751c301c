#!/bin/bash
# Differential test with Debian's unmodified conntrackd in sync mode: two
# nodes in two fresh network namespaces linked by a veth pair
# (conntrackd_sync_scenario.sh), kernel-space (BPF) event filtering on
# protocols, addresses and TCP states, for FTFW/NOTRACK/ALARM over UDP and
# NOTRACK over multicast; run on the reference library and on ours.
#   conntrackd_sync_diff.sh OUR_LIBDIR REF_LIBDIR
set -u
. "$(dirname "$0")/common.sh"
need conntrackd conntrack nsenter

# Volatile: dates, pids, ages, remaining timeouts, and the sync traffic
# counters (alive/ack messages depend on timing).
norm() {
	sed -E 's/^\[[^]]*\] \(pid=[0-9]+\) //; s/active since [0-9]+s/active since Ns/;
		s/^((icmp|tcp|udp|icmpv6) +[0-9]+ )[0-9]+ /\1T /;
		s/expires in [0-9]+s/expires in Ns/; s/taken [0-9.]+ sec/taken N sec/;
		/(Bytes|Pckts) sent/{s/[0-9]+/N/g; s/ +/ /g}'
}
for mt in FTFW:UDP NOTRACK:UDP ALARM:UDP NOTRACK:Multicast; do
	mode=${mt%:*} transport=${mt#*:}
	compare "sync-$mode-$transport" norm \
		unshare -n bash "$here/conntrackd_sync_scenario.sh" "$work" $mode $transport
	# The entries must really have crossed: B's cache and B's kernel.
	expect "sync-$mode-$transport" '^tcp +6 ESTABLISHED src=1.1.1.1 dst=2.2.2.2 sport=10 dport=20 mark=9'
	expect "sync-$mode-$transport" '^udp +17 T src=1.1.1.1 dst=2.2.2.2 sport=10 dport=20 \[UNREPLIED\] src=2.2.2.2'
done
finish
