"""capfile.py - capture reading shared by campaign/mutate.py and
fuzz/seeds.py (stdlib only): classic pcap of either byte order and
timestamp precision and pcapng (Enhanced and Simple Packet Blocks, the
first interface's link type) into records [ts_us, data, orig_len], and
the outer IP and TCP/UDP headers of a packet for the common link types.
Tunnels are not walked: what is past the outer transport header is
payload.
"""
import struct


class BadCapture(Exception):
    pass


def parse_classic(b):
    magic = b[:4]
    table = {b"\xd4\xc3\xb2\xa1": ("<", 1), b"\xa1\xb2\xc3\xd4": (">", 1),
             b"\x4d\x3c\xb2\xa1": ("<", 1000), b"\xa1\xb2\x3c\x4d": (">", 1000)}
    if magic not in table or len(b) < 24:
        raise BadCapture("not a classic pcap")
    e, div = table[magic]
    snap, link = struct.unpack_from(e + "II", b, 16)
    recs, off = [], 24
    while off + 16 <= len(b):
        ts, frac, cap, orig = struct.unpack_from(e + "IIII", b, off)
        off += 16
        data = b[off:off + cap]
        off += cap
        recs.append([ts * 1000000 + frac // div, data, orig])
    return link & 0xffff, snap, recs


def parse_pcapng(b):
    if len(b) < 12 or b[:4] != b"\x0a\x0d\x0d\x0a":
        raise BadCapture("not a pcapng")
    e = "<" if b[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    ifaces, recs, off = [], [], 0
    while off + 12 <= len(b):
        btype, blen = struct.unpack_from(e + "II", b, off)
        if blen < 12 or off + blen > len(b):
            break
        body = b[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 8:
            link, _, snap = struct.unpack_from(e + "HHI", body, 0)
            ifaces.append((link, snap))
        elif btype == 6 and len(body) >= 20:
            _, hi, lo, cap, orig = struct.unpack_from(e + "IIIII", body, 0)
            recs.append([(hi << 32) | lo, body[20:20 + cap], orig])
        elif btype == 3 and len(body) >= 4:
            orig = struct.unpack_from(e + "I", body, 0)[0]
            recs.append([0, body[4:4 + orig], orig])
        off += blen
    if not ifaces:
        raise BadCapture("pcapng without an interface")
    return ifaces[0][0], ifaces[0][1], recs


def parse_capture(b):
    """(link type, snap length, records) of a capture's bytes."""
    if b[:4] == b"\x0a\x0d\x0d\x0a":
        return parse_pcapng(b)
    return parse_classic(b)


def l3_offset(link, d):
    """Offset of the IP header for the common link types, else None."""
    if link == 1:				# EN10MB
        off = 12
        while off + 2 <= len(d) and d[off:off + 2] in (b"\x81\x00",
                                                       b"\x88\xa8"):
            off += 4
        if off + 2 > len(d):
            return None
        return off + 2 if d[off:off + 2] in (b"\x08\x00", b"\x86\xdd") \
            else None
    fixed = {0: 4, 108: 4, 101: 0, 12: 0, 14: 0, 228: 0, 229: 0, 113: 16,
             276: 20, 9: 4, 104: 4}
    return fixed.get(link)


def ip_layers(link, d):
    """The outer IP layer of a packet: a dict with l3 (offset), v (4 or 6),
    src, dst, ip_end (end of the fixed header), ext ([(start, end)] of IPv6
    extension headers), proto and l4 (offset of the transport header);
    None when the link type or IP version is not one of these."""
    l3 = l3_offset(link, d)
    if l3 is None or l3 >= len(d):
        return None
    v = d[l3] >> 4
    r = {"l3": l3, "v": v, "ext": []}
    if v == 4:
        hl = max(20, (d[l3] & 15) * 4)
        r.update(src=d[l3 + 12:l3 + 16], dst=d[l3 + 16:l3 + 20],
                 proto=d[l3 + 9] if l3 + 9 < len(d) else 0, ip_end=l3 + hl,
                 l4=l3 + hl)
    elif v == 6:
        proto, l4 = (d[l3 + 6] if l3 + 6 < len(d) else 0), l3 + 40
        r.update(src=d[l3 + 8:l3 + 24], dst=d[l3 + 24:l3 + 40], ip_end=l4)
        while proto in (0, 43, 60, 44, 51) and l4 + 2 <= len(d):
            n = 8 if proto == 44 else ((d[l4 + 1] + 2) * 4 if proto == 51
                                       else (d[l4 + 1] + 1) * 8)
            r["ext"].append((l4, l4 + n))
            proto, l4 = d[l4], l4 + n
        r.update(proto=proto, l4=l4)
    else:
        return None
    return r


def transport(link, d):
    """(proto, src, sport, dst, dport, tcp_flags, seq, payload) of a TCP or
    UDP packet (flags and seq 0 for UDP), else None."""
    ip = ip_layers(link, d)
    if ip is None:
        return None
    l4 = ip["l4"]
    if ip["proto"] == 6 and l4 + 20 <= len(d):
        sport, dport, seq = struct.unpack_from("!HHI", d, l4)
        thl = max(20, (d[l4 + 12] >> 4) * 4)
        return (6, ip["src"], sport, ip["dst"], dport, d[l4 + 13], seq,
                d[l4 + thl:])
    if ip["proto"] == 17 and l4 + 8 <= len(d):
        sport, dport = struct.unpack_from("!HH", d, l4)
        return (17, ip["src"], sport, ip["dst"], dport, 0, 0, d[l4 + 8:])
    return None
