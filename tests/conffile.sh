#!/bin/sh
# conffile.sh - the shipped daemon/edgeward.conf lists every configuration
# key of sensor/config.c (commented out, at its default), parses as shipped
# (no key set) and with every line uncommented (every key set), as
# --check-config reports.  The policy lists: the shipped examples parse,
# and a file setting every list key (roles, pairs, repeats, @FILE
# includes, --set adding to the file's list) checks.
set -u
top=$(cd "${srcdir:-.}" && pwd)
build=${top_builddir:-.}
bin=${EDGEWARD:-./edgeward}
conf=$build/daemon/edgeward.conf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }

[ -f "$conf" ] || { echo "conffile: $conf is not built (make)"; exit 1; }
nkeys=0
for k in $(sed -n 's/^[[:space:]]*K("\([a-z_0-9]*\)".*/\1/p' "$top/sensor/config.c"); do
	nkeys=$((nkeys + 1))
	if [ "$(grep -c "^#$k =" "$conf")" -eq 1 ]; then
		ok
	else
		bad "key $k is not in edgeward.conf exactly once as '#$k ='"
	fi
done
if grep -q '@[a-z]*@' "$conf"; then
	bad "unsubstituted @dir@ in $conf"
else
	ok
fi
if "$bin" -c "$conf" --check-config >"$tmp/out" 2>"$tmp/err" &&
    grep -q "^$conf: 0 keys set" "$tmp/out"; then
	ok
else
	bad "as shipped: $(cat "$tmp/out" "$tmp/err")"
fi
sed 's/^#\([a-z_]* =\)/\1/' "$conf" >"$tmp/all.conf"
if "$bin" -c "$tmp/all.conf" --check-config >"$tmp/out" 2>"$tmp/err" &&
    grep -q "^$tmp/all.conf: $nkeys keys set" "$tmp/out"; then
	ok
else
	bad "uncommented: $(cat "$tmp/out" "$tmp/err")"
fi
# Every example of a list key in the shipped file ("#   key = value")
# parses, but those naming files that are not there.
grep -E '^#   [a-z_]+ = ' "$conf" | grep -v '= @' | sed 's/^#   //' \
    >"$tmp/examples.conf"
nex=$(wc -l <"$tmp/examples.conf")
if [ "$nex" -ge 3 ] &&
    "$bin" -c "$tmp/examples.conf" --check-config >"$tmp/out" 2>"$tmp/err" &&
    grep -q "^$tmp/examples.conf: $nex keys set" "$tmp/out"; then
	ok
else
	bad "shipped list examples ($nex): $(cat "$tmp/out" "$tmp/err")"
fi

# Every list key, with roles, pairs, repeats, comments and an include.
cat >"$tmp/devices.txt" <<EOF2
# site A
10.0.0.1=firewall
10.0.0.2=VPN    # concentrator
10.0.1.0/24=switch, 10.0.9.10=bmc

2001:db8::1=router
::ffff:192.0.2.77=hypervisor
EOF2
cat >"$tmp/lists.conf" <<EOF2
edge_devices = 10.0.0.0/16=other
edge_devices = @$tmp/devices.txt
admin_hosts = 10.20.0.0/24 2001:db8:20::/64
collectors = 10.30.0.5   # this sensor (ERSPAN feed)
tunnel_allowed = 198.51.100.1 <> 203.0.113.0/29, 192.0.2.10
tunnel_allowed = 2001:db8:a::/48<>2001:db8:b::/48
rmm_allowed = anydesk:123456789, TeamViewer
rmm_allowed =
rmm_allowed = screenconnect:acme.screenconnect.com
EOF2
if "$bin" -c "$tmp/lists.conf" --set collectors=10.30.0.6 \
    --check-config >"$tmp/out" 2>"$tmp/err" &&
    grep -q "^$tmp/lists.conf: 9 keys set, 1 from the command line" \
    "$tmp/out" && [ ! -s "$tmp/err" ]; then
	ok
else
	bad "list keys: $(cat "$tmp/out" "$tmp/err")"
fi

echo "conffile: $pass passed, $fail failed"
[ $fail -eq 0 ]
