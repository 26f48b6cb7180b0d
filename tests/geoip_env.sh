# geoip_env.sh - sourced by the GeoIP script tests: geoip_dbs DIR builds the
# test City and ASN databases (tests/make_mmdb.pl) in DIR, and readdress IN
# OUT OLD=NEW... moves a crafted capture's documentation addresses into their
# networks (tests/readdress.py).  Needs $top; exits the test when the
# MaxMind writer is missing or a step fails.
geoip_dbs() {
	if ! perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null; then
		echo "FAIL: perl MaxMind::DB::Writer missing" \
		    "(apt-get install libmaxmind-db-writer-perl; ./setup.sh does)"
		exit 1
	fi
	mkdir -p "$1" && perl "$top/tests/make_mmdb.pl" "$1" || exit 1
}

readdress() {
	python3 "$top/tests/readdress.py" "$@" || exit 1
}
