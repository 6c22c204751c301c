# One ulogd2 session with three NFCT input stacks in the current, private
# network namespace: kernel-filtered events (accept_*_filter, attached as
# BPF by nfct_filter_*) to LOGEMU, hashed flows (dump + events) to GPRINT,
# and all events to XML (nfct_snprintf NFCT_O_XML).  $1 is a scratch dir.
set -u
d=$1
. "$(dirname "$0")/../lib/wait.sh"
lib=/usr/lib/x86_64-linux-gnu/ulogd
[ -d $lib ] || lib=$(dirname "$(find /usr/lib -name ulogd_inpflow_NFCT.so | head -1)")
rm -rf "$d/xml" "$d"/*.log
mkdir -p "$d/xml"
cat > "$d/ulogd.conf" <<CONF
[global]
logfile="$d/ulogd.log"
loglevel=5
plugin="$lib/ulogd_inpflow_NFCT.so"
plugin="$lib/ulogd_filter_IP2STR.so"
plugin="$lib/ulogd_filter_PRINTFLOW.so"
plugin="$lib/ulogd_output_LOGEMU.so"
plugin="$lib/ulogd_output_GPRINT.so"
plugin="$lib/ulogd_output_XML.so"
stack=ct1:NFCT,ip2str1:IP2STR,print1:PRINTFLOW,emu1:LOGEMU
stack=ct2:NFCT,gp1:GPRINT
stack=ct3:NFCT,xml1:XML
[ct1]
hash_enable=0
event_mask=7
accept_src_filter=10.1.0.0/16,2001:db8:1::/48,127.0.0.1/32
accept_dst_filter=10.2.0.0/16,2001:db8:2::2/128,127.0.0.1/32
accept_proto_filter=tcp,udp
[ct2]
hash_enable=1
accept_dst_filter=10.2.2.2/32
[ct3]
hash_enable=0
event_mask=7
[emu1]
file="$d/emu.log"
sync=1
[gp1]
file="$d/gprint.log"
sync=1
timestamp=0
[xml1]
directory="$d/xml/"
sync=1
CONF
ip link set lo up
sysctl -qw net.netfilter.nf_conntrack_events=1
# Conntrack only tracks packets in a namespace once a rule needs it.
nft add table ip t && nft add chain ip t out '{ type filter hook output priority 0; }' && nft add rule ip t out ct state new counter
# An entry that exists before ulogd starts: the hashed stack dumps it.
conntrack -I -s 10.1.9.9 -d 10.2.2.2 -p tcp --sport 99 --dport 20 --state ESTABLISHED -t 100 -u SEEN_REPLY 2>&1
# A scenario that gives up still ends ulogd.
trap 'kill $(jobs -p) 2>/dev/null' EXIT
timeout 60 ulogd -c "$d/ulogd.conf" &
upid=$!
# Ready: its three NFCT stacks subscribed (the hashed one has dumped the
# table and ct1's filter is attached before it waits), ulogd in select.
wait_until "ulogd's 3 NFCT stacks listening for events" nl_listener_ready $upid 3 || exit 1
# settled WHAT: ulogd has read and logged every event queued so far.
settled() {
	wait_until "ulogd to log the events of $1" nl_listener_idle $upid || exit 1
}
conntrack -I -s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 10 --dport 20 --state ESTABLISHED -t 100 -u SEEN_REPLY 2>&1
conntrack -I -s 10.1.1.1 -d 10.2.2.2 -p udp --sport 10 --dport 20 -t 100 2>&1
conntrack -I -s 10.1.1.1 -d 10.2.2.3 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 5 -t 100 2>&1
conntrack -I -s 10.3.1.1 -d 10.2.2.2 -p tcp --sport 11 --dport 21 --state ESTABLISHED -t 100 2>&1
conntrack -I -s 10.1.1.1 -d 10.9.2.2 -p udp --sport 13 --dport 23 -t 100 2>&1
conntrack -I -s 2001:db8:1::1 -d 2001:db8:2::2 -p udp --sport 12 --dport 22 -t 100 2>&1
conntrack -I -s 2001:db8:1::1 -d 2001:db8:2::3 -p udp --sport 12 --dport 22 -t 100 2>&1
conntrack -I -s 10.1.1.1 -d 10.2.2.2 -p sctp --sport 10 --dport 20 --orig-vtag 1 --reply-vtag 2 --state ESTABLISHED -t 100 2>&1
# Real traffic over loopback: a UDP datagram nobody receives, from a
# fixed port so the output is deterministic.
python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 40000)); s.sendto(b"x", ("127.0.0.1", 9999))'
settled "the insertions"
conntrack -U -s 10.1.1.1 -p tcp -m 7 2>&1
settled "the update"
# Delete one by one so event order does not depend on the hash table.
for args in "-s 10.1.9.9" "-s 10.1.1.1 -p tcp" "-s 10.1.1.1 -p udp -d 10.2.2.2" \
	"-s 10.1.1.1 -p icmp" "-s 10.3.1.1" "-d 10.9.2.2" "-d 2001:db8:2::2" \
	"-d 2001:db8:2::3" "-p sctp" "-d 127.0.0.1"; do
	conntrack -D $args >/dev/null 2>&1
	settled "conntrack -D $args"
done
kill %1
wait
echo "== LOGEMU"
cat "$d/emu.log"
echo "== GPRINT"
cat "$d/gprint.log"
echo "== XML"
cat "$d"/xml/*
echo "== ulogd log"
cat "$d/ulogd.log"
