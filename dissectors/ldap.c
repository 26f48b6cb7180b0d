/*
 * ldap.c - LDAP bind credentials (TCP 389 and the global catalog 3268).
 *
 * Spec: RFC 4511 (LDAPMessage, BindRequest/BindResponse, ExtendedRequest
 * and StartTLS, section 4.14), RFC 4513 (anonymous and unauthenticated
 * simple binds), RFC 4616 (SASL PLAIN), [MS-ADTS] 5.1.1.1 (sicily NTLM
 * binds, tags [9]-[11]); BER through asn1.c (definite lengths only, as
 * RFC 4511 section 5.1 requires).
 *
 * A fact: a BindRequest whose LDAPMessage, version, name and authentication
 * choice all parse.  Simple bind with a password: cleartext (user = DN).
 * Empty DN and password: CRED_NONE, bind "anonymous"; DN with an empty
 * password: CRED_NONE, bind "unauthenticated" (RFC 4513 5.1.2).  SASL PLAIN:
 * cleartext (user = authcid).  Other SASL mechanisms: CRED_NONE with extra
 * sasl_mechanism, once per exchange; NTLMSSP found in SASL (GSS-SPNEGO) or
 * sicily credentials goes to ntlmssp (weak_auth), the CHALLENGE is taken
 * from the BindResponse.  The outcome comes from the BindResponse with the
 * same messageID: 0 success, 48/49/53 failure, 14 (SASL in progress)
 * waits, anything else unknown.  A successful StartTLS ends the dissection,
 * and so does data that is not an LDAPMessage after a successful SASL or
 * NTLM bind (a negotiated SASL security layer wraps everything after it).
 * Deliberately not a fact: searches and other operations, CLDAP (UDP, no
 * credentials), LDAPS (TLS).  Messages are framed by their BER length and
 * may span segments or share one; one larger than 64 KiB ends the flow
 * with a weird.
 */
#include <string.h>

#include "asn1.h"
#include "dissector.h"
#include "ntlmssp.h"

#define LDAP_MAX_MESSAGE	(64u * 1024)
#define LDAP_DN_MAX		512
#define LDAP_SECRET_MAX		256
#define LDAP_MECH_MAX		32

#define LDAP_OP_BIND_REQUEST	0
#define LDAP_OP_BIND_RESPONSE	1
#define LDAP_OP_EXTENDED_REQ	23
#define LDAP_OP_EXTENDED_RESP	24

#define LDAP_AUTH_SIMPLE	0
#define LDAP_AUTH_SASL		3
#define LDAP_AUTH_SICILY_NEG	10
#define LDAP_AUTH_SICILY_RESP	11

#define LDAP_SUCCESS			0
#define LDAP_SASL_BIND_IN_PROGRESS	14
#define LDAP_INAPPROPRIATE_AUTH		48
#define LDAP_INVALID_CREDENTIALS	49
#define LDAP_UNWILLING_TO_PERFORM	53

static const char ldap_starttls_oid[] = "1.3.6.1.4.1.1466.20037";

/* The one bind in flight (RFC 4511 4.2.1: no other op during a bind). */
struct ldap_bind {
	int		used;
	int64_t		message_id;
	const char	*mechanism;	/* string literal */
	enum cred_class	cls;
	const char	*bind_kind;	/* "anonymous", "unauthenticated", NULL */
	uint8_t		user[LDAP_DN_MAX];
	size_t		user_len;
	uint8_t		secret[LDAP_SECRET_MAX];
	size_t		secret_len;
	uint8_t		sasl_mech[LDAP_MECH_MAX];
	size_t		sasl_mech_len;
};

struct ldap_state {
	struct ldap_bind	bind;
	int			sasl_in_progress;
	int			ntlm_in_bind;
	int64_t			ntlm_message_id;
	int			starttls_pending;
	int64_t			starttls_id;
	int			sasl_layer_possible;
	struct ntlmssp_state	ntlm;
	struct ntlmssp_pending	ntlm_pend;
};

static const uint16_t ldap_ports[] = { 389, 3268, 0 };

static void
ldap_flush(struct dctx *ctx, struct ldap_bind *b, enum cred_outcome o)
{
	struct cred_fact f;

	if (!b->used)
		return;
	b->used = 0;
	cred_fact_init(&f, "ldap", b->mechanism, b->cls);
	f.outcome = o;
	f.user = b->user;
	f.user_len = b->user_len;
	if (b->cls != CRED_NONE) {
		f.secret = b->secret;
		f.secret_len = b->secret_len;
	}
	if (b->bind_kind != NULL)
		fact_extra_str(&f, "bind", (const uint8_t *)b->bind_kind,
		    strlen(b->bind_kind));
	if (b->sasl_mech_len > 0)
		fact_extra_str(&f, "sasl_mechanism", b->sasl_mech,
		    b->sasl_mech_len);
	dctx_credential(ctx, &f);
}

/* Starts the pending bind; returns it or NULL if a field cannot be kept. */
static struct ldap_bind *
ldap_bind_start(struct dctx *ctx, struct ldap_state *st, int64_t id,
    const char *mech, enum cred_class cls, const uint8_t *user,
    size_t user_len, const uint8_t *secret, size_t secret_len)
{
	struct ldap_bind *b = &st->bind;

	ldap_flush(ctx, b, CRED_OUTCOME_UNKNOWN);
	if (user_len > LDAP_DN_MAX || secret_len > LDAP_SECRET_MAX) {
		dctx_weird(ctx, "ldap_bind_field_too_long");
		return NULL;
	}
	memset(b, 0, sizeof(*b));
	b->used = 1;
	b->message_id = id;
	b->mechanism = mech;
	b->cls = cls;
	b->user_len = user_len;
	if (user_len > 0)
		memcpy(b->user, user, user_len);
	b->secret_len = secret_len;
	if (secret_len > 0)
		memcpy(b->secret, secret, secret_len);
	return b;
}

/* SASL PLAIN (RFC 4616): [authzid] NUL authcid NUL passwd. */
static void
ldap_sasl_plain(struct dctx *ctx, struct ldap_state *st, int64_t id,
    const uint8_t *p, size_t n)
{
	const uint8_t *n1, *n2;

	n1 = p != NULL ? memchr(p, 0, n) : NULL;
	n2 = n1 != NULL ? memchr(n1 + 1, 0, n - (size_t)(n1 + 1 - p)) : NULL;
	if (n2 == NULL || n2 == n1 + 1) {
		dctx_weird(ctx, "ldap_sasl_plain_malformed");
		return;
	}
	ldap_bind_start(ctx, st, id, "SASL PLAIN", CRED_CLEARTEXT, n1 + 1,
	    (size_t)(n2 - n1 - 1), n2 + 1, n - (size_t)(n2 + 1 - p));
}

static void
ldap_ntlm(struct dctx *ctx, struct ldap_state *st, int64_t id,
    const uint8_t *p, size_t n)
{
	long at = ntlmssp_find(p, n);

	if (at < 0)
		return;
	st->ntlm_in_bind = 1;
	st->ntlm_message_id = id;
	ntlmssp_feed_pending(ctx, &st->ntlm, &st->ntlm_pend, "ldap",
	    p + at, n - (size_t)at);
}

static void
ldap_sasl(struct dctx *ctx, struct ldap_state *st, int64_t id,
    struct cursor *sasl)
{
	const uint8_t *mech, *cred = NULL;
	size_t mech_len, cred_len = 0;
	struct ldap_bind *b;

	if (!asn1_read_bytes(sasl, ASN1_UNIVERSAL, ASN1_TAG_OCTET_STRING,
	    &mech, &mech_len)) {
		dctx_weird(ctx, "ldap_malformed");
		return;
	}
	if (cur_left(sasl) > 0 && !asn1_read_bytes(sasl, ASN1_UNIVERSAL,
	    ASN1_TAG_OCTET_STRING, &cred, &cred_len)) {
		dctx_weird(ctx, "ldap_malformed");
		return;
	}
	if (mech_len == 5 && memcmp(mech, "PLAIN", 5) == 0) {
		ldap_sasl_plain(ctx, st, id, cred, cred_len);
		return;
	}
	if (ntlmssp_find(cred, cred_len) >= 0) {
		ldap_ntlm(ctx, st, id, cred, cred_len);
		return;
	}
	if (st->sasl_in_progress || st->ntlm_in_bind) {
		/* a later step of the same exchange: keep its message id */
		if (st->bind.used)
			st->bind.message_id = id;
		return;
	}
	b = ldap_bind_start(ctx, st, id, "SASL", CRED_NONE, NULL, 0, NULL, 0);
	if (b != NULL && mech_len <= LDAP_MECH_MAX) {
		memcpy(b->sasl_mech, mech, mech_len);
		b->sasl_mech_len = mech_len;
	}
}

static void
ldap_bind_request(struct dctx *ctx, struct ldap_state *st, int64_t id,
    struct cursor *op)
{
	const uint8_t *dn, *pw;
	size_t dn_len, pw_len;
	struct asn1_tlv t;
	struct cursor auth;
	struct ldap_bind *b;
	int64_t version;

	if (!asn1_read_int(op, &version) ||
	    !asn1_read_bytes(op, ASN1_UNIVERSAL, ASN1_TAG_OCTET_STRING, &dn,
	    &dn_len) || !asn1_next(op, &t, &auth) || t.cls != ASN1_CONTEXT ||
	    version < 1 || version > 127) {
		dctx_weird(ctx, "ldap_malformed");
		return;
	}
	if (t.tag == LDAP_AUTH_SIMPLE && !t.constructed) {
		pw = cur_ptr(&auth);
		pw_len = cur_left(&auth);
		st->sasl_in_progress = 0;
		if (pw_len > 0) {
			ldap_bind_start(ctx, st, id, "simple", CRED_CLEARTEXT,
			    dn, dn_len, pw, pw_len);
			return;
		}
		b = ldap_bind_start(ctx, st, id, "simple", CRED_NONE, dn,
		    dn_len, NULL, 0);
		if (b != NULL)
			b->bind_kind = dn_len == 0 ? "anonymous" :
			    "unauthenticated";
	} else if (t.tag == LDAP_AUTH_SASL && t.constructed) {
		ldap_sasl(ctx, st, id, &auth);
	} else if ((t.tag == LDAP_AUTH_SICILY_NEG ||
	    t.tag == LDAP_AUTH_SICILY_RESP) && !t.constructed) {
		ldap_ntlm(ctx, st, id, cur_ptr(&auth), cur_left(&auth));
	}
	/* other choices (sicily discovery [9], reserved): nothing */
}

static enum cred_outcome
ldap_outcome(int64_t rc)
{
	if (rc == LDAP_SUCCESS)
		return CRED_OUTCOME_SUCCESS;
	if (rc == LDAP_INAPPROPRIATE_AUTH || rc == LDAP_INVALID_CREDENTIALS ||
	    rc == LDAP_UNWILLING_TO_PERFORM)
		return CRED_OUTCOME_FAILURE;
	return CRED_OUTCOME_UNKNOWN;
}

static void
ldap_bind_response(struct dctx *ctx, struct ldap_state *st, int64_t id,
    struct cursor *op)
{
	const uint8_t *rest = cur_ptr(op);
	size_t rest_len = cur_left(op);
	long at;
	int64_t rc;

	if (!asn1_read_enum(op, &rc)) {
		dctx_weird(ctx, "ldap_malformed");
		return;
	}
	if (rc == LDAP_SASL_BIND_IN_PROGRESS) {
		st->sasl_in_progress = 1;
		/* GSS-SPNEGO: serverSaslCreds; sicily: matchedDN */
		at = ntlmssp_find(rest, rest_len);
		if (at >= 0)
			ntlmssp_feed_pending(ctx, &st->ntlm, &st->ntlm_pend,
			    "ldap", rest + at, rest_len - (size_t)at);
		return;
	}
	/* sicily negotiate is answered with success and the challenge */
	at = ntlmssp_find(rest, rest_len);
	if (at >= 0 && !st->ntlm_pend.used)
		ntlmssp_feed_pending(ctx, &st->ntlm, &st->ntlm_pend, "ldap",
		    rest + at, rest_len - (size_t)at);
	else if (st->ntlm_in_bind && st->ntlm_message_id == id) {
		ntlmssp_settle(ctx, &st->ntlm_pend, ldap_outcome(rc));
		st->ntlm_in_bind = 0;
		if (rc == LDAP_SUCCESS)
			st->sasl_layer_possible = 1;
	}
	if (st->bind.used && st->bind.message_id == id) {
		/* a SASL bind may install a security layer (RFC 4513 5.2.1) */
		if (st->bind.sasl_mech_len > 0 && rc == LDAP_SUCCESS)
			st->sasl_layer_possible = 1;
		ldap_flush(ctx, &st->bind, ldap_outcome(rc));
	}
	st->sasl_in_progress = 0;
}

static void
ldap_extended(struct dctx *ctx, struct ldap_state *st, int64_t id,
    struct cursor *op, int response)
{
	const uint8_t *oid;
	size_t oid_len;
	int64_t rc;

	if (!response) {
		if (asn1_read_bytes(op, ASN1_CONTEXT, 0, &oid, &oid_len) &&
		    oid_len == sizeof(ldap_starttls_oid) - 1 &&
		    memcmp(oid, ldap_starttls_oid, oid_len) == 0) {
			st->starttls_pending = 1;
			st->starttls_id = id;
		}
		return;
	}
	if (st->starttls_pending && st->starttls_id == id &&
	    asn1_read_enum(op, &rc)) {
		st->starttls_pending = 0;
		if (rc == LDAP_SUCCESS)
			dctx_done(ctx);
	}
}

/* One complete LDAPMessage. */
static void
ldap_message(struct dctx *ctx, struct ldap_state *st, int dir,
    struct cursor *msg)
{
	struct asn1_tlv t;
	struct cursor op;
	int64_t id;

	if (!asn1_read_int(msg, &id) || !asn1_next(msg, &t, &op) ||
	    t.cls != ASN1_APPLICATION) {
		dctx_weird(ctx, "ldap_malformed");
		return;
	}
	if (dir == DIR_TO_SERVER && t.tag == LDAP_OP_BIND_REQUEST)
		ldap_bind_request(ctx, st, id, &op);
	else if (dir == DIR_TO_CLIENT && t.tag == LDAP_OP_BIND_RESPONSE)
		ldap_bind_response(ctx, st, id, &op);
	else if (t.tag == LDAP_OP_EXTENDED_REQ && dir == DIR_TO_SERVER)
		ldap_extended(ctx, st, id, &op, 0);
	else if (t.tag == LDAP_OP_EXTENDED_RESP && dir == DIR_TO_CLIENT)
		ldap_extended(ctx, st, id, &op, 1);
}

static size_t
ldap_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct ldap_state *st = state;
	struct cursor c, msg;
	struct asn1_tlv t;
	size_t used = 0, total;
	int r;

	cur_init(&c, data, len);
	while (cur_left(&c) > 0) {
		if (st->starttls_pending && cur_peek(&c, 0) == 0x16) {
			dctx_done(ctx);	/* a TLS record: StartTLS went ahead */
			return len;
		}
		if (st->sasl_layer_possible && cur_peek(&c, 0) != 0x30) {
			dctx_done(ctx);	/* SASL-wrapped from here on */
			return len;
		}
		r = asn1_peek(&c, &t);
		if (r == ASN1_OK && (t.cls != ASN1_UNIVERSAL ||
		    t.tag != ASN1_TAG_SEQUENCE || !t.constructed))
			r = ASN1_BAD;
		if (r == ASN1_BAD) {
			dctx_weird(ctx, "ldap_malformed");
			dctx_done(ctx);
			return len;
		}
		if (r == ASN1_NEED_MORE)
			break;
		total = t.hdr_len + t.len;
		if (total > LDAP_MAX_MESSAGE) {
			dctx_weird(ctx, "ldap_message_too_large");
			dctx_done(ctx);
			return len;
		}
		if (cur_left(&c) < total)
			break;
		cur_skip(&c, t.hdr_len);
		msg = cur_sub(&c, t.len);
		ldap_message(ctx, st, dir, &msg);
		used = c.off;
	}
	return used;
}

static int
ldap_probe(const uint8_t *data, size_t len, int dir)
{
	struct cursor c, msg;
	struct asn1_tlv t;
	int64_t id;

	cur_init(&c, data, len);
	if (asn1_peek(&c, &t) != ASN1_OK || t.cls != ASN1_UNIVERSAL ||
	    t.tag != ASN1_TAG_SEQUENCE || !t.constructed)
		return 0;
	/* the op header must be there even if the message is cut */
	cur_skip(&c, t.hdr_len);
	msg = c;
	if (!asn1_read_int(&msg, &id) || id < 0 ||
	    asn1_peek(&msg, &t) != ASN1_OK)
		return 0;
	return t.cls == ASN1_APPLICATION && t.tag <= 25;
}

static void
ldap_free(struct dctx *ctx, void *state)
{
	struct ldap_state *st = state;

	ldap_flush(ctx, &st->bind, CRED_OUTCOME_UNKNOWN);
	ntlmssp_settle(ctx, &st->ntlm_pend, CRED_OUTCOME_UNKNOWN);
}

const struct dissector ldap_dissector = {
	.name = "ldap",
	.description = "LDAP simple, SASL and NTLM binds and their result",
	.transport = DISSECTOR_TCP,
	.ports = ldap_ports,
	.probe = ldap_probe,
	.parse = ldap_parse,
	.state_size = sizeof(struct ldap_state),
	.free = ldap_free,
	.max_pending = LDAP_MAX_MESSAGE,
};
