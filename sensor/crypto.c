/*
 * crypto.c - SHA-1 and SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104,
 * tested with the RFC 4231 vectors).
 *
 * Both hashes share one Merkle-Damgard block buffer: bytes collect in the
 * context's 64-byte buffer and each full block goes to the algorithm's
 * compression function.  Words are assembled from bytes in big-endian order
 * and written back the same way, so there are no casts of byte buffers to
 * wider types and the result does not depend on host endianness or
 * alignment.  Nothing here allocates; all state lives in the caller's
 * context, and the HMAC wipes its key blocks and contexts before returning.
 */
#include <string.h>

#include "crypto.h"

#define HASH_BLOCK	64	/* both SHA-1 and SHA-256 use 512-bit blocks */

/* Processes one full block into the chaining state h. */
typedef void	(*hash_compress_fn)(uint32_t *h, const uint8_t *block);

static uint32_t
rotl32(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

static uint32_t
rotr32(uint32_t x, unsigned n)
{
	return x >> n | x << (32 - n);
}

static uint32_t
load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * Feeds len bytes through the block buffer: tops up a partial block first,
 * then compresses whole blocks straight from the input, and keeps the tail.
 */
static void
hash_absorb(uint32_t *h, uint8_t *buf, size_t *used, uint64_t *total,
    const uint8_t *p, size_t len, hash_compress_fn compress)
{
	size_t n;

	if (len == 0)	/* data may then be NULL; memcpy must not see it */
		return;
	*total += len;
	if (*used > 0) {
		n = HASH_BLOCK - *used;
		if (n > len)
			n = len;
		memcpy(buf + *used, p, n);
		*used += n;
		p += n;
		len -= n;
		if (*used < HASH_BLOCK)
			return;
		compress(h, buf);
		*used = 0;
	}
	for (; len >= HASH_BLOCK; p += HASH_BLOCK, len -= HASH_BLOCK)
		compress(h, p);
	if (len > 0) {
		memcpy(buf, p, len);
		*used = len;
	}
}

/*
 * FIPS 180-4 section 5.1.1 padding: a 0x80 byte, zeros up to 56 bytes into
 * the last block (spilling into an extra block when fewer than 9 bytes are
 * left), then the message length in bits as a 64-bit big-endian number.
 */
static void
hash_pad(uint32_t *h, uint8_t *buf, size_t used, uint64_t total,
    hash_compress_fn compress)
{
	uint64_t bits = total << 3;
	int i;

	buf[used++] = 0x80;
	if (used > HASH_BLOCK - 8) {
		memset(buf + used, 0, HASH_BLOCK - used);
		compress(h, buf);
		used = 0;
	}
	memset(buf + used, 0, HASH_BLOCK - 8 - used);
	for (i = 0; i < 8; i++)
		buf[HASH_BLOCK - 1 - i] = (uint8_t)(bits >> (8 * i));
	compress(h, buf);
}

/* Writes the first nwords of the chaining state as the big-endian digest. */
static void
hash_output(const uint32_t *h, size_t nwords, uint8_t *out)
{
	size_t i;

	for (i = 0; i < nwords; i++)
		store_be32(out + 4 * i, h[i]);
}

/* ---- SHA-1 (FIPS 180-4 sections 4.1.1, 4.2.1, 5.3.1, 6.1) -------------- */

static void
sha1_compress(uint32_t *h, const uint8_t *block)
{
	uint32_t w[80], a, b, c, d, e, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = load_be32(block + 4 * i);
	for (; i < 80; i++)
		w[i] = rotl32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);

	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) | (~b & d);		/* Ch */
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;			/* Parity */
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);	/* Maj */
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;			/* Parity */
			k = 0xca62c1d6;
		}
		t = rotl32(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rotl32(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void
sha1_init(struct sha1_ctx *c)
{
	static const uint32_t iv[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0
	};

	memcpy(c->h, iv, sizeof(iv));
	c->total = 0;
	c->used = 0;
}

void
sha1_update(struct sha1_ctx *c, const void *data, size_t len)
{
	hash_absorb(c->h, c->buf, &c->used, &c->total, data, len,
	    sha1_compress);
}

/* Writes the digest and wipes the context; re-init it to hash again. */
void
sha1_final(struct sha1_ctx *c, uint8_t out[SHA1_LEN])
{
	hash_pad(c->h, c->buf, c->used, c->total, sha1_compress);
	hash_output(c->h, SHA1_LEN / 4, out);
	secure_zero(c, sizeof(*c));
}

/* ---- SHA-256 (FIPS 180-4 sections 4.1.2, 4.2.2, 5.3.3, 6.2) ------------ */

/*
 * First 32 bits of the fractional parts of the cube roots of the first 64
 * primes (section 4.2.2).
 */
static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static void
sha256_compress(uint32_t *h, const uint8_t *block)
{
	uint32_t w[64], v[8], s0, s1, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = load_be32(block + 4 * i);
	for (; i < 64; i++) {
		s0 = rotr32(w[i - 15], 7) ^ rotr32(w[i - 15], 18) ^
		    w[i - 15] >> 3;
		s1 = rotr32(w[i - 2], 17) ^ rotr32(w[i - 2], 19) ^
		    w[i - 2] >> 10;
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}

	/* v[0..7] are the working variables a..h. */
	memcpy(v, h, sizeof(v));
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (rotr32(v[4], 6) ^ rotr32(v[4], 11) ^
		    rotr32(v[4], 25)) + ((v[4] & v[5]) ^ (~v[4] & v[6])) +
		    sha256_k[i] + w[i];
		t2 = (rotr32(v[0], 2) ^ rotr32(v[0], 13) ^ rotr32(v[0], 22)) +
		    ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += v[i];
}

void
sha256_init(struct sha256_ctx *c)
{
	/* Fractional parts of the square roots of the first 8 primes. */
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(c->h, iv, sizeof(iv));
	c->total = 0;
	c->used = 0;
}

void
sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	hash_absorb(c->h, c->buf, &c->used, &c->total, data, len,
	    sha256_compress);
}

/* Writes the digest and wipes the context; re-init it to hash again. */
void
sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_LEN])
{
	hash_pad(c->h, c->buf, c->used, c->total, sha256_compress);
	hash_output(c->h, SHA256_LEN / 4, out);
	secure_zero(c, sizeof(*c));
}

void
sha256(const void *data, size_t len, uint8_t out[SHA256_LEN])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, out);
}

/* ---- HMAC-SHA256 (RFC 2104 section 2) ---------------------------------- */

/*
 * H(K ^ opad, H(K ^ ipad, msg)).  A key longer than the block is hashed
 * first; a shorter one is zero-padded to the block.  out may alias msg.
 */
void
hmac_sha256(const uint8_t *key, size_t keylen, const uint8_t *msg,
    size_t msglen, uint8_t out[SHA256_LEN])
{
	struct sha256_ctx c;
	uint8_t k0[HASH_BLOCK], pad[HASH_BLOCK], inner[SHA256_LEN];
	size_t i;

	memset(k0, 0, sizeof(k0));
	if (keylen > HASH_BLOCK)
		sha256(key, keylen, k0);
	else if (keylen > 0)
		memcpy(k0, key, keylen);

	for (i = 0; i < HASH_BLOCK; i++)
		pad[i] = k0[i] ^ 0x36;
	sha256_init(&c);
	sha256_update(&c, pad, sizeof(pad));
	sha256_update(&c, msg, msglen);
	sha256_final(&c, inner);

	for (i = 0; i < HASH_BLOCK; i++)
		pad[i] = k0[i] ^ 0x5c;
	sha256_init(&c);
	sha256_update(&c, pad, sizeof(pad));
	sha256_update(&c, inner, sizeof(inner));
	sha256_final(&c, out);

	secure_zero(k0, sizeof(k0));
	secure_zero(pad, sizeof(pad));
	secure_zero(inner, sizeof(inner));
}

/*
 * Stores through a volatile pointer so the compiler cannot prove the writes
 * dead and drop them, as it may for a memset before a buffer goes out of
 * scope.  Portable where explicit_bzero(3) or memset_s are missing.
 */
void
secure_zero(void *p, size_t n)
{
	/* glibc's explicit_bzero: a memset the compiler may not remove. */
	explicit_bzero(p, n);
}
