#!/usr/bin/env python3
"""
rmm_catalogue.py - every name pattern of signatures/rmm_catalogue.txt finds
its own tool: for each 'domain' entry, a DNS query for a name it holds
(*. and . get a label, a '*' in a label becomes 'a1b2') from a client of
its own goes through edgeward, and that client must get a remote_access
finding naming that tool.  A pattern another tool's entry shadows shows
here.  Prints the recall per tool.

usage: rmm_catalogue.py EDGEWARD CATALOGUE
"""
import json
import os
import struct
import subprocess
import sys
import tempfile


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def dns_query(src, dst, sport, qid, name):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack("!HH", 1, 1)
    udp = struct.pack("!HHHH", sport, 53, 8 + len(q), 0) + q
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), qid, 0, 64,
                     17, 0, bytes(src), bytes(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + udp


def name_for(pattern):
    if pattern.startswith("*."):
        return "x1." + pattern[2:]
    if pattern.startswith("."):
        return "x1" + pattern
    first, _, rest = pattern.partition(".")
    return first.replace("*", "a1b2").replace("?", "z") + "." + rest


def main():
    binary, catalogue = sys.argv[1], sys.argv[2]
    entries = []                        # (tool, pattern)
    for line in open(catalogue):
        f = line.split()
        if len(f) >= 3 and not f[0].startswith("#") and f[1] == "domain":
            entries.append((f[0], f[2]))
    tools = sorted({t for t, _ in entries})
    frames = []
    ts = 1700000000
    expect = {}                         # client address -> tool
    for i, (tool, pattern) in enumerate(entries):
        client = (10, 3, i // 250, 1 + i % 250)
        expect[".".join(map(str, client))] = (tool, pattern)
        frames.append(dns_query(client, (10, 3, 255, 53), 20000 + i,
                                i & 0xFFFF, name_for(pattern)))
    with tempfile.NamedTemporaryFile(suffix=".pcap", delete=False) as fp:
        fp.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
        for k, fr in enumerate(frames):
            fp.write(struct.pack("<IIII", ts + k, 0, len(fr), len(fr)) + fr)
        path = fp.name
    out = subprocess.run([binary, "-q", "-r", path], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL).stdout.decode()
    os.unlink(path)
    got = {}
    for line in out.splitlines():
        r = json.loads(line)
        if r["kind"] == "remote_access":
            got.setdefault(r["src_ip"], set()).add(r["remote_access"]["tool_id"])
    fails, found = [], {t: 0 for t in tools}
    total = {t: 0 for t in tools}
    for client, (tool, pattern) in expect.items():
        total[tool] += 1
        if got.get(client) == {tool}:
            found[tool] += 1
        else:
            fails.append("%s %s: got %s" % (tool, pattern,
                                             sorted(got.get(client, []))))
    for t in tools:
        print("%-22s %d/%d names" % (t, found[t], total[t]))
    for f in fails:
        print("FAIL " + f)
    print("rmm_catalogue: %d tools, %d of %d names found their tool" %
          (len(tools), sum(found.values()), len(entries)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
