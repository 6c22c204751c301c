#!/bin/sh
# Extension benchmark: bulk delete and mirror resync figures,
# then mirror build against one dump for several table shapes.
# Usage (as root): bench/ext_bench.sh [builddir] [mirror | ENTRIES]
#   (default builddir ./build; "mirror": the mirror figures alone;
#   ENTRIES: the delete benchmark's table size, default 1000000)
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
out=$(mktemp /tmp/ext_bench.XXXXXX)
trap 'rm -f "$out"' EXIT
cc -O2 -Wall -Wextra -I"$top/include" -I"$top/tests/ext" "$top/bench/ext_bench.c" \
	-L"$build/src" -Wl,-rpath,"$build/src" -lnetfilter_conntrack -o "$out"
"$out" ${2:-}
