# Sourced by every generated scenario script (see tool_diff.c). Runs as
# root inside a fresh network + mount namespace, pinned to one CPU so the
# per-CPU counters of -S are deterministic. LD_LIBRARY_PATH selects the
# libnetfilter_conntrack under test; it is harmless for the other tools.

set -u
TOOLDIR=${TOOLDIR:?}
NORM="$TOOLDIR/normalize.sed"
. "$TOOLDIR/../lib/wait.sh"
T=$(mktemp -d /tmp/ct-tool.XXXXXX)
BGPIDS=
trap 'kill $BGPIDS 2>/dev/null; umount /etc 2>/dev/null; rm -rf "$T"' EXIT

ip link set lo up
echo 1 > /proc/sys/net/netfilter/nf_conntrack_events

# conntrack(8) finds its label names in /etc/xtables/connlabel.conf (a
# path compiled into the library) and Debian ships none: overlay /etc in
# our private mount namespace, so the host is untouched.
mkdir -p "$T/up/xtables" "$T/work"
cp "$TOOLDIR/connlabel.conf" "$T/up/xtables/connlabel.conf"
mount -t overlay overlay \
	-o "lowerdir=/etc,upperdir=$T/up,workdir=$T/work" /etc ||
	echo "prelude: cannot overlay /etc, label scenarios will differ" >&2

# Every conntrack run is bounded, so a hanging library shows up as a
# difference (exit 124) instead of a stuck test.
conntrack() { timeout -k 2 20 /usr/sbin/conntrack "$@"; }

# Conntrack hooks are registered per namespace only once a rule needs
# them: real traffic is tracked only after this.
ct_hooks() {
	nft -f - <<'NFT'
table inet cttest {
	chain out { type filter hook output priority 0; ct state new counter; }
	chain in { type filter hook input priority 0; ct state new counter; }
}
NFT
}

# Labels are stored only once a rule in the namespace uses them.
ct_label_rule() {
	nft -f - <<'NFT'
table inet ctlabel {
	chain out { type filter hook output priority 10; ct mark 0xdead ct label set 5; }
}
NFT
}

traffic() { python3 "$TOOLDIR/traffic.py" "$@"; }

# An FTP control session through the ftp helper, held open in the
# background (its output must not keep our stdout pipe open). The helper
# has created its expectation once the PORT/EPRT command was answered:
# traffic.py then prints "ready" (the scenario goes on only after that,
# or stops: its remaining sections are then missing and the test fails).
ct_ftp_helper() {
	nft -f "$TOOLDIR/ftp_helper.nft"
}
FTPN=0
ftp_start() {
	FTPN=$((FTPN + 1))
	python3 "$TOOLDIR/traffic.py" ftp "$@" >"$T/ftp.$FTPN" 2>&1 </dev/null &
	BGPIDS="$BGPIDS $!"
	wait_for_line "$T/ftp.$FTPN" '^ready$' "ftp session $* (traffic.py ready)" ||
		exit 1
}

# Event listener in the background, stopped deterministically by SIGINT
# (conntrack then prints its summary and exits 0). conntrack -E prints no
# ready line: it is listening once it has subscribed and blocks in its
# receive, and it has printed every event once its socket's queue is
# empty and it blocks again (SIGINT would drop what is still queued).
ev_start() {
	timeout -k 2 -s INT 30 /usr/sbin/conntrack -E "$@" \
		>"$T/ev.o" 2>"$T/ev.e" &
	EVPID=$!
	wait_until "conntrack -E $* listening" nl_listener_ready "$EVPID" ||
		exit 1
}
ev_stop() {
	wait_until "conntrack -E to read its events" nl_listener_idle "$EVPID" ||
		exit 1
	kill -INT "$EVPID" 2>/dev/null
	wait "$EVPID"
	evrc=$?
	cat "$T/ev.o"
	cat "$T/ev.e" >&2
	return $evrc
}

# Section markers parsed by tool_diff.c. Output order of a dump depends
# on the per-namespace hash, so stdout is sorted unless asked not to.
__begin() { printf '@@@CMD %s@@@\n' "$1"; }
__end() {
	__rc=$1
	if [ "$2" = sort ]; then
		sed -E -f "$NORM" "$T/o" | LC_ALL=C sort
	else
		sed -E -f "$NORM" "$T/o"
	fi
	printf '\n@@@ERR@@@\n'
	sed -E -f "$NORM" "$T/e"
	printf '\n@@@RC %d@@@\n' "$__rc"
}
