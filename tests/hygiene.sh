#!/bin/sh
# hygiene.sh - secret keys and the privilege drop (issue 13, defect 9):
#  - secret_key_file must be a regular file holding a random key: /dev/zero,
#    a directory, an all-zero file and a repeated word are refused in one
#    line, at start (exit 1) and by --check-config (exit 2); random keys,
#    raw and in hex, are taken;
#  - -u '' is a usage error (it used to stay root without a word);
#  - as root, after -u nobody the process has no capability left, an empty
#    bounding set and no-new-privileges (read from /proc while it runs).
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=${EDGEWARD:-./edgeward}
umask 077	# keys readable by their owner only (no warning)
tmp=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill -9 $pid 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }
cap=$top/pcaps/recorded/ftp.pcap		# 2 findings

# key NAME WANT PATTERN FILE: --check-config exits 2 (0 when WANT is ok)
# and a run 1 (0), each with one line matching PATTERN (none).
key() {
	name=$1 want=$2 pat=$3 file=$4
	timeout -s KILL 10 "$bin" --check-config \
	    --set "secret_key_file=$file" >/dev/null 2>"$tmp/err1"
	rc1=$?
	timeout -s KILL 10 "$bin" -q -r "$cap" \
	    --set "secret_key_file=$file" >"$tmp/out" 2>"$tmp/err2"
	rc2=$?
	if [ "$want" = ok ]; then
		if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ ! -s "$tmp/err2" ] &&
		    [ "$(wc -l <"$tmp/out")" -eq 2 ]; then
			ok "$name: taken"
		else
			bad "$name: exits $rc1, $rc2: $(cat "$tmp/err1" "$tmp/err2")"
		fi
		return
	fi
	if [ $rc1 -eq 2 ] && [ $rc2 -eq 1 ] &&
	    [ "$(wc -l <"$tmp/err1")" -eq 1 ] &&
	    [ "$(wc -l <"$tmp/err2")" -eq 1 ] &&
	    grep -q "^edgeward: .*$pat" "$tmp/err1" &&
	    grep -q "^edgeward: .*$pat" "$tmp/err2" && [ ! -s "$tmp/out" ]; then
		ok "$name: refused: $(cat "$tmp/err2")"
	else
		bad "$name: exits $rc1, $rc2: $(cat "$tmp/err1" "$tmp/err2")"
	fi
}

key "/dev/zero" no "secret_key_file /dev/zero is a device" /dev/zero
mkdir "$tmp/keydir"
key "a directory" no "secret_key_file $tmp/keydir is a directory" "$tmp/keydir"
head -c 32 /dev/zero >"$tmp/zero.key"
key "32 zero bytes" no "is not a random key (1 distinct byte values in 32" \
    "$tmp/zero.key"
printf 'passwordpassword' >"$tmp/word.key"
key "a repeated word" no "is not a random key (7 distinct" "$tmp/word.key"
printf '\001\002\003\004\005\006\007\010AAAAAAAAAAAAAAAAA' >"$tmp/mostly.key"
key "one byte in more than half" no "one of them 17 times" "$tmp/mostly.key"
printf 'short-key' >"$tmp/short.key"
key "9 bytes" no "holds 9 bytes; it needs at least 16" "$tmp/short.key"
head -c 32 /dev/urandom >"$tmp/raw.key"
key "32 random bytes" ok "" "$tmp/raw.key"
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$tmp/hex.key"
key "64 random hex digits" ok "" "$tmp/hex.key"
head -c 16 /dev/urandom >"$tmp/raw16.key"
key "16 random bytes" ok "" "$tmp/raw16.key"

timeout -s KILL 10 "$bin" -q -u '' -r "$cap" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -q "^edgeward: -u needs a user name" "$tmp/err" && [ ! -s "$tmp/out" ]
then
	ok "-u '': usage error"
else
	bad "-u '': exit $rc: $(cat "$tmp/err")"
fi

if [ "$(id -u)" -ne 0 ] || ! id nobody >/dev/null 2>&1; then
	echo "hygiene: not root or no user nobody: the privilege drop is not checked"
else
	# The capture's header, then nothing: the run waits, dropped, while
	# /proc is read.
	chmod 755 "$tmp"
	mkfifo -m 644 "$tmp/in"
	(head -c 24 "$cap"; exec sleep 10) >"$tmp/in" &
	writer=$!
	"$bin" -q -u nobody -r "$tmp/in" -o /dev/null 2>"$tmp/err" &
	pid=$!
	st=""
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		sleep 0.2
		st=$(cat /proc/$pid/status 2>/dev/null)
		echo "$st" | grep -q "^Uid:[[:space:]]*65534" && break
	done
	f() { echo "$st" | sed -n "s/^$1:[[:space:]]*//p"; }
	if [ "$(f CapBnd)" = 0000000000000000 ] &&
	    [ "$(f CapPrm)" = 0000000000000000 ] &&
	    [ "$(f CapEff)" = 0000000000000000 ] && [ "$(f NoNewPrivs)" = 1 ] &&
	    echo "$st" | grep -q "^Uid:[[:space:]]*65534[[:space:]]*65534"; then
		ok "-u nobody: no capability, empty bounding set, no-new-privileges"
	else
		bad "-u nobody: CapBnd $(f CapBnd) CapPrm $(f CapPrm) NoNewPrivs $(f NoNewPrivs) Uid $(f Uid): $(cat "$tmp/err")"
	fi
	kill -TERM $pid
	wait $pid
	rc=$?
	pid=""
	kill $writer 2>/dev/null
	wait $writer 2>/dev/null
	[ $rc -eq 0 ] && ok "-u nobody: stops on SIGTERM, exit 0" ||
	    bad "-u nobody: exit $rc: $(cat "$tmp/err")"
fi

echo "hygiene: $pass passed, $fail failed"
[ $fail -eq 0 ]
