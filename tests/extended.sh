#!/bin/sh
# extended.sh - runs edgeward over the public captures in ../shared/pcaps
# (never copied into the project) when that folder exists; skipped otherwise.
#
# For every capture in MANIFEST.tsv: exit status 0 and schema-valid findings.
# remote-access captures nDPI 4.2 knows must give a remote_access finding,
# naming the tools tests/shared_remote_access.tsv lists (and the beacons it
# lists); benign captures must give no finding at all and no decode
# anomaly; no capture outside the beacons category may give a beacon.
# The credential captures must give the findings tests/shared_credentials.tsv
# lists, the tunnel captures the tunnel types tests/shared_tunnels.tsv lists.
set -u
srcdir=${srcdir:-.}
top=$(cd "$srcdir" && pwd)
shared=${EDGEWARD_SHARED_PCAPS:-$top/../shared/pcaps}
bin=${EDGEWARD:-./edgeward}
[ -f "$shared/MANIFEST.tsv" ] || { echo "extended: no $shared, skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

bad() {
	echo "FAIL $1: $2"
	fail=$((fail + 1))
}

tail -n +2 "$shared/MANIFEST.tsv" | cut -f1,6 | while IFS='	' read -r file cat; do
	f="$shared/$file"
	if ! "$bin" -r "$f" -w 2 >"$tmp/out" 2>"$tmp/err"; then
		bad "$file" "exit status (stderr: $(head -1 "$tmp/err"))"
		continue
	fi
	if [ -s "$tmp/out" ] && ! python3 "$top/tests/validate.py" \
	    "$top/man/edgeward-findings.schema.json" "$tmp/out" >"$tmp/v" 2>&1; then
		bad "$file" "schema: $(cat "$tmp/v")"
		continue
	fi
	# Periodic traffic outside the beacon captures (SIP registrations,
	# keepalives of every kind) is no beacon.
	if [ "$cat" != beacons ] && grep -q '"kind":"beacon"' "$tmp/out"; then
		bad "$file" "beacon outside the beacon captures: $(grep -m1 '"kind":"beacon"' "$tmp/out" | head -c 300)"
		continue
	fi
	case "$cat" in
	remote-access)
		grep -q '"kind":"remote_access"' "$tmp/out" ||
		    { bad "$file" "no remote_access finding"; continue; }
		;;
	benign)
		if [ -s "$tmp/out" ]; then
			bad "$file" "benign capture gave findings: $(head -c 300 "$tmp/out")"
			continue
		fi
		grep -q 'decode anomalies *0$' "$tmp/err" ||
		    { bad "$file" "decode anomalies on a clean capture"; continue; }
		;;
	esac
	pass=$((pass + 1))
	echo "$pass $fail" >"$tmp/counts"
done
# The loop ran in a subshell: read its counts back.
[ -f "$tmp/counts" ] || echo "0 0" >"$tmp/counts"
read -r pass fail <"$tmp/counts"
total=$(($(wc -l <"$shared/MANIFEST.tsv") - 1))
fail=$((total - pass))
echo "extended: $pass passed, $fail failed"
# Edge devices and capture (tests/shared_edge.tsv): each row's count of a
# kind, and every edge-mgmt-capture capture has a row.
for file in $(awk -F'\t' '$6 == "edge-mgmt-capture" { print $1 }' \
    "$shared/MANIFEST.tsv"); do
	grep -q "^${file#edge-mgmt-capture/}	" "$top/tests/shared_edge.tsv" ||
	    { echo "FAIL $file: no row in tests/shared_edge.tsv"; fail=$((fail + 1)); }
done
edge_todo=0
while IFS='	' read -r file kind min max opts; do
	case "$file" in ''|'#'*) continue ;; esac
	todo=0
	case "$opts" in todo*) todo=1; opts=${opts#todo} ;; esac
	# shellcheck disable=SC2086
	n=$("$bin" -q -r "$shared/edge-mgmt-capture/$file" -w 2 $opts 2>/dev/null |
	    grep -c "\"kind\":\"$kind\"")
	if [ "$n" -ge "$min" ] && [ "$n" -le "$max" ]; then
		pass=$((pass + 1))
	elif [ $todo -eq 1 ]; then
		echo "TODO $file: $n $kind ($min..$max wanted)$opts"
		edge_todo=$((edge_todo + 1))
	else
		echo "FAIL $file: $n $kind, $min..$max wanted$opts"
		fail=$((fail + 1))
	fi
done <"$top/tests/shared_edge.tsv"
echo "shared edge: $edge_todo todo"
# Expected remote-access tools and beacons (tests/shared_remote_access.tsv;
# todo rows are known misses and do not fail).
grep -v -e '^#' -e '^file	' "$top/tests/shared_remote_access.tsv" |
while IFS='	' read -r file kind want todo; do
	[ -n "$file" ] || continue
	got=$("$bin" -q -r "$shared/$file" 2>/dev/null | python3 -c '
import json, sys
kind = sys.argv[1]
recs = [json.loads(l) for l in sys.stdin]
if kind == "remote_access":
    print(" ".join(sorted({r[kind]["tool_id"] for r in recs if r["kind"] == kind})))
else:
    print(sum(1 for r in recs if r["kind"] == kind and "followup" not in r[kind]))
' "$kind")
	if [ "$got" = "$want" ]; then
		echo "ok $file: $kind $got"
	elif [ -n "$todo" ]; then
		echo "TODO $file: $kind $got, not $want ($todo)"
	else
		echo "FAIL $file: $kind '$got', expected '$want'"
		echo x >>"$tmp/ra_fail"
	fi
done
[ -f "$tmp/ra_fail" ] && fail=$((fail + 1))
# Expected tunnel findings (tests/shared_tunnels.tsv: file, type, ok or
# todo; todo rows are known misses and do not fail).
grep -v '^#' "$top/tests/shared_tunnels.tsv" | while IFS='	' read -r file type status; do
	[ -n "$file" ] || continue
	"$bin" -q -r "$shared/$file" -w 2 >"$tmp/t" 2>/dev/null
	if grep -q "\"tunnel\":{\"type\":\"$type\"" "$tmp/t"; then
		echo "tunnel ok: $file gives $type"
	elif [ "$status" = todo ]; then
		echo "tunnel todo: $file does not give $type yet"
	else
		echo "FAIL $file: no tunnel finding of type $type"
		echo x >>"$tmp/tunnel_fail"
	fi
done
[ -f "$tmp/tunnel_fail" ] && fail=$((fail + 1))
# Expected credential findings (tests/shared_credentials.tsv; todo rows
# are known misses and do not fail).
python3 "$top/tests/credentials.py" shared "$bin" \
    "$top/tests/shared_credentials.tsv" "$shared" || fail=$((fail + 1))
[ "$fail" -eq 0 ]
