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
start_nodes
ct() { conntrack "$@" 2>&1; }
# What the filter lets through (see conntrackd_sync_setup.sh): the
# ESTABLISHED tcp, the udp and the icmp entry from 1.1.1.1 and the
# ESTABLISHED tcp from 2001:db8::1; each step waits for B's external
# cache (or kernel table) to show the outcome, then reads it.
aint() { conntrackd -C "$d/A.conf" -i; }
bext() { inb conntrackd -C "$d/B.conf" -e; }
ct -I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state ESTABLISHED -t 100 -u SEEN_REPLY -m 3
ct -I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 11 --dport 21 --state SYN_SENT -t 100
ct -I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 100
ct -I -s 1.1.1.1 -d 2.2.2.3 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 5 -t 100
ct -I -s 10.9.9.9 -d 2.2.2.2 -p udp --sport 12 --dport 22 -t 100
ct -I -s 2001:db8::1 -d 2001:db8::2 -p tcp --sport 1000 --dport 22 --state ESTABLISHED -t 100 -u SEEN_REPLY
ct -I -s 2001:db8::9 -d 2001:db8::2 -p udp --sport 1000 --dport 22 -t 100
ct -I -s 1.1.1.1 -d 2.2.2.2 -p sctp --sport 10 --dport 20 --orig-vtag 1 --reply-vtag 2 --state ESTABLISHED -t 100
wait_until "4 entries in A's internal cache" count_is 4 aint || exit 1
wait_until "4 entries in B's external cache" count_is 4 bext || exit 1
echo "== A internal"
conntrackd -C "$d/A.conf" -i | sort
echo "== B external"
inb conntrackd -C "$d/B.conf" -e | sort
echo "== B commit"
inb conntrackd -C "$d/B.conf" -c | sed -E 's/taken [0-9.]+ sec/taken N sec/'
wait_until "4 entries committed to B's kernel table" count_is 4 inb conntrack -L || exit 1
echo "== B kernel"
inb conntrack -L 2>&1 | sort_table
echo "== A update"
ct -U -s 1.1.1.1 -p tcp --sport 10 -m 9 | sort_table
bext_mark9() { bext | grep -q 'sport=10 dport=20 .*mark=9'; }
wait_until "the new mark in B's external cache" bext_mark9 || exit 1
inb conntrackd -C "$d/B.conf" -e | sort
echo "== A delete"
ct -D -p udp -s 1.1.1.1 | sort_table
ct -D -p icmp | sort_table
wait_until "2 entries left in B's external cache" count_is 2 bext || exit 1
inb conntrackd -C "$d/B.conf" -e | sort
# B's own daemon has seen the commit's 4 entries (its kernel events).
wait_until "4 entries in B's internal cache" count_is 4 inb conntrackd -C "$d/B.conf" -i || exit 1
echo "== B stats"
inb conntrackd -C "$d/B.conf" -s
echo "== A stats"
conntrackd -C "$d/A.conf" -s
stop_nodes
