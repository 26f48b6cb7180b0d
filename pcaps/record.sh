#!/bin/bash
# pcaps/record.sh - record real Debian clients and servers logging in, for
# golden tests of the credential dissectors.
#
# Two network namespaces joined by a veth pair, nothing else: ew-cli
# (10.99.0.1) runs the clients, ew-srv (10.99.0.2) the servers.  Neither has a
# route anywhere else, so no packet can leave the pair.  tcpdump runs in
# ew-srv on the veth and writes pcaps/recorded/<proto>.pcap; each protocol
# runs its server from a private configuration under a scratch directory,
# records a few short sessions with fixed test users and passwords, and stops
# it.  CREDENTIALS.tsv lists every session: file, protocol, user, password,
# expected outcome.
#
# Usage: pcaps/record.sh [PROTO...]     (as root; default: all of them)
#   PROTO: ftp http telnet pop3 imap smtp snmp ldap redis postgres mariadb
#          socks5 tinyproxy dns rmm vnc rdp beacon handoff edge capture
#          ssh_tunnels iodine dns2tcp ptunnel ping connect vxlan (tunnels)
#   edge (rec_edge, issue 8): ew-srv is an edge device, ew-cli a workstation
#   (10.99.0.1) and, with a second address, the admin host (10.99.0.3).
#   capture (rec_capture, issue 8): captures leaving ew-srv (tcpdump | nc,
#   FTP, TFTP, HTTP upload, SMB) and an ordinary file with a pcap header
#   inside.
# Re-runnable: leftovers of an earlier run (namespaces, our processes in
# them) are removed first, packages are installed only when missing, and a
# run for some protocols keeps the CREDENTIALS.tsv lines of the others.
#
# Local accounts created (password reset on every run): ewftp, ewtelnet,
# ewsocks.  They exist because vsftpd, login(1) and dante authenticate
# against the system password database.

set -u
umask 022

here=$(cd "$(dirname "$0")" && pwd)
out=$here/recorded
ALL_PROTOS="ftp http telnet pop3 imap smtp snmp ldap redis postgres mariadb socks5 tinyproxy dns rmm vnc rdp beacon handoff edge capture"
# tunnels (issue 9)
ALL_PROTOS="$ALL_PROTOS ssh_tunnels iodine dns2tcp ptunnel ping connect vxlan"
NS_C=ew-cli NS_S=ew-srv
IF_C=ewc0 IF_S=ews0
CLI=10.99.0.1 SRV=10.99.0.2
state=/tmp/edgeward-record
mkdir -p "$out"

log() { printf '[record] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (namespaces, servers, tcpdump)"

# ------------------------------------------------------------ packages

PKGS="tcpdump iproute2 curl lftp vsftpd nginx-light apache2-utils
inetutils-telnetd inetutils-inetd dovecot-pop3d dovecot-imapd dovecot-core
postfix snmpd snmp slapd ldap-utils redis-server redis-tools postgresql
postgresql-client mariadb-server mariadb-client dante-server tinyproxy
dnsmasq-base bind9-dnsutils python3 openssl iputils-ping tightvncserver xfonts-base xrdp openssh-server openssh-client
sshpass netcat-openbsd tftpd-hpa samba smbclient"
# tunnels (issue 9)
PKGS="$PKGS expect iodine dns2tcp ptunnel-ng"

install_missing() {
	local p missing=()
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		    missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	apt-get update -q >/dev/null
	# No prompts (postfix, slapd), and no daemons started in the host
	# namespace by maintainer scripts where policy-rc.d allows it.
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    "${missing[@]}" >/dev/null || die "apt-get install failed"
}

# ---------------------------------------------------- namespaces, processes

in_srv() { ip netns exec "$NS_S" "$@"; }
in_cli() { ip netns exec "$NS_C" "$@"; }

# Kill only what we started: the pids recorded in $state/pids, then whatever
# still runs inside our own two namespaces (daemons that forked).
kill_ours() {
	local pid ns
	if [ -f "$state/pids" ]; then
		while read -r pid; do
			kill "$pid" 2>/dev/null
		done <"$state/pids"
		: >"$state/pids"
	fi
	for ns in "$NS_S" "$NS_C"; do
		ip netns list | grep -qw "$ns" || continue
		for pid in $(ip netns pids "$ns"); do
			kill "$pid" 2>/dev/null
		done
	done
	sleep 0.5
	for ns in "$NS_S" "$NS_C"; do
		ip netns list | grep -qw "$ns" || continue
		for pid in $(ip netns pids "$ns"); do
			kill -9 "$pid" 2>/dev/null
		done
	done
}

net_down() {
	kill_ours
	ip netns del "$NS_S" 2>/dev/null
	ip netns del "$NS_C" 2>/dev/null
	return 0
}

net_up() {
	net_down
	ip netns add "$NS_C" || die "ip netns add"
	ip netns add "$NS_S" || die "ip netns add"
	ip link add "$IF_C" netns "$NS_C" type veth peer name "$IF_S" netns "$NS_S" ||
	    die "veth"
	local ns ifn addr
	for ns in "$NS_C:$IF_C:$CLI" "$NS_S:$IF_S:$SRV"; do
		IFS=: read -r ns ifn addr <<<"$ns"
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link set lo up
		ip -n "$ns" addr add "$addr/24" dev "$ifn"
		ip -n "$ns" link set "$ifn" up
	done
	# Make sure nothing routes beyond 10.99.0.0/24.
	[ -z "$(ip -n "$NS_C" route show default)" ] || die "unexpected default route"
	in_cli ping -c1 -W2 "$SRV" >/dev/null || die "veth pair does not pass traffic"
}

# bg NAME CMD...: start CMD in the server namespace, in the background.
bg() {
	local name=$1
	shift
	ip netns exec "$NS_S" "$@" >>"$state/$name.log" 2>&1 &
	echo $! >>"$state/pids"
}

# wait_listen tcp|udp PORT: until a socket listens in the server namespace
# (looked up with ss, so the check itself sends no packet).
wait_listen() {
	local flag=-Hltn
	[ "$1" = udp ] && flag=-Hlun
	for _ in $(seq 100); do
		[ -n "$(in_srv ss $flag "sport = :$2")" ] && return 0
		sleep 0.1
	done
	log "nothing listens on $1/$2"
	return 1
}

# capture NAME [FILTER|SNAPLEN] / capture_stop: tcpdump on the server's
# veth, client traffic only: FILTER another tcpdump filter, or (a number)
# SNAPLEN bytes of each packet; whole packets by default.
capture() {
	local filter="host $CLI and host $SRV" snap=0

	case "${2:-}" in
	'') ;;
	*[!0-9]*) filter=$2 ;;
	*) snap=$2 ;;
	esac
	cap_file=$state/cap/$1.pcap
	mkdir -p "$state/cap"
	rm -f "$cap_file" "$state/tcpdump.err"
	ip netns exec "$NS_S" tcpdump -i "$IF_S" --immediate-mode -U -s "$snap" \
	    -w "$cap_file" "$filter" 2>"$state/tcpdump.err" &
	cap_pid=$!
	echo "$cap_pid" >>"$state/pids"

	for _ in $(seq 50); do
		grep -q "listening on" "$state/tcpdump.err" 2>/dev/null && return 0
		sleep 0.1
	done
	log "tcpdump did not start: $(cat "$state/tcpdump.err")"
	return 1
}

capture_stop() {
	sleep 0.5	# let the last FIN/ACKs arrive
	kill -INT "$cap_pid" 2>/dev/null
	wait "$cap_pid" 2>/dev/null
}

# expect_in_pcap FILE STRING...: each string is in the packet payloads.
expect_in_pcap() {
	local f=$1 s
	shift
	for s in "$@"; do
		if ! tcpdump -nn -r "$f" -A 2>/dev/null | grep -qF -- "$s"; then
			log "$(basename "$f"): '$s' not found in the capture"
			return 1
		fi
	done
}

# cred FILE PROTO USER PASSWORD OUTCOME: one line for CREDENTIALS.tsv.
cred() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$state/creds.cur"; }

# ensure_user NAME PASSWORD: a local account with a fixed password.
ensure_user() {
	id "$1" >/dev/null 2>&1 || useradd -m -s /bin/bash "$1"
	echo "$1:$2" | chpasswd
}

# -------------------------------------------------------------- protocols
# Each rec_<proto> runs in a subshell with set -e; it returns non-zero (or
# exits) when something did not work, and the summary says so.

# vsftpd_start YES|NO: vsftpd on the server for ewftp, writes allowed or not.
vsftpd_start() {
	mkdir -p "$state/ftp/empty"
	cat >"$state/ftp/vsftpd.conf" <<-EOF
	listen=YES
	listen_ipv6=NO
	listen_address=$SRV
	background=NO
	anonymous_enable=NO
	local_enable=YES
	write_enable=$1
	pam_service_name=vsftpd
	secure_chroot_dir=$state/ftp/empty
	seccomp_sandbox=NO
	pasv_enable=YES
	pasv_min_port=40000
	pasv_max_port=40010
	ftpd_banner=edgeward test FTP
	EOF
	bg vsftpd vsftpd "$state/ftp/vsftpd.conf"
	wait_listen tcp 21
}

rec_ftp() {
	ensure_user ewftp ftp-Secret-1
	echo "edgeward test file" >/home/ewftp/readme.txt
	vsftpd_start NO
	capture ftp
	in_cli curl -sS --max-time 10 -u ewftp:ftp-Secret-1 "ftp://$SRV/readme.txt" >/dev/null
	in_cli curl -sS --max-time 10 -u ewftp:wrong-Secret-9 "ftp://$SRV/" >/dev/null 2>&1 || true
	capture_stop
	expect_in_pcap "$cap_file" "PASS ftp-Secret-1" "230 " "PASS wrong-Secret-9" "530 "
	cred ftp.pcap ftp ewftp ftp-Secret-1 "login success (230), RETR readme.txt"
	cred ftp.pcap ftp ewftp wrong-Secret-9 "login failure (530)"
}

nginx_start() {
	mkdir -p "$state/nginx/tmp" "$state/nginx/www/basic"
	echo "hello from edgeward test nginx" >"$state/nginx/www/index.html"
	echo "secret area" >"$state/nginx/www/basic/index.html"
	htpasswd -bc "$state/nginx/htpasswd" ewhttp http-Secret-1 2>/dev/null
	chmod 644 "$state/nginx/htpasswd"
	chmod 755 "$state" "$state/nginx" "$state/nginx/www"
	cat >"$state/nginx/nginx.conf" <<-EOF
	daemon off;
	worker_processes 1;
	pid $state/nginx/nginx.pid;
	error_log $state/nginx/error.log;
	events { worker_connections 64; }
	http {
	    access_log off;
	    client_body_temp_path $state/nginx/tmp/body;
	    proxy_temp_path $state/nginx/tmp/proxy;
	    fastcgi_temp_path $state/nginx/tmp/fastcgi;
	    uwsgi_temp_path $state/nginx/tmp/uwsgi;
	    scgi_temp_path $state/nginx/tmp/scgi;
	    server {
	        listen $SRV:80;
	        server_name www.example.test;
	        root $state/nginx/www;
	        location /basic/ {
	            auth_basic "edgeward test";
	            auth_basic_user_file $state/nginx/htpasswd;
	        }
	        location = /login {
	            # A form login stand-in: the request body is the point.
	            return 302 /welcome;
	        }
	    }
	}
	EOF
	bg nginx nginx -c "$state/nginx/nginx.conf"
	wait_listen tcp 80
}

rec_http() {
	nginx_start
	capture http_basic
	in_cli curl -sS --max-time 10 -o /dev/null -u ewhttp:http-Secret-1 "http://$SRV/basic/"
	in_cli curl -sS --max-time 10 -o /dev/null -u ewhttp:wrong-Secret-9 "http://$SRV/basic/"
	capture_stop
	expect_in_pcap "$cap_file" "Authorization: Basic ZXdodHRwOmh0dHAtU2VjcmV0LTE=" \
	    "HTTP/1.1 200" "HTTP/1.1 401"
	cred http_basic.pcap http-basic ewhttp http-Secret-1 "HTTP 200"
	cred http_basic.pcap http-basic ewhttp wrong-Secret-9 "HTTP 401"

	capture http_form
	in_cli curl -sS --max-time 10 -o /dev/null \
	    -d 'username=ewform&password=form-Secret-1' "http://$SRV/login"
	capture_stop
	expect_in_pcap "$cap_file" "username=ewform&password=form-Secret-1" "HTTP/1.1 302"
	cred http_form.pcap http-form-post ewform form-Secret-1 \
	    "POST /login form fields username/password, server answers 302 (no validation: outcome unknown)"

	capture http_plain
	in_cli curl -sS --max-time 10 -o /dev/null "http://$SRV/index.html"
	capture_stop
	expect_in_pcap "$cap_file" "GET /index.html" "HTTP/1.1 200"
	cred http_plain.pcap http - - "negative control: plain GET 200, no credential"
}

rec_telnet() {
	ensure_user ewtelnet telnet-Secret-1
	echo "telnet stream tcp nowait root /usr/sbin/telnetd telnetd" >"$state/inetd.conf"
	bg inetd /usr/sbin/inetutils-inetd -d -p "$state/inetd.pid" "$state/inetd.conf"
	wait_listen tcp 23
	cat >"$state/telnet.py" <<-'EOF'
	import sys, warnings
	warnings.simplefilter("ignore")
	import telnetlib
	host, user, pw, ok = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "ok"
	t = telnetlib.Telnet(host, 23, timeout=15)
	t.read_until(b"login: ", 15)
	t.write(user.encode() + b"\r\n")
	t.read_until(b"assword:", 15)
	t.write(pw.encode() + b"\r\n")
	if ok:
	    t.read_until(b"$ ", 15)
	    t.write(b"id; exit\r\n")
	    t.read_all()
	else:
	    out = t.read_until(b"login: ", 15)
	    sys.exit(0 if b"incorrect" in out else 1)
	EOF
	capture telnet
	in_cli /usr/bin/python3 "$state/telnet.py" "$SRV" ewtelnet telnet-Secret-1 ok
	in_cli /usr/bin/python3 "$state/telnet.py" "$SRV" ewtelnet wrong-Secret-9 fail
	capture_stop
	expect_in_pcap "$cap_file" "uid=" "Login incorrect"
	cred telnet.pcap telnet ewtelnet telnet-Secret-1 "login success (shell prompt, id output)"
	cred telnet.pcap telnet ewtelnet wrong-Secret-9 "login failure (Login incorrect)"
}

dovecot_start() {
	mkdir -p "$state/dovecot/run" "$state/dovecot/mail"
	chmod 755 "$state/dovecot"
	# passwd-file: user:{scheme}password:uid:gid::home
	echo "ewmail:{PLAIN}mail-Secret-1:::::" >"$state/dovecot/users"
	cat >"$state/dovecot/dovecot.conf" <<-EOF
	protocols = pop3 imap
	listen = $SRV
	base_dir = $state/dovecot/run
	log_path = $state/dovecot/dovecot.log
	ssl = no
	disable_plaintext_auth = no
	auth_mechanisms = plain login
	auth_failure_delay = 0
	mail_location = maildir:$state/dovecot/mail/%u
	mail_uid = dovecot
	mail_gid = dovecot
	first_valid_uid = 1
	passdb {
	  driver = passwd-file
	  args = $state/dovecot/users
	}
	userdb {
	  driver = static
	  args = uid=dovecot gid=dovecot home=$state/dovecot/mail/%u
	}
	service auth {
	  unix_listener auth-client {
	    mode = 0666
	  }
	}
	EOF
	chown -R dovecot:dovecot "$state/dovecot/mail"
	bg dovecot dovecot -F -c "$state/dovecot/dovecot.conf"
	wait_listen tcp 110
	wait_listen tcp 143
}

# mail_sessions PROTO: SASL PLAIN and SASL LOGIN with curl, then the
# protocol's own cleartext login, POP3 USER/PASS or IMAP LOGIN, right and
# wrong password, with python3's poplib/imaplib (curl 7.88 only uses those
# commands with servers that offer no SASL at all).
mail_sessions() {
	local auth pw
	for auth in PLAIN LOGIN; do
		in_cli curl -sS --max-time 10 --login-options "AUTH=$auth" \
		    -u ewmail:mail-Secret-1 "$1://$SRV/" >/dev/null
	done
	for pw in mail-Secret-1 wrong-Secret-9; do
		in_cli /usr/bin/python3 - "$1" "$SRV" "$pw" <<-'EOF'
		import imaplib, poplib, sys
		proto, host, pw = sys.argv[1:4]
		if proto == "pop3":
		    p = poplib.POP3(host, 110, timeout=10)
		    p.user("ewmail")
		    try:
		        p.pass_(pw)
		        p.stat()
		    except poplib.error_proto:
		        pass
		    p.quit()
		else:
		    m = imaplib.IMAP4(host, 143, timeout=10)
		    try:
		        m.login("ewmail", pw)
		        m.select("INBOX")
		    except imaplib.IMAP4.error:
		        pass
		    m.logout()
		EOF
	done
}

rec_pop3() {
	dovecot_start
	capture pop3
	mail_sessions pop3
	capture_stop
	expect_in_pcap "$cap_file" "AUTH PLAIN" "AUTH LOGIN" "PASS mail-Secret-1" \
	    "PASS wrong-Secret-9" "-ERR"
	cred pop3.pcap pop3 ewmail mail-Secret-1 "AUTH PLAIN success (+OK)"
	cred pop3.pcap pop3 ewmail mail-Secret-1 "AUTH LOGIN success (+OK)"
	cred pop3.pcap pop3 ewmail mail-Secret-1 "USER/PASS success (+OK)"
	cred pop3.pcap pop3 ewmail wrong-Secret-9 "USER/PASS failure (-ERR)"
}

rec_imap() {
	dovecot_start
	capture imap
	mail_sessions imap
	capture_stop
	expect_in_pcap "$cap_file" "AUTHENTICATE PLAIN" "AUTHENTICATE LOGIN" \
	    "LOGIN ewmail \"mail-Secret-1\"" "LOGIN ewmail \"wrong-Secret-9\"" \
	    "NO [AUTHENTICATIONFAILED]"
	cred imap.pcap imap ewmail mail-Secret-1 "AUTHENTICATE PLAIN success (OK)"
	cred imap.pcap imap ewmail mail-Secret-1 "AUTHENTICATE LOGIN success (OK)"
	cred imap.pcap imap ewmail mail-Secret-1 "LOGIN success (OK)"
	cred imap.pcap imap ewmail wrong-Secret-9 "LOGIN failure (NO [AUTHENTICATIONFAILED])"
}

rec_smtp() {
	dovecot_start
	# Postfix from a private config directory and queue, no chroot, SASL
	# through dovecot's auth socket; it accepts mail for nobody.
	local pf=$state/postfix
	rm -rf "$pf"
	mkdir -p "$pf/etc" "$pf/spool" "$pf/data"
	chown postfix:postfix "$pf/data"
	cp /etc/postfix/master.cf "$pf/etc/master.cf"
	sed -i -E 's/^(smtp +inet +n +- +)[yn-]( +)/\1n\2/' "$pf/etc/master.cf"
	sed -i -E 's/^([a-z]+ +unix +[-n] +- +)[yn-]( +)/\1n\2/' "$pf/etc/master.cf"
	cat >"$pf/etc/main.cf" <<-EOF
	compatibility_level = 3.6
	queue_directory = $pf/spool
	data_directory = $pf/data
	myhostname = mail.example.test
	mydomain = example.test
	mydestination =
	inet_interfaces = $SRV
	inet_protocols = ipv4
	mynetworks = 127.0.0.0/8
	smtpd_banner = \$myhostname ESMTP edgeward test
	smtpd_tls_security_level = none
	smtpd_sasl_auth_enable = yes
	smtpd_sasl_type = dovecot
	smtpd_sasl_path = $state/dovecot/run/auth-client
	smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
	smtpd_recipient_restrictions = permit_sasl_authenticated, reject
	maillog_file = $pf/postfix.log
	maillog_file_prefixes = $pf
	# Never try to deliver anywhere: no DNS, no relay.
	default_transport = error:edgeward test sink
	relay_transport = error:edgeward test sink
	smtp_dns_support_level = disabled
	alias_maps =
	alias_database =
	EOF
	# postfix reports fatal errors on a terminal or to syslog only: script(1)
	# provides the terminal so the reason lands in our log.
	in_srv script -qec "postfix -c $pf/etc start" /dev/null >>"$state/postfix.log" 2>&1
	wait_listen tcp 25
	capture smtp
	printf 'Subject: edgeward test\r\n\r\nhello\r\n' >"$state/mail.txt"
	in_cli curl -sS --max-time 15 --login-options 'AUTH=PLAIN' \
	    -u ewmail:mail-Secret-1 --mail-from ewmail@example.test \
	    --mail-rcpt nobody@example.net -T "$state/mail.txt" "smtp://$SRV/" || true
	in_cli curl -sS --max-time 15 --login-options 'AUTH=LOGIN' \
	    -u ewmail:mail-Secret-1 --mail-from ewmail@example.test \
	    --mail-rcpt nobody@example.net -T "$state/mail.txt" "smtp://$SRV/" || true
	in_cli curl -sS --max-time 15 --login-options 'AUTH=PLAIN' \
	    -u ewmail:wrong-Secret-9 --mail-from ewmail@example.test \
	    --mail-rcpt nobody@example.net -T "$state/mail.txt" "smtp://$SRV/" 2>/dev/null || true
	capture_stop
	in_srv script -qec "postfix -c $pf/etc stop" /dev/null >>"$state/postfix.log" 2>&1 || true
	expect_in_pcap "$cap_file" "AUTH PLAIN" "AUTH LOGIN" "235 " "535 "
	cred smtp.pcap smtp ewmail mail-Secret-1 "AUTH PLAIN success (235)"
	cred smtp.pcap smtp ewmail mail-Secret-1 "AUTH LOGIN success (235)"
	cred smtp.pcap smtp ewmail wrong-Secret-9 "AUTH PLAIN failure (535)"
}

rec_snmp() {
	cat >"$state/snmpd.conf" <<-EOF
	agentAddress udp:$SRV:161
	rocommunity public 10.99.0.0/24
	rwcommunity private 10.99.0.0/24
	rocommunity ew-Community-7 10.99.0.0/24
	sysLocation edgeward test lab
	EOF
	bg snmpd snmpd -f -Lo -C -c "$state/snmpd.conf" -p "$state/snmpd.pid"
	wait_listen udp 161
	local sysdescr=1.3.6.1.2.1.1.1.0 syscontact=1.3.6.1.2.1.1.4.0
	capture snmp
	in_cli snmpget -v2c -c public -t 2 -r 0 "$SRV" "$sysdescr" >/dev/null
	in_cli snmpset -v2c -c private -t 2 -r 0 "$SRV" "$syscontact" s "noc@example.test" >/dev/null
	in_cli snmpget -v1 -c ew-Community-7 -t 2 -r 0 "$SRV" "$syscontact" >/dev/null
	in_cli snmpget -v2c -c wrong-Community-9 -t 1 -r 0 "$SRV" "$sysdescr" >/dev/null 2>&1 || true
	capture_stop
	expect_in_pcap "$cap_file" public private ew-Community-7 wrong-Community-9 "noc@example.test"
	cred snmp.pcap snmp - public "v2c get sysDescr.0, answered"
	cred snmp.pcap snmp - private "v2c set sysContact.0, answered (write community)"
	cred snmp.pcap snmp - ew-Community-7 "v1 get sysContact.0, answered"
	cred snmp.pcap snmp - wrong-Community-9 "v2c get, no answer (unknown community)"
}

# ------------------------------------------------ edge devices (issue 8)
# ew-srv (10.99.0.2) plays an edge device; ew-cli is a workstation
# (10.99.0.1) and, with a second address, the admin host (ADM, 10.99.0.3).
# Captures: edge_ssh, edge_telnet, edge_snmp, edge_http, edge_egress
# (tests/golden/TESTLIST says which are inventoried and who is admin).
ADM=10.99.0.3
EDGE_NET="net 10.99.0.0/24 and not arp"

edge_admin_up() {
	ip -n "$NS_C" addr add "$ADM/24" dev "$IF_C" 2>/dev/null || true
}

# edge_sshd NS ADDR: an OpenSSH server of our own (password logins).
edge_sshd() {
	local ns=$1 addr=$2 d=$state/sshd-$1
	mkdir -p "$d" /run/sshd
	[ -f "$d/key" ] || ssh-keygen -q -t ed25519 -N '' -f "$d/key"
	cat >"$d/sshd_config" <<-EOF
	ListenAddress $addr:22
	HostKey $d/key
	PidFile $d/pid
	PasswordAuthentication yes
	KbdInteractiveAuthentication no
	UsePAM yes
	AllowUsers ewedge
	EOF
	ip netns exec "$ns" /usr/sbin/sshd -D -f "$d/sshd_config" -E "$d/log" &
	echo $! >>"$state/pids"
	for _ in $(seq 50); do
		[ -n "$(ip netns exec "$ns" ss -Hltn "sport = :22")" ] && return 0
		sleep 0.1
	done
	return 1
}

edge_ssh_to() {	# NS SRC DEST COMMAND
	ip netns exec "$1" sshpass -p edge-Secret-1 ssh -q -b "$2" \
	    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	    -o PubkeyAuthentication=no -o ConnectTimeout=5 "ewedge@$3" "$4"
}

rec_edge() {
	ensure_user ewedge edge-Secret-1
	ensure_user ewtelnet telnet-Secret-1
	edge_admin_up

	# SSH into the device from the workstation and from the admin host.
	edge_sshd "$NS_S" "$SRV"
	capture edge_ssh "$EDGE_NET"
	edge_ssh_to "$NS_C" "$CLI" "$SRV" "uname -a" >/dev/null
	edge_ssh_to "$NS_C" "$ADM" "$SRV" "uname -a" >/dev/null
	capture_stop

	# Telnet: the workstation logs in and types device-like commands,
	# one with a secret and one capture; the admin host logs in too.
	echo "telnet stream tcp nowait root /usr/sbin/telnetd telnetd" >"$state/inetd.conf"
	bg inetd /usr/sbin/inetutils-inetd -d -p "$state/inetd.pid" "$state/inetd.conf"
	wait_listen tcp 23
	cat >"$state/edge_telnet.py" <<-'EOF'
	import socket, sys, warnings
	warnings.simplefilter("ignore")
	import telnetlib
	src, host = sys.argv[1], sys.argv[2]
	t = telnetlib.Telnet()
	t.sock = socket.create_connection((host, 23), 15, source_address=(src, 0))
	t.host, t.port = host, 23
	t.read_until(b"login: ", 15)
	t.write(b"ewtelnet\r\n")
	t.read_until(b"assword:", 15)
	t.write(b"telnet-Secret-1\r\n")
	t.read_until(b"$ ", 15)
	for cmd in sys.argv[3:]:
	    t.write(cmd.encode() + b"\r\n")
	    t.read_until(b"$ ", 15)
	t.write(b"exit\r\n")
	t.read_all()
	EOF
	capture edge_telnet "$EDGE_NET"
	in_cli /usr/bin/python3 "$state/edge_telnet.py" "$CLI" "$SRV" \
	    "show running-config" "snmp-server community s3cret-Comm RO" \
	    "tcpdump -i any -w /tmp/edge.pcap" "id"
	in_cli /usr/bin/python3 "$state/edge_telnet.py" "$ADM" "$SRV" "id"
	capture_stop
	expect_in_pcap "$cap_file" "uid=" "s3cret-Comm"

	# SNMP: reads from the workstation and the admin host, a SET from
	# the admin host (always reported).
	cat >"$state/snmpd-edge.conf" <<-EOF
	agentAddress udp:$SRV:161
	rocommunity public 10.99.0.0/24
	rwcommunity private 10.99.0.0/24
	sysDescr Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE11, RELEASE SOFTWARE (fc3)
	EOF
	bg snmpd-edge snmpd -f -Lo -C -c "$state/snmpd-edge.conf" -p "$state/snmpd-edge.pid"
	wait_listen udp 161
	capture edge_snmp "$EDGE_NET"
	in_cli snmpget -v2c -c public -t 2 -r 0 "$SRV" 1.3.6.1.2.1.1.1.0 >/dev/null
	in_cli snmpget --clientaddr="$ADM" -v2c -c public -t 2 -r 0 "$SRV" 1.3.6.1.2.1.1.5.0 >/dev/null
	in_cli snmpset --clientaddr="$ADM" -v2c -c private -t 2 -r 0 "$SRV" \
	    1.3.6.1.2.1.1.4.0 s "noc@example.test" >/dev/null
	capture_stop
	expect_in_pcap "$cap_file" "C2960" "noc@example.test"

	# HTTP: the device serves an SSL VPN portal's login path (found and
	# learned from it), fetched by the workstation and the admin host.
	nginx_start
	mkdir -p "$state/nginx/www/remote"
	echo "<html><title>login</title></html>" >"$state/nginx/www/remote/login"
	chmod -R a+rX "$state/nginx/www"
	capture edge_http "$EDGE_NET"
	in_cli curl -sS --max-time 10 -o /dev/null "http://$SRV/remote/login?lang=en"
	in_cli curl -sS --max-time 10 --interface "$ADM" -o /dev/null "http://$SRV/remote/login"
	capture_stop
	expect_in_pcap "$cap_file" "GET /remote/login" "HTTP/1.1 200"

	# HTTPS: the device's admin UI with a FortiGate-like certificate
	# (TLS 1.2, so the certificate is in clear), fetched by the
	# workstation: found from the certificate subject and learned.
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -keyout "$state/ui.key" \
	    -out "$state/ui.crt" -subj "/C=US/O=Fortinet/CN=FGT60FTK2209XXXX" \
	    2>/dev/null
	ip netns exec "$NS_S" openssl s_server -quiet -accept "$SRV:443" \
	    -cert "$state/ui.crt" -key "$state/ui.key" -www \
	    >>"$state/s_server.log" 2>&1 &
	echo $! >>"$state/pids"
	wait_listen tcp 443
	capture edge_https "$EDGE_NET"
	in_cli curl -sSk --tls-max 1.2 --max-time 10 -o /dev/null "https://$SRV/"
	capture_stop

	# Out of the device: it opens SSH to the workstation.
	edge_sshd "$NS_C" "$CLI"
	capture edge_egress "$EDGE_NET"
	edge_ssh_to "$NS_S" "$SRV" "$CLI" "uname -a" >/dev/null
	capture_stop
}

# capture: captures leaving the device (ew-srv): tcpdump piped to nc, a
# pcapng fetched over FTP and TFTP, one uploaded over HTTP; and a pcap
# header inside an ordinary file sent the same ways (no finding).
rec_capture() {
	local d=$state/capture
	ensure_user ewftp ftp-Secret-1
	mkdir -p "$d/tftp"
	chmod 777 "$d/tftp"
	# A real capture, written by tcpdump on the device's loopback.
	in_srv ip link set lo up
	in_srv tcpdump -i lo -U -c 6 -w "$d/lo.pcapng" --time-stamp-precision=micro \
	    2>/dev/null &
	local tp=$!
	sleep 0.5
	in_srv ping -c 3 -i 0.2 127.0.0.1 >/dev/null
	wait "$tp"
	in_srv tcpdump -r "$d/lo.pcapng" -w "$d/lo.pcap" 2>/dev/null
	# An ordinary file with a pcap header 200 bytes in.
	{ head -c 200 /usr/share/common-licenses/GPL-3; head -c 24 "$d/lo.pcap";
	  head -c 400 /usr/share/common-licenses/GPL-3; } >"$d/notes.txt"
	cp "$d/lo.pcapng" /home/ewftp/site.pcapng
	cp "$d/notes.txt" /home/ewftp/notes.txt
	cp "$d/lo.pcap" "$d/tftp/running.pcap"
	cp "$d/notes.txt" "$d/tftp/notes.txt"
	chmod 644 /home/ewftp/*.pcapng /home/ewftp/notes.txt "$d/tftp/"*

	# tcpdump -w - | nc: the device streams a live capture out.
	ip netns exec "$NS_C" nc -l -p 9999 >"$d/received.pcap" &
	echo $! >>"$state/pids"
	sleep 0.3
	capture edge_capture_nc "$EDGE_NET"
	in_srv sh -c "tcpdump -i lo -U -c 4 -w - 2>/dev/null | nc -q 1 $CLI 9999" &
	sleep 0.5
	in_srv ping -c 3 -i 0.2 127.0.0.1 >/dev/null
	sleep 1
	in_srv sh -c "nc -q 1 $CLI 9999 <$d/notes.txt" 2>/dev/null || true
	capture_stop

	# FTP: the workstation fetches the capture and the notes from the
	# device.
	vsftpd_start YES
	# TFTP: the same two files from the device's tftpd.
	bg tftpd in.tftpd -L -a "$SRV:69" -s "$d/tftp"
	wait_listen udp 69
	# HTTP: the workstation uploads the capture to the device (a server
	# that reads the whole body before it answers, unlike nginx's
	# 'return', which made curl stop sending).
	cat >"$d/upload.py" <<-'EOF'
	import sys
	from http.server import BaseHTTPRequestHandler, HTTPServer
	class H(BaseHTTPRequestHandler):
	    def do_POST(self):
	        self.rfile.read(int(self.headers.get("Content-Length", 0)))
	        self.send_response(200)
	        self.send_header("Content-Length", "2")
	        self.end_headers()
	        self.wfile.write(b"ok")
	    def log_message(self, *a):
	        pass
	HTTPServer((sys.argv[1], 80), H).serve_forever()
	EOF
	bg upload /usr/bin/python3 "$d/upload.py" "$SRV"
	wait_listen tcp 80
	capture edge_capture_files "$EDGE_NET"
	in_cli curl -sS --max-time 10 -u ewftp:ftp-Secret-1 -o /dev/null "ftp://$SRV/site.pcapng"
	in_cli curl -sS --max-time 10 -u ewftp:ftp-Secret-1 -o /dev/null "ftp://$SRV/notes.txt"
	in_cli curl -sS --max-time 10 -o /dev/null "tftp://$SRV/running.pcap"
	in_cli curl -sS --max-time 10 -o /dev/null "tftp://$SRV/notes.txt"
	in_cli curl -sS --max-time 10 -o /dev/null -H "Expect:" -F "file=@$d/lo.pcap" "http://$SRV/upload"
	in_cli curl -sS --max-time 10 -o /dev/null -H "Expect:" -F "file=@$d/notes.txt" "http://$SRV/upload"
	capture_stop
	expect_in_pcap "$cap_file" "RETR site.pcapng" "running.pcap" 'filename="lo.pcap"'

	# SMB2/3 (unencrypted): the workstation reads the capture and the
	# notes from the device's share and writes a capture to it.
	ensure_user ewsmb smb-Secret-1
	mkdir -p "$d/smb" "$d/share"
	cp "$d/lo.pcapng" "$d/notes.txt" "$d/share/"
	chmod 777 "$d/share"
	cat >"$d/smb.conf" <<-EOF
	[global]
	server role = standalone server
	interfaces = $SRV
	bind interfaces only = yes
	smb ports = 445
	disable netbios = yes
	server min protocol = SMB2
	pid directory = $d/smb
	lock directory = $d/smb
	state directory = $d/smb
	cache directory = $d/smb
	private dir = $d/smb
	ncalrpc dir = $d/smb/ncalrpc
	log file = $d/smb/log
	passdb backend = tdbsam:$d/smb/passdb.tdb
	[share]
	path = $d/share
	read only = no
	EOF
	printf 'smb-Secret-1\nsmb-Secret-1\n' |
	    smbpasswd -c "$d/smb.conf" -s -a ewsmb >/dev/null
	bg smbd smbd --foreground --no-process-group -s "$d/smb.conf"
	wait_listen tcp 445
	capture edge_capture_smb "$EDGE_NET"
	in_cli smbclient -s "$d/smb.conf" "//$SRV/share" -U ewsmb%smb-Secret-1 \
	    -c "get lo.pcapng /dev/null; get notes.txt /dev/null; put $d/lo.pcap up.pcap" \
	    >/dev/null 2>&1
	capture_stop
	expect_in_pcap "$cap_file" "SMB"
}

rec_ldap() {
	local d=$state/ldap
	rm -rf "$d"
	mkdir -p "$d/db"
	local rootpw userpw
	rootpw=$(slappasswd -s ldap-Admin-1)
	userpw=$(slappasswd -s ldap-Secret-1)
	cat >"$d/slapd.conf" <<-EOF
	include /etc/ldap/schema/core.schema
	include /etc/ldap/schema/cosine.schema
	include /etc/ldap/schema/inetorgperson.schema
	modulepath /usr/lib/ldap
	moduleload back_mdb
	pidfile $d/slapd.pid
	database mdb
	maxsize 10485760
	suffix "dc=example,dc=test"
	rootdn "cn=admin,dc=example,dc=test"
	rootpw $rootpw
	directory $d/db
	access to attrs=userPassword by anonymous auth by self read by * none
	access to * by * read
	EOF
	cat >"$d/init.ldif" <<-EOF
	dn: dc=example,dc=test
	objectClass: dcObject
	objectClass: organization
	dc: example
	o: edgeward test

	dn: ou=people,dc=example,dc=test
	objectClass: organizationalUnit
	ou: people

	dn: uid=ewldap,ou=people,dc=example,dc=test
	objectClass: inetOrgPerson
	uid: ewldap
	cn: ew ldap
	sn: ldap
	userPassword: $userpw
	EOF
	slapadd -f "$d/slapd.conf" -l "$d/init.ldif" >>"$state/slapd.log" 2>&1
	bg slapd slapd -d 0 -f "$d/slapd.conf" -h "ldap://$SRV/"
	wait_listen tcp 389
	local dn=uid=ewldap,ou=people,dc=example,dc=test
	capture ldap
	in_cli ldapwhoami -x -H "ldap://$SRV" -D "$dn" -w ldap-Secret-1 >/dev/null
	in_cli ldapwhoami -x -H "ldap://$SRV" -D "$dn" -w wrong-Secret-9 >/dev/null 2>&1 || true
	in_cli ldapwhoami -x -H "ldap://$SRV" -D "cn=admin,dc=example,dc=test" -w ldap-Admin-1 >/dev/null
	capture_stop
	expect_in_pcap "$cap_file" ldap-Secret-1 wrong-Secret-9 ldap-Admin-1
	cred ldap.pcap ldap "$dn" ldap-Secret-1 "simple bind success (resultCode 0), whoami"
	cred ldap.pcap ldap "$dn" wrong-Secret-9 "simple bind failure (resultCode 49 invalidCredentials)"
	cred ldap.pcap ldap cn=admin,dc=example,dc=test ldap-Admin-1 "simple bind success as rootdn"
}

rec_redis() {
	mkdir -p "$state/redis"
	cat >"$state/redis/redis.conf" <<-EOF
	bind $SRV
	port 6379
	protected-mode no
	daemonize no
	save ""
	appendonly no
	dir $state/redis
	requirepass redis-Secret-1
	user ewredis on >redis-acl-Secret-1 ~* &* +@all
	EOF
	bg redis redis-server "$state/redis/redis.conf"
	wait_listen tcp 6379
	capture redis
	in_cli redis-cli -h "$SRV" -a redis-Secret-1 --no-auth-warning PING >/dev/null
	in_cli redis-cli -h "$SRV" --user ewredis --pass redis-acl-Secret-1 --no-auth-warning PING >/dev/null
	in_cli redis-cli -h "$SRV" -a wrong-Secret-9 --no-auth-warning PING >/dev/null 2>&1 || true
	capture_stop
	expect_in_pcap "$cap_file" redis-Secret-1 redis-acl-Secret-1 "+OK" "WRONGPASS"
	cred redis.pcap redis default redis-Secret-1 "AUTH <password> success (+OK), PING"
	cred redis.pcap redis ewredis redis-acl-Secret-1 "AUTH <user> <password> (ACL) success (+OK), PING"
	cred redis.pcap redis default wrong-Secret-9 "AUTH failure (-WRONGPASS)"
}

rec_postgres() {
	local bin d=$state/pg
	bin=$(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V | tail -1)
	rm -rf "$d"
	mkdir -p "$d/sock"
	chown -R postgres:postgres "$d"
	su postgres -s /bin/sh -c "$bin/initdb -D $d/data -A trust -U postgres" >>"$state/pg.log" 2>&1
	cat >"$d/data/pg_hba.conf" <<-EOF
	local all all trust
	host all ewpg_pw 10.99.0.0/24 password
	host all ewpg_md5 10.99.0.0/24 md5
	host all ewpg_scram 10.99.0.0/24 scram-sha-256
	EOF
	bg postgres su postgres -s /bin/sh -c "exec $bin/postgres -D $d/data \
	    -c listen_addresses=$SRV -c unix_socket_directories=$d/sock -c ssl=off"
	wait_listen tcp 5432
	in_srv su postgres -s /bin/sh -c "psql -h $d/sock -q -v ON_ERROR_STOP=1" <<-'EOF' >>"$state/pg.log" 2>&1
	SET password_encryption = 'md5';
	CREATE ROLE ewpg_pw LOGIN PASSWORD 'pg-pw-Secret-1';
	CREATE ROLE ewpg_md5 LOGIN PASSWORD 'pg-md5-Secret-1';
	SET password_encryption = 'scram-sha-256';
	CREATE ROLE ewpg_scram LOGIN PASSWORD 'pg-scram-Secret-1';
	EOF
	capture postgres
	local u
	for u in pw md5 scram; do
		in_cli env PGPASSWORD="pg-$u-Secret-1" psql -X -q \
		    "host=$SRV user=ewpg_$u dbname=postgres sslmode=disable gssencmode=disable" \
		    -c 'select 1' >/dev/null
	done
	in_cli env PGPASSWORD=wrong-Secret-9 psql -X -q \
	    "host=$SRV user=ewpg_pw dbname=postgres sslmode=disable gssencmode=disable" \
	    -c 'select 1' >/dev/null 2>&1 || true
	capture_stop
	expect_in_pcap "$cap_file" pg-pw-Secret-1 wrong-Secret-9 SCRAM-SHA-256 ewpg_md5
	cred postgres.pcap postgres ewpg_pw pg-pw-Secret-1 "cleartext password auth success (AuthenticationOk)"
	cred postgres.pcap postgres ewpg_md5 pg-md5-Secret-1 "md5 auth success (hash material only)"
	cred postgres.pcap postgres ewpg_scram pg-scram-Secret-1 "SCRAM-SHA-256 auth success (no recoverable secret)"
	cred postgres.pcap postgres ewpg_pw wrong-Secret-9 "cleartext password auth failure (28P01)"
}

rec_mariadb() {
	local d=$state/mysql
	rm -rf "$d"
	mkdir -p "$d"
	chown mysql:mysql "$d"
	mariadb-install-db --user=mysql --datadir="$d/data" --auth-root-authentication-method=socket \
	    --skip-test-db >>"$state/mariadb.log" 2>&1
	bg mariadb mariadbd --no-defaults --user=mysql --datadir="$d/data" \
	    --socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" \
	    --bind-address="$SRV" --port=3306 --skip-ssl --log-error="$d/error.log"
	wait_listen tcp 3306
	in_srv mariadb --no-defaults -S "$d/mysqld.sock" -u root <<-'EOF' >>"$state/mariadb.log" 2>&1
	CREATE USER 'ewmaria'@'10.99.0.%' IDENTIFIED VIA mysql_native_password USING PASSWORD('maria-Secret-1');
	GRANT USAGE ON *.* TO 'ewmaria'@'10.99.0.%';
	EOF
	capture mariadb
	in_cli mariadb --no-defaults --skip-ssl -h "$SRV" -u ewmaria -pmaria-Secret-1 -e 'select 1' >/dev/null
	in_cli mariadb --no-defaults --skip-ssl -h "$SRV" -u ewmaria -pwrong-Secret-9 -e 'select 1' >/dev/null 2>&1 || true
	capture_stop
	expect_in_pcap "$cap_file" mysql_native_password ewmaria "Access denied"
	cred mariadb.pcap mysql ewmaria maria-Secret-1 "mysql_native_password success (OK packet); hash material only"
	cred mariadb.pcap mysql ewmaria wrong-Secret-9 "mysql_native_password failure (ERR 1045)"
}

rec_socks5() {
	ensure_user ewsocks socks-Secret-1
	nginx_start
	cat >"$state/danted.conf" <<-EOF
	logoutput: stderr
	internal: $SRV port = 1080
	external: $SRV
	socksmethod: username
	clientmethod: none
	user.privileged: root
	user.unprivileged: nobody
	client pass { from: 10.99.0.0/24 to: 0.0.0.0/0 }
	socks pass { from: 10.99.0.0/24 to: 10.99.0.0/24 socksmethod: username }
	EOF
	bg danted danted -f "$state/danted.conf" -p "$state/danted.pid"
	wait_listen tcp 1080
	capture socks5
	in_cli curl -sS --max-time 10 -o /dev/null \
	    --socks5 "ewsocks:socks-Secret-1@$SRV:1080" "http://$SRV/index.html"
	in_cli curl -sS --max-time 10 -o /dev/null \
	    --socks5 "ewsocks:wrong-Secret-9@$SRV:1080" "http://$SRV/index.html" 2>/dev/null || true
	capture_stop
	expect_in_pcap "$cap_file" socks-Secret-1 wrong-Secret-9 "GET /index.html"
	cred socks5.pcap socks5 ewsocks socks-Secret-1 "username/password auth success (status 0), CONNECT 10.99.0.2:80, HTTP GET"
	cred socks5.pcap socks5 ewsocks wrong-Secret-9 "username/password auth failure (status != 0)"
}

rec_tinyproxy() {
	nginx_start
	cat >"$state/tinyproxy.conf" <<-EOF
	User nobody
	Group nogroup
	Port 8888
	Listen $SRV
	Timeout 30
	LogLevel Info
	PidFile "$state/tinyproxy.pid"
	MaxClients 10
	Allow 10.99.0.0/24
	BasicAuth ewproxy proxy-Secret-1
	ViaProxyName "tinyproxy"
	EOF
	bg tinyproxy tinyproxy -d -c "$state/tinyproxy.conf"
	wait_listen tcp 8888
	capture tinyproxy
	in_cli curl -sS --max-time 10 -o /dev/null \
	    -x "http://ewproxy:proxy-Secret-1@$SRV:8888" "http://$SRV/index.html"
	in_cli curl -sS --max-time 10 -o /dev/null \
	    -x "http://ewproxy:wrong-Secret-9@$SRV:8888" "http://$SRV/index.html" || true
	capture_stop
	expect_in_pcap "$cap_file" "Proxy-Authorization: Basic ZXdwcm94eTpwcm94eS1TZWNyZXQtMQ==" \
	    "HTTP/1.1 200" "HTTP/1.0 401 Unauthorized"
	cred tinyproxy.pcap http-proxy ewproxy proxy-Secret-1 "Proxy-Authorization Basic, proxied GET 200"
	cred tinyproxy.pcap http-proxy ewproxy wrong-Secret-9 "Proxy-Authorization Basic, rejected with 'HTTP/1.0 401 Unauthorized' (tinyproxy answers 401, not 407)"
}

rec_dns() {
	bg dnsmasq dnsmasq --no-daemon --conf-file=/dev/null --listen-address="$SRV" \
	    --bind-interfaces --no-resolv --no-hosts --user=nobody \
	    --address=/www.example.test/10.99.0.80 --pid-file="$state/dnsmasq.pid"
	wait_listen udp 53
	capture dns
	in_cli dig +short +time=2 +tries=1 @"$SRV" www.example.test A >/dev/null
	in_cli dig +short +time=2 +tries=1 @"$SRV" www.example.test AAAA >/dev/null
	capture_stop
	[ "$(tcpdump -nn -r "$cap_file" 2>/dev/null | wc -l)" -ge 4 ] || return 1
	cred dns.pcap dns - - "negative control: A and AAAA query, answers from dnsmasq, no credential"
}

# ---------------------------------------------- remote access (issue 10)
# rec_rmm: a resolver (dnsmasq) and a web server (nginx, TLS with the
# certificate a name asks for) answering for catalogued RMM names, so that
# dig, curl and openssl carry those names in DNS queries, TLS server names,
# certificates and an HTTP user agent; rec_vnc: a TightVNC server and an
# RFB client; rec_rdp: xrdp and an X.224 connection request.

RMM_NAMES="relay-0a1b2c3d.net.anydesk.com acme.screenconnect.com rs-ny.rustdesk.com agent-api.atera.com mesh.example.test www.example.test"

# rmm_certs DIR: a plain self-signed certificate, and a server certificate
# issued by a "MeshCentralRoot-" root as MeshCentral servers make them.
rmm_certs() {
	local d=$1
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/plain.key" \
	    -out "$d/plain.pem" -days 30 -subj "/CN=edgeward-test" 2>/dev/null
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/root.key" \
	    -out "$d/root.pem" -days 30 -subj "/CN=MeshCentralRoot-4f2a1c" 2>/dev/null
	openssl req -new -newkey rsa:2048 -nodes -keyout "$d/mesh.key" \
	    -out "$d/mesh.csr" -subj "/CN=mesh.example.test" 2>/dev/null
	openssl x509 -req -in "$d/mesh.csr" -CA "$d/root.pem" -CAkey "$d/root.key" \
	    -set_serial 7 -days 30 -out "$d/mesh.pem" 2>/dev/null
	chmod 644 "$d"/*.key
}

# rmm_web: nginx on 80 and 443 answering any name.
rmm_web() {
	local d=$state/rmmweb
	mkdir -p "$d/tmp" "$d/www"
	echo ok >"$d/www/index.html"
	echo ok >"$d/www/fakeurl.htm"
	rmm_certs "$d"
	chmod 755 "$state" "$d" "$d/www"
	cat >"$d/nginx.conf" <<-EOF
	daemon off;
	worker_processes 1;
	pid $d/nginx.pid;
	error_log $d/error.log;
	events { worker_connections 64; }
	http {
	    access_log off;
	    client_body_temp_path $d/tmp/body;
	    proxy_temp_path $d/tmp/proxy;
	    fastcgi_temp_path $d/tmp/fastcgi;
	    uwsgi_temp_path $d/tmp/uwsgi;
	    scgi_temp_path $d/tmp/scgi;
	    server {
	        ${SRV_HTTP_SKIP:+#}listen $SRV:80 default_server;
	        listen $SRV:443 ssl default_server;
	        ssl_certificate $d/plain.pem;
	        ssl_certificate_key $d/plain.key;
	        root $d/www;
	        error_page 405 =200 /fakeurl.htm;
	    }
	    server {
	        listen $SRV:443 ssl;
	        server_name mesh.example.test;
	        ssl_certificate $d/mesh.pem;
	        ssl_certificate_key $d/mesh.key;
	        root $d/www;
	    }
	}
	EOF
	bg rmmweb nginx -c "$d/nginx.conf"
	wait_listen tcp 443
}

# rmm_dns: dnsmasq answering every name of RMM_NAMES with the server.
rmm_dns() {
	local n args=()
	for n in $RMM_NAMES; do
		args+=("--address=/$n/$SRV")
	done
	bg rmmdns dnsmasq --no-daemon --conf-file=/dev/null --listen-address="$SRV" \
	    --bind-interfaces --no-resolv --no-hosts --user=nobody \
	    --pid-file="$state/rmmdns.pid" "${args[@]}"
	wait_listen udp 53
}

rec_rmm() {
	local n
	rmm_dns
	rmm_web
	capture rmm
	for n in $RMM_NAMES; do
		in_cli dig +short +time=2 +tries=1 @"$SRV" "$n" A >/dev/null
		in_cli curl -sk --max-time 5 -o /dev/null --resolve "$n:443:$SRV" \
		    "https://$n/"
	done
	# NetSupport Manager's client polls its gateway with its own agent.
	in_cli curl -s --max-time 5 -o /dev/null -A "NetSupport Manager/1.3" \
	    -H "Content-Type: application/x-www-form-urlencoded" \
	    --data-binary $'CMD=POLL\nINFO=1\nACK=1\n' "http://$SRV/fakeurl.htm"
	# A control: the same poll with a browser's agent.
	in_cli curl -s --max-time 5 -o /dev/null -A "Mozilla/5.0" "http://$SRV/"
	capture_stop
	expect_in_pcap "$cap_file" "NetSupport Manager/1.3" "acme" "rustdesk"
	cred rmm.pcap rmm - - "negative control (credentials): RMM names in DNS, TLS SNI, a MeshCentralRoot certificate, NetSupport's user agent"
}

# rfb_client HOST PORT: an RFB handshake (RFC 6143 7.1) that offers a
# wrong VNC-authentication response, in Python (no viewer needs a display).
rfb_client() {
	in_cli python3 - "$1" "$2" <<-'EOF'
	import socket, sys, time
	s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
	ver = s.recv(12)
	s.sendall(ver)
	if ver.startswith(b"RFB 003.003"):
	    types = list(s.recv(4)[3:])
	else:
	    n = s.recv(1)[0]
	    types = list(s.recv(n))
	    s.sendall(bytes([2 if 2 in types else types[0]]))
	s.recv(16)                      # the VNC authentication challenge
	s.sendall(b"\x00" * 16)         # a wrong response
	try:
	    s.recv(64)
	except OSError:
	    pass
	time.sleep(0.2)
	s.close()
	EOF
}

rec_vnc() {
	printf 'vncSecr1\n' | vncpasswd -f >"$state/vncpasswd"
	chmod 600 "$state/vncpasswd"
	bg tightvnc Xtightvnc :7 -geometry 320x240 -depth 16 -rfbport 5907 \
	    -rfbauth "$state/vncpasswd" -nolisten tcp -interface "$SRV"
	wait_listen tcp 5907
	capture vnc
	rfb_client "$SRV" 5907
	capture_stop
	expect_in_pcap "$cap_file" "RFB 003"
	cred vnc.pcap vnc - vncSecr1 "VNC authentication challenge/response (hash material), wrong response: failure"
}

# rdp_client HOST: an MS-RDPBCGR 2.2.1.1 X.224 Connection Request with a
# routing cookie, the server's Connection Confirm, then a TLS ClientHello.
rdp_client() {
	in_cli python3 - "$1" <<-'EOF'
	import socket, ssl, struct, sys, time
	s = socket.create_connection((sys.argv[1], 3389), timeout=5)
	cookie = b"Cookie: mstshash=ewrdp\r\n"
	neg = struct.pack("<BBHI", 1, 0, 8, 3)
	body = struct.pack(">BHHB", 0xE0, 0, 0, 0) + cookie + neg
	x224 = bytes([len(body)]) + body
	s.sendall(struct.pack(">BBH", 3, 0, 4 + len(x224)) + x224)
	s.recv(64)
	ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
	ctx.check_hostname = False
	ctx.verify_mode = ssl.CERT_NONE
	try:
	    t = ctx.wrap_socket(s)
	    t.close()
	except (OSError, ssl.SSLError):
	    pass
	time.sleep(0.2)
	EOF
}

rec_rdp() {
	local d=$state/xrdp
	mkdir -p "$d"
	sed -e "s|^port=.*|port=tcp://$SRV:3389|" \
	    -e "s|^certificate=.*|certificate=/etc/xrdp/cert.pem|" \
	    -e "s|^key_file=.*|key_file=/etc/xrdp/key.pem|" \
	    /etc/xrdp/xrdp.ini >"$d/xrdp.ini"
	bg xrdp xrdp --nodaemon --config "$d/xrdp.ini"
	wait_listen tcp 3389
	capture rdp
	rdp_client "$SRV"
	capture_stop
	expect_in_pcap "$cap_file" "mstshash=ewrdp"
	cred rdp.pcap rdp - - "negative control (credentials): X.224 Connection Request and Confirm, TLS"
}

# ------------------------------------------------------ beacons (issue 10)
# rec_beacon: real clients on seeded timetables (every run sleeps the same
# sequence; packet times differ by scheduling only), one capture each:
#   beacon_http       curl polls http://poll.c2.test/ every 2 s +-30 %, 14x
#   beacon_dns        dig asks <random>.b.dnsbeacon.test every 1.5 s +-30 %
#   beacon_heartbeat  one TCP connection (socat echo server), a line every
#                     2 s +-30 %, 14 times
#   beacon_controls   curl at exponential intervals (mean 2 s) to news.test,
#                     then 4 bursts of 5 back-to-back requests to shop.test

# sleeps SEED N MEAN JITTER|exp: N sleep lengths, one a line.
sleeps() {
	python3 - "$@" <<-'EOF'
	import random, sys
	r = random.Random(int(sys.argv[1]))
	n, mean = int(sys.argv[2]), float(sys.argv[3])
	for _ in range(n):
	    if sys.argv[4] == "exp":
	        print("%.3f" % (1.2 + r.expovariate(1 / mean)))
	    else:
	        j = float(sys.argv[4])
	        print("%.3f" % (mean * r.uniform(1 - j, 1 + j)))
	EOF
}

rec_beacon() {
	local t i
	RMM_NAMES="poll.c2.test news.test shop.test" rmm_dns
	rmm_web
	capture beacon_http
	for t in $(sleeps 11 14 2 0.3); do
		in_cli curl -s --max-time 3 -o /dev/null --resolve "poll.c2.test:80:$SRV" \
		    http://poll.c2.test/
		sleep "$t"
	done
	capture_stop
	capture beacon_dns
	i=0
	for t in $(sleeps 12 14 1.5 0.3); do
		i=$((i + 1))
		in_cli dig +short +time=1 +tries=1 @"$SRV" \
		    "$(printf '%08x' $((i * 2654435761 % 4294967296))).b.dnsbeacon.test" A >/dev/null || true
		sleep "$t"
	done
	capture_stop
	bg socat socat TCP-LISTEN:9443,bind="$SRV",reuseaddr,fork EXEC:cat
	wait_listen tcp 9443
	capture beacon_heartbeat
	sleeps 13 14 2 0.3 | in_cli python3 -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], 9443), timeout=5)
for line in sys.stdin:
    s.sendall(b"beat " + b"x" * 40 + b"\n")
    s.recv(64)
    time.sleep(float(line))
s.close()' "$SRV"
	capture_stop
	capture beacon_controls
	for t in $(sleeps 14 10 2 exp); do
		in_cli curl -s --max-time 3 -o /dev/null --resolve "news.test:80:$SRV" \
		    http://news.test/
		sleep "$t"
	done
	for t in 3 5 2 4; do
		for i in 1 2 3 4 5; do
			in_cli curl -s --max-time 3 -o /dev/null \
			    --resolve "shop.test:80:$SRV" http://shop.test/
		done
		sleep "$t"
	done
	capture_stop
	for f in beacon_http beacon_dns beacon_heartbeat beacon_controls; do
		cred "$f.pcap" beacon - - "negative control (credentials): beacon timetables"
	done
}

# ---------------------------------------------------- hand-off (issue 10)
# rec_handoff: one scripted hand-off, seconds apart, on the client host:
# a cleartext HTTP Basic login (nginx), then AnyDesk's relay looked up and
# contacted (dnsmasq, nginx TLS), then an SSH session to port 2222 (a tunnel
# off its port; sshd with a throw-away host key, no login needed).
rec_handoff() {
	local d=$state/handoff
	mkdir -p "$d"
	nginx_start
	RMM_NAMES="relay-5e7a91c0.net.anydesk.com" rmm_dns
	SRV_HTTP_SKIP=1 rmm_web		# nginx_start has port 80
	ssh-keygen -q -t ed25519 -N '' -f "$d/hostkey"
	mkdir -p /run/sshd
	bg sshd /usr/sbin/sshd -D -e -p 2222 -o ListenAddress="$SRV" \
	    -h "$d/hostkey" -o PidFile="$d/sshd.pid" -o UsePAM=no
	wait_listen tcp 2222
	capture handoff
	in_cli curl -sS --max-time 10 -o /dev/null -u ewhttp:http-Secret-1 "http://$SRV/basic/"
	sleep 4
	in_cli dig +short +time=2 +tries=1 @"$SRV" relay-5e7a91c0.net.anydesk.com A >/dev/null
	in_cli curl -sk --max-time 5 -o /dev/null \
	    --resolve "relay-5e7a91c0.net.anydesk.com:443:$SRV" \
	    https://relay-5e7a91c0.net.anydesk.com/
	sleep 6
	in_cli ssh -p 2222 -o BatchMode=yes -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 \
	    nobody@"$SRV" true >/dev/null 2>&1 || true
	sleep 12		# the SSH flow ends (tcp_closed_timeout)
	in_cli dig +short +time=1 +tries=1 @"$SRV" relay-5e7a91c0.net.anydesk.com A >/dev/null
	capture_stop
	expect_in_pcap "$cap_file" "Authorization: Basic" "SSH-2.0"
	cred handoff.pcap http-basic ewhttp http-Secret-1 "HTTP 200, then AnyDesk's relay and SSH on 2222 (a hand-off)"
}



# -------------------------------------------------- tunnels (issue 9)
# Real tunnelling tools and their look-alikes, for the tunnel_* detectors.
# Captures of bulk sessions are cut to TUN_SNAP bytes a packet: the
# detectors read sizes from the IP header and timing, never the cut part.

TUN_SNAP=200

# bg_cli NAME CMD...: like bg, in the client namespace.
bg_cli() {
	local name=$1
	shift
	ip netns exec "$NS_C" "$@" >>"$state/$name.log" 2>&1 &
	echo $! >>"$state/pids"
}

# kill_pid PID: one process we started, and wait for it.
kill_pid() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null || true
}

sshd_start() {
	ensure_user ewssh ssh-Secret-1
	mkdir -p "$state/ssh" /run/sshd /home/ewssh/.ssh
	rm -f "$state/ssh/id" "$state/ssh/id.pub" "$state/ssh/host"
	ssh-keygen -q -t ed25519 -N "" -f "$state/ssh/id"
	ssh-keygen -q -t ed25519 -N "" -f "$state/ssh/host"
	cp "$state/ssh/id.pub" /home/ewssh/.ssh/authorized_keys
	chown -R ewssh: /home/ewssh/.ssh
	chmod 700 /home/ewssh/.ssh
	cat >"$state/ssh/sshd_config" <<-EOF
	ListenAddress $SRV
	Port 22
	HostKey $state/ssh/host
	PidFile $state/ssh/sshd.pid
	AuthorizedKeysFile /home/ewssh/.ssh/authorized_keys
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	UsePAM no
	StrictModes no
	AllowTcpForwarding yes
	PermitTTY yes
	Subsystem sftp internal-sftp
	EOF
	bg sshd /usr/sbin/sshd -D -e -f "$state/ssh/sshd_config"
	wait_listen tcp 22
	# A page and a 48 KiB file to move through the forwards.
	head -c 49152 /dev/urandom >"$state/nginx/www/big.bin"
	chmod 644 "$state/nginx/www/big.bin"
}

SSH_OPTS="-i $state/ssh/id -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR"

# fetch_loop URL N [CURL-OPTS...]: N requests a little apart, as a browser
# or a script through a tunnel would make them.
fetch_loop() {
	local url=$1 n=$2 i
	shift 2
	for i in $(seq "$n"); do
		in_cli curl -sS --max-time 10 -o /dev/null "$@" "$url" || return 1
		sleep 0.4
	done
}

rec_ssh_tunnels() {
	nginx_start
	sshd_start
	local pid
	# ssh -L: a local forward to the web server, used eight times.
	capture ssh_forward_local "$TUN_SNAP"
	bg_cli ssh_l ssh $SSH_OPTS -N -L 127.0.0.1:8080:$SRV:80 ewssh@$SRV
	pid=$!
	sleep 1.5
	fetch_loop http://127.0.0.1:8080/big.bin 4
	fetch_loop http://127.0.0.1:8080/index.html 4
	kill_pid "$pid"
	capture_stop
	# ssh -D: a SOCKS proxy in the client, pages and files through it.
	capture ssh_forward_dynamic "$TUN_SNAP"
	bg_cli ssh_d ssh $SSH_OPTS -N -D 127.0.0.1:1080 ewssh@$SRV
	pid=$!
	sleep 1.5
	fetch_loop http://$SRV/index.html 3 --socks5-hostname 127.0.0.1:1080
	fetch_loop http://$SRV/big.bin 3 --socks5-hostname 127.0.0.1:1080
	fetch_loop http://www.example.test/index.html 2 \
	    --socks5 127.0.0.1:1080 --resolve www.example.test:80:$SRV
	kill_pid "$pid"
	capture_stop
	# ssh -R: the server reaches back into the client's web server.
	mkdir -p "$state/cliweb"
	head -c 49152 /dev/urandom >"$state/cliweb/back.bin"
	bg_cli cliweb python3 -m http.server 8000 --bind 127.0.0.1 \
	    --directory "$state/cliweb"
	sleep 1
	capture ssh_forward_remote "$TUN_SNAP"
	bg_cli ssh_r ssh $SSH_OPTS -N -R 127.0.0.1:9090:127.0.0.1:8000 ewssh@$SRV
	pid=$!
	sleep 1.5
	for _ in 1 2 3 4 5 6; do
		in_srv curl -sS --max-time 10 -o /dev/null \
		    http://127.0.0.1:9090/back.bin
		sleep 0.4
	done
	kill_pid "$pid"
	capture_stop
	# An administrator typing: expect types with human timing.
	capture ssh_interactive "$TUN_SNAP"
	cat >"$state/ssh/type.exp" <<-EOF
	set timeout 20
	set send_human {.12 .25 .6 .05 1.2}
	spawn ssh -tt $SSH_OPTS ewssh@$SRV
	expect "\\\\$ "
	foreach cmd {"id" "uname -a" "ls -la /etc/ssh" "uptime" "cat /etc/hostname" "df -h /"} {
	    send -h "\$cmd\\r"
	    expect "\\\\$ "
	    sleep 1
	}
	send -h "exit\\r"
	expect eof
	EOF
	in_cli expect -f "$state/ssh/type.exp" >/dev/null
	capture_stop
	# scp: one bulk copy, a file transfer and not a tunnel.
	capture ssh_scp "$TUN_SNAP"
	in_cli scp -q $SSH_OPTS "ewssh@$SRV:$state/nginx/www/big.bin" \
	    "$state/ssh/copy.bin"
	capture_stop
	for f in ssh_forward_local ssh_forward_dynamic ssh_forward_remote \
	    ssh_interactive ssh_scp; do
		expect_in_pcap "$state/cap/$f.pcap" "SSH-2.0-OpenSSH"
	done
	cred ssh_forward_local.pcap ssh - - "negative control (credentials): ssh -L, 8 HTTP fetches through the forward"
	cred ssh_forward_dynamic.pcap ssh - - "negative control (credentials): ssh -D, 8 fetches through the SOCKS proxy"
	cred ssh_forward_remote.pcap ssh - - "negative control (credentials): ssh -R, 6 fetches back through the forward"
	cred ssh_interactive.pcap ssh - - "negative control: an interactive shell typed by expect (human timing)"
	cred ssh_scp.pcap ssh - - "negative control: scp of a 48 KiB file"
}

rec_iodine() {
	bg iodined iodined -f -c -P tun-Secret-1 -l "$SRV" 10.53.0.1 \
	    t.example.test
	wait_listen udp 53
	capture iodine
	bg_cli iodine iodine -f -r -P tun-Secret-1 "$SRV" t.example.test
	for _ in $(seq 50); do
		in_cli ip addr show 2>/dev/null | grep -q 10.53.0. && break
		sleep 0.2
	done
	in_cli ping -c 3 -i 0.3 10.53.0.1 >/dev/null
	capture_stop
	expect_in_pcap "$cap_file" "t.example.test"
	cred iodine.pcap dns - - "negative control (credentials): iodine DNS tunnel, 3 pings through it"
}

rec_dns2tcp() {
	nginx_start
	cat >"$state/dns2tcpd.conf" <<-EOF
	listen = $SRV
	port = 53
	user = nobody
	chroot = /tmp
	domain = t.example.test
	resources = web:$SRV:80
	EOF
	bg dns2tcpd dns2tcpd -F -f "$state/dns2tcpd.conf"
	wait_listen udp 53
	capture dns2tcp
	bg_cli dns2tcpc dns2tcpc -z t.example.test -r web -l 8081 "$SRV"
	sleep 1.5
	in_cli curl -sS --max-time 20 -o /dev/null http://127.0.0.1:8081/index.html
	capture_stop
	expect_in_pcap "$cap_file" "t.example.test"
	cred dns2tcp.pcap dns - - "negative control (credentials): dns2tcp, one HTTP fetch through it"
}

rec_ptunnel() {
	nginx_start
	in_srv sysctl -qw net.ipv4.icmp_echo_ignore_all=1
	bg ptunnel ptunnel-ng -r"$SRV" -R80
	sleep 1
	capture ptunnel
	bg_cli ptunnel_c ptunnel-ng -p"$SRV" -l8023 -r"$SRV" -R80
	sleep 1
	in_cli curl -sS --max-time 20 -o /dev/null http://127.0.0.1:8023/index.html
	capture_stop
	in_srv sysctl -qw net.ipv4.icmp_echo_ignore_all=0
	[ "$(tcpdump -nn -r "$cap_file" icmp 2>/dev/null | wc -l)" -ge 4 ]
	cred ptunnel.pcap icmp - - "negative control (credentials): ptunnel-ng, one HTTP fetch through it"
}

rec_ping() {
	capture ping
	in_cli ping -c 5 -i 0.2 "$SRV" >/dev/null
	in_cli ping -c 3 -i 0.2 -s 1200 "$SRV" >/dev/null
	in_cli ping -c 3 -i 0.2 -p a5 "$SRV" >/dev/null
	capture_stop
	cred ping.pcap icmp - - "negative control: ping of three kinds (default, -s 1200, -p a5)"
}

rec_connect() {
	nginx_start
	cat >"$state/tinyproxy-c.conf" <<-EOF
	User nobody
	Group nogroup
	Port 8888
	Listen $SRV
	Timeout 30
	PidFile "$state/tinyproxy-c.pid"
	MaxClients 10
	Allow 10.99.0.0/24
	ConnectPort 80
	ConnectPort 443
	EOF
	bg tinyproxy tinyproxy -d -c "$state/tinyproxy-c.conf"
	wait_listen tcp 8888
	capture connect
	in_cli curl -sS --max-time 10 -o /dev/null -p -x "http://$SRV:8888" \
	    "http://$SRV/index.html"
	capture_stop
	expect_in_pcap "$cap_file" "CONNECT $SRV:80"
	cred connect.pcap http-proxy - - "negative control (credentials): CONNECT to port 80 through tinyproxy"
}

rec_vxlan() {
	local ns a b
	for ns in "$NS_C:$CLI:$SRV:10.77.0.1" "$NS_S:$SRV:$CLI:10.77.0.2"; do
		IFS=: read -r ns a b addr <<<"$ns"
		ip -n "$ns" link add vx42 type vxlan id 42 dstport 4789 \
		    local "$a" remote "$b"
		ip -n "$ns" addr add "$addr/24" dev vx42
		ip -n "$ns" link set vx42 up
	done
	nginx_start
	capture vxlan
	in_cli ping -c 3 -i 0.2 10.77.0.2 >/dev/null
	capture_stop
	[ "$(tcpdump -nn -r "$cap_file" udp port 4789 2>/dev/null | wc -l)" -ge 6 ]
	cred vxlan.pcap vxlan - - "negative control (credentials): kernel VXLAN link (VNI 42), 3 pings over it"
}

# ------------------------------------------------------------------ main

protos=${*:-$ALL_PROTOS}
for p in $protos; do
	case " $ALL_PROTOS " in
	*" $p "*) ;;
	*) die "unknown protocol '$p' (known: $ALL_PROTOS)" ;;
	esac
done

install_missing
rm -rf "$state"
mkdir -p "$state"
: >"$state/pids"
: >"$state/creds.new"
trap 'net_down' EXIT
trap 'exit 130' INT TERM

ok=() failed=()
for p in $protos; do
	net_up
	log "recording $p"
	: >"$state/creds.cur"
	(
		set -e
		"rec_$p"
	)
	rc=$?
	kill_ours
	if [ $rc -eq 0 ]; then
		# Keep this protocol's captures; a failed run leaves the old ones.
		for f in "$state"/cap/*.pcap; do
			cp "$f" "$out/" && chmod 644 "$out/$(basename "$f")"
		done
		rm -rf "$state/cap"
		cat "$state/creds.cur" >>"$state/creds.new"
		ok+=("$p")
	else
		# Keep what was captured for a look, not in pcaps/recorded.
		mkdir -p "$state/failed"
		mv "$state"/cap/*.pcap "$state/failed/" 2>/dev/null
		rm -rf "$state/cap"
		failed+=("$p")
		log "$p FAILED (logs in $state)"
	fi
done

# CREDENTIALS.tsv: this run's lines, plus the earlier lines for files this
# run did not record.
creds=$out/CREDENTIALS.tsv
{
	printf 'file\tprotocol\tuser\tpassword\texpected_outcome\n'
	if [ -f "$creds" ]; then
		cut -f1 "$state/creds.new" | sort -u >"$state/files.new"
		tail -n +2 "$creds" | awk -F'\t' 'FILENAME == ARGV[1] {skip[$1] = 1; next} !skip[$1]' \
		    "$state/files.new" -
	fi
	cat "$state/creds.new"
} >"$state/creds.tsv"
sort -t$'\t' -s -k1,1 <(tail -n +2 "$state/creds.tsv") |
    cat <(head -1 "$state/creds.tsv") - >"$creds"

log "recorded: ${ok[*]:-none}"
[ ${#failed[@]} -eq 0 ] || log "failed: ${failed[*]}"
[ ${#failed[@]} -eq 0 ]
