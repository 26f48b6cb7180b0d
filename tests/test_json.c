/*
 * test_json.c - the JSON writer: structure, commas, escaping of hostile
 * strings (quotes, control bytes, invalid UTF-8, NUL), and overflow.
 */
#include <string.h>

#include "json.h"
#include "unit.h"

static void
test_object_commas(void)
{
	char buf[256];
	struct jbuf j;

	jb_init(&j, buf, sizeof(buf));
	jb_obj_open(&j);
	jb_kstr(&j, "a", "x");
	jb_kint(&j, "b", -3);
	jb_key(&j, "c");
	jb_arr_open(&j);
	jb_uint(&j, 1);
	jb_uint(&j, 2);
	jb_arr_close(&j);
	jb_kbool(&j, "d", 1);
	jb_key(&j, "e");
	jb_obj_open(&j);
	jb_obj_close(&j);
	jb_obj_close(&j);
	CU_ASSERT(jb_finish(&j) > 0);
	CU_ASSERT_STRING_EQUAL(buf,
	    "{\"a\":\"x\",\"b\":-3,\"c\":[1,2],\"d\":true,\"e\":{}}");
}

static void
test_escaping_hostile(void)
{
	/* quote, backslash, newline, NUL, ESC, DEL, a lone 0xff, overlong '/' */
	static const uint8_t evil[] = { '"', '\\', '\n', 0, 0x1b, 0x7f, 0xff,
	    0xc0, 0xaf, 'o', 'k' };
	char buf[256];
	struct jbuf j;

	jb_init(&j, buf, sizeof(buf));
	jb_obj_open(&j);
	jb_kstrn(&j, "u", evil, sizeof(evil));
	jb_obj_close(&j);
	CU_ASSERT(jb_finish(&j) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "{\"u\":\"\\\"\\\\\\n\\u0000\\u001b"
	    "\\u007f\\u00ff\\u00c0\\u00afok\"}");
}

static void
test_valid_utf8_kept(void)
{
	/* "日本" and an emoji pass through unchanged. */
	static const char s[] = "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x91";
	char buf[64];
	struct jbuf j;

	jb_init(&j, buf, sizeof(buf));
	jb_str(&j, s);
	CU_ASSERT(jb_finish(&j) > 0);
	CU_ASSERT_EQUAL(strlen(buf), strlen(s) + 2);
	CU_ASSERT(memcmp(buf + 1, s, strlen(s)) == 0);
}

static void
test_truncated_utf8_escaped(void)
{
	static const uint8_t cut[] = { 'a', 0xe6, 0x97 };
	char buf[64];
	struct jbuf j;

	jb_init(&j, buf, sizeof(buf));
	jb_strn(&j, cut, sizeof(cut));
	CU_ASSERT(jb_finish(&j) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "\"a\\u00e6\\u0097\"");
}

static void
test_overflow_is_sticky(void)
{
	char buf[8];
	struct jbuf j;

	jb_init(&j, buf, sizeof(buf));
	jb_obj_open(&j);
	jb_kstr(&j, "key", "a long value");
	jb_obj_close(&j);
	CU_ASSERT(j.overflow);
	CU_ASSERT_EQUAL(jb_finish(&j), -1);
	CU_ASSERT(j.len < sizeof(buf));
}

static void
test_null_string_and_double(void)
{
	char buf[64];
	struct jbuf j;

	jb_init(&j, buf, sizeof(buf));
	jb_arr_open(&j);
	jb_str(&j, NULL);
	jb_double(&j, 0.5);
	jb_double(&j, 0.0 / 0.0);
	jb_arr_close(&j);
	CU_ASSERT(jb_finish(&j) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "[null,0.5,null]");
}

UNIT_MAIN("json",
    { "object commas", test_object_commas },
    { "escaping of hostile strings", test_escaping_hostile },
    { "valid UTF-8 kept", test_valid_utf8_kept },
    { "truncated UTF-8 escaped", test_truncated_utf8_escaped },
    { "overflow is sticky", test_overflow_is_sticky },
    { "null string and doubles", test_null_string_and_double })
