#!/usr/bin/python3
"""
report_hostile.py OUT.pcap - a capture whose wire strings try to inject
markup and script into the HTML report: FTP user names, an HTTP Basic user,
Host header and path, a TLS server name (SNI) to a remote-access service,
and a user name with a right-to-left override.  Each is a complete TCP
session (handshake, request, reply, close) so the dissectors report it.
Deterministic: fixed times, sequence numbers and payloads.
"""
import base64
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "pcaps"))
from craft import (C2S, S2C, LINKTYPE_EN10MB, eth, ftp_conversation,  # noqa
                   ip_pair, write_pcap)
from scapy.all import TCP, Raw  # noqa: E402

CLIENT, SERVER = "10.66.0.7", "10.66.0.9"
MARK = "document.title='PWNED'"


def tcp_session(sport, dport, exchanges, client=CLIENT, server=SERVER):
    """(direction, L3 packet) list: handshake, then each (direction, bytes)
    of exchanges, then FIN both ways."""
    mk = ip_pair(False, client, server)
    seq = {C2S: 7000, S2C: 9000}
    pkts = []

    def seg(d, flags, payload=b""):
        o = 1 - d
        p = mk(d) / TCP(sport=sport if d == C2S else dport,
                        dport=dport if d == C2S else sport, flags=flags,
                        seq=seq[d], ack=seq[o] if "A" in flags else 0,
                        window=64240)
        if payload:
            p = p / Raw(payload)
        seq[d] += len(payload) + (1 if ("S" in flags or "F" in flags) else 0)
        pkts.append((d, p))

    seg(C2S, "S")
    seg(S2C, "SA")
    seg(C2S, "A")
    for d, data in exchanges:
        seg(d, "PA", data)
    seg(C2S, "FA")
    seg(S2C, "FA")
    seg(C2S, "A")
    return pkts


def client_hello(sni):
    """A TLS 1.2 ClientHello with one server_name."""
    name = sni.encode()
    sni_ext = struct.pack(">HHHBH", 0, len(name) + 5, len(name) + 3, 0,
                          len(name)) + name
    exts = sni_ext
    body = (b"\x03\x03" + bytes(range(32)) + b"\x00" +
            struct.pack(">H", 4) + b"\xc0\x2f\x00\x9c" + b"\x01\x00" +
            struct.pack(">H", len(exts)) + exts)
    hs = b"\x01" + struct.pack(">I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs


def server_hello():
    body = (b"\x03\x03" + bytes(range(32, 64)) + b"\x00" + b"\xc0\x2f" +
            b"\x00" + b"\x00\x00")
    hs = b"\x02" + struct.pack(">I", len(body))[1:] + body
    return b"\x16\x03\x03" + struct.pack(">H", len(hs)) + hs


def main():
    out = sys.argv[1]
    convs = []
    # FTP: a script element and an event handler as user names.
    convs.append(ftp_conversation(
        client=CLIENT, server=SERVER, sport=41001,
        logins=[("<script>%s</script>" % MARK, "pw1",
                 "230 Login successful."),
                ('"><img src=x onerror="%s">' % MARK, "pw2",
                 "530 Login incorrect."),
                ("evil\u202egnp.exe", "pw3", "530 Login incorrect.")]))
    # HTTP Basic: hostile user, Host header and path.
    user = "</td></tr><svg onload=\"%s\">" % MARK
    auth = base64.b64encode(("%s:pw4" % user).encode()).decode()
    req = ("GET /</textarea><script>%s</script> HTTP/1.1\r\n"
           "Host: \"><iframe src=javascript:%s>\r\n"
           "Authorization: Basic %s\r\n\r\n" % (MARK, MARK, auth)).encode()
    convs.append(tcp_session(41002, 80, [
        (C2S, req),
        (S2C, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")]))
    # TLS to a remote-access service, the server name carrying markup.
    convs.append(tcp_session(41003, 443, [
        (C2S, client_hello("x<script>%s</script>.net.anydesk.com" % MARK)),
        (S2C, server_hello()),
        (C2S, b"\x17\x03\x03\x00\x05hello"),
        (S2C, b"\x17\x03\x03\x00\x05world")]))
    frames = [eth(d, p) for conv in convs for d, p in conv]
    write_pcap(out, LINKTYPE_EN10MB, frames)


if __name__ == "__main__":
    main()
