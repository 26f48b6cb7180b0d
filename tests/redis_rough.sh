#!/bin/sh
# redis_rough.sh - the Redis sink's rough edges (issue 13, defect 8), each
# against a real server on a free loopback port, the capture fed slowly
# through a FIFO so the sink retries many times:
#  1. requirepass set and no password configured: one line says what to do
#     (the password file or URL), findings are spooled; before, a line per
#     retry ("connected", "XADD refused", "cannot check ...").
#  2. a server that refuses writes and checks in turn (a small RESP
#     server, tests/redis_flaky.py): at most one line per distinct trouble
#     and one saying how many were held back; before, a line per retry.
#  3. an offline run that ends while the link waits in its retry backoff,
#     with Redis back: the run tries once more at its end and delivers the
#     spool (published 2, spooled 0); before, the findings stayed spooled.
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=${EDGEWARD:-./edgeward}
tmp=$(mktemp -d)
rpid=""
cleanup() {
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
	    { echo "redis_rough: FAIL: $t is missing (./setup.sh installs it)"; exit 1; }
done
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cli() { redis-cli -h 127.0.0.1 -p "$port" "$@"; }
mkdir "$tmp/redis"
redis_start() {
	redis-server --bind 127.0.0.1 --port "$port" --dir "$tmp/redis" \
	    --save '' --logfile "$tmp/redis/log" "$@" &
	rpid=$!
	i=0
	until cli PING 2>/dev/null | grep -q -e PONG -e NOAUTH; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "redis_rough: redis-server did not start"; exit 1; }
		sleep 0.1
	done
}
redis_stop() {
	kill "$rpid" 2>/dev/null
	wait "$rpid" 2>/dev/null
	rpid=""
}
# slow SECONDS: writes the recorded captures into $tmp/fifo as one pcap
# stream spread over SECONDS (in the background).
mkfifo "$tmp/fifo"
slow() {
	python3 "$top/tests/pcap_slow.py" "$tmp/fifo" "$1" \
	    "$top"/pcaps/recorded/*.pcap &
}
# run NAME: edgeward on the FIFO to Redis; stderr in $tmp/NAME.err.
run() {
	timeout -s KILL 60 "$bin" -r "$tmp/fifo" \
	    --redis "redis://127.0.0.1:$port" --set "spool_dir=$tmp/spool" \
	    -o /dev/null 2>"$tmp/$1.err"
}
redis_lines() { grep -c '^edgeward: redis' "$1"; }

# 1. requirepass, no password
redis_start --requirepass 'Req-Pw-7781'
slow 6
run auth
rc=$?
n=$(redis_lines "$tmp/auth.err")
if [ $rc -eq 0 ] && [ "$n" -eq 1 ] &&
    grep -q "requires a password and none is configured (put it in redis_password_file" "$tmp/auth.err" &&
    grep -q "published 0 + spooled [1-9][0-9]* + in flight 0 + dropped 0; [1-9][0-9]* errors, 0 replayed" "$tmp/auth.err"; then
	ok "requirepass, no password: one line says what to do, all spooled"
else
	bad "requirepass, no password: exit $rc, $n lines: $(grep -e '^edgeward: redis' -e produced "$tmp/auth.err" | head -8)"
fi
redis_stop
rm -rf "$tmp/spool"

# 2. writes and checks refused in turn
python3 "$top/tests/redis_flaky.py" "$port" &
rpid=$!
i=0
until cli PING 2>/dev/null | grep -q PONG; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "redis_rough: the flaky server did not start"; exit 1; }
	sleep 0.1
done
slow 6
run flaky
rc=$?
n=$(redis_lines "$tmp/flaky.err")
if [ $rc -eq 0 ] && [ "$n" -le 5 ] &&
    grep -q "more lines were held back" "$tmp/flaky.err" &&
    grep -q "dropped 0" "$tmp/flaky.err"; then
	ok "refusals in turn: $n lines, the rest counted: $(grep 'held back' "$tmp/flaky.err")"
else
	bad "refusals in turn: exit $rc, $n lines: $(grep '^edgeward: redis' "$tmp/flaky.err" | head -8)"
fi
redis_stop
rm -rf "$tmp/spool"

# 3. the run ends in the retry backoff, Redis back just before: the input
# is held open until Redis answers, then closed.
cap=$top/pcaps/recorded/ftp.pcap		# 2 findings
(cat "$cap"; while [ ! -e "$tmp/go" ]; do sleep 0.05; done) >"$tmp/fifo" &
timeout -s KILL 60 "$bin" -r "$tmp/fifo" --redis "redis://127.0.0.1:$port" \
    --set "spool_dir=$tmp/spool" -o /dev/null 2>"$tmp/end.err" &
epid=$!
sleep 6				# Redis down: the backoff grows past 3 s
redis_start
t0=$(date +%s%N)
touch "$tmp/go"
wait $epid
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
if [ $rc -eq 0 ] && [ "$(cli XLEN edgeward:findings)" = 2 ] &&
    grep -q "produced 2 = published 2 + spooled 0" "$tmp/end.err" &&
    [ $ms -lt 5000 ]; then
	ok "run ends in the backoff, Redis back: delivered at the end ($ms ms)"
else
	bad "end in backoff: exit $rc, $ms ms, stream $(cli XLEN edgeward:findings): $(grep -e '^edgeward: redis' -e produced "$tmp/end.err")"
fi

echo "redis_rough: $pass passed, $fail failed"
[ $fail -eq 0 ]
