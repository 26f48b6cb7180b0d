#!/bin/sh
# truncation.sh - the truncation sweep: every capture in pcaps/crafted and
# pcaps/recorded, cut to each snap length below, is read with
# `edgeward -q -r` under AddressSanitizer/UBSan.  A non-zero exit or any
# sanitizer report on stderr fails the test.
#
# It only means something in a sanitizer build, so it skips (exit 77)
# unless ./edgeward links ASan or EDGEWARD_TRUNCATION_FORCE=1 is set.
# CI runs it from a second VPATH build (the source tree `make distclean`ed):
#
#   mkdir /tmp/asan && cd /tmp/asan && \
#   "$SRC"/configure --enable-asan && make -j2 && \
#   make check TESTS=tests/truncation.sh
#
# Records are cut by rewriting caplen in the classic pcap format (python3);
# pcapng files are first converted with `tcpdump -r IN -w OUT` (skipped,
# with a note, when tcpdump is not installed).
set -u

SNAPLENS="14 34 54 64 96 128 200 512"
srcdir=${srcdir:-$(dirname "$0")/..}
bin=./edgeward

if [ ! -x "$bin" ]; then
	echo "truncation.sh: $bin not built" >&2
	exit 99
fi
if [ "${EDGEWARD_TRUNCATION_FORCE:-0}" != 1 ] &&
    ! nm "$bin" 2>/dev/null | grep -q __asan_init; then
	echo "truncation.sh: $bin is not an ASan build; skipped"
	exit 77
fi
PYTHON=${PYTHON3:-python3}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
	echo "truncation.sh: python3 missing; skipped"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/truncation.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

# cut.py IN SNAP OUT: copy a classic pcap with every record cut to SNAP
# bytes (orig_len kept, so the sensor sees caplen < wirelen).
cat >"$tmp/cut.py" <<'PY'
import struct, sys
src, snap, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
b = open(src, 'rb').read()
magic = b[:4]
if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
    e = '<'
elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
    e = '>'
else:
    sys.exit('not a classic pcap: ' + src)
hdr = bytearray(b[:24])
struct.pack_into(e + 'I', hdr, 16, snap)	# snaplen field
out = [bytes(hdr)]
off = 24
while off + 16 <= len(b):
    ts, frac, cap, orig = struct.unpack_from(e + 'IIII', b, off)
    off += 16
    data = b[off:off + cap]
    off += cap
    data = data[:snap]
    out.append(struct.pack(e + 'IIII', ts, frac, len(data), orig))
    out.append(data)
open(dst, 'wb').write(b''.join(out))
PY

fail=0
runs=0
for f in "$srcdir"/pcaps/crafted/*.pcap* "$srcdir"/pcaps/recorded/*.pcap*; do
	[ -f "$f" ] || continue
	name=$(basename "$f")
	case "$name" in
	*.pcapng)
		if ! command -v tcpdump >/dev/null 2>&1; then
			echo "note: $name skipped (no tcpdump to convert it)"
			continue
		fi
		in="$tmp/$name.pcap"
		tcpdump -r "$f" -w "$in" 2>/dev/null || {
			echo "FAIL: $name: tcpdump could not convert it"
			fail=1
			continue
		}
		;;
	*)
		in="$f"
		;;
	esac
	for s in $SNAPLENS; do
		cut="$tmp/cut.pcap"
		"$PYTHON" "$tmp/cut.py" "$in" "$s" "$cut" || {
			echo "FAIL: $name: could not cut to $s"
			fail=1
			continue
		}
		runs=$((runs + 1))
		"$bin" -q -o /dev/null -r "$cut" 2>"$tmp/err"
		rc=$?
		if [ "$rc" -ne 0 ] ||
		    grep -Eq 'Sanitizer|runtime error:' "$tmp/err"; then
			echo "FAIL: $name at snap length $s (exit $rc)"
			sed 's/^/    /' "$tmp/err" | head -40
			fail=1
		fi
	done
done
echo "truncation.sh: $runs runs"
if [ "$runs" -eq 0 ]; then
	echo "truncation.sh: no captures under $srcdir/pcaps; skipped"
	exit 77
fi
exit $fail
