/*
 * pop3.c - POP3 logins (RFC 1939; AUTH from RFC 5034, STLS from RFC 2595,
 * pipelining and CAPA from RFC 2449).
 *
 * Facts: USER then PASS is a cleartext credential; APOP name digest is weak
 * (CRED_WEAK) with "digest:<timestamp>" as crack material (the digest is
 * MD5(timestamp + secret): hashcat mode 20, md5($salt.$pass)), the
 * timestamp taken from the server greeting; AUTH PLAIN / LOGIN / CRAM-MD5 /
 * XOAUTH2 / OAUTHBEARER through sasl.c, with the initial response on the
 * AUTH line or after a "+ " continuation.  Outcome from +OK / -ERR.
 * Not facts: the command words inside multi-line responses (RETR, TOP,
 * LIST, UIDL, CAPA, AUTH listings are skipped up to their "." line), the
 * server's text, an AUTH the client cancels with "*".
 * STLS answered +OK ends dissection: the rest is TLS.
 */
#include <stdio.h>
#include <string.h>

#include "sasl.h"

#define POP3_LINE_MAX	4096	/* RFC 5034 allows long AUTH lines */
#define POP3_TS_MAX	128

enum pop3_cmd {
	POP3_NONE = 0,	/* single-line reply we do not follow */
	POP3_MULTI,	/* +OK is followed by lines up to "." */
	POP3_USER,
	POP3_PASS,
	POP3_APOP,
	POP3_AUTH,
	POP3_STLS
};

struct pop3_state {
	struct tp_cred	cred;
	struct sasl	sasl;
	struct tp_queue	queue;
	uint8_t		skip[2];
	uint8_t		greeted;
	uint8_t		in_multi;	/* inside a multi-line response */
	uint8_t		ts_len;
	char		ts[POP3_TS_MAX + 1];	/* <...@...> from the greeting */
};

static int
is_hex32(const uint8_t *s, size_t n)
{
	size_t i;

	if (n != 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (tp_lower(s[i]) >= 'a' && tp_lower(s[i]) <= 'f')))
			return 0;
	return 1;
}

/* APOP name SP digest (RFC 1939 section 7). */
static void
pop3_apop(struct dctx *ctx, struct pop3_state *st, const uint8_t *arg,
    size_t alen)
{
	const uint8_t *name, *digest;
	size_t off = 0, nlen, dlen;

	nlen = tp_token(arg, alen, &off, &name);
	dlen = tp_token(arg, alen, &off, &digest);
	if (nlen == 0 || !is_hex32(digest, dlen) ||
	    tp_skip_ws(arg, alen, &off) != 0) {
		dctx_weird(ctx, "pop3_apop_malformed");
		tp_queue_push(ctx, &st->queue, POP3_NONE, "pop3_queue_full");
		return;
	}
	tp_cred_report(ctx, "pop3", &st->cred, CRED_OUTCOME_UNKNOWN);
	tp_cred_begin(&st->cred, "APOP", CRED_WEAK);
	tp_cred_user(ctx, &st->cred, name, nlen);
	if (st->ts_len > 0)
		snprintf(st->cred.crack, sizeof(st->cred.crack), "%.32s:%s",
		    (const char *)digest, st->ts);
	else
		dctx_weird(ctx, "pop3_apop_no_timestamp");
	tp_queue_push(ctx, &st->queue, POP3_APOP, "pop3_queue_full");
}

/* Commands whose +OK opens a multi-line response (without an argument
 * for LIST and UIDL, which take one to answer on a single line). */
static int
pop3_multi(const uint8_t *verb, size_t vlen, size_t alen)
{
	if (tp_ieq(verb, vlen, "RETR") || tp_ieq(verb, vlen, "TOP") ||
	    tp_ieq(verb, vlen, "CAPA"))
		return 1;
	return alen == 0 && (tp_ieq(verb, vlen, "LIST") ||
	    tp_ieq(verb, vlen, "UIDL") || tp_ieq(verb, vlen, "AUTH"));
}

static int
pop3_client_line(struct dctx *ctx, void *state, int dir, const uint8_t *line,
    size_t n)
{
	struct pop3_state *st = state;
	const uint8_t *arg, *mech, *ir;
	size_t alen, off = 0, mlen, irlen;
	size_t vlen = tp_verb(line, n, 3, 4, &arg, &alen);
	uint8_t kind = POP3_NONE;

	if (sasl_active(&st->sasl)) {
		sasl_client(ctx, &st->sasl, &st->cred, line, n);
		return TP_NEXT;
	}
	if (vlen == 0)
		return TP_NEXT;
	if (tp_ieq(line, vlen, "USER") && alen > 0) {
		tp_cred_report(ctx, "pop3", &st->cred, CRED_OUTCOME_UNKNOWN);
		tp_cred_begin(&st->cred, "USER/PASS", CRED_CLEARTEXT);
		st->cred.pending = 0;		/* no login until PASS */
		tp_cred_user(ctx, &st->cred, arg, alen);
		kind = POP3_USER;
	} else if (tp_ieq(line, vlen, "PASS")) {
		if (st->cred.mechanism == NULL || st->cred.pending) {
			tp_cred_report(ctx, "pop3", &st->cred,
			    CRED_OUTCOME_UNKNOWN);
			dctx_weird(ctx, "pop3_pass_without_user");
			tp_cred_begin(&st->cred, "USER/PASS", CRED_CLEARTEXT);
		}
		tp_cred_secret(ctx, &st->cred, arg, alen);
		st->cred.pending = 1;
		kind = POP3_PASS;
	} else if (tp_ieq(line, vlen, "APOP")) {
		pop3_apop(ctx, st, arg, alen);
		return TP_NEXT;
	} else if (tp_ieq(line, vlen, "AUTH") && alen > 0) {
		tp_cred_report(ctx, "pop3", &st->cred, CRED_OUTCOME_UNKNOWN);
		mlen = tp_token(arg, alen, &off, &mech);
		irlen = tp_token(arg, alen, &off, &ir);
		sasl_start(ctx, &st->sasl, &st->cred, SASL_VERB_AUTH, mech,
		    mlen, irlen > 0 ? ir : NULL, irlen);
		kind = POP3_AUTH;
	} else if (tp_ieq(line, vlen, "STLS"))
		kind = POP3_STLS;
	else if (pop3_multi(line, vlen, alen))
		kind = POP3_MULTI;
	tp_queue_push(ctx, &st->queue, kind, "pop3_queue_full");
	return TP_NEXT;
}

/* Remembers the APOP timestamp <...> of a +OK greeting, if it has one. */
static void
pop3_greeting(struct pop3_state *st, const uint8_t *line, size_t n)
{
	long lt = tp_find(line, n, '<'), gt;

	if (lt < 0)
		return;
	gt = tp_find(line + lt, n - (size_t)lt, '>');
	if (gt < 0 || (size_t)gt + 1 > POP3_TS_MAX ||
	    tp_find(line + lt, (size_t)gt, '@') < 0)
		return;
	memcpy(st->ts, line + lt, (size_t)gt + 1);
	st->ts[gt + 1] = '\0';
	st->ts_len = (uint8_t)(gt + 1);
}

static int
pop3_server_line(struct dctx *ctx, void *state, int dir, const uint8_t *line,
    size_t n)
{
	struct pop3_state *st = state;
	int ok = tp_iprefix(line, n, "+OK");
	uint8_t kind;

	if (st->in_multi) {
		if (n == 1 && line[0] == '.')
			st->in_multi = 0;
		return TP_NEXT;
	}
	if (!ok && !tp_iprefix(line, n, "-ERR")) {
		if (n >= 1 && line[0] == '+' && (n == 1 || line[1] == ' ') &&
		    sasl_active(&st->sasl)) {
			/* "+ " continuation: a challenge, maybe empty */
			if (n > 2)
				sasl_challenge(&st->sasl, line + 2, n - 2);
			return TP_NEXT;
		}
		dctx_weird(ctx, "pop3_bad_response");
		return TP_NEXT;
	}
	if (!st->greeted && st->queue.len == 0) {
		/* The greeting: nothing was asked yet. */
		st->greeted = 1;
		if (ok)
			pop3_greeting(st, line, n);
		return TP_NEXT;
	}
	st->greeted = 1;
	kind = tp_queue_pop(&st->queue, POP3_NONE);
	switch (kind) {
	case POP3_USER:
		if (!ok)
			tp_cred_report(ctx, "pop3", &st->cred,
			    CRED_OUTCOME_UNKNOWN);	/* nothing pending */
		break;
	case POP3_PASS:
	case POP3_APOP:
	case POP3_AUTH:
		tp_cred_report(ctx, "pop3", &st->cred,
		    ok ? CRED_OUTCOME_SUCCESS : CRED_OUTCOME_FAILURE);
		sasl_reset(&st->sasl);
		break;
	case POP3_STLS:
		if (ok) {
			dctx_done(ctx);
			return TP_STOP;
		}
		break;
	case POP3_MULTI:
		st->in_multi = ok;
		break;
	default:
		break;
	}
	return TP_NEXT;
}

static size_t
pop3_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct pop3_state *st = state;

	return tp_each_line(ctx, st, dir, data, len, POP3_LINE_MAX,
	    &st->skip[dir & 1], "pop3_line_too_long",
	    dir == DIR_TO_SERVER ? pop3_client_line : pop3_server_line);
}

/* A server greeting "+OK" and text on one line. */
static int
pop3_probe(const uint8_t *data, size_t len, int dir)
{
	size_t n;

	return dir == DIR_TO_CLIENT && len >= 4 &&
	    memcmp(data, "+OK ", 4) == 0 && tp_line(data, len, &n) > 0;
}

static void
pop3_free(struct dctx *ctx, void *state)
{
	struct pop3_state *st = state;

	tp_cred_report(ctx, "pop3", &st->cred, CRED_OUTCOME_UNKNOWN);
	sasl_reset(&st->sasl);
}

static const uint16_t pop3_ports[] = { 110, 0 };

const struct dissector pop3_dissector = {
	.name = "pop3",
	.description = "POP3 logins (USER/PASS, APOP, SASL AUTH)",
	.transport = DISSECTOR_TCP,
	.ports = pop3_ports,
	.probe = pop3_probe,
	.parse = pop3_parse,
	.state_size = sizeof(struct pop3_state),
	.free = pop3_free,
};
