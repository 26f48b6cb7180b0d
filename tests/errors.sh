#!/bin/sh
# errors.sh - every user error gives exactly one line on stderr, naming
# the problem, and the documented exit status (edgeward(8) EXIT STATUS):
# 2 for usage and configuration errors, 1 for inputs and outputs that
# cannot be opened.  An unreachable Redis is not an error: findings are
# spooled, the run exits 0, and the outage is said once; findings a full
# spool could not hold are lost, and that run exits 1.
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=${EDGEWARD:-./edgeward}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
pcap=$top/pcaps/recorded/ftp.pcap

# expect NAME STATUS PATTERN ARGS...: exit STATUS, one stderr line
# matching PATTERN (grep -E), nothing on stdout.
expect() {
	name=$1 want=$2 pat=$3
	shift 3
	"$bin" -q "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	lines=$(wc -l <"$tmp/err")
	if [ $got -eq "$want" ] && [ "$lines" -eq 1 ] &&
	    grep -Eq "^edgeward: .*$pat" "$tmp/err" && [ ! -s "$tmp/out" ]; then
		echo "ok - $name: $(cat "$tmp/err")"
		pass=$((pass + 1))
	else
		echo "FAIL - $name: exit $got (want $want), $lines line(s):"
		sed 's/^/    /' "$tmp/err" "$tmp/out"
		fail=$((fail + 1))
	fi
}

printf 'this is not a capture\n' >"$tmp/text.pcap"
printf 'workers = 2\nworkerz = 3\n' >"$tmp/bad.conf"
printf 'Pw-Zq81xv' >"$tmp/pw"

expect "unknown flag" 2 "unknown .*option '--bogus'" --bogus -r "$pcap"
expect "unknown short flag" 2 "unknown option '-Z'" -Z -r "$pcap"
expect "nothing to read" 2 "nothing to read"
expect "missing capture" 1 "cannot read capture $tmp/nope.pcap.*No such file" \
    -r "$tmp/nope.pcap"
expect "not a capture" 1 "cannot read capture $tmp/text.pcap: unknown file format" \
    -r "$tmp/text.pcap"
if [ "$(id -u)" -eq 0 ]; then
	expect "bad interface" 1 "no such interface 'nosuchif0'" -i nosuchif0
else
	expect "bad interface" 1 "(no such interface|permission denied).*nosuchif0" \
	    -i nosuchif0
fi
expect "bad filter" 1 "bad capture filter 'port foo'" -r "$pcap" port foo
expect "bad config line" 2 "$tmp/bad.conf:2: unknown key 'workerz'" \
    -c "$tmp/bad.conf" -r "$pcap"
expect "missing config file" 2 "$tmp/none.conf: cannot open" \
    -c "$tmp/none.conf" -r "$pcap"
expect "bad --set value" 2 "workers: 'many' is not a number" \
    --set workers=many -r "$pcap"

# Policy lists: every entry is checked when the file is read; one line
# names the file and line, the key, the entry, and an included file's line.
printf 'workers = 2\nedge_devices = 10.0.0.1=firewall, 10.0.0.0/33\n' \
    >"$tmp/cidr.conf"
expect "bad CIDR in a list" 2 \
    "$tmp/cidr.conf:2: edge_devices: '10.0.0.0/33': prefix length 33 is out of range 0..32\$" \
    -c "$tmp/cidr.conf" -r "$pcap"
printf '# x\n\ncollectors = 10.30.0.5/24\n' >"$tmp/hostbits.conf"
expect "host bits set" 2 \
    "$tmp/hostbits.conf:3: collectors: '10.30.0.5/24': host bits set .the network is 10.30.0.0/24." \
    -c "$tmp/hostbits.conf" -r "$pcap"
printf 'edge_devices = 10.0.0.1=fw\n' >"$tmp/role.conf"
expect "unknown role" 2 \
    "$tmp/role.conf:1: edge_devices: '10.0.0.1=fw': unknown role 'fw' .one of: firewall, vpn, router, switch, hypervisor, bmc, other." \
    -c "$tmp/role.conf" -r "$pcap"
printf '10.20.0.1\n# admins\n10.20.0.2 10.20.0.300\n' >"$tmp/admins.txt"
printf 'admin_hosts = @%s\n' "$tmp/admins.txt" >"$tmp/inc.conf"
expect "bad entry in an included file" 2 \
    "$tmp/inc.conf:1: admin_hosts: $tmp/admins.txt:3: '10.20.0.300': not an IPv4 address" \
    -c "$tmp/inc.conf" -r "$pcap"
expect "missing included file" 2 \
    "admin_hosts: @$tmp/none.txt: cannot open: No such file" \
    --set "admin_hosts=@$tmp/none.txt" -r "$pcap"
expect "bad pair" 2 \
    "tunnel_allowed: '10.0.0.1<>2001:db8::1': the two ends are of different address families" \
    --set 'tunnel_allowed=10.0.0.1 <> 2001:db8::1' --check-config
expect "bad tool" 2 "rmm_allowed: 'anydesk:': qualifier missing after ':'" \
    --set 'rmm_allowed=anydesk:' -r "$pcap"
expect "bad redis_mode" 2 "redis_mode 'bogus'" \
    --redis redis://127.0.0.1:1 --set redis_mode=bogus -r "$pcap"
expect "bad redis URL" 2 "" --redis ftp://127.0.0.1 -r "$pcap"
expect "missing GeoIP file" 1 "GeoIP database $tmp/none.mmdb cannot be read" \
    --geoip "$tmp/none.mmdb" -r "$pcap"
expect "missing GeoIP file (--check-config)" 2 \
    "GeoIP database $tmp/none.mmdb cannot be read" \
    --geoip "$tmp/none.mmdb" --check-config
expect "unknown user" 2 "user 'nosuchuser' does not exist" \
    -u nosuchuser -r "$pcap"
expect "missing secret key (--check-config)" 2 \
    "secret_key_file $tmp/none.key: No such file" \
    --set "secret_key_file=$tmp/none.key" --check-config
expect "missing secret key" 1 "cannot open secret_key_file $tmp/none.key" \
    --set "secret_key_file=$tmp/none.key" -r "$pcap"
expect "unwritable output" 1 "cannot open output file $tmp/no/dir/out.json" \
    -o "$tmp/no/dir/out.json" -r "$pcap"

# Unreachable Redis (a closed loopback port): spooled, exit 0, said once,
# the findings still on stdout, the password nowhere.
"$bin" -q -r "$pcap" --redis "redis://edgeward:$(cat "$tmp/pw")@127.0.0.1:1" \
    --set "spool_dir=$tmp/spool" >"$tmp/out" 2>"$tmp/err"
got=$?
nf=$(wc -l <"$tmp/out")
if [ $got -eq 0 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -q "cannot connect to 127.0.0.1:1.*spooling" "$tmp/err" &&
    [ "$nf" -gt 0 ] && ls "$tmp/spool"/*.seg >/dev/null 2>&1 &&
    ! grep -q Pw-Zq81xv "$tmp/err" "$tmp/out"; then
	echo "ok - unreachable Redis: exit 0, $nf findings spooled, said once"
	pass=$((pass + 1))
else
	echo "FAIL - unreachable Redis: exit $got:"
	sed 's/^/    /' "$tmp/err"
	fail=$((fail + 1))
fi

# Redis unreachable and the spool too small for the findings: what could
# not be spooled is lost, counted, said, and the run exits 1.
"$bin" -r "$top/pcaps/crafted/many_pairs.pcap" \
    --redis "redis://127.0.0.1:1" --set "spool_dir=$tmp/spool_small" \
    --set spool_max_bytes=64k -o /dev/null >/dev/null 2>"$tmp/err"
got=$?
lost=$(sed -n 's/^ *redis_dropped  *\([0-9]*\) .*/\1/p' "$tmp/err")
if [ $got -eq 1 ] && [ "${lost:-0}" -gt 0 ]; then
	echo "ok - spool full: exit 1, $lost findings lost and counted"
	pass=$((pass + 1))
else
	echo "FAIL - spool full: exit $got, redis_dropped '${lost:-}':"
	sed 's/^/    /' "$tmp/err" | head -20
	fail=$((fail + 1))
fi

echo "errors: $pass passed, $fail failed"
[ $fail -eq 0 ]
