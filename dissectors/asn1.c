/*
 * asn1.c - bounded BER/DER reader; see asn1.h for the rules it enforces.
 */
#include "asn1.h"

int
asn1_peek(const struct cursor *c, struct asn1_tlv *t)
{
	struct cursor p = *c;
	uint8_t id, b, lb;
	uint32_t tag;
	size_t len;
	unsigned i, n;

	if (c->err)
		return ASN1_BAD;
	if (!cur_has(&p, 1))
		return ASN1_NEED_MORE;
	id = cur_u8(&p);
	t->cls = id >> 6;
	t->constructed = (id & 0x20) != 0;
	tag = id & 0x1f;
	if (tag == 0x1f) {
		/* High-tag-number form: base 128, minimal, at most 4 octets. */
		tag = 0;
		for (i = 0;; i++) {
			if (i == 4)
				return ASN1_BAD;
			if (!cur_has(&p, 1))
				return ASN1_NEED_MORE;
			b = cur_u8(&p);
			if (i == 0 && b == 0x80)
				return ASN1_BAD;
			tag = tag << 7 | (b & 0x7f);
			if (!(b & 0x80))
				break;
		}
		if (tag < 0x1f)
			return ASN1_BAD;
	}
	t->tag = tag;
	if (!cur_has(&p, 1))
		return ASN1_NEED_MORE;
	lb = cur_u8(&p);
	if (lb < 0x80) {
		len = lb;
	} else {
		n = lb & 0x7f;
		if (n == 0 || n > 4)	/* indefinite, or absurdly long */
			return ASN1_BAD;
		if (!cur_has(&p, n))
			return ASN1_NEED_MORE;
		len = 0;
		for (i = 0; i < n; i++)
			len = len << 8 | cur_u8(&p);
		if (len > ASN1_MAX_LEN)
			return ASN1_BAD;
	}
	t->hdr_len = p.off - c->off;
	t->len = len;
	return ASN1_OK;
}

int
asn1_next(struct cursor *c, struct asn1_tlv *t, struct cursor *content)
{
	if (asn1_peek(c, t) != ASN1_OK) {
		c->err = 1;
		cur_init(content, NULL, 0);
		content->err = 1;
		return 0;
	}
	if (cur_left(c) - t->hdr_len < t->len) {
		c->err = 1;
		cur_init(content, NULL, 0);
		content->err = 1;
		return 0;
	}
	cur_skip(c, t->hdr_len);
	*content = cur_sub(c, t->len);
	return cur_ok(c);
}

int
asn1_expect(struct cursor *c, unsigned cls, uint32_t tag,
    struct cursor *content)
{
	struct asn1_tlv t;

	if (!asn1_is(c, cls, tag)) {
		c->err = 1;
		cur_init(content, NULL, 0);
		content->err = 1;
		return 0;
	}
	return asn1_next(c, &t, content);
}

int
asn1_is(const struct cursor *c, unsigned cls, uint32_t tag)
{
	struct asn1_tlv t;

	return asn1_peek(c, &t) == ASN1_OK && t.cls == cls && t.tag == tag;
}

int
asn1_int64(const struct cursor *content, int64_t *v)
{
	struct cursor c = *content;
	uint64_t u;
	size_t n = cur_left(&c), i;

	if (c.err || n == 0 || n > 8)
		return 0;
	u = (cur_peek(&c, 0) & 0x80) ? UINT64_MAX : 0;
	for (i = 0; i < n; i++)
		u = u << 8 | cur_u8(&c);
	*v = (int64_t)u;
	return 1;
}

static int
read_int_tag(struct cursor *c, uint32_t tag, int64_t *v)
{
	struct cursor in;

	if (!asn1_expect(c, ASN1_UNIVERSAL, tag, &in))
		return 0;
	if (!asn1_int64(&in, v)) {
		c->err = 1;
		return 0;
	}
	return 1;
}

int
asn1_read_int(struct cursor *c, int64_t *v)
{
	return read_int_tag(c, ASN1_TAG_INTEGER, v);
}

int
asn1_read_enum(struct cursor *c, int64_t *v)
{
	return read_int_tag(c, ASN1_TAG_ENUMERATED, v);
}

int
asn1_read_bytes(struct cursor *c, unsigned cls, uint32_t tag,
    const uint8_t **p, size_t *n)
{
	struct asn1_tlv t;
	struct cursor in;

	*p = NULL;
	*n = 0;
	if (!asn1_is(c, cls, tag) || !asn1_next(c, &t, &in))
		goto bad;
	if (t.constructed)	/* BER's constructed strings: not used here */
		goto bad;
	*n = cur_left(&in);
	*p = cur_ptr(&in);
	return 1;
bad:
	c->err = 1;
	return 0;
}

int
asn1_skip(struct cursor *c)
{
	struct asn1_tlv t;
	struct cursor in;

	return asn1_next(c, &t, &in);
}
