/*
 * wordlist.c - "word[:qualifier]" lists; see wordlist.h.
 *
 * Entries are kept lower-cased and sorted by (word, qualifier) with the
 * unqualified entry ("" qualifier) first among a word's entries, so both
 * questions a caller asks are binary searches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sigfile.h"
#include "wordlist.h"

struct wentry {
	char	word[WORDLIST_MAX_WORD + 1];
	char	qual[WORDLIST_MAX_QUALIFIER + 1];
};

struct wordlist {
	size_t		n, cap;
	struct wentry	*v;
};

static int
word_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

static void
lower_copy(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ?
		    src[i] + ('a' - 'A') : src[i]);
	dst[len] = '\0';
}

static int
add_entry(const char *entry, void *arg, char *err, size_t errlen)
{
	struct wordlist *w = arg;
	const char *colon = strchr(entry, ':'), *q;
	size_t wlen = colon ? (size_t)(colon - entry) : strlen(entry), i;
	struct wentry *nv;

	if (wlen == 0 || wlen > WORDLIST_MAX_WORD) {
		snprintf(err, errlen, wlen ? "word longer than %d bytes" :
		    "word missing", WORDLIST_MAX_WORD);
		return -1;
	}
	for (i = 0; i < wlen; i++)
		if (!word_char((unsigned char)entry[i])) {
			snprintf(err, errlen, "character 0x%02x is not allowed "
			    "in a word (letters, digits, '-', '_', '.')",
			    (unsigned char)entry[i]);
			return -1;
		}
	if (colon != NULL) {
		q = colon + 1;
		if (*q == '\0' || strlen(q) > WORDLIST_MAX_QUALIFIER) {
			snprintf(err, errlen, *q ? "qualifier longer than %d "
			    "bytes" : "qualifier missing after ':'",
			    WORDLIST_MAX_QUALIFIER);
			return -1;
		}
		for (; *q != '\0'; q++)
			if ((unsigned char)*q <= 0x20 ||
			    (unsigned char)*q >= 0x7f) {
				snprintf(err, errlen, "character 0x%02x is not "
				    "allowed in a qualifier",
				    (unsigned char)*q);
				return -1;
			}
	}
	if (w->n == WORDLIST_MAX_ENTRIES) {
		snprintf(err, errlen, "more than %d entries (the limit of a "
		    "list)", WORDLIST_MAX_ENTRIES);
		return -1;
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		if ((nv = realloc(w->v, w->cap * sizeof(*nv))) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		w->v = nv;
	}
	lower_copy(w->v[w->n].word, entry, wlen);
	if (colon != NULL)
		lower_copy(w->v[w->n].qual, colon + 1, strlen(colon + 1));
	else
		w->v[w->n].qual[0] = '\0';
	w->n++;
	return 0;
}

static int
entry_cmp(const void *va, const void *vb)
{
	const struct wentry *a = va, *b = vb;
	int c;

	if ((c = strcmp(a->word, b->word)) != 0)
		return c;
	return strcmp(a->qual, b->qual);
}

struct wordlist *
wordlist_build(const char *text, char *err, size_t errlen)
{
	struct wordlist *w;
	size_t i, o = 0;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sigfile_list(text, add_entry, w, err, errlen) < 0) {
		wordlist_free(w);
		return NULL;
	}
	if (w->n > 0)
		qsort(w->v, w->n, sizeof(*w->v), entry_cmp);
	for (i = 0; i < w->n; i++)
		if (o == 0 || entry_cmp(&w->v[o - 1], &w->v[i]) != 0)
			w->v[o++] = w->v[i];
	w->n = o;
	return w;
}

/* Index of the first entry not below (word, qual) (case-folded). */
static size_t
lower_bound(const struct wordlist *w, const char *word, const char *qual)
{
	size_t lo = 0, hi = w->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcasecmp(w->v[mid].word, word);
		if (c == 0)
			c = strcasecmp(w->v[mid].qual, qual);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
has(const struct wordlist *w, const char *word, const char *qual)
{
	size_t i = lower_bound(w, word, qual);

	return i < w->n && strcasecmp(w->v[i].word, word) == 0 &&
	    strcasecmp(w->v[i].qual, qual) == 0;
}

int
wordlist_allows(const struct wordlist *w, const char *word,
    const char *qualifier)
{
	if (w == NULL || word == NULL)
		return 0;
	return has(w, word, "") || (qualifier != NULL && qualifier[0] != '\0' &&
	    has(w, word, qualifier));
}

int
wordlist_has_word(const struct wordlist *w, const char *word)
{
	size_t i;

	if (w == NULL || word == NULL)
		return 0;
	i = lower_bound(w, word, "");
	return i < w->n && strcasecmp(w->v[i].word, word) == 0;
}

size_t
wordlist_entries(const struct wordlist *w)
{
	return w != NULL ? w->n : 0;
}

const char *
wordlist_word(const struct wordlist *w, size_t i)
{
	return w->v[i].word;
}

const char *
wordlist_qualifier(const struct wordlist *w, size_t i)
{
	return w->v[i].qual;
}

void
wordlist_free(struct wordlist *w)
{
	if (w == NULL)
		return;
	free(w->v);
	free(w);
}
