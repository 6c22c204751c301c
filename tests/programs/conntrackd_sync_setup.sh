# Sourced by the conntrackd sync scenarios: node A in the current
# (private) network namespace, node B in a second one ($bpid, commands
# run there through inb), a veth pair between them on a benchmark-range
# subnet (198.18.0.0/24) that exists only here, and one config file per
# node ($d/A.conf, $d/B.conf). Needs d, mode, transport; sync_options
# (optional) goes into the Sync section. ALARM refreshes every entry
# each RefreshTime seconds, which shows in the caches' counters: 150 s,
# longer than a scenario lasts, keeps those counters to the events the
# scenario makes (a short period made them depend on the machine's speed).
. "$(dirname "$0")/../lib/wait.sh"
. "$(dirname "$0")/../lib/table.sh"
rm -f "$d"/[AB].*
ip link set lo up
sysctl -qw net.netfilter.nf_conntrack_events=1
# Node B's namespace lives as long as this process (the bound only ends
# a leaked one; stop_nodes or the exit trap kills it). Its output must
# not hold the caller's pipe open.
unshare -n sleep 120 >/dev/null 2>&1 &
bpid=$!
apid= bdpid=
trap 'kill $apid $bdpid $bpid 2>/dev/null' EXIT
ownns=$(readlink /proc/self/ns/net)
b_ns_ready() { [ "$(readlink /proc/$bpid/ns/net 2>/dev/null)" != "$ownns" ]; }
wait_until "node B's network namespace" b_ns_ready || exit 1
inb() { nsenter -t $bpid -n "$@"; }
ip link add ctsa type veth peer name ctsb
ip link set ctsb netns $bpid
ip addr add 198.18.0.1/24 dev ctsa
ip link set ctsa up
inb ip link set lo up
inb sysctl -qw net.netfilter.nf_conntrack_events=1
inb ip addr add 198.18.0.2/24 dev ctsb
inb ip link set ctsb up

transport() { # SELF PEER IFACE
	if [ $transport = UDP ]; then
		echo "UDP {
		IPv4_address $1
		IPv4_Destination_Address $2
		Port 3780
		Interface $3
		Checksum on
	}"
	else
		echo "Multicast {
		IPv4_address 225.0.0.50
		Group 3780
		IPv4_interface $1
		Interface $3
		Checksum on
	}"
	fi
}
conf() { # NODE SELF PEER IFACE
	cat > "$d/$1.conf" <<CONF
Sync {
	Mode $mode {
		$( [ $mode = ALARM ] && echo "RefreshTime 150
		CacheTimeout 300" )
	}
	$(transport $2 $3 $4)
	${sync_options:-}
}
General {
	HashSize 8192
	HashLimit 65535
	LogFile $d/$1.log
	Syslog off
	LockFile $d/$1.lock
	UNIX {
		Path $d/$1.sock
	}
	NetlinkBufferSize 262144
	NetlinkBufferSizeMaxGrowth 655355
	Filter From Kernelspace {
		Protocol Accept {
			TCP
			UDP
			ICMP
		}
		Address Ignore {
			IPv4_address 198.18.0.1
			IPv4_address 198.18.0.2
			IPv4_address 10.9.9.9
			IPv6_address 2001:db8::9
		}
		State Accept {
			ESTABLISHED CLOSED TIME_WAIT CLOSE_WAIT for TCP
		}
	}
}
CONF
}
conf A 198.18.0.1 198.18.0.2 ctsa
conf B 198.18.0.2 198.18.0.1 ctsb

# start_nodes: both daemons in the foreground (console mode) so timeout
# bounds them, their log files are printed at the end; returns once
# both answer on their UNIX socket (their set-up is done: tables dumped,
# events subscribed).
start_nodes() {
	timeout 100 conntrackd -C "$d/A.conf" >/dev/null 2>&1 &
	apid=$!
	inb timeout 100 conntrackd -C "$d/B.conf" >/dev/null 2>&1 &
	bdpid=$!
	wait_until "conntrackd A answering on $d/A.sock" \
		eval 'conntrackd -C "$d/A.conf" -s >/dev/null 2>&1' || exit 1
	wait_until "conntrackd B answering on $d/B.sock" \
		eval 'inb conntrackd -C "$d/B.conf" -s >/dev/null 2>&1' || exit 1
}

# count_is N COMMAND...: COMMAND prints N lines.
count_is() {
	local n=$1
	shift
	[ "$("$@" 2>/dev/null | wc -l)" -eq "$n" ]
}

# stop_nodes: stop both daemons (waiting for them to exit) and node B's
# namespace, print the logs
stop_nodes() {
	conntrackd -C "$d/A.conf" -k >/dev/null
	inb conntrackd -C "$d/B.conf" -k >/dev/null
	wait $apid $bdpid
	kill $bpid
	wait
	echo "== logs"
	cat "$d/A.log" "$d/B.log"
}
