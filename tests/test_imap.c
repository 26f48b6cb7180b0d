/*
 * test_imap.c - the IMAP dissector: LOGIN with atoms, quoted strings and
 * literals, AUTHENTICATE with SASL-IR and continuations, tagged outcomes,
 * STARTTLS, literals in both directions that hide look-alike commands.
 */
#include <string.h>

#include "dissector_run.h"
#include "unit.h"

extern const struct dissector imap_dissector;
static struct dctx ctx;

#define GREETING "* OK [CAPABILITY IMAP4rev1 SASL-IR] Dovecot ready.\r\n"

static const struct dr_step login_atoms[] = {
	S(GREETING),
	C("a1 LOGIN alice wonderland\r\n"),
	S("a1 OK [CAPABILITY IMAP4rev1] Logged in\r\n"),
};

static void
test_login_atoms(void)
{
	DR_SCRIPT(&ctx, &imap_dissector, 143, login_atoms, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "imap", "LOGIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "alice", "wonderland");
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_login_atoms_bytewise(void)
{
	DR_SCRIPT(&ctx, &imap_dissector, 143, login_atoms, DR_BYTES);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "imap", "LOGIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "alice", "wonderland");
}

static void
test_login_quoted_escapes(void)
{
	/* user "bob smith", password: say "hi" \o/ -> escaped quotes and
	 * backslash; the server says NO. */
	static const struct dr_step s[] = {
		C("A0001 login \"bob smith\" \"say \\\"hi\\\" \\\\o/\"\r\n"),
		S("A0001 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n"),
	};

	DR_SCRIPT(&ctx, &imap_dissector, 143, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "imap", "LOGIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "bob smith", "say \"hi\" \\o/");
}

static void
test_login_literals_bytewise(void)
{
	/* Synchronizing literal user (waits for "+"), non-synchronizing
	 * literal password holding CRLF and a quote. */
	static const struct dr_step s[] = {
		S(GREETING),
		C("x LOGIN {5}\r\n"),
		S("+ Ready for literal data\r\n"),
		C("carol {7+}\r\np\"w\r\n!!\r\n"),
		S("* CAPABILITY IMAP4rev1\r\nx OK done\r\n"),
	};

	DR_SCRIPT(&ctx, &imap_dissector, 143, s, DR_BYTES);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "imap", "LOGIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "carol", "p\"w\r\n!!");
}

static void
test_authenticate(void)
{
	/* SASL-IR PLAIN ("\0alice\0wonderland") refused, then PLAIN by
	 * continuation ("admin\0bob\0pw2") accepted, OAUTHBEARER for erin. */
	static const struct dr_step s[] = {
		S(GREETING),
		C("a AUTHENTICATE PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n"),
		S("a NO [AUTHENTICATIONFAILED] failed\r\n"),
		C("b AUTHENTICATE PLAIN\r\n"),
		S("+\r\n"),
		C("YWRtaW4AYm9iAHB3Mg==\r\n"),
		S("b OK logged in\r\n"),
		C("c AUTHENTICATE OAUTHBEARER bixhPWVyaW5AZXhhbXBsZS5jb20sAWhv"
		    "c3Q9bWFpbAFwb3J0PTk5MwFhdXRoPUJlYXJlciBleUoudG9rAQE=\r\n"),
		S("c OK\r\n"),
	};

	DR_SCRIPT(&ctx, &imap_dissector, 143, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 3);
	DR_EXPECT(&ctx, 0, "imap", "AUTHENTICATE PLAIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "alice", "wonderland");
	DR_EXPECT(&ctx, 1, "imap", "AUTHENTICATE PLAIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "bob", "pw2");
	DR_EXPECT(&ctx, 2, "imap", "AUTHENTICATE OAUTHBEARER", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "erin@example.com", "eyJ.tok");
}

static void
test_authenticate_login_bytewise(void)
{
	/* AUTHENTICATE LOGIN: "carol" then "Secret!" */
	static const struct dr_step s[] = {
		C("t1 AUTHENTICATE LOGIN\r\n"),
		S("+ VXNlcm5hbWU6\r\n"),
		C("Y2Fyb2w=\r\n"),
		S("+ UGFzc3dvcmQ6\r\n"),
		C("U2VjcmV0IQ==\r\n"),
		S("t1 BAD\r\n"),
	};

	DR_SCRIPT(&ctx, &imap_dissector, 143, s, DR_BYTES);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "imap", "AUTHENTICATE LOGIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "carol", "Secret!");
}

static void
test_tag_matching(void)
{
	/* Other tags' completions do not decide the login's outcome; the
	 * flow ends before "L" is answered. */
	static const struct dr_step s[] = {
		C("n1 NOOP\r\nL LOGIN dave pw\r\n"),
		S("n1 OK NOOP completed\r\n* 3 EXISTS\r\n"),
	};

	DR_SCRIPT(&ctx, &imap_dissector, 143, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_UNKNOWN);
}

static void
test_malformed(void)
{
	/* Missing password, an unterminated quote, a bad escape, a huge
	 * literal (last: its bytes would be skipped): none is a login. */
	static const struct dr_step s[] = {
		C("a LOGIN onlyuser\r\n"),
		C("b LOGIN \"x\r\n"),
		C("d LOGIN \"a\\b\" pw\r\n"),
		C("c LOGIN {99999}\r\n"),
		S("a BAD\r\nb BAD\r\nd BAD\r\nc BAD\r\n"),
	};

	DR_SCRIPT(&ctx, &imap_dissector, 143, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "imap_login_malformed"), 4);
}

static void
test_lookalike_in_literals(void)
{
	/* An APPENDed message and a FETCHed one hold IMAP lines; both are
	 * literals skipped by count. */
	static const char msg[] = "Subject: x\r\n\r\nz LOGIN eve secret\r\n";
	static const char fetched[] = "a9 OK\r\nq LOGIN x y\r\n";
	static const struct dr_step s[] = {
		C("a9 LOGIN frank pw\r\n"),
		C("ap APPEND INBOX {34}\r\n"),
		C(msg),
		C("\r\n"),
		S("* 1 FETCH (BODY[] {20}\r\n"),
		S(fetched),
		S(")\r\n"),
		S("a9 NO bad\r\n"),
	};

	CU_ASSERT_EQUAL(strlen(msg), 34);
	CU_ASSERT_EQUAL(strlen(fetched), 20);
	DR_SCRIPT(&ctx, &imap_dissector, 143, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "imap", "LOGIN", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "frank", "pw");
}

static void
test_starttls(void)
{
	static const struct dr_step s[] = {
		S(GREETING),
		C("s STARTTLS\r\n"),
		S("s OK Begin TLS negotiation now\r\n"),
		C("a LOGIN x y\r\n"),
	};

	DR_SCRIPT(&ctx, &imap_dissector, 143, s, DR_WHOLE);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

UNIT_MAIN("imap",
    { "LOGIN atoms", test_login_atoms },
    { "LOGIN atoms, byte by byte", test_login_atoms_bytewise },
    { "LOGIN quoted with escapes", test_login_quoted_escapes },
    { "LOGIN literals, byte by byte", test_login_literals_bytewise },
    { "AUTHENTICATE PLAIN / OAUTHBEARER", test_authenticate },
    { "AUTHENTICATE LOGIN byte by byte", test_authenticate_login_bytewise },
    { "tag matching", test_tag_matching },
    { "malformed LOGIN", test_malformed },
    { "look-alikes inside literals", test_lookalike_in_literals },
    { "STARTTLS", test_starttls })
