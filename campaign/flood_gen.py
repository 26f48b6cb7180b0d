#!/usr/bin/env python3
"""flood_gen.py - writes a flood capture (classic pcap, Ethernet) to stdout.

  flood_gen.py MODE FLOWS [--seed N]

MODE
  syn    one SYN per flow from distinct client addresses and ports to
         192.0.2.1:80: the flow table fills and evicts (flow_memcap).
  frag   the first fragment (offset 0, MF set, 1000 bytes) of FLOWS UDP
         datagrams that never complete: defragmentation evicts
         (defrag_memcap, the incomplete-datagram limit).
  ooo    FLOWS FTP connections (handshake) that each send two segments
         of 1000 bytes beyond a hole in the client's stream: out-of-order
         bytes wait (stream_ooo_max) until the flows are evicted.
  ah     FLOWS IPv6 TLS connections on 443 whose server answer carries an
         IPv6 Authentication Header (RFC 4302) before TCP: the sensor's
         decoder walks AH to TCP, nDPI 4.2 does not (issue 13, defect 1).

Packets are 1 us apart, so nothing times out: every bound is met by the
flood itself.  TCP checksums are 0 (taken as offloaded by the default
checksum_validation = auto); IPv4 header checksums are right.  Memory is
constant: packets are written as they are made, so millions of flows can
be piped straight into `edgeward -r -`.
"""
import struct
import sys

ETH_V4 = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
ETH_V6 = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x86\xdd"
SYN, ACK, PSH, SYNACK = 0x02, 0x10, 0x08, 0x12


def ip4_csum(h):
    s = sum(struct.unpack("!10H", h))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ip4(src, dst, proto, payload, ident=0, frag=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                    frag, 64, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", ip4_csum(h)) + h[12:]
    return h + payload


def ip6(src, dst, nh, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, 64, src,
                       dst) + payload


def tcp(sport, dport, seq, ack, flags, data=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                       65535, 0, 0) + data


def ah(nh, inner):
    # RFC 4302: next header, payload length (4-byte units minus 2), zero,
    # SPI, sequence number, 12-byte ICV (HMAC-SHA1-96): 24 bytes.
    return struct.pack("!BBHII", nh, 4, 0, 0x1000, 1) + b"\x00" * 12 + inner


class Writer:
    def __init__(self, out):
        self.out = out
        self.ts = 1700000000 * 1000000
        self.buf = []
        out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))

    def put(self, frame):
        self.ts += 1
        self.buf.append(struct.pack("<IIII", self.ts // 1000000,
                                    self.ts % 1000000, len(frame),
                                    len(frame)))
        self.buf.append(frame)
        if len(self.buf) >= 4096:
            self.flush()

    def flush(self):
        self.out.write(b"".join(self.buf))
        self.buf = []


def client4(i):
    return bytes((10, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff))


def client6(i):
    return b"\x20\x01\x0d\xb8\x00\x01" + b"\x00" * 6 + struct.pack("!I", i)


def client_hello(i):
    sni = b"flood%d.example" % i
    lst = struct.pack("!BH", 0, len(sni)) + sni
    exts = struct.pack("!HHH", 0, len(lst) + 2, len(lst)) + lst
    body = (b"\x03\x03" + bytes(32) + b"\x00" + struct.pack("!HH", 2, 0xc02f)
            + b"\x01\x00" + struct.pack("!H", len(exts)) + exts)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def server_hello():
    sh = b"\x03\x03" + bytes(32) + b"\x00\xc0\x2f\x00"
    msg = b"\x02" + struct.pack("!I", len(sh))[1:] + sh
    return b"\x16\x03\x03" + struct.pack("!H", len(msg)) + msg


def main():
    args = sys.argv[1:]
    if len(args) < 2 or args[0] not in ("syn", "frag", "ooo", "ah"):
        sys.exit(__doc__)
    mode, n = args[0], int(args[1])
    w = Writer(sys.stdout.buffer)
    srv4 = bytes((192, 0, 2, 1))
    srv6 = b"\x20\x01\x0d\xb8\x00\x02" + b"\x00" * 9 + b"\x01"
    frag_data = bytes(range(256)) * 4
    for i in range(n):
        sport = 1024 + (i % 60000)
        if mode == "syn":
            w.put(ETH_V4 + ip4(client4(i), srv4, 6,
                               tcp(sport, 80, i, 0, SYN)))
        elif mode == "frag":
            udp = struct.pack("!HHHH", sport, 53, 8 + 2000, 0)
            w.put(ETH_V4 + ip4(client4(i), srv4, 17,
                               udp + frag_data[:992], ident=i & 0xffff,
                               frag=0x2000))
        elif mode == "ooo":
            c = client4(i)
            w.put(ETH_V4 + ip4(c, srv4, 6, tcp(sport, 21, 100, 0, SYN)))
            w.put(ETH_V4 + ip4(srv4, c, 6, tcp(21, sport, 500, 101, SYNACK)))
            w.put(ETH_V4 + ip4(c, srv4, 6, tcp(sport, 21, 101, 501, ACK)))
            for k in (1, 2):
                w.put(ETH_V4 + ip4(c, srv4, 6,
                                   tcp(sport, 21, 101 + 1000 * k, 501,
                                       ACK | PSH, frag_data[:1000])))
        else:
            c = client6(i)
            ch = client_hello(i)
            w.put(ETH_V6 + ip6(c, srv6, 6, tcp(sport, 443, 100, 0, SYN)))
            w.put(ETH_V6 + ip6(srv6, c, 6, tcp(443, sport, 500, 101,
                                                SYNACK)))
            w.put(ETH_V6 + ip6(c, srv6, 6, tcp(sport, 443, 101, 501, ACK)))
            w.put(ETH_V6 + ip6(c, srv6, 6, tcp(sport, 443, 101, 501,
                                                ACK | PSH, ch)))
            w.put(ETH_V6 + ip6(srv6, c, 51,
                               ah(6, tcp(443, sport, 501, 101 + len(ch),
                                         ACK | PSH, server_hello()))))
    w.flush()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        sys.exit(0)
