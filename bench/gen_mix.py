#!/usr/bin/python3
"""
gen_mix.py - write a large, enterprise-like, deterministic capture fast.

The capture is for throughput and memory benchmarks (bench/run.sh), not for
detection tests.  About --packets packets (default 1,000,000) in --flows flows
(default 50,000), interleaved in time as on a busy uplink:

  DNS over UDP (query + answer), NTP, QUIC-looking UDP/443, syslog;
  HTTP/1.1 GET with browser-like headers and a response body;
  TLS 1.3 ClientHello with SNI, ALPN, key share; ServerHello; app data;
  SSH banners, KEXINIT, then interactive and bulk encrypted data;
  SMB2 NEGOTIATE over NetBIOS session service, then READ-sized bulk data;
  a few percent of all flows over IPv6.

Bulk transfers are full-size segments (1514-byte frames) with an ACK every two
segments, so the capture has both many small ACKs and many 1500-byte packets.
Flow sizes are heavy-tailed (Pareto).  Everything comes from one seeded PRNG,
so the same arguments give the same file byte for byte.

Scapy is far too slow for a million packets: headers are packed with one
struct call each and IPv4/TCP/UDP checksums are computed arithmetically
(payload sums are cached for the pooled bulk payloads).

Addresses: clients in 10.20.0.0/16 and fd00:20::/64, servers in the
benchmarking range 198.18.0.0/15 and 2001:db8::/32.

Usage: gen_mix.py [-o FILE] [--packets N] [--flows N] [--seed S]
"""

import argparse
import heapq
import random
import struct
import sys
import time

T0 = 1700000000 * 1000000          # capture start, microseconds
SPAN_US = 300 * 1000000            # flows start within 5 minutes
MSS = 1460

ETH_IP4 = b"\x08\x00"
ETH_IP6 = b"\x86\xdd"

S_TCP4 = struct.Struct("!14sBBHHHBBH4s4sHHIIBBHHH")
S_TCP6 = struct.Struct("!14sIHBB16s16sHHIIBBHHH")
S_UDP4 = struct.Struct("!14sBBHHHBBH4s4sHHHH")
S_UDP6 = struct.Struct("!14sIHBB16s16sHHHH")
S_REC = struct.Struct("<IIII")

FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10


def wsum(b):
    """Sum of big-endian 16-bit words (odd length padded with a zero)."""
    if len(b) & 1:
        b += b"\0"
    return sum(struct.unpack("!%dH" % (len(b) >> 1), b))


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def csum(s):
    return ~fold(s) & 0xFFFF


# ------------------------------------------------------------------ payloads

SNI_NAMES = [
    "www.google.com", "outlook.office365.com", "login.microsoftonline.com",
    "teams.microsoft.com", "graph.microsoft.com", "www.bing.com",
    "github.com", "api.github.com", "objects.githubusercontent.com",
    "slack.com", "edgeapi.slack.com", "zoom.us", "us02web.zoom.us",
    "www.salesforce.com", "d1.awsstatic.com", "s3.amazonaws.com",
    "dropbox.com", "www.dropbox.com", "clients4.google.com",
    "update.googleapis.com", "www.linkedin.com", "static.licdn.com",
    "cdn.jsdelivr.net", "ajax.googleapis.com", "fonts.gstatic.com",
    "www.wikipedia.org", "upload.wikimedia.org", "docs.python.org",
    "deb.debian.org", "security.debian.org", "ocsp.digicert.com",
    "crl.microsoft.com", "settings-win.data.microsoft.com",
    "v10.events.data.microsoft.com", "www.youtube.com", "i.ytimg.com",
    "mail.example.com", "intranet.example.com", "vpn.example.com",
    "anydesk.com", "relay.teamviewer.com",
]
HTTP_HOSTS = [
    "intranet.example.com", "wiki.example.com", "printer01.example.com",
    "deb.debian.org", "ctldl.windowsupdate.com", "ocsp.digicert.com",
    "crl3.digicert.com", "www.msftconnecttest.com", "detectportal.firefox.com",
    "download.windowsupdate.com", "proxy.example.com", "jira.example.com",
]
HTTP_PATHS = [
    "/", "/index.html", "/api/v1/status", "/static/js/app.5f3c2a.js",
    "/static/css/main.css", "/images/logo.png", "/connecttest.txt",
    "/success.txt", "/msdownload/update/v3/static/trustedr/en/authrootstl.cab",
    "/debian/dists/bookworm/InRelease", "/wiki/Main_Page", "/login",
]
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/119.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 "
    "Firefox/120.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "Microsoft-CryptoAPI/10.0", "Debian APT-HTTP/1.3 (2.6.1)",
    "Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.50",
]
DNS_NAMES = SNI_NAMES + HTTP_HOSTS + [
    "_ldap._tcp.dc._msdcs.example.com", "wpad.example.com", "dc01.example.com",
    "fileserver.example.com", "time.windows.com", "ntp.ubuntu.com",
]


def http_request(rng, host, path, auth=False):
    lines = [
        "GET %s HTTP/1.1" % path,
        "Host: %s" % host,
        "User-Agent: %s" % rng.choice(USER_AGENTS),
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,"
        "image/avif,image/webp,*/*;q=0.8",
        "Accept-Language: en-US,en;q=0.5",
        "Accept-Encoding: gzip, deflate",
        "Connection: keep-alive",
        "Cookie: session=%016x; _ga=GA1.2.%d.%d" % (
            rng.getrandbits(64), rng.getrandbits(30), 1699000000 +
            rng.randrange(900000)),
        "Upgrade-Insecure-Requests: 1",
    ]
    if auth:
        lines.append("Authorization: Basic YmVuY2g6YmVuY2gtcGFzcw==")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def http_response_template(rng):
    """Response head with a %d where the Content-Length goes."""
    ctype = rng.choice(["text/html; charset=utf-8", "application/javascript",
                        "image/png", "application/json", "text/css",
                        "application/octet-stream"])
    lines = [
        "HTTP/1.1 200 OK",
        "Date: Tue, 14 Nov 2023 22:%02d:%02d GMT" % (rng.randrange(60),
                                                      rng.randrange(60)),
        "Server: %s" % rng.choice(["nginx/1.22.1", "Apache/2.4.57 (Debian)",
                                   "Microsoft-IIS/10.0"]),
        "Content-Type: %s" % ctype,
        "Content-Length: %d",
        "Last-Modified: Mon, 13 Nov 2023 08:00:00 GMT",
        'ETag: "%08x"' % rng.getrandbits(32),
        "Cache-Control: max-age=3600",
        "Connection: keep-alive",
    ]
    return "\r\n".join(lines) + "\r\n\r\n"


def tls_ext(etype, data):
    return struct.pack("!HH", etype, len(data)) + data


def tls_client_hello(rng, sni):
    name = sni.encode()
    exts = b"".join([
        tls_ext(0, struct.pack("!HBH", len(name) + 3, 0, len(name)) + name),
        tls_ext(23, b""),                                   # extended master secret
        tls_ext(65281, b"\x00"),                            # renegotiation info
        tls_ext(10, bytes.fromhex("000a001d001700180019001e")),  # groups
        tls_ext(11, b"\x01\x00"),                           # ec point formats
        tls_ext(35, b""),                                   # session ticket
        tls_ext(16, bytes.fromhex("000c02683208687474702f312e31")),  # ALPN
        tls_ext(5, b"\x01\x00\x00\x00\x00"),                # status request
        tls_ext(13, bytes.fromhex("001004030804040105030805050108060601")),
        tls_ext(51, struct.pack("!HHH", 36, 0x001D, 32) + rng.randbytes(32)),
        tls_ext(45, b"\x01\x01"),                           # psk modes
        tls_ext(43, bytes.fromhex("0403040303")),           # versions 1.3, 1.2
    ])
    suites = struct.pack("!17H", 0x1301, 0x1303, 0x1302, 0xC02B, 0xC02F,
                         0xCCA9, 0xCCA8, 0xC02C, 0xC030, 0xC00A, 0xC009,
                         0xC013, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035)
    body = (b"\x03\x03" + rng.randbytes(32) + b"\x20" + rng.randbytes(32) +
            struct.pack("!H", len(suites)) + suites + b"\x01\x00" +
            struct.pack("!H", len(exts)) + exts)
    hs = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def tls_server_hello(rng):
    exts = (tls_ext(43, b"\x03\x04") +
            tls_ext(51, struct.pack("!HH", 0x001D, 32) + rng.randbytes(32)))
    body = (b"\x03\x03" + rng.randbytes(32) + b"\x20" + rng.randbytes(32) +
            b"\x13\x01\x00" + struct.pack("!H", len(exts)) + exts)
    hs = b"\x02" + len(body).to_bytes(3, "big") + body
    ccs = b"\x14\x03\x03\x00\x01\x01"
    # Encrypted extensions/certificate/verify/finished look like app data.
    enc = b"\x17\x03\x03" + struct.pack("!H", 1100) + rng.randbytes(1100)
    return b"\x16\x03\x03" + struct.pack("!H", len(hs)) + hs + ccs + enc


def ssh_kexinit(rng):
    lists = [
        "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
        "diffie-hellman-group16-sha512,ext-info-c",
        "ssh-ed25519-cert-v01@openssh.com,ssh-ed25519,rsa-sha2-512,rsa-sha2-256",
        "chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com",
        "chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com",
        "umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com",
        "umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com",
        "none,zlib@openssh.com", "none,zlib@openssh.com", "", "",
    ]
    payload = b"\x14" + rng.randbytes(16) + b"".join(
        struct.pack("!I", len(x)) + x.encode() for x in lists) + b"\x00" + b"\0" * 4
    pad = 8 - ((len(payload) + 5) % 8)
    pad += 8 if pad < 4 else 0
    return struct.pack("!IB", len(payload) + pad + 1, pad) + payload + b"\0" * pad


def smb2_negotiate(rng, response):
    hdr = struct.pack("<4sHHIHHIIQIIQ16s", b"\xfeSMB", 64, 1, 0, 0, 31,
                      1 if response else 0, 0, 0, 0xFEFF, 0, 0, b"\0" * 16)
    if response:
        body = struct.pack("<HHHH16sIIII", 65, 1, 0x0311, 0, rng.randbytes(16),
                           0x2F, 8388608, 8388608, 8388608) + b"\0" * 24
    else:
        body = struct.pack("<HHHHI16sIHH", 36, 5, 1, 0, 0x7F, rng.randbytes(16),
                           0, 0, 0) + struct.pack("<5H", 0x0202, 0x0210, 0x0300,
                                                  0x0302, 0x0311)
    msg = hdr + body
    return b"\x00" + len(msg).to_bytes(3, "big") + msg


def dns_msg(txid, name, answer=None):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    q += b"\x00\x01\x00\x01"
    if answer is None:
        return struct.pack("!HHHHHH", txid, 0x0100, 1, 0, 0, 0) + q
    a = b"\xc0\x0c\x00\x01\x00\x01" + struct.pack("!IH", 300, 4) + answer
    return struct.pack("!HHHHHH", txid, 0x8180, 1, 1, 0, 0) + q + a


# ---------------------------------------------------------------- packets

class Endpoints:
    """One flow's addressing; builds frames for both directions."""

    def __init__(self, v6, cip, sip, cport, sport):
        self.v6 = v6
        self.ports = ((cport, sport), (sport, cport))
        cmac = b"\x02\x20" + cip[-4:]
        smac = b"\x02\x53" + sip[-4:]     # server side: gateway-ish MAC
        et = ETH_IP6 if v6 else ETH_IP4
        self.eth = (smac + cmac + et, cmac + smac + et)
        self.addr = ((cip, sip), (sip, cip))
        asum = wsum(cip) + wsum(sip)
        self.pseudo = asum
        self.ipconst = 0x4500 + 0x4000 + asum   # + ttl/proto added per call
        self.ipid = [0x100, 0x8000]
        self.ttl = (128, 56)

    def tcp(self, d, flags, seq, ack, payload, psum):
        sp, dp = self.ports[d]
        src, dst = self.addr[d]
        tlen = 20 + len(payload)
        win = 502 if d == 0 else 64240
        s = (self.pseudo + 6 + tlen + sp + dp + (seq >> 16) + (seq & 0xFFFF) +
             (ack >> 16) + (ack & 0xFFFF) + (0x5000 | flags) + win + psum)
        tc = csum(s)
        if self.v6:
            return S_TCP6.pack(self.eth[d], 0x60000000, tlen, 6, 64, src, dst,
                               sp, dp, seq, ack, 0x50, flags, win, tc, 0) + payload
        ipid = self.ipid[d] = (self.ipid[d] + 1) & 0xFFFF
        tot = 20 + tlen
        ttlp = (self.ttl[d] << 8) | 6
        ic = csum(self.ipconst + tot + ipid + ttlp)
        return S_TCP4.pack(self.eth[d], 0x45, 0, tot, ipid, 0x4000,
                           self.ttl[d], 6, ic, src, dst, sp, dp, seq, ack,
                           0x50, flags, win, tc, 0) + payload

    def udp(self, d, payload, psum):
        sp, dp = self.ports[d]
        src, dst = self.addr[d]
        ulen = 8 + len(payload)
        uc = csum(self.pseudo + 17 + ulen + sp + dp + ulen + psum) or 0xFFFF
        if self.v6:
            return S_UDP6.pack(self.eth[d], 0x60000000, ulen, 17, 64, src, dst,
                               sp, dp, ulen, uc) + payload
        ipid = self.ipid[d] = (self.ipid[d] + 1) & 0xFFFF
        tot = 20 + ulen
        ttlp = (self.ttl[d] << 8) | 17
        ic = csum(self.ipconst + tot + ipid + ttlp)
        return S_UDP4.pack(self.eth[d], 0x45, 0, tot, ipid, 0x4000,
                           self.ttl[d], 17, ic, src, dst, sp, dp, ulen, uc) + payload


class Pool:
    """Pre-built bulk payloads (full MSS and a few tail sizes) with sums."""

    def __init__(self, rng, n=64):
        self.full = []
        for _ in range(n):
            p = rng.randbytes(MSS)
            self.full.append((p, wsum(p)))
        self.small = []
        for size in (36, 52, 68, 84, 100, 148, 212, 340, 580, 900):
            p = rng.randbytes(size)
            self.small.append((p, wsum(p)))


class TcpConv:
    """Sequence-number bookkeeping for one TCP connection; yields frames."""

    def __init__(self, ep, rng, ts, rtt):
        self.ep, self.rng, self.ts, self.rtt = ep, rng, ts, rtt
        self.seq = [rng.getrandbits(32), rng.getrandbits(32)]

    def _emit(self, d, flags, payload=b"", psum=None, gap=0):
        self.ts += gap
        if psum is None:
            psum = wsum(payload) if payload else 0
        o = 1 - d
        fr = self.ep.tcp(d, flags, self.seq[d], self.seq[o] if flags & ACK else 0,
                         payload, psum)
        self.seq[d] = (self.seq[d] + len(payload) +
                       (1 if flags & (SYN | FIN) else 0)) & 0xFFFFFFFF
        return (self.ts, fr)

    def handshake(self):
        yield self._emit(0, SYN)
        yield self._emit(1, SYN | ACK, gap=self.rtt // 2)
        yield self._emit(0, ACK, gap=self.rtt // 2)

    def send(self, d, data, gap=None):
        """Send application data in MSS-sized segments."""
        g = self.rtt // 2 if gap is None else gap
        for i in range(0, len(data), MSS):
            yield self._emit(d, PSH | ACK, data[i:i + MSS], gap=g)
            g = 30

    def ack(self, d, gap=None):
        yield self._emit(d, ACK, gap=self.rtt // 2 if gap is None else gap)

    def bulk(self, d, nseg, pool):
        """nseg full-size segments from d, the peer ACKs every second one."""
        full = pool.full
        rng = self.rng
        for i in range(nseg):
            p, ps = full[rng.randrange(len(full))]
            yield self._emit(d, ACK, p, ps, gap=12 + rng.randrange(60))
            if i & 1:
                yield self._emit(1 - d, ACK, gap=self.rtt // 4 + 5)

    def close(self):
        yield self._emit(0, FIN | ACK, gap=self.rtt)
        yield self._emit(1, FIN | ACK, gap=self.rtt // 2)
        yield self._emit(0, ACK, gap=self.rtt // 2)


# ------------------------------------------------------------------ flows
# Each flow kind: (weight, fixed packets, carries bulk?, generator).

def flow_http(c, rng, pool, nseg):
    yield from c.handshake()
    host = rng.choice(HTTP_HOSTS)
    yield from c.send(0, http_request(rng, host, rng.choice(HTTP_PATHS),
                                      auth=rng.random() < 0.002))
    tail = pool.small[rng.randrange(len(pool.small))]
    # The first segment holds the head and the start of the body; the
    # Content-Length covers that, the bulk segments and the tail.
    tmpl = http_response_template(rng)
    rest = nseg * MSS + len(tail[0])
    head = (tmpl % 0).encode()
    for _ in range(3):
        head = (tmpl % (MSS - len(head) + rest)).encode()
    yield from c.send(1, head + rng.randbytes(MSS - len(head)))
    yield from c.bulk(1, nseg, pool)
    yield c._emit(1, PSH | ACK, *tail, gap=40)
    yield from c.ack(0)
    yield from c.close()


def flow_tls(c, rng, pool, nseg):
    yield from c.handshake()
    yield from c.send(0, tls_client_hello(rng, rng.choice(SNI_NAMES)))
    yield from c.send(1, tls_server_hello(rng))
    yield from c.ack(0)
    fin = b"\x14\x03\x03\x00\x01\x01\x17\x03\x03\x00\x35" + rng.randbytes(53)
    yield from c.send(0, fin)
    req = b"\x17\x03\x03" + struct.pack("!H", 420) + rng.randbytes(420)
    yield from c.send(0, req, gap=200)
    yield from c.bulk(1, nseg, pool)
    yield from c.ack(0)
    yield from c.close()


def flow_ssh(c, rng, pool, nseg):
    yield from c.handshake()
    yield from c.send(1, b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2\r\n")
    yield from c.send(0, b"SSH-2.0-OpenSSH_9.6\r\n")
    yield from c.send(0, ssh_kexinit(rng))
    yield from c.send(1, ssh_kexinit(rng))
    # Interactive: small packets both ways, keystroke-sized.
    small = pool.small
    for _ in range(6 + rng.randrange(20)):
        p = small[rng.randrange(3)]
        yield c._emit(0, PSH | ACK, *p, gap=80000 + rng.randrange(400000))
        p = small[rng.randrange(3)]
        yield c._emit(1, PSH | ACK, *p, gap=c.rtt // 2)
        yield from c.ack(0)
    yield from c.bulk(1, nseg, pool)
    yield from c.close()


def flow_smb(c, rng, pool, nseg):
    yield from c.handshake()
    yield from c.send(0, smb2_negotiate(rng, False))
    yield from c.send(1, smb2_negotiate(rng, True))
    yield from c.ack(0)
    yield from c.bulk(1, nseg, pool)
    yield from c.close()


def flow_dns(ep, rng, ts, rtt):
    name = rng.choice(DNS_NAMES)
    txid = rng.getrandbits(16)
    q = dns_msg(txid, name)
    a = dns_msg(txid, name, bytes([198, 18 + rng.randrange(2), rng.randrange(256),
                                   1 + rng.randrange(254)]))
    yield (ts, ep.udp(0, q, wsum(q)))
    yield (ts + rtt, ep.udp(1, a, wsum(a)))


def flow_udp_misc(ep, rng, ts, rtt, kind, pool):
    if kind == "ntp":
        q = b"\x23" + b"\0" * 39 + rng.randbytes(8)
        r = b"\x24\x02\x03\xe8" + rng.randbytes(44)
        yield (ts, ep.udp(0, q, wsum(q)))
        yield (ts + rtt, ep.udp(1, r, wsum(r)))
    elif kind == "syslog":
        for i in range(1 + rng.randrange(6)):
            m = ("<134>Nov 14 22:13:%02d fw01 kernel: ACCEPT IN=eth0 OUT=eth1 "
                 "SRC=10.20.%d.%d DST=198.18.0.%d LEN=60 PROTO=TCP" % (
                     i, rng.randrange(256), rng.randrange(256),
                     rng.randrange(256))).encode()
            yield (ts + i * 50000, ep.udp(0, m, wsum(m)))
    else:   # QUIC-looking: long-header Initial padded to 1252, then short.
        init = b"\xc3\x00\x00\x00\x01\x08" + rng.randbytes(1246)
        yield (ts, ep.udp(0, init, wsum(init)))
        t = ts + rtt
        for i in range(2 + rng.randrange(12)):
            p, ps = pool.full[rng.randrange(len(pool.full))]
            p = p[:1200]
            yield (t, ep.udp(1 if i % 3 else 0, p, wsum(p)))
            t += 200 + rng.randrange(3000)


# kind: (server port, generator, mean packets besides bulk segments)
TCP_KINDS = {"http": (80, flow_http, 10), "tls": (443, flow_tls, 12),
             "ssh": (22, flow_ssh, 56), "smb": (445, flow_smb, 9)}
UDP_KINDS = {"dns": (53, 2), "ntp": (123, 2), "syslog": (514, 3.5),
             "quic": (443, 9.5)}
MIX = [("dns", 0.36), ("tls", 0.33), ("http", 0.16), ("quic", 0.04),
       ("ntp", 0.03), ("ssh", 0.025), ("smb", 0.025), ("syslog", 0.03)]


def client_addr(rng, v6):
    if v6:
        return bytes.fromhex("fd000020000000000000") + rng.randbytes(6)
    return bytes([10, 20, rng.randrange(64), 1 + rng.randrange(254)])


def server_addr(rng, v6, kind):
    if kind in ("dns", "ntp", "syslog", "smb"):
        # Internal servers: a handful of them.
        if v6:
            return bytes.fromhex("fd0000200000000000000000000000") + bytes([rng.randrange(1, 9)])
        return bytes([10, 0, 0, rng.randrange(1, 9)])
    if v6:
        return bytes.fromhex("20010db8") + rng.randbytes(12)
    return bytes([198, 18 + rng.randrange(2), rng.randrange(256), 1 + rng.randrange(254)])


def plan(rng, nflows, npackets):
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    flows = []
    fixed = 0
    bulky = []
    for i in range(nflows):
        kind = rng.choices(kinds, weights)[0]
        v6 = rng.random() < 0.04
        start = rng.randrange(SPAN_US)
        rtt = 300 + int(rng.expovariate(1 / 15000.0))
        if kind in TCP_KINDS:
            fixed += TCP_KINDS[kind][2]
            bulky.append(i)
        else:
            fixed += UDP_KINDS[kind][1]
        flows.append([kind, v6, start, rtt, 0])
    # Each bulk segment costs 1.5 packets (a data segment and half an ACK).
    # Heavy-tailed shares, capped at 20,000 segments; what the cap cuts off
    # goes back to the flows under it.
    segs = max(0, npackets - fixed) / 1.5
    w = {i: rng.paretovariate(1.1) for i in bulky}
    cap = 20000
    for _ in range(8):
        tot = sum(w.values())
        if not w or segs < 1:
            break
        capped = [i for i, wi in w.items() if segs * wi / tot >= cap]
        if not capped:
            break
        for i in capped:
            flows[i][4] = cap
            segs -= cap
            del w[i]
    tot = sum(w.values())
    for i, wi in w.items():
        flows[i][4] = int(round(segs * wi / tot))
    return flows


def flow_iter(idx, spec, seed, pool):
    kind, v6, start, rtt, nseg = spec
    rng = random.Random(seed * 1000003 + idx)
    cip, sip = client_addr(rng, v6), server_addr(rng, v6, kind)
    cport = 49152 + rng.randrange(16000)
    ts = T0 + start
    if kind in TCP_KINDS:
        port, fn, _ = TCP_KINDS[kind]
        ep = Endpoints(v6, cip, sip, cport, port)
        yield from fn(TcpConv(ep, rng, ts, rtt), rng, pool, nseg)
    else:
        ep = Endpoints(v6, cip, sip, cport, UDP_KINDS[kind][0])
        if kind == "dns":
            yield from flow_dns(ep, rng, ts, rtt)
        else:
            yield from flow_udp_misc(ep, rng, ts, rtt, kind, pool)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("-o", "--out", default="bench/data/mix.pcap")
    ap.add_argument("--packets", type=int, default=1000000)
    ap.add_argument("--flows", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=20231114)
    a = ap.parse_args()

    t = time.time()
    rng = random.Random(a.seed)
    pool = Pool(rng)
    flows = plan(rng, a.flows, a.packets)
    # Flows start in time order; merge their packets by timestamp.  The
    # index breaks ties so the order never depends on frame bytes.
    gens = (((ts, i, fr) for ts, fr in flow_iter(i, spec, a.seed, pool))
            for i, spec in enumerate(flows))
    merged = heapq.merge(*gens)
    n = nbytes = 0
    with open(a.out, "wb", buffering=1 << 22) as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        rec = S_REC.pack
        w = f.write
        for ts, _, fr in merged:
            ln = len(fr)
            w(rec(ts // 1000000, ts % 1000000, ln, ln))
            w(fr)
            n += 1
            nbytes += ln
            if n >= a.packets:
                break
    kinds = {}
    for s in flows:
        kinds[s[0]] = kinds.get(s[0], 0) + 1
    sys.stderr.write("%s: %d packets, %d bytes of frames, %d flows (%s), "
                     "%.1f s\n" % (a.out, n, nbytes, len(flows),
                                   " ".join("%s=%d" % kv for kv in
                                            sorted(kinds.items())),
                                   time.time() - t))


if __name__ == "__main__":
    main()
