/*
 * ntlmssp.c - NTLMSSP message parsing shared by every carrier; see
 * ntlmssp.h.
 *
 * Spec: [MS-NLMP] section 2.2.1 (NEGOTIATE_MESSAGE, CHALLENGE_MESSAGE,
 * AUTHENTICATE_MESSAGE) and 2.2.2.10 (NTLMv2_RESPONSE).  Every payload
 * field (length, max length, offset) is validated against the blob before
 * use; nothing is read outside it.
 *
 * A fact: an AUTHENTICATE message whose fixed header and fields all
 * validate.  NT response of 24 bytes: NTLMv1 (hashcat 5500 line
 * user::domain:lm:nt:challenge); longer: NTLMv2 (hashcat 5600 line
 * user::domain:challenge:ntproofstr:blob).  Both are CRED_WEAK with the NT
 * response as the secret (its HMAC correlates replays, nothing else); the
 * crack line needs the server challenge from the CHALLENGE message of the
 * same flow, otherwise it is left out and extra challenge_seen is false.
 * Anonymous authentication (empty user, empty NT response, LM empty or a
 * single zero byte) is CRED_NONE.  Deliberately not a fact: NEGOTIATE and
 * CHALLENGE (they carry no secret; the challenge is remembered), LM-only
 * responses (reported as "LM" without a crack line), malformed messages
 * (a weird each).
 */
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "cursor.h"
#include "ntlmssp.h"
#include "utf16.h"

#define NTLMSSP_NEGOTIATE	1
#define NTLMSSP_CHALLENGE	2
#define NTLMSSP_AUTHENTICATE	3

#define NTLMSSP_NEGOTIATE_UNICODE	0x00000001u

#define NTLM_V1_RESPONSE_LEN	24
#define NTLM_V2_PROOF_LEN	16

static const uint8_t ntlmssp_sig[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

/* A payload field descriptor: len, maxlen, offset from message start. */
struct ntlm_field {
	const uint8_t	*p;
	size_t		 len;
};

/* Reads a field descriptor and resolves it within msg[0..msglen). */
static int
ntlm_field(struct cursor *c, const uint8_t *msg, size_t msglen,
    struct ntlm_field *f)
{
	uint16_t len;
	uint32_t off;

	len = cur_le16(c);
	(void)cur_le16(c);		/* MaxLen: not trusted */
	off = cur_le32(c);
	f->p = NULL;
	f->len = 0;
	if (!cur_ok(c))
		return 0;
	if (len == 0)
		return 1;
	if (off > msglen || msglen - off < len)
		return 0;
	f->p = msg + off;
	f->len = len;
	return 1;
}

long
ntlmssp_find(const uint8_t *buf, size_t len)
{
	size_t i;

	if (buf == NULL || len < sizeof(ntlmssp_sig))
		return -1;
	for (i = 0; i + sizeof(ntlmssp_sig) <= len; i++)
		if (buf[i] == 'N' &&
		    memcmp(buf + i, ntlmssp_sig, sizeof(ntlmssp_sig)) == 0)
			return (long)i;
	return -1;
}

static void
ntlm_name(const struct ntlm_field *f, int unicode, uint8_t *out,
    size_t *outlen)
{
	if (unicode) {
		*outlen = utf16le_to_utf8(f->p, f->len, out, NTLMSSP_NAME_MAX);
	} else {
		*outlen = f->len < NTLMSSP_NAME_MAX ? f->len : NTLMSSP_NAME_MAX;
		if (*outlen > 0)
			memcpy(out, f->p, *outlen);
	}
}

static void
ntlm_challenge(struct dctx *ctx, struct ntlmssp_state *st, struct cursor *c,
    const uint8_t *msg, size_t len)
{
	struct ntlm_field target;

	/* TargetNameFields, NegotiateFlags, ServerChallenge */
	if (!ntlm_field(c, msg, len, &target)) {
		dctx_weird(ctx, "ntlmssp_malformed");
		return;
	}
	(void)cur_le32(c);
	cur_copy(c, st->server_challenge, sizeof(st->server_challenge));
	if (!cur_ok(c)) {
		dctx_weird(ctx, "ntlmssp_malformed");
		return;
	}
	st->have_challenge = 1;
}

/* Builds the hashcat line for a pending AUTHENTICATE into crack. */
static int
ntlm_crack_line(const struct ntlmssp_pending *p, char *crack, size_t cap)
{
	char chal[17], lm[49], nt[2 * NTLMSSP_NT_MAX + 1], proof[33];
	int n;

	if (!p->have_challenge || p->anonymous || p->nt_len == 0)
		return 0;
	hex_encode(p->challenge, 8, chal, sizeof(chal));
	if (p->nt_len == NTLM_V1_RESPONSE_LEN) {
		if (hex_encode(p->lm, p->lm_len, lm, sizeof(lm)) < 0 ||
		    hex_encode(p->nt, p->nt_len, nt, sizeof(nt)) < 0)
			return 0;
		n = snprintf(crack, cap, "%.*s::%.*s:%s:%s:%s",
		    (int)p->user_len, (const char *)p->user,
		    (int)p->domain_len, (const char *)p->domain, lm, nt, chal);
	} else {
		if (hex_encode(p->nt, NTLM_V2_PROOF_LEN, proof,
		    sizeof(proof)) < 0 ||
		    hex_encode(p->nt + NTLM_V2_PROOF_LEN,
		    p->nt_len - NTLM_V2_PROOF_LEN, nt, sizeof(nt)) < 0)
			return 0;
		n = snprintf(crack, cap, "%.*s::%.*s:%s:%s:%s",
		    (int)p->user_len, (const char *)p->user,
		    (int)p->domain_len, (const char *)p->domain, chal, proof,
		    nt);
	}
	return n > 0 && (size_t)n < cap;
}

void
ntlmssp_settle(struct dctx *ctx, struct ntlmssp_pending *p,
    enum cred_outcome outcome)
{
	char crack[2 * NTLMSSP_NT_MAX + 3 * NTLMSSP_NAME_MAX + 128];
	struct cred_fact f;
	const char *mech;

	if (p == NULL || !p->used)
		return;
	p->used = 0;
	if (p->anonymous)
		mech = "NTLM anonymous";
	else if (p->nt_len == 0)
		mech = "LM";
	else if (p->nt_len == NTLM_V1_RESPONSE_LEN)
		mech = "NTLMv1";
	else
		mech = "NTLMv2";
	cred_fact_init(&f, p->carrier, mech,
	    p->anonymous ? CRED_NONE : CRED_WEAK);
	f.outcome = outcome;
	f.user = p->user;
	f.user_len = p->user_len;
	f.domain = p->domain;
	f.domain_len = p->domain_len;
	if (!p->anonymous) {
		f.secret = p->nt_len ? p->nt : p->lm;
		f.secret_len = p->nt_len ? p->nt_len : p->lm_len;
		if (p->nt_len != 0 &&
		    ntlm_crack_line(p, crack, sizeof(crack)))
			f.crack = crack;
		fact_extra_bool(&f, "challenge_seen", p->have_challenge);
	}
	if (p->workstation_len > 0)
		fact_extra_str(&f, "workstation", p->workstation,
		    p->workstation_len);
	dctx_credential(ctx, &f);
}

/* Parses AUTHENTICATE into *p; returns 1 when it is complete and valid. */
static int
ntlm_authenticate(struct dctx *ctx, struct ntlmssp_state *st,
    struct cursor *c, const uint8_t *msg, size_t len,
    struct ntlmssp_pending *p)
{
	struct ntlm_field lm, nt, dom, user, ws, key;
	uint32_t flags;
	int unicode;

	if (!ntlm_field(c, msg, len, &lm) || !ntlm_field(c, msg, len, &nt) ||
	    !ntlm_field(c, msg, len, &dom) ||
	    !ntlm_field(c, msg, len, &user) ||
	    !ntlm_field(c, msg, len, &ws) || !ntlm_field(c, msg, len, &key)) {
		dctx_weird(ctx, "ntlmssp_malformed");
		return 0;
	}
	flags = cur_le32(c);
	if (!cur_ok(c)) {
		dctx_weird(ctx, "ntlmssp_malformed");
		return 0;
	}
	if (lm.len > sizeof(p->lm) ||
	    (nt.len != 0 && nt.len != NTLM_V1_RESPONSE_LEN &&
	    nt.len < NTLM_V2_PROOF_LEN + 28)) {
		dctx_weird(ctx, "ntlmssp_bad_response_length");
		return 0;
	}
	if (nt.len > NTLMSSP_NT_MAX) {
		dctx_weird(ctx, "ntlmssp_nt_response_too_long");
		return 0;
	}
	unicode = (flags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
	memset(p, 0, offsetof(struct ntlmssp_pending, user));
	p->used = 1;
	ntlm_name(&user, unicode, p->user, &p->user_len);
	ntlm_name(&dom, unicode, p->domain, &p->domain_len);
	ntlm_name(&ws, unicode, p->workstation, &p->workstation_len);
	p->lm_len = lm.len;
	if (lm.len > 0)
		memcpy(p->lm, lm.p, lm.len);
	p->nt_len = nt.len;
	if (nt.len > 0)
		memcpy(p->nt, nt.p, nt.len);
	p->anonymous = user.len == 0 && nt.len == 0 &&
	    (lm.len == 0 || (lm.len == 1 && lm.p[0] == 0));
	if (!p->anonymous && nt.len == 0 && lm.len != NTLM_V1_RESPONSE_LEN) {
		p->used = 0;
		dctx_weird(ctx, "ntlmssp_bad_response_length");
		return 0;
	}
	p->have_challenge = st->have_challenge;
	memcpy(p->challenge, st->server_challenge, sizeof(p->challenge));
	/* One challenge answers one AUTHENTICATE. */
	st->have_challenge = 0;
	st->reported = 1;
	return 1;
}

static void
ntlm_feed(struct dctx *ctx, struct ntlmssp_state *st,
    struct ntlmssp_pending *pend, const char *carrier, const uint8_t *blob,
    size_t len)
{
	struct ntlmssp_pending local;
	struct ntlmssp_pending *p;
	struct cursor c;
	uint8_t sig[8];
	uint32_t type;

	cur_init(&c, blob, len);
	cur_copy(&c, sig, sizeof(sig));
	type = cur_le32(&c);
	if (!cur_ok(&c) || memcmp(sig, ntlmssp_sig, sizeof(sig)) != 0) {
		dctx_weird(ctx, "ntlmssp_malformed");
		return;
	}
	switch (type) {
	case NTLMSSP_NEGOTIATE:
		break;
	case NTLMSSP_CHALLENGE:
		ntlm_challenge(ctx, st, &c, blob, len);
		break;
	case NTLMSSP_AUTHENTICATE:
		if (pend != NULL)
			ntlmssp_settle(ctx, pend, CRED_OUTCOME_UNKNOWN);
		p = pend != NULL ? pend : &local;
		if (!ntlm_authenticate(ctx, st, &c, blob, len, p))
			break;
		p->carrier = carrier;
		if (pend == NULL)
			ntlmssp_settle(ctx, p, CRED_OUTCOME_UNKNOWN);
		break;
	default:
		dctx_weird(ctx, "ntlmssp_unknown_type");
		break;
	}
}

void
ntlmssp_feed(struct dctx *ctx, struct ntlmssp_state *st, const char *carrier,
    const uint8_t *blob, size_t len)
{
	ntlm_feed(ctx, st, NULL, carrier, blob, len);
}

void
ntlmssp_feed_pending(struct dctx *ctx, struct ntlmssp_state *st,
    struct ntlmssp_pending *pend, const char *carrier, const uint8_t *blob,
    size_t len)
{
	ntlm_feed(ctx, st, pend, carrier, blob, len);
}
