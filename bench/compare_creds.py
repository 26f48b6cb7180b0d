#!/usr/bin/python3
"""
compare_creds.py - the work behind bench/compare_creds.sh (read its header
for the matching rules).  Runs dsniff, tshark and edgeward over each
capture given, normalises what each prints to (protocol, user[, password])
tuples and prints the comparison table.  Secrets are never printed: a row
shows the length of the password when one tool saw it.

Usage: compare_creds.py --edgeward BIN [--discover] CAPTURE ...
  --discover   the captures after it are kept only when one tool finds a
               credential in them (used for the shared captures outside
               credentials/).
"""
import base64
import binascii
import json
import os
import re
import subprocess
import sys
import tempfile

# Protocol names as each tool prints them -> one canonical name.
ALIASES = {
    "ftp": "ftp", "telnet": "telnet", "smtp": "smtp", "imap": "imap",
    "pop": "pop3", "pop3": "pop3", "pop2": "pop3",
    "http": "http", "http basic auth": "http", "http-basic": "http",
    "http-form-post": "http", "http-proxy": "http",
    "snmp": "snmp", "ldap": "ldap",
    "rlogin": "rsh", "rsh": "rsh", "rexec": "rsh",
    "postgresql": "pgsql", "postgres": "pgsql", "pgsql": "pgsql",
    "mysql": "mysql", "mariadb": "mysql", "redis": "redis", "resp": "redis",
    "socks": "socks", "socks5": "socks",
}
TOOLS = ("dsniff", "tshark", "edgeward")


def canon(proto):
    p = proto.strip().lower()
    return ALIASES.get(p, p)


def run(cmd, timeout=300):
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return ""
    return r.stdout.decode("utf-8", "replace")


class Cred:
    """One normalised credential: protocol, user, password (None when the
    tool does not give a cleartext one) and, for edgeward, what it said."""

    def __init__(self, proto, user, password=None, alt_users=(), note=""):
        self.proto = canon(proto)
        self.user = user or ""
        if self.proto == "redis" and self.user.lower() == "default":
            self.user = ""       # legacy AUTH applies the "default" user
        self.password = password if password else None
        self.alt_users = {u.lower() for u in alt_users if u}
        self.note = note

    def users(self):
        return {self.user.lower()} | self.alt_users

    def key(self):
        return (self.proto, self.user.lower(), self.password)


# ---- dsniff ----------------------------------------------------------------

def bad_checksums(path):
    """True when tshark sees a wrong IPv4/TCP/UDP checksum: captures taken
    with checksum offload (pcaps/record.sh's veth pairs) have them, and
    libnids, under dsniff, silently drops such packets."""
    out = run(["tshark", "-r", path, "-o", "ip.check_checksum:TRUE",
               "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
               "-Y", "ip.checksum.status == 0 || tcp.checksum.status == 0"
               " || udp.checksum.status == 0", "-c", "1"])
    return bool(out.strip())


def fixed_copy(path, tmpdir):
    """A temporary copy with every IPv4/TCP/UDP checksum recomputed (scapy),
    for dsniff only; None when scapy cannot do it."""
    dst = os.path.join(tmpdir, "fixed.pcap")
    code = ("import sys\n"
            "from scapy.all import rdpcap, wrpcap, IP, TCP, UDP\n"
            "pk = rdpcap(sys.argv[1])\n"
            "for p in pk:\n"
            "    for l in (IP, TCP, UDP):\n"
            "        if l in p:\n"
            "            p[l].chksum = None\n"
            "wrpcap(sys.argv[2], pk)\n")
    r = subprocess.run(["/usr/bin/python3", "-c", code, path, dst],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return dst if r.returncode == 0 else None


def dsniff_blocks(text):
    """dsniff prints a "-----------------" line, a header "date time proto
    src -> dst (service)" and the interesting lines.  Lines "(n) ..." are a
    debugging trace the Debian build's POP decoder leaves on stdout."""
    blocks = []
    cur = None
    for line in text.splitlines():
        if line.startswith("-----------------"):
            cur = None
            continue
        m = re.match(r"^\S+ \S+ (tcp|udp) \S+ -> \S+\.(\d+) \((\S+)\)$", line)
        if m and cur is None:
            cur = {"service": m.group(3), "port": int(m.group(2)), "lines": []}
            blocks.append(cur)
            continue
        if cur is None or re.match(r"^\(\d+\) ", line) or not line.strip():
            continue
        cur["lines"].append(line.strip())
    return blocks


def unquote(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] == '"':
        return s[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return s


def user_pass_lines(svc, lines):
    """"USER x" / "PASS y" command pairs (FTP, and POP3 when dsniff shows
    the commands themselves)."""
    out, user = [], None
    for l in lines:
        if l.startswith("USER "):
            user = l[5:]
        elif l.startswith("PASS ") and user is not None:
            out.append(Cred(svc, user, l[5:]))
    return out


def dsniff_creds(block):
    svc, lines = block["service"], block["lines"]
    out = user_pass_lines(svc, lines)
    if svc == "snmp":
        # "[version N]" then the community.
        out += [Cred("snmp", "", l) for l in lines if not l.startswith("[version")]
    elif svc in ("pop3", "pop2"):
        for l in lines:
            m = re.match(r"^username \[(.*)\] password \[(.*)\]$", l)
            if m:
                out.append(Cred(svc, m.group(1), m.group(2)))
    elif svc == "http":
        for l in lines:
            m = re.match(r"^(?:Proxy-)?Authorization: Basic \S+ \[([^:]*):(.*)\]$", l)
            if m:
                out.append(Cred("http", m.group(1), m.group(2)))
    elif svc == "imap":
        for l in lines:
            m = re.match(r'^LOGIN ("(?:[^"\\]|\\.)*"|\S+) (.*)$', l)
            if m:
                out.append(Cred("imap", unquote(m.group(1)), unquote(m.group(2))))
    elif svc in ("ldap", "telnet") and lines:
        # ldap: DN then password; telnet: the typed lines, login first,
        # password second (dsniff's own convention).
        out.append(Cred(svc, lines[0], lines[1] if len(lines) > 1 else None))
    elif svc == "socks":
        for l in lines:
            u, _, p = l.partition(" ")
            out.append(Cred("socks", u, p))
    elif svc == "rlogin" and lines:
        # "[a:b]": rlogin (513) client-user:server-user; dsniff decodes rsh
        # (514) with the same layout, so there a is the client's port and
        # b the client user.  The server user is not printed.
        m = re.match(r"^\[([^:]*):(.*)\]$", lines[0])
        if m:
            out.append(Cred("rsh", m.group(2)))
    elif not out and lines:
        # Any other decoder: first line as the user, second as the secret.
        out.append(Cred(svc, lines[0], lines[1] if len(lines) > 1 else None))
    return out


def dsniff_run(path):
    note = ""
    with tempfile.TemporaryDirectory() as tmp:
        target = path
        if bad_checksums(path):
            fixed = fixed_copy(path, tmp)
            if fixed:
                target, note = fixed, "checksums corrected for dsniff"
        text = run(["dsniff", "-n", "-m", "-p", target])
    creds = []
    for b in dsniff_blocks(text):
        creds.extend(dsniff_creds(b))
    return creds, note


# ---- tshark ----------------------------------------------------------------

def maybe_b64(s):
    """tshark 4.0 reports the SMTP AUTH LOGIN user still base64-encoded."""
    try:
        d = base64.b64decode(s, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return s
    return d if d and d.isprintable() else s


def tshark_run(path):
    creds = []
    for line in run(["tshark", "-r", path, "-q", "-z", "credentials"]).splitlines():
        m = re.match(r"^(\d+)\s+(.+?)\s{2,}(.+?)\s*$", line)
        if not m:
            continue
        proto, rest = m.group(2), m.group(3)
        user = re.split(r"\s+Username in packet", rest)[0].strip()
        if canon(proto) == "smtp":
            user = maybe_b64(user)
        creds.append(Cred(proto, user))
    return creds, ""


# ---- edgeward --------------------------------------------------------------

def edgeward_run(path, binary):
    creds = []
    for line in run([binary, "-q", "--reveal-secrets", "-r", path]).splitlines():
        try:
            f = json.loads(line)
        except ValueError:
            continue
        kind = f.get("kind")
        if kind not in ("cleartext_credential", "weak_auth"):
            continue
        c = f[kind]
        pw = c.get("secret") if kind == "cleartext_credential" else None
        short = "clear" if kind == "cleartext_credential" else "weak"
        creds.append(Cred(c.get("protocol", "?"), c.get("user", ""), pw,
                          alt_users=(c.get("client_user", ""),),
                          note="%s/%s" % (short, c.get("outcome", "unknown"))))
    return creds, ""


# ---- comparison ------------------------------------------------------------

def matches(a, b):
    """Same canonical protocol, a common user (case-insensitive; rsh also
    by edgeward's client_user), and the same password when both have one."""
    if a.proto != b.proto or not (a.users() & b.users()):
        return False
    return a.password is None or b.password is None or a.password == b.password


def compare(path, results):
    """Rows: distinct tuples with a password first, then password-less ones
    that match no row.  Each row records which tools found it."""
    rows = []
    for tool in TOOLS:
        for c in results[tool][0]:
            if c.password is None:
                continue
            if not any(r["cred"].key() == c.key() for r in rows):
                rows.append({"cred": c, "by": {}})
    for tool in TOOLS:
        for c in results[tool][0]:
            if c.password is None and not any(matches(r["cred"], c) for r in rows):
                rows.append({"cred": c, "by": {}})
    for r in rows:
        for tool in TOOLS:
            hits = [c for c in results[tool][0] if matches(r["cred"], c)]
            if hits:
                r["by"][tool] = hits
    return rows


def cell(row, tool):
    hits = row["by"].get(tool)
    if not hits:
        return "-"
    if tool == "edgeward":
        return ",".join(sorted({h.note for h in hits}))
    return "yes"


def main(argv):
    binary = "./edgeward"
    caps = []
    discover = False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--edgeward":
            binary = argv[i + 1]
            i += 2
            continue
        if a == "--discover":
            discover = True
        else:
            caps.append((a, discover))
        i += 1
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    totals = {t: 0 for t in TOOLS}
    nrows = 0
    missed, only_ew = [], []
    shown = 0
    for path, disc in caps:
        results = {"dsniff": dsniff_run(path), "tshark": tshark_run(path),
                   "edgeward": edgeward_run(path, binary)}
        rows = compare(path, results)
        if disc and not rows:
            continue
        shown += 1
        name = os.path.relpath(path, top)
        notes = "; ".join(n for n in (results["dsniff"][1],) if n)
        print("== %s%s" % (name, "  (%s)" % notes if notes else ""))
        if not rows:
            print("   (no credential found by any tool)")
            continue
        print("   %-8s %-34s %-7s %-6s %-6s %s" % ("proto", "user", "secret",
              "dsniff", "tshark", "edgeward"))
        for r in rows:
            c = r["cred"]
            user = c.user if len(c.user) <= 34 else c.user[:31] + "..."
            sec = "len %d" % len(c.password) if c.password else ""
            print("   %-8s %-34s %-7s %-6s %-6s %s" % (c.proto, user or "(none)", sec,
                  cell(r, "dsniff"), cell(r, "tshark"), cell(r, "edgeward")))
            nrows += 1
            for t in TOOLS:
                totals[t] += t in r["by"]
            desc = "%s: %s %s%s" % (name, c.proto, user or "(no user)",
                                    " (" + sec + ")" if sec else "")
            if "edgeward" not in r["by"]:
                missed.append(desc)
            elif len(r["by"]) == 1:
                only_ew.append(desc)
    print()
    print("captures compared: %d, distinct credentials: %d" % (shown, nrows))
    for t in TOOLS:
        print("total %-9s %d of %d" % (t, totals[t], nrows))
    print()
    print("found by dsniff or tshark but not by edgeward: %d" % len(missed))
    for m in missed:
        print("   " + m)
    print("found only by edgeward: %d" % len(only_ew))
    for m in only_ew:
        print("   " + m)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
