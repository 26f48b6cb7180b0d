/*
 * wordlist.h - immutable lists of words with an optional qualifier,
 * "word[:qualifier]", such as rmm_allowed's "tool[:tenant]" entries
 * (anydesk, teamviewer:123456789).
 *
 * Life cycle as addrset.h: built once in the control thread, read by any
 * number of threads without locks, freed by one call.
 *
 * Syntax: a list (sigfile.h: commas, blanks, '#', @FILE) of entries
 *   WORD            1..63 bytes of letters, digits, '-', '_', '.'
 *   WORD:QUALIFIER  QUALIFIER 1..127 printable ASCII bytes but blanks, ','
 *                   and '#' (it may hold ':' and '@': the first ':' splits)
 * Both are compared ignoring ASCII case.  Repeats are accepted.  At most
 * WORDLIST_MAX_ENTRIES entries.  Whether a word names something real (a
 * tool of the RMM catalogue) is for the loader that knows the catalogue to
 * check, with wordlist_word().
 */
#ifndef EDGEWARD_WORDLIST_H
#define EDGEWARD_WORDLIST_H

#include <stddef.h>

#define WORDLIST_MAX_ENTRIES	4096
#define WORDLIST_MAX_WORD	63
#define WORDLIST_MAX_QUALIFIER	127

struct wordlist;

/*
 * Builds a list from text.  Returns it (free with wordlist_free) or NULL
 * with err "'ENTRY': reason" ("FILE:LINE: " before it for an entry of an
 * included file).  An empty or NULL text gives an empty list.
 */
struct wordlist	*wordlist_build(const char *text, char *err, size_t errlen);
/*
 * 1 if word is listed without a qualifier (any qualifier allowed), or with
 * this qualifier (qualifier not NULL); else 0 (also for w NULL).  A word
 * listed only with other qualifiers is not allowed when the qualifier is
 * NULL (unknown): see wordlist_has_word for "listed at all".
 */
int		 wordlist_allows(const struct wordlist *w, const char *word,
		    const char *qualifier);
/* 1 if word is listed with or without a qualifier. */
int		 wordlist_has_word(const struct wordlist *w, const char *word);
/* Distinct entries, and entry i in sorted order (qualifier "" if none). */
size_t		 wordlist_entries(const struct wordlist *w);
const char	*wordlist_word(const struct wordlist *w, size_t i);
const char	*wordlist_qualifier(const struct wordlist *w, size_t i);
void		 wordlist_free(struct wordlist *w);

#endif
