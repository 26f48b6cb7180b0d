#!/usr/bin/env python3
"""mutate.py - the hostile-capture campaign: byte and field mutations of
the project's own captures, each read by an edgeward binary.

usage: mutate.py [-b BIN] [-n N] [-s SEED] [--first I] [-j JOBS] [-t SECS]
                 [-o DIR] [-w LIST] [--max-size BYTES] [--ok-exit LIST]
                 [-q] [CAPTURE ...]
       mutate.py -s SEED --write I FILE [CAPTURE ...]
       mutate.py -s SEED --describe I [CAPTURE ...]

Mutants.  A mutant is named by the seed and its index: mutant SEED-I is
always the same bytes (random.Random("SEED:I") picks everything), so
`--first I -n 1` runs it again and `--write I FILE` writes it out.  The
bases are CAPTUREs or, by default, every pcaps/crafted/*.pcap* and
pcaps/recorded/*.pcap* of the source tree up to --max-size bytes, in
name order (adding a capture renames later mutants; the description of a
kept mutant says which base it came from).  Each base is parsed (classic
pcap of either byte order and timestamp precision, or pcapng) into
records, then:
  1. written again as classic pcap (little or big endian, micro or nano
     seconds) or as pcapng (either byte order, with section, interface
     and packet options, Enhanced or Simple Packet Blocks, name
     resolution and statistics blocks);
  2. given one to three mutations (--list-ops): record lengths (caplen >
     len, huge caplen or len, zero caplen, records cut, duplicated,
     dropped, reordered, wild timestamps), file header fields (magic,
     version, snaplen, link type), pcapng blocks with bogus total or
     trailing lengths, EPB lengths, interface ids, options, time
     resolutions, a second section, unknown blocks, and flips at the link,
     IP, TCP/UDP header and payload offsets of packets, random flips, and
     the file cut short anywhere.

Runs.  `BIN -q -r MUTANT` (plus `-w W`, W picked per mutant from -w) with
stdout and stderr captured, under a timeout, in its own process group.
Sanitizer options are set unless given in the environment (ASan, LSan and
UBSan report with exit codes 86/87 and print a stack).  A mutant fails
when the run:
  crash   dies of a signal, or stderr holds an AddressSanitizer or UBSan
          report ("ERROR: AddressSanitizer", "runtime error:");
  leak    stderr holds a LeakSanitizer report;
  hang    is still running at the timeout (killed);
  json    writes a stdout line that is not one JSON object (python json);
  exit    exits with a status outside --ok-exit (default 0,1,2,3: the
          documented ones, see edgeward(8) EXIT STATUS).
Failing mutants are kept in DIR (SEED-I.pcap or .pcapng, with SEED-I.txt:
how it was made, the command, the exit, stderr's head).  The last line
sums up; the exit status is 1 when a mutant failed, 2 for a usage error.
A binary without ASan is run all the same (signals, hangs, bad JSON and
exit codes are still seen); a note says so.

Examples:
  campaign/mutate.py -b build-asan/edgeward -n 2000 -s 7
  campaign/mutate.py -b build-asan/edgeward -s 7 --first 1234 -n 1
  campaign/mutate.py -s 7 --write 1234 /tmp/m.pcap
"""
import argparse
import glob
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

# No __pycache__ in the source tree (read-only in make distcheck).
sys.dont_write_bytecode = True
from capfile import BadCapture, ip_layers, parse_capture

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---- where the headers are in a packet ---------------------------------------
# A record (capfile.py) is [ts_us, data, orig_len].


def header_spans(link, d):
    """[(name, start, end)] of the link, IP, L4 header and payload head."""
    ip = ip_layers(link, d)
    if ip is None:
        return [("bytes", 0, min(len(d), 64))] if d else []
    spans = [("link", 0, ip["l3"])] if ip["l3"] > 0 else []
    spans.append(("ip", ip["l3"], ip["ip_end"]))
    spans += [("ip6ext", s, e) for s, e in ip["ext"]]
    l4 = ip["l4"]
    if ip["proto"] == 6 and l4 + 13 <= len(d):
        thl = max(20, (d[l4 + 12] >> 4) * 4)
        spans.append(("tcp", l4, l4 + thl))
        spans.append(("payload", l4 + thl, l4 + thl + 32))
    elif ip["proto"] == 17:
        spans.append(("udp", l4, l4 + 8))
        spans.append(("payload", l4 + 8, l4 + 8 + 32))
    else:
        spans.append(("payload", l4, l4 + 32))
    return [(n, s, min(e, len(d))) for n, s, e in spans if s < min(e, len(d))]


BYTE_VALUES = (0x00, 0xff, 0x7f, 0x80, 0x01, 0x40, 0x0f, 0xf0)
WORD_VALUES = (0, 1, 0x7fff, 0x8000, 0xffff, 0xfffe, 0x0800, 0x86dd, 0x2000)


def poke(rng, d, off):
    """Change the byte (or, at an even offset, often the 16-bit word) at off."""
    d = bytearray(d)
    how = rng.randrange(6)
    if how == 0:
        d[off] ^= 1 << rng.randrange(8)
        what = "bit"
    elif how == 1:
        d[off] = rng.choice(BYTE_VALUES)
        what = "byte"
    elif how == 2:
        d[off] = rng.randrange(256)
        what = "rand"
    elif how == 3:
        d[off] = (d[off] + rng.choice((1, -1))) & 0xff
        what = "inc"
    else:
        if off + 2 > len(d):
            off = max(0, len(d) - 2)
        if off + 2 > len(d):
            return bytes(d), "short"
        v = rng.choice(WORD_VALUES + (len(d) - off, len(d) + 1,
                                      rng.randrange(65536)))
        struct.pack_into("!H", d, off, v & 0xffff)
        what = "word=%#x" % (v & 0xffff)
    return bytes(d), what


# ---- mutations of the records (before the container is written) ----------

def pick_rec(rng, m):
    return rng.randrange(len(m["recs"])) if m["recs"] else None


def op_pkt_field(rng, m):
    cands = [i for i, r in enumerate(m["recs"]) if r[1]]
    if not cands:
        return "pkt_field: no packet"
    i = rng.choice(cands)
    spans = header_spans(m["link"], m["recs"][i][1])
    if not spans:
        return "pkt_field: no header"
    # The IP and transport headers are where decoders go wrong.
    weights = {"ip": 4, "ip6ext": 3, "tcp": 4, "udp": 4, "link": 2,
               "payload": 2, "bytes": 1}
    name, s, e = rng.choices(spans, [weights[x[0]] for x in spans])[0]
    off = rng.randrange(s, e)
    m["recs"][i][1], what = poke(rng, m["recs"][i][1], off)
    return "pkt_field rec %d %s+%d %s" % (i, name, off - s, what)


def op_pkt_bytes(rng, m):
    i = pick_rec(rng, m)
    if i is None or not m["recs"][i][1]:
        return "pkt_bytes: no packet"
    d = bytearray(m["recs"][i][1])
    k = rng.randint(1, 8)
    for _ in range(k):
        d[rng.randrange(len(d))] = rng.randrange(256)
    m["recs"][i][1] = bytes(d)
    return "pkt_bytes rec %d x%d" % (i, k)


def op_pkt_cut(rng, m):
    i = pick_rec(rng, m)
    if i is None or not m["recs"][i][1]:
        return "pkt_cut: no packet"
    n = rng.randrange(len(m["recs"][i][1]))
    m["recs"][i][1] = m["recs"][i][1][:n]
    return "pkt_cut rec %d to %d (len kept)" % (i, n)


def op_pkt_extend(rng, m):
    i = pick_rec(rng, m)
    if i is None:
        return "pkt_extend: no packet"
    k = rng.choice((1, 7, 64, 1500, 9000))
    m["recs"][i][1] += bytes(rng.randrange(256) for _ in range(k))
    return "pkt_extend rec %d +%d" % (i, k)


def op_caplen_gt_len(rng, m):
    cands = [i for i, r in enumerate(m["recs"]) if r[1]]
    if not cands:
        return "caplen_gt_len: no packet"
    i = rng.choice(cands)
    m["recs"][i][2] = rng.randrange(len(m["recs"][i][1]))
    return "caplen_gt_len rec %d len %d" % (i, m["recs"][i][2])


def op_len_huge(rng, m):
    i = pick_rec(rng, m)
    if i is None:
        return "len_huge: no packet"
    m["recs"][i][2] = rng.choice((0xffffffff, 0x7fffffff, 65536, 1 << 24,
                                  262145))
    return "len_huge rec %d len %#x" % (i, m["recs"][i][2])


def op_rec_zero(rng, m):
    i = pick_rec(rng, m)
    if i is None:
        return "rec_zero: no packet"
    m["recs"][i][1] = b""
    return "rec_zero rec %d" % i


def op_rec_dup(rng, m):
    i = pick_rec(rng, m)
    if i is None:
        return "rec_dup: no packet"
    k = rng.choice((1, 2, 50))
    m["recs"][i + 1:i + 1] = [list(m["recs"][i]) for _ in range(k)]
    return "rec_dup rec %d x%d" % (i, k)


def op_rec_drop(rng, m):
    i = pick_rec(rng, m)
    if i is None:
        return "rec_drop: no packet"
    del m["recs"][i]
    return "rec_drop rec %d" % i


def op_rec_shuffle(rng, m):
    if len(m["recs"]) < 2:
        return "rec_shuffle: too few"
    i = rng.randrange(len(m["recs"]) - 1)
    j = min(len(m["recs"]), i + rng.choice((2, 3, 8)))
    part = m["recs"][i:j]
    rng.shuffle(part)
    m["recs"][i:j] = part
    return "rec_shuffle recs %d..%d" % (i, j - 1)


def op_ts_wild(rng, m):
    i = pick_rec(rng, m)
    if i is None:
        return "ts_wild: no packet"
    m["recs"][i][0] = rng.choice((0, 1, (1 << 32) * 1000000 - 1,
                                  m["recs"][i][0] - 86400 * 1000000,
                                  m["recs"][i][0] + 10 ** 12))
    m["ts_frac_junk"] = rng.random() < 0.3
    return "ts_wild rec %d ts %d%s" % (i, m["recs"][i][0],
                                       " frac>=1s" if m["ts_frac_junk"]
                                       else "")


def op_link_swap(rng, m):
    new = rng.choice((0, 1, 9, 12, 14, 101, 104, 105, 108, 113, 127, 192,
                      228, 229, 276, 147, 0xffff, rng.randrange(300)))
    m["link"] = new
    return "link_swap to %d" % new


REC_OPS = [op_pkt_field] * 8 + [op_pkt_bytes] * 3 + [
    op_pkt_cut, op_pkt_extend, op_caplen_gt_len, op_caplen_gt_len, op_len_huge,
    op_rec_zero, op_rec_dup, op_rec_drop, op_rec_shuffle, op_ts_wild,
    op_link_swap]

# ---- classic pcap container ------------------------------------------------


def classic_build(rng, m):
    c = {"e": rng.choice("<<>"), "nsec": rng.random() < 0.25,
         "vmaj": 2, "vmin": 4, "zone": 0, "sigfigs": 0,
         "snap": max([m["snap"]] + [len(r[1]) for r in m["recs"]]),
         "link": m["link"], "magic": None,
         "recs": [[r[0], None, r[1], r[2]] for r in m["recs"]]}
    # recs: [ts_us, caplen field (None: the data's length), data, orig]
    return c


def classic_bytes(c, m):
    e = c["e"]
    magic = c["magic"]
    if magic is None:
        magic = 0xa1b23c4d if c["nsec"] else 0xa1b2c3d4
    out = [struct.pack(e + "IHHiIII", magic, c["vmaj"], c["vmin"], c["zone"],
                       c["sigfigs"], c["snap"] & 0xffffffff,
                       c["link"] & 0xffffffff)]
    offs = []
    pos = 24
    for ts, cap, data, orig in c["recs"]:
        sec = (ts // 1000000) & 0xffffffff
        frac = ts % 1000000 * (1000 if c["nsec"] else 1)
        if m.get("ts_frac_junk"):
            frac = 0xffffffff
        cap = len(data) if cap is None else cap
        offs.append(pos)
        out.append(struct.pack(e + "IIII", sec, frac, cap & 0xffffffff,
                               orig & 0xffffffff))
        out.append(data)
        pos += 16 + len(data)
    return b"".join(out), offs


def cop_caplen_huge(rng, c):
    if not c["recs"]:
        return "caplen_huge: no record"
    i = rng.randrange(len(c["recs"]))
    n = len(c["recs"][i][2])
    c["recs"][i][1] = rng.choice((c["snap"] + 1, 65536, 262144, 262145,
                                  0x7fffffff, 0xffffffff, n + 1, n + 1000,
                                  max(0, n - 1)))
    return "caplen_huge rec %d caplen %#x (data %d)" % (i, c["recs"][i][1], n)


def cop_magic(rng, c):
    c["magic"] = rng.choice((0xd4c3b2a1, 0xa1b2cd34, 0x34cdb2a1, 0x0a0d0d0a,
                             0, rng.randrange(1 << 32)))
    return "magic %#x" % c["magic"]


def cop_version(rng, c):
    c["vmaj"], c["vmin"] = rng.choice(((2, 3), (1, 0), (2, 2), (3, 0), (0, 0),
                                       (0xffff, 0xffff), (2, 5)))
    return "version %d.%d" % (c["vmaj"], c["vmin"])


def cop_snaplen(rng, c):
    c["snap"] = rng.choice((0, 1, 14, 54, 65535, 262144, 262145, 0x7fffffff,
                            0xffffffff))
    return "snaplen %#x" % c["snap"]


def cop_linktype(rng, c):
    # The upper 16 bits hold the FCS length and reserved flags.
    c["link"] = rng.choice((c["link"] | 0x10000000 | (4 << 28),
                            c["link"] | 0x04000000, 0xffffffff,
                            rng.randrange(1 << 32), 0x10000 | c["link"]))
    return "linktype field %#x" % c["link"]


def cop_zone(rng, c):
    c["zone"] = rng.choice((-1, 1 << 30, -(1 << 31)))
    c["sigfigs"] = rng.choice((0, 0xffffffff))
    return "thiszone %d sigfigs %#x" % (c["zone"], c["sigfigs"])


CLASSIC_OPS = [cop_caplen_huge] * 4 + [cop_magic, cop_version, cop_snaplen,
                                       cop_snaplen, cop_linktype, cop_zone]

# ---- pcapng container --------------------------------------------------------


def opt(e, code, val):
    pad = (-len(val)) % 4
    return struct.pack(e + "HH", code, len(val)) + val + b"\x00" * pad


def opt_end(e):
    return struct.pack(e + "HH", 0, 0)


def ng_build(rng, m):
    e = rng.choice("<<>")
    spb = rng.random() < 0.15
    blocks = []
    shb = struct.pack(e + "IHHq", 0x1a2b3c4d, 1, 0, -1)
    shb += opt(e, 4, b"edgeward mutate.py") + opt(e, 1, b"campaign")
    shb += opt_end(e)
    blocks.append({"type": 0x0a0d0d0a, "body": shb})
    snap = max([m["snap"]] + [len(r[1]) for r in m["recs"]])
    idb = struct.pack(e + "HHI", m["link"] & 0xffff, 0, snap)
    idb += opt(e, 2, b"mut0") + opt(e, 9, b"\x06") + opt_end(e)
    blocks.append({"type": 1, "body": idb})
    for k, (ts, data, orig) in enumerate(m["recs"]):
        if spb:
            body = struct.pack(e + "I", len(data)) + data
            body += b"\x00" * ((-len(body)) % 4)
            blocks.append({"type": 3, "body": body, "rec": k})
            continue
        body = struct.pack(e + "IIIII", 0, (ts >> 32) & 0xffffffff,
                           ts & 0xffffffff, len(data), orig & 0xffffffff)
        body += data + b"\x00" * ((-len(data)) % 4)
        if k % 3 == 0:
            body += opt(e, 2, struct.pack(e + "I", 1)) + opt(e, 1, b"pkt")
            body += opt_end(e)
        blocks.append({"type": 6, "body": body, "rec": k})
    if rng.random() < 0.3:
        nrb = struct.pack(e + "HH", 1, 4 + 12) + b"\xc0\x00\x02\x01" + \
            b"example.org\x00" + struct.pack(e + "HH", 0, 0)
        blocks.append({"type": 4, "body": nrb})
        isb = struct.pack(e + "III", 0, 0, 0) + opt(e, 4, bytes(8)) + \
            opt_end(e)
        blocks.append({"type": 5, "body": isb})
    return {"e": e, "blocks": blocks}


def ng_pick(rng, n, types=None):
    """A block of one of types (None: any) that is not pre-serialised."""
    cands = [i for i, b in enumerate(n["blocks"]) if "raw" not in b and
             (types is None or b["type"] in types)]
    return rng.choice(cands) if cands else None


def nop_blocklen(rng, n):
    i = ng_pick(rng, n)
    tl = 12 + len(n["blocks"][i]["body"])
    n["blocks"][i]["len"] = rng.choice((0, 4, 8, 11, 12, tl - 4, tl + 4,
                                        tl + 1, tl + 2, 0xffffffff,
                                        0x7ffffffc, 16 << 20, 0x80000000))
    return "ng_blocklen block %d type %#x len %#x (real %d)" % (
        i, n["blocks"][i]["type"], n["blocks"][i]["len"], tl)


def nop_trailer(rng, n):
    i = ng_pick(rng, n)
    tl = 12 + len(n["blocks"][i]["body"])
    n["blocks"][i]["trail"] = rng.choice((0, tl + 4, tl - 4, 0xffffffff))
    return "ng_trailer block %d trail %#x" % (i, n["blocks"][i]["trail"])


def nop_epb_caplen(rng, n):
    i = ng_pick(rng, n, (6,))
    if i is None:
        return "ng_epb_caplen: no EPB"
    body = bytearray(n["blocks"][i]["body"])
    cap = struct.unpack_from(n["e"] + "I", body, 12)[0]
    v = rng.choice((cap + 1, cap + 4, len(body), len(body) + 100, 0xffffffff,
                    0x7fffffff, 262145, 0))
    which = rng.choice((12, 16))		# caplen or original length
    struct.pack_into(n["e"] + "I", body, which, v & 0xffffffff)
    n["blocks"][i]["body"] = bytes(body)
    return "ng_epb_%s block %d %#x" % ("caplen" if which == 12 else "len", i, v)


def nop_epb_ifid(rng, n):
    i = ng_pick(rng, n, (6, 5))
    if i is None:
        return "ng_ifid: no EPB"
    body = bytearray(n["blocks"][i]["body"])
    v = rng.choice((1, 2, 255, 0xffffffff))
    struct.pack_into(n["e"] + "I", body, 0, v)
    n["blocks"][i]["body"] = bytes(body)
    return "ng_ifid block %d id %#x" % (i, v)


def nop_idb(rng, n):
    i = ng_pick(rng, n, (1,))
    body = bytearray(n["blocks"][i]["body"])
    if rng.random() < 0.5:
        v = rng.choice((0xffff, 147, 0, 113, 276, 127, rng.randrange(300)))
        struct.pack_into(n["e"] + "H", body, 0, v)
        what = "linktype %d" % v
    else:
        v = rng.choice((0, 1, 14, 0xffffffff, 0x80000000))
        struct.pack_into(n["e"] + "I", body, 4, v)
        what = "snaplen %#x" % v
    n["blocks"][i]["body"] = bytes(body)
    return "ng_idb " + what


def nop_tsresol(rng, n):
    i = ng_pick(rng, n, (1,))
    body = n["blocks"][i]["body"]
    at = body.find(struct.pack(n["e"] + "HH", 9, 1))
    if at < 0:
        return "ng_tsresol: no option"
    v = rng.choice((0, 9, 19, 63, 64, 0x80, 0x80 | 63, 0xff))
    n["blocks"][i]["body"] = body[:at + 4] + bytes((v,)) + body[at + 5:]
    return "ng_tsresol %#x" % v


def nop_optlen(rng, n):
    # An option's length running past its block, or the end-of-options cut.
    i = ng_pick(rng, n, (0x0a0d0d0a, 1, 6))
    b = n["blocks"][i]
    start = {0x0a0d0d0a: 16, 1: 8}.get(b["type"])
    body = bytearray(b["body"])
    if start is None:
        cap = struct.unpack_from(n["e"] + "I", body, 12)[0]
        start = 20 + cap + (-cap) % 4
    if start + 4 > len(body):
        return "ng_optlen: block %d has no options" % i
    v = rng.choice((0xffff, len(body) - start, len(body) - start - 3, 0xfffc))
    struct.pack_into(n["e"] + "H", body, start + 2, v)
    if rng.random() < 0.3:
        body = body[:-4] if len(body) >= start + 8 else body
    b["body"] = bytes(body)
    return "ng_optlen block %d type %#x len %#x" % (i, b["type"], v)


def nop_shb(rng, n):
    body = bytearray(n["blocks"][0]["body"])
    k = rng.randrange(3)
    if k == 0:
        body[0:4] = rng.choice((b"\x00\x00\x00\x00", b"\x1a\x2b\x3c\x4e",
                                bytes(rng.randrange(256) for _ in range(4))))
        what = "byte-order magic %s" % body[0:4].hex()
    elif k == 1:
        maj, mnr = rng.choice(((2, 0), (1, 2), (0, 0), (0xffff, 0xffff)))
        struct.pack_into(n["e"] + "HH", body, 4, maj, mnr)
        what = "version %d.%d" % (maj, mnr)
    else:
        v = rng.choice((0, 12, 1 << 62, -2))
        struct.pack_into(n["e"] + "q", body, 8, v)
        what = "section length %d" % v
    n["blocks"][0]["body"] = bytes(body)
    return "ng_shb " + what


def nop_section(rng, n):
    # A second section, of the other byte order, another link type.
    e2 = ">" if n["e"] == "<" else "<"
    if rng.random() < 0.5:
        e2 = n["e"]
    link = rng.choice((1, 101, 113, 0, 105, 127))
    pkts = [b["body"] for b in n["blocks"] if b["type"] == 6][:4]
    blocks = [{"type": 0x0a0d0d0a,
               "body": struct.pack(e2 + "IHHq", 0x1a2b3c4d, 1, 0, -1) +
               opt_end(e2)},
              {"type": 1, "body": struct.pack(e2 + "HHI", link, 0, 65535) +
               opt_end(e2)}]
    for p in pkts:
        # The packet block's fields were written in the first byte order.
        _, hi, lo, cap, orig = struct.unpack_from(n["e"] + "IIIII", p, 0)
        data = p[20:20 + cap]
        blocks.append({"type": 6, "body": struct.pack(
            e2 + "IIIII", 0, hi, lo, len(data), orig) + data +
            b"\x00" * ((-len(data)) % 4)})
    at = rng.randrange(2, len(n["blocks"]) + 1)
    # Blocks of another byte order are written by ng_bytes in n["e"]:
    # keep them as pre-serialised raw blocks.
    raw = []
    for b in blocks:
        tl = 12 + len(b["body"])
        raw.append({"type": None, "raw": struct.pack(e2 + "II", b["type"], tl) + b["body"] +
                    struct.pack(e2 + "I", tl)})
    n["blocks"][at:at] = raw
    return "ng_section at block %d %s link %d" % (at, "BE" if e2 == ">" else
                                                  "LE", link)


def nop_unknown(rng, n):
    t = rng.choice((0x00000bad, 0x40000bad, 0x0a, 7, 2, 0x80000001,
                    0x00000008))
    body = bytes(rng.randrange(256) for _ in range(rng.choice((0, 4, 20,
                                                               64))))
    at = rng.randrange(1, len(n["blocks"]) + 1)
    n["blocks"].insert(at, {"type": t, "body": body})
    return "ng_unknown type %#x at %d (%d bytes)" % (t, at, len(body))


NG_OPS = [nop_blocklen] * 3 + [nop_trailer, nop_epb_caplen, nop_epb_caplen,
                               nop_epb_ifid, nop_idb, nop_tsresol,
                               nop_optlen, nop_shb, nop_section, nop_unknown]


def ng_bytes_raw(n):
    # ng_bytes with pre-serialised blocks kept as they are.
    e = n["e"]
    out, offs, pos = [], [], 0
    for b in n["blocks"]:
        if "raw" in b:
            chunk = b["raw"]
        else:
            body = b["body"]
            tl = 12 + len(body)
            lead = b.get("len", tl)
            trail = b.get("trail", tl)
            chunk = struct.pack(e + "II", b["type"] & 0xffffffff,
                                lead & 0xffffffff) + body + \
                struct.pack(e + "I", trail & 0xffffffff)
        offs.append(pos)
        out.append(chunk)
        pos += len(chunk)
    return b"".join(out), offs


# ---- mutations of the bytes ------------------------------------------------


def rop_cut(rng, b, offs):
    if len(b) <= 1:
        return b, "cut: empty"
    k = rng.randrange(4)
    if k == 0 and len(offs) > 1:
        # inside a record's (block's) header
        o = rng.choice(offs[1:])
        at = min(len(b) - 1, o + rng.randrange(1, 16))
    elif k == 1 and len(offs) > 1:
        # inside a record's data
        i = rng.randrange(1, len(offs))
        end = offs[i + 1] if i + 1 < len(offs) else len(b)
        at = rng.randrange(offs[i] + 1, max(offs[i] + 2, end))
    elif k == 2:
        at = rng.randrange(0, min(len(b), 28))	# inside the file header
    else:
        at = rng.randrange(1, len(b))
    return b[:at], "cut at %d of %d" % (at, len(b))


def rop_flip(rng, b, offs):
    b = bytearray(b)
    k = rng.randint(1, 16)
    for _ in range(k):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b), "file_bytes x%d" % k


RAW_OPS = [rop_cut, rop_cut, rop_flip]

# ---- a mutant ----------------------------------------------------------------


def make_mutant(seed, index, bases, worker_choices):
    """(bytes, extension, description, workers) of mutant SEED-INDEX."""
    rng = random.Random("%s:%d" % (seed, index))
    name, raw = bases[rng.randrange(len(bases))]
    link, snap, recs = parse_capture(raw)
    m = {"link": link, "snap": snap, "recs": [list(r) for r in recs]}
    ng = rng.random() < 0.35
    nops = rng.choice((1, 1, 1, 2, 2, 3))
    # rec: the records; cont: the container's fields; raw: the bytes.
    kinds = rng.choices(("rec", "cont", "raw"), (6, 4, 1), k=nops)
    desc = ["base %s" % name]
    for k in kinds:
        if k == "rec":
            desc.append(rng.choice(REC_OPS)(rng, m))
    if ng:
        n = ng_build(rng, m)
        desc.insert(1, "as pcapng %s%s" % (
            "BE" if n["e"] == ">" else "LE",
            " SPB" if any(b["type"] == 3 for b in n["blocks"]) else ""))
        for k in kinds:
            if k == "cont":
                desc.append(rng.choice(NG_OPS)(rng, n))
        b, offs = ng_bytes_raw(n)
        ext = ".pcapng"
    else:
        c = classic_build(rng, m)
        desc.insert(1, "as pcap %s%s" % ("BE" if c["e"] == ">" else "LE",
                                         " nsec" if c["nsec"] else ""))
        for k in kinds:
            if k == "cont":
                desc.append(rng.choice(CLASSIC_OPS)(rng, c))
        b, offs = classic_bytes(c, m)
        ext = ".pcap"
    for k in kinds:
        if k == "raw":
            b, d = rng.choice(RAW_OPS)(rng, b, offs)
            desc.append(d)
    workers = rng.choice(worker_choices)
    return b, ext, "; ".join(desc), workers


# ---- running the binary --------------------------------------------------------

SAN_ENV = {
    "ASAN_OPTIONS": "exitcode=86:detect_leaks=1:abort_on_error=0:"
                    "allocator_may_return_null=1:handle_abort=1",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1:exitcode=87",
    "LSAN_OPTIONS": "exitcode=86",
}


def classify(rc, timed_out, out, err, ok_exit):
    """The failure kinds of one run (empty: it passed)."""
    kinds = []
    if timed_out:
        kinds.append("hang")
    else:
        if rc < 0:
            kinds.append("crash")
        elif "ERROR: AddressSanitizer" in err or "runtime error:" in err or \
                "ERROR: UndefinedBehaviorSanitizer" in err:
            kinds.append("crash")
        if "ERROR: LeakSanitizer" in err:
            kinds.append("leak")
        if rc >= 0 and rc not in ok_exit and not kinds:
            kinds.append("exit")
    bad = 0
    lines = out.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines and not timed_out:
        bad += 1			# a last line without its newline
        lines.pop()
    for ln in lines:
        try:
            if not isinstance(json.loads(ln), dict):
                bad += 1
        except ValueError:
            bad += 1
    if bad:
        kinds.append("json")
    return kinds, bad


def run_one(binary, path, workers, timeout, tmp):
    outp, errp = path + ".out", path + ".err"
    cmd = [binary, "-q", "-w", str(workers), "-r", path]
    env = dict(os.environ)
    for k, v in SAN_ENV.items():
        env.setdefault(k, v)
    timed_out = False
    with open(outp, "wb") as fo, open(errp, "wb") as fe:
        p = subprocess.Popen(cmd, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL,
                             env=env, cwd=tmp, start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(p.pid, signal.SIGKILL)
            rc = p.wait()
    with open(outp, "rb") as f:
        out = f.read()
    with open(errp, "rb") as f:
        err = f.read().decode("utf-8", "replace")
    os.unlink(outp)
    os.unlink(errp)
    return cmd, rc, timed_out, out, err


def load_bases(paths, max_size):
    bases, skipped = [], []
    for p in paths:
        try:
            b = open(p, "rb").read()
        except OSError as e:
            sys.exit("mutate.py: %s: %s" % (p, e.strerror))
        if len(b) > max_size:
            skipped.append(p)
            continue
        try:
            parse_capture(b)
        except BadCapture:
            skipped.append(p)
            continue
        bases.append((os.path.relpath(p, TOP) if p.startswith(TOP) else p, b))
    return bases, skipped


def is_asan(binary):
    try:
        r = subprocess.run(["nm", binary], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
    except OSError:
        return None
    return b"__asan_init" in r.stdout


def main():
    ap = argparse.ArgumentParser(
        usage="%(prog)s [-b BIN] [-n N] [-s SEED] [--first I] [-j JOBS] "
        "[-t SECS] [-o DIR] [-w LIST] [--max-size BYTES] [--ok-exit LIST] "
        "[-q] [--write I FILE | --describe I | --list-ops] [CAPTURE ...]",
        description="Mutation campaign against edgeward; the head of "
        "campaign/mutate.py explains mutants and failures.")
    ap.add_argument("-b", "--binary", default=os.environ.get("EDGEWARD",
                                                             "./edgeward"))
    ap.add_argument("-n", "--count", type=int, default=500)
    ap.add_argument("-s", "--seed", default="1")
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("-t", "--timeout", type=float, default=20.0)
    ap.add_argument("-o", "--outdir", default="mutants")
    ap.add_argument("-w", "--workers", default="1,1,2")
    ap.add_argument("--max-size", type=int, default=256 * 1024)
    ap.add_argument("--ok-exit", default="0,1,2,3")
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("--write", nargs=2, metavar=("I", "FILE"))
    ap.add_argument("--describe", type=int, metavar="I")
    ap.add_argument("--list-ops", action="store_true")
    ap.add_argument("captures", nargs="*")
    a = ap.parse_args()

    if a.list_ops:
        for group, ops in (("records", REC_OPS), ("pcap", CLASSIC_OPS),
                           ("pcapng", NG_OPS), ("bytes", RAW_OPS)):
            names = sorted(set(o.__name__.split("_", 1)[1] for o in ops))
            print("%-8s %s" % (group, " ".join(names)))
        return 0
    try:
        worker_choices = [int(x) for x in a.workers.split(",")]
        ok_exit = set(int(x) for x in a.ok_exit.split(","))
    except ValueError:
        ap.error("-w and --ok-exit take comma-separated numbers")
    if a.count < 0 or a.jobs < 1 or a.timeout <= 0:
        ap.error("-n, -j and -t must be positive")
    paths = a.captures or sorted(
        glob.glob(os.path.join(TOP, "pcaps", "crafted", "*.pcap*")) +
        glob.glob(os.path.join(TOP, "pcaps", "recorded", "*.pcap")))
    bases, skipped = load_bases(paths, a.max_size)
    if not bases:
        print("mutate.py: no capture to mutate (looked in %s)" %
              os.path.join(TOP, "pcaps"), file=sys.stderr)
        return 2

    if a.write or a.describe is not None:
        i = int(a.write[0]) if a.write else a.describe
        b, ext, desc, w = make_mutant(a.seed, i, bases, worker_choices)
        if a.write:
            with open(a.write[1], "wb") as f:
                f.write(b)
        print("%s-%d: %s; -w %d (%d bytes)" % (a.seed, i, desc, w, len(b)))
        return 0

    binary = os.path.abspath(a.binary)
    if not os.access(binary, os.X_OK):
        print("mutate.py: %s is not an executable; build it or give -b BIN"
              % a.binary, file=sys.stderr)
        return 2
    asan = is_asan(binary)
    if asan is False:
        print("mutate.py: note: %s is not an ASan build: only signals, hangs,"
              " bad JSON and exit codes are seen" % a.binary)
    os.makedirs(a.outdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="mutate.")
    counts = {"crash": 0, "leak": 0, "hang": 0, "json": 0, "exit": 0}
    exits = {}
    failed = []
    lock = threading.Lock()
    t0 = time.time()

    def one(i):
        b, ext, desc, w = make_mutant(a.seed, i, bases, worker_choices)
        name = "%s-%d" % (a.seed, i)
        path = os.path.join(tmp, name + ext)
        with open(path, "wb") as f:
            f.write(b)
        cmd, rc, timed_out, out, err = run_one(binary, path, w, a.timeout,
                                               tmp)
        kinds, badlines = classify(rc, timed_out, out, err, ok_exit)
        with lock:
            key = "timeout" if timed_out else (
                "sig%d" % -rc if rc < 0 else str(rc))
            exits[key] = exits.get(key, 0) + 1
            for k in kinds:
                counts[k] += 1
            if kinds:
                failed.append(name)
        if kinds:
            keep = os.path.join(a.outdir, name + ext)
            shutil.move(path, keep)
            with open(os.path.join(a.outdir, name + ".txt"), "w") as f:
                f.write("mutant %s: %s\n" % (name, desc))
                f.write("failed: %s%s\n" % (
                    ",".join(kinds),
                    " (%d bad JSON lines)" % badlines if badlines else ""))
                f.write("exit: %s\n" % key)
                f.write("again: %s -q -w %d -r %s\n" % (cmd[0], w, keep))
                f.write("make it: campaign/mutate.py -s %s --write %d FILE\n"
                        % (a.seed, i))
                f.write("stderr:\n%s\n" % "\n".join(err.splitlines()[:60]))
            if not a.quiet:
                print("FAIL %s: %s: %s" % (name, ",".join(kinds), desc),
                      flush=True)
        else:
            os.unlink(path)

    try:
        with ThreadPoolExecutor(a.jobs) as ex:
            list(ex.map(one, range(a.first, a.first + a.count)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    nfail = len(failed)
    print("mutate.py: seed %s, mutants %d..%d of %d bases (%d skipped): "
          "%d run, %d failed: crashes %d, hangs %d, leaks %d, bad JSON %d, "
          "other exit %d; exits %s; %.0f s%s" % (
              a.seed, a.first, a.first + a.count - 1, len(bases), len(skipped),
              a.count, nfail, counts["crash"], counts["hang"], counts["leak"],
              counts["json"], counts["exit"],
              " ".join("%s:%d" % kv for kv in sorted(exits.items())),
              time.time() - t0,
              "; kept in %s" % a.outdir if nfail else ""))
    if not nfail:
        try:
            os.rmdir(a.outdir)
        except OSError:
            pass
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
