#!/bin/sh
# determinism.sh - offline output does not depend on the number of workers
# or on thread timing (DESIGN.md): the same capture and configuration give
# the same findings in the same order with -w 1, 2 and 3, run after run.
#
# pcaps/crafted/many_pairs.pcap has 3000 clients talking to 4 servers, in
# interleaved waves, so every worker has findings at the same moments and
# 1000 sessions are still open at the end of input (their findings are
# flushed then).  finding_id (random run id) is normalised.  The last run
# is -w 1 pinned to one CPU, where the reader runs the worker itself
# (inline: no ring); it needs taskset (util-linux).
set -u
srcdir=${srcdir:-.}
top=$(cd "$srcdir" && pwd)
bin=${EDGEWARD:-./edgeward}
cap="$top/pcaps/crafted/many_pairs.pcap"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$top/tests/golden/hmac.key" "$tmp/hmac.key"
chmod 600 "$tmp/hmac.key"

norm() {
	sed -e 's/"finding_id":"[0-9a-f]*-[0-9]*"/"finding_id":"X"/' \
	    -e 's/"finding_id":"[0-9a-f]\{16\}-\([0-9]*\)"/"finding_id":"X-\1"/g' \
	    -e 's/"of":"[0-9a-f]*-\([0-9]*\)"/"of":"X-\1"/g'
}

# One CPU this process may use: the first of its affinity list.
one_cpu=$(taskset -pc $$ 2>/dev/null | sed 's/.*: *//; s/[-,].*//')
runs="1 2 3 2 3 2 3 1"
[ -n "$one_cpu" ] && runs="$runs 1-inline"

fail=0
ref=""
nruns=0
for w in $runs; do
	pin=""
	if [ "$w" = 1-inline ]; then
		pin="taskset -c $one_cpu"
		w=1
	fi
	$pin "$bin" -q -r "$cap" -w "$w" --set "secret_key_file=$tmp/hmac.key" |
	    norm >"$tmp/out"
	nruns=$((nruns + 1))
	n=$(wc -l <"$tmp/out")
	if [ "$n" -ne 3000 ]; then
		echo "FAIL -w $w: $n findings, expected 3000"
		fail=$((fail + 1))
		continue
	fi
	h=$(md5sum <"$tmp/out" | cut -d' ' -f1)
	if [ -z "$ref" ]; then
		ref=$h
		cp "$tmp/out" "$tmp/ref"
	elif [ "$h" != "$ref" ]; then
		echo "FAIL -w $w${pin:+ ($pin)}: order differs from the first run (-w 1)"
		diff "$tmp/ref" "$tmp/out" | head -4
		fail=$((fail + 1))
	fi
done
echo "determinism: $nruns runs, $fail differ"
[ $fail -eq 0 ]
