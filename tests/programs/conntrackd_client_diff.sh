#!/bin/bash
# Differential test of conntrackd's client commands (XML and expectation
# caches, statistics, commit, flush, resync, bulk, -t) on the reference
# library and on ours; see conntrackd_client_scenario.sh.
#   conntrackd_client_diff.sh OUR_LIBDIR REF_LIBDIR TOOLDIR
set -u
tooldir=$3
. "$(dirname "$0")/common.sh"
need conntrackd conntrack nft python3

# Volatile: conntrack ids, ephemeral ports of the daemons' own UDP
# channel, entry ages, sequence numbers, pids and times in the logs.
norm() {
	sed -E 's/<id>[0-9]+<\/id>/<id>N<\/id>/g; s/sport=[0-9]+ dport=3780/sport=P dport=3780/;
		s/sport=3780 dport=[0-9]+/sport=3780 dport=P/; s/active since [0-9]+s/active since Ns/;
		s/seq:[0-9]+/seq:N/g; s/^\[[^]]*\] \(pid=[0-9]+\)/(pid=N)/; s/taken [0-9.]+ seconds/taken N seconds/;
		s/^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [0-9]{4}\t/DATE\t/'
}
compare conntrackd_client norm unshare -n bash "$here/conntrackd_client_scenario.sh" "$work" "$tooldir"
expect conntrackd_client '^library: from LD_LIBRARY_PATH'
# the commands did something: XML and expectation caches, synced
# expectations on B, resync results, flushes logged
expect conntrackd_client '<flow><meta direction="original"><layer3 protonum="10"'
expect conntrackd_client '^<flow><layer3 protonum="2" protoname="ipv4"><expected>'
expect conntrackd_client '^proto=6 src=127.0.0.1 dst=127.0.0.1 sport=0 dport=40002 .*helper=ftp \[active since Ns\]'
expect conntrackd_client 'cache:internal[[:space:]]+active objects:[[:space:]]+4'
expect conntrackd_client '\[notice\] resync with master expect table'
expect conntrackd_client '\[notice\] flushing kernel conntrack table'
expect conntrackd_client '^tcp      6 ESTABLISHED src=1.1.1.1 dst=2.2.2.2 sport=10 dport=20 mark=3 \[active since Ns\]'
finish
