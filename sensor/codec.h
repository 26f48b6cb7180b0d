/*
 * codec.h - base64 (RFC 4648) and hex helpers for dissectors and output.
 * Bounded: every function takes the output capacity and never writes past it.
 */
#ifndef EDGEWARD_CODEC_H
#define EDGEWARD_CODEC_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes standard base64 (padding optional, no whitespace inside).
 * Returns the decoded length, or -1 on a bad character or if out is too small.
 */
long	base64_decode(const uint8_t *in, size_t inlen, uint8_t *out,
	    size_t outcap);
/* Encodes with padding; returns the length written (excluding NUL) or -1. */
long	base64_encode(const uint8_t *in, size_t inlen, char *out,
	    size_t outcap);
/* A hex digit's value (either case), or -1. */
int	hex_value(int c);
/* Lower-case hex with NUL; returns the length or -1 if out is too small. */
long	hex_encode(const uint8_t *in, size_t inlen, char *out, size_t outcap);

#endif
