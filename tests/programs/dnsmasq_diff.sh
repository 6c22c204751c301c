#!/bin/bash
# Differential test with Debian's dnsmasq --conntrack (it copies the
# conntrack mark of a DNS query's connection onto its upstream query) on
# the reference library and on ours.
#   dnsmasq_diff.sh OUR_LIBDIR REF_LIBDIR
set -u
. "$(dirname "$0")/common.sh"
need dnsmasq nft conntrack python3

# Volatile: remaining timeouts, dnsmasq's random upstream source port and
# query serial.
norm() {
	sed -E 's/^(udp +17 )[0-9]+ /\1T /; s/sport=[0-9]{4,5} dport=53 /sport=P dport=53 /;
		s/dport=[0-9]{4,5} mark=66/dport=P mark=66/; s/^[0-9]+ /N /'
}
compare dnsmasq norm unshare -n bash "$here/dnsmasq_scenario.sh" "$work"
expect dnsmasq 'dst=127.0.0.2 sport=P dport=53 .*mark=66'
finish
