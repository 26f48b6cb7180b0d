#!/bin/sh
# redis_wait.sh - what Redis WAIT would cost the Redis sink: a master and a
# replica on loopback ports, then N finding-sized XADDs (700 bytes)
# pipelined in batches of 64 as the sink sends them, (a) as edgeward does
# (no WAIT), (b) with WAIT 1 after every batch, (c) with WAIT 1 after every
# XADD.  Prints findings/s and the mean latency until acknowledged.
# Usage: bench/redis_wait.sh [N]   (default 20000)
set -eu
n=${1:-20000}
tmp=$(mktemp -d)
trap 'kill $mp $rp 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
set -- $(python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
pm=$1 pr=$2
redis-server --bind 127.0.0.1 --port "$pm" --save '' --appendonly no \
    --dir "$tmp" --logfile "$tmp/m.log" --repl-diskless-sync-delay 0 & mp=$!
redis-server --bind 127.0.0.1 --port "$pr" --save '' --appendonly no \
    --dir "$tmp" --logfile "$tmp/r.log" --replicaof 127.0.0.1 "$pm" & rp=$!
until redis-cli -p "$pr" INFO replication 2>/dev/null | grep -q 'master_link_status:up'; do
	sleep 0.1
done
python3 - "$pm" "$n" <<'PY'
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
buf = b""
def cmd(*a):
    out = b"*%d\r\n" % len(a)
    for x in a:
        x = x if isinstance(x, bytes) else str(x).encode()
        out += b"$%d\r\n%s\r\n" % (len(x), x)
    return out
def replies(k):
    global buf
    got = 0
    while got < k:
        while b"\r\n" not in buf:
            buf += s.recv(1 << 20)
        # every reply here is one line: $-bulk (stream id) or :int
        line, rest = buf.split(b"\r\n", 1)
        if line[:1] == b"$":
            ln = int(line[1:])
            while len(rest) < ln + 2:
                rest += s.recv(1 << 20)
            buf = rest[ln + 2:]
        else:
            buf = rest
        got += 1
body = b"x" * 700
def run(mode):
    s.sendall(cmd("DEL", "bench"))
    replies(1)
    t0 = time.perf_counter()
    lat = 0.0
    for b in range(0, n, 64):
        k = min(64, n - b)
        out = b""
        nrep = 0
        for i in range(k):
            out += cmd("XADD", "bench", "MAXLEN", "~", 100000, "*", "json", body)
            nrep += 1
            if mode == "each":
                out += cmd("WAIT", 1, 1000)
                nrep += 1
        if mode == "batch":
            out += cmd("WAIT", 1, 1000)
            nrep += 1
        t = time.perf_counter()
        s.sendall(out)
        replies(nrep)
        lat += (time.perf_counter() - t) * k
    dt = time.perf_counter() - t0
    print("%-26s %8.0f findings/s  %6.3f ms mean until acknowledged" %
          ({"none": "no WAIT (edgeward)", "batch": "WAIT 1 per 64-batch",
            "each": "WAIT 1 per finding"}[mode], n / dt, 1000 * lat / n))
for mode in ("none", "batch", "each"):
    run(mode)
PY
