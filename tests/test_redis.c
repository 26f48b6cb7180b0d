/*
 * test_redis.c - Redis AUTH: RESP and inline forms, ACL user, HELLO AUTH,
 * pipelined replies matched in order, byte-by-byte delivery, giving up
 * without AUTH, truncation, malformed and look-alike data.
 */
#include <string.h>

#include "fake_dctx.h"
#include "unit.h"

extern const struct dissector redis_dissector;

static struct dctx ctx;
static uint8_t state[4096];

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
	CU_ASSERT_EQUAL(f->user_len, 0);
	CU_ASSERT_EQUAL(f->secret_len, 6);
	CU_ASSERT(memcmp(f->secret, "s3cr3t", 6) == 0);
	CU_ASSERT(ctx.done);
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

static void
test_gives_up_without_auth(void)
{
	int i;

	setup();
	for (i = 0; i < 16 && !ctx.done; i++)
		feeds(DIR_TO_SERVER, "*1\r\n$4\r\nPING\r\n", 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
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
    { "gives up after 16 commands without AUTH",
	test_gives_up_without_auth },
    { "truncated: no fact, no weird", test_truncated },
    { "malformed", test_malformed },
    { "look-alike data", test_lookalike })
