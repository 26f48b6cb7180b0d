/*
 * edge_correlate.c - one finding per thing across workers, for the
 * findings that name a thing rather than a flow: an edge device (its
 * address, or its MAC when a frame gave no address).  Workers each
 * report a device once (detectors/edge_device.c), but a device talking to
 * several hosts is seen by several workers (flows are spread by address
 * pair), and without this stage the output would depend on the number of
 * workers.  Records carry the key they fold by (out_rec.fold_key); the
 * first record of a key in the final order passes, later ones are dropped
 * and counted.  Findings of other kinds, and those without a key, pass
 * untouched.
 *
 * Memory: at most correlate_max_entries keys; past that the oldest key is
 * forgotten (counted), so a device may then be reported again.
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
};

struct edge_corr {
	correlate_out_fn out;
	void		*arg;
	struct ec_key	**buckets;
	size_t		 mask;
	struct ec_key	*head, *tail;
	unsigned	 n, max;
	uint64_t	 folded, evicted;
};

static int
folds(uint8_t kind)
{
	return kind == FK_EDGE_DEVICE;
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
	free(k);
	c->n--;
	c->evicted++;
}

static uint64_t
ec_record(void *p, const struct out_rec *r)
{
	struct edge_corr *c = p;
	struct ec_key *k;

	if (r->fold_key == 0 || !folds(r->kind))
		return c->out(c->arg, r);
	for (k = c->buckets[r->fold_key & c->mask]; k != NULL; k = k->hnext)
		if (k->key == r->fold_key) {
			c->folded++;
			return 0;
		}
	if (c->n >= c->max)
		ec_forget_oldest(c);
	if ((k = calloc(1, sizeof(*k))) != NULL) {
		k->key = r->fold_key;
		k->hnext = c->buckets[k->key & c->mask];
		c->buckets[k->key & c->mask] = k;
		if (c->tail != NULL)
			c->tail->fnext = k;
		else
			c->head = k;
		c->tail = k;
		c->n++;
	}
	return c->out(c->arg, r);
}

static void
ec_finish(void *p)
{
	(void)p;
}

static void
ec_counters(const void *p, counter_fn put, void *arg)
{
	const struct edge_corr *c = p;

	put(arg, "edge_folded", c->folded);
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
		free(k);
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
