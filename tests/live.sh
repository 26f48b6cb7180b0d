#!/bin/sh
# live.sh - the daemon path end to end, in a network namespace of its own:
# edgeward captures on that namespace's loopback as root and drops to
# nobody; a real HTTP server and client exchange a Basic login there.
# Checks: the capturing process runs as non-root; sensor_health findings
# with packets > 0; the credential finding; SIGUSR1 prints the statistics
# and it keeps running; SIGHUP with a broken file keeps running and names
# FILE:LINE; SIGHUP with a good file applies a run-time key (reveal_secrets)
# and reopens the output file after a logrotate-style move; SIGHUP reloads
# the signature files (a broken one is refused with FILE:LINE and the old
# tables stay; a new form-field name then finds a login it missed before);
# SIGTERM exits 0 with the summary.  The namespace and every process are removed at exit.
#
# Skips (77) when not root or when this kernel or container cannot create
# network namespaces.
set -u
srcdir=${srcdir:-.}
top=$(cd "$srcdir" && pwd)
bin=$(cd "$(dirname "${EDGEWARD:-./edgeward}")" && pwd)/$(basename "${EDGEWARD:-./edgeward}")
pass=0
fail=0
ns=ew$$
epid=""
spid=""
rpid=""

if [ "$(id -u)" -ne 0 ]; then
	echo "live: SKIP: needs root for a network namespace"
	exit 77
fi
for t in ip python3; do
	command -v $t >/dev/null 2>&1 ||
	    { echo "live: FAIL: $t is missing (./setup.sh installs it)"; exit 1; }
done
if ! ip netns add "$ns" 2>/dev/null; then
	echo "live: SKIP: cannot create a network namespace here"
	exit 77
fi
tmp=$(mktemp -d)
cleanup() {
	[ -n "$epid" ] && kill -KILL "$epid" 2>/dev/null
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns exec "$ns" ip link set lo up

ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }
# wait_for SECONDS COMMAND...: polls every 0.2 s
wait_for() {
	n=$(($1 * 5))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

# The unprivileged user must be able to read the config and write the log
# directory (reopen after rotation), as in the systemd unit.
chmod 755 "$tmp"
mkdir "$tmp/log"
chown nobody "$tmp/log"
# Signature files the test edits, readable by nobody.
cp -r "$top/signatures" "$tmp/sig"
chmod -R a+rX "$tmp/sig"
conf=$tmp/edgeward.conf
printf 'sensor_name = live-test\nhealth_interval = 1\nworkers = 1\n' >"$conf"
chmod 644 "$conf"
out=$tmp/log/findings.json
# A Redis inside the namespace (its own loopback, so a fixed port is free);
# the spool must stay writable after the drop to nobody.
mkdir "$tmp/spool" "$tmp/redis"
chown nobody "$tmp/spool"
ip netns exec "$ns" redis-server --port 6390 --bind 127.0.0.1 --save '' \
    --appendonly no --dir "$tmp/redis" >/dev/null 2>&1 &
rpid=$!
wait_for 5 ip netns exec "$ns" redis-cli -p 6390 ping >/dev/null 2>&1 ||
    bad "redis-server did not start in the namespace"

ip netns exec "$ns" "$bin" -i lo -u nobody -c "$conf" \
    --set health_interval=1 -o "$out" \
    --redis redis://127.0.0.1:6390 --set "spool_dir=$tmp/spool" \
    --set "signatures_dir=$tmp/sig" \
    not port 9 and not port 6390 \
    >"$tmp/stdout" 2>"$tmp/stderr" &
epid=$!

# 1. running and capturing as nobody
if wait_for 10 grep -q '"kind":"sensor_health"' "$out" 2>/dev/null; then
	ok "sensor_health finding while running"
else
	bad "no sensor_health finding in 10 s: $(head -3 "$tmp/stderr")"
fi
uid=$(awk '/^Uid:/ {print $2 $3 $4 $5}' /proc/$epid/status 2>/dev/null)
gid=$(awk '/^Gid:/ {print $2 $3 $4 $5}' /proc/$epid/status 2>/dev/null)
nuid=$(id -u nobody)
if [ "$uid" = "$nuid$nuid$nuid$nuid" ] && [ -n "$gid" ] &&
    ! echo "$gid" | grep -q '^0'; then
	ok "capturing as uid $nuid (real, effective, saved, fs), gid non-root"
else
	bad "process ids: uid '$uid' gid '$gid'"
fi

# 2. real traffic: an HTTP server and a Basic login
ip netns exec "$ns" python3 -m http.server 8080 --bind 127.0.0.1 \
    --directory "$tmp" >/dev/null 2>&1 &
spid=$!
http_get() {
	if command -v curl >/dev/null 2>&1; then
		ip netns exec "$ns" curl -s -o /dev/null -m 5 -u "$1" \
		    http://127.0.0.1:8080/
	else
		ip netns exec "$ns" python3 -c '
import base64, sys, urllib.request
r = urllib.request.Request("http://127.0.0.1:8080/", headers={
    "Authorization": "Basic " + base64.b64encode(sys.argv[1].encode()).decode()})
urllib.request.urlopen(r, timeout=5).read()' "$1"
	fi
}
wait_for 10 http_get probe:probe 2>/dev/null
http_get alice:Wonderland-42
if wait_for 10 grep -q '"user":"alice"' "$out"; then
	ok "credential finding for the Basic login"
else
	bad "no credential finding for alice"
fi
if grep '"user":"alice"' "$out" | grep -q 'Wonderland-42'; then
	bad "the secret is in the output without reveal_secrets"
fi
health_packets() {
	hp=$(grep '"kind":"sensor_health"' "$out" | tail -1 |
	    sed -n 's/.*"packets":\([0-9]*\).*/\1/p')
	[ -n "$hp" ] && [ "$hp" -gt 0 ]
}
if wait_for 5 health_packets; then
	ok "sensor_health reports packets $hp"
else
	bad "sensor_health packets '$hp'"
fi
# Delivery accounting in health: produced = published + spooled + in
# flight + dropped, and findings reached the stream.
health_redis() {
	grep '"kind":"sensor_health"' "$out" | tail -1 | python3 -c '
import json, sys
h = json.loads(sys.stdin.read())["sensor_health"]
ok = (h["redis_produced"] == h["redis_published"] + h["redis_spooled"] +
      h["redis_inflight"] + h["redis_dropped"] and h["redis_published"] > 0
      and h["redis_errors"] >= 0 and h["redis_replayed"] >= 0)
sys.exit(0 if ok else 1)' 2>/dev/null
}
if wait_for 5 health_redis; then
	ok "sensor_health Redis accounting adds up, findings published"
else
	bad "sensor_health Redis accounting: $(grep '"kind":"sensor_health"' "$out" | tail -1 | grep -o '"redis_[a-z]*":[0-9]*' | tr '\n' ' ')"
fi
# Every limit's counter (sensor/stats.c, limit_counters), as in the summary.
missing=""
for k in $(sed -n 's/^[[:space:]]*LIM("\([a-z_]*\)".*/\1/p' "$top/sensor/stats.c"); do
	grep '"kind":"sensor_health"' "$out" | tail -1 | grep -q "\"$k\":[0-9]" ||
	    missing="$missing $k"
done
if [ -z "$missing" ]; then
	ok "sensor_health carries every limit's counter"
else
	bad "sensor_health lacks:$missing"
fi
n=$(ip netns exec "$ns" redis-cli -p 6390 XLEN edgeward:findings 2>/dev/null)
if [ "${n:-0}" -gt 0 ]; then
	ok "$n findings in the Redis stream"
else
	bad "no findings in the Redis stream"
fi

# 3. SIGUSR1: statistics to stderr, keeps running
kill -USR1 $epid
if wait_for 5 grep -q '^edgeward summary' "$tmp/stderr" &&
    kill -0 $epid 2>/dev/null; then
	ok "SIGUSR1 prints the statistics and the sensor keeps running"
else
	bad "SIGUSR1: $(tail -3 "$tmp/stderr")"
fi

# 4. SIGHUP with a broken file: one line with FILE:LINE, keeps running
printf 'health_interval = 1\nno_such_key = 1\n' >"$conf"
kill -HUP $epid
if wait_for 5 grep -q "SIGHUP: $conf:2: unknown key 'no_such_key'" \
    "$tmp/stderr" && sleep 0.5 && kill -0 $epid 2>/dev/null; then
	ok "SIGHUP with a broken file: says why, keeps running"
else
	bad "SIGHUP broken: $(grep SIGHUP "$tmp/stderr")"
fi

# 5. SIGHUP with a good file after a log rotation: reveal_secrets applied
# at the workers' next tick, workers still restart-only, output reopened
mv "$out" "$out.1"
printf 'sensor_name = live-test\nreveal_secrets = yes\nworkers = 2\n' >"$conf"
kill -HUP $epid
if wait_for 5 grep -q "SIGHUP: reloaded $conf (3 keys): applied reveal_secrets; needs a restart, still running the old value: workers" \
    "$tmp/stderr"; then
	ok "SIGHUP applies reveal_secrets, names workers as restart-only"
else
	bad "SIGHUP good: $(grep SIGHUP "$tmp/stderr" | tail -1)"
fi
if wait_for 5 test -s "$out"; then
	ok "SIGHUP reopened the output file after the move"
else
	bad "no new output file after SIGHUP"
fi
http_get bob:Looking-Glass-7
if wait_for 10 grep -q '"secret":"Looking-Glass-7"' "$out"; then
	ok "a login after the reload carries the secret (run-time key applied)"
else
	bad "reveal_secrets not applied: $(grep '"user":"bob"' "$out" "$out.1")"
fi
if grep -q '"user":"bob"' "$out.1"; then
	bad "a finding went to the rotated file after SIGHUP"
fi

# 6. signatures on SIGHUP.  A query-string login with field names the
# shipped list does not have is not a credential; a Basic login after it
# marks that the request was seen.
form_get() {
	ip netns exec "$ns" python3 -c '
import sys, urllib.request
urllib.request.urlopen("http://127.0.0.1:8080/?zzuser=%s&zzpass=%s" %
    (sys.argv[1], sys.argv[2]), timeout=5).read()' "$1" "$2" 2>/dev/null
}
form_get carol Rabbit-Hole-9
http_get dave:Tea-Party-3
if wait_for 10 grep -q '"user":"dave"' "$out" &&
    ! grep -q '"user":"carol"' "$out"; then
	ok "an unknown form field name is not a credential"
else
	bad "form fields before the reload: $(grep -c '"user":"carol"' "$out")"
fi
# a broken signature file: refused with FILE:LINE, the sensor keeps going
echo "NoSuchProtocol 22" >>"$tmp/sig/standard_ports.txt"
bl=$(wc -l <"$tmp/sig/standard_ports.txt" | tr -d ' ')
kill -HUP $epid
if wait_for 5 grep -q "SIGHUP: $tmp/sig/standard_ports.txt:$bl: 'NoSuchProtocol' is not a protocol nDPI knows; keeping the running configuration and signatures" \
    "$tmp/stderr" && sleep 0.5 && kill -0 $epid 2>/dev/null; then
	ok "SIGHUP with a broken signature file: FILE:LINE, keeps running"
else
	bad "SIGHUP broken signatures: $(grep SIGHUP "$tmp/stderr" | tail -1)"
fi
# fixed, and the form field names added: the same login is now found
sed -i '$d' "$tmp/sig/standard_ports.txt"
printf 'user zzuser\npassword zzpass\n' >>"$tmp/sig/http_form_fields.txt"
n0=$(grep -c 'SIGHUP: reloaded' "$tmp/stderr")
kill -HUP $epid
wait_for 5 test "$(grep -c 'SIGHUP: reloaded' "$tmp/stderr")" -gt "$n0"
sleep 0.5	# workers take the new tables at their next tick
form_get erin Cheshire-Cat-8
if wait_for 10 grep -q '"user":"erin"' "$out"; then
	ok "SIGHUP reloaded the signatures: the new form field is found"
else
	bad "new form field not found after the reload: $(grep SIGHUP "$tmp/stderr" | tail -1)"
fi

# 7. SIGTERM: exit 0 with the summary
n1=$(grep -c '^edgeward summary' "$tmp/stderr")
kill -TERM $epid
i=0
while kill -0 $epid 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
if kill -0 $epid 2>/dev/null; then
	bad "still running 10 s after SIGTERM"
	rc=1
else
	wait $epid
	rc=$?
fi
epid=""
n2=$(grep -c '^edgeward summary' "$tmp/stderr")
if [ "$rc" -eq 0 ] && [ "$n2" -eq $((n1 + 1)) ] &&
    grep -q 'cleartext_credential' "$tmp/stderr"; then
	ok "SIGTERM: exit 0 and the summary"
else
	bad "SIGTERM: exit $rc, summaries $n1 -> $n2: $(tail -5 "$tmp/stderr")"
fi
if grep -q 'Wonderland-42' "$tmp/stderr" "$tmp/stdout"; then
	bad "a secret on stderr or stdout"
fi

echo "live: $pass passed, $fail failed"
[ $fail -eq 0 ]
