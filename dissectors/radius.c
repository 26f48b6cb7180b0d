/*
 * radius.c - RADIUS authentication (UDP 1812 and the old 1645).
 *
 * Spec: RFC 2865 (RADIUS: packet format, Access-Request/Accept/Reject/
 * Challenge, User-Name, User-Password 5.2, CHAP-Password 5.3,
 * CHAP-Challenge 5.40), RFC 3579 (EAP-Message), RFC 3748 and RFC 1994
 * (EAP-MD5 = CHAP's MD5 over identifier, password and challenge).
 *
 * Facts (Access-Request, CRED_WEAK, user from User-Name):
 *  - User-Password (PAP): the password is XORed with MD5(shared secret +
 *    Request Authenticator).  The shared secret is unknown to a sensor, so
 *    the password is not recoverable here; secret = the hidden bytes, crack
 *    material $radius$*<authenticator hex>*<user-password hex> (this
 *    project's layout: with a candidate secret, or a candidate secret and
 *    password, the pair can be checked offline; no hashcat mode takes it).
 *  - CHAP-Password: secret = the 16-byte response, crack line in hashcat
 *    mode 4800's format <response hex>:<challenge hex>:<CHAP id hex>, the
 *    challenge being CHAP-Challenge or else the Request Authenticator.
 *  - EAP-MD5 inside EAP-Message: the challenge from the server's
 *    Access-Challenge and the client's response, same mode 4800 line with
 *    the EAP identifier.
 * The outcome comes from the Access-Accept (success) or Access-Reject
 * (failure) with the request's Identifier within the flow; requests wait in
 * a bounded table (RADIUS_PENDING; the oldest is reported with an unknown
 * outcome when it is full).  An Access-Challenge to a PAP or CHAP request
 * (a second factor asked for) reports it with an unknown outcome.
 * Not facts: Access-Requests without any of the three (EAP identity,
 * EAP-TLS/PEAP/TTLS whose secrets travel inside TLS), accounting.
 * Strict: a Length outside 20..4096 or beyond the datagram, an attribute
 * overrunning the packet, a User-Password that is not 16..128 bytes in
 * multiples of 16, or a CHAP-Password that is not 17 bytes counts
 * radius_malformed and the packet is ignored.
 */
#include <string.h>

#include "codec.h"
#include "cursor.h"
#include "dissector.h"
#include "textproto.h"

#define RADIUS_HDR_LEN		20
#define RADIUS_MAX_LEN		4096
#define RADIUS_AUTH_LEN		16
#define RADIUS_PENDING		8
#define RADIUS_USER_MAX		253
#define RADIUS_PW_MAX		128
#define RADIUS_CHAL_MAX		64
#define RADIUS_EAP_MAX		1024
#define RADIUS_CRACK_MAX	(16 + 2 * RADIUS_AUTH_LEN + 2 * RADIUS_PW_MAX)

#define RADIUS_ACCESS_REQUEST	1
#define RADIUS_ACCESS_ACCEPT	2
#define RADIUS_ACCESS_REJECT	3
#define RADIUS_ACCESS_CHALLENGE	11

#define RADIUS_ATTR_USER_NAME	1
#define RADIUS_ATTR_USER_PASSWORD 2
#define RADIUS_ATTR_CHAP_PASSWORD 3
#define RADIUS_ATTR_EAP_MESSAGE	79
#define RADIUS_ATTR_CHAP_CHALLENGE 60

#define EAP_REQUEST		1
#define EAP_RESPONSE		2
#define EAP_TYPE_MD5		4

/* An Access-Request waiting for its answer. */
struct radius_pending {
	uint8_t		used;
	uint8_t		id;
	const char	*mechanism;
	uint8_t		user[RADIUS_USER_MAX];
	size_t		user_len;
	uint8_t		secret[RADIUS_PW_MAX];
	size_t		secret_len;
	char		crack[RADIUS_CRACK_MAX];
};

struct radius_state {
	struct radius_pending	req[RADIUS_PENDING];
	uint8_t			next;		/* slot to reuse when full */
	/* the last EAP-MD5 challenge the server sent */
	uint8_t			eap_chal_valid;
	uint8_t			eap_chal_id;
	uint8_t			eap_chal[RADIUS_CHAL_MAX];
	size_t			eap_chal_len;
};

/* What one packet's attributes hold. */
struct radius_attrs {
	const uint8_t	*user, *pw, *chap, *chap_chal;
	size_t		 user_len, pw_len, chap_chal_len, eap_len;
	uint8_t		 eap[RADIUS_EAP_MAX];
};

static const uint16_t radius_ports[] = { 1812, 1645, 0 };

static void
radius_report(struct dctx *ctx, struct radius_pending *p,
    enum cred_outcome o)
{
	struct cred_fact f;

	if (!p->used)
		return;
	cred_fact_init(&f, "radius", p->mechanism, CRED_WEAK);
	f.outcome = o;
	if (p->user_len > 0) {
		f.user = p->user;
		f.user_len = p->user_len;
	}
	f.secret = p->secret;
	f.secret_len = p->secret_len;
	f.crack = p->crack;
	dctx_credential(ctx, &f);
	tp_wipe(p, sizeof(*p));
}

static struct radius_pending *
radius_find(struct radius_state *st, uint8_t id)
{
	size_t i;

	for (i = 0; i < RADIUS_PENDING; i++)
		if (st->req[i].used && st->req[i].id == id)
			return &st->req[i];
	return NULL;
}

/* A slot for a new request: its retransmission's, a free one, or the
 * oldest, reported first. */
static struct radius_pending *
radius_slot(struct dctx *ctx, struct radius_state *st, uint8_t id)
{
	struct radius_pending *p;
	size_t i;

	if ((p = radius_find(st, id)) != NULL) {
		tp_wipe(p, sizeof(*p));
		return p;
	}
	for (i = 0; i < RADIUS_PENDING; i++)
		if (!st->req[i].used)
			return &st->req[i];
	p = &st->req[st->next];
	st->next = (uint8_t)((st->next + 1) % RADIUS_PENDING);
	radius_report(ctx, p, CRED_OUTCOME_UNKNOWN);
	return p;
}

/* Walks the attributes; -1 when one overruns the packet or is invalid. */
static int
radius_attrs(struct cursor *c, struct radius_attrs *a)
{
	const uint8_t *v;
	uint8_t type, alen;
	size_t n;

	memset(a, 0, offsetof(struct radius_attrs, eap));
	while (cur_left(c) > 0) {
		type = cur_u8(c);
		alen = cur_u8(c);
		if (!cur_ok(c) || alen < 2)
			return -1;
		n = (size_t)alen - 2;
		if ((v = cur_take(c, n)) == NULL)
			return -1;
		switch (type) {
		case RADIUS_ATTR_USER_NAME:
			a->user = v;
			a->user_len = n;
			break;
		case RADIUS_ATTR_USER_PASSWORD:
			if (n < 16 || n > RADIUS_PW_MAX || n % 16 != 0)
				return -1;
			a->pw = v;
			a->pw_len = n;
			break;
		case RADIUS_ATTR_CHAP_PASSWORD:
			if (n != 1 + 16)
				return -1;
			a->chap = v;
			break;
		case RADIUS_ATTR_CHAP_CHALLENGE:
			if (n == 0 || n > RADIUS_CHAL_MAX)
				return -1;
			a->chap_chal = v;
			a->chap_chal_len = n;
			break;
		case RADIUS_ATTR_EAP_MESSAGE:
			/* fragments of one EAP packet, concatenated */
			if (n > RADIUS_EAP_MAX - a->eap_len)
				return -1;
			memcpy(a->eap + a->eap_len, v, n);
			a->eap_len += n;
			break;
		}
	}
	return 0;
}

/* Writes <response hex>:<challenge hex>:<id hex> (hashcat 4800). */
static void
radius_chap_crack(struct radius_pending *p, const uint8_t *resp,
    const uint8_t *chal, size_t chal_len, uint8_t id)
{
	char *o = p->crack;
	size_t cap = sizeof(p->crack), n;

	n = (size_t)hex_encode(resp, 16, o, cap);
	o[n++] = ':';
	n += (size_t)hex_encode(chal, chal_len, o + n, cap - n);
	o[n++] = ':';
	hex_encode(&id, 1, o + n, cap - n);
	memcpy(p->secret, resp, 16);
	p->secret_len = 16;
}

/* An EAP packet: code, identifier, type, and the MD5 value it carries. */
static int
radius_eap_md5(const struct radius_attrs *a, uint8_t *code, uint8_t *id,
    const uint8_t **val, size_t *vlen)
{
	struct cursor c;
	uint16_t elen;

	cur_init(&c, a->eap, a->eap_len);
	*code = cur_u8(&c);
	*id = cur_u8(&c);
	elen = cur_be16(&c);
	if (!cur_ok(&c) || elen > a->eap_len || elen < 6)
		return 0;
	if (cur_u8(&c) != EAP_TYPE_MD5)
		return 0;
	*vlen = cur_u8(&c);
	*val = cur_take(&c, *vlen);
	return *val != NULL && *vlen > 0 && *vlen <= RADIUS_CHAL_MAX &&
	    (size_t)6 + *vlen <= elen;
}

static void
radius_request(struct dctx *ctx, struct radius_state *st, uint8_t id,
    const uint8_t *authenticator, const struct radius_attrs *a)
{
	struct radius_pending *p;
	const uint8_t *val = NULL;
	uint8_t code = 0, eap_id = 0;
	size_t vlen = 0, n;
	int eap_md5;

	eap_md5 = a->eap_len > 0 && radius_eap_md5(a, &code, &eap_id, &val,
	    &vlen) && code == EAP_RESPONSE && vlen == 16 &&
	    st->eap_chal_valid && st->eap_chal_id == eap_id;
	if (a->pw == NULL && a->chap == NULL && !eap_md5)
		return;
	p = radius_slot(ctx, st, id);
	p->used = 1;
	p->id = id;
	if (a->user != NULL)
		p->user_len = tp_copy(p->user, sizeof(p->user), a->user,
		    a->user_len);
	if (a->pw != NULL) {
		p->mechanism = "PAP";
		memcpy(p->crack, "$radius$*", 9);
		n = 9 + (size_t)hex_encode(authenticator, RADIUS_AUTH_LEN,
		    p->crack + 9, sizeof(p->crack) - 9);
		p->crack[n++] = '*';
		hex_encode(a->pw, a->pw_len, p->crack + n,
		    sizeof(p->crack) - n);
		memcpy(p->secret, a->pw, a->pw_len);
		p->secret_len = a->pw_len;
	} else if (a->chap != NULL) {
		p->mechanism = "CHAP";
		if (a->chap_chal != NULL)
			radius_chap_crack(p, a->chap + 1, a->chap_chal,
			    a->chap_chal_len, a->chap[0]);
		else
			radius_chap_crack(p, a->chap + 1, authenticator,
			    RADIUS_AUTH_LEN, a->chap[0]);
	} else {
		p->mechanism = "EAP-MD5";
		radius_chap_crack(p, val, st->eap_chal, st->eap_chal_len,
		    eap_id);
		st->eap_chal_valid = 0;
	}
}

static void
radius_answer(struct dctx *ctx, struct radius_state *st, uint8_t code,
    uint8_t id, const struct radius_attrs *a)
{
	struct radius_pending *p = radius_find(st, id);
	const uint8_t *val;
	uint8_t ecode, eap_id;
	size_t vlen;

	if (code == RADIUS_ACCESS_CHALLENGE) {
		if (a->eap_len > 0 && radius_eap_md5(a, &ecode, &eap_id, &val,
		    &vlen) && ecode == EAP_REQUEST) {
			st->eap_chal_valid = 1;
			st->eap_chal_id = eap_id;
			st->eap_chal_len = vlen;
			memcpy(st->eap_chal, val, vlen);
		}
		if (p != NULL)
			radius_report(ctx, p, CRED_OUTCOME_UNKNOWN);
		return;
	}
	if (p != NULL)
		radius_report(ctx, p, code == RADIUS_ACCESS_ACCEPT ?
		    CRED_OUTCOME_SUCCESS : CRED_OUTCOME_FAILURE);
}

static size_t
radius_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct radius_state *st = state;
	struct radius_attrs a;
	const uint8_t *authenticator;
	struct cursor c, body;
	uint8_t code, id;
	uint16_t plen;

	(void)dir;	/* requests and answers tell themselves apart */
	cur_init(&c, data, len);
	code = cur_u8(&c);
	id = cur_u8(&c);
	plen = cur_be16(&c);
	authenticator = cur_take(&c, RADIUS_AUTH_LEN);
	if (!cur_ok(&c) || plen < RADIUS_HDR_LEN || plen > RADIUS_MAX_LEN ||
	    plen > len) {
		dctx_weird(ctx, "radius_malformed");
		return len;
	}
	if (code != RADIUS_ACCESS_REQUEST && code != RADIUS_ACCESS_ACCEPT &&
	    code != RADIUS_ACCESS_REJECT && code != RADIUS_ACCESS_CHALLENGE)
		return len;		/* accounting, status, CoA */
	body = cur_sub(&c, plen - RADIUS_HDR_LEN);
	if (radius_attrs(&body, &a) < 0) {
		dctx_weird(ctx, "radius_malformed");
		return len;
	}
	if (code == RADIUS_ACCESS_REQUEST)
		radius_request(ctx, st, id, authenticator, &a);
	else
		radius_answer(ctx, st, code, id, &a);
	tp_wipe(&a, sizeof(a));
	return len;
}

static void
radius_free(struct dctx *ctx, void *state)
{
	struct radius_state *st = state;
	size_t i;

	for (i = 0; i < RADIUS_PENDING; i++)
		radius_report(ctx, &st->req[i], CRED_OUTCOME_UNKNOWN);
}

const struct dissector radius_dissector = {
	.name = "radius",
	.description = "RADIUS PAP, CHAP and EAP-MD5 authentication",
	.transport = DISSECTOR_UDP,
	.ports = radius_ports,
	.parse = radius_parse,
	.state_size = sizeof(struct radius_state),
	.free = radius_free,
};
