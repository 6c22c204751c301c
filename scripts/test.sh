#!/bin/bash
# Install what is missing, build warning-free into ./build and run the
# whole test suite. Kernel tests need root (each runs in a private
# network namespace, the host's conntrack table is never touched);
# under CI=true they fail rather than skip.
#
#   sudo scripts/test.sh [meson test arguments, e.g. --suite examples]
#
# BUILD=dir overrides the build directory.
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

echo "==> configuring $build"
if [ -f "$build/build.ninja" ]; then
	meson configure "$build" -Dwerror=true -Dtests=true
else
	meson setup "$build" -Dwerror=true -Dtests=true
fi

echo "==> building"
ninja -C "$build"

echo "==> testing"
meson test -C "$build" --print-errorlogs "$@"
