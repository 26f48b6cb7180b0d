/*
 * cred_correlate.c - de-duplication, secret reuse and brute force / spraying
 * detection over the publisher's ordered stream of findings; see
 * cred_correlate.h for what triggers a finding and what does not.
 *
 * One table holds three entry types, each found by (type, 64-bit key) in a
 * chained hash and kept on one LRU list:
 *   dedup   key = out_cred.dedup_key (computed by the worker, output.h)
 *   reuse   key = first 8 bytes of the secret HMAC (the full HMAC compared)
 *   attack  key = SHA-256 of the client address (the address compared)
 * De-duplication entries are also on a FIFO in the order they were opened,
 * which is the order their windows close; closing walks its head, so the
 * follow-ups come out in a deterministic order.
 *
 * Findings made here go through finding_format() with explicit endpoints
 * (struct finding_endpoints): the triggering record's 5-tuple (for a
 * follow-up, the first occurrence's), and GeoIP for those endpoints when a
 * database is configured.  They carry no vlan, encap or app_proto: the
 * records they refer to have those.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "config.h"
#include "cred_correlate.h"
#include "crypto.h"
#include "finding.h"
#include "geoip.h"
#include "json.h"
#include "output.h"

#define US_PER_S		1000000ULL
#define REUSE_MAX_ACCOUNTS	32	/* distinct accounts tracked per secret */
#define REUSE_SHOWN		8	/* accounts listed in a finding */
#define ATTACK_SERVERS		8	/* servers listed in a finding */

enum ce_type {
	CE_DEDUP = 1,
	CE_REUSE,
	CE_ATTACK
};

/* Common head of every entry. */
struct ce {
	struct ce	*hnext;		/* hash chain */
	struct ce	*lprev, *lnext;	/* LRU list, head = most recent */
	uint64_t	 key;
	uint8_t		 type;
};

struct ce_dedup {
	struct ce	 h;
	struct ce_dedup	*fprev, *fnext;	/* FIFO, in the order opened */
	uint64_t	 first_us, last_us;
	uint64_t	 count;
	uint64_t	 first_id;	/* finding number of the first, 0: none */
	uint8_t		 kind, severity;
	struct out_cred	 cred;		/* the first occurrence's */
};

struct reuse_account {
	uint64_t	key;		/* out_cred.account_key */
	uint64_t	first_us;
	uint8_t		family;
	uint8_t		server[16];
	uint8_t		user_len;
	char		protocol[OUT_CRED_PROTO];
	uint8_t		user[OUT_CRED_USER];
};

struct ce_reuse {
	struct ce		 h;
	uint8_t			 mac[SHA256_LEN];
	int			 edge_success;
	unsigned		 n, cap;
	struct reuse_account	*acc;	/* n accounts, in the order seen */
};

struct atk_user {
	uint64_t	key;		/* out_cred.user_key */
	uint32_t	failures;
};

#define ATK_BRUTE	0x01
#define ATK_SPRAY	0x02

struct ce_attack {
	struct ce	 h;
	uint8_t		 family;
	uint8_t		 client[16];
	uint8_t		 reported;	/* ATK_* already reported this window */
	uint64_t	 win_start_us;
	uint64_t	 first_us, last_us;
	uint32_t	 failures;
	uint32_t	 distinct;	/* distinct users this window */
	unsigned	 nusers;	/* users[] in use, at most threshold */
	unsigned	 nservers;
	uint8_t		 servers[ATTACK_SERVERS][16];
	char		 protocol[OUT_CRED_PROTO];
	struct atk_user	 users[];	/* threshold slots */
};

struct correlate {
	const struct sensor	*s;
	struct correlate_opts	 o;
	const char		*run_id;
	correlate_out_fn	 out;
	void			*arg;
	struct ce		**buckets;
	size_t			 mask;
	struct ce		*lru_head, *lru_tail;
	struct ce_dedup		*fifo_head, *fifo_tail;
	uint64_t		 now_us;	/* largest packet time seen */
	struct correlate_stats	 st;
	/* One record at a time: a finding this module makes. */
	uint64_t		 rec[(sizeof(struct out_rec) + FINDING_JSON_MAX) /
				    sizeof(uint64_t) + 1];
};

static const char *const outcome_names[] = { "unknown", "success", "failure" };

/*
 * Protocols that administer devices or directories: a secret that works on
 * one of them and is also used elsewhere makes reuse high severity.
 */
static const char *const edge_protocols[] = {
	"ssh", "telnet", "snmp", "http", "ldap", "rsh", "rlogin", "rexec",
	"radius", "tacacs", "vnc", "rdp", "winrm",
};

static int
edge_protocol(const char *p)
{
	size_t i;

	for (i = 0; i < sizeof(edge_protocols) / sizeof(edge_protocols[0]); i++)
		if (strcmp(p, edge_protocols[i]) == 0)
			return 1;
	return 0;
}

static size_t
addr_len(uint8_t family)
{
	return family == 6 ? 16 : 4;
}

static uint64_t
be64(const uint8_t *p)
{
	uint64_t k = 0;
	unsigned i;

	for (i = 0; i < 8; i++)
		k = k << 8 | p[i];
	return k;
}

/* ---- the table ----------------------------------------------------------- */

static struct ce **
bucket(struct correlate *c, uint64_t key)
{
	/* Keys are hash output already: the low bits are as good as any. */
	return &c->buckets[key & c->mask];
}

static void
lru_unlink(struct correlate *c, struct ce *e)
{
	if (e->lprev != NULL)
		e->lprev->lnext = e->lnext;
	else
		c->lru_head = e->lnext;
	if (e->lnext != NULL)
		e->lnext->lprev = e->lprev;
	else
		c->lru_tail = e->lprev;
	e->lprev = e->lnext = NULL;
}

static void
lru_push(struct correlate *c, struct ce *e)
{
	e->lprev = NULL;
	e->lnext = c->lru_head;
	if (c->lru_head != NULL)
		c->lru_head->lprev = e;
	c->lru_head = e;
	if (c->lru_tail == NULL)
		c->lru_tail = e;
}

static void
lru_touch(struct correlate *c, struct ce *e)
{
	if (c->lru_head == e)
		return;
	lru_unlink(c, e);
	lru_push(c, e);
}

static void
fifo_unlink(struct correlate *c, struct ce_dedup *d)
{
	if (d->fprev != NULL)
		d->fprev->fnext = d->fnext;
	else
		c->fifo_head = d->fnext;
	if (d->fnext != NULL)
		d->fnext->fprev = d->fprev;
	else
		c->fifo_tail = d->fprev;
}

static void	dedup_followup(struct correlate *c, const struct ce_dedup *d);

/* Removes an entry; a de-duplication entry first publishes its follow-up. */
static void
ce_drop(struct correlate *c, struct ce *e)
{
	struct ce **pp;

	for (pp = bucket(c, e->key); *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == e) {
			*pp = e->hnext;
			break;
		}
	lru_unlink(c, e);
	switch (e->type) {
	case CE_DEDUP: {
		struct ce_dedup *d = (struct ce_dedup *)e;

		fifo_unlink(c, d);
		if (d->count > 1)
			dedup_followup(c, d);
		break;
	}
	case CE_REUSE:
		free(((struct ce_reuse *)e)->acc);
		break;
	}
	free(e);
	c->st.entries--;
}

/*
 * A new zeroed entry of `size` bytes, in the hash and at the LRU head.
 * Evicts the least recently used entry when the table is full.  NULL when
 * out of memory (counted).
 */
static struct ce *
ce_new(struct correlate *c, size_t size, uint8_t type, uint64_t key)
{
	struct ce *e, **b;

	if (c->st.entries >= c->o.max_entries && c->lru_tail != NULL) {
		c->st.evicted++;
		ce_drop(c, c->lru_tail);
	}
	if ((e = calloc(1, size)) == NULL) {
		c->st.alloc_failed++;
		return NULL;
	}
	e->type = type;
	e->key = key;
	b = bucket(c, key);
	e->hnext = *b;
	*b = e;
	lru_push(c, e);
	if (++c->st.entries > c->st.peak_entries)
		c->st.peak_entries = c->st.entries;
	return e;
}

/* ---- findings made here ---------------------------------------------------- */

static void
endpoints_of(const struct out_cred *oc, struct finding_endpoints *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->family = oc->family;
	ep->proto = oc->ipproto;
	ep->sport = oc->sport;
	ep->dport = oc->dport;
	memcpy(ep->client, oc->client, sizeof(ep->client));
	memcpy(ep->server, oc->server, sizeof(ep->server));
}

/* Formats and publishes a finding; returns its number (0: not published). */
static uint64_t
publish(struct correlate *c, const struct finding *f,
    const struct finding_endpoints *ep, uint64_t ts_us)
{
	struct out_rec *r = (struct out_rec *)(void *)c->rec;
	struct finding_where w = { NULL, NULL, NULL, NULL, ep };
	struct geo_info geo[2];
	long n;

	/*
	 * GeoIP for the endpoints: where an attacking client comes from is
	 * the first thing an analyst asks.  These findings are few (one per
	 * window or new account), so a lookup each is cheap.
	 */
	if (ep != NULL && c->s->geo != NULL) {
		geoip_lookup(c->s->geo, ep->family, ep->client, &geo[0]);
		geoip_lookup(c->s->geo, ep->family, ep->server, &geo[1]);
		w.geo = geo;
	}
	n = finding_format(c->s, &w, f, r->body, FINDING_JSON_MAX);
	if (n < 0 || n > UINT16_MAX) {
		c->st.too_big++;
		return 0;
	}
	memset(r, 0, sizeof(*r));
	r->kind = (uint8_t)f->kind;
	r->severity = (uint8_t)f->severity;
	r->len = (uint16_t)n;
	r->ts_us = ts_us;
	return c->out(c->arg, r);
}

static void
write_time(struct jbuf *j, const char *key, uint64_t ts_us)
{
	char t[32];

	format_time_us(ts_us, t);
	jb_kstr(j, key, t);
}

struct dedup_arg {
	const struct correlate	*c;
	const struct ce_dedup	*d;
};

static void
write_dedup(struct jbuf *j, const void *arg)
{
	const struct dedup_arg *a = arg;
	char id[48];

	jb_key(j, "dedup");
	jb_obj_open(j);
	jb_kuint(j, "count", a->d->count);
	write_time(j, "first_seen", a->d->first_us);
	write_time(j, "last_seen", a->d->last_us);
	if (a->d->first_id != 0) {
		snprintf(id, sizeof(id), "%s-%llu", a->c->run_id,
		    (unsigned long long)a->d->first_id);
		jb_kstr(j, "of", id);
	}
	jb_obj_close(j);
}

/*
 * The follow-up of a closed window: the first occurrence's identity fields
 * (as the credential detector wrote them, dissector extras aside) and the
 * count.
 * Its timestamp is the last repeat's packet time.
 */
static void
dedup_followup(struct correlate *c, const struct ce_dedup *d)
{
	const struct out_cred *oc = &d->cred;
	struct dedup_arg a = { c, d };
	struct finding_endpoints ep;
	struct finding f;
	unsigned i;

	finding_init(&f, (enum finding_kind)d->kind, (enum severity)d->severity,
	    oc->confidence);
	for (i = 0; i < oc->nmitre; i++)
		finding_mitre(&f, oc->mitre[i]);
	finding_str(&f, "protocol", oc->protocol);
	finding_str(&f, "mechanism", oc->mechanism);
	if (oc->user_len > 0)
		finding_strn(&f, "user", oc->user, oc->user_len);
	if (oc->user_truncated)
		finding_bool(&f, "user_truncated", 1);
	finding_str(&f, "outcome", outcome_names[oc->outcome <= 2 ?
	    oc->outcome : 0]);
	finding_bool(&f, "secret_present", oc->has_secret);
	if (oc->has_secret)
		finding_secret_hmac(&f, oc->secret_hmac, oc->secret_len);
	f.extra = write_dedup;
	f.extra_arg = &a;
	endpoints_of(oc, &ep);
	if (publish(c, &f, &ep, d->last_us) != 0)
		c->st.dedup_followups++;
}

/* Closes every de-duplication window that packet time has passed. */
static void
dedup_expire(struct correlate *c)
{
	uint64_t win = (uint64_t)c->o.dedup_window * US_PER_S;

	while (c->fifo_head != NULL && c->now_us > c->fifo_head->first_us + win)
		ce_drop(c, &c->fifo_head->h);
}

static struct ce_dedup *
dedup_find(struct correlate *c, uint64_t key)
{
	struct ce *e;

	for (e = *bucket(c, key); e != NULL; e = e->hnext)
		if (e->type == CE_DEDUP && e->key == key)
			return (struct ce_dedup *)e;
	return NULL;
}

static void
dedup_open(struct correlate *c, const struct out_rec *r, uint64_t id)
{
	struct ce_dedup *d;

	d = (struct ce_dedup *)ce_new(c, sizeof(*d), CE_DEDUP,
	    r->cred.dedup_key);
	if (d == NULL)
		return;
	d->first_us = d->last_us = r->ts_us;
	d->count = 1;
	d->first_id = id;
	d->kind = r->kind;
	d->severity = r->severity;
	d->cred = r->cred;
	d->fprev = c->fifo_tail;
	if (c->fifo_tail != NULL)
		c->fifo_tail->fnext = d;
	else
		c->fifo_head = d;
	c->fifo_tail = d;
}

/* ---- secret reuse ------------------------------------------------------------ */

static void
write_reuse(struct jbuf *j, const void *arg)
{
	const struct ce_reuse *e = arg;
	char addr[48], hex[2 * SHA256_LEN + 1];
	unsigned i;

	hex_encode(e->mac, sizeof(e->mac), hex, sizeof(hex));
	jb_kstr(j, "secret_hmac", hex);
	jb_key(j, "accounts");
	jb_arr_open(j);
	for (i = 0; i < e->n && i < REUSE_SHOWN; i++) {
		const struct reuse_account *a = &e->acc[i];

		jb_obj_open(j);
		jb_kstrn(j, "user", a->user, a->user_len);
		jb_kstr(j, "protocol", a->protocol);
		format_addr(a->family, a->server, addr);
		jb_kstr(j, "server", addr);
		write_time(j, "first_seen", a->first_us);
		jb_obj_close(j);
	}
	jb_arr_close(j);
	jb_kuint(j, "count", e->n);
}

static struct ce_reuse *
reuse_get(struct correlate *c, const uint8_t mac[SHA256_LEN])
{
	uint64_t key = be64(mac);
	struct ce *e;
	struct ce_reuse *u;

	for (e = *bucket(c, key); e != NULL; e = e->hnext)
		if (e->type == CE_REUSE && e->key == key &&
		    memcmp(((struct ce_reuse *)e)->mac, mac, SHA256_LEN) == 0) {
			lru_touch(c, e);
			return (struct ce_reuse *)e;
		}
	if ((u = (struct ce_reuse *)ce_new(c, sizeof(*u), CE_REUSE, key)) != NULL)
		memcpy(u->mac, mac, SHA256_LEN);
	return u;
}

static void
reuse_feed(struct correlate *c, const struct out_rec *r)
{
	const struct out_cred *oc = &r->cred;
	struct reuse_account *a;
	struct finding_endpoints ep;
	struct finding f;
	struct ce_reuse *e;
	unsigned i, cap;
	int edge;

	if (!oc->has_secret || oc->outcome == CRED_OUTCOME_FAILURE)
		return;
	if ((e = reuse_get(c, oc->secret_hmac)) == NULL)
		return;
	edge = oc->outcome == CRED_OUTCOME_SUCCESS && edge_protocol(oc->protocol);
	for (i = 0; i < e->n; i++)
		if (e->acc[i].key == oc->account_key) {
			e->edge_success |= edge;
			return;		/* a known account: not news */
		}
	if (e->n >= REUSE_MAX_ACCOUNTS)
		return;			/* saturated: count stays */
	if (e->n == e->cap) {
		cap = e->cap ? 2 * e->cap : 2;
		if ((a = realloc(e->acc, cap * sizeof(*a))) == NULL) {
			c->st.alloc_failed++;
			return;
		}
		e->acc = a;
		e->cap = cap;
	}
	a = &e->acc[e->n++];
	memset(a, 0, sizeof(*a));
	a->key = oc->account_key;
	a->first_us = r->ts_us;
	a->family = oc->family;
	memcpy(a->server, oc->server, sizeof(a->server));
	memcpy(a->protocol, oc->protocol, sizeof(a->protocol));
	a->user_len = oc->user_len;
	memcpy(a->user, oc->user, oc->user_len);
	e->edge_success |= edge;
	if (e->n < 2)
		return;
	finding_init(&f, FK_CREDENTIAL_REUSE, e->edge_success ? SEV_HIGH :
	    SEV_MEDIUM, 90);
	finding_mitre(&f, "T1078");
	finding_mitre(&f, "T1110.004");
	f.extra = write_reuse;
	f.extra_arg = e;
	endpoints_of(oc, &ep);
	if (publish(c, &f, &ep, r->ts_us) != 0)
		c->st.reuse++;
}

/* ---- brute force and spraying -------------------------------------------------- */

struct attack_arg {
	const struct ce_attack	*e;
	const struct out_cred	*oc;	/* the failure that crossed */
	int			 brute;
};

static void
write_attack(struct jbuf *j, const void *arg)
{
	const struct attack_arg *a = arg;
	const struct ce_attack *e = a->e;
	char addr[48];
	unsigned i;

	jb_kstr(j, "type", a->brute ? "brute_force" : "password_spraying");
	jb_kstr(j, "protocol", e->protocol);
	format_addr(e->family, e->client, addr);
	jb_kstr(j, "client", addr);
	jb_key(j, "servers");
	jb_arr_open(j);
	for (i = 0; i < e->nservers; i++) {
		format_addr(e->family, e->servers[i], addr);
		jb_str(j, addr);
	}
	jb_arr_close(j);
	if (a->brute)
		jb_kstrn(j, "user", a->oc->user, a->oc->user_len);
	jb_kuint(j, "failures", e->failures);
	jb_kuint(j, "distinct_users", e->distinct);
	write_time(j, "first_seen", e->first_us);
	write_time(j, "last_seen", e->last_us);
}

static void
attack_report(struct correlate *c, const struct ce_attack *e,
    const struct out_rec *r, int brute)
{
	struct attack_arg a = { e, &r->cred, brute };
	struct finding_endpoints ep;
	struct finding f;

	finding_init(&f, FK_CREDENTIAL_ATTACK, SEV_MEDIUM, brute ? 80 : 70);
	finding_mitre(&f, brute ? "T1110.001" : "T1110.003");
	f.extra = write_attack;
	f.extra_arg = &a;
	endpoints_of(&r->cred, &ep);
	if (publish(c, &f, &ep, r->ts_us) != 0) {
		if (brute)
			c->st.brute_force++;
		else
			c->st.spraying++;
	}
}

static struct ce_attack *
attack_get(struct correlate *c, uint8_t family, const uint8_t *client)
{
	size_t alen = addr_len(family);
	uint8_t d[SHA256_LEN];
	struct sha256_ctx h;
	struct ce_attack *a;
	struct ce *e;
	uint64_t key;

	sha256_init(&h);
	sha256_update(&h, &family, 1);
	sha256_update(&h, client, alen);
	sha256_final(&h, d);
	key = be64(d);
	for (e = *bucket(c, key); e != NULL; e = e->hnext) {
		a = (struct ce_attack *)e;
		if (e->type == CE_ATTACK && e->key == key &&
		    a->family == family && memcmp(a->client, client, alen) == 0) {
			lru_touch(c, e);
			return a;
		}
	}
	a = (struct ce_attack *)ce_new(c, sizeof(*a) +
	    c->o.bruteforce_threshold * sizeof(a->users[0]), CE_ATTACK, key);
	if (a != NULL) {
		a->family = family;
		memcpy(a->client, client, alen);
	}
	return a;
}

static void
attack_feed(struct correlate *c, const struct out_rec *r)
{
	const struct out_cred *oc = &r->cred;
	uint64_t win = (uint64_t)c->o.bruteforce_window * US_PER_S;
	unsigned spray_min = c->o.bruteforce_threshold / 2, i;
	struct atk_user *u = NULL;
	struct ce_attack *e;
	size_t alen = addr_len(oc->family);

	if (oc->outcome != CRED_OUTCOME_FAILURE)
		return;
	if ((e = attack_get(c, oc->family, oc->client)) == NULL)
		return;
	if (e->failures == 0 || c->now_us > e->win_start_us + win) {
		/* A new window opens at this failure. */
		e->win_start_us = e->first_us = c->now_us;
		e->failures = e->distinct = 0;
		e->nusers = e->nservers = 0;
		e->reported = 0;
		memcpy(e->protocol, oc->protocol, sizeof(e->protocol));
	}
	e->failures++;
	e->last_us = r->ts_us > e->last_us ? r->ts_us : e->last_us;
	if (e->first_us > r->ts_us)
		e->first_us = r->ts_us;
	for (i = 0; i < e->nservers; i++)
		if (memcmp(e->servers[i], oc->server, alen) == 0)
			break;
	if (i == e->nservers && e->nservers < ATTACK_SERVERS)
		memcpy(e->servers[e->nservers++], oc->server, alen);
	for (i = 0; i < e->nusers; i++)
		if (e->users[i].key == oc->user_key) {
			u = &e->users[i];
			break;
		}
	if (u == NULL) {
		e->distinct++;
		/* Full only past threshold distinct users: spraying is known. */
		if (e->nusers < c->o.bruteforce_threshold) {
			u = &e->users[e->nusers++];
			u->key = oc->user_key;
		}
	}
	if (u != NULL)
		u->failures++;
	if (!(e->reported & ATK_BRUTE) && u != NULL &&
	    u->failures >= c->o.bruteforce_threshold) {
		e->reported |= ATK_BRUTE;
		attack_report(c, e, r, 1);
	}
	if (!(e->reported & ATK_SPRAY) &&
	    e->distinct >= (spray_min < 2 ? 2 : spray_min)) {
		e->reported |= ATK_SPRAY;
		attack_report(c, e, r, 0);
	}
}

/* ---- interface ----------------------------------------------------------------- */

struct correlate *
correlate_new(const struct sensor *s, const struct correlate_opts *o,
    const char *run_id, correlate_out_fn out, void *arg, char *errbuf,
    size_t errlen)
{
	struct correlate *c;
	size_t nb = 16;

	if (o->max_entries < 1 || o->bruteforce_threshold < 2) {
		snprintf(errbuf, errlen, "correlation: max entries must be at "
		    "least 1 and the brute force threshold at least 2");
		return NULL;
	}
	while (nb < o->max_entries && nb < ((size_t)1 << 24))
		nb <<= 1;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->buckets = calloc(nb, sizeof(*c->buckets))) == NULL) {
		free(c);
		snprintf(errbuf, errlen, "out of memory for the correlation "
		    "table (lower correlate_max_entries)");
		return NULL;
	}
	c->mask = nb - 1;
	c->s = s;
	c->o = *o;
	c->run_id = run_id;
	c->out = out;
	c->arg = arg;
	return c;
}

uint64_t
correlate_record(struct correlate *c, const struct out_rec *r)
{
	struct ce_dedup *d = NULL;
	uint64_t id = 0;

	if (r->ts_us > c->now_us)
		c->now_us = r->ts_us;
	if (c->o.dedup_window > 0)
		dedup_expire(c);
	if (!r->has_cred)
		return c->out(c->arg, r);
	if (c->o.dedup_window > 0 &&
	    (d = dedup_find(c, r->cred.dedup_key)) != NULL) {
		d->count++;
		if (r->ts_us > d->last_us)
			d->last_us = r->ts_us;
		lru_touch(c, &d->h);
		c->st.dedup_suppressed++;
	} else {
		id = c->out(c->arg, r);
		if (c->o.dedup_window > 0)
			dedup_open(c, r, id);
	}
	reuse_feed(c, r);
	attack_feed(c, r);
	return id;
}

void
correlate_finish(struct correlate *c)
{
	while (c->fifo_head != NULL)
		ce_drop(c, &c->fifo_head->h);
}

const struct correlate_stats *
correlate_stats(const struct correlate *c)
{
	return &c->st;
}

void
correlate_free(struct correlate *c)
{
	struct ce *e, *n;

	if (c == NULL)
		return;
	/* Quietly: correlate_finish() is the one that publishes. */
	for (e = c->lru_head; e != NULL; e = n) {
		n = e->lnext;
		if (e->type == CE_REUSE)
			free(((struct ce_reuse *)e)->acc);
		free(e);
	}
	free(c->buckets);
	free(c);
}

/* ---- the correlator descriptor (correlator.h) ---------------------------- */

static void *
cc_start(const struct corr_env *env, char *errbuf, size_t errlen)
{
	const struct config *cfg = &env->s->cfg;
	struct correlate_opts o;

	o.dedup_window = cfg->dedup_window;
	o.bruteforce_window = cfg->bruteforce_window;
	o.bruteforce_threshold = cfg->bruteforce_threshold;
	o.max_entries = cfg->correlate_max_entries;
	return correlate_new(env->s, &o, env->run_id, env->out, env->out_arg,
	    errbuf, errlen);
}

static uint64_t
cc_record(void *c, const struct out_rec *r)
{
	return correlate_record(c, r);
}

static void
cc_finish(void *c)
{
	correlate_finish(c);
}

static void
cc_counters(const void *c, counter_fn put, void *arg)
{
	const struct correlate_stats *st = correlate_stats(c);

	put(arg, "dedup_suppressed", st->dedup_suppressed);
	put(arg, "dedup_followups", st->dedup_followups);
	put(arg, "credential_reuse", st->reuse);
	put(arg, "brute_force", st->brute_force);
	put(arg, "spraying", st->spraying);
	put(arg, "entries", st->entries);
	put(arg, "peak_entries", st->peak_entries);
	put(arg, "evicted", st->evicted);
	put(arg, "alloc_failed", st->alloc_failed);
	put(arg, "too_big", st->too_big);
}

static void
cc_stop(void *c)
{
	correlate_free(c);
}

const struct correlator credential_correlator = {
	.name = "cred_correlate",
	.description = "credential de-duplication, secret reuse, brute force "
	    "and password spraying",
	.start = cc_start,
	.record = cc_record,
	.finish = cc_finish,
	.counters = cc_counters,
	.stop = cc_stop,
};
