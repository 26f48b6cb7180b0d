/*
 * asn1.h - a small bounded BER/DER reader over struct cursor, shared by the
 * SNMP, LDAP and Kerberos dissectors.
 *
 * Follows ITU-T X.690 (BER/DER) for what those protocols use: identifier
 * octets (class, primitive/constructed, tag numbers including the
 * multi-byte high-tag-number form, at most 4 subsequent octets), definite
 * lengths in short and long form (at most 4 length octets, value at most
 * ASN1_MAX_LEN), and INTEGER/ENUMERATED contents up to 8 octets into int64.
 * The indefinite length form (0x80) is always rejected: LDAP (RFC 4511
 * section 5.1) and Kerberos (DER) forbid it and SNMP agents never send it.
 *
 * Every function reads only through the cursor it is given and never
 * allocates; returned pointers borrow the cursor's buffer.
 */
#ifndef EDGEWARD_ASN1_H
#define EDGEWARD_ASN1_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define ASN1_UNIVERSAL		0
#define ASN1_APPLICATION	1
#define ASN1_CONTEXT		2
#define ASN1_PRIVATE		3

#define ASN1_TAG_BOOLEAN	1
#define ASN1_TAG_INTEGER	2
#define ASN1_TAG_BIT_STRING	3
#define ASN1_TAG_OCTET_STRING	4
#define ASN1_TAG_NULL		5
#define ASN1_TAG_OID		6
#define ASN1_TAG_ENUMERATED	10
#define ASN1_TAG_SEQUENCE	16
#define ASN1_TAG_GENERAL_STRING	27

/* Largest content length accepted (sane for every carrier here). */
#define ASN1_MAX_LEN		(16u * 1024 * 1024)

/* Result of reading a header from possibly incomplete stream data. */
#define ASN1_OK			0
#define ASN1_NEED_MORE		1	/* header or content not all there yet */
#define ASN1_BAD		(-1)	/* malformed: no amount of data helps */

struct asn1_tlv {
	unsigned	 cls;		/* ASN1_UNIVERSAL ... ASN1_PRIVATE */
	int		 constructed;
	uint32_t	 tag;
	size_t		 hdr_len;	/* identifier + length octets */
	size_t		 len;		/* content length */
};

/*
 * Reads the identifier and length octets at the cursor's offset without
 * moving it.  Returns ASN1_OK with *t filled (the content may still be
 * missing: check cur_left() >= t->hdr_len + t->len), ASN1_NEED_MORE if the
 * header itself is cut short, or ASN1_BAD.
 */
int	asn1_peek(const struct cursor *c, struct asn1_tlv *t);

/*
 * Reads one whole TLV: fills *t, sets *content to a sub-cursor over its
 * content and advances past it.  Returns 1, or 0 with the cursor's error set
 * when the header is malformed or the content is not all there.
 */
int	asn1_next(struct cursor *c, struct asn1_tlv *t, struct cursor *content);

/*
 * asn1_next() that also requires class `cls` and tag number `tag`.  On a
 * mismatch returns 0 and sets the cursor's error.
 */
int	asn1_expect(struct cursor *c, unsigned cls, uint32_t tag,
	    struct cursor *content);

/* True if the next TLV has this class and tag (no error, no move). */
int	asn1_is(const struct cursor *c, unsigned cls, uint32_t tag);

/*
 * Decodes a whole content cursor as a two's-complement integer (1 to 8
 * octets).  Returns 1, or 0 when empty or too long.
 */
int	asn1_int64(const struct cursor *content, int64_t *v);

/* Reads a universal INTEGER (or ENUMERATED) TLV into *v; 1 or 0 (error set). */
int	asn1_read_int(struct cursor *c, int64_t *v);
int	asn1_read_enum(struct cursor *c, int64_t *v);

/*
 * Reads a primitive TLV of class `cls` and tag `tag` and returns its
 * content bytes in *p and *n (borrowed).  1 or 0 (error set).  BER's
 * constructed string form is rejected: none of the carriers here uses it.  For OCTET STRING and the Kerberos
 * string types the content is the string itself.
 */
int	asn1_read_bytes(struct cursor *c, unsigned cls, uint32_t tag,
	    const uint8_t **p, size_t *n);

/* Skips one whole TLV; 1 or 0 (error set). */
int	asn1_skip(struct cursor *c);

#endif
