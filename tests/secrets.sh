#!/bin/sh
# secrets.sh - secret hygiene.  Runs every recorded credential capture in
# default mode and fails if any known password (pcaps/recorded/
# CREDENTIALS.tsv) appears in what edgeward wrote (stdout and stderr), in
# any encoding seen on the wire: plain, base64 (of the password and of
# "user:password" / "\0user\0password"), URL-encoded.  As a control, the same
# run with --reveal-secrets must show the passwords, so the test can fail.
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=${EDGEWARD:-./edgeward}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
checked=0
revealed=0

tail -n +2 "$top/pcaps/recorded/CREDENTIALS.tsv" | while IFS='	' read -r file proto user pass rest; do
	[ "$pass" = "-" ] && continue
	f="$top/pcaps/recorded/$file"
	"$bin" -r "$f" >"$tmp/out" 2>&1
	forms="$pass
$(printf '%s' "$pass" | base64)
$(printf '%s:%s' "$user" "$pass" | base64)
$(printf '\0%s\0%s' "$user" "$pass" | base64)
$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote_plus(sys.argv[1]))' "$pass")"
	echo "$forms" | while read -r form; do
		[ -n "$form" ] || continue
		if grep -qF -- "$form" "$tmp/out"; then
			echo "FAIL: $file: a form of the $proto password for $user leaked: $form"
			echo leak >>"$tmp/leaks"
		fi
	done
	echo x >>"$tmp/checked"
	"$bin" -q --reveal-secrets -r "$f" >"$tmp/rev" 2>&1
	grep -qF -- "\"secret\":\"$pass\"" "$tmp/rev" && echo x >>"$tmp/revealed"
done
checked=$(cat "$tmp/checked" 2>/dev/null | wc -l)
revealed=$(cat "$tmp/revealed" 2>/dev/null | wc -l)
[ -f "$tmp/leaks" ] && fail=1
if [ "$revealed" -eq 0 ]; then
	echo "FAIL: --reveal-secrets showed no password: the check cannot work"
	fail=1
fi
echo "secrets: $checked credentials checked, $revealed shown only when revealed"
[ $fail -eq 0 ] && echo "secrets: 1 passed, 0 failed" || echo "secrets: 0 passed, 1 failed"
exit $fail
