/*
 * policy.c - facts to findings.
 *
 * Credentials: a recoverable secret is a cleartext_credential (high; medium
 * when the server refused it), hash or challenge material is weak_auth
 * (medium), and a login with no secret at all (anonymous, trust-based,
 * "None" security) is weak_auth with secret_present false (low).
 * ATT&CK: T1040 Network Sniffing is what the exposure enables, T1552
 * Unsecured Credentials what it is.  Each credential finding also carries
 * its identity (finding_cred) for de-duplication, secret reuse and brute
 * force detection in the publisher (correlate.h); the nDPI-risk credential
 * below does not (no secret, no outcome).
 *
 * nDPI (until dedicated detectors replace these): a desktop/file-sharing
 * session or a known remote-desktop protocol is remote_access (T1219 for
 * commercial tools, T1021.001 RDP, T1021.005 VNC); "known protocol on a
 * non-standard port" is tunnel/non_standard_port (T1571) only for protocols
 * whose relocation is a tunnelling or evasion sign (SSH on 443, DNS on 8053,
 * SOCKS, RDP, VNC ...): HTTP on 8080 or TLS on 8443 is everyday traffic and
 * would bury the signal; FTP data and RTP use dynamic ports by design.
 * nDPI's clear-text
 * credentials risk is a cleartext_credential (user only, never a password)
 * unless a dedicated dissector owns the flow.
 */
#include <string.h>

#include <ndpi_api.h>

#include "finding.h"
#include "policy.h"
#include "sensor.h"

static const char *const outcome_names[] = { "unknown", "success", "failure" };

void
policy_credential(struct worker *w, struct flow *f, const struct cred_fact *c)
{
	struct finding fd;
	enum finding_kind kind;
	enum severity sev;
	unsigned i;

	switch (c->cls) {
	case CRED_CLEARTEXT:
		kind = FK_CLEARTEXT_CREDENTIAL;
		sev = c->outcome == CRED_OUTCOME_FAILURE ? SEV_MEDIUM : SEV_HIGH;
		break;
	case CRED_WEAK:
		kind = FK_WEAK_AUTH;
		sev = SEV_MEDIUM;
		break;
	default:
		kind = FK_WEAK_AUTH;
		sev = SEV_LOW;
		break;
	}
	finding_init(&fd, kind, sev, 90);
	finding_mitre(&fd, "T1040");
	finding_mitre(&fd, "T1552");
	finding_str(&fd, "protocol", c->proto);
	finding_str(&fd, "mechanism", c->mechanism);
	if (c->user != NULL)
		finding_strn(&fd, "user", c->user, c->user_len);
	if (c->domain != NULL)
		finding_strn(&fd, "domain", c->domain, c->domain_len);
	finding_str(&fd, "outcome", outcome_names[c->outcome <= 2 ?
	    c->outcome : 0]);
	finding_bool(&fd, "secret_present", c->cls != CRED_NONE &&
	    c->secret != NULL);
	for (i = 0; i < c->nextras && i < FACT_MAX_EXTRAS; i++) {
		const struct fact_extra *e = &c->extras[i];

		if (e->type == FACT_STR)
			finding_strn(&fd, e->key, e->str, e->len);
		else if (e->type == FACT_BOOL)
			finding_bool(&fd, e->key, (int)e->num);
		else
			finding_int(&fd, e->key, e->num);
	}
	if (c->cls != CRED_NONE)
		finding_secret(&fd, c->secret, c->secret_len, c->crack);
	/* Identity for the publisher's correlator (correlate.h). */
	finding_cred(&fd, c->proto, c->mechanism, c->user, c->user_len,
	    c->outcome <= CRED_OUTCOME_FAILURE ? c->outcome :
	    CRED_OUTCOME_UNKNOWN);
	finding_emit(w, f, &fd);
}

static const struct {
	uint16_t	 proto;
	const char	*tool;
	const char	*mitre;
	int		 commercial;
} remote_tools[] = {
	{ NDPI_PROTOCOL_ANYDESK, "AnyDesk", "T1219", 1 },
	{ NDPI_PROTOCOL_TEAMVIEWER, "TeamViewer", "T1219", 1 },
	{ NDPI_PROTOCOL_RDP, "RDP", "T1021.001", 0 },
	{ NDPI_PROTOCOL_VNC, "VNC", "T1021.005", 0 },
};

static int
remote_tool(uint16_t master, uint16_t app)
{
	size_t i;

	for (i = 0; i < sizeof(remote_tools) / sizeof(remote_tools[0]); i++)
		if (remote_tools[i].proto == app ||
		    remote_tools[i].proto == master)
			return (int)i;
	return -1;
}

/* Protocols whose presence on a non-standard port is reported. */
static const uint16_t odd_port_reportable[] = {
	NDPI_PROTOCOL_SSH, NDPI_PROTOCOL_DNS, NDPI_PROTOCOL_RDP,
	NDPI_PROTOCOL_VNC, NDPI_PROTOCOL_SOCKS, NDPI_PROTOCOL_TELNET,
	NDPI_PROTOCOL_FTP_CONTROL, NDPI_PROTOCOL_SMBV1, NDPI_PROTOCOL_SMBV23,
	NDPI_PROTOCOL_OPENVPN, NDPI_PROTOCOL_WIREGUARD, NDPI_PROTOCOL_IRC,
	NDPI_PROTOCOL_TOR,
};

static int
odd_port_matters(const struct flow *f)
{
	size_t i;

	for (i = 0; i < sizeof(odd_port_reportable) /
	    sizeof(odd_port_reportable[0]); i++)
		if (f->app_master == odd_port_reportable[i] ||
		    f->app_proto == odd_port_reportable[i])
			return 1;
	return 0;
}

static int
is_tls_like(uint16_t id)
{
	return id == NDPI_PROTOCOL_TLS || id == NDPI_PROTOCOL_QUIC ||
	    id == NDPI_PROTOCOL_DTLS;
}

void
policy_ndpi(struct worker *w, struct flow *f, struct ndpi_flow_struct *nf)
{
	struct finding fd;
	char name[64];
	const char *app;
	int t;

	t = remote_tool(f->app_master, f->app_proto);
	/* The name is formatted only for flows that get a finding. */
	if (t >= 0 || (nf->risk & ((1ULL << NDPI_DESKTOP_OR_FILE_SHARING_SESSION) |
	    (1ULL << NDPI_KNOWN_PROTOCOL_ON_NON_STANDARD_PORT) |
	    (1ULL << NDPI_CLEAR_TEXT_CREDENTIALS))))
		app = worker_app_name(w, f, name, sizeof(name));
	else
		return;
	if (t >= 0 || (nf->risk & (1ULL << NDPI_DESKTOP_OR_FILE_SHARING_SESSION))) {
		finding_init(&fd, FK_REMOTE_ACCESS, SEV_MEDIUM, t >= 0 ? 80 : 60);
		finding_mitre(&fd, t >= 0 ? remote_tools[t].mitre : "T1219");
		finding_str(&fd, "tool", t >= 0 ? remote_tools[t].tool : app);
		finding_bool(&fd, "commercial_rmm", t >= 0 &&
		    remote_tools[t].commercial);
		finding_str(&fd, "detected_by", "ndpi");
		if (nf->host_server_name[0] != '\0')
			finding_str(&fd, "server_name", nf->host_server_name);
		if ((is_tls_like(f->app_master) || is_tls_like(f->app_proto)) &&
		    nf->protos.tls_quic.ja3_client[0] != '\0')
			finding_str(&fd, "ja3", nf->protos.tls_quic.ja3_client);
		if ((is_tls_like(f->app_master) || is_tls_like(f->app_proto)) &&
		    nf->protos.tls_quic.ja3_server[0] != '\0')
			finding_str(&fd, "ja3s", nf->protos.tls_quic.ja3_server);
		finding_emit(w, f, &fd);
	}
	if ((nf->risk & (1ULL << NDPI_KNOWN_PROTOCOL_ON_NON_STANDARD_PORT)) &&
	    odd_port_matters(f)) {
		finding_init(&fd, FK_TUNNEL, SEV_LOW, 60);
		finding_mitre(&fd, "T1571");
		finding_str(&fd, "type", "non_standard_port");
		finding_str(&fd, "protocol", app);
		finding_int(&fd, "port", flow_server_port(f));
		finding_str(&fd, "detected_by", "ndpi");
		finding_emit(w, f, &fd);
	}
	if ((nf->risk & (1ULL << NDPI_CLEAR_TEXT_CREDENTIALS)) && f->dis == NULL) {
		const char *user = NULL;

		if (f->key.proto == 6 &&
		    nf->l4.tcp.ftp_imap_pop_smtp.username[0] != '\0')
			user = nf->l4.tcp.ftp_imap_pop_smtp.username;
		finding_init(&fd, FK_CLEARTEXT_CREDENTIAL, SEV_HIGH, 60);
		finding_mitre(&fd, "T1040");
		finding_mitre(&fd, "T1552");
		finding_str(&fd, "protocol", app);
		finding_str(&fd, "mechanism", "ndpi-risk");
		if (user != NULL)
			finding_strn(&fd, "user", (const uint8_t *)user,
			    strnlen(user,
			    sizeof(nf->l4.tcp.ftp_imap_pop_smtp.username)));
		finding_str(&fd, "outcome", "unknown");
		finding_bool(&fd, "secret_present", 1);
		finding_str(&fd, "detected_by", "ndpi");
		finding_emit(w, f, &fd);
	}
}
