/*
 * edge_correlate.c - one finding per thing across workers, for the
 * findings that name a thing rather than a flow: an edge device (its
 * address, or its MAC when a frame gave no address), a mirror stream
 * (exporter, receiver, type).  Workers each report a thing once
 * (detectors/edge_device.c, detectors/packet_capture.c), but a device
 * talking to several hosts, or a mirror stream carrying many flows, is
 * seen by several workers (flows are spread by their innermost address
 * pair), and without this stage the output would depend on the number of
 * workers.  Records carry the key they fold by (out_rec.fold_key); the
 * first record of a key in the final order passes, later ones are dropped
 * and counted.
 *
 * Tallies (out_rec.fold_tally: packets, bytes, flows of a mirror stream,
 * sent by each worker at the end of input) are added up per key and never
 * published themselves; at the end, each key with a tally gets one
 * follow-up: its first finding again with "totals" added to the kind's
 * object, timestamped with the last tally, in the order keys were opened.
 * Findings of other kinds, and those without a key, pass untouched.
 *
 * Memory: at most correlate_max_entries keys (and a copy of each mirror
 * stream's first finding, at most FINDING_JSON_MAX bytes); past that the
 * oldest key is forgotten (counted), so a thing may be reported again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "correlator.h"
#include "finding.h"
#include "output.h"

struct ec_key {
	struct ec_key	*hnext;
	struct ec_key	*fnext;		/* FIFO, oldest first */
	uint64_t	 key;
	uint64_t	 sum[3];	/* tallies added up */
	uint64_t	 last_us;	/* of the last tally */
	uint8_t		 kind, severity, tallied;
	uint16_t	 len;		/* of body, 0: not kept */
	char		*body;		/* the first finding, for the follow-up */
};

struct edge_corr {
	correlate_out_fn out;
	void		*arg;
	struct ec_key	**buckets;
	size_t		 mask;
	struct ec_key	*head, *tail;
	unsigned	 n, max;
	uint64_t	 folded, evicted, tallies, followups;
	/* A follow-up being built: header and body (FINDING_JSON_MAX). */
	uint8_t		 rec[sizeof(struct out_rec) + FINDING_JSON_MAX];
};

static int
folds(uint8_t kind)
{
	return kind == FK_EDGE_DEVICE || kind == FK_PACKET_CAPTURE;
}

static void
ec_free_key(struct ec_key *k)
{
	free(k->body);
	free(k);
}

static void *
ec_start(const struct corr_env *env, char *errbuf, size_t errlen)
{
	struct edge_corr *c;
	size_t nb = 1024;
	unsigned max = env->s->cfg.correlate_max_entries;

	while (nb < max && nb < ((size_t)1 << 20))
		nb <<= 1;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->buckets = calloc(nb, sizeof(*c->buckets))) == NULL) {
		free(c);
		snprintf(errbuf, errlen, "out of memory for the edge-device "
		    "correlator");
		return NULL;
	}
	c->mask = nb - 1;
	c->max = max > 0 ? max : 65536;
	c->out = env->out;
	c->arg = env->out_arg;
	return c;
}

static void
ec_forget_oldest(struct edge_corr *c)
{
	struct ec_key *k = c->head, **pp;

	pp = &c->buckets[k->key & c->mask];
	while (*pp != k)
		pp = &(*pp)->hnext;
	*pp = k->hnext;
	c->head = k->fnext;
	if (c->head == NULL)
		c->tail = NULL;
	ec_free_key(k);
	c->n--;
	c->evicted++;
}

static struct ec_key *
ec_find(struct edge_corr *c, uint64_t key)
{
	struct ec_key *k;

	for (k = c->buckets[key & c->mask]; k != NULL; k = k->hnext)
		if (k->key == key)
			return k;
	return NULL;
}

static struct ec_key *
ec_open(struct edge_corr *c, uint64_t key)
{
	struct ec_key *k;

	if (c->n >= c->max)
		ec_forget_oldest(c);
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	k->key = key;
	k->hnext = c->buckets[k->key & c->mask];
	c->buckets[k->key & c->mask] = k;
	if (c->tail != NULL)
		c->tail->fnext = k;
	else
		c->head = k;
	c->tail = k;
	c->n++;
	return k;
}

static uint64_t
ec_record(void *p, const struct out_rec *r)
{
	struct edge_corr *c = p;
	struct ec_key *k;
	unsigned i;

	if (r->fold_key == 0 || !folds(r->kind))
		return c->out(c->arg, r);
	k = ec_find(c, r->fold_key);
	if (r->fold_tally) {
		if (k == NULL && (k = ec_open(c, r->fold_key)) == NULL)
			return 0;
		for (i = 0; i < 3; i++)
			k->sum[i] += r->fold_sum[i];
		if (r->ts_us > k->last_us)
			k->last_us = r->ts_us;
		k->tallied = 1;
		c->tallies++;
		return 0;
	}
	if (k != NULL && k->kind != 0) {
		c->folded++;
		return 0;
	}
	if (k == NULL && (k = ec_open(c, r->fold_key)) == NULL)
		return c->out(c->arg, r);
	k->kind = r->kind;
	k->severity = r->severity;
	/* A mirror stream's finding comes back with its totals at the end. */
	if (r->kind == FK_PACKET_CAPTURE && r->len > 2 &&
	    (k->body = malloc(r->len)) != NULL) {
		memcpy(k->body, r->body, r->len);
		k->len = r->len;
	}
	return c->out(c->arg, r);
}

/* The first finding again, "totals" added at the end of the kind's object. */
static void
ec_followup(struct edge_corr *c, const struct ec_key *k)
{
	struct out_rec *r = (struct out_rec *)(void *)c->rec;
	char tail[160];
	int n;

	n = snprintf(tail, sizeof(tail), ",\"totals\":{\"packets\":%llu,"
	    "\"bytes\":%llu,\"flows\":%llu}}}",
	    (unsigned long long)k->sum[0], (unsigned long long)k->sum[1],
	    (unsigned long long)k->sum[2]);
	/* The body ends with the kind's object and the finding: "}}". */
	if (n < 0 || (size_t)n >= sizeof(tail) || k->len < 2 ||
	    k->body[k->len - 1] != '}' || k->body[k->len - 2] != '}' ||
	    (size_t)k->len - 2 + (size_t)n > FINDING_JSON_MAX)
		return;
	memset(r, 0, sizeof(*r));
	memcpy(r->body, k->body, (size_t)k->len - 2);
	memcpy(r->body + k->len - 2, tail, (size_t)n);
	r->kind = k->kind;
	r->severity = k->severity;
	r->len = (uint16_t)(k->len - 2 + n);
	r->ts_us = k->last_us;
	c->out(c->arg, r);
	c->followups++;
}

static void
ec_finish(void *p)
{
	struct edge_corr *c = p;
	const struct ec_key *k;

	for (k = c->head; k != NULL; k = k->fnext)
		if (k->tallied && k->body != NULL)
			ec_followup(c, k);
}

static void
ec_counters(const void *p, counter_fn put, void *arg)
{
	const struct edge_corr *c = p;

	put(arg, "edge_folded", c->folded);
	put(arg, "capture_tallies", c->tallies);
	put(arg, "capture_followups", c->followups);
	put(arg, "edge_fold_keys", c->n);
	put(arg, "edge_fold_evicted", c->evicted);
}

static void
ec_stop(void *p)
{
	struct edge_corr *c = p;
	struct ec_key *k, *n;

	if (c == NULL)
		return;
	for (k = c->head; k != NULL; k = n) {
		n = k->fnext;
		ec_free_key(k);
	}
	free(c->buckets);
	free(c);
}

const struct correlator edge_correlator = {
	.name = "edge_correlate",
	.description = "one edge_device finding per device across workers",
	.start = ec_start,
	.record = ec_record,
	.finish = ec_finish,
	.counters = ec_counters,
	.stop = ec_stop,
};
