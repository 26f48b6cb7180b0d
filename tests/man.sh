#!/bin/sh
# man.sh - the manual pages lint clean with mandoc (when present), every
# configuration key in sensor/config.c is documented in edgeward.conf(5),
# and every finding kind in the JSON Schema is documented in
# edgeward-findings(7).
set -u
top=$(cd "${srcdir:-.}" && pwd)
fail=0
if command -v mandoc >/dev/null 2>&1; then
	mandoc -Tlint -Wwarning "$top"/man/*.[1578] || fail=1
else
	echo "man: mandoc not installed, lint skipped"
fi
for k in $(sed -n 's/^[[:space:]]*K("\([a-z_0-9]*\)".*/\1/p' "$top/sensor/config.c"); do
	grep -q "^\.It Cm $k " "$top/man/edgeward.conf.5" ||
	    { echo "man: key $k is not in edgeward.conf.5"; fail=1; }
done
for k in $(python3 -c "import json,sys; print(' '.join(json.load(open(sys.argv[1]))['properties']['kind']['enum']))" \
    "$top/man/edgeward-findings.schema.json"); do
	grep -q "$k" "$top/man/edgeward-findings.7" ||
	    { echo "man: kind $k is not in edgeward-findings.7"; fail=1; }
done
[ $fail -eq 0 ] && echo "man: 1 passed, 0 failed" || echo "man: 0 passed, 1 failed"
exit $fail
