/*
 * detect.c - delivering events to detectors; see detect.h and detector.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "decode.h"
#include "detect.h"
#include "emit.h"
#include "flow.h"
#include "sigdb.h"
#include "worker.h"

#define STATE_ALIGN	16

struct detctx {
	struct worker	*w;
	struct flow	*f;		/* NULL in a tick */
	unsigned	 i;		/* registry index */
	int		 in_tick;
};

static size_t
align_up(size_t n)
{
	return (n + STATE_ALIGN - 1) & ~(size_t)(STATE_ALIGN - 1);
}

size_t
detect_flow_bytes(void)
{
	const struct detector *const *d;
	size_t n = 0;

	for (d = detector_registry; *d != NULL; d++)
		n += align_up((*d)->flow_state_size);
	return n;
}

int
detect_init(struct worker *w, char *errbuf, size_t errlen)
{
	struct detect *de;
	const struct detector *d;
	const uint8_t *p;
	size_t off = 0;
	unsigned i, e, n = 0;

	while (detector_registry[n] != NULL)
		n++;
	if ((de = calloc(1, sizeof(*de))) == NULL ||
	    (de->off = calloc(n + 1, sizeof(*de->off))) == NULL ||
	    (de->ws = calloc(n + 1, sizeof(*de->ws))) == NULL ||
	    (de->st = calloc(n + 1, sizeof(*de->st))) == NULL) {
		if (de != NULL) {
			free(de->off);
			free(de->ws);
			free(de->st);
			free(de);
		}
		snprintf(errbuf, errlen, "out of memory for the detectors");
		return -1;
	}
	de->n = n;
	w->det = de;
	if (n > DETECT_MAX) {
		snprintf(errbuf, errlen, "more than %d detectors", DETECT_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		d = detector_registry[i];
		de->off[i] = off;
		off += align_up(d->flow_state_size);
		de->events |= d->events;
		for (e = 0; e < DETECT_EVENTS; e++)
			if (d->events & (1u << e))
				de->takers[e][de->ntakers[e]++] = (uint8_t)i;
		if ((d->events & DET_EV_PACKET) && d->packet != NULL)
			for (p = d->ip_protos; p != NULL && *p != 0; p++) {
				de->want_proto[*p] = 1;
				de->proto_takers[*p] |= 1u << i;
			}
		if (d->worker_new != NULL &&
		    (de->ws[i] = d->worker_new(&w->s->cfg)) == NULL) {
			snprintf(errbuf, errlen, "detector %s: out of memory for "
			    "its worker state", d->name);
			return -1;
		}
	}
	return 0;
}

void
detect_fini(struct worker *w)
{
	struct detect *de = w->det;
	unsigned i;

	if (de == NULL)
		return;
	for (i = 0; i < de->n; i++)
		if (de->ws[i] != NULL && detector_registry[i]->worker_free != NULL)
			detector_registry[i]->worker_free(de->ws[i]);
	free(de->off);
	free(de->ws);
	free(de->st);
	free(de);
	w->det = NULL;
}

static void *
flow_state(struct detect *de, struct flow *f, unsigned i)
{
	return f != NULL && detector_registry[i]->flow_state_size ?
	    (uint8_t *)flow_extra(f) + de->off[i] : NULL;
}

/* What an event carries besides the flow. */
struct det_event {
	unsigned		 ev;		/* DET_EV_* */
	const struct app_fact	*app;
	const struct fact	*fact;
};

/* The bit number of a DET_EV_* value (one bit set). */
static unsigned
ev_index(unsigned ev)
{
	return (unsigned)__builtin_ctz(ev);
}

/* Calls the event's hook of every detector that asked for it. */
static void
dispatch(struct worker *w, struct flow *f, const struct det_event *e)
{
	struct detect *de = w->det;
	struct detctx ctx = { w, f, 0, 0 };
	const struct detector *d;
	unsigned k, i, ei;
	void *fs;

	if (!(de->events & e->ev))
		return;
	ei = ev_index(e->ev);
	for (k = 0; k < de->ntakers[ei]; k++) {
		i = de->takers[ei][k];
		d = detector_registry[i];
		ctx.i = i;
		fs = flow_state(de, f, i);
		switch (e->ev) {
		case DET_EV_FLOW_START:
			if (d->flow_start != NULL)
				d->flow_start(&ctx, fs);
			break;
		case DET_EV_APP:
			if (d->app != NULL)
				d->app(&ctx, fs, e->app);
			break;
		case DET_EV_FACT:
			if (d->fact != NULL &&
			    (d->fact_mask & (1u << e->fact->type)))
				d->fact(&ctx, fs, e->fact);
			break;
		case DET_EV_SESSION:
			if (d->session != NULL)
				d->session(&ctx, fs);
			break;
		case DET_EV_FLOW_END:
			if (d->flow_end != NULL)
				d->flow_end(&ctx, fs);
			break;
		}
	}
}

void
detect_flow_start(struct worker *w, struct flow *f)
{
	struct det_event e = { .ev = DET_EV_FLOW_START };

	dispatch(w, f, &e);
}

void
detect_app(struct worker *w, struct flow *f, const struct app_fact *a)
{
	struct det_event e = { .ev = DET_EV_APP, .app = a };

	dispatch(w, f, &e);
}

void
detect_fact(struct worker *w, struct flow *f, const struct fact *fa)
{
	struct det_event e = { .ev = DET_EV_FACT, .fact = fa };

	dispatch(w, f, &e);
}

void
detect_session(struct worker *w, struct flow *f)
{
	struct det_event e = { .ev = DET_EV_SESSION };

	dispatch(w, f, &e);
}

/*
 * The hot path: only the detectors that listed this IP protocol, found
 * from a bitmap, without the general dispatch.
 */
void
detect_packet(struct worker *w, struct flow *f, const struct pkt *p, int dir)
{
	struct detect *de = w->det;
	struct detctx ctx = { w, f, 0, 0 };
	const struct detector *d;
	uint32_t m = de->proto_takers[f->key.proto], taken = m;
	unsigned subs = f->det_pkt_subs, i;

	while (m != 0) {
		i = (unsigned)__builtin_ctz(m);
		m &= m - 1;
		ctx.i = i;
		detector_registry[i]->packet(&ctx, flow_state(de, f, i), p, dir);
	}
	/* Flows a detector chose (det_flow_packets), once per detector. */
	for (i = 0; subs != 0; i++, subs >>= 1) {
		if (!(subs & 1) || (taken & (1u << i)))
			continue;
		d = detector_registry[i];
		if (d->packet == NULL)
			continue;
		ctx.i = i;
		d->packet(&ctx, flow_state(de, f, i), p, dir);
	}
}

void
detect_flow_end(struct worker *w, struct flow *f)
{
	struct det_event e = { .ev = DET_EV_FLOW_END };

	dispatch(w, f, &e);
}

void
detect_tick(struct worker *w, uint64_t now_us, int final)
{
	struct detect *de = w->det;
	struct detctx ctx = { w, NULL, 0, 1 };
	const struct detector *d;
	unsigned i;

	if (!(de->events & DET_EV_TICK))
		return;
	emit_stage_begin(w);
	for (i = 0; i < de->n; i++) {
		d = detector_registry[i];
		if (!(d->events & DET_EV_TICK) || d->tick == NULL)
			continue;
		ctx.i = i;
		d->tick(&ctx, now_us, final);
	}
	emit_stage_end(w);
}

void
detect_counters(struct worker *w, counter_fn put, void *arg)
{
	struct detect *de = w->det;
	const struct detector *d;
	unsigned i;

	if (de == NULL)
		return;
	for (i = 0; i < de->ncounts; i++)
		put(arg, de->counts[i].name, de->counts[i].count);
	for (i = 0; i < de->n; i++) {
		d = detector_registry[i];
		if (d->counters != NULL && de->ws[i] != NULL)
			d->counters(de->ws[i], put, arg);
	}
}

/* ---- the detectors' context (detector.h) --------------------------------- */

const struct flow *
det_flow(const struct detctx *ctx)
{
	return ctx->f;
}

const struct config *
det_config(const struct detctx *ctx)
{
	return &ctx->w->s->cfg;
}

const struct policy_sets *
det_sets(const struct detctx *ctx)
{
	static const struct policy_sets none;

	return ctx->w->s->sigs != NULL ? &ctx->w->s->sigs->sets : &none;
}

const void *
det_tables(const struct detctx *ctx)
{
	return sigdb_detector_tables(ctx->w->s->sigs, ctx->i);
}

void *
det_worker_state(const struct detctx *ctx)
{
	return ctx->w->det->ws[ctx->i];
}

uint64_t
det_now_us(const struct detctx *ctx)
{
	return ctx->w->now_us;
}

void
det_emit(struct detctx *ctx, const struct finding *f)
{
	if (ctx->f != NULL)
		finding_emit(ctx->w, ctx->f, NULL, ctx->f->first_seq, f);
}

void
det_emit_endpoints(struct detctx *ctx, const struct finding *f,
    const struct finding_endpoints *ep, uint64_t order)
{
	finding_emit(ctx->w, NULL, ep, ctx->f != NULL ? ctx->f->first_seq :
	    order, f);
}

void
det_observe(struct detctx *ctx, uint16_t type, const void *data, size_t len,
    uint64_t order)
{
	observe_emit(ctx->w, ctx->f, order, type, data, len);
}

void
det_flow_packets(struct detctx *ctx, int on)
{
	if (ctx->f == NULL)
		return;
	if (ctx->i >= 16) {
		det_count(ctx, "det_flow_packets_refused");
		return;
	}
	if (on)
		ctx->f->det_pkt_subs |= (uint16_t)(1u << ctx->i);
	else
		ctx->f->det_pkt_subs &= (uint16_t)~(1u << ctx->i);
}

void
det_count(struct detctx *ctx, const char *name)
{
	struct detect *de = ctx->w->det;

	weird_count(de->counts, &de->ncounts, WEIRD_MAX, name);
}

int
det_mem_charge(struct detctx *ctx, size_t n)
{
	struct det_stats *st = &ctx->w->det->st[ctx->i];

	if (st->memory + n > ctx->w->s->cfg.detector_memcap) {
		st->refused++;
		return -1;
	}
	st->memory += n;
	if (st->memory > st->peak_memory)
		st->peak_memory = st->memory;
	return 0;
}

void
det_mem_release(struct detctx *ctx, size_t n)
{
	struct det_stats *st = &ctx->w->det->st[ctx->i];

	st->memory = st->memory >= n ? st->memory - n : 0;
}
