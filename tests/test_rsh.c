/*
 * test_rsh.c - the r-commands dissector: rexec passwords, rsh and rlogin
 * trust logins, rlogin's password fallback, broken handshakes.
 */
#include <string.h>

#include "dissector_run.h"
#include "unit.h"

extern const struct dissector rsh_dissector;
static struct dctx ctx;

/* rexec: stderr port 1023, user, password, command. */
static const char rexec_hs[] = "1023\0alice\0pw!\0id -a\0";
/* rsh: no stderr port, client user, server user, command. */
static const char rsh_hs[] = "\0bob\0root\0cat /etc/shadow\0";
/* rlogin: empty, client user, server user, terminal/speed. */
static const char rlogin_hs[] = "\0carol\0carol\0xterm/38400\0";

static void
test_rexec_success(void)
{
	static const struct dr_step s[] = {
		CB(rexec_hs),
		SB("\0uid=1000(alice)\n"),
	};

	DR_SCRIPT(&ctx, &rsh_dissector, 512, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "rexec", "rexec", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "alice", "pw!");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "command"),
	    "id -a");
	CU_ASSERT(ctx.done);
}

static void
test_rexec_failure_bytewise(void)
{
	static const struct dr_step s[] = {
		CB(rexec_hs),
		SB("\1Login incorrect.\n"),
	};

	DR_SCRIPT(&ctx, &rsh_dissector, 512, s, DR_BYTES);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "rexec", "rexec", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "alice", "pw!");
}

static void
test_rsh_trust(void)
{
	static const struct dr_step s[] = {
		CB(rsh_hs),
		SB("\0root:x:0:0\n"),
	};

	DR_SCRIPT(&ctx, &rsh_dissector, 514, s, DR_BYTES);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "rsh", "rhosts", CRED_NONE, CRED_OUTCOME_SUCCESS,
	    "root", NULL);
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "client_user"),
	    "bob");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "command"),
	    "cat /etc/shadow");
}

static void
test_rlogin_trusted(void)
{
	static const struct dr_step s[] = {
		CB(rlogin_hs),
		SB("\0"),
		S("Last login: Mon from 10.0.0.5\r\ncarol@h:~$ "),
	};

	DR_SCRIPT(&ctx, &rsh_dissector, 513, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "rlogin", "rhosts", CRED_NONE,
	    CRED_OUTCOME_SUCCESS, "carol", NULL);
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "terminal"),
	    "xterm/38400");
}

static void
test_rlogin_password_fallback(void)
{
	/* Not trusted: two facts, the trust failure and the typed password. */
	static const struct dr_step s[] = {
		CB(rlogin_hs),
		SB("\0Password: "),
		C("letmein\r"),
		S("\r\nLogin incorrect\r\n"),
	};

	DR_SCRIPT(&ctx, &rsh_dissector, 513, s, DR_BYTES);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	DR_EXPECT(&ctx, 0, "rlogin", "rhosts", CRED_NONE,
	    CRED_OUTCOME_FAILURE, "carol", NULL);
	DR_EXPECT(&ctx, 1, "rlogin", "password", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "carol", "letmein");
}

static void
test_truncated(void)
{
	/* The flow ends inside the handshake (no command yet): no fact. */
	static const char cut[] = "1023\0alice\0pw";
	static const struct dr_step s[] = { CB(cut) };

	DR_SCRIPT(&ctx, &rsh_dissector, 512, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "rsh_handshake_truncated"), 1);
}

static void
test_malformed(void)
{
	/* A port that is not a number; a control byte in a user name. */
	static const char badport[] = "80x\0alice\0pw\0ls\0";
	static const char badname[] = "\0ca\x01rol\0carol\0vt100/9600\0";
	static const struct dr_step s1[] = { CB(badport) };
	static const struct dr_step s2[] = { CB(badname) };

	DR_SCRIPT(&ctx, &rsh_dissector, 512, s1, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "rsh_bad_handshake"), 1);
	CU_ASSERT(ctx.done);
	DR_SCRIPT(&ctx, &rsh_dissector, 513, s2, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "rsh_bad_handshake"), 1);
}

static void
test_not_rsh(void)
{
	/* HTTP sent to 514, never a NUL within bounds; and server-first. */
	char big[2000];
	static const struct dr_step s2[] = {
		S("SSH-2.0-OpenSSH_9.6\r\n"),
		CB("0\0a\0b\0c\0"),
	};
	struct dr_step s1[] = { C(big) };

	memset(big, 'G', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	DR_SCRIPT(&ctx, &rsh_dissector, 514, s1, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "rsh_bad_handshake"), 1);
	DR_SCRIPT(&ctx, &rsh_dissector, 514, s2, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "rsh_server_first"), 1);
}

static void
test_flow_ends_early(void)
{
	static const struct dr_step s[] = { CB(rsh_hs) };

	DR_SCRIPT(&ctx, &rsh_dissector, 514, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_UNKNOWN);
}

UNIT_MAIN("rsh",
    { "rexec success", test_rexec_success },
    { "rexec failure, byte by byte", test_rexec_failure_bytewise },
    { "rsh trust login", test_rsh_trust },
    { "rlogin trusted", test_rlogin_trusted },
    { "rlogin password fallback", test_rlogin_password_fallback },
    { "truncated handshake", test_truncated },
    { "malformed handshakes", test_malformed },
    { "not rsh at all", test_not_rsh },
    { "flow ends before the reply", test_flow_ends_early })
