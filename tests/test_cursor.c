/*
 * test_cursor.c - the bounded cursor (cursor.h): reads up to the exact end
 * succeed, one byte more sets the sticky error and returns 0 without moving
 * the offset, sub-cursors and takes past the end fail cleanly, and sizes
 * near SIZE_MAX cannot wrap the bounds check.
 */
#include <stdint.h>
#include <string.h>

#include "cursor.h"
#include "unit.h"

static const uint8_t bytes[] = { 0x01, 0x02, 0x03, 0x04, 0xf1, 0xf2, 0xf3,
    0xf4 };

static void
test_exact_end(void)
{
	struct cursor c;

	cur_init(&c, bytes, sizeof(bytes));
	CU_ASSERT_EQUAL(cur_be32(&c), 0x01020304);
	CU_ASSERT_EQUAL(cur_be32(&c), 0xf1f2f3f4);
	CU_ASSERT(cur_ok(&c));
	CU_ASSERT_EQUAL(cur_left(&c), 0);
	CU_ASSERT_EQUAL(c.off, sizeof(bytes));
	/* Zero bytes are still available at the end. */
	CU_ASSERT(cur_has(&c, 0));
	CU_ASSERT(!cur_has(&c, 1));
	CU_ASSERT(cur_ok(&c));
}

static void
test_one_past_end(void)
{
	struct cursor c;

	cur_init(&c, bytes, 3);
	CU_ASSERT_EQUAL(cur_be16(&c), 0x0102);
	CU_ASSERT_EQUAL(cur_be16(&c), 0);	/* needs 2, 1 left */
	CU_ASSERT(!cur_ok(&c));
	CU_ASSERT_EQUAL(c.off, 2);
	/* Sticky: the byte that is there cannot be read any more. */
	CU_ASSERT_EQUAL(cur_u8(&c), 0);
	CU_ASSERT_EQUAL(cur_peek(&c, 0), 0);
	CU_ASSERT(!cur_has(&c, 0));
	CU_ASSERT_EQUAL(c.off, 2);
}

/* Every reader leaves the offset alone when it fails. */
static void
test_offset_unchanged(void)
{
	struct cursor c;
	uint8_t dst[4];

	cur_init(&c, bytes, 3);
	cur_skip(&c, 1);
	CU_ASSERT_EQUAL(cur_be24(&c), 0);
	CU_ASSERT_EQUAL(c.off, 1);
	cur_init(&c, bytes, 3);
	CU_ASSERT_EQUAL(cur_be32(&c), 0);
	CU_ASSERT_EQUAL(cur_le32(&c), 0);
	CU_ASSERT_EQUAL(c.off, 0);
	cur_init(&c, bytes, 1);
	CU_ASSERT_EQUAL(cur_le16(&c), 0);
	CU_ASSERT_EQUAL(c.off, 0);
	cur_init(&c, bytes, 3);
	cur_skip(&c, 4);
	CU_ASSERT_EQUAL(c.off, 0);
	CU_ASSERT(!cur_ok(&c));

	/* A failed copy zeroes the destination. */
	cur_init(&c, bytes, 3);
	memset(dst, 0xee, sizeof(dst));
	cur_copy(&c, dst, sizeof(dst));
	CU_ASSERT(!cur_ok(&c));
	CU_ASSERT_EQUAL(c.off, 0);
	CU_ASSERT_EQUAL(dst[0] | dst[1] | dst[2] | dst[3], 0);
}

static void
test_take_and_copy(void)
{
	struct cursor c;
	const uint8_t *p;
	uint8_t dst[2];

	cur_init(&c, bytes, sizeof(bytes));
	p = cur_take(&c, 3);
	CU_ASSERT_PTR_EQUAL(p, bytes);
	cur_copy(&c, dst, sizeof(dst));
	CU_ASSERT_EQUAL(dst[0], 0x04);
	CU_ASSERT_EQUAL(dst[1], 0xf1);
	CU_ASSERT_PTR_EQUAL(cur_ptr(&c), bytes + 5);
	CU_ASSERT_PTR_NULL(cur_take(&c, 4));
	CU_ASSERT(!cur_ok(&c));
	CU_ASSERT_EQUAL(c.off, 5);
}

/* A NULL buffer is an empty one whatever length comes with it. */
static void
test_null_base(void)
{
	struct cursor c;

	cur_init(&c, NULL, 100);
	CU_ASSERT_EQUAL(cur_left(&c), 0);
	CU_ASSERT(cur_ok(&c));
	CU_ASSERT_EQUAL(cur_u8(&c), 0);
	CU_ASSERT(!cur_ok(&c));
	CU_ASSERT_PTR_NULL(cur_take(&c, 1));
}

static void
test_sub(void)
{
	struct cursor c, s;

	cur_init(&c, bytes, sizeof(bytes));
	cur_skip(&c, 1);
	s = cur_sub(&c, 3);
	CU_ASSERT(cur_ok(&c));
	CU_ASSERT_EQUAL(c.off, 4);
	CU_ASSERT_EQUAL(cur_left(&s), 3);
	CU_ASSERT_EQUAL(cur_be24(&s), 0x020304);
	/* The sub-cursor ends where it was cut, not at the parent's end. */
	CU_ASSERT_EQUAL(cur_u8(&s), 0);
	CU_ASSERT(!cur_ok(&s));
	CU_ASSERT(cur_ok(&c));
	CU_ASSERT_EQUAL(cur_u8(&c), 0xf1);

	/* Beyond the length: both fail and the parent does not move. */
	s = cur_sub(&c, 4);
	CU_ASSERT(!cur_ok(&s));
	CU_ASSERT_EQUAL(cur_left(&s), 0);
	CU_ASSERT_EQUAL(cur_u8(&s), 0);
	CU_ASSERT(!cur_ok(&c));
	CU_ASSERT_EQUAL(c.off, 5);
}

/* n near SIZE_MAX: a check written as off + n <= len would wrap here. */
static void
test_huge_sizes(void)
{
	struct cursor c, s;

	cur_init(&c, bytes, sizeof(bytes));
	cur_skip(&c, 2);
	CU_ASSERT(!cur_has(&c, SIZE_MAX));
	CU_ASSERT(!cur_has(&c, SIZE_MAX - 1));
	CU_ASSERT_EQUAL(cur_peek(&c, SIZE_MAX), 0);
	CU_ASSERT_EQUAL(cur_peek(&c, SIZE_MAX - 1), 0);
	CU_ASSERT(cur_ok(&c));		/* has and peek do not set the flag */

	cur_skip(&c, SIZE_MAX);
	CU_ASSERT(!cur_ok(&c));
	CU_ASSERT_EQUAL(c.off, 2);

	cur_init(&c, bytes, sizeof(bytes));
	cur_skip(&c, 2);
	CU_ASSERT_PTR_NULL(cur_take(&c, SIZE_MAX - 1));
	CU_ASSERT_EQUAL(c.off, 2);

	cur_init(&c, bytes, sizeof(bytes));
	cur_skip(&c, 7);
	s = cur_sub(&c, SIZE_MAX);
	CU_ASSERT(!cur_ok(&s));
	CU_ASSERT(!cur_ok(&c));
	CU_ASSERT_EQUAL(c.off, 7);
}

static void
test_peek(void)
{
	struct cursor c;

	cur_init(&c, bytes, sizeof(bytes));
	cur_skip(&c, 6);
	CU_ASSERT_EQUAL(cur_peek(&c, 0), 0xf3);
	CU_ASSERT_EQUAL(cur_peek(&c, 1), 0xf4);
	CU_ASSERT_EQUAL(cur_peek(&c, 2), 0);
	CU_ASSERT_EQUAL(c.off, 6);
	CU_ASSERT(cur_ok(&c));
}

/* Byte order, and no sign extension of bytes with the top bit set. */
static void
test_endianness(void)
{
	struct cursor c;

	cur_init(&c, bytes, sizeof(bytes));
	CU_ASSERT_EQUAL(cur_be16(&c), 0x0102);
	CU_ASSERT_EQUAL(cur_le16(&c), 0x0403);
	CU_ASSERT_EQUAL(cur_le16(&c), 0xf2f1);
	CU_ASSERT_EQUAL(cur_be16(&c), 0xf3f4);

	cur_init(&c, bytes, sizeof(bytes));
	CU_ASSERT_EQUAL(cur_le32(&c), 0x04030201);
	CU_ASSERT_EQUAL(cur_le32(&c), 0xf4f3f2f1);

	cur_init(&c, bytes, sizeof(bytes));
	cur_skip(&c, 4);
	CU_ASSERT_EQUAL(cur_be32(&c), 0xf1f2f3f4);

	cur_init(&c, bytes, sizeof(bytes));
	CU_ASSERT_EQUAL(cur_be24(&c), 0x010203);
	CU_ASSERT_EQUAL(cur_u8(&c), 0x04);
	CU_ASSERT_EQUAL(cur_be24(&c), 0xf1f2f3);
	CU_ASSERT_EQUAL(cur_u8(&c), 0xf4);
	CU_ASSERT(cur_ok(&c));
	CU_ASSERT_EQUAL(cur_left(&c), 0);
}

UNIT_MAIN("cursor",
    { "reads to the exact end", test_exact_end },
    { "one past the end is a sticky error", test_one_past_end },
    { "offset unchanged on failure", test_offset_unchanged },
    { "take and copy", test_take_and_copy },
    { "NULL buffer", test_null_base },
    { "sub-cursors", test_sub },
    { "sizes near SIZE_MAX", test_huge_sizes },
    { "peek", test_peek },
    { "big- and little-endian readers", test_endianness })
