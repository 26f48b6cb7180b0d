/*
 * test_mysql.c - MySQL: native password success and failure (byte by
 * byte), caching_sha2, empty password, AuthSwitch to the clear-text plugin,
 * SSLRequest, truncation, malformed and look-alike data.
 */
#include <string.h>

#include "fake_dctx.h"
#include "unit.h"

extern const struct dissector mysql_dissector;

static struct dctx ctx;
static uint8_t state[4096];

static void
setup(void)
{
	fake_dctx_reset(&ctx, 3306);
	CU_ASSERT_FATAL(mysql_dissector.state_size <= sizeof(state));
	memset(state, 0, sizeof(state));
}

static void
feed(int dir, const uint8_t *p, size_t n, int bytewise)
{
	size_t i;

	if (!bytewise) {
		fake_feed(&ctx, &mysql_dissector, state, dir, p, n);
		return;
	}
	for (i = 0; i < n; i++)
		fake_feed(&ctx, &mysql_dissector, state, dir, p + i, 1);
}

static const uint8_t my_greeting_native[] = {
	0x4a, 0x00, 0x00, 0x00,                 /* packet length 74, sequence 0 */
	0x0a,                                   /* protocol version 10 */
	0x38, 0x2e, 0x30, 0x2e, 0x33, 0x36, 0x00, /* server version "8.0.36" */
	0x07, 0x00, 0x00, 0x00,                 /* connection id */
	0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, /* auth-plugin-data-part-1 "abcdefgh" */
	0x00,                                   /* filler */
	0xff, 0xff,                             /* capability flags (lower) */
	0xff, 0x02, 0x00,                       /* character set, status flags */
	0xff, 0xdf,                             /* capability flags (upper, PLUGIN_AUTH) */
	0x15,                                   /* auth-plugin-data length 21 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* reserved */
	0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, /* auth-plugin-data-part-2 "ijklmnopqrst" + NUL */
	0x73, 0x74, 0x00,
	0x6d, 0x79, 0x73, 0x71, 0x6c, 0x5f, 0x6e, 0x61, 0x74, 0x69, /* auth plugin name "mysql_native_password" */
	0x76, 0x65, 0x5f, 0x70, 0x61, 0x73, 0x73, 0x77, 0x6f, 0x72,
	0x64, 0x00,
};

static const uint8_t my_resp_native[] = {
	0x55, 0x00, 0x00, 0x01,                 /* packet length 85, sequence 1 */
	0x0d, 0x8a, 0x2a, 0x00,                 /* capability flags 0x002a8a0d (PROTOCOL_41, SECURE_CONNECTION, PLUGIN_AUTH, LENENC_DATA, CONNECT_WITH_DB) */
	0x00, 0x00, 0x00, 0x01,                 /* max packet size */
	0x21,                                   /* character set */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* filler */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00,
	0x72, 0x6f, 0x6f, 0x74, 0x00,           /* username "root" */
	0x14,                                   /* auth response length 20 (lenenc) */
	0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, /* auth response */
	0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf2, 0xf3,
	0x73, 0x68, 0x6f, 0x70, 0x00,           /* database "shop" */
	0x6d, 0x79, 0x73, 0x71, 0x6c, 0x5f, 0x6e, 0x61, 0x74, 0x69, /* client plugin "mysql_native_password" */
	0x76, 0x65, 0x5f, 0x70, 0x61, 0x73, 0x73, 0x77, 0x6f, 0x72,
	0x64, 0x00,
};

static const uint8_t my_ok[] = {
	0x07, 0x00, 0x00, 0x02,                 /* packet length 7, sequence 2 */
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, /* OK: header 0, affected rows, last insert id, status, warnings */
};

static const uint8_t my_err[] = {
	0x16, 0x00, 0x00, 0x02,                 /* packet length 22, sequence 2 */
	0xff, 0x15, 0x04,                       /* ERR: header 0xff, error code 1045 */
	0x23, 0x32, 0x38, 0x30, 0x30, 0x30, /* SQL state marker and state */
	0x41, 0x63, 0x63, 0x65, 0x73, 0x73, 0x20, 0x64, 0x65, 0x6e, /* message */
	0x69, 0x65, 0x64,
};

static const uint8_t my_resp_sha2[] = {
	0x5b, 0x00, 0x00, 0x01,                 /* packet length 91, sequence 1 */
	0x05, 0x8a, 0x2a, 0x00,                 /* capability flags 0x002a8a05 (PROTOCOL_41, SECURE_CONNECTION, PLUGIN_AUTH, LENENC_DATA) */
	0x00, 0x00, 0x00, 0x01,                 /* max packet size */
	0x21,                                   /* character set */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* filler */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00,
	0x61, 0x70, 0x70, 0x00,                 /* username "app" */
	0x20,                                   /* auth response length 32 (lenenc) */
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, /* auth response */
	0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43,
	0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d,
	0x4e, 0x4f,
	0x63, 0x61, 0x63, 0x68, 0x69, 0x6e, 0x67, 0x5f, 0x73, 0x68, /* client plugin "caching_sha2_password" */
	0x61, 0x32, 0x5f, 0x70, 0x61, 0x73, 0x73, 0x77, 0x6f, 0x72,
	0x64, 0x00,
};

static const uint8_t my_resp_empty[] = {
	0x3d, 0x00, 0x00, 0x01,                 /* packet length 61, sequence 1 */
	0x05, 0x8a, 0x2a, 0x00,                 /* capability flags 0x002a8a05 (PROTOCOL_41, SECURE_CONNECTION, PLUGIN_AUTH, LENENC_DATA) */
	0x00, 0x00, 0x00, 0x01,                 /* max packet size */
	0x21,                                   /* character set */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* filler */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00,
	0x67, 0x75, 0x65, 0x73, 0x74, 0x00, /* username "guest" */
	0x00,                                   /* auth response length 0 (lenenc) */
	0x6d, 0x79, 0x73, 0x71, 0x6c, 0x5f, 0x6e, 0x61, 0x74, 0x69, /* client plugin "mysql_native_password" */
	0x76, 0x65, 0x5f, 0x70, 0x61, 0x73, 0x73, 0x77, 0x6f, 0x72,
	0x64, 0x00,
};

static const uint8_t my_switch_clear[] = {
	0x17, 0x00, 0x00, 0x02,                 /* packet length 23, sequence 2 */
	0xfe,                                   /* AuthSwitchRequest */
	0x6d, 0x79, 0x73, 0x71, 0x6c, 0x5f, 0x63, 0x6c, 0x65, 0x61, /* plugin "mysql_clear_password" */
	0x72, 0x5f, 0x70, 0x61, 0x73, 0x73, 0x77, 0x6f, 0x72, 0x64,
	0x00,
	0x00,                                   /* no salt, NUL */
};

static const uint8_t my_clear_password[] = {
	0x0c, 0x00, 0x00, 0x03,                 /* packet length 12, sequence 3 */
	0x54, 0x72, 0x30, 0x75, 0x62, 0x34, 0x64, 0x6f, 0x72, 0x26, /* password "Tr0ub4dor&3" + NUL */
	0x33, 0x00,
};

static const uint8_t my_ssl_request[] = {
	0x20, 0x00, 0x00, 0x01,                 /* packet length 32, sequence 1 */
	0x05, 0x8a, 0x2a, 0x00,                 /* capability flags with CLIENT_SSL */
	0x00, 0x00, 0x00, 0x01,                 /* max packet size */
	0x21,                                   /* character set */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* filler */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00,
};

static void
test_native_success(void)
{
	struct fake_fact *f;

	setup();
	feed(DIR_TO_CLIENT, my_greeting_native, sizeof(my_greeting_native), 0);
	feed(DIR_TO_SERVER, my_resp_native, sizeof(my_resp_native), 0);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	feed(DIR_TO_CLIENT, my_ok, sizeof(my_ok), 0);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_STRING_EQUAL(f->proto, "mysql");
	CU_ASSERT_STRING_EQUAL(f->mechanism, "mysql_native_password");
	CU_ASSERT_EQUAL(f->cls, CRED_WEAK);
	CU_ASSERT_EQUAL(f->outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT_STRING_EQUAL(f->user, "root");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(f, "database"), "shop");
	CU_ASSERT_EQUAL(f->secret_len, 20);
	/* salt "abcdefgh" + "ijklmnopqrst" in hex, then the scramble */
	CU_ASSERT_STRING_EQUAL(f->crack, "$mysqlna$"
	    "6162636465666768696a6b6c6d6e6f7071727374*"
	    "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3");
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_native_failure_bytewise(void)
{
	setup();
	feed(DIR_TO_CLIENT, my_greeting_native, sizeof(my_greeting_native), 1);
	feed(DIR_TO_SERVER, my_resp_native, sizeof(my_resp_native), 1);
	feed(DIR_TO_CLIENT, my_err, sizeof(my_err), 1);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_FAILURE);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_sha2_and_empty(void)
{
	setup();
	feed(DIR_TO_CLIENT, my_greeting_native, sizeof(my_greeting_native), 0);
	feed(DIR_TO_SERVER, my_resp_sha2, sizeof(my_resp_sha2), 0);
	fake_end(&ctx, &mysql_dissector, state);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].mechanism, "caching_sha2_password");
	CU_ASSERT_EQUAL(ctx.facts[0].cls, CRED_WEAK);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, "");
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_UNKNOWN);
	setup();
	feed(DIR_TO_CLIENT, my_greeting_native, sizeof(my_greeting_native), 0);
	feed(DIR_TO_SERVER, my_resp_empty, sizeof(my_resp_empty), 0);
	feed(DIR_TO_CLIENT, my_ok, sizeof(my_ok), 0);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].cls, CRED_NONE);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "guest");
}

static void
test_switch_to_clear(void)
{
	uint8_t ok3[sizeof(my_ok)];
	struct fake_fact *f;

	memcpy(ok3, my_ok, sizeof(ok3));
	ok3[3] = 4;
	setup();
	feed(DIR_TO_CLIENT, my_greeting_native, sizeof(my_greeting_native), 0);
	feed(DIR_TO_SERVER, my_resp_native, sizeof(my_resp_native), 0);
	feed(DIR_TO_CLIENT, my_switch_clear, sizeof(my_switch_clear), 0);
	feed(DIR_TO_SERVER, my_clear_password, sizeof(my_clear_password), 0);
	feed(DIR_TO_CLIENT, ok3, sizeof(ok3), 0);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_EQUAL(f->cls, CRED_CLEARTEXT);
	CU_ASSERT_STRING_EQUAL(f->mechanism, "mysql_clear_password");
	CU_ASSERT_EQUAL(f->secret_len, 11);
	CU_ASSERT(memcmp(f->secret, "Tr0ub4dor&3", 11) == 0);
	CU_ASSERT_EQUAL(f->outcome, CRED_OUTCOME_SUCCESS);
}

static void
test_ssl_request(void)
{
	setup();
	feed(DIR_TO_CLIENT, my_greeting_native, sizeof(my_greeting_native), 0);
	feed(DIR_TO_SERVER, my_ssl_request, sizeof(my_ssl_request), 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

static void
test_truncated(void)
{
	size_t n;

	for (n = 1; n < sizeof(my_resp_native); n++) {
		setup();
		feed(DIR_TO_CLIENT, my_greeting_native,
		    sizeof(my_greeting_native), 0);
		feed(DIR_TO_SERVER, my_resp_native, n, 0);
		fake_end(&ctx, &mysql_dissector, state);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
	}
}

static void
test_malformed(void)
{
	uint8_t m[sizeof(my_resp_native)];

	/* the username runs to the end of the packet */
	setup();
	memcpy(m, my_resp_native, sizeof(m));
	memset(m + 4 + 32, 'A', sizeof(m) - 4 - 32);
	feed(DIR_TO_CLIENT, my_greeting_native, sizeof(my_greeting_native), 0);
	feed(DIR_TO_SERVER, m, sizeof(m), 0);
	fake_end(&ctx, &mysql_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "mysql_malformed"), 1);
	/* a greeting with protocol 9 */
	setup();
	{
		uint8_t g[sizeof(my_greeting_native)];

		memcpy(g, my_greeting_native, sizeof(g));
		g[4] = 9;
		feed(DIR_TO_CLIENT, g, sizeof(g), 0);
	}
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "mysql_bad_greeting"), 1);
}

static void
test_lookalike(void)
{
	static const char http[] = "HTTP/1.1 200 OK\r\n\r\n";

	setup();
	CU_ASSERT(mysql_dissector.probe(my_greeting_native,
	    sizeof(my_greeting_native), 1));
	CU_ASSERT(!mysql_dissector.probe((const uint8_t *)http,
	    sizeof(http) - 1, 1));
	feed(DIR_TO_CLIENT, (const uint8_t *)http, sizeof(http) - 1, 0);
	CU_ASSERT(ctx.done);
	fake_end(&ctx, &mysql_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

UNIT_MAIN("mysql",
    { "native password: success, $mysqlna$ line", test_native_success },
    { "native password byte by byte: failure",
	test_native_failure_bytewise },
    { "caching_sha2 and empty password", test_sha2_and_empty },
    { "AuthSwitch to mysql_clear_password", test_switch_to_clear },
    { "SSLRequest ends dissection", test_ssl_request },
    { "truncated: no fact", test_truncated },
    { "malformed", test_malformed },
    { "look-alike data", test_lookalike })
