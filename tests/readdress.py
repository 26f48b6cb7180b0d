#!/usr/bin/env python3
"""readdress.py IN OUT OLD=NEW... - copies a pcap (Ethernet, IPv4), replacing
IPv4 addresses and fixing the IPv4 header and TCP/UDP checksums.  Used by
tests/geoip_golden.sh to move documentation addresses (never looked up) to
the test GeoIP databases' networks.  Other frames are copied unchanged."""
import ipaddress
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def fix(frame, table):
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return frame
    f = bytearray(frame)
    ihl = (f[14] & 0x0F) * 4
    ip = 14
    src, dst = bytes(f[ip + 12:ip + 16]), bytes(f[ip + 16:ip + 20])
    f[ip + 12:ip + 16] = table.get(src, src)
    f[ip + 16:ip + 20] = table.get(dst, dst)
    f[ip + 10:ip + 12] = b"\0\0"
    f[ip + 10:ip + 12] = struct.pack("!H", csum(bytes(f[ip:ip + ihl])))
    total = struct.unpack("!H", f[ip + 2:ip + 4])[0]
    proto, l4 = f[ip + 9], ip + ihl
    end = min(ip + total, len(f))
    off = {6: 16, 17: 6}.get(proto)
    frag = struct.unpack("!H", f[ip + 6:ip + 8])[0] & 0x3FFF
    if off is not None and not frag and ip + total <= len(f):
        f[l4 + off:l4 + off + 2] = b"\0\0"
        pseudo = bytes(f[ip + 12:ip + 20]) + struct.pack("!BBH", 0, proto,
                                                         end - l4)
        c = csum(pseudo + bytes(f[l4:end]))
        if proto == 17 and c == 0:
            c = 0xFFFF
        f[l4 + off:l4 + off + 2] = struct.pack("!H", c)
    return bytes(f)


def main():
    src, dst, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
    table = {}
    for p in pairs:
        old, new = p.split("=")
        table[ipaddress.IPv4Address(old).packed] = ipaddress.IPv4Address(new).packed
    d = open(src, "rb").read()
    magic = struct.unpack("<I", d[:4])[0]
    if magic != 0xA1B2C3D4 or struct.unpack("<I", d[20:24])[0] != 1:
        sys.exit("readdress.py: %s: need a little-endian Ethernet pcap" % src)
    out, off = [d[:24]], 24
    while off + 16 <= len(d):
        hdr = d[off:off + 16]
        n = struct.unpack("<I", hdr[8:12])[0]
        out.append(hdr + fix(d[off + 16:off + 16 + n], table))
        off += 16 + n
    open(dst, "wb").write(b"".join(out))


if __name__ == "__main__":
    main()
