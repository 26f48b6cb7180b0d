/*
 * fact.h - typed facts: what dissectors and the engine observe, before any
 * policy.  A dissector (dissectors/) or the engine (nDPI glue, decoder)
 * reports a fact; detectors (detectors/) receive it and decide whether it
 * is a finding.  Each fact is a small struct; struct fact tags one of them.
 *
 * Ownership: every pointer in a fact is borrowed for the duration of the
 * call that delivers it (dctx_fact(), a detector's fact() or app() hook).
 * A receiver copies what it keeps.
 */
#ifndef EDGEWARD_FACT_H
#define EDGEWARD_FACT_H

#include <stddef.h>
#include <stdint.h>

enum fact_type {
	FACT_CREDENTIAL = 1,	/* struct cred_fact: a login, a secret */
	FACT_APPLICATION,	/* struct app_fact: nDPI's final answer */
	FACT_DNS,		/* struct dns_fact: a query or an answer */
	FACT_FILE,		/* struct file_fact: a transfer starts */
	FACT_COMMAND,		/* struct command_fact: a typed command */
	FACT_MIRROR,		/* struct mirror_fact: mirrored traffic */
	FACT_PROXY,		/* struct proxy_fact: CONNECT, SOCKS, WebSocket */
	FACT_DEVICE,		/* struct device_fact: what a host says it is */
	FACT_TYPE_MAX
};

/* ---- credential ---------------------------------------------------------- */

enum cred_class {
	CRED_CLEARTEXT = 0,	/* the secret is recoverable from the wire */
	CRED_WEAK,		/* hash / challenge material or reversible */
	CRED_NONE		/* no secret at all (anonymous, None auth) */
};

enum cred_outcome {
	CRED_OUTCOME_UNKNOWN = 0,
	CRED_OUTCOME_SUCCESS,
	CRED_OUTCOME_FAILURE
};

#define FACT_MAX_EXTRAS	8

enum fact_val_type {
	FACT_STR = 1,		/* bytes + len, escaped on output */
	FACT_INT,
	FACT_BOOL
};

/* An extra key/value a dissector attaches to a fact (e.g. "write": true). */
struct fact_extra {
	const char		*key;	/* string literal */
	enum fact_val_type	 type;
	const uint8_t		*str;
	size_t			 len;
	int64_t			 num;
};

struct cred_fact {
	const char		*proto;		/* "ftp", "imap", "snmp" ... */
	const char		*mechanism;	/* "USER/PASS", "AUTH PLAIN" ... */
	enum cred_class		 cls;
	enum cred_outcome	 outcome;
	const uint8_t		*user;		/* as seen on the wire, may be NULL */
	size_t			 user_len;
	const uint8_t		*domain;	/* realm / domain, may be NULL */
	size_t			 domain_len;
	const uint8_t		*secret;	/* never leaves the process unless */
	size_t			 secret_len;	/* reveal_secrets is on */
	/*
	 * For CRED_WEAK: the material in the format password-audit tools take
	 * (hashcat/john line), NUL-terminated; only output with reveal on.
	 */
	const char		*crack;
	struct fact_extra	 extras[FACT_MAX_EXTRAS];
	unsigned		 nextras;
};

void	 cred_fact_init(struct cred_fact *f, const char *proto,
	    const char *mechanism, enum cred_class cls);
void	 fact_extra_str(struct cred_fact *f, const char *key,
	    const uint8_t *s, size_t len);
void	 fact_extra_int(struct cred_fact *f, const char *key, int64_t v);
void	 fact_extra_bool(struct cred_fact *f, const char *key, int v);

/* ---- application (nDPI's final classification of a flow) --------------- */

/*
 * How nDPI reached its answer.  Only APP_BY_DPI means it saw the protocol's
 * own bytes; a port or address match is a guess and never makes a finding
 * on its own.
 */
enum app_basis {
	APP_UNKNOWN = 0,	/* nothing recognised */
	APP_BY_PORT,		/* guessed from the port at give-up */
	APP_BY_IP,		/* matched by a server address list */
	APP_BY_DPI		/* recognised from payload */
};

struct app_fact {
	uint16_t	 master_id, app_id;	/* nDPI protocol ids */
	const char	*master;		/* nDPI names, NULL when unknown */
	const char	*app;
	const char	*name;			/* "TLS.AnyDesk", "SSH" ... */
	const char	*category;		/* nDPI category name or NULL */
	enum app_basis	 basis;
	int		 guessed;		/* basis is not APP_BY_DPI */
	uint64_t	 risks;			/* nDPI risk bitmap (1 << risk) */
	/* Whatever nDPI extracted; NULL or "" when absent. */
	const char	*server_name;		/* TLS SNI, HTTP Host, DNS query */
	const char	*user_agent;		/* HTTP */
	const char	*tls_subject;		/* server certificate */
	const char	*tls_issuer;
	const char	*ja3, *ja3s;		/* TLS/QUIC only */
	const char	*user;			/* user name nDPI saw in clear */
	int		 dissected;		/* a dissector owns the flow */
};

/* ---- room for the next detectors' facts --------------------------------- */

/* A DNS message (query or answer); the dissector reports one per message. */
#define DNS_FACT_ADDRS	4

struct dns_fact {
	int		 is_response;
	uint16_t	 id;
	uint16_t	 qtype;
	uint8_t		 rcode;
	const uint8_t	*qname;		/* presentation form, no trailing dot */
	size_t		 qname_len;
	unsigned	 answers;	/* answer records */
	size_t		 answer_bytes;	/* RDATA bytes in the answer section */
	size_t		 msg_len;
	/* Added for the tunnel detectors (dissectors/dns.c fills them). */
	uint16_t	 qclass;	/* of the first question */
	uint8_t		 opcode;
	uint8_t		 over_tcp;	/* 1: TCP (RFC 7766 framing), 0: UDP */
	unsigned	 questions;	/* QDCOUNT */
	size_t		 qname_wire_len;	/* wire bytes of the name, 1..255;
					 * 0 when there is no question */
	size_t		 answer_max;	/* largest single answer RDATA */
	uint16_t	 answer_type;	/* type of the first answer, 0: none */
	/* First A/AAAA answers, family 4 or 6, for address-to-name joins. */
	unsigned	 naddrs;
	uint8_t		 addr_family[DNS_FACT_ADDRS];
	uint8_t		 addrs[DNS_FACT_ADDRS][16];
};

/* A file transfer starts (FTP RETR/STOR, TFTP RRQ/WRQ, HTTP body ...). */
struct file_fact {
	const char	*proto;
	int		 upload;	/* towards the server; -1 unknown */
	const uint8_t	*name;
	size_t		 name_len;
	const uint8_t	*head;		/* the first bytes of the content */
	size_t		 head_len;
	int64_t		 size;		/* announced size, -1 unknown */
};

/* A command typed in a cleartext session (Telnet, rsh, FTP SITE ...). */
struct command_fact {
	const char	*proto;
	const uint8_t	*line;
	size_t		 line_len;
};

/*
 * Mirrored traffic (ERSPAN, TZSP, a capture file streamed over the wire):
 * the outer endpoints send copies of other hosts' packets.
 */
struct mirror_fact {
	uint8_t		 encap_type;	/* enum encap_type (decode.h) */
	uint8_t		 family;
	uint8_t		 src[16], dst[16];
	uint32_t	 session;	/* ERSPAN session id, TZSP ... */
	/*
	 * family 0: the stream is the flow itself (rpcap); its exporter is
	 * the flow's client when this is set, else its server.
	 */
	uint8_t		 exporter_is_client;
};

/*
 * A request to relay a connection elsewhere, with the relay's answer: an
 * HTTP CONNECT (RFC 9110 9.3.6), a SOCKS4/4a/5 request (RFC 1928), or an
 * HTTP upgrade to WebSocket (RFC 6455), whose frames may carry another
 * protocol (wstunnel, chisel).
 */
struct proxy_fact {
	const char	*proto;		/* "http", "socks" */
	const char	*method;	/* "CONNECT", "SOCKS4", "SOCKS4a",
					 * "SOCKS5", "websocket" */
	const char	*command;	/* SOCKS: "CONNECT", "BIND", "UDP" */
	const uint8_t	*host;		/* destination host or address text */
	size_t		 host_len;
	uint16_t	 port;		/* destination port, 0 unknown */
	const uint8_t	*path;		/* websocket: request target */
	size_t		 path_len;
	const uint8_t	*subprotocol;	/* Sec-WebSocket-Protocol, may be NULL */
	size_t		 subprotocol_len;
	enum cred_outcome outcome;	/* the relay said yes (2xx, 101, SOCKS
					 * granted) or no */
};

/* ---- device (edge-device discovery) -------------------------------------- */

#define DEVICE_MAX_ATTRS	8

/*
 * Something a host says about itself that names what it is, reported by
 * the dissector that read it: an SSH server banner, an SNMP agent's
 * sysDescr and sysObjectID, an LLDP or CDP frame.  Policy (which banners
 * are appliances, which role) is the detectors' and signatures' business.
 *
 * In a flow, `from_server` says which side spoke.  A link-layer frame has
 * no flow (struct fact reaches detectors with det_flow() NULL): the
 * sender's MAC is in `mac`, and an address the frame announces for
 * management (LLDP Management Address, CDP Addresses) in family/addr.
 */
struct device_attr {
	const char	*name;		/* string literal: "ssh_banner" ... */
	const uint8_t	*value;
	size_t		 len;
};

struct device_fact {
	const char		*proto;		/* "ssh", "snmp", "lldp", "cdp" */
	int			 from_server;
	int			 has_mac;
	uint8_t			 mac[6];
	uint8_t			 family;	/* 0: none, 4 or 6 */
	uint8_t			 addr[16];
	struct device_attr	 attrs[DEVICE_MAX_ATTRS];
	unsigned		 nattrs;
};

/*
 * A capability bitmap as "name,name" (bit i is names[i]), NUL-terminated
 * in out; returns its length (names that do not fit are left out).
 */
size_t	 device_caps_text(uint32_t bits, const char *const *names,
	    size_t nnames, char *out, size_t cap);
/* Adds an attribute (name: a string literal; empty values are skipped). */
void	 device_fact_attr(struct device_fact *d, const char *name,
	    const uint8_t *v, size_t n);

struct fact {
	enum fact_type	 type;
	const char	*source;	/* reporting dissector or "engine" */
	union {
		const struct cred_fact		*cred;
		const struct app_fact		*app;
		const struct dns_fact		*dns;
		const struct file_fact		*file;
		const struct command_fact	*cmd;
		const struct mirror_fact	*mirror;
		const struct proxy_fact		*proxy;
		const struct device_fact	*device;
	} u;
};

#endif
