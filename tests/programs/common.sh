# Shared by the *_diff.sh drivers: skip/fail policy and the two-library run.
#   . common.sh OUR_LIBDIR REF_LIBDIR
# Sets $ours, $ref, $here and a private $work directory removed on exit.
ours=$1 ref=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/wait.sh"
fail=0 pass=0
# meson sets MALLOC_PERTURB_, which makes Debian's ulogd crash at exit on
# either library (a use after free of its own); these tests judge the
# library, not the programs' heap hygiene.
unset MALLOC_PERTURB_

# need PROGRAM...: skip (77) when one is missing, but fail under CI=true,
# where scripts/packages.txt installs them.
need() {
	local p
	[ "$(id -u)" -eq 0 ] || { [ "${CI:-}" = true ] && exit 1; exit 77; }
	for p in "$@"; do
		command -v "$p" >/dev/null && continue
		[ -e "$p" ] && continue
		echo "$p missing" >&2
		[ "${CI:-}" = true ] && exit 1
		exit 77
	done
}

work=$(mktemp -d /tmp/nfct-programs.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

# compare NAME NORMALIZER COMMAND...: run COMMAND on the reference and
# on our library (each in its own fresh network namespace, COMMAND does
# the unshare), normalize both outputs with the NORMALIZER function and
# diff them.  Outputs land in $work/NAME.ref and $work/NAME.ours.
compare() {
	local name=$1 norm=$2 lib dir
	shift 2
	for lib in ref ours; do
		dir=$ref
		[ $lib = ours ] && dir=$ours
		LD_LIBRARY_PATH=$dir "$@" 2>&1 |
			sed -E 's/: line [0-9]+: +[0-9]+ /: line N: PID /' |
			$norm > "$work/$name.$lib"
	done
	# A scenario that gave up waiting for a state (wait_until in
	# tests/lib/wait.sh) proves nothing, even when both runs agree.
	if grep -h 'wait_until: timed out' "$work/$name.ref" "$work/$name.ours" >&2; then
		echo "$name: a scenario state was not reached" >&2
		fail=$((fail + 1))
	elif diff -u "$work/$name.ref" "$work/$name.ours"; then
		pass=$((pass + 1))
	else
		echo "$name differs between the reference and ours" >&2
		fail=$((fail + 1))
	fi
}

# expect NAME PATTERN: our output must contain PATTERN, so that two empty
# (broken) runs never count as agreement.
expect() {
	if grep -qE -e "$2" "$work/$1.ours"; then
		pass=$((pass + 1))
	else
		echo "$1: '$2' missing from the output" >&2
		fail=$((fail + 1))
	fi
}

finish() {
	echo "$pass passed, $fail failed"
	[ $fail -eq 0 ]
}
