/*
 * imap.c - IMAP logins (RFC 9051 IMAP4rev2, RFC 3501 IMAP4rev1; SASL-IR
 * RFC 4959; LITERAL+/LITERAL- RFC 7888; STARTTLS RFC 9051 6.2.1).
 *
 * Facts: "tag LOGIN user password" is a cleartext credential, each argument
 * an atom, a quoted string (with \" and \\ escapes) or a literal {n} / {n+}
 * whose n bytes follow the line; "tag AUTHENTICATE mech [initial-response]"
 * runs through sasl.c (PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER), the
 * client's continuation lines being its responses.  Outcome from the
 * tagged OK (success) or NO/BAD (failure) with the command's tag.
 * Not facts: LOGIN anywhere but as the command after a tag, the contents of
 * literals (both directions' literals are skipped by count, so a message
 * body holding "a1 LOGIN x y" or "a1 OK" stays a message body), untagged
 * responses, a LOGIN that breaks the grammar (weird counted).
 * STARTTLS answered with a tagged OK ends dissection.
 * Known gap: a synchronizing literal {n} that the server refuses (tagged
 * NO/BAD instead of "+") is never sent, but its n bytes are still skipped.
 */
#include <string.h>

#include "sasl.h"

#define IMAP_LINE_MAX	8192
#define IMAP_ARG_MAX	1024	/* a LOGIN argument, quoted or literal */
#define IMAP_TAG_MAX	64

struct imap_dir {
	uint32_t	lit_skip;	/* literal bytes still to skip */
	uint8_t		cont;		/* next line continues a command */
	uint8_t		skipping;	/* rest of an over-long line */
};

struct imap_state {
	struct tp_cred	cred;
	struct sasl	sasl;
	struct imap_dir	d[2];
	uint8_t		tag_len;	/* tag of the pending login */
	uint8_t		tls_tag_len;	/* tag of STARTTLS */
	uint8_t		stopped;
	uint8_t		tag[IMAP_TAG_MAX];
	uint8_t		tls_tag[IMAP_TAG_MAX];
};

/* ASTRING-CHAR (RFC 9051 section 9): no CTL, SP, ( ) { " \ % *. */
static int
imap_astring_char(uint8_t c)
{
	return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' &&
	    c != '"' && c != '\\' && c != '%' && c != '*';
}

/*
 * Splits "tag SP verb [SP ...]".  Returns the verb's length (0 if the line
 * is not a tagged command) and points *verb at it; the tag is line[0..*tlen).
 */
static size_t
imap_command(const uint8_t *line, size_t n, size_t *tlen,
    const uint8_t **verb)
{
	size_t i, v;

	for (i = 0; i < n && imap_astring_char(line[i]) && line[i] != '+';
	    i++)
		;
	if (i == 0 || i > IMAP_TAG_MAX || i >= n || line[i] != ' ')
		return 0;
	*tlen = i;
	*verb = line + i + 1;
	for (v = 0; i + 1 + v < n && line[i + 1 + v] != ' '; v++)
		;
	return v;
}

/* The {n} or {n+} a line ends with: n, or -1 if it does not end so. */
static long long
imap_trailing_literal(const uint8_t *line, size_t n)
{
	size_t end, i;

	if (n < 3 || line[n - 1] != '}')
		return -1;
	end = n - 1;
	if (line[end - 1] == '+')
		end--;
	for (i = end; i > 0 && line[i - 1] >= '0' && line[i - 1] <= '9'; i--)
		;
	if (i == 0 || line[i - 1] != '{' || i == end)
		return -1;
	return tp_decimal(line + i, end - i, 10);
}

/*
 * One astring at buf[*off] (atom, quoted string or literal), decoded into
 * out.  Returns 1 with *off past it, 0 if more data is needed, -1 if it
 * breaks the grammar or the bounds.
 */
static int
imap_astring(const uint8_t *buf, size_t len, size_t *off, uint8_t *out,
    size_t *olen)
{
	size_t i = *off, o = 0, digits;
	long long n;

	if (i >= len)
		return 0;
	if (buf[i] == '"') {
		for (i++; i < len; i++) {
			if (buf[i] == '"') {
				*off = i + 1;
				*olen = o;
				return 1;
			}
			if (buf[i] == '\r' || buf[i] == '\n' || o >= IMAP_ARG_MAX)
				return -1;
			if (buf[i] == '\\') {
				if (++i >= len)
					return 0;
				if (buf[i] != '"' && buf[i] != '\\')
					return -1;
			}
			out[o++] = buf[i];
		}
		return 0;
	}
	if (buf[i] == '{') {
		for (digits = 0, i++; i < len && buf[i] >= '0' &&
		    buf[i] <= '9'; i++)
			digits++;
		n = tp_decimal(buf + i - digits, digits, 10);
		if (i < len && buf[i] == '+')
			i++;
		if (i >= len)
			return 0;
		if (n < 0 || n > IMAP_ARG_MAX || buf[i] != '}')
			return -1;
		i++;
		if (i < len && buf[i] == '\r')
			i++;
		if (i >= len)
			return 0;
		if (buf[i++] != '\n')
			return -1;
		if (len - i < (size_t)n)
			return 0;
		memcpy(out, buf + i, (size_t)n);
		*olen = (size_t)n;
		*off = i + (size_t)n;
		return 1;
	}
	for (; i < len && imap_astring_char(buf[i]); i++) {
		if (o >= IMAP_ARG_MAX)
			return -1;
		out[o++] = buf[i];
	}
	if (i >= len)
		return 0;
	if (o == 0)
		return -1;
	*off = i;
	*olen = o;
	return 1;
}

/*
 * "tag SP LOGIN SP astring SP astring CRLF" from the start of buf, literals
 * included.  Returns the bytes it spans, 0 if incomplete, -1 if malformed.
 */
static long
imap_login(struct dctx *ctx, struct imap_state *st, const uint8_t *buf,
    size_t len, size_t tlen, size_t vlen)
{
	uint8_t user[IMAP_ARG_MAX], pass[IMAP_ARG_MAX];
	size_t off = tlen + 1 + vlen, ulen = 0, plen = 0;
	int r;

	if (off >= len)
		return 0;
	if (buf[off++] != ' ')
		return -1;
	if ((r = imap_astring(buf, len, &off, user, &ulen)) <= 0)
		return r;
	if (off >= len)
		return 0;
	if (buf[off++] != ' ')
		return -1;
	if ((r = imap_astring(buf, len, &off, pass, &plen)) <= 0) {
		tp_wipe(pass, sizeof(pass));
		return r;
	}
	if (off < len && buf[off] == '\r')
		off++;
	if (off >= len) {
		tp_wipe(pass, sizeof(pass));
		return 0;
	}
	if (buf[off++] != '\n') {
		tp_wipe(pass, sizeof(pass));
		return -1;
	}
	tp_cred_report(ctx, "imap", &st->cred, CRED_OUTCOME_UNKNOWN);
	tp_cred_begin(&st->cred, "LOGIN", CRED_CLEARTEXT);
	tp_cred_user(ctx, &st->cred, user, ulen);
	tp_cred_secret(ctx, &st->cred, pass, plen);
	tp_wipe(pass, sizeof(pass));
	memcpy(st->tag, buf, tlen);
	st->tag_len = (uint8_t)tlen;
	return (long)off;
}

static void
imap_authenticate(struct dctx *ctx, struct imap_state *st,
    const uint8_t *line, size_t n, size_t tlen, size_t vlen)
{
	const uint8_t *mech, *ir;
	size_t off = tlen + 1 + vlen, mlen, irlen;

	mlen = tp_token(line, n, &off, &mech);
	irlen = tp_token(line, n, &off, &ir);
	if (mlen == 0) {
		dctx_weird(ctx, "imap_authenticate_malformed");
		return;
	}
	tp_cred_report(ctx, "imap", &st->cred, CRED_OUTCOME_UNKNOWN);
	sasl_start(ctx, &st->sasl, &st->cred, SASL_VERB_AUTHENTICATE, mech,
	    mlen, irlen > 0 ? ir : NULL, irlen);
	memcpy(st->tag, line, tlen);
	st->tag_len = (uint8_t)tlen;
}

static void
imap_client_line(struct dctx *ctx, struct imap_state *st,
    const uint8_t *line, size_t n)
{
	const uint8_t *verb;
	size_t tlen, vlen;

	if (sasl_active(&st->sasl)) {
		sasl_client(ctx, &st->sasl, &st->cred, line, n);
		return;
	}
	if ((vlen = imap_command(line, n, &tlen, &verb)) == 0)
		return;
	if (tp_ieq(verb, vlen, "LOGIN"))
		dctx_weird(ctx, "imap_login_malformed");
	else if (tp_ieq(verb, vlen, "AUTHENTICATE"))
		imap_authenticate(ctx, st, line, n, tlen, vlen);
	else if (tp_ieq(verb, vlen, "STARTTLS") && tlen + 1 + vlen == n) {
		memcpy(st->tls_tag, line, tlen);
		st->tls_tag_len = (uint8_t)tlen;
	}
}

static void
imap_server_line(struct dctx *ctx, struct imap_state *st,
    const uint8_t *line, size_t n)
{
	const uint8_t *verb;
	size_t tlen, vlen;
	int ok;

	if (n >= 1 && line[0] == '+') {
		/* Continuation: a SASL challenge, or the go-ahead for a
		 * synchronizing literal (nothing to do then). */
		if (sasl_active(&st->sasl) && n > 2 && line[1] == ' ')
			sasl_challenge(&st->sasl, line + 2, n - 2);
		return;
	}
	if (n == 0 || line[0] == '*' || (vlen = imap_command(line, n, &tlen,
	    &verb)) == 0)
		return;
	ok = tp_ieq(verb, vlen, "OK");
	if (!ok && !tp_ieq(verb, vlen, "NO") && !tp_ieq(verb, vlen, "BAD"))
		return;
	if (st->tls_tag_len == tlen && memcmp(st->tls_tag, line, tlen) == 0) {
		st->tls_tag_len = 0;
		if (ok) {
			dctx_done(ctx);
			st->stopped = 1;
		}
		return;
	}
	if (st->tag_len == tlen && memcmp(st->tag, line, tlen) == 0) {
		tp_cred_report(ctx, "imap", &st->cred,
		    ok ? CRED_OUTCOME_SUCCESS : CRED_OUTCOME_FAILURE);
		sasl_reset(&st->sasl);
		st->tag_len = 0;
	}
}

/* A LOGIN command starts the line: parse it whole, literals included. */
static long
imap_try_login(struct dctx *ctx, struct imap_state *st, const uint8_t *buf,
    size_t len, const uint8_t *line, size_t n)
{
	const uint8_t *verb;
	size_t tlen, vlen = imap_command(line, n, &tlen, &verb);

	if (vlen == 0 || !tp_ieq(verb, vlen, "LOGIN") ||
	    sasl_active(&st->sasl))
		return -1;
	return imap_login(ctx, st, buf, len, tlen, vlen);
}

static size_t
imap_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct imap_state *st = state;
	struct imap_dir *d = &st->d[dir & 1];
	size_t off = 0, used, n, take;
	long long lit;
	long r;

	while (off < len && !st->stopped) {
		if (d->lit_skip > 0) {
			take = len - off < d->lit_skip ? len - off : d->lit_skip;
			d->lit_skip -= (uint32_t)take;
			off += take;
			continue;
		}
		used = tp_line(data + off, len - off, &n);
		if (d->skipping) {
			if (used == 0)
				return len;
			d->skipping = 0;
			off += used;
			continue;
		}
		if (used == 0) {
			if (len - off > IMAP_LINE_MAX) {
				dctx_weird(ctx, "imap_line_too_long");
				d->skipping = 1;
				return len;
			}
			break;
		}
		if (dir == DIR_TO_SERVER && !d->cont &&
		    (r = imap_try_login(ctx, st, data + off, len - off,
		    data + off, n)) >= 0) {
			if (r == 0)
				break;		/* wait for the literals */
			off += (size_t)r;
			continue;
		}
		if (!d->cont) {
			if (dir == DIR_TO_SERVER)
				imap_client_line(ctx, st, data + off, n);
			else
				imap_server_line(ctx, st, data + off, n);
		}
		lit = imap_trailing_literal(data + off, n);
		d->cont = lit >= 0;
		if (lit > 0)
			d->lit_skip = lit > UINT32_MAX ? UINT32_MAX :
			    (uint32_t)lit;
		off += used;
	}
	return st->stopped ? len : off;
}

/* A server greeting: "* OK", "* PREAUTH" or "* BYE" with IMAP in it. */
static int
imap_probe(const uint8_t *data, size_t len, int dir)
{
	size_t n;

	if (dir != DIR_TO_CLIENT || len < 5 || data[0] != '*' ||
	    tp_line(data, len, &n) == 0)
		return 0;
	return (tp_iprefix(data, n, "* OK ") ||
	    tp_iprefix(data, n, "* PREAUTH ")) && tp_ifind(data, n, "imap") >= 0;
}

static void
imap_free(struct dctx *ctx, void *state)
{
	struct imap_state *st = state;

	tp_cred_report(ctx, "imap", &st->cred, CRED_OUTCOME_UNKNOWN);
	sasl_reset(&st->sasl);
}

static const uint16_t imap_ports[] = { 143, 0 };

const struct dissector imap_dissector = {
	.name = "imap",
	.description = "IMAP logins (LOGIN, SASL AUTHENTICATE)",
	.transport = DISSECTOR_TCP,
	.ports = imap_ports,
	.probe = imap_probe,
	.parse = imap_parse,
	.state_size = sizeof(struct imap_state),
	.free = imap_free,
	.max_pending = 16384,
};
