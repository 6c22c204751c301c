# One conntrackd (stats mode) session in the current, private network
# namespace: start it, create entries, query its cache, delete, stop.
# Run by conntrackd_diff.sh on each library; $1 is the config file.
set -u
conf=$1
dir=$(dirname "$conf")
. "$(dirname "$0")/../lib/wait.sh"
cache_has() { conntrackd -C "$conf" -i 2>/dev/null | grep -qE -e "$1"; }
ip link set lo up
sysctl -qw net.netfilter.nf_conntrack_events=1
rm -f "$dir/lock" "$dir/sock" "$dir/log"
conntrackd -C "$conf" -d
# It answers on its socket once its set-up (dump, subscription) is done.
wait_until "conntrackd answering on its socket" \
	eval 'conntrackd -C "$conf" -s >/dev/null 2>&1' || exit 1
conntrack -I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state ESTABLISHED -t 100 -u SEEN_REPLY
conntrack -I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 100
conntrack -I -s 1.1.1.1 -d 2.2.2.2 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 5 -t 100
# Events arrive in order: the last entry the filter accepts (TCP and UDP
# only) in the cache means all are.
wait_until "the udp entry in conntrackd's cache" cache_has '^udp ' || exit 1
conntrackd -C "$conf" -s
conntrackd -C "$conf" -i | sort
conntrack -D -p udp
wait_until "the udp entry gone from conntrackd's cache" eval '! cache_has "^udp "' || exit 1
conntrackd -C "$conf" -i | sort
conntrackd -C "$conf" -k
# It removes its lock file last, after its log is complete.
wait_until "conntrackd to exit (lock file removed)" eval '! test -e "$dir/lock"' || exit 1
cat "$dir/log" | sed 's/^\[[^]]*\]//'
