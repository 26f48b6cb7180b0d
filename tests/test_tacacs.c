/*
 * test_tacacs.c - TACACS+ (unencrypted): PAP success and failure, ASCII
 * login through GETUSER/GETPASS byte by byte, CHAP, obfuscated bodies,
 * truncation, malformed headers and bodies, look-alike data.
 */
#include <string.h>

#include "dissector_run.h"
#include "unit.h"

extern const struct dissector tacacs_dissector;
#define TAC_HDR	12			/* header length */
static struct dctx ctx;

static const uint8_t tac_pap_start[] = {
	0xc1, 0x01, 0x01, 0x01, 0x12, 0x34, 0xab, 0xcd, 0x00, 0x00, /* header: version 0xc1, authentication, seq 1, unencrypted, session, length */
	0x00, 0x20,
	0x01, 0x01, 0x02, 0x01, 0x05, 0x04, 0x08, 0x07, /* START: login, priv 1, PAP, service login, lengths */
	0x61, 0x64, 0x6d, 0x69, 0x6e, /* user "admin" */
	0x74, 0x74, 0x79, 0x31, /* port "tty1" */
	0x31, 0x30, 0x2e, 0x31, 0x2e, 0x31, 0x2e, 0x35, /* rem_addr "10.1.1.5" */
	0x53, 0x33, 0x63, 0x72, 0x33, 0x74, 0x21, /* data: the password */
};
static const uint8_t tac_reply_pass[] = {
	0xc1, 0x01, 0x02, 0x01, 0x12, 0x34, 0xab, 0xcd, 0x00, 0x00, /* header: version 0xc1, authentication, seq 2, unencrypted, session, length */
	0x00, 0x06,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, /* REPLY: PASS, no message */
};
static const uint8_t tac_reply_fail[] = {
	0xc1, 0x01, 0x02, 0x01, 0x12, 0x34, 0xab, 0xcd, 0x00, 0x00, /* header: version 0xc1, authentication, seq 2, unencrypted, session, length */
	0x00, 0x0c,
	0x02, 0x00, 0x00, 0x06, 0x00, 0x00, /* REPLY: FAIL */
	0x44, 0x65, 0x6e, 0x69, 0x65, 0x64, /* server_msg "Denied" */
};
static const uint8_t tac_ascii_start[] = {
	0xc1, 0x01, 0x01, 0x01, 0x12, 0x34, 0xab, 0xcd, 0x00, 0x00, /* header: version 0xc1, authentication, seq 1, unencrypted, session, length */
	0x00, 0x0c,
	0x01, 0x01, 0x01, 0x01, 0x00, 0x04, 0x00, 0x00, /* START: login, ASCII, no user */
	0x74, 0x74, 0x79, 0x32, /* port "tty2" */
};
static const uint8_t tac_reply_getuser[] = {
	0xc1, 0x01, 0x02, 0x01, 0x12, 0x34, 0xab, 0xcd, 0x00, 0x00, /* header: version 0xc1, authentication, seq 2, unencrypted, session, length */
	0x00, 0x10,
	0x04, 0x00, 0x00, 0x0a, 0x00, 0x00, /* REPLY: GETUSER */
	0x55, 0x73, 0x65, 0x72, 0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, /* "Username: " */
};
static const uint8_t tac_cont_user[] = {
	0xc1, 0x01, 0x03, 0x01, 0x12, 0x34, 0xab, 0xcd, 0x00, 0x00, /* header: seq 3 */
	0x00, 0x0d,
	0x00, 0x08, 0x00, 0x00, 0x00, /* CONTINUE: user_msg length, data length, flags */
	0x6f, 0x70, 0x65, 0x72, 0x61, 0x74, 0x6f, 0x72, /* "operator" */
};
static const uint8_t tac_reply_getpass[] = {
	0xc1, 0x01, 0x04, 0x01, 0x12, 0x34, 0xab, 0xcd, 0x00, 0x00, /* header: seq 4 */
	0x00, 0x10,
	0x05, 0x00, 0x00, 0x0a, 0x00, 0x00, /* REPLY: GETPASS */
	0x50, 0x61, 0x73, 0x73, 0x77, 0x6f, 0x72, 0x64, 0x3a, 0x20, /* "Password: " */
};
static const uint8_t tac_cont_pass[] = {
	0xc1, 0x01, 0x05, 0x01, 0x12, 0x34, 0xab, 0xcd, 0x00, 0x00, /* header: seq 5 */
	0x00, 0x0e,
	0x00, 0x09, 0x00, 0x00, 0x00, /* CONTINUE */
	0x6f, 0x70, 0x20, 0x70, 0x61, 0x73, 0x73, 0x20, 0x31, /* "op pass 1" */
};
static const uint8_t tac_reply_fail6[] = {
	0xc1, 0x01, 0x06, 0x01, 0x12, 0x34, 0xab, 0xcd, 0x00, 0x00, /* header: seq 6 */
	0x00, 0x06,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, /* REPLY: FAIL */
};
static const uint8_t tac_chap_start[] = {
	0xc1, 0x01, 0x01, 0x01, 0x12, 0x34, 0xab, 0xcd, 0x00, 0x00, /* header: version 0xc1, authentication, seq 1, unencrypted, session, length */
	0x00, 0x2d,
	0x01, 0x01, 0x03, 0x01, 0x04, 0x00, 0x00, 0x21, /* START: login, CHAP */
	0x70, 0x70, 0x70, 0x31, /* user "ppp1" */
	0x07, /* PPP id 7 */
	0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, /* challenge */
	0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x4f, 0x7d, 0x93, 0x2b, 0xd4, 0x75, 0xfe, 0x1d, 0xef, 0x71, /* response */
	0xc0, 0x3c, 0x1c, 0x52, 0xac, 0xf8,
};

#define CHAP_CRACK	"4f7d932bd475fe1def71c03c1c52acf8" \
			":202122232425262728292a2b2c2d2e2f:07"
#define STEP(dir, a)	{ (dir), (const char *)(a), sizeof(a) }

static void
test_pap(void)
{
	const struct dr_step ok[] = {
		STEP(DIR_TO_SERVER, tac_pap_start),
		STEP(DIR_TO_CLIENT, tac_reply_pass),
	};
	const struct dr_step fail[] = {
		STEP(DIR_TO_SERVER, tac_pap_start),
		STEP(DIR_TO_CLIENT, tac_reply_fail),
	};

	DR_SCRIPT(&ctx, &tacacs_dissector, 49, ok, DR_WHOLE);
	DR_EXPECT(&ctx, 0, "tacacs", "PAP", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "admin", "S3cr3t!");
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "port"), "tty1");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "rem_addr"),
	    "10.1.1.5");
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
	DR_SCRIPT(&ctx, &tacacs_dissector, 49, fail, DR_BYTES);
	DR_EXPECT(&ctx, 0, "tacacs", "PAP", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "admin", "S3cr3t!");
}

static const struct dr_step ascii_login[] = {
	STEP(DIR_TO_SERVER, tac_ascii_start),
	STEP(DIR_TO_CLIENT, tac_reply_getuser),
	STEP(DIR_TO_SERVER, tac_cont_user),
	STEP(DIR_TO_CLIENT, tac_reply_getpass),
	STEP(DIR_TO_SERVER, tac_cont_pass),
	STEP(DIR_TO_CLIENT, tac_reply_fail6),
};

static void
test_ascii_bytewise(void)
{
	DR_SCRIPT(&ctx, &tacacs_dissector, 49, ascii_login, DR_BYTES);
	DR_EXPECT(&ctx, 0, "tacacs", "ASCII", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "operator", "op pass 1");
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "port"), "tty2");
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_chap(void)
{
	const struct dr_step s[] = {
		STEP(DIR_TO_SERVER, tac_chap_start),
		STEP(DIR_TO_CLIENT, tac_reply_pass),
	};

	DR_SCRIPT(&ctx, &tacacs_dissector, 49, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].mechanism, "CHAP");
	CU_ASSERT_EQUAL(ctx.facts[0].cls, CRED_WEAK);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "ppp1");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, CHAP_CRACK);
}

static void
test_encrypted(void)
{
	uint8_t m[sizeof(tac_pap_start)];
	const struct dr_step s[] = {
		{ DIR_TO_SERVER, (const char *)m, sizeof(m) },
	};

	memcpy(m, tac_pap_start, sizeof(m));
	m[3] = 0x00;				/* obfuscated body */
	DR_SCRIPT(&ctx, &tacacs_dissector, 49, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_truncated(void)
{
	struct dr_step s[5];
	size_t n;

	/* the password's CONTINUE cut short, the flow ends */
	memcpy(s, ascii_login, sizeof(s));
	for (n = 1; n < sizeof(tac_cont_pass); n++) {
		s[4].len = n;
		DR_SCRIPT(&ctx, &tacacs_dissector, 49, s, DR_WHOLE);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
		CU_ASSERT_EQUAL(ctx.nweirds, 0);
	}
}

static void
test_malformed(void)
{
	uint8_t m[sizeof(tac_pap_start)];
	const struct dr_step s[] = {
		{ DIR_TO_SERVER, (const char *)m, sizeof(m) },
	};

	/* field lengths that overrun the body */
	memcpy(m, tac_pap_start, sizeof(m));
	m[TAC_HDR + 4] = 200;
	DR_SCRIPT(&ctx, &tacacs_dissector, 49, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "tacacs_malformed"), 1);
	CU_ASSERT(ctx.done);
	/* an even sequence number from the client */
	memcpy(m, tac_pap_start, sizeof(m));
	m[2] = 2;
	DR_SCRIPT(&ctx, &tacacs_dissector, 49, s, DR_WHOLE);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "tacacs_malformed"), 1);
	/* a body length over the limit */
	memcpy(m, tac_pap_start, sizeof(m));
	m[9] = 0x01;
	DR_SCRIPT(&ctx, &tacacs_dissector, 49, s, DR_WHOLE);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "tacacs_too_long"), 1);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

static void
test_lookalike(void)
{
	static const struct dr_step s[] = {
		C("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
	};
	const struct dr_step reply_only[] = {
		STEP(DIR_TO_CLIENT, tac_reply_pass),
	};

	DR_SCRIPT(&ctx, &tacacs_dissector, 49, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT(ctx.done);
	DR_SCRIPT(&ctx, &tacacs_dissector, 49, reply_only, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

UNIT_MAIN("tacacs",
    { "PAP: success, failure byte by byte", test_pap },
    { "ASCII login via GETUSER/GETPASS byte by byte", test_ascii_bytewise },
    { "CHAP: mode 4800 line", test_chap },
    { "obfuscated body: no fact", test_encrypted },
    { "truncated: no fact, no weird", test_truncated },
    { "malformed", test_malformed },
    { "look-alike data", test_lookalike })
