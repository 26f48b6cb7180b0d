/*
 * worker.c - the worker thread: its loop over the input rings, the packet
 * path (defragmentation, flows, then nDPI, dissectors and detectors) and
 * the end of flows; see worker.h.
 *
 * Per packet: the flow is found or created (a new one is announced to the
 * detectors), nDPI looks at it until its classification is final
 * (dpi.c), a dissector gets TCP/UDP data (dissect.c), and detectors that
 * asked for this IP protocol see the packet (detect.c).  When payload has
 * gone both ways after a handshake the flow becomes a session, once.
 * When a flow ends: nDPI's last word, then the dissector's pending facts,
 * then the detectors' flow_end, then the flow table frees it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "crypto.h"
#include "defrag.h"
#include "detect.h"
#include "dissect.h"
#include "dpi.h"
#include "emit.h"
#include "ring.h"
#include "sigdb.h"
#include "worker.h"

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
	if (sn->sigs != NULL)
		w->view.sigs = sn->sigs;
	w->cfg_gen = sn->gen;
	/* After the copy: the control thread may free older snapshots. */
	atomic_store_explicit(&w->cfg_seen, sn->gen, memory_order_release);
}

void
worker_weird(struct worker *w, const char *name)
{
	weird_count(w->weirds, &w->nweirds, WEIRD_MAX, name);
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

/* ---- flows --------------------------------------------------------------- */

/* The flow table's end callback: every consumer's last word, in order. */
static void
flow_ended(void *arg, struct flow *f)
{
	struct worker *w = arg;

	dpi_flow_end(w, f);
	dissect_flow_end(w, f);
	detect_flow_end(w, f);
}

/*
 * A session: payload both ways and, for TCP, no handshake left half done
 * (a SYN answered by a SYN-ACK, or a flow picked up mid-stream).
 */
static int
became_session(const struct flow *f)
{
	if (f->session || f->pl_dirs != 3)
		return 0;
	if (f->key.proto == 6 && (f->tcp_flags & FLOW_TCP_SYN) &&
	    !(f->tcp_flags & FLOW_TCP_SYNACK))
		return 0;
	return 1;
}

static void
process_ip(struct worker *w, struct pkt *p)
{
	struct flow *f;
	int dir;

	if ((f = flow_lookup(w->flows, p, &dir)) == NULL)
		return;
	flow_set_busy(w->flows, f);
	if (f->pkts[0] == 0 && f->pkts[1] == 0)
		detect_flow_start(w, f);
	flow_update(w->flows, f, p, dir);
	if (p->pl_len > 0)
		f->pl_dirs |= (uint8_t)(1u << dir);
	dpi_packet(w, f, p);
	if (p->l4_ok && (f->key.proto == 6 || f->key.proto == 17))
		dissect_packet(w, f, p, dir);
	if (f->dis_live && f->fclass == FC_TCP_CLOSED)
		dissect_flow_closed(w, f);
	if (w->det->want_proto[f->key.proto] || f->det_pkt_subs != 0)
		detect_packet(w, f, p, dir);
	if (became_session(f)) {
		f->session = 1;
		w->st.sessions++;
		detect_session(w, f);
	}
	flow_set_busy(w->flows, NULL);
}

static void
process_packet(struct worker *w, struct pkt *p, const uint8_t *frame)
{
	const uint8_t *whole;
	uint32_t wlen;
	int rc;

	p->data = frame;
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

static void
enter(struct worker *w, uint64_t key)
{
	w->cur_key = key;
	worker_set_progress(w, key, 0, 0);
}

/* A tick: flows past their timeouts end, then the detectors' tick. */
static void
tick(struct worker *w, uint64_t seq, uint64_t ts_us)
{
	worker_apply_runtime(w);
	enter(w, WORKER_KEY_EXPIRE(seq));
	flow_expire(w->flows, ts_us);
	defrag_expire(w->defrag, ts_us);
	enter(w, WORKER_KEY_DETECT(seq));
	detect_tick(w, ts_us, 0);
}

/*
 * End of input: every flow ends (in first-packet order), then the
 * detectors report what they still hold.  The end record carries the last
 * packet number; its keys are those of the next number, which no packet or
 * tick has, so they follow everything else.
 */
static void
finish(struct worker *w, uint64_t seq, uint64_t ts_us)
{
	enter(w, WORKER_KEY_EXPIRE(seq + 1));
	flow_table_end_all(w->flows);
	w->final_flows = *flow_table_stats(w->flows);
	flow_table_free(w->flows);
	w->flows = NULL;
	enter(w, WORKER_KEY_DETECT(seq + 1));
	detect_tick(w, ts_us, 1);
}

int
worker_item(struct worker *w, uint32_t type, uint64_t seq, uint64_t ts_us,
    struct pkt *p, const uint8_t *frame)
{
	w->now_us = ts_us;
	switch (type) {
	case IN_PKT:
		enter(w, WORKER_KEY_PACKET(seq));
		process_packet(w, p, frame);
		break;
	case IN_FRAME:
		enter(w, WORKER_KEY_PACKET(seq));
		dissect_frame(w, frame, p->caplen);
		break;
	case IN_TICK:
		tick(w, seq, ts_us);
		break;
	case IN_END:
		/* Several live inputs: end flows at the last. */
		if (++w->ended == w->nin)
			finish(w, seq, ts_us);
		break;
	}
	w->last_key = w->cur_key;
	if (w->ended < w->nin) {
		worker_set_progress(w, w->cur_key + 1, 0, 0);
		return 0;
	}
	/* Everything this worker emits is out: the publisher may finish. */
	worker_set_progress(w, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	atomic_store_explicit(&w->cfg_seen, UINT64_MAX, memory_order_release);
	atomic_store_explicit(&w->finished, 1, memory_order_release);
	return 1;
}

static int
inputs_empty(struct worker *w)
{
	unsigned i;

	for (i = 0; i < w->nin; i++)
		if (!ring_empty(w->in[i]))
			return 0;
	return 1;
}

/*
 * AF_PACKET (afpacket.c): a capture thread feeds its worker directly.  Its
 * own IN_END ends the worker; the ends of its hand-off rings are counted
 * there, not here.
 */
void
worker_input(struct worker *w, enum in_type type, uint64_t seq, uint64_t ts,
    struct pkt *p, const uint8_t *frame)
{
	if (type == IN_END)
		w->ended = w->nin - 1;
	(void)worker_item(w, type, seq, ts, p, frame);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct in_rec *r;
	unsigned i, spins = 0, got;
	uint32_t n;
	uint64_t d;
	int done = 0;

	while (!done) {
		got = 0;
		for (i = 0; i < w->nin && !done; i++) {
			if ((r = (struct in_rec *)ring_peek(w->in[i], &n)) == NULL)
				continue;
			got = 1;
			done = worker_item(w, r->type, r->seq, r->ts_us, &r->pkt,
			    r->frame);
			ring_release(w->in[i]);
		}
		if (done)
			break;
		if (got) {
			spins = 0;
			continue;
		}
		/*
		 * Idle (offline): nothing at or below the reader's last
		 * dispatched packet d can still come our way; the next item
		 * is at least the tick after d.  Read d before re-checking the
		 * rings: the reader publishes a record before counting it.
		 */
		if (w->dispatched != NULL) {
			d = atomic_load_explicit(w->dispatched,
			    memory_order_acquire);
			if (inputs_empty(w) &&
			    WORKER_KEY_EXPIRE(d) > w->last_key + 1) {
				worker_set_progress(w, WORKER_KEY_EXPIRE(d), 0, 0);
				w->last_key = WORKER_KEY_EXPIRE(d) - 1;
			}
		}
		/* Spin briefly, then sleep until any input ring has data. */
		if (++spins >= 4)
			ring_wait_any(&w->bell, w->in, w->nin, 1000);
	}
	return NULL;
}

int
worker_init(struct worker *w, const struct sensor *s, unsigned id,
    char *errbuf, size_t errlen)
{
	const struct config *c = &s->cfg;
	struct flow_table_opts fo;
	struct defrag_opts dop;

	memset(w, 0, sizeof(*w));
	/* The worker's own copy: its run-time keys follow SIGHUP reloads. */
	w->view = *s;
	w->s = &w->view;
	w->id = id;
	if (detect_init(w, errbuf, errlen) < 0)
		return -1;
	memset(&fo, 0, sizeof(fo));
	fo.hash_size = c->flow_hash_size;
	fo.memcap = c->flow_memcap;
	fo.timeout_us[FC_TCP_OPEN] = (uint64_t)c->tcp_idle_timeout * 1000000;
	fo.timeout_us[FC_TCP_CLOSED] = (uint64_t)c->tcp_closed_timeout * 1000000;
	fo.timeout_us[FC_UDP] = (uint64_t)c->udp_idle_timeout * 1000000;
	fo.timeout_us[FC_OTHER] = (uint64_t)c->other_idle_timeout * 1000000;
	fo.active_timeout_us = (uint64_t)c->active_timeout * 1000000;
	fo.extra = detect_flow_bytes();
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
	if (dpi_init(w, errbuf, errlen) < 0)
		return -1;
	if ((w->out = ring_new((size_t)c->output_ring_mb << 20)) == NULL) {
		snprintf(errbuf, errlen, "out of memory for the output ring");
		return -1;
	}
	return 0;
}

int
worker_start(struct worker *w)
{
	unsigned i;

	if (w->inline_mode)
		return 0;
	for (i = 0; i < w->nin; i++)
		ring_set_bell(w->in[i], &w->bell);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
		return -1;
	w->started = 1;
	return 0;
}

void
worker_join(struct worker *w)
{
	if (w->started)
		pthread_join(w->thread, NULL);
	w->started = 0;
}

void
worker_fini(struct worker *w)
{
	unsigned i;

	flow_table_free(w->flows);
	w->flows = NULL;
	if (w->defrag != NULL)
		defrag_free(w->defrag);
	dpi_fini(w);
	detect_fini(w);
	emit_fini(w);
	ring_free(w->out);
	for (i = 0; i < w->nin; i++)
		ring_free(w->in[i]);
	secure_zero(w->view.hmac_key, sizeof(w->view.hmac_key));
}
