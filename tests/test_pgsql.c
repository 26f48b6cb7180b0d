/*
 * test_pgsql.c - PostgreSQL: cleartext success, MD5 rejected, SCRAM byte
 * by byte, SSLRequest accepted, truncation, malformed and look-alike data.
 */
#include <string.h>

#include "fake_dctx.h"
#include "unit.h"

extern const struct dissector pgsql_dissector;

static struct dctx ctx;
static uint8_t state[8192];

static void
setup(void)
{
	fake_dctx_reset(&ctx, 5432);
	CU_ASSERT_FATAL(pgsql_dissector.state_size <= sizeof(state));
	memset(state, 0, sizeof(state));
}

static void
feed(int dir, const uint8_t *p, size_t n, int bytewise)
{
	size_t i;

	if (!bytewise) {
		fake_feed(&ctx, &pgsql_dissector, state, dir, p, n);
		return;
	}
	for (i = 0; i < n; i++)
		fake_feed(&ctx, &pgsql_dissector, state, dir, p + i, 1);
}

static const uint8_t pg_startup[] = {
	0x00, 0x00, 0x00, 0x23,                 /* StartupMessage length 35 */
	0x00, 0x03, 0x00, 0x00,                 /* protocol 3.0 */
	0x75, 0x73, 0x65, 0x72, 0x00, 0x61, 0x6c, 0x69, 0x63, 0x65, /* user alice */
	0x00,
	0x64, 0x61, 0x74, 0x61, 0x62, 0x61, 0x73, 0x65, 0x00, 0x73, /* database sales, end */
	0x61, 0x6c, 0x65, 0x73, 0x00, 0x00,
};

static const uint8_t pg_auth_cleartext[] = {
	0x52, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x03, /* 'R' length 8, AuthenticationCleartextPassword (3) */
};

static const uint8_t pg_password_clear[] = {
	0x70, 0x00, 0x00, 0x00, 0x0c,           /* 'p' PasswordMessage, length 12 */
	0x68, 0x75, 0x6e, 0x74, 0x65, 0x72, 0x32, 0x00, /* password "hunter2" */
};

static const uint8_t pg_auth_ok[] = {
	0x52, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, /* 'R' AuthenticationOk */
	0x53, 0x00, 0x00, 0x00, 0x0e, 0x69, 0x73, 0x5f, 0x73, 0x75, /* 'S' ParameterStatus is_superuser off (not parsed) */
	0x00, 0x6f, 0x66, 0x66, 0x00,
};

static const uint8_t pg_auth_md5[] = {
	0x52, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x05, /* 'R' length 12, AuthenticationMD5Password (5) */
	0xf2, 0x11, 0xa3, 0xed,                 /* salt */
};

static const uint8_t pg_password_md5[] = {
	0x70, 0x00, 0x00, 0x00, 0x28,           /* 'p' PasswordMessage, length 40 */
	0x6d, 0x64, 0x35, 0x66, 0x38, 0x66, 0x38, 0x62, 0x38, 0x38, /* "md5" + 32 hex digits */
	0x34, 0x62, 0x34, 0x65, 0x66, 0x37, 0x63, 0x63, 0x39, 0x65,
	0x65, 0x39, 0x35, 0x65, 0x36, 0x39, 0x38, 0x36, 0x38, 0x63,
	0x64, 0x66, 0x61, 0x35, 0x65, 0x00,
};

static const uint8_t pg_error[] = {
	0x45, 0x00, 0x00, 0x00, 0x33,           /* 'E' ErrorResponse, length 51 */
	0x53, 0x46, 0x41, 0x54, 0x41, 0x4c, 0x00, 0x43, 0x32, 0x38, /* S FATAL, C 28P01, M message, end */
	0x50, 0x30, 0x31, 0x00, 0x4d, 0x70, 0x61, 0x73, 0x73, 0x77,
	0x6f, 0x72, 0x64, 0x20, 0x61, 0x75, 0x74, 0x68, 0x65, 0x6e,
	0x74, 0x69, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x20, 0x66,
	0x61, 0x69, 0x6c, 0x65, 0x64, 0x00, 0x00,
};

static const uint8_t pg_auth_sasl[] = {
	0x52, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x0a, /* 'R' AuthenticationSASL (10) */
	0x53, 0x43, 0x52, 0x41, 0x4d, 0x2d, 0x53, 0x48, 0x41, 0x2d, /* mechanisms: SCRAM-SHA-256 */
	0x32, 0x35, 0x36, 0x00, 0x00,
};

static const uint8_t pg_sasl_initial[] = {
	0x70, 0x00, 0x00, 0x00, 0x32,           /* 'p' SASLInitialResponse */
	0x53, 0x43, 0x52, 0x41, 0x4d, 0x2d, 0x53, 0x48, 0x41, 0x2d, /* mechanism */
	0x32, 0x35, 0x36, 0x00,
	0x00, 0x00, 0x00, 0x1c,                 /* client-first length 28 */
	0x6e, 0x2c, 0x2c, 0x6e, 0x3d, 0x2c, 0x72, 0x3d, 0x72, 0x4f, /* client-first-message "n,,n=,r=rOprNGfwEbeRWgbNEkqO" */
	0x70, 0x72, 0x4e, 0x47, 0x66, 0x77, 0x45, 0x62, 0x65, 0x52,
	0x57, 0x67, 0x62, 0x4e, 0x45, 0x6b, 0x71, 0x4f,
};

static const uint8_t pg_sasl_continue[] = {
	0x52, 0x00, 0x00, 0x00, 0x48, 0x00, 0x00, 0x00, 0x0b, /* 'R' AuthenticationSASLContinue (11) */
	0x72, 0x3d, 0x72, 0x4f, 0x70, 0x72, 0x4e, 0x47, 0x66, 0x77, /* server-first-message */
	0x45, 0x62, 0x65, 0x52, 0x57, 0x67, 0x62, 0x4e, 0x45, 0x6b,
	0x71, 0x4f, 0x73, 0x72, 0x76, 0x6e, 0x6f, 0x6e, 0x63, 0x65,
	0x2c, 0x73, 0x3d, 0x57, 0x32, 0x32, 0x5a, 0x61, 0x4a, 0x30,
	0x53, 0x4e, 0x59, 0x37, 0x73, 0x6f, 0x45, 0x73, 0x55, 0x45,
	0x6a, 0x62, 0x36, 0x67, 0x51, 0x3d, 0x3d, 0x2c, 0x69, 0x3d,
	0x34, 0x30, 0x39, 0x36,
};

static const uint8_t pg_sasl_response[] = {
	0x70, 0x00, 0x00, 0x00, 0x58,           /* 'p' SASLResponse */
	0x63, 0x3d, 0x62, 0x69, 0x77, 0x73, 0x2c, 0x72, 0x3d, 0x72, /* client-final-message */
	0x4f, 0x70, 0x72, 0x4e, 0x47, 0x66, 0x77, 0x45, 0x62, 0x65,
	0x52, 0x57, 0x67, 0x62, 0x4e, 0x45, 0x6b, 0x71, 0x4f, 0x73,
	0x72, 0x76, 0x6e, 0x6f, 0x6e, 0x63, 0x65, 0x2c, 0x70, 0x3d,
	0x64, 0x48, 0x7a, 0x62, 0x5a, 0x61, 0x70, 0x57, 0x49, 0x6b,
	0x34, 0x6a, 0x55, 0x68, 0x4e, 0x2b, 0x55, 0x74, 0x65, 0x39,
	0x79, 0x74, 0x61, 0x67, 0x39, 0x7a, 0x6a, 0x66, 0x4d, 0x48,
	0x67, 0x73, 0x71, 0x6d, 0x6d, 0x69, 0x7a, 0x37, 0x41, 0x6e,
	0x64, 0x56, 0x51, 0x3d,
};

static const uint8_t pg_sasl_final_ok[] = {
	0x52, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x0c, /* 'R' AuthenticationSASLFinal (12) */
	0x76, 0x3d, 0x61, 0x62, 0x63, 0x64, /* server-final-message */
	0x52, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, /* 'R' AuthenticationOk */
};

static const uint8_t pg_ssl_request[] = {
	0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f, /* SSLRequest: length 8, code 80877103 */
};

static void
test_cleartext_success(void)
{
	struct fake_fact *f;

	setup();
	feed(DIR_TO_SERVER, pg_startup, sizeof(pg_startup), 0);
	feed(DIR_TO_CLIENT, pg_auth_cleartext, sizeof(pg_auth_cleartext), 0);
	feed(DIR_TO_SERVER, pg_password_clear, sizeof(pg_password_clear), 0);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	feed(DIR_TO_CLIENT, pg_auth_ok, sizeof(pg_auth_ok), 0);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_STRING_EQUAL(f->proto, "pgsql");
	CU_ASSERT_EQUAL(f->cls, CRED_CLEARTEXT);
	CU_ASSERT_EQUAL(f->outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT_STRING_EQUAL(f->user, "alice");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(f, "database"), "sales");
	CU_ASSERT_EQUAL(f->secret_len, 7);
	CU_ASSERT(memcmp(f->secret, "hunter2", 7) == 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_md5_failure(void)
{
	struct fake_fact *f;

	setup();
	feed(DIR_TO_SERVER, pg_startup, sizeof(pg_startup), 0);
	feed(DIR_TO_CLIENT, pg_auth_md5, sizeof(pg_auth_md5), 0);
	feed(DIR_TO_SERVER, pg_password_md5, sizeof(pg_password_md5), 0);
	feed(DIR_TO_CLIENT, pg_error, sizeof(pg_error), 0);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_EQUAL(f->cls, CRED_WEAK);
	CU_ASSERT_STRING_EQUAL(f->mechanism, "MD5");
	CU_ASSERT_EQUAL(f->outcome, CRED_OUTCOME_FAILURE);
	CU_ASSERT_STRING_EQUAL(f->crack,
	    "$postgres$alice*f211a3ed*f8f8b884b4ef7cc9ee95e69868cdfa5e");
}

static void
test_scram_bytewise(void)
{
	struct fake_fact *f;

	setup();
	feed(DIR_TO_SERVER, pg_startup, sizeof(pg_startup), 1);
	feed(DIR_TO_CLIENT, pg_auth_sasl, sizeof(pg_auth_sasl), 1);
	feed(DIR_TO_SERVER, pg_sasl_initial, sizeof(pg_sasl_initial), 1);
	feed(DIR_TO_CLIENT, pg_sasl_continue, sizeof(pg_sasl_continue), 1);
	feed(DIR_TO_SERVER, pg_sasl_response, sizeof(pg_sasl_response), 1);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	feed(DIR_TO_CLIENT, pg_sasl_final_ok, sizeof(pg_sasl_final_ok), 1);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_STRING_EQUAL(f->mechanism, "SCRAM-SHA-256");
	CU_ASSERT_EQUAL(f->outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT_STRING_EQUAL(f->user, "alice");
	CU_ASSERT_EQUAL(f->secret_len, 44);
	CU_ASSERT_STRING_EQUAL(f->crack, "$SCRAM-SHA-256$n=,r=rOprNGfwEbeRWgbNEkqO"
	    "$r=rOprNGfwEbeRWgbNEkqOsrvnonce,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
	    "$c=biws,r=rOprNGfwEbeRWgbNEkqOsrvnonce,"
	    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_ssl_accepted(void)
{
	setup();
	CU_ASSERT(pgsql_dissector.probe(pg_ssl_request,
	    sizeof(pg_ssl_request), 0));
	feed(DIR_TO_SERVER, pg_ssl_request, sizeof(pg_ssl_request), 0);
	feed(DIR_TO_CLIENT, (const uint8_t *)"S", 1, 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	/* refused: the cleartext startup follows */
	setup();
	feed(DIR_TO_SERVER, pg_ssl_request, sizeof(pg_ssl_request), 0);
	feed(DIR_TO_CLIENT, (const uint8_t *)"N", 1, 0);
	feed(DIR_TO_SERVER, pg_startup, sizeof(pg_startup), 0);
	feed(DIR_TO_CLIENT, pg_auth_cleartext, sizeof(pg_auth_cleartext), 0);
	feed(DIR_TO_SERVER, pg_password_clear, sizeof(pg_password_clear), 0);
	fake_end(&ctx, &pgsql_dissector, state);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_UNKNOWN);
}

static void
test_truncated(void)
{
	size_t n;

	for (n = 1; n < sizeof(pg_password_clear); n++) {
		setup();
		feed(DIR_TO_SERVER, pg_startup, sizeof(pg_startup), 0);
		feed(DIR_TO_CLIENT, pg_auth_cleartext,
		    sizeof(pg_auth_cleartext), 0);
		feed(DIR_TO_SERVER, pg_password_clear, n, 0);
		fake_end(&ctx, &pgsql_dissector, state);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
	}
}

static void
test_malformed(void)
{
	uint8_t m[sizeof(pg_password_md5)];

	/* an MD5 answer that is not "md5" + 32 hex */
	setup();
	memcpy(m, pg_password_md5, sizeof(m));
	m[5] = 'x';
	feed(DIR_TO_SERVER, pg_startup, sizeof(pg_startup), 0);
	feed(DIR_TO_CLIENT, pg_auth_md5, sizeof(pg_auth_md5), 0);
	feed(DIR_TO_SERVER, m, sizeof(m), 0);
	fake_end(&ctx, &pgsql_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "pgsql_malformed"), 1);
	/* a length beyond the limit */
	setup();
	feed(DIR_TO_SERVER, pg_startup, sizeof(pg_startup), 0);
	feed(DIR_TO_SERVER, (const uint8_t *)"p\x7f\x00\x00\x00", 5, 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "pgsql_malformed"), 1);
}

static void
test_lookalike(void)
{
	static const char http[] = "GET / HTTP/1.1\r\n\r\n";

	setup();
	CU_ASSERT(pgsql_dissector.probe(pg_startup, sizeof(pg_startup), 0));
	CU_ASSERT(!pgsql_dissector.probe((const uint8_t *)http,
	    sizeof(http) - 1, 0));
	feed(DIR_TO_SERVER, (const uint8_t *)http, sizeof(http) - 1, 0);
	CU_ASSERT(ctx.done);
	/* a password message without a request for one: nothing */
	setup();
	feed(DIR_TO_SERVER, pg_startup, sizeof(pg_startup), 0);
	feed(DIR_TO_SERVER, pg_password_clear, sizeof(pg_password_clear), 0);
	fake_end(&ctx, &pgsql_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

UNIT_MAIN("pgsql",
    { "cleartext password: success", test_cleartext_success },
    { "MD5 rejected: failure, $postgres$ line", test_md5_failure },
    { "SCRAM-SHA-256 byte by byte", test_scram_bytewise },
    { "SSLRequest accepted or refused", test_ssl_accepted },
    { "truncated: no fact", test_truncated },
    { "malformed", test_malformed },
    { "look-alike data", test_lookalike })
