#!/bin/bash
# Differential test with Debian's unmodified conntrackd: the same session
# (conntrackd_scenario.sh) runs in a fresh network namespace on the
# reference library and on ours, with user-space and with kernel-space
# (BPF, nfct_filter_*) event filtering; the normalized outputs must match.
#   conntrackd_diff.sh OUR_LIBDIR REF_LIBDIR
set -u
ours=$1 ref=$2
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v conntrackd >/dev/null || [ "$(id -u)" -ne 0 ]; then
	[ "${CI:-}" = true ] && { echo "conntrackd or root missing in CI" >&2; exit 1; }
	exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

normalize() {
	sed -E 's/^\[[^]]*\] \(pid=[0-9]+\)//; s/\(pid=[0-9]+\)//; s/since [0-9]+s/since Ns/; s/(udp +17 )[0-9]+ /\1T /'
}

fail=0 pass=0
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
	for lib in ref ours; do
		dir=$ref
		[ $lib = ours ] && dir=$ours
		LD_LIBRARY_PATH=$dir unshare -n bash "$here/conntrackd_scenario.sh" "$work/stats.conf" 2>&1 |
			normalize > "$work/$lib.out"
	done
	if diff -u "$work/ref.out" "$work/ours.out"; then
		pass=$((pass + 1))
	else
		echo "conntrackd ($where filtering) differs" >&2
		fail=$((fail + 1))
	fi
	grep -q 'connections created' "$work/ours.out" || { echo "conntrackd produced no statistics" >&2; fail=$((fail + 1)); }
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
