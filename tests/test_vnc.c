/*
 * test_vnc.c - RFB: VNC authentication in 3.8 (success) and 3.3
 * (failure), byte by byte, None in 3.7 and 3.8, Apple Remote Desktop with
 * its result, an unfollowed type, a refused connection, truncation,
 * malformed selections and look-alike data.
 */
#include <string.h>

#include "dissector_run.h"
#include "unit.h"

extern const struct dissector vnc_dissector;
static struct dctx ctx;

#define CHALLENGE	"\x84\x07\x6f\x04\x05\x50\xee\xa9" \
			"\x34\x19\x67\x63\x3b\x5f\x38\x55"
#define RESPONSE	"\xdd\x96\xd2\x17\x81\xa7\x0d\xa4" \
			"\x94\x43\x27\x99\x75\x40\x4d\xd0"
#define CRACK		"$vnc$*84076f040550eea9341967633b5f3855" \
			"*dd96d21781a70da49443279975404dd0"

/* 3.8: the server offers VNC auth and None, the client picks VNC auth. */
static const struct dr_step vnc38_ok[] = {
	S("RFB 003.008\n"),
	C("RFB 003.008\n"),
	SB("\x02\x02\x01"),			/* 2 types: VNC auth, None */
	CB("\x02"),				/* selects VNC auth */
	SB(CHALLENGE),
	CB(RESPONSE),
	SB("\x00\x00\x00\x00"),			/* SecurityResult OK */
	CB("\x01"),				/* ClientInit: shared */
};

static void
check_vnc38(void)
{
	DR_EXPECT(&ctx, 0, "vnc", "VNC Authentication", CRED_WEAK,
	    CRED_OUTCOME_SUCCESS, NULL, RESPONSE);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, CRACK);
	CU_ASSERT_EQUAL(fake_extra_num(&ctx.facts[0], "security_type"), 2);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_vnc38_success(void)
{
	DR_SCRIPT(&ctx, &vnc_dissector, 5900, vnc38_ok, DR_WHOLE);
	check_vnc38();
}

static void
test_vnc38_bytewise(void)
{
	DR_SCRIPT(&ctx, &vnc_dissector, 5900, vnc38_ok, DR_BYTES);
	check_vnc38();
}

static void
test_vnc33_failure(void)
{
	static const struct dr_step s[] = {
		S("RFB 003.003\n"),
		C("RFB 003.003\n"),
		SB("\x00\x00\x00\x02" CHALLENGE),	/* type 2, challenge */
		CB(RESPONSE),
		SB("\x00\x00\x00\x01"),			/* failed */
	};

	DR_SCRIPT(&ctx, &vnc_dissector, 5901, s, DR_WHOLE);
	DR_EXPECT(&ctx, 0, "vnc", "VNC Authentication", CRED_WEAK,
	    CRED_OUTCOME_FAILURE, NULL, RESPONSE);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, CRACK);
}

static void
test_none(void)
{
	static const struct dr_step v37[] = {
		S("RFB 003.007\n"),
		C("RFB 003.007\n"),
		SB("\x01\x01"),
		CB("\x01"),
		CB("\x01"),			/* ClientInit */
	};
	static const struct dr_step v38[] = {
		S("RFB 003.008\n"),
		C("RFB 003.008\n"),
		SB("\x01\x01"),
		CB("\x01"),
		SB("\x00\x00\x00\x01" "\x00\x00\x00\x04" "nope"),
	};

	DR_SCRIPT(&ctx, &vnc_dissector, 5900, v37, DR_WHOLE);
	DR_EXPECT(&ctx, 0, "vnc", "None", CRED_NONE, CRED_OUTCOME_SUCCESS,
	    NULL, NULL);
	CU_ASSERT_EQUAL(fake_extra_num(&ctx.facts[0], "unauthenticated"), 1);
	DR_SCRIPT(&ctx, &vnc_dissector, 5900, v38, DR_WHOLE);
	DR_EXPECT(&ctx, 0, "vnc", "None", CRED_NONE, CRED_OUTCOME_FAILURE,
	    NULL, NULL);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_ard_and_others(void)
{
	uint8_t ard_srv[4 + 2 * 8], ard_cli[128 + 8];
	struct dr_step ard[] = {
		S("RFB 003.889\n"),
		C("RFB 003.889\n"),
		SB("\x02\x1e\x23"),		/* ARD (30) and 35 */
		CB("\x1e"),
		{ DIR_TO_CLIENT, (const char *)ard_srv, sizeof(ard_srv) },
		{ DIR_TO_SERVER, (const char *)ard_cli, sizeof(ard_cli) },
		SB("\x00\x00\x00\x00"),
	};
	static const struct dr_step tight[] = {
		S("RFB 003.008\n"),
		C("RFB 003.008\n"),
		SB("\x01\x10"),
		CB("\x10"),			/* Tight */
	};

	memset(ard_srv, 0x5a, sizeof(ard_srv));
	memcpy(ard_srv, "\x00\x02\x00\x08", 4);	/* generator 2, key 8 */
	memset(ard_cli, 0xa5, sizeof(ard_cli));
	DR_SCRIPT(&ctx, &vnc_dissector, 5900, ard, DR_BYTES);
	DR_EXPECT(&ctx, 0, "vnc", "Apple Remote Desktop", CRED_NONE,
	    CRED_OUTCOME_SUCCESS, NULL, NULL);
	CU_ASSERT_EQUAL(fake_extra_num(&ctx.facts[0], "security_type"), 30);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
	DR_SCRIPT(&ctx, &vnc_dissector, 5900, tight, DR_WHOLE);
	DR_EXPECT(&ctx, 0, "vnc", "Tight", CRED_NONE, CRED_OUTCOME_UNKNOWN,
	    NULL, NULL);
	CU_ASSERT(ctx.done);
}

static void
test_refused(void)
{
	static const struct dr_step s[] = {
		S("RFB 003.008\n"),
		C("RFB 003.008\n"),
		SB("\x00\x00\x00\x00\x0b" "Too many..."),
	};

	DR_SCRIPT(&ctx, &vnc_dissector, 5900, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_truncated(void)
{
	struct dr_step s[6];
	size_t n;

	/* the response cut short, the flow ends: no fact, no weird */
	memcpy(s, vnc38_ok, sizeof(s));
	for (n = 1; n < 16; n++) {
		s[5].len = n;
		DR_SCRIPT(&ctx, &vnc_dissector, 5900, s, DR_WHOLE);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
		CU_ASSERT_EQUAL(ctx.nweirds, 0);
	}
}

static void
test_malformed(void)
{
	static const struct dr_step not_offered[] = {
		S("RFB 003.008\n"),
		C("RFB 003.008\n"),
		SB("\x01\x02"),
		CB("\x01"),			/* None was not offered */
	};
	static const struct dr_step bad_banner[] = {
		S("RFB 003.00x\n"),
	};
	static const struct dr_step bad_33_type[] = {
		S("RFB 003.003\n"),
		C("RFB 003.003\n"),
		SB("\x00\x00\x00\x10"),		/* 3.3 has no type 16 */
	};

	DR_SCRIPT(&ctx, &vnc_dissector, 5900, not_offered, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "vnc_malformed"), 1);
	DR_SCRIPT(&ctx, &vnc_dissector, 5900, bad_banner, DR_WHOLE);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "vnc_malformed"), 1);
	DR_SCRIPT(&ctx, &vnc_dissector, 5900, bad_33_type, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "vnc_malformed"), 1);
}

static void
test_lookalike(void)
{
	static const struct dr_step s[] = { S("SSH-2.0-OpenSSH_9.2\r\n") };
	const struct dissector *d = &vnc_dissector;

	CU_ASSERT(d->probe((const uint8_t *)"RFB 003.008\n", 12, 1));
	CU_ASSERT(d->probe((const uint8_t *)"RFB 003.889\n", 12, 0));
	CU_ASSERT(!d->probe((const uint8_t *)"RFB 003.008\n\n", 13, 1));
	CU_ASSERT(!d->probe((const uint8_t *)"RFB 003.008 ", 12, 1));
	CU_ASSERT(!d->probe((const uint8_t *)"RFB 005.000\n", 12, 1));
	CU_ASSERT(!d->probe((const uint8_t *)"SSH-2.0-OpenSSH\n", 16, 1));
	DR_SCRIPT(&ctx, d, 5900, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT(ctx.done);
}

UNIT_MAIN("vnc",
    { "3.8 VNC authentication: success, $vnc$ line", test_vnc38_success },
    { "3.8 VNC authentication byte by byte", test_vnc38_bytewise },
    { "3.3 VNC authentication: failure", test_vnc33_failure },
    { "None in 3.7 and 3.8", test_none },
    { "Apple Remote Desktop and Tight: mechanism only",
	test_ard_and_others },
    { "connection refused: no fact", test_refused },
    { "truncated: no fact, no weird", test_truncated },
    { "malformed", test_malformed },
    { "look-alike data", test_lookalike })
