#!/usr/bin/env python3
"""erspan_cut_inner.py - reproducer for a leak found by campaign/mutate.py
(mutant 2026-307): nDPI memory held outside flow_memcap.

usage: campaign/repro/erspan_cut_inner.py FLOWS > cut.pcap
       edgeward -r cut.pcap -o /dev/null --set flow_memcap=1m

Each packet is record 5 of pcaps/crafted/erspan1_ftp.pcap (an FTP
server's "331 Please specify the password." in ERSPAN type I over GRE)
with the outer IPv4 total length cut from 112 to 87 bytes, so the inner
TCP segment ends 25 bytes early (a decode anomaly), and a distinct outer
source address per packet (one flow each).  Measured on the tree this
campaign started from: one packet leaves 2 KiB of nDPI's TLS buffer
(ndpi_search_tls_tcp_memory) that LeakSanitizer reports at exit; 20,000
flows hold 40156 KiB of nDPI memory at the end ("nDPI flow memory ...
held" in the summary) against a 1 MiB flow_memcap, peak RSS 68 MiB
against 13 MiB for one packet.
"""
import os
import struct
import sys

# No __pycache__ in the source tree (read-only in make distcheck).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from capfile import parse_capture  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: campaign/repro/erspan_cut_inner.py FLOWS > cut.pcap")
    n = int(sys.argv[1])
    link, _, recs = parse_capture(open(os.path.join(
        TOP, "pcaps", "crafted", "erspan1_ftp.pcap"), "rb").read())
    frame = bytearray(recs[5][1])
    frame[17] = 87			# outer IPv4 total length, low byte
    out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, link)]
    for i in range(n):
        d = bytearray(frame)
        struct.pack_into("!H", d, 28, i & 0xffff)	# outer source
        d[27] = 0 if i < 65536 else (i >> 16) & 0xff
        out.append(struct.pack("<IIII", 1700000000 + i // 1000000,
                               i % 1000000, len(d), len(d)) + bytes(d))
    sys.stdout.buffer.write(b"".join(out))


if __name__ == "__main__":
    main()
