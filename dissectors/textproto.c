/*
 * textproto.c - helpers shared by the text protocol dissectors; see
 * textproto.h.  Not a dissector: it reports nothing on its own.
 */
#include <string.h>

#include "codec.h"
#include "textproto.h"

size_t
tp_line(const uint8_t *buf, size_t len, size_t *content)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		*content = (i > 0 && buf[i - 1] == '\r') ? i - 1 : i;
		return i + 1;
	}
	*content = 0;
	return 0;
}

size_t
tp_each_line(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len, size_t maxline, uint8_t *skipping, const char *toolong,
    tp_line_fn fn)
{
	size_t off = 0, used, content;
	int verdict;

	while (off < len) {
		used = tp_line(data + off, len - off, &content);
		if (*skipping) {
			if (used == 0)
				return len;
			*skipping = 0;
			off += used;
			continue;
		}
		if (used == 0) {
			if (len - off > maxline) {
				dctx_weird(ctx, toolong);
				*skipping = 1;
				return len;
			}
			break;
		}
		if (content > maxline) {
			dctx_weird(ctx, toolong);
			off += used;
			continue;
		}
		verdict = fn(ctx, state, dir, data + off, content);
		if (verdict == TP_STOP)
			return len;
		if (verdict == TP_WAIT)
			break;
		off += used;
		if (verdict == TP_BREAK)
			break;
	}
	return off;
}

uint8_t
tp_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c - 'A' + 'a') : c;
}

int
tp_ieq(const uint8_t *s, size_t n, const char *lit)
{
	return strlen(lit) == n && tp_iprefix(s, n, lit);
}

int
tp_iprefix(const uint8_t *s, size_t n, const char *lit)
{
	size_t i, m = strlen(lit);

	if (m > n)
		return 0;
	for (i = 0; i < m; i++)
		if (tp_lower(s[i]) != tp_lower((uint8_t)lit[i]))
			return 0;
	return 1;
}

int
tp_isuffix(const uint8_t *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);

	return m <= n && tp_iprefix(s + (n - m), m, lit);
}

long
tp_ifind(const uint8_t *s, size_t n, const char *lit)
{
	size_t i, m = strlen(lit);

	if (m == 0 || m > n)
		return m == 0 ? 0 : -1;
	for (i = 0; i + m <= n; i++)
		if (tp_iprefix(s + i, n - i, lit))
			return (long)i;
	return -1;
}

long
tp_find(const uint8_t *s, size_t n, uint8_t c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == c)
			return (long)i;
	return -1;
}

int
tp_tchar(uint8_t c)
{
	if ((c >= '0' && c <= '9') || (tp_lower(c) >= 'a' && tp_lower(c) <= 'z'))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

int
tp_auth_params(const uint8_t *p, size_t n, const char *const *keys,
    size_t nkeys, const uint8_t **val, size_t *vlen)
{
	size_t off = 0, kstart, klen, k, i;
	const uint8_t *v;

	for (k = 0; k < nkeys; k++) {
		val[k] = NULL;
		vlen[k] = 0;
	}
	while (tp_skip_ws(p, n, &off) > 0) {
		kstart = off;
		while (off < n && tp_tchar(p[off]))
			off++;
		klen = off - kstart;
		if (klen == 0 || off >= n || p[off] != '=')
			return -1;
		off++;
		if (off < n && p[off] == '"') {
			v = p + ++off;
			while (off < n && p[off] != '"')
				off += p[off] == '\\' ? 2 : 1;
			if (off >= n)
				return -1;
			i = (size_t)(p + off - v);
			off++;
		} else {
			v = p + off;
			while (off < n && p[off] != ',' && p[off] != ' ')
				off++;
			i = (size_t)(p + off - v);
		}
		for (k = 0; k < nkeys; k++)
			if (tp_ieq(p + kstart, klen, keys[k])) {
				val[k] = v;
				vlen[k] = i;
			}
		tp_skip_ws(p, n, &off);
		if (off < n && p[off] == ',')
			off++;
	}
	return 0;
}

size_t
tp_skip_ws(const uint8_t *s, size_t n, size_t *off)
{
	while (*off < n && (s[*off] == ' ' || s[*off] == '\t'))
		(*off)++;
	return n - *off;
}

size_t
tp_token(const uint8_t *s, size_t n, size_t *off, const uint8_t **tok)
{
	size_t start;

	tp_skip_ws(s, n, off);
	start = *off;
	while (*off < n && s[*off] != ' ' && s[*off] != '\t')
		(*off)++;
	*tok = s + start;
	return *off - start;
}

size_t
tp_trim(const uint8_t **s, size_t n)
{
	while (n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		n--;
	}
	while (n > 0 && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t'))
		n--;
	return n;
}

size_t
tp_verb(const uint8_t *line, size_t n, size_t minlen, size_t maxlen,
    const uint8_t **arg, size_t *alen)
{
	size_t i;
	uint8_t c;

	*arg = line + n;
	*alen = 0;
	for (i = 0; i < n && i <= maxlen; i++) {
		if (line[i] == ' ')
			break;
		c = tp_lower(line[i]);
		if (c < 'a' || c > 'z')
			return 0;
	}
	if (i < minlen || i > maxlen)
		return 0;
	if (i < n) {
		*arg = line + i + 1;
		*alen = n - i - 1;
	}
	return i;
}

long long
tp_decimal(const uint8_t *s, size_t n, unsigned maxdigits)
{
	long long v = 0;
	size_t i;

	if (n == 0 || n > maxdigits || maxdigits > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

int
tp_reply_code(uint16_t *ml, const uint8_t *line, size_t n)
{
	int code;

	if (n < 3 || !is_digit(line[0]) || !is_digit(line[1]) ||
	    !is_digit(line[2]) || line[0] < '1' || line[0] > '5') {
		/* Free text is allowed inside a multi-line reply. */
		return *ml ? 0 : -1;
	}
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	if (n > 3 && line[3] != ' ' && line[3] != '-')
		return *ml ? 0 : -1;
	if (*ml) {
		if (code == *ml && (n == 3 || line[3] == ' ')) {
			*ml = 0;
			return code;
		}
		return 0;
	}
	if (n > 3 && line[3] == '-') {
		*ml = (uint16_t)code;
		return 0;
	}
	return code;
}

long
tp_pct_decode(const uint8_t *s, size_t n, uint8_t *out, size_t cap,
    int plus_space)
{
	size_t i, o = 0;
	int hi, lo;
	uint8_t c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if (c == '%' && n - i >= 3 && (hi = hex_value(s[i + 1])) >= 0 &&
		    (lo = hex_value(s[i + 2])) >= 0) {
			c = (uint8_t)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_space)
			c = ' ';
		if (o >= cap)
			return -1;
		out[o++] = c;
	}
	return (long)o;
}

size_t
tp_copy(uint8_t *dst, size_t cap, const uint8_t *src, size_t n)
{
	if (n > cap)
		n = cap;
	if (n > 0)
		memcpy(dst, src, n);
	return n;
}

void
tp_wipe(void *p, size_t n)
{
	/* A memset the compiler may not remove (secrets pass through here). */
	explicit_bzero(p, n);
}

/* ---- commands awaiting replies -------------------------------------------- */

void
tp_queue_push(struct dctx *ctx, struct tp_queue *q, uint8_t kind,
    const char *full)
{
	if (q->len >= TP_QUEUE_MAX) {
		dctx_weird(ctx, full);
		q->len = 0;
	}
	q->q[(q->head + q->len++) % TP_QUEUE_MAX] = kind;
}

uint8_t
tp_queue_pop(struct tp_queue *q, uint8_t none)
{
	uint8_t kind;

	if (q->len == 0)
		return none;
	kind = q->q[q->head];
	q->head = (uint8_t)((q->head + 1) % TP_QUEUE_MAX);
	q->len--;
	return kind;
}

/* ---- the pending credential ---------------------------------------------- */

void
tp_cred_begin(struct tp_cred *c, const char *mechanism, enum cred_class cls)
{
	tp_wipe(c, sizeof(*c));
	c->mechanism = mechanism;
	c->cls = (uint8_t)cls;
	c->anonymous = -1;
	c->pending = 1;
}

static uint16_t
cred_copy(struct dctx *ctx, uint8_t *dst, size_t cap, const uint8_t *s,
    size_t n)
{
	if (n > cap)
		dctx_weird(ctx, "cred_field_truncated");
	return (uint16_t)tp_copy(dst, cap, s, n);
}

void
tp_cred_user(struct dctx *ctx, struct tp_cred *c, const uint8_t *s, size_t n)
{
	c->user_len = cred_copy(ctx, c->user, sizeof(c->user), s, n);
}

void
tp_cred_domain(struct dctx *ctx, struct tp_cred *c, const uint8_t *s,
    size_t n)
{
	c->domain_len = cred_copy(ctx, c->domain, sizeof(c->domain), s, n);
}

void
tp_cred_secret(struct dctx *ctx, struct tp_cred *c, const uint8_t *s,
    size_t n)
{
	c->secret_len = cred_copy(ctx, c->secret, sizeof(c->secret), s, n);
	c->has_secret = 1;
}

void
tp_cred_extra(struct tp_cred *c, const char *key, const uint8_t *s, size_t n)
{
	if (c->extra_key == NULL) {
		c->extra_key = key;
		c->extra_len = (uint16_t)tp_copy(c->extra, sizeof(c->extra),
		    s, n);
	} else if (c->extra2_key == NULL) {
		c->extra2_key = key;
		c->extra2_len = (uint16_t)tp_copy(c->extra2,
		    sizeof(c->extra2), s, n);
	}
}

void
tp_cred_report(struct dctx *ctx, const char *proto, struct tp_cred *c,
    enum cred_outcome outcome)
{
	struct cred_fact f;

	if (c->pending) {
		cred_fact_init(&f, proto, c->mechanism,
		    (enum cred_class)c->cls);
		f.outcome = outcome;
		if (c->user_len > 0) {
			f.user = c->user;
			f.user_len = c->user_len;
		}
		if (c->domain_len > 0) {
			f.domain = c->domain;
			f.domain_len = c->domain_len;
		}
		if (c->has_secret) {
			f.secret = c->secret;
			f.secret_len = c->secret_len;
		}
		if (c->crack[0] != '\0')
			f.crack = c->crack;
		if (c->anonymous >= 0)
			fact_extra_bool(&f, "anonymous", c->anonymous);
		if (c->extra_key != NULL)
			fact_extra_str(&f, c->extra_key, c->extra,
			    c->extra_len);
		if (c->extra2_key != NULL)
			fact_extra_str(&f, c->extra2_key, c->extra2,
			    c->extra2_len);
		dctx_credential(ctx, &f);
		tp_wipe(c, sizeof(*c));
	}
	/* Not pending: never begun (zeroed) or already reported and wiped. */
}

/* ---- interactive logins ----------------------------------------------------- */

void
tp_tty_clear(struct tp_tty_line *l)
{
	uint8_t last_cr = l->last_cr;

	/* Keeps last_cr: the LF of a CR LF still belongs to the old line. */
	tp_wipe(l, sizeof(*l));
	l->last_cr = last_cr;
}

int
tp_tty_feed(struct tp_tty_line *l, uint8_t ch)
{
	int was_cr = l->last_cr;

	l->last_cr = 0;
	switch (ch) {
	case '\r':
		l->last_cr = 1;
		return 1;
	case '\n':
	case '\0':
		/* CR LF and CR NUL end one line, not two. */
		return was_cr ? 0 : ch == '\n';
	case 0x08:	/* BS */
	case 0x7f:	/* DEL */
		if (l->len > 0)
			l->len--;
		return 0;
	case 0x15:	/* ^U: kill line */
		l->len = 0;
		return 0;
	default:
		break;
	}
	if (ch < 0x20 && ch != '\t')
		return 0;
	if (l->len >= sizeof(l->buf)) {
		l->overflow = 1;
		return 0;
	}
	l->buf[l->len++] = ch;
	return 0;
}

void
tp_tail_clear(struct tp_tail *t)
{
	t->len = 0;
}

void
tp_tail_add(struct tp_tail *t, uint8_t ch)
{
	if (ch == '\0')
		return;
	if (t->len >= sizeof(t->buf)) {
		memmove(t->buf, t->buf + sizeof(t->buf) / 2,
		    sizeof(t->buf) - sizeof(t->buf) / 2);
		t->len = sizeof(t->buf) - sizeof(t->buf) / 2;
	}
	t->buf[t->len++] = ch;
}

/* Tail length without trailing blanks. */
static size_t
tail_trimmed(const struct tp_tail *t)
{
	size_t n = t->len;

	while (n > 0 && (t->buf[n - 1] == ' ' || t->buf[n - 1] == '\t'))
		n--;
	return n;
}

static const char *const tp_user_prompts[] = {
	"login:", "username:", "user name:", NULL
};

enum tp_prompt
tp_prompt_at_end(const struct tp_tail *t)
{
	size_t n = tail_trimmed(t), i;

	for (i = 0; tp_user_prompts[i] != NULL; i++)
		if (tp_isuffix(t->buf, n, tp_user_prompts[i]))
			return TP_PROMPT_USER;
	if (tp_isuffix(t->buf, n, "password:"))
		return TP_PROMPT_PASS;
	return TP_PROMPT_NONE;
}

static const char *const tp_fail_words[] = {
	"login incorrect", "authentication failed", "access denied",
	"permission denied", "invalid password", "invalid login",
	"incorrect password", "bad password", "login failed", NULL
};

int
tp_login_verdict(const struct tp_tail *t, enum cred_outcome *outcome)
{
	size_t n = tail_trimmed(t), i;
	uint8_t last;

	for (i = 0; tp_fail_words[i] != NULL; i++) {
		if (tp_ifind(t->buf, t->len, tp_fail_words[i]) >= 0) {
			*outcome = CRED_OUTCOME_FAILURE;
			return 1;
		}
	}
	/* Asked again: the last attempt did not get in. */
	if (tp_prompt_at_end(t) != TP_PROMPT_NONE) {
		*outcome = CRED_OUTCOME_FAILURE;
		return 1;
	}
	if (tp_ifind(t->buf, t->len, "last login") >= 0) {
		*outcome = CRED_OUTCOME_SUCCESS;
		return 1;
	}
	if (n == 0)
		return 0;
	last = t->buf[n - 1];
	if (last == '$' || last == '#' || last == '>' || last == '%') {
		*outcome = CRED_OUTCOME_SUCCESS;
		return 1;
	}
	return 0;
}

int
tp_cli_prompt(const struct tp_tail *t)
{
	size_t n = tail_trimmed(t), start, i, words = 1;
	uint8_t ch, last;

	if (n == 0)
		return 0;
	last = t->buf[n - 1];
	if (last != '$' && last != '#' && last != '>' && last != '%')
		return 0;
	/* "100%" ends a progress line, not a csh prompt. */
	if (last == '%' && n > 1 && t->buf[n - 2] >= '0' && t->buf[n - 2] <= '9')
		return 0;
	for (start = n; start > 0; start--)
		if (t->buf[start - 1] == '\n' || t->buf[start - 1] == '\r')
			break;
	/* Something before the prompt character (a bare "#" or ">" is too
	 * little to tell from output), and a short line: a tail cut in
	 * half (tp_tail_add) keeps 128 bytes, so a line that starts it is
	 * whole. */
	if (n - start < 2 || n - start > 64)
		return 0;
	ch = t->buf[start];
	if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '['))
		return 0;
	for (i = start; i < n - 1; i++) {
		ch = t->buf[i];
		if (ch == ' ') {
			if (++words > 3)
				return 0;
			continue;
		}
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9'))
			continue;
		if (strchr("._-()/:@~[]", ch) == NULL)
			return 0;
	}
	return 1;
}

void
tp_command(struct dctx *ctx, const char *proto, const uint8_t *line,
    size_t len)
{
	struct command_fact c;
	struct fact f;

	if (len == 0)
		return;
	memset(&c, 0, sizeof(c));
	c.proto = proto;
	c.line = line;
	c.line_len = len;
	memset(&f, 0, sizeof(f));
	f.type = FACT_COMMAND;
	f.source = proto;
	f.u.cmd = &c;
	dctx_fact(ctx, &f);
}

void
tp_file(struct dctx *ctx, const char *proto, int upload, const uint8_t *name,
    size_t len)
{
	if (len > 0)
		tp_file_head(ctx, proto, upload, name, len, NULL, 0, -1);
}

void
tp_file_head(struct dctx *ctx, const char *proto, int upload,
    const uint8_t *name, size_t len, const uint8_t *head, size_t hlen,
    int64_t size)
{
	struct file_fact ff;
	struct fact f;

	memset(&ff, 0, sizeof(ff));
	ff.proto = proto;
	ff.upload = upload;
	ff.name = len > 0 ? name : NULL;
	ff.name_len = len;
	ff.head = hlen > 0 ? head : NULL;
	ff.head_len = hlen;
	ff.size = size;
	memset(&f, 0, sizeof(f));
	f.type = FACT_FILE;
	f.source = proto;
	f.u.file = &ff;
	dctx_fact(ctx, &f);
}
