/*
 * textproto.h - helpers shared by the line-oriented and interactive text
 * protocol dissectors (ftp, telnet, rsh, pop3, imap, smtp, http): line
 * splitting under the parse()/consumed contract, case-insensitive compares,
 * tokens, percent-decoding, bounded copies, three-digit reply codes, the
 * pending-credential record every dissector keeps until the server answers,
 * and the terminal line editor / prompt recogniser of interactive logins.
 *
 * Nothing here allocates.  Every function reads only the bytes it is given
 * (explicit length-checked loops), and every output buffer has a capacity.
 */
#ifndef EDGEWARD_TEXTPROTO_H
#define EDGEWARD_TEXTPROTO_H

#include <stddef.h>
#include <stdint.h>

#include "dissector.h"

/* ---- lines ---------------------------------------------------------------- */

/*
 * Finds the first LF in buf.  Returns the number of bytes up to and including
 * it, or 0 if there is none; *content gets the line length without the LF and
 * without one CR before it.
 */
size_t	tp_line(const uint8_t *buf, size_t len, size_t *content);

/* What a line handler tells tp_each_line(). */
#define TP_NEXT		0	/* go on with the next line */
#define TP_STOP		1	/* consume everything: the handler called dctx_done */
#define TP_WAIT		2	/* do not consume this line yet (needs more data) */
#define TP_BREAK	3	/* consume this line, then return (raw bytes follow) */

typedef int (*tp_line_fn)(struct dctx *ctx, void *state, int dir,
    const uint8_t *line, size_t len);

/*
 * Calls fn for every complete line of data and returns what was consumed.
 * A line longer than maxline is dropped up to its LF (the weird `toolong`
 * is counted once per line); *skipping remembers across calls that the
 * rest of such a line is still to be skipped.
 */
size_t	tp_each_line(struct dctx *ctx, void *state, int dir,
	    const uint8_t *data, size_t len, size_t maxline, uint8_t *skipping,
	    const char *toolong, tp_line_fn fn);

/* ---- comparing and splitting ---------------------------------------------- */

/* ASCII-only case folding: packet bytes are never passed to ctype. */
uint8_t	tp_lower(uint8_t c);
/* s[0..n) equals the literal ignoring ASCII case. */
int	tp_ieq(const uint8_t *s, size_t n, const char *lit);
/* s[0..n) starts with the literal ignoring ASCII case. */
int	tp_iprefix(const uint8_t *s, size_t n, const char *lit);
/* s[0..n) ends with the literal ignoring ASCII case. */
int	tp_isuffix(const uint8_t *s, size_t n, const char *lit);
/* Offset of the literal in s ignoring case, or -1. */
long	tp_ifind(const uint8_t *s, size_t n, const char *lit);
/* Offset of byte c in s[0..n), or -1. */
long	tp_find(const uint8_t *s, size_t n, uint8_t c);
/* An RFC 9110 5.6.2 token character. */
int	tp_tchar(uint8_t c);

/*
 * Splits an RFC 9110 11.2 auth-param list (key=token or key="quoted-string",
 * comma separated, as in Digest credentials) and keeps the values of the
 * nkeys listed keys (compared ignoring case): val[k] and vlen[k] point into
 * s (a quoted value without its quotes, escapes left as they are); other
 * keys are skipped, absent ones stay NULL/0.  Returns 0, or -1 if the list
 * is malformed.
 */
int	tp_auth_params(const uint8_t *s, size_t n, const char *const *keys,
	    size_t nkeys, const uint8_t **val, size_t *vlen);

/*
 * Next token of s[0..n) separated by SP/HT, starting at *off; skips the
 * separators before it.  Returns the token length (0 at the end) and points
 * *tok at it; *off moves past the token.
 */
size_t	tp_token(const uint8_t *s, size_t n, size_t *off, const uint8_t **tok);
/* Skips SP/HT from *off; returns the number of bytes left after it. */
size_t	tp_skip_ws(const uint8_t *s, size_t n, size_t *off);
/* Trims SP/HT on both ends: adjusts *s and returns the new length. */
size_t	tp_trim(const uint8_t **s, size_t n);

/*
 * The command verb at the start of a client line: minlen..maxlen ASCII
 * letters followed by SP or the end of the line.  Returns its length, or 0
 * if the line does not start with one.  *arg and *alen get what follows the one
 * SP (arguments may hold spaces: passwords do).
 */
size_t	tp_verb(const uint8_t *line, size_t n, size_t minlen, size_t maxlen,
	    const uint8_t **arg, size_t *alen);

/*
 * Parses a decimal number (digits only, no sign) of at most `maxdigits`
 * digits; returns -1 if s[0..n) is anything else.
 */
long long tp_decimal(const uint8_t *s, size_t n, unsigned maxdigits);

/*
 * A three-digit reply line (FTP RFC 959 4.2, SMTP RFC 5321 4.2).  *ml holds
 * the code of an open multi-line reply between calls (0: none).  Returns the
 * code of the reply's final line, 0 for a line inside a multi-line reply,
 * and -1 for a line that is not a reply at all.
 */
int	tp_reply_code(uint16_t *ml, const uint8_t *line, size_t n);

/*
 * Percent-decodes s[0..n) into out (RFC 3986 2.1); with plus_space, '+'
 * becomes a space (application/x-www-form-urlencoded).  A '%' not followed by
 * two hex digits is kept as it is.  Returns the decoded length, or -1 if out
 * is too small.
 */
long	tp_pct_decode(const uint8_t *s, size_t n, uint8_t *out, size_t cap,
	    int plus_space);

/* Copies at most cap bytes; returns how many were copied. */
size_t	tp_copy(uint8_t *dst, size_t cap, const uint8_t *src, size_t n);

/*
 * Wipes memory the compiler may not elide.  Stands in for secure_zero()
 * (sensor/crypto.h) until crypto.c lands; switch over then.
 */
void	tp_wipe(void *p, size_t n);

/* ---- commands awaiting replies --------------------------------------------- */

#define TP_QUEUE_MAX	8

/*
 * Commands a client sent ahead of their replies (FTP and POP3 clients may
 * pipeline, RFC 2449 PIPELINING), as small caller-defined kinds, in order.
 */
struct tp_queue {
	uint8_t		q[TP_QUEUE_MAX];
	uint8_t		head;
	uint8_t		len;
};

/* Appends a kind; a full queue cannot be matched any more: it is emptied
 * first and the weird `full` counted. */
void	tp_queue_push(struct dctx *ctx, struct tp_queue *q, uint8_t kind,
	    const char *full);
/* The oldest kind, removed; `none` when the queue is empty. */
uint8_t	tp_queue_pop(struct tp_queue *q, uint8_t none);

/* ---- the pending credential ------------------------------------------------ */

#define TP_USER_MAX	256
#define TP_DOMAIN_MAX	128
#define TP_SECRET_MAX	2048	/* bearer tokens (JWTs) run to a few KiB */
#define TP_CRACK_MAX	768
#define TP_EXTRA_MAX	256

/*
 * A credential seen on the wire and held in per-flow state until the
 * server's answer gives its outcome.  Copies, not pointers: the stream
 * buffer is gone by then.  tp_cred_report() wipes it.
 */
struct tp_cred {
	const char	*mechanism;	/* string literal */
	uint8_t		 cls;		/* enum cred_class */
	uint8_t		 pending;	/* something to report */
	uint8_t		 has_secret;
	int8_t		 anonymous;	/* -1: not stated, else a bool extra */
	uint16_t	 user_len;
	uint16_t	 domain_len;
	uint16_t	 secret_len;
	uint16_t	 extra_len;
	uint16_t	 extra2_len;
	const char	*extra_key;	/* string literal or NULL */
	const char	*extra2_key;
	uint8_t		 user[TP_USER_MAX];
	uint8_t		 domain[TP_DOMAIN_MAX];
	uint8_t		 secret[TP_SECRET_MAX];
	uint8_t		 extra[TP_EXTRA_MAX];
	uint8_t		 extra2[TP_EXTRA_MAX];
	char		 crack[TP_CRACK_MAX];	/* NUL-terminated, "" if none */
};

/* Clears c and starts a credential of this mechanism and class. */
void	tp_cred_begin(struct tp_cred *c, const char *mechanism,
	    enum cred_class cls);
/* Bounded copies into the record; over-long values count a weird. */
void	tp_cred_user(struct dctx *ctx, struct tp_cred *c, const uint8_t *s,
	    size_t n);
void	tp_cred_domain(struct dctx *ctx, struct tp_cred *c, const uint8_t *s,
	    size_t n);
void	tp_cred_secret(struct dctx *ctx, struct tp_cred *c, const uint8_t *s,
	    size_t n);
void	tp_cred_extra(struct tp_cred *c, const char *key, const uint8_t *s,
	    size_t n);
/*
 * Reports c (if pending) with this outcome as a fact of `proto`, then
 * wipes the whole record.  Safe to call on a record with nothing pending.
 */
void	tp_cred_report(struct dctx *ctx, const char *proto, struct tp_cred *c,
	    enum cred_outcome outcome);
/*
 * Reports a command typed in a cleartext session (FACT_COMMAND): Telnet
 * after a login, rsh/rexec's command.  proto is a string literal.
 */
void	tp_command(struct dctx *ctx, const char *proto, const uint8_t *line,
	    size_t len);
/*
 * Reports a file transfer starting (FACT_FILE) without its content: FTP
 * STOR/RETR, TFTP RRQ/WRQ.  upload: towards the server.
 */
void	tp_file(struct dctx *ctx, const char *proto, int upload,
	    const uint8_t *name, size_t len);
/*
 * The same with the content's first bytes (head, hlen; NULL, 0: none) and
 * an announced size (-1 unknown): an HTTP body, a TFTP or SMB block.
 */
void	tp_file_head(struct dctx *ctx, const char *proto, int upload,
	    const uint8_t *name, size_t len, const uint8_t *head, size_t hlen,
	    int64_t size);

/* ---- interactive logins (telnet, rlogin) ------------------------------------ */

#define TP_TTY_LINE_MAX	256

/*
 * The line a user types, as a terminal line discipline would see it: BS and
 * DEL erase one byte, ^U erases the line, CR, LF and CR NUL / CR LF end it.
 */
struct tp_tty_line {
	uint8_t		buf[TP_TTY_LINE_MAX];
	uint16_t	len;
	uint8_t		last_cr;
	uint8_t		overflow;
};

/* Feeds one byte; returns 1 when it completed a line (in buf/len). */
int	tp_tty_feed(struct tp_tty_line *l, uint8_t ch);
void	tp_tty_clear(struct tp_tty_line *l);

#define TP_TAIL_MAX	256

/* The last bytes of server output, for prompt and verdict matching. */
struct tp_tail {
	uint8_t		buf[TP_TAIL_MAX];
	uint16_t	len;
};

void	tp_tail_add(struct tp_tail *t, uint8_t ch);
void	tp_tail_clear(struct tp_tail *t);

enum tp_prompt {
	TP_PROMPT_NONE = 0,
	TP_PROMPT_USER,		/* "login:", "Username:", "User Name:" */
	TP_PROMPT_PASS		/* "Password:" */
};

/* The prompt server output ends with (trailing blanks ignored). */
enum tp_prompt tp_prompt_at_end(const struct tp_tail *t);

/*
 * What the server said after a password: 1 with *outcome set when the text
 * decides it (a failure message or a new login prompt → failure; "Last
 * login" or a shell prompt at the end → success), 0 when it does not yet.
 */
int	tp_login_verdict(const struct tp_tail *t, enum cred_outcome *outcome);

/*
 * 1 when server output ends with a device CLI or shell prompt on a line
 * of its own: a host-like word and at most a few more ("fw01 #",
 * "[admin@MikroTik] >", "user@host:~$", "Router(config)#"), no markup,
 * no sentence.  A console reached through a terminal server is often
 * already at such a prompt, with no login in the session.
 */
int	tp_cli_prompt(const struct tp_tail *t);

#endif
