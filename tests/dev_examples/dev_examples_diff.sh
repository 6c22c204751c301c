#!/bin/bash
# Debian's libnetfilter-conntrack-dev ships example programs (libmnl +
# nfct_nlmsg_build/nfct_nlmsg_parse/nfct_snprintf/labels). Build each
# twice, against the reference's headers and against ours, and run the
# same kernel scenario three times, each in a fresh network namespace:
#   ref   built on the reference's headers, run on the reference (oracle)
#   abi   built on the reference's headers, run on our library
#   src   built on our headers, run on our library
# All three outputs must be identical.
#   dev_examples_diff.sh OUR_LIBDIR REF_LIBDIR OUR_INCLUDEDIR TOOLDIR
set -u
ours=$1 ref=$2 inc=$3 tooldir=$4
here=$(cd "$(dirname "$0")" && pwd)
exdir=/usr/share/doc/libnetfilter-conntrack-dev/examples
unset MALLOC_PERTURB_

missing() {
	echo "$1" >&2
	[ "${CI:-}" = true ] && exit 1
	exit 77
}
[ "$(id -u)" -eq 0 ] || missing "needs root"
[ -d "$exdir" ] || missing "$exdir missing (libnetfilter-conntrack-dev)"
for p in cc nft conntrack python3 stdbuf; do
	command -v $p >/dev/null || missing "$p missing"
done

work=$(mktemp -d /tmp/nfct-dev-examples.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
fail=0 n=0
for src in "$exdir"/*.c; do
	name=$(basename "$src" .c)
	# the reference's headers are in /usr/include; ours shadow them
	cc -O2 -o "$work/ref_$name" "$src" -lnetfilter_conntrack -lmnl ||
		{ echo "$name: does not build on the reference's headers" >&2; fail=1; }
	cc -O2 -Wall -I"$inc" -o "$work/src_$name" "$src" -L"$ours" \
		-lnetfilter_conntrack -lmnl 2>"$work/$name.cc" ||
		{ cat "$work/$name.cc" >&2; echo "$name: does not build on our headers" >&2; fail=1; }
	# our headers may not add warnings the reference's do not give
	cc -O2 -Wall -fsyntax-only "$src" 2>"$work/$name.refcc"
	sed "s|$inc/||g" "$work/$name.cc" | diff -u "$work/$name.refcc" - ||
		{ echo "$name: warnings differ between the headers" >&2; fail=1; }
	n=$((n + 1))
done
[ $n -ge 10 ] || { echo "only $n examples found" >&2; fail=1; }
[ $fail -eq 0 ] || exit 1

run() {	# LIBDIR PREFIX
	LD_LIBRARY_PATH=$1 unshare -n bash "$here/scenario.sh" "$work" "$2" "$tooldir" 2>&1
}
run "$ref" ref_ > "$work/out.ref"
run "$ours" ref_ > "$work/out.abi"
run "$ours" src_ > "$work/out.src"
for v in abi src; do
	if ! diff -u "$work/out.ref" "$work/out.$v"; then
		echo "$v: differs from the reference" >&2
		fail=1
	fi
done
# a scenario that gave up waiting for a state proves nothing
if grep -h 'wait_until: timed out' "$work"/out.*; then
	echo "a scenario state was not reached" >&2
	fail=1
fi
# the scenario must have done something: entries, labels, expectations
# and events, not a run of failures on both sides
for pat in '^tcp +6 T SYN_SENT src=1\.1\.1\.1' 'File exists' \
	"^[[:space:]]+'.*' \(127\)" 'will clear all labels' \
	'src=127\.0\.0\.1 dst=127\.0\.0\.1 sport=0 dport=40002' \
	'\[NEW\] udp +17 T src=10' '\[DESTROY\] tcp +6 T' '\[NEW\] T proto=6' 'No such file or directory'; do
	grep -qE -e "$pat" "$work/out.src" ||
		{ echo "missing from the output: $pat" >&2; fail=1; }
done
[ $fail -eq 0 ] && echo "dev examples: $n programs, ref/abi/src outputs identical"
exit $fail
