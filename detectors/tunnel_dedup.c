/*
 * tunnel_dedup.c - one encapsulation finding per tunnel across workers: a
 * publisher correlator (sensor/correlator.h).
 *
 * Workers get flows by their innermost address pair, so one GRE or VXLAN
 * tunnel carrying flows of many inner hosts reaches several workers, and
 * each worker's tunnel_encap reports it once.  Here, in the publisher's
 * final order (deterministic offline, whatever the number of workers),
 * a tunnel finding of type encapsulation whose (outer pair, encapsulation)
 * was passed on within tunnel_report_interval (0: ever) is folded, counted
 * as tunnel_dedup.folded.  Everything else passes untouched.  The key is
 * read from the finding's own JSON (src_ip, dest_ip, encap), which
 * finding_format() writes in one fixed way.  At most TD_MAX keys; past it
 * the least recently seen is forgotten (a repeat may then pass again).
 */
#define _GNU_SOURCE	/* memmem */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "correlator.h"
#include "finding.h"
#include "lru.h"
#include "output.h"
#include "sensor.h"

#define TD_MAX		65536
#define TD_TYPE		"\"type\":\"encapsulation\""
#define TD_FIELD	64

struct td_key {
	char	a[TD_FIELD], b[TD_FIELD];	/* ordered outer addresses */
	char	encap[16];
};

struct tunnel_dedup {
	const struct corr_env	*env;
	struct lru		*t;
	uint64_t		 folded, forgotten;
};

/* Copies the string value of "name":"..." in body into out; 0 if found. */
static int
json_str(const char *body, size_t len, const char *name, char *out,
    size_t cap)
{
	char pat[40];
	const char *p, *end = body + len, *q;
	size_t n;

	n = (size_t)snprintf(pat, sizeof(pat), "\"%s\":\"", name);
	for (p = body; p + n <= end; p++) {
		if (memcmp(p, pat, n) != 0)
			continue;
		p += n;
		for (q = p; q < end && *q != '"'; q++)
			;
		if (q >= end || (size_t)(q - p) >= cap)
			return -1;
		memcpy(out, p, (size_t)(q - p));
		out[q - p] = '\0';
		return 0;
	}
	return -1;
}

static void *
td_start(const struct corr_env *env, char *errbuf, size_t errlen)
{
	struct tunnel_dedup *d;

	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->t = lru_new(sizeof(struct td_key), sizeof(uint64_t),
	    TD_MAX)) == NULL) {
		free(d);
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	d->env = env;
	return d;
}

static uint64_t
td_record(void *c, const struct out_rec *r)
{
	struct tunnel_dedup *d = c;
	const char *body = r->body;
	struct td_key k;
	char x[TD_FIELD], y[TD_FIELD];
	uint64_t *last, iv;
	int grew, evicted;

	if (r->obs != 0 || r->kind != FK_TUNNEL || memmem(body, r->len,
	    TD_TYPE, sizeof(TD_TYPE) - 1) == NULL)
		return d->env->out(d->env->out_arg, r);
	memset(&k, 0, sizeof(k));
	memset(x, 0, sizeof(x));	/* the key holds the whole buffers */
	memset(y, 0, sizeof(y));
	if (json_str(body, r->len, "src_ip", x, sizeof(x)) < 0 ||
	    json_str(body, r->len, "dest_ip", y, sizeof(y)) < 0 ||
	    json_str(body, r->len, "encap", k.encap, sizeof(k.encap)) < 0)
		return d->env->out(d->env->out_arg, r);
	if (strcmp(x, y) <= 0) {
		memcpy(k.a, x, sizeof(k.a));
		memcpy(k.b, y, sizeof(k.b));
	} else {
		memcpy(k.a, y, sizeof(k.a));
		memcpy(k.b, x, sizeof(k.b));
	}
	iv = (uint64_t)d->env->s->cfg.tunnel_report_interval * 1000000;
	if ((last = lru_find(d->t, &k)) != NULL) {
		if (iv == 0 || r->ts_us < *last || r->ts_us - *last < iv) {
			d->folded++;
			return 0;
		}
	} else if ((last = lru_insert(d->t, &k, 1, &grew, &evicted)) !=
	    NULL && evicted) {
		d->forgotten++;
	}
	if (last != NULL)
		*last = r->ts_us;
	return d->env->out(d->env->out_arg, r);
}

static void
td_counters(const void *c, counter_fn put, void *arg)
{
	const struct tunnel_dedup *d = c;

	put(arg, "tunnel_dedup.folded", d->folded);
	put(arg, "tunnel_dedup.forgotten", d->forgotten);
}

static void
td_stop(void *c)
{
	struct tunnel_dedup *d = c;

	if (d == NULL)
		return;
	lru_free(d->t);
	free(d);
}

const struct correlator tunnel_dedup_correlator = {
	.name = "tunnel_dedup",
	.description = "one encapsulation tunnel finding per (outer pair, "
	    "type) across workers",
	.start = td_start,
	.record = td_record,
	.counters = td_counters,
	.stop = td_stop,
};
