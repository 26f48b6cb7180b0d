/*
 * test_pop3.c - the POP3 dissector: USER/PASS, APOP, SASL PLAIN/LOGIN/
 * CRAM-MD5/XOAUTH2 in both initial-response and continuation forms, STLS,
 * multi-line responses that contain command words, broken input.
 */
#include <string.h>

#include "dissector_run.h"
#include "unit.h"

extern const struct dissector pop3_dissector;
static struct dctx ctx;

#define GREETING "+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n"

static const struct dr_step userpass_ok[] = {
	S(GREETING),
	C("USER alice\r\n"),
	S("+OK\r\n"),
	C("PASS wonderland\r\n"),
	S("+OK maildrop has 2 messages\r\n"),
};

static void
test_userpass_success(void)
{
	DR_SCRIPT(&ctx, &pop3_dissector, 110, userpass_ok, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "pop3", "USER/PASS", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "alice", "wonderland");
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_userpass_bytewise(void)
{
	DR_SCRIPT(&ctx, &pop3_dissector, 110, userpass_ok, DR_BYTES);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "pop3", "USER/PASS", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "alice", "wonderland");
}

static void
test_pipelined_failure_then_success(void)
{
	/* RFC 2449 pipelining: both commands before either reply. */
	static const struct dr_step s[] = {
		S(GREETING),
		C("USER bob\r\nPASS bad\r\n"),
		S("+OK\r\n-ERR [AUTH] invalid password\r\n"),
		C("USER bob\r\nPASS good\r\n"),
		S("+OK\r\n+OK logged in\r\n"),
	};

	DR_SCRIPT(&ctx, &pop3_dissector, 110, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	DR_EXPECT(&ctx, 0, "pop3", "USER/PASS", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "bob", "bad");
	DR_EXPECT(&ctx, 1, "pop3", "USER/PASS", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "bob", "good");
}

static void
test_apop(void)
{
	/* RFC 1939's example: mrose, digest of the greeting's timestamp. */
	static const struct dr_step s[] = {
		S(GREETING),
		C("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
		S("+OK mrose's maildrop has 2 messages (320 octets)\r\n"),
	};

	DR_SCRIPT(&ctx, &pop3_dissector, 110, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "pop3", "APOP", CRED_WEAK, CRED_OUTCOME_SUCCESS,
	    "mrose", NULL);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack,
	    "c4c9334bac560ecc979e58001b3e22fb:"
	    "<1896.697170952@dbc.mtview.ca.us>");
}

static void
test_auth_plain_forms(void)
{
	/* Initial response ("\0alice\0wonderland"), then continuation form
	 * with an authzid ("admin\0bob\0pw2"), the second refused. */
	static const struct dr_step s[] = {
		S(GREETING),
		C("AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n"),
		S("+OK Logged in.\r\n"),
		C("AUTH PLAIN\r\n"),
		S("+ \r\n"),
		C("YWRtaW4AYm9iAHB3Mg==\r\n"),
		S("-ERR [AUTH] Authentication failed.\r\n"),
	};

	DR_SCRIPT(&ctx, &pop3_dissector, 110, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	DR_EXPECT(&ctx, 0, "pop3", "AUTH PLAIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "alice", "wonderland");
	DR_EXPECT(&ctx, 1, "pop3", "AUTH PLAIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "bob", "pw2");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[1], "authzid"),
	    "admin");
}

static void
test_auth_login_bytewise(void)
{
	/* "carol", "Secret!" over two continuations. */
	static const struct dr_step s[] = {
		S(GREETING),
		C("AUTH LOGIN\r\n"),
		S("+ VXNlcm5hbWU6\r\n"),
		C("Y2Fyb2w=\r\n"),
		S("+ UGFzc3dvcmQ6\r\n"),
		C("U2VjcmV0IQ==\r\n"),
		S("+OK\r\n"),
	};

	DR_SCRIPT(&ctx, &pop3_dissector, 110, s, DR_BYTES);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "pop3", "AUTH LOGIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "carol", "Secret!");
}

static void
test_auth_cram_and_xoauth2(void)
{
	/* CRAM-MD5 (RFC 2195's example challenge) and a XOAUTH2 token. */
	static const struct dr_step s[] = {
		S(GREETING),
		C("AUTH CRAM-MD5\r\n"),
		S("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZS5uZXQ+\r\n"),
		C("ZnJhbmsgYjkxM2E2MDJjN2VkYTdhNDk1YjRlNmU3MzM0ZDM4OTA=\r\n"),
		S("-ERR\r\n"),
		C("AUTH XOAUTH2 dXNlcj1kYXZlQGV4YW1wbGUuY29tAWF1dGg9QmVhcmVyIHlh"
		    "MjkuVE9LRU4BAQ==\r\n"),
		S("+OK\r\n"),
	};

	DR_SCRIPT(&ctx, &pop3_dissector, 110, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	DR_EXPECT(&ctx, 0, "pop3", "AUTH CRAM-MD5", CRED_WEAK,
	    CRED_OUTCOME_FAILURE, "frank", NULL);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, "$cram_md5$"
	    "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZS5uZXQ+$"
	    "ZnJhbmsgYjkxM2E2MDJjN2VkYTdhNDk1YjRlNmU3MzM0ZDM4OTA=");
	DR_EXPECT(&ctx, 1, "pop3", "AUTH XOAUTH2", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "dave@example.com", "ya29.TOKEN");
}

static void
test_cancel_and_malformed(void)
{
	/* "*" cancels; bad base64; PLAIN without the second NUL; APOP with a
	 * short digest; a server line that is no response. */
	static const struct dr_step s[] = {
		S(GREETING),
		C("AUTH LOGIN\r\n"),
		S("+ VXNlcm5hbWU6\r\n"),
		C("Y2Fyb2w=\r\n"),
		C("*\r\n"),
		S("-ERR cancelled\r\n"),
		C("AUTH PLAIN !!!notbase64\r\n"),
		S("-ERR\r\n"),
		C("AUTH PLAIN AG9ubHl1c2Vy\r\n"),	/* "\0onlyuser" */
		S("-ERR\r\n"),
		C("APOP mrose c4c9\r\n"),
		S("garbage\r\n"),
	};

	DR_SCRIPT(&ctx, &pop3_dissector, 110, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "sasl_bad_base64"), 1);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "sasl_plain_malformed"), 1);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "pop3_apop_malformed"), 1);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "pop3_bad_response"), 1);
}

static void
test_lookalike_in_message(void)
{
	/* A message retrieved by RETR holds POP3 dialogue in its body. */
	static const struct dr_step s[] = {
		S(GREETING),
		C("USER alice\r\nPASS wonderland\r\nRETR 1\r\n"),
		S("+OK\r\n-ERR nope\r\n"),
		S("+OK 120 octets\r\nSubject: how to\r\n\r\n"
		  "+OK\r\n-ERR\r\n..USER x\r\n.\r\n"),
		C("NOOP\r\n"),
		S("+OK\r\n"),
	};

	DR_SCRIPT(&ctx, &pop3_dissector, 110, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_FAILURE);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_stls(void)
{
	static const struct dr_step s[] = {
		S(GREETING),
		C("STLS\r\n"),
		S("+OK Begin TLS negotiation\r\n"),
		C("USER x\r\nPASS y\r\n"),
	};

	DR_SCRIPT(&ctx, &pop3_dissector, 110, s, DR_WHOLE);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

UNIT_MAIN("pop3",
    { "USER/PASS success", test_userpass_success },
    { "USER/PASS byte by byte", test_userpass_bytewise },
    { "pipelined failure then success", test_pipelined_failure_then_success },
    { "APOP", test_apop },
    { "AUTH PLAIN, both forms", test_auth_plain_forms },
    { "AUTH LOGIN byte by byte", test_auth_login_bytewise },
    { "AUTH CRAM-MD5 and XOAUTH2", test_auth_cram_and_xoauth2 },
    { "cancel and malformed", test_cancel_and_malformed },
    { "command words inside a message", test_lookalike_in_message },
    { "STLS", test_stls })
