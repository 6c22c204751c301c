#!/bin/bash
# Build the library and its example programs into ./build, then, in a
# private network namespace, drive the kernel's conntrack table with
# them: create entries, list them (with the examples and with Debian's
# conntrack(8) running on our library), update, get, filter, delete,
# flush, and show the events all that produced.
#
#   scripts/demo.sh              run everything on our library
#   scripts/demo.sh --reference  same on the installed reference library
#
# Runs as root (unshare -n) or, failing that, in a user namespace
# (unshare -rn). The host's conntrack table is never touched.
# BUILD=dir overrides the build directory.
set -euo pipefail

cd "$(dirname "$0")/.."
# conntrack, sysctl and ip live in sbin, often not in a user's PATH
export PATH=$PATH:/usr/sbin:/sbin
build=$(realpath -m "${BUILD:-build}")

step() { printf '\n==> %s\n' "$*"; }

# ---- outside: build, then re-enter this script in a new netns --------

if [ -z "${DEMO_IN_NETNS:-}" ]; then
	libdir=$build/src
	if [ "${1:-}" = --reference ]; then
		libdir=$(dirname "$(ldconfig -p | awk '/libnetfilter_conntrack\.so\.3 /{print $NF; exit}')")
	fi
	# Install what is missing only when we can; the build says what lacks.
	if [ "$(id -u)" -eq 0 ]; then
		scripts/ensure-deps.sh
	fi
	step "building into $build"
	[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
	# Only the library and the examples: the demo needs no test programs.
	targets=()
	for f in utils/conntrack_*.c; do
		targets+=("utils/$(basename "$f" .c)")
	done
	ninja -C "$build" "${targets[@]}"

	step "entering a private network namespace"
	export DEMO_IN_NETNS=1 DEMO_LIBDIR=$libdir
	export DEMO_HOST_NETNS=$(readlink /proc/self/ns/net)
	if [ "$(id -u)" -eq 0 ]; then
		exec unshare -n "$0" "$@"
	fi
	exec unshare -rn "$0" "$@"
fi

# ---- inside the private namespace ------------------------------------

# Never run the rest in the host's namespace.
if [ "$(readlink /proc/self/ns/net)" = "$DEMO_HOST_NETNS" ]; then
	echo "error: still in the host network namespace, stopping" >&2
	exit 1
fi
ip link set lo up
sysctl -qw net.netfilter.nf_conntrack_events=1

# Every program below (examples and conntrack(8)) loads this library.
export LD_LIBRARY_PATH=$DEMO_LIBDIR
echo "library: $(realpath "$DEMO_LIBDIR"/libnetfilter_conntrack.so.3)"
ex=$build/utils
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

run() {
	printf '$ %s\n' "${*#$ex/}"
	"$@"
}

step "listening for events (conntrack_events and conntrack -E)"
"$ex/conntrack_events" -t 60 >"$tmp/events" 2>&1 &
pids+=($!)
conntrack -E >"$tmp/conntrack-E" 2>&1 &
pids+=($!)
# Wait until both listen so no event is missed: the example prints
# "listening", conntrack -E blocks in its receive, subscribed.
. tests/lib/wait.sh
wait_for_line "$tmp/events" listening "conntrack_events listening"
wait_until "conntrack -E listening" nl_listener_ready "${pids[-1]}" 2

step "creating entries"
run "$ex/conntrack_create"
run "$ex/conntrack_grp_create" 3.3.3.3 4.4.4.4 30 40
run "$ex/conntrack_create_nat" 5.5.5.5 6.6.6.6 50 60

step "listing them"
run "$ex/conntrack_dump"
run conntrack -L

step "updating and reading one back"
run "$ex/conntrack_update" -m 7 -t 500
run "$ex/conntrack_get"

step "kernel-side filtered dumps"
run "$ex/conntrack_dump_filter" -m 7
run "$ex/conntrack_dump_filter" -6

step "deleting one"
run "$ex/conntrack_delete"
run conntrack -L

step "flushing the table"
run "$ex/conntrack_flush"
run conntrack -L

# Both have printed every event once their sockets are drained and
# they wait for more.
for p in "${pids[@]: -2}"; do
	wait_until "the listeners to read their events" nl_listener_idle "$p"
done
step "events seen by conntrack_events"
cat "$tmp/events"
step "events seen by conntrack -E"
cat "$tmp/conntrack-E"

step "demo done (library: $DEMO_LIBDIR)"
