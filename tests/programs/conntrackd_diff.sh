#!/bin/bash
# Differential test with Debian's unmodified conntrackd: the same session
# (conntrackd_scenario.sh) runs in a fresh network namespace on the
# reference library and on ours, with user-space and with kernel-space
# (BPF, nfct_filter_*) event filtering; the normalized outputs must match.
#   conntrackd_diff.sh OUR_LIBDIR REF_LIBDIR
set -u
. "$(dirname "$0")/common.sh"
need conntrackd

normalize() {
	sed -E 's/^\[[^]]*\] \(pid=[0-9]+\)//; s/\(pid=[0-9]+\)//; s/since [0-9]+s/since Ns/; s/(udp +17 )[0-9]+ /\1T /'
}

for where in Userspace Kernelspace; do
	cat > "$work/stats.conf" <<CONF
General {
	HashSize 8192
	HashLimit 65535
	LogFile $work/log
	Syslog off
	LockFile $work/lock
	UNIX {
		Path $work/sock
	}
	NetlinkBufferSize 262144
	NetlinkBufferSizeMaxGrowth 655355
	Filter From $where {
		Protocol Accept {
			TCP
			UDP
		}
		Address Ignore {
			IPv4_address 127.0.0.2
		}
	}
}
Stats {
	LogFile $work/stats.log
}
CONF
	compare "conntrackd_$where" normalize \
		unshare -n bash "$here/conntrackd_scenario.sh" "$work/stats.conf"
	expect "conntrackd_$where" 'connections created'
done
finish
