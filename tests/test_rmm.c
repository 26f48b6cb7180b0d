/*
 * test_rmm.c - the remote-access detector (detectors/rmm.c) in a real
 * worker, and its correlator (detectors/rmm_corr.c) fed with the worker's
 * records and with records made here.
 *
 * Worker: the catalogue loads from the source tree; a DNS query reported
 * as FACT_DNS (by a stand-in dissector: the DNS dissector is another
 * issue's) with a catalogued name is one RMM_OBS_MATCH, its repeat on the
 * flow and the answer are not; a TeamViewer session on 5938 matches by
 * port structure and ends with RMM_OBS_END; an unanswered SYN to 5938 and
 * an uncatalogued name give nothing.
 * Correlator: one finding per (client, tool, tenant), repeats folded into
 * one follow-up at the end; rmm_allowed suppresses the allowed tenant and
 * marks another tenant of the same tool sanctioned_tool; a resolver's
 * forwarded query is dropped; a window closes by packet time; a full table
 * closes its least recently used window.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "correlator.h"
#include "detector.h"
#include "dissector.h"
#include "output.h"
#include "ring.h"
#include "sigdb.h"
#include "unit.h"
#include "worker_harness.h"
#include "rmm.h"

extern const struct detector rmm_detector;
extern const struct correlator rmm_correlator;

const struct detector *const detector_registry[] = { &rmm_detector, NULL };
const struct correlator *const correlator_registry[] = { NULL };

static const struct dissector *const test_dissectors[] = {
	&harness_dns_dissector, NULL
};

/* ---- the worker -------------------------------------------------------- */

#define CLI	0x0a010001u	/* 10.1.0.1 */
#define RES	0x0a010035u	/* 10.1.0.53, the resolver */
#define TV	0xc6336409u	/* 198.51.100.9 */

static struct harness h;
static struct sensor s;

static void
udp(uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp, const char *pl)
{
	uint8_t b[512];

	harness_push(&h, IN_PKT, b, harness_ip4(b, 17, src, dst, sp, dp, 0, 0,
	    0, pl, strlen(pl)), 1000);
}

static void
tcp(uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp, uint8_t flags,
    uint32_t sq, uint32_t ak, const void *pl, size_t n)
{
	uint8_t b[512];

	harness_push(&h, IN_PKT, b, harness_ip4(b, 6, src, dst, sp, dp, flags,
	    sq, ak, pl, n), 1000);
}

static void
setup(const char *allowed)
{
	const char *top = getenv("top_srcdir");
	char err[512];

	memset(&s, 0, sizeof(s));
	config_defaults(&s.cfg);
	snprintf(s.cfg.signatures_dir, sizeof(s.cfg.signatures_dir),
	    "%s/signatures", top ? top : ".");
	snprintf(s.cfg.rmm_allowed, sizeof(s.cfg.rmm_allowed), "%s", allowed);
	s.cfg.rmm_max_entries = 16;
	s.sigs = sigdb_load(&s.cfg, NULL, err, sizeof(err));
	if (s.sigs == NULL)
		fprintf(stderr, "sigdb_load: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s.sigs);
	s.dissectors = test_dissectors;
	s.dopts.max_depth = 8;
}

/* Records the worker queued: observations copied out for the correlator. */
#define MAX_RECS	32
static struct out_rec *recs[MAX_RECS];
static unsigned nrecs;

static void
test_worker(void)
{
	static const uint8_t tv_c[] = { 0x17, 0x24, 0x0a, 0x20, 0, 0, 0, 0 };
	static const uint8_t tv_s[] = { 0x17, 0x24, 0x0b, 0x30, 1, 2, 3, 4 };
	const struct out_rec *r;
	const struct rmm_match *m;
	unsigned match = 0, end = 0, dns = 0;
	uint32_t n;

	setup("");
	CU_ASSERT_EQUAL_FATAL(harness_init(&h, &s, 1700000000000000ULL), 0);
	/* a lookup, its repeat on the same flow, the answer */
	udp(CLI, RES, 50001, 53, "Q relay-0a0b0c0d.net.anydesk.com");
	udp(CLI, RES, 50001, 53, "Q relay-0a0b0c0d.net.anydesk.com");
	udp(RES, CLI, 53, 50001, "R relay-0a0b0c0d.net.anydesk.com");
	udp(CLI, RES, 50002, 53, "Q www.example.com");
	udp(CLI, RES, 50003, 53, "Q anydesk.com.example.net");
	/* TeamViewer's structure on 5938, both ways after a handshake */
	tcp(CLI, TV, 40000, 5938, 0x02, 100, 0, NULL, 0);
	tcp(TV, CLI, 5938, 40000, 0x12, 500, 101, NULL, 0);
	tcp(CLI, TV, 40000, 5938, 0x10, 101, 501, NULL, 0);
	tcp(CLI, TV, 40000, 5938, 0x18, 101, 501, tv_c, sizeof(tv_c));
	tcp(TV, CLI, 5938, 40000, 0x18, 501, 109, tv_s, sizeof(tv_s));
	/* an unanswered SYN to 5938 */
	tcp(CLI, TV + 1, 40001, 5938, 0x02, 7, 0, NULL, 0);
	harness_push(&h, IN_TICK, NULL, 0, 1000);
	harness_push(&h, IN_END, NULL, 0, 1000);
	CU_ASSERT_EQUAL_FATAL(harness_run(&h), 0);
	while ((r = ring_peek(h.w.out, &n)) != NULL) {
		CU_ASSERT(r->obs == RMM_OBS_MATCH || r->obs == RMM_OBS_END);
		CU_ASSERT(r->has_ep);
		if (r->obs == RMM_OBS_MATCH) {
			match++;
			m = (const struct rmm_match *)(const void *)r->body;
			if (m->is_dns) {
				dns++;
				CU_ASSERT_STRING_EQUAL(m->tool_id, "anydesk");
				CU_ASSERT_EQUAL(m->ev[0].source, RMM_SRC_DNS);
			} else {
				CU_ASSERT_STRING_EQUAL(m->tool_id,
				    "teamviewer");
				CU_ASSERT(m->confidence >= 80);
			}
		} else {
			end++;
		}
		if (nrecs < MAX_RECS &&
		    (recs[nrecs] = malloc(n)) != NULL)
			memcpy(recs[nrecs++], r, n);
		ring_release(h.w.out);
	}
	CU_ASSERT_EQUAL(match, 2);
	CU_ASSERT_EQUAL(dns, 1);
	CU_ASSERT_EQUAL(end, 1);
	CU_ASSERT_EQUAL(h.w.st.observations, 3);
	worker_fini(&h.w);
	sigdb_free((struct sigdb *)s.sigs);
}

/* ---- the correlator ------------------------------------------------------ */

#define MAX_OUT	64
static char out[MAX_OUT][FINDING_JSON_MAX];
static unsigned nout;

static uint64_t
collect(void *arg, const struct out_rec *r)
{
	(void)arg;
	CU_ASSERT_EQUAL(r->obs, 0);
	if (nout < MAX_OUT)
		snprintf(out[nout], sizeof(out[0]), "%.*s", (int)r->len,
		    r->body);
	return ++nout;
}

static unsigned
count_out(const char *needle)
{
	unsigned i, k = 0;

	for (i = 0; i < nout; i++)
		k += strstr(out[i], needle) != NULL;
	return k;
}

static void *
corr_start(void)
{
	struct corr_env env = { &s, "0123456789abcdef", collect, NULL };
	char err[256];
	void *c;

	nout = 0;
	c = rmm_correlator.start(&env, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	return c;
}

/* A match record: client 10.1.0.C, server S, tool and tenant. */
static void
feed_match(void *c, uint8_t client, uint8_t server, int dns,
    const char *tool, const char *tenant, uint64_t ts_s)
{
	uint64_t buf[(sizeof(struct out_rec) + sizeof(struct rmm_match)) / 8 +
	    1];
	struct out_rec *r = (struct out_rec *)(void *)buf;
	struct rmm_match m;

	memset(buf, 0, sizeof(buf));
	memset(&m, 0, sizeof(m));
	r->obs = RMM_OBS_MATCH;
	r->len = sizeof(m);
	r->ts_us = 1700000000000000ULL + ts_s * 1000000;
	r->has_ep = 1;
	r->ep.family = 4;
	r->ep.proto = dns ? 17 : 6;
	r->ep.sport = 40000;
	r->ep.dport = dns ? 53 : 443;
	memcpy(r->ep.client, (uint8_t[]){ 10, 1, 0, client }, 4);
	memcpy(r->ep.server, (uint8_t[]){ 10, 1, 0, server }, 4);
	m.is_dns = (uint8_t)dns;
	m.commercial = 1;
	m.confidence = 70;
	m.nev = 1;
	m.ev[0].source = dns ? RMM_SRC_DNS : RMM_SRC_TLS_SNI;
	snprintf(m.ev[0].value, sizeof(m.ev[0].value), "%s",
	    tenant[0] ? tenant : "x.example");
	snprintf(m.tool_id, sizeof(m.tool_id), "%s", tool);
	snprintf(m.tool, sizeof(m.tool), "%s", tool);
	snprintf(m.mitre, sizeof(m.mitre), "T1219");
	snprintf(m.tenant, sizeof(m.tenant), "%s", tenant);
	memcpy(r->body, &m, sizeof(m));
	CU_ASSERT_EQUAL(rmm_correlator.record(c, r), 0);	/* folded */
}

static void
test_correlator_worker_records(void)
{
	void *c;
	unsigned i;

	setup("");
	c = corr_start();
	for (i = 0; i < nrecs; i++)
		CU_ASSERT_EQUAL(rmm_correlator.record(c, recs[i]), 0);
	rmm_correlator.finish(c);
	CU_ASSERT_EQUAL(nout, 2);
	CU_ASSERT_EQUAL(count_out("\"tool_id\":\"anydesk\""), 1);
	CU_ASSERT_EQUAL(count_out("\"tool_id\":\"teamviewer\""), 1);
	CU_ASSERT_EQUAL(count_out("\"detected_by\":\"port\""), 1);
	CU_ASSERT_EQUAL(count_out("\"followup\""), 0);
	rmm_correlator.stop(c);
	for (i = 0; i < nrecs; i++)
		free(recs[i]);
	sigdb_free((struct sigdb *)s.sigs);
}

static uint64_t evicted;

static void
counter(void *arg, const char *name, uint64_t v)
{
	(void)arg;
	if (strcmp(name, "rmm_evicted") == 0)
		evicted = v;
}

static void
test_correlator_policy(void)
{
	void *c;
	unsigned i;
	char tenant[64];

	setup("screenconnect:acme.screenconnect.com, teamviewer");
	c = corr_start();
	/* the sanctioned tenant, the whole of a tool: nothing */
	feed_match(c, 1, 200, 0, "screenconnect", "acme.screenconnect.com", 1);
	feed_match(c, 1, 200, 0, "teamviewer", "", 1);
	CU_ASSERT_EQUAL(nout, 0);
	/* another tenant of the sanctioned tool, then a repeat */
	feed_match(c, 1, 201, 0, "screenconnect", "evil.screenconnect.com", 2);
	feed_match(c, 1, 202, 0, "screenconnect", "evil.screenconnect.com", 3);
	CU_ASSERT_EQUAL(nout, 1);
	CU_ASSERT_EQUAL(count_out("\"sanctioned_tool\":true"), 1);
	CU_ASSERT_EQUAL(count_out("\"tenant\":\"evil.screenconnect.com\""), 1);
	/* a lookup through the resolver .53, then the resolver forwarding it */
	feed_match(c, 1, 53, 1, "anydesk", "", 4);
	feed_match(c, 53, 99, 1, "anydesk", "", 4);
	CU_ASSERT_EQUAL(count_out("\"tool_id\":\"anydesk\""), 1);
	CU_ASSERT_EQUAL(count_out("\"src_ip\":\"10.1.0.53\""), 0);
	/* packet time passes the evil window: its follow-up comes first */
	feed_match(c, 2, 201, 0, "level", "", 2 + 3601);
	CU_ASSERT_EQUAL(count_out("\"followup\""), 1);
	CU_ASSERT(strstr(out[nout - 2], "\"flows\":2") != NULL);
	CU_ASSERT(strstr(out[nout - 2], "\"of\":\"0123456789abcdef-1\"") !=
	    NULL);
	/* a full table (16) closes its least recently used window */
	for (i = 0; i < 16; i++) {
		snprintf(tenant, sizeof(tenant), "t%u.kaseya.net", i);
		feed_match(c, 3, 201, 0, "kaseya", tenant, 3700);
	}
	rmm_correlator.finish(c);
	CU_ASSERT_EQUAL(count_out("\"kaseya\""), 16);
	evicted = 0;
	rmm_correlator.counters(c, counter, NULL);
	CU_ASSERT(evicted >= 1);
	rmm_correlator.stop(c);
	sigdb_free((struct sigdb *)s.sigs);
}

UNIT_MAIN("rmm",
    { "worker: DNS facts, port structure, scans and look-alikes",
      test_worker },
    { "correlator: one finding per client, tool, tenant",
      test_correlator_worker_records },
    { "correlator: sanctioned tenants, resolvers, windows, a full table",
      test_correlator_policy })
