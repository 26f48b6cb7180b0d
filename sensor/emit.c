/*
 * emit.c - findings from a worker to the publisher; see emit.h.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "dpi.h"
#include "emit.h"
#include "finding.h"
#include "flow.h"
#include "geoip.h"
#include "output.h"
#include "ring.h"
#include "worker.h"

/* Endpoint findings staged during one tick, at most this many at once. */
#define STAGE_MAX	1024

struct staged {
	uint64_t	 order;
	uint32_t	 idx;		/* staging order, breaks ties */
	struct out_rec	*rec;
};

/* SHA-256 input: each field as a 4-byte big-endian length and its bytes. */
static void
key_field(struct sha256_ctx *c, const void *p, size_t n)
{
	uint8_t l[4] = { (uint8_t)(n >> 24), (uint8_t)(n >> 16),
	    (uint8_t)(n >> 8), (uint8_t)n };

	sha256_update(c, l, sizeof(l));
	if (n > 0)
		sha256_update(c, p, n);
}

static uint64_t
key_final(struct sha256_ctx *c)
{
	uint8_t d[SHA256_LEN];
	uint64_t k = 0;
	unsigned i;

	sha256_final(c, d);
	for (i = 0; i < 8; i++)
		k = k << 8 | d[i];
	return k;
}

void
out_cred_keys(struct out_cred *oc, uint8_t kind, const uint8_t *user,
    size_t user_len)
{
	size_t alen = oc->family == 6 ? 16 : 4;
	uint8_t port[2] = { (uint8_t)(oc->dport >> 8), (uint8_t)oc->dport };
	struct sha256_ctx c;

	sha256_init(&c);
	key_field(&c, &kind, 1);
	key_field(&c, &oc->family, 1);
	key_field(&c, oc->client, alen);
	key_field(&c, oc->server, alen);
	key_field(&c, port, 2);
	key_field(&c, user, user_len);
	key_field(&c, oc->secret_hmac, oc->has_secret ? SHA256_LEN : 0);
	key_field(&c, &oc->outcome, 1);
	oc->dedup_key = key_final(&c);

	sha256_init(&c);
	key_field(&c, user, user_len);
	key_field(&c, oc->protocol, strlen(oc->protocol));
	key_field(&c, &oc->family, 1);
	key_field(&c, oc->server, alen);
	oc->account_key = key_final(&c);

	sha256_init(&c);
	key_field(&c, user, user_len);
	oc->user_key = key_final(&c);
}

static void
copy_cstr(char *dst, size_t cap, const char *src)
{
	size_t n = src != NULL ? strnlen(src, cap - 1) : 0;

	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * The correlator's header (output.h) for a credential finding: identity
 * copies, the secret's HMAC and the three keys (out_cred_keys), computed
 * here where the whole user name and the secret are at hand.
 */
static void
fill_cred(const struct worker *w, const struct flow *fl,
    const struct finding *f, struct out_cred *oc)
{
	const struct finding_cred *fc = &f->cred;
	size_t alen = fl->key.family == 6 ? 16 : 4;
	unsigned i;

	memset(oc, 0, sizeof(*oc));
	oc->family = fl->key.family;
	oc->ipproto = fl->key.proto;
	oc->sport = flow_client_port(fl);
	oc->dport = flow_server_port(fl);
	memcpy(oc->client, flow_client_addr(fl), alen);
	memcpy(oc->server, flow_server_addr(fl), alen);
	oc->outcome = (uint8_t)fc->outcome;
	oc->confidence = f->confidence;
	for (i = 0; i < f->nmitre && i < 4; i++)
		oc->mitre[i] = f->mitre[i];
	oc->nmitre = (uint8_t)i;
	copy_cstr(oc->protocol, sizeof(oc->protocol), fc->protocol);
	copy_cstr(oc->mechanism, sizeof(oc->mechanism), fc->mechanism);
	oc->user_len = (uint8_t)(fc->user_len < OUT_CRED_USER ? fc->user_len :
	    OUT_CRED_USER);
	oc->user_truncated = fc->user_len > OUT_CRED_USER;
	if (oc->user_len > 0)
		memcpy(oc->user, fc->user, oc->user_len);
	if (finding_secret_mac(w->s, f, oc->secret_hmac) == 0) {
		oc->has_secret = 1;
		oc->secret_len = (uint32_t)f->secret_len;
	}
	out_cred_keys(oc, (uint8_t)f->kind, fc->user, fc->user_len);
}


/* Puts a formatted record on the output ring (the caller fills the rest). */
static void
commit(struct worker *w, const struct out_rec *hdr, const char *body)
{
	struct out_rec *r;
	unsigned spins = 0;
	uint32_t need = (uint32_t)(sizeof(*r) + hdr->len);

	while ((r = ring_reserve(w->out, need)) == NULL) {
		if (w->s->live) {
			if (hdr->obs != 0)
				worker_weird(w, "observation_dropped");
			else
				w->st.findings_dropped++;
			return;
		}
		/* Offline: the publisher is behind; wait, nothing is lost. */
		if (++spins > 16)
			ring_wait_space(w->out, need, 2000);
	}
	*r = *hdr;
	r->key = w->cur_key;
	r->sub = w->emit_seq++;
	memcpy(r->body, body, hdr->len);
	ring_commit(w->out);
	worker_set_progress(w, r->key, r->flow_seq, (uint64_t)r->sub + 1);
	if (hdr->obs != 0)
		w->st.observations++;
	else
		w->st.findings[hdr->kind < FK_MAX ? hdr->kind : 0]++;
}

/*
 * Commits a record now (a flow event, or outside a tick), or stages it
 * until the tick ends (an endpoint record made in a tick: see emit.h).
 */
static void
queue(struct worker *w, int flow_event, const struct out_rec *hdr,
    const char *body, uint64_t order)
{
	struct staged *sg;

	if (flow_event || !w->staging) {
		commit(w, hdr, body);
		return;
	}
	if (w->nstaged == STAGE_MAX) {
		worker_weird(w, "emit_stage_full");
		emit_stage_end(w);
		w->staging = 1;
	}
	if (w->staged == NULL &&
	    (w->staged = calloc(STAGE_MAX, sizeof(*w->staged))) == NULL) {
		commit(w, hdr, body);
		return;
	}
	sg = &w->staged[w->nstaged];
	if ((sg->rec = malloc(sizeof(*hdr) + hdr->len)) == NULL) {
		commit(w, hdr, body);
		return;
	}
	*sg->rec = *hdr;
	memcpy(sg->rec->body, body, hdr->len);
	sg->order = order;
	sg->idx = w->nstaged++;
}

/* The record header's endpoints: the flow's, or the caller's. */
static void
fill_endpoints(const struct flow *fl, const struct finding_endpoints *ep,
    struct out_rec *hdr)
{
	size_t alen;

	if (fl == NULL) {
		if (ep != NULL) {
			hdr->ep = *ep;
			hdr->has_ep = 1;
		}
		return;
	}
	alen = fl->key.family == 6 ? 16 : 4;
	hdr->ep.family = fl->key.family;
	hdr->ep.proto = fl->key.proto;
	hdr->ep.sport = flow_client_port(fl);
	hdr->ep.dport = flow_server_port(fl);
	memcpy(hdr->ep.client, flow_client_addr(fl), alen);
	memcpy(hdr->ep.server, flow_server_addr(fl), alen);
	hdr->has_ep = 1;
}

void
finding_emit(struct worker *w, const struct flow *fl,
    const struct finding_endpoints *ep, uint64_t order,
    const struct finding *f)
{
	struct finding_where where = { fl, NULL, NULL, NULL, ep };
	struct geo_info geo[2];
	struct out_rec hdr;
	char app[64];
	long n;

	if (fl != NULL) {
		where.ep = NULL;
		where.app_proto = dpi_app_name(w, fl, app, sizeof(app));
		where.app_category = dpi_app_category(w, fl);
	}
	/* GeoIP per finding: findings are rare, a lookup is cheap, and a
	 * flow then carries no GeoIP memory. */
	if (w->s->geo != NULL && (fl != NULL || ep != NULL)) {
		int fam = fl != NULL ? fl->key.family : ep->family;

		geoip_lookup(w->s->geo, fam, fl != NULL ? flow_client_addr(fl) :
		    ep->client, &geo[0]);
		geoip_lookup(w->s->geo, fam, fl != NULL ? flow_server_addr(fl) :
		    ep->server, &geo[1]);
		where.geo = geo;
	}
	n = finding_format(w->s, &where, f, w->json, sizeof(w->json));
	if (n < 0 || n > UINT16_MAX) {
		w->st.findings_too_big++;
		return;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.flow_seq = fl != NULL ? fl->first_seq : order;
	hdr.kind = (uint8_t)f->kind;
	hdr.severity = (uint8_t)f->severity;
	hdr.len = (uint16_t)n;
	hdr.ts_us = w->now_us;
	hdr.flags |= f->out_flags;
	hdr.fold_key = f->fold_key;
	hdr.fold_tally = f->fold_tally;
	memcpy(hdr.fold_sum, f->fold_sum, sizeof(hdr.fold_sum));
	fill_endpoints(fl, ep, &hdr);
	if (fl != NULL && f->cred.set) {
		fill_cred(w, fl, f, &hdr.cred);
		hdr.has_cred = 1;
	}
	queue(w, fl != NULL, &hdr, w->json, order);
}

void
observe_emit(struct worker *w, const struct flow *fl, uint64_t order,
    uint16_t type, const void *data, size_t len)
{
	struct out_rec hdr;

	if (type == 0 || len > UINT16_MAX) {
		worker_weird(w, "observation_invalid");
		return;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.flow_seq = fl != NULL ? fl->first_seq : order;
	hdr.kind = FK_MAX;
	hdr.obs = type;
	hdr.len = (uint16_t)len;
	hdr.ts_us = w->now_us;
	fill_endpoints(fl, NULL, &hdr);
	queue(w, fl != NULL, &hdr, data, order);
}

void
emit_stage_begin(struct worker *w)
{
	w->staging = 1;
}

static int
cmp_staged(const void *x, const void *y)
{
	const struct staged *a = x, *b = y;

	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

void
emit_stage_end(struct worker *w)
{
	unsigned i;

	w->staging = 0;
	if (w->nstaged == 0)
		return;
	qsort(w->staged, w->nstaged, sizeof(*w->staged), cmp_staged);
	for (i = 0; i < w->nstaged; i++) {
		commit(w, w->staged[i].rec, w->staged[i].rec->body);
		free(w->staged[i].rec);
		w->staged[i].rec = NULL;
	}
	w->nstaged = 0;
}

void
emit_fini(struct worker *w)
{
	unsigned i;

	for (i = 0; w->staged != NULL && i < w->nstaged; i++)
		free(w->staged[i].rec);
	free(w->staged);
	w->staged = NULL;
	w->nstaged = 0;
}
