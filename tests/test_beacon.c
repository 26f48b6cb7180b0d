/*
 * test_beacon.c - beacon detection: the worker half (detectors/beacon.c)
 * in a real worker, and the scoring half (detectors/beacon_corr.c,
 * included here so the test reaches its series and score) fed with
 * observations made here on timetables.
 *
 * Worker: a DNS query (FACT_DNS from a stand-in dissector) is one
 * observation with its registered domain from the Public Suffix List
 * (example.co.uk, x.duckdns.org); an allow-listed name (an OCSP host) is
 * none; a session's client bursts after a silence are heartbeat
 * observations from the second burst on (carrying the first's time); a
 * bulk flow stops being followed.
 * Scoring: an exact period and sleeps of 0.7-1.3 periods are reported at
 * the tenth event; Poisson arrivals and bursts are not; requests 0.5 s
 * apart are one event; a server series whose connections all had one name
 * is left to the name series; a resolver's queries are not a series; a
 * follow-up closes a reported series at the end; a full table drops its
 * least recently active series.  Prints the memory a series takes.
 */
#include <stdlib.h>
#include <string.h>

#include "../detectors/beacon_corr.c"

#include "detector.h"
#include "dissector.h"
#include "ring.h"
#include "sigdb.h"
#include "unit.h"
#include "worker_harness.h"

extern const struct detector beacon_detector;

const struct detector *const detector_registry[] = { &beacon_detector, NULL };
const struct correlator *const correlator_registry[] = { NULL };

static const struct dissector *const test_dissectors[] = {
	&harness_dns_dissector, NULL
};

static struct sensor s;

static void
setup(void)
{
	const char *top = getenv("top_srcdir");
	char err[512];

	memset(&s, 0, sizeof(s));
	config_defaults(&s.cfg);
	snprintf(s.cfg.signatures_dir, sizeof(s.cfg.signatures_dir),
	    "%s/signatures", top ? top : ".");
	s.cfg.beacon_max_series = 16;
	s.sigs = sigdb_load(&s.cfg, NULL, err, sizeof(err));
	if (s.sigs == NULL)
		fprintf(stderr, "sigdb_load: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s.sigs);
	s.dissectors = test_dissectors;
	s.dopts.max_depth = 8;
}

/* ---- the worker ------------------------------------------------------------ */

#define CLI	0x0a010001u
#define RES	0x0a010035u
#define SRV	0xc6336409u

static struct harness h;

static void
udp(uint16_t sp, const char *pl, uint64_t step)
{
	uint8_t b[512];

	harness_push(&h, IN_PKT, b, harness_ip4(b, 17, CLI, RES, sp, 53, 0, 0,
	    0, pl, strlen(pl)), step);
}

static void
tcp(int c2s, uint16_t cport, uint8_t flags, uint32_t sq, uint32_t ak,
    size_t n, uint64_t step)
{
	uint8_t b[2048], pl[1400];

	memset(pl, 'x', sizeof(pl));
	harness_push(&h, IN_PKT, b, harness_ip4(b, 6, c2s ? CLI : SRV,
	    c2s ? SRV : CLI, c2s ? cport : 8443, c2s ? 8443 : cport, flags,
	    sq, ak, pl, n), step);
}

static void
test_worker(void)
{
	const struct out_rec *r;
	struct beacon_obs o;
	char name[256];
	unsigned dns = 0, beats = 0, i;
	uint32_t n, cs = 101, ss = 501;

	setup();
	CU_ASSERT_EQUAL_FATAL(harness_init(&h, &s, 1700000000000000ULL), 0);
	udp(50001, "Q a.b.example.co.uk", 1000);
	udp(50002, "Q x.duckdns.org", 1000);
	udp(50003, "Q www.example.com", 1000);
	udp(50004, "Q ocsp.example-ca.net", 1000);
	/* a session: handshake, then 3 bursts 2 s apart (heartbeats) */
	tcp(1, 40000, 0x02, 100, 0, 0, 1000);
	tcp(0, 40000, 0x12, 500, 101, 0, 1000);
	tcp(1, 40000, 0x10, 101, 501, 0, 1000);
	for (i = 0; i < 3; i++) {
		tcp(1, 40000, 0x18, cs, ss, 60, i == 0 ? 1000 : 2000000);
		cs += 60;
		tcp(0, 40000, 0x18, ss, cs, 20, 1000);
		ss += 20;
	}
	/* a bulk flow: 200 back-to-back payload packets, then a pause */
	tcp(1, 40001, 0x02, 100, 0, 0, 1000);
	tcp(0, 40001, 0x12, 500, 101, 0, 1000);
	cs = 101;
	for (i = 0; i < 200; i++) {
		tcp(1, 40001, 0x18, cs, 501, 1000, 100);
		cs += 1000;
	}
	tcp(0, 40001, 0x10, 501, cs, 0, 100);
	tcp(1, 40001, 0x18, cs, 501, 10, 5000000);
	harness_push(&h, IN_END, NULL, 0, 1000);
	CU_ASSERT_EQUAL_FATAL(harness_run(&h), 0);
	while ((r = ring_peek(h.w.out, &n)) != NULL) {
		memcpy(&o, r->body, sizeof(o));
		if (r->obs == BEACON_OBS_DNS) {
			snprintf(name, sizeof(name), "%.*s",
			    o.name_len - o.regdom_off,
			    r->body + sizeof(o) + o.regdom_off);
			if (dns == 0)
				CU_ASSERT_STRING_EQUAL(name, "example.co.uk");
			if (dns == 1)
				CU_ASSERT_STRING_EQUAL(name, "x.duckdns.org");
			if (dns == 2)
				CU_ASSERT_STRING_EQUAL(name, "example.com");
			dns++;
		} else if (r->obs == BEACON_OBS_BEAT) {
			/* the first carries the burst before it */
			CU_ASSERT_EQUAL(o.bytes_up, 60);
			CU_ASSERT((beats == 0) == (o.prev_us != 0));
			beats++;
		}
		ring_release(h.w.out);
	}
	CU_ASSERT_EQUAL(dns, 3);		/* not the OCSP host */
	CU_ASSERT_EQUAL(beats, 2);		/* nothing from the bulk flow */
	worker_fini(&h.w);
	sigdb_free((struct sigdb *)s.sigs);
}

/* ---- scoring ------------------------------------------------------------- */

#define MAX_OUT	64
static char out[MAX_OUT][FINDING_JSON_MAX];
static unsigned nout;

static uint64_t
collect(void *arg, const struct out_rec *r)
{
	(void)arg;
	if (nout < MAX_OUT)
		snprintf(out[nout], sizeof(out[0]), "%.*s", (int)r->len,
		    r->body);
	return ++nout;
}

static struct beacon_corr *
start(void)
{
	struct corr_env env = { &s, "0123456789abcdef", collect, NULL };
	char err[256];
	struct beacon_corr *c;

	nout = 0;
	c = bc_start(&env, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	return c;
}

static const uint64_t T0 = 1700000000000000ULL;

/* One observation: client 10.1.0.C, server 198.51.100.S, at t seconds. */
static void
obs(struct beacon_corr *c, uint16_t type, uint8_t client, uint8_t server,
    double t, const char *name, size_t regdom_off, uint64_t bytes)
{
	uint64_t buf[(sizeof(struct out_rec) + sizeof(struct beacon_obs) +
	    BEACON_NAME_MAX) / 8 + 1];
	struct out_rec *r = (struct out_rec *)(void *)buf;
	struct beacon_obs o;
	size_t nl = name != NULL ? strlen(name) : 0;

	memset(buf, 0, sizeof(buf));
	memset(&o, 0, sizeof(o));
	o.ts_us = T0 + (uint64_t)(t * 1e6);
	o.bytes_up = bytes;
	o.name_len = (uint16_t)nl;
	o.regdom_off = (uint16_t)regdom_off;
	o.flow = client;
	r->obs = type;
	r->len = (uint16_t)(sizeof(o) + nl);
	r->ts_us = o.ts_us + 500000;
	r->has_ep = 1;
	r->ep.family = 4;
	r->ep.proto = type == BEACON_OBS_DNS ? 17 : 6;
	r->ep.sport = 40000;
	r->ep.dport = type == BEACON_OBS_DNS ? 53 : 443;
	memcpy(r->ep.client, (uint8_t[]){ 10, 1, 0, client }, 4);
	if (type == BEACON_OBS_DNS)	/* resolvers: 10.1.0.S */
		memcpy(r->ep.server, (uint8_t[]){ 10, 1, 0, server }, 4);
	else
		memcpy(r->ep.server, (uint8_t[]){ 198, 51, 100, server }, 4);
	memcpy(r->body, &o, sizeof(o));
	if (nl > 0)
		memcpy(r->body + sizeof(o), name, nl);
	CU_ASSERT_EQUAL(bc_record(c, r), 0);
}

static unsigned
count_out(const char *needle)
{
	unsigned i, k = 0;

	for (i = 0; i < nout; i++)
		k += strstr(out[i], needle) != NULL;
	return k;
}

static void
test_scoring(void)
{
	struct beacon_corr *c;
	unsigned i, reported_at = 0;
	double t;

	setup();
	srand(7);
	c = start();
	/* client 1: exactly every 60 s to one server, no name */
	for (i = 0; i < 12; i++) {
		obs(c, BEACON_OBS_CONN, 1, 1, 60.0 * i, NULL, 0, 300);
		if (nout == 1 && reported_at == 0)
			reported_at = i + 1;
	}
	CU_ASSERT_EQUAL(reported_at, 10);
	CU_ASSERT_EQUAL(count_out("\"series\":\"server\""), 1);
	CU_ASSERT_EQUAL(count_out("\"interval_ms\":60000"), 1);
	/* client 2: sleeps of 0.7-1.3 periods, name served by 3 addresses */
	for (i = 0, t = 0; i < 30; i++, t += 45 * (0.7 + 0.6 * rand() /
	    (double)RAND_MAX))
		obs(c, BEACON_OBS_CONN, 2, (uint8_t)(10 + i % 3), t,
		    "cdn.c2.example", 4, 900);
	CU_ASSERT_EQUAL(count_out("\"name\":\"cdn.c2.example\""), 1);
	CU_ASSERT_EQUAL(count_out("\"series\":\"name\""), 1);
	/* client 3: one name on one server: the name series only */
	for (i = 0; i < 12; i++)
		obs(c, BEACON_OBS_CONN, 3, 20, 30.0 * i, "poll.example", 5, 200);
	CU_ASSERT_EQUAL(count_out("poll.example"), 1);
	/* client 4: Poisson arrivals, mean 60 s */
	for (i = 0, t = 0; i < 30; i++) {
		t += -60 * log(1 - rand() / ((double)RAND_MAX + 1)) + 1;
		obs(c, BEACON_OBS_CONN, 4, 30, t, NULL, 0, 500);
	}
	/* client 5: requests 0.5 s apart, 12 of them: one burst */
	for (i = 0; i < 12; i++)
		obs(c, BEACON_OBS_CONN, 5, 31, 100 + 0.5 * i, NULL, 0, 100);
	CU_ASSERT_EQUAL(count_out("\"src_ip\":\"10.1.0.4\""), 0);
	CU_ASSERT_EQUAL(count_out("\"src_ip\":\"10.1.0.5\""), 0);
	/* client 6 asks the resolver .53 (as server 53): the resolver
	 * (10.1.0.53) forwarding every 30 s is not a beacon */
	obs(c, BEACON_OBS_DNS, 6, 53, 1, "q.example.org", 2, 13);
	for (i = 0; i < 12; i++)
		obs(c, BEACON_OBS_DNS, 53, 99, 30.0 * i, "x.example.org", 2, 13);
	CU_ASSERT_EQUAL(count_out("example.org"), 0);
	bc_finish(c);
	CU_ASSERT(count_out("\"followup\"") >= 2);
	printf("\n  memory per series: %zu bytes + the name (%u events)\n",
	    sizeof(struct bseries), BEACON_KEEP);
	bc_stop(c);
	sigdb_free((struct sigdb *)s.sigs);
}

static void
test_full_table(void)
{
	struct beacon_corr *c;
	unsigned i;

	setup();
	c = start();
	/* one event a pair: first-stage notes only, the oldest dropped */
	for (i = 0; i < 40; i++)
		obs(c, BEACON_OBS_CONN, (uint8_t)(100 + i), 1, i, NULL, 0, 1);
	CU_ASSERT_EQUAL(c->st.series, 0);
	CU_ASSERT_EQUAL(c->st.first, 16);
	CU_ASSERT_EQUAL(c->st.first_evicted, 24);
	/* a second event makes a series: 16 kept, 24 dropped */
	for (i = 0; i < 40; i++) {
		obs(c, BEACON_OBS_CONN, (uint8_t)(150 + i), 1, 100 + i, NULL,
		    0, 1);
		obs(c, BEACON_OBS_CONN, (uint8_t)(150 + i), 1, 200 + i, NULL,
		    0, 1);
	}
	CU_ASSERT_EQUAL(c->st.series, 16);
	CU_ASSERT_EQUAL(c->st.evicted, 24);
	bc_finish(c);
	CU_ASSERT_EQUAL(c->st.series, 0);
	bc_stop(c);
	sigdb_free((struct sigdb *)s.sigs);
}

UNIT_MAIN("beacon",
    { "worker: DNS registered domains, allow-list, heartbeat bursts",
      test_worker },
    { "scoring: periods, jitter, Poisson, bursts, twins, resolvers",
      test_scoring },
    { "a full table drops the least recently active series",
      test_full_table })
