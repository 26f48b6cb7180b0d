/*
 * nonstd_port.c - a known protocol on a port that is not its own, for the
 * protocols whose relocation is a tunnelling or evasion sign (SSH on 443,
 * DNS on 8053, SOCKS, RDP, VNC, SMB ...): tunnel, type non_standard_port,
 * ATT&CK T1571 Non-Standard Port.
 *
 * nDPI raises its "known protocol on non-standard port" risk from its own
 * notion of default ports, which is not always the protocol's (nDPI 4.2
 * names SMB on 445 NetBIOS.SMBv1 and flags it).  So the risk only starts
 * the check: the server port must also be outside the protocol's standard
 * ports listed here, and the classification must come from payload, not
 * from a guess.  HTTP on 8080 or TLS on 8443 is everyday traffic and is
 * not listed; FTP data and RTP use dynamic ports by design.
 */
#include <string.h>

#include <ndpi_api.h>

#include "detector.h"
#include "flow.h"

struct std_ports {
	uint16_t	 proto;		/* nDPI protocol id */
	uint16_t	 ports[8];	/* standard server ports, 0-terminated */
};

static const struct std_ports reportable[] = {
	{ NDPI_PROTOCOL_SSH, { 22 } },
	{ NDPI_PROTOCOL_DNS, { 53 } },
	{ NDPI_PROTOCOL_RDP, { 3389 } },
	{ NDPI_PROTOCOL_VNC, { 5900, 5901, 5902, 5903, 5800 } },
	{ NDPI_PROTOCOL_SOCKS, { 1080 } },
	{ NDPI_PROTOCOL_TELNET, { 23 } },
	{ NDPI_PROTOCOL_FTP_CONTROL, { 21 } },
	{ NDPI_PROTOCOL_SMBV1, { 445, 139 } },
	{ NDPI_PROTOCOL_SMBV23, { 445, 139 } },
	{ NDPI_PROTOCOL_OPENVPN, { 1194 } },
	{ NDPI_PROTOCOL_WIREGUARD, { 51820 } },
	{ NDPI_PROTOCOL_IRC, { 6667, 6697, 194 } },
	{ NDPI_PROTOCOL_TOR, { 9001, 9030, 443 } },
};

static const struct std_ports *
find(uint16_t id)
{
	size_t i;

	for (i = 0; id != 0 && i < sizeof(reportable) / sizeof(reportable[0]);
	    i++)
		if (reportable[i].proto == id)
			return &reportable[i];
	return NULL;
}

static int
standard_port(const struct std_ports *sp, uint16_t port)
{
	unsigned i;

	for (i = 0; i < 8 && sp->ports[i] != 0; i++)
		if (sp->ports[i] == port)
			return 1;
	return 0;
}

static void
nsp_app(struct detctx *ctx, void *fs, const struct app_fact *a)
{
	const struct std_ports *sp;
	struct finding fd;
	uint16_t port = flow_server_port(det_flow(ctx));

	(void)fs;
	if (a->guessed ||
	    !(a->risks & (1ULL << NDPI_KNOWN_PROTOCOL_ON_NON_STANDARD_PORT)))
		return;
	if ((sp = find(a->app_id)) == NULL && (sp = find(a->master_id)) == NULL)
		return;
	if (standard_port(sp, port))
		return;
	finding_init(&fd, FK_TUNNEL, SEV_LOW, 60);
	finding_mitre(&fd, "T1571");
	finding_str(&fd, "type", "non_standard_port");
	finding_str(&fd, "protocol", a->name);
	finding_int(&fd, "port", port);
	finding_str(&fd, "detected_by", "ndpi");
	det_emit(ctx, &fd);
}

const struct detector nonstd_port_detector = {
	.name = "nonstd_port",
	.description = "protocols that tunnels and evasion move off their "
	    "standard ports (SSH, DNS, RDP, SMB ...): tunnel",
	.events = DET_EV_APP,
	.app = nsp_app,
};
