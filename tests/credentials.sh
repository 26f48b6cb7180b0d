#!/bin/sh
# credentials.sh - every login in pcaps/recorded/CREDENTIALS.tsv must come
# out of edgeward (default mode) as a finding with the right protocol,
# user, outcome and, for cleartext kinds, secret_length; the negative
# controls (dns, http_plain) must give no credential finding.  The mapping
# rules are in tests/credentials.py.
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=${EDGEWARD:-./edgeward}
python3 "$top/tests/credentials.py" recorded "$bin" \
    "$top/pcaps/recorded/CREDENTIALS.tsv"
