/*
 * remote_access_ndpi.c - remote-access sessions nDPI recognises: the
 * protocols signatures/ndpi_remote_access.txt lists (commercial tools nDPI
 * names, such as AnyDesk and TeamViewer, and the remote-desktop protocols
 * RDP and VNC), plus any flow nDPI flags with its "desktop or file sharing
 * session" risk.
 *
 * Reported once per flow, and only for a real session: nDPI must have
 * recognised the protocol from payload (never a guess from the port or an
 * address list), and payload must have gone both ways after a handshake
 * (DET_EV_SESSION).  A SYN to 3389 or 5938 that nobody answers is a scan,
 * not remote access.  ATT&CK T1219 Remote Access Software for commercial
 * tools, T1021.001 RDP, T1021.005 VNC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ndpi_api.h>

#include "detector.h"
#include "flow.h"
#include "sigfile.h"

#define TOOL_NAME	32

struct ra_tool {
	uint16_t	 proto;			/* nDPI id */
	char		 tool[TOOL_NAME];
	char		 mitre[16];		/* T1219, T1021.001 ... */
	int		 commercial;
};

struct ra_tables {
	struct ra_tool	*t;
	unsigned	 n;
	const struct det_load_args *la;	/* during load only */
};

#define SERVER_NAME	96
#define JA3_LEN		33

/* What the finding needs, kept from the app event until the session. */
struct ra_match {
	char		 tool[TOOL_NAME];
	char		 mitre[16];
	uint8_t		 confidence;
	uint8_t		 commercial;
	char		 server_name[SERVER_NAME];
	char		 ja3[JA3_LEN], ja3s[JA3_LEN];
};

struct ra_flow {
	struct ra_match	*m;		/* matched, waiting for the session */
	uint8_t		 reported;
};

static const struct ra_tool *
tool_of(const struct ra_tables *t, uint16_t master, uint16_t app)
{
	unsigned i;

	for (i = 0; t != NULL && i < t->n; i++)
		if (t->t[i].proto == app || t->t[i].proto == master)
			return &t->t[i];
	return NULL;
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
	const struct ra_tool *t;
	struct ra_match *m;

	if (a->guessed)
		return;
	t = tool_of(det_tables(ctx), a->master_id, a->app_id);
	if (t == NULL &&
	    !(a->risks & (1ULL << NDPI_DESKTOP_OR_FILE_SHARING_SESSION)))
		return;
	if (det_mem_charge(ctx, sizeof(*m)) < 0) {
		det_count(ctx, "remote_access_memcap");
		return;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		det_mem_release(ctx, sizeof(*m));
		return;
	}
	copy(m->tool, sizeof(m->tool), t != NULL ? t->tool : a->name);
	copy(m->mitre, sizeof(m->mitre), t != NULL ? t->mitre : "T1219");
	m->confidence = t != NULL ? 80 : 60;
	m->commercial = t != NULL && t->commercial;
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

/* "PROTOCOL TOOL ATTACK commercial|protocol" */
static int
ra_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct ra_tables *tb = arg;
	struct ra_tool *nt, *t;
	const char *mitre = r->field[2];
	size_t i, n = strlen(mitre);
	int id;

	if ((id = tb->la->ndpi_id(tb->la, r->field[0])) < 0) {
		snprintf(err, errlen, "'%s' is not a protocol nDPI knows",
		    r->field[0]);
		return -1;
	}
	if (strlen(r->field[1]) >= TOOL_NAME) {
		snprintf(err, errlen, "tool name longer than %d bytes",
		    TOOL_NAME - 1);
		return -1;
	}
	/* T1234 or T1234.567 */
	for (i = 1; i < n && mitre[i] >= '0' && mitre[i] <= '9'; i++)
		;
	if (mitre[0] != 'T' || i != 5 || (n != 5 && (n != 9 ||
	    mitre[5] != '.' || strspn(mitre + 6, "0123456789") != 3))) {
		snprintf(err, errlen, "'%s' is not an ATT&CK technique id "
		    "(T1219, T1021.001)", mitre);
		return -1;
	}
	if (strcmp(r->field[3], "commercial") != 0 &&
	    strcmp(r->field[3], "protocol") != 0) {
		snprintf(err, errlen, "'%s': the kind is commercial or protocol",
		    r->field[3]);
		return -1;
	}
	if ((nt = realloc(tb->t, (tb->n + 1) * sizeof(*nt))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	tb->t = nt;
	t = &tb->t[tb->n++];
	memset(t, 0, sizeof(*t));
	t->proto = (uint16_t)id;
	copy(t->tool, sizeof(t->tool), r->field[1]);
	copy(t->mitre, sizeof(t->mitre), mitre);
	t->commercial = strcmp(r->field[3], "commercial") == 0;
	return 0;
}

static void
ra_unload(void *p)
{
	struct ra_tables *tb = p;

	if (tb != NULL)
		free(tb->t);
	free(tb);
}

static void *
ra_load(const struct det_load_args *la, char *err, size_t errlen)
{
	static const struct sigfile_spec spec = { 4, 4, 0 };
	struct ra_tables *tb;

	if ((tb = calloc(1, sizeof(*tb))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	tb->la = la;
	if (sigfile_read_in(la->sigdir, "ndpi_remote_access.txt", &spec,
	    ra_line, tb, err, errlen) < 0) {
		ra_unload(tb);
		return NULL;
	}
	tb->la = NULL;
	return tb;
}

const struct detector remote_access_ndpi_detector = {
	.name = "remote_access_ndpi",
	.description = "remote-access sessions nDPI recognises (AnyDesk, "
	    "TeamViewer, RDP, VNC, desktop sharing): remote_access",
	.events = DET_EV_APP | DET_EV_SESSION | DET_EV_FLOW_END,
	.flow_state_size = sizeof(struct ra_flow),
	.load = ra_load,
	.unload = ra_unload,
	.app = ra_app,
	.session = ra_session,
	.flow_end = ra_flow_end,
};
