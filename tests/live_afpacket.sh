#!/bin/sh
# live_afpacket.sh - live capture on AF_PACKET (sensor/afpacket.c) with two
# capture threads, over a veth pair between two network namespaces this
# test creates.  Captures with known findings are sent frame by frame from
# one side (a raw socket, in order); edgeward -w 2 captures on the other.
# Checks:
#  - the findings are those of an offline run over the same captures
#    (sorted; times and ids aside, one secret key for both runs), plain,
#    tunnelled (GRE, VXLAN, ERSPAN in VXLAN), VLAN-stacked, MPLS, IPv6,
#    fragmented and LLDP;
#  - every packet reached the thread that owns its address pair: the
#    per-worker packet counts equal the counts this script predicts with
#    the fanout program's hash for the plain captures, with no hand-off,
#    and the tunnelled ones were handed to their inner pair's owner;
#  - the kernel counters (received, drops, ring-full episodes, hand-offs)
#    are in the summary and in sensor_health with per-worker packets;
#  - capture_method = pcap (libpcap, a reader thread) finds the same.
# Skips (77) when not root or when namespaces cannot be created here.
set -u
srcdir=${srcdir:-.}
top=$(cd "$srcdir" && pwd)
bin=$(cd "$(dirname "${EDGEWARD:-./edgeward}")" && pwd)/$(basename "${EDGEWARD:-./edgeward}")
pass=0
fail=0
a=ewa$$
b=ewb$$
epid=""

if [ "$(id -u)" -ne 0 ]; then
	echo "live_afpacket: SKIP: needs root for network namespaces"
	exit 77
fi
command -v python3 >/dev/null 2>&1 ||
    { echo "live_afpacket: FAIL: python3 is missing"; exit 1; }
if ! ip netns add "$a" 2>/dev/null; then
	echo "live_afpacket: SKIP: cannot create a network namespace here"
	exit 77
fi
tmp=$(mktemp -d)
cleanup() {
	[ -n "$epid" ] && kill -KILL "$epid" 2>/dev/null
	ip netns del "$a" 2>/dev/null
	ip netns del "$b" 2>/dev/null
	# KEEP=1 keeps the files to look at
	if [ -n "${KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
if ! ip netns add "$b" ||
    ! ip link add va netns "$a" type veth peer name vb netns "$b"; then
	echo "live_afpacket: SKIP: cannot create a veth pair here"
	exit 77
fi
# No IPv6 autoconfiguration: only the frames sent here cross the link.
for ns in "$a" "$b"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$a" link set va up
ip -n "$b" link set vb up

ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }

c=$top/pcaps/crafted
plain="$c/many_pairs.pcap $c/eth_ftp_correlate.pcap $c/eth_ipv6_ftp.pcap"
other="$c/gre_ftp.pcap $c/vxlan_ftp.pcap $c/nested_erspan_vxlan_ftp.pcap \
$c/qinq_ftp.pcap $c/mpls_ftp.pcap $c/ipv4_frag_ooo.pcap $c/edge_lldp.pcap"
head -c 32 /dev/urandom >"$tmp/key"
chmod 600 "$tmp/key"

# Sends every frame of the captures on an interface, in order.
cat >"$tmp/send.py" <<'EOF'
import socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
n = 0
for path in sys.argv[2:]:
    d = open(path, "rb").read()
    off = 24
    while off + 16 <= len(d):
        caplen = struct.unpack("<I", d[off + 8:off + 12])[0]
        s.send(d[off + 16:off + 16 + caplen])
        off += 16 + caplen
        n += 1
        if n % 256 == 0:
            time.sleep(0.002)   # a pace two threads keep up with
print(n)
EOF
# Per-thread packet counts the fanout program gives to plain Ethernet
# IPv4/IPv6 frames (afpacket_owner() in Python), for n threads.
cat >"$tmp/predict.py" <<'EOF'
import struct, sys
n = int(sys.argv[1])
counts = [0] * n
def mix(h):
    h ^= h >> 16
    h = (h * 0x45d9f3b) & 0xffffffff
    return h ^ (h >> 16)
for path in sys.argv[2:]:
    d = open(path, "rb").read()
    off = 24
    while off + 16 <= len(d):
        caplen = struct.unpack("<I", d[off + 8:off + 12])[0]
        f = d[off + 16:off + 16 + caplen]
        off += 16 + caplen
        et = struct.unpack(">H", f[12:14])[0]
        if et == 0x0800:
            words = struct.unpack(">II", f[14 + 12:14 + 20])
        elif et == 0x86dd:
            words = struct.unpack(">8I", f[14 + 8:14 + 40])
        else:
            sys.exit("not plain IP: " + path)
        h = 0
        for w in words:
            h ^= w
        counts[mix(h) % n] += 1
print(" ".join(str(x) for x in counts))
EOF
# Findings without what differs between runs: times, ids, the sensor.
cat >"$tmp/norm.py" <<'EOF'
import json, sys
DROP = {"timestamp", "finding_id", "sensor", "first_seen", "last_seen", "of"}
def clean(x):
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items() if k not in DROP}
    if isinstance(x, list):
        return [clean(v) for v in x]
    return x
# Live, findings of two threads reach the publisher in either order: a
# reuse is reported on whichever login came second, its accounts in order.
FLOW = {"src_ip", "src_port", "dest_ip", "dest_port", "proto", "community_id"}
out = []
for line in open(sys.argv[1]):
    d = clean(json.loads(line))
    if d.get("kind") == "sensor_health":
        continue
    if d.get("kind") == "credential_reuse":
        d = {k: v for k, v in d.items() if k not in FLOW}
        d["credential_reuse"]["accounts"].sort(key=lambda a: json.dumps(a))
    out.append(json.dumps(d, sort_keys=True))
for line in sorted(out):
    print(line)
EOF

# run NAME CAPTURES [OPTIONS]: edgeward -w 2 on vb while the captures are
# sent on va; output in $tmp/NAME.json, summary in $tmp/NAME.err
run() {
	name=$1
	caps=$2
	shift 2
	ip netns exec "$b" "$bin" -i vb -w 2 -o "$tmp/$name.json" \
	    --set "secret_key_file=$tmp/key" --set health_interval=1 \
	    --set sensor_name=afp-test "$@" 2>"$tmp/$name.err" &
	epid=$!
	# capturing once the first health finding is out
	i=0
	while ! grep -q sensor_health "$tmp/$name.json" 2>/dev/null &&
	    [ $i -lt 50 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	ip netns exec "$a" python3 "$tmp/send.py" va $caps >"$tmp/$name.sent"
	sleep 1.5	# blocks retire in 10 ms; a health finding after the last
	kill -TERM $epid
	wait $epid
	echo $? >"$tmp/$name.rc"
	epid=""
}
# shellcheck disable=SC2086
offline() {
	o=$1
	caps=$2
	shift 2
	"$bin" -q -w 1 --set "secret_key_file=$tmp/key" --set sensor_name=afp-test \
	    -o "$tmp/$o.json" "$@" $caps
}
summary() { sed -n "s/^  $1  *//p" "$2"; }

# 1. plain captures: findings, per-thread counts, no hand-off
run plain "$plain"
offline plain_off "$(for f in $plain; do printf -- '-r %s ' "$f"; done)"
python3 "$tmp/norm.py" "$tmp/plain.json" >"$tmp/plain.n"
python3 "$tmp/norm.py" "$tmp/plain_off.json" >"$tmp/plain_off.n"
sent=$(cat "$tmp/plain.sent")
if [ "$(cat "$tmp/plain.rc")" = 0 ] && [ -s "$tmp/plain_off.n" ] &&
    cmp -s "$tmp/plain.n" "$tmp/plain_off.n"; then
	ok "plain: $(wc -l <"$tmp/plain.n") findings live = offline ($sent frames)"
else
	bad "plain: live and offline findings differ (exit $(cat "$tmp/plain.rc")): $(diff "$tmp/plain_off.n" "$tmp/plain.n" | head -4 | cut -c1-200)"
fi
# shellcheck disable=SC2086
want=$(python3 "$tmp/predict.py" 2 $plain)
got=$(summary "packets per worker" "$tmp/plain.err")
if [ -n "$got" ] && [ "$got" = "$want" ]; then
	ok "plain: packets per thread $got, each on its pair's owner"
else
	bad "plain: packets per thread '$got', the pair hash says '$want'"
fi
kc=$(summary "kernel capture" "$tmp/plain.err")
if echo "$kc" | grep -q "^$sent received, [0-9]* ring-full episodes, 0 handed to another thread$"; then
	ok "plain: kernel capture line: $kc"
else
	bad "plain: kernel capture line '$kc' (sent $sent)"
fi
if grep -q "^  drops  *kernel 0, ring 0, findings 0$" "$tmp/plain.err"; then
	ok "plain: no drops"
else
	bad "plain: $(grep '^  drops' "$tmp/plain.err")"
fi
h=$(grep '"kind":"sensor_health"' "$tmp/plain.json" | tail -1)
missing=""
for k in kernel_packets kernel_drops kernel_freezes handoffs ring_drops \
    worker0_packets worker1_packets; do
	echo "$h" | grep -q "\"$k\":[0-9]" || missing="$missing $k"
done
w0=$(echo "$h" | sed -n 's/.*"worker0_packets":\([0-9]*\).*/\1/p')
w1=$(echo "$h" | sed -n 's/.*"worker1_packets":\([0-9]*\).*/\1/p')
if [ -z "$missing" ] && [ "$w0 $w1" = "$want" ]; then
	ok "plain: sensor_health has the kernel counters and per-worker packets"
else
	bad "plain: sensor_health lacks:$missing; workers '$w0 $w1' want '$want'"
fi

# 2. tunnels, VLAN stack, MPLS, fragments, LLDP: handed to their owner.
# One login in each capture: without de-duplication, as the first of them
# to reach the publisher live is not always the first in the files.
run other "$other" --set dedup_window=0
offline other_off "$(for f in $other; do printf -- '-r %s ' "$f"; done)" \
    --set dedup_window=0
python3 "$tmp/norm.py" "$tmp/other.json" >"$tmp/other.n"
python3 "$tmp/norm.py" "$tmp/other_off.json" >"$tmp/other_off.n"
if [ "$(cat "$tmp/other.rc")" = 0 ] && [ -s "$tmp/other_off.n" ] &&
    cmp -s "$tmp/other.n" "$tmp/other_off.n"; then
	ok "encapsulated: $(wc -l <"$tmp/other.n") findings live = offline"
else
	bad "encapsulated: findings differ: $(diff "$tmp/other_off.n" "$tmp/other.n" | head -4 | cut -c1-200)"
fi
ho=$(summary "kernel capture" "$tmp/other.err" | sed -n 's/.* \([0-9]*\) handed to another thread$/\1/p')
if [ "${ho:-0}" -gt 0 ] &&
    grep -q "^  drops  *kernel 0, ring 0, findings 0$" "$tmp/other.err"; then
	ok "encapsulated: $ho packets handed to their inner pair's thread, none lost"
else
	bad "encapsulated: hand-offs '$ho', $(grep '^  drops' "$tmp/other.err")"
fi

# 3. libpcap (reader thread and rings) on the same link, same findings
run pcap "$plain" --set capture_method=pcap
python3 "$tmp/norm.py" "$tmp/pcap.json" >"$tmp/pcap.n"
if [ "$(cat "$tmp/pcap.rc")" = 0 ] && cmp -s "$tmp/pcap.n" "$tmp/plain_off.n"; then
	ok "capture_method = pcap: same findings through libpcap"
else
	bad "capture_method = pcap: $(diff "$tmp/plain_off.n" "$tmp/pcap.n" | head -3 | cut -c1-200)"
fi

echo "live_afpacket: $pass passed, $fail failed"
[ $fail -eq 0 ]
