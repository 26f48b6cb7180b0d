#!/bin/sh
# floods.sh - SYN, fragment, out-of-order and AH floods of millions of
# flows (campaign/flood_gen.py) piped into `edgeward -r -` with small
# memcaps; prints each run's peak RSS against the caps and every counter
# of the summary's "limits" block, and fails when the sensor exits non-zero
# or its peak RSS grows past the budget the caps allow.
#
# usage: campaign/floods.sh [-b BIN] [-n FLOWS] [-w WORKERS] [MODE ...]
#   BIN      edgeward to run (default ./edgeward; use a build without ASan,
#            whose shadow memory would swamp the figures)
#   FLOWS    flows (SYN, out-of-order, AH) or datagrams (fragments) per
#            flood; default 2000000
#   MODE     syn, frag, ooo, ah (default: all four)
#
# Caps: flow_memcap 16m, defrag_memcap 4m, stream_ooo_max 1k,
# detector_memcap 4m, ring_mb 4, output_ring_mb 1 (per worker).  The
# budget is the RSS of the same binary and options reading one packet (the
# baseline: nDPI, signatures, code) plus, per worker, flow_memcap +
# defrag_memcap + ring_mb + output_ring_mb + detector_memcap for each of
# the detectors that keep tables (--list-detectors minus correlators is an
# upper bound; they stay near empty in these floods), plus 32 MiB for the
# allocator's slack.  Peak RSS is GNU time's maximum resident set size.
set -eu

usage() {
	echo "usage: campaign/floods.sh [-b BIN] [-n FLOWS] [-w WORKERS] [syn|frag|ooo|ah ...]" >&2
	exit 2
}
bin=${EDGEWARD:-./edgeward}
flows=2000000
workers=1
while getopts b:n:w:h opt; do
	case $opt in
	b) bin=$OPTARG ;;
	n) flows=$OPTARG ;;
	w) workers=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
modes=${*:-syn frag ooo ah}
for m in $modes; do
	case $m in syn | frag | ooo | ah) ;; *) usage ;; esac
done
case $flows$workers in *[!0-9]*) usage ;; esac
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$bin" ] || { echo "floods.sh: $bin is not an executable; build it or give -b" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "floods.sh: needs GNU time (/usr/bin/time; Debian: apt-get install time)" >&2; exit 2; }
command -v python3 >/dev/null 2>&1 || { echo "floods.sh: needs python3" >&2; exit 2; }
if nm "$bin" 2>/dev/null | grep -q __asan_init; then
	echo "floods.sh: note: $bin is an ASan build; RSS figures include its shadow memory"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/floods.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

flow_mc=16 defrag_mc=4 det_mc=4 ring=4 oring=1
set -- --set flow_memcap=${flow_mc}m --set defrag_memcap=${defrag_mc}m \
    --set stream_ooo_max=1k --set detector_memcap=${det_mc}m \
    --set ring_mb=$ring --set output_ring_mb=$oring -w "$workers"
ndet=$("$bin" --list-detectors | grep -vc correlator)

# flood MODE N ARGS...: the flood through the sensor run with ARGS; its
# peak RSS (KiB) in $tmp/rss, its summary in $tmp/sum; returns the
# sensor's exit status (the generator stops at the broken pipe).
flood() {
	mode=$1 n=$2
	shift 2
	rc=0
	python3 "$here/flood_gen.py" "$mode" "$n" |
	    /usr/bin/time -f %M -o "$tmp/rss" "$bin" -r - -o /dev/null "$@" \
	    2>"$tmp/sum" || rc=$?
	return $rc
}

flood syn 1 "$@" || { echo "floods.sh: the baseline run failed:"; cat "$tmp/sum"; exit 1; }
base=$(tail -n 1 "$tmp/rss")
budget=$((base + workers * (1024 * (flow_mc + defrag_mc + ring + oring +
    ndet * det_mc)) + 32 * 1024))
echo "floods.sh: $bin, $workers worker(s); caps per worker: flow_memcap ${flow_mc}m," \
    "defrag_memcap ${defrag_mc}m, stream_ooo_max 1k, detector_memcap ${det_mc}m" \
    "($ndet detectors), ring_mb $ring, output_ring_mb $oring"
echo "floods.sh: baseline RSS $((base / 1024)) MiB; budget $((budget / 1024)) MiB"
fail=0
for m in $modes; do
	t0=$(date +%s)
	rc=0
	flood "$m" "$flows" "$@" || rc=$?
	secs=$(($(date +%s) - t0))
	rss=$(tail -n 1 "$tmp/rss")
	verdict=ok
	if [ "$rc" -ne 0 ]; then
		verdict="FAIL (exit $rc)"
		fail=1
	elif [ "$rss" -gt "$budget" ]; then
		verdict="FAIL (over budget)"
		fail=1
	fi
	echo
	echo "== $m flood, $flows: $verdict; peak RSS $((rss / 1024)) MiB" \
	    "(baseline $((base / 1024)), budget $((budget / 1024))), $secs s"
	sed -n -e 's/^ *//' -e '/^packets  /p' -e '/^flows  /p' \
	    -e '/^flow memory peak/p' -e '/^nDPI flow memory/p' \
	    -e '/^defragmented/p' "$tmp/sum" | sed 's/^/  /'
	sed -n '/^ *limits /,/^ *decode anomalies/p' "$tmp/sum" |
	    sed '$d' | sed 's/^ */  /'
	grep -E 'Sanitizer|runtime error|^edgeward:' "$tmp/sum" | head -5 || true
done
exit $fail
