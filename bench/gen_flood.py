#!/usr/bin/python3
"""
gen_flood.py - captures for the memory-per-flow benchmark (bench/memory.sh).

Kinds (one per file, deterministic, written fast with struct.pack):

  syn    N SYN-only flows to port 80: a scan or a SYN flood.  Every flow is a
         new (client address, client port) pair; the SYNs come 1 us apart, so
         all of them are inside every idle timeout at the end of the file.
  http   N completed short HTTP/1.1 flows: handshake, GET, a 200 response
         with a small body, the client's ACK, FIN both ways, last ACK (9
         packets).  The flows overlap (64 open at a time) and all end within
         the closed timeout, so every one is still in a flow table at the
         end of the file.
  idle   N classified idle flows: handshake, a TLS ClientHello with SNI and
         the server's ServerHello, the client's ACK; then nothing (no FIN).
         nDPI has classified them (TLS) and they sit idle, open.

Addresses: clients 10.0.0.0/8 (flow i: 10.x.y.z from i), servers in
198.18.0.0/24, client ports 1024-65535.  Checksums are correct.

Usage: gen_flood.py KIND N -o FILE
"""

import argparse
import struct
import sys

from gen_mix import csum, wsum

S_TCP4 = struct.Struct("!14sBBHHHBBH4s4sHHIIBBHHH")
S_REC = struct.Struct("<IIII")
FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10
T0 = 1700000000
ETH_C2S = b"\x02\x53\x00\x00\x00\x01" + b"\x02\x20\x00\x00\x00\x01" + b"\x08\x00"
ETH_S2C = b"\x02\x20\x00\x00\x00\x01" + b"\x02\x53\x00\x00\x00\x01" + b"\x08\x00"


class Writer:
    def __init__(self, path):
        self.f = open(path, "wb", buffering=1 << 22)
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        self.n = 0

    def tcp(self, ts_us, c2s, cip, sip, cport, sport, seq, ack, flags,
            payload=b"", psum=0):
        src, dst = (cip, sip) if c2s else (sip, cip)
        sp, dp = (cport, sport) if c2s else (sport, cport)
        tlen = 20 + len(payload)
        win = 64240
        s = (wsum(src) + wsum(dst) + 6 + tlen + sp + dp + (seq >> 16) +
             (seq & 0xFFFF) + (ack >> 16) + (ack & 0xFFFF) + (0x5000 | flags) +
             win + psum)
        tc = csum(s)
        ttl = 64
        tot = 20 + tlen
        ic = csum(0x4500 + tot + 0x4000 + (ttl << 8 | 6) + wsum(src) +
                  wsum(dst))
        fr = S_TCP4.pack(ETH_C2S if c2s else ETH_S2C, 0x45, 0, tot, 0, 0x4000,
                         ttl, 6, ic, src, dst, sp, dp, seq, ack, 0x50, flags,
                         win, tc, 0) + payload
        self.f.write(S_REC.pack(T0 + ts_us // 1000000, ts_us % 1000000,
                                len(fr), len(fr)))
        self.f.write(fr)
        self.n += 1

    def close(self):
        self.f.close()


def client(i):
    return bytes([10, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF]), \
        1024 + (i >> 24) * 7919 % 64000


def server(i):
    return bytes([198, 18, 0, 1 + i % 250])


def gen_syn(w, n):
    for i in range(n):
        cip, cport = client(i)
        w.tcp(i, True, cip, server(i), cport, 80, (i * 2654435761) & 0xFFFFFFFF,
              0, SYN)


REQ = (b"GET /index.html HTTP/1.1\r\nHost: intranet.example.com\r\n"
       b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101"
       b" Firefox/120.0\r\nAccept: */*\r\nConnection: close\r\n\r\n")
BODY = b"<html><body>" + b"x" * 200 + b"</body></html>\n"
RESP = (b"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: text/html"
        b"\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(BODY) +
        BODY)
REQ_SUM, RESP_SUM = wsum(REQ), wsum(RESP)


def handshake(i, t):
    """Flow i's addresses and initial sequence numbers, and its handshake
    starting at t as (time, c2s, cip, sip, cport, seq, ack, flags, payload,
    payload sum) tuples."""
    cip, cport = client(i)
    sip = server(i)
    cs = (i * 2654435761) & 0xFFFFFFFF
    ss = (i * 40503 + 12345) & 0xFFFFFFFF
    m = 0xFFFFFFFF
    pkts = [(t, True, cip, sip, cport, cs, 0, SYN, b"", 0),
            (t + 100, False, cip, sip, cport, ss, (cs + 1) & m, SYN | ACK,
             b"", 0),
            (t + 200, True, cip, sip, cport, (cs + 1) & m, (ss + 1) & m, ACK,
             b"", 0)]
    return cip, sip, cport, cs, ss, pkts


def http_packets(i, t):
    """One completed HTTP flow starting at t."""
    cip, sip, cport, cs, ss, hs = handshake(i, t)
    m = 0xFFFFFFFF
    yield from hs
    yield (t + 210, True, cip, sip, cport, (cs + 1) & m, (ss + 1) & m,
           PSH | ACK, REQ, REQ_SUM)
    c2 = (cs + 1 + len(REQ)) & m
    yield (t + 400, False, cip, sip, cport, (ss + 1) & m, c2, PSH | ACK, RESP,
           RESP_SUM)
    s2 = (ss + 1 + len(RESP)) & m
    yield (t + 500, True, cip, sip, cport, c2, s2, ACK, b"", 0)
    yield (t + 510, True, cip, sip, cport, c2, s2, FIN | ACK, b"", 0)
    yield (t + 600, False, cip, sip, cport, s2, (c2 + 1) & m, FIN | ACK, b"", 0)
    yield (t + 700, True, cip, sip, cport, (c2 + 1) & m, (s2 + 1) & m, ACK,
           b"", 0)


def tls_client_hello(i):
    sni = b"host%d.example.com" % (i % 1000)
    ext_sni = struct.pack("!HHHBH", 0, len(sni) + 5, len(sni) + 3, 0,
                          len(sni)) + sni
    exts = ext_sni + bytes.fromhex("000a00080006001d00170018"
                                   "000d000a0008040308040401050300100005000302683200"
                                   "2b0003020304")
    suites = struct.pack("!3H", 0x1301, 0x1302, 0xC02F)
    body = (b"\x03\x03" + bytes(32) + b"\x00" + struct.pack("!H", len(suites))
            + suites + b"\x01\x00" + struct.pack("!H", len(exts)) + exts)
    hs = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


SH_BODY = (b"\x03\x03" + bytes(32) + b"\x00\x13\x01\x00" +
           struct.pack("!H", 6) + b"\x00\x2b\x00\x02\x03\x04")
SH = (b"\x16\x03\x03" + struct.pack("!H", len(SH_BODY) + 4) + b"\x02" +
      len(SH_BODY).to_bytes(3, "big") + SH_BODY + b"\x14\x03\x03\x00\x01\x01")
SH_SUM = wsum(SH)


def idle_packets(i, t):
    """One TLS flow starting at t, classified, then idle."""
    cip, sip, cport, cs, ss, hs = handshake(i, t)
    m = 0xFFFFFFFF
    ch = tls_client_hello(i)
    yield from hs
    yield (t + 210, True, cip, sip, cport, (cs + 1) & m, (ss + 1) & m,
           PSH | ACK, ch, wsum(ch))
    c2 = (cs + 1 + len(ch)) & m
    yield (t + 400, False, cip, sip, cport, (ss + 1) & m, c2, PSH | ACK, SH,
           SH_SUM)
    yield (t + 500, True, cip, sip, cport, c2, (ss + 1 + len(SH)) & m, ACK,
           b"", 0)


def gen_flows(w, n, fn, port):
    # 64 flows open at a time: flow i starts at 10*i us; its packets span
    # 700 us, so about 70 overlap.  Merge by time with a small window.
    import heapq
    gens = (((p[0], i, p) for p in fn(i, 10 * i)) for i in range(n))
    for _, _, p in heapq.merge(*gens):
        t, c2s, cip, sip, cport, seq, ack, flags, pl, ps = p
        w.tcp(t, c2s, cip, sip, cport, port, seq, ack, flags, pl, ps)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("kind", choices=["syn", "http", "idle"])
    ap.add_argument("n", type=int)
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    w = Writer(a.out)
    if a.kind == "syn":
        gen_syn(w, a.n)
    elif a.kind == "http":
        gen_flows(w, a.n, http_packets, 80)
    else:
        gen_flows(w, a.n, idle_packets, 443)
    w.close()
    sys.stderr.write("%s: %d packets, %d flows (%s)\n" % (a.out, w.n, a.n,
                                                         a.kind))


if __name__ == "__main__":
    main()
