/*
 * crypto.h - SHA-1 (FIPS 180-4, for Community ID v1), SHA-256 and
 * HMAC-SHA256 (RFC 2104 / RFC 4231, for secret fingerprints).
 *
 * Self-contained so the sensor needs no TLS library.  No allocation; all
 * state is in the caller's context structs.
 */
#ifndef EDGEWARD_CRYPTO_H
#define EDGEWARD_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define SHA1_LEN	20
#define SHA256_LEN	32

struct sha1_ctx {
	uint32_t	h[5];
	uint64_t	total;
	uint8_t		buf[64];
	size_t		used;
};

struct sha256_ctx {
	uint32_t	h[8];
	uint64_t	total;
	uint8_t		buf[64];
	size_t		used;
};

void	sha1_init(struct sha1_ctx *c);
void	sha1_update(struct sha1_ctx *c, const void *data, size_t len);
void	sha1_final(struct sha1_ctx *c, uint8_t out[SHA1_LEN]);

void	sha256_init(struct sha256_ctx *c);
void	sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void	sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_LEN]);
void	sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);

void	hmac_sha256(const uint8_t *key, size_t keylen, const uint8_t *msg,
	    size_t msglen, uint8_t out[SHA256_LEN]);

/* Wipes memory in a way the compiler may not elide. */
void	secure_zero(void *p, size_t n);

#endif
