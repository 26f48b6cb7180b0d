/*
 * test_ftp.c - the FTP dissector: USER/PASS outcomes, anonymous, USER-only
 * logins, AUTH TLS, split segments, malformed and look-alike traffic.
 */
#include <string.h>

#include "dissector_run.h"
#include "unit.h"

extern const struct dissector ftp_dissector;
static struct dctx ctx;

/* A successful login: greeting, USER, 331, PASS, 230. */
static const struct dr_step ftp_ok[] = {
	S("220 ProFTPD Server ready.\r\n"),
	C("USER alice\r\n"),
	S("331 Password required for alice\r\n"),
	C("PASS s3cr3t pw\r\n"),		/* a password with a space */
	S("230 User alice logged in\r\n"),
	C("QUIT\r\n"),
	S("221 Goodbye.\r\n"),
};

static void
check_ok(void)
{
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].proto, "ftp");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].mechanism, "USER/PASS");
	CU_ASSERT_EQUAL(ctx.facts[0].cls, CRED_CLEARTEXT);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "alice");
	CU_ASSERT_EQUAL(ctx.facts[0].secret_len, 9);
	CU_ASSERT(memcmp(ctx.facts[0].secret, "s3cr3t pw", 9) == 0);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_success(void)
{
	DR_SCRIPT(&ctx, &ftp_dissector, 21, ftp_ok, DR_WHOLE);
	check_ok();
}

static void
test_success_bytewise(void)
{
	DR_SCRIPT(&ctx, &ftp_dissector, 21, ftp_ok, DR_BYTES);
	check_ok();
}

static void
test_failure_multiline(void)
{
	/* 530 as a multi-line reply; only its last line decides. */
	static const struct dr_step s[] = {
		S("220-Welcome\r\n220-230 is not a reply here\r\n220 Ready\r\n"),
		C("user bob\r\n"),
		S("331 Password required\r\n"),
		C("pass wrong\r\n"),
		S("530-Login incorrect.\r\n 230 in text\r\n530 Bye\r\n"),
	};

	DR_SCRIPT(&ctx, &ftp_dissector, 21, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_FAILURE);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "bob");
}

static void
test_anonymous(void)
{
	static const struct dr_step s[] = {
		C("USER anonymous\r\n"),
		S("331 Guest login ok, send your email as password.\r\n"),
		C("PASS guest@example.org\r\n"),
		S("230 Guest login ok.\r\n"),
	};

	DR_SCRIPT(&ctx, &ftp_dissector, 21, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].cls, CRED_NONE);
	CU_ASSERT_EQUAL(fake_extra_num(&ctx.facts[0], "anonymous"), 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_SUCCESS);
}

static void
test_user_only_230(void)
{
	static const struct dr_step s[] = {
		C("USER carol\r\n"),
		S("230 Logged in without a password.\r\n"),
	};

	DR_SCRIPT(&ctx, &ftp_dissector, 21, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].cls, CRED_NONE);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].mechanism, "USER");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "carol");
	CU_ASSERT_EQUAL(ctx.facts[0].secret_len, 0);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_SUCCESS);
}

static void
test_user_refused(void)
{
	/* The server refuses the name itself (nDPI's ftp_failed sample). */
	static const struct dr_step s[] = {
		S("220 Ready\r\n"),
		C("USER hello\r\n"),
		S("530 This FTP server is anonymous only.\r\n"),
	};

	DR_SCRIPT(&ctx, &ftp_dissector, 21, s, DR_BYTES);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].cls, CRED_CLEARTEXT);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].mechanism, "USER");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "hello");
	CU_ASSERT_EQUAL(ctx.facts[0].secret_len, 0);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_FAILURE);
}

static void
test_pipelined_retries(void)
{
	/* Two attempts in one segment each way: fail, then succeed. */
	static const struct dr_step s[] = {
		C("USER dave\r\nPASS one\r\n"),
		S("331 Password required\r\n530 Login incorrect.\r\n"),
		C("USER dave\r\nPASS two\r\n"),
		S("331 Password required\r\n230 Logged in.\r\n"),
	};

	DR_SCRIPT(&ctx, &ftp_dissector, 21, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_FAILURE);
	CU_ASSERT(memcmp(ctx.facts[0].secret, "one", 3) == 0);
	CU_ASSERT_EQUAL(ctx.facts[1].outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT(memcmp(ctx.facts[1].secret, "two", 3) == 0);
}

static void
test_flow_ends_before_reply(void)
{
	static const struct dr_step s[] = {
		C("USER erin\r\nPASS pw\r\n"),
	};

	DR_SCRIPT(&ctx, &ftp_dissector, 21, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_UNKNOWN);
}

static void
test_auth_tls_stops(void)
{
	static const struct dr_step s[] = {
		C("AUTH TLS\r\n"),
		S("234 Proceed with negotiation.\r\n"),
		C("USER ignored\r\nPASS ignored\r\n"),
	};

	DR_SCRIPT(&ctx, &ftp_dissector, 21, s, DR_WHOLE);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

static void
test_auth_tls_refused(void)
{
	/* AUTH refused: the session goes on in cleartext. */
	static const struct dr_step s[] = {
		C("AUTH TLS\r\n"),
		S("534 Policy denies request.\r\n"),
		C("USER frank\r\nPASS pw\r\n"),
		S("331 ok\r\n230 ok\r\n"),
	};

	DR_SCRIPT(&ctx, &ftp_dissector, 21, s, DR_WHOLE);
	CU_ASSERT(!ctx.done);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
}

static void
test_malformed(void)
{
	/* Binary garbage for replies, an over-long line, an empty USER. */
	static const char junk[] = "\x16\x03\x01\x02\x00\x01\r\n";
	char big[4000];
	struct dr_step s[] = {
		C("USER\r\n"),
		SB(junk),
		C(big),
		C("\r\n"),
	};

	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	DR_SCRIPT(&ctx, &ftp_dissector, 21, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "ftp_user_empty"), 1);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "ftp_bad_reply"), 1);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "ftp_line_too_long"), 1);
}

static void
test_lookalike(void)
{
	/* The words in other commands, in server text and in a SITE command. */
	static const struct dr_step s[] = {
		S("220 Say USER x then PASS y\r\n"),
		C("HELP USER\r\n"),
		C("SITE PASS foo\r\n"),
		C("XUSER bob\r\nUSERS bob\r\n PASS x\r\n"),
		S("230 fine\r\n"),
	};

	DR_SCRIPT(&ctx, &ftp_dissector, 21, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

static void
test_probe(void)
{
	static const char ftp[] = "220 (vsFTPd 3.0.3)\r\n";
	static const char smtp[] = "220 mx.ftp.example ESMTP Postfix\r\n";

	CU_ASSERT(ftp_dissector.probe((const uint8_t *)ftp, strlen(ftp),
	    DIR_TO_CLIENT));
	CU_ASSERT(!ftp_dissector.probe((const uint8_t *)smtp, strlen(smtp),
	    DIR_TO_CLIENT));
	CU_ASSERT(!ftp_dissector.probe((const uint8_t *)ftp, strlen(ftp),
	    DIR_TO_SERVER));
}

UNIT_MAIN("ftp",
    { "USER/PASS success", test_success },
    { "USER/PASS success, byte by byte", test_success_bytewise },
    { "530 in a multi-line reply", test_failure_multiline },
    { "anonymous", test_anonymous },
    { "USER answered 230", test_user_only_230 },
    { "pipelined retries", test_pipelined_retries },
    { "flow ends before the reply", test_flow_ends_before_reply },
    { "AUTH TLS stops", test_auth_tls_stops },
    { "AUTH TLS refused", test_auth_tls_refused },
    { "USER refused before PASS", test_user_refused },
    { "malformed input", test_malformed },
    { "look-alike keywords", test_lookalike },
    { "probe", test_probe })
