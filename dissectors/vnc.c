/*
 * vnc.c - VNC (RFB) authentication (TCP 5900-5906, and a probe on the
 * "RFB 003.00x\n" banner).
 *
 * Spec: RFC 6143 (The Remote Framebuffer Protocol, 3.8) section 7.1 and its
 * notes on 3.3 and 3.7; Apple's 003.889 behaves as 3.8 (as do RealVNC's
 * 004.00x banners); Apple Remote Desktop (security type 30) framing: a
 * generator, a key length and two keys of that length from the server, 128
 * bytes of ciphertext and a key from the client.
 *
 * Facts, with the extra "security_type" (the number) on each:
 *  - type 2, VNC Authentication: CRED_WEAK; the 16-byte DES challenge and
 *    the 16-byte response are the material, crack line in John the
 *    Ripper's format $vnc$*<challenge hex>*<response hex>, secret = the
 *    response.  Outcome: SecurityResult 0 success, anything else failure.
 *  - type 1, None: CRED_NONE with the extra "unauthenticated" true;
 *    outcome from SecurityResult in 3.8, success in 3.3 and 3.7 (which have
 *    none).
 *  - Apple Remote Desktop and any other type: the mechanism only, CRED_NONE
 *    (the credentials, if any, are encrypted under a key agreed on the
 *    wire, so nothing crackable is visible); ARD's outcome comes from its
 *    SecurityResult, other types' is unknown.
 * Not facts: a server that refuses the connection (no types, with a
 * reason), a client that never selects; anything after SecurityResult.
 * Strict: a banner, security type count or selection outside the spec (a
 * type the server did not offer) counts vnc_malformed and stops.
 */
#include <string.h>

#include "codec.h"
#include "cursor.h"
#include "dissector.h"

#define RFB_BANNER_LEN		12
#define RFB_CHALLENGE_LEN	16
#define RFB_ARD_CIPHER_LEN	128
#define RFB_REASON_MAX		4096

#define RFB_SEC_INVALID		0
#define RFB_SEC_NONE		1
#define RFB_SEC_VNC		2
#define RFB_SEC_ARD		30

/* Effective protocol versions. */
#define RFB_33			33
#define RFB_37			37
#define RFB_38			38

enum vnc_server { VS_VERSION = 0, VS_SECURITY, VS_AUTH, VS_RESULT };
enum vnc_client { VC_VERSION = 0, VC_SELECT, VC_AUTH, VC_DONE };

/* Step results. */
#define V_OK		1
#define V_MORE		0
#define V_BAD		(-1)
#define V_END		2

struct vnc_state {
	uint8_t		server;		/* enum vnc_server */
	uint8_t		client;		/* enum vnc_client */
	uint8_t		server_version;
	uint8_t		version;	/* effective */
	uint8_t		type;		/* selected security type, 0: none */
	uint8_t		pending;
	uint16_t	ard_keylen;	/* 0 until the server's parameters */
	uint8_t		offered[32];	/* bitmap of the server's types */
	uint8_t		challenge[RFB_CHALLENGE_LEN];
	uint8_t		response[RFB_CHALLENGE_LEN];
};

static const uint16_t vnc_ports[] = {
	5900, 5901, 5902, 5903, 5904, 5905, 5906, 0
};

static const struct {
	uint8_t		 type;
	const char	*name;
} vnc_types[] = {
	{ 1, "None" }, { 2, "VNC Authentication" }, { 5, "RA2" },
	{ 6, "RA2ne" }, { 16, "Tight" }, { 17, "Ultra" }, { 18, "TLS" },
	{ 19, "VeNCrypt" }, { 20, "SASL" }, { 21, "MD5 hash" },
	{ 22, "xvp" }, { 30, "Apple Remote Desktop" },
};

static const char *
vnc_type_name(uint8_t type)
{
	size_t i;

	for (i = 0; i < sizeof(vnc_types) / sizeof(vnc_types[0]); i++)
		if (vnc_types[i].type == type)
			return vnc_types[i].name;
	return "other";
}

static void
vnc_report(struct dctx *ctx, struct vnc_state *st, enum cred_outcome o)
{
	char crack[8 + 4 * RFB_CHALLENGE_LEN];
	struct cred_fact f;
	size_t n;

	if (!st->pending)
		return;
	st->pending = 0;
	cred_fact_init(&f, "vnc", vnc_type_name(st->type),
	    st->type == RFB_SEC_VNC ? CRED_WEAK : CRED_NONE);
	f.outcome = o;
	fact_extra_int(&f, "security_type", st->type);
	if (st->type == RFB_SEC_NONE)
		fact_extra_bool(&f, "unauthenticated", 1);
	if (st->type == RFB_SEC_VNC) {
		memcpy(crack, "$vnc$*", 6);
		n = 6;
		n += (size_t)hex_encode(st->challenge, RFB_CHALLENGE_LEN,
		    crack + n, sizeof(crack) - n);
		crack[n++] = '*';
		hex_encode(st->response, RFB_CHALLENGE_LEN, crack + n,
		    sizeof(crack) - n);
		f.crack = crack;
		f.secret = st->response;
		f.secret_len = RFB_CHALLENGE_LEN;
	}
	dctx_credential(ctx, &f);
}

/* "RFB xxx.yyy\n" to an effective version; 0 if it is not one. */
static uint8_t
vnc_banner(const uint8_t *b, size_t n)
{
	unsigned major = 0, minor = 0, i;

	if (n < RFB_BANNER_LEN || memcmp(b, "RFB ", 4) != 0 || b[7] != '.' ||
	    b[11] != '\n')
		return 0;
	for (i = 4; i < 11; i++) {
		if (i == 7)
			continue;
		if (b[i] < '0' || b[i] > '9')
			return 0;
		if (i < 7)
			major = major * 10 + (b[i] - '0');
		else
			minor = minor * 10 + (b[i] - '0');
	}
	if (major == 3 && minor >= 3)
		return minor >= 8 ? RFB_38 : minor == 7 ? RFB_37 : RFB_33;
	return major == 4 ? RFB_38 : 0;
}

/* Skips a u32-length reason string (bounded). */
static int
vnc_reason(struct cursor *c)
{
	uint32_t n = cur_be32(c);

	if (!cur_ok(c))
		return V_MORE;
	if (n > RFB_REASON_MAX)
		return V_BAD;
	if (!cur_has(c, n))
		return V_MORE;
	cur_skip(c, n);
	return V_END;
}

static int
vnc_server_security(struct dctx *ctx, struct vnc_state *st,
    struct cursor *c)
{
	uint32_t type;
	uint8_t n, t, i;

	if (st->client == VC_VERSION)
		return V_MORE;		/* the format depends on the client */
	if (st->version == RFB_33) {
		type = cur_be32(c);
		if (!cur_ok(c))
			return V_MORE;
		if (type == RFB_SEC_INVALID)
			return vnc_reason(c);
		if (type != RFB_SEC_NONE && type != RFB_SEC_VNC)
			return V_BAD;
		st->type = (uint8_t)type;
		st->pending = 1;
		if (type == RFB_SEC_NONE) {
			vnc_report(ctx, st, CRED_OUTCOME_SUCCESS);
			return V_END;
		}
		st->server = VS_AUTH;
		return V_OK;
	}
	n = cur_u8(c);
	if (!cur_ok(c))
		return V_MORE;
	if (n == 0)
		return vnc_reason(c);
	if (!cur_has(c, n))
		return V_MORE;
	for (i = 0; i < n; i++) {
		t = cur_u8(c);
		if (t == RFB_SEC_INVALID)
			return V_BAD;
		st->offered[t / 8] |= (uint8_t)(1u << (t % 8));
	}
	st->server = VS_AUTH;
	return V_OK;
}

static int
vnc_server(struct dctx *ctx, struct vnc_state *st, struct cursor *c)
{
	uint16_t keylen;
	uint32_t result;

	switch (st->server) {
	case VS_VERSION:
		if (!cur_has(c, RFB_BANNER_LEN))
			return V_MORE;
		st->server_version = vnc_banner(cur_ptr(c), cur_left(c));
		if (st->server_version == 0)
			return V_BAD;
		cur_skip(c, RFB_BANNER_LEN);
		st->server = VS_SECURITY;
		return V_OK;
	case VS_SECURITY:
		return vnc_server_security(ctx, st, c);
	case VS_AUTH:
		if (st->type == RFB_SEC_VNC) {
			cur_copy(c, st->challenge, RFB_CHALLENGE_LEN);
		} else if (st->type == RFB_SEC_ARD) {
			cur_skip(c, 2);		/* generator */
			keylen = cur_be16(c);
			if (cur_ok(c) && (keylen == 0 || keylen > 1024))
				return V_BAD;
			cur_skip(c, 2u * keylen);
			if (cur_ok(c))
				st->ard_keylen = keylen;
		} else if (st->type == RFB_SEC_NONE)
			;			/* 3.8: the result follows */
		else
			return V_MORE;		/* no selection yet */
		if (!cur_ok(c))
			return V_MORE;
		st->server = VS_RESULT;
		return V_OK;
	default:
		result = cur_be32(c);
		if (!cur_ok(c))
			return V_MORE;
		vnc_report(ctx, st, result == 0 ? CRED_OUTCOME_SUCCESS :
		    CRED_OUTCOME_FAILURE);
		return V_END;
	}
}

static int
vnc_client(struct dctx *ctx, struct vnc_state *st, struct cursor *c)
{
	uint8_t v, t;

	switch (st->client) {
	case VC_VERSION:
		if (!cur_has(c, RFB_BANNER_LEN))
			return V_MORE;
		if ((v = vnc_banner(cur_ptr(c), cur_left(c))) == 0)
			return V_BAD;
		cur_skip(c, RFB_BANNER_LEN);
		/* a client answering before the server's banner is
		 * taken at its word */
		st->version = st->server_version != 0 &&
		    st->server_version < v ? st->server_version : v;
		st->client = st->version == RFB_33 ? VC_AUTH : VC_SELECT;
		return V_OK;
	case VC_SELECT:
		if (st->server != VS_AUTH)
			return V_MORE;	/* the server's list first */
		t = cur_u8(c);
		if (!cur_ok(c))
			return V_MORE;
		if (!(st->offered[t / 8] & (1u << (t % 8))))
			return V_BAD;
		st->type = t;
		st->pending = 1;
		st->client = VC_AUTH;
		if (t == RFB_SEC_NONE && st->version == RFB_37) {
			vnc_report(ctx, st, CRED_OUTCOME_SUCCESS);
			return V_END;
		}
		if (t != RFB_SEC_NONE && t != RFB_SEC_VNC &&
		    t != RFB_SEC_ARD) {
			vnc_report(ctx, st, CRED_OUTCOME_UNKNOWN);
			return V_END;	/* a protocol we do not follow */
		}
		return V_OK;
	case VC_AUTH:
		if (st->type == RFB_SEC_VNC) {
			if (st->server < VS_RESULT)
				return V_MORE;	/* after the challenge */
			cur_copy(c, st->response, RFB_CHALLENGE_LEN);
		} else if (st->type == RFB_SEC_ARD) {
			if (st->ard_keylen == 0)
				return V_MORE;
			cur_skip(c, RFB_ARD_CIPHER_LEN + st->ard_keylen);
		} else if (st->type != RFB_SEC_NONE)
			return V_MORE;		/* 3.3: type not known yet */
		if (!cur_ok(c))
			return V_MORE;
		st->client = VC_DONE;
		return V_OK;
	default:
		cur_skip(c, cur_left(c));	/* ClientInit and the session */
		return V_OK;
	}
}

static size_t
vnc_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct vnc_state *st = state;
	struct cursor c;
	size_t used = 0;
	int r;

	cur_init(&c, data, len);
	while (cur_left(&c) > 0) {
		r = dir == DIR_TO_SERVER ? vnc_client(ctx, st, &c) :
		    vnc_server(ctx, st, &c);
		if (r == V_BAD) {
			dctx_weird(ctx, "vnc_malformed");
			st->pending = 0;
		}
		if (r == V_BAD || r == V_END) {
			dctx_done(ctx);
			return len;
		}
		if (r == V_MORE)
			break;
		used = c.off;
	}
	return used;
}

static int
vnc_probe(const uint8_t *data, size_t len, int dir)
{
	(void)dir;
	return len == RFB_BANNER_LEN && vnc_banner(data, len) != 0;
}

static void
vnc_free(struct dctx *ctx, void *state)
{
	struct vnc_state *st = state;

	/* a VNC response whose verdict was not seen is still material */
	if (st->client == VC_DONE || st->type != RFB_SEC_VNC)
		vnc_report(ctx, st, CRED_OUTCOME_UNKNOWN);
}

const struct dissector vnc_dissector = {
	.name = "vnc",
	.description = "VNC (RFB) authentication: DES challenge/response",
	.transport = DISSECTOR_TCP,
	.ports = vnc_ports,
	.probe = vnc_probe,
	.parse = vnc_parse,
	.state_size = sizeof(struct vnc_state),
	.free = vnc_free,
};
