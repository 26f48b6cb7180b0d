/*
 * test_sip.c - SIP Digest: REGISTER challenged then accepted (mode 11400
 * line), INVITE with Proxy-Authorization refused with 403, qop=auth, a
 * folded header over TCP byte by byte, retransmission, truncation,
 * malformed messages and look-alike HTTP.
 */
#include <string.h>

#include "dissector_run.h"
#include "unit.h"

extern const struct dissector sip_dissector;
static struct dctx ctx;

#define REGISTER_AUTH \
	"REGISTER sip:sip.example.org SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1\r\n" \
	"From: <sip:alice@sip.example.org>;tag=1\r\n" \
	"To: <sip:alice@sip.example.org>\r\n" \
	"Call-ID: 42@192.0.2.10\r\n" \
	"CSeq: 2 REGISTER\r\n" \
	"Authorization: Digest username=\"alice\",realm=\"sip.example.org\"," \
	"uri=\"sip:sip.example.org\",nonce=\"4f1b2c\",opaque=\"x\"," \
	"response=\"bd79fecae600a2eb79d37ec73214830b\",algorithm=MD5\r\n" \
	"Content-Length: 0\r\n\r\n"

static const struct dr_step register_ok[] = {
	C("REGISTER sip:sip.example.org SIP/2.0\r\nCall-ID: 42@192.0.2.10\r\n"
	    "CSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n"),
	S("SIP/2.0 401 Unauthorized\r\nCall-ID: 42@192.0.2.10\r\n"
	    "CSeq: 1 REGISTER\r\nWWW-Authenticate: Digest realm=\"sip.example"
	    ".org\", nonce=\"4f1b2c\"\r\nContent-Length: 0\r\n\r\n"),
	C(REGISTER_AUTH),
	S("SIP/2.0 100 Trying\r\nCall-ID: 42@192.0.2.10\r\nCSeq: 2 REGISTER"
	    "\r\nContent-Length: 0\r\n\r\n"),
	S("SIP/2.0 200 OK\r\ni: 42@192.0.2.10\r\nCSeq: 2 REGISTER\r\n"
	    "l: 0\r\n\r\n"),
};

static void
check_register(void)
{
	DR_EXPECT(&ctx, 0, "sip", "digest", CRED_WEAK, CRED_OUTCOME_SUCCESS,
	    "alice", "bd79fecae600a2eb79d37ec73214830b");
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].domain, "sip.example.org");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "method"),
	    "REGISTER");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, "$sip$***alice*"
	    "sip.example.org*REGISTER*sip*sip.example.org**4f1b2c****MD5*"
	    "bd79fecae600a2eb79d37ec73214830b");
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_register_udp(void)
{
	DR_SCRIPT(&ctx, &sip_dissector, 5060, register_ok, DR_WHOLE);
	check_register();
}

static void
test_register_tcp_bytewise(void)
{
	/* over TCP the same messages may arrive one byte at a time */
	DR_SCRIPT(&ctx, &sip_dissector, 5060, register_ok, DR_BYTES);
	check_register();
}

static void
test_invite_proxy_403(void)
{
	static const struct dr_step s[] = {
		C("INVITE sip:bob@example.org:5070;transport=udp SIP/2.0\r\n"
		    "Call-ID: abc\r\nCSeq: 7 INVITE\r\n"
		    "Proxy-Authorization: Digest username=\"carol\", "
		    "realm=\"example.org\",\r\n"	/* folded */
		    "  nonce=\"n0\", uri=\"sip:bob@example.org:5070;"
		    "transport=udp\", qop=auth, nc=00000001,\r\n"
		    "\tcnonce=\"c0\", response=\"0123456789abcdef0123456789"
		    "abcdef\"\r\n"
		    "Content-Type: application/sdp\r\nContent-Length: 4\r\n\r\n"
		    "v=0\n"),
		C("INVITE sip:bob@example.org:5070;transport=udp SIP/2.0\r\n"
		    "Call-ID: abc\r\nCSeq: 7 INVITE\r\n"
		    "Proxy-Authorization: Digest username=\"carol\", "
		    "realm=\"example.org\",\r\n"
		    "  nonce=\"n0\", uri=\"sip:bob@example.org:5070;"
		    "transport=udp\", qop=auth, nc=00000001,\r\n"
		    "\tcnonce=\"c0\", response=\"0123456789abcdef0123456789"
		    "abcdef\"\r\n"
		    "Content-Length: 4\r\n\r\nv=0\n"),	/* retransmitted */
		S("SIP/2.0 403 Wrong password\r\nCall-ID: abc\r\n"
		    "CSeq: 7 INVITE\r\nContent-Length: 0\r\n\r\n"),
		C("ACK sip:bob@example.org SIP/2.0\r\nCall-ID: abc\r\n"
		    "CSeq: 7 ACK\r\nProxy-Authorization: Digest username=\"c\","
		    " nonce=\"n\", uri=\"u\", response=\"r\"\r\n\r\n"),
	};

	DR_SCRIPT(&ctx, &sip_dissector, 5060, s, DR_WHOLE);
	DR_EXPECT(&ctx, 0, "sip", "proxy digest", CRED_WEAK,
	    CRED_OUTCOME_FAILURE, "carol", "0123456789abcdef0123456789abcdef");
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, "$sip$***carol*example.org"
	    "*INVITE*sip*bob@example.org*5070;transport=udp*n0*c0*00000001"
	    "*auth*MD5*0123456789abcdef0123456789abcdef");
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_truncated(void)
{
	static const char msg[] = REGISTER_AUTH;
	void *st;
	size_t n;

	for (n = 1; n < sizeof(msg) - 1; n++) {
		st = dr_state(&sip_dissector);
		fake_dctx_reset(&ctx, 5060);
		fake_feed(&ctx, &sip_dissector, st, DIR_TO_SERVER, msg, n);
		dr_end(&ctx, &sip_dissector, st);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
		CU_ASSERT_EQUAL(fake_weird_count(&ctx, "sip_truncated"), 1);
	}
}

static void
test_malformed(void)
{
	static const struct dr_step no_response[] = {
		C("REGISTER sip:x SIP/2.0\r\nCall-ID: 1\r\nCSeq: 1 REGISTER\r\n"
		    "Authorization: Digest username=\"u\", nonce=\"n\", "
		    "uri=\"sip:x\"\r\n\r\n"),
		C("REGISTER sip:x SIP/2.0\r\nCall-ID: 1\r\nCSeq: 2 INVITE\r\n"
		    "Authorization: Digest username=\"u\", nonce=\"n\", "
		    "uri=\"sip:x\", response=\"r\"\r\n\r\n"),
	};
	static const struct dr_step bad_start[] = {
		C("REGISTER sip:x SIP/3.0\r\n\r\n"),
	};
	static const struct dr_step star[] = {
		C("REGISTER sip:x SIP/2.0\r\nCall-ID: 1\r\nCSeq: 1 REGISTER\r\n"
		    "Authorization: Digest username=\"u*v\", nonce=\"n\", "
		    "uri=\"sip:x\", response=\"0123456789abcdef0123456789abcd"
		    "ef\"\r\n\r\n"),
	};

	DR_SCRIPT(&ctx, &sip_dissector, 5060, no_response, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "sip_digest_malformed"), 2);
	DR_SCRIPT(&ctx, &sip_dissector, 5060, bad_start, DR_WHOLE);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "sip_malformed"), 1);
	CU_ASSERT(ctx.done);
	/* a fact, but no crack line: '*' cannot be carried in mode 11400 */
	DR_SCRIPT(&ctx, &sip_dissector, 5060, star, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, "");
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "sip_digest_no_crack_format"),
	    1);
}

static void
test_lookalike(void)
{
	static const struct dr_step http[] = {
		C("GET / HTTP/1.1\r\nAuthorization: Digest username=\"u\", "
		    "nonce=\"n\", uri=\"/\", response=\"r\"\r\n\r\n"),
	};
	static const struct dr_step options[] = {
		C("OPTIONS sip:x SIP/2.0\r\nCall-ID: 9\r\nCSeq: 1 OPTIONS\r\n"
		    "Content-Length: 0\r\n\r\n"),
		S("SIP/2.0 200 OK\r\nCall-ID: 9\r\nCSeq: 1 OPTIONS\r\n\r\n"),
		C("\r\n\r\n"),			/* keep-alive */
		C("     "),				/* a phone's keep-alive */
	};

	DR_SCRIPT(&ctx, &sip_dissector, 5060, http, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "sip_malformed"), 1);
	DR_SCRIPT(&ctx, &sip_dissector, 5060, options, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

UNIT_MAIN("sip",
    { "REGISTER: 401, then digest accepted", test_register_udp },
    { "REGISTER byte by byte (TCP)", test_register_tcp_bytewise },
    { "INVITE: folded Proxy-Authorization, qop=auth, 403",
	test_invite_proxy_403 },
    { "truncated: no fact, sip_truncated", test_truncated },
    { "malformed", test_malformed },
    { "look-alike data", test_lookalike })
