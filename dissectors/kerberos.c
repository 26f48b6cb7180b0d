/*
 * kerberos.c - Kerberos 5 roastable material (TCP and UDP 88).
 *
 * Spec: RFC 4120 section 5 (AS-REQ/TGS-REQ, AS-REP/TGS-REP, Ticket,
 * EncryptedData, PA-ENC-TIMESTAMP, KRB-ERROR; 7.2.2: TCP messages carry a
 * 4-byte big-endian length whose top bit must be 0), RFC 4757 (etype 23,
 * RC4-HMAC), DER through asn1.c.
 *
 * A fact (all CRED_WEAK, proto "kerberos", user = client principal with
 * components joined by '/', domain = realm, secret = the cipher bytes):
 *  - AS-REQ with PA-ENC-TIMESTAMP in etype 23: mechanism "AS-REQ pre-auth
 *    etype 23", hashcat 7500 line $krb5pa$23$user$realm$salt$ts+checksum
 *    (salt = realm+user, unused for RC4); the outcome is the KDC's answer
 *    on the same flow: AS-REP success, KRB-ERROR PREAUTH_FAILED (24),
 *    C_PRINCIPAL_UNKNOWN (6), CLIENT_REVOKED (18), KEY_EXPIRED (23) or
 *    POLICY (12) failure, other errors unknown.
 *  - AS-REP whose enc-part is etype 23 (AS-REP roasting): hashcat 18200
 *    $krb5asrep$23$user@realm:checksum$edata2, outcome success.
 *  - TGS-REP whose ticket enc-part is etype 23 (Kerberoasting): hashcat
 *    13100 $krb5tgs$23$*user$realm$spn*$checksum$edata2, where user is the
 *    requesting client (the service account is not on the wire) and spn
 *    the ticket's sname; outcome success.
 * Deliberately not a fact: AES pre-authentication and AES-encrypted
 * replies (etypes 17/18: not practically crackable, left to policy to ask
 * for later), TGS-REQ, AP-REQ, KRB-PRIV; malformed messages are a weird.
 *
 * Threads: nothing here is static and mutable.  Workers parse different
 * flows at the same time, so a hashcat line is built in memory of the call
 * that reports it (krb_settle: on the stack; krb_rep: sized to the cipher
 * on the heap, freed before returning) and never in a shared buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn1.h"
#include "codec.h"
#include "dissector.h"

#define KRB_MAX_MESSAGE		(64u * 1024)
#define KRB_NAME_MAX		256
#define KRB_CIPHER_MAX		128	/* RC4 PA-ENC-TIMESTAMP: ~52 bytes */
/* A 18200/13100 line without its hex: "$krb5tgs$23$*" user '$' realm '$'
 * spn "*$", then checksum '$' edata2 and the NUL. */
#define KRB_REP_CRACK_FIXED	(3 * KRB_NAME_MAX + 32)

#define KRB_AS_REQ		10
#define KRB_AS_REP		11
#define KRB_TGS_REQ		12
#define KRB_TGS_REP		13
#define KRB_ERROR		30

#define KRB_PA_ENC_TIMESTAMP	2
#define KRB_ETYPE_RC4_HMAC	23
#define KRB_CHECKSUM_LEN	16

#define KDC_ERR_C_PRINCIPAL_UNKNOWN	6
#define KDC_ERR_POLICY			12
#define KDC_ERR_CLIENT_REVOKED		18
#define KDC_ERR_KEY_EXPIRED		23
#define KDC_ERR_PREAUTH_FAILED		24

struct krb_name {
	char	s[KRB_NAME_MAX];
	size_t	len;
};

struct krb_pending {
	int		used;
	struct krb_name	user;
	struct krb_name	realm;
	uint8_t		cipher[KRB_CIPHER_MAX];
	size_t		cipher_len;
};

struct kerberos_state {
	struct krb_pending	pend;
};

struct krb_enc {
	int64_t		 etype;
	const uint8_t	*cipher;
	size_t		 len;
};

static const uint16_t kerberos_ports[] = { 88, 0 };

/* [n] EXPLICIT: the content of the context tag. */
static int
krb_ctx(struct cursor *c, uint32_t n, struct cursor *in)
{
	return asn1_expect(c, ASN1_CONTEXT, n, in);
}

static int
krb_ctx_int(struct cursor *c, uint32_t n, int64_t *v)
{
	struct cursor in;

	return krb_ctx(c, n, &in) && asn1_read_int(&in, v);
}

/* Skips optional context tags below n. */
static void
krb_skip_to(struct cursor *c, uint32_t n)
{
	struct asn1_tlv t;

	while (cur_ok(c) && asn1_peek(c, &t) == ASN1_OK &&
	    t.cls == ASN1_CONTEXT && t.tag < n)
		asn1_skip(c);
}

static int
krb_string(struct cursor *c, struct krb_name *out, int append)
{
	const uint8_t *p;
	size_t n;

	if (!asn1_read_bytes(c, ASN1_UNIVERSAL, ASN1_TAG_GENERAL_STRING, &p,
	    &n))
		return 0;
	if (append && out->len < sizeof(out->s) - 1)
		out->s[out->len++] = '/';
	if (n > sizeof(out->s) - 1 - out->len)
		n = sizeof(out->s) - 1 - out->len;
	memcpy(out->s + out->len, p, n);
	out->len += n;
	out->s[out->len] = '\0';
	return 1;
}

/* Realm ::= KerberosString inside [n]. */
static int
krb_realm(struct cursor *c, uint32_t n, struct krb_name *out)
{
	struct cursor in;

	out->len = 0;
	out->s[0] = '\0';
	return krb_ctx(c, n, &in) && krb_string(&in, out, 0);
}

/* PrincipalName inside [n]: name-string components joined by '/'. */
static int
krb_principal(struct cursor *c, uint32_t n, struct krb_name *out)
{
	struct cursor in, seq, ns, strs;
	int64_t type;
	int i = 0;

	out->len = 0;
	out->s[0] = '\0';
	if (!krb_ctx(c, n, &in) ||
	    !asn1_expect(&in, ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE, &seq) ||
	    !krb_ctx_int(&seq, 0, &type) || !krb_ctx(&seq, 1, &ns) ||
	    !asn1_expect(&ns, ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE, &strs))
		return 0;
	while (cur_left(&strs) > 0)
		if (!krb_string(&strs, out, i++ > 0))
			return 0;
	return 1;
}

/* EncryptedData inside [n]. */
static int
krb_encrypted(struct cursor *c, uint32_t n, struct krb_enc *e)
{
	struct cursor in, seq, ci;

	if (!krb_ctx(c, n, &in) ||
	    !asn1_expect(&in, ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE, &seq) ||
	    !krb_ctx_int(&seq, 0, &e->etype))
		return 0;
	krb_skip_to(&seq, 2);			/* kvno */
	if (!krb_ctx(&seq, 2, &ci) ||
	    !asn1_read_bytes(&ci, ASN1_UNIVERSAL, ASN1_TAG_OCTET_STRING,
	    &e->cipher, &e->len))
		return 0;
	return 1;
}

static void
krb_report(struct dctx *ctx, const char *mech, const struct krb_name *user,
    const struct krb_name *realm, const uint8_t *secret, size_t secret_len,
    const char *crack, enum cred_outcome o)
{
	struct cred_fact f;

	cred_fact_init(&f, "kerberos", mech, CRED_WEAK);
	f.outcome = o;
	f.user = (const uint8_t *)user->s;
	f.user_len = user->len;
	f.domain = (const uint8_t *)realm->s;
	f.domain_len = realm->len;
	f.secret = secret;
	f.secret_len = secret_len;
	f.crack = crack;
	fact_extra_int(&f, "etype", KRB_ETYPE_RC4_HMAC);
	dctx_credential(ctx, &f);
}

static void
krb_settle(struct dctx *ctx, struct kerberos_state *st, enum cred_outcome o)
{
	struct krb_pending *p = &st->pend;
	char crack[2 * KRB_CIPHER_MAX + 3 * KRB_NAME_MAX + 32];
	char hex[2 * KRB_CIPHER_MAX + 1];
	int n;

	if (!p->used)
		return;
	p->used = 0;
	/* 7500 wants the timestamp part first, then the checksum. */
	hex_encode(p->cipher + KRB_CHECKSUM_LEN,
	    p->cipher_len - KRB_CHECKSUM_LEN, hex, sizeof(hex));
	hex_encode(p->cipher, KRB_CHECKSUM_LEN,
	    hex + 2 * (p->cipher_len - KRB_CHECKSUM_LEN),
	    sizeof(hex) - 2 * (p->cipher_len - KRB_CHECKSUM_LEN));
	n = snprintf(crack, sizeof(crack), "$krb5pa$23$%s$%s$%s%s$%s",
	    p->user.s, p->realm.s, p->realm.s, p->user.s, hex);
	krb_report(ctx, "AS-REQ pre-auth etype 23", &p->user, &p->realm,
	    p->cipher, p->cipher_len,
	    n > 0 && (size_t)n < sizeof(crack) ? crack : NULL, o);
}

static void
krb_as_req(struct dctx *ctx, struct kerberos_state *st, struct cursor *c)
{
	struct cursor seq, pa, pas, one, val, body, bseq;
	struct krb_enc enc = { 0 };
	int64_t pvno, type, patype;
	struct krb_pending *p = &st->pend;
	int have_ts = 0;

	if (!asn1_expect(c, ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE, &seq) ||
	    !krb_ctx_int(&seq, 1, &pvno) || !krb_ctx_int(&seq, 2, &type) ||
	    pvno != 5 || type != KRB_AS_REQ)
		goto bad;
	if (asn1_is(&seq, ASN1_CONTEXT, 3)) {
		if (!krb_ctx(&seq, 3, &pa) || !asn1_expect(&pa,
		    ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE, &pas))
			goto bad;
		while (cur_left(&pas) > 0) {
			if (!asn1_expect(&pas, ASN1_UNIVERSAL,
			    ASN1_TAG_SEQUENCE, &one) ||
			    !krb_ctx_int(&one, 1, &patype) ||
			    !krb_ctx(&one, 2, &val))
				goto bad;
			if (patype != KRB_PA_ENC_TIMESTAMP || have_ts)
				continue;
			/* padata-value is an OCTET STRING holding DER */
			{
				const uint8_t *v;
				size_t vn;
				struct cursor vc, wrap;

				if (!asn1_read_bytes(&val, ASN1_UNIVERSAL,
				    ASN1_TAG_OCTET_STRING, &v, &vn))
					goto bad;
				/* EncryptedData without the [n] wrapper */
				cur_init(&vc, v, vn);
				wrap = vc;
				if (!asn1_expect(&wrap, ASN1_UNIVERSAL,
				    ASN1_TAG_SEQUENCE, &vc) ||
				    !krb_ctx_int(&vc, 0, &enc.etype))
					goto bad;
				krb_skip_to(&vc, 2);
				if (!krb_ctx(&vc, 2, &wrap) ||
				    !asn1_read_bytes(&wrap, ASN1_UNIVERSAL,
				    ASN1_TAG_OCTET_STRING, &enc.cipher,
				    &enc.len))
					goto bad;
				have_ts = 1;
			}
		}
	}
	if (!krb_ctx(&seq, 4, &body) ||
	    !asn1_expect(&body, ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE, &bseq))
		goto bad;
	krb_skip_to(&bseq, 1);			/* kdc-options */
	krb_settle(ctx, st, CRED_OUTCOME_UNKNOWN);
	memset(p, 0, sizeof(*p));
	if (asn1_is(&bseq, ASN1_CONTEXT, 1) && !krb_principal(&bseq, 1,
	    &p->user))
		goto bad;
	if (!krb_realm(&bseq, 2, &p->realm))
		goto bad;
	if (!have_ts || enc.etype != KRB_ETYPE_RC4_HMAC)
		return;		/* no pre-auth, or AES: nothing to report */
	if (enc.len <= KRB_CHECKSUM_LEN || enc.len > KRB_CIPHER_MAX) {
		dctx_weird(ctx, "kerberos_bad_cipher_length");
		return;
	}
	memcpy(p->cipher, enc.cipher, enc.len);
	p->cipher_len = enc.len;
	p->used = 1;
	return;
bad:
	dctx_weird(ctx, "kerberos_malformed");
}

/*
 * Reports hashcat 18200/13100 material.  The line can be as long as twice
 * the message (a ticket with a large PAC), so it goes in a buffer of this
 * call sized to the cipher; dctx_credential() copies what it keeps.
 */
static void
krb_rep(struct dctx *ctx, struct kerberos_state *st, struct cursor *c,
    unsigned app)
{
	struct cursor seq, tk, tkseq;
	struct krb_name crealm, cname, trealm, sname;
	struct krb_enc tenc, enc;
	int64_t pvno, type;
	char *crack;
	size_t hl, cap;
	int n;

	if (!asn1_expect(c, ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE, &seq) ||
	    !krb_ctx_int(&seq, 0, &pvno) || !krb_ctx_int(&seq, 1, &type) ||
	    pvno != 5 || type != app)
		goto bad;
	krb_skip_to(&seq, 3);			/* padata */
	if (!krb_realm(&seq, 3, &crealm) || !krb_principal(&seq, 4, &cname) ||
	    !krb_ctx(&seq, 5, &tk) ||
	    !asn1_expect(&tk, ASN1_APPLICATION, 1, &tkseq) ||
	    !asn1_expect(&tkseq, ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE, &tk) ||
	    !krb_ctx_int(&tk, 0, &pvno) || !krb_realm(&tk, 1, &trealm) ||
	    !krb_principal(&tk, 2, &sname) || !krb_encrypted(&tk, 3, &tenc) ||
	    !krb_encrypted(&seq, 6, &enc))
		goto bad;
	if (app == KRB_AS_REP) {
		krb_settle(ctx, st, CRED_OUTCOME_SUCCESS);
		if (enc.etype != KRB_ETYPE_RC4_HMAC)
			return;
	} else if (tenc.etype != KRB_ETYPE_RC4_HMAC)
		return;
	else
		enc = tenc;
	if (enc.len <= KRB_CHECKSUM_LEN) {
		dctx_weird(ctx, "kerberos_bad_cipher_length");
		return;
	}
	/* enc.len < KRB_MAX_MESSAGE: cannot overflow */
	cap = KRB_REP_CRACK_FIXED + 2 * enc.len;
	if ((crack = malloc(cap)) == NULL) {
		dctx_weird(ctx, "kerberos_no_memory");
		return;
	}
	if (app == KRB_AS_REP)
		n = snprintf(crack, cap, "$krb5asrep$23$%s@%s:", cname.s,
		    crealm.s);
	else
		n = snprintf(crack, cap, "$krb5tgs$23$*%s$%s$%s*$", cname.s,
		    trealm.s, sname.s);
	if (n < 0 || (size_t)n >= cap)
		goto out;
	hl = (size_t)n;
	if (hex_encode(enc.cipher, KRB_CHECKSUM_LEN, crack + hl,
	    cap - hl) < 0)
		goto out;
	hl += 2 * KRB_CHECKSUM_LEN;
	crack[hl++] = '$';
	if (hex_encode(enc.cipher + KRB_CHECKSUM_LEN,
	    enc.len - KRB_CHECKSUM_LEN, crack + hl, cap - hl) < 0)
		goto out;
	krb_report(ctx, app == KRB_AS_REP ? "AS-REP etype 23" :
	    "TGS-REP etype 23", &cname, app == KRB_AS_REP ? &crealm : &trealm,
	    enc.cipher, enc.len, crack, CRED_OUTCOME_SUCCESS);
out:
	free(crack);
	return;
bad:
	dctx_weird(ctx, "kerberos_malformed");
}

static void
krb_error(struct dctx *ctx, struct kerberos_state *st, struct cursor *c)
{
	struct cursor seq;
	int64_t pvno, type, code;

	if (!asn1_expect(c, ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE, &seq) ||
	    !krb_ctx_int(&seq, 0, &pvno) || !krb_ctx_int(&seq, 1, &type) ||
	    pvno != 5 || type != KRB_ERROR) {
		dctx_weird(ctx, "kerberos_malformed");
		return;
	}
	krb_skip_to(&seq, 6);			/* ctime ... susec */
	if (!krb_ctx_int(&seq, 6, &code)) {
		dctx_weird(ctx, "kerberos_malformed");
		return;
	}
	switch (code) {
	case KDC_ERR_C_PRINCIPAL_UNKNOWN:
	case KDC_ERR_POLICY:
	case KDC_ERR_CLIENT_REVOKED:
	case KDC_ERR_KEY_EXPIRED:
	case KDC_ERR_PREAUTH_FAILED:
		krb_settle(ctx, st, CRED_OUTCOME_FAILURE);
		break;
	default:
		krb_settle(ctx, st, CRED_OUTCOME_UNKNOWN);
		break;
	}
}

static void
krb_message(struct dctx *ctx, struct kerberos_state *st, int dir,
    const uint8_t *data, size_t len)
{
	struct cursor c, in;
	struct asn1_tlv t;

	cur_init(&c, data, len);
	if (!asn1_next(&c, &t, &in) || t.cls != ASN1_APPLICATION ||
	    !t.constructed) {
		dctx_weird(ctx, "kerberos_malformed");
		return;
	}
	if (t.tag == KRB_AS_REQ && dir == DIR_TO_SERVER)
		krb_as_req(ctx, st, &in);
	else if ((t.tag == KRB_AS_REP || t.tag == KRB_TGS_REP) &&
	    dir == DIR_TO_CLIENT)
		krb_rep(ctx, st, &in, t.tag);
	else if (t.tag == KRB_ERROR && dir == DIR_TO_CLIENT)
		krb_error(ctx, st, &in);
}

static int
krb_is_app(uint8_t b)
{
	return b == 0x6a || b == 0x6b || b == 0x6c || b == 0x6d || b == 0x7e;
}

static size_t
kerberos_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct kerberos_state *st = state;
	struct cursor c;
	size_t used = 0;
	uint32_t mlen;

	if (len > 0 && krb_is_app(data[0])) {
		/* a UDP datagram: the message is the payload */
		krb_message(ctx, st, dir, data, len);
		return len;
	}
	cur_init(&c, data, len);
	while (cur_left(&c) >= 4) {
		mlen = cur_be32(&c);
		if ((mlen & 0x80000000u) || mlen > KRB_MAX_MESSAGE ||
		    mlen == 0 || (cur_left(&c) > 0 &&
		    !krb_is_app(cur_peek(&c, 0)))) {
			dctx_weird(ctx, "kerberos_malformed");
			dctx_done(ctx);
			return len;
		}
		if (cur_left(&c) < mlen)
			break;
		krb_message(ctx, st, dir, cur_ptr(&c), mlen);
		cur_skip(&c, mlen);
		used = c.off;
	}
	return used;
}

static int
kerberos_probe(const uint8_t *data, size_t len, int dir)
{
	struct cursor c;
	struct asn1_tlv t;

	if (len >= 4 && data[0] == 0)
		data += 4, len -= 4;
	cur_init(&c, data, len);
	if (asn1_peek(&c, &t) != ASN1_OK || t.cls != ASN1_APPLICATION ||
	    !krb_is_app(data[0]))
		return 0;
	/* the SEQUENCE then [0] or [1] pvno 5 */
	cur_skip(&c, t.hdr_len);
	return cur_peek(&c, 0) == 0x30 && (asn1_peek(&c, &t) == ASN1_OK) &&
	    len >= 16;
}

static void
kerberos_free(struct dctx *ctx, void *state)
{
	krb_settle(ctx, state, CRED_OUTCOME_UNKNOWN);
}

const struct dissector kerberos_dissector = {
	.name = "kerberos",
	.description = "Kerberos RC4 pre-auth, AS-REP and TGS-REP material",
	.transport = DISSECTOR_TCP | DISSECTOR_UDP,
	.ports = kerberos_ports,
	.probe = kerberos_probe,
	.parse = kerberos_parse,
	.state_size = sizeof(struct kerberos_state),
	.free = kerberos_free,
	.max_pending = KRB_MAX_MESSAGE + 4,
};
