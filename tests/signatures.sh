#!/bin/sh
# signatures.sh - until signature files are loaded at run time, a dissector
# that carries a copy of one as a const table must carry the same names:
# signatures/http_form_fields.txt against dissectors/http.c's
# http_user_fields[] and http_pass_fields[].
set -u
top=$(cd "${srcdir:-.}" && pwd)
python3 - "$top/signatures/http_form_fields.txt" "$top/dissectors/http.c" <<'PY'
import re, sys
sig, src = sys.argv[1], open(sys.argv[2]).read()
want = {"user": set(), "password": set()}
for line in open(sig):
    line = line.strip()
    if line and not line.startswith("#"):
        kind, name = line.split(None, 1)
        want[kind].add(name)
def table(name):
    m = re.search(r"%s\[\] = \{(.*?)\};" % name, src, re.S)
    return set(re.findall(r'"([^"]*)"', m.group(1))) if m else None
have = {"user": table("http_user_fields"), "password": table("http_pass_fields")}
bad = 0
for kind in want:
    if have[kind] is None:
        print("signatures: %s table not found in http.c" % kind); bad = 1; continue
    for n in sorted(want[kind] - have[kind]):
        print("signatures: %s field %s is in the file, not in http.c" % (kind, n)); bad = 1
    for n in sorted(have[kind] - want[kind]):
        print("signatures: %s field %s is in http.c, not in the file" % (kind, n)); bad = 1
print("signatures: %d passed, %d failed" % (1 - bad, bad))
sys.exit(bad)
PY
