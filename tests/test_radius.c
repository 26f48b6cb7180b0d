/*
 * test_radius.c - RADIUS: PAP accepted and rejected, CHAP with
 * CHAP-Challenge, EAP-MD5 across Access-Challenge, Identifier matching
 * with a full table, an Access-Challenge to PAP, datagrams cut at every
 * length (UDP has no byte stream to split: truncation is the test),
 * malformed attributes and look-alike data.  Packets per RFC 2865; the PAP
 * password was hidden with the shared secret "testing123".
 */
#include <string.h>

#include "dissector_run.h"
#include "unit.h"

extern const struct dissector radius_dissector;
static struct dctx ctx;

static const uint8_t radius_pap[] = {
	0x01, 0x07, 0x00, 0x33, /* Access-Request, id 7, length */
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, /* Request Authenticator */
	0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x01, 0x07, 0x61, 0x6c, 0x69, 0x63, 0x65, /* User-Name "alice" */
	0x02, 0x12, 0xd2, 0xfb, 0xb2, 0x33, 0x6b, 0x96, 0x56, 0xfb, /* User-Password (hidden, 16 bytes) */
	0x7a, 0x97, 0x5a, 0xba, 0xb9, 0xc9, 0xa5, 0xb6,
	0x04, 0x06, 0x0a, 0x00, 0x00, 0x01, /* NAS-IP-Address 10.0.0.1 */
};
static const uint8_t radius_accept_7[] = {
	0x02, 0x07, 0x00, 0x14, /* Access-Accept, id 7, length 20 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* Response Authenticator */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t radius_reject_7[] = {
	0x03, 0x07, 0x00, 0x1c, /* Access-Reject, id 7 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* Response Authenticator */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x12, 0x08, 0x64, 0x65, 0x6e, 0x69, 0x65, 0x64, /* Reply-Message "denied" */
};
static const uint8_t radius_chap[] = {
	0x01, 0x09, 0x00, 0x3e, /* Access-Request, id 9 */
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, /* Request Authenticator */
	0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x01, 0x05, 0x62, 0x6f, 0x62, /* User-Name "bob" */
	0x03, 0x13, 0x42, 0xb5, 0xae, 0x00, 0x71, 0x34, 0x5d, 0xab, /* CHAP-Password: CHAP id 0x42, response */
	0x34, 0xce, 0xb7, 0x3a, 0x9c, 0x47, 0x30, 0xb7, 0x80,
	0x3c, 0x12, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, /* CHAP-Challenge */
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
};
static const uint8_t radius_eap_identity[] = {
	0x01, 0x05, 0x00, 0x27, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, /* Access-Request id 5, authenticator */
	0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x01, 0x07, 0x63, 0x61, 0x72, 0x6f, 0x6c, /* User-Name "carol" */
	0x4f, 0x0c, 0x02, 0x01, 0x00, 0x0a, 0x01, 0x63, 0x61, 0x72, /* EAP-Message: Response id 1, Identity "carol" */
	0x6f, 0x6c,
};
static const uint8_t radius_eap_challenge[] = {
	0x0b, 0x05, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* Access-Challenge id 5, authenticator */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x4f, 0x18, 0x01, 0x02, 0x00, 0x16, 0x04, 0x10, /* EAP-Message: Request id 2, MD5-Challenge, value size 16 */
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, /* challenge */
	0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
};
static const uint8_t radius_eap_response[] = {
	0x01, 0x06, 0x00, 0x38, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, /* Access-Request id 6, authenticator */
	0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x01, 0x07, 0x63, 0x61, 0x72, 0x6f, 0x6c, /* User-Name "carol" */
	0x4f, 0x1d, 0x02, 0x02, 0x00, 0x1b, 0x04, 0x10, /* EAP-Message: Response id 2, MD5, value size 16 */
	0x4b, 0x66, 0xec, 0x4a, 0xd2, 0xc5, 0xad, 0x4c, 0x59, 0x03, /* response */
	0x16, 0x7c, 0xe9, 0x97, 0xf5, 0x7a,
	0x63, 0x61, 0x72, 0x6f, 0x6c, /* name "carol" */
};
static const uint8_t radius_eap_accept[] = {
	0x02, 0x06, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* Access-Accept id 6, authenticator */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x4f, 0x06, 0x03, 0x02, 0x00, 0x04, /* EAP-Message: Success */
};

#define PAP_CRACK	"$radius$*101112131415161718191a1b1c1d1e1f" \
			"*d2fbb2336b9656fb7a975abab9c9a5b6"
#define CHAP_CRACK	"b5ae0071345dab34ceb73a9c4730b780" \
			":a0a1a2a3a4a5a6a7a8a9aaabacadaeaf:42"
#define EAP_CRACK	"4b66ec4ad2c5ad4c5903167ce997f57a" \
			":303132333435363738393a3b3c3d3e3f:02"

#define STEP(dir, a)	{ (dir), (const char *)(a), sizeof(a) }

static void
test_pap_accept(void)
{
	const struct dr_step s[] = {
		STEP(DIR_TO_SERVER, radius_pap),
		STEP(DIR_TO_CLIENT, radius_accept_7),
	};

	DR_SCRIPT(&ctx, &radius_dissector, 1812, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].proto, "radius");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].mechanism, "PAP");
	CU_ASSERT_EQUAL(ctx.facts[0].cls, CRED_WEAK);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "alice");
	CU_ASSERT_EQUAL(ctx.facts[0].secret_len, 16);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, PAP_CRACK);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_pap_reject_retransmitted(void)
{
	/* the request twice (a retransmission), one answer, one fact */
	const struct dr_step s[] = {
		STEP(DIR_TO_SERVER, radius_pap),
		STEP(DIR_TO_SERVER, radius_pap),
		STEP(DIR_TO_CLIENT, radius_reject_7),
	};

	DR_SCRIPT(&ctx, &radius_dissector, 1645, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_FAILURE);
}

static void
test_chap(void)
{
	const struct dr_step s[] = {
		STEP(DIR_TO_SERVER, radius_chap),
		STEP(DIR_TO_CLIENT, radius_accept_7),	/* another id */
	};

	DR_SCRIPT(&ctx, &radius_dissector, 1812, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].mechanism, "CHAP");
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "bob");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, CHAP_CRACK);
}

static void
test_eap_md5(void)
{
	const struct dr_step s[] = {
		STEP(DIR_TO_SERVER, radius_eap_identity),
		STEP(DIR_TO_CLIENT, radius_eap_challenge),
		STEP(DIR_TO_SERVER, radius_eap_response),
		STEP(DIR_TO_CLIENT, radius_eap_accept),
	};

	DR_SCRIPT(&ctx, &radius_dissector, 1812, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].mechanism, "EAP-MD5");
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "carol");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, EAP_CRACK);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_table_and_challenge(void)
{
	uint8_t req[sizeof(radius_pap)];
	void *st = dr_state(&radius_dissector);
	unsigned i;

	/* ten requests with different ids: the two oldest are pushed out */
	fake_dctx_reset(&ctx, 1812);
	memcpy(req, radius_pap, sizeof(req));
	for (i = 0; i < 10; i++) {
		req[1] = (uint8_t)(100 + i);
		fake_feed(&ctx, &radius_dissector, st, DIR_TO_SERVER, req,
		    sizeof(req));
	}
	CU_ASSERT_EQUAL(ctx.nfacts, 2);
	/* an Access-Challenge to one of them: reported, outcome unknown */
	memcpy(req, radius_reject_7, sizeof(radius_reject_7));
	req[0] = 11;
	req[1] = 109;
	fake_feed(&ctx, &radius_dissector, st, DIR_TO_CLIENT, req,
	    sizeof(radius_reject_7));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 3);
	CU_ASSERT_EQUAL(ctx.facts[2].outcome, CRED_OUTCOME_UNKNOWN);
	dr_end(&ctx, &radius_dissector, st);
	CU_ASSERT_EQUAL(ctx.nfacts, 10);
}

static void
test_truncated(void)
{
	void *st;
	size_t n;

	for (n = 1; n < sizeof(radius_pap); n++) {
		st = dr_state(&radius_dissector);
		fake_dctx_reset(&ctx, 1812);
		fake_feed(&ctx, &radius_dissector, st, DIR_TO_SERVER,
		    radius_pap, n);
		dr_end(&ctx, &radius_dissector, st);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
		CU_ASSERT_EQUAL(fake_weird_count(&ctx, "radius_malformed"), 1);
	}
}

static void
test_malformed(void)
{
	uint8_t m[sizeof(radius_pap)];
	void *st = dr_state(&radius_dissector);

	fake_dctx_reset(&ctx, 1812);
	/* a User-Password of 15 bytes */
	memcpy(m, radius_pap, sizeof(m));
	m[28] = 17;
	m[44] = 3;
	fake_feed(&ctx, &radius_dissector, st, DIR_TO_SERVER, m, sizeof(m));
	/* an attribute running past the Length */
	memcpy(m, radius_pap, sizeof(m));
	m[46] = 40;
	fake_feed(&ctx, &radius_dissector, st, DIR_TO_SERVER, m, sizeof(m));
	/* a Length under the header size */
	memcpy(m, radius_pap, sizeof(m));
	m[3] = 19;
	fake_feed(&ctx, &radius_dissector, st, DIR_TO_SERVER, m, sizeof(m));
	dr_end(&ctx, &radius_dissector, st);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "radius_malformed"), 3);
}

static void
test_lookalike(void)
{
	static const char dns[] = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00"
	    "\x00\x00\x07" "example" "\x03" "com" "\x00\x00\x01\x00\x01";
	const struct dr_step s[] = {
		STEP(DIR_TO_SERVER, radius_eap_identity),   /* no secret */
		{ DIR_TO_SERVER, dns, sizeof(dns) - 1 },
		STEP(DIR_TO_CLIENT, radius_accept_7),	    /* no request */
	};

	DR_SCRIPT(&ctx, &radius_dissector, 1812, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "radius_malformed"), 1);
}

UNIT_MAIN("radius",
    { "PAP accepted: $radius$ material", test_pap_accept },
    { "PAP retransmitted, rejected", test_pap_reject_retransmitted },
    { "CHAP with CHAP-Challenge: mode 4800 line", test_chap },
    { "EAP-MD5 across Access-Challenge", test_eap_md5 },
    { "bounded table, Access-Challenge to PAP",
	test_table_and_challenge },
    { "truncated datagrams: weird, no fact", test_truncated },
    { "malformed attributes", test_malformed },
    { "look-alike data", test_lookalike })
