#!/bin/sh
# output_errors.sh - findings that cannot be written are never lost in
# silence (issue 13, defect 2): on /dev/full, a closed standard output, a
# pipe whose reader went away and a full file system (a tiny tmpfs, when
# root may mount one) edgeward says so in one stderr line, counts the
# findings lost (output_lost in the summary: written + lost = produced),
# exits 1, and leaves no partial line in a file that can be written again:
# the next run appending to it after space was freed yields valid JSON
# lines only.  A file it creates is not world-readable (0640, 0600 with
# reveal_secrets; issue 13, defect 9).
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=${EDGEWARD:-./edgeward}
tmp=$(mktemp -d)
mnt=""
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }
many=$top/pcaps/crafted/many_pairs.pcap	# 3000 findings, 1.8 MB of JSON
small=$top/pcaps/recorded/ftp.pcap		# 2 findings

# one_line PATTERN: stderr ($tmp/err) holds exactly one line, matching.
one_line() {
	[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -Eq "^edgeward: $1" "$tmp/err"
}
# lost: output_lost from the summary in $tmp/err.
lost() {
	sed -n 's/^ *output_lost  *\([0-9]*\) .*/\1/p' "$tmp/err"
}
# valid_lines FILE: every line is a JSON object, the file ends in "\n".
valid_lines() {
	python3 - "$1" <<'PY'
import json, sys
b = open(sys.argv[1], "rb").read()
if b and not b.endswith(b"\n"):
    sys.exit("no newline at the end")
for i, l in enumerate(b.splitlines()):
    try:
        json.loads(l)
    except ValueError as e:
        sys.exit("line %d: %s" % (i + 1, e))
PY
}

"$bin" -q -r "$small" -o /dev/full 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && one_line "cannot write findings to /dev/full: No space left"; then
	ok "/dev/full: exit 1, one line"
else
	bad "/dev/full: exit $rc: $(cat "$tmp/err")"
fi
"$bin" -r "$small" -o /dev/full 2>"$tmp/err"
[ "$(lost)" = 2 ] && ok "/dev/full: output_lost 2 in the summary" ||
    bad "/dev/full: output_lost '$(lost)'"

"$bin" -q -r "$small" >&- 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && one_line "cannot write findings to standard output"; then
	ok "closed standard output: exit 1, one line"
else
	bad "closed standard output: exit $rc: $(cat "$tmp/err")"
fi

# The reader of the pipe reads one line and goes (the output is far
# larger than a pipe's buffer, so writes do fail).
rc=$( { "$bin" -q -r "$many" 2>"$tmp/err"; echo $? >"$tmp/rc"; } | head -1 >/dev/null; cat "$tmp/rc")
if [ "$rc" -eq 1 ] && one_line "cannot write findings to standard output: Broken pipe"; then
	ok "reader gone: exit 1, one line"
else
	bad "reader gone: exit $rc: $(cat "$tmp/err")"
fi

# Mode of a file edgeward creates.
umask 022
"$bin" -q -r "$small" -o "$tmp/new.json" 2>"$tmp/err"
"$bin" -q -r "$small" -o "$tmp/secret.json" --reveal-secrets 2>>"$tmp/err"
m1=$(stat -c %a "$tmp/new.json")
m2=$(stat -c %a "$tmp/secret.json")
[ "$m1" = 640 ] && [ "$m2" = 600 ] && ok "created 0640, 0600 with secrets" ||
    bad "created $m1 and $m2 (want 640, 600)"

# A full file system, then room again.
if [ "$(id -u)" -eq 0 ] && mkdir "$tmp/mnt" &&
    mount -t tmpfs -o size=256k tmpfs "$tmp/mnt" 2>/dev/null; then
	mnt=$tmp/mnt
	head -c 65536 /dev/zero >"$mnt/filler"
	out=$mnt/findings.json
	"$bin" -r "$many" -o "$out" 2>"$tmp/err"
	rc=$?
	n1=$(wc -l <"$out")
	l1=$(lost)
	if [ $rc -eq 1 ] && grep -c '^edgeward: ' "$tmp/err" | grep -qx 1 &&
	    grep -q "cannot write findings to $out: No space left" "$tmp/err" &&
	    [ -n "$l1" ] && [ $((n1 + l1)) -eq 3000 ]; then
		ok "full tmpfs: exit 1, one line, $n1 written + $l1 lost = 3000"
	else
		bad "full tmpfs: exit $rc, $n1 lines, output_lost '$l1': $(grep '^edgeward:' "$tmp/err")"
	fi
	why=$(valid_lines "$out" 2>&1) && ok "full tmpfs: no partial line left" ||
	    bad "full tmpfs: $why"
	rm -f "$mnt/filler"
	"$bin" -q -r "$small" -o "$out" 2>"$tmp/err"
	rc=$?
	why=$(valid_lines "$out" 2>&1)
	if [ $rc -eq 0 ] && [ -z "$why" ] &&
	    [ "$(wc -l <"$out")" -eq $((n1 + 2)) ]; then
		ok "room again: the next run appends whole lines"
	else
		bad "room again: exit $rc, $(wc -l <"$out") lines: $why"
	fi
else
	echo "note: no tmpfs mount here (needs root); the full-disk case is skipped"
fi

echo "output_errors: $pass passed, $fail failed"
[ $fail -eq 0 ]
