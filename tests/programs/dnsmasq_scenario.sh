# dnsmasq --conntrack in the current, private network namespace: the DNS
# query's connection gets a mark from nftables; dnsmasq reads it back from
# conntrack (nfct_query GET) and sets it on its upstream query, whose own
# entry then carries it.  $1 is a scratch dir.
set -u
d=$1
. "$(dirname "$0")/../lib/wait.sh"
. "$(dirname "$0")/../lib/table.sh"
rm -f "$d/dnsmasq.log"
ip link set lo up
ip addr add 127.0.0.2/8 dev lo 2>/dev/null
nft -f - <<NFT
table ip t {
	chain out {
		type filter hook output priority 0;
		udp dport 5353 ct mark set 0x42
		udp dport 53 ip daddr 127.0.0.2 ct mark set meta mark
	}
}
NFT
timeout 20 dnsmasq -k --conntrack --no-resolv --no-hosts --server=127.0.0.2 \
	--port=5353 --listen-address=127.0.0.1 --bind-interfaces --user=root \
	--pid-file="$d/dnsmasq.pid" --log-queries --log-facility="$d/dnsmasq.log" &
# It answers once it waits on its sockets (a query sent earlier would
# only queue, but its start-up log lines must come first).
dpid=$!
ready() {
	test -s "$d/dnsmasq.pid" && ss -Hlun 'sport = :5353' | grep -q . &&
		recv_blocked $dpid
}
wait_until "dnsmasq waiting for queries" ready || exit 1
# A query for example.test (A, IN) from a fixed port; the upstream never
# answers, only its conntrack entry matters.
python3 - <<'PY'
import socket, struct
q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
q += b"\x07example\x04test\x00" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 40000))
s.sendto(q, ("127.0.0.1", 5353))
PY
# dnsmasq forwards the query upstream with the mark it read: that
# entry's existence ends the exchange (its mark is what is compared).
upstream() { conntrack -L -p udp --dport 53 2>/dev/null | grep -q 'dst=127.0.0.2'; }
wait_until "dnsmasq's upstream query in the table" upstream || exit 1
conntrack -L -p udp 2>&1 | sort_table
kill %1
wait
sed -E 's/^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} dnsmasq\[[0-9]+\]: //' "$d/dnsmasq.log"
