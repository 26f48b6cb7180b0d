#!/bin/sh
# counters.sh - the summary table's counters for chosen captures, like
# golden.sh does for findings: each line of tests/golden/COUNTERLIST is
# NAME CAPTURE [OPTIONS...], and every line of tests/golden/NAME.counters
# must be a line of edgeward's summary (blanks squeezed), e.g.
# "tcp_checksum_bad 1".  Only the listed lines are compared, so new
# counters elsewhere in the table do not break it.
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=${EDGEWARD:-./edgeward}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

while read -r name cap opts; do
	case "$name" in ''|'#'*) continue ;; esac
	# shellcheck disable=SC2086
	if ! "$bin" -r "$top/$cap" -w 1 $opts >/dev/null 2>"$tmp/err"; then
		echo "FAIL $name: exit status ($(head -1 "$tmp/err"))"
		fail=$((fail + 1))
		continue
	fi
	sed -e 's/^ *//' -e 's/  */ /g' "$tmp/err" >"$tmp/sum"
	missing=0
	while IFS= read -r want; do
		[ -n "$want" ] || continue
		if ! grep -qFx "$want" "$tmp/sum"; then
			echo "FAIL $name: no summary line '$want'"
			missing=1
		fi
	done <"$top/tests/golden/$name.counters"
	if [ $missing -eq 0 ]; then
		pass=$((pass + 1))
	else
		grep -v 'packets/s' "$tmp/sum" | head -40
		fail=$((fail + 1))
	fi
done <"$top/tests/golden/COUNTERLIST"
echo "counters: $pass passed, $fail failed"
[ $fail -eq 0 ]
