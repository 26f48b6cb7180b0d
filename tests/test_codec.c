/*
 * test_codec.c - base64 against the RFC 4648 section 10 test vectors in
 * both directions, rejection of bad input, output capacity limits, and
 * hex_encode.
 */
#include <string.h>

#include "codec.h"
#include "unit.h"

/* RFC 4648 section 10: BASE64("") ... BASE64("foobar"). */
static const struct {
	const char	*plain;
	const char	*b64;
} rfc4648[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" }
};

#define NRFC	(sizeof(rfc4648) / sizeof(rfc4648[0]))

static long
decode_str(const char *s, uint8_t *out, size_t outcap)
{
	return base64_decode((const uint8_t *)s, strlen(s), out, outcap);
}

static void
test_encode_rfc4648(void)
{
	char out[16];
	size_t i, n;

	for (i = 0; i < NRFC; i++) {
		n = strlen(rfc4648[i].plain);
		memset(out, 'X', sizeof(out));
		CU_ASSERT_EQUAL(base64_encode((const uint8_t *)rfc4648[i].plain,
		    n, out, sizeof(out)), (long)strlen(rfc4648[i].b64));
		CU_ASSERT_STRING_EQUAL(out, rfc4648[i].b64);
	}
}

static void
test_decode_rfc4648(void)
{
	uint8_t out[16];
	size_t i, n;

	for (i = 0; i < NRFC; i++) {
		n = strlen(rfc4648[i].plain);
		CU_ASSERT_EQUAL(decode_str(rfc4648[i].b64, out, sizeof(out)),
		    (long)n);
		CU_ASSERT(memcmp(out, rfc4648[i].plain, n) == 0);
	}
}

/* Padding is optional on input (codec.h). */
static void
test_decode_unpadded(void)
{
	uint8_t out[16];

	CU_ASSERT_EQUAL(decode_str("Zg", out, sizeof(out)), 1);
	CU_ASSERT_EQUAL(out[0], 'f');
	CU_ASSERT_EQUAL(decode_str("Zm9vYmE", out, sizeof(out)), 5);
	CU_ASSERT(memcmp(out, "fooba", 5) == 0);
}

static void
test_binary_round_trip(void)
{
	uint8_t in[256], back[256];
	char b64[345];
	size_t i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(255 - i);
	CU_ASSERT_EQUAL(base64_encode(in, sizeof(in), b64, sizeof(b64)), 344);
	CU_ASSERT_EQUAL(decode_str(b64, back, sizeof(back)), 256);
	CU_ASSERT(memcmp(in, back, sizeof(in)) == 0);
	/* "+/" are the top of the standard alphabet. */
	CU_ASSERT_EQUAL(base64_encode((const uint8_t *)"\xfb\xff", 2, b64,
	    sizeof(b64)), 4);
	CU_ASSERT_STRING_EQUAL(b64, "+/8=");
}

static void
test_decode_bad_characters(void)
{
	static const char *bad[] = {
		"Zm9v!",	/* not in the alphabet */
		"Zm 9v",	/* whitespace inside */
		"Zm9v\n",	/* trailing newline */
		"Zm-_",		/* base64url alphabet */
		"Zg==Zg==",	/* padding in the middle */
		"Zg===",	/* three padding characters */
		"Z",		/* a lone sextet cannot make a byte */
		"Zm9vY"
	};
	uint8_t out[16];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(decode_str(bad[i], out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(base64_decode((const uint8_t *)"Zm\0v", 4, out,
	    sizeof(out)), -1);
	CU_ASSERT_EQUAL(base64_decode((const uint8_t *)"Zm9v\x80", 5, out,
	    sizeof(out)), -1);
}

static void
test_small_output(void)
{
	uint8_t dec[6];
	char enc[9];

	/* "foobar" needs 8 characters and the NUL. */
	CU_ASSERT_EQUAL(base64_encode((const uint8_t *)"foobar", 6, enc, 8),
	    -1);
	CU_ASSERT_EQUAL(base64_encode((const uint8_t *)"foobar", 6, enc, 9),
	    8);
	CU_ASSERT_EQUAL(base64_encode((const uint8_t *)"", 0, enc, 0), -1);
	CU_ASSERT_EQUAL(base64_encode((const uint8_t *)"", 0, enc, 1), 0);

	/* Decoding must stop at the capacity without writing past it. */
	memset(dec, 0xee, sizeof(dec));
	CU_ASSERT_EQUAL(decode_str("Zm9vYmFy", dec, 5), -1);
	CU_ASSERT_EQUAL(dec[5], 0xee);
	CU_ASSERT_EQUAL(decode_str("Zm9vYmFy", dec, 6), 6);
	CU_ASSERT_EQUAL(decode_str("Zg==", dec, 0), -1);
	CU_ASSERT_EQUAL(decode_str("", dec, 0), 0);
}

static void
test_hex_encode(void)
{
	static const uint8_t in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char out[13];

	memset(out, 'X', sizeof(out));
	CU_ASSERT_EQUAL(hex_encode(in, sizeof(in), out, sizeof(out)), 12);
	CU_ASSERT_STRING_EQUAL(out, "00017f80abff");
	CU_ASSERT_EQUAL(hex_encode(in, sizeof(in), out, sizeof(out) - 1), -1);
	CU_ASSERT_EQUAL(hex_encode(in, 0, out, 1), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(hex_encode(in, 0, out, 0), -1);
}

UNIT_MAIN("codec",
    { "base64 encode, RFC 4648 section 10", test_encode_rfc4648 },
    { "base64 decode, RFC 4648 section 10", test_decode_rfc4648 },
    { "base64 decode without padding", test_decode_unpadded },
    { "base64 binary round trip", test_binary_round_trip },
    { "base64 bad characters", test_decode_bad_characters },
    { "output buffer too small", test_small_output },
    { "hex_encode", test_hex_encode })
