#!/bin/bash
# Differential test with Debian's squid (client_connection_mark ACL,
# mark_client_connection and qos_flows mark, all through conntrack queries)
# on the reference library and on ours.
#   squid_diff.sh OUR_LIBDIR REF_LIBDIR
set -u
. "$(dirname "$0")/common.sh"
need squid nft conntrack python3

# Volatile: remaining timeouts and squid's source port towards the origin.
norm() {
	sed -E 's/^(tcp +6 )[0-9]+ /\1T /;
		s/sport=[0-9]+ dport=8080 (.*) dport=[0-9]+ /sport=P dport=8080 \1 dport=P /'
}
compare squid norm unshare -n bash "$here/squid_scenario.sh" "$work"
# The marked clients got through, the others were refused: the ACL read
# the marks.
expect squid '^127\.0\.0\.2 200 hello-from-origin$'
expect squid '^127\.0\.0\.3 403 Access Denied$'
expect squid '^::2 200 hello-from-origin$'
expect squid '^::1 403 Access Denied$'
# squid's mark updates reached the kernel.
expect squid 'src=127\.0\.0\.2 .*dport=3128 .*mark=4162 '
expect squid 'src=127\.0\.0\.3 .*dport=3128 .*mark=4096 '
expect squid 'src=::2 .*dport=3128 .*mark=4162 '
expect squid 'src=::1 .*dport=3128 .*mark=4096 '
# The origin connection's mark was read and copied to the client side.
expect squid '^127\.0\.0\.2 TCP_MISS/200 GET .* 0x5500$'
expect squid '^::2 TCP_MISS/200 GET .* 0x5500$'
finish
