#!/bin/sh
# damaged.sh - the contract for truncated and corrupt captures (issue 13,
# defect 6; edgeward(8), EXIT STATUS): the findings before the damage are
# written, one stderr line names the file and the byte where its last
# whole record ends, the next file is read as usual, and the run exits 3
# (1 when the output failed too, or a file could not be read at all).
# Before, all of these exited 0 while the manual said 1.
# Cases: a classic pcap cut in its last record, one with a bogus record
# length, a pcapng cut in its last block and one with a bogus block
# length, built here from the project's captures with python3.
. "${srcdir:-.}/tests/checks.sh"
command -v python3 >/dev/null 2>&1 || { echo "damaged: python3 missing"; exit 77; }
ftp=$top/pcaps/recorded/ftp.pcap		# 51 records, 2 findings
ng=$top/pcaps/crafted/eth_ftp.pcapng		# 13 packets, 1 finding

# Writes the damaged captures; prints "NAME OFFSET PACKETS" for each: the
# end of the last whole record, and the packets before the damage.
python3 - "$ftp" "$ng" "$tmp" >"$tmp/cases" <<'PY'
import struct, sys
ftp, ng, out = sys.argv[1], sys.argv[2], sys.argv[3]
b = open(ftp, 'rb').read()
recs, off = [], 24
while off + 16 <= len(b):
    cap = struct.unpack_from('<I', b, off + 8)[0]
    recs.append(off)
    off += 16 + cap
last = recs[-1]
cap = struct.unpack_from('<I', b, last + 8)[0]
open(out + '/cut.pcap', 'wb').write(b[:last + 16 + cap // 2])
print('cut.pcap', last, len(recs) - 1)
bb = bytearray(b)
struct.pack_into('<I', bb, recs[20] + 8, 0x7ffffff0)
open(out + '/bogus.pcap', 'wb').write(bytes(bb))
print('bogus.pcap', recs[20], 20)
b = open(ng, 'rb').read()
blocks, off = [], 0
while off + 12 <= len(b):
    t, l = struct.unpack_from('<II', b, off)
    blocks.append((off, t))
    off += l
epb = [o for o, t in blocks if t == 6]
open(out + '/cut.pcapng', 'wb').write(b[:epb[-1] + 20])
print('cut.pcapng', epb[-1], len(epb) - 1)
bb = bytearray(b)
struct.pack_into('<I', bb, epb[6] + 4, 0x7ffffff0)
open(out + '/bogus.pcapng', 'wb').write(bytes(bb))
print('bogus.pcapng', epb[6], 6)
PY
[ "$(wc -l <"$tmp/cases")" -eq 4 ] || { echo "damaged: could not build the cases"; exit 99; }

# The findings a whole capture cut at OFFSET gives: what a damaged run
# must still write.
while read -r name off npk; do
	head -c "$off" "$tmp/$name" >"$tmp/good.$name"
	want=$("$bin" -q -r "$tmp/good.$name" 2>/dev/null | wc -l)
	"$bin" -q -r "$tmp/$name" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	got=$(wc -l <"$tmp/out")
	if [ $rc -eq 3 ] && [ "$got" -eq "$want" ] &&
	    [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	    grep -q "^edgeward: $tmp/$name: truncated or corrupt record after byte $off (.*); the $npk packets before it were analysed$" "$tmp/err"
	then
		ok "$name: exit 3, $got findings kept, byte $off named"
	else
		bad "$name: exit $rc, $got findings (want $want): $(cat "$tmp/err")"
	fi
done <"$tmp/cases"

# The file after a damaged one is read; the status stays 3.
"$bin" -q -r "$tmp/bogus.pcap" -r "$ng" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] && [ "$(wc -l <"$tmp/out")" -eq 2 ] &&
    ok "damaged file, then a good one: both read, exit 3" ||
    bad "damaged then good: exit $rc, $(wc -l <"$tmp/out") findings: $(cat "$tmp/err")"
# The summary (no -q) follows the damage line; the status is the same.
"$bin" -r "$tmp/cut.pcap" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] && grep -q "truncated or corrupt record" "$tmp/err" &&
    ok "with the summary: exit 3" || bad "with the summary: exit $rc"
# A failed output is worse than damage: 1.
"$bin" -q -r "$tmp/cut.pcap" -o /dev/full >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && ok "damage and /dev/full: exit 1" ||
    bad "damage and /dev/full: exit $rc: $(cat "$tmp/err")"
# A file that was there at the start and is gone at its turn was not read
# at all: 1.  The first input is a FIFO whose writer removes the second
# file once edgeward has checked it.
mkfifo "$tmp/in"
cp "$ftp" "$tmp/second.pcap"
(head -c 24 "$ftp"; sleep 1; rm -f "$tmp/second.pcap"; tail -c +25 "$ftp") \
    >"$tmp/in" &
timeout -s KILL 20 "$bin" -q -r "$tmp/in" -r "$tmp/second.pcap" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
wait
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/out")" -eq 2 ] &&
    grep -q "second.pcap.*(skipped)" "$tmp/err" &&
    ok "a file gone at its turn: skipped, exit 1" ||
    bad "a file gone at its turn: exit $rc: $(cat "$tmp/err")"

# The manual says what the code does.
sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /p' "$top/man/edgeward.8" >"$tmp/man"
grep -q "^\.It 3$" "$tmp/man" && grep -qi "truncated or corrupt" "$tmp/man" &&
    ok "edgeward(8) EXIT STATUS documents 3" ||
    bad "edgeward(8) EXIT STATUS: $(cat "$tmp/man")"

echo "damaged: $pass passed, $fail failed"
[ $fail -eq 0 ]
