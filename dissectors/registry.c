/*
 * registry.c - the list of dissectors the pipeline offers, in the order it
 * tries their probes.  Adding a protocol is one extern and one line here;
 * no central header changes (the descriptors are declared only here).
 */
#include <stddef.h>

#include "dissector.h"

extern const struct dissector ftp_dissector;
extern const struct dissector telnet_dissector;
extern const struct dissector rsh_dissector;
extern const struct dissector pop3_dissector;
extern const struct dissector imap_dissector;
extern const struct dissector smtp_dissector;
extern const struct dissector http_dissector;
extern const struct dissector snmp_dissector;
extern const struct dissector ldap_dissector;
extern const struct dissector smb_dissector;
extern const struct dissector dcerpc_dissector;
extern const struct dissector kerberos_dissector;
extern const struct dissector pgsql_dissector;
extern const struct dissector mysql_dissector;
extern const struct dissector redis_dissector;
extern const struct dissector socks_dissector;
extern const struct dissector tds_dissector;
extern const struct dissector vnc_dissector;
extern const struct dissector radius_dissector;
extern const struct dissector tacacs_dissector;
extern const struct dissector sip_dissector;
extern const struct dissector mongodb_dissector;
/* edge devices (issue 8) */
extern const struct dissector ssh_banner_dissector;
extern const struct dissector lldp_dissector;
extern const struct dissector cdp_dissector;
extern const struct dissector tftp_dissector;
extern const struct dissector rpcap_dissector;
/* tunnels (issue 9) */
extern const struct dissector dns_dissector;

const struct dissector *const dissector_registry[] = {
	&ftp_dissector,
	&telnet_dissector,
	&rsh_dissector,
	&pop3_dissector,
	&imap_dissector,
	&smtp_dissector,
	&http_dissector,
	&snmp_dissector,
	&ldap_dissector,
	&smb_dissector,
	&dcerpc_dissector,
	&kerberos_dissector,
	&pgsql_dissector,
	&mysql_dissector,
	&redis_dissector,
	&socks_dissector,
	&tds_dissector,
	&vnc_dissector,
	&radius_dissector,
	&tacacs_dissector,
	&sip_dissector,
	&mongodb_dissector,
	/* edge devices (issue 8) */
	&ssh_banner_dissector,
	&lldp_dissector,
	&cdp_dissector,
	&tftp_dissector,
	&rpcap_dissector,
	&dns_dissector,
	NULL
};
