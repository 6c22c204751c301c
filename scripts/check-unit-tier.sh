#!/bin/bash
# The quick tier as a new contributor meets it: `meson test --suite unit`
# must pass as an unprivileged user (nobody), without network namespaces
# and on a machine without the reference library (Debian's
# libnetfilter-conntrack3). Also: the library alone builds on a machine
# without cmocka (`meson setup && ninja`, tests left out by -Dtests=auto).
#
#   scripts/check-unit-tier.sh (as root: it builds a private mount
#   namespace to hide the packages)
#
# The reference and cmocka's development files are hidden by bind-mounting
# an empty file over them in a private mount namespace (unshare -m): the
# host is not changed. The build directories are in /tmp (nobody must
# read them), removed at the end unless KEEP=1.
set -euo pipefail

cd "$(dirname "$0")/.."
src=$PWD
if [ "$(id -u)" -ne 0 ]; then
	echo "error: run as root (private mount namespace, then nobody)" >&2
	exit 1
fi

ref=$(ls /usr/lib/*-linux-gnu/libnetfilter_conntrack.so.3 2>/dev/null | head -1 || true)
# Every file of the cmocka development package (pkg-config file, CMake
# config, headers, link library): meson finds it through either.
cmocka_files=$(dpkg -L libcmocka-dev 2>/dev/null |
	while read -r f; do [ -f "$f" ] && echo "$f"; done || true)

tmp=$(mktemp -d /tmp/nfct-tier.XXXXXX)
chmod 755 "$tmp"
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
: >"$tmp/empty"
chmod 644 "$tmp/empty"
# nobody must read the sources too.
mkdir "$tmp/src"
tar -C "$src" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$tmp/src" -xf -
chmod -R a+rX "$tmp/src"
install -d -o nobody -g nogroup "$tmp/run"

# hide FILE...: the commands after run with each FILE replaced by an
# empty one (only in this private mount namespace).
hide_script='
for f in $HIDE; do mount --bind "$EMPTY" "$f"; done
exec "$@"'

echo "==> unit tier: reference hidden (${ref:-not installed}), as nobody"
HIDE="$ref" EMPTY="$tmp/empty" unshare -m --propagation private \
	sh -c "$hide_script" sh env -u CI setpriv --reuid nobody --regid nogroup --clear-groups \
	sh -c "cd '$tmp/src' && meson setup '$tmp/run/build' >'$tmp/run/setup.log' 2>&1 ||
		{ cat '$tmp/run/setup.log'; exit 1; }
		grep -q 'reference library (oracle).*missing' '$tmp/run/setup.log' ||
			{ echo 'error: meson still found the reference' >&2; exit 1; }
		ninja -C '$tmp/run/build' >/dev/null &&
		meson test -C '$tmp/run/build' --suite unit --print-errorlogs"

echo "==> library alone: cmocka hidden ($(echo $cmocka_files | wc -w) files of libcmocka-dev)"
HIDE="$cmocka_files" EMPTY="$tmp/empty" unshare -m --propagation private \
	sh -c "$hide_script" sh sh -c "cd '$tmp/src' &&
		meson setup '$tmp/lib' >'$tmp/lib-setup.log' 2>&1 ||
			{ cat '$tmp/lib-setup.log'; exit 1; }
		grep -q 'cmocka not found' '$tmp/lib-setup.log' ||
			{ echo 'error: meson still found cmocka' >&2; exit 1; }
		ninja -C '$tmp/lib' >/dev/null &&
		test -e '$tmp/lib/src/libnetfilter_conntrack.so.3' &&
		! grep -q nfct_test '$tmp/lib/build.ninja'"
echo "unit tier and library-only build: OK"
