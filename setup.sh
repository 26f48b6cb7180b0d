#!/bin/sh
# setup.sh - install edgeward's build and test dependencies from Debian 12
# packages (when missing), then configure and build.  Safe to re-run.
#   ./setup.sh              build
#   ./setup.sh --asan       build with AddressSanitizer + UBSan
set -eu

PKGS="build-essential autoconf automake libtool pkg-config
libpcap-dev libndpi-dev libndpi-bin libmaxminddb-dev libhiredis-dev libcunit1-dev
redis-server libmaxmind-db-writer-perl python3 python3-scapy python3-jsonschema
mandoc tcpdump curl iproute2 chromium"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	echo "setup.sh: installing:$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

cd "$(dirname "$0")"
[ -x configure ] || autoreconf -fi >/dev/null
if [ ! -f Makefile ] || [ configure -nt Makefile ] || [ "${1:-}" = "--asan" ]; then
	if [ "${1:-}" = "--asan" ]; then
		./configure -q --enable-asan
	else
		./configure -q
	fi
fi
make -s -j"$(nproc)"
