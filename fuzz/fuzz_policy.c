/*
 * fuzz_policy.c - libFuzzer target for the policy list parsers and the
 * sets they build: addrset (with tags), addrpairs, domainset, wordlist,
 * all through sigfile_list's tokenizer, and for sigfile_read.
 *
 * Input: list text (any bytes up to the first NUL).  '@' is replaced so the
 * target never reads files.  Every set that builds is then looked up with
 * windows of the input as IPv4/IPv6 addresses and as DNS names of every
 * length, so lookups see hostile bytes too.  The whole input, NULs
 * included, is also written to one scratch file and read as a signature
 * file, its first byte choosing the field counts.
 *
 * Build: ./configure --enable-fuzzing CC=clang && make fuzz/fuzz_policy
 * Run:   ./fuzz/fuzz_policy -max_total_time=300 [corpus-dir]
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addrset.h"
#include "domainset.h"
#include "sigfile.h"
#include "wordlist.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = { "firewall", "vpn", "other", NULL };
static const struct addrset_tags tags = { "role", names, 2 };

static void
probe_addresses(const uint8_t *data, size_t size, const struct addrset *as,
    const struct addrpairs *ap)
{
	uint8_t a[16], b[16];
	size_t i;

	for (i = 0; i + 16 <= size || (i == 0 && size > 0); i += 7) {
		memset(a, 0, sizeof(a));
		memset(b, 0xff, sizeof(b));
		memcpy(a, data + i, size - i < 16 ? size - i : 16);
		memcpy(b, data + size - (size < 16 ? size : 16),
		    size < 16 ? size : 16);
		(void)addrset_lookup(as, 4, a);
		(void)addrset_lookup(as, 6, a);
		(void)addrpairs_match(ap, 4, a, b);
		(void)addrpairs_match(ap, 6, a, b);
		a[10] = a[11] = 0xff;	/* sometimes IPv4-mapped */
		memset(a, 0, 10);
		(void)addrset_lookup(as, 6, a);
		(void)addrpairs_match(ap, 6, a, b);
	}
}

static int
count_fields(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	size_t *n = arg;
	unsigned i;

	for (i = 0; i < r->nfields; i++)
		*n += strlen(r->field[i]);
	return r->nfields > 0 && r->field[0][0] == '!' ? -1 : 0;
}

static char path[64];

static void
remove_scratch(void)
{
	unlink(path);
}

/* The input as a signature file (one scratch file, rewritten each time). */
static void
read_as_file(const uint8_t *data, size_t size)
{
	struct sigfile_spec spec;
	char err[512];
	size_t n = 0;
	FILE *f;
	int fd;

	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/fuzz_policy.XXXXXX");
		if ((fd = mkstemp(path)) < 0) {
			path[0] = '\0';
			return;
		}
		close(fd);
		atexit(remove_scratch);
	}
	if (size == 0 || (f = fopen(path, "w")) == NULL)
		return;
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	spec.min_fields = 1 + data[0] % 4;
	spec.max_fields = spec.min_fields + (data[0] >> 2) % 4;
	spec.flags = data[0] & 0x80 ? SIGFILE_REST : 0;
	(void)sigfile_read(path, &spec, count_fields, &n, err, sizeof(err));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addrset *as;
	struct addrpairs *ap;
	struct domainset *ds;
	struct wordlist *wl;
	char err[512], *text, *tok;
	size_t i;

	if (size > 1 << 16 || (text = malloc(size + 1)) == NULL)
		return 0;
	read_as_file(data, size);
	memcpy(text, data, size);
	text[size] = '\0';
	for (i = 0; i < size; i++)
		if (text[i] == '@')
			text[i] = '_';
	as = addrset_build(text, (size & 1) ? &tags : NULL, err, sizeof(err));
	ap = addrpairs_build(text, err, sizeof(err));
	ds = domainset_build(text, err, sizeof(err));
	wl = wordlist_build(text, err, sizeof(err));
	probe_addresses(data, size, as, ap);
	for (i = 0; i <= size && i < 300; i++)
		(void)domainset_lookup(ds, (const char *)data + size - i, i,
		    NULL);
	for (tok = strtok(text, ", \t\r\n"); tok != NULL;
	    tok = strtok(NULL, ", \t\r\n")) {
		(void)domainset_lookup(ds, tok, strlen(tok), NULL);
		(void)wordlist_allows(wl, tok, tok);
		(void)wordlist_has_word(wl, tok);
	}
	addrset_free(as);
	addrpairs_free(ap);
	domainset_free(ds);
	wordlist_free(wl);
	free(text);
	return 0;
}
