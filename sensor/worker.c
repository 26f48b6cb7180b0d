/*
 * worker.c - one share-nothing worker thread: flows, defragmentation, nDPI,
 * TCP streams and dissectors for the packets its input rings bring.
 *
 * nDPI runs on a flow until its detection is final (and no extra dissection
 * is possible) or ndpi_max_packets packets have gone by; then policy turns
 * what nDPI found into findings and the large nDPI flow struct is freed.
 *
 * A dissector attaches to a flow by server port, or by its probe() on the
 * first payload in each direction.  TCP data reaches it through the stream
 * reassembler, with the unconsumed tail kept in a bounded pending buffer
 * (dissector.h explains the contract).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ndpi_api.h>

#include "capture.h"
#include "crypto.h"
#include "defrag.h"
#include "geoip.h"
#include "output.h"
#include "policy.h"
#include "ring.h"
#include "sensor.h"

#define DIS_PENDING_DEFAULT	8192

struct dis_pending {
	uint32_t	n[2];
	uint32_t	cap;
	uint8_t		*buf[2];
};

struct dctx {
	struct worker	*w;
	struct flow	*f;
	int		 dir;
};

/* ---- small helpers ------------------------------------------------------- */

void
worker_apply_runtime(struct worker *w)
{
	struct cfg_snapshot *sn;

	if (w->view.rt == NULL)
		return;
	sn = atomic_load_explicit(&w->view.rt->snap, memory_order_acquire);
	if (sn == NULL || sn->gen == w->cfg_gen)
		return;
	config_copy_runtime(&w->view.cfg, &sn->cfg);
	w->cfg_gen = sn->gen;
	/* After the copy: the control thread may free older snapshots. */
	atomic_store_explicit(&w->cfg_seen, sn->gen, memory_order_release);
}

void
worker_weird(struct worker *w, const char *name)
{
	unsigned i;

	for (i = 0; i < w->nweirds; i++)
		if (w->weirds[i].name == name ||
		    strcmp(w->weirds[i].name, name) == 0) {
			w->weirds[i].count++;
			return;
		}
	if (w->nweirds < WEIRD_MAX) {
		w->weirds[w->nweirds].name = name;
		w->weirds[w->nweirds++].count = 1;
	}
}

void
worker_set_progress(struct worker *w, uint64_t key, uint64_t fs, uint64_t sub)
{
	uint64_t v = atomic_load_explicit(&w->pver, memory_order_relaxed);

	atomic_store_explicit(&w->pver, v + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&w->pkey, key, memory_order_relaxed);
	atomic_store_explicit(&w->pfs, fs, memory_order_relaxed);
	atomic_store_explicit(&w->psub, sub, memory_order_relaxed);
	atomic_store_explicit(&w->pver, v + 2, memory_order_release);
}

void
worker_progress(struct worker *w, uint64_t out[3])
{
	uint64_t v1, v2;

	for (;;) {
		v1 = atomic_load_explicit(&w->pver, memory_order_acquire);
		if (v1 & 1)
			continue;
		out[0] = atomic_load_explicit(&w->pkey, memory_order_relaxed);
		out[1] = atomic_load_explicit(&w->pfs, memory_order_relaxed);
		out[2] = atomic_load_explicit(&w->psub, memory_order_relaxed);
		atomic_thread_fence(memory_order_acquire);
		v2 = atomic_load_explicit(&w->pver, memory_order_relaxed);
		if (v1 == v2)
			return;
	}
}

const char *
worker_app_name(struct worker *w, const struct flow *f, char *buf,
    size_t len)
{
	ndpi_protocol p = { f->app_master, f->app_proto,
	    NDPI_PROTOCOL_CATEGORY_UNSPECIFIED };

	/* Detection still running: what nDPI has found so far. */
	if (f->app_master == 0 && f->app_proto == 0 && f->ndpi != NULL) {
		p.app_protocol = f->ndpi->detected_protocol_stack[0];
		p.master_protocol = f->ndpi->detected_protocol_stack[1];
	}
	if (p.master_protocol == 0 && p.app_protocol == 0)
		return NULL;
	return ndpi_protocol2name(w->ndpi, p, buf, (u_int)len);
}

const char *
worker_app_category(struct worker *w, const struct flow *f)
{
	unsigned cat = f->app_category;

	if (cat == 0 && f->ndpi != NULL)
		cat = f->ndpi->category;	/* detection still running */
	if (cat == NDPI_PROTOCOL_CATEGORY_UNSPECIFIED)
		return NULL;
	return ndpi_category_get_name(w->ndpi, (ndpi_protocol_category_t)cat);
}

/* ---- dissector context (dissector.h) ------------------------------------- */

void
dctx_credential(struct dctx *ctx, const struct cred_fact *f)
{
	policy_credential(ctx->w, ctx->f, f);
}

void
dctx_weird(struct dctx *ctx, const char *name)
{
	worker_weird(ctx->w, name);
}

void
dctx_done(struct dctx *ctx)
{
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
	return flow_server_port(ctx->f);
}

/* ---- dissectors ---------------------------------------------------------- */

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

/* Stream memory callbacks: arg is the struct dctx of the segment. */
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

static void
dis_attach(struct worker *w, struct flow *f, const struct dissector *d)
{
	size_t need = d->state_size;

	if (d->transport & DISSECTOR_TCP && f->key.proto == 6)
		need += stream_size() + sizeof(struct dis_pending);
	if (flow_mem_charge(w->flows, need) < 0) {
		worker_weird(w, "dissector_memcap");
		f->dis_done = 1;
		return;
	}
	f->dis_state = d->state_size ? calloc(1, d->state_size) : NULL;
	if (f->key.proto == 6) {
		f->stream = stream_new();
		f->pend = calloc(1, sizeof(*f->pend));
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
		f->dis_done = 1;
		return;
	}
	if (f->pend != NULL)
		f->pend->cap = d->max_pending ? (uint32_t)d->max_pending :
		    DIS_PENDING_DEFAULT;
	f->dis = d;
}

/* Chooses a dissector by server port (first packet) or by probe. */
static void
dis_select(struct worker *w, struct flow *f, const struct pkt *p, int dir)
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
				dis_attach(w, f, *dp);
				return;
			}
	}
	if (p->pl_len == 0 || f->probed[dir])
		return;
	f->probed[dir] = 1;
	for (dp = w->s->dissectors; *dp != NULL; dp++)
		if (((*dp)->transport & tb) && (*dp)->probe != NULL &&
		    (*dp)->probe(p->data + p->pl_off, p->pl_len, dir)) {
			dis_attach(w, f, *dp);
			return;
		}
	if (f->probed[0] && f->probed[1])
		f->dis_done = 1;
}

static size_t
dis_parse_loop(struct dctx *ctx, const uint8_t *data, size_t len)
{
	struct flow *f = ctx->f;
	size_t used, off = 0;

	while (off < len && !f->dis_done) {
		used = f->dis->parse(ctx, f->dis_state, ctx->dir, data + off,
		    len - off);
		if (used == 0)
			break;
		off += used < len - off ? used : len - off;
	}
	return off;
}

/* Stream delivery: feeds the dissector, keeping the unconsumed tail. */
static void
dis_deliver(void *arg, int dir, const uint8_t *data, size_t len)
{
	struct dctx *ctx = arg;
	struct dis_pending *pd = ctx->f->pend;
	size_t used;
	uint8_t *b;

	ctx->dir = dir;
	if (ctx->f->dis_done)
		return;
	if (pd->n[dir] == 0) {
		used = dis_parse_loop(ctx, data, len);
		data += used;
		len -= used;
	} else {
		if (pd->n[dir] + len > pd->cap) {
			worker_weird(ctx->w, "stream_pending_overflow");
			ctx->w->st.dissector_pending_overflow++;
			pd->n[dir] = 0;
			used = dis_parse_loop(ctx, data, len);
			data += used;
			len -= used;
		} else {
			memcpy(pd->buf[dir] + pd->n[dir], data, len);
			pd->n[dir] += (uint32_t)len;
			used = dis_parse_loop(ctx, pd->buf[dir], pd->n[dir]);
			memmove(pd->buf[dir], pd->buf[dir] + used,
			    pd->n[dir] - used);
			pd->n[dir] -= (uint32_t)used;
			return;
		}
	}
	if (len == 0 || ctx->f->dis_done)
		return;
	if (len > pd->cap) {
		worker_weird(ctx->w, "stream_pending_overflow");
		ctx->w->st.dissector_pending_overflow++;
		return;
	}
	if (pd->buf[dir] == NULL) {
		if (flow_mem_charge(ctx->w->flows, pd->cap) < 0 ||
		    (b = malloc(pd->cap)) == NULL) {
			worker_weird(ctx->w, "dissector_memcap");
			return;
		}
		pd->buf[dir] = b;
	}
	memcpy(pd->buf[dir], data, len);
	pd->n[dir] = (uint32_t)len;
}

static void
dis_packet(struct worker *w, struct flow *f, const struct pkt *p, int dir)
{
	struct dctx ctx = { w, f, dir };
	struct stream_opts so;

	dis_select(w, f, p, dir);
	if (f->dis == NULL || f->dis_done)
		return;
	if (f->key.proto == 17) {
		if (p->pl_len > 0)
			f->dis->parse(&ctx, f->dis_state, dir,
			    p->data + p->pl_off, p->pl_len);
		return;
	}
	if (f->stream == NULL || !p->l4_ok)
		return;
	so.depth = w->s->cfg.stream_depth;
	so.ooo_max = w->s->cfg.stream_ooo_max;
	so.deliver = dis_deliver;
	so.charge = mem_charge;
	so.release = mem_release;
	stream_segment(f->stream, &so, &ctx, &w->sstats, dir, p->tcp_seq,
	    p->tcp_flags, p->data + p->pl_off, p->pl_len);
}

/* ---- nDPI ---------------------------------------------------------------- */

static void
dpi_finish(struct worker *w, struct flow *f, ndpi_protocol r)
{
	f->app_master = r.master_protocol;
	f->app_proto = r.app_protocol;
	f->app_category = (uint16_t)r.category;
	f->dpi_state = 1;
	if (f->ndpi == NULL)
		return;
	policy_ndpi(w, f, f->ndpi);
	ndpi_flow_free(f->ndpi);
	f->ndpi = NULL;
	flow_mem_release(w->flows, SIZEOF_FLOW_STRUCT);
}

static void
dpi_packet(struct worker *w, struct flow *f, const struct pkt *p)
{
	ndpi_protocol r;
	uint32_t len;
	uint8_t guessed;

	if (f->dpi_state)
		return;
	if (f->ndpi == NULL) {
		if (flow_mem_charge(w->flows, SIZEOF_FLOW_STRUCT) < 0 ||
		    (f->ndpi = ndpi_flow_malloc(SIZEOF_FLOW_STRUCT)) == NULL) {
			f->dpi_state = 1;
			worker_weird(w, "ndpi_memcap");
			return;
		}
		memset(f->ndpi, 0, SIZEOF_FLOW_STRUCT);
		w->st.ndpi_flows++;
	}
	len = p->caplen - p->l3_off;
	if (len > p->l3_len)
		len = p->l3_len;
	if (len > 0xffff)
		len = 0xffff;
	r = ndpi_detection_process_packet(w->ndpi, f->ndpi,
	    p->data + p->l3_off, (unsigned short)len, p->ts_us / 1000);
	f->dpi_pkts++;
	if ((r.app_protocol != NDPI_PROTOCOL_UNKNOWN ||
	    r.master_protocol != NDPI_PROTOCOL_UNKNOWN) &&
	    !ndpi_extra_dissection_possible(w->ndpi, f->ndpi)) {
		dpi_finish(w, f, r);
		return;
	}
	if (f->dpi_pkts >= w->s->cfg.ndpi_max_packets) {
		r = ndpi_detection_giveup(w->ndpi, f->ndpi, 1, &guessed);
		w->st.ndpi_giveups++;
		dpi_finish(w, f, r);
	}
}

/* Flow end: nDPI's last word, the dissector's pending facts, memory. */
static void
flow_ended(void *arg, struct flow *f)
{
	struct worker *w = arg;
	struct dctx ctx = { w, f, 0 };
	uint8_t guessed;
	size_t n;

	if (f->ndpi != NULL) {
		ndpi_protocol r = ndpi_detection_giveup(w->ndpi, f->ndpi, 1,
		    &guessed);

		w->st.ndpi_giveups++;
		dpi_finish(w, f, r);
	}
	if (f->stream != NULL)
		stream_finish(f->stream, &w->sstats);
	if (f->dis != NULL) {
		if (f->dis->free != NULL)
			f->dis->free(&ctx, f->dis_state);
		n = f->dis->state_size;
		if (f->stream != NULL) {
			struct stream_opts so = { .release = mem_release };

			stream_free(f->stream, &so, &ctx);
			n += stream_size() + sizeof(struct dis_pending);
		}
		if (f->pend != NULL) {
			if (f->pend->buf[0] != NULL)
				n += f->pend->cap;
			if (f->pend->buf[1] != NULL)
				n += f->pend->cap;
			free(f->pend->buf[0]);
			free(f->pend->buf[1]);
			free(f->pend);
		}
		free(f->dis_state);
		flow_mem_release(w->flows, n);
	}
	if (f->geo != NULL)
		flow_mem_release(w->flows, 2 * sizeof(*f->geo));
}

/* ---- packets ------------------------------------------------------------- */

static void
process_ip(struct worker *w, struct pkt *p)
{
	struct flow *f;
	int dir;

	if ((f = flow_lookup(w->flows, p, &dir)) == NULL)
		return;
	flow_set_busy(w->flows, f);
	flow_update(w->flows, f, p, dir);
	dpi_packet(w, f, p);
	if (p->l4_ok && (f->key.proto == 6 || f->key.proto == 17))
		dis_packet(w, f, p, dir);
	flow_set_busy(w->flows, NULL);
}

static void
process_packet(struct worker *w, struct in_rec *r, uint32_t reclen)
{
	struct pkt *p = &r->pkt;
	const uint8_t *whole;
	uint32_t wlen;
	int rc;

	p->data = r->frame;
	w->st.packets++;
	w->st.bytes += p->wirelen;
	if (!p->is_fragment) {
		process_ip(w, p);
		return;
	}
	rc = defrag_feed(w->defrag, p, &whole, &wlen);
	if (rc != 1)
		return;
	w->st.defrag_reassembled++;
	if (decode_ip_datagram(&w->s->dopts, &w->dstats, p, whole, wlen) == 0)
		process_ip(w, p);
}

/* ---- thread -------------------------------------------------------------- */

/* Idle: spin briefly, then sleep on the first input ring (a tick or a
 * packet wakes us; the timeout covers the other rings in live mode). */
static void
backoff(struct worker *w, unsigned *spins)
{
	if (++*spins < 4)
		return;
	ring_wait_data(w->in[0], 1000);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct in_rec *r;
	unsigned i, spins = 0, ended = 0, got;
	uint32_t n;
	uint64_t d;

	for (;;) {
		got = 0;
		for (i = 0; i < w->nin; i++) {
			if ((r = (struct in_rec *)ring_peek(w->in[i], &n)) == NULL)
				continue;
			got = 1;
			w->now_us = r->ts_us;
			switch (r->type) {
			case IN_PKT:
				w->cur_key = 2 * r->seq;
				worker_set_progress(w, w->cur_key, 0, 0);
				process_packet(w, r, n);
				break;
			case IN_TICK:
				w->cur_key = 2 * r->seq + 1;
				worker_set_progress(w, w->cur_key, 0, 0);
				worker_apply_runtime(w);
				flow_expire(w->flows, r->ts_us);
				defrag_expire(w->defrag, r->ts_us);
				break;
			case IN_END:
				w->cur_key = 2 * r->seq + 1;
				worker_set_progress(w, w->cur_key, 0, 0);
				ended++;
				break;
			}
			w->last_key = w->cur_key;
			worker_set_progress(w, w->cur_key + 1, 0, 0);
			ring_release(w->in[i]);
		}
		if (ended >= w->nin)
			break;
		if (got) {
			spins = 0;
			continue;
		}
		/*
		 * Idle: nothing at or below the reader's last dispatched
		 * packet can still come our way (read it before re-checking
		 * the rings: the reader commits a record before counting it).
		 */
		d = atomic_load_explicit(w->dispatched, memory_order_acquire);
		for (i = 0; i < w->nin; i++)
			if (!ring_empty(w->in[i]))
				break;
		if (i == w->nin && 2 * d + 1 > w->last_key + 1) {
			worker_set_progress(w, 2 * d + 1, 0, 0);
			w->last_key = 2 * d;
		}
		backoff(w, &spins);
	}
	/* End of input: end every flow, in first-packet order. */
	w->final_flows = *flow_table_stats(w->flows);
	flow_table_free(w->flows);
	w->flows = NULL;
	worker_set_progress(w, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	atomic_store_explicit(&w->cfg_seen, UINT64_MAX, memory_order_release);
	atomic_store_explicit(&w->finished, 1, memory_order_release);
	return NULL;
}

int
worker_init(struct worker *w, const struct sensor *s, unsigned id,
    char *errbuf, size_t errlen)
{
	const struct config *c = &s->cfg;
	struct flow_table_opts fo;
	struct defrag_opts dop;
	NDPI_PROTOCOL_BITMASK all;

	memset(w, 0, sizeof(*w));
	/* The worker's own copy: its run-time keys follow SIGHUP reloads. */
	w->view = *s;
	w->s = &w->view;
	w->id = id;
	memset(&fo, 0, sizeof(fo));
	fo.hash_size = c->flow_hash_size;
	fo.memcap = c->flow_memcap;
	fo.timeout_us[FC_TCP_OPEN] = (uint64_t)c->tcp_idle_timeout * 1000000;
	fo.timeout_us[FC_TCP_CLOSED] = (uint64_t)c->tcp_closed_timeout * 1000000;
	fo.timeout_us[FC_UDP] = (uint64_t)c->udp_idle_timeout * 1000000;
	fo.timeout_us[FC_OTHER] = (uint64_t)c->other_idle_timeout * 1000000;
	fo.active_timeout_us = (uint64_t)c->active_timeout * 1000000;
	fo.end = flow_ended;
	fo.end_arg = w;
	/* core-hardening: the flow table drops packets whose checksum fails
	 * (checksum.h), before nDPI, the stream and dissectors see them. */
	fo.checksum = (enum csum_mode)c->checksum_validation;
	if ((w->flows = flow_table_new(&fo)) == NULL) {
		snprintf(errbuf, errlen, "out of memory for the flow table "
		    "(lower flow_hash_size)");
		return -1;
	}
	memset(&dop, 0, sizeof(dop));
	dop.memcap = c->defrag_memcap;
	dop.timeout_us = (uint64_t)c->defrag_timeout * 1000000;
	dop.max_fragments_per_datagram = 128;
	dop.max_datagrams = 4096;
	if ((w->defrag = defrag_new(&dop, errbuf, errlen)) == NULL)
		return -1;
	if ((w->ndpi = ndpi_init_detection_module(ndpi_no_prefs)) == NULL) {
		snprintf(errbuf, errlen, "nDPI failed to initialise");
		return -1;
	}
	NDPI_BITMASK_SET_ALL(all);
	ndpi_set_protocol_detection_bitmask2(w->ndpi, &all);
	ndpi_finalize_initialization(w->ndpi);
	if ((w->out = ring_new((size_t)c->output_ring_mb << 20)) == NULL) {
		snprintf(errbuf, errlen, "out of memory for the output ring");
		return -1;
	}
	return 0;
}

int
worker_start(struct worker *w)
{
	return pthread_create(&w->thread, NULL, worker_main, w) == 0 ? 0 : -1;
}

void
worker_join(struct worker *w)
{
	pthread_join(w->thread, NULL);
}

void
worker_fini(struct worker *w)
{
	unsigned i;

	flow_table_free(w->flows);
	w->flows = NULL;
	if (w->defrag != NULL)
		defrag_free(w->defrag);
	if (w->ndpi != NULL)
		ndpi_exit_detection_module(w->ndpi);
	ring_free(w->out);
	for (i = 0; i < w->nin; i++)
		ring_free(w->in[i]);
	secure_zero(w->view.hmac_key, sizeof(w->view.hmac_key));
}
