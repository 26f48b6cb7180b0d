#!/bin/sh
# cross_limits.sh - keys each within its range that together leave a table
# no room are refused, at start and by --check-config, in one line naming
# the keys and the values to use (issue 13, defect 4).  Before,
# flow_hash_size=67108864 (512 MiB of buckets charged to the default 512m
# flow_memcap) passed --check-config and the run tracked no flow at all.
# The advice in the line is followed and must then be accepted.
. "${srcdir:-.}/tests/checks.sh"
cap=$top/pcaps/recorded/ftp.pcap		# 2 findings

# refused NAME PATTERN SETTINGS...: --check-config and a run both exit 2
# with one line matching PATTERN, and the run writes no finding.
refused() {
	name=$1 pat=$2
	shift 2
	timeout -s KILL 20 "$bin" --check-config "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	    grep -Eq "^edgeward: $pat" "$tmp/err" && ! grep -q OK "$tmp/out"; then
		ok "$name: --check-config refuses it"
	else
		bad "$name: --check-config exit $rc: $(cat "$tmp/out" "$tmp/err")"
	fi
	cp "$tmp/err" "$tmp/why"
	timeout -s KILL 20 "$bin" -q -r "$cap" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	    grep -Eq "^edgeward: $pat" "$tmp/err" && [ ! -s "$tmp/out" ]; then
		ok "$name: a run refuses it"
	else
		bad "$name: run exit $rc: $(cat "$tmp/err")"
	fi
}
# accepted NAME SETTINGS...: --check-config says OK and a run finds the
# capture's two findings.
accepted() {
	name=$1
	shift
	if timeout -s KILL 20 "$bin" --check-config "$@" >"$tmp/out" \
	    2>"$tmp/err" && grep -q "configuration OK" "$tmp/out" &&
	    [ "$(timeout -s KILL 20 "$bin" -q -r "$cap" "$@" | wc -l)" -eq 2 ]
	then
		ok "$name: accepted, 2 findings"
	else
		bad "$name: $(cat "$tmp/err")"
	fi
}
# advice KEY: the value the refusal in $tmp/why gives for KEY.
advice() {
	sed -n "s/.*\\(lower\\|raise\\) $1 to \\([0-9]*[kmg]*\\).*/\\2/p" "$tmp/why"
}

refused "flow_hash_size=67108864" \
    "flow_hash_size 67108864 and flow_memcap 512m: .*lower flow_hash_size to 33554432 or raise flow_memcap to 1g" \
    --set flow_hash_size=67108864
accepted "flow_hash_size=$(advice flow_hash_size) (the advice)" \
    --set "flow_hash_size=$(advice flow_hash_size)"
accepted "flow_hash_size=67108864 flow_memcap=$(advice flow_memcap) (the advice)" \
    --set flow_hash_size=67108864 --set "flow_memcap=$(advice flow_memcap)"

refused "flow_memcap=1m flow_hash_size=131072" \
    "flow_hash_size 131072 and flow_memcap 1m: " \
    --set flow_memcap=1m --set flow_hash_size=131072
accepted "flow_memcap=1m and the default hash (the smallest caps in use)" \
    --set flow_memcap=1m

refused "stream_ooo_max=64m flow_memcap=64m" \
    "stream_ooo_max 64m and flow_memcap 64m: one flow's out-of-order data" \
    --set flow_memcap=64m --set stream_ooo_max=64m
accepted "stream_ooo_max=$(advice stream_ooo_max) (the advice)" \
    --set flow_memcap=64m --set "stream_ooo_max=$(advice stream_ooo_max)"
accepted "flow_memcap=$(advice flow_memcap) (the advice)" \
    --set "flow_memcap=$(advice flow_memcap)" --set stream_ooo_max=64m

# The same keys from a configuration file: the line names both keys.
printf 'flow_memcap = 4m\nflow_hash_size = 1048576\n' >"$tmp/conf"
refused "from a file" "flow_hash_size 1048576 and flow_memcap 4m: " \
    -c "$tmp/conf"

echo "cross_limits: $pass passed, $fail failed"
[ $fail -eq 0 ]
