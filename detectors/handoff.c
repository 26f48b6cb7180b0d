/*
 * handoff.c - the hand-off chain, a correlator in the publisher (the last
 * stage, so it sees every finding the detectors and the other correlators
 * made, in their final order and with their finding ids).
 *
 * Why: access now passes from the group that broke in to the group that
 * exploits it within seconds (M-Trends 2026: a median of 22 s), so the
 * small finding that shows the way in and the one that shows the next
 * group arriving belong together, on the host they share.
 *
 * What triggers a finding: on an internal host (internal_networks; empty:
 * RFC 1918, RFC 6598 and RFC 4193 ranges), an access event, then within
 * handoff_window seconds of the latest step an event of another kind.
 * The events, and the host they are about:
 *   cleartext_credential   its client (used it) and its server (received)
 *   edge_mgmt_session      its client and its server
 *   remote_access          its client (the host running the tool); not
 *                          when policy allows the tool and tenant
 *                          (rmm_report_allowed)
 *   tunnel                 its client and its server
 *   beacon                 its client
 * One handoff finding (severity critical) when a second kind joins the
 * chain: its steps in order (finding id, kind, the host's role, the peer,
 * the time and the seconds since the step before); when the chain closes
 * (no new kind for handoff_window seconds, the table is full, or input
 * ends) and more kinds joined after the finding, one follow-up with every
 * step and "followup":{"of":<the first>}.
 *
 * What deliberately does not: repeats of a kind already in the chain
 * (they are the same step), follow-ups of other findings (their events are
 * already in), findings without endpoints, external hosts.
 *
 * Memory: one entry per host with an open chain, at most
 * handoff_max_hosts (400 bytes each), the least recently active
 * closed first when full (counted as handoff_evicted).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"
#include "config.h"
#include "correlator.h"
#include "finding.h"
#include "json.h"
#include "lrutab.h"
#include "output.h"

#define US_PER_S	1000000ULL
#define HANDOFF_STEPS	8

/* The private ranges: internal_networks when it is empty. */
static const char default_internal[] =
    "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7";

/* Kinds that are steps, with the ATT&CK technique a step stands for. */
static const char *const kind_mitre[FK_MAX] = {
	[FK_CLEARTEXT_CREDENTIAL] = "T1552",
	[FK_EDGE_MGMT_SESSION] = "T1133",
	[FK_REMOTE_ACCESS] = "T1219",
	[FK_TUNNEL] = "T1572",
	[FK_BEACON] = "T1071",
};

struct ho_step {
	uint64_t	id;		/* finding number */
	uint64_t	ts_us;
	uint8_t		kind;
	uint8_t		client;		/* the host was the client */
	uint8_t		proto;		/* IP protocol */
	uint16_t	port;		/* the server port */
	uint8_t		peer[16];
};

struct ho_host {
	struct lru_node	 n;
	uint8_t		 family;
	uint8_t		 addr[16];
	unsigned	 nsteps, reported_steps;
	uint64_t	 first_id;	/* the handoff finding, 0: none yet */
	uint64_t	 last_step_us;
	struct ho_step	 steps[HANDOFF_STEPS];
};

struct ho_stats {
	uint64_t	steps, chains, followups, hosts, peak_hosts, evicted;
	uint64_t	alloc_failed;
};

struct handoff {
	struct corr_env		 env;
	struct lrutab		 t;
	struct addrset		*internal;
	uint64_t		 window_us;
	unsigned		 max_hosts;
	uint64_t		 now_us;
	uint64_t		 seed;
	struct ho_stats		 st;
};

static size_t
alen(uint8_t family)
{
	return family == 6 ? 16 : 4;
}

static uint64_t
host_key(const struct handoff *c, uint8_t family, const uint8_t *a)
{
	uint64_t h = c->seed;
	size_t i;

	h = (h ^ family) * 0x100000001b3ULL;
	for (i = 0; i < alen(family); i++)
		h = (h ^ a[i]) * 0x100000001b3ULL;
	return h ^ h >> 29;
}

/* ---- the finding ------------------------------------------------------------ */

struct write_arg {
	const struct handoff	*c;
	const struct ho_host	*h;
	int			 followup;
};

static void
write_extra(struct jbuf *j, const void *arg)
{
	const struct write_arg *a = arg;
	const struct ho_host *h = a->h;
	const struct ho_step *s;
	char addr[48], id[48];
	unsigned i;

	format_addr(h->family, h->addr, addr);
	jb_kstr(j, "host", addr);
	jb_key(j, "steps");
	jb_arr_open(j);
	for (i = 0; i < h->nsteps; i++) {
		s = &h->steps[i];
		jb_obj_open(j);
		snprintf(id, sizeof(id), "%s-%llu", a->c->env.run_id,
		    (unsigned long long)s->id);
		jb_kstr(j, "finding_id", id);
		jb_kstr(j, "kind", finding_kind_names[s->kind]);
		jb_kstr(j, "role", s->client ? "client" : "server");
		format_addr(h->family, s->peer, addr);
		jb_kstr(j, "peer", addr);
		if (s->port != 0)
			jb_kuint(j, "port", s->port);
		jb_ktime(j, "timestamp", s->ts_us);
		jb_key(j, "seconds_after_previous");
		jb_double(j, i == 0 ? 0 : (double)(s->ts_us >
		    h->steps[i - 1].ts_us ? s->ts_us - h->steps[i - 1].ts_us :
		    0) / 1e6);
		jb_obj_close(j);
	}
	jb_arr_close(j);
	jb_kuint(j, "count", h->nsteps);
	jb_key(j, "span_seconds");
	jb_double(j, (double)(h->steps[h->nsteps - 1].ts_us >
	    h->steps[0].ts_us ? h->steps[h->nsteps - 1].ts_us -
	    h->steps[0].ts_us : 0) / 1e6);
	if (a->followup) {
		jb_key(j, "followup");
		jb_obj_open(j);
		if (h->first_id != 0) {
			snprintf(id, sizeof(id), "%s-%llu", a->c->env.run_id,
			    (unsigned long long)h->first_id);
			jb_kstr(j, "of", id);
		}
		jb_obj_close(j);
	}
}

static uint64_t
report(struct handoff *c, struct ho_host *h, int followup)
{
	struct write_arg a = { c, h, followup };
	const struct ho_step *last = &h->steps[h->nsteps - 1];
	struct finding_endpoints ep;
	struct finding f;
	uint8_t seen[FK_MAX];
	unsigned i;

	finding_init(&f, FK_HANDOFF, SEV_CRITICAL, (uint8_t)(h->nsteps >= 3 ?
	    90 : 75));
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < h->nsteps && f.nmitre < FINDING_MAX_MITRE; i++)
		if (!seen[h->steps[i].kind]++)
			finding_mitre(&f, kind_mitre[h->steps[i].kind]);
	f.extra = write_extra;
	f.extra_arg = &a;
	/* The host, and the latest step's other end. */
	memset(&ep, 0, sizeof(ep));
	ep.family = h->family;
	ep.proto = last->proto;
	if (last->client)
		ep.dport = last->port;
	memcpy(ep.client, h->addr, sizeof(ep.client));
	memcpy(ep.server, last->peer, sizeof(ep.server));
	h->reported_steps = h->nsteps;
	return corr_publish(&c->env, &f, &ep, NULL, last->ts_us,
	    followup ? OUT_F_FOLLOWUP : 0);
}

/* ---- hosts -------------------------------------------------------------------- */

static void
host_close(struct handoff *c, struct ho_host *h)
{
	if (h->first_id != 0 && h->nsteps > h->reported_steps &&
	    report(c, h, 1) != 0)
		c->st.followups++;
	lrutab_remove(&c->t, &h->n);
	free(h);
	c->st.hosts--;
}

static void
expire(struct handoff *c)
{
	struct ho_host *h;

	while ((h = (struct ho_host *)c->t.oldest) != NULL &&
	    c->now_us > h->last_step_us + c->window_us)
		host_close(c, h);
}

static struct ho_host *
host_get(struct handoff *c, uint8_t family, const uint8_t *a)
{
	uint64_t key = host_key(c, family, a);
	struct lru_node *n;
	struct ho_host *h;

	for (n = lrutab_chain(&c->t, key); n != NULL; n = n->hnext) {
		h = (struct ho_host *)n;
		if (n->key == key && h->family == family &&
		    memcmp(h->addr, a, alen(family)) == 0) {
			lrutab_touch(&c->t, n);
			return h;
		}
	}
	if (c->st.hosts >= c->max_hosts && c->t.oldest != NULL) {
		c->st.evicted++;
		host_close(c, (struct ho_host *)c->t.oldest);
	}
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		c->st.alloc_failed++;
		return NULL;
	}
	h->n.key = key;
	h->family = family;
	memcpy(h->addr, a, alen(family));
	lrutab_insert(&c->t, &h->n);
	if (++c->st.hosts > c->st.peak_hosts)
		c->st.peak_hosts = c->st.hosts;
	return h;
}

/* One event on a host: a new step when its kind is new to the chain. */
static void
step(struct handoff *c, const struct out_rec *r, uint64_t id, int client)
{
	const uint8_t *host = client ? r->ep.client : r->ep.server;
	const uint8_t *peer = client ? r->ep.server : r->ep.client;
	struct ho_host *h;
	struct ho_step *s;
	unsigned i;
	uint64_t id0;

	if (addrset_lookup(c->internal, r->ep.family, host) < 0)
		return;
	if ((h = host_get(c, r->ep.family, host)) == NULL)
		return;
	/* Repeats keep a host in the table; its chain still ends. */
	if (h->nsteps > 0 && c->now_us > h->last_step_us + c->window_us) {
		if (h->first_id != 0 && h->nsteps > h->reported_steps &&
		    report(c, h, 1) != 0)
			c->st.followups++;
		h->nsteps = h->reported_steps = 0;
		h->first_id = 0;
	}
	for (i = 0; i < h->nsteps; i++)
		if (h->steps[i].kind == r->kind)
			return;		/* the same step again */
	if (h->nsteps == HANDOFF_STEPS)
		return;
	s = &h->steps[h->nsteps++];
	s->id = id;
	s->ts_us = r->ts_us;
	s->kind = r->kind;
	s->client = (uint8_t)client;
	s->proto = r->ep.proto;
	s->port = r->ep.dport;
	memcpy(s->peer, peer, alen(r->ep.family));
	h->last_step_us = c->now_us;
	c->st.steps++;
	if (h->nsteps == 2 && h->first_id == 0) {
		if ((id0 = report(c, h, 0)) != 0) {
			h->first_id = id0;
			c->st.chains++;
		}
	}
}

static uint64_t
ho_record(void *arg, const struct out_rec *r)
{
	struct handoff *c = arg;
	uint64_t id;

	if (r->ts_us > c->now_us)
		c->now_us = r->ts_us;
	expire(c);
	/* Published first: a step names the finding by its number. */
	id = c->env.out(c->env.out_arg, r);
	if (id == 0 || r->obs != 0 || !r->has_ep || r->kind >= FK_MAX ||
	    kind_mitre[r->kind] == NULL ||
	    (r->flags & (OUT_F_ALLOWED | OUT_F_FOLLOWUP)))
		return id;
	step(c, r, id, 1);
	/* A tool or a beacon runs on the client (its server may be the
	 * resolver it asked); a login and a tunnel have two ends inside. */
	if (r->kind != FK_BEACON && r->kind != FK_REMOTE_ACCESS &&
	    memcmp(r->ep.client, r->ep.server, alen(r->ep.family)) != 0)
		step(c, r, id, 0);
	return id;
}

static void *
ho_start(const struct corr_env *env, char *errbuf, size_t errlen)
{
	const struct config *cfg = &env->s->cfg;
	struct handoff *c;
	char err[512];
	size_t i;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    lrutab_init(&c->t, cfg->handoff_max_hosts) < 0) {
		free(c);
		snprintf(errbuf, errlen, "out of memory for the hand-off table "
		    "(lower handoff_max_hosts)");
		return NULL;
	}
	c->internal = addrset_build(cfg->internal_networks[0] != '\0' ?
	    cfg->internal_networks : default_internal, NULL, err, sizeof(err));
	if (c->internal == NULL) {
		snprintf(errbuf, errlen, "internal_networks: %s", err);
		lrutab_fini(&c->t);
		free(c);
		return NULL;
	}
	c->env = *env;
	c->window_us = (uint64_t)cfg->handoff_window * US_PER_S;
	c->max_hosts = cfg->handoff_max_hosts;
	c->seed = 0xcbf29ce484222325ULL;
	for (i = 0; env->run_id[i] != '\0'; i++)
		c->seed = (c->seed ^ (uint8_t)env->run_id[i]) * 0x100000001b3ULL;
	return c;
}

static void
ho_finish(void *arg)
{
	struct handoff *c = arg;

	while (c->t.oldest != NULL)
		host_close(c, (struct ho_host *)c->t.oldest);
}

static void
ho_counters(const void *arg, counter_fn put, void *parg)
{
	const struct handoff *c = arg;

	put(parg, "handoff_steps", c->st.steps);
	put(parg, "handoff_chains", c->st.chains);
	put(parg, "handoff_followups", c->st.followups);
	put(parg, "handoff_hosts", c->st.hosts);
	put(parg, "handoff_peak_hosts", c->st.peak_hosts);
	put(parg, "handoff_evicted", c->st.evicted);
	put(parg, "handoff_alloc_failed", c->st.alloc_failed);
}

static void
ho_stop(void *arg)
{
	struct handoff *c = arg;
	if (c == NULL)
		return;
	/* Quietly: finish() is the one that publishes. */
	lrutab_free_all(&c->t);
	addrset_free(c->internal);
	free(c);
}

const struct correlator handoff_correlator = {
	.name = "handoff",
	.description = "the hand-off chain: an access event on an internal "
	    "host, then an event of another kind within handoff_window: "
	    "handoff",
	.start = ho_start,
	.record = ho_record,
	.finish = ho_finish,
	.counters = ho_counters,
	.stop = ho_stop,
};
