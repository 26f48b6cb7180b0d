/*
 * smtp.c - SMTP / submission AUTH (RFC 5321 framing, RFC 4954 AUTH,
 * RFC 2920 PIPELINING, RFC 3030 BDAT, RFC 3207 STARTTLS); ports 25, 587
 * and 2525.
 *
 * Facts: "AUTH mech [initial-response]" and the client's answers to 334
 * challenges, through sasl.c: PLAIN and LOGIN (cleartext), CRAM-MD5 (weak,
 * hashcat 16400 material), XOAUTH2 and OAUTHBEARER (the bearer token is the
 * secret, the user from the user= / a= field).  Outcome from the reply to
 * AUTH: 235 success, 4xx/5xx failure.
 * Not facts: anything inside a message (DATA up to the "." line, BDAT
 * chunks skipped by count) — mail about "AUTH PLAIN" stays mail; replies'
 * text; an AUTH the client cancels with "*".
 * STARTTLS answered 220 ends dissection: the rest is TLS.
 */
#include <string.h>

#include "sasl.h"

#define SMTP_LINE_MAX	4096	/* RFC 4954 4: AUTH lines may be long */

enum smtp_cmd {
	SMTP_NONE = 0,
	SMTP_AUTH,
	SMTP_STARTTLS,
	SMTP_DATA
};

struct smtp_state {
	struct tp_cred	cred;
	struct sasl	sasl;
	struct tp_queue	queue;
	uint32_t	bdat_left;	/* BDAT chunk bytes still to skip */
	uint16_t	ml;		/* open multi-line reply */
	uint8_t		skip[2];
	uint8_t		greeted;
	uint8_t		in_data;	/* client is sending a message */
};

static void
smtp_push(struct dctx *ctx, struct smtp_state *st, enum smtp_cmd c)
{
	tp_queue_push(ctx, &st->queue, (uint8_t)c, "smtp_queue_full");
}

/* "BDAT size [LAST]": the chunk's bytes follow the line at once. */
static int
smtp_bdat(struct dctx *ctx, struct smtp_state *st, const uint8_t *arg,
    size_t alen)
{
	const uint8_t *num;
	size_t off = 0, nlen = tp_token(arg, alen, &off, &num);
	long long size = tp_decimal(num, nlen, 10);

	smtp_push(ctx, st, SMTP_NONE);
	if (size < 0 || size > UINT32_MAX) {
		dctx_weird(ctx, "smtp_bdat_malformed");
		return TP_NEXT;
	}
	st->bdat_left = (uint32_t)size;
	return TP_BREAK;
}

static int
smtp_client_line(struct dctx *ctx, void *state, int dir, const uint8_t *line,
    size_t n)
{
	struct smtp_state *st = state;
	const uint8_t *arg, *mech, *ir;
	size_t alen, off = 0, mlen, irlen, vlen;

	if (st->in_data) {
		if (n == 1 && line[0] == '.') {
			st->in_data = 0;
			smtp_push(ctx, st, SMTP_NONE);	/* 250 queued as ... */
		}
		return TP_NEXT;
	}
	if (sasl_active(&st->sasl)) {
		sasl_client(ctx, &st->sasl, &st->cred, line, n);
		return TP_NEXT;
	}
	vlen = tp_verb(line, n, 4, 8, &arg, &alen);
	if (vlen == 0) {
		dctx_weird(ctx, "smtp_bad_command");
		return TP_NEXT;
	}
	if (tp_ieq(line, vlen, "AUTH") && alen > 0) {
		tp_cred_report(ctx, "smtp", &st->cred, CRED_OUTCOME_UNKNOWN);
		mlen = tp_token(arg, alen, &off, &mech);
		irlen = tp_token(arg, alen, &off, &ir);
		sasl_start(ctx, &st->sasl, &st->cred, SASL_VERB_AUTH, mech,
		    mlen, irlen > 0 ? ir : NULL, irlen);
		smtp_push(ctx, st, SMTP_AUTH);
	} else if (tp_ieq(line, vlen, "STARTTLS") && alen == 0)
		smtp_push(ctx, st, SMTP_STARTTLS);
	else if (tp_ieq(line, vlen, "DATA") && alen == 0) {
		/* The body follows the 354; a refusal turns this off. */
		st->in_data = 1;
		smtp_push(ctx, st, SMTP_DATA);
	} else if (tp_ieq(line, vlen, "BDAT"))
		return smtp_bdat(ctx, st, arg, alen);
	else
		smtp_push(ctx, st, SMTP_NONE);
	return TP_NEXT;
}

static int
smtp_server_line(struct dctx *ctx, void *state, int dir, const uint8_t *line,
    size_t n)
{
	struct smtp_state *st = state;
	int code = tp_reply_code(&st->ml, line, n);

	if (code < 0) {
		dctx_weird(ctx, "smtp_bad_reply");
		return TP_NEXT;
	}
	if (code == 0)
		return TP_NEXT;
	if (code == 334 && sasl_active(&st->sasl)) {
		if (n > 4)
			sasl_challenge(&st->sasl, line + 4, n - 4);
		return TP_NEXT;
	}
	if (!st->greeted && st->queue.len == 0) {
		st->greeted = 1;		/* the 220 greeting */
		return TP_NEXT;
	}
	st->greeted = 1;
	switch (tp_queue_pop(&st->queue, SMTP_NONE)) {
	case SMTP_AUTH:
		if (code == 235)
			tp_cred_report(ctx, "smtp", &st->cred,
			    CRED_OUTCOME_SUCCESS);
		else if (code >= 400)
			tp_cred_report(ctx, "smtp", &st->cred,
			    CRED_OUTCOME_FAILURE);
		else
			dctx_weird(ctx, "smtp_auth_odd_reply");
		sasl_reset(&st->sasl);
		break;
	case SMTP_STARTTLS:
		if (code == 220) {
			dctx_done(ctx);
			return TP_STOP;
		}
		break;
	case SMTP_DATA:
		if (code != 354)
			st->in_data = 0;
		break;
	default:
		break;
	}
	return TP_NEXT;
}

static size_t
smtp_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct smtp_state *st = state;
	size_t off = 0, used, take;

	if (dir != DIR_TO_SERVER)
		return tp_each_line(ctx, st, dir, data, len, SMTP_LINE_MAX,
		    &st->skip[1], "smtp_line_too_long", smtp_server_line);
	while (off < len) {
		if (st->bdat_left > 0) {
			take = len - off < st->bdat_left ? len - off :
			    st->bdat_left;
			st->bdat_left -= (uint32_t)take;
			off += take;
			continue;
		}
		used = tp_each_line(ctx, st, dir, data + off, len - off,
		    SMTP_LINE_MAX, &st->skip[0], "smtp_line_too_long",
		    smtp_client_line);
		if (used == 0)
			break;
		off += used;
	}
	return off;
}

/* A server greeting: "220" SP/'-' naming SMTP (ESMTP included). */
static int
smtp_probe(const uint8_t *data, size_t len, int dir)
{
	size_t n;

	if (dir != DIR_TO_CLIENT || len < 4 || memcmp(data, "220", 3) != 0 ||
	    (data[3] != ' ' && data[3] != '-') || tp_line(data, len, &n) == 0)
		return 0;
	return tp_ifind(data, n, "smtp") >= 0;
}

static void
smtp_free(struct dctx *ctx, void *state)
{
	struct smtp_state *st = state;

	tp_cred_report(ctx, "smtp", &st->cred, CRED_OUTCOME_UNKNOWN);
	sasl_reset(&st->sasl);
}

static const uint16_t smtp_ports[] = { 25, 587, 2525, 0 };

const struct dissector smtp_dissector = {
	.name = "smtp",
	.description = "SMTP AUTH logins (PLAIN, LOGIN, CRAM-MD5, OAuth)",
	.transport = DISSECTOR_TCP,
	.ports = smtp_ports,
	.probe = smtp_probe,
	.parse = smtp_parse,
	.state_size = sizeof(struct smtp_state),
	.free = smtp_free,
};
