/*
 * json.h - a bounded JSON writer (RFC 8259) for findings.
 *
 * Writes into a caller-owned buffer and never past its capacity: when a value
 * does not fit, the writer sets `overflow` and stops; callers check it once at
 * the end.  Commas are inserted automatically.  Strings taken from the wire
 * are escaped: quotes, backslash and control characters, and any byte that
 * is not part of a valid UTF-8 sequence is written as \u00XX so hostile
 * input can never break a line or the document.
 */
#ifndef EDGEWARD_JSON_H
#define EDGEWARD_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH	16

struct jbuf {
	char	*buf;
	size_t	 cap;
	size_t	 len;
	int	 overflow;
	int	 depth;
	uint8_t	 need_comma[JSON_MAX_DEPTH];
};

void	jb_init(struct jbuf *j, char *buf, size_t cap);
void	jb_obj_open(struct jbuf *j);
void	jb_obj_close(struct jbuf *j);
void	jb_arr_open(struct jbuf *j);
void	jb_arr_close(struct jbuf *j);
/* A key inside an object; the next value call writes its value. */
void	jb_key(struct jbuf *j, const char *key);
void	jb_str(struct jbuf *j, const char *s);
void	jb_strn(struct jbuf *j, const uint8_t *s, size_t n);
void	jb_int(struct jbuf *j, int64_t v);
void	jb_uint(struct jbuf *j, uint64_t v);
void	jb_double(struct jbuf *j, double v);
void	jb_bool(struct jbuf *j, int v);
void	jb_null(struct jbuf *j);
/* Writes already-valid JSON as a value (no checking). */
void	jb_raw(struct jbuf *j, const char *json, size_t n);
/* NUL-terminates; returns the length, or -1 on overflow. */
long	jb_finish(struct jbuf *j);

/* Convenience: key + value. */
void	jb_kstr(struct jbuf *j, const char *key, const char *s);
void	jb_kstrn(struct jbuf *j, const char *key, const uint8_t *s, size_t n);
void	jb_kint(struct jbuf *j, const char *key, int64_t v);
void	jb_kuint(struct jbuf *j, const char *key, uint64_t v);
void	jb_kbool(struct jbuf *j, const char *key, int v);

#endif
