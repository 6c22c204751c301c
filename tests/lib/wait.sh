# Waiting for a state, for the shell scenarios (sourced by
# tests/programs/common.sh, the scenario scripts, tests/conntrack_tool's
# prelude and tests/dev_examples). A scenario never sleeps for a fixed
# time to let something happen: under load that time is never enough. It
# waits for the state it needs instead, with a generous deadline, and
# fails with a message naming the state that was not reached.

# wait_until WHAT COMMAND...: run COMMAND until it succeeds. After
# WAIT_SECONDS (default 60) it gives up: prints "wait_until: timed out
# waiting for WHAT" on stderr and returns 1. The pause between two tries
# is only a poll interval, the wait itself ends on the state.
wait_until() {
	local what=$1 deadline
	shift
	deadline=$(($(date +%s) + ${WAIT_SECONDS:-60}))
	until "$@"; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			echo "wait_until: timed out waiting for $what" >&2
			return 1
		fi
		sleep 0.05
	done
}

# wait_for_line FILE PATTERN WHAT: wait until FILE (the output of a
# helper started in the background) has a line matching PATTERN.
wait_for_line() {
	wait_until "$3" grep -qE -e "$2" "$1"
}

# wait_for_socket PATH WHAT: wait until the UNIX socket PATH exists.
wait_for_socket() {
	wait_until "$2" test -S "$1"
}

# recv_blocked PID: PID, or one of its descendants (a program started
# through timeout(1), stdbuf(1) or nsenter(1)), sleeps in a socket
# receive or in select/poll: it is done with its set-up (or with what it
# was given) and waits for messages.
recv_blocked() {
	local p c
	for p in "$1" $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
		# wchan ends without a newline: no read(1) here
		c=$(cat "/proc/$p/wchan" 2>/dev/null) || continue
		case $c in
		*wait_for_more_packets* | poll_schedule_timeout* | do_select | do_sys_poll | *epoll_wait* | ep_poll*) return 0 ;;
		esac
		for c in $(cat "/proc/$p/task/$p/children" 2>/dev/null); do
			recv_blocked "$c" && return 0
		done
	done
	return 1
}

# nl_events_drained: every netfilter netlink socket of this network
# namespace subscribed to event groups has an empty receive queue
# (the columns of /proc/net/netlink: Eth 12 is NETLINK_NETFILTER, then
# port id, groups, bytes queued).
nl_events_drained() {
	awk '$2 == 12 && $4 != "00000000" && $5 != 0 { busy = 1 }
		END { exit busy }' /proc/net/netlink
}

# nl_listener_ready PID [N]: the event listener PID has subscribed and
# waits for events (its filter, if any, is attached before it blocks);
# N (default 1): that many subscribed sockets in the namespace.
nl_listener_ready() {
	awk -v n="${2:-1}" '$2 == 12 && $4 != "00000000" { found++ }
		END { exit found < n }' /proc/net/netlink && recv_blocked "$1"
}

# nl_listener_idle PID: the listener PID has read every event queued for
# it and waits for more, or has exited: whatever it printed is complete.
nl_listener_idle() {
	proc_gone "$1" || { nl_events_drained && recv_blocked "$1"; }
}

# proc_gone PID: PID has exited (gone, or a zombie not reaped yet): it
# prints nothing more.
proc_gone() {
	local st
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 0
	[ -z "$st" ] || [ "$st" = Z ]
}
