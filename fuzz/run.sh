#!/bin/bash
# Build the libFuzzer targets (clang, ASan+UBSan, the library compiled
# in) and run each for a bounded time on a copy of its committed corpus.
#
#   fuzz/run.sh [seconds per target, default 60] [target ...]
#
# FUZZ_BUILD=dir sets the build directory (default build-fuzz); new
# inputs found go to $FUZZ_BUILD/corpus/<target>, crashes to
# $FUZZ_BUILD/crash/<target>. Every committed seed (fuzz/corpus) and
# regression input (fuzz/regress) is replayed first. A summary line per
# target (executions, coverage) goes to $FUZZ_BUILD/summary.txt.
# Exits non-zero if any target crashed, leaked or broke an invariant.
set -euo pipefail

cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
out=${FUZZ_BUILD:-build-fuzz}
all=(nlmsg_parse payload_parse parse_conntrack exp_parse receive ext labels snprintf build)
targets=("${@:-${all[@]}}")
[ $# -gt 0 ] && targets=("$@")

CC=${CC_FUZZ:-clang}
san=-fsanitize=address,undefined
cflags=(-g -O1 -D_GNU_SOURCE -Iinclude -fno-omit-frame-pointer
	-fno-sanitize-recover=all -Wall -Wextra -Wno-deprecated-declarations -Wno-missing-field-initializers
	$(pkg-config --cflags libmnl libnfnetlink))
# every layer folder holds headers its neighbours include
for d in src/*/; do cflags+=("-I${d%/}"); done
libs=($(pkg-config --libs libmnl libnfnetlink))

mkdir -p "$out/obj"
echo "==> building fuzzers into $out"
objs=()
for src in src/*/*.c; do
	# one object per file: the folder is part of its name (three expect.c)
	o="$out/obj/$(echo "${src#src/}" | tr / _ | sed "s/\\.c$//").o"
	$CC "${cflags[@]}" $san -fsanitize=fuzzer-no-link -c "$src" -o "$o"
	objs+=("$o")
done
for t in "${all[@]}"; do
	# fuzz_ext answers the library's socket calls itself
	wrap=()
	[ "$t" = ext ] && wrap=(-Wl,--wrap=recvmsg,--wrap=recvmmsg,--wrap=recv,--wrap=sendto,--wrap=sendmmsg)
	$CC "${cflags[@]}" $san -fsanitize=fuzzer "fuzz/fuzz_$t.c" "${objs[@]}" \
		"${libs[@]}" "${wrap[@]}" -o "$out/fuzz_$t"
done

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
: >"$out/summary.txt"
fail=0
for t in "${targets[@]}"; do
	bin="$out/fuzz_$t"
	corpus="$out/corpus/$t"
	crash="$out/crash/$t"
	mkdir -p "$corpus" "$crash"
	seeds=()
	for d in fuzz/corpus/$t fuzz/regress/$t; do
		[ -d "$d" ] && seeds+=("$d")
	done
	if [ ${#seeds[@]} -gt 0 ]; then
		echo "==> $t: replaying committed inputs"
		if ! "$bin" -runs=0 -artifact_prefix="$crash/" "${seeds[@]}" \
			>"$out/$t.replay.log" 2>&1; then
			tail -40 "$out/$t.replay.log"
			echo "FAIL $t: a committed input fails" | tee -a "$out/summary.txt"
			fail=1
			continue
		fi
	fi
	[ "$secs" -gt 0 ] || continue
	echo "==> $t: fuzzing for ${secs}s"
	if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=8192 -print_final_stats=1 -artifact_prefix="$crash/" \
		"$corpus" "${seeds[@]}" >"$out/$t.log" 2>&1; then
		tail -60 "$out/$t.log"
		echo "FAIL $t: see $out/$t.log and $crash/" | tee -a "$out/summary.txt"
		fail=1
		continue
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$out/$t.log" | tail -1)
	echo "ok $t: $execs executions in ${secs}s, $cov" | tee -a "$out/summary.txt"
done
exit $fail
