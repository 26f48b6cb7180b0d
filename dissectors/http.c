/*
 * http.c - HTTP/1.x credentials (RFC 9110 semantics, RFC 9112 message
 * framing, RFC 7617 Basic, RFC 6750 Bearer, RFC 7616 Digest, RFC 4559
 * NTLM/Negotiate, HTML forms: application/x-www-form-urlencoded and
 * RFC 7578 multipart/form-data).
 *
 * Both directions are framed exactly: request line or status line, header
 * block, then a body delimited by Content-Length or chunked coding (or, for
 * a response with neither, the end of the connection), so pipelined
 * requests and keep-alive stay in sync.  Responses are matched to requests
 * in order and read only for the status and the authentication headers.
 *
 * Facts (one per request at most):
 *  - Authorization / Proxy-Authorization Basic: user:password, cleartext;
 *    Bearer: the token is the secret; Digest: CRED_WEAK with the john
 *    "hdaa" line $response$resp$user$realm$method$uri$nonce$nc$cnonce$qop
 *    as crack material (MD5 only; other algorithms get no crack line);
 *    outcome from the response: 2xx/3xx success, 401/403/407 failure.
 *  - NTLM and Negotiate tokens (both ways: WWW-Authenticate carries the
 *    CHALLENGE) go to ntlmssp_feed_pending() with carrier "http"; the
 *    AUTHENTICATE is reported when its request's status arrives.
 *  - A form login: a password-like field with a non-empty value in the
 *    query string or a urlencoded or multipart request body (the first
 *    found; a request with an Authorization header has no form fact); the
 *    user from a user-like field.  Outcome: failure on 401/403, otherwise
 *    unknown (a login page answers 200 either way).  The field names come
 *    from signatures/http_form_fields.txt (loaded at start and on SIGHUP);
 *    without that table there are no form facts.
 *  - FACT_PROXY: a CONNECT with its target host and port and whether
 *    the proxy answered 2xx (success) or not; an Upgrade: websocket
 *    request answered 101, with Host, path and Sec-WebSocket-Protocol
 *    (chisel's "chisel-v3"), for the tunnel detectors.
 * File facts (capture files on the wire): the first bytes of every body
 * with Content-Length or delimited by the close, with the path and
 * Content-Length, and of every multipart file part with its filename
 * (chunked bodies are not looked at).
 * Device facts (edge-device discovery): a final response's Server header,
 * Basic realm and, for a page that exists, the path asked for (first four
 * responses of a flow; see http_device()); the <title> of an HTML page at
 * the root or a login/index path, from its body's first segment
 * (http_title()).
 * Not facts: the words "Authorization" or "password" anywhere but in a
 * header name / form field name; response bodies; multipart file parts;
 * Negotiate tokens without NTLMSSP (Kerberos).  A request or status line
 * that breaks the grammar stops dissection of the flow (weird counted):
 * without framing nothing after it can be trusted.
 * Bounds: header block 16 KiB; request bodies are inspected up to 16 KiB
 * (the rest is skipped and counted), bodies are never buffered beyond that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ntlmssp.h"
#include "sigfile.h"
#include "textproto.h"

#define HTTP_HEAD_MAX		16384
#define HTTP_INSPECT_MAX	16384
#define HTTP_INFLIGHT		16
#define HTTP_CREDS		2
#define HTTP_TOKEN_MAX		8192	/* decoded NTLM / Negotiate token */
#define HTTP_NAME_MAX		64	/* a form field name, decoded */
#define HTTP_HOST_MAX		128
#define HTTP_PATH_MAX		256
#define HTTP_BOUNDARY_MAX	70	/* RFC 2046 5.1.1 */
#define HTTP_DEVICE_FACTS	4	/* device facts a flow (responses) */

enum http_body {
	HB_HEAD = 0,	/* reading a start line and headers */
	HB_LENGTH,	/* Content-Length bytes */
	HB_CHUNKED,
	HB_CLOSE	/* until the connection closes */
};

enum http_chunk {
	CK_SIZE = 0,	/* chunk-size line */
	CK_DATA,
	CK_DATA_END,	/* the CRLF after chunk data */
	CK_TRAILER	/* trailer lines up to an empty one */
};

enum http_form {
	HF_NONE = 0,
	HF_URLENCODED,
	HF_MULTIPART,
	HF_NXAPI,	/* Cisco NX-API JSON (POST /ins): commands */
	HF_EAPI		/* Arista eAPI JSON-RPC (POST /command-api) */
};

struct http_dir {
	uint64_t	left;		/* body or chunk bytes left */
	uint8_t		body;		/* enum http_body */
	uint8_t		chunk;		/* enum http_chunk */
	uint8_t		skipping;	/* rest of an over-long chunk line */
	uint8_t		fresh;		/* no body byte seen yet (file fact) */
	int64_t		size;		/* Content-Length, -1 unknown */
};

/* A request sent and not answered yet. */
struct http_req {
	uint8_t		head;		/* HEAD: the response has no body */
	uint8_t		connect;	/* CONNECT: 2xx opens a tunnel */
	int8_t		cred;		/* creds[] slot, or -1 */
	uint8_t		ntlm;		/* carried an NTLM AUTHENTICATE */
};

struct http_state {
	struct tp_cred		creds[HTTP_CREDS];
	uint8_t			cred_form[HTTP_CREDS];	/* form outcome rule */
	struct http_req		reqs[HTTP_INFLIGHT];
	uint8_t			rhead;
	uint8_t			rlen;
	struct http_dir		d[2];
	struct ntlmssp_state	ntlm;
	struct ntlmssp_pending	ntlm_pend;	/* AUTHENTICATE awaiting status */
	uint8_t			stopped;
	uint8_t			device_facts;	/* reported (http_device) */
	uint8_t			resp_path;	/* path names the response */
	uint8_t			want_title;	/* the next response body's */
	/* The request whose body is being read. */
	uint8_t			form;		/* enum http_form */
	uint8_t			boundary_len;
	uint16_t		host_len;
	uint16_t		path_len;
	uint8_t			boundary[HTTP_BOUNDARY_MAX];
	uint8_t			host[HTTP_HOST_MAX];
	uint8_t			path[HTTP_PATH_MAX];
	/* Relays (FACT_PROXY): the last CONNECT's target, the last upgrade
	 * to WebSocket with its subprotocol. */
	uint8_t			ws_upgrade;
	uint16_t		connect_len;
	uint16_t		ws_host_len, ws_path_len, ws_proto_len;
	uint8_t			connect_target[HTTP_HOST_MAX];
	uint8_t			ws_host[HTTP_HOST_MAX];
	uint8_t			ws_path[HTTP_PATH_MAX];
	uint8_t			ws_proto[HTTP_HOST_MAX];
};

/*
 * The form field names (signatures/http_form_fields.txt): NULL-terminated
 * lists of names, owned by the table (built by http_load()).
 */
struct http_tables {
	char		**user;
	char		**pass;
	size_t		 nuser, npass;
};

/* ---- small helpers ---------------------------------------------------- */

static void
http_stop(struct dctx *ctx, struct http_state *st, const char *weird)
{
	if (weird != NULL)
		dctx_weird(ctx, weird);
	st->stopped = 1;
	dctx_done(ctx);
}

/* Matches a field name against a list, also as the last [key] of
 * "form[key]" names. */
static int
http_field_is(const uint8_t *name, size_t n, const char *const *list)
{
	size_t i;

	if (n > 2 && name[n - 1] == ']') {
		/* i: just past the last '[' */
		for (i = n - 1; i > 0 && name[i - 1] != '['; i--)
			;
		if (i > 0) {
			n = n - 1 - i;
			name += i;
		}
	}
	for (i = 0; list != NULL && list[i] != NULL; i++)
		if (tp_ieq(name, n, list[i]))
			return 1;
	return 0;
}

/* A free credential slot; if none, the oldest is flushed unanswered. */
static int
http_cred_slot(struct dctx *ctx, struct http_state *st)
{
	unsigned i, r;

	for (i = 0; i < HTTP_CREDS; i++)
		if (!st->creds[i].pending)
			return (int)i;
	dctx_weird(ctx, "http_cred_slots_full");
	tp_cred_report(ctx, "http", &st->creds[0], CRED_OUTCOME_UNKNOWN);
	for (r = 0; r < HTTP_INFLIGHT; r++)
		if (st->reqs[r].cred == 0)
			st->reqs[r].cred = -1;
	return 0;
}

static struct http_req *
http_last_req(struct http_state *st)
{
	if (st->rlen == 0)
		return NULL;
	return &st->reqs[(st->rhead + st->rlen - 1) % HTTP_INFLIGHT];
}

/* Starts a credential for the newest request. */
static struct tp_cred *
http_cred_new(struct dctx *ctx, struct http_state *st, const char *mech,
    enum cred_class cls, int form)
{
	struct http_req *r = http_last_req(st);
	int slot;

	if (r == NULL || r->cred >= 0)
		return NULL;	/* one credential per request */
	slot = http_cred_slot(ctx, st);
	tp_cred_begin(&st->creds[slot], mech, cls);
	st->cred_form[slot] = (uint8_t)form;
	r->cred = (int8_t)slot;
	if (st->host_len > 0)
		tp_cred_extra(&st->creds[slot], "host", st->host,
		    st->host_len);
	if (st->path_len > 0)
		tp_cred_extra(&st->creds[slot], "path", st->path,
		    st->path_len);
	return &st->creds[slot];
}

/* ---- Authorization ------------------------------------------------------ */

static void
http_ntlm(struct dctx *ctx, struct http_state *st, const uint8_t *b64,
    size_t n)
{
	uint8_t tok[HTTP_TOKEN_MAX];
	long len, at;

	if ((len = base64_decode(b64, n, tok, sizeof(tok))) < 0) {
		dctx_weird(ctx, "http_ntlm_bad_base64");
		return;
	}
	/*
	 * Pending: an AUTHENTICATE is reported when the status of its
	 * request arrives (401/407 failure, 2xx/3xx success); NEGOTIATE and
	 * CHALLENGE only feed the state.
	 */
	if ((at = ntlmssp_find(tok, (size_t)len)) >= 0)
		ntlmssp_feed_pending(ctx, &st->ntlm, &st->ntlm_pend, "http",
		    tok + at, (size_t)(len - at));
}

static void
http_basic(struct dctx *ctx, struct http_state *st, const uint8_t *b64,
    size_t n, int proxy)
{
	uint8_t dec[TP_USER_MAX + TP_SECRET_MAX];
	struct tp_cred *c;
	long len, colon;

	if ((len = base64_decode(b64, n, dec, sizeof(dec))) < 0 ||
	    (colon = tp_find(dec, (size_t)len, ':')) < 0) {
		dctx_weird(ctx, "http_basic_malformed");
		return;
	}
	c = http_cred_new(ctx, st, proxy ? "proxy basic" : "basic",
	    CRED_CLEARTEXT, 0);
	if (c != NULL) {
		tp_cred_user(ctx, c, dec, (size_t)colon);
		tp_cred_secret(ctx, c, dec + colon + 1,
		    (size_t)(len - colon - 1));
	}
	tp_wipe(dec, sizeof(dec));
}

/* Digest auth-params (RFC 7616 3.4) we keep for the crack line. */
enum { DG_USER, DG_REALM, DG_NONCE, DG_URI, DG_RESPONSE, DG_ALGO, DG_QOP,
    DG_NC, DG_CNONCE, DG_N };
static const char *const http_digest_keys[DG_N] = {
	"username", "realm", "nonce", "uri", "response", "algorithm", "qop",
	"nc", "cnonce"
};

static void
http_digest(struct dctx *ctx, struct http_state *st, const uint8_t *p,
    size_t n, const uint8_t *method, size_t mlen, int proxy)
{
	const uint8_t *val[DG_N];
	size_t vlen[DG_N], k, i;
	struct tp_cred *c;
	int ok = 1;

	if (tp_auth_params(p, n, http_digest_keys, DG_N, val, vlen) < 0)
		goto bad;
	if (val[DG_USER] == NULL || val[DG_RESPONSE] == NULL ||
	    val[DG_NONCE] == NULL)
		goto bad;
	c = http_cred_new(ctx, st, proxy ? "proxy digest" : "digest",
	    CRED_WEAK, 0);
	if (c == NULL)
		return;
	tp_cred_user(ctx, c, val[DG_USER], vlen[DG_USER]);
	if (val[DG_REALM] != NULL)
		tp_cred_domain(ctx, c, val[DG_REALM], vlen[DG_REALM]);
	for (k = 0; k < DG_N; k++)
		for (i = 0; i < vlen[k]; i++)
			if (val[k][i] == '$' || val[k][i] == '\\')
				ok = 0;
	if (val[DG_ALGO] != NULL && !tp_ieq(val[DG_ALGO], vlen[DG_ALGO], "MD5"))
		ok = 0;
	if (!ok) {
		dctx_weird(ctx, "http_digest_no_crack_format");
		return;
	}
	snprintf(c->crack, sizeof(c->crack),
	    "$response$%.*s$%.*s$%.*s$%.*s$%.*s$%.*s$%.*s$%.*s$%.*s",
	    (int)vlen[DG_RESPONSE], (const char *)val[DG_RESPONSE],
	    (int)vlen[DG_USER], (const char *)val[DG_USER],
	    (int)vlen[DG_REALM], (const char *)val[DG_REALM],
	    (int)mlen, (const char *)method,
	    (int)vlen[DG_URI], (const char *)val[DG_URI],
	    (int)vlen[DG_NONCE], (const char *)val[DG_NONCE],
	    (int)vlen[DG_NC], (const char *)val[DG_NC],
	    (int)vlen[DG_CNONCE], (const char *)val[DG_CNONCE],
	    (int)vlen[DG_QOP], (const char *)val[DG_QOP]);
	return;
bad:
	dctx_weird(ctx, "http_digest_malformed");
}

static void
http_authorization(struct dctx *ctx, struct http_state *st,
    const uint8_t *v, size_t n, const uint8_t *method, size_t mlen,
    int proxy)
{
	const uint8_t *scheme, *arg;
	size_t off = 0, slen = tp_token(v, n, &off, &scheme), alen;

	tp_skip_ws(v, n, &off);
	arg = v + off;
	alen = tp_trim(&arg, n - off);
	if (tp_ieq(scheme, slen, "Basic"))
		http_basic(ctx, st, arg, alen, proxy);
	else if (tp_ieq(scheme, slen, "Bearer")) {
		struct tp_cred *c;

		if (alen == 0) {
			dctx_weird(ctx, "http_bearer_empty");
			return;
		}
		c = http_cred_new(ctx, st, proxy ? "proxy bearer" : "bearer",
		    CRED_CLEARTEXT, 0);
		if (c != NULL)
			tp_cred_secret(ctx, c, arg, alen);
	} else if (tp_ieq(scheme, slen, "Digest"))
		http_digest(ctx, st, arg, alen, method, mlen, proxy);
	else if (tp_ieq(scheme, slen, "NTLM") ||
	    tp_ieq(scheme, slen, "Negotiate"))
		http_ntlm(ctx, st, arg, alen);
}

/* ---- forms --------------------------------------------------------------- */

struct http_fields {
	uint8_t		user[TP_USER_MAX];
	uint8_t		pass[TP_SECRET_MAX];
	size_t		user_len;
	size_t		pass_len;
	int		have_pass;
};

/* One field: name and value as on the wire (decoded when `encoded`). */
static void
http_field(struct dctx *ctx, struct http_fields *f, const uint8_t *name,
    size_t nlen, const uint8_t *val, size_t vlen, int encoded)
{
	const struct http_tables *tb = dctx_tables(ctx);
	uint8_t dname[HTTP_NAME_MAX];
	long dn = (long)nlen, dv;

	if (encoded) {
		if ((dn = tp_pct_decode(name, nlen, dname, sizeof(dname), 1)) < 0)
			return;		/* longer than any name we look for */
		name = dname;
	} else if (nlen > HTTP_NAME_MAX)
		return;
	if (vlen == 0 || tb == NULL)
		return;
	if (http_field_is(name, (size_t)dn, (const char *const *)tb->pass) &&
	    !f->have_pass) {
		dv = encoded ? tp_pct_decode(val, vlen, f->pass,
		    sizeof(f->pass), 1) : (long)tp_copy(f->pass,
		    sizeof(f->pass), val, vlen);
		if (dv < 0) {
			dctx_weird(ctx, "cred_field_truncated");
			dv = 0;
		}
		f->pass_len = (size_t)dv;
		f->have_pass = dv > 0;
	} else if (http_field_is(name, (size_t)dn,
	    (const char *const *)tb->user) &&
	    f->user_len == 0) {
		dv = encoded ? tp_pct_decode(val, vlen, f->user,
		    sizeof(f->user), 1) : (long)tp_copy(f->user,
		    sizeof(f->user), val, vlen);
		f->user_len = dv < 0 ? 0 : (size_t)dv;
	}
}

/* a=b&c=d; `complete` false drops a last field that may be cut short. */
static void
http_urlencoded(struct dctx *ctx, struct http_fields *f, const uint8_t *s,
    size_t n, int complete)
{
	size_t off = 0, plen;
	long amp, eq;

	while (off < n) {
		amp = tp_find(s + off, n - off, '&');
		if (amp < 0 && !complete)
			break;
		plen = amp < 0 ? n - off : (size_t)amp;
		eq = tp_find(s + off, plen, '=');
		if (eq > 0)
			http_field(ctx, f, s + off, (size_t)eq,
			    s + off + eq + 1, plen - (size_t)eq - 1, 1);
		off += plen + 1;
	}
}

/* ---- device CLI commands sent over HTTP APIs ------------------------------ */

#define HTTP_CMD_MAX	256

/*
 * PAN-OS XML API operational command: type=op&cmd=<debug><dataplane>...
 * PAN-OS maps each CLI word to an element, so the command is the element
 * names of its opening tags in order ("debug dataplane packet-diag set
 * capture on"), element text kept as a word too.
 */
static size_t
http_panos_cmd(const uint8_t *x, size_t n, uint8_t *out, size_t cap)
{
	size_t i = 0, o = 0, k;
	int in_tag = 0, closing = 0, name = 0;

	for (i = 0; i < n && o + 1 < cap; i++) {
		uint8_t c = x[i];

		if (c == '<') {
			in_tag = 1;
			closing = i + 1 < n && x[i + 1] == '/';
			name = !closing;
			if (name && o > 0 && out[o - 1] != ' ')
				out[o++] = ' ';
			continue;
		}
		if (in_tag) {
			if (c == '>')
				in_tag = 0;
			else if (c == ' ' || c == '/')
				name = 0;
			else if (name)
				out[o++] = c;
			continue;
		}
		/* text between tags: a value ("<member>eth1/1</member>") */
		if (c > ' ' && c < 0x7f) {
			if (o > 0 && out[o - 1] != ' ' && (i == 0 ||
			    x[i - 1] == '>'))
				out[o++] = ' ';
			out[o++] = c;
		}
	}
	for (k = o; k > 0 && out[k - 1] == ' '; k--)
		;
	return k;
}

/*
 * Commands some devices take in a request line: PAN-OS XML API ("/api/"
 * with type=op&cmd=...), MikroTik RouterOS REST ("/rest/tool/sniffer/
 * start" is "/tool sniffer start").  Reported as command facts (proto
 * "http"), like a line typed in a Telnet session, for the capture and
 * management detectors.  JSON bodies: http_json_cli().
 */
static void
http_cli_api(struct dctx *ctx, const uint8_t *t, size_t tlen)
{
	uint8_t cmd[HTTP_CMD_MAX], dec[HTTP_CMD_MAX * 4];
	const uint8_t *q, *v;
	size_t off, plen, qlen, i, n = 0;
	long qm = tp_find(t, tlen, '?'), amp, eq, dn;
	int op = 0;

	if (tlen > 6 && memcmp(t, "/rest/", 6) == 0) {
		plen = qm < 0 ? tlen : (size_t)qm;
		cmd[n++] = '/';
		for (i = 6; i < plen && n + 1 < sizeof(cmd); i++)
			cmd[n++] = t[i] == '/' ? ' ' : t[i];
		tp_command(ctx, "http", cmd, n);
		return;
	}
	if (qm < 0 || !(tlen > 5 && memcmp(t, "/api/", 5) == 0))
		return;
	q = t + qm + 1;
	qlen = tlen - (size_t)qm - 1;
	v = NULL;
	plen = 0;
	for (off = 0; off < qlen; off += plen + 1) {
		amp = tp_find(q + off, qlen - off, '&');
		plen = amp < 0 ? qlen - off : (size_t)amp;
		eq = tp_find(q + off, plen, '=');
		if (eq == 4 && memcmp(q + off, "type", 4) == 0 &&
		    plen - 5 == 2 && memcmp(q + off + 5, "op", 2) == 0)
			op = 1;
		if (eq == 3 && memcmp(q + off, "cmd", 3) == 0) {
			v = q + off + 4;
			n = plen - 4;
		}
	}
	if (!op || v == NULL ||
	    (dn = tp_pct_decode(v, n, dec, sizeof(dec), 1)) <= 0)
		return;
	n = http_panos_cmd(dec, (size_t)dn, cmd, sizeof(cmd));
	tp_command(ctx, "http", cmd, n);
}

/*
 * Device CLI commands in a JSON request body.  Cisco NX-API (POST /ins):
 * "input" of its ins_api form ("show version ;show clock": commands split
 * on ';') and "cmd" of its JSON-RPC form.  Arista eAPI (POST /command-api,
 * JSON-RPC runCmds): the strings of the "cmds" array and the "cmd" of its
 * object elements, never their "input" (the answer to a prompt: enable's
 * password).  A small tokenizer, not a parser: strings are decoded
 * (escapes; \uXXXX outside ASCII becomes '?'), nesting is followed to
 * HTTP_JSON_DEPTH, and at most HTTP_JSON_CMDS commands are reported.
 */
#define HTTP_JSON_DEPTH	16
#define HTTP_JSON_CMDS	16

/* A JSON string at b[0] == '"': decoded into out; the bytes it took. */
static size_t
http_json_string(const uint8_t *b, size_t n, uint8_t *out, size_t cap,
    size_t *olen)
{
	size_t i = 1, o = 0;
	uint8_t c;

	while (i < n && b[i] != '"') {
		c = b[i++];
		if (c == '\\' && i < n) {
			c = b[i++];
			switch (c) {
			case 'n': case 'r': case 't': case 'b': case 'f':
				c = ' ';
				break;
			case 'u':
				c = '?';
				if (n - i >= 4 && b[i] == '0' && b[i + 1] == '0' &&
				    hex_value(b[i + 2]) >= 0 &&
				    hex_value(b[i + 3]) >= 0 &&
				    hex_value(b[i + 2]) < 8)
					c = (uint8_t)(hex_value(b[i + 2]) * 16 +
					    hex_value(b[i + 3]));
				i += n - i < 4 ? n - i : 4;
				break;
			default:	/* \" \\ \/ */
				break;
			}
		}
		if (o + 1 < cap)
			out[o++] = c;
	}
	*olen = o;
	return i < n ? i + 1 : n;
}

static void
http_json_command(struct dctx *ctx, int nxapi, const uint8_t *s, size_t n,
    unsigned *count)
{
	size_t a = 0, b, e;

	while (a < n && *count < HTTP_JSON_CMDS) {
		e = n;
		if (nxapi)
			for (e = a; e < n && s[e] != ';'; e++)
				;
		for (b = a; b < e && s[b] == ' '; b++)
			;
		a = e + 1;
		while (e > b && s[e - 1] == ' ')
			e--;
		if (e > b) {
			tp_command(ctx, "http", s + b, e - b);
			(*count)++;
		}
	}
}

static void
http_json_cli(struct dctx *ctx, int nxapi, const uint8_t *b, size_t n)
{
	uint8_t val[HTTP_CMD_MAX], key[8], stack_key[HTTP_JSON_DEPTH][8];
	uint8_t stack_arr[HTTP_JSON_DEPTH];
	size_t i = 0, vlen, klen = 0;
	unsigned depth = 0, count = 0;
	const uint8_t *k;
	int arr;

	memset(key, 0, sizeof(key));
	while (i < n && count < HTTP_JSON_CMDS) {
		switch (b[i]) {
		case '{':
		case '[':
			if (depth == HTTP_JSON_DEPTH) {
				dctx_weird(ctx, "http_json_too_deep");
				return;
			}
			memcpy(stack_key[depth], key, sizeof(key));
			stack_arr[depth++] = b[i] == '[';
			memset(key, 0, sizeof(key));
			i++;
			continue;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			memset(key, 0, sizeof(key));
			i++;
			continue;
		case '"':
			break;
		default:
			i++;
			continue;
		}
		i += http_json_string(b + i, n - i, val, sizeof(val), &vlen);
		while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' ||
		    b[i] == '\n'))
			i++;
		if (i < n && b[i] == ':') {	/* a key */
			klen = vlen < sizeof(key) - 1 ? vlen : 0;
			memset(key, 0, sizeof(key));
			memcpy(key, val, klen);
			i++;
			continue;
		}
		arr = depth > 0 && stack_arr[depth - 1];
		k = arr ? stack_key[depth - 1] : key;
		if (strcmp((const char *)k, "cmd") == 0 ||
		    (nxapi && strcmp((const char *)k, "input") == 0) ||
		    (!nxapi && arr && strcmp((const char *)k, "cmds") == 0))
			http_json_command(ctx, nxapi, val, vlen, &count);
		if (!arr)
			memset(key, 0, sizeof(key));
		tp_wipe(val, vlen);
	}
}

/* The first occurrence of pat (exact bytes) in s, or -1. */
static long
http_memfind(const uint8_t *s, size_t n, const uint8_t *pat, size_t m)
{
	size_t i;

	if (m == 0 || m > n)
		return -1;
	for (i = 0; i + m <= n; i++)
		if (s[i] == pat[0] && memcmp(s + i, pat, m) == 0)
			return (long)i;
	return -1;
}

#define HTTP_FILE_HEAD	64	/* body bytes a file fact carries */

/*
 * A body (or multipart file part) starts: its first bytes as a file fact,
 * for capture files moved over HTTP (detectors/packet_capture.c).
 */
static void
http_file(struct dctx *ctx, int upload, const uint8_t *name, size_t nlen,
    const uint8_t *head, size_t hlen, int64_t size)
{
	tp_file_head(ctx, "http", upload, name, nlen, head,
	    hlen < HTTP_FILE_HEAD ? hlen : HTTP_FILE_HEAD, size);
}

/* filename="..." of a Content-Disposition value; 0 if none. */
static size_t
http_disposition_filename(const uint8_t *v, size_t n, const uint8_t **name)
{
	long at = tp_ifind(v, n, "filename=\""), end;

	if (at < 0)
		return 0;
	at += 10;
	if ((end = tp_find(v + at, n - (size_t)at, '"')) <= 0)
		return 0;
	*name = v + at;
	return (size_t)end;
}

/* name="..." from a Content-Disposition value; 0 if none. */
static size_t
http_disposition_name(const uint8_t *v, size_t n, const uint8_t **name,
    int *is_file)
{
	size_t at = 0;
	long hit, end;

	*is_file = tp_ifind(v, n, "filename") >= 0;
	if (!tp_iprefix(v, n, "form-data"))
		return 0;
	/* name="..." as its own parameter, not the tail of filename="..." */
	for (;;) {
		if ((hit = tp_ifind(v + at, n - at, "name=\"")) < 0)
			return 0;
		at += (size_t)hit;
		if (at > 0 && (v[at - 1] == ';' || v[at - 1] == ' ' ||
		    v[at - 1] == '\t'))
			break;
		at += 6;
	}
	at += 6;
	end = tp_find(v + at, n - at, '"');
	if (end < 0)
		return 0;
	*name = v + at;
	return (size_t)end;
}

/* RFC 7578: parts between "--boundary" delimiters. */
static void
http_multipart(struct dctx *ctx, struct http_state *st,
    struct http_fields *f, const uint8_t *s, size_t n)
{
	uint8_t delim[HTTP_BOUNDARY_MAX + 4];
	size_t dlen = st->boundary_len + 4, off, used, cl, hoff, vlen;
	const uint8_t *name = NULL, *val, *fname = NULL;
	size_t nlen = 0, fnlen = 0;
	long at, next;
	int is_file = 0;

	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, st->boundary, st->boundary_len);
	/* The first delimiter may open the body without a CRLF. */
	if (n >= dlen - 2 && memcmp(s, delim + 2, dlen - 2) == 0)
		at = 0, off = dlen - 2;
	else if ((at = http_memfind(s, n, delim, dlen)) >= 0)
		off = (size_t)at + dlen;
	else
		return;
	for (;;) {
		/* After a delimiter: "--" closes, else CRLF and headers. */
		if (n - off >= 2 && s[off] == '-' && s[off + 1] == '-')
			return;
		used = tp_line(s + off, n - off, &cl);
		if (used == 0)
			return;
		off += used;
		nlen = 0;
		for (hoff = off; (used = tp_line(s + hoff, n - hoff, &cl)) > 0;
		    hoff += used) {
			if (cl == 0)
				break;
			if (tp_iprefix(s + hoff, cl, "content-disposition:")) {
				val = s + hoff + 20;
				vlen = tp_trim(&val, cl - 20);
				nlen = http_disposition_name(val, vlen, &name,
				    &is_file);
				fnlen = http_disposition_filename(val, vlen,
				    &fname);
			}
		}
		if (used == 0)
			return;
		off = hoff + used;
		/* A file part's content starts here (even past the cap). */
		if (is_file && off < n)
			http_file(ctx, 1, fname, fnlen, s + off, n - off, -1);
		next = http_memfind(s + off, n - off, delim, dlen);
		if (next < 0)
			return;		/* part cut short by the cap */
		if (nlen > 0 && !is_file)
			http_field(ctx, f, name, nlen, s + off, (size_t)next, 0);
		off += (size_t)next + dlen;
	}
}

static void
http_form_fact(struct dctx *ctx, struct http_state *st,
    struct http_fields *f, const char *mech)
{
	struct tp_cred *c;

	if (f->have_pass &&
	    (c = http_cred_new(ctx, st, mech, CRED_CLEARTEXT, 1)) != NULL) {
		if (f->user_len > 0)
			tp_cred_user(ctx, c, f->user, f->user_len);
		tp_cred_secret(ctx, c, f->pass, f->pass_len);
	}
	tp_wipe(f, sizeof(*f));
}

static void
http_inspect_body(struct dctx *ctx, struct http_state *st,
    const uint8_t *body, size_t n, int complete)
{
	struct http_fields f;

	if (st->form == HF_NXAPI || st->form == HF_EAPI) {
		http_json_cli(ctx, st->form == HF_NXAPI, body, n);
		st->form = HF_NONE;
		return;
	}
	memset(&f, 0, sizeof(f));
	if (st->form == HF_URLENCODED)
		http_urlencoded(ctx, &f, body, n, complete);
	else
		http_multipart(ctx, st, &f, body, n);
	http_form_fact(ctx, st, &f, "form");
	st->form = HF_NONE;
}

/* ---- message heads -------------------------------------------------------- */

/* The header block's length through its empty line, or 0 if incomplete. */
static size_t
http_head_len(const uint8_t *d, size_t len)
{
	size_t off = 0, used, n;

	while ((used = tp_line(d + off, len - off, &n)) > 0) {
		off += used;
		if (n == 0)
			return off;
	}
	return 0;
}

/* Framing shared by requests and responses. */
struct http_head {
	long long	clen;		/* -1: none */
	int		chunked;
	int		bad;
};

static void
http_framing_header(struct dctx *ctx, struct http_head *h,
    const uint8_t *name, size_t nlen, const uint8_t *v, size_t vlen)
{
	long long cl;

	if (tp_ieq(name, nlen, "Content-Length")) {
		cl = tp_decimal(v, vlen, 15);
		if (cl < 0 || (h->clen >= 0 && h->clen != cl))
			h->bad = 1;	/* RFC 9112 6.3 (5): unrecoverable */
		h->clen = cl;
	} else if (tp_ieq(name, nlen, "Transfer-Encoding")) {
		h->chunked = tp_isuffix(v, vlen, "chunked");
		if (!h->chunked)
			h->bad = 1;	/* RFC 9112 6.3 (4) for requests */
	}
}

/* Sets direction d up for the body the head announced. */
static void
http_body_start(struct dctx *ctx, struct http_dir *d, struct http_head *h)
{
	if (h->chunked) {
		if (h->clen >= 0)
			dctx_weird(ctx, "http_length_and_chunked");
		d->body = HB_CHUNKED;
		d->chunk = CK_SIZE;
	} else if (h->clen > 0) {
		d->body = HB_LENGTH;
		d->left = (uint64_t)h->clen;
	} else
		d->body = HB_HEAD;
	d->fresh = d->body == HB_LENGTH;
	d->size = h->clen;
}

/*
 * Walks the header lines after the start line.  Calls fn for each
 * "name: value" (value trimmed).  Obsolete line folding is counted and the
 * folded line ignored.
 */
typedef void (*http_header_fn)(struct dctx *ctx, struct http_state *st,
    struct http_head *h, const uint8_t *name, size_t nlen, const uint8_t *v,
    size_t vlen, void *arg);

static int
http_headers(struct dctx *ctx, struct http_state *st, struct http_head *h,
    const uint8_t *d, size_t len, http_header_fn fn, void *arg)
{
	size_t off = 0, used, n, i;
	const uint8_t *v;

	while ((used = tp_line(d + off, len - off, &n)) > 0 && n > 0) {
		const uint8_t *line = d + off;

		off += used;
		if (line[0] == ' ' || line[0] == '\t') {
			dctx_weird(ctx, "http_obs_fold");
			continue;
		}
		for (i = 0; i < n && tp_tchar(line[i]); i++)
			;
		if (i == 0 || i >= n || line[i] != ':')
			return -1;
		v = line + i + 1;
		fn(ctx, st, h, line, i, v, tp_trim(&v, n - i - 1), arg);
	}
	return 0;
}

/* ---- requests -------------------------------------------------------------- */

struct http_reqline {
	const uint8_t	*method;
	size_t		 mlen;
	const uint8_t	*target;
	size_t		 tlen;
	int		 form;		/* enum http_form from Content-Type */
	int		 has_auth;
};

static void
http_content_type(struct http_state *st, struct http_reqline *rl,
    const uint8_t *v, size_t n)
{
	const uint8_t *b;
	long at;
	size_t blen;

	if (tp_iprefix(v, n, "application/x-www-form-urlencoded")) {
		rl->form = HF_URLENCODED;
		return;
	}
	if (!tp_iprefix(v, n, "multipart/form-data") ||
	    (at = tp_ifind(v, n, "boundary=")) < 0)
		return;
	b = v + at + 9;
	blen = n - (size_t)at - 9;
	if (blen > 0 && b[0] == '"') {
		b++;
		blen = tp_find(b, blen - 1, '"') < 0 ? 0 :
		    (size_t)tp_find(b, blen - 1, '"');
	} else if (tp_find(b, blen, ';') >= 0)
		blen = (size_t)tp_find(b, blen, ';');
	blen = tp_trim(&b, blen);
	if (blen == 0 || blen > HTTP_BOUNDARY_MAX)
		return;
	memcpy(st->boundary, b, blen);
	st->boundary_len = (uint8_t)blen;
	rl->form = HF_MULTIPART;
}

static void
http_request_header(struct dctx *ctx, struct http_state *st,
    struct http_head *h, const uint8_t *name, size_t nlen, const uint8_t *v,
    size_t vlen, void *arg)
{
	struct http_reqline *rl = arg;
	int proxy = tp_ieq(name, nlen, "Proxy-Authorization");

	http_framing_header(ctx, h, name, nlen, v, vlen);
	if (proxy || tp_ieq(name, nlen, "Authorization")) {
		rl->has_auth = 1;
		http_authorization(ctx, st, v, vlen, rl->method, rl->mlen,
		    proxy);
	} else if (tp_ieq(name, nlen, "Content-Type"))
		http_content_type(st, rl, v, vlen);
	else if (tp_ieq(name, nlen, "Host"))
		st->host_len = (uint16_t)tp_copy(st->host, sizeof(st->host),
		    v, vlen);
	else if (tp_ieq(name, nlen, "Upgrade") && tp_ifind(v, vlen,
	    "websocket") >= 0)
		st->ws_upgrade = 1;
	else if (tp_ieq(name, nlen, "Sec-WebSocket-Protocol"))
		st->ws_proto_len = (uint16_t)tp_copy(st->ws_proto,
		    sizeof(st->ws_proto), v, vlen);
}

/*
 * FACT_PROXY: a CONNECT ("host:port" or "[v6]:port" target) or a
 * WebSocket upgrade, with the relay's answer.
 */
static void
http_proxy_fact(struct dctx *ctx, struct http_state *st, int websocket,
    enum cred_outcome outcome)
{
	struct proxy_fact pf;
	struct fact f;
	const uint8_t *t = st->connect_target;
	size_t n = st->connect_len, i;
	long long port;

	memset(&pf, 0, sizeof(pf));
	pf.proto = "http";
	pf.outcome = outcome;
	if (websocket) {
		pf.method = "websocket";
		pf.host = st->ws_host;
		pf.host_len = st->ws_host_len;
		pf.path = st->ws_path;
		pf.path_len = st->ws_path_len;
		if (st->ws_proto_len > 0) {
			pf.subprotocol = st->ws_proto;
			pf.subprotocol_len = st->ws_proto_len;
		}
	} else {
		pf.method = "CONNECT";
		for (i = n; i > 0 && t[i - 1] != ':' && t[i - 1] != ']'; i--)
			;
		pf.host = t;
		pf.host_len = n;
		if (i > 0 && t[i - 1] == ':' && (port = tp_decimal(t + i,
		    n - i, 5)) > 0 && port < 65536) {
			pf.port = (uint16_t)port;
			pf.host_len = i - 1;
		}
		if (pf.host_len >= 2 && t[0] == '[' && t[pf.host_len - 1] ==
		    ']') {
			pf.host = t + 1;
			pf.host_len -= 2;
		}
	}
	memset(&f, 0, sizeof(f));
	f.type = FACT_PROXY;
	f.source = "http";
	f.u.proxy = &pf;
	dctx_fact(ctx, &f);
}

/* "METHOD SP target SP HTTP/1.x" (RFC 9112 3). */
static int
http_request_line(const uint8_t *l, size_t n, struct http_reqline *rl)
{
	size_t i, t;

	for (i = 0; i < n && i < 24 && l[i] >= 'A' && l[i] <= 'Z'; i++)
		;
	if (i == 0 || i >= n || l[i] != ' ')
		return -1;
	rl->method = l;
	rl->mlen = i;
	for (t = i + 1; t < n && l[t] > 0x20 && l[t] < 0x7f; t++)
		;
	if (t == i + 1 || t >= n || l[t] != ' ' || n - t - 1 != 8 ||
	    memcmp(l + t + 1, "HTTP/1.", 7) != 0 || l[n - 1] < '0' ||
	    l[n - 1] > '9')
		return -1;
	rl->target = l + i + 1;
	rl->tlen = t - i - 1;
	return 0;
}

static size_t
http_request(struct dctx *ctx, struct http_state *st, const uint8_t *data,
    size_t len)
{
	struct http_reqline rl;
	struct http_head h = { -1, 0, 0 };
	struct http_req *r;
	struct http_fields f;
	size_t head = http_head_len(data, len), used, n;
	const uint8_t *q;
	long qm, hash;

	if (head == 0) {
		if (len > HTTP_HEAD_MAX)
			http_stop(ctx, st, "http_head_too_long");
		return st->stopped ? len : 0;
	}
	used = tp_line(data, len, &n);
	memset(&rl, 0, sizeof(rl));
	if (n >= 3 && memcmp(data, "PRI", 3) == 0) {
		http_stop(ctx, st, NULL);	/* HTTP/2 prior knowledge */
		return len;
	}
	if (http_request_line(data, n, &rl) < 0) {
		http_stop(ctx, st, "http_bad_request_line");
		return len;
	}
	if (st->rlen >= HTTP_INFLIGHT) {
		dctx_weird(ctx, "http_too_many_inflight");
		st->rlen = 0;
	}
	r = &st->reqs[(st->rhead + st->rlen++) % HTTP_INFLIGHT];
	r->head = tp_ieq(rl.method, rl.mlen, "HEAD");
	r->connect = tp_ieq(rl.method, rl.mlen, "CONNECT");
	if (r->connect)
		st->connect_len = (uint16_t)tp_copy(st->connect_target,
		    sizeof(st->connect_target), rl.target, rl.tlen);
	st->ws_upgrade = 0;
	st->ws_proto_len = 0;
	r->cred = -1;
	r->ntlm = 0;
	/* Path without the query, for the fact's context. */
	qm = tp_find(rl.target, rl.tlen, '?');
	st->path_len = (uint16_t)tp_copy(st->path, sizeof(st->path),
	    rl.target, qm < 0 ? rl.tlen : (size_t)qm);
	st->host_len = 0;
	st->boundary_len = 0;
	{
		int had = st->ntlm_pend.used;

		if (http_headers(ctx, st, &h, data + used, head - used,
		    http_request_header, &rl) < 0 || h.bad) {
			http_stop(ctx, st, "http_bad_header");
			return len;
		}
		/* This request's NTLM AUTHENTICATE is what its status settles. */
		r->ntlm = !had && st->ntlm_pend.used;
	}
	if (st->ws_upgrade) {
		st->ws_host_len = (uint16_t)tp_copy(st->ws_host,
		    sizeof(st->ws_host), st->host, st->host_len);
		st->ws_path_len = (uint16_t)tp_copy(st->ws_path,
		    sizeof(st->ws_path), st->path, st->path_len);
	}
	http_cli_api(ctx, rl.target, rl.tlen);
	if (qm >= 0 && !rl.has_auth) {
		q = rl.target + qm + 1;
		hash = tp_find(q, rl.tlen - (size_t)qm - 1, '#');
		memset(&f, 0, sizeof(f));
		http_urlencoded(ctx, &f, q, hash < 0 ?
		    rl.tlen - (size_t)qm - 1 : (size_t)hash, 1);
		http_form_fact(ctx, st, &f, "query");
	}
	http_body_start(ctx, &st->d[DIR_TO_SERVER], &h);
	st->form = (uint8_t)(rl.has_auth || st->d[DIR_TO_SERVER].body ==
	    HB_HEAD ? HF_NONE : rl.form);
	/* Device APIs that take CLI commands in a JSON body (with or without
	 * an Authorization header: they usually have one). */
	if (rl.form == HF_NONE && st->d[DIR_TO_SERVER].body != HB_HEAD &&
	    tp_ieq(rl.method, rl.mlen, "POST")) {
		if (tp_ieq(st->path, st->path_len, "/ins"))
			st->form = HF_NXAPI;
		else if (tp_ieq(st->path, st->path_len, "/command-api"))
			st->form = HF_EAPI;
	}
	return head;
}

/* ---- responses -------------------------------------------------------------- */

/* What a response says about the server, for a device fact. */
struct http_server_info {
	const uint8_t	*server;
	size_t		 server_len;
	const uint8_t	*realm;
	size_t		 realm_len;
	int		 html;		/* Content-Type text/html */
};

static void
http_response_header(struct dctx *ctx, struct http_state *st,
    struct http_head *h, const uint8_t *name, size_t nlen, const uint8_t *v,
    size_t vlen, void *arg)
{
	struct http_server_info *si = arg;
	const uint8_t *scheme, *tok;
	size_t off = 0, slen, tlen;
	long r;

	http_framing_header(ctx, h, name, nlen, v, vlen);
	if (tp_ieq(name, nlen, "Server")) {
		si->server = v;
		si->server_len = vlen;
	}
	if (tp_ieq(name, nlen, "Content-Type") &&
	    tp_iprefix(v, vlen, "text/html"))
		si->html = 1;
	/* Basic realm="...": appliances name themselves there. */
	if (tp_ieq(name, nlen, "WWW-Authenticate") && vlen > 6 &&
	    (r = tp_find(v, vlen, '"')) >= 0 && tp_find(v + r + 1,
	    vlen - (size_t)r - 1, '"') > 0) {
		si->realm = v + r + 1;
		si->realm_len = (size_t)tp_find(si->realm,
		    vlen - (size_t)r - 1, '"');
	}
	if (!tp_ieq(name, nlen, "WWW-Authenticate") &&
	    !tp_ieq(name, nlen, "Proxy-Authenticate"))
		return;
	slen = tp_token(v, vlen, &off, &scheme);
	tlen = tp_token(v, vlen, &off, &tok);
	if (tlen > 0 && (tp_ieq(scheme, slen, "NTLM") ||
	    tp_ieq(scheme, slen, "Negotiate")))
		http_ntlm(ctx, st, tok, tlen);
}

static enum cred_outcome
http_outcome(int status, int form)
{
	if (status == 401 || status == 403 || status == 407)
		return CRED_OUTCOME_FAILURE;
	if (!form && status >= 200 && status < 400)
		return CRED_OUTCOME_SUCCESS;
	return CRED_OUTCOME_UNKNOWN;
}

static void
http_device_fact(struct dctx *ctx, struct http_state *st,
    const struct device_fact *d)
{
	struct fact f;

	st->device_facts++;
	memset(&f, 0, sizeof(f));
	f.type = FACT_DEVICE;
	f.source = "http";
	f.u.device = d;
	dctx_fact(ctx, &f);
}

/*
 * A device fact from a response: the Server header, a Basic realm and, for
 * a page that exists (2xx, 3xx, 401), the path asked for when exactly one
 * request was waiting (so it is this response's).  Appliances' admin pages
 * and VPN portals are told by these (signatures/edge_fingerprints.txt).
 * At most HTTP_DEVICE_FACTS a flow.
 */
static void
http_device(struct dctx *ctx, struct http_state *st,
    const struct http_server_info *si, int status)
{
	struct device_fact d;

	if (st->device_facts >= HTTP_DEVICE_FACTS)
		return;
	memset(&d, 0, sizeof(d));
	d.proto = "http";
	d.from_server = 1;
	device_fact_attr(&d, "http_server", si->server, si->server_len);
	device_fact_attr(&d, "http_realm", si->realm, si->realm_len);
	if (st->rlen == 1 && (status < 400 || status == 401))
		device_fact_attr(&d, "http_path", st->path, st->path_len);
	if (d.nattrs == 0)
		return;
	http_device_fact(ctx, st, &d);
}

static size_t
http_response(struct dctx *ctx, struct http_state *st, const uint8_t *data,
    size_t len)
{
	struct http_server_info si;
	struct http_head h = { -1, 0, 0 };
	struct http_req req = { 0, 0, -1, 0 };
	size_t head = http_head_len(data, len), used, n;
	long long status;

	if (head == 0) {
		if (len > HTTP_HEAD_MAX)
			http_stop(ctx, st, "http_head_too_long");
		return st->stopped ? len : 0;
	}
	used = tp_line(data, len, &n);
	/* "HTTP/1.x SP 3DIGIT [SP reason]" (RFC 9112 4). */
	if (n < 12 || memcmp(data, "HTTP/1.", 7) != 0 || data[8] != ' ' ||
	    (status = tp_decimal(data + 9, 3, 3)) < 100 ||
	    (n > 12 && data[12] != ' ')) {
		http_stop(ctx, st, "http_bad_status_line");
		return len;
	}
	memset(&si, 0, sizeof(si));
	if (http_headers(ctx, st, &h, data + used, head - used,
	    http_response_header, &si) < 0 || h.bad) {
		http_stop(ctx, st, "http_bad_header");
		return len;
	}
	if (status >= 200)
		http_device(ctx, st, &si, (int)status);
	/* The path is this response's when one request was waiting. */
	st->resp_path = st->rlen == 1;
	/*
	 * An admin UI's landing page names the product in its title: look
	 * for it in the body of an HTML page at the root or a login path
	 * (so an ordinary site's every page does not pay for the search).
	 */
	st->want_title = si.html && (status == 200 || status == 401) &&
	    st->resp_path && st->device_facts < HTTP_DEVICE_FACTS &&
	    (st->path_len <= 1 || tp_ifind(st->path, st->path_len,
	    "login") >= 0 || tp_ifind(st->path, st->path_len, "index") >= 0);
	if (status < 200) {
		if (status == 101 && st->ws_upgrade)
			http_proxy_fact(ctx, st, 1, CRED_OUTCOME_SUCCESS);
		if (status == 101)
			http_stop(ctx, st, NULL);	/* protocol switch */
		return st->stopped ? len : head;
	}
	if (st->rlen > 0) {
		req = st->reqs[st->rhead];
		st->rhead = (uint8_t)((st->rhead + 1) % HTTP_INFLIGHT);
		st->rlen--;
	} else
		dctx_weird(ctx, "http_response_without_request");
	if (req.cred >= 0)
		tp_cred_report(ctx, "http", &st->creds[req.cred],
		    http_outcome((int)status, st->cred_form[req.cred]));
	if (req.ntlm)
		ntlmssp_settle(ctx, &st->ntlm_pend, http_outcome((int)status, 0));
	if (req.connect)
		http_proxy_fact(ctx, st, 0, status < 300 ?
		    CRED_OUTCOME_SUCCESS : CRED_OUTCOME_FAILURE);
	if (req.connect && status < 300) {
		http_stop(ctx, st, NULL);	/* a tunnel now */
		return len;
	}
	if (req.head || status == 204 || status == 304)
		st->d[DIR_TO_CLIENT].body = HB_HEAD;
	else if (h.chunked || h.clen >= 0)
		http_body_start(ctx, &st->d[DIR_TO_CLIENT], &h);
	else {
		st->d[DIR_TO_CLIENT].body = HB_CLOSE;
		st->d[DIR_TO_CLIENT].fresh = 1;
		st->d[DIR_TO_CLIENT].size = -1;
	}
	return head;
}

/* ---- bodies ------------------------------------------------------------------ */

/* Where de-chunked data goes while a chunked form body is inspected. */
struct http_sink {
	uint8_t		*buf;
	size_t		 cap;
	size_t		 len;
	int		 overflow;
};

/*
 * Runs chunked framing (RFC 9112 7.1) over data; chunk data is skipped, or
 * copied into sink when there is one.  Returns bytes consumed; a framing
 * error stops the flow.
 */
static size_t
http_chunked(struct dctx *ctx, struct http_state *st, struct http_dir *d,
    const uint8_t *data, size_t len, struct http_sink *sink)
{
	size_t off = 0, used, n, i, take, room;
	uint64_t size;
	uint8_t c;

	while (off < len && d->body == HB_CHUNKED) {
		if (d->chunk == CK_DATA) {
			take = len - off < d->left ? len - off : (size_t)d->left;
			if (sink != NULL) {
				room = sink->cap - sink->len;
				if (take > room)
					sink->overflow = 1;
				memcpy(sink->buf + sink->len, data + off,
				    take < room ? take : room);
				sink->len += take < room ? take : room;
			}
			off += take;
			d->left -= take;
			if (d->left == 0)
				d->chunk = CK_DATA_END;
			continue;
		}
		used = tp_line(data + off, len - off, &n);
		if (used == 0) {
			if (len - off > 1024)
				http_stop(ctx, st, "http_bad_chunk");
			return st->stopped ? len : off;
		}
		if (d->chunk == CK_SIZE) {
			for (i = 0, size = 0; i < n && i < 15; i++) {
				c = tp_lower(data[off + i]);
				if (c >= '0' && c <= '9')
					size = size << 4 | (uint64_t)(c - '0');
				else if (c >= 'a' && c <= 'f')
					size = size << 4 |
					    (uint64_t)(c - 'a' + 10);
				else
					break;
			}
			if (i == 0 || (i < n && data[off + i] != ';' &&
			    data[off + i] != ' ' && data[off + i] != '\t')) {
				http_stop(ctx, st, "http_bad_chunk");
				return len;
			}
			d->left = size;
			d->chunk = size == 0 ? CK_TRAILER : CK_DATA;
		} else if (d->chunk == CK_DATA_END) {
			if (n != 0) {
				http_stop(ctx, st, "http_bad_chunk");
				return len;
			}
			d->chunk = CK_SIZE;
		} else if (n == 0)
			d->body = HB_HEAD;	/* end of the trailer section */
		off += used;
	}
	return off;
}

/* A chunked form body: inspected once it is all here (or the cap is hit). */
static size_t
http_chunked_form(struct dctx *ctx, struct http_state *st, struct http_dir *d,
    const uint8_t *data, size_t len)
{
	uint8_t buf[HTTP_INSPECT_MAX];
	struct http_sink sink = { buf, sizeof(buf), 0, 0 };
	struct http_dir tmp = *d;
	size_t used = http_chunked(ctx, st, &tmp, data, len, &sink);
	int complete = tmp.body != HB_CHUNKED && !sink.overflow;

	if (st->stopped)
		return len;
	if (!complete && !sink.overflow && len < HTTP_INSPECT_MAX + 4096) {
		tp_wipe(buf, sink.len);
		return 0;		/* wait for the rest */
	}
	if (!complete)
		dctx_weird(ctx, "http_body_over_inspect_cap");
	http_inspect_body(ctx, st, buf, sink.len, complete);
	tp_wipe(buf, sink.len);
	*d = tmp;
	return used;
}

#define HTTP_TITLE_SCAN	2048	/* body bytes searched for <title> */
#define HTTP_TITLE_MAX	128

/* <title>...</title> in the first bytes of an HTML body: a device fact. */
static void
http_title(struct dctx *ctx, struct http_state *st, const uint8_t *b,
    size_t n)
{
	struct device_fact d;
	long at, end;
	size_t tl;

	st->want_title = 0;
	if (n > HTTP_TITLE_SCAN)
		n = HTTP_TITLE_SCAN;
	if ((at = tp_ifind(b, n, "<title>")) < 0)
		return;
	at += 7;
	if ((end = tp_ifind(b + at, n - (size_t)at, "</title>")) <= 0)
		return;
	tl = (size_t)end < HTTP_TITLE_MAX ? (size_t)end : HTTP_TITLE_MAX;
	memset(&d, 0, sizeof(d));
	d.proto = "http";
	d.from_server = 1;
	device_fact_attr(&d, "http_title", b + at, tl);
	http_device_fact(ctx, st, &d);
}

static size_t
http_body(struct dctx *ctx, struct http_state *st, int dir,
    const uint8_t *data, size_t len)
{
	struct http_dir *d = &st->d[dir];
	size_t take, need;

	/* A body's first bytes (a multipart form reports its parts). */
	if (d->fresh && len > 0) {
		d->fresh = 0;
		if (dir == DIR_TO_CLIENT && st->want_title)
			http_title(ctx, st, data, len);
		if (!(dir == DIR_TO_SERVER && st->form == HF_MULTIPART))
			http_file(ctx, dir == DIR_TO_SERVER, st->path,
			    dir == DIR_TO_SERVER || st->resp_path ?
			    st->path_len : 0, data, d->body == HB_LENGTH &&
			    len > d->left ? (size_t)d->left : len, d->size);
	}
	switch (d->body) {
	case HB_LENGTH:
		if (dir == DIR_TO_SERVER && st->form != HF_NONE) {
			need = d->left < HTTP_INSPECT_MAX ? (size_t)d->left :
			    HTTP_INSPECT_MAX;
			if (len < need)
				return 0;	/* wait for the whole form */
			if (d->left > HTTP_INSPECT_MAX)
				dctx_weird(ctx, "http_body_over_inspect_cap");
			http_inspect_body(ctx, st, data, need,
			    d->left <= HTTP_INSPECT_MAX);
		}
		take = len < d->left ? len : (size_t)d->left;
		d->left -= take;
		if (d->left == 0)
			d->body = HB_HEAD;
		return take;
	case HB_CHUNKED:
		if (dir == DIR_TO_SERVER && st->form != HF_NONE)
			return http_chunked_form(ctx, st, d, data, len);
		return http_chunked(ctx, st, d, data, len, NULL);
	default:	/* HB_CLOSE */
		return len;
	}
}

static size_t
http_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct http_state *st = state;
	size_t off = 0, used;

	dir &= 1;
	while (off < len && !st->stopped) {
		if (st->d[dir].body != HB_HEAD)
			used = http_body(ctx, st, dir, data + off, len - off);
		else if (data[off] == '\r' || data[off] == '\n')
			used = 1;	/* RFC 9112 2.2: CRLF between messages */
		else if (dir == DIR_TO_SERVER)
			used = http_request(ctx, st, data + off, len - off);
		else
			used = http_response(ctx, st, data + off, len - off);
		if (used == 0)
			break;
		off += used;
	}
	return st->stopped ? len : off;
}

static const char *const http_methods[] = {
	"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT",
	"TRACE", "PROPFIND", NULL
};

/* A request line with a known method, target and HTTP/1.x. */
static int
http_probe(const uint8_t *data, size_t len, int dir)
{
	struct http_reqline rl;
	size_t n, i;

	if (dir != DIR_TO_SERVER || tp_line(data, len, &n) == 0 ||
	    http_request_line(data, n, &rl) < 0)
		return 0;
	for (i = 0; http_methods[i] != NULL; i++)
		if (tp_ieq(rl.method, rl.mlen, http_methods[i]))
			return 1;
	return 0;
}

static void
http_free(struct dctx *ctx, void *state)
{
	struct http_state *st = state;
	unsigned i;

	for (i = 0; i < HTTP_CREDS; i++)
		tp_cred_report(ctx, "http", &st->creds[i],
		    CRED_OUTCOME_UNKNOWN);
	ntlmssp_settle(ctx, &st->ntlm_pend, CRED_OUTCOME_UNKNOWN);
}

/* Nothing for http_free() to report. */
static int
http_quiet(const void *state)
{
	const struct http_state *st = state;
	unsigned i;

	for (i = 0; i < HTTP_CREDS; i++)
		if (st->creds[i].pending)
			return 0;
	return !st->ntlm_pend.used;
}

static const uint16_t http_ports[] = { 80, 3128, 8000, 8008, 8080, 8888, 0 };

/* ---- signature table -------------------------------------------------- */

static void
http_unload(void *t)
{
	struct http_tables *tb = t;
	size_t i;

	if (tb == NULL)
		return;
	for (i = 0; i < tb->nuser; i++)
		free(tb->user[i]);
	for (i = 0; i < tb->npass; i++)
		free(tb->pass[i]);
	free(tb->user);
	free(tb->pass);
	free(tb);
}

/* Appends a copy of name to a NULL-terminated list of *n names. */
static int
http_list_add(char ***list, size_t *n, const char *name)
{
	char **l, *d;

	if ((d = strdup(name)) == NULL)
		return -1;
	if ((l = realloc(*list, (*n + 2) * sizeof(*l))) == NULL) {
		free(d);
		return -1;
	}
	l[(*n)++] = d;
	l[*n] = NULL;
	*list = l;
	return 0;
}

/* "user NAME" or "password NAME" */
static int
http_field_line(const struct sigfile_rec *r, void *arg, char *err,
    size_t errlen)
{
	struct http_tables *tb = arg;
	const char *name = r->field[1];
	size_t i, n = strlen(name);
	int rc;

	for (i = 0; i < n; i++)
		if (name[i] <= ' ' || name[i] > '~' || name[i] == '=' ||
		    name[i] == '&')
			break;
	if (n == 0 || n > HTTP_NAME_MAX || i < n) {
		snprintf(err, errlen, "field name '%s': 1 to %d printable "
		    "characters without '=', '&' or blanks", name,
		    HTTP_NAME_MAX);
		return -1;
	}
	if (strcmp(r->field[0], "user") == 0)
		rc = http_list_add(&tb->user, &tb->nuser, name);
	else if (strcmp(r->field[0], "password") == 0)
		rc = http_list_add(&tb->pass, &tb->npass, name);
	else {
		snprintf(err, errlen, "'%s': expected 'user NAME' or "
		    "'password NAME'", r->field[0]);
		return -1;
	}
	if (rc < 0)
		snprintf(err, errlen, "out of memory");
	return rc;
}

static void *
http_load(const char *sigdir, char *err, size_t errlen)
{
	static const struct sigfile_spec spec = { 2, 2, 0 };
	struct http_tables *tb;

	if ((tb = calloc(1, sizeof(*tb))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sigfile_read_in(sigdir, "http_form_fields.txt", &spec,
	    http_field_line, tb, err, errlen) < 0) {
		http_unload(tb);
		return NULL;
	}
	return tb;
}

const struct dissector http_dissector = {
	.name = "http",
	.description = "HTTP/1.x Basic/Bearer/Digest/NTLM auth and form logins",
	.transport = DISSECTOR_TCP,
	.ports = http_ports,
	.probe = http_probe,
	.parse = http_parse,
	.state_size = sizeof(struct http_state),
	.free = http_free,
	.quiet = http_quiet,
	.max_pending = 32768,
	.load = http_load,
	.unload = http_unload,
};
