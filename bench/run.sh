#!/bin/bash
# The performance benchmark: this library against the installed
# reference, side by side in one run, in a private network namespace.
#
#   bench/run.sh (as root) [-n ENTRIES] [-c CALLGRIND_ENTRIES] [-r ROUNDS]
#                     [-e EVENT_ENTRIES] [-B EVENT_RCVBUF] [-b BUILDDIR]
#
# Defaults: 1 000 000 entries for wall times, 20 000 for callgrind
# counts, 5 alternating rounds, event storms of 100 000 entries with a
# 4 MiB receive buffer, build directory ./build (built if missing).
# nf_conntrack_max is a host-wide limit: it is raised for the run and
# restored afterwards; the host's table itself is never touched.
set -eu

N=1000000
NCG=20000
ROUNDS=5
EVN=100000
EVBUF=4194304
SRC=$(cd "$(dirname "$0")/.." && pwd)
. "$SRC/tests/lib/wait.sh"
BUILD=$SRC/build
while getopts n:c:r:e:B:b: opt; do
	case $opt in
	n) N=$OPTARG ;;
	c) NCG=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	e) EVN=$OPTARG ;;
	B) EVBUF=$OPTARG ;;
	b) BUILD=$(realpath "$OPTARG") ;;
	*) sed -n '2,13p' "$0"; exit 2 ;;
	esac
done

if [ "$(id -u)" != 0 ]; then
	echo "run.sh: needs root (network namespace, conntrack table)" >&2
	exit 1
fi

# ---- outside the namespace: build, raise the limit, re-enter -----------
if [ -z "${BENCH_IN_NS:-}" ]; then
	if [ ! -x "$BUILD/bench/ctbench" ]; then
		[ -d "$BUILD" ] || meson setup "$BUILD" "$SRC" >/dev/null
		ninja -C "$BUILD" >/dev/null
	fi
	modprobe nf_conntrack_netlink 2>/dev/null || true
	max=/proc/sys/net/netfilter/nf_conntrack_max
	[ -e $max ] || { unshare -n true; modprobe nf_conntrack 2>/dev/null || true; }
	old=$(cat $max 2>/dev/null || echo 262144)
	want=$(( (N > EVN ? N : EVN) + 100000 ))
	[ "$old" -lt "$want" ] && echo "$want" > $max
	trap 'echo "$old" > '$max EXIT
	BENCH_IN_NS=1 BUILD="$BUILD" unshare -n bash "$0" "$@"
	exit $?
fi

# ---- inside the namespace --------------------------------------------
B=$BUILD/bench
OURS=$BUILD/src
REF=
for d in /usr/lib/x86_64-linux-gnu /usr/lib/*-linux-gnu /lib/*-linux-gnu /usr/lib64 /usr/lib; do
	if [ -e "$d/libnetfilter_conntrack.so.3" ]; then REF=$d; break; fi
done
CONNTRACK=$(command -v conntrack || true)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ip link set lo up
echo 1 > /proc/sys/net/netfilter/nf_conntrack_events 2>/dev/null || true

libs="ours"
[ -n "$REF" ] && libs="ours ref"
libdir() { [ "$1" = ours ] && echo "$OURS" || echo "$REF"; }

# callgrind instruction count of a whole process
cg() {
	local lib=$1; shift
	LD_LIBRARY_PATH=$(libdir "$lib") valgrind --tool=callgrind \
		--callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# "name ours ref target" -> a table line with the ratio and the verdict
VERDICTS=$T/verdicts
row() {
	local name=$1 ours=$2 ref=$3 target=${4:-} unit=${5:-}
	awk -v n="$name" -v o="$ours" -v r="$ref" -v t="$target" -v u="$unit" -v f="$VERDICTS" 'BEGIN {
		if (r == "" || r == 0) { printf "  %-34s %12.6g %12s %8s\n", n, o, "-", "-"; exit }
		ratio = o / r; v = ""
		if (t != "") { v = (ratio <= t) ? "met" : "NOT MET"; printf("%s: %s (%.3f, target <= %s)\n", n, v, ratio, t) >> f }
		printf "  %-34s %12.6g %12.6g %8.3f  %s%s\n", n, o, r, ratio, t != "" ? "target <= " t " " : "", v
	}'
}

echo "libnetfilter_conntrack benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)"
echo "ours: $OURS   reference: ${REF:-(not installed)}"
echo

# ---- (2) callgrind per entry, (5) objects -------------------------------
"$B/ctfill" fill "$NCG" 2>"$T/fill.log" || { cat "$T/fill.log"; exit 1; }
have=$("$B/rawdump")
[ "$have" = "$NCG" ] || { echo "table has $have entries, wanted $NCG" >&2; exit 1; }

if command -v valgrind >/dev/null; then
	echo "(2) user-space instructions per entry, callgrind, whole process, $NCG entries"
	printf "  %-34s %12s %12s %8s\n" "" ours reference ratio
	for m in count mnl plain xml; do
		for l in $libs; do
			echo $(( $(cg $l "$B/ctbench" $m) )) > "$T/cg.$m.$l"
		done
	done
	per() { awk -v a="$(cat "$T/cg.$1.$2")" -v b="${3:-0}" -v n="$NCG" 'BEGIN { print (a - b) / n }'; }
	rv() { [ -n "$REF" ] && per "$@" || true; }
	row "nfct_query dump, counting" "$(per count ours)" "$(rv count ref)" 0.2
	row "libmnl + nfct_nlmsg_parse" "$(per mnl ours)" "$(rv mnl ref)" 0.2
	row "nfct_snprintf default (net)" "$(per plain ours "$(cat $T/cg.count.ours)")" \
		"$([ -n "$REF" ] && per plain ref "$(cat $T/cg.count.ref)")" 0.2
	row "nfct_snprintf XML (net)" "$(per xml ours "$(cat $T/cg.count.ours)")" \
		"$([ -n "$REF" ] && per xml ref "$(cat $T/cg.count.ref)")" 0.2
	echo "  (net: the dump with nfct_snprintf on every entry minus the counted dump)"
	echo

	echo "(5) objects: user-space instructions per operation, callgrind"
	echo "  (information, not targets: a per-call trick stays only where the"
	echo "  dump, format and conntrack -L figures above show it)"
	printf "  %-34s %12s %12s %8s\n" "" ours reference ratio
	for op in new copy cmp set get setloop getloop getunset getunsetloop; do
		iters=20000
		case $op in set*|get*) iters=2000 ;; esac
		calls=$("$B/ctbench" calls $op)
		for l in $libs; do
			a=$(cg $l "$B/ctbench" obj $op $iters)
			z=$(cg $l "$B/ctbench" obj $op 0)
			awk -v a="$a" -v z="$z" -v n=$((iters * calls)) 'BEGIN { print (a - z) / n }' > "$T/obj.$op.$l"
		done
	done
	rr() { [ -n "$REF" ] && cat "$T/obj.$1.ref" || true; }
	row "nfct_new + nfct_destroy" "$(cat $T/obj.new.ours)" "$(rr new)"
	row "nfct_copy (NFCT_CP_OVERRIDE)" "$(cat $T/obj.copy.ours)" "$(rr copy)"
	row "nfct_cmp (NFCT_CMP_ALL, equal)" "$(cat $T/obj.cmp.ours)" "$(rr cmp)"
	# set/get: the caller's loop (a call of a function that does
	# nothing, same on both sides) is a third of the count; the target
	# is on the library's part, the row with the loop is shown too
	net() { awk -v a="$(cat "$T/obj.$1.$2")" -v b="$(cat "$T/obj.${1}loop.$2")" 'BEGIN { print a - b }'; }
	rn() { [ -n "$REF" ] && net "$1" ref || true; }
	row "nfct_set_attr, with caller's loop" "$(cat $T/obj.set.ours)" "$(rr set)"
	row "nfct_set_attr, library's part" "$(net set ours)" "$(rn set)"
	row "nfct_get_attr, with caller's loop" "$(cat $T/obj.get.ours)" "$(rr get)"
	row "nfct_get_attr, library's part" "$(net get ours)" "$(rn get)"
	# unset attributes (the ENODATA path) measured apart from set ones
	row "nfct_get_attr unset, lib's part" "$(net getunset ours)" "$(rn getunset)"
else
	echo "(2), (5): valgrind not installed, callgrind counts skipped"
fi
ms_ours=$(LD_LIBRARY_PATH=$OURS "$B/ctbench" maxsize)
ms_ref=$([ -n "$REF" ] && LD_LIBRARY_PATH=$REF "$B/ctbench" maxsize || echo "")
row "nfct_maxsize() bytes" "$ms_ours" "$ms_ref" 1
echo

if [ -n "$CONNTRACK" ]; then
	for l in $libs; do
		LD_LIBRARY_PATH=$(libdir $l) "$B/timeit" "$T/rss.small.$l" \
			sh -c "'$CONNTRACK' -L >/dev/null 2>&1"
	done
fi

# ---- (1) and (3): wall time on N entries --------------------------------
"$B/ctfill" fill $((N - NCG)) "$NCG" 2>"$T/fill.log" || { cat "$T/fill.log"; exit 1; }
sed 's/^ctfill: /filled: /' "$T/fill.log"
have=$("$B/rawdump")
[ "$have" = "$N" ] || { echo "table has $have entries, wanted $N" >&2; exit 1; }

echo "(1, 3) wall time, $N entries, median of $ROUNDS alternating rounds (seconds)"
runs="raw count.ours"
[ -n "$REF" ] && runs="$runs count.ref"
[ -n "$CONNTRACK" ] && for l in $libs; do runs="$runs ctl.$l"; done
for r in $(seq "$ROUNDS"); do
	# rotate the order every round so no variant always goes first
	set -- $runs
	for _ in $(seq $(( (r - 1) % $# ))); do set -- "${@:2}" "$1"; done
	for v in "$@"; do
		case $v in
		raw) "$B/timeit" "$T/t" "$B/rawdump" >/dev/null ;;
		count.*) LD_LIBRARY_PATH=$(libdir ${v#count.}) "$B/timeit" "$T/t" "$B/ctbench" count >/dev/null ;;
		ctl.*) LD_LIBRARY_PATH=$(libdir ${v#ctl.}) "$B/timeit" "$T/t" sh -c "'$CONNTRACK' -L >/dev/null 2>&1" ;;
		esac
		read -r wall rss st < "$T/t"
		[ "$st" = 0 ] || { echo "$v failed (exit $st)" >&2; exit 1; }
		echo "$wall" >> "$T/wall.$v"
		echo "$rss" > "$T/rss.$v"
		echo "$wall" >> "$T/round.$r.$v"
	done
done
med() { median < "$T/wall.$1"; }
# paired ratio: per round a / b, then the median
pair() { for r in $(seq "$ROUNDS"); do awk -v a="$(cat $T/round.$r.$1)" -v b="$(cat $T/round.$r.$2)" 'BEGIN { print a / b }'; done | median; }
printf "  %-34s %10s\n" "raw netlink dump (libmnl, counting)" "$(med raw)"
printf "  %-34s %10s %10s\n" "" ours reference
printf "  %-34s %10s %10s\n" "nfct_query dump, counting" "$(med count.ours)" "$([ -n "$REF" ] && med count.ref)"
printf "  %-34s %10s %10s\n" "  paired ratio to the raw dump" "$(pair count.ours raw)" "$([ -n "$REF" ] && pair count.ref raw)"
if [ -n "$CONNTRACK" ]; then
	printf "  %-34s %10s %10s\n" "conntrack -L > /dev/null" "$(med ctl.ours)" "$([ -n "$REF" ] && med ctl.ref)"
	printf "  %-34s %10s %10s\n" "  paired ratio to the raw dump" "$(pair ctl.ours raw)" "$([ -n "$REF" ] && pair ctl.ref raw)"
	row "conntrack -L / raw dump (ours)" "$(pair ctl.ours raw)" 1 1.15
	if [ -n "$REF" ]; then
		row "conntrack -L wall, ours / ref" "$(med ctl.ours)" "$(med ctl.ref)" 1
		printf "  %-34s %10s %10s\n" "  paired ratio ours / reference" "$(pair ctl.ours ctl.ref)" ""
		row "nfct_query dump wall, ours / ref" "$(med count.ours)" "$(med count.ref)" 1
	fi
	echo "  peak RSS of conntrack -L (KiB):"
	for l in $libs; do
		printf "  %-34s %10s %10s\n" "  $l: $NCG / $N entries" "$(cut -d' ' -f2 $T/rss.small.$l)" "$(cat $T/rss.ctl.$l)"
		awk -v s="$(cut -d' ' -f2 $T/rss.small.$l)" -v b="$(cat $T/rss.ctl.$l)" -v l=$l -v f="$VERDICTS" \
			'BEGIN { printf("conntrack -L peak RSS flat (%s): %s (%d -> %d KiB)\n", l, (b <= s * 1.1 + 512) ? "met" : "NOT MET", s, b) >> f }'
	done
fi
echo
"$B/ctfill" flush

# ---- (4) events ----------------------------------------------------------
echo "(4) events: $EVN created then flushed, listener receive buffer $EVBUF bytes"
echo "  median of $ROUNDS rounds, events received (NEW / DESTROY) of $EVN each"
for r in $(seq "$ROUNDS"); do
	for l in $libs; do
		rm -f "$T/ready"
		LD_LIBRARY_PATH=$(libdir $l) "$B/ctbench" events "$EVBUF" 1500 "$T/ready" > "$T/ev" &
		pid=$!
		wait_until "ctbench events listening ($T/ready)" test -e "$T/ready" ||
			exit 1
		"$B/ctfill" fill "$EVN" 2>/dev/null
		"$B/ctfill" flush
		wait $pid
		read -r new destroy overruns < "$T/ev"
		echo "$new" >> "$T/ev.new.$l"
		echo "$destroy" >> "$T/ev.destroy.$l"
		echo "$overruns" >> "$T/ev.overruns.$l"
	done
done
printf "  %-34s %10s %10s\n" "" ours reference
for k in new destroy overruns; do
	printf "  %-34s %10s %10s\n" "$k" "$(median < $T/ev.$k.ours)" "$([ -n "$REF" ] && median < $T/ev.$k.ref)"
done
if [ -n "$REF" ]; then
	for k in new destroy; do
		awk -v o="$(median < $T/ev.$k.ours)" -v r="$(median < $T/ev.$k.ref)" -v k=$k -v f="$VERDICTS" \
			'BEGIN { printf("events %s received, no more loss than the reference: %s (%d vs %d)\n", k, (o >= r) ? "met" : "NOT MET", o, r) >> f }'
	done
fi
echo

echo "targets:"
sed 's/^/  /' "$VERDICTS"
