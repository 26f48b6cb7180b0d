/*
 * test_glob.c - signature patterns: stars, '?', case, the {version}
 * capture, whole-value anchoring, long values, and a pattern with many
 * stars against a long value (no backtracking blow-up).
 */
#include <string.h>

#include "glob.h"
#include "unit.h"

static int
m(const char *pat, const char *val, char *ver)
{
	struct glob g;
	char err[64];

	CU_ASSERT_FATAL(glob_compile(pat, &g, err, sizeof(err)) == 0);
	return glob_match(&g, (const uint8_t *)val, strlen(val), ver, 48);
}

static void
test_basics(void)
{
	CU_ASSERT(m("SSH-2.0-ROSSSH*", "SSH-2.0-ROSSSH", NULL));
	CU_ASSERT(m("ssh-2.0-rosssh*", "SSH-2.0-ROSSSH_x", NULL));
	CU_ASSERT(!m("SSH-2.0-ROSSSH", "SSH-2.0-ROSSSH_x", NULL));
	CU_ASSERT(!m("ROSSSH*", "SSH-2.0-ROSSSH", NULL));	/* anchored */
	CU_ASSERT(m("tcp/8?91", "tcp/8291", NULL));
	CU_ASSERT(!m("tcp/8?91", "tcp/891", NULL));
	CU_ASSERT(m("*", "", NULL));
	CU_ASSERT(!m("?", "", NULL));
}

static void
test_version(void)
{
	char v[48];

	CU_ASSERT(m("SSH-*-Cisco-{version}*", "SSH-2.0-Cisco-1.25", v));
	CU_ASSERT_STRING_EQUAL(v, "1.25");
	CU_ASSERT(m("*Cisco IOS Software*Version {version},*",
	    "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), "
	    "Version 15.0(2)SE11, RELEASE SOFTWARE (fc3)", v));
	CU_ASSERT_STRING_EQUAL(v, "15.0(2)SE11");
	/* A version needs at least one character of its set. */
	CU_ASSERT(!m("v{version}", "v", v));
	CU_ASSERT(!m("v{version}", "v 1", v));
	CU_ASSERT(m("v{version} x", "v1.2 x", v));
	CU_ASSERT_STRING_EQUAL(v, "1.2");
}

static void
test_errors_and_bounds(void)
{
	struct glob g;
	char err[64], big[400], pat[200];
	double t0;
	int i;

	CU_ASSERT(glob_compile("{version}{version}", &g, err, sizeof(err)) < 0);
	memset(pat, 'a', sizeof(pat) - 1);
	pat[sizeof(pat) - 1] = '\0';
	CU_ASSERT(glob_compile(pat, &g, err, sizeof(err)) < 0);
	/* 20 stars against 256 bytes that almost match: fast. */
	CU_ASSERT(glob_compile("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", &g,
	    err, sizeof(err)) == 0);
	memset(big, 'a', sizeof(big));
	t0 = unit_now();
	for (i = 0; i < 100; i++)
		CU_ASSERT(!glob_match(&g, (const uint8_t *)big, 256, NULL, 0));
	CU_ASSERT(unit_now() - t0 < 2.0);
	/* Past GLOB_VALUE_MAX only the first bytes count. */
	CU_ASSERT(glob_compile("a*", &g, err, sizeof(err)) == 0);
	CU_ASSERT(glob_match(&g, (const uint8_t *)big, sizeof(big), NULL, 0));
}

UNIT_MAIN("glob",
    { "stars, ?, case, anchoring", test_basics },
    { "{version} capture", test_version },
    { "errors, many stars, long values", test_errors_and_bounds })
