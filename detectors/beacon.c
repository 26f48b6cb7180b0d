/*
 * beacon.c - the worker half of beacon detection (beacon_corr.c scores;
 * beacon.h says why the work is split): turns flows into the events of
 * beacon series.
 *
 * Events, one observation each:
 *   - a connection (TCP answered by a SYN-ACK, or UDP from the client),
 *     when nDPI's answer is final: its start time, the bytes each way by
 *     then, its server name (TLS/QUIC SNI, HTTP Host);
 *   - a DNS query (the DNS dissector's FACT_DNS, and nDPI's query name on
 *     DNS flows, once per name and flow): its time, name and registered
 *     domain (Public Suffix List: public_suffix_list; without it, the last
 *     two labels);
 *   - on a session (payload both ways) that stays open: each burst of
 *     payload from the client that follows a silence of at least
 *     beacon_min_interval seconds (a heartbeat candidate), from the second
 *     burst on.  A flow whose bursts average more than BULK_PER_BURST
 *     payload packets is a transfer, not a heartbeat channel: its packets
 *     stop coming here (det_flow_packets).
 * Not events (signatures/beacon_allowlist.txt): periodic infrastructure by
 * nDPI protocol (NTP, NetBIOS, SSDP, mDNS ...), by port (udp 123 ...), by
 * name (OCSP and CRL hosts, update and telemetry services); a flow any of
 * these match gives nothing, its lookups neither.
 *
 * Per flow: 16 bytes.  Per packet, only on the flows followed for
 * heartbeats: a few compares.  Time is packet time only.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "beacon.h"
#include "config.h"
#include "decode.h"
#include "detector.h"
#include "domainset.h"
#include "flow.h"
#include "sigfile.h"

#define ALLOWLIST	"beacon_allowlist.txt"
#define MAX_LABELS	64
#define LABEL_LEN	32
#define MAX_PROTOS	64
#define BULK_PER_BURST	64	/* payload packets per burst: a transfer */

struct beacon_tables {
	struct domainset	*allow;		/* [domain] */
	char			 labels[MAX_LABELS][LABEL_LEN];	/* [label] */
	unsigned		 nlabels;
	uint16_t		 protos[MAX_PROTOS];	/* [proto], nDPI ids */
	unsigned		 nprotos;
	uint8_t			 ports[2][65536 / 8];	/* [port]: tcp, udp */
	/* Public Suffix List: rules, "*." rules (their parent), "!" rules */
	struct domainset	*psl, *psl_wild, *psl_exc;
	int			 id_dns;
	/* during load only */
	const struct det_load_args *la;
	struct domainset_builder *b, *bp, *bw, *be;
	unsigned		 psl_skipped;
};

#define BF_IGNORED	0x01	/* allow-listed: no events */
#define BF_FOLLOWED	0x02	/* heartbeat packets subscribed */
#define BF_CONN_SENT	0x04
#define BF_DNS_FLOW	0x08

/* 16 bytes: every flow carries one.  Times in ms after the flow's start. */
struct beacon_flow {
	uint32_t	last_up_ms;	/* last client payload packet */
	uint32_t	burst_ms;	/* start of the current burst */
	uint32_t	dns_hash;	/* last query name reported */
	uint16_t	up_pkts;	/* client payload packets (saturating) */
	uint8_t		bursts;		/* (saturating) */
	uint8_t		flags;
};

/* ---- names -------------------------------------------------------------- */

static uint32_t
name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (uint8_t)tolower((unsigned char)s[i])) * 16777619u;
	return h | 1;
}

static int
psl_has(const struct domainset *s, const char *name, size_t len)
{
	return s != NULL && domainset_lookup(s, name, len, NULL) ==
	    DOMAINSET_EXACT;
}

/*
 * Offset of the registered domain in name (len bytes, no trailing dot):
 * one label more than the longest public suffix (PSL algorithm: an
 * exception rule wins and means its parent; "*" is the default rule).
 * A name that is a public suffix itself is its own registered domain.
 */
static size_t
registered_domain(const struct beacon_tables *tb, const char *name,
    size_t len)
{
	size_t starts[128], n = 0, i, ps;

	starts[n++] = 0;
	for (i = 0; i < len && n < 128; i++)
		if (name[i] == '.' && i + 1 < len)
			starts[n++] = i + 1;
	ps = n - 1;			/* the default rule: the last label */
	if (tb->psl != NULL) {
		for (i = 0; i < n; i++) {
			const char *s = name + starts[i];
			size_t l = len - starts[i];

			if (psl_has(tb->psl_exc, s, l)) {
				ps = i + 1 < n ? i + 1 : i;
				break;
			}
			if (psl_has(tb->psl, s, l) || (i + 1 < n &&
			    psl_has(tb->psl_wild, name + starts[i + 1],
			    len - starts[i + 1]))) {
				ps = i;
				break;
			}
		}
	}
	return ps > 0 ? starts[ps - 1] : 0;
}

static int
allowed_name(const struct beacon_tables *tb, const char *name, size_t len)
{
	const char *dot;
	size_t l, i;

	if (tb->allow != NULL &&
	    domainset_lookup(tb->allow, name, len, NULL) != DOMAINSET_NONE)
		return 1;
	dot = memchr(name, '.', len);
	l = dot != NULL ? (size_t)(dot - name) : len;
	for (i = 0; i < tb->nlabels; i++)
		if (strlen(tb->labels[i]) == l &&
		    strncasecmp(tb->labels[i], name, l) == 0)
			return 1;
	return 0;
}

static int
allowed_port(const struct beacon_tables *tb, const struct flow *f)
{
	uint16_t p = flow_server_port(f);

	if (f->key.proto != 6 && f->key.proto != 17)
		return 0;
	return (tb->ports[f->key.proto == 17][p >> 3] >> (p & 7)) & 1;
}

/* ---- observations ----------------------------------------------------------- */

static void
observe(struct detctx *ctx, uint16_t type, const struct beacon_obs *o,
    const char *name, size_t len)
{
	uint8_t buf[sizeof(struct beacon_obs) + BEACON_NAME_MAX];
	struct beacon_obs *b = (struct beacon_obs *)(void *)buf;

	if (len > BEACON_NAME_MAX)
		len = BEACON_NAME_MAX;
	*b = *o;
	b->name_len = (uint16_t)len;
	if (len > 0)
		memcpy(buf + sizeof(*b), name, len);
	det_observe(ctx, type, buf, sizeof(*b) + len, 0);
}

static void
set_app(struct beacon_obs *o, const char *app)
{
	size_t n = app != NULL ? strlen(app) : 0;

	if (n > sizeof(o->app) - 1)
		n = sizeof(o->app) - 1;
	memcpy(o->app, app != NULL ? app : "", n);
	o->app[n] = '\0';
}

static void
dns_query(struct detctx *ctx, struct beacon_flow *st, const char *name,
    size_t len)
{
	const struct beacon_tables *tb = det_tables(ctx);
	const struct flow *f = det_flow(ctx);
	struct beacon_obs o;
	uint32_t h;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (tb == NULL || len == 0 || (st->flags & BF_IGNORED))
		return;
	h = name_hash(name, len);
	if (h == st->dns_hash)
		return;
	st->dns_hash = h;
	if (allowed_name(tb, name, len)) {
		det_count(ctx, "beacon_allowlisted");
		return;
	}
	memset(&o, 0, sizeof(o));
	o.flow = f->first_seq;
	o.ts_us = det_now_us(ctx);
	o.bytes_up = len;
	o.regdom_off = (uint16_t)registered_domain(tb, name, len);
	set_app(&o, "DNS");
	observe(ctx, BEACON_OBS_DNS, &o, name, len);
}

/* ---- events ------------------------------------------------------------------ */

/* Packet time as ms after the flow's first packet (flows end within days). */
static uint32_t
flow_ms(const struct flow *f, uint64_t ts_us)
{
	uint64_t ms = ts_us > f->first_us ? (ts_us - f->first_us) / 1000 : 0;

	return ms < UINT32_MAX ? (uint32_t)ms : UINT32_MAX;
}

static void
stop_following(struct detctx *ctx, struct beacon_flow *st)
{
	if (st->flags & BF_FOLLOWED)
		det_flow_packets(ctx, 0);
	st->flags &= (uint8_t)~BF_FOLLOWED;
}

static void
beacon_flow_start(struct detctx *ctx, void *fs)
{
	const struct beacon_tables *tb = det_tables(ctx);
	struct beacon_flow *st = fs;

	if (tb == NULL || allowed_port(tb, det_flow(ctx)))
		st->flags |= BF_IGNORED;
}

static void
beacon_app(struct detctx *ctx, void *fs, const struct app_fact *a)
{
	const struct beacon_tables *tb = det_tables(ctx);
	const struct flow *f = det_flow(ctx);
	struct beacon_flow *st = fs;
	struct beacon_obs o;
	const char *name = a->server_name;
	size_t len = name != NULL ? strlen(name) : 0;
	unsigned i;

	if (tb == NULL || (st->flags & BF_IGNORED))
		return;
	for (i = 0; i < tb->nprotos; i++)
		if (tb->protos[i] == a->master_id || tb->protos[i] == a->app_id) {
			st->flags |= BF_IGNORED;
			stop_following(ctx, st);
			return;
		}
	if (tb->id_dns > 0 && (a->master_id == tb->id_dns ||
	    a->app_id == tb->id_dns)) {
		st->flags |= BF_DNS_FLOW;
		stop_following(ctx, st);
		if (name != NULL)
			dns_query(ctx, st, name, len);
		return;
	}
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len > 0 && allowed_name(tb, name, len)) {
		st->flags |= BF_IGNORED;
		stop_following(ctx, st);
		det_count(ctx, "beacon_allowlisted");
		return;
	}
	/* A connection: TCP answered, or UDP the client sent on. */
	if (f->key.proto == 6 ? !(f->tcp_flags & FLOW_TCP_SYNACK) :
	    f->key.proto != 17 || !(f->pl_dirs & 1))
		return;
	memset(&o, 0, sizeof(o));
	o.flow = f->first_seq;
	o.ts_us = f->first_us;
	o.bytes_up = f->bytes[0];
	o.bytes_down = f->bytes[1];
	o.regdom_off = len > 0 ? (uint16_t)registered_domain(tb, name, len) :
	    0;
	set_app(&o, a->name);
	observe(ctx, BEACON_OBS_CONN, &o, name, len);
	st->flags |= BF_CONN_SENT;
}

static void
beacon_fact(struct detctx *ctx, void *fs, const struct fact *fa)
{
	const struct dns_fact *d = fa->u.dns;

	if (fa->type != FACT_DNS || d->is_response || d->qname == NULL)
		return;
	((struct beacon_flow *)fs)->flags |= BF_DNS_FLOW;
	dns_query(ctx, fs, (const char *)d->qname, d->qname_len);
}

static void
beacon_session(struct detctx *ctx, void *fs)
{
	struct beacon_flow *st = fs;
	const struct flow *f = det_flow(ctx);

	if (st->flags & (BF_IGNORED | BF_DNS_FLOW))
		return;
	if (f->key.proto != 6 && f->key.proto != 17)
		return;
	st->flags |= BF_FOLLOWED;
	/* The first burst is the exchange that made the session. */
	st->burst_ms = st->last_up_ms = flow_ms(f, det_now_us(ctx));
	det_flow_packets(ctx, 1);
}

static void
beacon_packet(struct detctx *ctx, void *fs, const struct pkt *p, int dir)
{
	struct beacon_flow *st = fs;
	const struct flow *f = det_flow(ctx);
	struct beacon_obs o;
	uint32_t gap = det_config(ctx)->beacon_min_interval * 1000u;
	uint32_t now = flow_ms(f, p->ts_us);

	if (dir != DIR_TO_SERVER || p->pl_len == 0 ||
	    !(st->flags & BF_FOLLOWED))
		return;
	if (st->up_pkts < UINT16_MAX)
		st->up_pkts++;
	if (now >= st->last_up_ms + gap) {
		/* A new burst after a silence: a heartbeat candidate. */
		memset(&o, 0, sizeof(o));
		o.flow = f->first_seq;
		o.ts_us = p->ts_us;
		o.bytes_up = p->pl_len;
		o.prev_us = st->bursts == 0 ? f->first_us +
		    (uint64_t)st->burst_ms * 1000 : 0;
		observe(ctx, BEACON_OBS_BEAT, &o, NULL, 0);
		if (st->bursts < UINT8_MAX)
			st->bursts++;
		st->burst_ms = now;
	}
	st->last_up_ms = now;
	if (st->up_pkts > (uint32_t)BULK_PER_BURST * (st->bursts + 1u))
		stop_following(ctx, st);
}

/* ---- the allow-list and the Public Suffix List ---------------------------------- */

/* "KIND VALUE": domain PATTERN | label LABEL | proto NDPI | port tcp|udp P[-P] */
static int
allow_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct beacon_tables *tb = arg;
	const char *kind = r->field[0], *v = r->field[1];
	unsigned lo, hi, p;
	int id;

	if (strcmp(kind, "domain") == 0) {
		if (r->nfields != 2)
			goto usage;
		return domainset_builder_add(tb->b, v, 0, err, errlen);
	}
	if (strcmp(kind, "label") == 0) {
		if (r->nfields != 2 || strlen(v) >= LABEL_LEN ||
		    tb->nlabels >= MAX_LABELS || strchr(v, '.') != NULL) {
			snprintf(err, errlen, "a label is one word of up to %d "
			    "bytes (at most %d labels)", LABEL_LEN - 1,
			    MAX_LABELS);
			return -1;
		}
		snprintf(tb->labels[tb->nlabels++], LABEL_LEN, "%s", v);
		return 0;
	}
	if (strcmp(kind, "proto") == 0) {
		if (r->nfields != 2)
			goto usage;
		if ((id = tb->la->ndpi_id(tb->la, v)) < 0) {
			snprintf(err, errlen, "'%s' is not a protocol nDPI "
			    "knows", v);
			return -1;
		}
		if (tb->nprotos >= MAX_PROTOS) {
			snprintf(err, errlen, "more than %d protocols",
			    MAX_PROTOS);
			return -1;
		}
		tb->protos[tb->nprotos++] = (uint16_t)id;
		return 0;
	}
	if (strcmp(kind, "port") == 0) {
		if (r->nfields != 3 || (strcmp(v, "tcp") != 0 &&
		    strcmp(v, "udp") != 0))
			goto usage;
		if (sigfile_port_range(r->field[2], &lo, &hi, err, errlen) < 0)
			return -1;
		for (p = lo; p <= hi; p++)
			tb->ports[v[0] == 'u'][p >> 3] |=
			    (uint8_t)(1u << (p & 7));
		return 0;
	}
usage:
	snprintf(err, errlen, "expected 'domain PATTERN', 'label LABEL', "
	    "'proto NDPI-NAME' or 'port tcp|udp PORT[-PORT]'");
	return -1;
}

/*
 * The Public Suffix List file (publicsuffix.org format): a rule a line,
 * "//" comments; "*.x" and "!x.y" rules.  Rules that are not plain ASCII
 * host names (the list's IDNs in Unicode) are skipped: names on the wire
 * are in xn-- form.
 */
static int
load_psl(struct beacon_tables *tb, const char *path, char *err,
    size_t errlen)
{
	char *line = NULL, e[256], *s, *t;
	size_t cap = 0;
	FILE *fp;
	int rc;

	if (path[0] == '\0')
		return 0;		/* optional: the last two labels */
	/* A regular file only: getline() on a device would never end. */
	if ((fp = sigfile_fopen(path, e, sizeof(e))) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "public_suffix_list %s", e);
		return -1;
	}
	tb->bp = domainset_builder_new();
	tb->bw = domainset_builder_new();
	tb->be = domainset_builder_new();
	if (tb->bp == NULL || tb->bw == NULL || tb->be == NULL) {
		fclose(fp);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while (getline(&line, &cap, fp) > 0) {
		s = line + strspn(line, " \t");
		if ((t = strpbrk(s, " \t\r\n")) != NULL)
			*t = '\0';
		if (*s == '\0' || (s[0] == '/' && s[1] == '/'))
			continue;
		if (s[0] == '!')
			rc = domainset_builder_add(tb->be, s + 1, 0, e, sizeof(e));
		else if (s[0] == '*' && s[1] == '.')
			rc = domainset_builder_add(tb->bw, s + 2, 0, e, sizeof(e));
		else
			rc = domainset_builder_add(tb->bp, s, 0, e, sizeof(e));
		if (rc < 0)
			tb->psl_skipped++;
	}
	free(line);
	fclose(fp);
	tb->psl = domainset_builder_finish(tb->bp, err, errlen);
	tb->psl_wild = domainset_builder_finish(tb->bw, err, errlen);
	tb->psl_exc = domainset_builder_finish(tb->be, err, errlen);
	tb->bp = tb->bw = tb->be = NULL;
	if (tb->psl == NULL || tb->psl_wild == NULL || tb->psl_exc == NULL)
		return -1;
	return 0;
}

static void
beacon_unload(void *arg)
{
	struct beacon_tables *tb = arg;

	if (tb == NULL)
		return;
	domainset_builder_free(tb->b);
	domainset_builder_free(tb->bp);
	domainset_builder_free(tb->bw);
	domainset_builder_free(tb->be);
	domainset_free(tb->allow);
	domainset_free(tb->psl);
	domainset_free(tb->psl_wild);
	domainset_free(tb->psl_exc);
	free(tb);
}

static void *
beacon_load(const struct det_load_args *la, char *err, size_t errlen)
{
	static const struct sigfile_spec spec = { 2, 3, 0 };
	struct beacon_tables *tb;
	int id;

	if ((tb = calloc(1, sizeof(*tb))) == NULL ||
	    (tb->b = domainset_builder_new()) == NULL) {
		beacon_unload(tb);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	tb->la = la;
	if (sigfile_read_in(la->sigdir, ALLOWLIST, &spec, allow_line, tb, err,
	    errlen) < 0) {
		beacon_unload(tb);
		return NULL;
	}
	tb->allow = domainset_builder_finish(tb->b, err, errlen);
	tb->b = NULL;
	if (tb->allow == NULL || (la->cfg != NULL &&
	    load_psl(tb, la->cfg->public_suffix_list, err, errlen) < 0)) {
		beacon_unload(tb);
		return NULL;
	}
	id = la->ndpi_id(la, "DNS");
	tb->id_dns = id > 0 ? id : 0;
	tb->la = NULL;
	return tb;
}

const struct detector beacon_detector = {
	.name = "beacon",
	.description = "events of beacon series (connections, DNS queries, "
	    "heartbeats on long-lived flows) for its correlator beacon_corr: "
	    "beacon",
	.events = DET_EV_FLOW_START | DET_EV_APP | DET_EV_FACT |
	    DET_EV_SESSION | DET_EV_PACKET,
	.fact_mask = 1u << FACT_DNS,
	.flow_state_size = sizeof(struct beacon_flow),
	.load = beacon_load,
	.unload = beacon_unload,
	.flow_start = beacon_flow_start,
	.app = beacon_app,
	.fact = beacon_fact,
	.session = beacon_session,
	.packet = beacon_packet,
};
