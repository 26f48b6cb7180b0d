/*
 * test_textproto.c - the helpers text dissectors share: line splitting
 * under the consumed contract, reply codes, percent-decoding, the terminal
 * line editor, prompts and login verdicts, auth-param lists.
 */
#include <string.h>

#include "textproto.h"
#include "fake_dctx.h"
#include "unit.h"

#define U(s)	((const uint8_t *)(s))

static void
test_line(void)
{
	size_t n;

	CU_ASSERT_EQUAL(tp_line(U("ab\r\ncd"), 6, &n), 4);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(tp_line(U("ab\ncd"), 5, &n), 3);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(tp_line(U("ab\r"), 3, &n), 0);
	CU_ASSERT_EQUAL(tp_line(U("\n"), 1, &n), 1);
	CU_ASSERT_EQUAL(n, 0);
}

static unsigned nlines;

static int
count_line(struct dctx *ctx, void *st, int dir, const uint8_t *l, size_t n)
{
	nlines++;
	return TP_NEXT;
}

static void
test_each_line(void)
{
	static struct dctx ctx;
	uint8_t skip = 0;
	/* two lines and a partial third; then an over-long one */
	static const char in[] = "a\r\nbb\nccc";

	fake_dctx_reset(&ctx, 1);
	nlines = 0;
	CU_ASSERT_EQUAL(tp_each_line(&ctx, NULL, 0, U(in), strlen(in), 8,
	    &skip, "x_long", count_line), 6);
	CU_ASSERT_EQUAL(nlines, 2);
	CU_ASSERT_EQUAL(tp_each_line(&ctx, NULL, 0, U("0123456789"), 10, 8,
	    &skip, "x_long", count_line), 10);
	CU_ASSERT(skip);
	CU_ASSERT_EQUAL(tp_each_line(&ctx, NULL, 0, U("xx\nok\n"), 6, 8,
	    &skip, "x_long", count_line), 6);
	CU_ASSERT_EQUAL(nlines, 3);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "x_long"), 1);
}

static void
test_reply_code(void)
{
	uint16_t ml = 0;

	CU_ASSERT_EQUAL(tp_reply_code(&ml, U("220 hi"), 6), 220);
	CU_ASSERT_EQUAL(tp_reply_code(&ml, U("250"), 3), 250);
	CU_ASSERT_EQUAL(tp_reply_code(&ml, U("hello"), 5), -1);
	CU_ASSERT_EQUAL(tp_reply_code(&ml, U("2500 x"), 6), -1);
	CU_ASSERT_EQUAL(tp_reply_code(&ml, U("250-a"), 5), 0);
	CU_ASSERT_EQUAL(tp_reply_code(&ml, U("free text"), 9), 0);
	CU_ASSERT_EQUAL(tp_reply_code(&ml, U("235 other code"), 14), 0);
	CU_ASSERT_EQUAL(tp_reply_code(&ml, U("250 end"), 7), 250);
	CU_ASSERT_EQUAL(ml, 0);
}

static void
test_pct_decode(void)
{
	uint8_t out[32];

	CU_ASSERT_EQUAL(tp_pct_decode(U("a%20b+c%2"), 9, out, sizeof(out), 1),
	    7);
	CU_ASSERT(memcmp(out, "a b c%2", 7) == 0);
	CU_ASSERT_EQUAL(tp_pct_decode(U("a+b%zz"), 6, out, sizeof(out), 0), 6);
	CU_ASSERT(memcmp(out, "a+b%zz", 6) == 0);
	CU_ASSERT_EQUAL(tp_pct_decode(U("abcd"), 4, out, 3, 0), -1);
}

static void
test_tty_line(void)
{
	struct tp_tty_line l;
	/* "alicx", BS, "e", CR NUL, then "x" DEL "y" CR LF */
	static const uint8_t keys[] = { 'a', 'l', 'i', 'c', 'x', 0x08, 'e',
	    '\r', '\0', 'x', 0x7f, 'y', '\r', '\n' };
	size_t i;
	int lines = 0;

	memset(&l, 0, sizeof(l));
	for (i = 0; i < sizeof(keys); i++) {
		if (!tp_tty_feed(&l, keys[i]))
			continue;
		lines++;
		if (lines == 1)
			CU_ASSERT(l.len == 5 && memcmp(l.buf, "alice", 5) == 0);
		if (lines == 2)
			CU_ASSERT(l.len == 1 && l.buf[0] == 'y');
		tp_tty_clear(&l);
	}
	CU_ASSERT_EQUAL(lines, 2);
}

static void
tail_set(struct tp_tail *t, const char *s)
{
	tp_tail_clear(t);
	while (*s)
		tp_tail_add(t, (uint8_t)*s++);
}

static void
test_prompts_and_verdicts(void)
{
	struct tp_tail t;
	enum cred_outcome o;

	tail_set(&t, "Ubuntu 22.04\r\nhost login: ");
	CU_ASSERT_EQUAL(tp_prompt_at_end(&t), TP_PROMPT_USER);
	tail_set(&t, "User Name:");
	CU_ASSERT_EQUAL(tp_prompt_at_end(&t), TP_PROMPT_USER);
	tail_set(&t, "\r\nPassword: ");
	CU_ASSERT_EQUAL(tp_prompt_at_end(&t), TP_PROMPT_PASS);
	tail_set(&t, "login: is a word\r\n");
	CU_ASSERT_EQUAL(tp_prompt_at_end(&t), TP_PROMPT_NONE);

	tail_set(&t, "\r\n% Authentication failed\r\n");
	CU_ASSERT(tp_login_verdict(&t, &o) && o == CRED_OUTCOME_FAILURE);
	tail_set(&t, "\r\nLast login: Mon\r\n");
	CU_ASSERT(tp_login_verdict(&t, &o) && o == CRED_OUTCOME_SUCCESS);
	tail_set(&t, "\r\nrouter1#");
	CU_ASSERT(tp_login_verdict(&t, &o) && o == CRED_OUTCOME_SUCCESS);
	tail_set(&t, "\r\n");
	CU_ASSERT(!tp_login_verdict(&t, &o));
}

static void
test_cli_prompt(void)
{
	static const char *const yes[] = {
		"\r\nfw01 # ", "[admin@MikroTik] > ", "alice@host:~$ ",
		"banner\r\nRouter(config)#", "FGT60E (global) # ", "host%",
		NULL
	};
	static const char *const no[] = {
		"</html>", "\r\n$ ", "# ", "this line has too many words >",
		"Press RETURN to get started.\r\n", "\r\n100%",
		"a,b #", "\r\n-> ", "", NULL
	};
	struct tp_tail t;
	unsigned i;

	for (i = 0; yes[i] != NULL; i++) {
		tail_set(&t, yes[i]);
		CU_ASSERT(tp_cli_prompt(&t));
	}
	for (i = 0; no[i] != NULL; i++) {
		tail_set(&t, no[i]);
		CU_ASSERT(!tp_cli_prompt(&t));
	}
}

static void
test_auth_params(void)
{
	static const char *const keys[] = { "username", "nonce", "qop" };
	static const char list[] = "Username=\"a \\\"b\\\"\", realm=\"x,y\", "
	    "nonce=\"n1\",qop=auth";
	const uint8_t *v[3];
	size_t n[3];

	CU_ASSERT_EQUAL(tp_auth_params(U(list), sizeof(list) - 1, keys, 3, v,
	    n), 0);
	CU_ASSERT(n[0] == 7 && memcmp(v[0], "a \\\"b\\\"", 7) == 0);
	CU_ASSERT(n[1] == 2 && memcmp(v[1], "n1", 2) == 0);
	CU_ASSERT(n[2] == 4 && memcmp(v[2], "auth", 4) == 0);
	CU_ASSERT_EQUAL(tp_auth_params(U("a=1, b"), 6, keys, 3, v, n), -1);
	CU_ASSERT_EQUAL(tp_auth_params(U("a=\"open"), 7, keys, 3, v, n), -1);
	CU_ASSERT_EQUAL(tp_auth_params(U("qop=x"), 5, keys, 1, v, n), 0);
	CU_ASSERT(v[0] == NULL && n[0] == 0);
	CU_ASSERT(tp_tchar('~') && !tp_tchar('"') && !tp_tchar(0));
}

UNIT_MAIN("textproto",
    { "tp_line", test_line },
    { "tp_each_line", test_each_line },
    { "tp_reply_code", test_reply_code },
    { "tp_pct_decode", test_pct_decode },
    { "terminal line editor", test_tty_line },
    { "prompts and verdicts", test_prompts_and_verdicts },
    { "CLI prompts", test_cli_prompt },
    { "auth-param lists", test_auth_params })
