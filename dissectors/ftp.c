/*
 * ftp.c - FTP control connection (RFC 959; AUTH TLS from RFC 4217).
 *
 * Fact: a USER command followed by PASS is a cleartext credential, its
 * outcome taken from the reply to PASS (2xx success, 4xx/5xx failure; 332
 * waits for ACCT).  A USER answered 230 directly (no password asked) is a
 * CRED_NONE login.  "anonymous" and "ftp" are the anonymous convention
 * (RFC 1635): reported as CRED_NONE with the extra anonymous=true, the
 * e-mail address given as password still passed as the secret.
 * Not a fact: USER/PASS words anywhere but as the command of a client line,
 * anything the server says.  A USER the server refuses (4xx/5xx) before
 * any PASS is reported with mechanism "USER", no secret, outcome failure.
 * AUTH TLS/SSL answered 234 ends dissection: the rest is TLS.
 * File facts: STOR, APPE, STOU (upload) and RETR (download) with the name,
 * for the data connection that follows (detectors/packet_capture.c).
 */
#include <string.h>

#include "textproto.h"

#define FTP_LINE_MAX	2048

/* What a reply answers: commands sent and not yet answered, in order. */
enum ftp_await {
	FTP_AWAIT_NONE = 0,	/* a command we do not follow */
	FTP_AWAIT_USER,
	FTP_AWAIT_PASS,		/* PASS or ACCT */
	FTP_AWAIT_AUTH		/* AUTH TLS / SSL */
};

struct ftp_state {
	struct tp_cred	cred;
	struct tp_queue	queue;		/* commands sent, replies pending */
	uint16_t	ml;		/* open multi-line reply code */
	uint8_t		skip[2];	/* rest of an over-long line */
};

static void
ftp_push(struct dctx *ctx, struct ftp_state *st, enum ftp_await a)
{
	tp_queue_push(ctx, &st->queue, (uint8_t)a, "ftp_command_queue_full");
}

static int
ftp_is_anonymous(const uint8_t *user, size_t n)
{
	return tp_ieq(user, n, "anonymous") || tp_ieq(user, n, "ftp");
}

static int
ftp_client_line(struct dctx *ctx, void *state, int dir, const uint8_t *line,
    size_t n)
{
	struct ftp_state *st = state;
	const uint8_t *arg;
	size_t alen;
	/* A command is 3 or 4 letters (RFC 959 5.3.1). */
	size_t clen = tp_verb(line, n, 3, 4, &arg, &alen);

	if (clen == 0)
		return TP_NEXT;
	if (tp_ieq(line, clen, "USER")) {
		/* A PASS still unanswered is flushed: its reply never came. */
		tp_cred_report(ctx, "ftp", &st->cred, CRED_OUTCOME_UNKNOWN);
		if (alen == 0) {
			dctx_weird(ctx, "ftp_user_empty");
			ftp_push(ctx, st, FTP_AWAIT_NONE);
			return TP_NEXT;
		}
		tp_cred_begin(&st->cred, "USER/PASS", CRED_CLEARTEXT);
		st->cred.pending = 0;	/* no login until PASS or 230 */
		tp_cred_user(ctx, &st->cred, arg, alen);
		if (ftp_is_anonymous(arg, alen)) {
			st->cred.cls = CRED_NONE;
			st->cred.anonymous = 1;
		}
		ftp_push(ctx, st, FTP_AWAIT_USER);
	} else if (tp_ieq(line, clen, "PASS")) {
		if (st->cred.mechanism == NULL || st->cred.pending) {
			tp_cred_report(ctx, "ftp", &st->cred,
			    CRED_OUTCOME_UNKNOWN);
			dctx_weird(ctx, "ftp_pass_without_user");
			tp_cred_begin(&st->cred, "USER/PASS", CRED_CLEARTEXT);
		}
		tp_cred_secret(ctx, &st->cred, arg, alen);
		st->cred.pending = 1;
		ftp_push(ctx, st, FTP_AWAIT_PASS);
	} else if (tp_ieq(line, clen, "ACCT")) {
		ftp_push(ctx, st, st->cred.pending ? FTP_AWAIT_PASS :
		    FTP_AWAIT_NONE);
	} else if ((tp_ieq(line, clen, "STOR") || tp_ieq(line, clen, "APPE") ||
	    tp_ieq(line, clen, "STOU") || tp_ieq(line, clen, "RETR")) &&
	    alen > 0) {
		/* The data connection's file: its name is only said here. */
		tp_file(ctx, "ftp", !tp_ieq(line, clen, "RETR"), arg, alen);
		ftp_push(ctx, st, FTP_AWAIT_NONE);
	} else if (tp_ieq(line, clen, "AUTH") && alen > 0 &&
	    (tp_iprefix(arg, alen, "TLS") || tp_iprefix(arg, alen, "SSL"))) {
		ftp_push(ctx, st, FTP_AWAIT_AUTH);
	} else
		ftp_push(ctx, st, FTP_AWAIT_NONE);
	return TP_NEXT;
}

static int
ftp_server_line(struct dctx *ctx, void *state, int dir, const uint8_t *line,
    size_t n)
{
	struct ftp_state *st = state;
	int code = tp_reply_code(&st->ml, line, n);

	if (code < 0) {
		dctx_weird(ctx, "ftp_bad_reply");
		return TP_NEXT;
	}
	if (code == 0 || code < 200)
		return TP_NEXT;		/* inside a multi-line or preliminary */
	switch (tp_queue_pop(&st->queue, FTP_AWAIT_NONE)) {
	case FTP_AWAIT_USER:
		if (code == 230 && st->cred.mechanism != NULL) {
			/* Logged in on USER alone: no secret was asked. */
			st->cred.cls = CRED_NONE;
			st->cred.mechanism = "USER";
			st->cred.pending = 1;
			tp_cred_report(ctx, "ftp", &st->cred,
			    CRED_OUTCOME_SUCCESS);
		} else if (code >= 400 && st->cred.mechanism != NULL) {
			/*
			 * Refused at USER: no secret crossed, but the name did,
			 * and the refusal is a failed attempt (enumeration and
			 * brute force show up this way).
			 */
			st->cred.mechanism = "USER";
			st->cred.pending = 1;
			tp_cred_report(ctx, "ftp", &st->cred,
			    CRED_OUTCOME_FAILURE);
		}
		break;
	case FTP_AWAIT_PASS:
		if (code == 332)
			break;		/* ACCT still to come */
		tp_cred_report(ctx, "ftp", &st->cred, code < 400 ?
		    CRED_OUTCOME_SUCCESS : CRED_OUTCOME_FAILURE);
		break;
	case FTP_AWAIT_AUTH:
		if (code == 234) {
			dctx_done(ctx);
			return TP_STOP;
		}
		break;
	default:
		break;
	}
	return TP_NEXT;
}

static size_t
ftp_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct ftp_state *st = state;

	return tp_each_line(ctx, st, dir, data, len, FTP_LINE_MAX,
	    &st->skip[dir & 1], "ftp_line_too_long",
	    dir == DIR_TO_SERVER ? ftp_client_line : ftp_server_line);
}

/* A server greeting: "220" then SP or '-', naming FTP (not ESMTP). */
static int
ftp_probe(const uint8_t *data, size_t len, int dir)
{
	size_t n;

	/* The greeting's code first: most first payloads are not one, and
	 * are then not scanned for a line end. */
	if (dir != DIR_TO_CLIENT || len < 4 || memcmp(data, "220", 3) != 0 ||
	    (data[3] != ' ' && data[3] != '-') || tp_line(data, len, &n) == 0)
		return 0;
	return tp_ifind(data, n, "ftp") >= 0 && tp_ifind(data, n, "smtp") < 0;
}

static void
ftp_free(struct dctx *ctx, void *state)
{
	struct ftp_state *st = state;

	tp_cred_report(ctx, "ftp", &st->cred, CRED_OUTCOME_UNKNOWN);
}

static const uint16_t ftp_ports[] = { 21, 0 };

const struct dissector ftp_dissector = {
	.name = "ftp",
	.description = "FTP control channel logins (USER/PASS)",
	.transport = DISSECTOR_TCP,
	.ports = ftp_ports,
	.probe = ftp_probe,
	.parse = ftp_parse,
	.state_size = sizeof(struct ftp_state),
	.free = ftp_free,
};
