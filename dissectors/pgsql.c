/*
 * pgsql.c - PostgreSQL logins (TCP 5432).
 *
 * Spec: PostgreSQL frontend/backend protocol 3.0 ("Message Flow: Start-up"
 * and "Message Formats" chapters: StartupMessage, SSLRequest,
 * GSSENCRequest, AuthenticationOk/CleartextPassword/MD5Password/SASL/
 * SASLContinue/SASLFinal, PasswordMessage, SASLInitialResponse,
 * SASLResponse, ErrorResponse), RFC 5802/7677 (SCRAM-SHA-256).
 *
 * A fact: the client's answer to the server's authentication request,
 * with the user (and extra "database") from the StartupMessage:
 *  - cleartext password: CRED_CLEARTEXT;
 *  - MD5: CRED_WEAK, crack line in John the Ripper's postgres format
 *    $postgres$user*salt*hash (salt and hash in hex), secret = the
 *    "md5..." response;
 *  - SCRAM-SHA-256: CRED_WEAK, secret = the client proof; crack material
 *    is $scram-sha-256$client-first-bare$server-first$client-final (the
 *    RFC 5802 AuthMessage inputs; no hashcat mode takes it as is).
 * The outcome is AuthenticationOk (success) or an ErrorResponse (failure)
 * before it.  An SSLRequest or GSSENCRequest the server accepts ('S'/'G')
 * ends the dissection, and so does the end of authentication.
 * Deliberately not a fact: trust authentication (AuthenticationOk straight
 * after the StartupMessage), GSS/SSPI tokens, queries.
 */
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "cursor.h"
#include "dissector.h"

#define PG_MAX_MESSAGE		8192
#define PG_PROTOCOL_3		196608u
#define PG_SSL_REQUEST		80877103u
#define PG_GSSENC_REQUEST	80877104u
#define PG_CANCEL_REQUEST	80877102u

#define PG_AUTH_OK		0
#define PG_AUTH_CLEARTEXT	3
#define PG_AUTH_MD5		5
#define PG_AUTH_SASL		10
#define PG_AUTH_SASL_CONTINUE	11
#define PG_AUTH_SASL_FINAL	12

#define PG_NAME_MAX		64
#define PG_SECRET_MAX		256
#define PG_CRACK_MAX		1024

struct pgsql_state {
	int		startup_seen;
	int		tls_requested;
	uint32_t	auth;		/* last authentication request code */
	uint8_t		salt[4];
	uint8_t		user[PG_NAME_MAX];
	size_t		user_len;
	uint8_t		database[PG_NAME_MAX];
	size_t		database_len;
	/* the fact waiting for the server's verdict */
	int		pending;
	enum cred_class	cls;
	const char	*mechanism;
	uint8_t		secret[PG_SECRET_MAX];
	size_t		secret_len;
	char		crack[PG_CRACK_MAX];
	size_t		crack_len;
};

static const uint16_t pgsql_ports[] = { 5432, 0 };

static void
pg_flush(struct dctx *ctx, struct pgsql_state *st, enum cred_outcome o)
{
	struct cred_fact f;

	if (!st->pending)
		return;
	st->pending = 0;
	cred_fact_init(&f, "pgsql", st->mechanism, st->cls);
	f.outcome = o;
	f.user = st->user;
	f.user_len = st->user_len;
	f.secret = st->secret;
	f.secret_len = st->secret_len;
	if (st->crack_len > 0 && st->cls == CRED_WEAK)
		f.crack = st->crack;
	if (st->database_len > 0)
		fact_extra_str(&f, "database", st->database,
		    st->database_len);
	dctx_credential(ctx, &f);
}

static void
pg_keep(uint8_t *dst, size_t *dlen, const uint8_t *src, size_t n)
{
	*dlen = n < PG_NAME_MAX ? n : PG_NAME_MAX;
	memcpy(dst, src, *dlen);
}

static void
pg_startup(struct dctx *ctx, struct pgsql_state *st, struct cursor *c)
{
	const uint8_t *k, *v;
	size_t kn, vn;

	while (cur_left(c) > 1) {
		k = cur_cstring(c, &kn);
		v = cur_cstring(c, &vn);
		if (k == NULL || v == NULL) {
			dctx_weird(ctx, "pgsql_malformed");
			return;
		}
		if (kn == 4 && memcmp(k, "user", 4) == 0)
			pg_keep(st->user, &st->user_len, v, vn);
		else if (kn == 8 && memcmp(k, "database", 8) == 0)
			pg_keep(st->database, &st->database_len, v, vn);
	}
	st->startup_seen = 1;
}

static void
pg_pending(struct pgsql_state *st, enum cred_class cls, const char *mech,
    const uint8_t *secret, size_t n)
{
	st->pending = 1;
	st->cls = cls;
	st->mechanism = mech;
	st->secret_len = n < PG_SECRET_MAX ? n : PG_SECRET_MAX;
	memcpy(st->secret, secret, st->secret_len);
}

/* Appends "$" and n bytes to the SCRAM crack material. */
static void
pg_crack_append(struct pgsql_state *st, const uint8_t *p, size_t n)
{
	if (st->crack_len + 1 + n >= PG_CRACK_MAX)
		return;
	st->crack[st->crack_len++] = '$';
	memcpy(st->crack + st->crack_len, p, n);
	st->crack_len += n;
	st->crack[st->crack_len] = '\0';
}

static void
pg_password(struct dctx *ctx, struct pgsql_state *st, struct cursor *c)
{
	const uint8_t *p, *mech, *proof;
	char salt[9];
	size_t n, mn;
	int32_t dlen;
	int w;

	switch (st->auth) {
	case PG_AUTH_CLEARTEXT:
		if ((p = cur_cstring(c, &n)) == NULL)
			break;
		pg_pending(st, CRED_CLEARTEXT, "cleartext password", p, n);
		return;
	case PG_AUTH_MD5:
		if ((p = cur_cstring(c, &n)) == NULL || n != 35 ||
		    memcmp(p, "md5", 3) != 0)
			break;
		pg_pending(st, CRED_WEAK, "MD5", p, n);
		hex_encode(st->salt, 4, salt, sizeof(salt));
		w = snprintf(st->crack, sizeof(st->crack),
		    "$postgres$%.*s*%s*%.32s", (int)st->user_len,
		    (const char *)st->user, salt, (const char *)p + 3);
		st->crack_len = w > 0 && (size_t)w < sizeof(st->crack) ?
		    (size_t)w : 0;
		return;
	case PG_AUTH_SASL:
		/* SASLInitialResponse: mechanism, Int32 length, data */
		mech = cur_cstring(c, &mn);
		dlen = (int32_t)cur_be32(c);
		if (mech == NULL || dlen < 0 || !cur_has(c, (size_t)dlen))
			break;
		p = cur_ptr(c);
		/* client-first-message: gs2 header "n,," or "y,," first */
		if (dlen < 3 || memchr(p, ',', (size_t)dlen) == NULL)
			break;
		n = (size_t)dlen;
		st->crack_len = (size_t)snprintf(st->crack, sizeof(st->crack),
		    "$%.*s", (int)(mn < 32 ? mn : 32), (const char *)mech);
		for (w = 0; w < 2 && n > 0; n--, p++)	/* skip gs2 header */
			if (*p == ',')
				w++;
		pg_crack_append(st, p, n);
		st->mechanism = "SCRAM-SHA-256";
		return;
	case PG_AUTH_SASL_CONTINUE:
		/* SASLResponse: client-final-message ... ,p=proof */
		p = cur_ptr(c);
		n = cur_left(c);
		proof = NULL;
		for (mn = 0; mn + 3 <= n; mn++)
			if (p[mn] == ',' && p[mn + 1] == 'p' &&
			    p[mn + 2] == '=')
				proof = p + mn + 3;
		if (proof == NULL)
			break;
		pg_crack_append(st, p, n);
		pg_pending(st, CRED_WEAK, "SCRAM-SHA-256", proof,
		    n - (size_t)(proof - p));
		return;
	default:
		return;	/* GSS/SSPI or no request seen: not ours */
	}
	dctx_weird(ctx, "pgsql_malformed");
}

static void
pg_backend(struct dctx *ctx, struct pgsql_state *st, uint8_t type,
    struct cursor *c)
{
	uint32_t code;

	if (type == 'E') {
		pg_flush(ctx, st, st->startup_seen ? CRED_OUTCOME_FAILURE :
		    CRED_OUTCOME_UNKNOWN);
		dctx_done(ctx);
		return;
	}
	if (type != 'R')
		return;
	code = cur_be32(c);
	if (!cur_ok(c)) {
		dctx_weird(ctx, "pgsql_malformed");
		return;
	}
	switch (code) {
	case PG_AUTH_OK:
		pg_flush(ctx, st, CRED_OUTCOME_SUCCESS);
		dctx_done(ctx);
		return;
	case PG_AUTH_MD5:
		cur_copy(c, st->salt, sizeof(st->salt));
		break;
	case PG_AUTH_SASL_CONTINUE:
		/* server-first-message */
		pg_crack_append(st, cur_ptr(c), cur_left(c));
		break;
	case PG_AUTH_SASL_FINAL:
		return;		/* the verdict is the AuthenticationOk */
	}
	st->auth = code;
}

static size_t
pgsql_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct pgsql_state *st = state;
	struct cursor c, m;
	uint32_t mlen, code;
	uint8_t type;
	size_t used = 0;

	cur_init(&c, data, len);
	if (dir == DIR_TO_CLIENT && st->tls_requested) {
		st->tls_requested = 0;
		if (cur_peek(&c, 0) == 'S' || cur_peek(&c, 0) == 'G') {
			dctx_done(ctx);	/* TLS or GSS encryption follows */
			return len;
		}
		if (cur_peek(&c, 0) == 'N')
			cur_skip(&c, 1);
		used = c.off;
	}
	while (cur_left(&c) > 0) {
		if (dir == DIR_TO_SERVER && !st->startup_seen) {
			/* untyped: Int32 length, Int32 code, body */
			if (cur_left(&c) < 8)
				break;
			mlen = (uint32_t)cur_peek(&c, 0) << 24 |
			    (uint32_t)cur_peek(&c, 1) << 16 |
			    (uint32_t)cur_peek(&c, 2) << 8 | cur_peek(&c, 3);
			type = 0;
		} else {
			if (cur_left(&c) < 5)
				break;
			type = cur_peek(&c, 0);
			mlen = (uint32_t)cur_peek(&c, 1) << 24 |
			    (uint32_t)cur_peek(&c, 2) << 16 |
			    (uint32_t)cur_peek(&c, 3) << 8 | cur_peek(&c, 4);
		}
		if (mlen < 4 || mlen > PG_MAX_MESSAGE ||
		    (type != 0 && !(type >= 'A' && type <= 'z'))) {
			dctx_weird(ctx, "pgsql_malformed");
			dctx_done(ctx);
			return len;
		}
		if (cur_left(&c) < mlen + (type != 0))
			break;
		cur_skip(&c, (type != 0) + 4);
		m = cur_sub(&c, mlen - 4);
		used = c.off;
		if (type == 0) {
			code = cur_be32(&m);
			if (code == PG_SSL_REQUEST || code == PG_GSSENC_REQUEST)
				st->tls_requested = 1;
			else if (code == PG_PROTOCOL_3)
				pg_startup(ctx, st, &m);
			else if (code != PG_CANCEL_REQUEST) {
				dctx_weird(ctx, "pgsql_bad_protocol");
				dctx_done(ctx);
				return len;
			}
			continue;
		}
		if (dir == DIR_TO_SERVER && type == 'p')
			pg_password(ctx, st, &m);
		else if (dir == DIR_TO_CLIENT)
			pg_backend(ctx, st, type, &m);
	}
	return used;
}

static int
pgsql_probe(const uint8_t *data, size_t len, int dir)
{
	struct cursor c;
	uint32_t mlen, code;

	if (dir != DIR_TO_SERVER)
		return 0;
	cur_init(&c, data, len);
	mlen = cur_be32(&c);
	code = cur_be32(&c);
	if (!cur_ok(&c) || mlen < 8 || mlen > PG_MAX_MESSAGE)
		return 0;
	if (code == PG_SSL_REQUEST || code == PG_GSSENC_REQUEST)
		return mlen == 8;
	/* a StartupMessage's parameters are lower-case names */
	return code == PG_PROTOCOL_3 && mlen > 9 && len > 8 &&
	    data[8] >= 'a' && data[8] <= 'z';
}

static void
pgsql_free(struct dctx *ctx, void *state)
{
	pg_flush(ctx, state, CRED_OUTCOME_UNKNOWN);
}

const struct dissector pgsql_dissector = {
	.name = "pgsql",
	.description = "PostgreSQL cleartext, MD5 and SCRAM logins",
	.transport = DISSECTOR_TCP,
	.ports = pgsql_ports,
	.probe = pgsql_probe,
	.parse = pgsql_parse,
	.state_size = sizeof(struct pgsql_state),
	.free = pgsql_free,
};
