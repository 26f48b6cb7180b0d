/*
 * cursor.h - the only way packet bytes are read.
 *
 * A cursor holds base, length, offset and a sticky error flag (tcpdump's
 * checked GET_ macros are the model).  Every read checks `len - off >= n`,
 * which cannot overflow because off <= len always holds.  A failed read sets
 * the error flag, leaves the offset where it was and returns 0; callers test
 * cur_ok() at their decision points instead of after every byte.  There are
 * no struct overlays or unaligned casts on packet data anywhere.
 *
 * Ownership: a cursor borrows its buffer; it never allocates or frees.
 */
#ifndef EDGEWARD_CURSOR_H
#define EDGEWARD_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t	*base;
	size_t		 len;
	size_t		 off;
	int		 err;
};

static inline void
cur_init(struct cursor *c, const uint8_t *base, size_t len)
{
	c->base = base;
	c->len = base != NULL ? len : 0;
	c->off = 0;
	c->err = 0;
}

static inline int
cur_ok(const struct cursor *c)
{
	return !c->err;
}

static inline size_t
cur_left(const struct cursor *c)
{
	return c->len - c->off;
}

static inline const uint8_t *
cur_ptr(const struct cursor *c)
{
	return c->base + c->off;
}

/* True (and no error) when n bytes are available at the offset. */
static inline int
cur_has(const struct cursor *c, size_t n)
{
	return !c->err && c->len - c->off >= n;
}

static inline int
cur_need(struct cursor *c, size_t n)
{
	if (c->err || c->len - c->off < n) {
		c->err = 1;
		return 0;
	}
	return 1;
}

static inline void
cur_skip(struct cursor *c, size_t n)
{
	if (cur_need(c, n))
		c->off += n;
}

static inline uint8_t
cur_u8(struct cursor *c)
{
	if (!cur_need(c, 1))
		return 0;
	return c->base[c->off++];
}

static inline uint16_t
cur_be16(struct cursor *c)
{
	const uint8_t *p;

	if (!cur_need(c, 2))
		return 0;
	p = c->base + c->off;
	c->off += 2;
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint16_t
cur_le16(struct cursor *c)
{
	const uint8_t *p;

	if (!cur_need(c, 2))
		return 0;
	p = c->base + c->off;
	c->off += 2;
	return (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t
cur_be24(struct cursor *c)
{
	const uint8_t *p;

	if (!cur_need(c, 3))
		return 0;
	p = c->base + c->off;
	c->off += 3;
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t
cur_be32(struct cursor *c)
{
	const uint8_t *p;

	if (!cur_need(c, 4))
		return 0;
	p = c->base + c->off;
	c->off += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t
cur_le32(struct cursor *c)
{
	const uint8_t *p;

	if (!cur_need(c, 4))
		return 0;
	p = c->base + c->off;
	c->off += 4;
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

/* Copies n bytes out; on failure the destination is zeroed. */
static inline void
cur_copy(struct cursor *c, void *dst, size_t n)
{
	if (!cur_need(c, n)) {
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, c->base + c->off, n);
	c->off += n;
}

/*
 * Returns a pointer to n bytes and advances past them, or NULL (error set).
 * The pointer borrows the cursor's buffer.
 */
static inline const uint8_t *
cur_take(struct cursor *c, size_t n)
{
	const uint8_t *p;

	if (!cur_need(c, n))
		return NULL;
	p = c->base + c->off;
	c->off += n;
	return p;
}

/* Peeks at the byte `at` past the offset without moving; 0 if beyond. */
static inline uint8_t
cur_peek(const struct cursor *c, size_t at)
{
	if (c->err || c->len - c->off <= at)
		return 0;
	return c->base[c->off + at];
}

/*
 * A NUL-terminated string at the offset: returns it (borrowed, without the
 * NUL, length in *n) and moves past the NUL, or NULL with the error set when
 * no NUL comes before the end.
 */
static inline const uint8_t *
cur_cstring(struct cursor *c, size_t *n)
{
	const uint8_t *p, *z;

	if (c->err || c->len - c->off == 0) {
		c->err = 1;
		return NULL;
	}
	p = c->base + c->off;
	if ((z = (const uint8_t *)memchr(p, 0, c->len - c->off)) == NULL) {
		c->err = 1;
		return NULL;
	}
	*n = (size_t)(z - p);
	c->off += *n + 1;
	return p;
}

/* A sub-cursor over the next n bytes; the parent advances past them. */
static inline struct cursor
cur_sub(struct cursor *c, size_t n)
{
	struct cursor s;
	const uint8_t *p = cur_take(c, n);

	cur_init(&s, p, p != NULL ? n : 0);
	if (p == NULL)
		s.err = 1;
	return s;
}

#endif
