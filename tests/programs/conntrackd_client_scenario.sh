# conntrackd's client commands against two daemons in FTFW sync mode with
# expectation sync (node A in the current private namespace, node B in a
# second one, a veth pair between them): XML cache dumps (-x), the
# expectation caches (ftp helper over loopback), statistics, commit of
# expectations, -t, -f, -R, -B, -n, -F. Volatile fields (ids, ports,
# times, pids, traffic counters) are normalised by the caller.
#   conntrackd_client_scenario.sh DIR TOOLDIR
set -u
d=$1 tooldir=$2 mode=FTFW transport=UDP
sync_options='Options {
		ExpectationSync {
			ftp
		}
	}'
. "$(dirname "$0")/conntrackd_sync_setup.sh"
start_nodes
# the daemon really runs on the library under test
dpid=$(pgrep -f "conntrackd -C $d/A.conf" | tail -1)
grep -q " ${LD_LIBRARY_PATH%/}/libnetfilter_conntrack" /proc/$dpid/maps &&
	echo "library: from LD_LIBRARY_PATH"
ct() { conntrack "$@" 2>&1; }
nft -f "$tooldir/ftp_helper.nft"
ct -I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state ESTABLISHED -t 100 -u SEEN_REPLY -m 3
ct -I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 100
ct -I -s 2001:db8::1 -d 2001:db8::2 -p tcp --sport 1000 --dport 22 --state ESTABLISHED -t 100 -u SEEN_REPLY
python3 "$tooldir/traffic.py" ftp 127.0.0.1 40100 40002 >"$d/ftp.out" 2>&1 </dev/null &
fpid=$!
wait_for_line "$d/ftp.out" '^ready$' "the ftp session's expectation (traffic.py ready)" || exit 1
# Each step waits for the caches to show what it reads: here the four
# flows (three by hand, the ftp control session) and the expectation
# in A's internal caches and B's external ones.
ai() { conntrackd -C "$d/A.conf" -i "$@"; }
be() { inb conntrackd -C "$d/B.conf" -e "$@"; }
wait_until "4 flows in A's internal cache" count_is 4 ai || exit 1
wait_until "the expectation in A's internal cache" count_is 1 ai expect || exit 1
wait_until "4 flows in B's external cache" count_is 4 be || exit 1
wait_until "the expectation in B's external cache" count_is 1 be expect || exit 1
# remaining timeouts tick; the daemons' own traffic counters depend on
# their keep-alive timers
norm() { sed -E 's/^([a-z0-9]+ +[0-9]+) [0-9]+ /\1 T /; s/^[0-9]+ proto/T proto/' | grep -vE 'Pckts|Bytes'; }
for cmd in "-i -x" "-e -x" "-i expect" "-e expect" "-i expect -x" "-e expect -x" "-s ct" "-s expect" "-s cache" "-s runtime"; do
  echo "== A $cmd"; conntrackd -C "$d/A.conf" $cmd 2>&1 | norm | sort
  echo "== B $cmd"; inb conntrackd -C "$d/B.conf" $cmd 2>&1 | norm | sort
done
echo "== B commit expect"; inb conntrackd -C "$d/B.conf" -c expect 2>&1 | norm
wait_for_line "$d/B.log" 'commit has taken' "B's commit to end (its log)" || exit 1
inb conntrack -L expect 2>&1 | norm | sort
echo "== A -t"; conntrackd -C "$d/A.conf" -t 2>&1 | norm
ct -L | norm | sort
echo "== A -f internal"; conntrackd -C "$d/A.conf" -f internal 2>&1 | norm
conntrackd -C "$d/A.conf" -i | norm | sort
echo "== A -R"; conntrackd -C "$d/A.conf" -R 2>&1 | norm
# the resync dumps the kernel table into the emptied cache
wait_until "4 flows back in A's internal cache" count_is 4 ai || exit 1
conntrackd -C "$d/A.conf" -i | norm | sort
echo "== A -R expect"; conntrackd -C "$d/A.conf" -R expect 2>&1 | norm
wait_until "the expectation in A's internal cache" count_is 1 ai expect || exit 1
conntrackd -C "$d/A.conf" -i expect | norm | sort
echo "== A -B"; conntrackd -C "$d/A.conf" -B 2>&1 | norm
echo "== B -n"; inb conntrackd -C "$d/B.conf" -n 2>&1 | norm
wait_until "4 flows in B's external cache" count_is 4 be || exit 1
inb conntrackd -C "$d/B.conf" -e | norm | sort
echo "== B -f external"; inb conntrackd -C "$d/B.conf" -f external 2>&1 | norm
inb conntrackd -C "$d/B.conf" -e | norm | sort
echo "== A -F expect"; conntrackd -C "$d/A.conf" -F expect 2>&1 | norm
wait_until "the kernel expect table flushed" count_is 0 conntrack -L expect || exit 1
ct -L expect | norm
echo "== A -F"; conntrackd -C "$d/A.conf" -F 2>&1 | norm
# the flush leaves the daemons' own sync traffic in the table, nothing
# in A's internal cache
flushed() { ! conntrack -L 2>/dev/null | grep -qE 'src=(1\.1\.1\.1|2001:db8::1|127\.0\.0\.1) '; }
wait_until "the kernel table flushed" flushed || exit 1
wait_until "A's internal cache flushed" count_is 0 ai || exit 1
# The ftp control session is still open: a packet of it may re-create
# its entry at any moment after the flush (seen on the reference), and
# that entry then reaches the caches: left out of these three reads.
noftp() { grep -vE 'sport=40100 dport=21|flow entries have been shown'; }
ct -L | norm | noftp | sort
conntrackd -C "$d/A.conf" -i | norm | noftp | sort
inb conntrackd -C "$d/B.conf" -e | norm | noftp | sort
kill $fpid 2>/dev/null
stop_nodes
