/*
 * tunnel_doh.c - DNS over HTTPS and DNS over TLS/QUIC to resolvers that
 * are not sanctioned: tunnel, type doh or dot, ATT&CK T1071.004 and T1572
 * (resolution that bypasses the site's resolvers, and its logging, is also
 * how DNS tunnels such as dns2tcp-over-DoH and dnstt leave).
 *
 * dot: a TLS (or QUIC: DoQ, RFC 9250) session to port 853 (RFC 7858),
 * recognised from payload by nDPI.  doh: a TLS or QUIC session whose SNI
 * is a public DoH service in signatures/doh_providers.txt, or, without an
 * SNI, whose server address is one of the providers' resolver addresses
 * there; nDPI's own DoH_DoT classification counts too.
 *
 * A finding needs a session (payload both ways after a handshake: a scan
 * of 853 is not a resolver in use), a classification from payload (never
 * nDPI's port guess), and a pair outside tunnel_allowed: list the site's
 * own DoH/DoT resolvers there (a single address allows every tunnel with
 * an end at it).  One finding per (client, server, type) per
 * tunnel_report_interval: a browser opens many such flows.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"
#include "detector.h"
#include "domainset.h"
#include "flow.h"
#include "sigdb.h"
#include "sigfile.h"
#include "tunnel_util.h"

#define DOH_PROVIDERS	255
#define DOH_NAME	32
#define DOH_SNI		96
#define DOT_PORT	853

enum doh_type { DOH_NONE = 0, DOH_DOH, DOH_DOT };
enum doh_by { BY_PORT = 0, BY_SNI, BY_ADDRESS, BY_NDPI };

struct doh_tables {
	struct domainset	*names;		/* value: provider index + 1 */
	struct addrset		*addrs;		/* tag: provider index */
	char			(*provider)[DOH_NAME];
	unsigned		 nprov;
	int			 id_tls, id_quic, id_dohdot;
	/* during load only */
	struct domainset_builder *nb;
	struct addrset_builder	*ab;
};

/* What a report needs; on the stack, or kept until the session. */
struct doh_match {
	uint8_t		type;		/* enum doh_type */
	uint8_t		by;		/* enum doh_by */
	char		provider[DOH_NAME];
	char		sni[DOH_SNI];
};

struct doh_flow {
	uint8_t		 done;
	struct doh_match *pending;	/* waiting for the session */
};

static const char *const by_names[] = { "port", "sni", "address", "ndpi" };

static void
copy(char *dst, size_t cap, const char *src)
{
	size_t n = src != NULL ? strnlen(src, cap - 1) : 0;

	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static void
report(struct detctx *ctx, const struct doh_match *st)
{
	const struct flow *f = det_flow(ctx);
	struct tunnel_once *o = det_worker_state(ctx);
	struct tunnel_once_key k;
	struct finding fd;

	tunnel_once_key(&k, st->type, f->key.family, flow_client_addr(f),
	    flow_server_addr(f), 0);
	if (o != NULL && !tunnel_once(ctx, o, &k, "tunnel_doh_forgotten"))
		return;
	finding_init(&fd, FK_TUNNEL, SEV_MEDIUM, st->by == BY_ADDRESS ? 60 :
	    80);
	finding_mitre(&fd, "T1071.004");
	finding_mitre(&fd, "T1572");
	finding_str(&fd, "type", st->type == DOH_DOT ? "dot" : "doh");
	if (st->provider[0] != '\0')
		finding_str(&fd, "provider", st->provider);
	if (st->sni[0] != '\0')
		finding_str(&fd, "server_name", st->sni);
	finding_str(&fd, "matched_by", by_names[st->by]);
	finding_str(&fd, "transport", f->key.proto == 17 ? "udp" : "tcp");
	finding_int(&fd, "port", flow_server_port(f));
	finding_str(&fd, "detected_by", "ndpi");
	det_emit(ctx, &fd);
}

static void
doh_app(struct detctx *ctx, void *fs, const struct app_fact *a)
{
	const struct doh_tables *t = det_tables(ctx);
	const struct flow *f = det_flow(ctx);
	struct doh_flow *fl = fs;
	struct doh_match m, *st = &m;
	uintptr_t v = 0;
	int tls, tag = -1;

	if (t == NULL || a->guessed || fl->done)
		return;
	memset(&m, 0, sizeof(m));
	tls = a->master_id == t->id_tls || a->app_id == t->id_tls ||
	    a->master_id == t->id_quic || a->app_id == t->id_quic;
	if (!tls && a->app_id != t->id_dohdot && a->master_id != t->id_dohdot)
		return;
	if (addrpairs_match(det_sets(ctx)->tunnel_allowed, f->key.family,
	    flow_client_addr(f), flow_server_addr(f)))
		return;
	copy(st->sni, sizeof(st->sni), a->server_name);
	if (a->server_name != NULL && domainset_lookup(t->names,
	    a->server_name, strlen(a->server_name), &v) != DOMAINSET_NONE &&
	    v > 0 && v <= t->nprov) {
		st->by = BY_SNI;
		copy(st->provider, sizeof(st->provider), t->provider[v - 1]);
	} else if (a->server_name == NULL && (tag = addrset_lookup(t->addrs,
	    f->key.family, flow_server_addr(f))) >= 0 &&
	    (unsigned)tag < t->nprov) {
		st->by = BY_ADDRESS;
		copy(st->provider, sizeof(st->provider), t->provider[tag]);
	} else if (a->app_id == t->id_dohdot || a->master_id == t->id_dohdot) {
		st->by = BY_NDPI;
	} else if (flow_server_port(f) != DOT_PORT) {
		return;
	}
	st->type = flow_server_port(f) == DOT_PORT ? DOH_DOT : DOH_DOH;
	if (st->type == DOH_DOT && st->by == BY_NDPI)
		st->by = BY_PORT;
	if (f->session) {
		fl->done = 1;
		report(ctx, st);
		return;
	}
	if ((fl->pending = tunnel_flow_alloc(ctx, sizeof(m),
	    "tunnel_doh_memcap")) != NULL)
		*fl->pending = m;
}

static void
doh_session(struct detctx *ctx, void *fs)
{
	struct doh_flow *fl = fs;

	if (fl->pending == NULL || fl->done)
		return;
	fl->done = 1;
	report(ctx, fl->pending);
	tunnel_flow_free(ctx, (void **)&fl->pending, sizeof(*fl->pending));
}

static void
doh_flow_end(struct detctx *ctx, void *fs)
{
	struct doh_flow *fl = fs;

	tunnel_flow_free(ctx, (void **)&fl->pending, sizeof(*fl->pending));
}

/* "PROVIDER NAME-OR-ADDRESS" */
static int
doh_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct doh_tables *t = arg;
	unsigned i;
	uint8_t buf[16];
	char addr[64], *slash;

	for (i = 0; i < t->nprov; i++)
		if (strcmp(t->provider[i], r->field[0]) == 0)
			break;
	if (i == t->nprov) {
		if (t->nprov >= DOH_PROVIDERS ||
		    strlen(r->field[0]) >= DOH_NAME) {
			snprintf(err, errlen, "too many providers or a name "
			    "longer than %d bytes", DOH_NAME - 1);
			return -1;
		}
		t->provider = realloc(t->provider, (t->nprov + 1) *
		    sizeof(*t->provider));
		if (t->provider == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		copy(t->provider[t->nprov++], DOH_NAME, r->field[0]);
	}
	/* An address or block goes to the address set, a name to names. */
	snprintf(addr, sizeof(addr), "%s", r->field[1]);
	if ((slash = strchr(addr, '/')) != NULL)
		*slash = '\0';
	if (inet_pton(AF_INET, addr, buf) == 1 ||
	    inet_pton(AF_INET6, addr, buf) == 1)
		return addrset_builder_add_tagged(t->ab, r->field[1], i, err,
		    errlen);
	return domainset_builder_add(t->nb, r->field[1], i + 1, err, errlen);
}

static void
doh_unload(void *p)
{
	struct doh_tables *t = p;

	if (t == NULL)
		return;
	domainset_free(t->names);
	addrset_free(t->addrs);
	domainset_builder_free(t->nb);
	addrset_builder_free(t->ab);
	free(t->provider);
	free(t);
}

static void *
doh_load(const struct det_load_args *la, char *err, size_t errlen)
{
	static const struct sigfile_spec spec = { 2, 2, 0 };
	struct doh_tables *t;

	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->nb = domainset_builder_new()) == NULL ||
	    (t->ab = addrset_builder_new(NULL)) == NULL) {
		snprintf(err, errlen, "out of memory");
		doh_unload(t);
		return NULL;
	}
	t->id_tls = la->ndpi_id(la, "TLS");
	t->id_quic = la->ndpi_id(la, "QUIC");
	t->id_dohdot = la->ndpi_id(la, "DoH_DoT");
	if (sigfile_read_in(la->sigdir, "doh_providers.txt", &spec, doh_line,
	    t, err, errlen) < 0) {
		doh_unload(t);
		return NULL;
	}
	t->names = domainset_builder_finish(t->nb, err, errlen);
	t->nb = NULL;
	if (t->names == NULL) {
		doh_unload(t);
		return NULL;
	}
	t->addrs = addrset_builder_finish(t->ab, err, errlen);
	t->ab = NULL;
	if (t->addrs == NULL) {
		doh_unload(t);
		return NULL;
	}
	return t;
}

static void *
doh_worker_new(const struct config *c)
{
	(void)c;
	return tunnel_once_new();
}

const struct detector tunnel_doh_detector = {
	.name = "tunnel_doh",
	.description = "DNS over HTTPS (known providers by SNI or address) "
	    "and over TLS/QUIC (853) to resolvers not in tunnel_allowed: "
	    "tunnel",
	.events = DET_EV_APP | DET_EV_SESSION | DET_EV_FLOW_END,
	.flow_state_size = sizeof(struct doh_flow),
	.load = doh_load,
	.unload = doh_unload,
	.worker_new = doh_worker_new,
	.worker_free = tunnel_once_delete,
	.app = doh_app,
	.session = doh_session,
	.flow_end = doh_flow_end,
};
