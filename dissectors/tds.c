/*
 * tds.c - Microsoft SQL Server logins (MS-TDS, TCP 1433, and a probe).
 *
 * Spec: [MS-TDS] Tabular Data Stream Protocol: 2.2.3.1 packet header,
 * 2.2.6.5 PRELOGIN, 2.2.6.4 LOGIN7 (with its password obfuscation: each
 * byte has its nibbles swapped, then is XORed with 0xA5), 2.2.7.14 LOGINACK,
 * 2.2.7.10 ERROR, 3.2.5.1-3 the encryption negotiation.
 *
 * Packets are framed by their 8-byte header and reassembled into messages
 * (end-of-message status bit); the parts of a message kept are bounded
 * (TDS_MSG_MAX), and only PRELOGIN, LOGIN7 and the server's answers to them
 * are read.
 *
 * A fact: a LOGIN7 with SQL Server authentication is CRED_CLEARTEXT: the
 * user, the de-obfuscated password as the secret (UTF-16LE converted to
 * UTF-8), and the extras "hostname", "app_name", "server_name" and
 * "database" when present.  The outcome is the server's login response: a
 * LOGINACK token is success; an ERROR token (18456 "Login failed", or any
 * other) without LOGINACK is failure, with the extra "error" (its number).
 * Integrated (SSPI) logins with NTLM: the NTLMSSP messages (LOGIN7's SSPI
 * field, the server's SSPI token, the client's SSPI message) go to
 * ntlmssp.c, whose AUTHENTICATE fact (weak_auth, protocol "tds") waits for
 * the same login response.  Not facts: Kerberos SSPI and federated logins
 * (nothing crackable, no password in LOGIN7), and everything after the
 * login response.  Encryption: ENCRYPT_ON
 * or ENCRYPT_REQ from either side in PRELOGIN means TLS follows, so
 * dissection stops; with ENCRYPT_OFF the LOGIN7 itself still travels in
 * TLS (a TLS handshake inside PRELOGIN packets ends dissection); only with
 * ENCRYPT_NOT_SUP, or clients that skip PRELOGIN, is LOGIN7 readable.  TDS
 * 8.0 (TLS first) is recognised and left alone.
 * Strict: an unknown packet type, a length under the header size, or a
 * LOGIN7 whose offsets point outside the record counts tds_malformed.
 */
#include <string.h>

#include "cursor.h"
#include "dissector.h"
#include "ntlmssp.h"
#include "textproto.h"
#include "utf16.h"

#define TDS_HDR_LEN		8
#define TDS_MSG_MAX		4096	/* kept of one message */
#define TDS_NAME_CHARS		128	/* LOGIN7 name limits (2.2.6.4) */
#define TDS_NAME_MAX		(TDS_NAME_CHARS * 3)	/* as UTF-8 */
#define TDS_LOGIN_FIXED		36	/* LOGIN7 bytes before OffsetLength */

/* Packet types (2.2.3.1.1) */
#define TDS_SQL_BATCH		0x01
#define TDS_PRE7_LOGIN		0x02
#define TDS_RPC			0x03
#define TDS_RESPONSE		0x04
#define TDS_ATTENTION		0x06
#define TDS_BULK		0x07
#define TDS_FEDAUTH_TOKEN	0x08
#define TDS_TRANS_MGR		0x0e
#define TDS_LOGIN7		0x10
#define TDS_SSPI		0x11
#define TDS_PRELOGIN		0x12

#define TDS_STATUS_EOM		0x01

/* PRELOGIN ENCRYPTION option values (2.2.6.5), low nibble */
#define TDS_PL_ENCRYPTION	0x01
#define TDS_PL_TERMINATOR	0xff
#define TDS_ENCRYPT_OFF		0x00
#define TDS_ENCRYPT_ON		0x01
#define TDS_ENCRYPT_NOT_SUP	0x02
#define TDS_ENCRYPT_REQ		0x03
#define TDS_ENCRYPT_NONE	0xff	/* option absent */

/* Tokens of the login response (2.2.7) */
#define TDS_TOK_ORDER		0xa9
#define TDS_TOK_ERROR		0xaa
#define TDS_TOK_INFO		0xab
#define TDS_TOK_LOGINACK	0xad
#define TDS_TOK_FEATUREEXTACK	0xae
#define TDS_TOK_ENVCHANGE	0xe3
#define TDS_TOK_SSPI		0xed
#define TDS_TOK_FEDAUTHINFO	0xee
#define TDS_TOK_DONE		0xfd

#define TDS_OPT2_INT_SECURITY	0x80	/* OptionFlags2 fIntSecurity */
#define TDS_ERR_LOGIN_FAILED	18456

/* Reassembly of one direction's current message. */
struct tds_msg {
	uint8_t		type;
	uint8_t		eom;
	uint8_t		truncated;
	uint16_t	body_left;	/* of the current packet */
	size_t		len;
	uint8_t		buf[TDS_MSG_MAX];
};

/* A UTF-8 name kept from LOGIN7. */
struct tds_name {
	uint8_t		s[TDS_NAME_MAX];
	size_t		n;
};

enum tds_name_idx { TN_HOST, TN_USER, TN_APP, TN_SERVER, TN_DATABASE,
    TN_N };

struct tds_state {
	struct tds_msg	msg[2];
	uint8_t		prelogin_sent;	/* a PRELOGIN awaits its answer */
	uint8_t		client_enc;
	uint8_t		first_seen;	/* client data seen (TLS-first check) */
	uint8_t		pending;	/* LOGIN7 awaits its response */
	uint8_t		sspi;		/* an integrated login runs */
	struct ntlmssp_state	ntlm;
	struct ntlmssp_pending	ntlm_pend;
	struct tds_name	name[TN_N];
	uint8_t		secret[TDS_NAME_MAX];
	size_t		secret_len;
};

static const uint16_t tds_ports[] = { 1433, 0 };

/* The extras' keys, by enum tds_name_idx (TN_USER is the fact's user). */
static const char *const tds_name_keys[TN_N] = {
	"hostname", NULL, "app_name", "server_name", "database"
};

static void
tds_flush(struct dctx *ctx, struct tds_state *st, enum cred_outcome o,
    int64_t error)
{
	struct cred_fact f;
	unsigned i;

	if (!st->pending)
		return;
	st->pending = 0;
	cred_fact_init(&f, "tds", "LOGIN7", CRED_CLEARTEXT);
	f.outcome = o;
	f.user = st->name[TN_USER].s;
	f.user_len = st->name[TN_USER].n;
	f.secret = st->secret;
	f.secret_len = st->secret_len;
	for (i = 0; i < TN_N; i++)
		if (tds_name_keys[i] != NULL && st->name[i].n > 0)
			fact_extra_str(&f, tds_name_keys[i], st->name[i].s,
			    st->name[i].n);
	if (error != 0)
		fact_extra_int(&f, "error", error);
	dctx_credential(ctx, &f);
	tp_wipe(st->secret, sizeof(st->secret));
	st->secret_len = 0;
}

/* The ENCRYPTION option's value in a PRELOGIN body, or TDS_ENCRYPT_NONE;
 * -1 when the option list is malformed. */
static int
tds_prelogin_encryption(const uint8_t *body, size_t len)
{
	struct cursor c, v;
	uint16_t off, n;
	uint8_t tok;
	int enc = TDS_ENCRYPT_NONE;

	cur_init(&c, body, len);
	for (;;) {
		tok = cur_u8(&c);
		if (!cur_ok(&c))
			return -1;
		if (tok == TDS_PL_TERMINATOR)
			return enc;
		off = cur_be16(&c);
		n = cur_be16(&c);
		if (!cur_ok(&c) || off > len || n > len - off)
			return -1;
		if (tok == TDS_PL_ENCRYPTION) {
			cur_init(&v, body + off, n);
			enc = cur_u8(&v) & 0x0f;
			if (!cur_ok(&v))
				return -1;
		}
	}
}

/* One OffsetLength field of LOGIN7: 0 ok, -1 out of the record. */
static int
tds_field(struct cursor *ol, const uint8_t *rec, size_t reclen,
    const uint8_t **p, size_t *bytes)
{
	uint16_t off = cur_le16(ol), cch = cur_le16(ol);

	if (!cur_ok(ol) || cch > TDS_NAME_CHARS ||
	    (size_t)off + 2u * cch > reclen)
		return -1;
	*p = rec + off;
	*bytes = 2u * cch;
	return 0;
}

static void
tds_name_set(struct tds_name *t, const uint8_t *p, size_t n)
{
	t->n = utf16le_to_utf8(p, n, t->s, sizeof(t->s));
}

/*
 * An SSPI token (LOGIN7's SSPI field, the server's SSPI token, a client
 * SSPI message): NTLMSSP, bare or inside SPNEGO, goes to ntlmssp.c; the
 * AUTHENTICATE waits there for the login response.  Kerberos tokens carry
 * nothing crackable and are passed by.
 */
static int
tds_sspi_blob(struct dctx *ctx, struct tds_state *st, const uint8_t *p,
    size_t n)
{
	long at;

	if (p == NULL || n == 0 || (at = ntlmssp_find(p, n)) < 0)
		return 0;
	ntlmssp_feed_pending(ctx, &st->ntlm, &st->ntlm_pend, "tds",
	    p + at, n - (size_t)at);
	return 1;
}

/*
 * An integrated login: the SSPI field follows the nine name fields and
 * the client id (2.2.6.4: ibSSPI, cbSSPI; cbSSPI 0xffff defers to
 * cbSSPILong further on).  c stands after the nine fields.  Only NTLM
 * keeps the dissection going (sspi).
 */
static void
tds_login7_sspi(struct dctx *ctx, struct tds_state *st, const uint8_t *rec,
    size_t reclen, struct cursor *c)
{
	uint32_t off, len;

	cur_skip(c, 6);				/* ClientID */
	off = cur_le16(c);
	len = cur_le16(c);
	if (len == 0xffff) {
		cur_skip(c, 4 + 4);		/* AtchDBFile, ChangePassword */
		len = cur_le32(c);
	}
	if (!cur_ok(c) || off > reclen || len > reclen - off) {
		dctx_weird(ctx, "tds_malformed");
		return;
	}
	st->sspi = (uint8_t)tds_sspi_blob(ctx, st, rec + off, len);
}

static void
tds_login7(struct dctx *ctx, struct tds_state *st, const struct tds_msg *m)
{
	static const int order[] = { TN_HOST, TN_USER, -1, TN_APP,
	    TN_SERVER, -2, -2, -2, TN_DATABASE };
	uint8_t pw[TDS_NAME_CHARS * 2], b;
	const uint8_t *p;
	struct cursor c, ol;
	size_t n, i, k, reclen;
	uint8_t flags2;

	cur_init(&c, m->buf, m->len);
	reclen = cur_le32(&c);
	cur_skip(&c, 20);		/* version, sizes, pid, connection */
	cur_skip(&c, 1);
	flags2 = cur_u8(&c);
	cur_skip(&c, 10);		/* type flags, flags 3, zone, lcid */
	if (!cur_ok(&c) || reclen < TDS_LOGIN_FIXED + 9 * 4 ||
	    reclen > m->len) {
		dctx_weird(ctx, m->truncated ? "tds_login_too_long" :
		    "tds_malformed");
		return;
	}
	memset(st->name, 0, sizeof(st->name));
	ol = cur_sub(&c, 9 * 4);
	if (flags2 & TDS_OPT2_INT_SECURITY) {
		tds_login7_sspi(ctx, st, m->buf, reclen, &c);
		return;
	}
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (order[i] == -2) {	/* extension, library, language */
			cur_skip(&ol, 4);
			continue;
		}
		if (tds_field(&ol, m->buf, reclen, &p, &n) < 0) {
			dctx_weird(ctx, "tds_malformed");
			memset(st->name, 0, sizeof(st->name));
			tp_wipe(st->secret, sizeof(st->secret));
			st->secret_len = 0;
			return;
		}
		if (order[i] >= 0) {
			tds_name_set(&st->name[order[i]], p, n);
			continue;
		}
		for (k = 0; k < n; k++) {
			b = p[k] ^ 0xa5;
			pw[k] = (uint8_t)(b << 4 | b >> 4);
		}
		st->secret_len = utf16le_to_utf8(pw, n, st->secret,
		    sizeof(st->secret));
		tp_wipe(pw, sizeof(pw));
	}
	if (st->name[TN_USER].n == 0) {
		tp_wipe(st->secret, sizeof(st->secret));
		return;			/* federated authentication */
	}
	st->pending = 1;
}

/* The login's verdict: the SQL login's fact, or the NTLM one's. */
static void
tds_verdict(struct dctx *ctx, struct tds_state *st, enum cred_outcome o,
    int64_t error)
{
	tds_flush(ctx, st, o, error);
	if (st->sspi)
		ntlmssp_settle(ctx, &st->ntlm_pend, o);
	st->sspi = 0;
}

/*
 * The login response's verdict, from its tokens; an SSPI token (an
 * integrated login's challenge) goes to ntlmssp.c.  Returns 1 when the
 * login is decided.
 */
static int
tds_login_response(struct dctx *ctx, struct tds_state *st,
    const struct tds_msg *m)
{
	struct cursor c, t;
	const uint8_t *p;
	int64_t error = 0;
	int challenge = 0;
	uint32_t n;
	uint8_t tok, id;

	cur_init(&c, m->buf, m->len);
	while (cur_left(&c) > 0) {
		tok = cur_u8(&c);
		switch (tok) {
		case TDS_TOK_LOGINACK:
			tds_verdict(ctx, st, CRED_OUTCOME_SUCCESS, 0);
			return 1;
		case TDS_TOK_ERROR:
			t = cur_sub(&c, cur_le16(&c));
			n = cur_le32(&t);
			if (cur_ok(&t) && (error == 0 ||
			    n == TDS_ERR_LOGIN_FAILED))
				error = n;
			break;
		case TDS_TOK_SSPI:
			n = cur_le16(&c);
			p = cur_take(&c, n);
			if (st->sspi && p != NULL) {
				tds_sspi_blob(ctx, st, p, n);
				challenge = 1;
			}
			break;
		case TDS_TOK_ORDER:
		case TDS_TOK_INFO:
		case TDS_TOK_ENVCHANGE:
			cur_skip(&c, cur_le16(&c));
			break;
		case TDS_TOK_FEDAUTHINFO:
			cur_skip(&c, cur_le32(&c));
			break;
		case TDS_TOK_FEATUREEXTACK:
			while ((id = cur_u8(&c)) != 0xff && cur_ok(&c))
				cur_skip(&c, cur_le32(&c));
			break;
		default:		/* DONE, or a token we do not know */
			cur_skip(&c, cur_left(&c));
			break;
		}
		if (!cur_ok(&c))
			break;
	}
	if (error != 0)
		tds_verdict(ctx, st, CRED_OUTCOME_FAILURE, error);
	else if (challenge)
		return 0;		/* the client answers it */
	else if (!m->truncated)
		tds_verdict(ctx, st, CRED_OUTCOME_UNKNOWN, 0);
	return 1;
}

/* Whether a login (SQL or integrated) awaits its response. */
static int
tds_login_open(const struct tds_state *st)
{
	return st->pending || st->sspi;
}

/* A whole message: returns 1 when dissection is over. */
static int
tds_message(struct dctx *ctx, struct tds_state *st, int dir,
    const struct tds_msg *m)
{
	int enc;

	if (dir == DIR_TO_SERVER) {
		switch (m->type) {
		case TDS_PRELOGIN:
			/* a TLS handshake carried in PRELOGIN packets */
			if (m->len >= 2 && m->buf[0] == 0x16 &&
			    m->buf[1] == 0x03)
				return 1;
			if ((enc = tds_prelogin_encryption(m->buf,
			    m->len)) < 0) {
				dctx_weird(ctx, "tds_malformed");
				return 1;
			}
			st->client_enc = (uint8_t)enc;
			st->prelogin_sent = 1;
			return 0;
		case TDS_LOGIN7:
			tds_login7(ctx, st, m);
			/* federated, or a broken record: over */
			return !tds_login_open(st);
		case TDS_SSPI:		/* the integrated login's answer */
			if (st->sspi)
				tds_sspi_blob(ctx, st, m->buf, m->len);
			return !st->sspi;
		default:	/* the session runs: no login to see */
			return !tds_login_open(st);
		}
	}
	if (m->type != TDS_RESPONSE)
		return 0;
	if (st->prelogin_sent) {
		st->prelogin_sent = 0;
		if ((enc = tds_prelogin_encryption(m->buf, m->len)) < 0) {
			dctx_weird(ctx, "tds_malformed");
			return 1;
		}
		return enc == TDS_ENCRYPT_ON || enc == TDS_ENCRYPT_REQ ||
		    st->client_enc == TDS_ENCRYPT_ON ||
		    st->client_enc == TDS_ENCRYPT_REQ;
	}
	if (!tds_login_open(st))
		return 0;
	return tds_login_response(ctx, st, m);
}

static int
tds_type_ok(int dir, uint8_t type)
{
	if (dir == DIR_TO_CLIENT)
		return type == TDS_RESPONSE;
	switch (type) {
	case TDS_SQL_BATCH: case TDS_PRE7_LOGIN: case TDS_RPC:
	case TDS_ATTENTION: case TDS_BULK: case TDS_FEDAUTH_TOKEN:
	case TDS_TRANS_MGR: case TDS_LOGIN7: case TDS_SSPI:
	case TDS_PRELOGIN:
		return 1;
	}
	return 0;
}

static size_t
tds_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct tds_state *st = state;
	struct tds_msg *m = &st->msg[dir];
	struct cursor c;
	uint8_t type, status;
	uint16_t plen;
	size_t n, keep;

	cur_init(&c, data, len);
	if (dir == DIR_TO_SERVER && !st->first_seen) {
		st->first_seen = 1;
		/* TDS 8.0: a TLS ClientHello before any TDS packet */
		if (cur_peek(&c, 0) == 0x16 && cur_peek(&c, 1) == 0x03) {
			dctx_done(ctx);
			return len;
		}
	}
	while (cur_left(&c) > 0) {
		if (m->body_left == 0) {
			if (cur_left(&c) < TDS_HDR_LEN)
				break;
			type = cur_u8(&c);
			status = cur_u8(&c);
			plen = cur_be16(&c);
			cur_skip(&c, 4);	/* SPID, PacketID, Window */
			if (!tds_type_ok(dir, type) || plen < TDS_HDR_LEN) {
				dctx_weird(ctx, "tds_malformed");
				dctx_done(ctx);
				return len;
			}
			if (m->len > 0 && m->type != type) {
				m->len = 0;	/* a new message */
				m->truncated = 0;
			}
			m->type = type;
			m->eom = status & TDS_STATUS_EOM;
			m->body_left = (uint16_t)(plen - TDS_HDR_LEN);
		} else {
			n = cur_left(&c) < m->body_left ? cur_left(&c) :
			    m->body_left;
			keep = n < TDS_MSG_MAX - m->len ? n :
			    TDS_MSG_MAX - m->len;
			if (keep < n)
				m->truncated = 1;
			cur_copy(&c, m->buf + m->len, keep);
			cur_skip(&c, n - keep);
			m->len += keep;
			m->body_left = (uint16_t)(m->body_left - n);
		}
		if (m->body_left == 0 && m->eom) {
			if (tds_message(ctx, st, dir, m)) {
				tp_wipe(m->buf, m->len);
				dctx_done(ctx);
				return len;
			}
			tp_wipe(m->buf, m->len);
			m->len = 0;
			m->truncated = 0;
			m->eom = 0;
		}
	}
	return c.off;
}

static int
tds_probe(const uint8_t *data, size_t len, int dir)
{
	/* one whole PRELOGIN packet with a well-formed option list */
	if (dir != DIR_TO_SERVER || len <= TDS_HDR_LEN ||
	    data[0] != TDS_PRELOGIN || data[1] != TDS_STATUS_EOM ||
	    (size_t)(data[2] << 8 | data[3]) != len)
		return 0;
	return tds_prelogin_encryption(data + TDS_HDR_LEN,
	    len - TDS_HDR_LEN) != -1;
}

static void
tds_free(struct dctx *ctx, void *state)
{
	struct tds_state *st = state;

	tds_flush(ctx, st, CRED_OUTCOME_UNKNOWN, 0);
	ntlmssp_settle(ctx, &st->ntlm_pend, CRED_OUTCOME_UNKNOWN);
	tp_wipe(st->msg, sizeof(st->msg));
}

const struct dissector tds_dissector = {
	.name = "tds",
	.description = "Microsoft SQL Server (TDS) LOGIN7 passwords, integrated NTLM",
	.transport = DISSECTOR_TCP,
	.ports = tds_ports,
	.probe = tds_probe,
	.parse = tds_parse,
	.state_size = sizeof(struct tds_state),
	.free = tds_free,
};
