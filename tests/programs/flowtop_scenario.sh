# netsniff-ng's flowtop (ncurses) in a tmux pane of fixed size, in the
# current, private network namespace: it dumps the table at start, then
# follows events.  Prints the screen.  $1 scratch dir, rest: flowtop options.
set -u
d=$1
shift
ip link set lo up
sysctl -qw net.netfilter.nf_conntrack_events=1
ct() { conntrack "$@" >/dev/null 2>&1; }
# One entry before start (several would come in hash order).
ct -I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state ESTABLISHED -t 100 -u SEEN_REPLY
tmux -S "$d/tmux.sock" -f /dev/null new-session -d -x 160 -y 40 \
	"env LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-} timeout --foreground 15 flowtop $* 2>$d/flowtop.err; sleep 15"
sleep 1.5
ct -I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 200
sleep 0.3
ct -I -s 2001:db8::1 -d 2001:db8::2 -p tcp --sport 1000 --dport 22 --state ESTABLISHED -t 100
sleep 0.3
ct -I -s 1.1.1.3 -d 2.2.2.2 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 5 -t 100
sleep 0.3
ct -I -s 1.1.1.1 -d 2.2.2.2 -p sctp --sport 10 --dport 20 --orig-vtag 1 --reply-vtag 2 --state ESTABLISHED -t 100
sleep 0.3
ct -I -s 1.1.1.5 -d 2.2.2.6 -p tcp --sport 15 --dport 80 --state SYN_SENT -t 100
sleep 0.3
ct -I -s 2001:db8::1 -d 2001:db8::7 -p udp --sport 1000 --dport 53 -t 100
sleep 0.3
ct -D -p udp -s 1.1.1.1
sleep 2
tmux -S "$d/tmux.sock" capture-pane -p
tmux -S "$d/tmux.sock" kill-server
rm -f "$d/tmux.sock"
