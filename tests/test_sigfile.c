/*
 * test_sigfile.c - the signature file reader (fields, comments, CRLF, the
 * rest-of-line field, field counts, FILE:LINE errors, overlong lines, NUL
 * and control bytes, the shipped http_form_fields.txt), the directory and
 * <dir>/<name> helpers, and the list reader (separators, "<>", comments,
 * @FILE includes and their errors).
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigfile.h"
#include "tmpdir.h"
#include "unit.h"

static const char *dir;
static char err[1024];

/* Records as "f1|f2|...\n" lines, so a test compares one string. */
struct seen {
	char	text[8192];
	int	fail_at;	/* line number the callback rejects, 0: none */
};

static int
record(const struct sigfile_rec *r, void *arg, char *e, size_t elen)
{
	struct seen *s = arg;
	size_t n = strlen(s->text);
	unsigned i;

	if ((int)r->line == s->fail_at) {
		snprintf(e, elen, "'%s' is no good", r->field[0]);
		return -1;
	}
	for (i = 0; i < r->nfields; i++)
		n += (size_t)snprintf(s->text + n, sizeof(s->text) - n, "%s%s",
		    i ? "|" : "", r->field[i]);
	snprintf(s->text + n, sizeof(s->text) - n, "\n");
	return 0;
}

static const char *
put(const char *name, const void *data, size_t len)
{
	const char *p = tmpdir_file(dir, name, data, len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	return p;
}

#define PUT(name, lit)	put(name, lit, sizeof(lit) - 1)

/* Reads a file with the given field counts; returns sigfile_read's result. */
static int
read_spec(const char *path, unsigned min, unsigned max, unsigned flags,
    struct seen *s)
{
	struct sigfile_spec spec = { min, max, flags };

	err[0] = '\0';
	return sigfile_read(path, &spec, record, s, err, sizeof(err));
}

static void
setup(void)
{
	dir = tmpdir_scratch("sigfile");
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
}

static void
test_fields(void)
{
	struct seen s = { "", 0 };
	const char *p;

	setup();
	p = PUT("a.txt",
	    "# a comment\n"
	    "\n"
	    "   \t \n"
	    "  # indented comment\n"
	    "user\tname\n"
	    "password  \t  pass#word   \n"		/* '#' inside is data */
	    "crlf line\r\n"
	    "  lead trail\t\n"
	    "last no-newline");
	CU_ASSERT_EQUAL(read_spec(p, 2, 2, 0, &s), 5);
	CU_ASSERT_STRING_EQUAL(s.text,
	    "user|name\npassword|pass#word\ncrlf|line\nlead|trail\n"
	    "last|no-newline\n");
	/* An empty file has no records. */
	s.text[0] = '\0';
	CU_ASSERT_EQUAL(read_spec(PUT("empty.txt", ""), 1, 1, 0, &s), 0);
	CU_ASSERT_EQUAL(read_spec(PUT("comments.txt", "#\n# x\n\n"), 1, 1, 0,
	    &s), 0);
	CU_ASSERT_STRING_EQUAL(s.text, "");
}

static void
test_rest_field(void)
{
	struct seen s = { "", 0 };
	const char *p;

	setup();
	p = PUT("rest.txt",
	    "anydesk\trmm\tAnyDesk  Software\tGmbH  \n"
	    "x y\n"
	    "one two three four five\n");
	CU_ASSERT_EQUAL(read_spec(p, 2, 3, SIGFILE_REST, &s), 3);
	CU_ASSERT_STRING_EQUAL(s.text,
	    "anydesk|rmm|AnyDesk  Software\tGmbH\nx|y\n"
	    "one|two|three four five\n");
	/* Without SIGFILE_REST the same file has too many fields. */
	s.text[0] = '\0';
	CU_ASSERT_EQUAL(read_spec(p, 2, 3, 0, &s), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "rest.txt:1: more than 3 fields"));
}

static void
test_field_counts(void)
{
	struct seen s = { "", 0 };
	char want[600];
	const char *p;

	setup();
	p = PUT("few.txt", "a b\n# c\nlonely\n");
	CU_ASSERT_EQUAL(read_spec(p, 2, 2, 0, &s), -1);
	snprintf(want, sizeof(want), "%s:3: 1 field, expected at least 2", p);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_STRING_EQUAL(s.text, "a|b\n");	/* lines before were read */

	p = PUT("many.txt", "a b c\n");
	CU_ASSERT_EQUAL(read_spec(p, 1, 2, 0, &s), -1);
	snprintf(want, sizeof(want), "%s:1: more than 2 fields", p);
	CU_ASSERT_STRING_EQUAL(err, want);
	p = PUT("one.txt", "a\nb c\n");
	CU_ASSERT_EQUAL(read_spec(p, 1, 1, 0, &s), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "one.txt:2: more than 1 field"));
	/* A spec that makes no sense is refused, not guessed at. */
	CU_ASSERT_EQUAL(read_spec(p, 0, 1, 0, &s), -1);
	CU_ASSERT_EQUAL(read_spec(p, 2, 1, 0, &s), -1);
	CU_ASSERT_EQUAL(read_spec(p, 1, SIGFILE_MAX_FIELDS + 1, 0, &s), -1);
	CU_ASSERT_EQUAL(read_spec(p, 1, SIGFILE_MAX_FIELDS, 0, &s), 2);
}

static void
test_callback_error(void)
{
	struct seen s = { "", 4 };
	char want[600];
	const char *p;

	setup();
	p = PUT("cb.txt", "a 1\nb 2\n\nc 3\nd 4\n");
	CU_ASSERT_EQUAL(read_spec(p, 2, 2, 0, &s), -1);
	snprintf(want, sizeof(want), "%s:4: 'c' is no good", p);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_STRING_EQUAL(s.text, "a|1\nb|2\n");
}

static void
test_long_lines(void)
{
	static char buf[3 * SIGFILE_MAX_LINE];
	struct seen s = { "", 0 };
	const char *p;

	setup();
	/* A line of exactly SIGFILE_MAX_LINE bytes is read whole. */
	memset(buf, 'a', SIGFILE_MAX_LINE);
	buf[0] = 'k';
	buf[1] = ' ';
	buf[SIGFILE_MAX_LINE] = '\n';
	p = put("max.txt", buf, SIGFILE_MAX_LINE + 1);
	CU_ASSERT_EQUAL(read_spec(p, 2, 2, 0, &s), 1);
	CU_ASSERT_EQUAL(strlen(s.text), SIGFILE_MAX_LINE + 1);
	/* One more byte, on line 2: an error, not two records. */
	memcpy(buf, "x y\n", 4);
	memset(buf + 4, 'b', SIGFILE_MAX_LINE + 1);
	memcpy(buf + 4 + SIGFILE_MAX_LINE + 1, "\nz w\n", 5);
	p = put("over.txt", buf, SIGFILE_MAX_LINE + 10);
	s.text[0] = '\0';
	CU_ASSERT_EQUAL(read_spec(p, 1, 2, 0, &s), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "over.txt:2: line longer than "
	    "4094 bytes"));
	CU_ASSERT_STRING_EQUAL(s.text, "x|y\n");
}

static void
test_bad_bytes(void)
{
	static const char nul[] = "a b\nc\0d e\n";
	static const char nul_last[] = "a b\nc d\0";
	struct seen s = { "", 0 };

	setup();
	CU_ASSERT_EQUAL(read_spec(put("nul.txt", nul, sizeof(nul) - 1), 1, 2,
	    0, &s), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nul.txt:2: NUL byte in line"));
	CU_ASSERT_EQUAL(read_spec(put("nul2.txt", nul_last,
	    sizeof(nul_last) - 1), 1, 2, 0, &s), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nul2.txt:2: NUL byte in line"));
	CU_ASSERT_EQUAL(read_spec(PUT("esc.txt", "a b\x1b[31m\n"), 1, 2, 0,
	    &s), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "esc.txt:1: control character "
	    "0x1b"));
	CU_ASSERT_EQUAL(read_spec(PUT("cr.txt", "a\rb c\n"), 1, 2, 0, &s), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cr.txt:1: carriage return"));
	/* Bytes above 0x7f pass: what a field may hold is the loader's call. */
	s.text[0] = '\0';
	CU_ASSERT_EQUAL(read_spec(PUT("utf8.txt", "caf\xc3\xa9 ok\n"), 1, 2, 0,
	    &s), 1);
	CU_ASSERT_STRING_EQUAL(s.text, "caf\xc3\xa9|ok\n");
}

static void
test_missing(void)
{
	struct sigfile_spec spec = { 1, 1, 0 };
	struct seen s = { "", 0 };
	char want[600];

	setup();
	CU_ASSERT_EQUAL(read_spec("/nonexistent/x.txt", 1, 1, 0, &s), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/x.txt: cannot open: "
	    "No such file"));
	CU_ASSERT_EQUAL(sigfile_read_in(dir, "nope.txt", &spec, record, &s,
	    err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "signature file %s/nope.txt is missing "
	    "(signatures_dir is %s)", dir, dir);
	CU_ASSERT_STRING_EQUAL(err, want);
	PUT("here.txt", "x\n");
	CU_ASSERT_EQUAL(sigfile_read_in(dir, "here.txt", &spec, record, &s,
	    err, sizeof(err)), 1);
	/* Names are plain file names. */
	CU_ASSERT_EQUAL(sigfile_read_in(dir, "../etc/passwd", &spec, record,
	    &s, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(sigfile_read_in(dir, ".hidden", &spec, record, &s,
	    err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(sigfile_read_in(dir, "", &spec, record, &s, err,
	    sizeof(err)), -1);
}

/* The shipped file the HTTP dissector will load reads with { 2, 2 }. */
static int
count_kinds(const struct sigfile_rec *r, void *arg, char *e, size_t elen)
{
	unsigned *n = arg;

	if (strcmp(r->field[0], "user") == 0)
		n[0]++;
	else if (strcmp(r->field[0], "password") == 0)
		n[1]++;
	else {
		snprintf(e, elen, "unknown kind '%s'", r->field[0]);
		return -1;
	}
	return 0;
}

static void
test_http_form_fields(void)
{
	struct sigfile_spec spec = { 2, 2, 0 };
	const char *top = getenv("top_srcdir");
	char sigdir[512];
	unsigned n[2] = { 0, 0 };
	int r;

	snprintf(sigdir, sizeof(sigdir), "%s/signatures", top ? top : ".");
	r = sigfile_read_in(sigdir, "http_form_fields.txt", &spec, count_kinds,
	    n, err, sizeof(err));
	if (r < 0)
		printf("\n  %s\n", err);
	CU_ASSERT_EQUAL(r, 33);
	CU_ASSERT_EQUAL(n[0], 18);
	CU_ASSERT_EQUAL(n[1], 15);
}

struct names {
	char	list[256];
	int	stop;
};

static int
add_name(const char *d, const char *name, void *arg, char *e, size_t elen)
{
	struct names *nm = arg;

	if (nm->stop) {
		snprintf(e, elen, "%s: stop", name);
		return -1;
	}
	strncat(nm->list, name, sizeof(nm->list) - strlen(nm->list) - 2);
	strcat(nm->list, " ");
	return 0;
}

static void
test_dir(void)
{
	struct names nm = { "", 0 };
	char sub[300], sub2[320];

	setup();
	snprintf(sub, sizeof(sub), "%s/dir", dir);
	CU_ASSERT_FATAL(mkdir(sub, 0700) == 0);
	tmpdir_file(sub, "b.txt", "x", 1);
	tmpdir_file(sub, "a.txt", "x", 1);
	tmpdir_file(sub, "c.csv", "x", 1);
	tmpdir_file(sub, ".hidden.txt", "x", 1);
	snprintf(sub2, sizeof(sub2), "%s/d.txt", sub);
	CU_ASSERT_FATAL(mkdir(sub2, 0700) == 0);	/* not a regular file */
	CU_ASSERT_EQUAL(sigfile_dir(sub, ".txt", add_name, &nm, err,
	    sizeof(err)), 2);
	CU_ASSERT_STRING_EQUAL(nm.list, "a.txt b.txt ");
	nm.list[0] = '\0';
	CU_ASSERT_EQUAL(sigfile_dir(sub, "", add_name, &nm, err,
	    sizeof(err)), 3);
	CU_ASSERT_STRING_EQUAL(nm.list, "a.txt b.txt c.csv ");
	nm.stop = 1;
	CU_ASSERT_EQUAL(sigfile_dir(sub, "", add_name, &nm, err,
	    sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "a.txt: stop");
	CU_ASSERT_EQUAL(sigfile_dir("/nonexistent", "", add_name, &nm, err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent: cannot read "
	    "directory"));
}

/* ---- lists ---------------------------------------------------------- */

struct entries {
	char	text[4096];
	char	reject[32];	/* an entry the callback refuses */
};

static int
add_entry(const char *entry, void *arg, char *e, size_t elen)
{
	struct entries *en = arg;

	if (strcmp(entry, en->reject) == 0) {
		snprintf(e, elen, "not wanted");
		return -1;
	}
	strncat(en->text, entry, sizeof(en->text) - strlen(en->text) - 2);
	strcat(en->text, "|");
	return 0;
}

static int
list(const char *text, struct entries *en)
{
	en->text[0] = '\0';
	err[0] = '\0';
	return sigfile_list(text, add_entry, en, err, sizeof(err));
}

static void
test_list_syntax(void)
{
	struct entries en = { "", "" };

	CU_ASSERT_EQUAL(list("a, b,c d\te\n f,,, ,g", &en), 7);
	CU_ASSERT_STRING_EQUAL(en.text, "a|b|c|d|e|f|g|");
	CU_ASSERT_EQUAL(list("", &en), 0);
	CU_ASSERT_EQUAL(list(" , ,\t", &en), 0);
	CU_ASSERT_EQUAL(sigfile_list(NULL, add_entry, &en, err, sizeof(err)),
	    0);
	/* '#' runs to the end of the line. */
	CU_ASSERT_EQUAL(list("a # b, c\nd#e\n#f\ng", &en), 3);
	CU_ASSERT_STRING_EQUAL(en.text, "a|d|g|");
	/* Blanks around "<>" do not separate. */
	CU_ASSERT_EQUAL(list("a <> b, c<>d, e <>f g<> h,i\t<>\tj k", &en), 6);
	CU_ASSERT_STRING_EQUAL(en.text, "a<>b|c<>d|e<>f|g<>h|i<>j|k|");
	CU_ASSERT_EQUAL(list("a <>, b", &en), 2);
	CU_ASSERT_STRING_EQUAL(en.text, "a<>|b|");
	CU_ASSERT_EQUAL(list("<> b", &en), 1);
	CU_ASSERT_STRING_EQUAL(en.text, "<>b|");
	/* The callback's reason, with the entry. */
	strcpy(en.reject, "bad");
	CU_ASSERT_EQUAL(list("ok, bad, never", &en), -1);
	CU_ASSERT_STRING_EQUAL(err, "'bad': not wanted");
	CU_ASSERT_STRING_EQUAL(en.text, "ok|");
}

static void
test_list_long_entry(void)
{
	static char text[2 * SIGFILE_MAX_ENTRY];
	struct entries en = { "", "" };

	memset(text, 'x', SIGFILE_MAX_ENTRY);
	text[SIGFILE_MAX_ENTRY] = '\0';
	CU_ASSERT_EQUAL(list(text, &en), 1);
	text[SIGFILE_MAX_ENTRY] = 'x';
	text[SIGFILE_MAX_ENTRY + 1] = '\0';
	CU_ASSERT_EQUAL(list(text, &en), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "...': entry longer than 511 "
	    "bytes"));
	CU_ASSERT(strlen(err) < 200);		/* the entry is cut short */
}

static void
test_list_include(void)
{
	struct entries en = { "", "" };
	char text[600], want[600];
	const char *p, *q;

	setup();
	p = PUT("list.txt",
	    "# devices\n"
	    "one\n"
	    "\n"
	    "two   # with a comment\n"
	    "three, four five\r\n"
	    "six");
	snprintf(text, sizeof(text), "zero, @%s, seven", p);
	CU_ASSERT_EQUAL(list(text, &en), 8);
	CU_ASSERT_STRING_EQUAL(en.text, "zero|one|two|three|four|five|six|"
	    "seven|");
	/* Twice is fine. */
	snprintf(text, sizeof(text), "@%s @%s", p, p);
	CU_ASSERT_EQUAL(list(text, &en), 12);

	/* An error in the file names the file and the line. */
	strcpy(en.reject, "four");
	snprintf(text, sizeof(text), "zero, @%s", p);
	CU_ASSERT_EQUAL(list(text, &en), -1);
	snprintf(want, sizeof(want), "%s:5: 'four': not wanted", p);
	CU_ASSERT_STRING_EQUAL(err, want);
	en.reject[0] = '\0';

	/* Missing file, no file name, nesting. */
	snprintf(text, sizeof(text), "a, @%s/none.txt", dir);
	CU_ASSERT_EQUAL(list(text, &en), -1);
	snprintf(want, sizeof(want), "@%s/none.txt: cannot open: No such file "
	    "or directory", dir);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_EQUAL(list("a, @, b", &en), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "file name missing"));
	snprintf(text, sizeof(text), "x\n@%s\n", p);
	q = put("nest.txt", text, strlen(text));
	snprintf(text, sizeof(text), "@%s", q);
	CU_ASSERT_EQUAL(list(text, &en), -1);
	snprintf(want, sizeof(want), "%s:2: '@%s': an included file cannot "
	    "include another", q, p);
	CU_ASSERT_STRING_EQUAL(err, want);
}

static void
test_list_include_bad_bytes(void)
{
	static char buf[SIGFILE_MAX_LINE + 16];
	static const char nul[] = "a\nb\0c\n";
	struct entries en = { "", "" };
	char text[600];
	const char *p;

	setup();
	p = put("nul.lst", nul, sizeof(nul) - 1);
	snprintf(text, sizeof(text), "@%s", p);
	CU_ASSERT_EQUAL(list(text, &en), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nul.lst:2: NUL byte in line"));
	memset(buf, 'a', sizeof(buf));
	buf[0] = 'x';
	buf[1] = '\n';
	p = put("long.lst", buf, sizeof(buf));
	snprintf(text, sizeof(text), "@%s", p);
	CU_ASSERT_EQUAL(list(text, &en), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "long.lst:2: line longer than 4094 "
	    "bytes"));
	CU_ASSERT_STRING_EQUAL(en.text, "x|");
}

UNIT_MAIN("sigfile",
	{ "fields, comments, CRLF", test_fields },
	{ "rest-of-line field", test_rest_field },
	{ "field counts", test_field_counts },
	{ "callback errors: FILE:LINE", test_callback_error },
	{ "overlong lines", test_long_lines },
	{ "NUL and control bytes", test_bad_bytes },
	{ "missing files and names", test_missing },
	{ "signatures/http_form_fields.txt", test_http_form_fields },
	{ "directory listing", test_dir },
	{ "list separators, <>, comments", test_list_syntax },
	{ "list entry too long", test_list_long_entry },
	{ "list @FILE includes", test_list_include },
	{ "include with NUL byte or long line",
	    test_list_include_bad_bytes })
