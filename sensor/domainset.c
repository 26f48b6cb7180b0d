/*
 * domainset.c - DNS name sets; see domainset.h for the syntax and the
 * precedence rules.
 *
 * One node per distinct name (lower case, no trailing dot) holds what is
 * listed for it: an exact entry, a suffix entry, and a list of patterns
 * for names one label below it.  Nodes are found through an open-addressing
 * table keyed by a hash taken from the right end of the name (FNV-1a over
 * the bytes last to first), so a lookup extends one hash across the query's
 * labels and probes the table at each label boundary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domainset.h"
#include "sigfile.h"

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL
#define MAX_LABEL	63

#define DN_EXACT	0x1
#define DN_SUFFIX	0x2

struct dnode {
	uint64_t	hash;
	uint32_t	name;		/* offset in the pool */
	uint16_t	len;
	uint8_t		flags;		/* DN_* */
	uint32_t	pat_first;	/* built: index; building: head + 1 */
	uint32_t	pat_count;
	uint32_t	pat_last;	/* building only: tail + 1 */
	uintptr_t	exact_value, suffix_value;
};

struct dpattern {
	uint32_t	glob;		/* offset in the pool */
	uint16_t	len;
	uint32_t	next;		/* building only: next + 1 of the node */
	uintptr_t	value;
};

struct domainset {
	struct dnode	*nodes;
	size_t		 nnodes;
	struct dpattern	*pats;
	size_t		 npats;
	char		*pool;
	size_t		 poolsz;
	uint32_t	*slots;		/* node index + 1; 0: empty */
	size_t		 nslots;	/* a power of two, or 0 */
	size_t		 entries;
};

struct domainset_builder {
	struct domainset s;
	size_t		 node_cap, pat_cap, pool_cap;
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	    c == '_';
}

static uint64_t
hash_name(const char *s, size_t len)
{
	uint64_t h = FNV_OFFSET;

	while (len > 0)
		h = (h ^ (uint8_t)s[--len]) * FNV_PRIME;
	return h;
}

static struct dnode *
find_node(const struct domainset *s, uint64_t h, const char *name,
    size_t len)
{
	size_t mask, i;
	struct dnode *n;

	if (s->nslots == 0)
		return NULL;
	mask = s->nslots - 1;
	for (i = (size_t)h & mask; s->slots[i] != 0; i = (i + 1) & mask) {
		n = &s->nodes[s->slots[i] - 1];
		if (n->hash == h && n->len == len &&
		    memcmp(s->pool + n->name, name, len) == 0)
			return n;
	}
	return NULL;
}

/* '*' any run, '?' one byte; g is lower case, s is lowered already. */
static int
glob_match(const char *g, size_t glen, const char *s, size_t slen)
{
	size_t gi = 0, si = 0, star_g = 0, star_s = 0;
	int star = 0;

	while (si < slen) {
		if (gi < glen && (g[gi] == '?' || g[gi] == s[si])) {
			gi++;
			si++;
		} else if (gi < glen && g[gi] == '*') {
			star = 1;
			star_g = ++gi;
			star_s = si;
		} else if (star) {
			gi = star_g;
			si = ++star_s;
		} else
			return 0;
	}
	while (gi < glen && g[gi] == '*')
		gi++;
	return gi == glen;
}

/* ---- lookups (any thread) -------------------------------------------- */

/*
 * 1 with *v set if one of n's patterns matches left, the part of the name
 * left of n's suffix; patterns hold a single label only.
 */
static int
match_pattern(const struct domainset *s, const struct dnode *n,
    const char *left, size_t len, uintptr_t *v)
{
	const struct dpattern *p;
	size_t k;

	if (n->pat_count == 0 || memchr(left, '.', len) != NULL)
		return 0;
	for (k = 0; k < n->pat_count; k++) {
		p = &s->pats[n->pat_first + k];
		if (glob_match(s->pool + p->glob, p->len, left, len)) {
			*v = p->value;
			return 1;
		}
	}
	return 0;
}

enum domainset_match
domainset_lookup(const struct domainset *s, const char *name, size_t len,
    uintptr_t *value)
{
	enum domainset_match best = DOMAINSET_NONE;
	uintptr_t v = 0;
	char buf[DOMAINSET_MAX_NAME];
	const struct dnode *n;
	uint64_t h = FNV_OFFSET;
	size_t i;

	if (s == NULL || s->nslots == 0)
		return DOMAINSET_NONE;
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > sizeof(buf))
		return DOMAINSET_NONE;
	for (i = 0; i < len; i++)
		buf[i] = (char)lower((unsigned char)name[i]);
	/* Every suffix starting at a label, shortest first. */
	for (i = len; i-- > 0;) {
		h = (h ^ (uint8_t)buf[i]) * FNV_PRIME;
		if (i > 0 && buf[i - 1] != '.')
			continue;
		if ((n = find_node(s, h, buf + i, len - i)) == NULL)
			continue;
		if (i == 0) {
			if (n->flags & DN_EXACT) {
				best = DOMAINSET_EXACT;
				v = n->exact_value;
			}
			break;
		}
		if (match_pattern(s, n, buf, i - 1, &v))
			best = DOMAINSET_PATTERN;
		else if (n->flags & DN_SUFFIX) {
			best = DOMAINSET_SUFFIX;
			v = n->suffix_value;
		}
	}
	if (best != DOMAINSET_NONE && value != NULL)
		*value = v;
	return best;
}

size_t
domainset_entries(const struct domainset *s)
{
	return s != NULL ? s->entries : 0;
}

static void
set_release(struct domainset *s)
{
	free(s->nodes);
	free(s->pats);
	free(s->pool);
	free(s->slots);
}

void
domainset_free(struct domainset *s)
{
	if (s == NULL)
		return;
	set_release(s);
	free(s);
}

/* ---- building --------------------------------------------------------- */

struct domainset_builder *
domainset_builder_new(void)
{
	return calloc(1, sizeof(struct domainset_builder));
}

void
domainset_builder_free(struct domainset_builder *b)
{
	if (b == NULL)
		return;
	set_release(&b->s);
	free(b);
}

/* Grows *v (of *cap elements of size each) to hold need; -1 on failure. */
static int
grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 64;
	void *nv;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	if ((nv = realloc(*v, ncap * size)) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

/* Copies len bytes into the pool; returns the offset or -1. */
static long
pool_add(struct domainset_builder *b, const char *s, size_t len)
{
	size_t off = b->s.poolsz;

	if (grow((void **)&b->s.pool, &b->pool_cap, off + len + 1, 1) < 0)
		return -1;
	memcpy(b->s.pool + off, s, len);
	b->s.pool[off + len] = '\0';
	b->s.poolsz += len + 1;
	return (long)off;
}

/* Rebuilds the slot table with room for twice the nodes. */
static int
rehash(struct domainset *s, size_t want)
{
	size_t n = 16, i, j, mask;
	uint32_t *slots;

	while (n < want * 2)
		n *= 2;
	if ((slots = calloc(n, sizeof(*slots))) == NULL)
		return -1;
	mask = n - 1;
	for (i = 0; i < s->nnodes; i++) {
		for (j = (size_t)s->nodes[i].hash & mask; slots[j] != 0;
		    j = (j + 1) & mask)
			;
		slots[j] = (uint32_t)(i + 1);
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
	return 0;
}

static struct dnode *
node_get(struct domainset_builder *b, const char *name, size_t len)
{
	uint64_t h = hash_name(name, len);
	struct dnode *n;
	long off;

	if ((n = find_node(&b->s, h, name, len)) != NULL)
		return n;
	if ((b->s.nnodes + 1) * 2 > b->s.nslots &&
	    rehash(&b->s, b->s.nnodes + 1) < 0)
		return NULL;
	if (grow((void **)&b->s.nodes, &b->node_cap, b->s.nnodes + 1,
	    sizeof(*n)) < 0 || (off = pool_add(b, name, len)) < 0)
		return NULL;
	n = &b->s.nodes[b->s.nnodes++];
	memset(n, 0, sizeof(*n));
	n->hash = h;
	n->name = (uint32_t)off;
	n->len = (uint16_t)len;
	/* Insert into the table (rehash above left room). */
	{
		size_t mask = b->s.nslots - 1, i;

		for (i = (size_t)h & mask; b->s.slots[i] != 0;
		    i = (i + 1) & mask)
			;
		b->s.slots[i] = (uint32_t)b->s.nnodes;
	}
	return n;
}

/* Checks a name (no wildcards); 0 or -1 with err. */
static int
check_name(const char *s, size_t len, char *err, size_t errlen)
{
	size_t i, start = 0;

	if (len == 0) {
		snprintf(err, errlen, "domain name missing");
		return -1;
	}
	if (len > DOMAINSET_MAX_NAME) {
		snprintf(err, errlen, "name longer than %d bytes",
		    DOMAINSET_MAX_NAME);
		return -1;
	}
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (i == start) {
				snprintf(err, errlen, "empty label");
				return -1;
			}
			if (i - start > MAX_LABEL) {
				snprintf(err, errlen, "label '%.*s' longer than "
				    "%d bytes", (int)(i - start), s + start,
				    MAX_LABEL);
				return -1;
			}
			start = i + 1;
		} else if (s[i] == '*' || s[i] == '?') {
			snprintf(err, errlen, "'*' and '?' are only allowed in "
			    "the leftmost label");
			return -1;
		} else if (!name_char((unsigned char)s[i])) {
			snprintf(err, errlen, "character 0x%02x is not allowed "
			    "in a domain name (letters, digits, '-', '_')",
			    (unsigned char)s[i]);
			return -1;
		}
	}
	return 0;
}

static int
check_glob(const char *g, size_t len, char *err, size_t errlen)
{
	size_t i;

	if (len > MAX_LABEL) {
		snprintf(err, errlen, "pattern label longer than %d bytes",
		    MAX_LABEL);
		return -1;
	}
	for (i = 0; i < len; i++)
		if (!name_char((unsigned char)g[i]) && g[i] != '*' &&
		    g[i] != '?') {
			snprintf(err, errlen, "character 0x%02x is not allowed "
			    "in a pattern (letters, digits, '-', '_', '*', "
			    "'?')", (unsigned char)g[i]);
			return -1;
		}
	return 0;
}

static int
add_pattern(struct domainset_builder *b, struct dnode *n, const char *g,
    size_t glen, uintptr_t value, char *err, size_t errlen)
{
	struct dpattern *p;
	uint32_t i;
	long off;

	for (i = n->pat_first; i != 0; i = b->s.pats[i - 1].next) {
		p = &b->s.pats[i - 1];
		if (p->len == glen && memcmp(b->s.pool + p->glob, g, glen) == 0) {
			if (p->value == value)
				return 0;
			snprintf(err, errlen, "listed twice with different "
			    "values");
			return -1;
		}
	}
	if (grow((void **)&b->s.pats, &b->pat_cap, b->s.npats + 1,
	    sizeof(*p)) < 0 || (off = pool_add(b, g, glen)) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	p = &b->s.pats[b->s.npats++];
	p->glob = (uint32_t)off;
	p->len = (uint16_t)glen;
	p->next = 0;
	p->value = value;
	if (n->pat_last != 0)
		b->s.pats[n->pat_last - 1].next = (uint32_t)b->s.npats;
	else
		n->pat_first = (uint32_t)b->s.npats;
	n->pat_last = (uint32_t)b->s.npats;
	n->pat_count++;
	return 0;
}

/* Sets an exact or suffix entry on n; a repeat must carry the same value. */
static int
set_entry(struct dnode *n, unsigned flag, uintptr_t value, char *err,
    size_t errlen)
{
	uintptr_t *slot = flag == DN_EXACT ? &n->exact_value : &n->suffix_value;

	if ((n->flags & flag) && *slot != value) {
		snprintf(err, errlen, "listed twice with different values");
		return -1;
	}
	n->flags |= (uint8_t)flag;
	*slot = value;
	return 0;
}

int
domainset_builder_add(struct domainset_builder *b, const char *entry,
    uintptr_t value, char *err, size_t errlen)
{
	char buf[DOMAINSET_MAX_NAME + 4];
	const char *name, *dot, *glob = NULL;
	size_t len = strlen(entry), i, glen = 0;
	unsigned flag = DN_EXACT;
	struct dnode *n;

	if (b->s.entries == DOMAINSET_MAX_ENTRIES) {
		snprintf(err, errlen, "more than %d entries (the limit of a "
		    "set)", DOMAINSET_MAX_ENTRIES);
		return -1;
	}
	if (len >= sizeof(buf)) {
		snprintf(err, errlen, "name longer than %d bytes",
		    DOMAINSET_MAX_NAME);
		return -1;
	}
	for (i = 0; i < len; i++)
		buf[i] = (char)lower((unsigned char)entry[i]);
	if (len > 0 && buf[len - 1] == '.')
		len--;
	buf[len] = '\0';
	name = buf;
	if (buf[0] == '*' && buf[1] == '.') {
		flag = DN_SUFFIX;
		name = buf + 2;
	} else if (buf[0] == '.') {
		flag = DN_SUFFIX;
		name = buf + 1;
	} else if (strcspn(buf, ".") > strcspn(buf, "*?")) {
		if ((dot = strchr(buf, '.')) == NULL) {
			snprintf(err, errlen, "a pattern needs a domain after "
			    "it (relay-*.example.com)");
			return -1;
		}
		glob = buf;
		glen = (size_t)(dot - buf);
		name = dot + 1;
		if (check_glob(glob, glen, err, errlen) < 0)
			return -1;
	}
	if (check_name(name, strlen(name), err, errlen) < 0)
		return -1;
	if ((n = node_get(b, name, strlen(name))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((glob != NULL ? add_pattern(b, n, glob, glen, value, err, errlen) :
	    set_entry(n, flag, value, err, errlen)) < 0)
		return -1;
	b->s.entries++;
	return 0;
}

struct domainset *
domainset_builder_finish(struct domainset_builder *b, char *err,
    size_t errlen)
{
	struct dpattern *pats = NULL;
	struct domainset *s = NULL;
	size_t i, o = 0;
	uint32_t j;

	if (b == NULL || (s = malloc(sizeof(*s))) == NULL ||
	    (b->s.npats > 0 &&
	    (pats = malloc(b->s.npats * sizeof(*pats))) == NULL)) {
		snprintf(err, errlen, "out of memory");
		free(s);
		domainset_builder_free(b);
		return NULL;
	}
	/* Each node's patterns in one run, in the order they were added. */
	for (i = 0; i < b->s.nnodes; i++) {
		struct dnode *n = &b->s.nodes[i];

		j = n->pat_first;
		n->pat_first = (uint32_t)o;
		for (; j != 0; j = b->s.pats[j - 1].next)
			pats[o++] = b->s.pats[j - 1];
		n->pat_last = 0;
	}
	free(b->s.pats);
	b->s.pats = pats;
	*s = b->s;
	free(b);
	return s;
}

static int
build_add(const char *entry, void *arg, char *err, size_t errlen)
{
	return domainset_builder_add(arg, entry, 0, err, errlen);
}

struct domainset *
domainset_build(const char *text, char *err, size_t errlen)
{
	struct domainset_builder *b;

	if ((b = domainset_builder_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sigfile_list(text, build_add, b, err, errlen) < 0) {
		domainset_builder_free(b);
		return NULL;
	}
	return domainset_builder_finish(b, err, errlen);
}
