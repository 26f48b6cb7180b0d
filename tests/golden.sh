#!/bin/sh
# golden.sh - runs edgeward on every capture in tests/golden/TESTLIST and
# compares its findings with the expected file, like tcpdump's TESTLIST.
#
# Each line: NAME CAPTURE [OPTIONS...]   (CAPTURE relative to the source tree)
# Expected output: tests/golden/NAME.out (run ids normalised to "X").
# The summary must not report flow memory left charged after the run.
# Summary counters are compared by tests/counters.sh (COUNTERLIST).
# Every output is also validated against the findings JSON Schema, and run
# with 1 and 3 workers: the two outputs must be identical (determinism).
#
#   tests/golden.sh            check
#   tests/golden.sh --update   rewrite the expected files (review the diff!)
set -u
srcdir=${srcdir:-.}
top=$(cd "$srcdir" && pwd)
bin=${EDGEWARD:-./edgeward}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# git does not keep file modes: the sensor rightly warns about a key file
# others can read, so use a private copy.
cp "$top/tests/golden/hmac.key" "$tmp/hmac.key"
chmod 600 "$tmp/hmac.key"
update=0
[ "${1:-}" = "--update" ] && update=1
pass=0
fail=0

# finding_id and a follow-up's reference to the first ("of"), and the
# finding ids a hand-off lists, carry the random run id; the number after
# it is deterministic.
norm() {
	sed -e 's/"finding_id":"[0-9a-f]*-[0-9]*"/"finding_id":"X"/' \
	    -e 's/"finding_id":"[0-9a-f]\{16\}-\([0-9]*\)"/"finding_id":"X-\1"/g' \
	    -e 's/"of":"[0-9a-f]*-\([0-9]*\)"/"of":"X-\1"/g'
}

while read -r name cap opts; do
	case "$name" in ''|'#'*) continue ;; esac
	exp="$top/tests/golden/$name.out"
	# shellcheck disable=SC2086
	if ! "$bin" -r "$top/$cap" --set sensor_name=golden \
	    --set "secret_key_file=$tmp/hmac.key" -w 1 $opts \
	    >"$tmp/raw1" 2>"$tmp/err1"; then
		echo "FAIL $name: exit status $? ($(head -1 "$tmp/err1"))"
		fail=$((fail + 1))
		continue
	fi
	# shellcheck disable=SC2086
	"$bin" -q -r "$top/$cap" --set sensor_name=golden \
	    --set "secret_key_file=$tmp/hmac.key" -w 3 $opts \
	    >"$tmp/raw3" 2>/dev/null
	# Every byte charged to the flow memcap is released when flows end.
	if grep -q 'flow memory unreleased' "$tmp/err1"; then
		echo "FAIL $name: $(grep 'flow memory unreleased' "$tmp/err1")"
		fail=$((fail + 1))
		continue
	fi
	norm <"$tmp/raw1" >"$tmp/out1"
	norm <"$tmp/raw3" >"$tmp/out3"
	if ! cmp -s "$tmp/out1" "$tmp/out3"; then
		echo "FAIL $name: output differs between 1 and 3 workers"
		diff "$tmp/out1" "$tmp/out3" | head -5
		fail=$((fail + 1))
		continue
	fi
	if [ -s "$tmp/raw1" ] && ! python3 "$top/tests/validate.py" \
	    "$top/man/edgeward-findings.schema.json" "$tmp/raw1" >/dev/null; then
		echo "FAIL $name: schema"
		python3 "$top/tests/validate.py" \
		    "$top/man/edgeward-findings.schema.json" "$tmp/raw1"
		fail=$((fail + 1))
		continue
	fi
	if [ $update -eq 1 ]; then
		cp "$tmp/out1" "$exp"
	elif ! cmp -s "$tmp/out1" "$exp"; then
		echo "FAIL $name: differs from tests/golden/$name.out"
		diff "$exp" "$tmp/out1" | head -10
		fail=$((fail + 1))
		continue
	fi
	pass=$((pass + 1))
done <"$top/tests/golden/TESTLIST"
echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
