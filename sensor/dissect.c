/*
 * dissect.c - dissectors on flows; see dissect.h and dissector.h.
 *
 * A dissector attaches by server port at the flow's first packet, or by its
 * probe() on the first payload seen in each direction.  Its per-flow state,
 * the TCP stream and the pending buffers are allocated then, charged to the
 * flow memcap, and released at flow end.
 */
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "dissect.h"
#include "flow.h"
#include "pending.h"
#include "sigdb.h"
#include "stream.h"
#include "worker.h"

#define DIS_PENDING_DEFAULT	8192

struct dctx {
	struct worker	*w;
	struct flow	*f;		/* NULL for a link-layer frame */
	int		 dir;
	const struct dissector *l2;	/* the frame's dissector (f NULL) */
};

/* ---- the dissector context (dissector.h) --------------------------------- */

void
dctx_fact(struct dctx *ctx, const struct fact *f)
{
	detect_fact(ctx->w, ctx->f, f);
}

void
dctx_credential(struct dctx *ctx, const struct cred_fact *c)
{
	struct fact f;

	memset(&f, 0, sizeof(f));
	f.type = FACT_CREDENTIAL;
	f.source = ctx->f == NULL ? ctx->l2->name :
	    ctx->f->dis != NULL ? ctx->f->dis->name : "engine";
	f.u.cred = c;
	detect_fact(ctx->w, ctx->f, &f);
}

const void *
dctx_tables(const struct dctx *ctx)
{
	return sigdb_dissector_tables(ctx->w->s->sigs, ctx->f != NULL ?
	    ctx->f->dis : ctx->l2);
}

void
dctx_weird(struct dctx *ctx, const char *name)
{
	worker_weird(ctx->w, name);
}

void
dctx_done(struct dctx *ctx)
{
	if (ctx->f == NULL)
		return;
	ctx->f->dis_done = 1;
	if (ctx->f->stream != NULL)
		stream_stop(ctx->f->stream);
}

uint64_t
dctx_time_us(const struct dctx *ctx)
{
	return ctx->w->now_us;
}

uint16_t
dctx_server_port(const struct dctx *ctx)
{
	return ctx->f != NULL ? flow_server_port(ctx->f) : 0;
}

uint8_t
dctx_ip_proto(const struct dctx *ctx)
{
	return ctx->f != NULL ? ctx->f->key.proto : 0;	/* 0: a frame */
}

/* ---- attaching ----------------------------------------------------------- */

static int
port_listed(const uint16_t *ports, uint16_t port)
{
	for (; ports != NULL && *ports != 0; ports++)
		if (*ports == port)
			return 1;
	return 0;
}

static unsigned
transport_bit(uint8_t proto)
{
	return proto == 6 ? DISSECTOR_TCP : proto == 17 ? DISSECTOR_UDP : 0;
}

/* Stream and pending memory callbacks: arg is the struct dctx. */
static int
mem_charge(void *arg, size_t n)
{
	struct dctx *ctx = arg;

	return flow_mem_charge(ctx->w->flows, n);
}

static void
mem_release(void *arg, size_t n)
{
	struct dctx *ctx = arg;

	flow_mem_release(ctx->w->flows, n);
}

/* What attaching d to a flow costs up front. */
static size_t
attach_cost(const struct dissector *d, const struct flow *f)
{
	size_t need = d->state_size;

	if (f->key.proto == 6)
		need += stream_size() + sizeof(struct pending);
	return need;
}

/*
 * Allocates the chosen dissector's state, stream and pending buffers:
 * at the flow's first payload, not at its SYN, so scans and handshakes
 * that go nowhere cost nothing here.  A stream created after the
 * handshake starts each direction at the byte after its SYN.
 */
static void
materialize(struct worker *w, struct flow *f)
{
	const struct dissector *d = f->dis;
	size_t need = attach_cost(d, f);
	size_t cap = d->max_pending ? d->max_pending : DIS_PENDING_DEFAULT;

	if (flow_mem_charge(w->flows, need) < 0) {
		worker_weird(w, "dissector_memcap");
		f->dis_done = 1;
		return;
	}
	f->dis_state = d->state_size ? calloc(1, d->state_size) : NULL;
	if (f->key.proto == 6) {
		f->stream = stream_new();
		f->pend = malloc(sizeof(*f->pend));
	}
	if ((d->state_size && f->dis_state == NULL) ||
	    (f->key.proto == 6 && (f->stream == NULL || f->pend == NULL))) {
		free(f->dis_state);
		stream_free(f->stream, NULL, NULL);
		free(f->pend);
		f->dis_state = NULL;
		f->stream = NULL;
		f->pend = NULL;
		flow_mem_release(w->flows, need);
		worker_weird(w, "dissector_alloc_failed");
		f->dis_done = 1;
		return;
	}
	if (f->pend != NULL)
		pending_init(f->pend, (uint32_t)cap);
	if (f->stream != NULL) {
		if (f->tcp_flags & FLOW_TCP_SYN)
			stream_start(f->stream, DIR_TO_SERVER, f->syn_seq + 1);
		if (f->tcp_flags & FLOW_TCP_SYNACK)
			stream_start(f->stream, DIR_TO_CLIENT,
			    f->synack_seq + 1);
	}
	f->dis_live = 1;
}

/* The TCP stream and pending buffers go back (no more data will come). */
static void
release_stream(struct worker *w, struct flow *f, struct dctx *ctx)
{
	struct stream_opts so = { .release = mem_release };
	size_t n = 0;

	if (f->stream != NULL) {
		stream_free(f->stream, &so, ctx);
		f->stream = NULL;
		n += stream_size();
	}
	if (f->pend != NULL) {
		n += pending_free(f->pend) + sizeof(*f->pend);
		free(f->pend);
		f->pend = NULL;
	}
	flow_mem_release(w->flows, n);
}

/*
 * The dissector has its last word (free() flushes what it still holds)
 * and its memory goes back: at flow end, or as soon as it is done.
 */
static void
release(struct worker *w, struct flow *f)
{
	struct dctx ctx = { w, f, 0, NULL };

	if (!f->dis_live)
		return;
	f->dis_live = 0;
	if (f->dis->free != NULL)
		f->dis->free(&ctx, f->dis_state);
	release_stream(w, f, &ctx);
	free(f->dis_state);
	f->dis_state = NULL;
	flow_mem_release(w->flows, f->dis->state_size);
}

/* Chooses d for the flow; its state comes with the first payload. */
static void
attach(struct worker *w, struct flow *f, const struct dissector *d)
{
	(void)w;
	f->dis = d;
}

/* Chooses a dissector by server port (first packet) or by probe. */
static void
select_dissector(struct worker *w, struct flow *f, const struct pkt *p,
    int dir)
{
	const struct dissector *const *dp;
	unsigned tb = transport_bit(f->key.proto);

	if (f->dis != NULL || f->dis_done || tb == 0)
		return;
	if (!f->ports_checked) {
		f->ports_checked = 1;
		for (dp = w->s->dissectors; *dp != NULL; dp++)
			if (((*dp)->transport & tb) &&
			    port_listed((*dp)->ports, flow_server_port(f))) {
				attach(w, f, *dp);
				return;
			}
	}
	if (p->pl_len == 0 || f->probed[dir])
		return;
	f->probed[dir] = 1;
	for (dp = w->s->dissectors; *dp != NULL; dp++)
		if (((*dp)->transport & tb) && (*dp)->probe != NULL &&
		    (*dp)->probe(p->data + p->pl_off, p->pl_len, dir)) {
			attach(w, f, *dp);
			return;
		}
	if (f->probed[0] && f->probed[1])
		f->dis_done = 1;
}

/* ---- feeding ------------------------------------------------------------- */

static size_t
parse_loop(void *arg, int dir, const uint8_t *data, size_t len)
{
	struct dctx *ctx = arg;
	struct flow *f = ctx->f;

	ctx->dir = dir;
	return dissector_consume(f->dis, ctx, f->dis_state, dir, data, len,
	    &f->dis_done);
}

static int
parse_done(void *arg)
{
	return ((struct dctx *)arg)->f->dis_done;
}

static void *
pending_alloc(void *arg, size_t n)
{
	struct dctx *ctx = arg;
	void *b;

	if (flow_mem_charge(ctx->w->flows, n) < 0)
		return NULL;
	if ((b = malloc(n)) == NULL)
		flow_mem_release(ctx->w->flows, n);
	return b;
}

static const struct pending_ops pending_ops = {
	.parse = parse_loop,
	.done = parse_done,
	.alloc = pending_alloc,
};

/* Stream delivery: in-order bytes of one direction. */
static void
deliver(void *arg, int dir, const uint8_t *data, size_t len)
{
	struct dctx *ctx = arg;

	switch (pending_feed(ctx->f->pend, dir, data, len, &pending_ops, ctx)) {
	case PENDING_OVERFLOW:
		worker_weird(ctx->w, "stream_pending_overflow");
		ctx->w->st.dissector_pending_overflow++;
		break;
	case PENDING_NOMEM:
		worker_weird(ctx->w, "dissector_memcap");
		break;
	default:
		break;
	}
}

void
dissect_packet(struct worker *w, struct flow *f, const struct pkt *p,
    int dir)
{
	struct dctx ctx = { w, f, dir, NULL };
	struct stream_opts so;

	select_dissector(w, f, p, dir);
	if (f->dis == NULL || f->dis_done)
		return;
	if (!f->dis_live) {
		if (p->pl_len == 0)
			return;
		materialize(w, f);
		if (!f->dis_live)
			return;
	}
	if (f->key.proto == 17) {
		if (p->pl_len > 0)
			f->dis->parse(&ctx, f->dis_state, dir,
			    p->data + p->pl_off, p->pl_len);
	} else if (f->stream != NULL && p->l4_ok) {
		so.depth = w->s->cfg.stream_depth;
		so.ooo_max = w->s->cfg.stream_ooo_max;
		so.deliver = deliver;
		so.charge = mem_charge;
		so.release = mem_release;
		stream_segment(f->stream, &so, &ctx, &w->sstats, dir,
		    p->tcp_seq, p->tcp_flags, p->data + p->pl_off, p->pl_len);
	}
	/* Done with the flow: nothing will read its state again. */
	if (f->dis_done)
		release(w, f);
}

void
dissect_flow_end(struct worker *w, struct flow *f)
{
	if (f->stream != NULL)
		stream_finish(f->stream, &w->sstats);
	if (f->dis != NULL)
		release(w, f);
}

void
dissect_flow_closed(struct worker *w, struct flow *f)
{
	struct dctx ctx = { w, f, 0, NULL };

	if (!f->dis_live || (f->stream == NULL && f->pend == NULL))
		return;
	if (f->stream != NULL)
		stream_finish(f->stream, &w->sstats);
	if (f->dis->quiet != NULL && f->dis->quiet(f->dis_state)) {
		release(w, f);
		f->dis_done = 1;
		return;
	}
	/* What free() will report waits for the flow's end, with the
	 * state; the buffers need not. */
	release_stream(w, f, &ctx);
}

void
dissect_frame(struct worker *w, const uint8_t *frame, uint32_t len)
{
	const struct dissector *const *dp;
	struct dctx ctx = { w, NULL, 0, NULL };

	for (dp = w->s->dissectors; *dp != NULL; dp++)
		if (((*dp)->transport & DISSECTOR_L2) && (*dp)->probe != NULL &&
		    (*dp)->probe(frame, len, 0)) {
			ctx.l2 = *dp;
			(*dp)->parse(&ctx, NULL, 0, frame, len);
			return;
		}
}
