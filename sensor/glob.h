/*
 * glob.h - whole-value patterns for signature files: '*' any run, '?' one
 * byte, and once "{version}", a run of letters, digits and ._()+- whose
 * text a match gives back ("SSH-*-Cisco-{version}*").  Literal bytes
 * compare ignoring ASCII case.
 *
 * A match is dynamic programming over (pattern token, value byte), so a
 * pattern with many stars costs O(tokens x bytes) and never backtracks:
 * patterns come from files an operator edits, values from the wire.  Most
 * values do not match: the pattern's longest literal run is looked for
 * first (a plain search), and only a value that holds it pays for the
 * dynamic programming.
 * Values longer than GLOB_VALUE_MAX are matched on their first
 * GLOB_VALUE_MAX bytes.  A compiled glob is a plain value (no pointers):
 * tables hold them in arrays; matching only reads it (any thread).
 */
#ifndef EDGEWARD_GLOB_H
#define EDGEWARD_GLOB_H

#include <stddef.h>
#include <stdint.h>

#define GLOB_MAX	160	/* bytes of a pattern */
#define GLOB_VALUE_MAX	256	/* bytes of a value that are matched */

struct glob {
	uint8_t		n;
	uint8_t		tok[GLOB_MAX];	/* internal */
	uint8_t		ch[GLOB_MAX];	/* lower-case literal bytes */
	/* The longest literal run, which a match must contain: a value
	 * without it is refused before any dynamic programming. */
	uint8_t		must_at, must_len;
	/* Literal runs at the start and the end (anchored: checked first). */
	uint8_t		lead, tail;
};

/* 0, or -1 with err ("pattern longer than 160", "{version} twice"). */
int	glob_compile(const char *s, struct glob *g, char *err, size_t errlen);
/*
 * 1 if g matches the whole value, else 0.  On a match with a {version}
 * token its text is copied to ver (NUL-terminated, cut to vercap - 1);
 * ver may be NULL.
 */
int	glob_match(const struct glob *g, const uint8_t *v, size_t n, char *ver,
	    size_t vercap);

#endif
