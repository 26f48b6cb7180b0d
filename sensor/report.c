/*
 * report.c - the HTML report sink; see report.h.
 *
 * The page is written once, at close, from what write() kept:
 *   - counts by kind (names as the lines give them, at most
 *     REPORT_MAX_KINDS; more are counted under "other") and severity;
 *   - a histogram of finding times (TL_BUCKETS buckets whose width doubles
 *     as the span grows, so memory is fixed whatever the span);
 *   - per source host (the finding's src_ip: the client that sent the
 *     credential, opened the session or tunnel, beaconed), counts by kind,
 *     first and last time and up to HOST_PEERS distinct peers per kind
 *     (edge devices touched, servers logged in to), at most
 *     REPORT_MAX_HOSTS hosts; others are counted;
 *   - the lines themselves, at most max_findings and REPORT_MAX_BYTES, for
 *     the host sections (each host's findings in time order with the
 *     seconds between them: a hand-off chain reads as such) and the
 *     findings table.  sensor_health lines are counted, not kept.
 *
 * Lines are parsed with a small JSON reader (below) into a tree in a
 * scratch arena sized for the longest line, so parsing allocates nothing.
 * Strings come out decoded; the writers below escape them again for HTML.
 */
#include "ac-config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "crypto.h"
#include "finding.h"
#include "report.h"
#include "sensor.h"
#include "stats.h"

#define LINE_MAX_BYTES	(FINDING_JSON_MAX + 256)
#define TL_BUCKETS	96
#define HOST_PEERS	12
#define HOST_ROWS	60	/* rows per host section */
#define SEV_N		5

/* ---- a small JSON reader ------------------------------------------------- */

enum jt { JT_NULL, JT_BOOL, JT_NUM, JT_STR, JT_ARR, JT_OBJ };

struct jnode {
	enum jt		 t;
	const char	*key;		/* in an object; decoded */
	size_t		 keylen;
	const char	*s;		/* JT_STR: decoded; JT_NUM, JT_BOOL: text */
	size_t		 slen;
	struct jnode	*child;		/* JT_ARR, JT_OBJ */
	struct jnode	*next;
};

struct jparse {
	const char	*p, *end;
	struct jnode	*nodes;
	size_t		 nnodes, capnodes;
	char		*str;		/* decoded strings */
	size_t		 nstr, capstr;
	int		 depth;
};

static void
jp_ws(struct jparse *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static struct jnode *
jp_node(struct jparse *j, enum jt t)
{
	struct jnode *n;

	if (j->nnodes >= j->capnodes)
		return NULL;
	n = &j->nodes[j->nnodes++];
	memset(n, 0, sizeof(*n));
	n->t = t;
	return n;
}

static int
jp_hex4(struct jparse *j, unsigned *out)
{
	int i, d;

	*out = 0;
	if (j->end - j->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if ((d = hex_value((unsigned char)j->p[i])) < 0)
			return -1;
		*out = *out << 4 | (unsigned)d;
	}
	j->p += 4;
	return 0;
}

static int
jp_put(struct jparse *j, unsigned char c)
{
	if (j->nstr >= j->capstr)
		return -1;
	j->str[j->nstr++] = (char)c;
	return 0;
}

/* UTF-8 for a code point (a lone surrogate becomes U+FFFD). */
static int
jp_utf8(struct jparse *j, unsigned cp)
{
	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	if (cp < 0x80)
		return jp_put(j, (unsigned char)cp);
	if (cp < 0x800)
		return jp_put(j, (unsigned char)(0xc0 | cp >> 6)) |
		    jp_put(j, (unsigned char)(0x80 | (cp & 0x3f)));
	if (cp < 0x10000)
		return jp_put(j, (unsigned char)(0xe0 | cp >> 12)) |
		    jp_put(j, (unsigned char)(0x80 | ((cp >> 6) & 0x3f))) |
		    jp_put(j, (unsigned char)(0x80 | (cp & 0x3f)));
	return jp_put(j, (unsigned char)(0xf0 | cp >> 18)) |
	    jp_put(j, (unsigned char)(0x80 | ((cp >> 12) & 0x3f))) |
	    jp_put(j, (unsigned char)(0x80 | ((cp >> 6) & 0x3f))) |
	    jp_put(j, (unsigned char)(0x80 | (cp & 0x3f)));
}

/* A string at j->p (after its quote); decoded into j->str. */
static int
jp_string(struct jparse *j, const char **out, size_t *outlen)
{
	size_t start = j->nstr;
	unsigned cp, lo;

	for (;;) {
		unsigned char c;

		if (j->p >= j->end)
			return -1;
		c = (unsigned char)*j->p++;
		if (c == '"')
			break;
		if (c != '\\') {
			if (c < 0x20 || jp_put(j, c) < 0)
				return -1;
			continue;
		}
		if (j->p >= j->end)
			return -1;
		c = (unsigned char)*j->p++;
		switch (c) {
		case '"': case '\\': case '/':
			break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			if (jp_hex4(j, &cp) < 0)
				return -1;
			if (cp >= 0xd800 && cp < 0xdc00 && j->end - j->p >= 6 &&
			    j->p[0] == '\\' && j->p[1] == 'u') {
				const char *save = j->p;

				j->p += 2;
				if (jp_hex4(j, &lo) == 0 && lo >= 0xdc00 &&
				    lo <= 0xdfff)
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
				else
					j->p = save;
			}
			if (jp_utf8(j, cp) < 0)
				return -1;
			continue;
		default:
			return -1;
		}
		if (jp_put(j, c) < 0)
			return -1;
	}
	*out = j->str + start;
	*outlen = j->nstr - start;
	return jp_put(j, 0);	/* terminated, for convenience */
}

static struct jnode *jp_value(struct jparse *j);

static struct jnode *
jp_container(struct jparse *j, enum jt t)
{
	struct jnode *n = jp_node(j, t), **tail, *v;
	const char *key = NULL;
	size_t keylen = 0;
	char close = t == JT_OBJ ? '}' : ']';

	if (n == NULL || ++j->depth > 32)
		return NULL;
	tail = &n->child;
	jp_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return n;
	}
	for (;;) {
		jp_ws(j);
		if (t == JT_OBJ) {
			if (j->p >= j->end || *j->p != '"')
				return NULL;
			j->p++;
			if (jp_string(j, &key, &keylen) < 0)
				return NULL;
			jp_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return NULL;
			j->p++;
		}
		if ((v = jp_value(j)) == NULL)
			return NULL;
		v->key = key;
		v->keylen = keylen;
		*tail = v;
		tail = &v->next;
		jp_ws(j);
		if (j->p >= j->end)
			return NULL;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p != close)
			return NULL;
		j->p++;
		j->depth--;
		return n;
	}
}

static struct jnode *
jp_value(struct jparse *j)
{
	struct jnode *n;
	const char *s;

	jp_ws(j);
	if (j->p >= j->end)
		return NULL;
	switch (*j->p) {
	case '{':
		j->p++;
		return jp_container(j, JT_OBJ);
	case '[':
		j->p++;
		return jp_container(j, JT_ARR);
	case '"':
		j->p++;
		if ((n = jp_node(j, JT_STR)) == NULL ||
		    jp_string(j, &n->s, &n->slen) < 0)
			return NULL;
		return n;
	case 't': case 'f': case 'n':
		s = j->p;
		while (j->p < j->end && isalpha((unsigned char)*j->p))
			j->p++;
		if ((n = jp_node(j, *s == 'n' ? JT_NULL : JT_BOOL)) == NULL)
			return NULL;
		n->s = s;
		n->slen = (size_t)(j->p - s);
		return n;
	default:
		s = j->p;
		while (j->p < j->end && (isdigit((unsigned char)*j->p) ||
		    strchr("+-.eE", *j->p) != NULL))
			j->p++;
		if (j->p == s || (n = jp_node(j, JT_NUM)) == NULL)
			return NULL;
		n->s = s;
		n->slen = (size_t)(j->p - s);
		return n;
	}
}

/* Parses one line; NULL if it is not a JSON object. */
static struct jnode *
jp_parse(struct jparse *j, const char *line, size_t len)
{
	struct jnode *root;

	j->p = line;
	j->end = line + len;
	j->nnodes = 0;
	j->nstr = 0;
	j->depth = 0;
	root = jp_value(j);
	return root != NULL && root->t == JT_OBJ ? root : NULL;
}

static const struct jnode *
jget(const struct jnode *obj, const char *key)
{
	const struct jnode *n;
	size_t kl = strlen(key);

	if (obj == NULL || obj->t != JT_OBJ)
		return NULL;
	for (n = obj->child; n != NULL; n = n->next)
		if (n->keylen == kl && memcmp(n->key, key, kl) == 0)
			return n;
	return NULL;
}

static const char *
jstr(const struct jnode *obj, const char *key)
{
	const struct jnode *n = jget(obj, key);

	return n != NULL && n->t == JT_STR ? n->s : "";
}

static long long
jnum(const struct jnode *obj, const char *key)
{
	const struct jnode *n = jget(obj, key);

	return n != NULL && n->t == JT_NUM ? strtoll(n->s, NULL, 10) : -1;
}

/* "2023-11-14T22:13:20.007000Z" to microseconds since 1970; 0 if not. */
static uint64_t
parse_time(const char *s)
{
	struct tm tm;
	unsigned us = 0, scale = 100000;
	const char *p;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((p = strchr(s, '.')) != NULL)
		for (p++; isdigit((unsigned char)*p) && scale > 0; p++) {
			us += (unsigned)(*p - '0') * scale;
			scale /= 10;
		}
	if ((t = timegm(&tm)) < 0)
		return 0;
	return (uint64_t)t * 1000000 + us;
}

/* ---- the sink's state ----------------------------------------------------- */

struct rp_host {
	char		 ip[48];
	uint64_t	 n;
	uint64_t	 first_us, last_us;
	uint32_t	 by_kind[REPORT_MAX_KINDS];
	int		 max_sev;
	/* distinct (kind, peer) pairs, for "edge devices touched" and the
	 * like: HOST_PEERS in all, then only "and more" for that kind */
	struct {
		uint8_t	 kind;
		char	 ip[47];
	}		 peers[HOST_PEERS];
	uint8_t		 npeers;
	uint32_t	 more_peers;	/* bit per kind, kinds 0..31 */
	int		 listed;	/* some of its lines are kept */
};

struct rp_line {
	uint64_t	 ts_us;
	uint32_t	 seq;		/* publication order */
	uint32_t	 len;
	int		 host;		/* index into hosts, -1 none */
	char		*json;
};

struct report_sink {
	struct sink		 base;
	struct report_opts	 o;
	FILE			*fp;
	struct jparse		 jp;
	struct sink_stats	 st;
	/* counts */
	char			 kinds[REPORT_MAX_KINDS][48];
	unsigned		 nkinds;
	uint64_t		 by_kind_sev[REPORT_MAX_KINDS][SEV_N];
	uint64_t		 total, health, unparsed;
	uint64_t		 first_us, last_us;	/* of findings */
	/* timeline */
	uint64_t		 tl_origin, tl_width;	/* us */
	uint32_t		 tl[TL_BUCKETS][REPORT_MAX_KINDS];
	int			 tl_used;
	/* hosts */
	struct rp_host		*hosts;
	unsigned		 nhosts;
	uint64_t		 hosts_left_out;	/* findings of untracked hosts */
	/* kept lines */
	struct rp_line		*lines;
	size_t			 nlines, caplines;
	uint64_t		 bytes_kept, left_out;
	/* the run, from report_sink_run */
	struct totals		*totals;
	double			 secs;
	uint64_t		 cap_first_us, cap_last_us;
};

static const char *const sev_names[SEV_N] = {
	"info", "low", "medium", "high", "critical"
};

static int
sev_index(const char *s)
{
	int i;

	for (i = 0; i < SEV_N; i++)
		if (strcmp(s, sev_names[i]) == 0)
			return i;
	return 0;
}

/* The kind's index; the last slot collects kinds past the table. */
static unsigned
kind_index(struct report_sink *r, const char *k)
{
	unsigned i;

	for (i = 0; i < r->nkinds; i++)
		if (strcmp(r->kinds[i], k) == 0)
			return i;
	if (r->nkinds < REPORT_MAX_KINDS - 1) {
		snprintf(r->kinds[r->nkinds], sizeof(r->kinds[0]), "%s", k);
		return r->nkinds++;
	}
	if (r->nkinds == REPORT_MAX_KINDS - 1)
		snprintf(r->kinds[r->nkinds++], sizeof(r->kinds[0]), "other");
	return REPORT_MAX_KINDS - 1;
}

/* Puts ts in the histogram, widening the buckets when it falls outside. */
static void
tl_add(struct report_sink *r, uint64_t ts, unsigned k)
{
	uint64_t lo, hi, w, o;
	uint32_t old[TL_BUCKETS][REPORT_MAX_KINDS];
	int i, idx;

	if (!r->tl_used) {
		r->tl_width = 1000;	/* 1 ms to start */
		r->tl_origin = ts - ts % r->tl_width;
		r->tl_used = 1;
	}
	if (ts < r->tl_origin ||
	    ts >= r->tl_origin + (uint64_t)TL_BUCKETS * r->tl_width) {
		/* origin <= every time seen so far <= last_us */
		lo = ts < r->tl_origin ? ts : r->tl_origin;
		hi = ts > r->last_us ? ts : r->last_us;
		if (hi < r->tl_origin)
			hi = r->tl_origin;
		for (w = r->tl_width; hi / w - lo / w >= TL_BUCKETS; w *= 2)
			;
		o = lo - lo % w;
		memcpy(old, r->tl, sizeof(old));
		memset(r->tl, 0, sizeof(r->tl));
		for (i = 0; i < TL_BUCKETS; i++) {
			uint64_t t = r->tl_origin + (uint64_t)i * r->tl_width;
			unsigned kk;

			if (t < o)
				continue;
			idx = (int)((t - o) / w);
			if (idx >= TL_BUCKETS)
				continue;
			for (kk = 0; kk < REPORT_MAX_KINDS; kk++)
				r->tl[idx][kk] += old[i][kk];
		}
		r->tl_origin = o;
		r->tl_width = w;
	}
	idx = (int)((ts - r->tl_origin) / r->tl_width);
	if (idx >= 0 && idx < TL_BUCKETS)
		r->tl[idx][k]++;
}

static int
host_index(struct report_sink *r, const char *ip)
{
	unsigned i;

	if (ip[0] == '\0')
		return -1;
	for (i = 0; i < r->nhosts; i++)
		if (strcmp(r->hosts[i].ip, ip) == 0)
			return (int)i;
	if (r->nhosts >= REPORT_MAX_HOSTS)
		return -1;
	memset(&r->hosts[r->nhosts], 0, sizeof(r->hosts[0]));
	snprintf(r->hosts[r->nhosts].ip, sizeof(r->hosts[0].ip), "%s", ip);
	return (int)r->nhosts++;
}

static void
host_peer(struct rp_host *h, unsigned k, const char *peer)
{
	unsigned i;

	if (peer[0] == '\0')
		return;
	for (i = 0; i < h->npeers; i++)
		if (h->peers[i].kind == k && strcmp(h->peers[i].ip, peer) == 0)
			return;
	if (h->npeers < HOST_PEERS) {
		h->peers[h->npeers].kind = (uint8_t)k;
		snprintf(h->peers[h->npeers++].ip, sizeof(h->peers[0].ip), "%s",
		    peer);
	} else
		h->more_peers |= 1u << (k % 32);
}

static int
rp_write(struct sink *base, const struct sink_item *it)
{
	struct report_sink *r = (struct report_sink *)base;
	const struct jnode *root;
	const char *kind, *src;
	struct rp_line *l;
	uint64_t ts;
	unsigned k;
	int sev, h;

	r->st.produced++;
	r->st.published++;
	if (it->len > LINE_MAX_BYTES ||
	    (root = jp_parse(&r->jp, it->json, it->len)) == NULL) {
		r->unparsed++;
		return 0;
	}
	kind = jstr(root, "kind");
	if (strcmp(kind, "sensor_health") == 0) {
		r->health++;
		return 0;
	}
	r->total++;
	k = kind_index(r, kind[0] ? kind : "unknown");
	sev = sev_index(jstr(root, "severity"));
	r->by_kind_sev[k][sev]++;
	ts = parse_time(jstr(root, "timestamp"));
	if (ts != 0) {
		tl_add(r, ts, k);
		if (r->first_us == 0 || ts < r->first_us)
			r->first_us = ts;
		if (ts > r->last_us)
			r->last_us = ts;
	}
	src = jstr(root, "src_ip");
	if ((h = host_index(r, src)) >= 0) {
		struct rp_host *hp = &r->hosts[h];

		hp->n++;
		hp->by_kind[k]++;
		if (sev > hp->max_sev)
			hp->max_sev = sev;
		if (ts != 0 && (hp->first_us == 0 || ts < hp->first_us))
			hp->first_us = ts;
		if (ts > hp->last_us)
			hp->last_us = ts;
		host_peer(hp, k, jstr(root, "dest_ip"));
	} else if (src[0] != '\0')
		r->hosts_left_out++;
	if (r->nlines >= r->o.max_findings ||
	    r->bytes_kept + it->len > REPORT_MAX_BYTES) {
		r->left_out++;
		return 0;
	}
	if (r->nlines == r->caplines) {
		size_t n = r->caplines ? r->caplines * 2 : 256;
		struct rp_line *nl = realloc(r->lines, n * sizeof(*nl));

		if (nl == NULL) {
			r->left_out++;
			return 0;
		}
		r->lines = nl;
		r->caplines = n;
	}
	l = &r->lines[r->nlines];
	if ((l->json = malloc(it->len + 1)) == NULL) {
		r->left_out++;
		return 0;
	}
	memcpy(l->json, it->json, it->len);
	l->json[it->len] = '\0';
	l->len = (uint32_t)it->len;
	l->ts_us = ts;
	l->seq = (uint32_t)r->nlines;
	l->host = h;
	r->bytes_kept += it->len;
	r->nlines++;
	return 0;
}

static void
rp_poll(struct sink *base, uint64_t now_ms)
{
	(void)base;
	(void)now_ms;
}

static void
rp_stats(struct sink *base, struct sink_stats *out)
{
	*out = ((struct report_sink *)base)->st;
}

/* ---- HTML writing --------------------------------------------------------- */

/*
 * Text or a double-quoted attribute value: & < > " ' as entities; C0
 * controls, DEL, C1 controls and the bidirectional controls (which could
 * make text read in another order than it is) as a visible \uXXXX; bytes
 * that are not valid UTF-8 as U+FFFD.
 */
static void
esc(FILE *fp, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;

	while (p < e) {
		unsigned c = *p, cp, len, i;

		if (c < 0x80) {
			switch (c) {
			case '&': fputs("&amp;", fp); break;
			case '<': fputs("&lt;", fp); break;
			case '>': fputs("&gt;", fp); break;
			case '"': fputs("&quot;", fp); break;
			case '\'': fputs("&#39;", fp); break;
			default:
				if (c < 0x20 || c == 0x7f)
					fprintf(fp, "\\u%04X", c);
				else
					putc((int)c, fp);
			}
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else
			len = 0, cp = 0;
		if (len == 0 || (size_t)(e - p) < len) {
			fputs("\xef\xbf\xbd", fp);
			p++;
			continue;
		}
		for (i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				break;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if (i < len || (len == 3 && cp < 0x800) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff)) {
			fputs("\xef\xbf\xbd", fp);
			p++;
			continue;
		}
		if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061c)
			fprintf(fp, "\\u%04X", cp);
		else
			fwrite(p, 1, len, fp);
		p += len;
	}
}

static void
escs(FILE *fp, const char *s)
{
	esc(fp, s, strlen(s));
}

static void
fmt_time(uint64_t us, char out[32])
{
	if (us == 0)
		snprintf(out, 32, "-");
	else
		format_time_us(us, out);
}

/* A node's value, generically: scalars as text, objects and arrays as
 * nested lists (arrays of objects as a small table). */
static void
html_value(FILE *fp, const struct jnode *n, int depth)
{
	const struct jnode *c, *row, *cell;
	const char *cols[16];
	size_t ncols = 0, i;

	switch (n->t) {
	case JT_STR:
		esc(fp, n->s, n->slen);
		return;
	case JT_NUM: case JT_BOOL: case JT_NULL:
		esc(fp, n->s, n->slen);
		return;
	case JT_OBJ:
		if (depth > 6) {
			fputs("&hellip;", fp);
			return;
		}
		fputs("<dl>", fp);
		for (c = n->child; c != NULL; c = c->next) {
			fputs("<dt>", fp);
			esc(fp, c->key, c->keylen);
			fputs("</dt><dd>", fp);
			html_value(fp, c, depth + 1);
			fputs("</dd>", fp);
		}
		fputs("</dl>", fp);
		return;
	case JT_ARR:
		if (depth > 6) {
			fputs("&hellip;", fp);
			return;
		}
		/* An array of objects: one row each, the union of keys. */
		for (row = n->child; row != NULL; row = row->next) {
			if (row->t != JT_OBJ)
				break;
			for (cell = row->child; cell != NULL; cell = cell->next) {
				for (i = 0; i < ncols; i++)
					if (strcmp(cols[i], cell->key) == 0)
						break;
				if (i == ncols && ncols < 16)
					cols[ncols++] = cell->key;
			}
		}
		if (n->child != NULL && row == NULL && ncols > 0) {
			fputs("<table class=\"sub\"><tr>", fp);
			for (i = 0; i < ncols; i++) {
				fputs("<th>", fp);
				escs(fp, cols[i]);
				fputs("</th>", fp);
			}
			fputs("</tr>", fp);
			for (row = n->child; row != NULL; row = row->next) {
				fputs("<tr>", fp);
				for (i = 0; i < ncols; i++) {
					fputs("<td>", fp);
					if ((cell = jget(row, cols[i])) != NULL)
						html_value(fp, cell, depth + 1);
					fputs("</td>", fp);
				}
				fputs("</tr>", fp);
			}
			fputs("</table>", fp);
			return;
		}
		for (c = n->child; c != NULL; c = c->next) {
			if (c != n->child)
				fputs(", ", fp);
			html_value(fp, c, depth + 1);
		}
		return;
	}
}

/* The kind's own object in one line: its scalar fields, "key value; ...". */
static void
html_brief(FILE *fp, const struct jnode *root, const char *kind)
{
	const struct jnode *obj = jget(root, kind), *c;
	unsigned n = 0;

	if (obj == NULL || obj->t != JT_OBJ)
		return;
	for (c = obj->child; c != NULL && n < 10; c = c->next) {
		if (c->t == JT_OBJ)
			continue;
		if (n++ > 0)
			fputs("; ", fp);
		fputs("<b>", fp);
		esc(fp, c->key, c->keylen);
		fputs("</b> ", fp);
		if (c->t == JT_ARR) {
			unsigned items = 0;
			const struct jnode *x;

			for (x = c->child; x != NULL; x = x->next)
				items++;
			if (c->child != NULL && c->child->t == JT_OBJ)
				fprintf(fp, "%u items", items);
			else
				html_value(fp, c, 5);
		} else
			html_value(fp, c, 5);
	}
}

static void
endpoint(FILE *fp, const struct jnode *root, const char *ip, const char *port)
{
	long long p = jnum(root, port);
	const char *a = jstr(root, ip);

	if (a[0] == '\0') {
		fputs("-", fp);
		return;
	}
	if (strchr(a, ':') != NULL) {
		fputs("[", fp);
		escs(fp, a);
		fputs("]", fp);
	} else
		escs(fp, a);
	if (p >= 0)
		fprintf(fp, ":%lld", p);
}

static int
is_internal(const char *ip)
{
	unsigned a, b;

	if (strchr(ip, ':') != NULL)
		return strncmp(ip, "fd", 2) == 0 || strncmp(ip, "fc", 2) == 0 ||
		    strncmp(ip, "fe80", 4) == 0 || strcmp(ip, "::1") == 0;
	if (sscanf(ip, "%u.%u", &a, &b) != 2)
		return 0;
	return a == 10 || a == 127 || (a == 172 && b >= 16 && b <= 31) ||
	    (a == 192 && b == 168) || (a == 100 && b >= 64 && b <= 127) ||
	    (a == 169 && b == 254);
}

static const char *const palette[] = {
	"#d62728", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
};
#define NPALETTE	(sizeof(palette) / sizeof(palette[0]))

static const char report_css[] =
"body{font:14px/1.4 system-ui,sans-serif;margin:0 2em 2em;color:#222}"
"h1{font-size:1.6em;margin:.6em 0 .2em}h2{border-bottom:2px solid #ccc;"
"margin-top:1.6em}h3{margin:1.2em 0 .3em;font-family:monospace}"
"table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ddd;"
"padding:2px 6px;text-align:left;vertical-align:top}th{background:#f3f3f3}"
"td.n{text-align:right;font-variant-numeric:tabular-nums}"
".sev-critical{color:#fff;background:#8b0000}.sev-high{background:#f8c9c4}"
".sev-medium{background:#fde9c5}.sev-low{background:#eef5d6}"
".tag{display:inline-block;padding:0 6px;margin:1px;border-radius:8px;"
"background:#eee;font-size:.9em}.int{background:#dbe9ff}"
"dl{margin:0;display:grid;grid-template-columns:max-content auto;gap:0 8px}"
"dt{font-weight:bold}dd{margin:0}table.sub td,table.sub th{font-size:.9em}"
"#filters{position:sticky;top:0;background:#fff;padding:6px 0;"
"border-bottom:1px solid #ccc}.meta td:first-child{font-weight:bold}"
"pre{background:#f7f7f7;padding:8px;overflow:auto}.note{color:#555}"
"svg text{font:11px sans-serif}details summary{cursor:pointer;color:#36c}"
"td.w{overflow-wrap:anywhere;min-width:24em}td.t{white-space:nowrap}";

/*
 * The page's only script: table filters.  It is allowed by its hash in the
 * Content-Security-Policy; it reads no wire data but the rows' text and
 * data attributes, and marks the body when it has run (tests look for it).
 */
static const char report_js[] =
"(function(){"
"var rows=document.querySelectorAll('#findings tbody tr');"
"var fk=document.getElementById('fk'),fs=document.getElementById('fs'),"
"fq=document.getElementById('fq'),fn=document.getElementById('fn');"
"function apply(){var k=fk.value,s=fs.value,q=fq.value.toLowerCase(),n=0;"
"for(var i=0;i<rows.length;i++){var r=rows[i];"
"var ok=(!k||r.getAttribute('data-kind')===k)&&"
"(!s||r.getAttribute('data-sev')===s)&&"
"(!q||r.textContent.toLowerCase().indexOf(q)>=0);"
"r.hidden=!ok;if(ok)n++;}fn.textContent=String(n);}"
"fk.addEventListener('change',apply);fs.addEventListener('change',apply);"
"fq.addEventListener('input',apply);apply();"
"document.body.setAttribute('data-script','ok');"
"})();";

static void
write_head(struct report_sink *r, FILE *fp)
{
	uint8_t h[SHA256_LEN];
	char b64[64];

	sha256(report_js, sizeof(report_js) - 1, h);
	if (base64_encode(h, sizeof(h), b64, sizeof(b64)) < 0)
		b64[0] = '\0';
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'; script-src "
	    "'sha256-", fp);
	fputs(b64, fp);
	fputs("'; img-src data:; base-uri 'none'; form-action 'none'\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>edgeward "
	    "report: ", fp);
	escs(fp, r->o.sensor);
	fputs("</title>\n<style>", fp);
	fputs(report_css, fp);
	fputs("</style></head>\n<body>\n", fp);
}

static void
write_header(struct report_sink *r, FILE *fp)
{
	char a[32], b[32];
	uint64_t first = r->cap_first_us ? r->cap_first_us : r->first_us;
	uint64_t last = r->cap_last_us ? r->cap_last_us : r->last_us;
	unsigned i;

	fputs("<h1>edgeward report</h1>\n<table class=\"meta\">", fp);
	fputs("<tr><td>sensor</td><td>", fp);
	escs(fp, r->o.sensor);
	fputs("</td></tr>\n<tr><td>", fp);
	fputs(r->o.live ? "interfaces" : "captures", fp);
	fputs("</td><td>", fp);
	for (i = 0; i < r->o.ninputs; i++) {
		if (i > 0)
			fputs("<br>", fp);
		escs(fp, r->o.inputs[i]);
	}
	fmt_time(first, a);
	fmt_time(last, b);
	fprintf(fp, "</td></tr>\n<tr><td>time span</td><td>%s &ndash; %s "
	    "(%.1f s of %s)</td></tr>\n", a, b,
	    last > first ? (double)(last - first) / 1e6 : 0.0,
	    r->cap_first_us ? "packets" : "findings");
	fprintf(fp, "<tr><td>findings</td><td id=\"total\">%" PRIu64
	    "</td></tr>\n", r->total);
	fputs("<tr><td>made by</td><td>", fp);
	escs(fp, r->o.version);
	fputs("; secrets as in the JSON findings (redacted unless the run "
	    "revealed them)</td></tr>\n", fp);
	if (r->left_out > 0)
		fprintf(fp, "<tr><td>left out</td><td id=\"left-out\">%" PRIu64
		    " findings are counted but not listed (the report keeps "
		    "%zu, report_max_findings)</td></tr>\n", r->left_out,
		    r->nlines);
	if (r->hosts_left_out > 0)
		fprintf(fp, "<tr><td>hosts</td><td>%" PRIu64 " findings of "
		    "hosts past the first %d are in the counts only</td></tr>\n",
		    r->hosts_left_out, REPORT_MAX_HOSTS);
	if (r->unparsed > 0)
		fprintf(fp, "<tr><td>unreadable</td><td>%" PRIu64 "</td></tr>\n",
		    r->unparsed);
	fputs("</table>\n", fp);
}

static void
write_counts(struct report_sink *r, FILE *fp)
{
	uint64_t col[SEV_N] = { 0 }, row;
	unsigned k, s;

	fputs("<h2 id=\"counts\">Findings by kind and severity</h2>\n"
	    "<table id=\"kinds\"><tr><th>kind</th>", fp);
	for (s = SEV_N; s-- > 0;)
		fprintf(fp, "<th>%s</th>", sev_names[s]);
	fputs("<th>all</th></tr>\n", fp);
	for (k = 0; k < r->nkinds; k++) {
		row = 0;
		fputs("<tr data-kind=\"", fp);
		escs(fp, r->kinds[k]);
		fputs("\"><td>", fp);
		escs(fp, r->kinds[k]);
		fputs("</td>", fp);
		for (s = SEV_N; s-- > 0;) {
			fprintf(fp, "<td class=\"n\">%" PRIu64 "</td>",
			    r->by_kind_sev[k][s]);
			row += r->by_kind_sev[k][s];
			col[s] += r->by_kind_sev[k][s];
		}
		fprintf(fp, "<td class=\"n\">%" PRIu64 "</td></tr>\n", row);
	}
	fputs("<tr><th>all</th>", fp);
	for (s = SEV_N; s-- > 0;)
		fprintf(fp, "<th class=\"n\">%" PRIu64 "</th>", col[s]);
	fprintf(fp, "<th class=\"n\">%" PRIu64 "</th></tr></table>\n", r->total);
	if (r->health > 0)
		fprintf(fp, "<p class=\"note\">%" PRIu64 " sensor_health findings "
		    "are not listed.</p>\n", r->health);
}

static void
write_timeline(struct report_sink *r, FILE *fp)
{
	const int W = 960, H = 180, L = 40, B = 30;
	uint32_t sum[TL_BUCKETS], max = 1;
	int first = -1, last = -1, i, n;
	unsigned k;
	double bw;
	char a[32], b[32];

	fputs("<h2 id=\"timeline\">Timeline</h2>\n", fp);
	for (i = 0; i < TL_BUCKETS; i++) {
		sum[i] = 0;
		for (k = 0; k < REPORT_MAX_KINDS; k++)
			sum[i] += r->tl[i][k];
		if (sum[i] > 0) {
			if (first < 0)
				first = i;
			last = i;
			if (sum[i] > max)
				max = sum[i];
		}
	}
	if (first < 0) {
		fputs("<p>No findings.</p>\n", fp);
		return;
	}
	n = last - first + 1;
	bw = (double)(W - L - 10) / n;
	fprintf(fp, "<svg id=\"tl\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-label=\"findings over time\">\n", W, H + 20, W, H + 20);
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#999\"/>\n", L, H - B, W - 10, H - B);
	fprintf(fp, "<text x=\"%d\" y=\"12\" text-anchor=\"end\">%u</text>\n",
	    L - 4, max);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n",
	    L - 4, H - B);
	for (i = first; i <= last; i++) {
		double y = H - B, x = L + (i - first) * bw;

		for (k = 0; k < REPORT_MAX_KINDS; k++) {
			double h;

			if (r->tl[i][k] == 0)
				continue;
			h = (double)(H - B - 16) * r->tl[i][k] / max;
			y -= h;
			fmt_time(r->tl_origin + (uint64_t)i * r->tl_width, a);
			fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\" fill=\"%s\"><title>%s: %u ", x, y,
			    bw > 1.5 ? bw - 0.5 : bw, h, palette[k % NPALETTE], a,
			    r->tl[i][k]);
			escs(fp, r->kinds[k]);
			fputs("</title></rect>\n", fp);
		}
	}
	fmt_time(r->tl_origin + (uint64_t)first * r->tl_width, a);
	fmt_time(r->tl_origin + (uint64_t)(last + 1) * r->tl_width, b);
	fprintf(fp, "<text x=\"%d\" y=\"%d\">%s</text>\n", L, H - B + 14, a);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
	    W - 10, H - B + 14, b);
	for (k = 0, i = L; k < r->nkinds && i < W - 60; k++) {
		fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
		    "fill=\"%s\"/><text x=\"%d\" y=\"%d\">", i, H + 2,
		    palette[k % NPALETTE], i + 14, H + 11);
		escs(fp, r->kinds[k]);
		fputs("</text>\n", fp);
		i += 24 + 7 * (int)strlen(r->kinds[k]);
	}
	fputs("</svg>\n", fp);
	fprintf(fp, "<p class=\"note\">%d bars of %.3f s each.</p>\n", n,
	    (double)r->tl_width / 1e6);
}

static int
host_cmp(const void *a, const void *b, void *arg)
{
	const struct rp_host *hs = arg;
	const struct rp_host *x = &hs[*(const unsigned *)a];
	const struct rp_host *y = &hs[*(const unsigned *)b];
	int ix = is_internal(x->ip), iy = is_internal(y->ip);

	if (ix != iy)
		return iy - ix;
	if (x->max_sev != y->max_sev)
		return y->max_sev - x->max_sev;
	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->ip, y->ip);
}

static int
line_cmp(const void *a, const void *b)
{
	const struct rp_line *x = *(const struct rp_line *const *)a;
	const struct rp_line *y = *(const struct rp_line *const *)b;

	if (x->ts_us != y->ts_us)
		return x->ts_us < y->ts_us ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
write_hosts(struct report_sink *r, FILE *fp)
{
	unsigned *order, i, k, p, unlisted = 0;
	const struct rp_line **mine;
	size_t j, n;
	char t[32];

	fputs("<h2 id=\"hosts\">Hosts</h2>\n<p class=\"note\">Each host is "
	    "the source (client side) of its findings: the host that sent a "
	    "credential, opened a management session, a tunnel or a "
	    "remote-access session, or beaconed.  Its findings are listed in "
	    "time order with the seconds since its previous one; a hand-off "
	    "chain reads as consecutive rows.</p>\n", fp);
	if (r->nhosts == 0) {
		fputs("<p>No host.</p>\n", fp);
		return;
	}
	order = calloc(r->nhosts, sizeof(*order));
	mine = calloc(r->nlines + 1, sizeof(*mine));
	if (order == NULL || mine == NULL) {
		free(order);
		free(mine);
		fputs("<p>Out of memory for the host sections.</p>\n", fp);
		return;
	}
	for (i = 0; i < r->nhosts; i++)
		order[i] = i;
	qsort_r(order, r->nhosts, sizeof(*order), host_cmp, r->hosts);
	for (i = 0; i < r->nhosts; i++)
		r->hosts[i].listed = 0;
	for (j = 0; j < r->nlines; j++)
		if (r->lines[j].host >= 0)
			r->hosts[r->lines[j].host].listed = 1;
	for (i = 0; i < r->nhosts; i++) {
		const struct rp_host *h = &r->hosts[order[i]];
		uint64_t prev = 0;

		if (!h->listed) {
			unlisted++;
			continue;
		}
		fputs("<section class=\"host\" data-host=\"", fp);
		escs(fp, h->ip);
		fputs("\"><h3>", fp);
		escs(fp, h->ip);
		fprintf(fp, "%s</h3>\n<p>%" PRIu64 " findings",
		    is_internal(h->ip) ? " <span class=\"tag int\">internal"
		    "</span>" : "", h->n);
		fmt_time(h->first_us, t);
		fprintf(fp, ", first %s", t);
		fmt_time(h->last_us, t);
		fprintf(fp, ", last %s, highest severity <span class=\"sev-%s\">%s"
		    "</span></p>\n<ul>", t, sev_names[h->max_sev],
		    sev_names[h->max_sev]);
		for (k = 0; k < r->nkinds; k++) {
			if (h->by_kind[k] == 0)
				continue;
			fputs("<li><b>", fp);
			escs(fp, r->kinds[k]);
			fprintf(fp, "</b> %u, peers: ", h->by_kind[k]);
			for (p = 0; p < h->npeers; p++) {
				if (h->peers[p].kind != k)
					continue;
				fputs("<span class=\"tag\">", fp);
				escs(fp, h->peers[p].ip);
				fputs("</span>", fp);
			}
			if (h->more_peers & (1u << (k % 32)))
				fputs(" and more", fp);
			fputs("</li>", fp);
		}
		fputs("</ul>\n", fp);
		for (j = 0, n = 0; j < r->nlines; j++)
			if (r->lines[j].host == (int)order[i])
				mine[n++] = &r->lines[j];
		qsort(mine, n, sizeof(*mine), line_cmp);
		fputs("<table class=\"steps\"><tr><th>time</th><th>+s</th>"
		    "<th>kind</th><th>severity</th><th>peer</th><th>app</th>"
		    "<th>what</th></tr>\n", fp);
		for (j = 0; j < n && j < HOST_ROWS; j++) {
			const struct jnode *root = jp_parse(&r->jp, mine[j]->json,
			    mine[j]->len);
			const char *kind, *sev;

			if (root == NULL)
				continue;
			kind = jstr(root, "kind");
			sev = jstr(root, "severity");
			fmt_time(mine[j]->ts_us, t);
			fprintf(fp, "<tr><td class=\"t\">%s</td><td class=\"n\">",
			    t);
			if (j > 0 && mine[j]->ts_us >= prev)
				fprintf(fp, "%.3f", (double)(mine[j]->ts_us -
				    prev) / 1e6);
			prev = mine[j]->ts_us;
			fputs("</td><td>", fp);
			escs(fp, kind);
			fputs("</td><td class=\"sev-", fp);
			escs(fp, sev);
			fputs("\">", fp);
			escs(fp, sev);
			fputs("</td><td>", fp);
			endpoint(fp, root, "dest_ip", "dest_port");
			fputs("</td><td>", fp);
			escs(fp, jstr(root, "app_proto"));
			fputs("</td><td class=\"w\">", fp);
			html_brief(fp, root, kind);
			fputs("</td></tr>\n", fp);
		}
		fputs("</table>\n", fp);
		if (n > HOST_ROWS)
			fprintf(fp, "<p class=\"note\">%zu more in the findings "
			    "table.</p>\n", n - HOST_ROWS);
		fputs("</section>\n", fp);
	}
	/* Hosts whose findings are all left out of the listing: one row each. */
	if (unlisted > 0) {
		fprintf(fp, "<h3>%u more hosts</h3>\n<p class=\"note\">Their "
		    "findings are counted but not listed (report_max_findings)."
		    "</p>\n<table id=\"unlisted\"><tr><th>host</th><th>findings"
		    "</th><th>kinds</th><th>first</th><th>last</th></tr>\n",
		    unlisted);
		for (i = 0; i < r->nhosts; i++) {
			const struct rp_host *h = &r->hosts[order[i]];

			if (h->listed)
				continue;
			fputs("<tr><td>", fp);
			escs(fp, h->ip);
			fprintf(fp, "</td><td class=\"n\">%" PRIu64 "</td><td>",
			    h->n);
			for (k = 0; k < r->nkinds; k++)
				if (h->by_kind[k] > 0) {
					escs(fp, r->kinds[k]);
					fprintf(fp, " %u ", h->by_kind[k]);
				}
			fmt_time(h->first_us, t);
			fprintf(fp, "</td><td>%s</td>", t);
			fmt_time(h->last_us, t);
			fprintf(fp, "<td>%s</td></tr>\n", t);
		}
		fputs("</table>\n", fp);
	}
	free(order);
	free(mine);
}

static void
write_table(struct report_sink *r, FILE *fp)
{
	size_t j;
	unsigned k;
	int s;
	char t[32];

	fprintf(fp, "<h2 id=\"table\">Findings</h2>\n<div id=\"filters\">"
	    "kind <select id=\"fk\"><option value=\"\">all</option>");
	for (k = 0; k < r->nkinds; k++) {
		fputs("<option value=\"", fp);
		escs(fp, r->kinds[k]);
		fputs("\">", fp);
		escs(fp, r->kinds[k]);
		fputs("</option>", fp);
	}
	fputs("</select> severity <select id=\"fs\"><option value=\"\">all"
	    "</option>", fp);
	for (s = SEV_N; s-- > 0;)
		fprintf(fp, "<option value=\"%s\">%s</option>", sev_names[s],
		    sev_names[s]);
	fprintf(fp, "</select> text <input id=\"fq\" type=\"search\" "
	    "placeholder=\"address, user, host...\"> <span id=\"fn\">%zu</span> "
	    "of %zu shown</div>\n", r->nlines, r->nlines);
	fputs("<table id=\"findings\"><thead><tr><th>#</th><th>time</th>"
	    "<th>kind</th><th>severity</th><th>source</th><th>destination</th>"
	    "<th>app</th><th>what</th></tr></thead><tbody>\n", fp);
	for (j = 0; j < r->nlines; j++) {
		const struct jnode *root = jp_parse(&r->jp, r->lines[j].json,
		    r->lines[j].len);
		const char *kind, *sev;

		if (root == NULL)
			continue;
		kind = jstr(root, "kind");
		sev = jstr(root, "severity");
		fputs("<tr data-kind=\"", fp);
		escs(fp, kind);
		fputs("\" data-sev=\"", fp);
		escs(fp, sev);
		fmt_time(r->lines[j].ts_us, t);
		fprintf(fp, "\"><td class=\"n\">%zu</td><td class=\"t\">%s</td><td>",
		    j + 1, t);
		escs(fp, kind);
		fputs("</td><td class=\"sev-", fp);
		escs(fp, sev);
		fputs("\">", fp);
		escs(fp, sev);
		fputs("</td><td>", fp);
		endpoint(fp, root, "src_ip", "src_port");
		fputs("</td><td>", fp);
		endpoint(fp, root, "dest_ip", "dest_port");
		fputs("</td><td>", fp);
		escs(fp, jstr(root, "app_proto"));
		fputs("</td><td class=\"w\">", fp);
		html_brief(fp, root, kind);
		fputs("<details><summary>all fields</summary>", fp);
		html_value(fp, root, 0);
		fputs("</details></td></tr>\n", fp);
	}
	fputs("</tbody></table>\n", fp);
	if (r->left_out > 0)
		fprintf(fp, "<p class=\"note\">%" PRIu64 " more findings are in "
		    "the counts above but not listed.</p>\n", r->left_out);
}

static void
write_summary(struct report_sink *r, FILE *fp)
{
	char *buf = NULL, *p, *nl;
	size_t len = 0;
	FILE *mem;

	fputs("<h2 id=\"summary\">Summary counters</h2>\n", fp);
	if (r->totals == NULL) {
		fputs("<p>Not available.</p>\n", fp);
		return;
	}
	if ((mem = open_memstream(&buf, &len)) == NULL) {
		fputs("<p>Out of memory.</p>\n", fp);
		return;
	}
	totals_print(mem, r->totals, r->secs);
	fclose(mem);
	fputs("<pre id=\"counters\">", fp);
	for (p = buf; p < buf + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			nl = buf + len;
		esc(fp, p, (size_t)(nl - p));
		putc('\n', fp);
	}
	fputs("</pre>\n", fp);
	free(buf);
}

static void
rp_free(struct report_sink *r)
{
	size_t i;

	for (i = 0; i < r->nlines; i++)
		free(r->lines[i].json);
	free(r->lines);
	free(r->hosts);
	free(r->jp.nodes);
	free(r->jp.str);
	free(r->totals);
	if (r->fp != NULL)
		fclose(r->fp);
	free(r);
}

static void
rp_close(struct sink *base)
{
	struct report_sink *r = (struct report_sink *)base;
	FILE *fp = r->fp;

	write_head(r, fp);
	write_header(r, fp);
	fputs("<p><a href=\"#counts\">counts</a> &middot; <a href=\"#timeline\">"
	    "timeline</a> &middot; <a href=\"#hosts\">hosts</a> &middot; <a "
	    "href=\"#table\">findings</a> &middot; <a href=\"#summary\">"
	    "counters</a></p>\n", fp);
	write_counts(r, fp);
	write_timeline(r, fp);
	write_hosts(r, fp);
	write_table(r, fp);
	write_summary(r, fp);
	fputs("<script>", fp);
	fputs(report_js, fp);
	fputs("</script>\n</body></html>\n", fp);
	if (fflush(fp) != 0 || ferror(fp))
		fprintf(stderr, "edgeward: writing the report %s failed: %s\n",
		    r->o.path, strerror(errno));
	rp_free(r);
}

static const struct sink_ops report_sink_ops = {
	.name = "report",
	.write = rp_write,
	.poll = rp_poll,
	.close = rp_close,
	.stats = rp_stats,
};

struct sink *
report_sink_open(const struct report_opts *o, char *errbuf, size_t errlen)
{
	struct report_sink *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(errbuf, errlen, "out of memory for the report");
		return NULL;
	}
	r->base.ops = &report_sink_ops;
	r->o = *o;
	if (r->o.max_findings == 0)
		r->o.max_findings = 10000;
	r->jp.capnodes = LINE_MAX_BYTES + 16;
	r->jp.capstr = LINE_MAX_BYTES * 2 + 16;
	r->jp.nodes = calloc(r->jp.capnodes, sizeof(*r->jp.nodes));
	r->jp.str = malloc(r->jp.capstr);
	r->hosts = calloc(REPORT_MAX_HOSTS, sizeof(*r->hosts));
	if (r->jp.nodes == NULL || r->jp.str == NULL || r->hosts == NULL) {
		rp_free(r);
		snprintf(errbuf, errlen, "out of memory for the report");
		return NULL;
	}
	if ((r->fp = fopen(o->path, "w")) == NULL) {
		snprintf(errbuf, errlen, "cannot write the report %s: %s (check "
		    "the directory exists and is writable)", o->path,
		    strerror(errno));
		rp_free(r);
		return NULL;
	}
	setvbuf(r->fp, NULL, _IOFBF, 1 << 16);
	return &r->base;
}

void
report_sink_run(struct sink *s, const struct totals *t, double secs,
    uint64_t first_us, uint64_t last_us)
{
	struct report_sink *r = (struct report_sink *)s;

	if (s == NULL || s->ops != &report_sink_ops)
		return;
	if (t != NULL && (r->totals == NULL &&
	    (r->totals = malloc(sizeof(*r->totals))) != NULL))
		*r->totals = *t;
	r->secs = secs;
	r->cap_first_us = first_us;
	r->cap_last_us = last_us;
}
