#!/bin/bash
# Install whichever packages of scripts/packages.txt are missing (Debian).
# Does nothing when all are there, so it is cheap to call every time.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mapfile -t wanted < <(grep -v '^\s*\(#\|$\)' "$here/packages.txt")

missing=()
for p in "${wanted[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "==> installing missing packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "error: need root to install them (run as root)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Packages with daemons (squid, oidentd, dnsmasq...) must not start them
# here: a failing start would fail the install, and the tests run their
# own copies in private namespaces. A policy-rc.d denies service starts
# for the time of the install, unless the machine has one of its own.
policy=/usr/sbin/policy-rc.d
if [ ! -e $policy ]; then
	printf '#!/bin/sh\nexit 101\n' > $policy
	chmod +x $policy
	trap 'rm -f $policy' EXIT
fi
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
