/*
 * tunnel_services.c - reverse-tunnel, exposure and mesh-VPN services found
 * by name: tunnel, type tunnel_service, ATT&CK T1572 (Protocol Tunneling)
 * and T1090.002 (External Proxy) for exposure services, T1133 (External
 * Remote Services) for mesh VPNs.
 *
 * ngrok, Cloudflare Tunnel, Microsoft dev tunnels and VS Code tunnels,
 * localtonet, serveo, localhost.run, pinggy, bore, playit, localxpose,
 * localtunnel, zrok and others publish a host inside the network to the
 * internet through an outbound connection; Tailscale, ZeroTier and
 * NetBird join it to a mesh.  Each is recognised by the names its agent
 * resolves and connects to (signatures/tunnel_services.txt): a DNS query
 * (FACT_DNS from the DNS dissector), or a TLS/QUIC SNI or HTTP Host that
 * nDPI saw (the application fact).  One finding per (client, service) per
 * tunnel_report_interval, whichever evidence came first; a client whose
 * pair with the server (for DNS: its resolver) is in tunnel_allowed is
 * not reported (list a sanctioned host there, a lone address allows
 * every tunnel with an end in it).
 */
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

#define SV_MAX		256
#define SV_NAME		32

enum sv_category { SC_EXPOSURE = 1, SC_MESH };

struct sv_service {
	char		 name[SV_NAME];
	uint8_t		 category;
};

struct sv_tables {
	struct domainset	*names;		/* value: service index + 1 */
	struct sv_service	*sv;
	unsigned		 n;
	struct domainset_builder *b;		/* during load only */
};

static void
report(struct detctx *ctx, const struct sv_service *s, const char *by,
    const uint8_t *name, size_t len)
{
	const struct flow *f = det_flow(ctx);
	struct tunnel_once *o = det_worker_state(ctx);
	struct tunnel_once_key k;
	struct finding fd;
	int mesh = s->category == SC_MESH;

	if (addrpairs_match(det_sets(ctx)->tunnel_allowed, f->key.family,
	    flow_client_addr(f), flow_server_addr(f)))
		return;
	tunnel_once_key(&k, 1, f->key.family, flow_client_addr(f), NULL,
	    tunnel_once_hash(s->name, strlen(s->name)));
	if (o != NULL && !tunnel_once(ctx, o, &k, "tunnel_services_forgotten"))
		return;
	finding_init(&fd, FK_TUNNEL, mesh ? SEV_MEDIUM : SEV_HIGH,
	    strcmp(by, "dns") == 0 ? 75 : 85);
	finding_mitre(&fd, "T1572");
	finding_mitre(&fd, mesh ? "T1133" : "T1090.002");
	finding_str(&fd, "type", "tunnel_service");
	finding_str(&fd, "service", s->name);
	finding_str(&fd, "category", mesh ? "mesh_vpn" : "exposure");
	finding_str(&fd, "matched_by", by);
	finding_strn(&fd, "server_name", name, len > 253 ? 253 : len);
	finding_str(&fd, "detected_by", strcmp(by, "dns") == 0 ? "dns" :
	    "ndpi");
	det_emit(ctx, &fd);
}

static const struct sv_service *
lookup(const struct sv_tables *t, const char *name, size_t len)
{
	uintptr_t v = 0;

	if (t == NULL || name == NULL || len == 0 ||
	    domainset_lookup(t->names, name, len, &v) == DOMAINSET_NONE ||
	    v == 0 || v > t->n)
		return NULL;
	return &t->sv[v - 1];
}

static void
sv_fact(struct detctx *ctx, void *fs, const struct fact *fa)
{
	const struct dns_fact *d = fa->u.dns;
	const struct sv_service *s;

	(void)fs;
	if (d->is_response || d->qname == NULL)
		return;
	if ((s = lookup(det_tables(ctx), (const char *)d->qname,
	    d->qname_len)) != NULL)
		report(ctx, s, "dns", d->qname, d->qname_len);
}

/* Whether nDPI's master or application protocol name starts with p. */
static int
is_proto(const struct app_fact *a, const char *p)
{
	size_t n = strlen(p);

	return (a->master != NULL && strncmp(a->master, p, n) == 0) ||
	    (a->app != NULL && strncmp(a->app, p, n) == 0);
}

static void
sv_app(struct detctx *ctx, void *fs, const struct app_fact *a)
{
	const struct sv_service *s;
	size_t n;

	(void)fs;
	/* A DNS flow's server_name is its query, seen by sv_fact. */
	if (a->server_name == NULL || is_proto(a, "DNS"))
		return;
	n = strlen(a->server_name);
	if ((s = lookup(det_tables(ctx), a->server_name, n)) != NULL)
		report(ctx, s, is_proto(a, "HTTP") ? "http_host" : "sni",
		    (const uint8_t *)a->server_name, n);
}

/* "SERVICE exposure|mesh NAME" */
static int
sv_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct sv_tables *t = arg;
	struct sv_service *ns;
	unsigned i;
	uint8_t cat;

	cat = strcmp(r->field[1], "exposure") == 0 ? SC_EXPOSURE :
	    strcmp(r->field[1], "mesh") == 0 ? SC_MESH : 0;
	if (cat == 0) {
		snprintf(err, errlen, "'%s': the category is exposure or mesh",
		    r->field[1]);
		return -1;
	}
	for (i = 0; i < t->n; i++)
		if (strcmp(t->sv[i].name, r->field[0]) == 0)
			break;
	if (i == t->n) {
		if (t->n >= SV_MAX || strlen(r->field[0]) >= SV_NAME) {
			snprintf(err, errlen, "more than %d services or a name "
			    "longer than %d bytes", SV_MAX, SV_NAME - 1);
			return -1;
		}
		if ((ns = realloc(t->sv, (t->n + 1) * sizeof(*ns))) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		t->sv = ns;
		snprintf(t->sv[i].name, SV_NAME, "%s", r->field[0]);
		t->sv[i].category = cat;
		t->n++;
	} else if (t->sv[i].category != cat) {
		snprintf(err, errlen, "'%s' is listed with two categories",
		    r->field[0]);
		return -1;
	}
	return domainset_builder_add(t->b, r->field[2], i + 1, err, errlen);
}

static void
sv_unload(void *p)
{
	struct sv_tables *t = p;

	if (t == NULL)
		return;
	domainset_free(t->names);
	domainset_builder_free(t->b);
	free(t->sv);
	free(t);
}

static void *
sv_load(const struct det_load_args *la, char *err, size_t errlen)
{
	static const struct sigfile_spec spec = { 3, 3, 0 };
	struct sv_tables *t;

	(void)la;
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->b = domainset_builder_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		sv_unload(t);
		return NULL;
	}
	if (sigfile_read_in(la->sigdir, "tunnel_services.txt", &spec, sv_line,
	    t, err, errlen) < 0) {
		sv_unload(t);
		return NULL;
	}
	t->names = domainset_builder_finish(t->b, err, errlen);
	t->b = NULL;
	if (t->names == NULL) {
		sv_unload(t);
		return NULL;
	}
	return t;
}

static void *
sv_worker_new(const struct config *c)
{
	(void)c;
	return tunnel_once_new();
}

const struct detector tunnel_services_detector = {
	.name = "tunnel_services",
	.description = "reverse-tunnel, exposure and mesh-VPN services (ngrok, "
	    "Cloudflare Tunnel, dev tunnels, Tailscale ...) by DNS, SNI and "
	    "HTTP host: tunnel",
	.events = DET_EV_FACT | DET_EV_APP,
	.fact_mask = 1u << FACT_DNS,
	.load = sv_load,
	.unload = sv_unload,
	.worker_new = sv_worker_new,
	.worker_free = tunnel_once_delete,
	.fact = sv_fact,
	.app = sv_app,
};
