# checks.sh - sourced by the script tests that count their own checks
# (`. "${srcdir:-.}/tests/checks.sh"`): top (the source tree), bin (the
# sensor), tmp (a scratch directory removed at exit; a script that traps
# EXIT itself removes it there), and ok/bad, which print one line a check
# and count them in pass and fail.
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=${EDGEWARD:-./edgeward}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }
