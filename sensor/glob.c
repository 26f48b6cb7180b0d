/*
 * glob.c - whole-value patterns with a version capture; see glob.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "glob.h"

enum gtok { GT_LIT = 1, GT_ANY, GT_STAR, GT_VERSION };

static int
version_char(uint8_t c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '(' || c == ')' ||
	    c == '-' || c == '+';
}

/* The longest run of literal tokens, and those at either end. */
static void
glob_must(struct glob *g)
{
	unsigned i, run = 0;

	while (g->lead < g->n && g->tok[g->lead] == GT_LIT)
		g->lead++;
	while (g->tail < g->n - g->lead &&
	    g->tok[g->n - 1 - g->tail] == GT_LIT)
		g->tail++;

	for (i = 0; i < g->n; i++) {
		run = g->tok[i] == GT_LIT ? run + 1 : 0;
		if (run > g->must_len && run <= 255) {
			g->must_len = (uint8_t)run;
			g->must_at = (uint8_t)(i + 1 - run);
		}
	}
}

/* Whether v holds the literal runs (ignoring case). */
static int
glob_has_must(const struct glob *g, const uint8_t *v, size_t n)
{
	const uint8_t *m = g->ch + g->must_at;
	size_t i, j, ml = g->must_len;

	if ((size_t)g->lead + g->tail > n)
		return 0;
	for (i = 0; i < g->lead; i++)
		if (tolower(v[i]) != g->ch[i])
			return 0;
	for (i = 0; i < g->tail; i++)
		if (tolower(v[n - 1 - i]) != g->ch[g->n - 1 - i])
			return 0;
	if (ml == 0)
		return 1;
	for (i = 0; i + ml <= n; i++) {
		if (tolower(v[i]) != m[0])
			continue;
		for (j = 1; j < ml && tolower(v[i + j]) == m[j]; j++)
			;
		if (j == ml)
			return 1;
	}
	return 0;
}

int
glob_compile(const char *s, struct glob *g, char *err, size_t errlen)
{
	int versions = 0;

	memset(g, 0, sizeof(*g));
	while (*s != '\0') {
		if (g->n >= GLOB_MAX) {
			snprintf(err, errlen, "pattern longer than %d", GLOB_MAX);
			return -1;
		}
		if (strncmp(s, "{version}", 9) == 0) {
			if (versions++) {
				snprintf(err, errlen, "{version} twice");
				return -1;
			}
			g->tok[g->n++] = GT_VERSION;
			s += 9;
			continue;
		}
		g->tok[g->n] = *s == '*' ? GT_STAR : *s == '?' ? GT_ANY : GT_LIT;
		g->ch[g->n++] = (uint8_t)tolower((unsigned char)*s);
		s++;
	}
	glob_must(g);
	return 0;
}

int
glob_match(const struct glob *g, const uint8_t *v, size_t n, char *ver,
    size_t vercap)
{
	static const size_t W = GLOB_VALUE_MAX + 1;
	/* can[i * W + j]: tokens i.. match bytes j.. (about 41 KiB). */
	uint8_t can[(GLOB_MAX + 1) * (GLOB_VALUE_MAX + 1)];
	uint8_t vr[GLOB_VALUE_MAX + 1];
	size_t i, j, k;
	int r;

	if (n > GLOB_VALUE_MAX)
		n = GLOB_VALUE_MAX;
	if (ver != NULL && vercap > 0)
		ver[0] = '\0';
	if (!glob_has_must(g, v, n))
		return 0;
	for (j = 0; j <= n; j++)
		can[(size_t)g->n * W + j] = j == n;
	for (i = g->n; i-- > 0;) {
		vr[n] = 0;
		for (j = n + 1; j-- > 0;) {
			switch (g->tok[i]) {
			case GT_LIT:
				r = j < n && tolower(v[j]) == g->ch[i] &&
				    can[(i + 1) * W + j + 1];
				break;
			case GT_ANY:
				r = j < n && can[(i + 1) * W + j + 1];
				break;
			case GT_STAR:
				r = can[(i + 1) * W + j] ||
				    (j < n && can[i * W + j + 1]);
				break;
			default:	/* one or more version characters */
				if (j < n)
					vr[j] = version_char(v[j]) &&
					    (can[(i + 1) * W + j + 1] || vr[j + 1]);
				r = j < n && vr[j];
				break;
			}
			can[i * W + j] = (uint8_t)r;
		}
	}
	if (!can[0])
		return 0;
	/* Walk the match again for the capture: the longest version run. */
	for (i = 0, j = 0; i < g->n && ver != NULL && vercap > 0;) {
		switch (g->tok[i]) {
		case GT_STAR:
			if (can[(i + 1) * W + j])
				i++;
			else
				j++;
			break;
		case GT_VERSION:
			for (k = 1; j + k < n && version_char(v[j + k]); k++)
				;
			while (k > 1 && !can[(i + 1) * W + j + k])
				k--;
			if (k >= vercap)
				k = vercap - 1;
			memcpy(ver, v + j, k);
			ver[k] = '\0';
			return 1;
		default:
			i++;
			j++;
			break;
		}
	}
	return 1;
}
