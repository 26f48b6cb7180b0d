#!/bin/sh
# spool_user.sh - with -u USER the Redis spool is the user's (issue 13,
# defect 3).  edgeward opens the spool as root, before the drop; it used to
# create a missing directory root's, mode 0700, so after the drop every
# finding that had to be spooled was dropped while --check-config said OK.
# Now, for a user this test creates (root only; skipped otherwise):
#  - a missing spool_dir is created for the user, and findings are spooled;
#  - a directory an earlier root run created (root's, 0700, only spool
#    files) is given to the user with its files, and its findings kept;
#  - a directory the user cannot write (the administrator's, or under a
#    parent the user cannot search) is refused in one line, by
#    --check-config (exit 2) and at start (exit 1), and left unchanged.
# Redis is a closed loopback port: everything goes to the spool.
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=${EDGEWARD:-./edgeward}
[ "$(id -u)" -eq 0 ] || { echo "spool_user: needs root (useradd)"; exit 77; }
command -v useradd >/dev/null 2>&1 && command -v userdel >/dev/null 2>&1 ||
    { echo "spool_user: useradd missing"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "spool_user: python3 missing"; exit 77; }
user=ewspool$$
useradd --system --no-create-home --shell /usr/sbin/nologin "$user" ||
    { echo "spool_user: useradd $user failed"; exit 77; }
tmp=$(mktemp -d)
trap 'userdel "$user" 2>/dev/null; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
pass=0
fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }
cap=$top/pcaps/recorded/ftp.pcap		# 2 findings
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis="--set redis_url=redis://127.0.0.1:$port"

# run DIR [-u USER]: a run spooling to DIR; summary in $tmp/err.
run() {
	dir=$1
	shift
	timeout -s KILL 30 "$bin" -r "$cap" -o /dev/null $redis \
	    --set "spool_dir=$dir" "$@" 2>"$tmp/err"
}
# spooled: "SPOOLED DROPPED" from the summary's redis line.
spooled() {
	sed -n 's/.*spooled \([0-9]*\) + in flight [0-9]* + dropped \([0-9]*\).*/\1 \2/p' "$tmp/err"
}
owner() { stat -c %U "$1"; }
# check DIR: --check-config output in $tmp/chk, exit status returned.
check() {
	timeout -s KILL 30 "$bin" --check-config -u "$user" $redis \
	    --set "spool_dir=$1" >"$tmp/chk" 2>&1
}

d=$tmp/new
if check "$d" && grep -q "configuration OK" "$tmp/chk"; then
	ok "missing spool_dir: --check-config OK"
else
	bad "missing spool_dir: --check-config: $(cat "$tmp/chk")"
fi
run "$d" -u "$user"
rc=$?
if [ $rc -eq 0 ] && [ "$(spooled)" = "2 0" ] && [ "$(owner "$d")" = "$user" ] &&
    [ "$(stat -c %a "$d")" = 700 ] &&
    [ "$(owner "$d"/0000000000000001.seg)" = "$user" ]; then
	ok "missing spool_dir: created for $user, 2 findings spooled"
else
	bad "missing spool_dir: exit $rc, spooled/dropped '$(spooled)', owner $(owner "$d" 2>&1): $(grep -i spool "$tmp/err")"
fi

d=$tmp/earlier
run "$d"		# as root, no -u: root's directory, 2 findings in it
if [ "$(owner "$d")" = root ] && [ "$(spooled)" = "2 0" ]; then
	if check "$d" && grep -q "configuration OK" "$tmp/chk"; then
		ok "root-made spool_dir: --check-config OK (it will be given)"
	else
		bad "root-made spool_dir: --check-config: $(cat "$tmp/chk")"
	fi
	run "$d" -u "$user"
	rc=$?
	others=$(find "$d" ! -user "$user" | wc -l)
	if [ $rc -eq 0 ] && [ "$(spooled)" = "4 0" ] && [ "$others" -eq 0 ]; then
		ok "root-made spool_dir: given to $user with its files, 4 spooled"
	else
		bad "root-made spool_dir: exit $rc, spooled/dropped '$(spooled)', $others entries not $user's: $(grep -i spool "$tmp/err")"
	fi
else
	bad "root-made spool_dir: the root run left $(owner "$d") '$(spooled)'"
fi

# refused NAME DIR: --check-config exit 2, start exit 1, one line each,
# DIR unchanged.
refused() {
	name=$1 dir=$2
	before=$(ls -la "$dir" 2>&1)
	check "$dir"
	rc1=$?
	run "$dir" -u "$user" -q
	rc2=$?
	if [ $rc1 -eq 2 ] && [ $rc2 -eq 1 ] &&
	    [ "$(wc -l <"$tmp/chk")" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	    grep -q "^edgeward: spool_dir $dir is not writable by user $user" \
	    "$tmp/chk" "$tmp/err" && [ "$(ls -la "$dir" 2>&1)" = "$before" ]; then
		ok "$name: refused in one line, unchanged"
	else
		bad "$name: exits $rc1, $rc2: $(cat "$tmp/chk" "$tmp/err")"
	fi
}
d=$tmp/admin
mkdir -m 755 "$d"
echo "not edgeward's" >"$d/README"
refused "an administrator's directory" "$d"
mkdir -m 700 "$tmp/closed"
refused "a parent $user cannot search" "$tmp/closed/spool"

d=$tmp/given
mkdir -m 700 "$d"
chown "$user" "$d"
check "$d" && run "$d" -u "$user" && [ "$(spooled)" = "2 0" ] &&
    ok "the user's own spool_dir: 2 spooled" ||
    bad "the user's own spool_dir: $(cat "$tmp/chk" "$tmp/err")"

echo "spool_user: $pass passed, $fail failed"
[ $fail -eq 0 ]
