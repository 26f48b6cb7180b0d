/*
 * ntlmssp_none.c - an inert NTLMSSP for fuzzing http.c until
 * dissectors/ntlmssp.c exists; then the http target links the real one.
 */
#include <string.h>

#include "ntlmssp.h"

long
ntlmssp_find(const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len; i++)
		if (memcmp(buf + i, "NTLMSSP", 8) == 0)
			return (long)i;
	return -1;
}

void
ntlmssp_feed(struct dctx *ctx, struct ntlmssp_state *st, const char *carrier,
    const uint8_t *blob, size_t len)
{
	if (len > 8)
		st->have_challenge |= blob[8] == 2;
}
