#!/bin/sh
# package.sh - the Debian package end to end, as root on a Debian 12 host
# (CI runs it from .ci/run; it is not part of make check because it
# installs and purges a system package):
#   1. dpkg-buildpackage -us -uc -b in a copy of the tree builds
#      edgeward_<version>_amd64.deb; lintian reports nothing but the
#      overrides documented in debian/edgeward.lintian-overrides;
#   2. apt-get install ./edgeward_*.deb: binaries, manual pages, signatures,
#      schema, conffiles, unit enabled and not started, user edgeward,
#      secret key (32 bytes, 0600, edgeward's), spool and log directories;
#      runtime libraries in Depends, no -dev package;
#   3. edgeward --version, --check-config on the installed configuration,
#      an offline run as the edgeward user (the build tree gone, so the
#      signatures come from /usr/share/edgeward/signatures), and
#      systemd-analyze verify on the installed unit;
#   4. a reinstall keeps the key; remove keeps configuration, key and
#      spool; purge removes them and every file of the package.
# Usage: tests/package.sh [WORKDIR]   (default /tmp/ew-deb)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/ew-deb}
pass=0
fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }
finish() {
	echo "package: $pass passed, $fail failed"
	[ $fail -eq 0 ]
	exit $?
}

[ "$(id -u)" -eq 0 ] || { echo "package: needs root (installs a package)"; exit 1; }
export DEBIAN_FRONTEND=noninteractive
need=""
for p in lintian systemd; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    need="$need $p"
done
if [ -n "$need" ]; then
	apt-get install -y -qq --no-install-recommends $need >/dev/null ||
	    { echo "package: cannot install$need"; exit 1; }
fi
ver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
deb=edgeward_${ver}_${arch}.deb

# 1. build in a copy (tracked and new files, no build products)
dpkg -s edgeward >/dev/null 2>&1 && apt-get purge -y -qq edgeward >/dev/null
rm -rf "$work"
mkdir -p "$work/edgeward-$ver"
(cd "$top" && git ls-files -co --exclude-standard -z 2>/dev/null |
    tar --null -T - -cf -) | tar -xf - -C "$work/edgeward-$ver" ||
    { echo "package: cannot copy the tree (a git checkout is needed)"; exit 1; }
t0=$(date +%s)
# The README's two lines: build dependencies from debian/control, build.
if (cd "$work/edgeward-$ver" && apt-get build-dep -y -qq ./ &&
    dpkg-buildpackage -us -uc -b -j"$(nproc)") >"$work/build.log" 2>&1 &&
    [ -f "$work/$deb" ]; then
	ok "dpkg-buildpackage built $deb in $(($(date +%s) - t0)) s"
else
	bad "dpkg-buildpackage:"
	tail -30 "$work/build.log"
	finish
fi
grep -q '^# FAIL: *0$' "$work/build.log" &&
    ok "unit tests in the package build: $(sed -n 's/^# PASS: *//p' "$work/build.log") passed" ||
    bad "unit tests in the package build"
lintian --pedantic -I -E --tag-display-limit 0 "$work/edgeward_${ver}_${arch}.changes" \
    >"$work/lintian.log" 2>&1
grep -v -e '^N:' -e 'root privileges' "$work/lintian.log" >"$work/lintian.tags"
if [ ! -s "$work/lintian.tags" ]; then
	ok "lintian --pedantic -I -E: clean ($(grep -c . "$top/debian/edgeward.lintian-overrides" | tr -d ' ') override lines)"
else
	bad "lintian:"
	cat "$work/lintian.tags"
fi
dpkg-deb -c "$work/$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$work/contents"
for f in /usr/bin/edgeward /usr/bin/edgeward-tail \
    /usr/share/man/man8/edgeward.8.gz /usr/share/man/man5/edgeward.conf.5.gz \
    /usr/share/man/man7/edgeward-findings.7.gz \
    /usr/share/man/man1/edgeward-tail.1.gz \
    /usr/share/edgeward/edgeward-findings.schema.json \
    /etc/edgeward/edgeward.conf /etc/default/edgeward \
    /lib/systemd/system/edgeward.service; do
	grep -qx "$f" "$work/contents" || bad "$deb lacks $f"
done
for f in "$top"/signatures/*.txt; do
	grep -qx "/usr/share/edgeward/signatures/$(basename "$f")" "$work/contents" ||
	    bad "$deb lacks signatures/$(basename "$f")"
done
ok "contents: $(grep -c '[^/]$' "$work/contents") files"
dpkg-deb -x "$work/$deb" "$work/root"
if grep -q -a -e "$work" -e "$top" "$work/root/usr/bin/edgeward"; then
	bad "the binary holds a build path (signatures fallback)"
else
	ok "no build path in the binary; signatures from /usr/share/edgeward/signatures"
fi
rm -rf "$work/root"
dep=$(dpkg-deb -f "$work/$deb" Depends)
case "$dep" in
*-dev*) bad "Depends names a -dev package: $dep" ;;
*libpcap0.8*libhiredis*|*libhiredis*libpcap0.8*) ok "Depends: $dep" ;;
*) bad "Depends lacks the runtime libraries: $dep" ;;
esac
dpkg-deb --ctrl-tarfile "$work/$deb" | tar -xOf - ./conffiles >"$work/conffiles"
grep -qx /etc/edgeward/edgeward.conf "$work/conffiles" &&
    grep -qx /etc/default/edgeward "$work/conffiles" &&
    ok "conffiles: $(tr '\n' ' ' <"$work/conffiles")" ||
    bad "conffiles: $(cat "$work/conffiles")"

# 2. install
cp "$work/$deb" /tmp/ && deb=/tmp/$deb
# The build tree goes: the installed binary must not need it.
rm -rf "${work:?}/edgeward-$ver"
if apt-get install -y -qq "$deb" >"$work/install.log" 2>&1; then
	ok "apt-get install ./$(basename "$deb")"
else
	bad "apt-get install: $(tail -5 "$work/install.log")"
	finish
fi
getent passwd edgeward >/dev/null && ok "user edgeward exists ($(getent passwd edgeward | cut -d: -f6,7))" ||
    bad "no user edgeward"
key=/etc/edgeward/secret.key
if [ "$(stat -c '%a %U %G %s' "$key" 2>/dev/null)" = "600 edgeward edgeward 32" ]; then
	ok "secret key: 32 bytes, 0600, edgeward:edgeward"
else
	bad "secret key: $(stat -c '%a %U %G %s' "$key" 2>&1)"
fi
keysum=$(sha256sum "$key" | cut -c1-64)
for d in /var/spool/edgeward /var/log/edgeward; do
	[ "$(stat -c '%a %U' "$d" 2>/dev/null)" = "750 edgeward" ] ||
	    bad "$d: $(stat -c '%a %U' "$d" 2>&1)"
done
ok "spool and log directories: 0750 edgeward"
if [ -L /etc/systemd/system/multi-user.target.wants/edgeward.service ]; then
	ok "unit enabled (multi-user.target.wants)"
else
	bad "unit not enabled"
fi
running=""
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/exe" 2>/dev/null)" = /usr/bin/edgeward ] && running="$running ${p#/proc/}"
done
if [ -n "$running" ]; then
	bad "an edgeward process runs after install (should not be started)"
else
	ok "unit not started"
fi

# 3. run it
if /usr/bin/edgeward --version | grep -q "^edgeward $ver "; then
	ok "edgeward --version: $(/usr/bin/edgeward --version)"
else
	bad "edgeward --version: $(/usr/bin/edgeward --version 2>&1)"
fi
if /usr/bin/edgeward -c /etc/edgeward/edgeward.conf --check-config \
    >"$work/check.out" 2>&1 && grep -q "configuration OK" "$work/check.out"; then
	ok "--check-config: $(head -1 "$work/check.out")"
else
	bad "--check-config: $(cat "$work/check.out")"
fi
cp "$top/pcaps/recorded/ftp.pcap" "$work/"
chmod 644 "$work"/*.pcap
chmod 755 "$work"
kinds() { sed 's/.*"kind":"\([a-z_]*\)".*/\1/' "$1" | tr '\n' ' '; }
want=$(kinds "$top/tests/golden/rec_ftp.out")
if runuser -u edgeward -- /usr/bin/edgeward -c /etc/edgeward/edgeward.conf \
    -r "$work/ftp.pcap" >"$work/run.json" 2>"$work/run.err" &&
    [ "$(kinds "$work/run.json")" = "$want" ] && [ -n "$want" ]; then
	ok "offline run as edgeward: $(grep -c . "$work/run.json") findings, as tests/golden/rec_ftp.out"
else
	bad "offline run as edgeward: '$(kinds "$work/run.json")', want '$want': $(head -3 "$work/run.err")"
fi
# The same secret gives the same fingerprint in two runs: the key is used.
h1=$(grep -o '"secret_hmac":"[0-9a-f]*"' "$work/run.json" | head -1)
runuser -u edgeward -- /usr/bin/edgeward -c /etc/edgeward/edgeward.conf -q \
    -r "$work/ftp.pcap" >"$work/run2.json" 2>/dev/null
h2=$(grep -o '"secret_hmac":"[0-9a-f]*"' "$work/run2.json" | head -1)
[ -n "$h1" ] && [ "$h1" = "$h2" ] &&
    ok "secret fingerprints stable across runs (the installed key)" ||
    bad "fingerprints differ between runs: '$h1' '$h2'"
if SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
    /lib/systemd/system/edgeward.service >"$work/verify.log" 2>&1 &&
    ! grep -v -e 'Failed to .*cgroup' -e 'redis-server.service' -e '^$' \
    "$work/verify.log" | grep -q .; then
	ok "systemd-analyze verify edgeward.service"
else
	bad "systemd-analyze verify: $(cat "$work/verify.log")"
fi

# 4. reinstall, remove, purge
apt-get install -y -qq --reinstall "$deb" >/dev/null 2>&1
[ "$(sha256sum "$key" | cut -c1-64)" = "$keysum" ] &&
    ok "reinstall keeps the secret key" || bad "reinstall replaced the key"
echo spooled >/var/spool/edgeward/0000000000000001.seg
apt-get remove -y -qq edgeward >/dev/null 2>&1
if [ ! -e /usr/bin/edgeward ] && [ -f /etc/edgeward/edgeward.conf ] &&
    [ -f "$key" ] && [ -f /var/spool/edgeward/0000000000000001.seg ]; then
	ok "remove: binary gone; configuration, key and spool kept"
else
	bad "remove: $(ls -d /usr/bin/edgeward /etc/edgeward/* /var/spool/edgeward/* 2>&1 | tr '\n' ' ')"
fi
apt-get purge -y -qq edgeward >/dev/null 2>&1
left=""
for f in /etc/edgeward /etc/default/edgeward /var/spool/edgeward \
    /var/log/edgeward /usr/share/edgeward /usr/bin/edgeward \
    /lib/systemd/system/edgeward.service \
    /etc/systemd/system/multi-user.target.wants/edgeward.service; do
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done
if [ -z "$left" ] && ! dpkg -s edgeward >/dev/null 2>&1; then
	ok "purge: nothing of the package left (the system user stays, as Debian does)"
else
	bad "purge left:$left"
fi
rm -f "$deb"
finish
