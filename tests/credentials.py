#!/usr/bin/python3
"""
credentials.py - credential expectations checked against edgeward's
findings; run by tests/credentials.sh (recorded captures) and
tests/extended.sh (shared captures).

  credentials.py recorded EDGEWARD pcaps/recorded/CREDENTIALS.tsv
  credentials.py shared   EDGEWARD tests/shared_credentials.tsv SHARED_DIR

recorded: CREDENTIALS.tsv rows are file, protocol, user, password,
expected_outcome (free text).  Each row with a password needs its own
finding (one finding satisfies one row) from edgeward in default mode with:
  - protocol: the TSV name through PROTO_MAP (http-basic, http-form-post,
    http-proxy -> http; postgres -> pgsql); kind weak_auth when the text
    says "hash material" or "no recoverable secret", else
    cleartext_credential;
  - user: equal ignoring case; "-" is no user (SNMP); redis "default" is
    reported as such for the legacy "AUTH password" form too (with
    legacy_auth: true), so it needs no mapping;
  - outcome: from the text, first rule that applies: "outcome unknown" or
    "no answer" -> unknown; failure, rejected, or an HTTP 401/403/407 or
    FTP 530 code -> failure; success, answered, or a 2xx code -> success;
  - secret_length: the password's length (cleartext kinds only).
Rows whose file has neither user nor password are negative controls: no
cleartext_credential or weak_auth finding at all.  Protocols edgeward has
no dissector for are in KNOWN_GAPS: their rows print TODO, not FAIL.

shared: shared_credentials.tsv rows are file, protocol, user, kind,
outcome, todo.  A row passes when one finding has that kind, protocol and
user (ignoring case; "-" no user, "*" any) and outcome ("*" any).  Kind
"*" is either credential kind; "none" means no cleartext_credential or weak_auth finding at all.  A row
with a todo text is a known miss: TODO when it fails, a note when it
passes (the todo can go).
"""
import json
import os
import re
import subprocess
import sys

PROTO_MAP = {"http-basic": "http", "http-form-post": "http",
             "http-proxy": "http", "postgres": "pgsql", "socks5": "socks"}
WEAK_WORDS = ("hash material", "no recoverable secret", "mysql_native_password",
              "md5 auth", "scram")
KNOWN_GAPS = {}
CRED_KINDS = ("cleartext_credential", "weak_auth")


def findings(binary, path):
    # De-duplication off: each expected login must show as its own finding
    # (folding is tested by tests/test_correlate and the golden tests).
    out = subprocess.run([binary, "-q", "--set", "dedup_window=0", "-r", path],
                         stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL).stdout.decode()
    res = []
    for line in out.splitlines():
        f = json.loads(line)
        k = f["kind"]
        res.append({"kind": k, **f.get(k, {})})
    return res


def outcome_of(text):
    t = text.lower()
    if "outcome unknown" in t or "no answer" in t:
        return "unknown"
    if re.search(r"failure|rejected|\b(401|403|407|530)\b", t):
        return "failure"
    if re.search(r"success|answered|\b2\d\d\b", t):
        return "success"
    return None


def same_user(want, got):
    if want == "*":
        return True
    want = "" if want == "-" else want
    return want.lower() == (got or "").lower()


def recorded(binary, tsv):
    top = os.path.dirname(tsv)
    rows = [l.rstrip("\n").split("\t") for l in open(tsv)][1:]
    cache = {}
    npass = nfail = ntodo = 0
    for file, proto, user, password, text in rows:
        if file not in cache:
            cache[file] = findings(binary, os.path.join(top, file))
        got = cache[file]
        label = "%s %s %s" % (file, proto, user)
        if user == "-" and password == "-":
            creds = [f for f in got if f["kind"] in CRED_KINDS]
            if creds:
                print("FAIL %s: negative control gave %d credential findings"
                      % (label, len(creds)))
                nfail += 1
            else:
                npass += 1
            continue
        if password == "-":
            continue
        want_outcome = outcome_of(text)
        if want_outcome is None:
            print("FAIL %s: no outcome word in %r" % (label, text))
            nfail += 1
            continue
        weak = any(w in text.lower() for w in WEAK_WORDS)
        kind = "weak_auth" if weak else "cleartext_credential"
        ew_proto = PROTO_MAP.get(proto, proto)
        hit = None
        for f in got:
            if (f["kind"] == kind and f.get("protocol") == ew_proto and
                    same_user(user, f.get("user")) and
                    f.get("outcome") == want_outcome and
                    (weak or f.get("secret_length") == len(password)) and
                    not f.get("_used")):
                hit = f
                break
        if hit:
            hit["_used"] = True
            npass += 1
        elif proto in KNOWN_GAPS:
            print("TODO %s (%s): %s" % (label, want_outcome, KNOWN_GAPS[proto]))
            ntodo += 1
        else:
            print("FAIL %s: no %s %s finding with outcome %s%s" % (
                label, ew_proto, kind, want_outcome,
                "" if weak else " and secret_length %d" % len(password)))
            nfail += 1
    print("credentials: %d passed, %d failed, %d todo" % (npass, nfail, ntodo))
    return 1 if nfail else 0


def shared(binary, tsv, shared_dir):
    rows = [l.rstrip("\n").split("\t") for l in open(tsv)
            if l.strip() and not l.startswith("#")][1:]
    cache = {}
    npass = nfail = ntodo = 0
    for row in rows:
        file, proto, user, kind, outcome = row[:5]
        todo = row[5] if len(row) > 5 else ""
        path = os.path.join(shared_dir, file)
        if not os.path.exists(path):
            print("FAIL %s: missing capture" % file)
            nfail += 1
            continue
        if file not in cache:
            cache[file] = findings(binary, path)
        got = cache[file]
        if kind == "none":
            ok = not any(f["kind"] in CRED_KINDS for f in got)
        else:
            ok = any((f["kind"] == kind or
                      (kind == "*" and f["kind"] in CRED_KINDS)) and
                     (proto == "*" or f.get("protocol") == proto) and
                     same_user(user, f.get("user")) and
                     (outcome == "*" or f.get("outcome") == outcome)
                     for f in got)
        label = "%s %s %s %s %s" % (file, proto, user, kind, outcome)
        if ok:
            npass += 1
            if todo:
                print("note: %s now passes; its todo can go" % label)
        elif todo:
            print("TODO %s: %s" % (label, todo))
            ntodo += 1
        else:
            print("FAIL %s" % label)
            nfail += 1
    print("shared credentials: %d passed, %d failed, %d todo" % (npass, nfail, ntodo))
    return 1 if nfail else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "recorded":
        sys.exit(recorded(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 5 and sys.argv[1] == "shared":
        sys.exit(shared(sys.argv[2], sys.argv[3], sys.argv[4]))
    sys.exit("usage: credentials.py recorded EDGEWARD TSV | shared EDGEWARD TSV DIR")
