/*
 * mongodb.c - MongoDB SASL logins (TCP 27017).
 *
 * Spec: MongoDB Wire Protocol (message header, OP_MSG, OP_QUERY, OP_REPLY),
 * BSON 1.1 (bsonspec.org), the saslStart/saslContinue commands and hello's
 * speculativeAuthenticate (MongoDB driver authentication specification),
 * RFC 5802 / RFC 7677 (SCRAM-SHA-1, SCRAM-SHA-256), RFC 4616 (PLAIN).
 *
 * BSON is read minimally: top-level elements of the command or reply
 * document (one level down for speculativeAuthenticate), sizes checked
 * against the enclosing document, nothing else decoded.
 *
 * Facts (from saslStart, or hello/isMaster speculativeAuthenticate):
 *  - SCRAM-SHA-1 / SCRAM-SHA-256: CRED_WEAK, the user from the client-first
 *    message "n,,n=user,r=nonce", the client proof (from the first
 *    saslContinue) as the secret, and as crack material
 *    $<mechanism>$client-first-bare$server-first$client-final, the RFC 5802
 *    AuthMessage inputs (no hashcat mode takes it as it is);
 *  - PLAIN (LDAP proxy authentication): CRED_CLEARTEXT user and password.
 * Each carries the extra "database" ($db, or the OP_QUERY namespace).  The
 * outcome comes from the replies to the conversation's requests: ok 0 is
 * failure, ok 1 with done true success.  A hello reply without
 * speculativeAuthenticate drops a speculative attempt silently (the driver
 * then authenticates again with saslStart, which is reported).
 * Not facts: MONGODB-X509, GSSAPI, MONGODB-AWS, the legacy MONGODB-CR
 * authenticate command, compressed messages (OP_COMPRESSED), queries.
 * Dissection stops once a login has its verdict, or after 16 client
 * messages without one.  Messages over MONGO_KEEP bytes are skipped unread.
 * Strict: a message length under 16 or over 48 MB, an unknown opCode or a
 * BSON document whose sizes do not add up counts mongodb_malformed.
 */
#include <string.h>

#include "cursor.h"
#include "dissector.h"
#include "textproto.h"

#define MONGO_HDR_LEN		16
#define MONGO_MAX_MSG		(48 * 1000 * 1000)
#define MONGO_KEEP		8000	/* larger messages are skipped */
#define MONGO_GIVE_UP_AFTER	16
#define MONGO_NAME_MAX		128
#define MONGO_SECRET_MAX	256
#define MONGO_CRACK_MAX		1024

#define OP_REPLY		1
#define OP_UPDATE		2001
#define OP_INSERT		2002
#define OP_QUERY		2004
#define OP_GET_MORE		2005
#define OP_DELETE		2006
#define OP_KILL_CURSORS		2007
#define OP_COMMAND		2010
#define OP_COMMANDREPLY		2011
#define OP_COMPRESSED		2012
#define OP_MSG			2013

#define OP_MSG_CHECKSUM		0x01

/* BSON element types with a length we must know to skip them. */
#define BSON_DOUBLE		0x01
#define BSON_STRING		0x02
#define BSON_DOC		0x03
#define BSON_ARRAY		0x04
#define BSON_BINARY		0x05
#define BSON_BOOL		0x08
#define BSON_INT32		0x10
#define BSON_INT64		0x12

struct bson_el {
	uint8_t		 type;
	const uint8_t	*name;
	size_t		 nlen;
	const uint8_t	*val;	/* string without NUL; binary data;	*/
	size_t		 vlen;	/* a document with its length prefix	*/
};

struct mongodb_state {
	uint32_t	skip[2];	/* of an oversized message */
	uint32_t	commands;
	int32_t		auth_req;	/* the request awaiting its reply */
	uint8_t		pending;
	uint8_t		speculative;
	uint8_t		continues;	/* saslContinue messages seen */
	uint8_t		cls;
	const char	*mechanism;
	uint8_t		user[MONGO_NAME_MAX];
	size_t		user_len;
	uint8_t		db[MONGO_NAME_MAX];
	size_t		db_len;
	uint8_t		secret[MONGO_SECRET_MAX];
	size_t		secret_len;
	char		crack[MONGO_CRACK_MAX];
	size_t		crack_len;
};

static const uint16_t mongodb_ports[] = { 27017, 0 };

/* ---- BSON ---------------------------------------------------------------- */

/* A cursor over a document's elements; -1 when its sizes are wrong. */
static int
bson_doc(const uint8_t *p, size_t n, struct cursor *doc)
{
	struct cursor c;
	int32_t len;

	cur_init(&c, p, n);
	len = (int32_t)cur_le32(&c);
	if (!cur_ok(&c) || len < 5 || (size_t)len > n ||
	    cur_peek(&c, (size_t)len - 5) != 0)
		return -1;
	cur_init(doc, p + 4, (size_t)len - 5);
	return 0;
}

/* The next element: 1, 0 at the end, -1 when malformed. */
static int
bson_next(struct cursor *c, struct bson_el *e)
{
	const uint8_t *z;
	int32_t n;
	size_t fixed;

	if (cur_left(c) == 0)
		return 0;
	e->type = cur_u8(c);
	e->name = cur_ptr(c);
	if ((z = memchr(e->name, 0, cur_left(c))) == NULL)
		return -1;
	e->nlen = (size_t)(z - e->name);
	cur_skip(c, e->nlen + 1);
	switch (e->type) {
	case BSON_STRING:
	case 0x0d: case 0x0e:			/* JS code, symbol */
		n = (int32_t)cur_le32(c);
		if (!cur_ok(c) || n < 1 || !cur_has(c, (size_t)n) ||
		    cur_peek(c, (size_t)n - 1) != 0)
			return -1;
		e->val = cur_take(c, (size_t)n);
		e->vlen = (size_t)n - 1;
		return 1;
	case BSON_DOC:
	case BSON_ARRAY:
	case 0x0f:				/* code with scope */
		e->val = cur_ptr(c);
		n = (int32_t)cur_le32(c);
		if (!cur_ok(c) || n < 5 || !cur_has(c, (size_t)n - 4))
			return -1;
		cur_skip(c, (size_t)n - 4);
		e->vlen = (size_t)n;
		return 1;
	case BSON_BINARY:
		n = (int32_t)cur_le32(c);
		cur_skip(c, 1);			/* subtype */
		if (!cur_ok(c) || n < 0 || !cur_has(c, (size_t)n))
			return -1;
		e->vlen = (size_t)n;
		e->val = cur_take(c, e->vlen);
		return 1;
	case 0x0b:				/* regex: two cstrings */
		for (n = 0; n < 2; n++) {
			if ((z = memchr(cur_ptr(c), 0, cur_left(c))) == NULL)
				return -1;
			cur_skip(c, (size_t)(z - cur_ptr(c)) + 1);
		}
		e->val = NULL;
		e->vlen = 0;
		return 1;
	case 0x0c:				/* DBPointer */
		n = (int32_t)cur_le32(c);
		if (!cur_ok(c) || n < 1)
			return -1;
		cur_skip(c, (size_t)n + 12);
		e->val = NULL;
		e->vlen = 0;
		return cur_ok(c) ? 1 : -1;
	case 0x06: case 0x0a: case 0x7f: case 0xff:
		fixed = 0;
		break;
	case BSON_BOOL:
		fixed = 1;
		break;
	case BSON_INT32:
		fixed = 4;
		break;
	case BSON_DOUBLE: case 0x09: case 0x11: case BSON_INT64:
		fixed = 8;
		break;
	case 0x07:				/* ObjectId */
		fixed = 12;
		break;
	case 0x13:				/* decimal128 */
		fixed = 16;
		break;
	default:
		return -1;
	}
	e->vlen = fixed;
	e->val = cur_take(c, fixed);
	return cur_ok(c) ? 1 : -1;
}

/* Finds a top-level element by name: 1 found, 0 absent, -1 malformed. */
static int
bson_find(struct cursor doc, const char *name, struct bson_el *e)
{
	size_t n = strlen(name);
	int r;

	while ((r = bson_next(&doc, e)) == 1)
		if (e->nlen == n && memcmp(e->name, name, n) == 0)
			return 1;
	return r;
}

/* A numeric or boolean element's truth (ok: 1.0, done: true). */
static int
bson_true(const struct bson_el *e)
{
	struct cursor c;
	uint8_t any = 0;
	size_t i;

	cur_init(&c, e->val, e->vlen);
	switch (e->type) {
	case BSON_BOOL: case BSON_INT32: case BSON_INT64:
		for (i = 0; i < e->vlen; i++)
			any |= cur_u8(&c);
		return any != 0;
	case BSON_DOUBLE:	/* +1.0 is 0x3ff0000000000000 */
		return cur_peek(&c, 7) == 0x3f && cur_peek(&c, 6) == 0xf0;
	default:
		return 0;
	}
}

/* ---- the login ------------------------------------------------------------ */

static void
mongo_flush(struct dctx *ctx, struct mongodb_state *st, enum cred_outcome o)
{
	struct cred_fact f;

	if (!st->pending)
		return;
	cred_fact_init(&f, "mongodb", st->mechanism, (enum cred_class)st->cls);
	f.outcome = o;
	if (st->user_len > 0) {
		f.user = st->user;
		f.user_len = st->user_len;
	}
	if (st->secret_len > 0) {
		f.secret = st->secret;
		f.secret_len = st->secret_len;
	}
	if (st->cls == CRED_WEAK && st->continues > 0)
		f.crack = st->crack;
	if (st->db_len > 0)
		fact_extra_str(&f, "database", st->db, st->db_len);
	dctx_credential(ctx, &f);
	tp_wipe(st->secret, sizeof(st->secret));
	tp_wipe(st->crack, sizeof(st->crack));
	st->pending = 0;
	st->secret_len = 0;
	st->crack_len = 0;
}

/* Appends "$" and a SASL message to the SCRAM crack material. */
static void
mongo_crack_add(struct mongodb_state *st, const uint8_t *p, size_t n)
{
	if (st->crack_len + 1 + n >= sizeof(st->crack))
		return;
	st->crack[st->crack_len++] = '$';
	memcpy(st->crack + st->crack_len, p, n);
	st->crack_len += n;
	st->crack[st->crack_len] = '\0';
}

/* saslStart's payload for the mechanism; -1 when it is not what the
 * mechanism says. */
static int
mongo_sasl_start(struct mongodb_state *st, const struct bson_el *mech,
    const uint8_t *p, size_t n)
{
	long a, b;
	size_t i, commas = 0, u;

	if (tp_ieq(mech->val, mech->vlen, "PLAIN")) {
		/* [authzid] NUL authcid NUL passwd */
		if ((a = tp_find(p, n, 0)) < 0 ||
		    (b = tp_find(p + a + 1, n - (size_t)a - 1, 0)) < 0)
			return -1;
		st->cls = CRED_CLEARTEXT;
		st->mechanism = "PLAIN";
		st->user_len = tp_copy(st->user, sizeof(st->user), p + a + 1,
		    (size_t)b);
		st->secret_len = tp_copy(st->secret, sizeof(st->secret),
		    p + a + b + 2, n - (size_t)a - (size_t)b - 2);
		return 0;
	}
	if (tp_ieq(mech->val, mech->vlen, "SCRAM-SHA-1"))
		st->mechanism = "SCRAM-SHA-1";
	else if (tp_ieq(mech->val, mech->vlen, "SCRAM-SHA-256"))
		st->mechanism = "SCRAM-SHA-256";
	else
		return 1;		/* X509, GSSAPI, AWS: not a fact */
	/* gs2 header "n,," (or "y,," / "p=..,a=..,"), then "n=user,r=..." */
	for (i = 0; i < n && commas < 2; i++)
		if (p[i] == ',')
			commas++;
	if (commas < 2 || n - i < 2 || p[i] != 'n' || p[i + 1] != '=')
		return -1;
	for (u = i + 2; u < n && p[u] != ','; u++)
		;
	st->cls = CRED_WEAK;
	st->user_len = tp_copy(st->user, sizeof(st->user), p + i + 2,
	    u - i - 2);
	st->crack_len = 0;
	st->crack[0] = '\0';
	mongo_crack_add(st, (const uint8_t *)st->mechanism,
	    strlen(st->mechanism));
	mongo_crack_add(st, p + i, n - i);
	return 0;
}

/* A saslStart-shaped document (the command, or speculativeAuthenticate). */
static void
mongo_start(struct dctx *ctx, struct mongodb_state *st, struct cursor doc,
    const uint8_t *db, size_t dblen, int32_t req, int speculative)
{
	struct bson_el mech, payload, d;
	int r;

	if (bson_find(doc, "mechanism", &mech) != 1 ||
	    mech.type != BSON_STRING ||
	    bson_find(doc, "payload", &payload) != 1 ||
	    (payload.type != BSON_BINARY && payload.type != BSON_STRING)) {
		dctx_weird(ctx, "mongodb_bad_sasl");
		return;
	}
	mongo_flush(ctx, st, CRED_OUTCOME_UNKNOWN);
	st->continues = 0;
	st->secret_len = 0;
	r = mongo_sasl_start(st, &mech, payload.val, payload.vlen);
	if (r < 0)
		dctx_weird(ctx, "mongodb_bad_sasl");
	if (r != 0)
		return;
	if (speculative && bson_find(doc, "db", &d) == 1 &&
	    d.type == BSON_STRING) {
		db = d.val;
		dblen = d.vlen;
	}
	st->db_len = db != NULL ? tp_copy(st->db, sizeof(st->db), db, dblen) :
	    0;
	st->pending = 1;
	st->speculative = (uint8_t)speculative;
	st->auth_req = req;
}

static void
mongo_command(struct dctx *ctx, struct mongodb_state *st, struct cursor doc,
    const uint8_t *db, size_t dblen, int32_t req)
{
	struct bson_el first, e, p;
	struct cursor sub;
	const uint8_t *proof;
	size_t i;

	if (bson_next(&doc, &first) != 1) {
		dctx_weird(ctx, "mongodb_malformed");
		return;
	}
	cur_init(&doc, doc.base, doc.len);	/* back to the first element */
	if (db == NULL && bson_find(doc, "$db", &e) == 1 &&
	    e.type == BSON_STRING) {
		db = e.val;
		dblen = e.vlen;
	}
	if (tp_ieq(first.name, first.nlen, "saslStart")) {
		mongo_start(ctx, st, doc, db, dblen, req, 0);
	} else if (tp_ieq(first.name, first.nlen, "hello") ||
	    tp_ieq(first.name, first.nlen, "isMaster")) {
		if (bson_find(doc, "speculativeAuthenticate", &e) == 1 &&
		    e.type == BSON_DOC && bson_doc(e.val, e.vlen, &sub) == 0 &&
		    bson_find(sub, "saslStart", &p) == 1)
			mongo_start(ctx, st, sub, db, dblen, req, 1);
	} else if (tp_ieq(first.name, first.nlen, "saslContinue") &&
	    st->pending) {
		st->auth_req = req;
		if (st->cls != CRED_WEAK || st->continues++ > 0 ||
		    bson_find(doc, "payload", &p) != 1 ||
		    (p.type != BSON_BINARY && p.type != BSON_STRING))
			return;
		/* client-final-message: c=..,r=..,p=proof */
		mongo_crack_add(st, p.val, p.vlen);
		proof = NULL;
		for (i = 0; i + 3 <= p.vlen; i++)
			if (p.val[i] == ',' && p.val[i + 1] == 'p' &&
			    p.val[i + 2] == '=')
				proof = p.val + i + 3;
		if (proof != NULL)
			st->secret_len = tp_copy(st->secret,
			    sizeof(st->secret), proof,
			    p.vlen - (size_t)(proof - p.val));
	}
}

static void
mongo_reply(struct dctx *ctx, struct mongodb_state *st, struct cursor doc)
{
	struct bson_el ok, done, spec, p;
	struct cursor sub = doc;
	int has_ok;

	has_ok = bson_find(doc, "ok", &ok) == 1;
	if (has_ok && !bson_true(&ok)) {
		mongo_flush(ctx, st, CRED_OUTCOME_FAILURE);
		dctx_done(ctx);
		return;
	}
	if (st->speculative) {
		st->speculative = 0;
		if (bson_find(doc, "speculativeAuthenticate", &spec) != 1 ||
		    spec.type != BSON_DOC ||
		    bson_doc(spec.val, spec.vlen, &sub) < 0) {
			st->pending = 0;	/* saslStart follows */
			tp_wipe(st->secret, sizeof(st->secret));
			return;
		}
	}
	if (bson_find(sub, "done", &done) == 1 && bson_true(&done)) {
		mongo_flush(ctx, st, has_ok ? CRED_OUTCOME_SUCCESS :
		    CRED_OUTCOME_UNKNOWN);
		dctx_done(ctx);
		return;
	}
	/* server-first-message, for the SCRAM material */
	if (st->cls == CRED_WEAK && st->continues == 0 &&
	    bson_find(sub, "payload", &p) == 1 &&
	    (p.type == BSON_BINARY || p.type == BSON_STRING))
		mongo_crack_add(st, p.val, p.vlen);
}

/* ---- messages ------------------------------------------------------------- */

static int
mongo_opcode_ok(int32_t op)
{
	switch (op) {
	case OP_REPLY: case OP_UPDATE: case OP_INSERT: case OP_QUERY:
	case OP_GET_MORE: case OP_DELETE: case OP_KILL_CURSORS:
	case OP_COMMAND: case OP_COMMANDREPLY: case OP_COMPRESSED:
	case OP_MSG:
		return 1;
	}
	return 0;
}

/* The document a message carries (OP_MSG body section, OP_QUERY query,
 * OP_REPLY first document); *db gets an OP_QUERY's database. */
static int
mongo_body(struct cursor *m, int32_t op, struct cursor *doc,
    const uint8_t **db, size_t *dblen)
{
	const uint8_t *ns, *z;
	uint32_t flags;
	size_t nslen;

	*db = NULL;
	switch (op) {
	case OP_MSG:
		flags = cur_le32(m);
		if ((flags & OP_MSG_CHECKSUM) && cur_left(m) >= 4)
			m->len -= 4;
		if (cur_u8(m) != 0)	/* kind 1 first: not a command */
			return 1;
		break;
	case OP_QUERY:
		cur_skip(m, 4);
		ns = cur_ptr(m);
		if (!cur_ok(m) ||
		    (z = memchr(ns, 0, cur_left(m))) == NULL)
			return -1;
		nslen = (size_t)(z - ns);
		cur_skip(m, nslen + 1 + 8);
		if (!tp_isuffix(ns, nslen, ".$cmd"))
			return 1;
		*db = ns;
		*dblen = nslen - 5;
		break;
	case OP_REPLY:
		cur_skip(m, 4 + 8 + 4 + 4);
		break;
	default:
		return 1;
	}
	if (!cur_ok(m))
		return -1;
	return bson_doc(cur_ptr(m), cur_left(m), doc);
}

static size_t
mongodb_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct mongodb_state *st = state;
	struct cursor c, m, doc;
	const uint8_t *db;
	int32_t mlen, req, resp_to, op;
	size_t used = 0, n, dblen = 0;
	int r;

	cur_init(&c, data, len);
	while (cur_left(&c) > 0) {
		if (st->skip[dir] > 0) {
			n = cur_left(&c) < st->skip[dir] ? cur_left(&c) :
			    st->skip[dir];
			cur_skip(&c, n);
			st->skip[dir] -= (uint32_t)n;
			used = c.off;
			continue;
		}
		if (cur_left(&c) < MONGO_HDR_LEN)
			break;
		mlen = (int32_t)cur_le32(&c);
		req = (int32_t)cur_le32(&c);
		resp_to = (int32_t)cur_le32(&c);
		op = (int32_t)cur_le32(&c);
		if (mlen < MONGO_HDR_LEN || mlen > MONGO_MAX_MSG ||
		    !mongo_opcode_ok(op)) {
			dctx_weird(ctx, "mongodb_malformed");
			goto stop;
		}
		if (mlen > MONGO_KEEP) {
			st->skip[dir] = (uint32_t)mlen - MONGO_HDR_LEN;
			used = c.off;
			continue;
		}
		if (cur_left(&c) < (size_t)mlen - MONGO_HDR_LEN)
			break;
		m = cur_sub(&c, (size_t)mlen - MONGO_HDR_LEN);
		used = c.off;
		if (dir == DIR_TO_SERVER &&
		    ++st->commands > MONGO_GIVE_UP_AFTER && !st->pending)
			goto stop;
		if ((r = mongo_body(&m, op, &doc, &db, &dblen)) < 0) {
			dctx_weird(ctx, "mongodb_malformed");
			continue;
		}
		if (r > 0)
			continue;
		if (dir == DIR_TO_SERVER)
			mongo_command(ctx, st, doc, db, dblen, req);
		else if (st->pending && resp_to == st->auth_req)
			mongo_reply(ctx, st, doc);
	}
	return used;
stop:
	st->pending = 0;
	tp_wipe(st->secret, sizeof(st->secret));
	dctx_done(ctx);
	return len;
}

static void
mongodb_free(struct dctx *ctx, void *state)
{
	mongo_flush(ctx, state, CRED_OUTCOME_UNKNOWN);
}

const struct dissector mongodb_dissector = {
	.name = "mongodb",
	.description = "MongoDB SASL logins: SCRAM-SHA-1/256 and PLAIN",
	.transport = DISSECTOR_TCP,
	.ports = mongodb_ports,
	.parse = mongodb_parse,
	.state_size = sizeof(struct mongodb_state),
	.free = mongodb_free,
};
