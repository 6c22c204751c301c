# Two conntrackd in sync mode, node A in the current (private) network
# namespace and node B in a second one, linked by a veth pair on a
# benchmark-range subnet (198.18.0.0/24) that exists only here.  Entries
# created in A must reach B's external cache; B commits them to its
# kernel table; deletes in A drop them from B's cache.
#   conntrackd_sync_scenario.sh DIR MODE TRANSPORT
#   (MODE: FTFW, NOTRACK, ALARM; TRANSPORT: UDP, Multicast)
set -u
d=$1 mode=$2 transport=$3
. "$(dirname "$0")/conntrackd_sync_setup.sh"
# In the foreground (console mode) so timeout bounds them; their log
# files are printed at the end.
timeout 50 conntrackd -C "$d/A.conf" >/dev/null 2>&1 &
inb timeout 50 conntrackd -C "$d/B.conf" >/dev/null 2>&1 &
sleep 1.5
ct() { conntrack "$@" 2>&1; }
ct -I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state ESTABLISHED -t 100 -u SEEN_REPLY -m 3
ct -I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 11 --dport 21 --state SYN_SENT -t 100
ct -I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 100
ct -I -s 1.1.1.1 -d 2.2.2.3 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 5 -t 100
ct -I -s 10.9.9.9 -d 2.2.2.2 -p udp --sport 12 --dport 22 -t 100
ct -I -s 2001:db8::1 -d 2001:db8::2 -p tcp --sport 1000 --dport 22 --state ESTABLISHED -t 100 -u SEEN_REPLY
ct -I -s 2001:db8::9 -d 2001:db8::2 -p udp --sport 1000 --dport 22 -t 100
ct -I -s 1.1.1.1 -d 2.2.2.2 -p sctp --sport 10 --dport 20 --orig-vtag 1 --reply-vtag 2 --state ESTABLISHED -t 100
sleep 2
echo "== A internal"
conntrackd -C "$d/A.conf" -i | sort
echo "== B external"
inb conntrackd -C "$d/B.conf" -e | sort
echo "== B commit"
inb conntrackd -C "$d/B.conf" -c | sed -E 's/taken [0-9.]+ sec/taken N sec/'
sleep 0.5
echo "== B kernel"
inb conntrack -L 2>&1 | sort
echo "== A update"
ct -U -s 1.1.1.1 -p tcp --sport 10 -m 9 | sort
sleep 1
inb conntrackd -C "$d/B.conf" -e | sort
echo "== A delete"
ct -D -p udp -s 1.1.1.1 | sort
ct -D -p icmp | sort
sleep 1.5
inb conntrackd -C "$d/B.conf" -e | sort
echo "== B stats"
inb conntrackd -C "$d/B.conf" -s
echo "== A stats"
conntrackd -C "$d/A.conf" -s
stop_nodes
