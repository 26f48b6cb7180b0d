/*
 * test_domainset.c - DNS name sets: exact and suffix entries (the apex
 * not in the suffix), case and trailing dots, precedence (exact, longest
 * suffix, pattern before suffix, patterns in order), glob labels, values
 * and conflicting repeats, name validation (label 63, name 253,
 * characters, wildcards elsewhere), lookups of hostile input (not NUL
 * terminated, any bytes, overlong), @FILE includes, the entry limit, and
 * 100k entries with a million lookups (results asserted, time printed).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domainset.h"
#include "tmpdir.h"
#include "unit.h"

static char err[1024];
static const char *dir;

/* Looks up a NUL-terminated name; the value in *v (-1 when none). */
static enum domainset_match
look(const struct domainset *s, const char *name, long *v)
{
	uintptr_t val = (uintptr_t)-1;
	enum domainset_match m = domainset_lookup(s, name, strlen(name), &val);

	if (v != NULL)
		*v = m == DOMAINSET_NONE ? -1 : (long)val;
	return m;
}

static struct domainset_builder *
builder(const char *const *entries)
{
	struct domainset_builder *b = domainset_builder_new();
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	for (i = 0; entries[i] != NULL; i++)
		if (domainset_builder_add(b, entries[i], (uintptr_t)i + 1, err,
		    sizeof(err)) < 0) {
			printf("\n  '%s': %s\n", entries[i], err);
			CU_FAIL("add");
		}
	return b;
}

/* A set whose entry i has the value i + 1. */
static struct domainset *
valued(const char *const *entries)
{
	struct domainset *s = domainset_builder_finish(builder(entries), err,
	    sizeof(err));

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s;
}

/* 1 if adding entry fails with an error containing want. */
static int
add_fails(const char *entry, const char *want)
{
	struct domainset_builder *b = domainset_builder_new();
	int r;

	err[0] = '\0';
	r = domainset_builder_add(b, entry, 0, err, sizeof(err));
	domainset_builder_free(b);
	if (r == 0 || strstr(err, want) == NULL) {
		printf("\n  '%s': got %d \"%s\", want \"%s\"\n", entry, r, err,
		    want);
		return 0;
	}
	return 1;
}

static void
test_exact_and_suffix(void)
{
	static const char *const e[] = { "example.com", "*.anydesk.com",
	    ".Net.Example.ORG.", "teamviewer.com", "*.teamviewer.com",
	    "localhost", NULL };
	struct domainset *s = valued(e);
	long v;

	CU_ASSERT_EQUAL(domainset_entries(s), 6);
	CU_ASSERT_EQUAL(look(s, "example.com", &v), DOMAINSET_EXACT);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(look(s, "www.example.com", &v), DOMAINSET_NONE);
	CU_ASSERT_EQUAL(look(s, "xexample.com", &v), DOMAINSET_NONE);
	CU_ASSERT_EQUAL(look(s, "example.co", &v), DOMAINSET_NONE);
	/* A suffix holds every depth below, not the apex. */
	CU_ASSERT_EQUAL(look(s, "relay.anydesk.com", &v), DOMAINSET_SUFFIX);
	CU_ASSERT_EQUAL(v, 2);
	CU_ASSERT_EQUAL(look(s, "a.b.c.anydesk.com", &v), DOMAINSET_SUFFIX);
	CU_ASSERT_EQUAL(look(s, "anydesk.com", &v), DOMAINSET_NONE);
	CU_ASSERT_EQUAL(look(s, "notanydesk.com", &v), DOMAINSET_NONE);
	/* ".x" is "*.x"; case and one trailing dot do not matter. */
	CU_ASSERT_EQUAL(look(s, "WWW.net.example.org.", &v), DOMAINSET_SUFFIX);
	CU_ASSERT_EQUAL(v, 3);
	CU_ASSERT_EQUAL(look(s, "net.example.org", &v), DOMAINSET_NONE);
	CU_ASSERT_EQUAL(look(s, "EXAMPLE.COM.", &v), DOMAINSET_EXACT);
	CU_ASSERT_EQUAL(look(s, "example.com..", &v), DOMAINSET_NONE);
	/* Exact and suffix on one name: both. */
	CU_ASSERT_EQUAL(look(s, "teamviewer.com", &v), DOMAINSET_EXACT);
	CU_ASSERT_EQUAL(v, 4);
	CU_ASSERT_EQUAL(look(s, "master1.teamviewer.com", &v),
	    DOMAINSET_SUFFIX);
	CU_ASSERT_EQUAL(v, 5);
	CU_ASSERT_EQUAL(look(s, "localhost", &v), DOMAINSET_EXACT);
	/* value may be NULL. */
	CU_ASSERT_EQUAL(domainset_lookup(s, "localhost", 9, NULL),
	    DOMAINSET_EXACT);
	domainset_free(s);
}

static void
test_precedence(void)
{
	static const char *const e[] = { "*.example.com",	/* 1 */
	    "*.b.example.com",					/* 2 */
	    "x.b.example.com",					/* 3 */
	    "r*.b.example.com",					/* 4 */
	    "ra*.b.example.com",				/* 5 */
	    "*.c.b.example.com",				/* 6 */
	    NULL };
	struct domainset *s = valued(e);
	long v;

	CU_ASSERT_EQUAL(look(s, "a.example.com", &v), DOMAINSET_SUFFIX);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(look(s, "b.example.com", &v), DOMAINSET_SUFFIX);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(look(s, "q.b.example.com", &v), DOMAINSET_SUFFIX);
	CU_ASSERT_EQUAL(v, 2);		/* the longer suffix */
	CU_ASSERT_EQUAL(look(s, "x.b.example.com", &v), DOMAINSET_EXACT);
	CU_ASSERT_EQUAL(v, 3);		/* exact first */
	CU_ASSERT_EQUAL(look(s, "rat.b.example.com", &v), DOMAINSET_PATTERN);
	CU_ASSERT_EQUAL(v, 4);		/* pattern before suffix, in order */
	CU_ASSERT_EQUAL(look(s, "y.rat.b.example.com", &v), DOMAINSET_SUFFIX);
	CU_ASSERT_EQUAL(v, 2);		/* patterns are one label */
	CU_ASSERT_EQUAL(look(s, "z.c.b.example.com", &v), DOMAINSET_SUFFIX);
	CU_ASSERT_EQUAL(v, 6);
	CU_ASSERT_EQUAL(look(s, "c.b.example.com", &v), DOMAINSET_SUFFIX);
	CU_ASSERT_EQUAL(v, 2);
	domainset_free(s);
}

static void
test_patterns(void)
{
	static const char *const e[] = { "relay-*.net.anydesk.com",	/* 1 */
	    "r?.x.com",							/* 2 */
	    "*-edge-*.x.com",						/* 3 */
	    "a*b*c.x.com",						/* 4 */
	    "??*.y.com",						/* 5 */
	    NULL };
	struct domainset *s = valued(e);
	long v;

	CU_ASSERT_EQUAL(look(s, "relay-7f3a9c21.net.anydesk.com", &v),
	    DOMAINSET_PATTERN);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(look(s, "RELAY-7F.NET.ANYDESK.COM.", &v),
	    DOMAINSET_PATTERN);
	CU_ASSERT_EQUAL(look(s, "relay-.net.anydesk.com", &v),
	    DOMAINSET_PATTERN);		/* '*' matches nothing too */
	CU_ASSERT_EQUAL(look(s, "relay7f.net.anydesk.com", &v),
	    DOMAINSET_NONE);
	CU_ASSERT_EQUAL(look(s, "a.relay-7f.net.anydesk.com", &v),
	    DOMAINSET_NONE);
	CU_ASSERT_EQUAL(look(s, "net.anydesk.com", &v), DOMAINSET_NONE);
	CU_ASSERT_EQUAL(look(s, "r1.x.com", &v), DOMAINSET_PATTERN);
	CU_ASSERT_EQUAL(v, 2);
	CU_ASSERT_EQUAL(look(s, "r.x.com", &v), DOMAINSET_NONE);
	CU_ASSERT_EQUAL(look(s, "r12.x.com", &v), DOMAINSET_NONE);
	CU_ASSERT_EQUAL(look(s, "eu-edge-01.x.com", &v), DOMAINSET_PATTERN);
	CU_ASSERT_EQUAL(v, 3);
	CU_ASSERT_EQUAL(look(s, "-edge-.x.com", &v), DOMAINSET_PATTERN);
	CU_ASSERT_EQUAL(look(s, "edge-01.x.com", &v), DOMAINSET_NONE);
	CU_ASSERT_EQUAL(look(s, "abc.x.com", &v), DOMAINSET_PATTERN);
	CU_ASSERT_EQUAL(v, 4);
	CU_ASSERT_EQUAL(look(s, "aXbYbZc.x.com", &v), DOMAINSET_PATTERN);
	CU_ASSERT_EQUAL(look(s, "abcd.x.com", &v), DOMAINSET_NONE);
	CU_ASSERT_EQUAL(look(s, "ab.y.com", &v), DOMAINSET_PATTERN);
	CU_ASSERT_EQUAL(look(s, "abcdef.y.com", &v), DOMAINSET_PATTERN);
	CU_ASSERT_EQUAL(look(s, "a.y.com", &v), DOMAINSET_NONE);
	domainset_free(s);
}

static void
test_values(void)
{
	struct domainset_builder *b = domainset_builder_new();
	static int tool_a, tool_b;
	struct domainset *s;
	uintptr_t v = 0;

	/* Pointers as values; repeats with the same value are fine. */
	CU_ASSERT_EQUAL(domainset_builder_add(b, "*.a.com", (uintptr_t)&tool_a,
	    err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(domainset_builder_add(b, ".A.com.", (uintptr_t)&tool_a,
	    err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(domainset_builder_add(b, "relay-*.a.com",
	    (uintptr_t)&tool_b, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(domainset_builder_add(b, "relay-*.a.com",
	    (uintptr_t)&tool_b, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(domainset_builder_add(b, "a.com", 0, err,
	    sizeof(err)), 0);
	/* Different values: errors. */
	CU_ASSERT_EQUAL(domainset_builder_add(b, "*.a.com", (uintptr_t)&tool_b,
	    err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "listed twice with different values");
	CU_ASSERT_EQUAL(domainset_builder_add(b, "relay-*.a.com", 7, err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(domainset_builder_add(b, "a.com", 1, err,
	    sizeof(err)), -1);
	s = domainset_builder_finish(b, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(domainset_entries(s), 5);
	CU_ASSERT_EQUAL(domainset_lookup(s, "x.a.com", 7, &v),
	    DOMAINSET_SUFFIX);
	CU_ASSERT_PTR_EQUAL((void *)v, &tool_a);
	CU_ASSERT_EQUAL(domainset_lookup(s, "relay-1.a.com", 13, &v),
	    DOMAINSET_PATTERN);
	CU_ASSERT_PTR_EQUAL((void *)v, &tool_b);
	domainset_free(s);
	domainset_free(NULL);
	domainset_builder_free(NULL);
}

static void
test_validation(void)
{
	char name[300];
	struct domainset_builder *b;

	/* Label of 63 bytes: fine; 64: not. */
	memset(name, 'a', 63);
	strcpy(name + 63, ".com");
	b = domainset_builder_new();
	CU_ASSERT_EQUAL(domainset_builder_add(b, name, 0, err, sizeof(err)),
	    0);
	domainset_builder_free(b);
	memset(name, 'a', 64);
	strcpy(name + 64, ".com");
	CU_ASSERT(add_fails(name, "longer than 63 bytes"));
	/* Name of 253 bytes (and a trailing dot): fine; 254: not. */
	memset(name, 'a', 253);
	name[63] = name[127] = name[191] = '.';
	strcpy(name + 253, ".");
	b = domainset_builder_new();
	CU_ASSERT_EQUAL(domainset_builder_add(b, name, 0, err, sizeof(err)),
	    0);
	{
		struct domainset *s = domainset_builder_finish(b, err,
		    sizeof(err));

		CU_ASSERT_EQUAL(look(s, name, NULL), DOMAINSET_EXACT);
		name[253] = '\0';
		CU_ASSERT_EQUAL(look(s, name, NULL), DOMAINSET_EXACT);
		domainset_free(s);
	}
	name[253] = 'a';
	name[254] = '\0';
	CU_ASSERT(add_fails(name, "name longer than 253 bytes"));
	memset(name, 'a', 299);
	name[299] = '\0';
	CU_ASSERT(add_fails(name, "name longer than 253 bytes"));

	CU_ASSERT(add_fails("a..b.com", "empty label"));
	CU_ASSERT(add_fails("..a.com", "empty label"));
	CU_ASSERT(add_fails("ex!ample.com", "character 0x21 is not allowed"));
	CU_ASSERT(add_fails("exa mple.com", "character 0x20 is not allowed"));
	CU_ASSERT(add_fails("caf\xc3\xa9.com", "character 0xc3"));
	CU_ASSERT(add_fails("a.*.com", "'*' and '?' are only allowed in the "
	    "leftmost label"));
	CU_ASSERT(add_fails("*.*.com", "only allowed in the leftmost label"));
	CU_ASSERT(add_fails("a.b?.com", "only allowed in the leftmost label"));
	CU_ASSERT(add_fails("*", "a pattern needs a domain after it"));
	CU_ASSERT(add_fails("relay-*", "a pattern needs a domain after it"));
	CU_ASSERT(add_fails("*.", "a pattern needs a domain after it"));
	CU_ASSERT(add_fails("re!ay-*.a.com", "not allowed in a pattern"));
	CU_ASSERT(add_fails("", "domain name missing"));
	CU_ASSERT(add_fails(".", "domain name missing"));
	CU_ASSERT(add_fails("*.", "pattern"));
	CU_ASSERT(add_fails(".", "missing"));
	CU_ASSERT(add_fails("..", "domain name missing"));	/* ".": all */
	/* Service labels and IDNs in xn-- form are names. */
	b = domainset_builder_new();
	CU_ASSERT_EQUAL(domainset_builder_add(b, "_ldap._tcp.dc.example.com",
	    0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(domainset_builder_add(b, "*.xn--bcher-kva.example", 0,
	    err, sizeof(err)), 0);
	domainset_builder_free(b);
}

static void
test_hostile_lookups(void)
{
	static const char *const e[] = { "*.example.com", "a.b", NULL };
	static const char bytes[] = "x\0y.example.com";
	struct domainset *s = valued(e);
	char big[600];

	/* Only len bytes are read. */
	CU_ASSERT_EQUAL(domainset_lookup(s, "a.bcdef", 3, NULL),
	    DOMAINSET_EXACT);
	CU_ASSERT_EQUAL(domainset_lookup(s, "a.b.", 4, NULL), DOMAINSET_EXACT);
	CU_ASSERT_EQUAL(domainset_lookup(s, "a.b", 2, NULL), DOMAINSET_NONE);
	/* Any bytes: a NUL or 0xff inside a label is just a label byte. */
	CU_ASSERT_EQUAL(domainset_lookup(s, bytes, sizeof(bytes) - 1, NULL),
	    DOMAINSET_SUFFIX);
	CU_ASSERT_EQUAL(look(s, "\xff\xfe.example.com", NULL),
	    DOMAINSET_SUFFIX);
	CU_ASSERT_EQUAL(look(s, "example.com\xff", NULL), DOMAINSET_NONE);
	/* Empty, dots only, overlong. */
	CU_ASSERT_EQUAL(domainset_lookup(s, "", 0, NULL), DOMAINSET_NONE);
	CU_ASSERT_EQUAL(look(s, ".", NULL), DOMAINSET_NONE);
	CU_ASSERT_EQUAL(look(s, "..", NULL), DOMAINSET_NONE);
	CU_ASSERT_EQUAL(look(s, ".example.com", NULL), DOMAINSET_SUFFIX);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big + sizeof(big) - 13, ".example.com", 12);
	CU_ASSERT_EQUAL(look(s, big, NULL), DOMAINSET_NONE);	/* > 253 */
	CU_ASSERT_EQUAL(look(s, big + sizeof(big) - 1 - 253, NULL),
	    DOMAINSET_SUFFIX);
	domainset_free(s);
	/* No set, an empty set. */
	CU_ASSERT_EQUAL(look(NULL, "a.b", NULL), DOMAINSET_NONE);
	s = domainset_build("", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(look(s, "a.b", NULL), DOMAINSET_NONE);
	CU_ASSERT_EQUAL(domainset_entries(s), 0);
	domainset_free(s);
}

static void
test_text_and_include(void)
{
	static const char lst[] =
	    "# RMM relays\n"
	    "*.anydesk.com   # all of it\n"
	    "relay-*.net.anydesk.com, teamviewer.com\n"
	    "\n"
	    "bad_name!.com\n";
	char text[600], want[600];
	struct domainset *s;
	const char *p;

	dir = tmpdir_scratch("domainset");
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	p = tmpdir_file(dir, "good.txt", lst, sizeof(lst) - 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	snprintf(text, sizeof(text), "example.org, @%s .example.net", p);
	s = domainset_build(text, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(domainset_entries(s), 5);
	CU_ASSERT_EQUAL(look(s, "x.anydesk.com", NULL), DOMAINSET_SUFFIX);
	CU_ASSERT_EQUAL(look(s, "relay-9.net.anydesk.com", NULL),
	    DOMAINSET_PATTERN);
	CU_ASSERT_EQUAL(look(s, "a.example.net", NULL), DOMAINSET_SUFFIX);
	CU_ASSERT_EQUAL(look(s, "example.org", NULL), DOMAINSET_EXACT);
	domainset_free(s);

	p = tmpdir_file(dir, "bad.txt", lst, sizeof(lst) - 1);
	snprintf(text, sizeof(text), "example.org, @%s", p);
	CU_ASSERT_PTR_NULL(domainset_build(text, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:5: 'bad_name!.com': character 0x21 "
	    "is not allowed in a domain name", p);
	CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);
	CU_ASSERT_PTR_NULL(domainset_build("a.com, b..com", err,
	    sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "'b..com': empty label");
}

static void
test_max_entries(void)
{
	struct domainset_builder *b = domainset_builder_new();
	struct domainset *s;
	char name[64];
	size_t i;
	int bad = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	for (i = 0; i < DOMAINSET_MAX_ENTRIES; i++) {
		snprintf(name, sizeof(name), "h%zu.example.com", i);
		bad |= domainset_builder_add(b, name, i, err, sizeof(err));
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* One more, even a repeat: the limit bounds the work. */
	CU_ASSERT_EQUAL(domainset_builder_add(b, "h0.example.com", 0, err,
	    sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "more than 262144 entries (the limit of "
	    "a set)");
	s = domainset_builder_finish(b, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(domainset_entries(s), DOMAINSET_MAX_ENTRIES);
	CU_ASSERT_EQUAL(look(s, "h262143.example.com", NULL), DOMAINSET_EXACT);
	CU_ASSERT_EQUAL(look(s, "h262144.example.com", NULL), DOMAINSET_NONE);
	domainset_free(s);
}

static void
test_100k(void)
{
	enum { N = 100000, LOOKUPS = 1000000 };
	struct domainset_builder *b = domainset_builder_new();
	size_t i, exact = 0, suffix = 0, pattern = 0, none = 0;
	struct domainset *s;
	char name[96];
	double t0, t1, t2;
	uintptr_t v;

	t0 = unit_now();
	/* Thirds: exact names, suffixes, patterns on a suffix. */
	for (i = 0; i < N; i++) {
		if (i % 3 == 0)
			snprintf(name, sizeof(name), "host%zu.corp%zu.example",
			    i, i % 97);
		else if (i % 3 == 1)
			snprintf(name, sizeof(name), "*.tenant%zu.saas.example",
			    i);
		else
			snprintf(name, sizeof(name), "relay-*.r%zu.cdn.example",
			    i);
		CU_ASSERT_EQUAL_FATAL(domainset_builder_add(b, name, i, err,
		    sizeof(err)), 0);
	}
	s = domainset_builder_finish(b, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	t1 = unit_now();
	for (i = 0; i < LOOKUPS; i++) {
		size_t e = (i * 7919) % N;
		int n;

		if (e % 3 == 0)
			n = snprintf(name, sizeof(name),
			    "HOST%zu.corp%zu.example.", e, e % 97);
		else if (e % 3 == 1)
			n = snprintf(name, sizeof(name),
			    "www.a%zu.tenant%zu.saas.example", i, e);
		else
			n = snprintf(name, sizeof(name),
			    "relay-%zx.r%zu.cdn.example", i, e);
		switch (domainset_lookup(s, name, (size_t)n, &v)) {
		case DOMAINSET_EXACT:
			exact += v == e;
			break;
		case DOMAINSET_SUFFIX:
			suffix += v == e;
			break;
		case DOMAINSET_PATTERN:
			pattern += v == e;
			break;
		case DOMAINSET_NONE:
			break;
		}
		/* A miss: a name one label off. */
		n = snprintf(name, sizeof(name), "host%zu.corp%zu.example", e,
		    e % 97 + 1);
		none += domainset_lookup(s, name, (size_t)n, NULL) ==
		    DOMAINSET_NONE;
	}
	t2 = unit_now();
	CU_ASSERT_EQUAL(exact + suffix + pattern, LOOKUPS);
	CU_ASSERT(exact > 0 && suffix > 0 && pattern > 0);
	CU_ASSERT_EQUAL(none, LOOKUPS);
	printf("\n  %zu entries: build %.0f ms, %d lookups %.0f ns each "
	    "(with formatting the names) ", domainset_entries(s),
	    (t1 - t0) * 1e3, 2 * LOOKUPS, (t2 - t1) * 1e9 / (2 * LOOKUPS));
	domainset_free(s);
}

UNIT_MAIN("domainset",
	{ "exact and suffix entries", test_exact_and_suffix },
	{ "precedence", test_precedence },
	{ "glob labels", test_patterns },
	{ "values and repeats", test_values },
	{ "name validation", test_validation },
	{ "hostile lookups", test_hostile_lookups },
	{ "list text and @FILE", test_text_and_include },
	{ "entry limit", test_max_entries },
	{ "100k entries, 2M lookups", test_100k })
