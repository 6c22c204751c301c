# netsniff-ng's flowtop (ncurses) in a tmux pane of fixed size, in the
# current, private network namespace: it dumps the table at start, then
# follows events.  Prints the screen.  $1 scratch dir, rest: flowtop options.
set -u
d=$1
shift
. "$(dirname "$0")/../lib/wait.sh"
ip link set lo up
sysctl -qw net.netfilter.nf_conntrack_events=1
ct() { conntrack "$@" >/dev/null 2>&1; }
screen() { tmux -S "$d/tmux.sock" capture-pane -p; }
on_screen() { screen | grep -qE -e "$1"; }
# A scenario that gives up still ends the tmux server (and flowtop).
trap 'tmux -S "$d/tmux.sock" kill-server 2>/dev/null; rm -f "$d/tmux.sock"' EXIT
# One entry before start (several would come in hash order).
ct -I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state ESTABLISHED -t 100 -u SEEN_REPLY
# The sleep after flowtop only holds the pane (and its last screen) open
# until the scenario kills the server; it synchronises nothing.
tmux -S "$d/tmux.sock" -f /dev/null new-session -d -x 160 -y 40 \
	"env LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-} timeout --foreground 60 flowtop $* 2>$d/flowtop.err; sleep 60"
# flowtop subscribes to events before it dumps the table: once the dumped
# flow (port 20, ftp-data) is on screen, it gets every later event.
wait_until "flowtop showing the dumped flow (ftp-data)" on_screen ' ftp-data *$' || exit 1
ct -I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 200
ct -I -s 2001:db8::1 -d 2001:db8::2 -p tcp --sport 1000 --dport 22 --state ESTABLISHED -t 100
ct -I -s 1.1.1.3 -d 2.2.2.2 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 5 -t 100
ct -I -s 1.1.1.1 -d 2.2.2.2 -p sctp --sport 10 --dport 20 --orig-vtag 1 --reply-vtag 2 --state ESTABLISHED -t 100
ct -I -s 1.1.1.5 -d 2.2.2.6 -p tcp --sport 15 --dport 80 --state SYN_SENT -t 100
ct -I -s 2001:db8::1 -d 2001:db8::7 -p udp --sport 1000 --dport 53 -t 100
ct -D -p udp -s 1.1.1.1
# flowtop reads its events in order: a last flow (port 25, smtp), shown
# in every mode, on screen means every event before it was read and
# drawn; once its deletion is drawn too, the screen is that of the
# scenario's events alone.
ct -I -s 1.1.1.9 -d 2.2.2.9 -p tcp --sport 19 --dport 25 --state ESTABLISHED -t 100
wait_until "flowtop showing the last flow (smtp)" on_screen ' smtp *$' || exit 1
ct -D -s 1.1.1.9
wait_until "flowtop no longer showing the last flow (smtp)" eval '! on_screen smtp' || exit 1
screen
