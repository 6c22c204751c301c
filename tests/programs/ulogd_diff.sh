#!/bin/bash
# Differential test with Debian's unmodified ulogd2 and its NFCT input
# plugin (ulogd_scenario.sh) on the reference library and on ours.
#   ulogd_diff.sh OUR_LIBDIR REF_LIBDIR
set -u
. "$(dirname "$0")/common.sh"
need ulogd conntrack

# Volatile: dates, conntrack ids, flow timestamps, remaining timeouts.
norm() {
	sed -E 's/^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [^ ]+ /DATE HOST /;
		s/^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [0-9]{4} /DATE /;
		s/\.[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [0-9]{4} /.DATE /;
		s/(ct\.id|flow\.(start|end)\.u?sec)=[0-9]+/\1=N/g;
		s/<id>[0-9]+<\/id>/<id>N<\/id>/g; s/<when>.*<\/when>/<when\/>/;
		s/<timeout>[0-9]+</<timeout>T</g; s/^(udp|tcp) +([0-9]+) [0-9]+ /\1 \2 T /'
}
compare ulogd norm unshare -n bash "$here/ulogd_scenario.sh" "$work"
expect ulogd '\[NEW\] ORIG: SRC=10.1.1.1 DST=10.2.2.2 PROTO=TCP'
expect ulogd 'orig.ip.saddr=10.1.9.9'
expect ulogd '<src>2001:db8:1::1</src>'
expect ulogd 'SRC=127.0.0.1 DST=127.0.0.1 PROTO=UDP'
compare ulogd_modes norm unshare -n bash "$here/ulogd_modes_scenario.sh" "$work"
expect ulogd_modes 'NFCT working in polling mode'
expect ulogd_modes 'NFCT reliable logging has been enabled'
expect ulogd_modes 'orig.ip.saddr=127.0.0.1,.*orig.raw.pktlen=29,orig.raw.pktcount=1'
expect ulogd_modes 'orig.ip.saddr=10.1.1.6,'
finish
