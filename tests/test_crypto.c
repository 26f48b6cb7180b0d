/*
 * test_crypto.c - SHA-1 and SHA-256 against the FIPS 180 example messages
 * (NIST "Cryptographic Standards and Guidelines: Examples with Intermediate
 * Values", SHA1.pdf and SHA256.pdf), padding-boundary lengths and updates
 * split at awkward places (expected digests from Python's hashlib), and
 * HMAC-SHA256 against RFC 4231 section 4 test cases 1-4, 6 and 7.
 */
#include <string.h>

#include "codec.h"
#include "crypto.h"
#include "unit.h"

enum test_alg {
	ALG_SHA1,
	ALG_SHA256
};

/*
 * Hashes msg giving the first `first` bytes to one update call and the rest
 * in calls of `step` bytes, then renders the digest as hex into hex.
 */
static void
digest_hex(enum test_alg alg, const uint8_t *msg, size_t len, size_t first,
    size_t step, char hex[2 * SHA256_LEN + 1])
{
	struct sha1_ctx c1;
	struct sha256_ctx c256;
	uint8_t out[SHA256_LEN];
	size_t off, n, dlen;

	if (first > len)
		first = len;
	if (alg == ALG_SHA1)
		sha1_init(&c1);
	else
		sha256_init(&c256);
	for (off = 0; off < len; off += n) {
		n = off == 0 ? first : step;
		if (n > len - off)
			n = len - off;
		if (alg == ALG_SHA1)
			sha1_update(&c1, msg + off, n);
		else
			sha256_update(&c256, msg + off, n);
	}
	if (alg == ALG_SHA1) {
		sha1_final(&c1, out);
		dlen = SHA1_LEN;
	} else {
		sha256_final(&c256, out);
		dlen = SHA256_LEN;
	}
	CU_ASSERT_FATAL(hex_encode(out, dlen, hex, 2 * SHA256_LEN + 1) ==
	    (long)(2 * dlen));
}

static void
digest_str_hex(enum test_alg alg, const char *s, char hex[2 * SHA256_LEN + 1])
{
	size_t len = strlen(s);

	digest_hex(alg, (const uint8_t *)s, len, len, len, hex);
}

/* 0x03, 0x0a, 0x11, ...: a pattern with no period of 64. */
static void
fill_pattern(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + 3);
}

/* FIPS 180 examples: one block, two blocks (the 448-bit message), empty. */
static const char msg_448[] =
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

static void
test_sha1_fips(void)
{
	char hex[2 * SHA256_LEN + 1];

	digest_str_hex(ALG_SHA1, "abc", hex);
	CU_ASSERT_STRING_EQUAL(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	digest_str_hex(ALG_SHA1, msg_448, hex);
	CU_ASSERT_STRING_EQUAL(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	digest_str_hex(ALG_SHA1, "", hex);
	CU_ASSERT_STRING_EQUAL(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

static void
test_sha256_fips(void)
{
	char hex[2 * SHA256_LEN + 1];

	digest_str_hex(ALG_SHA256, "abc", hex);
	CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	digest_str_hex(ALG_SHA256, msg_448, hex);
	CU_ASSERT_STRING_EQUAL(hex, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1");
	digest_str_hex(ALG_SHA256, "", hex);
	CU_ASSERT_STRING_EQUAL(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}

/* FIPS 180: one million 'a', fed as one buffer in 1000-byte updates. */
static void
test_million_a(void)
{
	static uint8_t a[1000000];
	char hex[2 * SHA256_LEN + 1];

	memset(a, 'a', sizeof(a));
	digest_hex(ALG_SHA1, a, sizeof(a), 1000, 1000, hex);
	CU_ASSERT_STRING_EQUAL(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	digest_hex(ALG_SHA256, a, sizeof(a), 1000, 1000, hex);
	CU_ASSERT_STRING_EQUAL(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
	/* Odd-sized updates over the same input agree. */
	digest_hex(ALG_SHA256, a, sizeof(a), 3, 4099, hex);
	CU_ASSERT_STRING_EQUAL(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
}

/*
 * Message lengths around the padding boundaries: 55 leaves room for the
 * 0x80 and the 8-byte length in one block, 56 does not, 64 is exactly one
 * block.  Messages are fill_pattern(); digests from Python's hashlib.
 */
static const struct {
	size_t		 len;
	const char	*sha1;
	const char	*sha256;
} boundary[] = {
	{ 1, "9842926af7ca0a8cca12604f945414f07b01e13d",
	    "084fed08b978af4d7d196a7446a86b58"
	    "009e636b611db16211b65a9aadff29c5" },
	{ 55, "ddf57317ef34bfee3b6df83d359098930eb278bc",
	    "e7313d333c272e639f790978283f9eb3"
	    "92e843d0f29b7016828bb1daa4aac70b" },
	{ 56, "a0d492bb0fc889d0eca3bc137066ab6f4f74f369",
	    "4324d65f3c103567f5589c710bc08f85"
	    "23f929a9272e3af36fc968e52abc6c27" },
	{ 63, "c55856749bef509bdfe6bfebfc7bf4e793e82132",
	    "81c80242132f230c3bd41b3e63bbcff1"
	    "6107339549214a99614ff26664625055" },
	{ 64, "bede92be29c3874e1b54ddc77988d606fc857a8e",
	    "39e3d7b6b5d075d37d053ad89b24b41b"
	    "ef4f3c29760c84447cab3f3be1882241" },
	{ 65, "b05a80522b053d6dc7e0a517d0e70212c7dad11f",
	    "aacca6ff74fdbb296d165a45cecfa04e"
	    "5127bc008770fbbdd48006f2d2fae95e" },
	{ 119, "504e27376a6e0f0dba8295b85cb25dc4dfa17d23",
	    "9ce7368e4daf32341631b492e80359dc"
	    "9f594b48453cd0dd5bf0b19279cc177e" },
	{ 120, "82134b02fb3f702491be9bed581eeab59334acb2",
	    "7836b787757e95e58b3ca5aec90b1b00"
	    "4e8deba1e50e9675af9cabf1a13a04b5" },
	{ 128, "a09133e6730ffe899efb70204cb5646cd5dc24ee",
	    "d2742f1f4ac6bb7ca2b239ee18402ba8"
	    "b3f9f8e652d2a72973c2b9ba11c08cf6" },
	{ 200, "892b673ca3c696ab13ab8aab3cf3abfbc3aaeb3b",
	    "2c7e18c942ef065b526a2d4e5546283749cd3ddfb51d8fc71f42717363685f46" }
};

static void
test_padding_boundaries(void)
{
	uint8_t msg[200];
	char hex[2 * SHA256_LEN + 1];
	size_t i, len;

	fill_pattern(msg, sizeof(msg));
	for (i = 0; i < sizeof(boundary) / sizeof(boundary[0]); i++) {
		len = boundary[i].len;
		digest_hex(ALG_SHA1, msg, len, len, len, hex);
		CU_ASSERT_STRING_EQUAL(hex, boundary[i].sha1);
		digest_hex(ALG_SHA256, msg, len, len, len, hex);
		CU_ASSERT_STRING_EQUAL(hex, boundary[i].sha256);
	}
}

/*
 * The 200-byte message split so the first update ends at 1, 55, 56, 63, 64
 * and 65 bytes and the rest arrives in pieces of the same sizes: every
 * buffer fill level meets every input size.
 */
static void
test_split_updates(void)
{
	static const size_t cuts[] = { 1, 55, 56, 63, 64, 65 };
	const size_t last = sizeof(boundary) / sizeof(boundary[0]) - 1;
	uint8_t msg[200];
	char hex[2 * SHA256_LEN + 1];
	size_t i, j;

	fill_pattern(msg, sizeof(msg));
	CU_ASSERT_FATAL(boundary[last].len == sizeof(msg));
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		for (j = 0; j < sizeof(cuts) / sizeof(cuts[0]); j++) {
			digest_hex(ALG_SHA1, msg, sizeof(msg), cuts[i],
			    cuts[j], hex);
			CU_ASSERT_STRING_EQUAL(hex, boundary[last].sha1);
			digest_hex(ALG_SHA256, msg, sizeof(msg), cuts[i],
			    cuts[j], hex);
			CU_ASSERT_STRING_EQUAL(hex, boundary[last].sha256);
		}
	}
}

static void
test_empty_updates(void)
{
	struct sha256_ctx c;
	uint8_t a[SHA256_LEN], b[SHA256_LEN];

	/* Zero-length updates, even with NULL, change nothing. */
	sha256_init(&c);
	sha256_update(&c, NULL, 0);
	sha256_update(&c, "ab", 2);
	sha256_update(&c, NULL, 0);
	sha256_update(&c, "c", 1);
	sha256_final(&c, a);
	sha256("abc", 3, b);
	CU_ASSERT(memcmp(a, b, sizeof(a)) == 0);
	sha256(NULL, 0, a);
	sha256("", 0, b);
	CU_ASSERT(memcmp(a, b, sizeof(a)) == 0);
}

/* RFC 4231 section 4; case 5 (truncated output) does not apply. */
static void
test_hmac_rfc4231(void)
{
	static const uint8_t key4[25] = {
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
		0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
		0x15, 0x16, 0x17, 0x18, 0x19
	};
	static const char data6[] =
	    "Test Using Larger Than Block-Size Key - Hash Key First";
	static const char data7[] =
	    "This is a test using a larger than block-size key and a larger "
	    "than block-size data. The key needs to be hashed before being "
	    "used by the HMAC algorithm.";
	uint8_t key[131], data[50], out[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];

	/* Test case 1: 20-byte key of 0x0b, "Hi There". */
	memset(key, 0x0b, 20);
	hmac_sha256(key, 20, (const uint8_t *)"Hi There", 8, out);
	hex_encode(out, sizeof(out), hex, sizeof(hex));
	CU_ASSERT_STRING_EQUAL(hex, "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7");

	/* Test case 2: a key shorter than the output. */
	hmac_sha256((const uint8_t *)"Jefe", 4,
	    (const uint8_t *)"what do ya want for nothing?", 28, out);
	hex_encode(out, sizeof(out), hex, sizeof(hex));
	CU_ASSERT_STRING_EQUAL(hex, "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843");

	/* Test case 3: 20 bytes of 0xaa, 50 bytes of 0xdd. */
	memset(key, 0xaa, 20);
	memset(data, 0xdd, sizeof(data));
	hmac_sha256(key, 20, data, sizeof(data), out);
	hex_encode(out, sizeof(out), hex, sizeof(hex));
	CU_ASSERT_STRING_EQUAL(hex, "773ea91e36800e46854db8ebd09181a7"
	    "2959098b3ef8c122d9635514ced565fe");

	/* Test case 4: key 0x01..0x19, 50 bytes of 0xcd. */
	memset(data, 0xcd, sizeof(data));
	hmac_sha256(key4, sizeof(key4), data, sizeof(data), out);
	hex_encode(out, sizeof(out), hex, sizeof(hex));
	CU_ASSERT_STRING_EQUAL(hex, "82558a389a443c0ea4cc819899f2083a"
	    "85f0faa3e578f8077a2e3ff46729665b");

	/* Test case 6: a 131-byte key, longer than the block, is hashed. */
	memset(key, 0xaa, sizeof(key));
	hmac_sha256(key, sizeof(key), (const uint8_t *)data6,
	    strlen(data6), out);
	hex_encode(out, sizeof(out), hex, sizeof(hex));
	CU_ASSERT_STRING_EQUAL(hex, "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54");

	/* Test case 7: long key and data longer than the block. */
	hmac_sha256(key, sizeof(key), (const uint8_t *)data7,
	    strlen(data7), out);
	hex_encode(out, sizeof(out), hex, sizeof(hex));
	CU_ASSERT_STRING_EQUAL(hex, "9b09ffa71b942fcb27635fbcd5b0e944"
	    "bfdc63644f0713938a7f51535c3a35e2");
}

/* Keys of exactly one block (used as is) and empty; Python's hmac. */
static void
test_hmac_key_edges(void)
{
	uint8_t key[64], out[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];

	memset(key, 0x01, sizeof(key));
	hmac_sha256(key, sizeof(key), (const uint8_t *)"x", 1, out);
	hex_encode(out, sizeof(out), hex, sizeof(hex));
	CU_ASSERT_STRING_EQUAL(hex, "c668fc54e1a2a267c502413f4580c5bb"
	    "5d9229fef5fb9b4ff5f4ce5e76299783");
	hmac_sha256(NULL, 0, NULL, 0, out);
	hex_encode(out, sizeof(out), hex, sizeof(hex));
	CU_ASSERT_STRING_EQUAL(hex, "b613679a0814d9ec772f95d778c35fc5"
	    "ff1697c493715653c6c712144292c5ad");
}

static void
test_secure_zero(void)
{
	uint8_t buf[37];
	size_t i;
	int nonzero = 0;

	memset(buf, 0xa5, sizeof(buf));
	secure_zero(buf + 1, sizeof(buf) - 2);
	CU_ASSERT_EQUAL(buf[0], 0xa5);
	CU_ASSERT_EQUAL(buf[sizeof(buf) - 1], 0xa5);
	for (i = 1; i < sizeof(buf) - 1; i++)
		nonzero |= buf[i];
	CU_ASSERT_EQUAL(nonzero, 0);
	secure_zero(buf, 0);
	CU_ASSERT_EQUAL(buf[0], 0xa5);
}

UNIT_MAIN("crypto",
    { "SHA-1 FIPS 180 examples", test_sha1_fips },
    { "SHA-256 FIPS 180 examples", test_sha256_fips },
    { "one million 'a'", test_million_a },
    { "padding boundary lengths", test_padding_boundaries },
    { "updates split at awkward sizes", test_split_updates },
    { "empty updates", test_empty_updates },
    { "HMAC-SHA256 RFC 4231 cases 1-4, 6, 7", test_hmac_rfc4231 },
    { "HMAC-SHA256 block-size and empty keys", test_hmac_key_edges },
    { "secure_zero", test_secure_zero })
