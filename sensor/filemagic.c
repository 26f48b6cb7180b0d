/*
 * filemagic.c - content formats by their first bytes; see filemagic.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "filemagic.h"
#include "glob.h"
#include "sigfile.h"

#define MAGIC_BYTES	16

enum mtok { MT_BYTES = 1, MT_NAME, MT_GZNAME };

struct magic_tok {
	uint8_t		kind;		/* enum mtok */
	uint8_t		len;
	uint16_t	off;
	uint8_t		bytes[MAGIC_BYTES];
	struct glob	g;
};

struct magic {
	char		 format[FILEMAGIC_FORMAT];
	unsigned	 ntok;
	struct magic_tok tok[FILEMAGIC_TOKS];
};

struct filemagic {
	struct magic	*m;
	unsigned	 n;
	/*
	 * The first content bytes a line can start with (its first token at
	 * offset 0), so most content is refused with one lookup; lines whose
	 * first token is further in are always tried (any_offset).
	 */
	uint8_t		 first[256];
	unsigned	 any_offset;
};

/* "HEX", "HEX@OFFSET", "name:GLOB" or "gzname:GLOB" */
static int
magic_tok(const char *s, struct magic_tok *t, char *err, size_t errlen)
{
	const char *at;
	size_t n, i;
	unsigned long off = 0;
	char *end;
	int hi, lo;

	memset(t, 0, sizeof(*t));
	if (strncmp(s, "name:", 5) == 0 || strncmp(s, "gzname:", 7) == 0) {
		t->kind = s[0] == 'n' ? MT_NAME : MT_GZNAME;
		return glob_compile(strchr(s, ':') + 1, &t->g, err, errlen);
	}
	t->kind = MT_BYTES;
	at = strchr(s, '@');
	n = at != NULL ? (size_t)(at - s) : strlen(s);
	if (at != NULL) {
		off = strtoul(at + 1, &end, 10);
		if (*end != '\0' || end == at + 1 || off > 4096) {
			snprintf(err, errlen, "'%s': the offset is 0-4096", s);
			return -1;
		}
	}
	if (n == 0 || n % 2 != 0 || n / 2 > MAGIC_BYTES) {
		snprintf(err, errlen, "'%s': 1 to %d bytes in hex", s,
		    MAGIC_BYTES);
		return -1;
	}
	for (i = 0; i < n / 2; i++) {
		if ((hi = hex_value((unsigned char)s[2 * i])) < 0 ||
		    (lo = hex_value((unsigned char)s[2 * i + 1])) < 0) {
			snprintf(err, errlen, "'%s' is not hex", s);
			return -1;
		}
		t->bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	t->len = (uint8_t)(n / 2);
	t->off = (uint16_t)off;
	return 0;
}

/* "FORMAT TOKEN..." */
static int
magic_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct filemagic *t = arg;
	struct magic *nm, *m;
	unsigned i;

	if (strlen(r->field[0]) >= FILEMAGIC_FORMAT) {
		snprintf(err, errlen, "format name longer than %d",
		    FILEMAGIC_FORMAT - 1);
		return -1;
	}
	if ((nm = realloc(t->m, (t->n + 1) * sizeof(*nm))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->m = nm;
	m = &t->m[t->n];
	memset(m, 0, sizeof(*m));
	snprintf(m->format, sizeof(m->format), "%s", r->field[0]);
	for (i = 1; i < r->nfields; i++)
		if (magic_tok(r->field[i], &m->tok[m->ntok++], err, errlen) < 0)
			return -1;
	if (m->tok[0].kind != MT_BYTES) {
		snprintf(err, errlen, "the first token is the content's bytes");
		return -1;
	}
	if (m->tok[0].off == 0)
		t->first[m->tok[0].bytes[0]] = 1;
	else
		t->any_offset++;
	t->n++;
	return 0;
}

struct filemagic *
filemagic_load(const char *dir, const char *name, char *err, size_t errlen)
{
	static const struct sigfile_spec spec = { 2, 1 + FILEMAGIC_TOKS, 0 };
	struct filemagic *t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sigfile_read_in(dir, name, &spec, magic_line, t, err,
	    errlen) < 0) {
		filemagic_free(t);
		return NULL;
	}
	return t;
}

void
filemagic_free(struct filemagic *t)
{
	if (t == NULL)
		return;
	free(t->m);
	free(t);
}

const uint8_t *
filemagic_gzip_name(const uint8_t *h, size_t n, size_t *len)
{
	size_t off = 10, xlen;
	const uint8_t *z;

	/* ID1 ID2 CM FLG MTIME(4) XFL OS, then FEXTRA (0x04), FNAME (0x08). */
	if (n < 10 || h[0] != 0x1f || h[1] != 0x8b || !(h[3] & 0x08))
		return NULL;
	if (h[3] & 0x04) {
		if (n < 12)
			return NULL;
		xlen = (size_t)h[10] | (size_t)h[11] << 8;
		off = 12 + xlen;
	}
	if (off >= n || (z = memchr(h + off, 0, n - off)) == NULL)
		return NULL;
	*len = (size_t)(z - (h + off));
	return h + off;
}

const char *
filemagic_match(const struct filemagic *t, const uint8_t *h, size_t n,
    const uint8_t *name, size_t nlen)
{
	const struct magic_tok *k;
	const uint8_t *gz;
	size_t gzlen;
	unsigned i, j;

	if (t == NULL || n == 0 || (!t->first[h[0]] && t->any_offset == 0))
		return NULL;
	for (i = 0; i < t->n; i++) {
		for (j = 0; j < t->m[i].ntok; j++) {
			k = &t->m[i].tok[j];
			if (k->kind == MT_BYTES && ((size_t)k->off + k->len > n ||
			    memcmp(h + k->off, k->bytes, k->len) != 0))
				break;
			if (k->kind == MT_NAME && (name == NULL ||
			    !glob_match(&k->g, name, nlen, NULL, 0)))
				break;
			if (k->kind == MT_GZNAME &&
			    ((gz = filemagic_gzip_name(h, n, &gzlen)) == NULL ||
			    !glob_match(&k->g, gz, gzlen, NULL, 0)))
				break;
		}
		if (j == t->m[i].ntok)
			return t->m[i].format;
	}
	return NULL;
}
