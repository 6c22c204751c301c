#!/bin/bash
# Runs Debian's libnetfilter-conntrack-dev example programs (built by
# dev_examples_diff.sh into $1 with prefix $2) against the kernel, inside
# the current private network namespace. LD_LIBRARY_PATH picks the
# library. Output is normalised where the kernel makes it vary
# (remaining timeouts, ids of events) and otherwise kept in order.
set -u
bin=$1 p=$2 tooldir=$3
. "$tooldir/../lib/wait.sh"
ex() { timeout -k 2 10 "$bin/$p$1" "${@:2}"; }
# Remaining timeouts tick while the scenario runs.
norm() {
	sed -E 's/^( *(\[[A-Z]+\] )?[a-z0-9]+ +[0-9]+) [0-9]+ /\1 T /;
		s/^( *(\[[A-Z]+\] )?)[0-9]+ proto=/\1T proto=/'
}
step() { echo "== $*"; }

ip link set lo up
sysctl -qw net.netfilter.nf_conntrack_events=1
# Labels are stored only once a rule uses them; the ftp helper makes
# expectations out of a real control session over loopback.
nft -f - <<'NFT'
table inet dev_examples {
	ct helper ftp-std { type "ftp" protocol tcp; }
	chain out { type filter hook output priority 0; tcp dport 21 ct helper set "ftp-std"; ct mark 0xdead ct label set 5; }
	chain in { type filter hook input priority 0; ct state new counter; }
}
NFT

ev=$(mktemp) xev=$(mktemp) ftpout=$(mktemp)
# The listeners are stopped by SIGINT once they have read every event
# (the timeout only bounds a hung one).
stdbuf -oL timeout -s INT 60 "$bin/${p}nfct-mnl-event" > "$ev" 2>&1 &
evpid=$!
stdbuf -oL timeout -s INT 60 "$bin/${p}nfexp-mnl-event" > "$xev" 2>&1 &
xevpid=$!
wait_until "nfct-mnl-event listening" nl_listener_ready $evpid 2 || exit 1
wait_until "nfexp-mnl-event listening" nl_listener_ready $xevpid 2 || exit 1

step create; ex nfct-mnl-create; echo "rc=$?"
step create again; ex nfct-mnl-create; echo "rc=$?"
conntrack -I -p udp -s 10.0.0.1 -d 10.0.0.2 --sport 5 --dport 6 -t 100 -m 7 >/dev/null 2>&1
conntrack -I -p udp -s 2001:db8::1 -d 2001:db8::2 --sport 5 --dport 6 -t 100 >/dev/null 2>&1
step get; ex nfct-mnl-get | norm; echo "rc=${PIPESTATUS[0]}"
step dump; ex nfct-mnl-dump | norm | sort; echo "rc=${PIPESTATUS[0]}"
for l in 3 5 127 -1 2 0; do
	step set-label $l; ex nfct-mnl-set-label $l | norm | sort; echo "rc=${PIPESTATUS[0]}"
	step dump-labels; ex nfct-mnl-dump-labels | norm | sort; echo "rc=${PIPESTATUS[0]}"
done
step set-label no argument; ex nfct-mnl-set-label; echo "rc=$?"
step del; ex nfct-mnl-del; echo "rc=$?"
step del again; ex nfct-mnl-del; echo "rc=$?"
step get after del; ex nfct-mnl-get; echo "rc=$?"

python3 "$tooldir/traffic.py" ftp 127.0.0.1 40100 40002 >"$ftpout" 2>&1 </dev/null &
ftppid=$!
wait_for_line "$ftpout" '^ready$' "the ftp session's expectation (traffic.py ready)" || exit 1
step expectation dump; ex nfexp-mnl-dump | norm | sort; echo "rc=${PIPESTATUS[0]}"
kill $ftppid 2>/dev/null
wait $ftppid 2>/dev/null
step dump before flush; ex nfct-mnl-dump | grep -c . ; echo "rc=${PIPESTATUS[0]}"
step flush; ex nfct-mnl-flush; echo "rc=$?"
step dump after flush; ex nfct-mnl-dump | norm | sort; echo "rc=${PIPESTATUS[0]}"
wait_until "nfct-mnl-event to read its events" nl_listener_idle $evpid || exit 1
wait_until "nfexp-mnl-event to read its events" nl_listener_idle $xevpid || exit 1
kill -INT $evpid $xevpid
wait $evpid $xevpid
# Events of the same kind may interleave differently per run only where
# the kernel reorders them; ours and the reference see the same stream.
# The ftp control connection's own state changes depend on how the
# sockets close when its process is killed: left out.
step conntrack events; norm < "$ev" | grep -v 'sport=40100 dport=21' | sort
step expectation events; norm < "$xev" | sort
rm -f "$ev" "$xev" "$ftpout"
