/*
 * rmm.c - remote-access tools from the RMM catalogue
 * (signatures/rmm_catalogue.txt): the worker half of the remote_access
 * finding.  Its correlator (rmm_corr.c) folds what this file observes into
 * one finding per (client, tool, tenant) and window; rmm.h says why the
 * work is split.
 *
 * Evidence, from every place a tool shows (catalogue fields in brackets):
 *   - a DNS query for a catalogued name [domain]: the querying client is
 *     the tool's user (a query the resolver forwards is recognised by the
 *     correlator); from the DNS dissector's FACT_DNS and from nDPI's query
 *     name on DNS flows, once per name and flow;
 *   - the TLS/QUIC server name, the HTTP Host [domain], the HTTP
 *     User-Agent [ua], the server certificate's subject and issuer
 *     [subject, issuer] as nDPI extracted them;
 *   - a catalogued port whose first payloads pass the protocol's
 *     structural check [port]: a port alone is a guess, never evidence;
 *   - nDPI's protocol, recognised from payload, never a port guess
 *     [ndpi], and nDPI's desktop/file-sharing risk [risk].
 * A flow that is not DNS is reported once it is a session (payload both
 * ways after a handshake: an unanswered SYN to 3389 or 5938 is a scan, not
 * remote access), nDPI's answer is final and any structural check has
 * decided; its byte counts follow when it ends.  When evidence names
 * several tools, the strongest kind decides (a name, then a certificate,
 * a user agent, a port structure, nDPI, nDPI's risk); the rest stays in the
 * evidence list.
 *
 * The tenant (what rmm_allowed's tool:tenant names) is the catalogue's
 * business per entry: the instance host name for [domain ... host]
 * entries, the server (name, else address) for self-hosted tools
 * [tenant server], else none.  ATT&CK: the tool's [mitre] (T1219 by
 * default; T1021.001 RDP, T1021.005 VNC).
 *
 * The catalogue's format is described at the top of the file itself;
 * edgeward.conf(5) (SIGNATURES) says how to add a tool.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ndpi_api.h>

#include "config.h"
#include "decode.h"
#include "detector.h"
#include "domainset.h"
#include "flow.h"
#include "rmm.h"
#include "sigfile.h"
#include "wordlist.h"

#define CATALOGUE	"rmm_catalogue.txt"
#define MAX_TOOLS	1024
#define MAX_RULES	4096
#define SUBSTR_LEN	96
#define CHECK_PAYLOADS	4	/* payload packets a direction may take */

/* Structural checks of the [port] entries. */
enum rmm_check {
	CHK_TLS = 1,		/* client: a TLS handshake record */
	CHK_HTTP,		/* client: an HTTP request line */
	CHK_RFB,		/* server: "RFB xxx.yyy\n" (RFC 6143 7.1.1) */
	CHK_RFB_TIGHT,		/* and the Tight security type (16) offered */
	CHK_RDP,		/* client: TPKT + X.224 Connection Request */
	CHK_TEAMVIEWER,		/* client: TeamViewer's 0x17 0x24 header */
	CHK_RUSTDESK		/* client: RustDesk's framed protobuf */
};

static const struct {
	const char	*name;
	uint8_t		 check;
} check_names[] = {
	{ "tls", CHK_TLS }, { "http", CHK_HTTP }, { "rfb", CHK_RFB },
	{ "rfb-tight", CHK_RFB_TIGHT }, { "rdp", CHK_RDP },
	{ "teamviewer", CHK_TEAMVIEWER }, { "rustdesk", CHK_RUSTDESK },
};

/* Evidence strength: lower wins the choice of tool. */
static const uint8_t src_rank[RMM_SRC_MAX] = {
	[RMM_SRC_DNS] = 0, [RMM_SRC_TLS_SNI] = 0, [RMM_SRC_HTTP_HOST] = 0,
	[RMM_SRC_SERVER_NAME] = 0, [RMM_SRC_TLS_SUBJECT] = 1,
	[RMM_SRC_TLS_ISSUER] = 1, [RMM_SRC_HTTP_UA] = 2, [RMM_SRC_PORT] = 3,
	[RMM_SRC_NDPI] = 4, [RMM_SRC_NDPI_RISK] = 5,
};

static const uint8_t src_confidence[RMM_SRC_MAX] = {
	[RMM_SRC_DNS] = 70, [RMM_SRC_TLS_SNI] = 85, [RMM_SRC_HTTP_HOST] = 80,
	[RMM_SRC_SERVER_NAME] = 70, [RMM_SRC_TLS_SUBJECT] = 85,
	[RMM_SRC_TLS_ISSUER] = 85, [RMM_SRC_HTTP_UA] = 75, [RMM_SRC_PORT] = 80,
	[RMM_SRC_NDPI] = 80, [RMM_SRC_NDPI_RISK] = 60,
};

struct rmm_tool {
	char		id[RMM_ID_LEN];
	char		name[RMM_TOOL_LEN];
	char		vendor[RMM_VENDOR_LEN];
	char		mitre[RMM_MITRE_LEN];
	uint8_t		commercial;	/* class rmm (default) */
	uint8_t		tenant_server;	/* tenant server */
};

/* A [domain] entry: the domainset's value is its index. */
struct rmm_dom {
	uint16_t	tool;
	uint8_t		tenant_host;	/* tenant: the instance host name */
	uint8_t		exact;
	uint16_t	suffix_len;	/* bytes of the pattern's fixed suffix */
};

/* A [ua], [subject] or [issuer] entry: a lower-case substring. */
struct rmm_substr {
	uint16_t	tool;
	uint8_t		source;		/* RMM_SRC_HTTP_UA, _TLS_SUBJECT, ... */
	char		s[SUBSTR_LEN];
};

struct rmm_port {
	uint16_t	tool;
	uint8_t		ipproto;	/* 6, 17 */
	uint8_t		check;
	uint16_t	lo, hi;
};

struct rmm_proto {
	uint16_t	ndpi;
	uint16_t	tool;
};

struct rmm_tables {
	struct rmm_tool		*tools;
	unsigned		 ntools;
	struct domainset	*names;
	struct rmm_dom		*doms;
	unsigned		 ndoms;
	struct rmm_substr	*subs;
	unsigned		 nsubs;
	struct rmm_port		*ports;
	unsigned		 nports;
	struct rmm_proto	*protos;
	unsigned		 nprotos;
	int			 risk_tool;	/* -1: none */
	/* nDPI ids of the protocols whose server name means what */
	int			 id_dns, id_tls, id_quic, id_http;
	/* bit per port with a [port] entry: [0] TCP, [1] UDP */
	uint8_t			 portmap[2][65536 / 8];
	/* during load only */
	const struct det_load_args *la;
	struct domainset_builder *b;
};

/* ---- per flow ------------------------------------------------------------ */

/*
 * Evidence gathered on a flow, the match being built.  Values only: the
 * catalogue may be another by the next event (SIGHUP), so the chosen tool
 * is its id (m.tool_id, "" none yet) and what report() needs of it.
 */
struct rmm_pend {
	struct rmm_match m;
	uint8_t		 tenant_server;	/* the chosen tool's [tenant server] */
	uint8_t		 rank;		/* of the evidence that chose it */
	uint8_t		 tenant_set;	/* a [domain host] entry gave it */
	char		 server_name[RMM_TENANT_LEN];
};

#define RF_CHECKING	0x01	/* structural checks under way */
#define RF_REPORTED	0x02	/* RMM_OBS_MATCH sent */
#define RF_PORT_DONE	0x04	/* checks decided (or never started) */

/* 16 bytes: every flow carries one. */
struct rmm_flow {
	struct rmm_pend	*p;
	uint16_t	 dns_hash;	/* last query name reported */
	uint8_t		 flags;
	uint8_t		 payloads[2];	/* per direction, while checking */
	uint8_t		 failed;	/* candidate port rules: bit each */
	uint8_t		 passed;
};

static void
copy(char *dst, size_t cap, const char *src, size_t n)
{
	if (src == NULL)
		n = 0;
	if (n > cap - 1)
		n = cap - 1;
	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static void
copyz(char *dst, size_t cap, const char *src)
{
	copy(dst, cap, src, src != NULL ? strlen(src) : 0);
}

/* ---- structural checks ---------------------------------------------------- */

static int
check_tls(const uint8_t *d, size_t n)
{
	/* RFC 8446 5.1: handshake record, legacy version 3.x, ClientHello */
	return n >= 6 && d[0] == 0x16 && d[1] == 0x03 && d[2] <= 0x04 &&
	    d[5] == 0x01;
}

static int
check_http(const uint8_t *d, size_t n)
{
	static const char *const methods[] = { "GET ", "POST ", "PUT ",
	    "HEAD ", "OPTIONS ", "CONNECT ", "DELETE ", "PATCH " };
	size_t i, l;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		l = strlen(methods[i]);
		if (n > l && memcmp(d, methods[i], l) == 0)
			return 1;
	}
	return 0;
}

static int
check_rfb(const uint8_t *d, size_t n)
{
	/* RFC 6143 7.1.1 ProtocolVersion: "RFB 003.008\n", 12 bytes */
	static const uint8_t shape[] = "RFB ddd.ddd\n";
	size_t i;

	if (n != 12)
		return 0;
	for (i = 0; i < 12; i++)
		if (shape[i] == 'd' ? !isdigit(d[i]) : d[i] != shape[i])
			return 0;
	return 1;
}

/*
 * RFB security types (RFC 6143 7.1.2; 3.3 servers send one u32): does the
 * server offer Tight (16), which TightVNC servers add and others do not?
 */
static int
check_rfb_tight(const uint8_t *d, size_t n)
{
	size_t i;

	if (n == 4)
		return d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 16;
	if (n < 2 || d[0] == 0 || (size_t)d[0] + 1 != n)
		return 0;
	for (i = 1; i < n; i++)
		if (d[i] == 16)
			return 1;
	return 0;
}

static int
check_rdp(const uint8_t *d, size_t n)
{
	/* MS-RDPBCGR 2.2.1.1: TPKT v3, X.224 Connection Request (0xE0) */
	return n >= 11 && d[0] == 3 && d[1] == 0 &&
	    (size_t)(d[2] << 8 | d[3]) == n && d[4] + 5u <= n &&
	    (d[5] & 0xf0) == 0xe0;
}

static int
check_teamviewer(const uint8_t *d, size_t n)
{
	/* TeamViewer's TCP messages start with 0x17 0x24 (or 0x11 0x30) */
	return n > 2 && ((d[0] == 0x17 && d[1] == 0x24) ||
	    (d[0] == 0x11 && d[1] == 0x30));
}

/* A protobuf varint at d[*i]; 0 when it runs off the end or past 5 bytes. */
static int
varint(const uint8_t *d, size_t n, size_t *i, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*i < n && shift < 35) {
		*v |= (uint64_t)(d[*i] & 0x7f) << shift;
		if (!(d[(*i)++] & 0x80))
			return 1;
		shift += 7;
	}
	return 0;
}

/*
 * One protobuf message filling d..d+n exactly whose first field is
 * length-delimited (RustDesk's RendezvousMessage and Message are oneofs of
 * sub-messages).
 */
static int
protobuf_one(const uint8_t *d, size_t n)
{
	size_t i = 0;
	uint64_t tag, len;

	if (!varint(d, n, &i, &tag) || (tag & 7) != 2 || (tag >> 3) == 0 ||
	    !varint(d, n, &i, &len))
		return 0;
	return len == n - i;
}

/*
 * RustDesk: TCP frames carry a 1-4 byte header whose low two bits say its
 * length minus one and whose rest is the body length (hbb_common's
 * BytesCodec), then a protobuf message; UDP datagrams carry the message
 * alone.
 */
static int
check_rustdesk(const uint8_t *d, size_t n, int tcp)
{
	size_t hl, i;
	uint64_t len = 0;

	if (!tcp)
		return n >= 2 && protobuf_one(d, n);
	if (n < 2)
		return 0;
	hl = (size_t)(d[0] & 3) + 1;
	if (n <= hl)
		return 0;
	for (i = 0; i < hl; i++)
		len |= (uint64_t)d[i] << (8 * i);
	len >>= 2;
	return len == n - hl && protobuf_one(d + hl, n - hl);
}

/*
 * A check's verdict on the k-th (from 0) payload in direction dir: 1 pass,
 * 0 fail, -1 not decided yet (waiting for another payload).  rfb-tight
 * needs rfb on the server's first payload and decides on its second.
 */
static int
check_verdict(uint8_t check, int dir, unsigned k, const uint8_t *d, size_t n,
    int tcp)
{
	switch (check) {
	case CHK_TLS:
	case CHK_HTTP:
	case CHK_RDP:
	case CHK_TEAMVIEWER:
	case CHK_RUSTDESK:
		if (dir != DIR_TO_SERVER || k != 0)
			return -1;
		if (check == CHK_TLS)
			return check_tls(d, n);
		if (check == CHK_HTTP)
			return check_http(d, n);
		if (check == CHK_RDP)
			return check_rdp(d, n);
		if (check == CHK_TEAMVIEWER)
			return check_teamviewer(d, n);
		return check_rustdesk(d, n, tcp);
	case CHK_RFB:
		return dir == DIR_TO_CLIENT && k == 0 ? check_rfb(d, n) : -1;
	case CHK_RFB_TIGHT:
		if (dir != DIR_TO_CLIENT)
			return -1;
		if (k == 0)
			return check_rfb(d, n) ? -1 : 0;
		return k == 1 ? check_rfb_tight(d, n) : -1;
	}
	return 0;
}

/* ---- evidence -------------------------------------------------------------- */

static struct rmm_pend *
pend_get(struct detctx *ctx, struct rmm_flow *st)
{
	struct rmm_pend *p;

	if (st->p != NULL)
		return st->p;
	if (det_mem_charge(ctx, sizeof(*p)) < 0) {
		det_count(ctx, "rmm_memcap");
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		det_mem_release(ctx, sizeof(*p));
		return NULL;
	}
	st->p = p;
	return p;
}

static void
pend_free(struct detctx *ctx, struct rmm_flow *st)
{
	if (st->p == NULL)
		return;
	free(st->p);
	st->p = NULL;
	det_mem_release(ctx, sizeof(struct rmm_pend));
}

/* Evidence value as text: at most RMM_VALUE_LEN - 1 bytes. */
static void
add_evidence(struct rmm_pend *p, uint8_t source, const char *v, size_t n)
{
	struct rmm_evidence *e;
	unsigned i;

	if (n > RMM_VALUE_LEN - 1)
		n = RMM_VALUE_LEN - 1;
	for (i = 0; i < p->m.nev; i++)
		if (p->m.ev[i].source == source &&
		    strlen(p->m.ev[i].value) == n &&
		    memcmp(p->m.ev[i].value, v, n) == 0)
			return;
	if (p->m.nev >= RMM_FLOW_EVIDENCE)
		return;
	e = &p->m.ev[p->m.nev++];
	e->source = source;
	copy(e->value, sizeof(e->value), v, n);
}

/*
 * One piece of evidence for catalogue tool t.  tenant (may be NULL) is
 * what a [domain host] entry gave.
 */
static void
evidence(struct rmm_pend *p, const struct rmm_tables *tb, unsigned t,
    uint8_t source, const char *v, size_t n, const char *tenant,
    size_t tenant_len)
{
	const struct rmm_tool *tool = &tb->tools[t];
	uint8_t rank = src_rank[source];

	if (p->m.tool_id[0] == '\0' || rank < p->rank) {
		p->rank = rank;
		p->tenant_server = tool->tenant_server;
		p->tenant_set = 0;
		p->m.tenant[0] = '\0';
		p->m.confidence = 0;
		copyz(p->m.tool_id, sizeof(p->m.tool_id), tool->id);
		copyz(p->m.tool, sizeof(p->m.tool), tool->name);
		copyz(p->m.vendor, sizeof(p->m.vendor), tool->vendor);
		copyz(p->m.mitre, sizeof(p->m.mitre), tool->mitre);
		p->m.commercial = tool->commercial;
		p->m.decided_by = source;
	}
	if (strcmp(p->m.tool_id, tool->id) == 0) {
		if (src_confidence[source] > p->m.confidence)
			p->m.confidence = src_confidence[source];
		if (tenant != NULL && !p->tenant_set) {
			copy(p->m.tenant, sizeof(p->m.tenant), tenant,
			    tenant_len);
			p->tenant_set = 1;
		}
	}
	add_evidence(p, source, v, n);
}

/*
 * The instance host name of a name matched by a [domain host] entry: the
 * name cut to one label below the pattern's fixed suffix.
 */
static void
tenant_host(const struct rmm_dom *d, const char *name, size_t len,
    size_t *off)
{
	size_t end;

	*off = 0;
	if (d->exact || len <= (size_t)d->suffix_len + 1)
		return;
	end = len - d->suffix_len - 1;		/* the '.' before the suffix */
	while (end > 0 && name[end - 1] != '.')
		end--;
	*off = end;
}

/* A server name or DNS query name; 1 if it matched. */
static int
match_name(struct rmm_pend *p, const struct rmm_tables *tb, uint8_t source,
    const char *name, size_t len)
{
	const struct rmm_dom *d;
	uintptr_t v;
	size_t off;

	if (tb->names == NULL ||
	    domainset_lookup(tb->names, name, len, &v) == DOMAINSET_NONE)
		return 0;
	d = &tb->doms[v];
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (d->tenant_host) {
		tenant_host(d, name, len, &off);
		evidence(p, tb, d->tool, source, name, len, name + off,
		    len - off);
	} else {
		evidence(p, tb, d->tool, source, name, len, NULL, 0);
	}
	return 1;
}

/* Case-insensitive substring entries of one source against text. */
static void
match_substr(struct rmm_pend *p, const struct rmm_tables *tb, uint8_t source,
    const char *text)
{
	char low[512];
	size_t i, n;

	if (text == NULL || text[0] == '\0')
		return;
	n = strnlen(text, sizeof(low) - 1);
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)text[i]);
	low[n] = '\0';
	for (i = 0; i < tb->nsubs; i++)
		if (tb->subs[i].source == source &&
		    strstr(low, tb->subs[i].s) != NULL)
			evidence(p, tb, tb->subs[i].tool, source, text, n, NULL,
			    0);
}

/* FNV-1a of a name, ignoring case: one query name per flow once. */
static uint32_t
name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (uint8_t)tolower((unsigned char)s[i])) * 16777619u;
	return h | 1;
}

/* ---- reporting -------------------------------------------------------------- */

static void
fill_tenant(struct rmm_pend *p, const struct flow *f)
{
	char addr[48];

	/* A [domain] entry names its own tenant, or none. */
	if (p->tenant_set || p->m.decided_by <= RMM_SRC_SERVER_NAME ||
	    !p->tenant_server)
		return;
	if (p->server_name[0] != '\0') {
		copyz(p->m.tenant, sizeof(p->m.tenant), p->server_name);
	} else {
		format_addr(f->key.family, flow_server_addr(f), addr);
		copyz(p->m.tenant, sizeof(p->m.tenant), addr);
	}
}

static void
report(struct detctx *ctx, struct rmm_flow *st)
{
	const struct flow *f = det_flow(ctx);
	struct rmm_pend *p = st->p;

	fill_tenant(p, f);
	p->m.flow = f->first_seq;
	p->m.start_us = f->first_us;
	p->m.bytes = f->bytes[0] + f->bytes[1];
	det_observe(ctx, RMM_OBS_MATCH, &p->m, sizeof(p->m), 0);
	st->flags |= RF_REPORTED;
}

/* Reports a matched session once everything that can add evidence is in. */
static void
maybe_report(struct detctx *ctx, struct rmm_flow *st)
{
	const struct flow *f = det_flow(ctx);

	if (st->p == NULL || st->p->m.tool_id[0] == '\0' ||
	    (st->flags & RF_REPORTED) ||
	    !f->session || !f->dpi_done || !(st->flags & RF_PORT_DONE))
		return;
	report(ctx, st);
}

/* A DNS query name: reported at once (a lookup needs no session). */
static void
dns_query(struct detctx *ctx, struct rmm_flow *st, const char *name,
    size_t len)
{
	const struct rmm_tables *tb = det_tables(ctx);
	const struct flow *f = det_flow(ctx);
	struct rmm_pend p;
	uint16_t h;

	if (tb == NULL || len == 0)
		return;
	h = (uint16_t)(name_hash(name, len) | 1);
	if (h == st->dns_hash)
		return;
	st->dns_hash = h;
	memset(&p, 0, sizeof(p));
	if (!match_name(&p, tb, RMM_SRC_DNS, name, len))
		return;
	p.m.is_dns = 1;
	p.m.flow = f->first_seq;
	p.m.start_us = det_now_us(ctx);
	copyz(p.m.app_proto, sizeof(p.m.app_proto), "DNS");
	det_observe(ctx, RMM_OBS_MATCH, &p.m, sizeof(p.m), 0);
}

/* ---- events ------------------------------------------------------------------ */

static int
port_rule_matches(const struct rmm_port *r, uint8_t ipproto, uint16_t port)
{
	return r->ipproto == ipproto && port >= r->lo && port <= r->hi;
}

static void
rmm_flow_start(struct detctx *ctx, void *fs)
{
	const struct rmm_tables *tb = det_tables(ctx);
	const struct flow *f = det_flow(ctx);
	struct rmm_flow *st = fs;
	uint16_t port = flow_server_port(f);
	int u;

	st->flags = RF_PORT_DONE;
	if (tb == NULL || (f->key.proto != 6 && f->key.proto != 17))
		return;
	u = f->key.proto == 17;
	if (!(tb->portmap[u][port >> 3] & (1u << (port & 7))))
		return;
	st->flags = RF_CHECKING;
	det_flow_packets(ctx, 1);
}

static void
checks_done(struct detctx *ctx, struct rmm_flow *st)
{
	st->flags = (uint8_t)((st->flags & ~RF_CHECKING) | RF_PORT_DONE);
	det_flow_packets(ctx, 0);
	maybe_report(ctx, st);
}

/* The lowest candidate not failed has passed: the first in file order. */
static int
port_winner(uint8_t failed, uint8_t passed, unsigned ncand, int final)
{
	unsigned b;

	for (b = 0; b < ncand; b++) {
		if (failed & (1u << b))
			continue;
		if (passed & (1u << b))
			return (int)b;
		if (!final)
			return -2;		/* an earlier rule still decides */
	}
	return -1;
}

static void
rmm_packet(struct detctx *ctx, void *fs, const struct pkt *pk, int dir)
{
	const struct rmm_tables *tb = det_tables(ctx);
	const struct flow *f = det_flow(ctx);
	struct rmm_flow *st = fs;
	const struct rmm_port *r, *cand[8];
	struct rmm_pend *p;
	uint16_t port = flow_server_port(f);
	unsigned i, k, nc = 0;
	size_t n;
	char v[64];
	int verdict, win, final;

	if (!(st->flags & RF_CHECKING) || tb == NULL)
		return;
	if (pk->pl_len == 0 || pk->pl_off >= pk->caplen)
		return;
	n = pk->pl_len;
	if (n > pk->caplen - pk->pl_off)
		n = pk->caplen - pk->pl_off;
	k = st->payloads[dir]++;
	/* The port's rules in file order; bit b of failed/passed: cand[b]. */
	for (i = 0; i < tb->nports && nc < 8; i++) {
		r = &tb->ports[i];
		if (!port_rule_matches(r, f->key.proto, port))
			continue;
		cand[nc] = r;
		if (!((st->failed | st->passed) & (1u << nc))) {
			verdict = check_verdict(r->check, dir, k,
			    pk->data + pk->pl_off, n, f->key.proto == 6);
			if (verdict == 1)
				st->passed |= (uint8_t)(1u << nc);
			else if (verdict == 0)
				st->failed |= (uint8_t)(1u << nc);
		}
		nc++;
	}
	final = (st->payloads[0] >= CHECK_PAYLOADS &&
	    st->payloads[1] >= CHECK_PAYLOADS) ||
	    st->payloads[dir] > 2 * CHECK_PAYLOADS;
	if ((win = port_winner(st->failed, st->passed, nc, final)) == -2)
		return;
	if (win >= 0 && (p = pend_get(ctx, st)) != NULL) {
		r = cand[win];
		snprintf(v, sizeof(v), "%s/%u %s", f->key.proto == 6 ? "tcp" :
		    "udp", port, check_names[r->check - 1].name);
		evidence(p, tb, r->tool, RMM_SRC_PORT, v, strlen(v), NULL, 0);
	}
	checks_done(ctx, st);
}

/*
 * nDPI names the tool's protocol as the application (TLS.AnyDesk), or as
 * the master with no other application.  "TeamViewer.HTTP" (master
 * TeamViewer from the port, HTTP found in the payload) is plain HTTP.
 */
static int
ndpi_means(uint16_t id, const struct app_fact *a)
{
	return a->app_id == id || (a->master_id == id &&
	    (a->app_id == 0 || a->app_id == id));
}

static int
is_id(int want, uint16_t a, uint16_t b)
{
	return want > 0 && (a == want || b == want);
}

static void
rmm_app(struct detctx *ctx, void *fs, const struct app_fact *a)
{
	const struct rmm_tables *tb = det_tables(ctx);
	struct rmm_flow *st = fs;
	struct rmm_pend *p, local;
	const char *name = a->name != NULL ? a->name : "";
	unsigned i;
	uint8_t src;

	if (tb == NULL)
		return;
	if (is_id(tb->id_dns, a->master_id, a->app_id)) {
		/* A DNS flow: nDPI's query name (the dissector's facts too). */
		if (a->server_name != NULL)
			dns_query(ctx, st, a->server_name,
			    strlen(a->server_name));
		return;
	}
	/* Most flows match nothing: build on the stack, keep only a match. */
	if ((p = st->p) == NULL) {
		memset(&local, 0, sizeof(local));
		p = &local;
	}
	if (a->server_name != NULL) {
		if (is_id(tb->id_tls, a->master_id, a->app_id) ||
		    is_id(tb->id_quic, a->master_id, a->app_id))
			src = RMM_SRC_TLS_SNI;
		else if (is_id(tb->id_http, a->master_id, a->app_id))
			src = RMM_SRC_HTTP_HOST;
		else
			src = RMM_SRC_SERVER_NAME;
		copyz(p->server_name, sizeof(p->server_name), a->server_name);
		match_name(p, tb, src, a->server_name, strlen(a->server_name));
	}
	match_substr(p, tb, RMM_SRC_HTTP_UA, a->user_agent);
	match_substr(p, tb, RMM_SRC_TLS_SUBJECT, a->tls_subject);
	match_substr(p, tb, RMM_SRC_TLS_ISSUER, a->tls_issuer);
	/* nDPI's protocol and risk count only when it saw the payload. */
	if (!a->guessed) {
		for (i = 0; i < tb->nprotos; i++)
			if (ndpi_means(tb->protos[i].ndpi, a))
				evidence(p, tb, tb->protos[i].tool,
				    RMM_SRC_NDPI, name, strlen(name), NULL, 0);
		if (tb->risk_tool >= 0 &&
		    (a->risks & (1ULL << NDPI_DESKTOP_OR_FILE_SHARING_SESSION)))
			evidence(p, tb, (unsigned)tb->risk_tool,
			    RMM_SRC_NDPI_RISK, name, strlen(name), NULL, 0);
	}
	if (p->m.tool_id[0] == '\0')
		return;
	if (p == &local) {
		if ((p = pend_get(ctx, st)) == NULL)
			return;
		*p = local;
	}
	copyz(p->m.app_proto, sizeof(p->m.app_proto), a->name);
	maybe_report(ctx, st);
}

static void
rmm_fact(struct detctx *ctx, void *fs, const struct fact *fa)
{
	const struct dns_fact *d = fa->u.dns;

	if (fa->type != FACT_DNS || d->is_response || d->qname == NULL)
		return;
	dns_query(ctx, fs, (const char *)d->qname, d->qname_len);
}

static void
rmm_session(struct detctx *ctx, void *fs)
{
	maybe_report(ctx, fs);
}

static void
rmm_flow_end(struct detctx *ctx, void *fs)
{
	const struct flow *f = det_flow(ctx);
	struct rmm_flow *st = fs;
	struct rmm_end e;

	if (st->p != NULL && st->p->m.tool_id[0] != '\0' &&
	    !(st->flags & RF_REPORTED) &&
	    f->session) {
		st->flags |= RF_PORT_DONE;
		report(ctx, st);
	}
	if (st->p != NULL && (st->flags & RF_REPORTED)) {
		memset(&e, 0, sizeof(e));
		e.flow = f->first_seq;
		e.start_us = f->first_us;
		e.end_us = f->last_us;
		/* What the match did not carry yet (it had the bytes so far). */
		e.bytes = f->bytes[0] + f->bytes[1] - st->p->m.bytes;
		copyz(e.tool_id, sizeof(e.tool_id), st->p->m.tool_id);
		copyz(e.tenant, sizeof(e.tenant), st->p->m.tenant);
		det_observe(ctx, RMM_OBS_END, &e, sizeof(e), 0);
	}
	pend_free(ctx, st);
}

/* ---- the catalogue ------------------------------------------------------------ */

/* Ids are lower case; rmm_allowed's words compare ignoring case. */
static int
tool_index(const struct rmm_tables *tb, const char *id)
{
	unsigned i;

	for (i = 0; i < tb->ntools; i++)
		if (strcasecmp(tb->tools[i].id, id) == 0)
			return (int)i;
	return -1;
}

static int
valid_id(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= RMM_ID_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i])
		    || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return 1;
}

static int
grow(void **arr, unsigned n, size_t size, char *err, size_t errlen)
{
	void *a;

	if (n >= MAX_RULES) {
		snprintf(err, errlen, "more than %d entries of this kind",
		    MAX_RULES);
		return -1;
	}
	if ((a = realloc(*arr, (n + 1) * size)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*arr = a;
	return 0;
}

/* "*.a.b", ".a.b", "x-*.a.b" or "a.b": exactness and fixed suffix length. */
static void
pattern_shape(const char *pat, struct rmm_dom *d)
{
	const char *dot = strchr(pat, '.');

	d->exact = strpbrk(pat, "*?") == NULL && pat[0] != '.';
	if (d->exact)
		d->suffix_len = (uint16_t)strlen(pat);
	else if (pat[0] == '.')
		d->suffix_len = (uint16_t)strlen(pat + 1);
	else
		d->suffix_len = (uint16_t)(dot != NULL ? strlen(dot + 1) : 0);
}

static int
parse_domain(struct rmm_tables *tb, unsigned t, char *v, char *err,
    size_t errlen)
{
	char *pat = strtok(v, " \t"), *opt = strtok(NULL, " \t");
	struct rmm_dom *d;

	if (pat == NULL || strtok(NULL, " \t") != NULL ||
	    (opt != NULL && strcmp(opt, "host") != 0)) {
		snprintf(err, errlen, "expected 'domain PATTERN [host]'");
		return -1;
	}
	if (grow((void **)&tb->doms, tb->ndoms, sizeof(*tb->doms), err,
	    errlen) < 0)
		return -1;
	if (domainset_builder_add(tb->b, pat, tb->ndoms, err, errlen) < 0)
		return -1;
	d = &tb->doms[tb->ndoms++];
	memset(d, 0, sizeof(*d));
	d->tool = (uint16_t)t;
	d->tenant_host = opt != NULL;
	pattern_shape(pat, d);
	return 0;
}

static int
parse_port(struct rmm_tables *tb, unsigned t, char *v, char *err,
    size_t errlen)
{
	char *proto = strtok(v, " \t"), *range = strtok(NULL, " \t");
	char *check = strtok(NULL, " \t");
	unsigned lo, hi, p;
	struct rmm_port *r;
	size_t i;
	uint8_t c = 0;

	if (proto == NULL || range == NULL || check == NULL ||
	    strtok(NULL, " \t") != NULL ||
	    (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0)) {
		snprintf(err, errlen, "expected 'port tcp|udp PORT[-PORT] CHECK'");
		return -1;
	}
	if (sigfile_port_range(range, &lo, &hi, err, errlen) < 0)
		return -1;
	for (i = 0; i < sizeof(check_names) / sizeof(check_names[0]); i++)
		if (strcmp(check, check_names[i].name) == 0)
			c = check_names[i].check;
	if (c == 0) {
		snprintf(err, errlen, "'%s' is not a structural check (tls, "
		    "http, rfb, rfb-tight, rdp, teamviewer, rustdesk)", check);
		return -1;
	}
	if (grow((void **)&tb->ports, tb->nports, sizeof(*tb->ports), err,
	    errlen) < 0)
		return -1;
	r = &tb->ports[tb->nports++];
	r->tool = (uint16_t)t;
	r->ipproto = strcmp(proto, "tcp") == 0 ? 6 : 17;
	r->check = c;
	r->lo = (uint16_t)lo;
	r->hi = (uint16_t)hi;
	for (p = lo; p <= hi; p++)
		tb->portmap[r->ipproto == 17][p >> 3] |= (uint8_t)(1u << (p & 7));
	return 0;
}

static int
parse_substr(struct rmm_tables *tb, unsigned t, uint8_t source,
    const char *v, char *err, size_t errlen)
{
	struct rmm_substr *s;
	size_t i, n = strlen(v);

	if (n == 0 || n >= SUBSTR_LEN) {
		snprintf(err, errlen, "a pattern of 1 to %d bytes",
		    SUBSTR_LEN - 1);
		return -1;
	}
	if (grow((void **)&tb->subs, tb->nsubs, sizeof(*tb->subs), err,
	    errlen) < 0)
		return -1;
	s = &tb->subs[tb->nsubs++];
	s->tool = (uint16_t)t;
	s->source = source;
	for (i = 0; i <= n; i++)
		s->s[i] = (char)tolower((unsigned char)v[i]);
	return 0;
}

static int
valid_mitre(const char *m)
{
	size_t i, n = strlen(m);

	for (i = 1; i < n && isdigit((unsigned char)m[i]); i++)
		;
	return m[0] == 'T' && i == 5 && (n == 5 || (n == 9 && m[5] == '.' &&
	    strspn(m + 6, "0123456789") == 3));
}

static int
new_tool(struct rmm_tables *tb, const char *id, const char *name, char *err,
    size_t errlen)
{
	struct rmm_tool *t;

	if (!valid_id(id)) {
		snprintf(err, errlen, "'%s': a tool id is 1 to %d lower-case "
		    "letters, digits, '-', '_', '.'", id, RMM_ID_LEN - 1);
		return -1;
	}
	if (tool_index(tb, id) >= 0) {
		snprintf(err, errlen, "tool '%s' declared twice", id);
		return -1;
	}
	if (strlen(name) >= RMM_TOOL_LEN) {
		snprintf(err, errlen, "display name longer than %d bytes",
		    RMM_TOOL_LEN - 1);
		return -1;
	}
	if (tb->ntools >= MAX_TOOLS) {
		snprintf(err, errlen, "more than %d tools", MAX_TOOLS);
		return -1;
	}
	if (grow((void **)&tb->tools, tb->ntools, sizeof(*tb->tools), err,
	    errlen) < 0)
		return -1;
	t = &tb->tools[tb->ntools++];
	memset(t, 0, sizeof(*t));
	copyz(t->id, sizeof(t->id), id);
	copyz(t->name, sizeof(t->name), name);
	copyz(t->mitre, sizeof(t->mitre), "T1219");
	t->commercial = 1;
	return 0;
}

/* "TOOL FIELD VALUE..." (see the catalogue's header) */
static int
rmm_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct rmm_tables *tb = arg;
	const char *id = r->field[0], *field = r->field[1];
	char *v = r->field[2];
	struct rmm_tool *tool;
	int t, n;

	if (strcmp(field, "tool") == 0)
		return new_tool(tb, id, v, err, errlen);
	if ((t = tool_index(tb, id)) < 0) {
		snprintf(err, errlen, "tool '%s' is not declared (its 'tool' "
		    "line comes first)", id);
		return -1;
	}
	tool = &tb->tools[t];
	if (strcmp(field, "vendor") == 0) {
		if (strlen(v) >= RMM_VENDOR_LEN) {
			snprintf(err, errlen, "vendor longer than %d bytes",
			    RMM_VENDOR_LEN - 1);
			return -1;
		}
		copyz(tool->vendor, sizeof(tool->vendor), v);
	} else if (strcmp(field, "class") == 0) {
		if (strcmp(v, "rmm") != 0 && strcmp(v, "remote-desktop") != 0) {
			snprintf(err, errlen, "'%s': the class is rmm or "
			    "remote-desktop", v);
			return -1;
		}
		tool->commercial = strcmp(v, "rmm") == 0;
	} else if (strcmp(field, "mitre") == 0) {
		if (!valid_mitre(v)) {
			snprintf(err, errlen, "'%s' is not an ATT&CK technique "
			    "id (T1219, T1021.001)", v);
			return -1;
		}
		copyz(tool->mitre, sizeof(tool->mitre), v);
	} else if (strcmp(field, "tenant") == 0) {
		if (strcmp(v, "server") != 0 && strcmp(v, "none") != 0) {
			snprintf(err, errlen, "'%s': the tenant is server or "
			    "none", v);
			return -1;
		}
		tool->tenant_server = strcmp(v, "server") == 0;
	} else if (strcmp(field, "domain") == 0) {
		return parse_domain(tb, (unsigned)t, v, err, errlen);
	} else if (strcmp(field, "ua") == 0) {
		return parse_substr(tb, (unsigned)t, RMM_SRC_HTTP_UA, v, err,
		    errlen);
	} else if (strcmp(field, "subject") == 0) {
		return parse_substr(tb, (unsigned)t, RMM_SRC_TLS_SUBJECT, v, err,
		    errlen);
	} else if (strcmp(field, "issuer") == 0) {
		return parse_substr(tb, (unsigned)t, RMM_SRC_TLS_ISSUER, v, err,
		    errlen);
	} else if (strcmp(field, "port") == 0) {
		return parse_port(tb, (unsigned)t, v, err, errlen);
	} else if (strcmp(field, "ndpi") == 0) {
		if ((n = tb->la->ndpi_id(tb->la, v)) < 0) {
			snprintf(err, errlen, "'%s' is not a protocol nDPI "
			    "knows", v);
			return -1;
		}
		if (grow((void **)&tb->protos, tb->nprotos, sizeof(*tb->protos),
		    err, errlen) < 0)
			return -1;
		tb->protos[tb->nprotos].ndpi = (uint16_t)n;
		tb->protos[tb->nprotos++].tool = (uint16_t)t;
	} else if (strcmp(field, "risk") == 0) {
		if (strcmp(v, "desktop_file_sharing") != 0) {
			snprintf(err, errlen, "'%s': the one nDPI risk known "
			    "here is desktop_file_sharing", v);
			return -1;
		}
		if (tb->risk_tool >= 0) {
			snprintf(err, errlen, "risk desktop_file_sharing "
			    "given to two tools");
			return -1;
		}
		tb->risk_tool = t;
	} else {
		snprintf(err, errlen, "'%s': the field is tool, vendor, class, "
		    "mitre, tenant, domain, ua, subject, issuer, port, ndpi or "
		    "risk", field);
		return -1;
	}
	return 0;
}

static void
rmm_unload(void *arg)
{
	struct rmm_tables *tb = arg;

	if (tb == NULL)
		return;
	domainset_builder_free(tb->b);
	domainset_free(tb->names);
	free(tb->tools);
	free(tb->doms);
	free(tb->subs);
	free(tb->ports);
	free(tb->protos);
	free(tb);
}

/* rmm_allowed names tools of the catalogue: a typo would allow nothing. */
static int
check_allowed(const struct rmm_tables *tb, const struct config *cfg,
    const char *path, char *err, size_t errlen)
{
	struct wordlist *w;
	char e[256];
	size_t i;

	if (cfg == NULL || cfg->rmm_allowed[0] == '\0')
		return 0;
	if ((w = wordlist_build(cfg->rmm_allowed, e, sizeof(e))) == NULL) {
		snprintf(err, errlen, "rmm_allowed: %s", e);
		return -1;
	}
	for (i = 0; i < wordlist_entries(w); i++) {
		if (tool_index(tb, wordlist_word(w, i)) >= 0)
			continue;
		snprintf(err, errlen, "rmm_allowed: '%s' is not a tool id of "
		    "%s", wordlist_word(w, i), path);
		wordlist_free(w);
		return -1;
	}
	wordlist_free(w);
	return 0;
}

static int
ndpi_id_or_none(const struct det_load_args *la, const char *name)
{
	int id = la->ndpi_id(la, name);

	return id > 0 ? id : 0;
}

static void *
rmm_load(const struct det_load_args *la, char *err, size_t errlen)
{
	static const struct sigfile_spec spec = { 3, 3, SIGFILE_REST };
	struct rmm_tables *tb;
	char path[SIGFILE_MAX_DIR + 64];

	if ((tb = calloc(1, sizeof(*tb))) == NULL ||
	    (tb->b = domainset_builder_new()) == NULL) {
		rmm_unload(tb);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	tb->la = la;
	tb->risk_tool = -1;
	if (sigfile_read_in(la->sigdir, CATALOGUE, &spec, rmm_line, tb, err,
	    errlen) < 0) {
		rmm_unload(tb);
		return NULL;
	}
	tb->names = domainset_builder_finish(tb->b, err, errlen);
	tb->b = NULL;
	snprintf(path, sizeof(path), "%s/%s", la->sigdir, CATALOGUE);
	if (tb->names == NULL ||
	    check_allowed(tb, la->cfg, path, err, errlen) < 0) {
		rmm_unload(tb);
		return NULL;
	}
	tb->id_dns = ndpi_id_or_none(la, "DNS");
	tb->id_tls = ndpi_id_or_none(la, "TLS");
	tb->id_quic = ndpi_id_or_none(la, "QUIC");
	tb->id_http = ndpi_id_or_none(la, "HTTP");
	tb->la = NULL;
	return tb;
}

const struct detector rmm_detector = {
	.name = "rmm",
	.description = "remote-access tools of the RMM catalogue (DNS, TLS "
	    "names and certificates, HTTP, port structure, nDPI): "
	    "remote_access, with its correlator rmm_corr",
	.events = DET_EV_FLOW_START | DET_EV_APP | DET_EV_FACT |
	    DET_EV_SESSION | DET_EV_PACKET | DET_EV_FLOW_END,
	.fact_mask = 1u << FACT_DNS,
	.flow_state_size = sizeof(struct rmm_flow),
	.load = rmm_load,
	.unload = rmm_unload,
	.flow_start = rmm_flow_start,
	.app = rmm_app,
	.fact = rmm_fact,
	.session = rmm_session,
	.packet = rmm_packet,
	.flow_end = rmm_flow_end,
};
