# A second ulogd2 session (run by ulogd_diff.sh) for the NFCT modes the
# first leaves out: polling (periodic dumps into the hash table, with
# accounting on), reliable event delivery with socket buffer growth, and
# a hash table smaller than the table it mirrors. $1 is a scratch dir.
set -u
d=$1
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
timeout 12 ulogd -c "$d/ulogd.conf" &
sleep 1
for i in 1 2 3 4 5 6; do conntrack -I -s 10.1.1.$i -d 10.2.2.2 -p udp --sport 10 --dport 20 -t 100 2>&1; done
python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 40000)); s.sendto(b"x", ("127.0.0.1", 9999))'
sleep 2.5
for i in 1 2 3 4 5 6; do conntrack -D -s 10.1.1.$i >/dev/null 2>&1; sleep 0.1; done
conntrack -D -s 10.1.9.9 >/dev/null 2>&1
conntrack -D -d 127.0.0.1 >/dev/null 2>&1
sleep 1
kill %1
wait
# hash-table walks and dumps come in hash order: sorted
for f in gp1 gp2 gp3; do echo "== $f"; sort "$d/$f.log"; done
echo "== ulogd log"
sort "$d/ulogd.log"
