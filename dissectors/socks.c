/*
 * socks.c - SOCKS proxy logins and requests (TCP 1080, and a probe).
 *
 * Spec: RFC 1928 (SOCKS Protocol Version 5), RFC 1929 (Username/Password
 * Authentication for SOCKS V5), "SOCKS: A protocol for TCP proxy across
 * firewalls" (SOCKS 4, Ying-Da Lee) and its SOCKS 4A extension note.
 *
 * Facts:
 *  - SOCKS5 username/password sub-negotiation: CRED_CLEARTEXT with user
 *    and password; the outcome is the server's 2-byte status reply (0
 *    success, anything else failure).  After a success the fact waits for
 *    the client's request so that it carries the "destination" extra
 *    (host:port); the end of the flow reports it anyway.
 *  - SOCKS4/4a CONNECT or BIND with a non-empty user id: CRED_NONE (the
 *    user id is no secret) with the user id and "destination"; the outcome
 *    is the reply code (90 granted, 91-93 failure).
 *  - FACT_PROXY for every request the server answers: the version
 *    ("SOCKS4", "SOCKS4a", "SOCKS5"), command, destination host and port
 *    and whether it was granted, for the tunnel detectors.
 * Not credential facts: SOCKS5 without authentication (method 0) or with
 * GSSAPI (method 1, whose messages are not parsed: dissection stops
 * there), and SOCKS4 without a user id.  Once the server has answered the request the
 * stream is application data and dissection stops (dctx_done).
 * Strict: a version, command, method, address type or field length outside
 * the specs counts socks_malformed and stops dissection.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "dissector.h"
#include "textproto.h"

#define SOCKS_FIELD_MAX		255
#define SOCKS_DEST_MAX		300

/* RFC 1928 section 3: methods */
#define SOCKS5_NO_AUTH		0x00
#define SOCKS5_GSSAPI		0x01
#define SOCKS5_USERPASS		0x02
#define SOCKS5_NO_METHOD	0xff

/* Where each direction is in the exchange. */
enum socks_client { SC_GREETING = 0, SC_AUTH_OR_REQUEST, SC_DONE };
enum socks_server { SS_FIRST = 0, SS_AUTH_STATUS, SS_REPLY };

/* Parse result of one message. */
#define SK_OK		1
#define SK_MORE		0
#define SK_BAD		(-1)

struct socks_state {
	uint8_t		 client;	/* enum socks_client */
	uint8_t		 server;	/* enum socks_server */
	uint8_t		 version;	/* 4 or 5, from the client */
	uint8_t		 pending;	/* a fact waits */
	uint8_t		 has_dest;
	uint8_t		 cls;		/* enum cred_class */
	uint8_t		 outcome;	/* enum cred_outcome */
	const char	*mechanism;
	uint8_t		 user[SOCKS_FIELD_MAX];
	size_t		 user_len;
	uint8_t		 pass[SOCKS_FIELD_MAX];
	size_t		 pass_len;
	char		 dest[SOCKS_DEST_MAX];
	size_t		 dest_len;
	/* FACT_PROXY: the request's command, host part of dest, port. */
	uint8_t		 cmd;
	size_t		 dest_host_len;
	uint16_t	 dest_port;
};

static const uint16_t socks_ports[] = { 1080, 0 };

static void
socks_flush(struct dctx *ctx, struct socks_state *st)
{
	struct cred_fact f;

	if (!st->pending)
		return;
	cred_fact_init(&f, "socks", st->mechanism, (enum cred_class)st->cls);
	f.outcome = (enum cred_outcome)st->outcome;
	if (st->user_len > 0) {
		f.user = st->user;
		f.user_len = st->user_len;
	}
	if (st->cls != CRED_NONE) {
		f.secret = st->pass;
		f.secret_len = st->pass_len;
	}
	if (st->has_dest)
		fact_extra_str(&f, "destination", (const uint8_t *)st->dest,
		    st->dest_len);
	dctx_credential(ctx, &f);
	tp_wipe(st->pass, sizeof(st->pass));
	st->pending = 0;
}

/* A NUL-terminated field of at most SOCKS_FIELD_MAX bytes. */
static int
socks_cstring(struct cursor *c, const uint8_t **p, size_t *n)
{
	size_t left = cur_left(c), max = left < SOCKS_FIELD_MAX + 1 ?
	    left : SOCKS_FIELD_MAX + 1;
	const uint8_t *z;

	*p = cur_ptr(c);
	z = max > 0 ? memchr(*p, 0, max) : NULL;
	if (z == NULL)
		return left > SOCKS_FIELD_MAX ? SK_BAD : SK_MORE;
	*n = (size_t)(z - *p);
	cur_skip(c, *n + 1);
	return SK_OK;
}

/* The destination as host:port in st->dest. */
static void
socks_dest(struct socks_state *st, int family, const uint8_t *addr,
    size_t alen, uint16_t port)
{
	char a[INET6_ADDRSTRLEN];
	int w;

	if (family == 0)
		w = snprintf(st->dest, sizeof(st->dest), "%.*s:%u", (int)alen,
		    (const char *)addr, port);
	else if (inet_ntop(family, addr, a, sizeof(a)) == NULL)
		return;
	else
		w = snprintf(st->dest, sizeof(st->dest),
		    family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
	if (w > 0 && (size_t)w < sizeof(st->dest)) {
		st->dest_len = (size_t)w;
		st->has_dest = 1;
		st->dest_port = port;
		/* host:port, [v6]:port: the host part, brackets off */
		st->dest_host_len = (size_t)w - (size_t)snprintf(NULL, 0,
		    ":%u", port);
	}
}

/*
 * FACT_PROXY: the requested destination and the server's answer (SOCKS4
 * 90 granted, SOCKS5 0 succeeded), whether or not there was a login.
 */
static void
socks_proxy_fact(struct dctx *ctx, struct socks_state *st, int granted)
{
	static const char *const cmds[] = { NULL, "CONNECT", "BIND", "UDP" };
	struct proxy_fact pf;
	struct fact f;
	const char *h = st->dest;
	size_t hl = st->dest_host_len;

	if (!st->has_dest)
		return;
	if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	memset(&pf, 0, sizeof(pf));
	pf.proto = "socks";
	pf.method = st->version == 4 ? st->mechanism : "SOCKS5";
	pf.command = st->cmd < 4 ? cmds[st->cmd] : NULL;
	pf.host = (const uint8_t *)h;
	pf.host_len = hl;
	pf.port = st->dest_port;
	pf.outcome = granted ? CRED_OUTCOME_SUCCESS : CRED_OUTCOME_FAILURE;
	memset(&f, 0, sizeof(f));
	f.type = FACT_PROXY;
	f.source = "socks";
	f.u.proxy = &pf;
	dctx_fact(ctx, &f);
}

/* A SOCKS5 address (ATYP, address, port); SK_OK fills st->dest. */
static int
socks5_address(struct cursor *c, struct socks_state *st, int keep)
{
	const uint8_t *addr;
	uint8_t atyp = cur_u8(c);
	uint16_t port;
	size_t alen;
	int family;

	switch (atyp) {
	case 0x01:
		alen = 4;
		family = AF_INET;
		break;
	case 0x03:
		alen = cur_u8(c);
		family = 0;
		if (cur_ok(c) && alen == 0)
			return SK_BAD;
		break;
	case 0x04:
		alen = 16;
		family = AF_INET6;
		break;
	default:
		return cur_ok(c) ? SK_BAD : SK_MORE;
	}
	addr = cur_take(c, alen);
	port = cur_be16(c);
	if (!cur_ok(c))
		return SK_MORE;
	if (keep)
		socks_dest(st, family, addr, alen, port);
	return SK_OK;
}

/* SOCKS4/4a request: VN CD DSTPORT DSTIP USERID NUL [HOST NUL]. */
static int
socks4_request(struct cursor *c, struct socks_state *st)
{
	const uint8_t *ip, *user, *host;
	size_t ulen, hlen;
	uint16_t port;
	uint8_t cd;
	int r;

	cur_skip(c, 1);
	cd = cur_u8(c);
	port = cur_be16(c);
	ip = cur_take(c, 4);
	if (!cur_ok(c))
		return SK_MORE;
	if (cd != 1 && cd != 2)
		return SK_BAD;
	st->cmd = cd;
	if ((r = socks_cstring(c, &user, &ulen)) != SK_OK)
		return r;
	st->mechanism = "SOCKS4";
	if (ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0) {
		if ((r = socks_cstring(c, &host, &hlen)) != SK_OK)
			return r;
		if (hlen == 0)
			return SK_BAD;
		st->mechanism = "SOCKS4a";
		socks_dest(st, 0, host, hlen, port);
	} else
		socks_dest(st, AF_INET, ip, 4, port);
	if (ulen > 0) {
		st->pending = 1;
		st->cls = CRED_NONE;
		st->user_len = ulen;
		memcpy(st->user, user, ulen);
	}
	return SK_OK;
}

/* RFC 1929: VER(1) ULEN UNAME PLEN PASSWD. */
static int
socks5_userpass(struct dctx *ctx, struct cursor *c, struct socks_state *st)
{
	const uint8_t *u, *p;
	size_t ulen, plen;

	cur_skip(c, 1);
	ulen = cur_u8(c);
	u = cur_take(c, ulen);
	plen = cur_u8(c);
	p = cur_take(c, plen);
	if (!cur_ok(c))
		return SK_MORE;
	if (ulen == 0)
		return SK_BAD;
	socks_flush(ctx, st);	/* a repeated attempt: the first is done */
	st->pending = 1;
	st->cls = CRED_CLEARTEXT;
	st->mechanism = "username/password";
	st->outcome = CRED_OUTCOME_UNKNOWN;
	st->user_len = ulen;
	memcpy(st->user, u, ulen);
	st->pass_len = plen;
	memcpy(st->pass, p, plen);
	return SK_OK;
}

static int
socks_client_msg(struct dctx *ctx, struct cursor *c, struct socks_state *st)
{
	size_t n, i;
	uint8_t cmd;
	int r;

	switch (st->client) {
	case SC_GREETING:
		st->version = cur_peek(c, 0);
		if (st->version == 4) {
			if ((r = socks4_request(c, st)) == SK_OK)
				st->client = SC_DONE;
			return r;
		}
		if (st->version != 5)
			return SK_BAD;
		n = cur_peek(c, 1);
		if (!cur_has(c, 2 + n))
			return SK_MORE;
		if (n == 0)
			return SK_BAD;
		for (i = 0; i < n; i++)
			if (cur_peek(c, 2 + i) == SOCKS5_NO_METHOD)
				return SK_BAD;
		cur_skip(c, 2 + n);
		st->client = SC_AUTH_OR_REQUEST;
		return SK_OK;
	case SC_AUTH_OR_REQUEST:
		if (cur_peek(c, 0) == 0x01)
			return socks5_userpass(ctx, c, st);
		if (cur_peek(c, 0) != 0x05)
			return SK_BAD;
		if (!cur_has(c, 4))
			return SK_MORE;
		cmd = cur_peek(c, 1);
		if (cmd < 1 || cmd > 3 || cur_peek(c, 2) != 0)
			return SK_BAD;
		st->cmd = cmd;
		cur_skip(c, 3);
		if ((r = socks5_address(c, st, 1)) == SK_OK)
			st->client = SC_DONE;
		return r;
	default:
		cur_skip(c, cur_left(c));	/* application data */
		return SK_OK;
	}
}

/* Returns SK_OK, SK_MORE, SK_BAD, or 2 when the exchange is over. */
static int
socks_server_msg(struct dctx *ctx, struct cursor *c, struct socks_state *st)
{
	uint8_t v, code;
	int r;

	if (!cur_has(c, 2))
		return SK_MORE;
	v = cur_peek(c, 0);
	code = cur_peek(c, 1);
	if (st->version == 4) {
		if (v != 0 || code < 90 || code > 93)
			return SK_BAD;
		if (!cur_has(c, 8))
			return SK_MORE;
		cur_skip(c, 8);
		st->outcome = code == 90 ? CRED_OUTCOME_SUCCESS :
		    CRED_OUTCOME_FAILURE;
		socks_flush(ctx, st);
		socks_proxy_fact(ctx, st, code == 90);
		return 2;
	}
	switch (st->server) {
	case SS_FIRST:
		if (v != 5)
			return SK_BAD;
		cur_skip(c, 2);
		if (code == SOCKS5_USERPASS) {
			st->server = SS_AUTH_STATUS;
			return SK_OK;
		}
		if (code == SOCKS5_NO_AUTH) {
			st->server = SS_REPLY;
			return SK_OK;
		}
		return 2;	/* GSSAPI, private methods or refusal */
	case SS_AUTH_STATUS:
		if (v != 1)
			return SK_BAD;
		cur_skip(c, 2);
		st->outcome = code == 0 ? CRED_OUTCOME_SUCCESS :
		    CRED_OUTCOME_FAILURE;
		if (code != 0) {
			socks_flush(ctx, st);
			return 2;
		}
		if (st->has_dest)
			socks_flush(ctx, st);
		st->server = SS_REPLY;
		return SK_OK;
	default:
		if (v != 5 || code > 8 || cur_peek(c, 2) != 0)
			return SK_BAD;
		cur_skip(c, 3);
		if ((r = socks5_address(c, st, 0)) != SK_OK)
			return r;
		socks_flush(ctx, st);
		socks_proxy_fact(ctx, st, code == 0);
		return 2;
	}
}

static size_t
socks_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct socks_state *st = state;
	struct cursor c;
	size_t used = 0;
	int r;

	cur_init(&c, data, len);
	while (cur_left(&c) > 0) {
		if (dir == DIR_TO_SERVER) {
			r = socks_client_msg(ctx, &c, st);
			/* a successful login waits for the destination */
			if (r == SK_OK && st->client == SC_DONE &&
			    st->cls == CRED_CLEARTEXT &&
			    st->outcome == CRED_OUTCOME_SUCCESS)
				socks_flush(ctx, st);
		} else
			r = socks_server_msg(ctx, &c, st);
		if (r == SK_BAD) {
			dctx_weird(ctx, "socks_malformed");
			st->pending = 0;
			tp_wipe(st->pass, sizeof(st->pass));
			dctx_done(ctx);
			return len;
		}
		if (r == 2) {
			dctx_done(ctx);
			return len;
		}
		if (r == SK_MORE) {
			c.err = 0;
			break;
		}
		used = c.off;
	}
	return used;
}

static int
socks_probe(const uint8_t *data, size_t len, int dir)
{
	size_t n, i, z;

	if (dir != DIR_TO_SERVER || len < 3)
		return 0;
	if (data[0] == 5) {
		/* greeting: the methods are known ones, nothing else but a
		 * pipelined sub-negotiation or request may follow */
		n = data[1];
		if (n == 0 || len < 2 + n)
			return 0;
		for (i = 0; i < n; i++)
			if (data[2 + i] > 0x09 && (data[2 + i] < 0x80 ||
			    data[2 + i] == SOCKS5_NO_METHOD))
				return 0;
		return len == 2 + n || data[2 + n] == 0x01 ||
		    data[2 + n] == 0x05;
	}
	if (data[0] != 4 || (data[1] != 1 && data[1] != 2) || len < 9)
		return 0;
	/* SOCKS4: a printable user id up to the NUL that ends the request
	 * (4a: then a host name and its NUL) */
	for (z = 8; z < len && data[z] != 0; z++)
		if (data[z] < 0x20 || data[z] > 0x7e)
			return 0;
	if (z == len)
		return 0;
	if (data[4] == 0 && data[5] == 0 && data[6] == 0 && data[7] != 0) {
		for (i = z + 1; i < len && data[i] != 0; i++)
			if (data[i] <= 0x20 || data[i] > 0x7e)
				return 0;
		return i == len - 1 && i > z + 1;
	}
	return z == len - 1;
}

static void
socks_free(struct dctx *ctx, void *state)
{
	socks_flush(ctx, state);
}

const struct dissector socks_dissector = {
	.name = "socks",
	.description = "SOCKS5 username/password logins, SOCKS4 user ids",
	.transport = DISSECTOR_TCP,
	.ports = socks_ports,
	.probe = socks_probe,
	.parse = socks_parse,
	.state_size = sizeof(struct socks_state),
	.free = socks_free,
};
