/*
 * utf16.h - bounded UTF-16LE to UTF-8 conversion for the Microsoft
 * protocols (NTLMSSP, SMB, TDS) that carry names and passwords in UTF-16LE.
 */
#ifndef EDGEWARD_UTF16_H
#define EDGEWARD_UTF16_H

#include <stddef.h>
#include <stdint.h>

/*
 * Converts inlen bytes of UTF-16LE (an odd trailing byte is ignored) into at
 * most cap bytes of UTF-8 in out, never splitting a character.  Unpaired
 * surrogates become U+FFFD.  Returns the number of bytes written; out is
 * not NUL-terminated.  Ownership: out is the caller's.
 */
size_t	utf16le_to_utf8(const uint8_t *in, size_t inlen, uint8_t *out,
	    size_t cap);

#endif
