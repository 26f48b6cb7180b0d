#!/bin/sh
# limits.sh - every bound the sensor enforces says when it was hit, and
# floods stay within their caps (issue 13, defects 1 and 5).  Small floods
# from campaign/flood_gen.py are piped into `edgeward -r -` with small caps:
#  - the summary's "limits" block names every counter of
#    sensor/stats.c's limit_counters table, zeros included;
#  - a fragment flood shows its evictions (defrag_evicted_memcap), a SYN
#    flood its flows_evicted, an out-of-order flood stream_ooo_limit;
#  - an AH flood (IPv6 TLS answers behind an Authentication Header, which
#    nDPI 4.2 does not walk) leaves no nDPI memory held at the end: before
#    the fix each flow leaked its 2 KiB TLS buffer outside every memcap;
#  - so does a flood of tunnelled TCP segments cut short by the outer IPv4
#    length (campaign/repro/erspan_cut_inner.py, found by the mutation
#    campaign): the decoder had left the inner header's offset with the
#    outer transport, nDPI parsed the inner TCP under a GRE flow and its
#    TLS buffer was never freed (40 MiB for 20,000 flows before the fix).
# campaign/floods.sh runs the same floods with millions of flows and
# reports peak RSS against the caps.
. "${srcdir:-.}/tests/checks.sh"
command -v python3 >/dev/null 2>&1 || { echo "limits: python3 missing"; exit 77; }

# flood MODE FLOWS OPTIONS...: the summary, blanks squeezed, in $tmp/sum.
flood() {
	mode=$1 n=$2
	shift 2
	python3 "$top/campaign/flood_gen.py" "$mode" "$n" |
	    "$bin" -r - -o /dev/null "$@" 2>"$tmp/err"
	rc=$?
	sed -e 's/^ *//' -e 's/  */ /g' "$tmp/err" >"$tmp/sum"
	return $rc
}
# counter NAME: its value in the limits block (empty when missing).
counter() {
	sed -n "s/^$1 \([0-9]*\) .*/\1/p" "$tmp/sum" | head -1
}

caps="--set flow_memcap=1m --set defrag_memcap=160k --set stream_ooo_max=1k"

# shellcheck disable=SC2086
flood syn 3000 $caps || bad "syn flood: exit status"
names=$(sed -n 's/^[[:space:]]*LIM("\([a-z_]*\)".*/\1/p' "$top/sensor/stats.c")
missing=""
for n in $names; do
	[ -n "$(counter "$n")" ] || missing="$missing $n"
done
if [ -n "$names" ] && [ -z "$missing" ]; then
	ok "summary names every limit ($(echo $names | wc -w))"
else
	bad "summary lacks limits:$missing"
fi
v=$(counter flows_evicted)
[ "${v:-0}" -gt 0 ] && ok "SYN flood: flows_evicted $v" ||
    bad "SYN flood: flows_evicted '${v}'"

# shellcheck disable=SC2086
flood frag 3000 $caps || bad "fragment flood: exit status"
v=$(counter defrag_evicted_memcap)
[ "${v:-0}" -gt 2000 ] && ok "fragment flood: defrag_evicted_memcap $v" ||
    bad "fragment flood: defrag_evicted_memcap '${v}' ($(grep -i defrag "$tmp/sum" | tr '\n' ';'))"

# shellcheck disable=SC2086
flood ooo 1000 $caps || bad "out-of-order flood: exit status"
v=$(counter stream_ooo_limit)
[ "${v:-0}" -gt 0 ] && ok "out-of-order flood: stream_ooo_limit $v" ||
    bad "out-of-order flood: stream_ooo_limit '${v}'"

# shellcheck disable=SC2086
flood ah 5000 $caps || bad "AH flood: exit status"
held=$(sed -n 's/^nDPI flow memory \([0-9]*\) KiB held.*/\1/p' "$tmp/sum")
if [ -n "$held" ] && [ "$held" -lt 64 ]; then
	ok "AH flood: nDPI holds $held KiB at the end ($(counter flows_evicted) flows evicted)"
else
	bad "AH flood: nDPI holds '${held}' KiB at the end (2 KiB a flow leaked)"
fi

python3 "$top/campaign/repro/erspan_cut_inner.py" 3000 |
    "$bin" -r - -o /dev/null $caps 2>"$tmp/err" || bad "cut inner flood: exit status"
sed -e 's/^ *//' -e 's/  */ /g' "$tmp/err" >"$tmp/sum"
held=$(sed -n 's/^nDPI flow memory \([0-9]*\) KiB held.*/\1/p' "$tmp/sum")
if [ -n "$held" ] && [ "$held" -lt 64 ]; then
	ok "cut inner segments: nDPI holds $held KiB at the end"
else
	bad "cut inner segments: nDPI holds '${held}' KiB at the end (2 KiB a flow leaked)"
fi

echo "limits: $pass passed, $fail failed"
[ $fail -eq 0 ]
