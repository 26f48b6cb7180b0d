/*
 * finding.c - the common header, secret redaction and the worker's
 * emission into its output ring; see finding.h.
 *
 * Ordering: every finding carries the key of the input item that produced it
 * (2 * packet number for packets, 2 * tick + 1 for timer ticks and the end of
 * input), the first packet number of its flow and a per-key counter.  The
 * publisher merges the workers' rings by that triple, so offline output is
 * the same whatever the number of workers.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "community_id.h"
#include "crypto.h"
#include "codec.h"
#include "finding.h"
#include "geoip.h"
#include "json.h"
#include "output.h"
#include "ring.h"
#include "sensor.h"

const char *const finding_kind_names[FK_MAX] = {
	[FK_CLEARTEXT_CREDENTIAL] = "cleartext_credential",
	[FK_WEAK_AUTH] = "weak_auth",
	[FK_EDGE_MGMT_SESSION] = "edge_mgmt_session",
	[FK_PACKET_CAPTURE] = "packet_capture",
	[FK_TUNNEL] = "tunnel",
	[FK_REMOTE_ACCESS] = "remote_access",
	[FK_BEACON] = "beacon",
	[FK_SENSOR_HEALTH] = "sensor_health",
	[FK_CREDENTIAL_REUSE] = "credential_reuse",
	[FK_CREDENTIAL_ATTACK] = "credential_attack",
};

const char *const severity_names[] = {
	"info", "low", "medium", "high", "critical"
};

static const struct {
	uint8_t		 num;
	const char	*name;
} proto_names[] = {
	{ 1, "ICMP" }, { 6, "TCP" }, { 17, "UDP" }, { 47, "GRE" },
	{ 50, "ESP" }, { 51, "AH" }, { 58, "IPv6-ICMP" }, { 132, "SCTP" },
	{ 4, "IPIP" }, { 41, "IPv6" }, { 2, "IGMP" }, { 89, "OSPF" },
	{ 103, "PIM" }, { 112, "VRRP" },
};

void
finding_init(struct finding *f, enum finding_kind kind, enum severity sev,
    uint8_t confidence)
{
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->severity = sev;
	f->confidence = confidence;
}

void
finding_mitre(struct finding *f, const char *technique)
{
	if (f->nmitre < FINDING_MAX_MITRE)
		f->mitre[f->nmitre++] = technique;
}

static struct fattr *
attr_slot(struct finding *f, const char *key, enum fact_val_type t)
{
	struct fattr *a;

	if (f->nattrs >= FINDING_MAX_ATTRS)
		return NULL;
	a = &f->attrs[f->nattrs++];
	memset(a, 0, sizeof(*a));
	a->key = key;
	a->type = t;
	return a;
}

void
finding_strn(struct finding *f, const char *key, const uint8_t *s, size_t n)
{
	struct fattr *a = attr_slot(f, key, FACT_STR);

	if (a != NULL) {
		a->str = s;
		a->len = s != NULL ? n : 0;
	}
}

void
finding_str(struct finding *f, const char *key, const char *s)
{
	finding_strn(f, key, (const uint8_t *)s, s != NULL ? strlen(s) : 0);
}

void
finding_int(struct finding *f, const char *key, int64_t v)
{
	struct fattr *a = attr_slot(f, key, FACT_INT);

	if (a != NULL)
		a->num = v;
}

void
finding_bool(struct finding *f, const char *key, int v)
{
	struct fattr *a = attr_slot(f, key, FACT_BOOL);

	if (a != NULL)
		a->num = v != 0;
}

void
finding_secret(struct finding *f, const uint8_t *s, size_t n,
    const char *crack)
{
	f->secret = s;
	f->secret_len = s != NULL ? n : 0;
	f->crack = crack;
}

void
finding_secret_hmac(struct finding *f, const uint8_t *mac, size_t n)
{
	f->secret = NULL;
	f->secret_hmac = mac;
	f->secret_len = n;
}

void
finding_cred(struct finding *f, const char *protocol, const char *mechanism,
    const uint8_t *user, size_t user_len, enum cred_outcome outcome)
{
	f->cred.set = 1;
	f->cred.protocol = protocol;
	f->cred.mechanism = mechanism;
	f->cred.user = user;
	f->cred.user_len = user != NULL ? user_len : 0;
	f->cred.outcome = outcome;
}

int
finding_secret_mac(const struct sensor *s, const struct finding *f,
    uint8_t mac[SHA256_LEN])
{
	if (f->secret == NULL)
		return -1;
	hmac_sha256(s->hmac_key, s->hmac_key_len, f->secret, f->secret_len, mac);
	return 0;
}

void
format_time_us(uint64_t ts_us, char out[32])
{
	time_t secs = (time_t)(ts_us / 1000000);
	char tmp[96];
	struct tm tm;

	gmtime_r(&secs, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (unsigned)(ts_us % 1000000));
	/* 27 bytes for any year below 10000, which 32-bit pcap times are. */
	memcpy(out, tmp, 31);
	out[31] = '\0';
}

void
format_addr(int family, const uint8_t *a, char out[48])
{
	if (inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, out, 48) == NULL)
		strcpy(out, "?");
}

static const char *
proto_name(uint8_t proto)
{
	size_t i;

	for (i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (proto_names[i].num == proto)
			return proto_names[i].name;
	return NULL;
}

static void
write_attrs(struct jbuf *j, const struct fattr *a, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		jb_key(j, a[i].key);
		switch (a[i].type) {
		case FACT_STR:
			jb_strn(j, a[i].str, a[i].len);
			break;
		case FACT_INT:
			jb_int(j, a[i].num);
			break;
		case FACT_BOOL:
			jb_bool(j, (int)a[i].num);
			break;
		}
	}
}

static void
write_secret(const struct sensor *s, struct jbuf *j, const struct finding *f)
{
	uint8_t mac[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];

	if (f->secret == NULL && f->secret_hmac != NULL) {
		jb_kuint(j, "secret_length", f->secret_len);
		hex_encode(f->secret_hmac, SHA256_LEN, hex, sizeof(hex));
		jb_kstr(j, "secret_hmac", hex);
		return;
	}
	if (finding_secret_mac(s, f, mac) < 0)
		return;
	jb_kuint(j, "secret_length", f->secret_len);
	hex_encode(mac, sizeof(mac), hex, sizeof(hex));
	jb_kstr(j, "secret_hmac", hex);
	if (s->cfg.reveal_secrets) {
		jb_kstrn(j, "secret", f->secret, f->secret_len);
		if (f->crack != NULL)
			jb_kstr(j, "crack", f->crack);
	}
	secure_zero(mac, sizeof(mac));
}

static void
write_flow(struct jbuf *j, const struct flow *fl, const char *app_proto,
    const char *app_category)
{
	const struct flow_key *k = &fl->key;
	char addr[48], cid[COMMUNITY_ID_LEN];
	const char *pn;
	unsigned i;
	int vl = 0;

	format_addr(k->family, flow_client_addr(fl), addr);
	jb_kstr(j, "src_ip", addr);
	jb_kuint(j, "src_port", flow_client_port(fl));
	format_addr(k->family, flow_server_addr(fl), addr);
	jb_kstr(j, "dest_ip", addr);
	jb_kuint(j, "dest_port", flow_server_port(fl));
	if ((pn = proto_name(k->proto)) != NULL)
		jb_kstr(j, "proto", pn);
	else
		jb_kuint(j, "proto", k->proto);
	if (fl->encap != NULL) {
		for (i = 0; i < fl->encap->n; i++) {
			if (fl->encap->types[i] != ENCAP_VLAN &&
			    fl->encap->types[i] != ENCAP_QINQ)
				continue;
			if (!vl++) {
				jb_key(j, "vlan");
				jb_arr_open(j);
			}
			jb_uint(j, fl->encap->ids[i]);
		}
		if (vl)
			jb_arr_close(j);
	}
	if (app_proto != NULL)
		jb_kstr(j, "app_proto", app_proto);
	if (app_category != NULL)
		jb_kstr(j, "app_category", app_category);
	if (community_id_v1(0, k->family, flow_client_addr(fl),
	    flow_server_addr(fl), k->proto, flow_client_port(fl),
	    flow_server_port(fl), cid) == 0)
		jb_kstr(j, "community_id", cid);
	if (fl->encap != NULL && fl->encap->n > 0) {
		const struct encap_layer *o = &fl->encap->outer;

		jb_key(j, "encap");
		jb_obj_open(j);
		jb_key(j, "layers");
		jb_arr_open(j);
		for (i = 0; i < fl->encap->n; i++) {
			jb_obj_open(j);
			jb_kstr(j, "type", encap_type_name(fl->encap->types[i]));
			jb_kuint(j, "id", fl->encap->ids[i]);
			jb_obj_close(j);
		}
		jb_arr_close(j);
		if (fl->encap->has_outer) {
			jb_key(j, "outer");
			jb_obj_open(j);
			jb_kstr(j, "type", encap_type_name(o->type));
			format_addr(o->family, o->src, addr);
			jb_kstr(j, "src_ip", addr);
			format_addr(o->family, o->dst, addr);
			jb_kstr(j, "dest_ip", addr);
			if (o->sport || o->dport) {
				jb_kuint(j, "src_port", o->sport);
				jb_kuint(j, "dest_port", o->dport);
			}
			jb_obj_close(j);
		}
		jb_obj_close(j);
	}
}

/* A flow-less finding's endpoints (struct finding_endpoints). */
static void
write_endpoints(struct jbuf *j, const struct finding_endpoints *ep)
{
	char addr[48], cid[COMMUNITY_ID_LEN];
	const char *pn;

	format_addr(ep->family, ep->client, addr);
	jb_kstr(j, "src_ip", addr);
	if (ep->sport != 0)
		jb_kuint(j, "src_port", ep->sport);
	format_addr(ep->family, ep->server, addr);
	jb_kstr(j, "dest_ip", addr);
	if (ep->dport != 0)
		jb_kuint(j, "dest_port", ep->dport);
	if ((pn = proto_name(ep->proto)) != NULL)
		jb_kstr(j, "proto", pn);
	else
		jb_kuint(j, "proto", ep->proto);
	if (ep->sport != 0 && ep->dport != 0 &&
	    community_id_v1(0, ep->family, ep->client, ep->server, ep->proto,
	    ep->sport, ep->dport, cid) == 0)
		jb_kstr(j, "community_id", cid);
}

long
finding_format(const struct sensor *s, const struct finding_where *w,
    const struct finding *f, char *buf, size_t cap)
{
	const char *kind = finding_kind_names[f->kind];
	struct jbuf j;
	unsigned i;

	/* The body continues an object the publisher has opened. */
	jb_init(&j, buf, cap);
	j.depth = 1;
	j.need_comma[0] = 0;
	jb_kstr(&j, "sensor", s->cfg.sensor_name);
	jb_kstr(&j, "kind", kind);
	jb_kstr(&j, "severity", severity_names[f->severity]);
	jb_kuint(&j, "confidence", f->confidence);
	jb_key(&j, "mitre");
	jb_arr_open(&j);
	for (i = 0; i < f->nmitre; i++)
		jb_str(&j, f->mitre[i]);
	jb_arr_close(&j);
	if (w != NULL && w->flow != NULL)
		write_flow(&j, w->flow, w->app_proto, w->app_category);
	else if (w != NULL && w->ep != NULL)
		write_endpoints(&j, w->ep);
	if (w != NULL && w->geo != NULL) {
		jb_key(&j, "geo");
		jb_obj_open(&j);
		jb_key(&j, "src");
		geo_info_json(&j, &w->geo[0]);
		jb_key(&j, "dest");
		geo_info_json(&j, &w->geo[1]);
		jb_obj_close(&j);
	}
	jb_key(&j, kind);
	jb_obj_open(&j);
	write_attrs(&j, f->attrs, f->nattrs);
	write_secret(s, &j, f);
	if (f->extra != NULL)
		f->extra(&j, f->extra_arg);
	jb_obj_close(&j);
	jb_obj_close(&j);
	return jb_finish(&j);
}

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

void
finding_emit(struct worker *w, struct flow *fl, const struct finding *f)
{
	struct out_cred oc;
	int has_cred = fl != NULL && f->cred.set;
	struct finding_where where = { fl, NULL, NULL, NULL, NULL };
	struct out_rec *r;
	char app[64];
	unsigned spins = 0;
	long n;

	if (fl != NULL) {
		where.app_proto = worker_app_name(w, fl, app, sizeof(app));
		where.app_category = worker_app_category(w, fl);
		fl->nfindings++;
		/* GeoIP: looked up once per flow, at its first finding. */
		if (w->s->geo != NULL && fl->geo == NULL &&
		    flow_mem_charge(w->flows, 2 * sizeof(*fl->geo)) == 0 &&
		    (fl->geo = calloc(2, sizeof(*fl->geo))) != NULL) {
			geoip_lookup(w->s->geo, fl->key.family,
			    flow_client_addr(fl), &fl->geo[0]);
			geoip_lookup(w->s->geo, fl->key.family,
			    flow_server_addr(fl), &fl->geo[1]);
		}
		where.geo = fl->geo;
	}
	n = finding_format(w->s, &where, f, w->json, sizeof(w->json));
	if (n < 0 || n > UINT16_MAX) {
		w->st.findings_too_big++;
		return;
	}
	if (has_cred)
		fill_cred(w, fl, f, &oc);
	while ((r = ring_reserve(w->out, (uint32_t)(sizeof(*r) + (size_t)n)))
	    == NULL) {
		if (w->s->live) {
			w->st.findings_dropped++;
			return;
		}
		/* Offline: the publisher is behind; wait, nothing is lost. */
		if (++spins > 16)
			ring_wait_space(w->out, (uint32_t)(sizeof(*r) + (size_t)n),
			    2000);
	}
	r->key = w->cur_key;
	r->flow_seq = fl != NULL ? fl->first_seq : 0;
	r->sub = w->emit_seq++;
	r->kind = (uint8_t)f->kind;
	r->severity = (uint8_t)f->severity;
	r->len = (uint16_t)n;
	r->ts_us = w->now_us;
	r->has_cred = (uint8_t)has_cred;
	if (has_cred)
		r->cred = oc;
	memcpy(r->body, w->json, (size_t)n);
	ring_commit(w->out);
	worker_set_progress(w, r->key, r->flow_seq, (uint64_t)r->sub + 1);
	w->st.findings[f->kind]++;
}
