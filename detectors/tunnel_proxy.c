/*
 * tunnel_proxy.c - connections relayed through a proxy or a WebSocket:
 * tunnel, types http_connect, socks_proxy and websocket_tunnel, ATT&CK
 * T1090 (Proxy) and T1572 (Protocol Tunneling).
 *
 * Input: FACT_PROXY from the HTTP and SOCKS dissectors (a CONNECT with its
 * target and the proxy's answer, a SOCKS request with its destination and
 * the server's answer, an upgrade to WebSocket answered 101).
 *
 * http_connect: severity medium when the target port is not 443 (a
 * CONNECT to 22, 3389 or 8080 is a tunnel, not browsing), low for 443 and
 * for CONNECTs the proxy refused.  A CONNECT to 443 through a proxy the
 * pair of which is in tunnel_allowed (the site's own proxy) is browsing
 * and never reported; other ports through it still are.
 * socks_proxy: every SOCKS request a server answered, with version,
 * command and destination, unless the pair is in tunnel_allowed.
 * websocket_tunnel: an upgrade whose subprotocol, path or host names a
 * tunnelling tool (signatures/websocket_tunnels.txt: chisel's chisel-v3,
 * wstunnel), or whose first frames carry an SSH banner: after the 101
 * the detector watches the flow's next packets (det_flow_packets) and
 * unmasks the first bytes of the first frame each way.  An ordinary
 * WebSocket (chat, dashboards) is not reported.
 *
 * One finding per (client, relay, destination or tool) per
 * tunnel_report_interval.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"
#include "cursor.h"
#include "decode.h"
#include "detector.h"
#include "domainset.h"
#include "flow.h"
#include "sigdb.h"
#include "sigfile.h"
#include "tunnel_util.h"

#define PX_TOOL		24
#define PX_TEXT		96
#define PX_SIGS		64
#define PX_WATCH_PKTS	8	/* packets looked at after a 101 */

enum px_where { PW_SUBPROTOCOL = 1, PW_PATH, PW_HOST };
enum px_kind { PK_CONNECT = 1, PK_SOCKS, PK_WEBSOCKET };

struct px_sig {
	char		 tool[PX_TOOL];
	uint8_t		 where;		/* enum px_where */
	char		 text[PX_TEXT];	/* lower case; path: a prefix */
};

struct px_tables {
	struct px_sig	*sig;
	unsigned	 nsig;
};

/* A WebSocket being watched (allocated on its 101 only). */
struct px_ws {
	uint8_t		 watching;	/* 1: looking inside, 2: named too */
	uint8_t		 pkts;
	uint8_t		 seen[2];	/* first frame looked at, per dir */
	char		 host[PX_TEXT];
	char		 path[PX_TEXT];
	char		 subprotocol[PX_TEXT];
};

struct px_flow {
	struct px_ws	*ws;
};

static void
copy_lower(char *dst, size_t cap, const uint8_t *src, size_t n)
{
	size_t i;

	if (src == NULL)
		n = 0;
	if (n >= cap)
		n = cap - 1;
	for (i = 0; i < n; i++)
		dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32 :
		    src[i] < 0x20 || src[i] > 0x7e ? '?' : src[i]);
	dst[n] = '\0';
}

static int
allowed(struct detctx *ctx, const struct flow *f)
{
	return addrpairs_match(det_sets(ctx)->tunnel_allowed, f->key.family,
	    flow_client_addr(f), flow_server_addr(f));
}

static int
once(struct detctx *ctx, uint8_t kind, const char *what)
{
	const struct flow *f = det_flow(ctx);
	struct tunnel_once *o = det_worker_state(ctx);
	struct tunnel_once_key k;

	if (o == NULL)
		return 1;
	tunnel_once_key(&k, kind, f->key.family, flow_client_addr(f),
	    flow_server_addr(f), tunnel_once_hash(what, strlen(what)));
	return tunnel_once(ctx, o, &k, "tunnel_proxy_forgotten");
}

static const char *
outcome_name(enum cred_outcome o)
{
	return o == CRED_OUTCOME_SUCCESS ? "success" :
	    o == CRED_OUTCOME_FAILURE ? "failure" : "unknown";
}

/* ---- CONNECT and SOCKS --------------------------------------------------- */

static void
report_relay(struct detctx *ctx, const struct proxy_fact *p, int socks)
{
	struct finding fd;
	char host[PX_TEXT], key[PX_TEXT + 32];
	enum severity sev;
	int ok = p->outcome == CRED_OUTCOME_SUCCESS;

	copy_lower(host, sizeof(host), p->host, p->host_len);
	if (!socks && ok && p->port == 443 && allowed(ctx, det_flow(ctx)))
		return;
	if (socks && allowed(ctx, det_flow(ctx)))
		return;
	snprintf(key, sizeof(key), "%s:%u", host, p->port);
	if (!once(ctx, socks ? PK_SOCKS : PK_CONNECT, key))
		return;
	sev = !ok ? SEV_LOW : socks || p->port != 443 ? SEV_MEDIUM : SEV_LOW;
	finding_init(&fd, FK_TUNNEL, sev, ok ? 90 : 60);
	finding_mitre(&fd, "T1090");
	finding_mitre(&fd, "T1572");
	finding_str(&fd, "type", socks ? "socks_proxy" : "http_connect");
	if (socks) {
		finding_str(&fd, "method", p->method);
		if (p->command != NULL)
			finding_str(&fd, "command", p->command);
	}
	finding_str(&fd, "target_host", host);
	if (p->port != 0)
		finding_int(&fd, "target_port", p->port);
	finding_str(&fd, "outcome", outcome_name(p->outcome));
	finding_str(&fd, "detected_by", socks ? "socks" : "http");
	det_emit(ctx, &fd);
}

/* ---- WebSocket ----------------------------------------------------------- */

static const struct px_sig *
ws_tool(const struct px_tables *t, const struct px_ws *st)
{
	const struct px_sig *s;
	unsigned i;

	for (i = 0; t != NULL && i < t->nsig; i++) {
		s = &t->sig[i];
		switch (s->where) {
		case PW_SUBPROTOCOL:
			if (strstr(st->subprotocol, s->text) != NULL)
				return s;
			break;
		case PW_PATH:
			if (strncmp(st->path, s->text, strlen(s->text)) == 0)
				return s;
			break;
		case PW_HOST:
			if (strcmp(st->host, s->text) == 0)
				return s;
			break;
		}
	}
	return NULL;
}

static void
ws_done(struct detctx *ctx, struct px_flow *fs)
{
	det_flow_packets(ctx, 0);
	tunnel_flow_free(ctx, (void **)&fs->ws, sizeof(*fs->ws));
}

static void
report_ws(struct detctx *ctx, struct px_ws *st, const char *tool,
    const char *inner, const char *by)
{
	struct finding fd;

	if (allowed(ctx, det_flow(ctx)) || !once(ctx, PK_WEBSOCKET, tool))
		return;
	finding_init(&fd, FK_TUNNEL, SEV_HIGH, inner != NULL &&
	    strcmp(by, "signature") == 0 ? 95 : 85);
	finding_mitre(&fd, "T1090");
	finding_mitre(&fd, "T1572");
	finding_str(&fd, "type", "websocket_tunnel");
	finding_str(&fd, "tool", tool);
	if (inner != NULL)
		finding_str(&fd, "inner_protocol", inner);
	if (st->host[0] != '\0')
		finding_str(&fd, "server_name", st->host);
	if (st->path[0] != '\0')
		finding_str(&fd, "path", st->path);
	if (st->subprotocol[0] != '\0')
		finding_str(&fd, "subprotocol", st->subprotocol);
	finding_str(&fd, "detected_by", by);
	det_emit(ctx, &fd);
}

static void
px_websocket(struct detctx *ctx, struct px_flow *fs,
    const struct proxy_fact *p)
{
	struct px_ws *st;

	if (p->outcome != CRED_OUTCOME_SUCCESS || fs->ws != NULL ||
	    (st = tunnel_flow_alloc(ctx, sizeof(*st),
	    "tunnel_proxy_memcap")) == NULL)
		return;
	fs->ws = st;
	copy_lower(st->host, sizeof(st->host), p->host, p->host_len);
	copy_lower(st->path, sizeof(st->path), p->path, p->path_len);
	copy_lower(st->subprotocol, sizeof(st->subprotocol), p->subprotocol,
	    p->subprotocol_len);
	/* Named or not, look inside: an SSH banner makes it certain. */
	st->watching = ws_tool(det_tables(ctx), st) != NULL ? 2 : 1;
	det_flow_packets(ctx, 1);
}

/*
 * The first bytes of a WebSocket frame's payload (RFC 6455 5.2), unmasked:
 * up to 8 into out; returns how many, 0 when no frame starts here.
 */
static size_t
ws_first_bytes(const uint8_t *data, size_t len, uint8_t out[8])
{
	struct cursor c;
	uint8_t b0, b1, mask[4] = { 0 };
	uint64_t plen;
	size_t i, n;

	cur_init(&c, data, len);
	b0 = cur_u8(&c);
	b1 = cur_u8(&c);
	if (!cur_ok(&c) || (b0 & 0x70) != 0 || ((b0 & 0x0f) != 1 &&
	    (b0 & 0x0f) != 2))
		return 0;	/* reserved bits, or not text/binary */
	plen = b1 & 0x7f;
	if (plen == 126)
		plen = cur_be16(&c);
	else if (plen == 127)
		plen = (uint64_t)cur_be32(&c) << 32 | cur_be32(&c);
	if (b1 & 0x80)
		cur_copy(&c, mask, 4);
	if (!cur_ok(&c))
		return 0;
	n = cur_left(&c) < 8 ? cur_left(&c) : 8;
	if (n > plen)
		n = (size_t)plen;
	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(cur_ptr(&c)[i] ^ mask[i % 4]);
	return n;
}

static void
px_packet(struct detctx *ctx, void *fsp, const struct pkt *p, int dir)
{
	struct px_flow *fs = fsp;
	struct px_ws *st = fs->ws;
	const struct px_sig *s;
	uint8_t head[8];
	size_t n;

	if (st == NULL) {
		det_flow_packets(ctx, 0);
		return;
	}
	if (p->pl_len > 0 && !st->seen[dir & 1]) {
		st->seen[dir & 1] = 1;
		n = ws_first_bytes(p->data + p->pl_off, p->pl_len, head);
		if (n >= 4 && memcmp(head, "SSH-", 4) == 0) {
			s = ws_tool(det_tables(ctx), st);
			report_ws(ctx, st, s != NULL ? s->tool : "unknown",
			    "ssh", s != NULL ? "signature" : "payload");
			ws_done(ctx, fs);
			return;
		}
	}
	if (++st->pkts >= PX_WATCH_PKTS || (st->seen[0] && st->seen[1])) {
		/* Nothing inside gave it away: the name decides. */
		if (st->watching == 2 && (s = ws_tool(det_tables(ctx), st)) !=
		    NULL)
			report_ws(ctx, st, s->tool, NULL, "signature");
		ws_done(ctx, fs);
	}
}

static void
px_flow_end(struct detctx *ctx, void *fsp)
{
	struct px_flow *fs = fsp;
	const struct px_sig *s;

	if (fs->ws != NULL && fs->ws->watching == 2 &&
	    (s = ws_tool(det_tables(ctx), fs->ws)) != NULL)
		report_ws(ctx, fs->ws, s->tool, NULL, "signature");
	ws_done(ctx, fs);
}

static void
px_fact(struct detctx *ctx, void *fs, const struct fact *fa)
{
	const struct proxy_fact *p = fa->u.proxy;

	if (p->method == NULL)
		return;
	if (strcmp(p->method, "websocket") == 0)
		px_websocket(ctx, fs, p);
	else if (strcmp(p->method, "CONNECT") == 0)
		report_relay(ctx, p, 0);
	else
		report_relay(ctx, p, 1);
}

/* ---- tables and worker state --------------------------------------------- */

/* "TOOL subprotocol|path|host TEXT" */
static int
px_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct px_tables *t = arg;
	struct px_sig *s, *ns;
	uint8_t where;

	where = strcmp(r->field[1], "subprotocol") == 0 ? PW_SUBPROTOCOL :
	    strcmp(r->field[1], "path") == 0 ? PW_PATH :
	    strcmp(r->field[1], "host") == 0 ? PW_HOST : 0;
	if (where == 0) {
		snprintf(err, errlen, "'%s': the field is subprotocol, path or "
		    "host", r->field[1]);
		return -1;
	}
	if (t->nsig >= PX_SIGS || strlen(r->field[0]) >= PX_TOOL ||
	    strlen(r->field[2]) >= PX_TEXT) {
		snprintf(err, errlen, "more than %d signatures, or a tool or "
		    "text too long", PX_SIGS);
		return -1;
	}
	if ((ns = realloc(t->sig, (t->nsig + 1) * sizeof(*ns))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->sig = ns;
	s = &t->sig[t->nsig++];
	memset(s, 0, sizeof(*s));
	snprintf(s->tool, sizeof(s->tool), "%s", r->field[0]);
	s->where = where;
	copy_lower(s->text, sizeof(s->text), (const uint8_t *)r->field[2],
	    strlen(r->field[2]));
	return 0;
}

static void
px_unload(void *p)
{
	struct px_tables *t = p;

	if (t != NULL)
		free(t->sig);
	free(t);
}

static void *
px_load(const struct det_load_args *la, char *err, size_t errlen)
{
	static const struct sigfile_spec spec = { 3, 3, 0 };
	struct px_tables *t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sigfile_read_in(la->sigdir, "websocket_tunnels.txt", &spec,
	    px_line, t, err, errlen) < 0) {
		px_unload(t);
		return NULL;
	}
	return t;
}

static void *
px_worker_new(const struct config *c)
{
	(void)c;
	return tunnel_once_new();
}

const struct detector tunnel_proxy_detector = {
	.name = "tunnel_proxy",
	.description = "HTTP CONNECT, SOCKS requests and WebSocket tunnels "
	    "(chisel, wstunnel, SSH inside): tunnel",
	.events = DET_EV_FACT | DET_EV_PACKET | DET_EV_FLOW_END,
	.fact_mask = 1u << FACT_PROXY,
	.flow_state_size = sizeof(struct px_flow),
	.load = px_load,
	.unload = px_unload,
	.worker_new = px_worker_new,
	.worker_free = tunnel_once_delete,
	.fact = px_fact,
	.packet = px_packet,
	.flow_end = px_flow_end,
};
