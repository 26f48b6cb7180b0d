/*
 * sasl.h - the client side of SASL exchanges (RFC 4422) as POP3 AUTH
 * (RFC 5034), IMAP AUTHENTICATE (RFC 9051 6.2.2, SASL-IR RFC 4959) and SMTP
 * AUTH (RFC 4954) carry them: base64 responses, one per line, "*" cancels.
 *
 * Understood: PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login),
 * CRAM-MD5 (RFC 2195, weak: hashcat 16400 material), XOAUTH2 (Google's
 * bearer-token mechanism) and OAUTHBEARER (RFC 7628).  Any other mechanism
 * (SCRAM, GSSAPI, NTLM, DIGEST-MD5 ...) is followed to its end without a
 * fact: its secret is not on the wire in a form we report here.
 *
 * The carrier owns a struct sasl and a struct tp_cred in its per-flow state,
 * calls sasl_start() on the AUTH command, sasl_challenge() on each server
 * continuation and sasl_client() on each client line while sasl_active(),
 * and on the server's final status reports the credential with
 * tp_cred_report() and calls sasl_reset().
 */
#ifndef EDGEWARD_SASL_H
#define EDGEWARD_SASL_H

#include <stddef.h>
#include <stdint.h>

#include "textproto.h"

enum sasl_mech {
	SASL_NONE = 0,
	SASL_PLAIN,
	SASL_LOGIN,
	SASL_CRAM_MD5,
	SASL_XOAUTH2,
	SASL_OAUTHBEARER,
	SASL_OTHER
};

/* Which command word the carrier uses, for the fact's mechanism name. */
#define SASL_VERB_AUTH		0	/* "AUTH PLAIN" (POP3, SMTP) */
#define SASL_VERB_AUTHENTICATE	1	/* "AUTHENTICATE PLAIN" (IMAP) */

#define SASL_CHALLENGE_MAX	256

struct sasl {
	uint8_t		mech;		/* enum sasl_mech; SASL_NONE: idle */
	uint8_t		verb;
	uint8_t		step;		/* client responses seen so far */
	uint16_t	challenge_len;
	char		challenge[SASL_CHALLENGE_MAX];	/* CRAM-MD5, base64 */
};

static inline int
sasl_active(const struct sasl *s)
{
	return s->mech != SASL_NONE;
}

/*
 * Starts an exchange for the mechanism named mech[0..mlen).  When the
 * command carried an initial response, ir/irlen hold it ("=" is the empty
 * response); ir NULL means none.  The credential is built in c.
 */
void	sasl_start(struct dctx *ctx, struct sasl *s, struct tp_cred *c,
	    int verb, const uint8_t *mech, size_t mlen, const uint8_t *ir,
	    size_t irlen);
/* A server continuation's payload (base64 text after "+ " / "334 "). */
void	sasl_challenge(struct sasl *s, const uint8_t *b64, size_t n);
/*
 * A client line during the exchange.  Returns 0, or -1 when the client
 * cancelled ("*") or sent something that is not base64 (weird counted);
 * either way the carrier keeps waiting for the server's final status.
 */
int	sasl_client(struct dctx *ctx, struct sasl *s, struct tp_cred *c,
	    const uint8_t *line, size_t n);
void	sasl_reset(struct sasl *s);

#endif
