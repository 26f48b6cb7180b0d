#!/bin/sh
# conffile.sh - the shipped daemon/edgeward.conf lists every configuration
# key of sensor/config.c (commented out, at its default), parses as shipped
# (no key set) and with every line uncommented (every key set), as
# --check-config reports.
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
echo "conffile: $pass passed, $fail failed"
[ $fail -eq 0 ]
