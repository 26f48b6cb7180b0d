/*
 * json.c - bounded JSON writer; see json.h for the escaping rules.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

void
jb_init(struct jbuf *j, char *buf, size_t cap)
{
	memset(j, 0, sizeof(*j));
	j->buf = buf;
	j->cap = cap;
}

static void
jb_put(struct jbuf *j, const char *s, size_t n)
{
	/* Keep one byte for the terminating NUL. */
	if (j->overflow || j->cap - j->len <= n) {
		j->overflow = 1;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void
jb_putc(struct jbuf *j, char c)
{
	jb_put(j, &c, 1);
}

/* Called before every value and key: writes the separating comma. */
static void
jb_sep(struct jbuf *j)
{
	if (j->depth <= 0)
		return;
	if (j->need_comma[j->depth - 1])
		jb_putc(j, ',');
	j->need_comma[j->depth - 1] = 1;
}

/* A value directly after a key takes no comma. */
static int after_key(struct jbuf *j);

static void
jb_value_start(struct jbuf *j)
{
	if (!after_key(j))
		jb_sep(j);
}

/* We track "a key was just written" with the high bit of need_comma. */
static int
after_key(struct jbuf *j)
{
	if (j->depth > 0 && (j->need_comma[j->depth - 1] & 2)) {
		j->need_comma[j->depth - 1] = 1;
		return 1;
	}
	return 0;
}

static void
jb_open(struct jbuf *j, char c)
{
	jb_value_start(j);
	jb_putc(j, c);
	if (j->depth >= JSON_MAX_DEPTH) {
		j->overflow = 1;
		return;
	}
	j->need_comma[j->depth++] = 0;
}

static void
jb_close(struct jbuf *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	jb_putc(j, c);
}

void jb_obj_open(struct jbuf *j) { jb_open(j, '{'); }
void jb_obj_close(struct jbuf *j) { jb_close(j, '}'); }
void jb_arr_open(struct jbuf *j) { jb_open(j, '['); }
void jb_arr_close(struct jbuf *j) { jb_close(j, ']'); }

/* Length of a valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t
utf8_seq_len(const uint8_t *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Reject overlongs, surrogates and values past U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void
jb_escaped(struct jbuf *j, const uint8_t *s, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t i = 0, run, sl;

	jb_putc(j, '"');
	while (i < n && !j->overflow) {
		/* Copy runs of plain printable ASCII in one go. */
		run = i;
		while (run < n && s[run] >= 0x20 && s[run] < 0x7f &&
		    s[run] != '"' && s[run] != '\\')
			run++;
		if (run > i) {
			jb_put(j, (const char *)s + i, run - i);
			i = run;
			continue;
		}
		switch (s[i]) {
		case '"': jb_put(j, "\\\"", 2); i++; continue;
		case '\\': jb_put(j, "\\\\", 2); i++; continue;
		case '\n': jb_put(j, "\\n", 2); i++; continue;
		case '\r': jb_put(j, "\\r", 2); i++; continue;
		case '\t': jb_put(j, "\\t", 2); i++; continue;
		default: break;
		}
		if (s[i] >= 0x80 && (sl = utf8_seq_len(s + i, n - i)) > 0) {
			jb_put(j, (const char *)s + i, sl);
			i += sl;
			continue;
		}
		/* Control characters, DEL and invalid UTF-8 bytes. */
		esc[4] = hexd[s[i] >> 4];
		esc[5] = hexd[s[i] & 15];
		jb_put(j, esc, 6);
		i++;
	}
	jb_putc(j, '"');
}

void
jb_key(struct jbuf *j, const char *key)
{
	jb_sep(j);
	jb_escaped(j, (const uint8_t *)key, strlen(key));
	jb_putc(j, ':');
	if (j->depth > 0)
		j->need_comma[j->depth - 1] = 2;
}

void
jb_strn(struct jbuf *j, const uint8_t *s, size_t n)
{
	jb_value_start(j);
	if (s == NULL) {
		jb_put(j, "null", 4);
		return;
	}
	jb_escaped(j, s, n);
}

void
jb_str(struct jbuf *j, const char *s)
{
	jb_strn(j, (const uint8_t *)s, s != NULL ? strlen(s) : 0);
}

void
jb_int(struct jbuf *j, int64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);

	jb_value_start(j);
	jb_put(j, tmp, (size_t)n);
}

void
jb_uint(struct jbuf *j, uint64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);

	jb_value_start(j);
	jb_put(j, tmp, (size_t)n);
}

void
jb_double(struct jbuf *j, double v)
{
	char tmp[32];
	int n;

	jb_value_start(j);
	/* JSON has no NaN or infinity. */
	if (v != v || v > 1e300 || v < -1e300) {
		jb_put(j, "null", 4);
		return;
	}
	n = snprintf(tmp, sizeof(tmp), "%.6g", v);
	jb_put(j, tmp, (size_t)n);
}

void
jb_bool(struct jbuf *j, int v)
{
	jb_value_start(j);
	if (v)
		jb_put(j, "true", 4);
	else
		jb_put(j, "false", 5);
}

void
jb_null(struct jbuf *j)
{
	jb_value_start(j);
	jb_put(j, "null", 4);
}

void
jb_raw(struct jbuf *j, const char *json, size_t n)
{
	jb_value_start(j);
	jb_put(j, json, n);
}

long
jb_finish(struct jbuf *j)
{
	if (j->overflow || j->len >= j->cap)
		return -1;
	j->buf[j->len] = '\0';
	return (long)j->len;
}

void jb_kstr(struct jbuf *j, const char *k, const char *s) { jb_key(j, k); jb_str(j, s); }
void jb_kstrn(struct jbuf *j, const char *k, const uint8_t *s, size_t n) { jb_key(j, k); jb_strn(j, s, n); }
void jb_kint(struct jbuf *j, const char *k, int64_t v) { jb_key(j, k); jb_int(j, v); }
void jb_kuint(struct jbuf *j, const char *k, uint64_t v) { jb_key(j, k); jb_uint(j, v); }
void jb_kbool(struct jbuf *j, const char *k, int v) { jb_key(j, k); jb_bool(j, v); }
