/*
 * fuzz_filemagic.c - libFuzzer target for content-format sniffing
 * (sensor/filemagic.c) with the source tree's capture_magics.txt, and for
 * the glob matcher it uses (sensor/glob.c).
 *
 * Input: byte 0 is the length of a transfer name taken from the end of the
 * input (so name: and gzname: tokens see hostile names); the rest is the
 * content's head, which also goes through filemagic_gzip_name().
 *
 * Build: ./configure --enable-fuzzing CC=clang && make fuzz/fuzz_filemagic
 * Run:   ./fuzz/fuzz_filemagic -max_total_time=300 [corpus-dir]
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "filemagic.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct filemagic *table;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	size_t nlen, gzlen;

	if (table == NULL &&
	    (table = filemagic_load(SRCSIGDIR, "capture_magics.txt", err,
	    sizeof(err))) == NULL)
		abort();
	if (size < 1)
		return 0;
	nlen = data[0] < size - 1 ? data[0] : size - 1;
	(void)filemagic_match(table, data + 1, size - 1 - nlen,
	    nlen > 0 ? data + size - nlen : NULL, nlen);
	(void)filemagic_gzip_name(data + 1, size - 1, &gzlen);
	return 0;
}
