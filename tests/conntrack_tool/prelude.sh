# Sourced by every generated scenario script (see tool_diff.c). Runs as
# root inside a fresh network + mount namespace, pinned to one CPU so the
# per-CPU counters of -S are deterministic. LD_LIBRARY_PATH selects the
# libnetfilter_conntrack under test; it is harmless for the other tools.

set -u
TOOLDIR=${TOOLDIR:?}
NORM="$TOOLDIR/normalize.sed"
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
# background (its output must not keep our stdout pipe open).
ct_ftp_helper() {
	nft -f "$TOOLDIR/ftp_helper.nft"
}
ftp_start() {
	python3 "$TOOLDIR/traffic.py" ftp "$@" >/dev/null 2>&1 </dev/null &
	BGPIDS="$BGPIDS $!"
	sleep 0.5
}

# Event listener in the background, stopped deterministically by SIGINT
# (conntrack then prints its summary and exits 0).
ev_start() {
	timeout -k 2 -s INT 30 /usr/sbin/conntrack -E "$@" \
		>"$T/ev.o" 2>"$T/ev.e" &
	EVPID=$!
	sleep 0.5
}
ev_stop() {
	sleep 0.3
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
