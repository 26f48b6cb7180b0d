/*
 * test_handoff.c - the hand-off chain (detectors/handoff.c, included so
 * the test reaches its table) fed with finding records made here.
 *
 * Checked: a login an internal host received, then its RMM tool 20 s
 * later, is one critical handoff with two steps in order (ids, kinds,
 * roles, seconds between); a tunnel 30 s on is a third step, in one
 * follow-up when the chain closes; the same kind twice is one step; a
 * second kind past handoff_window starts over; external hosts, sanctioned
 * tools (OUT_F_ALLOWED), follow-ups (OUT_F_FOLLOWUP) and records without
 * endpoints are no steps; a beacon and a remote-access tool count for the
 * client only (the server may be a resolver); a full table closes its
 * least recently active host; internal_networks replaces the private
 * ranges.
 */
#include <stdlib.h>
#include <string.h>

#include "../detectors/handoff.c"

#include "detector.h"
#include "unit.h"

const struct detector *const detector_registry[] = { NULL };
const struct correlator *const correlator_registry[] = { NULL };

static struct sensor s;

#define MAX_OUT	64
static char out[MAX_OUT][FINDING_JSON_MAX];
static unsigned nout;

static uint64_t
collect(void *arg, const struct out_rec *r)
{
	(void)arg;
	if (nout < MAX_OUT)
		snprintf(out[nout], sizeof(out[0]), "%.*s", (int)r->len,
		    r->kind == FK_HANDOFF ? r->body : "");
	return ++nout;
}

static struct handoff *
start(const char *internal, unsigned max_hosts)
{
	struct corr_env env = { &s, "0123456789abcdef", collect, NULL };
	char err[256];
	struct handoff *c;

	memset(&s, 0, sizeof(s));
	config_defaults(&s.cfg);
	snprintf(s.cfg.internal_networks, sizeof(s.cfg.internal_networks),
	    "%s", internal);
	s.cfg.handoff_max_hosts = max_hosts;
	nout = 0;
	c = ho_start(&env, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	return c;
}

/* A finding of kind k from client to server (last octets) at t seconds. */
static void
rec(struct handoff *c, uint8_t kind, const uint8_t *client,
    const uint8_t *server, double t, unsigned flags)
{
	struct out_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.severity = SEV_MEDIUM;
	r.ts_us = 1700000000000000ULL + (uint64_t)(t * 1e6);
	r.flags = (uint8_t)flags;
	r.has_ep = client != NULL;
	r.ep.family = 4;
	r.ep.proto = 6;
	r.ep.sport = 40000;
	r.ep.dport = 443;
	if (client != NULL) {
		memcpy(r.ep.client, client, 4);
		memcpy(r.ep.server, server, 4);
	}
	r.len = 0;
	ho_record(c, &r);
}

static const uint8_t H[] = { 10, 1, 0, 50 }, H2[] = { 10, 1, 0, 51 },
    RES[] = { 10, 1, 0, 53 }, EXT[] = { 203, 0, 113, 66 },
    EXT2[] = { 198, 51, 100, 9 };

static unsigned
handoffs(const char *needle)
{
	unsigned i, k = 0;

	for (i = 0; i < nout; i++)
		k += strstr(out[i], "\"kind\":\"handoff\"") != NULL &&
		    (needle == NULL || strstr(out[i], needle) != NULL);
	return k;
}

static void
test_chain(void)
{
	struct handoff *c = start("", 64);

	rec(c, FK_CLEARTEXT_CREDENTIAL, EXT, H, 0, 0);	/* received */
	CU_ASSERT_EQUAL(handoffs(NULL), 0);
	rec(c, FK_REMOTE_ACCESS, H, EXT2, 20, 0);
	CU_ASSERT_EQUAL(handoffs(NULL), 1);
	CU_ASSERT_EQUAL(handoffs("\"severity\":\"critical\""), 1);
	CU_ASSERT_EQUAL(handoffs("\"steps\":[{\"finding_id\":"
	    "\"0123456789abcdef-1\",\"kind\":\"cleartext_credential\","
	    "\"role\":\"server\""), 1);
	CU_ASSERT_EQUAL(handoffs("\"kind\":\"remote_access\",\"role\":"
	    "\"client\""), 1);
	CU_ASSERT_EQUAL(handoffs("\"seconds_after_previous\":20"), 1);
	/* the same kind again: no new step, no new finding */
	rec(c, FK_REMOTE_ACCESS, H, EXT2, 25, 0);
	rec(c, FK_TUNNEL, H, EXT2, 50, 0);
	CU_ASSERT_EQUAL(handoffs(NULL), 1);
	ho_finish(c);
	CU_ASSERT_EQUAL(handoffs("\"followup\""), 1);
	CU_ASSERT_EQUAL(handoffs("\"count\":3"), 1);
	CU_ASSERT_EQUAL(c->st.chains, 1);
	ho_stop(c);
}

static void
test_not_steps(void)
{
	struct handoff *c = start("", 64);

	/* a second kind after the window, repeats in between: a new chain */
	rec(c, FK_CLEARTEXT_CREDENTIAL, EXT, H, 0, 0);
	rec(c, FK_CLEARTEXT_CREDENTIAL, EXT, H, 200, 0);
	rec(c, FK_TUNNEL, H, EXT2, 301, 0);
	/* external hosts only */
	rec(c, FK_CLEARTEXT_CREDENTIAL, EXT2, EXT, 302, 0);
	rec(c, FK_TUNNEL, EXT2, EXT, 303, 0);
	/* sanctioned tools, follow-ups, no endpoints */
	rec(c, FK_REMOTE_ACCESS, H2, EXT2, 304, OUT_F_ALLOWED);
	rec(c, FK_BEACON, H2, EXT2, 305, OUT_F_FOLLOWUP);
	rec(c, FK_TUNNEL, NULL, NULL, 306, 0);
	rec(c, FK_CLEARTEXT_CREDENTIAL, H2, EXT2, 307, 0);
	/* a tool's and a beacon's server side is no step: the resolver */
	rec(c, FK_REMOTE_ACCESS, H2, RES, 308, 0);	/* H2: 2nd kind */
	rec(c, FK_CLEARTEXT_CREDENTIAL, RES, EXT2, 309, 0);
	rec(c, FK_BEACON, H, RES, 310, 0);
	ho_finish(c);
	CU_ASSERT_EQUAL(handoffs(NULL), 2);	/* H2, and H (tunnel+beacon) */
	CU_ASSERT_EQUAL(handoffs("\"host\":\"10.1.0.53\""), 0);
	CU_ASSERT_EQUAL(handoffs("\"host\":\"10.1.0.51\""), 1);
	ho_stop(c);
}

static void
test_bounds(void)
{
	struct handoff *c = start("198.51.100.0/24", 16);
	uint8_t a[4] = { 10, 1, 0, 0 };
	unsigned i;

	/* only the configured network is internal now */
	rec(c, FK_CLEARTEXT_CREDENTIAL, EXT, H, 0, 0);
	rec(c, FK_TUNNEL, H, EXT, 1, 0);
	CU_ASSERT_EQUAL(handoffs(NULL), 0);
	for (i = 0; i < 40; i++) {
		a[0] = 198, a[1] = 51, a[2] = 100, a[3] = (uint8_t)i;
		rec(c, FK_BEACON, a, EXT, 2 + i, 0);
	}
	CU_ASSERT_EQUAL(c->st.hosts, 16);
	CU_ASSERT_EQUAL(c->st.evicted, 24);
	ho_finish(c);
	CU_ASSERT_EQUAL(c->st.hosts, 0);
	printf("\n  memory per host: %zu bytes\n", sizeof(struct ho_host));
	ho_stop(c);
}

UNIT_MAIN("handoff",
    { "a chain of three kinds: one finding, one follow-up", test_chain },
    { "windows, external hosts, flags, roles", test_not_steps },
    { "internal_networks, a full table", test_bounds })
