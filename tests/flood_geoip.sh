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
# Two fixes stand behind this: a flow end never evicts (a charge inside an
# end is refused and counted, flow_end_charge_refused), and GeoIP is looked
# up per finding into the finding's own buffer, so it charges nothing.  The
# capture runs at 16 memcaps 64 bytes apart (the bytes left under the
# memcap when an eviction happens vary): for every one edgeward must exit 0
# with all 48 findings (schema-valid), each with its GeoIP, flows having
# been evicted.
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
	g=$(grep -c '"geo":{"src":{[^}]*"country_iso"' "$tmp/out")
	if [ "$g" -ne 48 ]; then
		echo "FAIL - flow_memcap=$memcap: $g of 48 findings with GeoIP"
		fail=$((fail + 1))
		continue
	fi
	pass=$((pass + 1))
done
echo "flood_geoip: $pass passed, $fail failed"
[ $fail -eq 0 ]
