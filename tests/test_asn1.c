/*
 * test_asn1.c - the BER/DER reader: short/long lengths, multi-byte tags,
 * indefinite length and oversize rejection, integers, truncation.
 */
#include "asn1.h"
#include "unit.h"

static void
test_short_and_long_length(void)
{
	/* SEQUENCE, long form length 0x81 0x03, INTEGER 1 byte 0x05 */
	static const uint8_t in[] = { 0x30, 0x81, 0x03, 0x02, 0x01, 0x05 };
	struct cursor c, s;
	struct asn1_tlv t;
	int64_t v = 0;

	cur_init(&c, in, sizeof(in));
	CU_ASSERT(asn1_next(&c, &t, &s));
	CU_ASSERT_EQUAL(t.cls, ASN1_UNIVERSAL);
	CU_ASSERT(t.constructed);
	CU_ASSERT_EQUAL(t.tag, ASN1_TAG_SEQUENCE);
	CU_ASSERT_EQUAL(t.hdr_len, 3);
	CU_ASSERT_EQUAL(t.len, 3);
	CU_ASSERT(asn1_read_int(&s, &v));
	CU_ASSERT_EQUAL(v, 5);
	CU_ASSERT_EQUAL(cur_left(&c), 0);
}

static void
test_multibyte_tag(void)
{
	/* [APPLICATION 200] constructed: 0x7f, 0x81 0x48 (=200), len 0 */
	static const uint8_t in[] = { 0x7f, 0x81, 0x48, 0x00 };
	/* high-tag form used for a small number (30): not minimal */
	static const uint8_t small[] = { 0x7f, 0x1e, 0x00 };
	/* leading 0x80 continuation octet: not minimal */
	static const uint8_t pad[] = { 0x7f, 0x80, 0x48, 0x00 };
	struct cursor c;
	struct asn1_tlv t;

	cur_init(&c, in, sizeof(in));
	CU_ASSERT_EQUAL(asn1_peek(&c, &t), ASN1_OK);
	CU_ASSERT_EQUAL(t.cls, ASN1_APPLICATION);
	CU_ASSERT_EQUAL(t.tag, 200);
	CU_ASSERT_EQUAL(t.hdr_len, 4);
	cur_init(&c, small, sizeof(small));
	CU_ASSERT_EQUAL(asn1_peek(&c, &t), ASN1_BAD);
	cur_init(&c, pad, sizeof(pad));
	CU_ASSERT_EQUAL(asn1_peek(&c, &t), ASN1_BAD);
}

static void
test_indefinite_and_oversize_rejected(void)
{
	static const uint8_t indef[] = { 0x30, 0x80, 0x00, 0x00 };
	/* 5 length octets */
	static const uint8_t five[] = { 0x04, 0x85, 0, 0, 0, 0, 1 };
	/* 4 length octets, 0x7fffffff: beyond ASN1_MAX_LEN */
	static const uint8_t huge[] = { 0x04, 0x84, 0x7f, 0xff, 0xff, 0xff };
	struct cursor c;
	struct asn1_tlv t;

	cur_init(&c, indef, sizeof(indef));
	CU_ASSERT_EQUAL(asn1_peek(&c, &t), ASN1_BAD);
	cur_init(&c, five, sizeof(five));
	CU_ASSERT_EQUAL(asn1_peek(&c, &t), ASN1_BAD);
	cur_init(&c, huge, sizeof(huge));
	CU_ASSERT_EQUAL(asn1_peek(&c, &t), ASN1_BAD);
}

static void
test_need_more(void)
{
	/* OCTET STRING, long form with 2 length octets but only one present */
	static const uint8_t cut[] = { 0x04, 0x82, 0x01 };
	/* header complete, content (3 bytes) missing one */
	static const uint8_t body[] = { 0x04, 0x03, 'a', 'b' };
	struct cursor c, s;
	struct asn1_tlv t;

	cur_init(&c, cut, sizeof(cut));
	CU_ASSERT_EQUAL(asn1_peek(&c, &t), ASN1_NEED_MORE);
	cur_init(&c, cut, 1);
	CU_ASSERT_EQUAL(asn1_peek(&c, &t), ASN1_NEED_MORE);
	cur_init(&c, body, sizeof(body));
	CU_ASSERT_EQUAL(asn1_peek(&c, &t), ASN1_OK);
	CU_ASSERT(!asn1_next(&c, &t, &s));
	CU_ASSERT(!cur_ok(&c));
	CU_ASSERT(!cur_ok(&s));
}

static void
test_integers(void)
{
	/* INTEGER -1 (0xff), INTEGER 0x00 0x80 (=128), INTEGER of 9 octets */
	static const uint8_t in[] = { 0x02, 0x01, 0xff, 0x02, 0x02, 0x00, 0x80,
	    0x02, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	/* ENUMERATED 49, empty INTEGER */
	static const uint8_t en[] = { 0x0a, 0x01, 0x31, 0x02, 0x00 };
	struct cursor c;
	int64_t v;

	cur_init(&c, in, sizeof(in));
	CU_ASSERT(asn1_read_int(&c, &v));
	CU_ASSERT_EQUAL(v, -1);
	CU_ASSERT(asn1_read_int(&c, &v));
	CU_ASSERT_EQUAL(v, 128);
	CU_ASSERT(!asn1_read_int(&c, &v));
	cur_init(&c, en, sizeof(en));
	CU_ASSERT(!asn1_read_int(&c, &v));	/* wrong tag */
	c.err = 0;
	CU_ASSERT(asn1_read_enum(&c, &v));
	CU_ASSERT_EQUAL(v, 49);
	CU_ASSERT(!asn1_read_int(&c, &v));
}

static void
test_bytes_and_expect(void)
{
	/* [0] primitive "pw", [1] constructed { OCTET STRING "x" }, NULL */
	static const uint8_t in[] = { 0x80, 0x02, 'p', 'w',
	    0xa1, 0x03, 0x04, 0x01, 'x', 0x05, 0x00 };
	struct cursor c, s;
	const uint8_t *p;
	size_t n;

	cur_init(&c, in, sizeof(in));
	CU_ASSERT(asn1_is(&c, ASN1_CONTEXT, 0));
	CU_ASSERT(asn1_read_bytes(&c, ASN1_CONTEXT, 0, &p, &n));
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT(p != NULL && p[0] == 'p');
	/* the constructed [1] is not a string */
	{
		struct cursor d = c;

		CU_ASSERT(!asn1_read_bytes(&d, ASN1_CONTEXT, 1, &p, &n));
	}
	CU_ASSERT(asn1_expect(&c, ASN1_CONTEXT, 1, &s));
	CU_ASSERT(asn1_read_bytes(&s, ASN1_UNIVERSAL, ASN1_TAG_OCTET_STRING,
	    &p, &n));
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT(!asn1_expect(&c, ASN1_UNIVERSAL, ASN1_TAG_INTEGER, &s));
	c.err = 0;
	CU_ASSERT(asn1_skip(&c));
	CU_ASSERT_EQUAL(cur_left(&c), 0);
	CU_ASSERT(!asn1_skip(&c));
}

UNIT_MAIN("asn1",
    { "short and long lengths", test_short_and_long_length },
    { "multi-byte tags", test_multibyte_tag },
    { "indefinite and oversize lengths rejected",
	test_indefinite_and_oversize_rejected },
    { "incomplete data", test_need_more },
    { "integers", test_integers },
    { "strings and expected tags", test_bytes_and_expect })
