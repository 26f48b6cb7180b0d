#!/usr/bin/env python3
"""seeds.py - libFuzzer seed corpora from the project's captures, one
directory per fuzz target.

usage: fuzz/seeds.py OUTDIR [TARGET ...]

Writes OUTDIR/<target>/<sha1 of the seed> for every fuzz/fuzz_*.c target
(or the TARGETs named, e.g. fuzz_ftp), from pcaps/crafted/*.pcap* and
pcaps/recorded/*.pcap of the source tree (stdlib python; tunnels are not
walked, so the outer TCP/UDP flows are what a dissector target sees):

  dissector targets (FUZZ_DISSECTOR(x), fuzz/dissector_fuzz.h's layout):
      each TCP flow with an end on one of the dissector's ports (parsed
      from its .ports array in dissectors/*.c) becomes one input: byte 0
      selects that port (top bit set for UDP when the dissector takes both
      transports), then the flow's payloads in capture order (repeated
      sequence numbers dropped) as records of at most 128 bytes, direction
      0 to the server; a UDP dissector gets one input per flow, a datagram
      per record; an L2 dissector (LLDP, CDP) its frames;
  fuzz_decode_flow: single frames, byte 0 the index of the capture's link
      type in the target's links[] table;
  fuzz_rmm: the first payload of each direction of every flow;
  fuzz_filemagic: the head of every stream direction and of every capture
      file (they are the magics it sniffs), byte 0 = 0 (no name);
  fuzz_ntlmssp: stream directions holding "NTLMSSP\\0";
  fuzz_policy: the first KiB of each signature list in signatures/;
  fuzz_pcapfile: the head of every classic pcap capture file.

Seeds are capped (MAX_SEEDS per target, MAX_LEN bytes each) and picked in
a fixed order, so the same tree gives the same corpora.  A target this
script does not know gets an empty directory and a note.  `make fuzz-long`
and .ci/run call it; it takes a few seconds.
"""
import glob
import hashlib
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# No __pycache__ in the source tree (read-only in make distcheck).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(TOP, "campaign"))
from capfile import BadCapture, parse_capture, transport  # noqa: E402

MAX_SEEDS = 200
MAX_LEN = 8192
REC_MAX = 128		# dissector_fuzz.h: a record holds 1..128 bytes


def read(path):
    with open(path, "rb") as f:
        return f.read()


def captures():
    """[(name, link, records)] of the source tree's captures."""
    out = []
    for p in sorted(glob.glob(os.path.join(TOP, "pcaps", "crafted",
                                           "*.pcap*")) +
                    glob.glob(os.path.join(TOP, "pcaps", "recorded",
                                           "*.pcap"))):
        try:
            link, _, recs = parse_capture(read(p))
        except BadCapture:
            continue
        out.append((os.path.basename(p), link, recs))
    return out


def flows(caps):
    """Transport flows in capture order: a list of dicts with proto,
    client (addr, port), server (addr, port) and msgs [(dir, payload)],
    dir 0 from the client.  The client is the sender of a lone SYN, else of
    the first packet."""
    table, order = {}, []
    for _, link, recs in caps:
        for _, data, _ in recs:
            t = transport(link, data)
            if t is None:
                continue
            proto, src, sport, dst, dport, flags, seq, payload = t
            a, b = (src, sport), (dst, dport)
            key = (proto,) + tuple(sorted((a, b)))
            f = table.get(key)
            if f is None or (proto == 6 and flags & 0x12 == 0x02 and
                             f["msgs"]):
                # A new flow, or a new connection on the same ports.
                f = {"proto": proto, "client": a, "server": b, "msgs": [],
                     "seen": set()}
                table[key] = f
                order.append(f)
            d = 0 if a == f["client"] else 1
            if not payload:
                continue
            if proto == 6:
                if (d, seq) in f["seen"]:
                    continue		# a retransmission
                f["seen"].add((d, seq))
            f["msgs"].append((d, bytes(payload)))
    return order


def stream(f, d):
    return b"".join(p for dd, p in f["msgs"] if dd == d)


# ---- what each target is ---------------------------------------------------


def dissector_info():
    """{descriptor name: (transport set, [ports])} from dissectors/*.c."""
    info = {}
    for p in sorted(glob.glob(os.path.join(TOP, "dissectors", "*.c"))):
        src = read(p).decode("utf-8", "replace")
        arrays = {m.group(1): [int(x) for x in re.findall(r"\d+", m.group(2))]
                  for m in re.finditer(
                      r"uint16_t\s+(\w+)\s*\[\s*\]\s*=\s*\{([^}]*)\}", src)}
        for m in re.finditer(r"const\s+struct\s+dissector\s+(\w+)\s*=\s*\{"
                             r"(.*?)\n\};", src, re.S):
            body = m.group(2)
            tr = set(re.findall(r"DISSECTOR_(TCP|UDP|L2)",
                                re.search(r"\.transport\s*=\s*([^,]*)",
                                          body).group(1)))
            pm = re.search(r"\.ports\s*=\s*(\w+)", body)
            ports = [x for x in arrays.get(pm.group(1), []) if x] if pm \
                else []
            info[m.group(1)] = (tr, ports)
    return info


def link_table():
    """fuzz_decode_flow.c's links[] as DLT numbers (sensor/decode.h)."""
    dlt = {m.group(1): int(m.group(2)) for m in re.finditer(
        r"#define\s+(LINK_\w+)\s+(\d+)",
        read(os.path.join(TOP, "sensor", "decode.h")).decode())}
    src = read(os.path.join(TOP, "fuzz", "fuzz_decode_flow.c")).decode()
    m = re.search(r"links\[\]\s*=\s*\{([^}]*)\}", src)
    return [dlt[n] for n in re.findall(r"LINK_\w+", m.group(1))]


def records(msgs):
    """dissector_fuzz.h records: header (len - 1) << 1 | dir, then bytes."""
    out = []
    for d, p in msgs:
        for i in range(0, len(p), REC_MAX):
            chunk = p[i:i + REC_MAX]
            out.append(bytes((((len(chunk) - 1) << 1) | d,)) + chunk)
    return b"".join(out)


def dissector_seeds(caps, fl, tr, ports):
    seeds = []
    both = "TCP" in tr and "UDP" in tr
    if "L2" in tr:
        for _, link, recs in caps:
            if link != 1:
                continue
            for _, data, _ in recs:
                # LLDP (EtherType 0x88cc, maybe tagged) or an 802.3 frame
                # with LLC/SNAP (CDP): what decode_link_control() passes.
                if b"\x88\xcc" in data[12:22] or (
                        len(data) > 22 and data[12] < 0x06 and
                        data[14:17] == b"\xaa\xaa\x03"):
                    seeds.append(b"\x00" + records([(0, data)]))
        return seeds
    for f in fl:
        proto = "TCP" if f["proto"] == 6 else "UDP"
        if proto not in tr or not f["msgs"]:
            continue
        if f["server"][1] in ports:
            msgs = f["msgs"]
            port = f["server"][1]
        elif f["client"][1] in ports:
            # The capture began mid-flow: the port's end is the server.
            msgs = [(1 - d, p) for d, p in f["msgs"]]
            port = f["client"][1]
        else:
            continue
        b0 = ports.index(port) | (0x80 if both and proto == "UDP" else 0)
        seeds.append(bytes((b0,)) + records(msgs))
    return seeds


def decode_seeds(caps):
    links = link_table()
    seeds = []
    for _, link, recs in caps:
        if link not in links:
            continue
        # A few frames of each capture: the first ones carry the
        # handshakes, the later ones payload; every encapsulation the
        # crafted captures have is then in the corpus.
        step = max(1, len(recs) // 6)
        for _, data, _ in recs[:4] + recs[4::step]:
            seeds.append(bytes((links.index(link),)) + data)
    return seeds


def rmm_seeds(fl):
    seeds = []
    for f in fl:
        for d in (0, 1):
            first = [p for dd, p in f["msgs"] if dd == d][:1]
            seeds += first
    return seeds


def filemagic_seeds(fl):
    seeds = [b"\x00" + read(p)[:512] for p in sorted(
        glob.glob(os.path.join(TOP, "pcaps", "*", "*.pcap*")))]
    for f in fl:
        for d in (0, 1):
            s = stream(f, d)
            if len(s) >= 16:
                seeds.append(b"\x00" + s[:1024])
    return seeds


def ntlmssp_seeds(fl):
    seeds = []
    for f in fl:
        for d in (0, 1):
            s = stream(f, d)
            at = s.find(b"NTLMSSP\x00")
            if at >= 0:
                seeds.append(s[at:])
    return seeds


def pcapfile_seeds():
    # Classic pcap only (the reader leaves pcapng to libpcap); pick() cuts
    # each to MAX_LEN, so most end inside a record.
    return [read(p) for p in sorted(
        glob.glob(os.path.join(TOP, "pcaps", "*", "*.pcap")))]


def policy_seeds():
    # The head of each list: the target builds every set from its input
    # and writes it to a file, so long seeds slow it tenfold.
    return [read(p)[:1024] for p in sorted(
        glob.glob(os.path.join(TOP, "signatures", "*.txt")))]


def pick(seeds):
    """At most MAX_SEEDS distinct seeds of at most MAX_LEN bytes, spread
    over the list (which is in capture order)."""
    seen, out = set(), []
    for s in seeds:
        s = s[:MAX_LEN]
        if len(s) < 2 or s in seen:
            continue
        seen.add(s)
        out.append(s)
    if len(out) > MAX_SEEDS:
        step = len(out) / MAX_SEEDS
        out = [out[int(i * step)] for i in range(MAX_SEEDS)]
    return out


def main():
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.stderr.write("usage: fuzz/seeds.py OUTDIR [TARGET ...]\n")
        return 2
    outdir = sys.argv[1]
    targets = sys.argv[2:] or sorted(
        os.path.basename(p)[:-2] for p in
        glob.glob(os.path.join(TOP, "fuzz", "fuzz_*.c")))
    caps = captures()
    fl = flows(caps)
    info = dissector_info()
    total = 0
    for t in targets:
        src = os.path.join(TOP, "fuzz", t + ".c")
        if not os.path.exists(src):
            sys.stderr.write("seeds.py: no fuzz target %s (fuzz/%s.c)\n" %
                             (t, t))
            return 2
        m = re.search(r"FUZZ_DISSECTOR\((\w+)\)", read(src).decode())
        if m and m.group(1) in info:
            seeds = dissector_seeds(caps, fl, *info[m.group(1)])
        elif t == "fuzz_decode_flow":
            seeds = decode_seeds(caps)
        elif t == "fuzz_rmm":
            seeds = rmm_seeds(fl)
        elif t == "fuzz_filemagic":
            seeds = filemagic_seeds(fl)
        elif t == "fuzz_ntlmssp":
            seeds = ntlmssp_seeds(fl)
        elif t == "fuzz_policy":
            seeds = policy_seeds()
        elif t == "fuzz_pcapfile":
            seeds = pcapfile_seeds()
        else:
            seeds = []
            print("seeds.py: note: no seed rule for %s" % t)
        seeds = pick(seeds)
        d = os.path.join(outdir, t)
        os.makedirs(d, exist_ok=True)
        for s in seeds:
            with open(os.path.join(d, hashlib.sha1(s).hexdigest()), "wb") as f:
                f.write(s)
        total += len(seeds)
        print("seeds.py: %-20s %4d seeds" % (t, len(seeds)))
    print("seeds.py: %d seeds for %d targets in %s" % (total, len(targets),
                                                       outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
