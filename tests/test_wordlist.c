/*
 * test_wordlist.c - "word[:qualifier]" lists (rmm_allowed): any qualifier
 * versus one, case, repeats, sorted access, errors and the entry limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "wordlist.h"

static char err[1024];

static void
test_allows(void)
{
	struct wordlist *w = wordlist_build("anydesk, TeamViewer:123456789 "
	    "teamviewer:987654321,screenconnect:acme.screenconnect.com:8041, "
	    "atera:Tenant@Example, anydesk", err, sizeof(err));

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL(wordlist_entries(w), 5);	/* a repeat folded */
	/* A bare word: any qualifier, and none known. */
	CU_ASSERT_EQUAL(wordlist_allows(w, "anydesk", NULL), 1);
	CU_ASSERT_EQUAL(wordlist_allows(w, "AnyDesk", "555"), 1);
	/* A qualified word: that qualifier only. */
	CU_ASSERT_EQUAL(wordlist_allows(w, "teamviewer", "123456789"), 1);
	CU_ASSERT_EQUAL(wordlist_allows(w, "teamviewer", "987654321"), 1);
	CU_ASSERT_EQUAL(wordlist_allows(w, "teamviewer", "111"), 0);
	CU_ASSERT_EQUAL(wordlist_allows(w, "teamviewer", NULL), 0);
	CU_ASSERT_EQUAL(wordlist_allows(w, "teamviewer", ""), 0);
	CU_ASSERT_EQUAL(wordlist_has_word(w, "teamviewer"), 1);
	CU_ASSERT_EQUAL(wordlist_allows(w, "screenconnect",
	    "ACME.screenconnect.com:8041"), 1);
	CU_ASSERT_EQUAL(wordlist_allows(w, "atera", "tenant@example"), 1);
	CU_ASSERT_EQUAL(wordlist_allows(w, "splashtop", NULL), 0);
	CU_ASSERT_EQUAL(wordlist_has_word(w, "splashtop"), 0);
	CU_ASSERT_EQUAL(wordlist_has_word(w, "any"), 0);
	CU_ASSERT_EQUAL(wordlist_has_word(w, "anydeskx"), 0);
	/* Sorted, lower-cased. */
	CU_ASSERT_STRING_EQUAL(wordlist_word(w, 0), "anydesk");
	CU_ASSERT_STRING_EQUAL(wordlist_qualifier(w, 0), "");
	CU_ASSERT_STRING_EQUAL(wordlist_word(w, 1), "atera");
	CU_ASSERT_STRING_EQUAL(wordlist_qualifier(w, 1), "tenant@example");
	CU_ASSERT_STRING_EQUAL(wordlist_word(w, 4), "teamviewer");
	CU_ASSERT_STRING_EQUAL(wordlist_qualifier(w, 4), "987654321");
	wordlist_free(w);

	CU_ASSERT_EQUAL(wordlist_allows(NULL, "anydesk", NULL), 0);
	CU_ASSERT_EQUAL(wordlist_has_word(NULL, "anydesk"), 0);
	CU_ASSERT_EQUAL(wordlist_entries(NULL), 0);
	wordlist_free(NULL);
	w = wordlist_build("", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL(wordlist_entries(w), 0);
	CU_ASSERT_EQUAL(wordlist_allows(w, "anydesk", NULL), 0);
	wordlist_free(w);
}

static void
test_errors(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ ":123", "':123': word missing" },
		{ "anydesk:", "'anydesk:': qualifier missing after ':'" },
		{ "any/desk", "character 0x2f is not allowed in a word" },
		{ "teamviewer:12\x01", "character 0x01 is not allowed in a "
		    "qualifier" },
		{ "teamviewer:caf\xc3\xa9", "character 0xc3 is not allowed" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaa", "word longer than 63 bytes" },
	};
	struct wordlist *w;
	char q[200];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_PTR_NULL(wordlist_build(cases[i].text, err,
		    sizeof(err)));
		if (strstr(err, cases[i].want) == NULL)
			printf("\n  '%s': got \"%s\"\n", cases[i].text, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].want));
	}
	memset(q, 'q', sizeof(q));
	memcpy(q, "tool:", 5);
	q[5 + WORDLIST_MAX_QUALIFIER] = '\0';
	w = wordlist_build(q, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(w);
	wordlist_free(w);
	q[5 + WORDLIST_MAX_QUALIFIER] = 'q';
	q[6 + WORDLIST_MAX_QUALIFIER] = '\0';
	CU_ASSERT_PTR_NULL(wordlist_build(q, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "qualifier longer than 127 bytes"));
}

static void
test_max_entries(void)
{
	char *text = malloc(WORDLIST_MAX_ENTRIES * 16 + 16), *p = text;
	struct wordlist *w;
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (i = 0; i < WORDLIST_MAX_ENTRIES; i++)
		p += sprintf(p, "t%zu,", i);
	w = wordlist_build(text, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL(wordlist_entries(w), WORDLIST_MAX_ENTRIES);
	CU_ASSERT_EQUAL(wordlist_allows(w, "t4095", "x"), 1);
	wordlist_free(w);
	strcpy(p, "t0");
	CU_ASSERT_PTR_NULL(wordlist_build(text, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "'t0': more than 4096 entries (the limit "
	    "of a list)");
	free(text);
}

UNIT_MAIN("wordlist",
	{ "any qualifier or one", test_allows },
	{ "errors", test_errors },
	{ "entry limit", test_max_entries })
