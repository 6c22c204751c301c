# oidentd -M (masquerade file first, then forwarding) on a NAT router: the
# current, private network namespace routes and masquerades between a
# client namespace (10.200.0.0/24) and a server namespace (198.18.0.0/24,
# benchmark range, exists only here).  The server asks the router's
# oidentd about connections the client made through it; oidentd finds them
# by dumping the conntrack table with the library (nfct_query DUMP) and
# parsing each entry's nfct_snprintf text, then answers from the masq file
# (client 10.200.0.2) or by forwarding the query, with the entry's
# original ports, to the client's own ident server (10.200.0.3).
#   oidentd_scenario.sh DIR ACCT   (ACCT: nf_conntrack_acct, 0 or 1; 1 adds
#   packets=/bytes= to the text oidentd parses)
set -u
d=$1 acct=$2
. "$(dirname "$0")/../lib/wait.sh"
. "$(dirname "$0")/../lib/table.sh"
rm -f "$d"/oidentd.*
ip link set lo up
sysctl -qw net.ipv4.ip_forward=1 net.netfilter.nf_conntrack_acct=$acct
# A scenario that gives up still ends its programs and namespaces.
trap 'kill $(jobs -p) 2>/dev/null' EXIT
# The client's and the server's network namespaces, each held by a sleep
# that only keeps it alive until the kill at the end.
unshare -n sleep 120 &
cpid=$!
unshare -n sleep 120 &
spid=$!
# has_netns PID: PID has left this network namespace (unshare is done).
has_netns() {
	[ "$(readlink /proc/$1/ns/net)" != "$(readlink /proc/self/ns/net)" ]
}
wait_until "the client's network namespace" has_netns $cpid || exit 1
wait_until "the server's network namespace" has_netns $spid || exit 1
# (Background jobs call nsenter directly, so that their job pid is the
# program itself and the kill at the end reaches it.)
inc() { nsenter -t $cpid -n "$@"; }
ins() { nsenter -t $spid -n "$@"; }
ip link add oidc type veth peer name oidc1
ip link add oids type veth peer name oids1
ip link set oidc1 netns $cpid
ip link set oids1 netns $spid
ip addr add 10.200.0.1/24 dev oidc
ip addr add 198.18.0.1/24 dev oids
ip link set oidc up
ip link set oids up
inc ip link set lo up
inc ip addr add 10.200.0.2/24 dev oidc1
inc ip addr add 10.200.0.3/24 dev oidc1
inc ip link set oidc1 up
inc ip route add default via 10.200.0.1
ins ip link set lo up
ins ip addr add 198.18.0.2/24 dev oids1
ins ip link set oids1 up
# Fixed outside ports (so the replies are reproducible and the outside
# port differs from the client's): 4000x goes out as 5000x.
nft -f - <<NFT
table ip nat {
	chain post {
		type nat hook postrouting priority 100;
		oifname "oids" tcp sport 40001 snat to 198.18.0.1:50001
		oifname "oids" tcp sport 40003 snat to 198.18.0.1:50003
		oifname "oids" masquerade
	}
}
NFT
# (No netmask rules: oidentd masks the looked-up address in place, so a
# non-matching rule would change where a later query is forwarded.)
cat > "$d/oidentd.masq" <<CONF
# host[/mask]	response	system-type
10.200.0.2	alice	UNIX
CONF

# The server: accepts and holds connections until the kill at the end.
nsenter -t $spid -n timeout 120 python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.18.0.2", 6667)); s.listen(8); c = []
while True: c.append(s.accept())
' &
# The client's ident server on 10.200.0.3 (what oidentd --proxy would be):
# it names the user after the query it got, so the answer relayed by the
# router shows which ports oidentd read from the conntrack entry.
nsenter -t $cpid -n timeout 120 python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.200.0.3", 113)); s.listen(8)
while True:
    c, a = s.accept()
    q = c.recv(512).decode().strip()
    p = [x.strip() for x in q.split(",")]
    c.sendall(("%s , %s : USERID : UNIX : carol-%s-%s\r\n" % (p[0], p[1], p[0], p[1])).encode())
    c.close()
' &
# oidentd in a private mount namespace: the masq file bind-mounted over
# /etc/oidentd_masq.conf (the path is built in) and /proc/net/nf_conntrack
# hidden (as on kernels without CONFIG_NF_CONNTRACK_PROCFS), so that the
# library is its only way to the table.  -u/-g root: the dump needs
# CAP_NET_ADMIN, which oidentd's default user lacks.
timeout 120 unshare -m sh -c 'echo $$ > "$0/oidentd.pid" && mount -t tmpfs none /proc/$$/net &&
	mount --bind "$0/oidentd.masq" /etc/oidentd_masq.conf &&
	exec oidentd -i -S -d -M -u root -g root -a 198.18.0.1' "$d" \
	> "$d/oidentd.log" 2>&1 &
# listens NETNS_RUNNER ADDR:PORT: a TCP socket listens on ADDR:PORT in the
# network namespace NETNS_RUNNER runs commands in.  oidentd listens in
# this (the router's) namespace, on IPv4 198.18.0.1:113 only (-a).
listens() {
	"$1" ss -Hltn | awk -v a="$2" '$4 == a { f = 1 } END { exit !f }'
}
wait_until "the server listening on 198.18.0.2:6667" listens ins 198.18.0.2:6667 || exit 1
wait_until "the client's ident server listening on 10.200.0.3:113" listens inc 10.200.0.3:113 || exit 1
wait_until "oidentd listening on 198.18.0.1:113" listens command 198.18.0.1:113 || exit 1
# Connections through the router: 10.200.0.2 (in the masq file), 10.200.0.3
# (forwarded), one masqueraded with the port kept.
# It holds them open (signal.pause) until the kill at the end.
nsenter -t $cpid -n timeout 120 python3 -c '
import signal, socket
c = []
for src in (("10.200.0.2", 40001), ("10.200.0.3", 40003), ("10.200.0.2", 40005)):
    s = socket.socket(); s.bind(src); s.connect(("198.18.0.2", 6667)); c.append(s)
    s.send(b"hello\n")
signal.pause()
' &
# The three connections established (and assured) on the router.
established() {
	local l p
	l=$(conntrack -L -p tcp 2>/dev/null)
	for p in 40001 40003 40005; do
		grep -E -q " ESTABLISHED .* sport=$p dport=6667 .*\[ASSURED\]" <<<"$l" ||
			return 1
	done
}
wait_until "the client's 3 connections established through the router" established || exit 1
ct() { conntrack "$@" 2>&1 | grep -v 'flow entr'; }
# Entries oidentd must tell apart from the real ones: a NATed entry in
# SYN_SENT (not ESTABLISHED: no answer), an ESTABLISHED one inserted by
# hand with its own reply tuple, and enough UDP filler that the dump takes
# several netlink reads.
ct -I -p tcp -s 10.200.0.2 -d 198.18.0.2 --sport 40007 --dport 6667 \
	-r 198.18.0.2 -q 198.18.0.1 --reply-port-src 6667 --reply-port-dst 50007 \
	--state SYN_SENT -t 100
ct -I -p tcp -s 10.200.0.3 -d 198.18.0.2 --sport 40009 --dport 6668 \
	-r 198.18.0.2 -q 198.18.0.1 --reply-port-src 6668 --reply-port-dst 50009 \
	--state ESTABLISHED -t 100 -u SEEN_REPLY
for i in $(seq 1 150); do
	ct -I -p udp -s 10.201.$((i / 100)).$((i % 100 + 1)) -d 198.18.0.2 \
		--sport $((20000 + i)) --dport 53 -t 100
done
# The library oidentd really mapped must be the one under test.
lib=$(grep -o '/.*/libnetfilter_conntrack\.so[.0-9]*$' "/proc/$(cat "$d/oidentd.pid")/maps" | head -1)
if [ -n "$lib" ] && [ "$(dirname "$lib")" -ef "${LD_LIBRARY_PATH:-/nonexistent}" ]; then
	echo "oidentd runs on the library from LD_LIBRARY_PATH"
else
	echo "oidentd runs on $lib, not on LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
fi
echo "== table"
# Sorted from the state on: the timeout before it ticks.
ct -L -p tcp | sort_table
echo "== queries"
# 1 masq file, 2 forwarded, 3 masquerade kept the port (masq file),
# 4 SYN_SENT, 5 hand-made ESTABLISHED (forwarded), 6 no such entry,
# 7 wrong remote port, 8 the client's own port (not the outside one).
# oidentd logs a connection when it accepts it and the outcome (from the
# child that answers) after the answer: the next query waits for that
# line, so that the log's order is the queries' order.
ins python3 - "$d/oidentd.log" <<'PY'
import socket, sys, time
def outcomes():
    with open(sys.argv[1]) as f:
        return sum(1 for l in f if l.startswith("["))
n = 0
for q in ("50001 , 6667", "50003 , 6667", "40005 , 6667", "50007 , 6667",
          "50009 , 6668", "50011 , 6667", "50001 , 6668", "40001 , 6667"):
    s = socket.create_connection(("198.18.0.1", 113), timeout=60)
    s.sendall((q + "\r\n").encode())
    print(q, "->", s.recv(512).decode().strip())
    s.close()
    n += 1
    deadline = time.time() + 60
    while outcomes() < n:
        if time.time() > deadline:
            print("wait_until: timed out waiting for oidentd to log the outcome of", q, file=sys.stderr)
            sys.exit(1)
        time.sleep(0.05)  # poll interval, the wait ends on the log line
PY
# oidentd logs each query's outcome after it answered it.
outcomes() {
	[ "$(grep -c '^\[' "$d/oidentd.log")" -ge 8 ]
}
wait_until "oidentd to log the outcome of the 8 queries" outcomes || exit 1
kill $(jobs -p) 2>/dev/null
wait
echo "== oidentd log"
sed -E 's/^(Connection from [0-9.]+):[0-9]+$/\1:PORT/' "$d/oidentd.log"
