/*
 * remote_access_ndpi.c - remote-access sessions nDPI recognises: the
 * commercial tools in its protocol list (AnyDesk, TeamViewer) and the
 * remote-desktop protocols (RDP, VNC), plus any flow nDPI flags with its
 * "desktop or file sharing session" risk.
 *
 * Reported once per flow, and only for a real session: nDPI must have
 * recognised the protocol from payload (never a guess from the port or an
 * address list), and payload must have gone both ways after a handshake
 * (DET_EV_SESSION).  A SYN to 3389 or 5938 that nobody answers is a scan,
 * not remote access.  ATT&CK T1219 Remote Access Software for commercial
 * tools, T1021.001 RDP, T1021.005 VNC.
 */
#include <stdlib.h>
#include <string.h>

#include <ndpi_api.h>

#include "detector.h"
#include "flow.h"

static const struct remote_tool {
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

#define TOOL_NAME	32
#define SERVER_NAME	96
#define JA3_LEN		33

/* What the finding needs, kept from the app event until the session. */
struct ra_match {
	char		 tool[TOOL_NAME];
	const char	*mitre;		/* string literal */
	uint8_t		 confidence;
	uint8_t		 commercial;
	char		 server_name[SERVER_NAME];
	char		 ja3[JA3_LEN], ja3s[JA3_LEN];
};

struct ra_flow {
	struct ra_match	*m;		/* matched, waiting for the session */
	uint8_t		 reported;
};

static int
tool_index(uint16_t master, uint16_t app)
{
	size_t i;

	for (i = 0; i < sizeof(remote_tools) / sizeof(remote_tools[0]); i++)
		if (remote_tools[i].proto == app ||
		    remote_tools[i].proto == master)
			return (int)i;
	return -1;
}

static void
copy(char *dst, size_t cap, const char *src)
{
	size_t n = src != NULL ? strnlen(src, cap - 1) : 0;

	memcpy(dst, src != NULL ? src : "", n);
	dst[n] = '\0';
}

static void
report(struct detctx *ctx, struct ra_flow *st)
{
	const struct ra_match *m = st->m;
	struct finding fd;

	finding_init(&fd, FK_REMOTE_ACCESS, SEV_MEDIUM, m->confidence);
	finding_mitre(&fd, m->mitre);
	finding_str(&fd, "tool", m->tool);
	finding_bool(&fd, "commercial_rmm", m->commercial);
	finding_str(&fd, "detected_by", "ndpi");
	if (m->server_name[0] != '\0')
		finding_str(&fd, "server_name", m->server_name);
	if (m->ja3[0] != '\0')
		finding_str(&fd, "ja3", m->ja3);
	if (m->ja3s[0] != '\0')
		finding_str(&fd, "ja3s", m->ja3s);
	det_emit(ctx, &fd);
	st->reported = 1;
}

static void
release(struct detctx *ctx, struct ra_flow *st)
{
	if (st->m == NULL)
		return;
	free(st->m);
	st->m = NULL;
	det_mem_release(ctx, sizeof(struct ra_match));
}

static void
ra_app(struct detctx *ctx, void *fs, const struct app_fact *a)
{
	struct ra_flow *st = fs;
	struct ra_match *m;
	int t;

	if (a->guessed)
		return;
	t = tool_index(a->master_id, a->app_id);
	if (t < 0 && !(a->risks & (1ULL << NDPI_DESKTOP_OR_FILE_SHARING_SESSION)))
		return;
	if (det_mem_charge(ctx, sizeof(*m)) < 0) {
		det_count(ctx, "remote_access_memcap");
		return;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		det_mem_release(ctx, sizeof(*m));
		return;
	}
	copy(m->tool, sizeof(m->tool), t >= 0 ? remote_tools[t].tool : a->name);
	m->mitre = t >= 0 ? remote_tools[t].mitre : "T1219";
	m->confidence = t >= 0 ? 80 : 60;
	m->commercial = t >= 0 && remote_tools[t].commercial;
	copy(m->server_name, sizeof(m->server_name), a->server_name);
	copy(m->ja3, sizeof(m->ja3), a->ja3);
	copy(m->ja3s, sizeof(m->ja3s), a->ja3s);
	st->m = m;
	/* The session may already be there (classification came late). */
	if (det_flow(ctx)->session) {
		report(ctx, st);
		release(ctx, st);
	}
}

static void
ra_session(struct detctx *ctx, void *fs)
{
	struct ra_flow *st = fs;

	if (st->m == NULL || st->reported)
		return;
	report(ctx, st);
	release(ctx, st);
}

static void
ra_flow_end(struct detctx *ctx, void *fs)
{
	release(ctx, fs);
}

const struct detector remote_access_ndpi_detector = {
	.name = "remote_access_ndpi",
	.description = "remote-access sessions nDPI recognises (AnyDesk, "
	    "TeamViewer, RDP, VNC, desktop sharing): remote_access",
	.events = DET_EV_APP | DET_EV_SESSION | DET_EV_FLOW_END,
	.flow_state_size = sizeof(struct ra_flow),
	.app = ra_app,
	.session = ra_session,
	.flow_end = ra_flow_end,
};
