#!/bin/sh
# bench/compare_creds.sh - which credentials dsniff, tshark and edgeward
# find in the same captures.  Writes the table to stdout and to
# bench/compare_creds.txt.
#
# Usage: bench/compare_creds.sh           (from the top of a built tree)
# Environment: EDGEWARD (default ./edgeward), EDGEWARD_SHARED_PCAPS (default
# ../shared/pcaps).  Installs the Debian packages dsniff and tshark when
# missing (wireshark-common's "non-root capture" debconf question answered
# "no").
#
# Captures: pcaps/recorded/*.pcap, pcaps/crafted/*ftp*.pcap*, every file in
# the shared credentials/ folder, and any other shared capture in which one
# of the three tools finds a credential (read in place, never copied).
#
# The tools, as run:
#   dsniff -n -m -p FILE      (-p reads a pcap file; -r would read a dsniff
#                             savefile.  libnids drops packets whose
#                             checksums are wrong, which captures recorded
#                             with checksum offload have everywhere: for
#                             such a capture dsniff reads a temporary copy
#                             with recomputed checksums, noted on its line)
#   tshark -r FILE -q -z credentials   (user names only, no passwords)
#   edgeward -q --reveal-secrets -r FILE   (cleartext_credential and
#                             weak_auth findings; the secret is a password
#                             only for cleartext_credential)
#
# Normalisation to (protocol, user[, password]):
#   - protocol aliases: pop=pop3; "HTTP basic auth", http-basic, http-proxy,
#     http-form-post = http; rlogin, rexec = rsh; postgresql, postgres =
#     pgsql; mariadb = mysql; resp = redis; socks5 = socks.  edgeward's NTLM
#     findings keep their carrier (smb, dcerpc, http, ldap) as protocol.
#   - dsniff blocks: FTP/POP "USER x"/"PASS y"; POP "username [x] password
#     [y]"; HTTP "Authorization: Basic ... [x:y]"; IMAP "LOGIN x y" (quotes
#     removed); LDAP and Telnet: first line user, second password; SNMP: the
#     community with an empty user; SOCKS "x y"; rlogin "[a:b]": user b
#     (dsniff decodes rsh on 514 with the rlogin layout: there a is the
#     client port and b the client user, so it matches edgeward's
#     client_user); "(n) ..." lines are the Debian build's POP debug trace.
#   - tshark 4.0 prints SMTP AUTH LOGIN user names still base64-encoded:
#     an SMTP user name that decodes to printable UTF-8 is decoded.
#   - SNMP communities: empty user, the community is the password.
#     Redis: user "default" is the empty user (legacy AUTH password).
#
# Matching: same canonical protocol, user equal ignoring case (rsh: also
# edgeward's client_user), and the same password when both sides have one;
# a tuple without a password (tshark, edgeward weak_auth: NTLM, Kerberos,
# MySQL, PostgreSQL md5/SCRAM, anonymous logins) matches every tuple with
# that protocol and user.  A row is one distinct tuple; the edgeward column
# says kind/outcome.  Secrets are never printed, only their length.
# The last lists: rows found by dsniff or tshark but not by edgeward (the
# goal is none), and rows only edgeward found.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${EDGEWARD:-$top/edgeward}
shared=${EDGEWARD_SHARED_PCAPS:-$top/../shared/pcaps}

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
need_pkg() {	# need_pkg COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] && return 0
	echo "installing $2 (for $1)" >&2
	$SUDO apt-get update -qq
	if [ "$2" = tshark ]; then
		echo "wireshark-common wireshark-common/install-setuid boolean false" |
		    $SUDO debconf-set-selections
	fi
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$2" >/dev/null
}
need_pkg dsniff dsniff
need_pkg tshark tshark
PATH=$PATH:/usr/sbin
export PATH
[ -x "$bin" ] || { echo "compare_creds: no $bin: build first (./setup.sh)" >&2; exit 1; }

set -- "$top"/pcaps/recorded/*.pcap "$top"/pcaps/crafted/*ftp*.pcap*
if [ -d "$shared/credentials" ]; then
	set -- "$@" "$shared"/credentials/*
	# Other shared captures: kept only when a tool finds a credential.
	set -- "$@" --discover
	for f in "$shared"/*/*; do
		case "$f" in "$shared"/credentials/*|*.tsv) continue ;; esac
		set -- "$@" "$f"
	done
fi
cd "$top"
/usr/bin/python3 "$here/compare_creds.py" --edgeward "$bin" "$@" |
    tee "$here/compare_creds.txt"
