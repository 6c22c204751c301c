#!/bin/bash
# Differential test with Debian's unmodified iptstate (-1, single shot)
# on the reference library and on ours.
#   iptstate_diff.sh OUR_LIBDIR REF_LIBDIR
set -u
. "$(dirname "$0")/common.sh"
need iptstate conntrack

# Volatile: remaining timeouts (h:mm:ss), whose width moves the columns,
# and the order of rows with equal sort keys (it follows the kernel's
# hash order, random per namespace): rows are sorted within each view.
norm() {
	sed -E 's/ *[0-9]+:[0-9]{2}:[0-9]{2}/ H:MM:SS/g' |
		awk '/^[0-9a-f]+[.:]/ { print | "sort"; next }
			{ close("sort"); print }'
}
compare iptstate norm unshare -n bash "$here/iptstate_scenario.sh"
expect iptstate '^1\.1\.1\.1:10 +2\.2\.2\.2:20 +tcp +ESTABLISHED'
expect iptstate '^2001:db8::1:1000 +2001:db8::2:22 +tcp +SYN_SENT'
finish
