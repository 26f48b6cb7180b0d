#!/bin/sh
# rmm_catalogue.sh - every domain entry of the RMM catalogue finds its own
# tool through the sensor (tests/rmm_catalogue.py: one DNS query per entry,
# one client per query); prints the recall per tool.
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=${EDGEWARD:-./edgeward}
python3 "$top/tests/rmm_catalogue.py" "$bin" "$top/signatures/rmm_catalogue.txt"
