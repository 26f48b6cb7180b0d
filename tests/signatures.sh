#!/bin/sh
# signatures.sh - the signature files load, and a broken one is refused
# with FILE:LINE and a non-zero exit (at start and in --check-config);
# every file in signatures/ is installed (Makefile.am) and documented
# (edgeward.conf(5), SIGNATURES).  Reloading on SIGHUP is in live.sh.
set -u
srcdir=${srcdir:-.}
top=$(cd "$srcdir" && pwd)
bin=${EDGEWARD:-./edgeward}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

if "$bin" --check-config --set "signatures_dir=$top/signatures" \
    >"$tmp/out" 2>&1; then ok; else bad "the shipped signatures: $(cat "$tmp/out")"; fi

# broken FILE LINE-TEXT EXPECTED-MESSAGE-PART
broken() {
	rm -rf "$tmp/sig"
	cp -r "$top/signatures" "$tmp/sig"
	printf '%s\n' "$2" >>"$tmp/sig/$1"
	line=$(wc -l <"$tmp/sig/$1" | tr -d ' ')
	if "$bin" --check-config --set "signatures_dir=$tmp/sig" \
	    >"$tmp/out" 2>&1; then
		bad "$1: '$2' accepted"
	elif grep -q "$tmp/sig/$1:$line: .*$3" "$tmp/out" &&
	    [ "$(wc -l <"$tmp/out")" -eq 1 ]; then
		ok
	else
		bad "$1: '$2': $(cat "$tmp/out")"
	fi
	# the same at start: exit 2, nothing read
	"$bin" -q -r "$top/pcaps/crafted/eth_ftp.pcap" \
	    --set "signatures_dir=$tmp/sig" >"$tmp/f" 2>"$tmp/e"
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$tmp/f" ]; then ok; else bad "$1 at start: exit $rc"; fi
}
broken http_form_fields.txt "passwd" "expected"
broken http_form_fields.txt "secret pin" "expected 'user NAME'"
broken http_form_fields.txt "user a=b" "field name"
broken standard_ports.txt "NoSuchProto 22" "not a protocol nDPI knows"
broken standard_ports.txt "Telnet 23" "listed twice"
# edge devices and packet capture (issue 8)
broken edge_fingerprints.txt "ssh_banner router Cisco IOS 90" "expected"
broken edge_fingerprints.txt "ssh_bannr router Cisco IOS 90 SSH-*" "not an evidence name"
broken edge_fingerprints.txt "ssh_banner gateway Cisco IOS 90 SSH-*" "not a role"
broken edge_fingerprints.txt "ssh_banner router Cisco IOS 900 SSH-*" "not a confidence"
broken edge_fingerprints.txt "ssh_banner router X Y 9 {version}{version}" "{version} twice"
broken edge_mgmt_services.txt "tcp/70000 gopher T1021" "tcp/PORT"
broken edge_mgmt_services.txt "tcp/22 ssh2 T1021" "listed twice"
broken edge_mgmt_services.txt "tcp/2222 ssh X1021" "ATT&CK"
broken edge_egress.txt "permit udp/53 dns" "allow PROTO/PORT"
broken edge_redact.txt "{version}{version}" "{version} twice"
broken capture_magics.txt "pcap d4c3b2a" "bytes in hex"
broken capture_magics.txt "pcap name:*.pcap" "first token"
broken capture_magics.txt "pcap zz" "not hex"
broken capture_commands.txt "tcpdump" "expected"
broken edge_config_files.txt "{version}{version}" "{version} twice"
broken standard_ports.txt "SSH2 70000" "not a protocol"
broken standard_ports.txt "FTP_DATA 30-20" "not a port or a range"
broken rmm_catalogue.txt "rdp class vendor" "rmm or remote-desktop"
broken rmm_catalogue.txt "rdp mitre X1021" "ATT&CK"
broken rmm_catalogue.txt "nosuchtool domain x.example" "not declared"
broken rmm_catalogue.txt "Bad.Tool tool Bad" "a tool id is"
broken rmm_catalogue.txt "rdp ndpi NoSuchProto" "not a protocol nDPI knows"
broken rmm_catalogue.txt "rdp port tcp 3389 guess" "not a structural check"
broken rmm_catalogue.txt "rdp port tcp 0-3 rdp" "not a port or a range"
broken rmm_catalogue.txt "vnc domain *.anydesk.com" "listed twice"
broken rmm_catalogue.txt "vnc domain bad..name" "empty label"
broken rmm_catalogue.txt "anydesk tool AnyDesk again" "declared twice"
broken rmm_catalogue.txt "vnc frobnicate x" "the field is"
broken beacon_allowlist.txt "proto NoSuchProto" "not a protocol nDPI knows"
broken beacon_allowlist.txt "port udp 0" "not a port or a range"
broken beacon_allowlist.txt "frob x.example" "expected 'domain PATTERN'"
broken beacon_allowlist.txt "domain bad..name" "empty label"
broken beacon_allowlist.txt "label a.b" "a label is one word"

# rmm_allowed names catalogue tools (a typo would allow nothing)
if ! "$bin" --check-config --set "signatures_dir=$top/signatures" \
    --set rmm_allowed=anydsk >"$tmp/out" 2>&1 &&
    grep -q "rmm_allowed: 'anydsk' is not a tool id" "$tmp/out"; then ok; else
	bad "rmm_allowed typo: $(cat "$tmp/out")"; fi
if "$bin" --check-config --set "signatures_dir=$top/signatures" \
    --set rmm_allowed=AnyDesk,screenconnect:acme.screenconnect.com \
    >"$tmp/out" 2>&1; then ok; else bad "rmm_allowed: $(cat "$tmp/out")"; fi
broken dns_tunnel_tools.txt "iodine regex v.*" "the match is"
broken dns_tunnel_tools.txt "cs label0 api base64" "qualifier"
broken dns_tunnel_allow.txt "bad..name" "empty label"
broken doh_providers.txt "google" "expected"
broken icmp_tunnel_tools.txt "x 0 zz" "not hex"
broken icmp_tunnel_tools.txt "x 5000 00" "offset"
broken websocket_tunnels.txt "x header y" "subprotocol, path or host"
broken misplaced_ports.txt "NoSuchProto 53" "not a protocol nDPI knows"
broken misplaced_ports.txt "SSH 0" "not a port"
broken tunnel_services.txt "ngrok vpn .ngrok.io" "exposure or mesh"
broken tunnel_services.txt "ngrok mesh .ngrok.io" "two categories"
broken vpn_protocols.txt "NoSuchVPN" "not a protocol nDPI knows"
broken doh_providers.txt "google 10.0.0.0/33" "prefix length 33"

# a missing file
rm -rf "$tmp/sig"
cp -r "$top/signatures" "$tmp/sig"
rm "$tmp/sig/standard_ports.txt"
if ! "$bin" --check-config --set "signatures_dir=$tmp/sig" >"$tmp/out" 2>&1 &&
    grep -q "standard_ports.txt is missing" "$tmp/out"; then ok; else
	bad "missing file: $(cat "$tmp/out")"; fi
# a signatures_dir that does not exist
if ! "$bin" --check-config --set "signatures_dir=$tmp/nope" >"$tmp/out" 2>&1 &&
    grep -q "not a directory" "$tmp/out"; then ok; else
	bad "missing directory: $(cat "$tmp/out")"; fi

# installed and documented
for f in "$top"/signatures/*.txt; do
	n=$(basename "$f")
	grep -q "signatures/$n" "$top/Makefile.am" || bad "$n is not installed (Makefile.am)"
	grep -q "^\.It Pa $n" "$top/man/edgeward.conf.5" || bad "$n is not in edgeward.conf(5) SIGNATURES"
done
echo "signatures: $pass passed, $fail failed"
[ $fail -eq 0 ]
