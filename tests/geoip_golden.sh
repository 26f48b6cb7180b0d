#!/bin/sh
# geoip_golden.sh - GeoIP/ASN enrichment end to end: City and ASN databases
# built by tests/make_mmdb.pl, and pcaps/crafted/eth_ftp.pcap with its
# documentation addresses (which are never looked up) moved to the
# databases' public test networks by tests/readdress.py.  The findings must
# equal tests/golden/geoip_eth_ftp.out (finding_id normalised) and
# validate against the schema.
#   tests/geoip_golden.sh --update   rewrites the expected file
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=${EDGEWARD:-./edgeward}
exp=$top/tests/golden/geoip_eth_ftp.out
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

. "$top/tests/geoip_env.sh"
geoip_dbs "$tmp/db"
# client 192.0.2.10 -> 81.2.69.142 (GB, London, AS12345)
# server 198.51.100.21 -> 89.160.20.112 (SE, a long city name, no ASN)
readdress "$top/pcaps/crafted/eth_ftp.pcap" "$tmp/geo_ftp.pcap" \
    192.0.2.10=81.2.69.142 198.51.100.21=89.160.20.112
# The correlation capture: the brute-forcing client 192.0.2.66 and the
# spraying client 192.0.2.77 come from GB; the servers are in SE.
readdress "$top/pcaps/crafted/eth_ftp_correlate.pcap" "$tmp/geo_corr.pcap" \
    192.0.2.66=81.2.69.66 192.0.2.77=81.2.69.77 \
    198.51.100.21=89.160.20.21 198.51.100.22=89.160.20.22
cp "$top/tests/golden/hmac.key" "$tmp/hmac.key"
chmod 600 "$tmp/hmac.key"

if ! "$bin" -q -r "$tmp/geo_ftp.pcap" --geoip "$tmp/db/city.mmdb" \
    --geoip "$tmp/db/asn.mmdb" --set sensor_name=golden \
    --set "secret_key_file=$tmp/hmac.key" >"$tmp/raw" 2>"$tmp/err"; then
	echo "FAIL - edgeward: $(cat "$tmp/err")"
	exit 1
fi
sed 's/"finding_id":"[0-9a-f]*-[0-9]*"/"finding_id":"X"/' "$tmp/raw" >"$tmp/out"
if [ "${1:-}" = "--update" ]; then
	cp "$tmp/out" "$exp"
	echo "geoip_golden: wrote $exp"
fi
if cmp -s "$tmp/out" "$exp"; then
	echo "ok - findings equal $(basename "$exp")"
	pass=$((pass + 1))
else
	echo "FAIL - findings differ from $exp:"
	diff "$exp" "$tmp/out" | head -10
	fail=$((fail + 1))
fi
if [ -s "$tmp/raw" ] && python3 "$top/tests/validate.py" \
    "$top/man/edgeward-findings.schema.json" "$tmp/raw" >/dev/null; then
	echo "ok - schema"
	pass=$((pass + 1))
else
	echo "FAIL - schema"
	fail=$((fail + 1))
fi
if grep -q '"src":{[^}]*"country_iso":"GB"[^}]*"asn":12345' "$tmp/raw" &&
    grep -q '"dest":{[^}]*"country_iso":"SE"' "$tmp/raw"; then
	echo "ok - both endpoints enriched (GB with ASN, SE)"
	pass=$((pass + 1))
else
	echo "FAIL - geo fields: $(grep -o '"geo":{.*}}' "$tmp/raw" | head -1)"
	fail=$((fail + 1))
fi
# Correlator findings (brute force, spraying) are enriched too: the
# attacker's country and ASN is the first thing an analyst asks.
"$bin" -q -r "$tmp/geo_corr.pcap" --geoip "$tmp/db/city.mmdb" \
    --geoip "$tmp/db/asn.mmdb" >"$tmp/corr" 2>"$tmp/err"
if [ "$(grep -c '"kind":"credential_attack".*"src":{[^}]*"country_iso":"GB"[^}]*"asn":12345' \
    "$tmp/corr")" -eq 2 ]; then
	echo "ok - brute-force and spraying findings carry the client's geo"
	pass=$((pass + 1))
else
	echo "FAIL - credential_attack geo: $(grep '"kind":"credential_attack"' "$tmp/corr" | grep -o '"geo":{[^}]*}' | head -2)"
	fail=$((fail + 1))
fi
echo "geoip_golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
