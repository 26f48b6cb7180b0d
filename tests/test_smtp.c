/*
 * test_smtp.c - the SMTP dissector: AUTH PLAIN / LOGIN in initial-response
 * and 334 forms, XOAUTH2 with its error challenge, pipelining, STARTTLS,
 * and AUTH lines hidden in DATA and BDAT message content.
 */
#include <string.h>

#include "dissector_run.h"
#include "unit.h"

extern const struct dissector smtp_dissector;
static struct dctx ctx;

#define GREETING "220 mx.example.org ESMTP Postfix\r\n"
#define EHLO_REPLY "250-mx.example.org\r\n250-PIPELINING\r\n" \
	"250-AUTH PLAIN LOGIN XOAUTH2\r\n250 8BITMIME\r\n"

static const struct dr_step plain_ir[] = {
	S(GREETING),
	C("EHLO client.example\r\n"),
	S(EHLO_REPLY),
	/* "\0alice\0wonderland" */
	C("AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n"),
	S("235 2.7.0 Authentication successful\r\n"),
	C("QUIT\r\n"),
	S("221 2.0.0 Bye\r\n"),
};

static void
test_plain_ir(void)
{
	DR_SCRIPT(&ctx, &smtp_dissector, 587, plain_ir, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "smtp", "AUTH PLAIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "alice", "wonderland");
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_plain_ir_bytewise(void)
{
	DR_SCRIPT(&ctx, &smtp_dissector, 587, plain_ir, DR_BYTES);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "smtp", "AUTH PLAIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "alice", "wonderland");
}

static void
test_login_failure_then_plain_continuation(void)
{
	/* LOGIN "carol"/"Secret!" refused 535, then PLAIN after an empty
	 * 334 ("admin\0bob\0pw2") accepted. */
	static const struct dr_step s[] = {
		S(GREETING),
		C("EHLO c\r\n"),
		S(EHLO_REPLY),
		C("AUTH LOGIN\r\n"),
		S("334 VXNlcm5hbWU6\r\n"),
		C("Y2Fyb2w=\r\n"),
		S("334 UGFzc3dvcmQ6\r\n"),
		C("U2VjcmV0IQ==\r\n"),
		S("535 5.7.8 Error: authentication failed\r\n"),
		C("AUTH PLAIN\r\n"),
		S("334 \r\n"),
		C("YWRtaW4AYm9iAHB3Mg==\r\n"),
		S("235 2.7.0 Authentication successful\r\n"),
	};

	DR_SCRIPT(&ctx, &smtp_dissector, 25, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	DR_EXPECT(&ctx, 0, "smtp", "AUTH LOGIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "carol", "Secret!");
	DR_EXPECT(&ctx, 1, "smtp", "AUTH PLAIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "bob", "pw2");
}

static void
test_login_initial_response(void)
{
	/* AUTH LOGIN with the user on the command line. */
	static const struct dr_step s[] = {
		S(GREETING),
		C("EHLO c\r\n"),
		S(EHLO_REPLY),
		C("AUTH LOGIN Y2Fyb2w=\r\n"),
		S("334 UGFzc3dvcmQ6\r\n"),
		C("U2VjcmV0IQ==\r\n"),
		S("235 ok\r\n"),
	};

	DR_SCRIPT(&ctx, &smtp_dissector, 587, s, DR_BYTES);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "smtp", "AUTH LOGIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "carol", "Secret!");
}

static void
test_xoauth2_error_challenge(void)
{
	/* XOAUTH2 for dave: the server answers with a base64 JSON error,
	 * the client sends an empty line, then 535. */
	static const struct dr_step s[] = {
		S(GREETING),
		C("AUTH XOAUTH2 dXNlcj1kYXZlQGV4YW1wbGUuY29tAWF1dGg9QmVhcmVyIHlh"
		    "MjkuVE9LRU4BAQ==\r\n"),
		S("334 eyJzdGF0dXMiOiI0MDEifQ==\r\n"),
		C("\r\n"),
		S("535 5.7.8 Username and Password not accepted\r\n"),
	};

	DR_SCRIPT(&ctx, &smtp_dissector, 587, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "smtp", "AUTH XOAUTH2", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "dave@example.com", "ya29.TOKEN");
}

static void
test_auth_in_message_bodies(void)
{
	/* Pipelined MAIL/RCPT/DATA; the body and a BDAT chunk contain AUTH
	 * lines with valid base64; a real AUTH after them fails. */
	static const char chunk[] = "AUTH PLAIN AGV2ZQBzZWNyZXQ=\r\n";
	static const struct dr_step s[] = {
		S(GREETING),
		C("EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
		S(EHLO_REPLY "250 ok\r\n250 ok\r\n354 go ahead\r\n"),
		C("Subject: AUTH\r\n\r\nAUTH PLAIN AGV2ZQBzZWNyZXQ=\r\n"
		  "..\r\n.\r\n"),
		S("250 queued\r\n"),
		C("BDAT 29 LAST\r\n"),
		C(chunk),
		S("250 ok\r\n"),
		C("AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n"),
		S("535 no\r\n"),
	};

	CU_ASSERT_EQUAL(strlen(chunk), 29);
	DR_SCRIPT(&ctx, &smtp_dissector, 25, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "smtp", "AUTH PLAIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "alice", "wonderland");
}

static void
test_data_refused(void)
{
	/* DATA refused (no valid recipients): what follows are commands. */
	static const struct dr_step s[] = {
		S(GREETING),
		C("DATA\r\n"),
		S("554 5.5.1 Error: no valid recipients\r\n"),
		C("AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n"),
		S("235 ok\r\n"),
	};

	DR_SCRIPT(&ctx, &smtp_dissector, 25, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_SUCCESS);
}

static void
test_malformed(void)
{
	/* Bad base64, a reply that is no reply, a broken BDAT size, an
	 * unanswered cancel. */
	static const struct dr_step s[] = {
		S(GREETING),
		C("AUTH PLAIN @@@@\r\n"),
		S("501 bad\r\n"),
		S("hello there\r\n"),
		C("BDAT x LAST\r\n"),
		C("AUTH LOGIN\r\n"),
		C("*\r\n"),
	};

	DR_SCRIPT(&ctx, &smtp_dissector, 25, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "sasl_bad_base64"), 1);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "smtp_bad_reply"), 1);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "smtp_bdat_malformed"), 1);
}

static void
test_starttls(void)
{
	static const struct dr_step s[] = {
		S(GREETING),
		C("EHLO c\r\n"),
		S(EHLO_REPLY),
		C("STARTTLS\r\n"),
		S("220 2.0.0 Ready to start TLS\r\n"),
		C("AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n"),
	};

	DR_SCRIPT(&ctx, &smtp_dissector, 25, s, DR_WHOLE);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

static void
test_probe(void)
{
	CU_ASSERT(smtp_dissector.probe((const uint8_t *)GREETING,
	    strlen(GREETING), DIR_TO_CLIENT));
	CU_ASSERT(!smtp_dissector.probe((const uint8_t *)"220 FTP\r\n", 9,
	    DIR_TO_CLIENT));
}

UNIT_MAIN("smtp",
    { "AUTH PLAIN initial response", test_plain_ir },
    { "AUTH PLAIN byte by byte", test_plain_ir_bytewise },
    { "LOGIN failure, PLAIN continuation", test_login_failure_then_plain_continuation },
    { "AUTH LOGIN initial response", test_login_initial_response },
    { "XOAUTH2 error challenge", test_xoauth2_error_challenge },
    { "AUTH inside DATA and BDAT", test_auth_in_message_bodies },
    { "DATA refused", test_data_refused },
    { "malformed input", test_malformed },
    { "STARTTLS", test_starttls },
    { "probe", test_probe })
