/*
 * sasl.c - client side of SASL exchanges for the mail dissectors; see
 * sasl.h.  A fact comes out only for mechanisms whose responses carry a
 * password, a bearer token or crackable challenge/response material.
 */
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "sasl.h"

struct sasl_mech_name {
	const char	*name;		/* as on the wire */
	uint8_t		 mech;
	uint8_t		 cls;		/* enum cred_class */
	const char	*fact_name[2];	/* indexed by verb */
};

static const struct sasl_mech_name sasl_mechs[] = {
	{ "PLAIN", SASL_PLAIN, CRED_CLEARTEXT,
	    { "AUTH PLAIN", "AUTHENTICATE PLAIN" } },
	{ "LOGIN", SASL_LOGIN, CRED_CLEARTEXT,
	    { "AUTH LOGIN", "AUTHENTICATE LOGIN" } },
	{ "CRAM-MD5", SASL_CRAM_MD5, CRED_WEAK,
	    { "AUTH CRAM-MD5", "AUTHENTICATE CRAM-MD5" } },
	{ "XOAUTH2", SASL_XOAUTH2, CRED_CLEARTEXT,
	    { "AUTH XOAUTH2", "AUTHENTICATE XOAUTH2" } },
	{ "OAUTHBEARER", SASL_OAUTHBEARER, CRED_CLEARTEXT,
	    { "AUTH OAUTHBEARER", "AUTHENTICATE OAUTHBEARER" } },
	{ NULL, 0, 0, { NULL, NULL } }
};

static const struct sasl_mech_name *
mech_entry(uint8_t mech)
{
	size_t i;

	for (i = 0; sasl_mechs[i].name != NULL; i++)
		if (sasl_mechs[i].mech == mech)
			return &sasl_mechs[i];
	return NULL;
}

void
sasl_reset(struct sasl *s)
{
	memset(s, 0, sizeof(*s));
}

void
sasl_start(struct dctx *ctx, struct sasl *s, struct tp_cred *c, int verb,
    const uint8_t *mech, size_t mlen, const uint8_t *ir, size_t irlen)
{
	size_t i;

	sasl_reset(s);
	s->verb = verb == SASL_VERB_AUTHENTICATE;
	s->mech = SASL_OTHER;
	for (i = 0; sasl_mechs[i].name != NULL; i++)
		if (tp_ieq(mech, mlen, sasl_mechs[i].name))
			s->mech = sasl_mechs[i].mech;
	/* Nothing reported until a response completes the credential. */
	tp_wipe(c, sizeof(*c));
	if (ir != NULL)
		sasl_client(ctx, s, c, ir, irlen);
}

void
sasl_challenge(struct sasl *s, const uint8_t *b64, size_t n)
{
	if (s->mech != SASL_CRAM_MD5 || s->step > 0)
		return;
	s->challenge_len = (uint16_t)tp_copy((uint8_t *)s->challenge,
	    sizeof(s->challenge) - 1, b64, n);
	s->challenge[s->challenge_len] = '\0';
}

static void
cred_start(struct sasl *s, struct tp_cred *c)
{
	const struct sasl_mech_name *m = mech_entry(s->mech);

	tp_cred_begin(c, m->fact_name[s->verb], (enum cred_class)m->cls);
}

/* PLAIN: [authzid] NUL authcid NUL passwd (RFC 4616 section 2). */
static int
decode_plain(struct dctx *ctx, struct sasl *s, struct tp_cred *c,
    const uint8_t *d, size_t n)
{
	long z1, z2;

	if ((z1 = tp_find(d, n, 0)) < 0 ||
	    (z2 = tp_find(d + z1 + 1, n - (size_t)z1 - 1, 0)) < 0) {
		dctx_weird(ctx, "sasl_plain_malformed");
		return -1;
	}
	z2 += z1 + 1;
	if (tp_find(d + z2 + 1, n - (size_t)z2 - 1, 0) >= 0) {
		dctx_weird(ctx, "sasl_plain_malformed");
		return -1;
	}
	cred_start(s, c);
	tp_cred_user(ctx, c, d + z1 + 1, (size_t)(z2 - z1 - 1));
	tp_cred_secret(ctx, c, d + z2 + 1, n - (size_t)z2 - 1);
	if (z1 > 0 && !(z2 - z1 - 1 == z1 && memcmp(d, d + z1 + 1,
	    (size_t)z1) == 0))
		tp_cred_extra(c, "authzid", d, (size_t)z1);
	return 0;
}

/*
 * XOAUTH2: "user=" U ^A "auth=Bearer " T ^A ^A.  OAUTHBEARER (RFC 7628
 * 3.1): gs2-header "n,a=U," then ^A key=value pairs ending ^A ^A, one of
 * them "auth=Bearer T".  The token is the secret.
 */
static int
decode_bearer(struct dctx *ctx, struct sasl *s, struct tp_cred *c,
    const uint8_t *d, size_t n)
{
	const uint8_t *user = NULL, *tok = NULL, *kv;
	size_t user_len = 0, tok_len = 0, off = 0, kvlen;
	long end, comma;

	if (s->mech == SASL_OAUTHBEARER) {
		/* gs2-header: cbind-flag "," [ "a=" saslname ] "," */
		if ((end = tp_find(d, n, 0x01)) < 0 ||
		    (comma = tp_find(d, (size_t)end, ',')) < 0) {
			dctx_weird(ctx, "sasl_oauth_malformed");
			return -1;
		}
		kv = d + comma + 1;
		kvlen = (size_t)(end - comma - 1);
		if (kvlen > 2 && kv[0] == 'a' && kv[1] == '=') {
			user = kv + 2;
			user_len = kvlen - 2;
			if (user_len > 0 && user[user_len - 1] == ',')
				user_len--;
		}
		off = (size_t)end + 1;
	}
	while (off < n) {
		kv = d + off;
		end = tp_find(kv, n - off, 0x01);
		kvlen = end < 0 ? n - off : (size_t)end;
		off += kvlen + 1;
		if (kvlen == 0)
			continue;
		if (tp_iprefix(kv, kvlen, "user=") && user == NULL) {
			user = kv + 5;
			user_len = kvlen - 5;
		} else if (tp_iprefix(kv, kvlen, "auth=bearer ")) {
			tok = kv + 12;
			tok_len = kvlen - 12;
		}
	}
	if (tok == NULL || tok_len == 0) {
		dctx_weird(ctx, "sasl_oauth_malformed");
		return -1;
	}
	cred_start(s, c);
	if (user != NULL)
		tp_cred_user(ctx, c, user, user_len);
	tp_cred_secret(ctx, c, tok, tok_len);
	return 0;
}

/* CRAM-MD5: "user SP 32 hex digits"; hashcat -m 16400 wants both base64. */
static int
decode_cram(struct dctx *ctx, struct sasl *s, struct tp_cred *c,
    const uint8_t *d, size_t n, const uint8_t *b64, size_t b64len)
{
	long sp = -1;
	size_t i;

	for (i = 0; i < n; i++)
		if (d[i] == ' ')
			sp = (long)i;
	if (sp <= 0 || n - (size_t)sp - 1 != 32) {
		dctx_weird(ctx, "sasl_cram_malformed");
		return -1;
	}
	cred_start(s, c);
	tp_cred_user(ctx, c, d, (size_t)sp);
	if (s->challenge_len > 0 && b64len + 40 + s->challenge_len <
	    TP_CRACK_MAX)
		snprintf(c->crack, sizeof(c->crack), "$cram_md5$%s$%.*s",
		    s->challenge, (int)b64len, (const char *)b64);
	else
		dctx_weird(ctx, "sasl_cram_no_challenge");
	return 0;
}

int
sasl_client(struct dctx *ctx, struct sasl *s, struct tp_cred *c,
    const uint8_t *line, size_t n)
{
	uint8_t dec[TP_SECRET_MAX + TP_USER_MAX + 64];
	long dlen = 0;
	int rc = 0;

	if (n == 1 && line[0] == '*') {
		/* Cancelled (RFC 4422 3.5): nothing was proved. */
		tp_wipe(c, sizeof(*c));
		s->mech = SASL_OTHER;
		return -1;
	}
	if (s->mech == SASL_OTHER || s->mech == SASL_NONE)
		return 0;
	if (!(n == 1 && line[0] == '=') &&
	    (dlen = base64_decode(line, n, dec, sizeof(dec))) < 0) {
		dctx_weird(ctx, "sasl_bad_base64");
		s->mech = SASL_OTHER;
		return -1;
	}
	switch (s->mech) {
	case SASL_PLAIN:
		if (s->step == 0)
			rc = decode_plain(ctx, s, c, dec, (size_t)dlen);
		break;
	case SASL_LOGIN:
		if (s->step == 0) {
			cred_start(s, c);
			c->pending = 0;		/* a user alone is no login */
			tp_cred_user(ctx, c, dec, (size_t)dlen);
		} else if (s->step == 1) {
			tp_cred_secret(ctx, c, dec, (size_t)dlen);
			c->pending = 1;
		}
		break;
	case SASL_CRAM_MD5:
		if (s->step == 0)
			rc = decode_cram(ctx, s, c, dec, (size_t)dlen, line, n);
		break;
	case SASL_XOAUTH2:
	case SASL_OAUTHBEARER:
		/* After an error challenge the client answers with an empty
		 * response; only the first one carries the token. */
		if (s->step == 0)
			rc = decode_bearer(ctx, s, c, dec, (size_t)dlen);
		break;
	default:
		break;
	}
	tp_wipe(dec, sizeof(dec));
	if (s->step < 255)
		s->step++;
	if (rc < 0)
		s->mech = SASL_OTHER;
	return rc;
}
