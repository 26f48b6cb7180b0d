/*
 * test_redis.c - Redis AUTH: RESP and inline forms, ACL user, HELLO AUTH,
 * legacy AUTH as user "default", pipelined replies matched in order, every
 * AUTH of a connection with its own reply (one after another, pipelined,
 * byte by byte, more than the bound), unanswered AUTHs at flow end, a value
 * too big to buffer while an AUTH waits, giving up without AUTH,
 * truncation, malformed and look-alike data.
 */
#include <string.h>

#include "fake_dctx.h"
#include "unit.h"

extern const struct dissector redis_dissector;

static struct dctx ctx;
static uint8_t state[8192];

static void
setup(void)
{
	fake_dctx_reset(&ctx, 6379);
	CU_ASSERT_FATAL(redis_dissector.state_size <= sizeof(state));
	memset(state, 0, sizeof(state));
}

static void
feeds(int dir, const char *s, int bytewise)
{
	size_t i, n = strlen(s);

	if (!bytewise) {
		fake_feeds(&ctx, &redis_dissector, state, dir, s);
		return;
	}
	for (i = 0; i < n; i++)
		fake_feed(&ctx, &redis_dissector, state, dir, s + i, 1);
}

/* The legacy_auth extra: 1 true, 0 false, -1 absent. */
static int
legacy_extra(const struct fake_fact *f)
{
	unsigned i;

	for (i = 0; i < f->nextras; i++)
		if (strcmp(f->extra_keys[i], "legacy_auth") == 0)
			return f->extra_num[i] != 0;
	return -1;
}

static void
test_resp_auth_success(void)
{
	struct fake_fact *f;

	setup();
	/* RESP array: AUTH s3cr3t */
	feeds(DIR_TO_SERVER, "*2\r\n$4\r\nAUTH\r\n$6\r\ns3cr3t\r\n", 0);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	feeds(DIR_TO_CLIENT, "+OK\r\n", 0);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_STRING_EQUAL(f->proto, "redis");
	CU_ASSERT_STRING_EQUAL(f->mechanism, "AUTH");
	CU_ASSERT_EQUAL(f->cls, CRED_CLEARTEXT);
	CU_ASSERT_EQUAL(f->outcome, CRED_OUTCOME_SUCCESS);
	/* legacy "AUTH password" authenticates the user "default" */
	CU_ASSERT_STRING_EQUAL(f->user, "default");
	CU_ASSERT_EQUAL(legacy_extra(f), 1);
	CU_ASSERT_EQUAL(f->secret_len, 6);
	CU_ASSERT(memcmp(f->secret, "s3cr3t", 6) == 0);
	/* still watching: a later AUTH on the connection is another login */
	CU_ASSERT(!ctx.done);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_acl_auth_wrongpass_bytewise(void)
{
	setup();
	feeds(DIR_TO_SERVER,
	    "*3\r\n$4\r\nauth\r\n$5\r\nalice\r\n$8\r\npa$$\r\nw0\r\n", 1);
	feeds(DIR_TO_CLIENT, "-WRONGPASS invalid username-password pair or "
	    "user is disabled.\r\n", 1);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_FAILURE);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "alice");
	CU_ASSERT_EQUAL(legacy_extra(&ctx.facts[0]), -1);
	CU_ASSERT_EQUAL(ctx.facts[0].secret_len, 8);
	CU_ASSERT(memcmp(ctx.facts[0].secret, "pa$$\r\nw0", 8) == 0);
}

static void
test_inline_auth(void)
{
	setup();
	feeds(DIR_TO_SERVER, "AUTH  hunter2\r\n", 0);
	feeds(DIR_TO_CLIENT, "-ERR invalid password\r\n", 0);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_FAILURE);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "default");
	CU_ASSERT_EQUAL(legacy_extra(&ctx.facts[0]), 1);
	CU_ASSERT_EQUAL(ctx.facts[0].secret_len, 7);
}

static void
test_hello_auth(void)
{
	setup();
	feeds(DIR_TO_SERVER, "*5\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$4\r\nAUTH\r\n"
	    "$3\r\nbob\r\n$2\r\npw\r\n", 0);
	/* RESP3 map reply with a nested array */
	feeds(DIR_TO_CLIENT, "%2\r\n+server\r\n+redis\r\n+modules\r\n*0\r\n", 0);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].mechanism, "HELLO AUTH");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "bob");
	CU_ASSERT_EQUAL(legacy_extra(&ctx.facts[0]), -1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_SUCCESS);
}

static void
test_pipelined(void)
{
	setup();
	/* SET, AUTH, GET in one segment; replies in one segment */
	feeds(DIR_TO_SERVER, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
	    "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", 0);
	feeds(DIR_TO_CLIENT, "-NOAUTH Authentication required.\r\n+OK\r\n"
	    "$1\r\nv\r\n", 0);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_SUCCESS);
}

/* Checks facts from..from+n-1: legacy user, secret and outcome. */
static void
expect_auths(unsigned from, const char *const *secrets,
    const enum cred_outcome *outcomes, unsigned n)
{
	unsigned i;

	CU_ASSERT_FATAL(ctx.nfacts >= from + n);
	for (i = 0; i < n; i++) {
		const struct fake_fact *f = &ctx.facts[from + i];

		CU_ASSERT_STRING_EQUAL(f->mechanism, "AUTH");
		CU_ASSERT_STRING_EQUAL(f->user, "default");
		CU_ASSERT_EQUAL(legacy_extra(f), 1);
		CU_ASSERT_EQUAL(f->secret_len, strlen(secrets[i]));
		CU_ASSERT(memcmp(f->secret, secrets[i], f->secret_len) == 0);
		CU_ASSERT_EQUAL(f->outcome, outcomes[i]);
	}
}

/* A brute force on one connection: every AUTH is its own attempt. */
static void
test_auth_each_attempt(void)
{
	static const char *const pw[] = { "123456", "letmein", "s3cr3t" };
	static const enum cred_outcome oc[] = { CRED_OUTCOME_FAILURE,
	    CRED_OUTCOME_FAILURE, CRED_OUTCOME_SUCCESS };
	int bytewise;

	for (bytewise = 0; bytewise <= 1; bytewise++) {
		setup();
		feeds(DIR_TO_SERVER, "*2\r\n$4\r\nAUTH\r\n$6\r\n123456\r\n",
		    bytewise);
		feeds(DIR_TO_CLIENT, "-WRONGPASS invalid username-password "
		    "pair or user is disabled.\r\n", bytewise);
		feeds(DIR_TO_SERVER, "*1\r\n$4\r\nPING\r\n", bytewise);
		feeds(DIR_TO_CLIENT, "-NOAUTH Authentication required.\r\n",
		    bytewise);
		feeds(DIR_TO_SERVER, "AUTH letmein\r\n", bytewise);
		feeds(DIR_TO_CLIENT, "-ERR invalid password\r\n", bytewise);
		feeds(DIR_TO_SERVER, "*2\r\n$4\r\nAUTH\r\n$6\r\ns3cr3t\r\n",
		    bytewise);
		feeds(DIR_TO_CLIENT, "+OK\r\n", bytewise);
		CU_ASSERT_EQUAL(ctx.nfacts, 3);
		expect_auths(0, pw, oc, 3);
		fake_end(&ctx, &redis_dissector, state);
		CU_ASSERT_EQUAL(ctx.nfacts, 3);
		CU_ASSERT_EQUAL(ctx.nweirds, 0);
	}
}

/* Pipelined AUTHs (and a PING between) answered in one segment. */
static void
test_auth_pipelined_several(void)
{
	static const char *const pw[] = { "a1", "b22", "c333" };
	static const enum cred_outcome oc[] = { CRED_OUTCOME_FAILURE,
	    CRED_OUTCOME_FAILURE, CRED_OUTCOME_SUCCESS };

	setup();
	feeds(DIR_TO_SERVER, "AUTH a1\r\n*2\r\n$4\r\nAUTH\r\n$3\r\nb22\r\n"
	    "PING\r\nAUTH c333\r\n", 0);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	feeds(DIR_TO_CLIENT, "-WRONGPASS x\r\n-WRONGPASS y\r\n-NOAUTH z\r\n"
	    "+OK\r\n", 0);
	CU_ASSERT_EQUAL(ctx.nfacts, 3);
	expect_auths(0, pw, oc, 3);
	/* replies one at a time: each settles its own AUTH, no other */
	setup();
	feeds(DIR_TO_SERVER, "AUTH a1\r\nAUTH b22\r\nPING\r\nAUTH c333\r\n",
	    0);
	feeds(DIR_TO_CLIENT, "-WRONGPASS x\r\n", 0);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	feeds(DIR_TO_CLIENT, "-WRONGPASS y\r\n+PONG\r\n", 0);
	CU_ASSERT_EQUAL(ctx.nfacts, 2);
	feeds(DIR_TO_CLIENT, "+OK\r\n", 0);
	CU_ASSERT_EQUAL(ctx.nfacts, 3);
	expect_auths(0, pw, oc, 3);
	CU_ASSERT_EQUAL(ctx.facts[2].outcome, CRED_OUTCOME_SUCCESS);
}

/*
 * More AUTHs in flight than the bound (4): the oldest leave with outcome
 * unknown (counted), the rest get their replies.
 */
static void
test_auth_pipeline_bound(void)
{
	static const char *const pw[] = { "p1", "p2", "p3", "p4", "p5", "p6" };
	static const enum cred_outcome oc[] = { CRED_OUTCOME_UNKNOWN,
	    CRED_OUTCOME_UNKNOWN, CRED_OUTCOME_FAILURE, CRED_OUTCOME_FAILURE,
	    CRED_OUTCOME_FAILURE, CRED_OUTCOME_SUCCESS };

	setup();
	feeds(DIR_TO_SERVER, "AUTH p1\r\nAUTH p2\r\nAUTH p3\r\nAUTH p4\r\n"
	    "AUTH p5\r\nAUTH p6\r\n", 0);
	CU_ASSERT_EQUAL(ctx.nfacts, 2);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "redis_auth_backlog"), 2);
	feeds(DIR_TO_CLIENT, "-ERR invalid password\r\n"
	    "-ERR invalid password\r\n-ERR invalid password\r\n"
	    "-ERR invalid password\r\n-ERR invalid password\r\n+OK\r\n",
	    0);
	CU_ASSERT_EQUAL(ctx.nfacts, 6);
	expect_auths(0, pw, oc, 6);
}

/* AUTHs never answered are reported at flow end, in order, unknown. */
static void
test_auth_unanswered(void)
{
	static const char *const pw[] = { "first", "second" };
	static const enum cred_outcome oc[] = { CRED_OUTCOME_UNKNOWN,
	    CRED_OUTCOME_UNKNOWN };

	setup();
	feeds(DIR_TO_SERVER, "AUTH first\r\nAUTH second\r\n", 0);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	fake_end(&ctx, &redis_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 2);
	expect_auths(0, pw, oc, 2);
}

/*
 * A value too big to buffer while an AUTH waits for its reply.  The stream
 * keeps at most max_pending bytes; past that it drops them and resumes in
 * the middle of the value (worker.c dis_deliver), where value bytes can
 * read as commands.  So the dissector gives up the client direction
 * itself (consumes it unparsed) and only matches the reply.
 */
static void
test_big_value_with_auth_in_flight(void)
{
	static const char fake[] = "*2\r\n$4\r\nAUTH\r\n$6\r\nhunter\r\n";
	static const char hdr[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$9000\r\n";
	static char cmd[sizeof(hdr) - 1 + 9000 + 2];
	size_t off, n, left = 0, hl = sizeof(hdr) - 1;

	memcpy(cmd, hdr, hl);
	memset(cmd + hl, 'x', 9000);
	memcpy(cmd + sizeof(cmd) - 2, "\r\n", 2);
	/* value bytes that look like a command, where the stream would resync */
	memcpy(cmd + 5 * 1448, fake, sizeof(fake) - 1);
	setup();
	feeds(DIR_TO_SERVER, "AUTH pw1\r\n", 0);
	for (off = 0; off < sizeof(cmd); off += n) {
		n = sizeof(cmd) - off < 1448 ? sizeof(cmd) - off : 1448;
		left = fake_feed(&ctx, &redis_dissector, state, DIR_TO_SERVER,
		    cmd + off, n);
		if (off + n >= 4096)	/* past the limit: nothing kept */
			CU_ASSERT_EQUAL(left, 0);
	}
	CU_ASSERT_EQUAL(left, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "redis_big_value"), 1);
	CU_ASSERT(!ctx.done);			/* pw1 still waits */
	feeds(DIR_TO_SERVER, fake, 0);		/* not parsed any more */
	feeds(DIR_TO_CLIENT, "+OK\r\n+OK\r\n", 0);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].secret_len, 3);
	CU_ASSERT(memcmp(ctx.facts[0].secret, "pw1", 3) == 0);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT(ctx.done);
	fake_end(&ctx, &redis_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	/* a big reply before the AUTH's: its outcome cannot be known */
	setup();
	feeds(DIR_TO_SERVER, "GET k\r\nAUTH pw2\r\n", 0);
	fake_feed(&ctx, &redis_dissector, state, DIR_TO_CLIENT, cmd + hl - 7,
	    5000);				/* "$9000\r\n" and 4993 bytes */
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_UNKNOWN);
}

static void
test_gives_up_without_auth(void)
{
	int i;

	setup();
	for (i = 0; i < 16 && !ctx.done; i++)
		feeds(DIR_TO_SERVER, "*1\r\n$4\r\nPING\r\n", 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	/* after an AUTH: 16 more commands without one, then it stops */
	setup();
	feeds(DIR_TO_SERVER, "AUTH pw\r\n", 0);
	feeds(DIR_TO_CLIENT, "+OK\r\n", 0);
	for (i = 0; i < 15; i++)
		feeds(DIR_TO_SERVER, "*1\r\n$4\r\nPING\r\n", 0);
	CU_ASSERT(!ctx.done);
	feeds(DIR_TO_SERVER, "AUTH pw2\r\n", 0);
	for (i = 0; i < 16 && !ctx.done; i++)
		feeds(DIR_TO_SERVER, "*1\r\n$4\r\nPING\r\n", 0);
	CU_ASSERT(!ctx.done);		/* AUTH pw2 still waits for its reply */
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	for (i = 0; i < 15; i++)	/* the first 15 PINGs' replies */
		feeds(DIR_TO_CLIENT, "+PONG\r\n", 0);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	feeds(DIR_TO_CLIENT, "-WRONGPASS no\r\n", 0);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	CU_ASSERT_EQUAL(ctx.facts[1].outcome, CRED_OUTCOME_FAILURE);
	CU_ASSERT(ctx.done);
}

static void
test_truncated(void)
{
	static const char auth[] = "*2\r\n$4\r\nAUTH\r\n$6\r\ns3cr3t\r\n";
	size_t n;

	for (n = 1; n < sizeof(auth) - 1; n++) {
		setup();
		fake_feed(&ctx, &redis_dissector, state, DIR_TO_SERVER, auth,
		    n);
		fake_end(&ctx, &redis_dissector, state);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
		CU_ASSERT_EQUAL(ctx.nweirds, 0);
	}
}

static void
test_malformed(void)
{
	setup();
	/* a bulk header that is not a number */
	feeds(DIR_TO_SERVER, "*2\r\n$x\r\nAUTH\r\n", 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "redis_malformed"), 1);
	setup();
	/* AUTH with four arguments */
	feeds(DIR_TO_SERVER, "AUTH a b c\r\n", 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "redis_bad_auth"), 1);
	fake_end(&ctx, &redis_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

static void
test_lookalike(void)
{
	static const char http[] = "GET /AUTH HTTP/1.1\r\n\r\n";

	setup();
	CU_ASSERT(redis_dissector.probe((const uint8_t *)"*1\r\n$4\r\nPING\r\n",
	    14, 0));
	CU_ASSERT(!redis_dissector.probe((const uint8_t *)http,
	    sizeof(http) - 1, 0));
	/* an HTTP request parses as inline commands that are not AUTH */
	feeds(DIR_TO_SERVER, http, 0);
	fake_end(&ctx, &redis_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

UNIT_MAIN("redis",
    { "RESP AUTH: success", test_resp_auth_success },
    { "ACL AUTH byte by byte: WRONGPASS", test_acl_auth_wrongpass_bytewise },
    { "inline AUTH: -ERR", test_inline_auth },
    { "HELLO 3 AUTH with a map reply", test_hello_auth },
    { "pipelined replies matched in order", test_pipelined },
    { "AUTH, AUTH, AUTH on one connection: three facts",
	test_auth_each_attempt },
    { "pipelined AUTHs: each its own reply", test_auth_pipelined_several },
    { "more AUTHs in flight than the bound", test_auth_pipeline_bound },
    { "unanswered AUTHs at flow end", test_auth_unanswered },
    { "value too big to buffer with an AUTH in flight",
	test_big_value_with_auth_in_flight },
    { "gives up after 16 commands without AUTH",
	test_gives_up_without_auth },
    { "truncated: no fact, no weird", test_truncated },
    { "malformed", test_malformed },
    { "look-alike data", test_lookalike })
