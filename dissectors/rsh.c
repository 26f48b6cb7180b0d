/*
 * rsh.c - the BSD r-commands: rexec (TCP 512), rlogin (TCP 513, RFC 1282)
 * and rsh (TCP 514).  The server port tells them apart.  They open with one
 * client message of NUL-terminated strings (rexecd(8), rshd(8), RFC 1282):
 *   rexec   port \0 user \0 password \0 command \0
 *   rlogin       \0 client-user \0 server-user \0 terminal/speed \0
 *   rsh     port \0 client-user \0 server-user \0 command \0
 * and the server answers one byte: \0 accepted, \1 followed by an error
 * message refused.
 *
 * Facts: rexec is a cleartext credential (user, password; the command as an
 * extra).  rsh and rlogin carry no secret: they log in on the server's
 * trust of the client host (.rhosts / hosts.equiv), reported as CRED_NONE,
 * mechanism "rhosts", user = server-user, with client_user and the command
 * or terminal as extras.  When rlogind does not trust the host it runs
 * login(1), which asks "Password:" in the session: then the trust login is
 * a failure and the typed password a cleartext fact of its own (mechanism
 * "password"), its outcome from what the server prints next.
 * Not a fact: a handshake that breaks the format (non-digit port, missing
 * NUL within bounds, empty user, control bytes in user names) — counted as
 * a weird and dissection stops.
 */
#include <string.h>

#include "textproto.h"

#define RSH_FIELD_MAX	1024	/* user names, password, terminal */
#define RSH_CMD_MAX	8192	/* a command line */
#define RSH_SESSION_MAX	4096	/* rlogin output watched for a prompt */

enum rsh_variant {
	RSH_UNKNOWN = 0,
	RSH_REXEC,
	RSH_RLOGIN,
	RSH_RSH
};

enum rsh_phase {
	RSH_HANDSHAKE = 0,	/* waiting for the client's strings */
	RSH_REPLY,		/* waiting for the server's \0 or \1 */
	RSH_SESSION,		/* rlogin accepted: trusted, or a prompt? */
	RSH_PASS,		/* rlogin: the user types a password */
	RSH_VERDICT,		/* rlogin: what follows the password */
	RSH_END
};

struct rsh_state {
	struct tp_cred		cred;
	struct tp_tty_line	line;
	struct tp_tail		tail;
	uint32_t		session_bytes;
	uint8_t			variant;
	uint8_t			phase;
	uint8_t			partial;	/* part of a handshake seen */
};

static const char *const rsh_proto[] = { "rsh", "rexec", "rlogin", "rsh" };

static void
rsh_stop(struct dctx *ctx, struct rsh_state *st)
{
	st->phase = RSH_END;
	dctx_done(ctx);
}

/*
 * Splits the handshake into its four strings.  Returns the bytes it spans,
 * 0 if more data is needed, or -1 if the format is broken.
 */
static long
rsh_fields(const uint8_t *data, size_t len, const uint8_t *f[4],
    size_t flen[4])
{
	static const size_t caps[4] = { 5, RSH_FIELD_MAX, RSH_FIELD_MAX,
	    RSH_CMD_MAX };
	size_t off = 0, i;
	long z;

	for (i = 0; i < 4; i++) {
		f[i] = data + off;
		z = tp_find(data + off, len - off, 0);
		if (z < 0)
			return len - off > caps[i] ? -1 : 0;
		if ((size_t)z > caps[i])
			return -1;
		flen[i] = (size_t)z;
		off += (size_t)z + 1;
	}
	return (long)off;
}

static int
rsh_name_ok(const uint8_t *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* rlogin opens with an empty string; rsh and rexec with a port or "". */
static int
rsh_port_ok(uint8_t variant, const uint8_t *s, size_t n)
{
	long long port;

	if (variant == RSH_RLOGIN || n == 0)
		return n == 0;
	port = tp_decimal(s, n, 5);
	return port >= 0 && port <= 65535;
}

static size_t
rsh_handshake(struct dctx *ctx, struct rsh_state *st, const uint8_t *data,
    size_t len)
{
	const uint8_t *f[4];
	size_t flen[4];
	long used = rsh_fields(data, len, f, flen);

	if (used == 0)
		return 0;
	if (used < 0 || !rsh_port_ok(st->variant, f[0], flen[0]) ||
	    !rsh_name_ok(f[1], flen[1]) ||
	    (st->variant != RSH_REXEC && !rsh_name_ok(f[2], flen[2]))) {
		dctx_weird(ctx, "rsh_bad_handshake");
		rsh_stop(ctx, st);
		return len;
	}
	if (st->variant == RSH_REXEC) {
		tp_cred_begin(&st->cred, "rexec", CRED_CLEARTEXT);
		tp_cred_user(ctx, &st->cred, f[1], flen[1]);
		tp_cred_secret(ctx, &st->cred, f[2], flen[2]);
		tp_cred_extra(&st->cred, "command", f[3], flen[3]);
	} else {
		tp_cred_begin(&st->cred, "rhosts", CRED_NONE);
		tp_cred_user(ctx, &st->cred, f[2], flen[2]);
		tp_cred_extra(&st->cred, "client_user", f[1], flen[1]);
		tp_cred_extra(&st->cred, st->variant == RSH_RLOGIN ?
		    "terminal" : "command", f[3], flen[3]);
	}
	if (st->variant != RSH_RLOGIN)
		tp_command(ctx, rsh_proto[st->variant], f[3], flen[3]);
	st->phase = RSH_REPLY;
	return (size_t)used;
}

static void
rsh_report(struct dctx *ctx, struct rsh_state *st, enum cred_outcome o)
{
	tp_cred_report(ctx, rsh_proto[st->variant], &st->cred, o);
}

/* rlogin after the \0: watch for login(1)'s prompt or a session. */
static void
rsh_session(struct dctx *ctx, struct rsh_state *st, const uint8_t *data,
    size_t len)
{
	uint8_t user[TP_USER_MAX];
	size_t i, ulen;
	enum cred_outcome o;

	for (i = 0; i < len; i++)
		tp_tail_add(&st->tail, data[i]);
	st->session_bytes += (uint32_t)len;
	if (st->phase == RSH_VERDICT) {
		if (tp_login_verdict(&st->tail, &o)) {
			rsh_report(ctx, st, o);
			rsh_stop(ctx, st);
		}
	} else if (tp_prompt_at_end(&st->tail) == TP_PROMPT_PASS) {
		/* Not trusted: login(1) asks for the password. */
		ulen = tp_copy(user, sizeof(user), st->cred.user,
		    st->cred.user_len);
		rsh_report(ctx, st, CRED_OUTCOME_FAILURE);
		tp_cred_begin(&st->cred, "password", CRED_CLEARTEXT);
		st->cred.pending = 0;
		tp_cred_user(ctx, &st->cred, user, ulen);
		tp_wipe(user, sizeof(user));
		tp_tty_clear(&st->line);
		st->phase = RSH_PASS;
	} else if (tp_login_verdict(&st->tail, &o)) {
		rsh_report(ctx, st, o);
		rsh_stop(ctx, st);
	}
	if (st->phase != RSH_END && st->session_bytes > RSH_SESSION_MAX) {
		rsh_report(ctx, st, CRED_OUTCOME_UNKNOWN);
		rsh_stop(ctx, st);
	}
}

static void
rsh_server(struct dctx *ctx, struct rsh_state *st, const uint8_t *data,
    size_t len)
{
	if (st->phase != RSH_REPLY) {
		if (st->phase >= RSH_SESSION && st->phase < RSH_END)
			rsh_session(ctx, st, data, len);
		return;
	}
	if (data[0] == 1) {
		rsh_report(ctx, st, CRED_OUTCOME_FAILURE);
		rsh_stop(ctx, st);
		return;
	}
	if (data[0] != 0) {
		dctx_weird(ctx, "rsh_bad_reply");
		rsh_report(ctx, st, CRED_OUTCOME_UNKNOWN);
		rsh_stop(ctx, st);
		return;
	}
	if (st->variant != RSH_RLOGIN) {
		rsh_report(ctx, st, CRED_OUTCOME_SUCCESS);
		rsh_stop(ctx, st);
		return;
	}
	st->phase = RSH_SESSION;
	if (len > 1)
		rsh_session(ctx, st, data + 1, len - 1);
}

static void
rsh_client_keys(struct dctx *ctx, struct rsh_state *st, const uint8_t *data,
    size_t len)
{
	size_t i;

	for (i = 0; i < len && st->phase == RSH_PASS; i++) {
		if (!tp_tty_feed(&st->line, data[i]))
			continue;
		tp_cred_secret(ctx, &st->cred, st->line.buf, st->line.len);
		st->cred.pending = 1;
		tp_tty_clear(&st->line);
		tp_tail_clear(&st->tail);
		st->phase = RSH_VERDICT;
	}
}

static size_t
rsh_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct rsh_state *st = state;

	if (st->variant == RSH_UNKNOWN) {
		switch (dctx_server_port(ctx)) {
		case 512:
			st->variant = RSH_REXEC;
			break;
		case 513:
			st->variant = RSH_RLOGIN;
			break;
		case 514:
			st->variant = RSH_RSH;
			break;
		default:
			dctx_weird(ctx, "rsh_unknown_port");
			rsh_stop(ctx, st);
			return len;
		}
	}
	if (st->phase == RSH_END || len == 0)
		return len;
	if (dir == DIR_TO_SERVER) {
		if (st->phase == RSH_HANDSHAKE) {
			st->partial = 1;
			return rsh_handshake(ctx, st, data, len);
		}
		rsh_client_keys(ctx, st, data, len);
		return len;
	}
	if (st->phase == RSH_HANDSHAKE) {
		dctx_weird(ctx, "rsh_server_first");
		rsh_stop(ctx, st);
		return len;
	}
	rsh_server(ctx, st, data, len);
	return len;
}

static void
rsh_free(struct dctx *ctx, void *state)
{
	struct rsh_state *st = state;

	if (st->phase == RSH_HANDSHAKE && st->partial)
		dctx_weird(ctx, "rsh_handshake_truncated");
	if (st->variant != RSH_UNKNOWN)
		rsh_report(ctx, st, CRED_OUTCOME_UNKNOWN);
	tp_wipe(&st->line, sizeof(st->line));
}

static const uint16_t rsh_ports[] = { 512, 513, 514, 0 };

const struct dissector rsh_dissector = {
	.name = "rsh",
	.description = "BSD r-commands: rexec passwords, rsh/rlogin trust logins",
	.transport = DISSECTOR_TCP,
	.ports = rsh_ports,
	.parse = rsh_parse,
	.state_size = sizeof(struct rsh_state),
	.free = rsh_free,
};
