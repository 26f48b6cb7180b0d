/*
 * finding.c - building a finding, its common header and secret redaction;
 * see finding.h.  Workers queue findings with finding_emit() (emit.c).
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
#include "flow.h"
#include "geoip.h"
#include "json.h"
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
	[FK_EDGE_DEVICE] = "edge_device",
	[FK_HANDOFF] = "handoff",
};

int
finding_kind_from_correlator(enum finding_kind k)
{
	return k == FK_CREDENTIAL_REUSE || k == FK_CREDENTIAL_ATTACK ||
	    k == FK_REMOTE_ACCESS || k == FK_BEACON || k == FK_HANDOFF;
}

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
jb_ktime(struct jbuf *j, const char *key, uint64_t ts_us)
{
	char t[32];

	format_time_us(ts_us, t);
	jb_kstr(j, key, t);
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
write_endpoints(struct jbuf *j, const struct finding_endpoints *ep,
    const char *app_proto)
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
	if (app_proto != NULL)
		jb_kstr(j, "app_proto", app_proto);
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
		write_endpoints(&j, w->ep, w->app_proto);
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
