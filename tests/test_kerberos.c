/*
 * test_kerberos.c - Kerberos: RC4 pre-auth (UDP) answered by an AS-REP
 * (success) or PREAUTH_FAILED (failure), the same over TCP byte by byte,
 * AES pre-auth not reported, AS-REP and TGS-REP roasting lines, two flows'
 * lines kept apart (interleaved on one thread, and concurrently on two
 * threads as two workers would parse them), truncation, malformed and
 * look-alike data.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fake_dctx.h"
#include "unit.h"

extern const struct dissector kerberos_dissector;

static struct dctx ctx;
static uint8_t state[4096];

static void
setup(void)
{
	fake_dctx_reset(&ctx, 88);
	CU_ASSERT_FATAL(kerberos_dissector.state_size <= sizeof(state));
	memset(state, 0, sizeof(state));
}

static void
feed(int dir, const uint8_t *p, size_t n)
{
	fake_feed(&ctx, &kerberos_dissector, state, dir, p, n);
}

static const uint8_t as_req_rc4[] = {
	0x6a, 0x81, 0xd1,               /* [APPLICATION 10] AS-REQ (209 bytes) */
	0x30, 0x81, 0xce,               /*   KDC-REQ (206 bytes) */
	0xa1, 0x03,                     /*     [1] pvno (3 bytes) */
	0x02, 0x01, 0x05,               /*       5 */
	0xa2, 0x03,                     /*     [2] msg-type (3 bytes) */
	0x02, 0x01, 0x0a,               /*       10 AS-REQ */
	0xa3, 0x4c,                     /*     [3] padata (76 bytes) */
	0x30, 0x4a,                     /*       SEQUENCE OF PA-DATA (74 bytes) */
	0x30, 0x48,                     /*         PA-DATA (72 bytes) */
	0xa1, 0x03,                     /*           [1] padata-type (3 bytes) */
	0x02, 0x01, 0x02,               /*             2 PA-ENC-TIMESTAMP */
	0xa2, 0x41,                     /*           [2] padata-value (65 bytes) */
	0x04, 0x3f, 0x30, 0x3d, 0xa0, 0x03, 0x02, 0x01, 0x17, 0xa2, /*             OCTET STRING: EncryptedData { etype 23, cipher } */
	0x36, 0x04, 0x34, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
	0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x40,
	0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a,
	0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53, 0x54,
	0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e,
	0x5f, 0x60, 0x61, 0x62, 0x63,
	0xa4, 0x74,                     /*     [4] req-body (116 bytes) */
	0x30, 0x72,                     /*       KDC-REQ-BODY (114 bytes) */
	0xa0, 0x07,                     /*         [0] kdc-options (7 bytes) */
	0x03, 0x05, 0x00, 0x40, 0x81, 0x00, 0x10, /*           BIT STRING */
	0xa1, 0x12,                     /*         [1] cname (18 bytes) */
	0x30, 0x10,                     /*           PrincipalName (16 bytes) */
	0xa0, 0x03,                     /*             [0] name-type (3 bytes) */
	0x02, 0x01, 0x01,               /*               1 */
	0xa1, 0x09,                     /*             [1] name-string (9 bytes) */
	0x30, 0x07,                     /*               SEQUENCE OF (7 bytes) */
	0x1b, 0x05, 'a', 'l', 'i', 'c', 'e', /*                 GeneralString "alice" */
	0xa2, 0x0e,                     /*         [2] realm (14 bytes) */
	0x1b, 0x0c, 'C', 'O', 'R', 'P', '.', 'E', 'X', 'A', /*           GeneralString "CORP.EXAMPLE" */
	'M', 'P', 'L', 'E',
	0xa3, 0x21,                     /*         [3] sname (33 bytes) */
	0x30, 0x1f,                     /*           PrincipalName (31 bytes) */
	0xa0, 0x03,                     /*             [0] name-type (3 bytes) */
	0x02, 0x01, 0x02,               /*               2 */
	0xa1, 0x18,                     /*             [1] name-string (24 bytes) */
	0x30, 0x16,                     /*               SEQUENCE OF (22 bytes) */
	0x1b, 0x06, 'k', 'r', 'b', 't', 'g', 't', /*                 GeneralString "krbtgt" */
	0x1b, 0x0c, 'C', 'O', 'R', 'P', '.', 'E', 'X', 'A', /*                 GeneralString "CORP.EXAMPLE" */
	'M', 'P', 'L', 'E',
	0xa5, 0x11,                     /*         [5] till (17 bytes) */
	0x18, 0x0f, '2', '0', '3', '7', '0', '9', '1', '3', /*           GeneralizedTime */
	'0', '2', '4', '8', '0', '5', 'Z',
	0xa7, 0x06,                     /*         [7] nonce (6 bytes) */
	0x02, 0x04, 0x01, 0x23, 0x45, 0x67, /*           nonce */
	0xa8, 0x05,                     /*         [8] etype (5 bytes) */
	0x30, 0x03,                     /*           SEQUENCE OF Int32 (3 bytes) */
	0x02, 0x01, 0x17,               /*             23 */
};

/* Offsets of the two etype bytes in as_req_rc4: the PA-ENC-TIMESTAMP's
 * EncryptedData etype and the last entry of the req-body etype list. */
#define AS_REQ_PA_ETYPE		37
#define AS_REQ_BODY_ETYPE	(sizeof(as_req_rc4) - 1)
#define AS_REQ_TCP_LEN		(4 + sizeof(as_req_rc4))

/*
 * as_req_rc4 over TCP (RFC 4120 7.2.2: a 4-byte record mark with the
 * length), with both etypes set to etype (23 RC4, 18 AES256).
 */
static void
as_req_tcp(uint8_t etype, uint8_t out[AS_REQ_TCP_LEN])
{
	size_t n = sizeof(as_req_rc4);

	out[0] = (uint8_t)(n >> 24);
	out[1] = (uint8_t)(n >> 16);
	out[2] = (uint8_t)(n >> 8);
	out[3] = (uint8_t)n;
	memcpy(out + 4, as_req_rc4, n);
	out[4 + AS_REQ_PA_ETYPE] = etype;
	out[4 + AS_REQ_BODY_ETYPE] = etype;
}

static const uint8_t krb_err_preauth_failed[] = {
	0x7e, 0x5c,                     /* [APPLICATION 30] KRB-ERROR (92 bytes) */
	0x30, 0x5a,                     /*   KRB-ERROR (90 bytes) */
	0xa0, 0x03,                     /*     [0] pvno (3 bytes) */
	0x02, 0x01, 0x05,               /*       5 */
	0xa1, 0x03,                     /*     [1] msg-type (3 bytes) */
	0x02, 0x01, 0x1e,               /*       30 */
	0xa4, 0x11,                     /*     [4] stime (17 bytes) */
	0x18, 0x0f, '2', '0', '2', '4', '0', '1', '0', '1', /*       GeneralizedTime */
	'0', '0', '0', '0', '0', '0', 'Z',
	0xa5, 0x03,                     /*     [5] susec (3 bytes) */
	0x02, 0x01, 0x01,               /*       1 */
	0xa6, 0x03,                     /*     [6] error-code (3 bytes) */
	0x02, 0x01, 0x18,               /*       24 */
	0xa9, 0x0e,                     /*     [9] realm (14 bytes) */
	0x1b, 0x0c, 'C', 'O', 'R', 'P', '.', 'E', 'X', 'A', /*       GeneralString "CORP.EXAMPLE" */
	'M', 'P', 'L', 'E',
	0xaa, 0x21,                     /*     [10] sname (33 bytes) */
	0x30, 0x1f,                     /*       PrincipalName (31 bytes) */
	0xa0, 0x03,                     /*         [0] name-type (3 bytes) */
	0x02, 0x01, 0x02,               /*           2 */
	0xa1, 0x18,                     /*         [1] name-string (24 bytes) */
	0x30, 0x16,                     /*           SEQUENCE OF (22 bytes) */
	0x1b, 0x06, 'k', 'r', 'b', 't', 'g', 't', /*             GeneralString "krbtgt" */
	0x1b, 0x0c, 'C', 'O', 'R', 'P', '.', 'E', 'X', 'A', /*             GeneralString "CORP.EXAMPLE" */
	'M', 'P', 'L', 'E',
};

static const uint8_t as_rep_rc4[] = {
	0x6b, 0x81, 0xe1,               /* [APPLICATION 11] AS-REP (225 bytes) */
	0x30, 0x81, 0xde,               /*   KDC-REP (222 bytes) */
	0xa0, 0x03,                     /*     [0] pvno (3 bytes) */
	0x02, 0x01, 0x05,               /*       5 */
	0xa1, 0x03,                     /*     [1] msg-type (3 bytes) */
	0x02, 0x01, 0x0b,               /*       11 */
	0xa3, 0x0e,                     /*     [3] crealm (14 bytes) */
	0x1b, 0x0c, 'C', 'O', 'R', 'P', '.', 'E', 'X', 'A', /*       GeneralString "CORP.EXAMPLE" */
	'M', 'P', 'L', 'E',
	0xa4, 0x12,                     /*     [4] cname (18 bytes) */
	0x30, 0x10,                     /*       PrincipalName (16 bytes) */
	0xa0, 0x03,                     /*         [0] name-type (3 bytes) */
	0x02, 0x01, 0x01,               /*           1 */
	0xa1, 0x09,                     /*         [1] name-string (9 bytes) */
	0x30, 0x07,                     /*           SEQUENCE OF (7 bytes) */
	0x1b, 0x05, 'a', 'l', 'i', 'c', 'e', /*             GeneralString "alice" */
	0xa5, 0x71,                     /*     [5] ticket (113 bytes) */
	0x61, 0x6f,                     /*       [APPLICATION 1] Ticket (111 bytes) */
	0x30, 0x6d,                     /*         Ticket (109 bytes) */
	0xa0, 0x03,                     /*           [0] tkt-vno (3 bytes) */
	0x02, 0x01, 0x05,               /*             5 */
	0xa1, 0x0e,                     /*           [1] realm (14 bytes) */
	0x1b, 0x0c, 'C', 'O', 'R', 'P', '.', 'E', 'X', 'A', /*             GeneralString "CORP.EXAMPLE" */
	'M', 'P', 'L', 'E',
	0xa2, 0x21,                     /*           [2] sname (33 bytes) */
	0x30, 0x1f,                     /*             PrincipalName (31 bytes) */
	0xa0, 0x03,                     /*               [0] name-type (3 bytes) */
	0x02, 0x01, 0x02,               /*                 2 */
	0xa1, 0x18,                     /*               [1] name-string (24 bytes) */
	0x30, 0x16,                     /*                 SEQUENCE OF (22 bytes) */
	0x1b, 0x06, 'k', 'r', 'b', 't', 'g', 't', /*                   GeneralString "krbtgt" */
	0x1b, 0x0c, 'C', 'O', 'R', 'P', '.', 'E', 'X', 'A', /*                   GeneralString "CORP.EXAMPLE" */
	'M', 'P', 'L', 'E',
	0xa3, 0x33,                     /*           [3] enc-part (51 bytes) */
	0x30, 0x31,                     /*             EncryptedData (49 bytes) */
	0xa0, 0x03,                     /*               [0] etype (3 bytes) */
	0x02, 0x01, 0x12,               /*                 18 */
	0xa2, 0x2a,                     /*               [2] cipher (42 bytes) */
	0x04, 0x28, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, /*                 ticket cipher: checksum c0..cf + edata2 20..37 */
	0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0x20, 0x21,
	0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b,
	0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35,
	0x36, 0x37,
	0xa6, 0x3b,                     /*     [6] enc-part (59 bytes) */
	0x30, 0x39,                     /*       EncryptedData (57 bytes) */
	0xa0, 0x03,                     /*         [0] etype (3 bytes) */
	0x02, 0x01, 0x17,               /*           23 */
	0xa2, 0x32,                     /*         [2] cipher (50 bytes) */
	0x04, 0x30, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, /*           cipher: checksum a0..af + edata2 00..1f */
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0x00, 0x01,
	0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
	0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

static const uint8_t tgs_rep_rc4[] = {
	0x6d, 0x81, 0xeb,               /* [APPLICATION 13] TGS-REP (235 bytes) */
	0x30, 0x81, 0xe8,               /*   KDC-REP (232 bytes) */
	0xa0, 0x03,                     /*     [0] pvno (3 bytes) */
	0x02, 0x01, 0x05,               /*       5 */
	0xa1, 0x03,                     /*     [1] msg-type (3 bytes) */
	0x02, 0x01, 0x0d,               /*       13 */
	0xa3, 0x0e,                     /*     [3] crealm (14 bytes) */
	0x1b, 0x0c, 'C', 'O', 'R', 'P', '.', 'E', 'X', 'A', /*       GeneralString "CORP.EXAMPLE" */
	'M', 'P', 'L', 'E',
	0xa4, 0x12,                     /*     [4] cname (18 bytes) */
	0x30, 0x10,                     /*       PrincipalName (16 bytes) */
	0xa0, 0x03,                     /*         [0] name-type (3 bytes) */
	0x02, 0x01, 0x01,               /*           1 */
	0xa1, 0x09,                     /*         [1] name-string (9 bytes) */
	0x30, 0x07,                     /*           SEQUENCE OF (7 bytes) */
	0x1b, 0x05, 'a', 'l', 'i', 'c', 'e', /*             GeneralString "alice" */
	0xa5, 0x7b,                     /*     [5] ticket (123 bytes) */
	0x61, 0x79,                     /*       [APPLICATION 1] Ticket (121 bytes) */
	0x30, 0x77,                     /*         Ticket (119 bytes) */
	0xa0, 0x03,                     /*           [0] tkt-vno (3 bytes) */
	0x02, 0x01, 0x05,               /*             5 */
	0xa1, 0x0e,                     /*           [1] realm (14 bytes) */
	0x1b, 0x0c, 'C', 'O', 'R', 'P', '.', 'E', 'X', 'A', /*             GeneralString "CORP.EXAMPLE" */
	'M', 'P', 'L', 'E',
	0xa2, 0x2b,                     /*           [2] sname (43 bytes) */
	0x30, 0x29,                     /*             PrincipalName (41 bytes) */
	0xa0, 0x03,                     /*               [0] name-type (3 bytes) */
	0x02, 0x01, 0x02,               /*                 2 */
	0xa1, 0x22,                     /*               [1] name-string (34 bytes) */
	0x30, 0x20,                     /*                 SEQUENCE OF (32 bytes) */
	0x1b, 0x08, 'M', 'S', 'S', 'Q', 'L', 'S', 'v', 'c', /*                   GeneralString "MSSQLSvc" */
	0x1b, 0x14, 'd', 'b', '.', 'c', 'o', 'r', 'p', '.', /*                   GeneralString "db.corp.example:1433" */
	'e', 'x', 'a', 'm', 'p', 'l', 'e', ':', '1', '4',
	'3', '3',
	0xa3, 0x33,                     /*           [3] enc-part (51 bytes) */
	0x30, 0x31,                     /*             EncryptedData (49 bytes) */
	0xa0, 0x03,                     /*               [0] etype (3 bytes) */
	0x02, 0x01, 0x17,               /*                 23 */
	0xa2, 0x2a,                     /*               [2] cipher (42 bytes) */
	0x04, 0x28, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, /*                 ticket cipher: checksum c0..cf + edata2 20..37 */
	0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0x20, 0x21,
	0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b,
	0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35,
	0x36, 0x37,
	0xa6, 0x3b,                     /*     [6] enc-part (59 bytes) */
	0x30, 0x39,                     /*       EncryptedData (57 bytes) */
	0xa0, 0x03,                     /*         [0] etype (3 bytes) */
	0x02, 0x01, 0x12,               /*           18 */
	0xa2, 0x32,                     /*         [2] cipher (50 bytes) */
	0x04, 0x30, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, /*           cipher: checksum a0..af + edata2 00..1f */
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0x00, 0x01,
	0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
	0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

/* hashcat 7500: timestamp part (40..63) first, then the checksum (10..1f) */
#define PA_CRACK "$krb5pa$23$alice$CORP.EXAMPLE$CORP.EXAMPLEalice$" \
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f" \
	"60616263101112131415161718191a1b1c1d1e1f"

static void
test_preauth_rc4_then_as_rep(void)
{
	struct fake_fact *f;

	setup();
	feed(DIR_TO_SERVER, as_req_rc4, sizeof(as_req_rc4));
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	feed(DIR_TO_CLIENT, as_rep_rc4, sizeof(as_rep_rc4));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	f = &ctx.facts[0];
	CU_ASSERT_STRING_EQUAL(f->proto, "kerberos");
	CU_ASSERT_STRING_EQUAL(f->mechanism, "AS-REQ pre-auth etype 23");
	CU_ASSERT_EQUAL(f->cls, CRED_WEAK);
	CU_ASSERT_EQUAL(f->outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT_STRING_EQUAL(f->user, "alice");
	CU_ASSERT_STRING_EQUAL(f->domain, "CORP.EXAMPLE");
	CU_ASSERT_EQUAL(f->secret_len, 52);
	CU_ASSERT_STRING_EQUAL(f->crack, PA_CRACK);
	f = &ctx.facts[1];
	CU_ASSERT_STRING_EQUAL(f->mechanism, "AS-REP etype 23");
	CU_ASSERT_STRING_EQUAL(f->crack, "$krb5asrep$23$alice@CORP.EXAMPLE:"
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf$"
	    "000102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1f");
	fake_end(&ctx, &kerberos_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 2);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_preauth_failed_tcp_bytewise(void)
{
	/* the KRB-ERROR with a TCP record mark in front */
	uint8_t err[4 + sizeof(krb_err_preauth_failed)] = { 0, 0, 0,
	    sizeof(krb_err_preauth_failed) };
	uint8_t req[AS_REQ_TCP_LEN];
	size_t i;

	memcpy(err + 4, krb_err_preauth_failed,
	    sizeof(krb_err_preauth_failed));
	as_req_tcp(23, req);
	setup();
	for (i = 0; i < sizeof(req); i++)
		feed(DIR_TO_SERVER, req + i, 1);
	for (i = 0; i < sizeof(err); i++)
		feed(DIR_TO_CLIENT, err + i, 1);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_FAILURE);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, PA_CRACK);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_aes_not_reported(void)
{
	uint8_t req[AS_REQ_TCP_LEN];

	as_req_tcp(18, req);
	setup();
	feed(DIR_TO_SERVER, req, sizeof(req));
	fake_end(&ctx, &kerberos_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_tgs_rep_kerberoast(void)
{
	struct fake_fact *f;

	setup();
	feed(DIR_TO_CLIENT, tgs_rep_rc4, sizeof(tgs_rep_rc4));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_STRING_EQUAL(f->mechanism, "TGS-REP etype 23");
	CU_ASSERT_EQUAL(f->secret_len, 40);
	CU_ASSERT_STRING_EQUAL(f->crack, "$krb5tgs$23$*alice$CORP.EXAMPLE$"
	    "MSSQLSvc/db.corp.example:1433*$c0c1c2c3c4c5c6c7c8c9cacbcccdcecf$"
	    "202122232425262728292a2b2c2d2e2f3031323334353637");
}

/*
 * A second Kerberoasting reply for another flow: tgs_rep_rc4 with the
 * client "bobby" instead of "alice" (same length, so the DER lengths hold)
 * and every ticket cipher byte inverted.
 */
#define TGS_CNAME_OFF	47	/* "alice" in the cname GeneralString */
#define TGS_CIPHER_OFF	137	/* the ticket cipher's 40 bytes */

static void
tgs_rep_bobby(uint8_t out[sizeof(tgs_rep_rc4)])
{
	size_t i;

	memcpy(out, tgs_rep_rc4, sizeof(tgs_rep_rc4));
	memcpy(out + TGS_CNAME_OFF, "bobby", 5);
	for (i = 0; i < 40; i++)
		out[TGS_CIPHER_OFF + i] ^= 0xff;
}

#define TGS_CRACK_ALICE "$krb5tgs$23$*alice$CORP.EXAMPLE$" \
	"MSSQLSvc/db.corp.example:1433*$c0c1c2c3c4c5c6c7c8c9cacbcccdcecf$" \
	"202122232425262728292a2b2c2d2e2f3031323334353637"
#define TGS_CRACK_BOBBY "$krb5tgs$23$*bobby$CORP.EXAMPLE$" \
	"MSSQLSvc/db.corp.example:1433*$3f3e3d3c3b3a39383736353433323130$" \
	"dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8"

static void
test_two_flows_interleaved(void)
{
	static struct dctx cb;
	uint8_t sb[4096], bobby[sizeof(tgs_rep_rc4)];

	CU_ASSERT(memcmp(tgs_rep_rc4 + TGS_CNAME_OFF, "alice", 5) == 0);
	CU_ASSERT(tgs_rep_rc4[TGS_CIPHER_OFF] == 0xc0 &&
	    tgs_rep_rc4[TGS_CIPHER_OFF + 39] == 0x37);
	tgs_rep_bobby(bobby);
	setup();
	fake_dctx_reset(&cb, 88);
	memset(sb, 0, sizeof(sb));
	/* A's pre-auth, B's reply, A's AS-REP: each flow keeps its own lines */
	feed(DIR_TO_SERVER, as_req_rc4, sizeof(as_req_rc4));
	fake_feed(&cb, &kerberos_dissector, sb, DIR_TO_CLIENT, bobby,
	    sizeof(bobby));
	feed(DIR_TO_CLIENT, as_rep_rc4, sizeof(as_rep_rc4));
	feed(DIR_TO_CLIENT, tgs_rep_rc4, sizeof(tgs_rep_rc4));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 3);
	CU_ASSERT_EQUAL_FATAL(cb.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, PA_CRACK);
	CU_ASSERT_STRING_EQUAL(ctx.facts[2].crack, TGS_CRACK_ALICE);
	CU_ASSERT_STRING_EQUAL(cb.facts[0].crack, TGS_CRACK_BOBBY);
	CU_ASSERT_STRING_EQUAL(cb.facts[0].user, "bobby");
	fake_end(&ctx, &kerberos_dissector, state);
	fake_end(&cb, &kerberos_dissector, sb);
	CU_ASSERT_EQUAL(ctx.nweirds + cb.nweirds, 0);
}

/*
 * Two workers parse two flows at the same time.  Each thread feeds its own
 * flow's TGS-REP again and again and compares every recorded hashcat line
 * with its own; a buffer shared between calls (the old static crack[])
 * hands one flow the other's line, or a mix of both.
 */
#define RACE_ROUNDS	20000

struct race_flow {
	const uint8_t	*msg;
	size_t		 len;
	const char	*want;
	pthread_barrier_t *start;
	unsigned	 rounds, wrong, missing;
	char		 first_wrong[256];
};

static void *
race_main(void *arg)
{
	struct race_flow *rf = arg;
	struct dctx *c = calloc(1, sizeof(*c));
	void *st = calloc(1, kerberos_dissector.state_size);
	unsigned i;

	if (c == NULL || st == NULL)
		abort();
	fake_dctx_reset(c, 88);
	pthread_barrier_wait(rf->start);
	for (i = 0; i < RACE_ROUNDS; i++) {
		c->nfacts = 0;
		fake_feed(c, &kerberos_dissector, st, DIR_TO_CLIENT, rf->msg,
		    rf->len);
		rf->rounds++;
		if (c->nfacts != 1) {
			rf->missing++;
			continue;
		}
		if (strcmp(c->facts[0].crack, rf->want) != 0 &&
		    rf->wrong++ == 0)
			snprintf(rf->first_wrong, sizeof(rf->first_wrong),
			    "%.*s", (int)sizeof(rf->first_wrong) - 1,
			    c->facts[0].crack);
	}
	fake_end(c, &kerberos_dissector, st);
	free(st);
	free(c);
	return NULL;
}

static void
test_two_flows_concurrent(void)
{
	uint8_t bobby[sizeof(tgs_rep_rc4)];
	pthread_barrier_t start;
	struct race_flow rf[2] = {
		{ tgs_rep_rc4, sizeof(tgs_rep_rc4), TGS_CRACK_ALICE, &start,
		    0, 0, 0, "" },
		{ bobby, sizeof(bobby), TGS_CRACK_BOBBY, &start, 0, 0, 0, "" },
	};
	pthread_t t[2];
	int i;

	tgs_rep_bobby(bobby);
	CU_ASSERT_FATAL(pthread_barrier_init(&start, NULL, 2) == 0);
	for (i = 0; i < 2; i++)
		CU_ASSERT_FATAL(pthread_create(&t[i], NULL, race_main,
		    &rf[i]) == 0);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);
	for (i = 0; i < 2; i++) {
		if (rf[i].wrong > 0)
			fprintf(stderr, "\n  flow %d: %u of %u lines wrong, "
			    "first: %s\n", i, rf[i].wrong, rf[i].rounds,
			    rf[i].first_wrong);
		CU_ASSERT_EQUAL(rf[i].rounds, RACE_ROUNDS);
		CU_ASSERT_EQUAL(rf[i].missing, 0);
		CU_ASSERT_EQUAL(rf[i].wrong, 0);
	}
}

static void
test_truncated(void)
{
	uint8_t req[AS_REQ_TCP_LEN];
	size_t n;

	for (n = 1; n < sizeof(as_req_rc4); n++) {
		setup();
		feed(DIR_TO_SERVER, as_req_rc4, n);
		fake_end(&ctx, &kerberos_dissector, state);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
		CU_ASSERT_EQUAL(fake_weird_count(&ctx, "kerberos_malformed"),
		    1);
	}
	as_req_tcp(23, req);
	for (n = 1; n < sizeof(req); n += 3) {
		setup();
		feed(DIR_TO_SERVER, req, n);
		fake_end(&ctx, &kerberos_dissector, state);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
		CU_ASSERT_EQUAL(ctx.nweirds, 0);	/* just incomplete */
	}
}

static void
test_malformed(void)
{
	uint8_t m[sizeof(as_req_rc4)];

	/* pvno 4 */
	setup();
	memcpy(m, as_req_rc4, sizeof(m));
	m[9] = 4;
	feed(DIR_TO_SERVER, m, sizeof(m));
	fake_end(&ctx, &kerberos_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "kerberos_malformed"), 1);
	/* TCP record mark with the reserved bit set */
	setup();
	feed(DIR_TO_SERVER, (const uint8_t *)"\x80\x00\x00\x10\x6a", 5);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "kerberos_malformed"), 1);
}

static void
test_lookalike(void)
{
	static const char http[] = "GET / HTTP/1.1\r\n\r\n";
	uint8_t req[AS_REQ_TCP_LEN];

	as_req_tcp(23, req);
	setup();
	CU_ASSERT(kerberos_dissector.probe(as_req_rc4, sizeof(as_req_rc4), 0));
	CU_ASSERT(kerberos_dissector.probe(req, 40, 0));
	CU_ASSERT(!kerberos_dissector.probe((const uint8_t *)http,
	    sizeof(http) - 1, 0));
	feed(DIR_TO_SERVER, (const uint8_t *)http, sizeof(http) - 1);
	CU_ASSERT(ctx.done);
	fake_end(&ctx, &kerberos_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

UNIT_MAIN("kerberos",
    { "RC4 pre-auth then AS-REP: success, 7500 and 18200 lines",
	test_preauth_rc4_then_as_rep },
    { "TCP byte by byte, PREAUTH_FAILED: failure",
	test_preauth_failed_tcp_bytewise },
    { "AES pre-auth: no fact", test_aes_not_reported },
    { "TGS-REP RC4 ticket: 13100 line", test_tgs_rep_kerberoast },
    { "two flows interleaved: each keeps its own lines",
	test_two_flows_interleaved },
    { "two flows on two threads: each keeps its own lines",
	test_two_flows_concurrent },
    { "truncated", test_truncated },
    { "malformed", test_malformed },
    { "look-alike data", test_lookalike })
