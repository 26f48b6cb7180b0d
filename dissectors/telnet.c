/*
 * telnet.c - Telnet logins (RFC 854 protocol, RFC 855 option negotiation,
 * RFC 857 ECHO, RFC 858 SUPPRESS-GO-AHEAD).
 *
 * Telnet carries no login protocol: the server prints prompts and the user
 * types, usually one character per segment with the server echoing it.  So
 * both directions pass through an IAC state machine (IAC IAC is a literal
 * 0xff, WILL/WONT/DO/DONT take one option byte, SB ... IAC SE is dropped);
 * the server's output is matched for prompts at its end ("login:",
 * "Username:", "User Name:", "Password:", case-insensitive), and the
 * client's keystrokes after a prompt are edited like a terminal would
 * (BS/DEL, ^U) until CR or LF.
 *
 * Fact: a line typed after a password prompt is a cleartext credential,
 * with the user typed after the preceding user prompt if there was one.
 * Outcome from what the server prints next: "Login incorrect",
 * "% Authentication failed" and the like, or another prompt → failure;
 * "Last login" or a shell prompt ($ # > %) → success; unknown if the flow
 * ends before either.
 * Command facts: after a successful login, each line typed at the shell or
 * device CLI (the first TN_MAX_COMMANDS), for edge_mgmt_session and
 * packet_capture findings.  A session that reaches a CLI prompt with no
 * login at all (tp_cli_prompt: a console server's reverse Telnet port,
 * 2000 + line on Cisco, Digi and Opengear, found by its option
 * negotiation; a device with no login configured) counts as logged in.
 * Known gap: raw-TCP serial ports (no Telnet negotiation, 4000 + line)
 * have no structure to recognise them by and are not dissected.
 * Not a fact: prompt words in the middle of server output, anything the
 * client types before a login when no prompt is pending, a user line
 * without a password.
 * Known gap: NEW-ENVIRON (RFC 1572) USER variables are not read.
 */
#include <string.h>

#include "textproto.h"

#define IAC	255
#define DONT	254
#define DO	253
#define WONT	252
#define WILL	251
#define SB	250
#define SE	240

enum tn_iac {
	TN_DATA = 0,
	TN_IAC,		/* after IAC */
	TN_OPT,		/* after WILL/WONT/DO/DONT: the option byte */
	TN_SB,		/* inside a subnegotiation */
	TN_SB_IAC	/* IAC inside a subnegotiation */
};

enum tn_phase {
	TN_IDLE = 0,
	TN_USER,	/* a user prompt is waiting for its line */
	TN_PASS,	/* a password prompt is waiting for its line */
	TN_VERDICT	/* a password was sent: what does the server say? */
};

struct telnet_state {
	struct tp_cred		cred;	/* user once typed; pending once a
					 * password was */
	struct tp_tty_line	line;	/* what the client is typing */
	struct tp_tail		tail;	/* server output since the last line */
	uint8_t			iac[2];	/* per direction */
	uint8_t			phase;
	uint8_t			logged_in;	/* a login succeeded */
	uint8_t			commands;	/* reported (TN_MAX_COMMANDS) */
};

/* Command lines reported after a login, per flow. */
#define TN_MAX_COMMANDS	32

/* Runs one byte through the IAC machine; returns 1 if it is data. */
static int
tn_iac(struct dctx *ctx, uint8_t *state, uint8_t ch)
{
	switch (*state) {
	case TN_DATA:
		if (ch != IAC)
			return 1;
		*state = TN_IAC;
		return 0;
	case TN_IAC:
		if (ch == IAC) {
			*state = TN_DATA;
			return 1;	/* IAC IAC: a literal 0xff */
		}
		if (ch >= WILL && ch <= DONT)
			*state = TN_OPT;
		else if (ch == SB)
			*state = TN_SB;
		else
			*state = TN_DATA;	/* NOP, GA, AYT, ... */
		return 0;
	case TN_OPT:
		*state = TN_DATA;
		return 0;
	case TN_SB:
		if (ch == IAC)
			*state = TN_SB_IAC;
		return 0;
	default:	/* TN_SB_IAC */
		if (ch == SE)
			*state = TN_DATA;
		else {
			if (ch != IAC)
				dctx_weird(ctx, "telnet_bad_subnegotiation");
			*state = TN_SB;
		}
		return 0;
	}
}

static void
tn_client_line(struct dctx *ctx, struct telnet_state *st)
{
	if (st->line.overflow)
		dctx_weird(ctx, "telnet_line_too_long");
	if (st->phase == TN_IDLE) {
		/* A shell or device CLI after a login: a command. */
		if (st->commands < TN_MAX_COMMANDS && st->line.len > 0) {
			st->commands++;
			tp_command(ctx, "telnet", st->line.buf, st->line.len);
		}
	} else if (st->phase == TN_USER) {
		tp_cred_report(ctx, "telnet", &st->cred, CRED_OUTCOME_UNKNOWN);
		if (st->line.len > 0) {
			tp_cred_begin(&st->cred, "login", CRED_CLEARTEXT);
			st->cred.pending = 0;	/* a user alone is no login */
			tp_cred_user(ctx, &st->cred, st->line.buf,
			    st->line.len);
		}
		st->phase = TN_IDLE;
	} else {
		if (st->cred.mechanism == NULL)	/* password-only prompt */
			tp_cred_begin(&st->cred, "login", CRED_CLEARTEXT);
		tp_cred_secret(ctx, &st->cred, st->line.buf, st->line.len);
		st->cred.pending = 1;
		st->phase = TN_VERDICT;
	}
	tp_tty_clear(&st->line);
	tp_tail_clear(&st->tail);
}

static void
tn_client(struct dctx *ctx, struct telnet_state *st, const uint8_t *data,
    size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!tn_iac(ctx, &st->iac[DIR_TO_SERVER], data[i]))
			continue;
		if (st->phase != TN_USER && st->phase != TN_PASS &&
		    !(st->phase == TN_IDLE && st->logged_in))
			continue;
		if (tp_tty_feed(&st->line, data[i]))
			tn_client_line(ctx, st);
	}
}

static void
tn_server(struct dctx *ctx, struct telnet_state *st, const uint8_t *data,
    size_t len)
{
	enum cred_outcome outcome;
	enum tp_prompt prompt;
	enum tn_phase next;
	size_t i;

	for (i = 0; i < len; i++)
		if (tn_iac(ctx, &st->iac[DIR_TO_CLIENT], data[i]))
			tp_tail_add(&st->tail, data[i]);
	if (st->phase == TN_VERDICT) {
		if (!tp_login_verdict(&st->tail, &outcome))
			return;
		tp_cred_report(ctx, "telnet", &st->cred, outcome);
		st->phase = TN_IDLE;
		if (outcome == CRED_OUTCOME_SUCCESS) {
			st->logged_in = 1;
			tp_tty_clear(&st->line);
		}
	}
	prompt = tp_prompt_at_end(&st->tail);
	if (prompt == TP_PROMPT_NONE) {
		/* Already at a CLI, no login asked: commands follow. */
		if (st->phase == TN_IDLE && !st->logged_in &&
		    tp_cli_prompt(&st->tail)) {
			st->logged_in = 1;
			tp_tty_clear(&st->line);
		}
		return;
	}
	next = prompt == TP_PROMPT_USER ? TN_USER : TN_PASS;
	/* The same prompt still at the end (the server only negotiated):
	 * keep what the user has typed so far. */
	if (st->phase == next)
		return;
	st->phase = next;
	tp_tty_clear(&st->line);
}

static size_t
telnet_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct telnet_state *st = state;

	if (dir == DIR_TO_SERVER)
		tn_client(ctx, st, data, len);
	else
		tn_server(ctx, st, data, len);
	return len;
}

/* Option negotiation up front: IAC WILL/WONT/DO/DONT <option>. */
static int
telnet_probe(const uint8_t *data, size_t len, int dir)
{
	return len >= 3 && data[0] == IAC && data[1] >= WILL && data[1] <= DONT;
}

static void
telnet_free(struct dctx *ctx, void *state)
{
	struct telnet_state *st = state;

	tp_cred_report(ctx, "telnet", &st->cred, CRED_OUTCOME_UNKNOWN);
	tp_wipe(&st->line, sizeof(st->line));
}

static const uint16_t telnet_ports[] = { 23, 0 };

const struct dissector telnet_dissector = {
	.name = "telnet",
	.description = "Telnet interactive logins (prompt and typed lines)",
	.transport = DISSECTOR_TCP,
	.ports = telnet_ports,
	.probe = telnet_probe,
	.parse = telnet_parse,
	.state_size = sizeof(struct telnet_state),
	.free = telnet_free,
};
