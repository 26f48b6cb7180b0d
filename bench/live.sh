#!/bin/bash
# bench/live.sh - live capture at the fastest replay this machine makes:
# edgeward (AF_PACKET with 1 and 2 capture threads, the kernel-hash fanout
# and libpcap for comparison), tcpdump and Suricata 7 side by side.
#
# Usage: bench/live.sh [CAPTURE]     (as root)
# Environment:
#   EDGEWARD      the sensor binary (default ./edgeward)
#   LIVE_PACKETS  packets of the generated subset of the benchmark mix
#                 (bench/gen_mix.py, default 300000); ignored with CAPTURE
#   LIVE_RUNS     replays per tool (default 1; the table shows each)
#
# It creates two network namespaces joined by a veth pair, replays the
# capture with tcpreplay --topspeed into one end and runs each tool on the
# other end, one after another, with the same kernel buffer (64 MiB).
# Columns:
#   offered pps   tcpreplay's rate (what it pushed into the veth)
#   delivered     packets the receiving veth counted (rx_packets); a veth
#                 drops at its peer's backlog before any capture sees them
#   counted       packets the tool reports having seen
#   kernel drops  the capture socket's drops (ring full)
#   other drops   edgeward: ring (hand-off) drops; Suricata: its own
#   handoffs      edgeward on AF_PACKET: packets decoded by one thread and
#                 given to the thread owning their address pair
# Installs tcpreplay when missing; Suricata from bookworm-backports when
# missing (adds that source to apt if needed), and runs without it if that
# fails.  Skips (exit 0 with a note) when not root or when namespaces
# cannot be created.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
edgeward=${EDGEWARD:-./edgeward}
runs=${LIVE_RUNS:-1}
a=bla$$
b=blb$$

if [ "$(id -u)" -ne 0 ]; then
	echo "bench/live.sh: needs root (network namespaces, raw sockets); skipped"
	exit 0
fi
if [ ! -x "$edgeward" ]; then
	echo "bench/live.sh: no $edgeward (build first or set EDGEWARD)" >&2
	exit 1
fi
need_pkg() {	# need_pkg COMMAND PACKAGE [APT OPTIONS]
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "installing $2 (for $1)" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${@:3}" "$2" \
	    >/dev/null
}
need_pkg tcpreplay tcpreplay || { echo "no tcpreplay" >&2; exit 1; }
need_pkg tcpdump tcpdump
if ! command -v suricata >/dev/null 2>&1; then
	if ! grep -rqs bookworm-backports /etc/apt/sources.list \
	    /etc/apt/sources.list.d/; then
		echo "deb http://deb.debian.org/debian bookworm-backports main" \
		    >/etc/apt/sources.list.d/bookworm-backports.list
		apt-get update -q >/dev/null 2>&1
	fi
	need_pkg suricata suricata -t bookworm-backports ||
	    echo "note: no suricata (Debian 12: bookworm-backports)" >&2
fi

cap=${1:-}
if [ -z "$cap" ]; then
	n=${LIVE_PACKETS:-300000}
	cap=$here/data/mix_$n.pcap
	mkdir -p "$here/data"
	if [ ! -f "$cap" ]; then
		echo "generating $cap" >&2
		python3 "$here/gen_mix.py" --packets "$n" -o "$cap" >/dev/null
	fi
fi
[ -r "$cap" ] || { echo "cannot read $cap" >&2; exit 1; }

if ! ip netns add "$a" 2>/dev/null; then
	echo "bench/live.sh: cannot create network namespaces here; skipped"
	exit 0
fi
tmp=$(mktemp -d)
tpid=""
cleanup() {
	[ -n "$tpid" ] && kill -KILL "$tpid" 2>/dev/null
	ip netns del "$a" 2>/dev/null
	ip netns del "$b" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$b"
ip link add va netns "$a" type veth peer name vb netns "$b"
for ns in "$a" "$b"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$a" link set va mtu 9000 up
ip -n "$b" link set vb mtu 9000 up

rx() { ip netns exec "$b" cat /sys/class/net/vb/statistics/rx_packets; }

# replay: tcpreplay at top speed into va; sets pps (offered) and delivered
replay() {
	local r0 r1
	r0=$(rx)
	ip netns exec "$a" tcpreplay --topspeed -i va "$cap" >"$tmp/replay" 2>&1
	sleep 1
	r1=$(rx)
	delivered=$((r1 - r0))
	pps=$(sed -n 's/.* \([0-9.]*\) pps.*/\1/p' "$tmp/replay" | head -1)
	pps=${pps%.*}
}

# stop PID: SIGTERM (SIGINT for tcpdump) and wait
stop() {
	kill -"${2:-TERM}" "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	tpid=""
}


row() {
	printf '%-26s %12s %10s %10s %12s %11s %9s\n' "$@"
}

# edgeward NAME OPTIONS...
run_edgeward() {
	local name=$1
	shift
	ip netns exec "$b" "$edgeward" -i vb -o /dev/null --set buffer_mb=64 "$@" \
	    2>"$tmp/ew.err" &
	tpid=$!
	sleep 2		# nDPI and the rings are set up
	replay
	stop "$tpid"
	local pk kd rd ho
	pk=$(sed -n 's/^  packets  *\([0-9]*\)$/\1/p' "$tmp/ew.err")
	kd=$(sed -n 's/^  drops  *kernel \([0-9]*\), ring.*/\1/p' "$tmp/ew.err")
	rd=$(sed -n 's/^  drops  *kernel [0-9]*, ring \([0-9]*\),.*/\1/p' "$tmp/ew.err")
	ho=$(sed -n 's/.* \([0-9]*\) handed to another thread$/\1/p' "$tmp/ew.err")
	row "$name" "${pps:-?}" "$delivered" "${pk:-?}" "${kd:-?}" "${rd:-?}" \
	    "${ho:--}"
}

run_tcpdump() {
	ip netns exec "$b" tcpdump -i vb -B 65536 -s 65535 -w /dev/null \
	    2>"$tmp/td.err" &
	tpid=$!
	sleep 1
	replay
	stop "$tpid" INT
	local pk kd
	pk=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$tmp/td.err")
	kd=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$tmp/td.err")
	row tcpdump "${pps:-?}" "$delivered" "${pk:-?}" "${kd:-?}" - -
}

# Suricata 7 without rules in its workers mode on AF_PACKET (a thread per
# core, cluster_flow fanout), its stats at exit read from its log; its
# buffer-size is per thread, so 64 MiB is split as edgeward splits it.
run_suricata() {
	mkdir -p "$tmp/suri"
	# bench/suricata.yaml and an af-packet section (--set cannot add one)
	{ cat "$here/suricata.yaml"
	  printf 'af-packet:\n  - interface: vb\n    cluster-id: 98\n'
	  printf '    cluster-type: cluster_flow\n    defrag: yes\n'
	  printf '    tpacket-v3: yes\n    buffer-size: %d\n' \
	      $((64 * 1048576 / $(nproc)))
	} >"$tmp/suricata.yaml"
	ip netns exec "$b" suricata -c "$tmp/suricata.yaml" --af-packet=vb \
	    --runmode workers -l "$tmp/suri" -k none -vv \
	    >"$tmp/su.out" 2>&1 &
	tpid=$!
	local i=0
	while ! grep -qs "threads initialized\|Engine started" "$tmp/su.out" &&
	    [ $i -lt 60 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	sleep 1
	replay
	stop "$tpid"
	local pk kd
	# "device: vb: packets: N, drops: D (x%), invalid chksum: 0"
	pk=$(sed -n 's/.*device: vb: packets: \([0-9]*\),.*/\1/p' "$tmp/su.out")
	kd=$(sed -n 's/.*device: vb: packets: [0-9]*, drops: \([0-9]*\).*/\1/p' \
	    "$tmp/su.out")
	# its count includes the drops, as AF_PACKET's tp_packets does
	[ -n "$pk" ] && [ -n "$kd" ] && pk=$((pk - kd))
	row "suricata (workers, AF_PACKET)" "${pps:-?}" "$delivered" "${pk:-?}" \
	    "${kd:-?}" - -
}

echo "capture: $cap ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-26s %12s %10s %10s %12s %11s %9s\n' tool "offered pps" delivered \
    counted "kernel drops" "other drops" handoffs
for r in $(seq 1 "$runs"); do
	run_edgeward "edgeward -w 1" -w 1
	run_edgeward "edgeward -w 2" -w 2
	run_edgeward "edgeward -w 2 fanout=hash" -w 2 --set afpacket_fanout=hash
	run_edgeward "edgeward -w 2 libpcap" -w 2 --set capture_method=pcap
	run_tcpdump
	if command -v suricata >/dev/null 2>&1; then
		run_suricata
	fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
