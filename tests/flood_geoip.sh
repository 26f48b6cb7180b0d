#!/bin/sh
# flood_geoip.sh - a flow end that emits a finding under memory pressure
# with GeoIP on (review 4d89ff8, section 3.1).
#
# pcaps/crafted/core_flood_ftp.pcap (craft.py core_flood) fills a small flow
# table with FTP flows whose USER/PASS was never answered, then sends bare
# SYNs whose small charges evict them.  Each evicted flow reports its
# credential from the flow end callback, and that first finding of the flow
# charges memory for its GeoIP record.  Before the fix the charge evicted the
# ending flow again, recursively, until the stack overflowed (SIGSEGV).
#
# Whether the GeoIP charge fits depends on the bytes left under the memcap
# when the eviction happens, so the capture runs at 16 memcaps 64 bytes
# apart: for every one edgeward must exit 0 with all 48 findings (schema-
# valid), and at least one run must have gone through a refused charge
# (flow_end_charge_refused in the summary), or the test no longer tests it.
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=${EDGEWARD:-./edgeward}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

. "$top/tests/geoip_env.sh"
geoip_dbs "$tmp/db"
# Client and server into the test databases' GB and SE networks.
readdress "$top/pcaps/crafted/core_flood_ftp.pcap" "$tmp/flood.pcap" \
    192.0.2.10=81.2.69.142 198.51.100.21=89.160.20.112

refused_runs=0
k=0
while [ $k -lt 16 ]; do
	memcap=$((1048576 + 64 * k))
	k=$((k + 1))
	"$bin" -r "$tmp/flood.pcap" --geoip "$tmp/db/city.mmdb" \
	    --geoip "$tmp/db/asn.mmdb" --set flow_memcap=$memcap \
	    --set flow_hash_size=8192 --set ndpi_max_packets=4 \
	    --set dedup_window=0 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL - flow_memcap=$memcap: exit status $rc"
		fail=$((fail + 1))
		continue
	fi
	n=$(grep -c '"kind":"cleartext_credential"' "$tmp/out")
	if [ "$n" -ne 48 ]; then
		echo "FAIL - flow_memcap=$memcap: $n credential findings, not 48"
		fail=$((fail + 1))
		continue
	fi
	if ! python3 "$top/tests/validate.py" \
	    "$top/man/edgeward-findings.schema.json" "$tmp/out" >"$tmp/v" 2>&1; then
		echo "FAIL - flow_memcap=$memcap: schema: $(head -3 "$tmp/v")"
		fail=$((fail + 1))
		continue
	fi
	if ! grep -q 'flows evicted (memcap) *[1-9]' "$tmp/err"; then
		echo "FAIL - flow_memcap=$memcap: no flow was evicted"
		fail=$((fail + 1))
		continue
	fi
	grep -q 'flow_end_charge_refused *[1-9]' "$tmp/err" &&
	    refused_runs=$((refused_runs + 1))
	pass=$((pass + 1))
done
if [ $refused_runs -gt 0 ]; then
	echo "ok - $refused_runs of 16 runs refused a GeoIP charge inside a flow end"
	pass=$((pass + 1))
else
	echo "FAIL - no run charged memory inside a flow end at the memcap:" \
	    "retune core_flood in pcaps/craft.py"
	fail=$((fail + 1))
fi
echo "flood_geoip: $pass passed, $fail failed"
[ $fail -eq 0 ]
