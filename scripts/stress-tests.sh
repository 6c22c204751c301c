#!/bin/bash
# Stress check for the tests themselves: the kernel and programs suites
# run ROUNDS times (default 5) in a row under `meson test
# --num-processes 4` while two CPU-bound processes compete for the CPUs.
# A test that waits for the state it needs passes every round; one that
# guesses a delay fails some. Prints the failures per test and exits 1
# unless every round passed.
#
#   scripts/stress-tests.sh (as root) [meson test arguments]
#
# Without arguments it runs the suites that talk to the kernel or drive
# Debian's programs: $SUITES (see below). With arguments (e.g. --suite
# programs, or a test name) it runs those instead: the way to check one
# suite while fixing it. BUILD=dir selects the build directory (default
# build, which scripts/test.sh makes).
set -euo pipefail

cd "$(dirname "$0")/.."
build=${BUILD:-build}
rounds=${ROUNDS:-5}
SUITES=${SUITES:-"conntrack_tool programs query bsf ext expect examples codec"}
[ -f "$build/build.ninja" ] || {
	echo "error: no build in $build (run scripts/test.sh first)" >&2
	exit 1
}
[ "$(id -u)" -eq 0 ] || echo "warning: not root, kernel tests will skip" >&2

if [ $# -eq 0 ]; then
	for s in $SUITES; do set -- "$@" --suite "$s"; done
fi

# Two busy loops at normal priority, for as long as the check runs.
hogs=
for i in 1 2; do
	sh -c 'while :; do :; done' &
	hogs="$hogs $!"
done
trap 'kill $hogs 2>/dev/null' EXIT

ninja -C "$build" >/dev/null
logs=$(mktemp -d /tmp/nfct-stress.XXXXXX)
passed_rounds=0
for r in $(seq 1 "$rounds"); do
	echo "==> round $r/$rounds: meson test --num-processes 4 $*"
	if meson test -C "$build" --num-processes 4 --print-errorlogs \
		--logbase "stress-$r" "$@" >"$logs/round-$r.txt" 2>&1; then
		passed_rounds=$((passed_rounds + 1))
	fi
	grep -E '^(Ok|Fail|Timeout|Skipped):' "$logs/round-$r.txt" | tr -s ' \n' ' '
	echo
	cp "$build/meson-logs/stress-$r.json" "$logs/"
done

# Per test: in how many rounds it failed (any result but OK, SKIP and
# EXPECTEDFAIL), over every round.
python3 - "$rounds" "$logs"/stress-*.json <<'PY'
import json, sys
rounds = int(sys.argv[1])
fails, seen = {}, {}
for path in sys.argv[2:]:
    for line in open(path):
        t = json.loads(line)
        name = t["name"]
        seen[name] = seen.get(name, 0) + 1
        if t["result"] not in ("OK", "SKIP", "EXPECTEDFAIL"):
            fails.setdefault(name, []).append(t["result"])
print(f"{len(seen)} tests, {rounds} rounds")
for name in sorted(seen):
    f = fails.get(name, [])
    print(f"  {name:40s} {seen[name] - len(f)}/{seen[name]} passed"
          + (f"  ({', '.join(f)})" if f else ""))
PY
echo "rounds passed: $passed_rounds/$rounds (logs in $logs)"
[ "$passed_rounds" -eq "$rounds" ]
