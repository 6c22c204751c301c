#!/bin/bash
# Install what is missing, build warning-free into ./build and run the
# whole test suite. Kernel tests need root (each runs in a private
# network namespace, the host's conntrack table is never touched);
# under CI=true they fail rather than skip.
#
#   scripts/test.sh (as root) [meson test arguments, e.g. --suite examples]
#
# BUILD=dir overrides the build directory. After the plain run, unless
# QUICK=1 (or meson test arguments were given), the same suite runs:
#   - under valgrind (--leak-check=full --error-exitcode=1) on ./build,
#     wrapping only the test programs themselves: probes they start and
#     foreign binaries (Debian conntrack/conntrackd, the reference
#     library) are not traced; suites that only drive foreign binaries
#     (conntrack_tool, programs, examples) and tests that replace malloc
#     or need TSan (suite no-valgrind) are left out;
#   - built by clang with -Db_sanitize=address,undefined into
#     build-asan (ASAN_CC overrides the compiler; gcc's build above
#     already checked the warnings);
#   - and every fuzz target runs FUZZ_SECONDS (default 30) seconds
#     (fuzz/run.sh, clang libFuzzer with ASan+UBSan);
#   - and scripts/check-unit-tier.sh: the quick tier (suite 'unit') as
#     nobody without the reference library, the library without cmocka.
# Tests, docs and benchmarks are forced on (-Dtests=enabled ...): a
# missing cmocka, doxygen or reference library is an error here, while
# a plain `meson setup` leaves out what it cannot build.
set -euo pipefail

cd "$(dirname "$0")/.."
build=${BUILD:-build}

scripts/ensure-deps.sh

if [ "$(id -u)" -ne 0 ]; then
	if [ "${CI:-}" = true ]; then
		echo "error: the kernel tests must run as root in CI" >&2
		exit 1
	fi
	echo "warning: not root, kernel tests will be skipped" >&2
fi

features="-Dtests=enabled -Ddocs=enabled -Dbench=enabled"
echo "==> configuring $build"
if [ -f "$build/build.ninja" ]; then
	meson configure "$build" -Dwerror=true $features
else
	meson setup "$build" -Dwerror=true $features
fi
# Without the reference the differential suites are left out: here (and
# in CI) that is an error, not a quieter run.
if ! meson introspect --tests "$build" | grep -q '"name": "conntrack_tool"'; then
	echo "error: the reference libnetfilter_conntrack.so.3 (libnetfilter-conntrack3) was not found: the differential suites are not built" >&2
	exit 1
fi

echo "==> building"
ninja -C "$build"

echo "==> testing"
meson test -C "$build" --print-errorlogs "$@"

# Explicit arguments select a part of the suite: run only that.
if [ $# -gt 0 ] || [ "${QUICK:-}" = 1 ]; then
	exit 0
fi

echo "==> testing under valgrind"
meson test -C "$build" --print-errorlogs --timeout-multiplier 10 \
	--wrap='valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1 --quiet' \
	--no-suite conntrack_tool --no-suite programs --no-suite examples \
	--no-suite no-valgrind --no-suite bench --no-suite docs

asan=${ASAN_BUILD:-build-asan}
asan_cc=${ASAN_CC:-clang}
echo "==> configuring $asan ($asan_cc, AddressSanitizer + UndefinedBehaviorSanitizer)"
# Warnings were checked by the plain build; with sanitizers compilers add
# false positives (gcc: -Wformat-overflow, -Warray-bounds), so no
# -Werror. -Db_lundef=false: sanitized shared objects leave the runtime's
# symbols to the executable. The compiler is chosen at setup only.
if [ -f "$asan/build.ninja" ]; then
	meson configure "$asan" -Dwerror=false $features \
		-Db_sanitize=address,undefined -Db_lundef=false
else
	CC=$asan_cc meson setup "$asan" -Dwerror=false $features \
		-Db_sanitize=address,undefined -Db_lundef=false
fi
ninja -C "$asan"
echo "==> testing with sanitizers"
# Left out, as for valgrind: the suites that run foreign programs
# (Debian's, python's ctypes, the docs' commands) on the library, which
# would need the sanitizer runtime preloaded into them.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
LSAN_OPTIONS=suppressions=$PWD/tests/robust/lsan.supp:print_suppressions=0 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C "$asan" --print-errorlogs --timeout-multiplier 3 \
	--no-suite conntrack_tool --no-suite programs --no-suite examples \
	--no-suite bench --no-suite docs

echo "==> quick tier as nobody without the reference, library without cmocka"
scripts/check-unit-tier.sh

echo "==> fuzzing (${FUZZ_SECONDS:-30} s per target)"
fuzz/run.sh "${FUZZ_SECONDS:-30}"
cat "${FUZZ_BUILD:-build-fuzz}/summary.txt"

# One closing line over every stage's meson test log (plain, valgrind,
# sanitizers); a failure above has already stopped the script.
python3 - "$build/meson-logs/testlog.json" "$build/meson-logs/testlog-valgrind.json" \
	"$asan/meson-logs/testlog.json" <<'PY'
import json, sys
ok = bad = skip = 0
for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"):
            ok += 1
        elif r == "SKIP":
            skip += 1
        else:
            bad += 1
print(f"{ok} passed, {bad} failed, {skip} skipped")
PY
