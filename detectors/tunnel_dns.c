/*
 * tunnel_dns.c - DNS tunnels and exfiltration through DNS queries: tunnel,
 * type dns_tunnel, ATT&CK T1071.004 (Application Layer Protocol: DNS) and
 * T1048.003 (Exfiltration Over Unencrypted Non-C2 Protocol).
 *
 * Input: FACT_DNS (dissectors/dns.c).  State: per worker, one entry per
 * (client, registered domain), the registered domain taken from the Public
 * Suffix List with libpsl (psl_latest(): the system's list when Debian's
 * publicsuffix package is newer than libpsl's built-in one).  A worker sees
 * every query between one client and one resolver (flows go to workers by
 * their address pair), so a client that spreads a tunnel over several
 * resolvers is scored per resolver.  The table holds at most
 * dns_tunnel_max_domains entries and is charged to detector_memcap; the
 * least recently seen entry makes room (counted tunnel_dns_evicted).
 *
 * Per entry and window (dns_tunnel_window seconds): queries, distinct
 * subdomains (a 64-slot hash set, so counts saturate at 64), the mean
 * length and the mean Shannon entropy (bits per character) of the
 * subdomain part (the labels left of the registered domain), the share of
 * query types that carry data (TXT, NULL, CNAME, MX, ANY, KEY, SRV and
 * the private range 65280-65534), and bytes up (query names) and down
 * (answer RDATA).  A finding when, in one window:
 *   distinct subdomains >= dns_tunnel_min_unique, and
 *   mean length >= dns_tunnel_min_length and mean entropy >=
 *   dns_tunnel_min_entropy, or data-type share >= 50 % and mean length
 *   >= half of dns_tunnel_min_length.
 * `pattern` says exfiltration when answers carried less than a tenth of
 * what the names carried up, tunnel otherwise.
 *
 * Known tools (signatures/dns_tunnel_tools.txt: iodine, dnscat2, dns2tcp,
 * DNSExfiltrator, Cobalt Strike DNS beacons) are reported on their first
 * matching query, per (client, tool), whatever the counts.
 *
 * Not reported: names under signatures/dns_tunnel_allow.txt (reverse
 * zones, anti-virus and reputation look-ups, CDN and telemetry domains
 * whose labels are long and random by design), .local and other names
 * mDNS and LLMNR use, and the same (client, domain) again within
 * tunnel_report_interval.  Ordinary browsing touches many host names of
 * a domain, but short and low in entropy; a CDN's random host names are
 * few per client.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpsl.h>

#include "detector.h"
#include "domainset.h"
#include "flow.h"
#include "lru.h"
#include "sigfile.h"
#include "tunnel_util.h"

#define DT_NAME_MAX	256	/* lower-cased query name, NUL included */
#define DT_DOMAIN_MAX	80
#define DT_EXAMPLE_MAX	64
#define DT_UNIQ_SLOTS	64
#define DT_TOOL_MAX	24
#define DT_MAX_SIGS	256

enum dt_match { DM_LABEL0 = 1, DM_PREFIX, DM_LABEL, DM_CONTAINS };
/* What the label after a match must be: anything, 8+ hex digits, or 16+
 * characters of an encoding (letters, digits, '-', '_', '='). */
enum dt_next { DN_ANY = 0, DN_HEX, DN_DATA };

struct dt_sig {
	char		 tool[DT_TOOL_MAX];
	uint8_t		 match;		/* enum dt_match */
	uint8_t		 next;		/* enum dt_next: the label after */
	char		 pat[64];
	size_t		 pat_len;
};

struct dt_tables {
	psl_ctx_t	*psl;
	struct domainset *allow;
	struct dt_sig	*sig;
	unsigned	 nsig;
};

/* (client, domain hash) or (client, tool hash) */
struct dt_key {
	uint8_t		 family;
	uint8_t		 is_tool;
	uint8_t		 pad[6];
	uint8_t		 addr[16];
	uint64_t	 name_hash;
};

struct dt_entry {
	uint64_t	 window_start;
	uint64_t	 reported_us;
	uint8_t		 reported;
	uint32_t	 queries, data_types, responses;
	uint32_t	 sum_len, max_len, sum_entropy;	/* entropy: 1/100 bit */
	uint32_t	 uniq_n;
	uint32_t	 uniq[DT_UNIQ_SLOTS];
	uint64_t	 bytes_up, bytes_down;
	uint16_t	 last_qtype;
	char		 domain[DT_DOMAIN_MAX];
	char		 example[DT_EXAMPLE_MAX];
};

/*
 * The Public Suffix List look-up costs thousands of instructions; an
 * answer repeats its query's name and browsing repeats names, so the
 * last names' registered-domain offsets are kept (direct-mapped).
 */
#define DT_PSL_CACHE	512

struct dt_psl_slot {
	uint64_t	 h;		/* hash of the lower-cased name, 0: empty */
	uint16_t	 len, off;	/* the name's length, offset of its
					 * registered domain */
};

struct dt_worker {
	struct lru		*t;
	struct dt_psl_slot	 psl[DT_PSL_CACHE];
	uint64_t		 psl_lookups, psl_hits;
};

/* ---- small helpers ------------------------------------------------------- */

static int
is_data_type(uint16_t t)
{
	/* TXT, NULL, CNAME, MX, ANY, KEY, SRV, private use */
	return t == 16 || t == 10 || t == 5 || t == 15 || t == 255 ||
	    t == 25 || t == 33 || (t >= 65280 && t <= 65534);
}

static const char *
qtype_name(uint16_t t)
{
	static const struct { uint16_t t; const char *n; } names[] = {
		{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" },
		{ 10, "NULL" }, { 12, "PTR" }, { 15, "MX" }, { 16, "TXT" },
		{ 25, "KEY" }, { 28, "AAAA" }, { 33, "SRV" }, { 65, "HTTPS" },
		{ 255, "ANY" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].t == t)
			return names[i].n;
	return t >= 65280 && t <= 65534 ? "PRIVATE" : "OTHER";
}

static int
all_of(const char *s, size_t n, const char *extra)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(extra == NULL ? isxdigit((unsigned char)s[i]) :
		    isalnum((unsigned char)s[i]) || strchr(extra, s[i]) != NULL))
			return 0;
	return n > 0;
}

/* Names that never leave the link (mDNS, LLMNR-style single labels). */
static int
link_local_name(const char *n, size_t len)
{
	return memchr(n, '.', len) == NULL || (len >= 6 &&
	    strcmp(n + len - 6, ".local") == 0) || (len >= 5 &&
	    strcmp(n + len - 5, ".arpa") == 0);
}

static void
copy_trunc(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ---- signatures ---------------------------------------------------------- */

/* Length of the label starting at s (up to '.' or the end). */
static size_t
label_len(const char *s, size_t n)
{
	const char *d = memchr(s, '.', n);

	return d != NULL ? (size_t)(d - s) : n;
}

static int
next_ok(const struct dt_sig *s, const char *name, size_t len, size_t lab_end)
{
	size_t l;

	if (s->next == DN_ANY)
		return 1;
	if (lab_end >= len)
		return 0;
	l = label_len(name + lab_end + 1, len - lab_end - 1);
	if (s->next == DN_HEX)
		return l >= 8 && all_of(name + lab_end + 1, l, NULL);
	return l >= 16 && all_of(name + lab_end + 1, l, "-_=");
}

static int
sig_match(const struct dt_sig *s, const char *name, size_t len)
{
	size_t off = 0, l;

	switch (s->match) {
	case DM_LABEL0:
		l = label_len(name, len);
		return l == s->pat_len && memcmp(name, s->pat, l) == 0 &&
		    next_ok(s, name, len, l);
	case DM_PREFIX:
		l = label_len(name, len);
		return l >= s->pat_len && memcmp(name, s->pat, s->pat_len) ==
		    0 && next_ok(s, name, len, l);
	case DM_LABEL:
		while (off < len) {
			l = label_len(name + off, len - off);
			if (l == s->pat_len && memcmp(name + off, s->pat, l) ==
			    0 && next_ok(s, name, len, off + l))
				return 1;
			off += l + 1;
		}
		return 0;
	case DM_CONTAINS:
		for (off = 0; off + s->pat_len <= len; off++)
			if (memcmp(name + off, s->pat, s->pat_len) == 0)
				return 1;
		return 0;
	}
	return 0;
}

static const struct dt_sig *
tool_of(const struct dt_tables *t, const char *name, size_t len)
{
	unsigned i;

	for (i = 0; t != NULL && i < t->nsig; i++)
		if (sig_match(&t->sig[i], name, len))
			return &t->sig[i];
	return NULL;
}

/* ---- state --------------------------------------------------------------- */

static void
key_init(struct dt_key *k, const struct flow *f, int is_tool, uint64_t h)
{
	memset(k, 0, sizeof(*k));
	k->family = f->key.family;
	k->is_tool = (uint8_t)is_tool;
	memcpy(k->addr, flow_client_addr(f), f->key.family == 6 ? 16 : 4);
	k->name_hash = h;
}

/* Adds a subdomain's hash to the entry's set; saturates at the slots. */
static void
uniq_add(struct dt_entry *e, uint32_t h)
{
	unsigned i, s;

	if (h == 0)
		h = 1;
	for (i = 0; i < DT_UNIQ_SLOTS; i++) {
		s = (h + i) & (DT_UNIQ_SLOTS - 1);
		if (e->uniq[s] == h)
			return;
		if (e->uniq[s] == 0) {
			e->uniq[s] = h;
			e->uniq_n++;
			return;
		}
	}
}

static int
may_report(const struct dt_entry *e, uint64_t now, const struct config *c)
{
	if (!e->reported)
		return 1;
	return c->tunnel_report_interval != 0 && now - e->reported_us >=
	    (uint64_t)c->tunnel_report_interval * 1000000;
}

/* ---- findings ------------------------------------------------------------ */

static void
report_tool(struct detctx *ctx, const struct dt_sig *s, const char *name,
    size_t len, const char *domain, uint16_t qtype)
{
	struct finding fd;
	char example[DT_EXAMPLE_MAX];

	copy_trunc(example, sizeof(example), name, len);
	finding_init(&fd, FK_TUNNEL, SEV_HIGH, 90);
	finding_mitre(&fd, "T1071.004");
	finding_mitre(&fd, "T1572");
	finding_str(&fd, "type", "dns_tunnel");
	finding_str(&fd, "tool", s->tool);
	if (domain != NULL)
		finding_str(&fd, "domain", domain);
	finding_str(&fd, "query_type", qtype_name(qtype));
	finding_str(&fd, "example", example);
	finding_str(&fd, "detected_by", "signature");
	det_emit(ctx, &fd);
}

static void
report_stats(struct detctx *ctx, const struct dt_entry *e,
    const struct config *c)
{
	struct finding fd;
	uint32_t mean_len = e->sum_len / e->queries;
	uint32_t mean_h = e->sum_entropy / e->queries;
	unsigned share = e->data_types * 100 / e->queries;
	unsigned conf = 60;
	int exfil = e->bytes_down * 10 < e->bytes_up;

	if (share >= 50)
		conf += 15;
	if (mean_len >= 2 * c->dns_tunnel_min_length)
		conf += 10;
	if (e->uniq_n >= DT_UNIQ_SLOTS)
		conf += 10;
	finding_init(&fd, FK_TUNNEL, SEV_MEDIUM, (uint8_t)(conf > 95 ? 95 :
	    conf));
	finding_mitre(&fd, "T1071.004");
	finding_mitre(&fd, exfil ? "T1048.003" : "T1572");
	finding_str(&fd, "type", "dns_tunnel");
	finding_str(&fd, "pattern", exfil ? "exfiltration" : "tunnel");
	finding_str(&fd, "domain", e->domain);
	finding_int(&fd, "queries", e->queries);
	finding_int(&fd, "unique_subdomains", e->uniq_n);
	finding_int(&fd, "mean_subdomain_length", mean_len);
	finding_int(&fd, "max_subdomain_length", e->max_len);
	finding_int(&fd, "entropy_centibits", mean_h);
	finding_int(&fd, "data_type_percent", share);
	finding_str(&fd, "query_type", qtype_name(e->last_qtype));
	finding_int(&fd, "bytes_up", (int64_t)e->bytes_up);
	finding_int(&fd, "bytes_down", (int64_t)e->bytes_down);
	finding_int(&fd, "window", c->dns_tunnel_window);
	finding_str(&fd, "example", e->example);
	finding_str(&fd, "detected_by", "statistics");
	det_emit(ctx, &fd);
}

static int
tunnel_like(const struct dt_entry *e, const struct config *c)
{
	uint32_t mean_len, mean_h;

	if (e->queries < c->dns_tunnel_min_unique ||
	    e->uniq_n < c->dns_tunnel_min_unique)
		return 0;
	mean_len = e->sum_len / e->queries;
	mean_h = e->sum_entropy / e->queries;
	if (mean_len >= c->dns_tunnel_min_length &&
	    mean_h >= c->dns_tunnel_min_entropy)
		return 1;
	return e->data_types * 2 >= e->queries &&
	    mean_len * 2 >= c->dns_tunnel_min_length;
}

/*
 * The registered domain of name (a suffix of it, NUL-terminated), from the
 * cache or libpsl; for an answer only from the cache (its query filled
 * it): NULL when not there.
 */
static const char *
registered(struct dt_worker *w, const struct dt_tables *t, const char *name,
    size_t len, int answer)
{
	uint64_t h = tunnel_once_hash(name, len) | 1;
	struct dt_psl_slot *sl = &w->psl[h % DT_PSL_CACHE];
	const char *reg;

	if (sl->h == h && sl->len == len) {
		w->psl_hits++;
		return name + sl->off;
	}
	if (answer)
		return NULL;
	w->psl_lookups++;
	if ((reg = psl_registrable_domain(t->psl, name)) == NULL)
		reg = name;
	sl->h = h;
	sl->len = (uint16_t)len;
	sl->off = (uint16_t)(reg - name);
	return reg;
}

/* ---- the fact hook ------------------------------------------------------- */

static void
dt_fact(struct detctx *ctx, void *fs, const struct fact *fa)
{
	const struct dns_fact *d = fa->u.dns;
	const struct dt_tables *t = det_tables(ctx);
	const struct config *c = det_config(ctx);
	const struct flow *f = det_flow(ctx);
	struct dt_worker *w = det_worker_state(ctx);
	const struct dt_sig *sig;
	struct dt_entry *e;
	struct dt_key k;
	char name[DT_NAME_MAX];
	const char *reg;
	size_t len, rlen, slen, i;
	uint64_t now = det_now_us(ctx);
	int fresh, tool_hit = 0;

	(void)fs;
	if (t == NULL || w == NULL || d->qname == NULL || d->opcode != 0 ||
	    d->qname_len == 0 || d->qname_len >= sizeof(name))
		return;
	len = d->qname_len;
	for (i = 0; i < len; i++)
		name[i] = (char)tolower(d->qname[i]);
	name[len] = '\0';
	if (link_local_name(name, len) ||
	    domainset_lookup(t->allow, name, len, NULL) != DOMAINSET_NONE)
		return;
	if ((reg = registered(w, t, name, len, d->is_response)) == NULL)
		return;
	rlen = strlen(reg);
	slen = rlen < len ? len - rlen - 1 : 0;

	if (!d->is_response && (sig = tool_of(t, name, len)) != NULL) {
		key_init(&k, f, 1, tunnel_once_hash(sig->tool, strlen(sig->tool)));
		if ((e = tunnel_lru_get(ctx, w->t, &k, &fresh,
		    "tunnel_dns_evicted")) != NULL &&
		    may_report(e, now, c)) {
			e->reported = 1;
			e->reported_us = now;
			/* No subdomain: the tool talks to its server directly
			 * and the name is all data (dnscat.<hex>). */
			report_tool(ctx, sig, name, len, rlen < len ? reg :
			    NULL, d->qtype);
		}
		tool_hit = 1;
	}

	key_init(&k, f, 0, tunnel_once_hash(reg, rlen));
	if ((e = tunnel_lru_get(ctx, w->t, &k, &fresh,
		    "tunnel_dns_evicted")) == NULL)
		return;
	if (fresh || now - e->window_start >
	    (uint64_t)c->dns_tunnel_window * 1000000) {
		/* A new window: the counts start again, the report stays. */
		memset(&e->queries, 0, offsetof(struct dt_entry, domain) -
		    offsetof(struct dt_entry, queries));
		e->window_start = now;
	}
	if (fresh)
		copy_trunc(e->domain, sizeof(e->domain), reg, rlen);
	if (tool_hit) {
		/* The tool's finding stands for this domain's too. */
		e->reported = 1;
		e->reported_us = now;
	}
	if (d->is_response) {
		e->responses++;
		e->bytes_down += d->answer_bytes;
		return;
	}
	e->queries++;
	e->bytes_up += d->qname_wire_len;
	e->last_qtype = d->qtype;
	if (is_data_type(d->qtype))
		e->data_types++;
	if (slen > 0) {
		e->sum_len += (uint32_t)slen;
		if (slen > e->max_len)
			e->max_len = (uint32_t)slen;
		e->sum_entropy += tunnel_entropy_x100((const uint8_t *)name, slen);
		uniq_add(e, (uint32_t)tunnel_once_hash(name, slen));
		if (slen >= e->max_len)
			copy_trunc(e->example, sizeof(e->example), name, len);
	}
	if (tunnel_like(e, c) && may_report(e, now, c)) {
		e->reported = 1;
		e->reported_us = now;
		report_stats(ctx, e, c);
	}
}

/* ---- tables and worker state --------------------------------------------- */

static int
dt_tool_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct dt_tables *t = arg;
	struct dt_sig *s, *ns;
	static const struct { const char *n; uint8_t m; } kinds[] = {
		{ "label0", DM_LABEL0 }, { "prefix", DM_PREFIX },
		{ "label", DM_LABEL }, { "contains", DM_CONTAINS },
	};
	size_t i;

	if (t->nsig >= DT_MAX_SIGS) {
		snprintf(err, errlen, "more than %d signatures", DT_MAX_SIGS);
		return -1;
	}
	if ((ns = realloc(t->sig, (t->nsig + 1) * sizeof(*ns))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->sig = ns;
	s = &t->sig[t->nsig];
	memset(s, 0, sizeof(*s));
	if (strlen(r->field[0]) >= sizeof(s->tool) ||
	    strlen(r->field[2]) >= sizeof(s->pat) || r->field[2][0] == '\0') {
		snprintf(err, errlen, "tool name or pattern too long");
		return -1;
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(r->field[1], kinds[i].n) == 0)
			s->match = kinds[i].m;
	if (s->match == 0) {
		snprintf(err, errlen, "'%s': the match is label0, prefix, "
		    "label or contains", r->field[1]);
		return -1;
	}
	if (r->nfields == 4) {
		if (s->match == DM_CONTAINS || (strcmp(r->field[3], "hex") !=
		    0 && strcmp(r->field[3], "data") != 0)) {
			snprintf(err, errlen, "'%s': the qualifier is hex or "
			    "data (after label0, prefix or label)", r->field[3]);
			return -1;
		}
		s->next = strcmp(r->field[3], "hex") == 0 ? DN_HEX : DN_DATA;
	}
	snprintf(s->tool, sizeof(s->tool), "%s", r->field[0]);
	for (i = 0; r->field[2][i] != '\0'; i++)
		s->pat[i] = (char)tolower((unsigned char)r->field[2][i]);
	s->pat_len = i;
	t->nsig++;
	return 0;
}

static int
dt_allow_line(const struct sigfile_rec *r, void *arg, char *err,
    size_t errlen)
{
	return domainset_builder_add(arg, r->field[0], 1, err, errlen);
}

static void
dt_unload(void *p)
{
	struct dt_tables *t = p;

	if (t == NULL)
		return;
	psl_free(t->psl);
	domainset_free(t->allow);
	free(t->sig);
	free(t);
}

static void *
dt_load(const struct det_load_args *la, char *err, size_t errlen)
{
	static const struct sigfile_spec tools = { 3, 4, 0 };
	static const struct sigfile_spec allow = { 1, 1, 0 };
	struct domainset_builder *b;
	struct dt_tables *t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((t->psl = psl_latest(NULL)) == NULL) {
		snprintf(err, errlen, "libpsl: no Public Suffix List");
		dt_unload(t);
		return NULL;
	}
	if (sigfile_read_in(la->sigdir, "dns_tunnel_tools.txt", &tools,
	    dt_tool_line, t, err, errlen) < 0) {
		dt_unload(t);
		return NULL;
	}
	if ((b = domainset_builder_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		dt_unload(t);
		return NULL;
	}
	if (sigfile_read_in(la->sigdir, "dns_tunnel_allow.txt", &allow,
	    dt_allow_line, b, err, errlen) < 0) {
		domainset_builder_free(b);
		dt_unload(t);
		return NULL;
	}
	if ((t->allow = domainset_builder_finish(b, err, errlen)) == NULL) {
		dt_unload(t);
		return NULL;
	}
	return t;
}

static void *
dt_worker_new(const struct config *c)
{
	struct dt_worker *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	if ((w->t = lru_new(sizeof(struct dt_key), sizeof(struct dt_entry),
	    c->dns_tunnel_max_domains)) == NULL) {
		free(w);
		return NULL;
	}
	return w;
}

static void
dt_worker_free(void *p)
{
	struct dt_worker *w = p;

	if (w == NULL)
		return;
	lru_free(w->t);
	free(w);
}

static void
dt_counters(const void *p, counter_fn put, void *arg)
{
	const struct dt_worker *w = p;

	put(arg, "tunnel_dns.domains", lru_count(w->t));
	put(arg, "tunnel_dns.psl_lookups", w->psl_lookups);
	put(arg, "tunnel_dns.psl_cache_hits", w->psl_hits);
}

const struct detector tunnel_dns_detector = {
	.name = "tunnel_dns",
	.description = "DNS tunnels and exfiltration per (client, registered "
	    "domain): subdomain length, entropy, uniqueness, record types; "
	    "known tools: tunnel",
	.events = DET_EV_FACT,
	.fact_mask = 1u << FACT_DNS,
	.load = dt_load,
	.unload = dt_unload,
	.worker_new = dt_worker_new,
	.worker_free = dt_worker_free,
	.counters = dt_counters,
	.fact = dt_fact,
};
