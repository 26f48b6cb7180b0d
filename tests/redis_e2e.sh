#!/bin/sh
# redis_e2e.sh - edgeward's Redis sink end to end against a real
# redis-server on a free loopback port (its own directory, append-only file
# so a restart keeps what it acknowledged):
#   1. an offline run publishes every finding: the stream's json fields are
#      the run's JSON lines, in order, with the same finding_ids;
#   2. Redis down: the run spools everything, exits 0, says so once;
#      Redis back: the next run delivers the spooled findings first, then
#      its own, none lost and none twice (by finding_id);
#   3. Redis stopped and restarted in the middle of a slowed run (the
#      capture fed through a FIFO by a small writer): every finding of the
#      run ends up in the stream once, in order;
#   4. a wrong AUTH password: one clear line, findings spooled, exit 0, and
#      neither password in any output.
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=${EDGEWARD:-./edgeward}
tmp=$(mktemp -d)
rpid=""
wpid=""
cleanup() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
pass=0
fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }

for t in redis-server redis-cli python3; do
	command -v $t >/dev/null 2>&1 ||
	    { echo "redis_e2e: FAIL: $t is missing (./setup.sh installs it)"; exit 1; }
done
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cli() { redis-cli -h 127.0.0.1 -p "$port" "$@"; }
# redis_start [redis-server options...]
redis_start() {
	redis-server --bind 127.0.0.1 --port "$port" --dir "$tmp/redis" \
	    --appendonly yes --appendfsync always --save '' \
	    --logfile "$tmp/redis/log" "$@" &
	rpid=$!
	i=0
	until cli PING 2>/dev/null | grep -q PONG ||
	    cli PING 2>/dev/null | grep -q NOAUTH; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "redis_e2e: redis-server did not start"; exit 1; }
		sleep 0.1
	done
}
redis_stop() {
	cli "$@" SHUTDOWN >/dev/null 2>&1
	wait "$rpid" 2>/dev/null
	rpid=""
}
# The stream's json fields and finding_ids, in stream order.
stream_json() { cli --raw XRANGE edgeward:findings - + | awk 'p == "json" { print } { p = $0 }'; }
stream_ids() { cli --raw XRANGE edgeward:findings - + | awk 'p == "finding_id" { print } { p = $0 }'; }
# The finding's own id leads the line (a handoff lists its steps' ids too).
file_ids() { sed 's/^{"timestamp":"[^"]*","finding_id":"\([^"]*\)".*/\1/' "$@"; }
# run NAME [edgeward options...]: offline run to Redis and a JSON file
run() {
	name=$1
	shift
	"$bin" -r "$top/pcaps/recorded/ftp.pcap" \
	    -r "$top/pcaps/recorded/http_basic.pcap" "$@" \
	    --redis "redis://127.0.0.1:$port" --set "spool_dir=$tmp/spool" \
	    -o "$tmp/$name.json" >"$tmp/$name.stdout" 2>"$tmp/$name.err"
}
mkdir "$tmp/redis"
redis_start

# 1. round trip
run one
if [ $? -eq 0 ] && [ -s "$tmp/one.json" ]; then
	stream_json >"$tmp/one.stream"
	if cmp -s "$tmp/one.json" "$tmp/one.stream"; then
		ok "stream json fields = the run's JSON lines ($(wc -l <"$tmp/one.json") findings)"
	else
		bad "stream differs from the JSON lines:"
		diff "$tmp/one.json" "$tmp/one.stream" | head -5
	fi
	if grep -q "redis .*produced $(wc -l <"$tmp/one.json") = published $(wc -l <"$tmp/one.json") + spooled 0" \
	    "$tmp/one.err"; then
		ok "summary: all published"
	else
		bad "summary: $(grep produced "$tmp/one.err")"
	fi
else
	bad "run one: $(cat "$tmp/one.err")"
fi
if python3 "$top/tests/validate.py" "$top/man/edgeward-findings.schema.json" \
    "$tmp/one.stream" >/dev/null; then
	ok "stream findings validate against the schema"
else
	bad "stream findings do not validate"
fi
cli DEL edgeward:findings >/dev/null

# 2. outage between runs
redis_stop
run two
n2=$(wc -l <"$tmp/two.json")
if [ $? -eq 0 ] && grep -q "spooled $n2 " "$tmp/two.err" &&
    [ "$(grep -c 'cannot connect' "$tmp/two.err")" -eq 1 ]; then
	ok "Redis down: all $n2 findings spooled, the outage said once"
else
	bad "Redis down: $(grep -e redis -e produced "$tmp/two.err")"
fi
redis_start
run three
file_ids "$tmp/two.json" "$tmp/three.json" >"$tmp/want.ids"
stream_ids >"$tmp/got.ids"
if cmp -s "$tmp/want.ids" "$tmp/got.ids"; then
	ok "Redis back: spooled findings first, then the new run's; none lost or twice"
else
	bad "after the outage, stream ids differ:"
	diff "$tmp/want.ids" "$tmp/got.ids" | head -10
fi
if [ -z "$(ls "$tmp/spool" | grep -v lock)" ] ||
    ! grep -q "spooled [1-9]" "$tmp/three.err"; then
	ok "spool empty after delivery"
else
	bad "spool left: $(grep produced "$tmp/three.err")"
fi
cli DEL edgeward:findings >/dev/null

# 3. outage in the middle of a slowed run
mkfifo "$tmp/fifo"
python3 "$top/tests/pcap_slow.py" "$tmp/fifo" 6 "$top"/pcaps/recorded/*.pcap &
wpid=$!
"$bin" -r "$tmp/fifo" --redis "redis://127.0.0.1:$port" \
    --set "spool_dir=$tmp/spool" -o "$tmp/four.json" \
    >/dev/null 2>"$tmp/four.err" &
epid=$!
sleep 2
redis_stop
sleep 1.5
redis_start
wait $wpid
wpid=""
wait $epid
rc=$?
# What could not be delivered before the end waits in the spool: a run
# without findings delivers it.
if grep -q "spooled [1-9]" "$tmp/four.err"; then
	"$bin" -q -r "$top/pcaps/recorded/dns.pcap" \
	    --redis "redis://127.0.0.1:$port" --set "spool_dir=$tmp/spool" \
	    >/dev/null 2>"$tmp/five.err"
fi
file_ids "$tmp/four.json" >"$tmp/want.ids"
stream_ids >"$tmp/got.ids"
n4=$(wc -l <"$tmp/want.ids")
if [ $rc -eq 0 ] && [ "$n4" -gt 20 ] && cmp -s "$tmp/want.ids" "$tmp/got.ids" &&
    grep -q "connection lost\|no reply\|cannot connect\|spooling" "$tmp/four.err"; then
	ok "Redis restarted mid-run: all $n4 findings in the stream once, in order"
else
	bad "mid-run outage (exit $rc, $n4 findings):"
	grep -v '^ ' "$tmp/four.err" | head -5
	diff "$tmp/want.ids" "$tmp/got.ids" | head -10
fi
redis_stop

# 4. wrong password
rm -rf "$tmp/spool"
redis_start --requirepass 'Right-Pw-5150'
printf 'Wrong-Pw-2112\n' >"$tmp/pw"
"$bin" -r "$top/pcaps/recorded/ftp.pcap" --redis "redis://127.0.0.1:$port" \
    --set "redis_password_file=$tmp/pw" --set "spool_dir=$tmp/spool" \
    -o "$tmp/six.json" >"$tmp/six.stdout" 2>"$tmp/six.err"
rc=$?
n6=$(wc -l <"$tmp/six.json")
if [ $rc -eq 0 ] && [ "$(grep -c 'edgeward: redis' "$tmp/six.err")" -eq 1 ] &&
    grep -qi "auth" "$tmp/six.err" && grep -q "spooled $n6 " "$tmp/six.err"; then
	ok "wrong password: $(grep 'edgeward: redis' "$tmp/six.err")"
else
	bad "wrong password (exit $rc): $(grep -e redis -e produced "$tmp/six.err")"
fi
"$bin" -q -r "$top/pcaps/recorded/ftp.pcap" \
    --redis "redis://:Wrong-Pw-2112@127.0.0.1:$port" \
    --set "spool_dir=$tmp/spool" >>"$tmp/six.stdout" 2>>"$tmp/six.err"
if grep -rq -e 'Wrong-Pw' -e 'Right-Pw' "$tmp/six.stdout" "$tmp/six.err" \
    "$tmp/six.json" "$tmp/spool"; then
	bad "a password in the output or the spool"
else
	ok "no password in stdout, stderr, the JSON file or the spool"
fi
redis_stop -a 'Right-Pw-5150' --no-auth-warning

echo "redis_e2e: $pass passed, $fail failed"
[ $fail -eq 0 ]
