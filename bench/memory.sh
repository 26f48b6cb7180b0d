#!/bin/bash
# bench/memory.sh - memory per flow: edgeward, ndpiReader and Suricata 7
# (no rules) on the same flood captures, side by side; then edgeward with
# its default memcap on a 5-million-flow SYN flood.
#
# Usage: bench/memory.sh
# Environment:
#   EDGEWARD    the sensor binary (default ./edgeward)
#   FLOOD_DIR   where the captures go (default bench/data; gitignored)
#
# Captures (bench/gen_flood.py, made when missing):
#   flood_syn_1m.pcap     1,000,000 SYN-only flows to port 80
#   flood_http_100k.pcap  100,000 completed short HTTP flows (9 packets)
#   flood_idle_100k.pcap  100,000 TLS flows classified, then idle (open)
#   flood_syn_5m.pcap     5,000,000 SYN-only flows
# Every flow of a capture is inside every idle timeout at its end, so each
# tool holds all of them at once: the table's "bytes/flow" is peak RSS
# divided by the flows; "above base" first takes off the RSS of the same
# tool on a one-packet capture (its fixed cost: nDPI's tables, rings ...).
# Memcaps are set to hold every flow: edgeward flow_memcap=8g; Suricata
# bench/suricata.yaml (flow, stream and reassembly memcaps 8 GiB, a 2^20
# flow hash, --runmode single); ndpiReader has no flow memcap.
# Peak RSS is /usr/bin/time's "Maximum resident set size".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
edgeward=${EDGEWARD:-./edgeward}
dir=${FLOOD_DIR:-$here/data}
mkdir -p "$dir"

need_pkg() {	# need_pkg COMMAND PACKAGE [APT OPTIONS]
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "installing $2 (for $1)" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${@:3}" "$2" \
		    >/dev/null
	fi
}
need_pkg /usr/bin/time time
need_pkg ndpiReader libndpi-bin
need_pkg bc bc
if ! command -v suricata >/dev/null 2>&1; then
	need_pkg suricata suricata -t bookworm-backports ||
	    echo "note: no suricata (Debian 12: bookworm-backports)" >&2
fi

gen() {	# gen KIND N FILE
	[ -f "$3" ] && return 0
	echo "generating $3" >&2
	/usr/bin/python3 "$here/gen_flood.py" "$1" "$2" -o "$3"
}
gen syn 1000000 "$dir/flood_syn_1m.pcap"
gen http 100000 "$dir/flood_http_100k.pcap"
gen idle 100000 "$dir/flood_idle_100k.pcap"
gen syn 5000000 "$dir/flood_syn_5m.pcap"
one=$dir/flood_one.pcap
[ -f "$one" ] || head -c $((24 + 16 + 54)) "$dir/flood_syn_1m.pcap" >"$one"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rss() {	# rss CMD...: peak RSS in KiB (the command's output is dropped)
	/usr/bin/time -f '%M %x' -o "$tmp/time" "$@" >"$tmp/out" 2>&1 || true
	read -r kb rc <"$tmp/time" || true
	[ "${rc:-1}" = 0 ] || { echo "failed: $* (exit $rc)" >&2;
	    tail -3 "$tmp/out" >&2; }
	echo "${kb:-0}"
}

run_tool() {	# run_tool TOOL FILE
	case $1 in
	edgeward)
		rss "$edgeward" -r "$2" -w 1 -q -o /dev/null \
		    --set flow_memcap=8g ;;
	ndpiReader)
		rss ndpiReader -i "$2" -q ;;
	suricata)
		rss suricata -c "$here/suricata.yaml" -r "$2" -k none \
		    -l "$tmp" --runmode single --set flow.hash-size=1048576 ;;
	esac
}

tools=(edgeward ndpiReader)
command -v suricata >/dev/null 2>&1 && tools+=(suricata)
declare -A base
for t in "${tools[@]}"; do
	base[$t]=$(run_tool "$t" "$one")
done

printf '%-22s %9s  %-11s %10s %10s %11s\n' capture flows tool \
    peak_MiB bytes/flow above_base
for spec in syn_1m:1000000 http_100k:100000 idle_100k:100000; do
	name=${spec%%:*} flows=${spec##*:}
	for t in "${tools[@]}"; do
		kb=$(run_tool "$t" "$dir/flood_$name.pcap")
		printf '%-22s %9s  %-11s %10.1f %10.0f %11.0f\n' "flood_$name" \
		    "$flows" "$t" "$(echo "$kb / 1024" | bc -l)" \
		    "$(echo "$kb * 1024 / $flows" | bc -l)" \
		    "$(echo "($kb - ${base[$t]}) * 1024 / $flows" | bc -l)"
	done
done
printf 'base (one-packet capture) RSS MiB:'
for t in "${tools[@]}"; do
	printf ' %s %.1f' "$t" "$(echo "${base[$t]} / 1024" | bc -l)"
done
echo

# The default memcap under a 5M-flow flood: RSS within memcap + 64 MiB.
memcap_mib=512	# flow_memcap's default, per worker
/usr/bin/time -f '%M %x' -o "$tmp/time" "$edgeward" -r \
    "$dir/flood_syn_5m.pcap" -w 1 -o /dev/null 2>"$tmp/sum" >/dev/null || true
read -r kb rc <"$tmp/time"
ev=$(sed -n 's/^ *flows evicted (memcap) *//p' "$tmp/sum")
peak=$(sed -n 's/^ *flows  *[0-9]* (peak \([0-9]*\) active)/\1/p' "$tmp/sum")
limit=$((memcap_mib + 64))
verdict=within
[ $((kb / 1024)) -le $limit ] || verdict=OVER
printf 'flood_syn_5m, edgeward -w 1, default flow_memcap (%d MiB): exit %s, peak RSS %.1f MiB (%s memcap + 64 MiB = %d MiB), peak %s active flows, %s evicted\n' \
    "$memcap_mib" "$rc" "$(echo "$kb / 1024" | bc -l)" "$verdict" "$limit" \
    "$peak" "$ev"
