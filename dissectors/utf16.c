/*
 * utf16.c - UTF-16LE to UTF-8 (RFC 2781, RFC 3629); see utf16.h.
 */
#include "cursor.h"
#include "utf16.h"

size_t
utf16le_to_utf8(const uint8_t *in, size_t inlen, uint8_t *out, size_t cap)
{
	struct cursor c;
	uint32_t cp, lo;
	size_t n = 0, w;
	uint8_t tmp[4];

	cur_init(&c, in, inlen & ~(size_t)1);
	while (cur_has(&c, 2)) {
		cp = cur_le16(&c);
		if (cp >= 0xd800 && cp <= 0xdbff) {
			lo = cur_has(&c, 2) ? (uint32_t)cur_peek(&c, 0) |
			    (uint32_t)cur_peek(&c, 1) << 8 : 0;
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				cur_skip(&c, 2);
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			} else
				cp = 0xfffd;
		} else if (cp >= 0xdc00 && cp <= 0xdfff)
			cp = 0xfffd;
		if (cp < 0x80) {
			tmp[0] = (uint8_t)cp;
			w = 1;
		} else if (cp < 0x800) {
			tmp[0] = (uint8_t)(0xc0 | cp >> 6);
			tmp[1] = (uint8_t)(0x80 | (cp & 0x3f));
			w = 2;
		} else if (cp < 0x10000) {
			tmp[0] = (uint8_t)(0xe0 | cp >> 12);
			tmp[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
			tmp[2] = (uint8_t)(0x80 | (cp & 0x3f));
			w = 3;
		} else {
			tmp[0] = (uint8_t)(0xf0 | cp >> 18);
			tmp[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
			tmp[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
			tmp[3] = (uint8_t)(0x80 | (cp & 0x3f));
			w = 4;
		}
		if (cap - n < w)
			break;
		memcpy(out + n, tmp, w);
		n += w;
	}
	return n;
}
