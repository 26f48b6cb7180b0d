/*
 * sip.c - SIP Digest authentication (UDP and TCP 5060).
 *
 * Spec: RFC 3261 (SIP: message format 7, framing over streams 18.3,
 * CSeq 20.16, Call-ID 20.8, Authorization 20.7, Proxy-Authorization
 * 20.28, Digest 22.4), RFC 2617 / RFC 8760 (Digest), RFC 5626 3.5.1
 * (CRLF keep-alives; runs of spaces, which some phones send, are skipped
 * the same way).
 *
 * A fact: a request (any method but ACK and CANCEL, which repeat an
 * INVITE's credentials) with an Authorization or Proxy-Authorization
 * Digest header is CRED_WEAK: user, realm as the domain, the response as
 * the secret, the extra "method", and a crack line in the format hashcat
 * mode 11400 takes:
 *   $sip$*<server>*<client>*<user>*<realm>*<method>*<uri prefix>*
 *   <uri resource>*<uri suffix>*<nonce>*<cnonce>*<nc>*<qop>*MD5*<response>
 * (server and client are informational and left empty; the digest-uri is
 * split at its first two ':' so that prefix:resource:suffix rebuilds it).
 * A field holding '*', lengths over the mode's limits, an algorithm other
 * than MD5 or qop=auth-int give no crack line (sip_digest_no_crack_format).
 * The outcome is the final response with the same Call-ID and CSeq: 2xx
 * success, 401/403/407 failure, any other final answer unknown; 1xx are
 * provisional.  Requests wait in a bounded table (SIP_PENDING); a
 * retransmission replaces its entry.
 * Not facts: challenges (WWW-Authenticate), other schemes, bodies.
 * Framing is the same over UDP and TCP (parse() cannot tell them apart):
 * header block up to its blank line, then Content-Length bytes of body.
 * A message cut short waits for more (a TCP segment boundary); if the flow
 * ends with one waiting (a truncated datagram, a cut stream) the weird
 * sip_truncated is counted.
 * Strict: a start line that is neither "METHOD URI SIP/2.0" nor
 * "SIP/2.0 NNN reason" counts sip_malformed and stops dissection (framing
 * is lost), and so do header blocks over SIP_HDR_MAX (sip_too_long); a
 * Digest header missing username, nonce, uri or response, or a CSeq that
 * does not match the request, counts sip_digest_malformed.
 */
#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "dissector.h"
#include "textproto.h"

#define SIP_HDR_MAX		8000	/* a header block */
#define SIP_BODY_MAX		65536
#define SIP_AUTH_MAX		2048	/* one unfolded Authorization value */
#define SIP_PENDING		4
#define SIP_CALLID_MAX		128
#define SIP_METHOD_MAX		32
#define SIP_NAME_MAX		116	/* mode 11400's user and realm limit */
#define SIP_CRACK_MAX		1024

/* One request waiting for its final response. */
struct sip_pending {
	uint8_t		used;
	uint32_t	cseq;
	char		method[SIP_METHOD_MAX];
	size_t		method_len;
	uint8_t		callid[SIP_CALLID_MAX];
	size_t		callid_len;
	const char	*mechanism;
	uint8_t		user[SIP_NAME_MAX];
	size_t		user_len;
	uint8_t		realm[SIP_NAME_MAX];
	size_t		realm_len;
	uint8_t		response[64];
	size_t		response_len;
	char		crack[SIP_CRACK_MAX];
};

struct sip_state {
	struct sip_pending	req[SIP_PENDING];
	uint8_t			next;
	uint8_t			partial;	/* a message cut short */
};

/* The header fields one message gives us. */
struct sip_msg {
	const uint8_t	*first;		/* start line */
	size_t		 first_len;
	const uint8_t	*callid, *cseq;
	size_t		 callid_len, cseq_len;
	long long	 clen;		/* -1: absent */
	int		 proxy;
	size_t		 auth_len;	/* 0: no Digest credentials */
	uint8_t		 auth[SIP_AUTH_MAX];
};

/* Digest parameters kept (RFC 2617 3.2.2). */
enum { SD_USER, SD_REALM, SD_NONCE, SD_URI, SD_RESPONSE, SD_ALGO,
    SD_CNONCE, SD_NC, SD_QOP, SD_N };
static const char *const sip_digest_keys[SD_N] = {
	"username", "realm", "nonce", "uri", "response", "algorithm",
	"cnonce", "nc", "qop"
};

static const uint16_t sip_ports[] = { 5060, 0 };

static void
sip_report(struct dctx *ctx, struct sip_pending *p, enum cred_outcome o)
{
	struct cred_fact f;

	if (!p->used)
		return;
	cred_fact_init(&f, "sip", p->mechanism, CRED_WEAK);
	f.outcome = o;
	f.user = p->user;
	f.user_len = p->user_len;
	if (p->realm_len > 0) {
		f.domain = p->realm;
		f.domain_len = p->realm_len;
	}
	f.secret = p->response;
	f.secret_len = p->response_len;
	if (p->crack[0] != '\0')
		f.crack = p->crack;
	fact_extra_str(&f, "method", (const uint8_t *)p->method,
	    p->method_len);
	dctx_credential(ctx, &f);
	tp_wipe(p, sizeof(*p));
}

/* CSeq "number SP method"; returns 0 and fills *num, *m, *mlen. */
static int
sip_cseq(const uint8_t *s, size_t n, uint32_t *num, const uint8_t **m,
    size_t *mlen)
{
	const uint8_t *tok;
	size_t off = 0, tl;
	long long v;

	tl = tp_token(s, n, &off, &tok);
	if ((v = tp_decimal(tok, tl, 10)) < 0 || v > 0xffffffffLL)
		return -1;
	*num = (uint32_t)v;
	*mlen = tp_token(s, n, &off, m);
	return *mlen == 0 || *mlen >= SIP_METHOD_MAX ? -1 : 0;
}

static struct sip_pending *
sip_find(struct sip_state *st, const struct sip_msg *m)
{
	const uint8_t *meth;
	uint32_t num;
	size_t i, ml;

	if (m->callid == NULL || m->cseq == NULL ||
	    sip_cseq(m->cseq, m->cseq_len, &num, &meth, &ml) < 0)
		return NULL;
	for (i = 0; i < SIP_PENDING; i++)
		if (st->req[i].used && st->req[i].cseq == num &&
		    tp_ieq(meth, ml, st->req[i].method) &&
		    st->req[i].callid_len == m->callid_len &&
		    memcmp(st->req[i].callid, m->callid, m->callid_len) == 0)
			return &st->req[i];
	return NULL;
}

/* True when every value fits mode 11400 (no '*', within its limits). */
static int
sip_crackable(const uint8_t *const *val, const size_t *vlen)
{
	size_t k, i;

	for (k = 0; k < SD_N; k++)
		for (i = 0; i < vlen[k]; i++)
			if (val[k][i] == '*')
				return 0;
	if (val[SD_ALGO] != NULL && !tp_ieq(val[SD_ALGO], vlen[SD_ALGO], "MD5"))
		return 0;
	if (val[SD_QOP] != NULL && !tp_ieq(val[SD_QOP], vlen[SD_QOP], "auth"))
		return 0;
	return vlen[SD_USER] + vlen[SD_REALM] <= 117 &&
	    vlen[SD_URI] + SIP_METHOD_MAX < 240 && vlen[SD_RESPONSE] == 32 &&
	    vlen[SD_NONCE] <= 256 && vlen[SD_CNONCE] <= 256 &&
	    vlen[SD_NC] <= 16;
}

static void
sip_crack(struct sip_pending *p, const uint8_t *const *val,
    const size_t *vlen)
{
	const uint8_t *uri = val[SD_URI], *res, *suf = NULL;
	size_t ulen = vlen[SD_URI], plen, rlen, slen = 0;
	long c1, c2;
	int w;

	/* prefix ':' resource [':' suffix] */
	if ((c1 = tp_find(uri, ulen, ':')) < 0) {
		plen = 0;
		res = uri;
		rlen = ulen;
	} else {
		plen = (size_t)c1;
		res = uri + c1 + 1;
		rlen = ulen - plen - 1;
		if ((c2 = tp_find(res, rlen, ':')) >= 0) {
			suf = res + c2 + 1;
			slen = rlen - (size_t)c2 - 1;
			rlen = (size_t)c2;
		}
	}
	if (rlen == 0 || vlen[SD_NONCE] == 0)
		return;
	w = snprintf(p->crack, sizeof(p->crack),
	    "$sip$***%.*s*%.*s*%.*s*%.*s*%.*s*%.*s*%.*s*%.*s*%.*s*%.*s*MD5*%.*s",
	    (int)vlen[SD_USER], (const char *)val[SD_USER],
	    (int)vlen[SD_REALM], (const char *)val[SD_REALM],
	    (int)p->method_len, p->method,
	    (int)plen, (const char *)uri,
	    (int)rlen, (const char *)res,
	    (int)slen, suf != NULL ? (const char *)suf : "",
	    (int)vlen[SD_NONCE], (const char *)val[SD_NONCE],
	    (int)vlen[SD_CNONCE], (const char *)val[SD_CNONCE],
	    (int)vlen[SD_NC], (const char *)val[SD_NC],
	    (int)vlen[SD_QOP], (const char *)val[SD_QOP],
	    (int)vlen[SD_RESPONSE], (const char *)val[SD_RESPONSE]);
	if (w < 0 || (size_t)w >= sizeof(p->crack))
		p->crack[0] = '\0';
}

static void
sip_request(struct dctx *ctx, struct sip_state *st, const struct sip_msg *m,
    const uint8_t *method, size_t mlen)
{
	const uint8_t *val[SD_N];
	size_t vlen[SD_N], i;
	struct sip_pending *p;
	const uint8_t *cm;
	uint32_t num;
	size_t cml;

	if (m->auth_len == 0 || tp_ieq(method, mlen, "ACK") ||
	    tp_ieq(method, mlen, "CANCEL"))
		return;
	if (tp_auth_params(m->auth, m->auth_len, sip_digest_keys, SD_N, val,
	    vlen) < 0 || val[SD_USER] == NULL || val[SD_RESPONSE] == NULL ||
	    val[SD_NONCE] == NULL || val[SD_URI] == NULL ||
	    vlen[SD_RESPONSE] > 64 || m->callid == NULL || m->cseq == NULL ||
	    sip_cseq(m->cseq, m->cseq_len, &num, &cm, &cml) < 0 ||
	    cml != mlen || memcmp(cm, method, mlen) != 0) {
		dctx_weird(ctx, "sip_digest_malformed");
		return;
	}
	if ((p = sip_find(st, m)) == NULL) {
		for (i = 0; i < SIP_PENDING && st->req[i].used; i++)
			;
		if (i == SIP_PENDING) {
			i = st->next;
			st->next = (uint8_t)((st->next + 1) % SIP_PENDING);
			sip_report(ctx, &st->req[i], CRED_OUTCOME_UNKNOWN);
		}
		p = &st->req[i];
	}
	tp_wipe(p, sizeof(*p));
	p->used = 1;
	p->cseq = num;
	p->method_len = tp_copy((uint8_t *)p->method, sizeof(p->method) - 1,
	    method, mlen);
	p->callid_len = tp_copy(p->callid, sizeof(p->callid), m->callid,
	    m->callid_len);
	p->mechanism = m->proxy ? "proxy digest" : "digest";
	p->user_len = tp_copy(p->user, sizeof(p->user), val[SD_USER],
	    vlen[SD_USER]);
	if (val[SD_REALM] != NULL)
		p->realm_len = tp_copy(p->realm, sizeof(p->realm),
		    val[SD_REALM], vlen[SD_REALM]);
	p->response_len = tp_copy(p->response, sizeof(p->response),
	    val[SD_RESPONSE], vlen[SD_RESPONSE]);
	if (sip_crackable(val, vlen))
		sip_crack(p, val, vlen);
	if (p->crack[0] == '\0')
		dctx_weird(ctx, "sip_digest_no_crack_format");
}

static void
sip_response(struct dctx *ctx, struct sip_state *st,
    const struct sip_msg *m, int code)
{
	struct sip_pending *p;

	if (code < 200 || (p = sip_find(st, m)) == NULL)
		return;
	sip_report(ctx, p, code < 300 ? CRED_OUTCOME_SUCCESS :
	    code == 401 || code == 403 || code == 407 ?
	    CRED_OUTCOME_FAILURE : CRED_OUTCOME_UNKNOWN);
}

/* Appends to the unfolded Authorization value (bounded). */
static void
sip_auth_append(struct sip_msg *m, const uint8_t *s, size_t n)
{
	if (m->auth_len > 0 && m->auth_len < sizeof(m->auth))
		m->auth[m->auth_len++] = ' ';
	m->auth_len += tp_copy(m->auth + m->auth_len,
	    sizeof(m->auth) - m->auth_len, s, n);
}

/* Reads the header block hdr[0..n) (start line included). */
static void
sip_headers(struct sip_msg *m, const uint8_t *hdr, size_t n)
{
	const uint8_t *line, *v, *scheme;
	size_t off = 0, used, ll, vl, k, sl;
	long colon;
	int in_auth = 0, proxy;

	m->clen = -1;
	while (off < n && (used = tp_line(hdr + off, n - off, &ll)) > 0) {
		line = hdr + off;
		off += used;
		if (m->first == NULL) {
			m->first = line;
			m->first_len = ll;
			continue;
		}
		if (ll > 0 && (line[0] == ' ' || line[0] == '\t')) {
			if (in_auth)	/* a folded continuation */
				sip_auth_append(m, line, tp_trim(&line, ll));
			continue;
		}
		in_auth = 0;
		if ((colon = tp_find(line, ll, ':')) <= 0)
			continue;
		v = line + colon + 1;
		vl = tp_trim(&v, ll - (size_t)colon - 1);
		k = (size_t)colon;
		while (k > 0 && (line[k - 1] == ' ' || line[k - 1] == '\t'))
			k--;
		if (tp_ieq(line, k, "Call-ID") || tp_ieq(line, k, "i")) {
			m->callid = v;
			m->callid_len = vl;
		} else if (tp_ieq(line, k, "CSeq")) {
			m->cseq = v;
			m->cseq_len = vl;
		} else if (tp_ieq(line, k, "Content-Length") ||
		    tp_ieq(line, k, "l"))
			m->clen = tp_decimal(v, vl, 9);
		else if (m->auth_len == 0 &&
		    ((proxy = tp_ieq(line, k, "Proxy-Authorization")) ||
		    tp_ieq(line, k, "Authorization"))) {
			k = 0;
			sl = tp_token(v, vl, &k, &scheme);
			if (!tp_ieq(scheme, sl, "Digest"))
				continue;
			m->proxy = proxy;
			in_auth = 1;
			sip_auth_append(m, v + k, vl - k);
		}
	}
}

/* The start line: 1 request, 2 response (*code), 0 neither. */
static int
sip_start_line(const struct sip_msg *m, const uint8_t **method,
    size_t *mlen, int *code)
{
	const uint8_t *t1, *t2, *t3;
	size_t off = 0, l1, l2, l3, i;
	long long c;

	l1 = tp_token(m->first, m->first_len, &off, &t1);
	l2 = tp_token(m->first, m->first_len, &off, &t2);
	if (l1 == 0 || l2 == 0)
		return 0;
	if (l1 == 7 && memcmp(t1, "SIP/2.0", 7) == 0) {
		if (l2 != 3 || (c = tp_decimal(t2, 3, 3)) < 100 || c > 699)
			return 0;
		*code = (int)c;
		return 2;
	}
	l3 = tp_token(m->first, m->first_len, &off, &t3);
	if (l3 != 7 || memcmp(t3, "SIP/2.0", 7) != 0 ||
	    tp_skip_ws(m->first, m->first_len, &off) != 0 || l1 >= SIP_METHOD_MAX)
		return 0;
	for (i = 0; i < l1; i++)
		if (!tp_tchar(t1[i]))
			return 0;
	*method = t1;
	*mlen = l1;
	return 1;
}

/* End of the header block (after the blank line), or 0. */
static size_t
sip_header_end(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 2;
		if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static size_t
sip_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct sip_state *st = state;
	const uint8_t *method = NULL;
	int kind, code = 0;
	struct sip_msg m;
	struct cursor c;
	size_t hlen, mlen = 0;

	(void)dir;	/* requests and responses go both ways */
	cur_init(&c, data, len);
	st->partial = 0;
	for (;;) {
		/* CRLF keep-alives (some phones send spaces) and blank
		 * lines between messages */
		while (cur_left(&c) > 0 && (cur_peek(&c, 0) == '\r' ||
		    cur_peek(&c, 0) == '\n' || cur_peek(&c, 0) == ' ' ||
		    cur_peek(&c, 0) == '\t'))
			cur_skip(&c, 1);
		if (cur_left(&c) == 0)
			return len;
		hlen = sip_header_end(cur_ptr(&c), cur_left(&c) < SIP_HDR_MAX ?
		    cur_left(&c) : SIP_HDR_MAX);
		if (hlen == 0) {
			st->partial = 1;
			if (cur_left(&c) < SIP_HDR_MAX)
				return c.off;	/* more to come (TCP) */
			dctx_weird(ctx, "sip_too_long");
			dctx_done(ctx);
			return len;
		}
		memset(&m, 0, offsetof(struct sip_msg, auth));
		sip_headers(&m, cur_ptr(&c), hlen);
		kind = sip_start_line(&m, &method, &mlen, &code);
		if (kind == 0 || m.clen > SIP_BODY_MAX) {
			dctx_weird(ctx, "sip_malformed");
			dctx_done(ctx);
			tp_wipe(m.auth, sizeof(m.auth));
			return len;
		}
		if (m.clen > 0 && cur_left(&c) < hlen + (size_t)m.clen) {
			st->partial = 1;
			tp_wipe(m.auth, sizeof(m.auth));
			return c.off;		/* the body is still coming */
		}
		if (kind == 1)
			sip_request(ctx, st, &m, method, mlen);
		else
			sip_response(ctx, st, &m, code);
		tp_wipe(m.auth, sizeof(m.auth));
		cur_skip(&c, hlen + (m.clen > 0 ? (size_t)m.clen : 0));
	}
}

static void
sip_free(struct dctx *ctx, void *state)
{
	struct sip_state *st = state;
	size_t i;

	if (st->partial)
		dctx_weird(ctx, "sip_truncated");
	for (i = 0; i < SIP_PENDING; i++)
		sip_report(ctx, &st->req[i], CRED_OUTCOME_UNKNOWN);
}

const struct dissector sip_dissector = {
	.name = "sip",
	.description = "SIP Digest authentication (hashcat 11400 lines)",
	.transport = DISSECTOR_TCP | DISSECTOR_UDP,
	.ports = sip_ports,
	.parse = sip_parse,
	.state_size = sizeof(struct sip_state),
	.free = sip_free,
};
