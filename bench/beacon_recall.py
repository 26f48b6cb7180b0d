#!/usr/bin/python3
"""
beacon_recall.py - how often edgeward reports a beacon, per timetable shape.

Writes one capture per shape into a temporary directory: SERIES clients
(10.1.0.0/16), each polling its own server (198.18.0.0/15, HTTP on port 80,
"GET /p" with a Host name and a 204 answer, constant sizes) EVENTS times at
intervals drawn from the shape, PERIOD seconds on average.  Runs edgeward on
each capture and prints, per shape, the share of series reported as a beacon
(first findings, not follow-ups).  The periodic shapes measure recall, the
random ones the false-alarm rate on polling that has no schedule.

  bench/beacon_recall.py [--edgeward ./edgeward] [--series 200]
                         [--events 40] [--period 60] [--seed 1]

Checksums are correct; every connection is a full handshake, one request,
one answer and a FIN exchange (8 packets).
"""
import argparse
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import json

class Schedule:
    """Events at k * period, each moved by up to +-30 % of the period."""

    def __init__(self):
        self.prev = 0.0

    def __call__(self, p, r):
        e = r.uniform(-0.3, 0.3) * p
        d = p + e - self.prev
        self.prev = e
        return d


SHAPES = [
    # name, sleep(period, rnd) -> seconds until the next event, kind
    ("constant", lambda p, r: p, "periodic"),
    ("jitter_30pct", lambda p, r: p * r.uniform(0.7, 1.3), "periodic"),
    ("cobalt_0.7_1.0", lambda p, r: p * r.uniform(0.7, 1.0), "periodic"),
    ("schedule_30pct", None, "periodic"),
    ("poisson", lambda p, r: r.expovariate(1.0 / p), "random"),
    ("uniform_1_120s", lambda p, r: r.uniform(1, 120), "random"),
]


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def frame(src, dst, sport, dport, seq, ack, flags, payload, ipid):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      64240, 0, 0) + payload
    ph = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    c = csum(ph + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ipid, 0x4000,
                     64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
    return eth + ip + tcp


def connection(t, cli, srv, sport, host):
    """(time, frame) pairs of one polled HTTP connection starting at t."""
    req = b"GET /p HTTP/1.1\r\nHost: " + host + b"\r\n\r\n"
    rsp = b"HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n"
    c, s = 1000, 5000
    out = []

    def add(dt, d, flags, pl=b""):
        nonlocal c, s
        if d == 0:
            out.append((t + dt, frame(cli, srv, sport, 80, c, s, flags, pl,
                                      sport)))
            c += len(pl) + (1 if flags & 0x03 else 0)
        else:
            out.append((t + dt, frame(srv, cli, 80, sport, s, c, flags, pl,
                                      sport)))
            s += len(pl) + (1 if flags & 0x03 else 0)
    add(0.000, 0, 0x02)
    add(0.020, 1, 0x12)
    add(0.040, 0, 0x10)
    add(0.041, 0, 0x18, req)
    add(0.080, 1, 0x18, rsp)
    add(0.081, 0, 0x11)
    add(0.100, 1, 0x11)
    add(0.120, 0, 0x10)
    return out


def write_shape(path, sleep, series, events, period, seed):
    rnd = random.Random(seed)
    pkts = []
    for i in range(series):
        cli = ip4("10.1.%d.%d" % (i // 250, i % 250 + 1))
        srv = ip4("198.18.%d.%d" % (i // 250, i % 250 + 1))
        host = b"c%d.example.org" % i
        t = 1700000000.0 + rnd.uniform(0, period)
        if sleep is None:
            sleep_i = Schedule()
        else:
            sleep_i = sleep
        for k in range(events):
            pkts += connection(t, cli, srv, 20000 + (k * 7 + i) % 40000,
                               host)
            t += max(1.0, sleep_i(period, rnd))
    pkts.sort(key=lambda x: x[0])
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for ts, fr in pkts:
            sec = int(ts)
            us = int(round((ts - sec) * 1e6))
            if us >= 1000000:
                sec, us = sec + 1, us - 1000000
            f.write(struct.pack("<IIII", sec, us, len(fr), len(fr)) + fr)
    return len(pkts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edgeward", default="./edgeward")
    ap.add_argument("--series", type=int, default=200)
    ap.add_argument("--events", type=int, default=40)
    ap.add_argument("--period", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="beacon_recall.")
    try:
        print("%-16s %-9s %8s %8s %8s" % ("shape", "kind", "series",
                                          "reported", "share"))
        for n, (name, sleep, kind) in enumerate(SHAPES):
            path = os.path.join(tmp, name + ".pcap")
            write_shape(path, sleep, a.series, a.events, a.period,
                        a.seed * 100 + n)
            r = subprocess.run([a.edgeward, "-q", "-r", path], check=False,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
            if r.returncode != 0:
                sys.exit("beacon_recall: edgeward exited %d on %s" %
                         (r.returncode, name))
            got = set()
            for line in r.stdout.decode().splitlines():
                j = json.loads(line)
                if j["kind"] == "beacon" and "followup" not in j["beacon"]:
                    got.add(j["src_ip"])
            print("%-16s %-9s %8d %8d %7.1f%%" % (
                name, kind, a.series, len(got), 100.0 * len(got) / a.series))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
