# squid in the current, private network namespace, on the loopback.
# nftables sets conntrack mark 0x42 on the connections of the clients
# 127.0.0.2 and ::2 to squid's port; squid reads a client connection's mark
# (nfct_query GET) for its client_connection_mark ACL, which alone allows
# the request through to a local http.server (the others get 403).  It also
# ORs 0x1000 into every client connection's mark (mark_client_connection,
# nfct_query UPDATE) and, with qos_flows mark, copies the origin
# connection's conntrack mark (0x5500, again a GET) onto its replies to the
# client, logged as %>nfmark.  $1 is a scratch dir.
set -u
d=$1
. "$(dirname "$0")/../lib/wait.sh"
. "$(dirname "$0")/../lib/table.sh"
s=$d/squid
rm -rf "$s"
mkdir -p "$s/www"; echo hello-from-origin > "$s/www/index.txt"
chmod -R a+rwX "$s"; chmod a+x "$d"
ip link set lo up
ip addr add 127.0.0.2/8 dev lo 2>/dev/null
ip addr add ::2/128 dev lo nodad 2>/dev/null
nft -f - <<NFT
table inet t {
	chain out {
		type filter hook output priority 0;
		ip saddr 127.0.0.2 tcp dport 3128 ct state new ct mark set 0x42
		ip6 saddr ::2 tcp dport 3128 ct state new ct mark set 0x42
		tcp dport 8080 ct state new ct mark set 0x5500
	}
}
NFT
cat > "$s/squid.conf" <<CONF
http_port 127.0.0.1:3128
http_port [::1]:3128
pid_filename $s/squid.pid
cache_log $s/cache.log
debug_options ALL,1 17,2
logformat nf %>a %Ss/%>Hs %rm %ru %>nfmark
access_log stdio:$s/access.log nf
cache deny all
cache_mem 1 MB
coredump_dir $s
shutdown_lifetime 0 seconds
dns_nameservers 127.0.0.1
acl m client_connection_mark 0x42/0xff
mark_client_connection 0x1000/0xf000 all
qos_flows mark
http_access allow m
http_access deny all
CONF
# A scenario that gives up still ends its servers.
trap 'kill $(jobs -p) 2>/dev/null' EXIT
(cd "$s/www" && exec python3 -m http.server --bind 127.0.0.1 8080) >/dev/null 2>&1 &
timeout 60 squid -N -f "$s/squid.conf" &
# squid has read its configuration (ACLs included) before it listens; a
# connection made then only queues until it accepts.
listening() {
	local l
	l=$(ss -Hltn)
	grep -q ' 127\.0\.0\.1:8080 ' <<<"$l" &&
		grep -q ' 127\.0\.0\.1:3128 ' <<<"$l" &&
		grep -q ' \[::1\]:3128 ' <<<"$l"
}
wait_until "squid listening on 127.0.0.1:3128 and [::1]:3128, the origin on :8080" \
	listening || exit 1
# One GET through the proxy per client, each from a fixed source port.
python3 - <<'PY'
import re, socket
for src, proxy, port in (("127.0.0.2", "127.0.0.1", 41002),
			 ("127.0.0.3", "127.0.0.1", 41003),
			 ("::2", "::1", 41012), ("::1", "::1", 41011)):
	fam = socket.AF_INET6 if ":" in src else socket.AF_INET
	s = socket.socket(fam, socket.SOCK_STREAM)
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.bind((src, port))
	s.settimeout(10)
	s.connect((proxy, 3128))
	s.sendall(b"GET http://127.0.0.1:8080/index.txt HTTP/1.0\r\n\r\n")
	r = b""
	while True:
		b = s.recv(65536)
		if not b:
			break
		r += b
	s.close()
	t = r.decode("latin-1")
	code = t.split(" ", 2)[1] if t.startswith("HTTP/") else "none"
	m = re.search("hello-from-origin|Access Denied", t)
	print(src, code, m.group(0) if m else "-")
PY
# Every connection (4 clients, squid's 2 to the origin) closed on both
# sides: its entry is in TIME_WAIT, its mark final.
closed() {
	local l
	l=$(conntrack -L -p tcp 2>/dev/null)
	[ "$(grep -c ' TIME_WAIT ' <<<"$l")" -eq 6 ] &&
		[ "$(grep -c . <<<"$l")" -eq 6 ]
}
wait_until "the 6 tcp entries in TIME_WAIT" closed || exit 1
conntrack -L -p tcp 2>&1 | sort_table
kill %2; wait %2
kill %1; wait
# squid logs a failed conntrack query at debug level 17,2.
sed -nE "s/^[0-9/]+ [0-9:]+\\| (.*QOS.*)/\\1/p" "$s/cache.log"
cat "$s/access.log"
