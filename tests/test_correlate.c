/*
 * test_correlate.c - the publisher's correlator (sensor/correlate.c) fed
 * hand-made records: de-duplication windows, counts and follow-ups; secret
 * reuse across accounts; brute force and spraying thresholds; LRU eviction;
 * deterministic output.  Times are packet times in seconds from T0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cred_correlate.h"
#include "output.h"
#include "sensor.h"
#include "unit.h"

#define T0		1700000000ULL
#define MAX_OUT		128

static struct sensor sensor;

struct collected {
	unsigned	n;
	uint8_t		kind[MAX_OUT];
	uint64_t	ts_us[MAX_OUT];
	char		body[MAX_OUT][FINDING_JSON_MAX];
};

static struct collected got;

static uint64_t
collect(void *arg, const struct out_rec *r)
{
	struct collected *c = arg;

	if (c->n >= MAX_OUT)
		return 0;
	c->kind[c->n] = r->kind;
	c->ts_us[c->n] = r->ts_us;
	memcpy(c->body[c->n], r->body, r->len);
	c->body[c->n][r->len] = '\0';
	return ++c->n;
}

static struct correlate *
new_corr(unsigned dedup, unsigned bf_window, unsigned threshold,
    unsigned max_entries, struct collected *out)
{
	struct correlate_opts o = { dedup, bf_window, threshold, max_entries };
	struct correlate *c;
	char err[128];

	memset(out, 0, sizeof(*out));
	strcpy(sensor.cfg.sensor_name, "t");
	c = correlate_new(&sensor, &o, "00112233aabbccdd", collect, out, err,
	    sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	return c;
}

/* A record: a body naming it, and a credential header when user != NULL. */
struct rec_buf {
	struct out_rec	r;
	char		body[256];
};

struct login {
	uint8_t		 client;	/* 192.0.2.<client> */
	uint8_t		 server;	/* 198.51.100.<server> */
	uint16_t	 port;
	const char	*protocol;
	const char	*user;
	uint8_t		 secret;	/* 0: no secret; else HMAC filled with it */
	enum cred_outcome outcome;
};

static void
make_rec(struct rec_buf *b, const char *tag, const struct login *l,
    double t)
{
	struct out_cred *oc = &b->r.cred;

	memset(b, 0, sizeof(*b));
	b->r.kind = FK_CLEARTEXT_CREDENTIAL;
	b->r.severity = SEV_HIGH;
	b->r.ts_us = T0 * 1000000ULL + (uint64_t)(t * 1e6);
	b->r.len = (uint16_t)snprintf(b->r.body, sizeof(b->body),
	    "\"tag\":\"%s\"}", tag);
	if (l == NULL)
		return;
	b->r.has_cred = 1;
	oc->family = 4;
	oc->ipproto = 6;
	oc->sport = 40000;
	oc->dport = l->port;
	oc->client[0] = 192, oc->client[1] = 0, oc->client[2] = 2;
	oc->client[3] = l->client;
	oc->server[0] = 198, oc->server[1] = 51, oc->server[2] = 100;
	oc->server[3] = l->server;
	oc->outcome = (uint8_t)l->outcome;
	oc->confidence = 90;
	oc->nmitre = 1;
	oc->mitre[0] = "T1040";
	snprintf(oc->protocol, sizeof(oc->protocol), "%s", l->protocol);
	snprintf(oc->mechanism, sizeof(oc->mechanism), "USER/PASS");
	oc->user_len = (uint8_t)strlen(l->user);
	memcpy(oc->user, l->user, oc->user_len);
	if (l->secret != 0) {
		oc->has_secret = 1;
		oc->secret_len = 8;
		memset(oc->secret_hmac, l->secret, sizeof(oc->secret_hmac));
	}
	out_cred_keys(oc, b->r.kind, (const uint8_t *)l->user, strlen(l->user));
}

static void
feed(struct correlate *c, const char *tag, const struct login *l, double t)
{
	struct rec_buf b;

	make_rec(&b, tag, l, t);
	correlate_record(c, &b.r);
}

static unsigned
count_kind(const struct collected *o, enum finding_kind k)
{
	unsigned i, n = 0;

	for (i = 0; i < o->n; i++)
		n += o->kind[i] == k;
	return n;
}

static int
has(const struct collected *o, unsigned i, const char *s)
{
	return i < o->n && strstr(o->body[i], s) != NULL;
}

static const struct login alice = { 10, 21, 21, "ftp", "alice", 0xa1,
    CRED_OUTCOME_SUCCESS };

/* ---- de-duplication ------------------------------------------------------ */

static void
test_dedup_counts_and_follows_up(void)
{
	struct correlate *c = new_corr(300, 300, 10, 1024, &got);
	const struct correlate_stats *st = correlate_stats(c);

	feed(c, "a1", &alice, 0);
	feed(c, "a2", &alice, 10);
	feed(c, "a3", &alice, 20);
	CU_ASSERT_EQUAL(got.n, 1);
	CU_ASSERT(has(&got, 0, "\"tag\":\"a1\""));
	CU_ASSERT_EQUAL(st->dedup_suppressed, 2);
	/* Still inside the window at exactly first_seen + 300 s. */
	feed(c, "other", NULL, 300);
	CU_ASSERT_EQUAL(got.n, 2);
	/* Packet time passes the window: the follow-up comes first. */
	feed(c, "later", NULL, 300.5);
	CU_ASSERT_EQUAL_FATAL(got.n, 4);
	CU_ASSERT_EQUAL(got.kind[2], FK_CLEARTEXT_CREDENTIAL);
	CU_ASSERT(has(&got, 2, "\"dedup\":{\"count\":3,"
	    "\"first_seen\":\"2023-11-14T22:13:20.000000Z\","
	    "\"last_seen\":\"2023-11-14T22:13:40.000000Z\","
	    "\"of\":\"00112233aabbccdd-1\"}"));
	CU_ASSERT(has(&got, 2, "\"user\":\"alice\""));
	CU_ASSERT(has(&got, 2, "\"outcome\":\"success\""));
	CU_ASSERT(has(&got, 2, "\"secret_length\":8"));
	CU_ASSERT(has(&got, 2, "\"secret_hmac\":\"a1a1a1a1"));
	CU_ASSERT(has(&got, 2, "\"src_ip\":\"192.0.2.10\""));
	CU_ASSERT(has(&got, 2, "\"dest_port\":21"));
	CU_ASSERT(has(&got, 2, "\"community_id\":\"1:"));
	CU_ASSERT_EQUAL(got.ts_us[2], (T0 + 20) * 1000000ULL);
	CU_ASSERT(has(&got, 3, "\"tag\":\"later\""));
	CU_ASSERT_EQUAL(st->dedup_followups, 1);
	/* The window closed: the next one is news again. */
	feed(c, "a4", &alice, 301);
	CU_ASSERT_EQUAL(got.n, 5);
	correlate_finish(c);
	CU_ASSERT_EQUAL(got.n, 5);	/* count 1: no follow-up */
	correlate_free(c);
}

static void
test_dedup_outcome_differs(void)
{
	struct correlate *c = new_corr(300, 300, 10, 1024, &got);
	struct login fail = alice;

	fail.outcome = CRED_OUTCOME_FAILURE;
	feed(c, "ok", &alice, 0);
	feed(c, "no", &fail, 1);
	CU_ASSERT_EQUAL(got.n, 2);
	CU_ASSERT_EQUAL(correlate_stats(c)->dedup_suppressed, 0);
	correlate_finish(c);
	CU_ASSERT_EQUAL(got.n, 2);
	correlate_free(c);
}

static void
test_dedup_other_fields_differ(void)
{
	struct correlate *c = new_corr(300, 300, 10, 1024, &got);
	struct login l[4];
	unsigned i;

	for (i = 0; i < 4; i++)
		l[i] = alice;
	l[0].client = 11;	/* client */
	l[1].port = 2121;	/* server port */
	l[2].user = "alicE";	/* user */
	l[3].secret = 0xa2;	/* secret */
	feed(c, "a", &alice, 0);
	for (i = 0; i < 4; i++)
		feed(c, "x", &l[i], 1 + i);
	CU_ASSERT_EQUAL(got.n, 5 + 1);	/* and one reuse: the secret 0xa1 */
	CU_ASSERT_EQUAL(correlate_stats(c)->dedup_suppressed, 0);
	correlate_free(c);
}

static void
test_dedup_closes_at_end_of_input(void)
{
	struct correlate *c = new_corr(300, 300, 10, 1024, &got);

	feed(c, "a1", &alice, 0);
	feed(c, "a2", &alice, 5);
	CU_ASSERT_EQUAL(got.n, 1);
	correlate_finish(c);
	CU_ASSERT_EQUAL_FATAL(got.n, 2);
	CU_ASSERT(has(&got, 1, "\"count\":2,"));
	correlate_finish(c);
	CU_ASSERT_EQUAL(got.n, 2);	/* once */
	correlate_free(c);
}

static void
test_dedup_off(void)
{
	struct correlate *c = new_corr(0, 300, 10, 1024, &got);

	feed(c, "a1", &alice, 0);
	feed(c, "a2", &alice, 1);
	feed(c, "a3", &alice, 2);
	correlate_finish(c);
	CU_ASSERT_EQUAL(got.n, 3);
	correlate_free(c);
}

/* ---- secret reuse -------------------------------------------------------- */

static void
test_reuse_across_users_and_protocols(void)
{
	struct correlate *c = new_corr(300, 300, 10, 1024, &got);
	const struct login bob = { 11, 22, 143, "imap", "bob", 0xa1,
	    CRED_OUTCOME_UNKNOWN };
	const struct login carol = { 12, 23, 23, "telnet", "carol", 0xa1,
	    CRED_OUTCOME_SUCCESS };

	feed(c, "alice", &alice, 0);
	CU_ASSERT_EQUAL(count_kind(&got, FK_CREDENTIAL_REUSE), 0);
	feed(c, "bob", &bob, 1);
	CU_ASSERT_EQUAL_FATAL(got.n, 3);
	CU_ASSERT_EQUAL(got.kind[2], FK_CREDENTIAL_REUSE);
	CU_ASSERT(has(&got, 2, "\"severity\":\"medium\""));
	CU_ASSERT(has(&got, 2, "\"mitre\":[\"T1078\",\"T1110.004\"]"));
	CU_ASSERT(has(&got, 2, "\"src_ip\":\"192.0.2.11\""));
	CU_ASSERT(has(&got, 2, "\"credential_reuse\":{\"secret_hmac\":"
	    "\"a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1\","
	    "\"accounts\":[{\"user\":\"alice\",\"protocol\":\"ftp\","
	    "\"server\":\"198.51.100.21\","
	    "\"first_seen\":\"2023-11-14T22:13:20.000000Z\"},"
	    "{\"user\":\"bob\",\"protocol\":\"imap\",\"server\":\"198.51.100.22\","
	    "\"first_seen\":\"2023-11-14T22:13:21.000000Z\"}],\"count\":2}"));
	/* A successful telnet login (management protocol): high. */
	feed(c, "carol", &carol, 2);
	CU_ASSERT_EQUAL_FATAL(got.n, 5);
	CU_ASSERT_EQUAL(got.kind[4], FK_CREDENTIAL_REUSE);
	CU_ASSERT(has(&got, 4, "\"severity\":\"high\""));
	CU_ASSERT(has(&got, 4, "\"count\":3}"));
	CU_ASSERT_EQUAL(correlate_stats(c)->reuse, 2);
	correlate_free(c);
}

static void
test_no_reuse_for_same_account(void)
{
	struct correlate *c = new_corr(0, 300, 10, 1024, &got);
	struct login again = alice, other_client = alice, refused = alice;
	const struct login nosecret = { 13, 21, 21, "ftp", "dave", 0,
	    CRED_OUTCOME_SUCCESS };

	other_client.client = 99;	/* same user, protocol, server */
	refused.user = "eve";		/* refused: not eve's secret */
	refused.outcome = CRED_OUTCOME_FAILURE;
	feed(c, "a", &alice, 0);
	feed(c, "b", &again, 1);
	feed(c, "c", &other_client, 2);
	feed(c, "d", &refused, 3);
	feed(c, "e", &nosecret, 4);
	CU_ASSERT_EQUAL(got.n, 5);
	CU_ASSERT_EQUAL(count_kind(&got, FK_CREDENTIAL_REUSE), 0);
	correlate_free(c);
}

/* ---- brute force and spraying ---------------------------------------------- */

static void
test_brute_force_threshold(void)
{
	struct correlate *c = new_corr(0, 300, 10, 1024, &got);
	struct login l = { 66, 21, 21, "ftp", "admin", 0, CRED_OUTCOME_FAILURE };
	unsigned i;

	for (i = 0; i < 9; i++) {
		l.secret = (uint8_t)(i + 1);
		feed(c, "f", &l, i);
	}
	CU_ASSERT_EQUAL(count_kind(&got, FK_CREDENTIAL_ATTACK), 0);
	l.secret = 10;
	feed(c, "f10", &l, 9);
	CU_ASSERT_EQUAL_FATAL(got.n, 11);
	CU_ASSERT_EQUAL(got.kind[10], FK_CREDENTIAL_ATTACK);
	CU_ASSERT(has(&got, 10, "\"credential_attack\":{\"type\":\"brute_force\","
	    "\"protocol\":\"ftp\",\"client\":\"192.0.2.66\","
	    "\"servers\":[\"198.51.100.21\"],\"user\":\"admin\",\"failures\":10,"
	    "\"distinct_users\":1,"
	    "\"first_seen\":\"2023-11-14T22:13:20.000000Z\","
	    "\"last_seen\":\"2023-11-14T22:13:29.000000Z\"}"));
	CU_ASSERT(has(&got, 10, "\"mitre\":[\"T1110.001\"]"));
	/* Not a flood: more failures in the window add nothing. */
	for (i = 10; i < 30; i++) {
		l.secret = (uint8_t)(i + 1);
		feed(c, "f", &l, i);
	}
	CU_ASSERT_EQUAL(count_kind(&got, FK_CREDENTIAL_ATTACK), 1);
	/* Successes do not count; a new window after 300 s counts anew. */
	l.outcome = CRED_OUTCOME_SUCCESS;
	feed(c, "ok", &l, 31);
	l.outcome = CRED_OUTCOME_FAILURE;
	for (i = 0; i < 10; i++) {
		l.secret = (uint8_t)(i + 100);
		feed(c, "g", &l, 301 + i);
	}
	CU_ASSERT_EQUAL(count_kind(&got, FK_CREDENTIAL_ATTACK), 2);
	CU_ASSERT_EQUAL(correlate_stats(c)->brute_force, 2);
	CU_ASSERT_EQUAL(correlate_stats(c)->spraying, 0);
	correlate_free(c);
}

static void
test_spraying_threshold(void)
{
	struct correlate *c = new_corr(300, 300, 10, 1024, &got);
	struct login l = { 77, 21, 21, "ftp", NULL, 0xee, CRED_OUTCOME_FAILURE };
	static const char *const users[] = { "u1", "u2", "u3", "u4", "u5",
	    "u6", "u7", "u8" };
	unsigned i;

	/* Repeats of one user do not make distinct users. */
	for (i = 0; i < 4; i++) {
		l.user = users[i];
		feed(c, users[i], &l, i);
		feed(c, users[i], &l, i + 0.5);
	}
	CU_ASSERT_EQUAL(count_kind(&got, FK_CREDENTIAL_ATTACK), 0);
	l.server = 22;
	l.user = users[4];
	feed(c, users[4], &l, 5);
	CU_ASSERT_EQUAL_FATAL(count_kind(&got, FK_CREDENTIAL_ATTACK), 1);
	CU_ASSERT(has(&got, got.n - 1, "\"type\":\"password_spraying\""));
	CU_ASSERT(has(&got, got.n - 1, "\"servers\":[\"198.51.100.21\","
	    "\"198.51.100.22\"]"));
	CU_ASSERT(has(&got, got.n - 1, "\"failures\":9,\"distinct_users\":5"));
	CU_ASSERT(!has(&got, got.n - 1, "\"user\":"));
	CU_ASSERT(has(&got, got.n - 1, "\"mitre\":[\"T1110.003\"]"));
	for (i = 5; i < 8; i++) {
		l.user = users[i];
		feed(c, users[i], &l, 6 + i);
	}
	CU_ASSERT_EQUAL(count_kind(&got, FK_CREDENTIAL_ATTACK), 1);
	/* Refused secrets shared by eight users are not reuse. */
	CU_ASSERT_EQUAL(count_kind(&got, FK_CREDENTIAL_REUSE), 0);
	/* Another client is another story. */
	l.client = 78;
	for (i = 0; i < 4; i++) {
		l.user = users[i];
		feed(c, users[i], &l, 20 + i);
	}
	CU_ASSERT_EQUAL(count_kind(&got, FK_CREDENTIAL_ATTACK), 1);
	correlate_free(c);
}

/* ---- memory bound ------------------------------------------------------------ */

static void
test_table_full_evicts(void)
{
	struct correlate *c = new_corr(300, 300, 10, 16, &got);
	const struct correlate_stats *st = correlate_stats(c);
	struct login l = { 1, 21, 21, "ftp", NULL, 0, CRED_OUTCOME_SUCCESS };
	char user[16];
	unsigned i;

	/* The first entry is repeated: its eviction publishes its count. */
	snprintf(user, sizeof(user), "user0");
	l.user = user;
	feed(c, "r0", &l, 0);
	feed(c, "r0", &l, 0.1);
	CU_ASSERT_EQUAL(got.n, 1);
	for (i = 1; i < 20; i++) {
		snprintf(user, sizeof(user), "user%u", i);
		feed(c, "r", &l, 1 + i);
	}
	CU_ASSERT_EQUAL(st->entries, 16);
	CU_ASSERT_EQUAL(st->peak_entries, 16);
	CU_ASSERT_EQUAL(st->evicted, 4);
	CU_ASSERT_EQUAL(st->dedup_followups, 1);
	CU_ASSERT_EQUAL(count_kind(&got, FK_CLEARTEXT_CREDENTIAL), 20 + 1);
	/* Published after the record whose entry evicted it. */
	CU_ASSERT(has(&got, 17, "\"user\":\"user0\""));
	CU_ASSERT(has(&got, 17, "\"count\":2,"));
	/* user0 was evicted: seen again, it is news. */
	snprintf(user, sizeof(user), "user0");
	feed(c, "r0", &l, 30);
	CU_ASSERT(has(&got, got.n - 1, "\"tag\":\"r0\""));
	CU_ASSERT_EQUAL(st->entries, 16);
	correlate_free(c);
}

/* ---- determinism ---------------------------------------------------------- */

static struct collected run2;

static void
scenario(struct correlate *c)
{
	struct login l = alice, m = alice;
	unsigned i;

	m.user = "mallory";
	m.client = 5;
	feed(c, "a", &l, 0);
	feed(c, "m", &m, 0.5);
	feed(c, "a", &l, 1);
	feed(c, "m", &m, 2);
	l.outcome = CRED_OUTCOME_FAILURE;
	for (i = 0; i < 12; i++) {
		l.secret = (uint8_t)i;
		feed(c, "f", &l, 3 + i);
	}
	feed(c, "tick", NULL, 400);
	correlate_finish(c);
}

static void
test_deterministic(void)
{
	struct correlate *c1 = new_corr(300, 300, 10, 1024, &got);
	struct correlate *c2 = new_corr(300, 300, 10, 1024, &run2);
	unsigned i;

	scenario(c1);
	scenario(c2);
	CU_ASSERT_EQUAL_FATAL(got.n, run2.n);
	for (i = 0; i < got.n; i++) {
		CU_ASSERT_EQUAL(got.kind[i], run2.kind[i]);
		CU_ASSERT_STRING_EQUAL(got.body[i], run2.body[i]);
	}
	/* Follow-ups in the order their windows opened: alice, mallory. */
	for (i = 0; i < got.n && !has(&got, i, "\"dedup\""); i++)
		;
	CU_ASSERT(has(&got, i, "\"user\":\"alice\""));
	CU_ASSERT(has(&got, i + 1, "\"user\":\"mallory\""));
	CU_ASSERT(has(&got, i + 2, "\"tag\":\"tick\""));
	correlate_free(c1);
	correlate_free(c2);
}

UNIT_MAIN("correlate",
    { "dedup counts repeats and follows up when the window closes",
      test_dedup_counts_and_follows_up },
    { "dedup: a different outcome is not a duplicate",
      test_dedup_outcome_differs },
    { "dedup: client, port, user or secret differ",
      test_dedup_other_fields_differ },
    { "dedup closes its windows at the end of input",
      test_dedup_closes_at_end_of_input },
    { "dedup_window 0 turns it off", test_dedup_off },
    { "reuse across users and protocols, severity",
      test_reuse_across_users_and_protocols },
    { "no reuse for the same account, refusals or no secret",
      test_no_reuse_for_same_account },
    { "brute force threshold, one per window", test_brute_force_threshold },
    { "spraying threshold, distinct users", test_spraying_threshold },
    { "table full: LRU eviction counted, follow-up kept",
      test_table_full_evicts },
    { "same input, same output", test_deterministic })
