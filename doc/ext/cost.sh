#!/bin/sh
# The measured costs quoted by doc/ext/stats.md and doc/ext/netns.md.
# Run as root from the top of the tree after a build:
#
#   doc/ext/cost.sh [BUILDDIR]        (default: build)
#
# It re-runs itself in a private network namespace (the host's table is
# never touched), fills the table with 100 000 entries and prints the
# time of each way to get the same answer, the library calls timed in
# one process over many calls (python3 ctypes on BUILDDIR's library).
set -eu
B=${1:-build}
if [ -z "${NFCT_COST_INNER:-}" ]; then
	NFCT_COST_INNER=1 exec unshare -n "$0" "$B"
fi
ip link set lo up
"$B/bench/ctfill" fill 100000 >/dev/null 2>&1
LIB="$B/src/libnetfilter_conntrack.so.3" python3 - <<'PY'
import ctypes, os, time
lib = ctypes.CDLL(os.environ['LIB'], use_errno=True)
lib.nfct_open.restype = ctypes.c_void_p
lib.nfct_ext_open_netns_path.restype = ctypes.c_void_p
lib.nfct_close.argtypes = [ctypes.c_void_p]
lib.nfct_ext_stats_count.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
lib.nfct_ext_stats_cpu.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint]

def per_call(fn, n):
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t) / n * 1e6

CONNTRACK = 1
h = lib.nfct_open(0, 0)
entries, mx = ctypes.c_uint32(), ctypes.c_uint32()
assert lib.nfct_ext_stats_count(h, ctypes.byref(entries), ctypes.byref(mx)) == 0
buf = ctypes.create_string_buffer(1024 * 64)   # 1024 structs of 16 u32
ncpu = lib.nfct_ext_stats_cpu(h, buf, 1024)
print('table: %u entries, %d CPUs' % (entries.value, ncpu))
print('nfct_ext_stats_count: %8.1f us per call' % per_call(
    lambda: lib.nfct_ext_stats_count(h, None, None), 2000))
print('nfct_ext_stats_cpu:   %8.1f us per call' % per_call(
    lambda: lib.nfct_ext_stats_cpu(h, buf, 1024), 2000))
lib.nfct_close(h)

def open_close(opener):
    def f():
        x = opener()
        assert x
        lib.nfct_close(x)
    return f
print('nfct_open + nfct_close:                     %8.1f us per call' %
      per_call(open_close(lambda: lib.nfct_open(CONNTRACK, 0)), 2000))
print('nfct_ext_open_netns_path + nfct_close:      %8.1f us per call' %
      per_call(open_close(lambda: lib.nfct_ext_open_netns_path(
          b'/proc/self/ns/net', CONNTRACK, 0)), 2000))
PY
# counting by dumping the table (what a program without the statistics
# request does), through another namespace's handle
t0=$(date +%s%N)
"$B/utils/ext_netns" -c /proc/self/ns/net >/dev/null
t1=$(date +%s%N)
"$B/utils/ext_stats" >/dev/null
t2=$(date +%s%N)
echo "ext_netns -c (a dump of 100000 entries): $(( (t1 - t0) / 1000000 )) ms per run"
echo "ext_stats (count and per-CPU counters):  $(( (t2 - t1) / 1000000 )) ms per run"
