#!/bin/sh
# hangs.sh - nothing edgeward opens can keep it from stopping (issue 13,
# defect 7):
#  - a configuration or list file that never ends (/dev/zero) is refused
#    at once in one line, non-zero exit, without reading it;
#  - -r FIFO with no writer, a FIFO whose writer stalls mid-file, -o FIFO
#    and report_file FIFO with no reader: SIGTERM stops the run within two
#    seconds (before, open(2) or read(2) were restarted for ever);
#  - a FIFO with a writer, and standard input from a pipe, still give the
#    same findings as the file itself.
# Every run is under `timeout -s KILL`, so a regression fails, never hangs.
. "${srcdir:-.}/tests/checks.sh"
cap=$top/pcaps/recorded/ftp.pcap		# 2 findings
cp "$top/tests/golden/hmac.key" "$tmp/hmac.key"
chmod 600 "$tmp/hmac.key"
key="--set secret_key_file=$tmp/hmac.key"
norm() { sed 's/"finding_id":"[0-9a-f]*-/"finding_id":"X-/' "$1"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# getline() on /dev/zero grows without end: bound the memory of a build
# without AddressSanitizer (whose shadow needs terabytes of address space).
vlimit=4000000
ldd "$bin" 2>/dev/null | grep -q libasan && vlimit=unlimited

# refused NAME ARGS...: exit 2 within 5 s, one stderr line naming /dev/zero.
refused() {
	name=$1
	shift
	(ulimit -v $vlimit; exec timeout -s KILL 5 "$bin" "$@") >/dev/null \
	    2>"$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	    grep -q "^edgeward: .*/dev/zero.*not a regular file" "$tmp/err"; then
		ok "$name: refused, one line"
	else
		bad "$name: exit $rc: $(head -c 300 "$tmp/err")"
	fi
}
refused "-c /dev/zero --check-config" -c /dev/zero --check-config
refused "-c /dev/zero -r" -c /dev/zero -q -r "$cap"
refused "a list's @/dev/zero" --check-config --set "admin_hosts=@/dev/zero"
refused "public_suffix_list=/dev/zero" -q -r "$cap" \
    --set public_suffix_list=/dev/zero
mkdir "$tmp/dir"
timeout -s KILL 5 "$bin" -c "$tmp/dir" --check-config >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "a directory" "$tmp/err"; then
	ok "-c DIRECTORY: says it is a directory"
else
	bad "-c DIRECTORY: exit $rc: $(cat "$tmp/err")"
fi

# stops NAME SECONDS_BEFORE_TERM ARGS...: started in the background, sent
# SIGTERM, must be gone within 2 s of it with exit 0.  Output in $tmp/out.
stops() {
	name=$1 wait=$2
	shift 2
	timeout -s KILL 10 "$bin" -q "$@" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	sleep "$wait"
	t0=$(now_ms)
	kill -TERM $pid
	wait $pid
	rc=$?
	ms=$(($(now_ms) - t0))
	if [ $rc -eq 0 ] && [ $ms -lt 2000 ]; then
		ok "$name: stopped $ms ms after SIGTERM"
	else
		bad "$name: exit $rc $ms ms after SIGTERM: $(cat "$tmp/err")"
	fi
}

mkfifo "$tmp/in" "$tmp/out.fifo"
# Under AddressSanitizer, LeakSanitizer's exit-time check was seen to
# deadlock in this case in about one run of five (the main task spinning,
# its tracer process asleep; not seen in the other cases nor without
# ASan): this case runs with leak detection off, and the same start-up
# stop path is leak-checked by the -o FIFO case below.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    stops "-r FIFO, no writer" 1 -r "$tmp/in"
grep -q "stopped by a signal before the run began" "$tmp/err" &&
    ok "-r FIFO, no writer: one line says so" ||
    bad "-r FIFO, no writer: stderr: $(cat "$tmp/err")"
stops "-o FIFO, no reader" 1 -r "$cap" -o "$tmp/out.fifo"
stops "report_file FIFO, no reader" 1 -r "$cap" \
    --set "report_file=$tmp/out.fifo"
# The writer sends the first 3000 bytes, then nothing for 20 s.
(head -c 3000 "$cap"; exec sleep 20) >"$tmp/in" &
writer=$!
stops "-r FIFO, the writer stalls mid-file" 1 -r "$tmp/in"
kill $writer 2>/dev/null
wait $writer 2>/dev/null

"$bin" -q -r "$cap" $key >"$tmp/ref" 2>/dev/null
norm "$tmp/ref" >"$tmp/ref.n"
[ "$(wc -l <"$tmp/ref")" -eq 2 ] || bad "reference run: $(wc -l <"$tmp/ref") findings"
cat "$cap" >"$tmp/in" &
timeout -s KILL 10 "$bin" -q -r "$tmp/in" $key >"$tmp/out" 2>"$tmp/err"
rc=$?
wait
norm "$tmp/out" | cmp -s - "$tmp/ref.n" && [ $rc -eq 0 ] &&
    ok "-r FIFO with a writer: the file's findings" ||
    bad "-r FIFO with a writer: exit $rc: $(cat "$tmp/err")"
cat "$cap" | timeout -s KILL 10 "$bin" -q -r - $key >"$tmp/out" 2>"$tmp/err"
rc=$?
norm "$tmp/out" | cmp -s - "$tmp/ref.n" && [ $rc -eq 0 ] &&
    ok "-r - from a pipe: the file's findings" ||
    bad "-r - from a pipe: exit $rc: $(cat "$tmp/err")"
timeout -s KILL 10 "$bin" -q -r - $key <"$cap" >"$tmp/out" 2>"$tmp/err"
rc=$?
norm "$tmp/out" | cmp -s - "$tmp/ref.n" && [ $rc -eq 0 ] &&
    ok "-r - from a file: the file's findings" ||
    bad "-r - from a file: exit $rc: $(cat "$tmp/err")"
# Standard input after a file is read at its turn (it cannot be opened
# twice), whether a pipe or a redirected file.
other=$top/pcaps/recorded/telnet.pcap
"$bin" -q -r "$other" -r "$cap" $key >"$tmp/ref2" 2>/dev/null
norm "$tmp/ref2" >"$tmp/ref2.n"
cat "$cap" | timeout -s KILL 10 "$bin" -q -r "$other" -r - $key \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
norm "$tmp/out" | cmp -s - "$tmp/ref2.n" && [ $rc -eq 0 ] &&
    ok "-r FILE -r - from a pipe: both read" ||
    bad "-r FILE -r - from a pipe: exit $rc: $(cat "$tmp/err")"
timeout -s KILL 10 "$bin" -q -r "$other" -r - $key <"$cap" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
norm "$tmp/out" | cmp -s - "$tmp/ref2.n" && [ $rc -eq 0 ] &&
    ok "-r FILE -r - from a file: both read" ||
    bad "-r FILE -r - from a file: exit $rc: $(cat "$tmp/err")"

# SIGHUP that points output_file at a FIFO nothing reads: one line says
# so, the findings go on to the old file, and the run ends (before, the
# publisher waited in open(2) for a reader, and with it every finding).
mkfifo "$tmp/in2" "$tmp/outfifo"
printf 'output_file = %s\n' "$tmp/out1" >"$tmp/hup.conf"
python3 "$top/tests/pcap_slow.py" "$tmp/in2" 3 "$cap" "$other" &
wpid=$!
timeout -s KILL 20 "$bin" -q -c "$tmp/hup.conf" -r "$tmp/in2" $key \
    2>"$tmp/err" &
epid=$!
sleep 1
printf 'output_file = %s\n' "$tmp/outfifo" >"$tmp/hup.conf"
kill -HUP $epid
wait $wpid
rc=0
wait $epid || rc=$?
n=$(wc -l <"$tmp/out1" 2>/dev/null || echo 0)
if [ $rc -eq 0 ] && [ "$n" -eq "$(wc -l <"$tmp/ref2")" ] &&
    grep -q "cannot reopen output file $tmp/outfifo: a FIFO nothing reads" \
    "$tmp/err"; then
	ok "SIGHUP to a FIFO output nothing reads: said, $n findings kept"
else
	bad "SIGHUP to a FIFO output nothing reads: exit $rc, $n findings: $(tr "\n" " " <"$tmp/err" | head -c 600)"
fi

echo "hangs: $pass passed, $fail failed"
[ $fail -eq 0 ]
