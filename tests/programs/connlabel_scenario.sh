# iptables' connlabel match (libxt_connlabel.so maps names with the
# library's nfct_labelmap_*) in the current, private network and mount
# namespace: /etc is overlaid with our own xtables/connlabel.conf.
#   connlabel_scenario.sh DIR
set -u
d=$1
mkdir -p "$d/up/xtables" "$d/wk"
cat > "$d/up/xtables/connlabel.conf" <<CONF
# test labels
0	eth0-in
1 foo
5	bar   # trailing comment
17 x17
64	high
127 last
CONF
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/up,workdir=$d/wk" /etc ||
	{ echo "cannot overlay /etc"; exit 1; }
ip link set lo up
ipt() { echo "# iptables $*"; iptables "$@" 2>&1; echo "rc=$?"; }
ipt -A OUTPUT -p udp -m connlabel --label foo --set
ipt -A OUTPUT -p udp -m connlabel --label bar --set
ipt -A OUTPUT -p udp -m connlabel --label high --set
ipt -A INPUT -m connlabel ! --label last
ipt -A INPUT -m connlabel --label eth0-in
ipt -A INPUT -m connlabel --label x17 -j ACCEPT
ipt -A INPUT -m connlabel --label nosuch
ipt -A INPUT -m connlabel --label ""
ipt -S
ipt -L -n
# Real traffic over loopback sets the labels on the entry.
python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 40000)); s.sendto(b"x", ("127.0.0.1", 9999))'
conntrack -L -o labels 2>&1 | sed -E 's/^(udp +17 )[0-9]+ /\1T /'
umount /etc
