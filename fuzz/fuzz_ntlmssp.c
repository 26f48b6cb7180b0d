/*
 * fuzz_ntlmssp.c - libFuzzer target for the shared NTLMSSP parser: the
 * input is split at each "NTLMSSP\0" signature and every piece is fed,
 * alternately to the immediate and the pending entry point.
 */
#include <stdint.h>
#include <string.h>

#include "fake_dctx.h"
#include "ntlmssp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dctx ctx;
	static struct ntlmssp_pending pend;
	struct ntlmssp_state st;
	size_t off = 0;
	long at;
	int i = 0;

	fake_dctx_reset(&ctx, 445);
	memset(&st, 0, sizeof(st));
	memset(&pend, 0, sizeof(pend));
	while ((at = ntlmssp_find(data + off, size - off)) >= 0) {
		off += (size_t)at;
		if (i++ & 1)
			ntlmssp_feed_pending(&ctx, &st, &pend, "fuzz",
			    data + off, size - off);
		else
			ntlmssp_feed(&ctx, &st, "fuzz", data + off, size - off);
		off++;
	}
	ntlmssp_settle(&ctx, &pend, CRED_OUTCOME_SUCCESS);
	return 0;
}
