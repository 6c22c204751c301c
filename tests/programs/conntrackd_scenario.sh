# One conntrackd (stats mode) session in the current, private network
# namespace: start it, create entries, query its cache, delete, stop.
# Run by conntrackd_diff.sh on each library; $1 is the config file.
set -u
conf=$1
dir=$(dirname "$conf")
ip link set lo up
sysctl -qw net.netfilter.nf_conntrack_events=1
rm -f "$dir/lock" "$dir/sock" "$dir/log"
conntrackd -C "$conf" -d
sleep 1
conntrack -I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state ESTABLISHED -t 100 -u SEEN_REPLY
conntrack -I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 100
conntrack -I -s 1.1.1.1 -d 2.2.2.2 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 5 -t 100
sleep 1
conntrackd -C "$conf" -s
conntrackd -C "$conf" -i | sort
conntrack -D -p udp
sleep 1
conntrackd -C "$conf" -i | sort
conntrackd -C "$conf" -k
sleep 1
cat "$dir/log" | sed 's/^\[[^]]*\]//'
