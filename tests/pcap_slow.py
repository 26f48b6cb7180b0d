#!/usr/bin/env python3
# pcap_slow.py OUT SECONDS CAPTURE... - writes the classic-pcap captures
# into OUT (a FIFO) as one pcap stream spread over SECONDS, for tests that
# need a run to last (tests/redis_e2e.sh, tests/redis_rough.sh).
import struct, sys, time
out, secs, files = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
recs, head = [], None
for f in files:
    d = open(f, "rb").read()
    if struct.unpack("<I", d[:4])[0] != 0xa1b2c3d4:
        continue
    head = head or d[:24]
    off = 24
    while off + 16 <= len(d):
        n = struct.unpack("<I", d[off + 8:off + 12])[0]
        recs.append(d[off:off + 16 + n])
        off += 16 + n
with open(out, "wb", buffering=0) as o:
    o.write(head)
    for r in recs:
        o.write(r)
        time.sleep(secs / len(recs))
