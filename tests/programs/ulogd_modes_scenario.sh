# A second ulogd2 session (run by ulogd_diff.sh) for the NFCT modes the
# first leaves out: polling (periodic dumps into the hash table, with
# accounting on), reliable event delivery with socket buffer growth, and
# a hash table smaller than the table it mirrors. $1 is a scratch dir.
set -u
d=$1
. "$(dirname "$0")/../lib/wait.sh"
lib=/usr/lib/x86_64-linux-gnu/ulogd
[ -d $lib ] || lib=$(dirname "$(find /usr/lib -name ulogd_inpflow_NFCT.so | head -1)")
rm -f "$d"/gp?.log "$d/ulogd.log"
cat > "$d/ulogd.conf" <<CONF
[global]
logfile="$d/ulogd.log"
loglevel=5
plugin="$lib/ulogd_inpflow_NFCT.so"
plugin="$lib/ulogd_filter_IP2STR.so"
plugin="$lib/ulogd_output_GPRINT.so"
stack=ct1:NFCT,ip2str1:IP2STR,gp1:GPRINT
stack=ct2:NFCT,gp2:GPRINT
stack=ct3:NFCT,gp3:GPRINT
[ct1]
pollinterval=1
hash_enable=1
[ct2]
hash_enable=1
event_mask=0x00000005
reliable=1
netlink_socket_buffer_size=217088
netlink_socket_buffer_maxsize=1085440
[ct3]
hash_enable=1
hash_buckets=16
hash_max_entries=4
[gp1]
file="$d/gp1.log"
sync=1
timestamp=0
[gp2]
file="$d/gp2.log"
sync=1
timestamp=0
[gp3]
file="$d/gp3.log"
sync=1
timestamp=0
CONF
ip link set lo up
sysctl -qw net.netfilter.nf_conntrack_events=1
sysctl -qw net.netfilter.nf_conntrack_acct=1
sysctl -qw net.netfilter.nf_conntrack_timestamp=1
nft add table ip t && nft add chain ip t out '{ type filter hook output priority 0; }' && nft add rule ip t out ct state new counter
conntrack -I -s 10.1.9.9 -d 10.2.2.2 -p tcp --sport 99 --dport 20 --state ESTABLISHED -t 100 -u SEEN_REPLY 2>&1
# A scenario that gives up still ends ulogd.
trap 'kill $(jobs -p) 2>/dev/null' EXIT
timeout 60 ulogd -c "$d/ulogd.conf" &
tpid=$!
# Ready: ct2 and ct3 subscribed (ct3 has dumped the table), ulogd in
# select; ct1 polls by a timer.
wait_until "ulogd's 2 NFCT event stacks listening" nl_listener_ready $tpid 2 || exit 1
read -r upid _ < /proc/$tpid/task/$tpid/children
# settled WHAT: ulogd has read and logged every event queued so far.
settled() {
	wait_until "ulogd to log the events of $1" nl_listener_idle $tpid || exit 1
}
# turns: how many times ulogd went to sleep (select, or a blocking call).
turns() {
	awk '$1 == "voluntary_ctxt_switches:" { print $2 }' /proc/$upid/status
}
# polled_since N: ulogd slept twice since turns printed N (no event
# wakes it: only ct1's poll timer) and sleeps in select again, so a whole
# main loop turn (dump, then purge) started after N and ended.
polled_since() {
	local n
	n=$(turns) && [ "$n" -ge $(($1 + 2)) ] || return 1
	case $(cat /proc/$upid/wchan 2>/dev/null) in
	poll_schedule_timeout* | do_select) return 0 ;;
	esac
	return 1
}
for i in 1 2 3 4 5 6; do conntrack -I -s 10.1.1.$i -d 10.2.2.2 -p udp --sport 10 --dport 20 -t 100 2>&1; done
python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 40000)); s.sendto(b"x", ("127.0.0.1", 9999))'
settled "the insertions"
# The polling stack sees the new entries on its next dump: the entries
# it never saw are never logged.
n=$(turns)
wait_until "ulogd's polling stack to dump the table" polled_since "$n" || exit 1
for i in 1 2 3 4 5 6; do
	conntrack -D -s 10.1.1.$i >/dev/null 2>&1
	settled "conntrack -D -s 10.1.1.$i"
done
conntrack -D -s 10.1.9.9 >/dev/null 2>&1
conntrack -D -d 127.0.0.1 >/dev/null 2>&1
settled "the last deletions"
# The next polls purge the 8 deleted entries, each logged once in gp1;
# gp2 and gp3 log their destroy events.
logged() {
	local f
	for f in gp1 gp2 gp3; do
		[ "$(wc -l < "$d/$f.log")" -eq 8 ] || return 1
	done
	nl_listener_idle $tpid
}
wait_until "the 8 destroyed flows in gp1.log, gp2.log and gp3.log" logged || exit 1
kill %1
wait
# hash-table walks and dumps come in hash order: sorted
for f in gp1 gp2 gp3; do echo "== $f"; sort "$d/$f.log"; done
echo "== ulogd log"
sort "$d/ulogd.log"
