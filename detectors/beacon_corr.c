/*
 * beacon_corr.c - beacon scoring in the publisher (beacon.c makes the
 * events; beacon.h says why the work is split).  Online, in packet time,
 * with bounded memory per series.
 *
 * Series, each one client's events towards:
 *   server  one server address (connections; a connection with a server
 *           name counts here and in the name series)
 *   name    one TLS/HTTP server name, whatever addresses serve it
 *   domain  one registered domain, by DNS queries (a host that answered
 *           DNS queries is a resolver: its own queries are forwarding,
 *           not beacons)
 *   flow    one long-lived TCP or UDP flow, by its bursts of client
 *           payload (heartbeats)
 * Each series keeps its last BEACON_KEEP events in time order (4-byte
 * offsets and sizes); events closer than beacon_min_interval to a kept one
 * are one burst (sizes add up).
 *
 * Score, from the kept events once there are beacon_min_events (after
 * RITA's beacon analysis: Bowley skewness and median absolute deviation):
 *   timing    0.25 x (1 - |Bowley skewness of the intervals|)
 *           + 0.75 x max(0, 1 - (MAD / median interval) / 0.45)
 *   size      the same of the client's bytes per event (0.5 each part)
 *   coverage  the series' span / the time observed (since the first
 *             record, at most a day)
 *   score     0.7 timing + 0.15 size + 0.15 coverage
 * A series reaching beacon_threshold is reported once (a beacon finding:
 * interval, jitter, count, sizes, score and its parts), then again as a
 * follow-up at most every beacon_window seconds while it goes on, and
 * when it goes quiet (no event for ten intervals, at least ten minutes),
 * is dropped from a full table, or input ends, if events came since.
 * Measured end to end (bench/beacon_recall.py: 200 clients a shape, 40
 * HTTP polls each, 60 s period, constant sizes): fixed, 0.7-1.3 and
 * Cobalt-Strike-like 0.7-1.0 sleeps and a +-30% schedule: 100% reported;
 * Poisson arrivals 1.5%, uniform 1-120 s sleeps 21.5%.
 *
 * What deliberately does not make a finding: a server series whose every
 * connection had the same name (the name series says it); a name series
 * and a domain series of one client and registered domain (the first to
 * be reported covers the other); the allow-listed traffic beacon.c never
 * observes; a resolver's queries.
 *
 * Memory: at most beacon_max_series series (sizeof(struct bseries) plus
 * the name); when full the least recently active is closed, counted.
 * Most pairs talk once: a series is made only at its second event.  The
 * first waits as a 64-byte first-stage entry (struct bfirst: the event's
 * time, size, server and name hash), at most beacon_max_series of them,
 * the least recently seen dropped when full (counted) and any older than
 * a day dropped as time goes by.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "config.h"
#include "correlator.h"
#include "finding.h"
#include "json.h"
#include "lrutab.h"
#include "output.h"

#define US_PER_S	1000000ULL
#define BEACON_KEEP	32	/* events a series keeps */
#define SERVERS		4	/* addresses a name or domain series lists */
#define DAY_US		(86400ULL * US_PER_S)
#define QUIET_MIN_US	(600ULL * US_PER_S)
/* MAD / median at which the dispersion part reaches 0 (see the header). */
#define DISPERSION_TOLERANCE	0.45

enum bs_type {
	BS_SERVER = 1,
	BS_NAME,
	BS_DOMAIN,
	BS_FLOW,
	BS_COVERED	/* (client, registered domain) reported by one kind */
};

static const char *const type_names[] = {
	[BS_SERVER] = "server", [BS_NAME] = "name", [BS_DOMAIN] = "domain",
	[BS_FLOW] = "flow",
};

#define R_NO		0
#define R_YES		1
#define R_COVERED	2	/* another series reported it */

struct bseries {
	struct lru_node	 n;
	uint8_t		 type;
	uint8_t		 family, proto;
	uint8_t		 reported;
	uint8_t		 mixed;		/* server: several names, or none */
	uint8_t		 nev;		/* kept events */
	uint8_t		 nservers;
	uint16_t	 sport, dport;
	uint16_t	 name_len, regdom_off;
	uint8_t		 client[16], server[16];
	uint8_t		 servers[SERVERS][16];
	uint64_t	 flow;		/* flow series: its first packet */
	uint32_t	 name_hash;	/* server series: the name seen */
	uint32_t	 interval_ms;	/* last scored median interval */
	uint64_t	 base_us;	/* time of t[] == 0 */
	uint64_t	 first_us, last_us, count;
	uint64_t	 burst_us;	/* the latest raw event (burst chaining) */
	uint64_t	 reported_count, reported_us, first_id;
	uint32_t	 t[BEACON_KEEP];	/* ms after base_us, ascending */
	uint32_t	 sz[BEACON_KEEP];	/* client bytes */
	char		 app[BEACON_APP_LEN];
	char		 name[];		/* name_len bytes and a NUL */
};

/* A series' first event, before the second makes it a series. */
struct bfirst {
	struct lru_node	 n;		/* key: the series' key */
	uint64_t	 ts_us;
	uint32_t	 bytes;
	uint32_t	 name_hash;	/* server series: its name's hash */
	uint8_t		 server[16];
};

struct bscore {
	unsigned	n;
	double		interval, jitter, skew;	/* seconds; Bowley */
	double		timing, size, coverage, total;
	double		size_med, size_mad;
};

struct bstats {
	uint64_t	events, series, peak_series, evicted, reported;
	uint64_t	followups, covered, resolver_queries, alloc_failed;
	uint64_t	first, first_evicted;	/* first-stage entries */
};

struct beacon_corr {
	struct corr_env		 env;
	struct lrutab		 t;
	struct lrutab		 first;		/* struct bfirst */
	unsigned		 max_series;
	uint64_t		 now_us, obs_start_us;
	uint64_t		 seed;		/* series_key() */
	struct addr_ring	 resolvers;	/* DNS servers seen answering */
	struct bstats		 st;
};

static size_t
alen(uint8_t family)
{
	return family == 6 ? 16 : 4;
}

/* ---- statistics ------------------------------------------------------------ */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Quantile p of n sorted values, interpolating between neighbours. */
static double
quantile(const double *v, unsigned n, double p)
{
	double pos = p * (n - 1), f;
	unsigned lo = (unsigned)pos;

	if (lo + 1 >= n)
		return v[n - 1];
	f = pos - lo;
	return v[lo] * (1 - f) + v[lo + 1] * f;
}

/*
 * Regularity of n values (sorted here): 1 - |Bowley skewness| and
 * max(0, 1 - (MAD / median) / tolerance); median and MAD out.
 */
static void
regularity(double *v, unsigned n, double tolerance, double *skew_part,
    double *disp_part, double *med, double *mad, double *skew)
{
	double q1, q2, q3, dev[BEACON_KEEP];
	unsigned i;

	qsort(v, n, sizeof(*v), cmp_double);
	q1 = quantile(v, n, 0.25);
	q2 = quantile(v, n, 0.5);
	q3 = quantile(v, n, 0.75);
	*skew = q3 - q1 > 0 ? (q3 + q1 - 2 * q2) / (q3 - q1) : 0;
	for (i = 0; i < n; i++)
		dev[i] = fabs(v[i] - q2);
	qsort(dev, n, sizeof(*dev), cmp_double);
	*mad = quantile(dev, n, 0.5);
	*med = q2;
	*skew_part = 1 - fabs(*skew);
	if (q2 > 0)
		*disp_part = fmax(0, 1 - (*mad / q2) / tolerance);
	else
		*disp_part = *mad == 0 ? 1 : 0;
}

static void
score(const struct beacon_corr *c, const struct bseries *s, struct bscore *r)
{
	double d[BEACON_KEEP], z[BEACON_KEEP], sk, dp, ssk, sdp, med, mad,
	    skew, observed;
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->n = s->nev;
	for (i = 0; i + 1 < s->nev; i++)
		d[i] = (s->t[i + 1] - s->t[i]) / 1000.0;
	regularity(d, s->nev - 1, DISPERSION_TOLERANCE, &sk, &dp, &med, &mad,
	    &skew);
	r->interval = med;
	r->jitter = mad;
	r->skew = skew;
	r->timing = 0.25 * sk + 0.75 * dp;
	for (i = 0; i < s->nev; i++)
		z[i] = s->sz[i];
	regularity(z, s->nev, DISPERSION_TOLERANCE, &ssk, &sdp, &r->size_med,
	    &r->size_mad, &skew);
	r->size = 0.5 * ssk + 0.5 * sdp;
	observed = (double)(c->now_us - c->obs_start_us);
	if (observed > (double)DAY_US)
		observed = (double)DAY_US;
	r->coverage = observed > 0 ?
	    fmin(1, (double)(s->last_us - s->first_us) / observed) : 1;
	r->total = 0.7 * r->timing + 0.15 * r->size + 0.15 * r->coverage;
}

/* ---- findings ------------------------------------------------------------- */

static double
round3(double v)
{
	return round(v * 1000) / 1000;
}

struct write_arg {
	const struct beacon_corr	*c;
	const struct bseries		*s;
	const struct bscore		*sc;
	int				 followup;
};

static void
write_extra(struct jbuf *j, const void *arg)
{
	const struct write_arg *a = arg;
	const struct bseries *s = a->s;
	char addr[48], id[48];
	unsigned i;

	if (s->type == BS_NAME || s->type == BS_DOMAIN) {
		jb_key(j, "servers");
		jb_arr_open(j);
		for (i = 0; i < s->nservers; i++) {
			format_addr(s->family, s->servers[i], addr);
			jb_str(j, addr);
		}
		jb_arr_close(j);
	}
	jb_key(j, "scores");
	jb_obj_open(j);
	jb_key(j, "timing");
	jb_double(j, round3(a->sc->timing));
	jb_key(j, "size");
	jb_double(j, round3(a->sc->size));
	jb_key(j, "coverage");
	jb_double(j, round3(a->sc->coverage));
	jb_key(j, "skew");
	jb_double(j, round3(a->sc->skew));
	jb_obj_close(j);
	jb_ktime(j, "first_seen", s->first_us);
	jb_ktime(j, "last_seen", s->last_us);
	if (a->followup) {
		jb_key(j, "followup");
		jb_obj_open(j);
		if (s->first_id != 0) {
			snprintf(id, sizeof(id), "%s-%llu", a->c->env.run_id,
			    (unsigned long long)s->first_id);
			jb_kstr(j, "of", id);
		}
		jb_obj_close(j);
	}
}

static uint64_t
report(struct beacon_corr *c, struct bseries *s, const struct bscore *sc,
    int followup)
{
	struct write_arg a = { c, s, sc, followup };
	struct finding_endpoints ep;
	struct finding f;
	char addr[48];

	finding_init(&f, FK_BEACON, SEV_MEDIUM,
	    (uint8_t)lround(fmin(100, sc->total * 100)));
	finding_mitre(&f, "T1071");
	finding_mitre(&f, "T1573");
	finding_str(&f, "shape", s->type == BS_DOMAIN ? "dns" :
	    s->type == BS_FLOW ? "heartbeat" : "connection");
	finding_str(&f, "series", type_names[s->type]);
	if (s->type == BS_SERVER) {
		format_addr(s->family, s->server, addr);
		finding_str(&f, "server", addr);
	}
	if (s->name_len > 0) {
		finding_strn(&f, "name", (const uint8_t *)s->name,
		    s->name_len);
		finding_strn(&f, "domain", (const uint8_t *)s->name +
		    s->regdom_off, (size_t)(s->name_len - s->regdom_off));
	}
	finding_int(&f, "interval_ms", lround(sc->interval * 1000));
	finding_int(&f, "jitter_ms", lround(sc->jitter * 1000));
	finding_int(&f, "jitter_pct", sc->interval > 0 ?
	    lround(100 * sc->jitter / sc->interval) : 0);
	finding_int(&f, "count", (int64_t)s->count);
	finding_int(&f, "scored_events", sc->n);
	finding_int(&f, "bytes", lround(sc->size_med));
	finding_int(&f, "bytes_jitter", lround(sc->size_mad));
	finding_int(&f, "score", lround(sc->total * 100));
	f.extra = write_extra;
	f.extra_arg = &a;
	memset(&ep, 0, sizeof(ep));
	ep.family = s->family;
	ep.proto = s->proto;
	ep.sport = s->sport;
	ep.dport = s->dport;
	memcpy(ep.client, s->client, sizeof(ep.client));
	memcpy(ep.server, s->server, sizeof(ep.server));
	s->reported_count = s->count;
	s->reported_us = c->now_us;
	return corr_publish(&c->env, &f, &ep, s->app[0] != '\0' ? s->app :
	    NULL, s->last_us, followup ? OUT_F_FOLLOWUP : 0);
}

/* ---- the table ------------------------------------------------------------ */

/* FNV-1a, 64 bits, over n bytes, continuing from h. */
static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/*
 * A series' hash key.  FNV-1a from a per-run seed: one key per event must
 * be cheap, and a seed no one outside knows keeps wire data from choosing
 * chains (the key only places a series in the table; lookups compare the
 * series' own fields, and output order never depends on it).
 */
static uint64_t
series_key(uint64_t seed, uint8_t type, uint8_t family,
    const uint8_t *client, const void *k, size_t klen)
{
	uint64_t h = seed;

	h = fnv(h, &type, 1);
	h = fnv(h, &family, 1);
	h = fnv(h, client, alen(family));
	h = fnv(h, k, klen);
	return h ^ h >> 29;
}

/* The identity bytes of a series beyond (type, client). */
static size_t
series_id(const struct bseries *s, const void **p)
{
	switch (s->type) {
	case BS_SERVER:
		*p = s->server;
		return alen(s->family);
	case BS_FLOW:
		*p = &s->flow;
		return sizeof(s->flow);
	case BS_DOMAIN:
	case BS_COVERED:
		*p = s->name + s->regdom_off;
		return (size_t)(s->name_len - s->regdom_off);
	default:
		*p = s->name;
		return s->name_len;
	}
}

static struct bseries *
series_find(struct beacon_corr *c, uint64_t key, uint8_t type,
    uint8_t family, const uint8_t *client, const void *k, size_t klen)
{
	struct lru_node *n;
	struct bseries *s;
	const void *id;

	for (n = lrutab_chain(&c->t, key); n != NULL; n = n->hnext) {
		s = (struct bseries *)n;
		if (n->key != key || s->type != type || s->family != family ||
		    memcmp(s->client, client, alen(family)) != 0 ||
		    series_id(s, &id) != klen || memcmp(id, k, klen) != 0)
			continue;
		return s;
	}
	return NULL;
}

/* Closes a series: a follow-up when events came since its report. */
static void
series_close(struct beacon_corr *c, struct bseries *s)
{
	struct bscore sc;

	if (s->reported == R_YES && s->count > s->reported_count &&
	    s->nev >= 2) {
		score(c, s, &sc);
		if (report(c, s, &sc, 1) != 0)
			c->st.followups++;
	}
	lrutab_remove(&c->t, &s->n);
	free(s);
	c->st.series--;
}

static uint64_t
quiet_us(const struct bseries *s)
{
	uint64_t q = (uint64_t)s->interval_ms * 1000 * 10;

	if (s->type == BS_COVERED)
		return DAY_US;
	return q > QUIET_MIN_US ? q : QUIET_MIN_US;
}

static void
first_drop(struct beacon_corr *c, struct bfirst *b)
{
	lrutab_remove(&c->first, &b->n);
	free(b);
	c->st.first--;
}

static void
expire(struct beacon_corr *c)
{
	struct bseries *s;
	struct bfirst *b;

	while ((s = (struct bseries *)c->t.oldest) != NULL &&
	    c->now_us > s->last_us + quiet_us(s))
		series_close(c, s);
	while ((b = (struct bfirst *)c->first.oldest) != NULL &&
	    c->now_us > b->ts_us + DAY_US)
		first_drop(c, b);
}

/*
 * A new series' first event is only noted (returns 1); its second finds
 * the note and takes it (returns 0 with *b the note, to be freed).
 */
static int
first_stage(struct beacon_corr *c, uint64_t key, const struct out_rec *r,
    uint64_t ts_us, uint64_t bytes, uint32_t name_hash, struct bfirst **b)
{
	struct lru_node *n;
	struct bfirst *f;

	for (n = lrutab_chain(&c->first, key); n != NULL; n = n->hnext)
		if (n->key == key) {
			*b = (struct bfirst *)n;
			lrutab_remove(&c->first, n);
			c->st.first--;
			return 0;
		}
	*b = NULL;
	if (c->st.first >= c->max_series && c->first.oldest != NULL) {
		c->st.first_evicted++;
		first_drop(c, (struct bfirst *)c->first.oldest);
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		c->st.alloc_failed++;
		return 1;
	}
	f->n.key = key;
	f->ts_us = ts_us;
	f->bytes = bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
	f->name_hash = name_hash;
	memcpy(f->server, r->ep.server, sizeof(f->server));
	lrutab_insert(&c->first, &f->n);
	c->st.first++;
	return 1;
}

static struct bseries *
series_new(struct beacon_corr *c, uint64_t key, uint8_t type,
    const struct out_rec *r, const char *name, size_t name_len,
    size_t regdom_off)
{
	struct bseries *s;

	if (c->st.series >= c->max_series && c->t.oldest != NULL) {
		c->st.evicted++;
		series_close(c, (struct bseries *)c->t.oldest);
	}
	if ((s = calloc(1, sizeof(*s) + name_len + 1)) == NULL) {
		c->st.alloc_failed++;
		return NULL;
	}
	s->n.key = key;
	s->type = type;
	s->family = r->ep.family;
	s->proto = r->ep.proto;
	s->sport = r->ep.sport;
	s->dport = r->ep.dport;
	memcpy(s->client, r->ep.client, sizeof(s->client));
	memcpy(s->server, r->ep.server, sizeof(s->server));
	s->name_len = (uint16_t)name_len;
	s->regdom_off = (uint16_t)regdom_off;
	if (name_len > 0)
		memcpy(s->name, name, name_len);
	lrutab_insert(&c->t, &s->n);
	if (++c->st.series > c->st.peak_series)
		c->st.peak_series = c->st.series;
	return s;
}

/*
 * Adds an event at ts_us with `bytes`: kept in time order; one closer than
 * the minimum interval to a kept event joins it.
 */
static void
add_event(struct beacon_corr *c, struct bseries *s, uint64_t ts_us,
    uint64_t bytes)
{
	uint32_t gap = c->env.s->cfg.beacon_min_interval * 1000u, t;
	uint32_t b = bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
	unsigned i, k;
	int chained;

	if (s->count == 0) {
		s->base_us = s->first_us = s->last_us = ts_us;
	} else if (ts_us < s->base_us) {
		ts_us = s->base_us;	/* earlier than kept: at the oldest */
	}
	if (ts_us - s->base_us > (uint64_t)UINT32_MAX * 1000) {
		s->nev = 0;		/* 49 days on: start over */
		s->base_us = ts_us;
	}
	t = (uint32_t)((ts_us - s->base_us) / 1000);
	if (ts_us < s->first_us)
		s->first_us = ts_us;
	if (ts_us > s->last_us)
		s->last_us = ts_us;
	/*
	 * One burst: within the minimum interval of a kept event, or of the
	 * latest event (a chain of requests 0.5 s apart is one burst).
	 */
	chained = s->count > 0 && ts_us >= s->burst_us &&
	    ts_us - s->burst_us < (uint64_t)gap * 1000;
	if (ts_us > s->burst_us)
		s->burst_us = ts_us;
	for (i = 0; i < s->nev; i++) {
		if ((t >= s->t[i] ? t - s->t[i] : s->t[i] - t) < gap ||
		    (chained && i + 1 == s->nev)) {
			s->sz[i] = s->sz[i] + b < s->sz[i] ? UINT32_MAX :
			    s->sz[i] + b;
			return;
		}
	}
	s->count++;
	if (s->nev == BEACON_KEEP) {
		if (t <= s->t[0])
			return;		/* older than all kept */
		memmove(s->t, s->t + 1, (BEACON_KEEP - 1) * sizeof(s->t[0]));
		memmove(s->sz, s->sz + 1, (BEACON_KEEP - 1) * sizeof(s->sz[0]));
		s->nev--;
	}
	for (k = s->nev; k > 0 && s->t[k - 1] > t; k--) {
		s->t[k] = s->t[k - 1];
		s->sz[k] = s->sz[k - 1];
	}
	s->t[k] = t;
	s->sz[k] = b;
	s->nev++;
}

/* The (client, registered domain) another series already reported. */
static int
covered(struct beacon_corr *c, const struct bseries *s, int mark)
{
	const char *rd = s->name + s->regdom_off;
	size_t rl = (size_t)(s->name_len - s->regdom_off);
	uint64_t key;
	struct bseries *cv;
	struct out_rec r;

	if (rl == 0)
		return 0;
	key = series_key(c->seed, BS_COVERED, s->family, s->client, rd, rl);
	if ((cv = series_find(c, key, BS_COVERED, s->family, s->client, rd,
	    rl)) != NULL) {
		lrutab_touch(&c->t, &cv->n);
		cv->last_us = c->now_us;
		return 1;
	}
	if (!mark)
		return 0;
	memset(&r, 0, sizeof(r));
	r.ep.family = s->family;
	memcpy(r.ep.client, s->client, sizeof(r.ep.client));
	if ((cv = series_new(c, key, BS_COVERED, &r, rd, rl, 0)) != NULL)
		cv->last_us = c->now_us;
	return 0;
}

static void
maybe_report(struct beacon_corr *c, struct bseries *s)
{
	const struct config *cfg = &c->env.s->cfg;
	struct bscore sc;
	uint64_t id;

	if (s->nev < cfg->beacon_min_events || s->reported == R_COVERED)
		return;
	if (s->reported == R_YES) {
		if (c->now_us >= s->reported_us +
		    (uint64_t)cfg->beacon_window * US_PER_S &&
		    s->count > s->reported_count) {
			score(c, s, &sc);
			if (report(c, s, &sc, 1) != 0)
				c->st.followups++;
		}
		return;
	}
	score(c, s, &sc);
	s->interval_ms = (uint32_t)fmin(sc.interval * 1000, UINT32_MAX);
	if (sc.total * 100 < cfg->beacon_threshold)
		return;
	/* Twins: the name series says what a one-name server series says;
	 * a name and a domain series of one registered domain are one. */
	if ((s->type == BS_SERVER && !s->mixed && s->name_hash != 0) ||
	    ((s->type == BS_NAME || s->type == BS_DOMAIN) &&
	    covered(c, s, 1))) {
		s->reported = R_COVERED;
		c->st.covered++;
		return;
	}
	s->reported = R_YES;
	if ((id = report(c, s, &sc, 0)) != 0) {
		s->first_id = id;
		c->st.reported++;
	}
}

/* ---- records -------------------------------------------------------------- */

static void
note_server(struct bseries *s, const uint8_t *server)
{
	unsigned i;

	memcpy(s->server, server, sizeof(s->server));
	for (i = 0; i < s->nservers; i++)
		if (memcmp(s->servers[i], server, alen(s->family)) == 0)
			return;
	if (s->nservers < SERVERS)
		memcpy(s->servers[s->nservers++], server, 16);
}

/* One event into the series (type, key); created when new. */
static struct bseries *
feed(struct beacon_corr *c, uint8_t type, const struct out_rec *r,
    const void *k, size_t klen, const char *name, size_t name_len,
    size_t regdom_off, const struct beacon_obs *o, uint64_t ts_us,
    uint32_t name_hash)
{
	uint64_t key = series_key(c->seed, type, r->ep.family, r->ep.client, k,
	    klen);
	struct bseries *s;
	struct bfirst *b = NULL;

	if ((s = series_find(c, key, type, r->ep.family, r->ep.client, k,
	    klen)) == NULL) {
		/* Heartbeat series come from followed flows: no first stage. */
		if (type != BS_FLOW && first_stage(c, key, r, ts_us,
		    o->bytes_up, name_hash, &b) == 1) {
			c->st.events++;
			return NULL;
		}
		if ((s = series_new(c, key, type, r, name, name_len,
		    regdom_off)) == NULL) {
			free(b);
			return NULL;
		}
		if (b != NULL) {
			note_server(s, b->server);
			s->name_hash = b->name_hash;
			add_event(c, s, b->ts_us, b->bytes);
			free(b);
		}
	}
	lrutab_touch(&c->t, &s->n);
	note_server(s, r->ep.server);
	s->sport = r->ep.sport;
	s->dport = r->ep.dport;
	memcpy(s->app, o->app, sizeof(s->app));
	s->app[sizeof(s->app) - 1] = '\0';
	if (type == BS_FLOW && s->count == 0 && o->prev_us != 0)
		add_event(c, s, o->prev_us, o->bytes_up);
	add_event(c, s, ts_us, o->bytes_up);
	c->st.events++;
	return s;
}

static void
on_obs(struct beacon_corr *c, const struct out_rec *r)
{
	struct beacon_obs o;
	const char *name = r->body + sizeof(o);
	struct bseries *s, *srv;
	uint32_t h;

	if (r->len < sizeof(o) || !r->has_ep)
		return;
	memcpy(&o, r->body, sizeof(o));
	if ((size_t)r->len != sizeof(o) + o.name_len ||
	    o.regdom_off > o.name_len)
		return;
	switch (r->obs) {
	case BEACON_OBS_CONN:
		h = o.name_len > 0 ? 1 | (uint32_t)fnv(c->seed, name,
		    o.name_len) : 0;
		srv = feed(c, BS_SERVER, r, r->ep.server, alen(r->ep.family),
		    NULL, 0, 0, &o, o.ts_us, h);
		if (srv != NULL) {
			if (srv->count <= 1 && srv->name_hash == 0)
				srv->name_hash = h;
			else if (h != srv->name_hash)
				srv->mixed = 1;
			maybe_report(c, srv);
		}
		if (o.name_len > 0 && (s = feed(c, BS_NAME, r, name,
		    o.name_len, name, o.name_len, o.regdom_off, &o,
		    o.ts_us, 0)) != NULL)
			maybe_report(c, s);
		break;
	case BEACON_OBS_DNS:
		if (addr_ring_has(&c->resolvers, r->ep.family, r->ep.client)) {
			c->st.resolver_queries++;
			return;
		}
		addr_ring_add(&c->resolvers, r->ep.family, r->ep.server);
		if ((s = feed(c, BS_DOMAIN, r, name + o.regdom_off,
		    o.name_len - o.regdom_off, name, o.name_len, o.regdom_off,
		    &o, o.ts_us, 0)) != NULL) {
			/* Show the latest query name. */
			if (s->name_len == o.name_len)
				memcpy(s->name, name, o.name_len);
			maybe_report(c, s);
		}
		break;
	case BEACON_OBS_BEAT:
		if ((s = feed(c, BS_FLOW, r, &o.flow, sizeof(o.flow), NULL, 0,
		    0, &o, o.ts_us, 0)) != NULL) {
			s->flow = o.flow;
			maybe_report(c, s);
		}
		break;
	}
}

static uint64_t
bc_record(void *arg, const struct out_rec *r)
{
	struct beacon_corr *c = arg;

	if (c->obs_start_us == 0 || r->ts_us < c->obs_start_us)
		c->obs_start_us = r->ts_us;
	if (r->ts_us > c->now_us)
		c->now_us = r->ts_us;
	expire(c);
	switch (r->obs) {
	case BEACON_OBS_CONN:
	case BEACON_OBS_DNS:
	case BEACON_OBS_BEAT:
		on_obs(c, r);
		return 0;
	}
	return c->env.out(c->env.out_arg, r);
}

static void *
bc_start(const struct corr_env *env, char *errbuf, size_t errlen)
{
	struct beacon_corr *c;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    lrutab_init(&c->t, env->s->cfg.beacon_max_series) < 0 ||
	    lrutab_init(&c->first, env->s->cfg.beacon_max_series) < 0) {
		if (c != NULL)
			lrutab_fini(&c->t);
		free(c);
		snprintf(errbuf, errlen, "out of memory for the beacon table "
		    "(lower beacon_max_series)");
		return NULL;
	}
	c->env = *env;
	c->max_series = env->s->cfg.beacon_max_series;
	c->seed = fnv(0xcbf29ce484222325ULL, env->run_id, strlen(env->run_id));
	return c;
}

static void
bc_finish(void *arg)
{
	struct beacon_corr *c = arg;

	/* Oldest first: the order is the same run after run. */
	while (c->t.oldest != NULL)
		series_close(c, (struct bseries *)c->t.oldest);
}

static void
bc_counters(const void *arg, counter_fn put, void *parg)
{
	const struct beacon_corr *c = arg;

	put(parg, "beacon_events", c->st.events);
	put(parg, "beacon_series", c->st.series);
	put(parg, "beacon_peak_series", c->st.peak_series);
	put(parg, "beacon_evicted", c->st.evicted);
	put(parg, "beacon_reported", c->st.reported);
	put(parg, "beacon_followups", c->st.followups);
	put(parg, "beacon_covered", c->st.covered);
	put(parg, "beacon_resolver_queries", c->st.resolver_queries);
	put(parg, "beacon_alloc_failed", c->st.alloc_failed);
	put(parg, "beacon_first_stage", c->st.first);
	put(parg, "beacon_first_stage_evicted", c->st.first_evicted);
}

static void
bc_stop(void *arg)
{
	struct beacon_corr *c = arg;
	if (c == NULL)
		return;
	/* Quietly: finish() is the one that publishes. */
	lrutab_free_all(&c->t);
	lrutab_free_all(&c->first);
	free(c);
}

const struct correlator beacon_correlator = {
	.name = "beacon_corr",
	.description = "beacon scoring of connection, DNS and heartbeat "
	    "series (interval skew and dispersion, sizes, coverage): beacon",
	.start = bc_start,
	.record = bc_record,
	.finish = bc_finish,
	.counters = bc_counters,
	.stop = bc_stop,
};
