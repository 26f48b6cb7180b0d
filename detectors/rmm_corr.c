/*
 * rmm_corr.c - the publisher half of remote_access (rmm.c is the worker
 * half; rmm.h says why there are two): folds the workers' RMM_OBS_MATCH
 * and RMM_OBS_END observations into one finding per (client, tool,
 * tenant) and window.
 *
 * What triggers a finding:
 *   - the first match of a (client, tool, tenant) opens a window of
 *     rmm_window seconds and is published at once: tool, vendor, tenant,
 *     evidence, first/last seen, the flows, DNS queries and bytes so far;
 *   - later matches in the window are folded (flows, DNS queries, bytes,
 *     up to RMM_EVIDENCE distinct evidence items, up to RMM_SERVERS
 *     servers), and the bytes of matched sessions that end; when the
 *     window closes (packet time passes its end, the table is full, or
 *     input ends) and another flow or query was folded, one follow-up with
 *     the totals and "followup":{"of":<first finding_id>}.  (A lone
 *     session's final byte count alone makes no second finding.)
 * Policy (rmm_allowed, tool[:tenant]): a tool allowed for this tenant (or
 * for any) is not reported, unless rmm_report_allowed (then severity info,
 * allowed: true); a tool allowed only for other tenants is reported with
 * sanctioned_tool: true: the second copy next to the sanctioned one.
 * Severity: high for an RMM product, medium for a remote-desktop protocol.
 *
 * What deliberately does not: a DNS query by a host that answered a DNS
 * query of this kind before (a resolver forwarding its clients' lookups:
 * its clients are the tools' users), counted as rmm_dns_forwarded.
 *
 * Live mode: a window closes when a later record arrives (the correlator's
 * clock is packet time) or at shutdown, as in cred_correlate.
 * Memory: at most rmm_max_entries entries (about 1.4 KiB each); when full
 * the least recently used closes early (counted as rmm_evicted).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "correlator.h"
#include "crypto.h"
#include "finding.h"
#include "json.h"
#include "lrutab.h"
#include "output.h"
#include "rmm.h"
#include "sigdb.h"
#include "wordlist.h"

#define US_PER_S	1000000ULL
#define RMM_EVIDENCE	8	/* distinct evidence items a finding lists */
#define RMM_SERVERS	4	/* servers a finding lists */

struct rmm_entry {
	struct lru_node		 n;
	struct rmm_entry	*fprev, *fnext;	/* FIFO: windows by opening */
	uint8_t			 family;
	uint8_t			 client[16];
	uint8_t			 commercial, sanctioned_tool, allowed;
	uint8_t			 confidence;
	uint8_t			 decided_by;
	char			 tool_id[RMM_ID_LEN];
	char			 tool[RMM_TOOL_LEN];
	char			 vendor[RMM_VENDOR_LEN];
	char			 mitre[RMM_MITRE_LEN];
	char			 tenant[RMM_TENANT_LEN];
	char			 app_proto[RMM_APP_LEN];
	uint64_t		 opened_us, first_us, last_us;
	uint64_t		 flows, dns_queries, bytes;
	uint64_t		 seen_matches;	/* flows + queries at report */
	uint64_t		 first_id;
	struct finding_endpoints ep;	/* the first match's */
	unsigned		 nservers, nev;
	uint8_t			 servers[RMM_SERVERS][16];
	struct rmm_evidence	 ev[RMM_EVIDENCE];
};

struct rmm_stats {
	uint64_t	matches, ends, reported, followups, allowed_suppressed;
	uint64_t	dns_forwarded, entries, peak_entries, evicted;
	uint64_t	alloc_failed, unmatched_ends;
};

struct rmm_corr {
	struct corr_env		 env;
	struct lrutab		 t;
	unsigned		 max_entries;
	uint64_t		 window_us;
	struct rmm_entry	*fifo_head, *fifo_tail;
	uint64_t		 now_us;
	struct addr_ring	 resolvers;	/* DNS servers seen answering */
	struct rmm_stats	 st;
};

static const char *const source_names[RMM_SRC_MAX] = {
	[RMM_SRC_DNS] = "dns", [RMM_SRC_TLS_SNI] = "tls_sni",
	[RMM_SRC_HTTP_HOST] = "http_host",
	[RMM_SRC_SERVER_NAME] = "server_name",
	[RMM_SRC_HTTP_UA] = "http_user_agent",
	[RMM_SRC_TLS_SUBJECT] = "tls_subject",
	[RMM_SRC_TLS_ISSUER] = "tls_issuer", [RMM_SRC_PORT] = "port",
	[RMM_SRC_NDPI] = "ndpi", [RMM_SRC_NDPI_RISK] = "ndpi_risk",
};

static const char *
source_name(uint8_t s)
{
	return s < RMM_SRC_MAX && source_names[s] != NULL ? source_names[s] :
	    "unknown";
}

static size_t
alen(uint8_t family)
{
	return family == 6 ? 16 : 4;
}

static void
copyz(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* SHA-256 of (family, client, tool id, tenant), first 8 bytes. */
static uint64_t
entry_key(uint8_t family, const uint8_t *client, const char *tool_id,
    const char *tenant)
{
	struct sha256_ctx c;
	uint8_t d[SHA256_LEN], z = 0;
	uint64_t k = 0;
	unsigned i;

	sha256_init(&c);
	sha256_update(&c, &family, 1);
	sha256_update(&c, client, alen(family));
	sha256_update(&c, tool_id, strlen(tool_id));
	sha256_update(&c, &z, 1);
	sha256_update(&c, tenant, strlen(tenant));
	sha256_final(&c, d);
	for (i = 0; i < 8; i++)
		k = k << 8 | d[i];
	return k;
}

static struct rmm_entry *
entry_find(struct rmm_corr *c, uint64_t key, uint8_t family,
    const uint8_t *client, const char *tool_id, const char *tenant)
{
	struct lru_node *n;
	struct rmm_entry *e;

	for (n = lrutab_chain(&c->t, key); n != NULL; n = n->hnext) {
		e = (struct rmm_entry *)n;
		if (n->key == key && e->family == family &&
		    memcmp(e->client, client, alen(family)) == 0 &&
		    strcmp(e->tool_id, tool_id) == 0 &&
		    strcmp(e->tenant, tenant) == 0)
			return e;
	}
	return NULL;
}

/* ---- findings ------------------------------------------------------------- */

struct write_arg {
	const struct rmm_corr	*c;
	const struct rmm_entry	*e;
	int			 followup;
};

static void
write_extra(struct jbuf *j, const void *arg)
{
	const struct write_arg *a = arg;
	const struct rmm_entry *e = a->e;
	char addr[48], id[48];
	unsigned i;

	jb_key(j, "evidence");
	jb_arr_open(j);
	for (i = 0; i < e->nev; i++) {
		jb_obj_open(j);
		jb_kstr(j, "source", source_name(e->ev[i].source));
		jb_kstr(j, "value", e->ev[i].value);
		jb_obj_close(j);
	}
	jb_arr_close(j);
	jb_key(j, "servers");
	jb_arr_open(j);
	for (i = 0; i < e->nservers; i++) {
		format_addr(e->family, e->servers[i], addr);
		jb_str(j, addr);
	}
	jb_arr_close(j);
	jb_ktime(j, "first_seen", e->first_us);
	jb_ktime(j, "last_seen", e->last_us);
	jb_kuint(j, "flows", e->flows);
	jb_kuint(j, "dns_queries", e->dns_queries);
	jb_kuint(j, "bytes", e->bytes);
	if (a->followup) {
		jb_key(j, "followup");
		jb_obj_open(j);
		if (e->first_id != 0) {
			snprintf(id, sizeof(id), "%s-%llu", a->c->env.run_id,
			    (unsigned long long)e->first_id);
			jb_kstr(j, "of", id);
		}
		jb_obj_close(j);
	}
}

/* The first name-like evidence: the server name field older tools read. */
static const char *
server_name(const struct rmm_entry *e)
{
	unsigned i;

	for (i = 0; i < e->nev; i++)
		if (e->ev[i].source <= RMM_SRC_SERVER_NAME)
			return e->ev[i].value;
	return NULL;
}

static uint64_t
report(struct rmm_corr *c, struct rmm_entry *e, int followup, uint64_t ts)
{
	struct write_arg a = { c, e, followup };
	struct finding f;
	const char *sn;
	enum severity sev;

	sev = e->allowed ? SEV_INFO : e->commercial ? SEV_HIGH : SEV_MEDIUM;
	finding_init(&f, FK_REMOTE_ACCESS, sev, e->confidence);
	/* e->mitre lives in the entry; finding_mitre keeps a pointer only
	 * for the duration of this call. */
	finding_mitre(&f, e->mitre);
	finding_str(&f, "tool", e->tool);
	finding_str(&f, "tool_id", e->tool_id);
	if (e->vendor[0] != '\0')
		finding_str(&f, "vendor", e->vendor);
	finding_bool(&f, "commercial_rmm", e->commercial);
	if (e->tenant[0] != '\0')
		finding_str(&f, "tenant", e->tenant);
	finding_bool(&f, "sanctioned_tool", e->sanctioned_tool);
	if (e->allowed)
		finding_bool(&f, "allowed", 1);
	finding_str(&f, "detected_by", source_name(e->decided_by));
	if ((sn = server_name(e)) != NULL)
		finding_str(&f, "server_name", sn);
	f.extra = write_extra;
	f.extra_arg = &a;
	e->seen_matches = e->flows + e->dns_queries;
	return corr_publish(&c->env, &f, &e->ep, e->app_proto[0] != '\0' ?
	    e->app_proto : NULL, ts, (e->allowed ? OUT_F_ALLOWED : 0) |
	    (followup ? OUT_F_FOLLOWUP : 0));
}

/* ---- the table ------------------------------------------------------------ */

static void
fifo_unlink(struct rmm_corr *c, struct rmm_entry *e)
{
	if (e->fprev != NULL)
		e->fprev->fnext = e->fnext;
	else
		c->fifo_head = e->fnext;
	if (e->fnext != NULL)
		e->fnext->fprev = e->fprev;
	else
		c->fifo_tail = e->fprev;
}

/* Closes a window: its follow-up if anything was folded, then frees it. */
static void
entry_close(struct rmm_corr *c, struct rmm_entry *e)
{
	if (e->flows + e->dns_queries > e->seen_matches) {
		if (report(c, e, 1, e->last_us) != 0)
			c->st.followups++;
	}
	lrutab_remove(&c->t, &e->n);
	fifo_unlink(c, e);
	free(e);
	c->st.entries--;
}

static void
expire(struct rmm_corr *c)
{
	while (c->fifo_head != NULL &&
	    c->now_us > c->fifo_head->opened_us + c->window_us)
		entry_close(c, c->fifo_head);
}

static struct rmm_entry *
entry_open(struct rmm_corr *c, uint64_t key, const struct out_rec *r,
    const struct rmm_match *m)
{
	struct rmm_entry *e;

	if (c->st.entries >= c->max_entries && c->t.oldest != NULL) {
		c->st.evicted++;
		entry_close(c, (struct rmm_entry *)c->t.oldest);
	}
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		c->st.alloc_failed++;
		return NULL;
	}
	e->n.key = key;
	e->family = r->ep.family;
	memcpy(e->client, r->ep.client, sizeof(e->client));
	copyz(e->tool_id, sizeof(e->tool_id), m->tool_id);
	copyz(e->tool, sizeof(e->tool), m->tool);
	copyz(e->vendor, sizeof(e->vendor), m->vendor);
	copyz(e->mitre, sizeof(e->mitre), m->mitre);
	copyz(e->tenant, sizeof(e->tenant), m->tenant);
	copyz(e->app_proto, sizeof(e->app_proto), m->app_proto);
	e->commercial = m->commercial;
	e->decided_by = m->decided_by;
	e->opened_us = e->first_us = e->last_us = r->ts_us;
	e->ep = r->ep;
	lrutab_insert(&c->t, &e->n);
	e->fprev = c->fifo_tail;
	if (c->fifo_tail != NULL)
		c->fifo_tail->fnext = e;
	else
		c->fifo_head = e;
	c->fifo_tail = e;
	if (++c->st.entries > c->st.peak_entries)
		c->st.peak_entries = c->st.entries;
	return e;
}

/* Adds a match's flow, servers and evidence to its entry. */
static void
fold(struct rmm_entry *e, const struct out_rec *r, const struct rmm_match *m)
{
	unsigned i, k;

	if (m->is_dns) {
		e->dns_queries++;
	} else {
		e->flows++;
		e->bytes += m->bytes;
		for (i = 0; i < e->nservers; i++)
			if (memcmp(e->servers[i], r->ep.server,
			    alen(e->family)) == 0)
				break;
		if (i == e->nservers && e->nservers < RMM_SERVERS)
			memcpy(e->servers[e->nservers++], r->ep.server, 16);
	}
	if (m->confidence > e->confidence)
		e->confidence = m->confidence;
	if (r->ts_us > e->last_us)
		e->last_us = r->ts_us;
	for (k = 0; k < m->nev && k < RMM_FLOW_EVIDENCE; k++) {
		for (i = 0; i < e->nev; i++)
			if (e->ev[i].source == m->ev[k].source &&
			    strcmp(e->ev[i].value, m->ev[k].value) == 0)
				break;
		if (i == e->nev && e->nev < RMM_EVIDENCE) {
			e->ev[e->nev] = m->ev[k];
			e->ev[e->nev].value[RMM_VALUE_LEN - 1] = '\0';
			e->nev++;
		}
	}
}

/* ---- records -------------------------------------------------------------- */

static void
on_match(struct rmm_corr *c, const struct out_rec *r)
{
	const struct policy_sets *ps = c->env.s->sigs != NULL ?
	    &c->env.s->sigs->sets : NULL;
	const struct wordlist *allow = ps != NULL ? ps->rmm_allowed : NULL;
	struct rmm_match m;
	struct rmm_entry *e;
	uint64_t key, id;

	if (r->len != sizeof(m) || !r->has_ep)
		return;
	memcpy(&m, r->body, sizeof(m));
	m.tool_id[RMM_ID_LEN - 1] = m.tenant[RMM_TENANT_LEN - 1] = '\0';
	m.tool[RMM_TOOL_LEN - 1] = m.vendor[RMM_VENDOR_LEN - 1] = '\0';
	m.mitre[RMM_MITRE_LEN - 1] = m.app_proto[RMM_APP_LEN - 1] = '\0';
	c->st.matches++;
	if (m.is_dns) {
		if (addr_ring_has(&c->resolvers, r->ep.family, r->ep.client)) {
			c->st.dns_forwarded++;
			return;
		}
		addr_ring_add(&c->resolvers, r->ep.family, r->ep.server);
	}
	key = entry_key(r->ep.family, r->ep.client, m.tool_id, m.tenant);
	e = entry_find(c, key, r->ep.family, r->ep.client, m.tool_id,
	    m.tenant);
	if (e != NULL) {
		fold(e, r, &m);
		lrutab_touch(&c->t, &e->n);
		return;
	}
	if (wordlist_allows(allow, m.tool_id, m.tenant[0] != '\0' ? m.tenant :
	    NULL) && !c->env.s->cfg.rmm_report_allowed) {
		c->st.allowed_suppressed++;
		return;
	}
	if ((e = entry_open(c, key, r, &m)) == NULL)
		return;
	e->allowed = wordlist_allows(allow, m.tool_id, m.tenant[0] != '\0' ?
	    m.tenant : NULL);
	e->sanctioned_tool = !e->allowed &&
	    wordlist_has_word(allow, m.tool_id);
	fold(e, r, &m);
	if ((id = report(c, e, 0, r->ts_us)) != 0) {
		e->first_id = id;
		c->st.reported++;
	}
}

static void
on_end(struct rmm_corr *c, const struct out_rec *r)
{
	struct rmm_end end;
	struct rmm_entry *e;
	uint64_t key;

	if (r->len != sizeof(end) || !r->has_ep)
		return;
	memcpy(&end, r->body, sizeof(end));
	end.tool_id[RMM_ID_LEN - 1] = end.tenant[RMM_TENANT_LEN - 1] = '\0';
	c->st.ends++;
	key = entry_key(r->ep.family, r->ep.client, end.tool_id, end.tenant);
	if ((e = entry_find(c, key, r->ep.family, r->ep.client, end.tool_id,
	    end.tenant)) == NULL) {
		c->st.unmatched_ends++;
		return;
	}
	e->bytes += end.bytes;
	if (end.end_us > e->last_us)
		e->last_us = end.end_us;
}

static uint64_t
rc_record(void *arg, const struct out_rec *r)
{
	struct rmm_corr *c = arg;

	if (r->ts_us > c->now_us)
		c->now_us = r->ts_us;
	expire(c);
	switch (r->obs) {
	case RMM_OBS_MATCH:
		on_match(c, r);
		return 0;
	case RMM_OBS_END:
		on_end(c, r);
		return 0;
	}
	return c->env.out(c->env.out_arg, r);
}

static void *
rc_start(const struct corr_env *env, char *errbuf, size_t errlen)
{
	struct rmm_corr *c;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    lrutab_init(&c->t, env->s->cfg.rmm_max_entries) < 0) {
		free(c);
		snprintf(errbuf, errlen, "out of memory for the remote-access "
		    "table (lower rmm_max_entries)");
		return NULL;
	}
	c->env = *env;
	c->max_entries = env->s->cfg.rmm_max_entries;
	c->window_us = (uint64_t)env->s->cfg.rmm_window * US_PER_S;
	return c;
}

static void
rc_finish(void *arg)
{
	struct rmm_corr *c = arg;

	while (c->fifo_head != NULL)
		entry_close(c, c->fifo_head);
}

static void
rc_counters(const void *arg, counter_fn put, void *parg)
{
	const struct rmm_corr *c = arg;

	put(parg, "rmm_matches", c->st.matches);
	put(parg, "rmm_reported", c->st.reported);
	put(parg, "rmm_followups", c->st.followups);
	put(parg, "rmm_allowed_suppressed", c->st.allowed_suppressed);
	put(parg, "rmm_dns_forwarded", c->st.dns_forwarded);
	put(parg, "rmm_entries", c->st.entries);
	put(parg, "rmm_peak_entries", c->st.peak_entries);
	put(parg, "rmm_evicted", c->st.evicted);
	put(parg, "rmm_alloc_failed", c->st.alloc_failed);
}

static void
rc_stop(void *arg)
{
	struct rmm_corr *c = arg;
	struct rmm_entry *e, *n;

	if (c == NULL)
		return;
	/* Quietly: rc_finish() is the one that publishes. */
	for (e = c->fifo_head; e != NULL; e = n) {
		n = e->fnext;
		free(e);
	}
	lrutab_fini(&c->t);
	free(c);
}

const struct correlator rmm_correlator = {
	.name = "rmm_corr",
	.description = "remote-access tools: one remote_access finding per "
	    "client, tool and tenant and window; sanctioned tenants",
	.start = rc_start,
	.record = rc_record,
	.finish = rc_finish,
	.counters = rc_counters,
	.stop = rc_stop,
};
