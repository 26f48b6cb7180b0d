/*
 * test_ntlmssp.c - NTLMSSP (MS-NLMP): NTLMv2 and NTLMv1 crack lines with
 * and without the server challenge, OEM vs Unicode names, anonymous,
 * pending facts settled by the carrier, truncation and bad offsets, and the
 * UTF-16LE conversion it relies on.
 */
#include <string.h>

#include "fake_dctx.h"
#include "ntlmssp.h"
#include "ntlm_vectors.h"
#include "unit.h"
#include "utf16.h"

static struct dctx ctx;
static struct ntlmssp_state st;
static struct ntlmssp_pending pend;

static void
setup(void)
{
	fake_dctx_reset(&ctx, 445);
	memset(&st, 0, sizeof(st));
	memset(&pend, 0, sizeof(pend));
}

static const uint8_t auth_v1[] = {
	0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, /* signature "NTLMSSP\0" */
	0x03, 0x00, 0x00, 0x00,                 /* MessageType 3 = AUTHENTICATE */
	0x18, 0x00, 0x18, 0x00, 0x4c, 0x00, 0x00, 0x00, /* LmChallengeResponseFields len 24 @76 */
	0x18, 0x00, 0x18, 0x00, 0x64, 0x00, 0x00, 0x00, /* NtChallengeResponseFields len 24 @100 */
	0x04, 0x00, 0x04, 0x00, 0x40, 0x00, 0x00, 0x00, /* DomainNameFields len 4 @64 */
	0x05, 0x00, 0x05, 0x00, 0x44, 0x00, 0x00, 0x00, /* UserNameFields len 5 @68 */
	0x03, 0x00, 0x03, 0x00, 0x49, 0x00, 0x00, 0x00, /* WorkstationFields len 3 @73 */
	0x00, 0x00, 0x00, 0x00, 0x7c, 0x00, 0x00, 0x00, /* EncryptedRandomSessionKeyFields empty */
	0x06, 0x82, 0x08, 0x00,                 /* NegotiateFlags 0x00088206 (OEM) */
	0x43, 0x4f, 0x52, 0x50,                 /* DomainName "CORP" */
	0x61, 0x6c, 0x69, 0x63, 0x65,           /* UserName "alice" */
	0x50, 0x43, 0x31,                       /* Workstation "PC1" */
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, /* LM response (24 bytes) */
	0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
	0x14, 0x15, 0x16, 0x17,
	0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, /* NT response (24 bytes) */
	0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53,
	0x54, 0x55, 0x56, 0x57,
};

static const uint8_t auth_anon[] = {
	0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, /* signature "NTLMSSP\0" */
	0x03, 0x00, 0x00, 0x00,                 /* MessageType 3 = AUTHENTICATE */
	0x01, 0x00, 0x01, 0x00, 0x44, 0x00, 0x00, 0x00, /* LmChallengeResponseFields len 1 @68 */
	0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x00, /* NtChallengeResponseFields len 0 @69 */
	0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, /* DomainNameFields len 0 @64 */
	0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, /* UserNameFields len 0 @64 */
	0x04, 0x00, 0x04, 0x00, 0x40, 0x00, 0x00, 0x00, /* WorkstationFields len 4 @64 */
	0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x00, /* EncryptedRandomSessionKeyFields empty */
	0x05, 0x8a, 0x88, 0xa2,                 /* NegotiateFlags 0xa2888a05 (UNICODE) */
	0x57, 0x00, 0x53, 0x00,                 /* Workstation "WS" */
	0x00,                                   /* LM response (1 bytes) */
};

#define V2_CRACK "bob::DOM:0123456789abcdef:a0a1a2a3a4a5a6a7a8a9aaabacadaeaf:" \
	"01010000000000000090d336b734c301ffffff00112233440000000000000000"

static void
test_v2_with_challenge(void)
{
	struct fake_fact *f;

	setup();
	ntlmssp_feed(&ctx, &st, "smb", challenge, sizeof(challenge));
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT(st.have_challenge);
	ntlmssp_feed(&ctx, &st, "smb", auth_v2, sizeof(auth_v2));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_STRING_EQUAL(f->proto, "smb");
	CU_ASSERT_STRING_EQUAL(f->mechanism, "NTLMv2");
	CU_ASSERT_EQUAL(f->cls, CRED_WEAK);
	CU_ASSERT_EQUAL(f->outcome, CRED_OUTCOME_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(f->user, "bob");
	CU_ASSERT_STRING_EQUAL(f->domain, "DOM");
	CU_ASSERT_EQUAL(f->secret_len, 48);
	CU_ASSERT_EQUAL(f->secret[0], 0xa0);
	CU_ASSERT_STRING_EQUAL(f->crack, V2_CRACK);
	CU_ASSERT_EQUAL(fake_extra_num(f, "challenge_seen"), 1);
	CU_ASSERT_STRING_EQUAL(fake_extra_str(f, "workstation"), "WS");
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
	/* the challenge was used up: a replayed AUTHENTICATE has none */
	ntlmssp_feed(&ctx, &st, "smb", auth_v2, sizeof(auth_v2));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	CU_ASSERT_STRING_EQUAL(ctx.facts[1].crack, "");
}

static void
test_v1_oem(void)
{
	struct fake_fact *f;

	setup();
	ntlmssp_feed(&ctx, &st, "http", auth_v1, sizeof(auth_v1));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_STRING_EQUAL(f->mechanism, "NTLMv1");
	CU_ASSERT_STRING_EQUAL(f->user, "alice");
	CU_ASSERT_STRING_EQUAL(f->domain, "CORP");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(f, "workstation"), "PC1");
	CU_ASSERT_STRING_EQUAL(f->crack, "");	/* no challenge seen */
	CU_ASSERT_EQUAL(fake_extra_num(f, "challenge_seen"), 0);
	CU_ASSERT_EQUAL(f->secret_len, 24);
	ntlmssp_feed(&ctx, &st, "http", challenge, sizeof(challenge));
	ntlmssp_feed(&ctx, &st, "http", auth_v1, sizeof(auth_v1));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	CU_ASSERT_STRING_EQUAL(ctx.facts[1].crack, "alice::CORP:"
	    "000102030405060708090a0b0c0d0e0f1011121314151617:"
	    "404142434445464748494a4b4c4d4e4f5051525354555657:"
	    "0123456789abcdef");
}

static void
test_anonymous(void)
{
	struct fake_fact *f;

	setup();
	ntlmssp_feed(&ctx, &st, "smb", challenge, sizeof(challenge));
	ntlmssp_feed(&ctx, &st, "smb", auth_anon, sizeof(auth_anon));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_EQUAL(f->cls, CRED_NONE);
	CU_ASSERT_STRING_EQUAL(f->mechanism, "NTLM anonymous");
	CU_ASSERT_EQUAL(f->secret_len, 0);
	CU_ASSERT_STRING_EQUAL(f->crack, "");
}

static void
test_pending_settled(void)
{
	setup();
	ntlmssp_feed_pending(&ctx, &st, &pend, "ldap", challenge,
	    sizeof(challenge));
	ntlmssp_feed_pending(&ctx, &st, &pend, "ldap", auth_v2,
	    sizeof(auth_v2));
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	ntlmssp_settle(&ctx, &pend, CRED_OUTCOME_SUCCESS);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].proto, "ldap");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, V2_CRACK);
	/* settling twice reports nothing more */
	ntlmssp_settle(&ctx, &pend, CRED_OUTCOME_FAILURE);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	/* a second AUTHENTICATE before a verdict settles the first */
	ntlmssp_feed_pending(&ctx, &st, &pend, "ldap", auth_v1,
	    sizeof(auth_v1));
	ntlmssp_feed_pending(&ctx, &st, &pend, "ldap", auth_v2,
	    sizeof(auth_v2));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	CU_ASSERT_STRING_EQUAL(ctx.facts[1].user, "alice");
	CU_ASSERT_EQUAL(ctx.facts[1].outcome, CRED_OUTCOME_UNKNOWN);
	ntlmssp_settle(&ctx, &pend, CRED_OUTCOME_FAILURE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 3);
	CU_ASSERT_EQUAL(ctx.facts[2].outcome, CRED_OUTCOME_FAILURE);
}

static void
test_truncated_never_reported(void)
{
	size_t n;

	for (n = 0; n < sizeof(auth_v2); n++) {
		setup();
		ntlmssp_feed(&ctx, &st, "smb", auth_v2, n);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
		CU_ASSERT(ctx.nweirds >= 1);
	}
}

static void
test_bad_offsets(void)
{
	uint8_t m[sizeof(auth_v2)];

	/* user offset points past the end */
	setup();
	memcpy(m, auth_v2, sizeof(m));
	m[44] = 0xfe;
	ntlmssp_feed(&ctx, &st, "smb", m, sizeof(m));
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "ntlmssp_malformed"), 1);
	/* offset 0xffffffff: must not wrap */
	memcpy(m, auth_v2, sizeof(m));
	memset(m + 44, 0xff, 4);
	ntlmssp_feed(&ctx, &st, "smb", m, sizeof(m));
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	/* NT response of 20 bytes: neither v1 nor v2 */
	memcpy(m, auth_v2, sizeof(m));
	m[20] = m[22] = 20;
	ntlmssp_feed(&ctx, &st, "smb", m, sizeof(m));
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx,
	    "ntlmssp_bad_response_length"), 1);
	/* unknown message type 7 */
	memcpy(m, auth_v2, sizeof(m));
	m[8] = 7;
	ntlmssp_feed(&ctx, &st, "smb", m, sizeof(m));
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "ntlmssp_unknown_type"), 1);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

static void
test_find(void)
{
	static const uint8_t spnego[] = { 0xa1, 0x10, 0x04, 0x0a, 'N', 'T',
	    'L', 'M', 'S', 'S', 'P', 0, 3, 0 };
	static const uint8_t near[] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P' };

	CU_ASSERT_EQUAL(ntlmssp_find(spnego, sizeof(spnego)), 4);
	CU_ASSERT_EQUAL(ntlmssp_find(near, sizeof(near)), -1);
	CU_ASSERT_EQUAL(ntlmssp_find(NULL, 0), -1);
}

static void
test_utf16(void)
{
	/* "é", U+1F511 as a surrogate pair, a lone low surrogate, odd byte */
	static const uint8_t in[] = { 0xe9, 0x00, 0x3d, 0xd8, 0x11, 0xdd,
	    0x00, 0xdc, 'x' };
	uint8_t out[16];
	size_t n;

	n = utf16le_to_utf8(in, sizeof(in), out, sizeof(out));
	CU_ASSERT_EQUAL(n, 2 + 4 + 3);
	CU_ASSERT(memcmp(out, "\xc3\xa9\xf0\x9f\x94\x91\xef\xbf\xbd", n) == 0);
	/* never splits a character at the capacity */
	n = utf16le_to_utf8(in, sizeof(in), out, 5);
	CU_ASSERT_EQUAL(n, 2);
}

UNIT_MAIN("ntlmssp",
    { "NTLMv2 with challenge: 5600 line", test_v2_with_challenge },
    { "NTLMv1 OEM names, 5500 line", test_v1_oem },
    { "anonymous is CRED_NONE", test_anonymous },
    { "pending facts settled by the carrier", test_pending_settled },
    { "truncations never reported", test_truncated_never_reported },
    { "bad offsets and lengths", test_bad_offsets },
    { "signature search", test_find },
    { "UTF-16LE to UTF-8", test_utf16 })
