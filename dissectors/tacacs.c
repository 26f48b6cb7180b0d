/*
 * tacacs.c - TACACS+ authentication (TCP 49).
 *
 * Spec: RFC 8907 (The TACACS+ Protocol): 4.1 the header and its
 * TAC_PLUS_UNENCRYPTED_FLAG, 4.5 obfuscation, 5.1 START, 5.2 REPLY,
 * 5.3 CONTINUE, 5.4.2 the authentication types.
 *
 * Only bodies sent with TAC_PLUS_UNENCRYPTED_FLAG (0x01) are readable.
 * Obfuscated bodies (the flag clear: XOR with an MD5 pad keyed by the
 * shared secret, unknown to a sensor) give no fact, and the first one ends
 * dissection of the connection.
 * Facts (authentication packets, matched by session_id):
 *  - START with authen_type PAP: user and data = the password,
 *    CRED_CLEARTEXT, mechanism "PAP";
 *  - ASCII login: the user from START or from the CONTINUE that answers a
 *    GETUSER reply, the password from the CONTINUE user_msg that answers
 *    GETPASS: CRED_CLEARTEXT, mechanism "ASCII";
 *  - START with authen_type CHAP: data = PPP id, challenge, 16-byte
 *    response: CRED_WEAK, crack line in hashcat mode 4800's format
 *    <response hex>:<challenge hex>:<id hex>.
 * Each carries the extras "port" and "rem_addr" when START had them.  The
 * outcome is the REPLY status: PASS success, FAIL failure (RESTART, ERROR
 * and FOLLOW leave it unknown).
 * Not facts: MS-CHAP, ARAP, password changes, authorization and
 * accounting packets.
 * Strict: a version other than 0xc0/0xc1, an unknown packet type, a
 * sequence number whose parity does not match the direction, or field
 * lengths that do not add up to the body count tacacs_malformed and stop
 * dissection; bodies over TAC_BODY_MAX stop it too (tacacs_too_long).
 */
#include <string.h>

#include "codec.h"
#include "cursor.h"
#include "dissector.h"
#include "textproto.h"

#define TAC_HDR_LEN		12
#define TAC_BODY_MAX		4096

#define TAC_TYPE_AUTHEN		0x01
#define TAC_TYPE_AUTHOR		0x02
#define TAC_TYPE_ACCT		0x03

#define TAC_UNENCRYPTED_FLAG	0x01

#define TAC_AUTHEN_LOGIN	0x01
#define TAC_AUTHEN_TYPE_ASCII	0x01
#define TAC_AUTHEN_TYPE_PAP	0x02
#define TAC_AUTHEN_TYPE_CHAP	0x03

#define TAC_STATUS_PASS		0x01
#define TAC_STATUS_FAIL		0x02
#define TAC_STATUS_GETUSER	0x04
#define TAC_STATUS_GETPASS	0x05

#define TAC_CHAP_RESPONSE_LEN	16

struct tacacs_state {
	uint32_t	session;	/* of the authentication followed */
	uint8_t		active;		/* an ASCII login is under way */
	uint8_t		asked;		/* last REPLY status */
	struct tp_cred	cred;		/* pending once it has a secret */
};

static const uint16_t tacacs_ports[] = { 49, 0 };

static void
tacacs_flush(struct dctx *ctx, struct tacacs_state *st, enum cred_outcome o)
{
	if (st->cred.pending && st->cred.has_secret)
		tp_cred_report(ctx, "tacacs", &st->cred, o);
	else
		tp_wipe(&st->cred, sizeof(st->cred));
	st->active = 0;
	st->asked = 0;
}

static void
tacacs_chap(struct tacacs_state *st, const uint8_t *d, size_t n)
{
	struct tp_cred *c = &st->cred;
	const uint8_t *resp = d + n - TAC_CHAP_RESPONSE_LEN;
	size_t w;

	c->mechanism = "CHAP";
	c->cls = CRED_WEAK;
	w = (size_t)hex_encode(resp, TAC_CHAP_RESPONSE_LEN, c->crack,
	    sizeof(c->crack));
	c->crack[w++] = ':';
	w += (size_t)hex_encode(d + 1, n - 1 - TAC_CHAP_RESPONSE_LEN,
	    c->crack + w, sizeof(c->crack) - w);
	c->crack[w++] = ':';
	hex_encode(d, 1, c->crack + w, sizeof(c->crack) - w);
	memcpy(c->secret, resp, TAC_CHAP_RESPONSE_LEN);
	c->secret_len = TAC_CHAP_RESPONSE_LEN;
	c->has_secret = 1;
}

/* Authentication START; -1 when malformed. */
static int
tacacs_start(struct dctx *ctx, struct tacacs_state *st, struct cursor *b)
{
	const uint8_t *user, *port, *rem, *data;
	uint8_t action, type, ulen, plen, rlen, dlen;

	action = cur_u8(b);
	cur_skip(b, 1);			/* priv_lvl */
	type = cur_u8(b);
	cur_skip(b, 1);			/* authen_service */
	ulen = cur_u8(b);
	plen = cur_u8(b);
	rlen = cur_u8(b);
	dlen = cur_u8(b);
	user = cur_take(b, ulen);
	port = cur_take(b, plen);
	rem = cur_take(b, rlen);
	data = cur_take(b, dlen);
	if (!cur_ok(b) || cur_left(b) != 0)
		return -1;
	if (action != TAC_AUTHEN_LOGIN)
		return 0;		/* password change, sendauth */
	if (type == TAC_AUTHEN_TYPE_CHAP && dlen < 2 + TAC_CHAP_RESPONSE_LEN)
		return -1;
	if (type != TAC_AUTHEN_TYPE_ASCII && type != TAC_AUTHEN_TYPE_PAP &&
	    type != TAC_AUTHEN_TYPE_CHAP)
		return 0;		/* MS-CHAP, ARAP */
	tp_cred_begin(&st->cred, type == TAC_AUTHEN_TYPE_PAP ? "PAP" :
	    "ASCII", CRED_CLEARTEXT);
	if (ulen > 0)
		tp_cred_user(ctx, &st->cred, user, ulen);
	if (plen > 0)
		tp_cred_extra(&st->cred, "port", port, plen);
	if (rlen > 0)
		tp_cred_extra(&st->cred, "rem_addr", rem, rlen);
	if (type == TAC_AUTHEN_TYPE_PAP)
		tp_cred_secret(ctx, &st->cred, data, dlen);
	else if (type == TAC_AUTHEN_TYPE_CHAP)
		tacacs_chap(st, data, dlen);
	else
		st->active = 1;
	return 0;
}

/* Authentication CONTINUE; -1 when malformed. */
static int
tacacs_continue(struct dctx *ctx, struct tacacs_state *st, struct cursor *b)
{
	const uint8_t *msg;
	uint16_t mlen, dlen;

	mlen = cur_be16(b);
	dlen = cur_be16(b);
	cur_skip(b, 1);			/* flags: abort */
	msg = cur_take(b, mlen);
	cur_skip(b, dlen);
	if (!cur_ok(b) || cur_left(b) != 0)
		return -1;
	if (!st->active)
		return 0;
	if (st->asked == TAC_STATUS_GETUSER)
		tp_cred_user(ctx, &st->cred, msg, mlen);
	else if (st->asked == TAC_STATUS_GETPASS)
		tp_cred_secret(ctx, &st->cred, msg, mlen);
	return 0;
}

/* Authentication REPLY; -1 when malformed. */
static int
tacacs_reply(struct dctx *ctx, struct tacacs_state *st, struct cursor *b)
{
	uint16_t mlen, dlen;
	uint8_t status;

	status = cur_u8(b);
	cur_skip(b, 1);			/* flags: noecho */
	mlen = cur_be16(b);
	dlen = cur_be16(b);
	cur_skip(b, (size_t)mlen + dlen);
	if (!cur_ok(b) || cur_left(b) != 0)
		return -1;
	if (status == TAC_STATUS_GETUSER || status == TAC_STATUS_GETPASS ||
	    status == 0x03) {		/* GETDATA */
		st->asked = status;
		return 0;
	}
	tacacs_flush(ctx, st, status == TAC_STATUS_PASS ?
	    CRED_OUTCOME_SUCCESS : status == TAC_STATUS_FAIL ?
	    CRED_OUTCOME_FAILURE : CRED_OUTCOME_UNKNOWN);
	return 0;
}

static size_t
tacacs_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct tacacs_state *st = state;
	struct cursor c, body;
	uint8_t version, type, seq, flags;
	uint32_t session, blen;
	size_t used = 0;
	int r;

	cur_init(&c, data, len);
	while (cur_left(&c) >= TAC_HDR_LEN) {
		version = cur_u8(&c);
		type = cur_u8(&c);
		seq = cur_u8(&c);
		flags = cur_u8(&c);
		session = cur_be32(&c);
		blen = cur_be32(&c);
		if ((version != 0xc0 && version != 0xc1) || type < 1 ||
		    type > 3 || seq == 0 || (seq & 1) != (dir == DIR_TO_SERVER))
			goto bad;
		if (blen > TAC_BODY_MAX) {
			dctx_weird(ctx, "tacacs_too_long");
			goto stop;
		}
		if (!(flags & TAC_UNENCRYPTED_FLAG)) {
			tacacs_flush(ctx, st, CRED_OUTCOME_UNKNOWN);
			goto stop;	/* obfuscated with the shared key */
		}
		if (cur_left(&c) < blen)
			break;
		body = cur_sub(&c, blen);
		used = c.off;
		if (type != TAC_TYPE_AUTHEN)
			continue;
		if (seq == 1) {
			tacacs_flush(ctx, st, CRED_OUTCOME_UNKNOWN);
			st->session = session;
			r = tacacs_start(ctx, st, &body);
		} else if (session != st->session)
			continue;	/* a session we did not see start */
		else if (dir == DIR_TO_SERVER)
			r = tacacs_continue(ctx, st, &body);
		else
			r = tacacs_reply(ctx, st, &body);
		if (r < 0)
			goto bad;
	}
	return used;
bad:
	dctx_weird(ctx, "tacacs_malformed");
stop:
	tp_wipe(&st->cred, sizeof(st->cred));
	dctx_done(ctx);
	return len;
}

static void
tacacs_free(struct dctx *ctx, void *state)
{
	tacacs_flush(ctx, state, CRED_OUTCOME_UNKNOWN);
}

const struct dissector tacacs_dissector = {
	.name = "tacacs",
	.description = "TACACS+ PAP, ASCII and CHAP logins (unencrypted)",
	.transport = DISSECTOR_TCP,
	.ports = tacacs_ports,
	.parse = tacacs_parse,
	.state_size = sizeof(struct tacacs_state),
	.free = tacacs_free,
};
