#!/bin/sh
# layers.sh - the three layers stay apart (DESIGN.md, detector.h):
#   sensor/      the engine; includes no header of dissectors/ or detectors/
#   dissectors/  protocol parsers; include sensor/ headers and their own
#                helpers, never a detector's
#   detectors/   policy; include sensor/ headers, never a dissector's
# and every detector is registered, built and listed:
#   each detectors/*.c but registry.c defines one `const struct detector`
#   or `const struct correlator`, named in detectors/registry.c, in
#   Makefile.am and by --list-detectors.
set -u
srcdir=${srcdir:-.}
top=$(cd "$srcdir" && pwd)
bin=${EDGEWARD:-./edgeward}
fail=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

headers() { for h in "$top/$1"/*.h; do [ -e "$h" ] && basename "$h"; done; }

# includes FILE -> the quoted header names it includes
includes() { sed -n 's/^#[ 	]*include[ 	]*"\([^"]*\)".*/\1/p' "$1"; }

check_dir() {	# DIR FORBIDDEN-DIR...
	dir=$1
	shift
	for f in "$top/$dir"/*.[ch]; do
		[ -e "$f" ] || continue
		for inc in $(includes "$f"); do
			for other in "$@"; do
				if headers "$other" | grep -qx "$inc"; then
					bad "$dir/$(basename "$f") includes $other/$inc"
				fi
			done
		done
	done
}
check_dir sensor dissectors detectors
check_dir dissectors detectors
check_dir detectors dissectors

n=0
for f in "$top"/detectors/*.c; do
	base=$(basename "$f" .c)
	[ "$base" = registry ] && continue
	n=$((n + 1))
	sym=$(sed -n 's/^const struct \(detector\|correlator\) \([a-z0-9_]*\) = {.*/\2/p' "$f")
	[ -n "$sym" ] || { bad "detectors/$base.c defines no const struct detector or correlator"; continue; }
	grep -q "&${sym}," "$top/detectors/registry.c" ||
	    bad "$sym is not in detectors/registry.c"
	grep -q "detectors/$base.c" "$top/Makefile.am" ||
	    bad "detectors/$base.c is not in Makefile.am"
	lname=$(sed -n "/^const struct [a-z]* $sym = {/,/^};/s/^[ 	]*\.name = \"\([^\"]*\)\".*/\1/p" "$f")
	"$bin" --list-detectors | grep -q "^$lname " ||
	    bad "--list-detectors does not list $lname"
done
[ "$n" -gt 0 ] || bad "no detectors found"
echo "layers: $n detectors, $fail problems"
[ $fail -eq 0 ]
