/*
 * test_telnet.c - the Telnet dissector: IAC stripping, echoed keystrokes,
 * line editing, prompts, verdicts, retries, and look-alike output.
 */
#include <string.h>

#include "dissector_run.h"
#include "unit.h"

extern const struct dissector telnet_dissector;
static struct dctx ctx;
static void *st;

static void
start(void)
{
	st = dr_state(&telnet_dissector);
	fake_dctx_reset(&ctx, 23);
}

static void
finish(void)
{
	dr_end(&ctx, &telnet_dissector, st);
}

static void
server(const char *s)
{
	fake_feeds(&ctx, &telnet_dissector, st, DIR_TO_CLIENT, s);
}

static void
client(const void *s, size_t n)
{
	fake_feed(&ctx, &telnet_dissector, st, DIR_TO_SERVER, s, n);
}

/* The user types s one key per segment; the server echoes each key. */
static void
type_echoed(const char *s)
{
	char echo[2] = { 0, 0 };

	for (; *s; s++) {
		client(s, 1);
		echo[0] = *s;
		if (*s != '\r')
			server(echo);
	}
}

/* Option negotiation as a Linux telnetd opens: DO TTYPE, WILL ECHO ... */
static const char negotiation[] = "\xff\xfd\x18\xff\xfd\x20\xff\xfb\x01"
    "\xff\xfb\x03";
/* The client's answer, with a TTYPE subnegotiation "xterm". */
static const char client_neg[] = "\xff\xfb\x18\xff\xfa\x18\x00xterm\xff\xf0"
    "\xff\xfd\x01";

static void
test_linux_success(void)
{
	start();
	server(negotiation);
	client(client_neg, sizeof(client_neg) - 1);
	server("Ubuntu 22.04 LTS\r\nhost login: ");
	type_echoed("alicx\x7f" "e\r");		/* a typo fixed with DEL */
	server("\r\nPassword: ");
	client("s", 1);				/* no echo for passwords */
	client("3", 1);
	client("\xff\xff", 2);			/* IAC IAC: a literal 0xff */
	client("\r\0", 2);			/* CR NUL ends the line */
	server("\r\nLast login: Tue Mar  5 10:00:00 2024\r\n");
	server("alice@host:~$ ");
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "telnet", "login", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "alice", "s3\xff");
	finish();
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_cisco_retry(void)
{
	start();
	server("\r\n\r\nUser Access Verification\r\n\r\nUsername: ");
	type_echoed("bob\r");
	server("\r\nPassword: ");
	client("wrong\r\n", 7);
	server("\r\n% Authentication failed\r\n\r\nUsername: ");
	type_echoed("bob\r");
	server("\r\nPassword: ");
	client("right\r\n", 7);
	server("\r\nrouter1>");
	finish();
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	DR_EXPECT(&ctx, 0, "telnet", "login", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "bob", "wrong");
	DR_EXPECT(&ctx, 1, "telnet", "login", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "bob", "right");
}

static void
test_password_only_unknown(void)
{
	/* A device that asks only for a password; the flow ends silently. */
	start();
	server("\r\nPassword:");
	client("enable", 6);
	client("\r", 1);
	client("\n", 1);
	finish();
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "telnet", "login", CRED_CLEARTEXT,
	    CRED_OUTCOME_UNKNOWN, NULL, "enable");
}

static void
test_bytewise_script(void)
{
	/* Whole exchange fed one byte per segment, ^U kills a line. */
	static const struct dr_step s[] = {
		S("\xff\xfb\x01login: "),
		C("zzz\x15root\r\n"),
		S("root\r\nPassword: "),
		C("toor\r\n"),
		S("\r\nLogin incorrect\r\n"),
	};

	DR_SCRIPT(&ctx, &telnet_dissector, 23, s, DR_BYTES);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "telnet", "login", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "root", "toor");
}

static void
test_malformed(void)
{
	/* IAC SB with a bare IAC inside, and a typed line far too long. */
	static const char bad_sb[] = "\xff\xfa\x18\x01\xff\x41\xff\xf0";
	char longline[600];

	memset(longline, 'x', sizeof(longline));
	start();
	server(bad_sb);
	server("login: ");
	client(longline, sizeof(longline));
	client("\r\n", 2);
	finish();
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "telnet_bad_subnegotiation"),
	    1);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "telnet_line_too_long"), 1);
}

static void
test_lookalike(void)
{
	/* Prompt words mid-output, and the client typing them. */
	static const struct dr_step s[] = {
		S("$ cat notes\r\nPassword: is asked at login: time\r\n$ "),
		C("echo Password: hunter2\r\n"),
		S("Password: hunter2\r\n$ "),
		C("login: root\r\n"),
	};

	DR_SCRIPT(&ctx, &telnet_dissector, 23, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

/* A console server's reverse Telnet port: already at the device's CLI. */
static void
test_console_at_prompt(void)
{
	start();
	server(negotiation);
	client(client_neg, sizeof(client_neg) - 1);
	server("\r\nFGT60E # ");
	type_echoed("diagnose sniffer packet any 'port 21' 4\r");
	server("\r\ninterfaces=[any]\r\n");
	finish();
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL_FATAL(ctx.ncommands, 1);
	CU_ASSERT_STRING_EQUAL(ctx.commands[0].line,
	    "diagnose sniffer packet any 'port 21' 4");
}

/* Output that is no prompt: what the client types is no command. */
static void
test_console_no_prompt(void)
{
	start();
	server(negotiation);
	server("<html><body>hello</body></html>");
	type_echoed("tcpdump -i any -w /tmp/x.pcap\r");
	server("\r\n100%");
	type_echoed("tcpdump -i any\r");
	finish();
	CU_ASSERT_EQUAL(ctx.ncommands, 0);
}

static void
test_probe(void)
{
	CU_ASSERT(telnet_dissector.probe((const uint8_t *)negotiation,
	    sizeof(negotiation) - 1, DIR_TO_CLIENT));
	CU_ASSERT(!telnet_dissector.probe((const uint8_t *)"login: ", 7,
	    DIR_TO_CLIENT));
}

UNIT_MAIN("telnet",
    { "Linux login with echo and negotiation", test_linux_success },
    { "Cisco failure then success", test_cisco_retry },
    { "password-only prompt, flow ends", test_password_only_unknown },
    { "byte by byte, ^U", test_bytewise_script },
    { "malformed input", test_malformed },
    { "look-alike output", test_lookalike },
    { "console already at a CLI prompt", test_console_at_prompt },
    { "no prompt, no command", test_console_no_prompt },
    { "probe", test_probe })
