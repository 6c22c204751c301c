# iptstate single-shot views of a table filled by conntrack(8), in the
# current, private network namespace.
set -u
ip link set lo up
ct() { conntrack "$@" >/dev/null 2>&1; }
ct -I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state ESTABLISHED -t 100 -u SEEN_REPLY
ct -I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 200
ct -I -s 1.1.1.3 -d 2.2.2.2 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 5 -t 300
ct -I -s 1.1.1.4 -d 2.2.2.5 -p tcp --sport 33 --dport 53 --state TIME_WAIT -t 50
ct -I -s 1.1.1.4 -d 2.2.2.5 -p tcp --sport 34 --dport 80 --state SYN_SENT -t 50 --dst-nat 3.3.3.3:8080
ct -I -s 2001:db8::1 -d 2001:db8::2 -p tcp --sport 1000 --dport 22 --state SYN_SENT -t 100
ct -I -s 2001:db8::1 -d 2001:db8::3 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 7 -t 100
ct -I -s 1.1.1.1 -d 2.2.2.2 -p sctp --sport 10 --dport 20 --orig-vtag 1 --reply-vtag 2 --state ESTABLISHED -t 100
for opts in "" "-b d" "-b p" "-b S" "-b t" "-r" "-n" "-l" "-t" "-L" "-f" "-s 1.1.1.4" "-d 2.2.2.2" "-D 20" "-p tcp" "-x"; do
	echo "== iptstate -1 $opts"
	# On a terminal of known size: without one iptstate takes a garbage
	# width and prints gigabytes of padding.
	script -qec "stty cols 160 rows 60; iptstate -1 $opts" /dev/null </dev/null | tr -d '\r'
	echo "rc=$?"
done
