#!/bin/sh
# systemd.sh - daemon/edgeward.service passes `systemd-analyze verify`
# (with ExecStart pointed at the built binary) and keeps the hardening
# the daemon relies on.  The verify step is skipped (not the test) where
# systemd-analyze is not installed.
set -u
top=$(cd "${srcdir:-.}" && pwd)
build=$(cd "${top_builddir:-.}" && pwd)
unit=$build/daemon/edgeward.service
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
[ -f "$unit" ] || { echo "systemd: $unit is not built (make)"; exit 1; }
for want in 'Type=simple' 'ExecReload=/bin/kill -HUP $MAINPID' \
    'Restart=on-failure' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
    'ProtectHome=yes' 'PrivateTmp=yes' \
    'CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN CAP_SETUID CAP_SETGID CAP_SETPCAP' \
    'AmbientCapabilities=' \
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_PACKET AF_NETLINK' \
    'SystemCallArchitectures=native' 'LockPersonality=yes' \
    'MemoryDenyWriteExecute=yes' 'ReadWritePaths=-/var/spool/edgeward -/var/log/edgeward'; do
	if grep -qxF "$want" "$unit"; then
		pass=$((pass + 1))
	else
		echo "FAIL - $unit lacks '$want'"
		fail=$((fail + 1))
	fi
done
if grep -q '^ExecStart=.*/edgeward -c .*/edgeward/edgeward.conf' "$unit"; then
	pass=$((pass + 1))
else
	echo "FAIL - ExecStart does not pass -c"
	fail=$((fail + 1))
fi
if command -v systemd-analyze >/dev/null 2>&1; then
	# The installed paths do not exist yet: point them at the build.
	sed -e "s|^ExecStart=[^ ]*|ExecStart=$build/edgeward|" \
	    -e "s|^ExecStartPre=[^ ]*|ExecStartPre=$build/edgeward|" \
	    "$unit" >"$tmp/edgeward.service"
	if SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
	    "$tmp/edgeward.service" >"$tmp/log" 2>&1 &&
	    ! grep -v -e 'Failed to .*cgroup' -e 'Cannot find unit' \
	    -e 'redis-server.service' -e '^$' "$tmp/log" | grep -q .; then
		pass=$((pass + 1))
	else
		echo "FAIL - systemd-analyze verify:"
		cat "$tmp/log"
		fail=$((fail + 1))
	fi
else
	echo "systemd: systemd-analyze not installed, verify skipped"
fi
echo "systemd: $pass passed, $fail failed"
[ $fail -eq 0 ]
