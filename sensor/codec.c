/*
 * codec.c - base64 (RFC 4648 section 4) and hex encoding.
 */
#include "codec.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
b64_value(uint8_t ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

long
base64_decode(const uint8_t *in, size_t inlen, uint8_t *out, size_t outcap)
{
	uint32_t acc = 0;
	size_t i, o = 0, pad = 0;
	int bits = 0, v;

	while (inlen > 0 && in[inlen - 1] == '=' && pad < 2) {
		inlen--;
		pad++;
	}
	for (i = 0; i < inlen; i++) {
		if ((v = b64_value(in[i])) < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outcap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* Leftover bits must be padding zeros; 6 leftover bits is malformed. */
	if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0)
		return -1;
	return (long)o;
}

long
base64_encode(const uint8_t *in, size_t inlen, char *out, size_t outcap)
{
	size_t i, o = 0, need = (inlen + 2) / 3 * 4 + 1;
	uint32_t v;

	if (outcap < need)
		return -1;
	for (i = 0; i + 2 < inlen; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64_alphabet[v >> 18 & 63];
		out[o++] = b64_alphabet[v >> 12 & 63];
		out[o++] = b64_alphabet[v >> 6 & 63];
		out[o++] = b64_alphabet[v & 63];
	}
	if (i < inlen) {
		v = (uint32_t)in[i] << 16;
		if (i + 1 < inlen)
			v |= (uint32_t)in[i + 1] << 8;
		out[o++] = b64_alphabet[v >> 18 & 63];
		out[o++] = b64_alphabet[v >> 12 & 63];
		out[o++] = i + 1 < inlen ? b64_alphabet[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return (long)o;
}

int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
hex_encode(const uint8_t *in, size_t inlen, char *out, size_t outcap)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (outcap < inlen * 2 + 1)
		return -1;
	for (i = 0; i < inlen; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * inlen] = '\0';
	return (long)(2 * inlen);
}
