/*
 * test_socks.c - SOCKS: RFC 1929 login success (with the destination) and
 * failure, byte by byte, pipelined client, no-auth SOCKS5, SOCKS4 and 4a
 * user ids, truncation, malformed and look-alike data, the probe.
 */
#include <string.h>

#include "dissector_run.h"
#include "unit.h"

extern const struct dissector socks_dissector;
static struct dctx ctx;

/* SOCKS5 with username/password, CONNECT 10.99.0.2:80, then HTTP. */
static const struct dr_step socks5_ok[] = {
	CB("\x05\x02\x00\x02"),			/* VER 5, 2 methods: none, user/pass */
	SB("\x05\x02"),				/* method user/pass chosen */
	CB("\x01\x05" "alice" "\x07" "s3cr3t!"),	/* RFC 1929: ULEN UNAME PLEN PASSWD */
	SB("\x01\x00"),				/* status 0: success */
	CB("\x05\x01\x00\x01\x0a\x63\x00\x02\x00\x50"), /* CONNECT IPv4 10.99.0.2 port 80 */
	SB("\x05\x00\x00\x01\x0a\x63\x00\x02\xc9\x5c"), /* succeeded, bound address */
	C("GET / HTTP/1.1\r\n\r\n"),
	S("HTTP/1.1 200 OK\r\n\r\n"),
};

static void
check_ok(void)
{
	DR_EXPECT(&ctx, 0, "socks", "username/password", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "alice", "s3cr3t!");
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "destination"),
	    "10.99.0.2:80");
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_userpass_success(void)
{
	DR_SCRIPT(&ctx, &socks_dissector, 1080, socks5_ok, DR_WHOLE);
	check_ok();
}

static void
test_userpass_success_bytewise(void)
{
	DR_SCRIPT(&ctx, &socks_dissector, 1080, socks5_ok, DR_BYTES);
	check_ok();
}

static void
test_userpass_failure(void)
{
	static const struct dr_step s[] = {
		CB("\x05\x01\x02"),
		SB("\x05\x02"),
		CB("\x01\x03" "bob" "\x05" "wrong"),
		SB("\x01\x01"),			/* status 1: failure */
	};

	DR_SCRIPT(&ctx, &socks_dissector, 1080, s, DR_WHOLE);
	DR_EXPECT(&ctx, 0, "socks", "username/password", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "bob", "wrong");
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	CU_ASSERT(ctx.done);
}

static void
test_pipelined_domain(void)
{
	/* greeting, login and a CONNECT to a host name in one segment */
	static const struct dr_step s[] = {
		CB("\x05\x01\x02" "\x01\x01" "u" "\x01" "p"
		    "\x05\x01\x00\x03\x0b" "example.org" "\x01\xbb"),
		SB("\x05\x02" "\x01\x00"
		    "\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00"),
	};

	CU_ASSERT(socks_dissector.probe((const uint8_t *)s[0].data, s[0].len,
	    DIR_TO_SERVER));
	DR_SCRIPT(&ctx, &socks_dissector, 1080, s, DR_WHOLE);
	DR_EXPECT(&ctx, 0, "socks", "username/password", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "u", "p");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "destination"),
	    "example.org:443");
}

static void
test_no_auth(void)
{
	static const struct dr_step s[] = {
		CB("\x05\x01\x00"),
		SB("\x05\x00"),
		CB("\x05\x01\x00\x04" "\x20\x01\x0d\xb8\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\x01" "\x00\x16"),
		SB("\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00"),
	};

	DR_SCRIPT(&ctx, &socks_dissector, 1080, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
	/* No login, but the request is a proxy fact. */
	CU_ASSERT_EQUAL_FATAL(ctx.nproxy, 1);
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].method, "SOCKS5");
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].command, "CONNECT");
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].host, "2001:db8::1");
	CU_ASSERT_EQUAL(ctx.proxy[0].port, 22);
	CU_ASSERT_EQUAL(ctx.proxy[0].outcome, CRED_OUTCOME_SUCCESS);
}

static void
test_socks4(void)
{
	static const struct dr_step granted[] = {
		CB("\x04\x01\x00\x50\xc0\x00\x02\x01" "fred\x00"), /* CONNECT 192.0.2.1:80, user fred */
		SB("\x00\x5a\x00\x00\x00\x00\x00\x00"),	/* 90: granted */
	};
	static const struct dr_step rejected_4a[] = {
		CB("\x04\x01\x01\xbb\x00\x00\x00\x01" "joe\x00"
		    "www.example.com\x00"),		/* 4a: host name */
		SB("\x00\x5b\x00\x00\x00\x00\x00\x00"),	/* 91: rejected */
	};
	static const struct dr_step anonymous[] = {
		CB("\x04\x01\x00\x50\xc0\x00\x02\x01\x00"),
		SB("\x00\x5a\x00\x00\x00\x00\x00\x00"),
	};

	DR_SCRIPT(&ctx, &socks_dissector, 1080, granted, DR_BYTES);
	DR_EXPECT(&ctx, 0, "socks", "SOCKS4", CRED_NONE,
	    CRED_OUTCOME_SUCCESS, "fred", NULL);
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "destination"),
	    "192.0.2.1:80");
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL_FATAL(ctx.nproxy, 1);
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].method, "SOCKS4");
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].host, "192.0.2.1");
	CU_ASSERT_EQUAL(ctx.proxy[0].port, 80);
	DR_SCRIPT(&ctx, &socks_dissector, 1080, rejected_4a, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nproxy, 1);
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].method, "SOCKS4a");
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].host, "www.example.com");
	CU_ASSERT_EQUAL(ctx.proxy[0].port, 443);
	CU_ASSERT_EQUAL(ctx.proxy[0].outcome, CRED_OUTCOME_FAILURE);
	DR_EXPECT(&ctx, 0, "socks", "SOCKS4a", CRED_NONE,
	    CRED_OUTCOME_FAILURE, "joe", NULL);
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "destination"),
	    "www.example.com:443");
	DR_SCRIPT(&ctx, &socks_dissector, 1080, anonymous, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT(ctx.done);
}

static void
test_truncated(void)
{
	static const char login[] = "\x01\x05" "alice" "\x07" "s3cr3t!";
	void *st;
	size_t n;

	for (n = 1; n < sizeof(login) - 1; n++) {
		st = dr_state(&socks_dissector);
		fake_dctx_reset(&ctx, 1080);
		fake_feed(&ctx, &socks_dissector, st, DIR_TO_SERVER,
		    "\x05\x01\x02", 3);
		fake_feed(&ctx, &socks_dissector, st, DIR_TO_CLIENT,
		    "\x05\x02", 2);
		fake_feed(&ctx, &socks_dissector, st, DIR_TO_SERVER, login, n);
		dr_end(&ctx, &socks_dissector, st);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
		CU_ASSERT_EQUAL(ctx.nweirds, 0);
	}
}

static void
test_malformed(void)
{
	static const struct dr_step bad_status[] = {
		CB("\x05\x01\x02"),
		SB("\x05\x02"),
		CB("\x01\x01" "u" "\x01" "p"),
		SB("\x07\x00"),				/* not sub-negotiation v1 */
	};
	static const struct dr_step empty_user[] = {
		CB("\x05\x01\x02"),
		CB("\x01\x00\x01" "p"),			/* ULEN 0 */
	};
	static const struct dr_step bad_atyp[] = {
		CB("\x05\x01\x00"),
		CB("\x05\x01\x00\x02\x00\x00"),		/* ATYP 2 */
	};

	DR_SCRIPT(&ctx, &socks_dissector, 1080, bad_status, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "socks_malformed"), 1);
	CU_ASSERT(ctx.done);
	DR_SCRIPT(&ctx, &socks_dissector, 1080, empty_user, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "socks_malformed"), 1);
	DR_SCRIPT(&ctx, &socks_dissector, 1080, bad_atyp, DR_WHOLE);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "socks_malformed"), 1);
}

static void
test_lookalike(void)
{
	static const char http[] = "GET / HTTP/1.1\r\n\r\n";
	static const struct dr_step s[] = { C(http) };
	const struct dissector *d = &socks_dissector;

	CU_ASSERT(d->probe((const uint8_t *)"\x05\x02\x00\x02", 4, 0));
	CU_ASSERT(d->probe((const uint8_t *)"\x04\x01\x00\x50\x01\x02\x03\x04"
	    "id\x00", 11, 0));
	CU_ASSERT(!d->probe((const uint8_t *)"\x05\x02\x00\x02", 4, 1));
	CU_ASSERT(!d->probe((const uint8_t *)http, sizeof(http) - 1, 0));
	/* a method count that runs past the data, an unassigned method */
	CU_ASSERT(!d->probe((const uint8_t *)"\x05\x03\x00\x02", 4, 0));
	CU_ASSERT(!d->probe((const uint8_t *)"\x05\x01\x42", 3, 0));
	/* SOCKS4 without the NUL, with binary in the user id */
	CU_ASSERT(!d->probe((const uint8_t *)"\x04\x01\x00\x50\x01\x02\x03\x04"
	    "id", 10, 0));
	CU_ASSERT(!d->probe((const uint8_t *)"\x04\x01\x00\x50\x01\x02\x03\x04"
	    "\x01\x00", 10, 0));
	DR_SCRIPT(&ctx, d, 1080, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "socks_malformed"), 1);
}

UNIT_MAIN("socks",
    { "SOCKS5 login: success with destination", test_userpass_success },
    { "SOCKS5 login byte by byte", test_userpass_success_bytewise },
    { "SOCKS5 login: failure", test_userpass_failure },
    { "pipelined client, host name destination", test_pipelined_domain },
    { "SOCKS5 without authentication: no fact", test_no_auth },
    { "SOCKS4 and 4a user ids", test_socks4 },
    { "truncated: no fact, no weird", test_truncated },
    { "malformed", test_malformed },
    { "look-alike data and the probe", test_lookalike })
