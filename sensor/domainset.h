/*
 * domainset.h - immutable sets of DNS names with exact, suffix and
 * patterned entries, each carrying a caller's value (a tool id of an RMM
 * catalogue, a pointer into the loader's own table).
 *
 * Life cycle as addrset.h: built once in the control thread (start,
 * SIGHUP), then looked up by any number of threads without locks (a lookup
 * only reads), freed by one call.
 *
 * Entry syntax (names compared ignoring ASCII case; one trailing dot, in
 * entries and in looked-up names, is ignored):
 *   example.com          exactly example.com
 *   *.example.com        any name below example.com, at any depth
 *   .example.com         the same as *.example.com
 *                        (neither holds example.com itself: list both for
 *                        both; a vendor's web site is not its relay)
 *   relay-*.example.com  a name whose leftmost label matches the glob and
 *                        whose rest is exactly example.com: relay-7f.
 *                        example.com, not a.relay-7f.example.com; the glob
 *                        is one label: '*' any run of characters (none
 *                        included), '?' one character, anything else
 *                        literal; '*' and '?' only in the leftmost label
 * Names: labels of 1..63 bytes of letters, digits, '-' and '_' (service
 * labels like _ldap._tcp), at most 253 bytes in all; IDNs in their
 * xn-- form.  At most DOMAINSET_MAX_ENTRIES entries (repeats counted).
 * The same entry twice with the same value is accepted, with different
 * values it is an error.
 *
 * Precedence when several entries hold a name: the exact entry, then the
 * entry on the longest suffix; on one suffix a pattern beats the plain
 * suffix entry, and patterns are tried in the order they were added.
 * A lookup hashes every suffix of the name at its label boundaries (one
 * pass from the right, the hash extended label by label) and probes a hash
 * table once per label: O(length of the name).
 */
#ifndef EDGEWARD_DOMAINSET_H
#define EDGEWARD_DOMAINSET_H

#include <stddef.h>
#include <stdint.h>

#define DOMAINSET_MAX_ENTRIES	262144
#define DOMAINSET_MAX_NAME	253

struct domainset;
struct domainset_builder;

enum domainset_match {
	DOMAINSET_NONE = 0,
	DOMAINSET_EXACT,
	DOMAINSET_PATTERN,
	DOMAINSET_SUFFIX
};

/*
 * Builds a set from a list (sigfile.h syntax: commas, blanks, '#', @FILE);
 * every entry's value is 0.  Returns the set (free with domainset_free) or
 * NULL with err "'ENTRY': reason" ("FILE:LINE: " before it for an entry of
 * an included file).  An empty or NULL text gives an empty set.
 */
struct domainset *domainset_build(const char *text, char *err,
		    size_t errlen);

/*
 * For loaders (a signature file's lines): add one entry with its value;
 * 0, or -1 with the reason in err.  finish consumes the builder (also on
 * error) and returns the set or NULL with err.  builder_free drops an
 * unfinished builder.
 */
struct domainset_builder *domainset_builder_new(void);
int		 domainset_builder_add(struct domainset_builder *b,
		    const char *entry, uintptr_t value, char *err,
		    size_t errlen);
struct domainset *domainset_builder_finish(struct domainset_builder *b,
		    char *err, size_t errlen);
void		 domainset_builder_free(struct domainset_builder *b);

/*
 * Looks up len bytes of name (a host name, SNI or DNS query name as seen:
 * not NUL-terminated, any bytes; a name that is no valid domain name just
 * matches nothing).  Returns how it matched, DOMAINSET_NONE when no entry
 * holds it (or s is NULL); *value is set on a match (value may be NULL).
 */
enum domainset_match domainset_lookup(const struct domainset *s,
		    const char *name, size_t len, uintptr_t *value);
/* Distinct entries. */
size_t		 domainset_entries(const struct domainset *s);
void		 domainset_free(struct domainset *s);

#endif
