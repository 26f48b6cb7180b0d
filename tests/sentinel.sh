#!/bin/sh
# sentinel.sh - Redis Sentinel failover without loss, with real servers on
# loopback ports chosen here: a master and a replica (both requirepass,
# the password in a file), three sentinels (requirepass too, their password
# in another file; quorum 2, down-after 1000 ms).
#   1. edgeward finds the master through the sentinels (AUTH to both) and
#      publishes a short run;
#   2. failover in the middle of a run: many_pairs.pcap (3000 findings) is
#      fed through a FIFO over ~8 s; after 2 s the master is killed
#      (SIGKILL).  The sentinels promote the replica; edgeward spools
#      meanwhile, asks the sentinels again, checks the in-flight findings
#      against the new master's stream and replays the spool there.  Every
#      finding of the run is in the stream exactly once, in order (by
#      finding_id), nothing is left in the spool, and the times (kill,
#      +switch-master, edgeward's reconnect) are printed;
#   3. the old master comes back as a replica of the new one: a run still
#      writes to the new master (ROLE checked), never to the old one;
#   4. wrong sentinel password: one clear line, findings spooled, exit 0,
#      no password in any output.
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=$(cd "$(dirname "${EDGEWARD:-./edgeward}")" && pwd)/$(basename "${EDGEWARD:-./edgeward}")
tmp=$(mktemp -d)
pids=""
wpid=""
cleanup() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	[ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
pass=0
fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }

for t in redis-server redis-cli python3; do
	command -v $t >/dev/null 2>&1 ||
	    { echo "sentinel: FAIL: $t is missing (./setup.sh installs it)"; exit 1; }
done
set -- $(python3 -c '
import socket
ss = [socket.socket() for _ in range(5)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
pm=$1 pr=$2 s1=$3 s2=$4 s3=$5
mpw=master-pw-7a1c
spw=sentinel-pw-93bd
printf '%s\n' "$mpw" >"$tmp/master.pw"
printf '%s\n' "$spw" >"$tmp/sentinel.pw"
chmod 600 "$tmp/master.pw" "$tmp/sentinel.pw"
now_ms() { python3 -c 'import time; print(int(time.time() * 1000))'; }
rcli() { port=$1; shift; redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning -a "$mpw" "$@"; }
scli() { port=$1; shift; redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning -a "$spw" "$@"; }
# start_redis PORT [options]: a data server; its pid in $last
start_redis() {
	port=$1
	shift
	mkdir -p "$tmp/r$port"
	redis-server --bind 127.0.0.1 --port "$port" --dir "$tmp/r$port" \
	    --save '' --appendonly no --requirepass "$mpw" --masterauth "$mpw" \
	    --repl-diskless-sync-delay 0 \
	    --logfile "$tmp/r$port/log" "$@" &
	last=$!
	pids="$pids $last"
	i=0
	until rcli "$port" PING 2>/dev/null | grep -q PONG; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "sentinel: redis-server :$port did not start"; exit 1; }
		sleep 0.1
	done
}
start_redis "$pm"
mpid=$last
start_redis "$pr" --replicaof 127.0.0.1 "$pm"
# In sync before anything is written: a replica still waiting for its first
# full copy would lose, with the master, all that was written meanwhile.
i=0
until rcli "$pr" INFO replication 2>/dev/null | grep -q '^master_link_status:up'; do
	i=$((i + 1))
	[ $i -gt 300 ] && { echo "sentinel: the replica did not sync"; exit 1; }
	sleep 0.1
done
for s in $s1 $s2 $s3; do
	mkdir -p "$tmp/s$s"
	cat >"$tmp/s$s/sentinel.conf" <<EOF
port $s
bind 127.0.0.1
dir $tmp/s$s
logfile $tmp/s$s/log
requirepass $spw
sentinel sentinel-pass $spw
sentinel monitor mymaster 127.0.0.1 $pm 2
sentinel auth-pass mymaster $mpw
sentinel down-after-milliseconds mymaster 1000
sentinel failover-timeout mymaster 10000
sentinel parallel-syncs mymaster 1
EOF
	redis-server "$tmp/s$s/sentinel.conf" --sentinel &
	pids="$pids $!"
done
# Ready: every sentinel knows the replica and the two other sentinels.
i=0
for s in $s1 $s2 $s3; do
	until [ "$(scli "$s" SENTINEL replicas mymaster 2>/dev/null | grep -c "^$pr$")" -ge 1 ] &&
	    [ "$(scli "$s" SENTINEL sentinels mymaster 2>/dev/null | grep -c '^name$')" -ge 2 ]; do
		i=$((i + 1))
		[ $i -gt 300 ] && { echo "sentinel: sentinels did not settle"; exit 1; }
		sleep 0.1
	done
done
sentinels="127.0.0.1:$s1,127.0.0.1:$s2,127.0.0.1:$s3"
common="--set redis_sentinels=$sentinels --set redis_master_name=mymaster
--set redis_sentinel_password_file=$tmp/sentinel.pw
--set redis_password_file=$tmp/master.pw --set spool_dir=$tmp/spool"
stream_ids() { rcli "$1" --raw XRANGE edgeward:findings - + | awk 'p == "finding_id" { print } { p = $0 }'; }
file_ids() { sed 's/.*"finding_id":"\([^"]*\)".*/\1/' "$@"; }

# 1. through the sentinels
# shellcheck disable=SC2086
"$bin" -r "$top/pcaps/recorded/ftp.pcap" -r "$top/pcaps/recorded/http_basic.pcap" \
    $common -o "$tmp/one.json" >/dev/null 2>"$tmp/one.err"
file_ids "$tmp/one.json" >"$tmp/one.want"
stream_ids "$pm" >"$tmp/one.got"
if [ -s "$tmp/one.want" ] && cmp -s "$tmp/one.want" "$tmp/one.got" &&
    grep -q "the sentinels name 127.0.0.1:$pm master 'mymaster'" "$tmp/one.err"; then
	ok "master found through the sentinels (AUTH to both): $(wc -l <"$tmp/one.want") findings in its stream"
else
	bad "run one: $(cat "$tmp/one.err")"
fi
rcli "$pm" DEL edgeward:findings >/dev/null
# Let the replica catch up with the DEL before the failover run.
sleep 0.5

# 2. failover in the middle of a run
mkfifo "$tmp/fifo"
python3 - "$tmp/fifo" 8 "$top/pcaps/crafted/many_pairs.pcap" <<'EOF' &
# Writes the capture into the FIFO spread over SECONDS.
import struct, sys, time
out, secs, f = sys.argv[1], float(sys.argv[2]), sys.argv[3]
d = open(f, "rb").read()
head, off, recs = d[:24], 24, []
while off + 16 <= len(d):
    n = struct.unpack("<I", d[off + 8:off + 12])[0]
    recs.append(d[off:off + 16 + n])
    off += 16 + n
with open(out, "wb", buffering=0) as o:
    o.write(head)
    t0 = time.monotonic()
    for i, r in enumerate(recs):
        o.write(r)
        lag = t0 + secs * (i + 1) / len(recs) - time.monotonic()
        if lag > 0:
            time.sleep(lag)
EOF
wpid=$!
t_start=$(now_ms)
# shellcheck disable=SC2086
"$bin" -r "$tmp/fifo" $common -o "$tmp/two.json" >/dev/null 2>"$tmp/two.err" &
epid=$!
sleep 2
t_kill=$(now_ms)
kill -9 "$mpid"
wait "$mpid" 2>/dev/null
# When the first finding reaches the replica as master (XLEN grows).
t_first=""
base=$(rcli "$pr" XLEN edgeward:findings 2>/dev/null)
while kill -0 "$epid" 2>/dev/null; do
	n=$(rcli "$pr" XLEN edgeward:findings 2>/dev/null)
	if [ -n "$n" ] && [ -n "$base" ] && [ "$n" -gt "$base" ] &&
	    rcli "$pr" ROLE 2>/dev/null | head -1 | grep -q master; then
		t_first=$(now_ms)
		break
	fi
	sleep 0.05
done
wait "$epid"
erc=$?
t_end=$(now_ms)
wait "$wpid" 2>/dev/null
wpid=""
# the new master, as the sentinels say
new=$(scli "$s1" SENTINEL get-master-addr-by-name mymaster 2>/dev/null | sed -n 2p)
file_ids "$tmp/two.json" >"$tmp/two.want"
stream_ids "$new" >"$tmp/two.got"
nwant=$(wc -l <"$tmp/two.want")
ngot=$(wc -l <"$tmp/two.got")
nuniq=$(sort -u "$tmp/two.got" | wc -l)
lost=$(sort "$tmp/two.want" | comm -23 - "$(sort "$tmp/two.got" >"$tmp/two.got.sorted"; echo "$tmp/two.got.sorted")" | wc -l)
dups=$((ngot - nuniq))
echo "sentinel: produced $nwant, in the new master's stream $ngot ($nuniq distinct), lost $lost, duplicated $dups"
if [ "$erc" -eq 0 ] && [ "$new" = "$pr" ] && [ "$nwant" -eq 3000 ] &&
    cmp -s "$tmp/two.want" "$tmp/two.got"; then
	ok "failover mid-run: all $nwant findings in the new master's stream (:$pr) exactly once, in order"
else
	bad "failover: exit $erc, new master ${new:-?}, produced $nwant, got $ngot, lost $lost, dup $dups"
	grep edgeward: "$tmp/two.err" | head -20
fi
spooled=$(sed -n 's/.*redis  *produced [0-9]* = published [0-9]* + spooled \([0-9]*\) .*/\1/p' "$tmp/two.err")
if grep -q "connection lost\|cannot connect\|no reply" "$tmp/two.err" &&
    grep -q "the sentinels name 127.0.0.1:$pr master 'mymaster', was 127.0.0.1:$pm" "$tmp/two.err" &&
    grep -q "recovered, [1-9][0-9]* replayed" "$tmp/two.err" && [ "${spooled:-x}" = 0 ]; then
	ok "edgeward spooled during the failover, asked the sentinels, replayed ($(grep -o 'recovered, [0-9]* replayed' "$tmp/two.err" | tail -1)); spool empty"
else
	bad "failover log: $(grep -e 'edgeward:' -e produced "$tmp/two.err" | head -12)"
fi
if [ -z "$(ls "$tmp/spool" 2>/dev/null | grep -v lock)" ]; then
	ok "no spool segment left"
else
	bad "spool left: $(ls "$tmp/spool")"
fi
sw=$(grep -h "+switch-master" "$tmp"/s*/log | head -1 |
    sed 's/^[0-9]*:X \(.* [0-9:.]*\) # +switch.*/\1/')
t_sw=$(python3 -c 'import sys, datetime
print(int(datetime.datetime.strptime(sys.argv[1], "%d %b %Y %H:%M:%S.%f").timestamp() * 1000))' "$sw" 2>/dev/null)
echo "sentinel: run $((t_end - t_start)) ms; master killed at +$((t_kill - t_start)) ms;" \
    "+switch-master $((${t_sw:-0} - t_kill)) ms after the kill;" \
    "first finding on the new master $((${t_first:-0} - t_kill)) ms after the kill"
grep "edgeward:" "$tmp/two.err" | sed 's/^/sentinel:   /' | head -12

# 3. the old master back, as a replica of the new one
start_redis "$pm"
i=0
until rcli "$pm" ROLE 2>/dev/null | head -1 | grep -q slave; do
	i=$((i + 1))
	[ $i -gt 200 ] && break
	sleep 0.1
done
rcli "$new" DEL edgeward:findings >/dev/null
# shellcheck disable=SC2086
"$bin" -r "$top/pcaps/recorded/ftp.pcap" $common -o "$tmp/three.json" >/dev/null 2>"$tmp/three.err"
file_ids "$tmp/three.json" >"$tmp/three.want"
stream_ids "$new" >"$tmp/three.got"
if [ "$(rcli "$pm" ROLE | head -1)" = slave ] && [ -s "$tmp/three.want" ] &&
    cmp -s "$tmp/three.want" "$tmp/three.got"; then
	ok "old master back as a replica: findings go to the new master"
else
	bad "after the old master's return: $(rcli "$pm" ROLE | head -1), $(cat "$tmp/three.err" | grep edgeward: | head -3)"
fi

# 4. wrong sentinel password
printf 'not-the-password\n' >"$tmp/wrong.pw"
# shellcheck disable=SC2086
"$bin" -r "$top/pcaps/recorded/ftp.pcap" $common \
    --set "redis_sentinel_password_file=$tmp/wrong.pw" -o "$tmp/four.json" \
    >"$tmp/four.out" 2>"$tmp/four.err"
rc=$?
n4=$(wc -l <"$tmp/four.json")
if [ $rc -eq 0 ] && [ "$(grep -c 'no sentinel named the master' "$tmp/four.err")" -eq 1 ] &&
    grep -q "spooled $n4 " "$tmp/four.err" &&
    ! grep -q -e "$spw" -e "$mpw" -e not-the-password "$tmp/four.err" "$tmp/four.out" \
        "$tmp/two.err" "$tmp/one.err"; then
	ok "wrong sentinel password: one line, $n4 findings spooled, exit 0, no password shown"
else
	bad "wrong sentinel password: rc $rc: $(grep -e edgeward: -e produced "$tmp/four.err" | head -4)"
fi

echo "sentinel: $pass passed, $fail failed"
[ $fail -eq 0 ]
