/*
 * test_detect.c - the detector layer through a real worker: this program
 * brings its own detector registry (two recording detectors), so the
 * library's detectors/registry.c is not linked in.  Packets go through the
 * worker's input ring as the reader puts them there.
 *
 * Checked: every event reaches the detectors that asked for it and no
 * other (flow start, nDPI final, facts by type, session once and only
 * after payload both ways, packets by IP protocol, flow end after all
 * else, ticks and the final tick); per-flow state is zeroed, private to
 * each detector and stable across a flow's events; detector_memcap refuses
 * charges; findings about endpoints made in a tick come out sorted by their
 * order key; a flow finding carries the flow's first packet number.
 */
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "config.h"
#include "correlator.h"
#include "detect.h"
#include "detector.h"
#include "output.h"
#include "ring.h"
#include "worker.h"
#include "unit.h"
#include "worker_harness.h"

/* ---- the test's registry -------------------------------------------------- */

#define MAX_EV	256
#define MAGIC	0x5eed0000u

enum { E_START = 1, E_APP, E_FACT, E_SESSION, E_PACKET, E_END, E_TICK,
    E_FINAL };

struct rec_ws {
	uint8_t		 ev[MAX_EV];
	uint64_t	 flow[MAX_EV];	/* first_seq of the event's flow */
	unsigned	 n;
	unsigned	 bad_state;	/* per-flow state not as left */
	unsigned	 cred_from_ftp;
	unsigned	 sessions_per_flow_max;
	int		 charged;
};

struct rec_fs {
	uint32_t	magic;
	uint32_t	sessions;
	uint64_t	seq;
};

static void
note(struct detctx *ctx, int ev)
{
	struct rec_ws *ws = det_worker_state(ctx);
	const struct flow *f = det_flow(ctx);

	if (ws->n < MAX_EV) {
		ws->ev[ws->n] = (uint8_t)ev;
		ws->flow[ws->n++] = f != NULL ? f->first_seq : 0;
	}
}

static void
check(struct detctx *ctx, struct rec_fs *fs)
{
	struct rec_ws *ws = det_worker_state(ctx);

	if (fs->magic != MAGIC || fs->seq != det_flow(ctx)->first_seq)
		ws->bad_state++;
}

static void *
rec_worker_new(const struct config *cfg)
{
	(void)cfg;
	return calloc(1, sizeof(struct rec_ws));
}

static void
rec_start(struct detctx *ctx, void *fs)
{
	struct rec_fs *st = fs;
	struct rec_ws *ws = det_worker_state(ctx);

	if (st->magic != 0 || st->sessions != 0)
		ws->bad_state++;		/* not zeroed */
	st->magic = MAGIC;
	st->seq = det_flow(ctx)->first_seq;
	note(ctx, E_START);
	if (!ws->charged) {
		ws->charged = 1;
		/* detector_memcap is 64k in this test */
		CU_ASSERT_EQUAL(det_mem_charge(ctx, 65 * 1024), -1);
		CU_ASSERT_EQUAL(det_mem_charge(ctx, 1000), 0);
		det_mem_release(ctx, 1000);
	}
}

static void
rec_app(struct detctx *ctx, void *fs, const struct app_fact *a)
{
	(void)a;
	check(ctx, fs);
	note(ctx, E_APP);
}

static void
rec_fact(struct detctx *ctx, void *fs, const struct fact *fa)
{
	struct rec_ws *ws = det_worker_state(ctx);

	check(ctx, fs);
	note(ctx, E_FACT);
	if (fa->type == FACT_CREDENTIAL && strcmp(fa->source, "ftp") == 0)
		ws->cred_from_ftp++;
}

static void
rec_session(struct detctx *ctx, void *fs)
{
	struct rec_fs *st = fs;
	struct rec_ws *ws = det_worker_state(ctx);
	struct finding f;

	check(ctx, fs);
	note(ctx, E_SESSION);
	if (++st->sessions > ws->sessions_per_flow_max)
		ws->sessions_per_flow_max = st->sessions;
	finding_init(&f, FK_REMOTE_ACCESS, SEV_INFO, 1);
	finding_str(&f, "tool", "test");
	det_emit(ctx, &f);
}

static void
rec_packet(struct detctx *ctx, void *fs, const struct pkt *p, int dir)
{
	(void)p;
	(void)dir;
	check(ctx, fs);
	note(ctx, E_PACKET);
}

static void
rec_end(struct detctx *ctx, void *fs)
{
	check(ctx, fs);
	note(ctx, E_END);
}

static void
rec_tick(struct detctx *ctx, uint64_t now, int final)
{
	static const uint64_t orders[] = { 30, 10, 20 };
	struct finding_endpoints ep;
	struct finding f;
	unsigned i;

	(void)now;
	note(ctx, final ? E_FINAL : E_TICK);
	if (!final)
		return;
	memset(&ep, 0, sizeof(ep));
	ep.family = 4;
	ep.proto = 6;
	for (i = 0; i < 3; i++) {
		ep.client[3] = (uint8_t)orders[i];
		finding_init(&f, FK_BEACON, SEV_LOW, 50);
		finding_int(&f, "order", (int64_t)orders[i]);
		det_emit_endpoints(ctx, &f, &ep, orders[i]);
	}
}

static const uint8_t rec_protos[] = { 1, 0 };

static const struct detector rec_detector = {
	.name = "rec",
	.description = "records every event",
	.events = DET_EV_FLOW_START | DET_EV_APP | DET_EV_FACT |
	    DET_EV_SESSION | DET_EV_PACKET | DET_EV_FLOW_END | DET_EV_TICK,
	.fact_mask = 1u << FACT_CREDENTIAL,
	.ip_protos = rec_protos,
	.flow_state_size = sizeof(struct rec_fs),
	.worker_new = rec_worker_new,
	.worker_free = free,
	.flow_start = rec_start,
	.app = rec_app,
	.fact = rec_fact,
	.session = rec_session,
	.packet = rec_packet,
	.flow_end = rec_end,
	.tick = rec_tick,
};

/* Wants DNS facts only and has no per-flow state. */
struct dns_ws {
	unsigned	facts, apps, null_fs;
};

static void *
dns_worker_new(const struct config *cfg)
{
	(void)cfg;
	return calloc(1, sizeof(struct dns_ws));
}

static void
dns_fact(struct detctx *ctx, void *fs, const struct fact *fa)
{
	struct dns_ws *ws = det_worker_state(ctx);

	(void)fa;
	ws->facts++;
	ws->null_fs += fs == NULL;
}

static void
dns_app(struct detctx *ctx, void *fs, const struct app_fact *a)
{
	struct dns_ws *ws = det_worker_state(ctx);

	(void)a;
	ws->apps++;
	ws->null_fs += fs == NULL;
}

static const struct detector dns_detector = {
	.name = "dnsonly",
	.description = "DNS facts only",
	.events = DET_EV_FACT | DET_EV_APP,
	.fact_mask = 1u << FACT_DNS,
	.worker_new = dns_worker_new,
	.worker_free = free,
	.fact = dns_fact,
	.app = dns_app,
};

const struct detector *const detector_registry[] = {
	&rec_detector, &dns_detector, NULL
};
const struct correlator *const correlator_registry[] = { NULL };

/* ---- packets ------------------------------------------------------------- */

static struct harness h;
static struct sensor s;
#define w	(h.w)
#define seq	(h.seq)

#define CLI	0x0a000001u
#define SRV	0x0a000002u

static void
push(uint32_t type, const uint8_t *frame, size_t len)
{
	harness_push(&h, type, frame, len, 1000);
}

static size_t
ip4(uint8_t *b, uint8_t proto, uint32_t src, uint32_t dst, uint16_t sport,
    uint16_t dport, uint8_t flags, uint32_t sq, uint32_t ak,
    const char *payload)
{
	return harness_ip4(b, proto, src, dst, sport, dport, flags, sq, ak,
	    payload, payload != NULL ? strlen(payload) : 0);
}

static void
tcp(int c2s, uint8_t flags, uint32_t sq, uint32_t ak, const char *pl)
{
	uint8_t b[256];
	size_t n = ip4(b, 6, c2s ? CLI : SRV, c2s ? SRV : CLI,
	    c2s ? 40000 : 21, c2s ? 21 : 40000, flags, sq, ak, pl);

	push(IN_PKT, b, n);
}

static void
run(void)
{
	uint8_t b[256];
	size_t n;

	memset(&s, 0, sizeof(s));
	config_defaults(&s.cfg);
	s.cfg.detector_memcap = 64 * 1024;
	s.dissectors = dissector_registry;
	s.dopts.max_depth = 8;
	CU_ASSERT_EQUAL_FATAL(harness_init(&h, &s, 1700000000000000ULL), 0);
	/* FTP login with handshake: SYN, SYN-ACK, ACK, then payload. */
	tcp(1, 0x02, 100, 0, NULL);
	tcp(0, 0x12, 500, 101, NULL);
	tcp(1, 0x10, 101, 501, NULL);
	tcp(0, 0x18, 501, 101, "220 hi\r\n");
	tcp(1, 0x18, 101, 509, "USER bob\r\n");
	tcp(0, 0x18, 509, 111, "331 pw\r\n");
	tcp(1, 0x18, 111, 517, "PASS pw\r\n");
	tcp(0, 0x18, 517, 120, "230 ok\r\n");
	/* ICMP echo and reply: a packet event each. */
	n = ip4(b, 1, CLI, 0x0a000003u, 8, 0, 0, 0, 0, "ping");
	push(IN_PKT, b, n);
	n = ip4(b, 1, 0x0a000003u, CLI, 0, 0, 0, 0, 0, "ping");
	push(IN_PKT, b, n);
	/* A SYN nobody answers: a flow, never a session. */
	n = ip4(b, 6, CLI, 0x0a000004u, 40001, 3389, 0x02, 1, 0, NULL);
	push(IN_PKT, b, n);
	push(IN_TICK, NULL, 0);
	push(IN_END, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(harness_run(&h), 0);
}

static unsigned
count(const struct rec_ws *ws, int ev, uint64_t flow)
{
	unsigned i, k = 0;

	for (i = 0; i < ws->n; i++)
		if (ws->ev[i] == ev && (flow == 0 || ws->flow[i] == flow))
			k++;
	return k;
}

static void
test_events(void)
{
	const struct rec_ws *ws;
	const struct dns_ws *dw;
	unsigned i, last_end = 0;

	run();
	ws = w.det->ws[0];
	dw = w.det->ws[1];
	/* three flows: FTP (first packet 1), ICMP (9), SYN (11) */
	CU_ASSERT_EQUAL(count(ws, E_START, 0), 3);
	CU_ASSERT_EQUAL(count(ws, E_END, 0), 3);
	CU_ASSERT_EQUAL(count(ws, E_SESSION, 1), 1);
	CU_ASSERT_EQUAL(count(ws, E_SESSION, 9), 1);	/* payload both ways */
	CU_ASSERT_EQUAL(count(ws, E_SESSION, 11), 0);	/* the lone SYN */
	CU_ASSERT_EQUAL(ws->sessions_per_flow_max, 1);
	CU_ASSERT_EQUAL(count(ws, E_PACKET, 9), 2);	/* ICMP only */
	CU_ASSERT_EQUAL(count(ws, E_PACKET, 1), 0);
	CU_ASSERT_EQUAL(count(ws, E_APP, 0), 3);	/* nDPI, once a flow */
	CU_ASSERT_EQUAL(count(ws, E_FACT, 1), 1);
	CU_ASSERT_EQUAL(ws->cred_from_ftp, 1);
	CU_ASSERT_EQUAL(count(ws, E_TICK, 0), 1);
	CU_ASSERT_EQUAL(count(ws, E_FINAL, 0), 1);
	CU_ASSERT_EQUAL(ws->bad_state, 0);
	/* a flow's end is its last event; the final tick comes after all */
	for (i = 0; i < ws->n; i++)
		if (ws->ev[i] == E_END && ws->flow[i] == 1)
			last_end = i;
	for (i = last_end + 1; i < ws->n; i++)
		CU_ASSERT(ws->flow[i] != 1);
	CU_ASSERT_EQUAL(ws->ev[ws->n - 1], E_FINAL);
	/* the DNS-only detector: no credential fact, no flow state */
	CU_ASSERT_EQUAL(dw->facts, 0);
	CU_ASSERT_EQUAL(dw->apps, 3);
	CU_ASSERT_EQUAL(dw->null_fs, 3);
	CU_ASSERT_EQUAL(w.det->st[0].refused, 1);
	CU_ASSERT_EQUAL(w.det->st[0].memory, 0);
}

static void
test_output_order(void)
{
	const struct out_rec *r;
	uint32_t n;
	int64_t want[] = { -1, -9, 10, 20, 30 };	/* -seq: flow finding */
	unsigned i = 0;
	uint64_t last_key = 0;

	while ((r = ring_peek(w.out, &n)) != NULL && i < 5) {
		CU_ASSERT(r->key >= last_key);
		last_key = r->key;
		if (want[i] < 0) {
			CU_ASSERT_EQUAL(r->kind, FK_REMOTE_ACCESS);
			CU_ASSERT_EQUAL(r->flow_seq, (uint64_t)-want[i]);
		} else {
			CU_ASSERT_EQUAL(r->kind, FK_BEACON);
			CU_ASSERT_EQUAL(r->flow_seq, (uint64_t)want[i]);
			CU_ASSERT_EQUAL(r->key, WORKER_KEY_DETECT(seq + 1));
		}
		ring_release(w.out);
		i++;
	}
	CU_ASSERT_EQUAL(i, 5);
	CU_ASSERT_PTR_NULL(ring_peek(w.out, &n));
	worker_fini(&w);
}

UNIT_MAIN("detect",
    { "events reach the detectors that asked for them", test_events },
    { "findings: flow order, then tick order keys sorted", test_output_order })
