#!/bin/bash
# Re-record fuzz/corpus from this machine's kernel: in a private network
# namespace (the host table is untouched), create varied entries (TCP,
# UDP, ICMP, IPv4 and IPv6, NAT, mark, zone, ftp expectations) and save
# every dump and event message as seeds. Needs root. Hand-made cases are
# in record_seeds.py; fuzz/regress holds inputs that once failed.
#
#   sudo fuzz/record-seeds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${RECORD_IN_NETNS:-}" ]; then
	exec env RECORD_IN_NETNS=1 unshare -n "$0" "$@"
fi
ip link set lo up
sysctl -qw net.netfilter.nf_conntrack_events=1 2>/dev/null || true
modprobe nf_conntrack_ftp 2>/dev/null || true
nft -f tests/conntrack_tool/ftp_helper.nft
traffic=tests/conntrack_tool/traffic.py
. tests/lib/wait.sh
ready=$(mktemp -d)
trap 'rm -rf "$ready"' EXIT
pids=()
# The helpers held open in the background print "ready" once their
# connection (and the ftp helper's expectation) exists.
python3 $traffic ftp 127.0.0.1 40100 40002 >"$ready/ftp4" 2>&1 & pids+=($!)
python3 $traffic ftp ::1 40101 40003 >"$ready/ftp6" 2>&1 & pids+=($!)
python3 $traffic tcp 127.0.0.1 5000 40200 >/dev/null 2>&1 || true
python3 $traffic tcp-open ::1 5001 40201 >"$ready/tcp6" 2>&1 & pids+=($!)
python3 $traffic udp 127.0.0.1 5002 40202 >/dev/null 2>&1 || true
python3 $traffic ping 127.0.0.1 77 >/dev/null 2>&1 || true
python3 $traffic ping ::1 78 >/dev/null 2>&1 || true
conntrack -I -s 1.2.3.4 -d 5.6.7.8 -p tcp --sport 10 --dport 20 --state ESTABLISHED -t 100 -u ASSURED -m 42 >/dev/null 2>&1
conntrack -I -s 1.2.3.5 -d 5.6.7.8 -p udp --sport 11 --dport 53 -t 50 -w 7 >/dev/null 2>&1
conntrack -I -s 1.2.3.6 -d 5.6.7.8 -p tcp --sport 12 --dport 80 --state SYN_SENT -t 60 --dst-nat 9.9.9.9:8080 >/dev/null 2>&1
conntrack -I -s 2001:db8::1 -d 2001:db8::2 -p udp --sport 13 --dport 14 -t 30 >/dev/null 2>&1
conntrack -I -s 1.2.3.7 -d 5.6.7.8 -p sctp --sport 15 --dport 16 --state ESTABLISHED --orig-vtag 1 --reply-vtag 2 -t 30 >/dev/null 2>&1 || true
conntrack -I -s 1.2.3.8 -d 5.6.7.8 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 9 -t 30 >/dev/null 2>&1 || true
for f in ftp4 ftp6 tcp6; do
	wait_for_line "$ready/$f" '^ready$' "traffic.py ($f) ready"
done
# events while the recorder listens: updates and deletes
export EVENT_CMD="conntrack -U -s 1.2.3.4 -m 43; \
	conntrack -I -s 1.2.3.9 -d 5.6.7.8 -p udp --sport 17 --dport 18 -t 30; \
	conntrack -D -s 1.2.3.9; python3 $traffic udp ::1 5003 40203"
python3 fuzz/record_seeds.py fuzz/corpus 1.5
kill "${pids[@]}" 2>/dev/null || true
