/*
 * dissector_fuzz.h - the body every per-dissector libFuzzer target shares:
 * the input is a conversation, fed through the recording context
 * (tests/fake_dctx.c) with the stream's consumed/pending semantics.
 *
 * Input layout: byte 0 picks the server port among d->ports (dissectors
 * such as rsh tell protocols apart by it) with its low 7 bits and, for a
 * dissector of both transports (DNS, Kerberos, SIP), the transport with
 * its top bit (set: UDP, each record one datagram); then records, each a header
 * byte h and up to 128 bytes: direction h & 1, length (h >> 1) + 1 (cut
 * short at the end of the input).  So the fuzzer chooses where both
 * directions are split and how they interleave.  The flow ends with
 * d->free, which flushes pending facts.  Each record is also offered to
 * d->probe(), which must be as robust as parse().
 */
#ifndef EDGEWARD_FUZZ_DISSECTOR_H
#define EDGEWARD_FUZZ_DISSECTOR_H

#include <stdint.h>
#include <stdlib.h>

#include "fake_dctx.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzz_dissector(const struct dissector *d, const uint8_t *data, size_t size)
{
	static struct dctx ctx;
	size_t nports = 0, off = 1, n;
	void *st;
	int dir;

	if (size < 1)
		return 0;
	while (d->ports != NULL && d->ports[nports] != 0)
		nports++;
	fake_dctx_reset(&ctx, nports ? d->ports[(data[0] & 0x7f) % nports] :
	    0);
	if ((d->transport & DISSECTOR_TCP) && (d->transport & DISSECTOR_UDP))
		ctx.ip_proto = (data[0] & 0x80) ? 17 : 6;
	if ((st = calloc(1, d->state_size ? d->state_size : 1)) == NULL)
		return 0;
	while (off < size) {
		dir = data[off] & 1;
		n = (size_t)(data[off] >> 1) + 1;
		off++;
		if (n > size - off)
			n = size - off;
		if (d->probe != NULL)
			(void)d->probe(data + off, n, dir);
		fake_feed(&ctx, d, st, dir, data + off, n);
		off += n;
	}
	fake_end(&ctx, d, st);
	free(st);
	return 0;
}

#define FUZZ_DISSECTOR(desc)						\
	extern const struct dissector desc;				\
	int								\
	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)	\
	{								\
		return fuzz_dissector(&desc, data, size);		\
	}

#endif
