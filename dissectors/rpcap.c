/*
 * rpcap.c - the remote packet capture protocol of libpcap's rpcapd (TCP
 * 2002; active mode, where rpcapd connects out to the capturing client,
 * commonly to 2003).  Layout as libpcap's rpcap-protocol.h documents it:
 * every message is an 8-byte header (version, type, value, payload length,
 * big-endian) and its payload; a reply's type is its request's with 0x80
 * set, an error is type 1.
 *
 * Facts:
 *  - AUTH_REQ (8) with password authentication (rpcap_auth type 1: user
 *    and password lengths, then both in clear) is a cleartext credential
 *    "rpcap", outcome from the answer (AUTH_REPLY success, ERROR failure);
 *    NULL authentication is a CRED_NONE login.
 *  - STARTCAP_REQ (4) answered with STARTCAP_REPLY: a capture starts, so a
 *    mirror fact: exporter = the side that answered (rpcapd, the host whose
 *    traffic is captured, whatever side opened the TCP connection),
 *    receiver = the other, session = the OPEN_REQ's order in the flow.
 * Not facts: findalldevs, filters, statistics, PACKET messages (skipped by
 * their length); a header with an unknown version or type, or a payload
 * over RPCAP_MAX_PAYLOAD for a message we read, stops the flow (weird
 * rpcap_malformed).
 */
#include <string.h>

#include "cursor.h"
#include "dissector.h"
#include "textproto.h"

#define RPCAP_HDR		8
#define RPCAP_MAX_PAYLOAD	4096	/* messages we read; others skipped */

enum rpcap_type {
	RPCAP_ERROR = 1, RPCAP_FINDALLIF = 2, RPCAP_OPEN = 3,
	RPCAP_STARTCAP = 4, RPCAP_UPDATEFILTER = 5, RPCAP_CLOSE = 6,
	RPCAP_PACKET = 7, RPCAP_AUTH = 8, RPCAP_STATS = 9, RPCAP_ENDCAP = 10,
	RPCAP_SETSAMPLING = 11
};
#define RPCAP_REPLY	0x80

static const uint16_t rpcap_ports[] = { 2002, 2003, 0 };

struct rpcap_state {
	struct tp_cred	cred;
	uint64_t	skip[2];	/* payload bytes still to skip */
	uint8_t		auth_dir;	/* who sent the AUTH_REQ, + 1 */
	uint8_t		start_dir;	/* who sent STARTCAP_REQ, + 1 */
	uint8_t		opens;
	uint8_t		reported;	/* the capture start */
};

static int
rpcap_type_ok(uint8_t t)
{
	t &= (uint8_t)~RPCAP_REPLY;
	return t >= RPCAP_ERROR && t <= RPCAP_SETSAMPLING;
}

/* A client's first message: AUTH, FINDALLIF or OPEN, version 0 or 1. */
static int
rpcap_probe(const uint8_t *data, size_t len, int dir)
{
	struct cursor c;
	uint8_t ver, type;
	uint32_t plen;

	(void)dir;
	cur_init(&c, data, len);
	ver = cur_u8(&c);
	type = cur_u8(&c);
	(void)cur_be16(&c);
	plen = cur_be32(&c);
	return cur_ok(&c) && ver <= 1 && (type == RPCAP_AUTH ||
	    type == RPCAP_FINDALLIF || type == RPCAP_OPEN) &&
	    plen <= RPCAP_MAX_PAYLOAD && len == RPCAP_HDR + plen;
}

static void
rpcap_auth(struct dctx *ctx, struct rpcap_state *st, int dir,
    const uint8_t *p, size_t n)
{
	struct cursor c;
	uint16_t type, l1, l2;
	const uint8_t *user, *pass;

	cur_init(&c, p, n);
	type = cur_be16(&c);
	(void)cur_be16(&c);
	l1 = cur_be16(&c);
	l2 = cur_be16(&c);
	user = cur_take(&c, l1);
	pass = cur_take(&c, l2);
	if (!cur_ok(&c) || type > 1) {
		dctx_weird(ctx, "rpcap_malformed");
		return;
	}
	tp_cred_report(ctx, "rpcap", &st->cred, CRED_OUTCOME_UNKNOWN);
	tp_cred_begin(&st->cred, type == 1 ? "password" : "null",
	    type == 1 ? CRED_CLEARTEXT : CRED_NONE);
	if (l1 > 0)
		tp_cred_user(ctx, &st->cred, user, l1);
	if (type == 1)
		tp_cred_secret(ctx, &st->cred, pass, l2);
	st->cred.pending = 1;
	st->auth_dir = (uint8_t)(dir + 1);
}

/*
 * The capture started: rpcapd, the side that answered STARTCAP_REQ,
 * exports to the side that asked (in active mode rpcapd is the flow's
 * client).
 */
static void
rpcap_started(struct dctx *ctx, struct rpcap_state *st)
{
	struct mirror_fact m;
	struct fact f;

	if (st->reported++)
		return;
	memset(&m, 0, sizeof(m));
	m.session = st->opens;
	m.exporter_is_client = st->start_dir == DIR_TO_CLIENT + 1;
	memset(&f, 0, sizeof(f));
	f.type = FACT_MIRROR;
	f.source = "rpcap";
	f.u.mirror = &m;
	dctx_fact(ctx, &f);
}

static size_t
rpcap_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct rpcap_state *st = state;
	struct cursor c;
	size_t used = 0, take;
	uint8_t ver, type;
	uint32_t plen;

	while (used < len) {
		if (st->skip[dir] > 0) {
			take = len - used < st->skip[dir] ? len - used :
			    (size_t)st->skip[dir];
			st->skip[dir] -= take;
			used += take;
			continue;
		}
		cur_init(&c, data + used, len - used);
		ver = cur_u8(&c);
		type = cur_u8(&c);
		(void)cur_be16(&c);
		plen = cur_be32(&c);
		if (!cur_ok(&c))
			return used;		/* wait for the header */
		if (ver > 1 || !rpcap_type_ok(type)) {
			dctx_weird(ctx, "rpcap_malformed");
			dctx_done(ctx);
			return len;
		}
		if ((type == RPCAP_AUTH || type == RPCAP_OPEN) &&
		    plen > RPCAP_MAX_PAYLOAD) {
			dctx_weird(ctx, "rpcap_malformed");
			dctx_done(ctx);
			return len;
		}
		if (type == RPCAP_AUTH) {
			if (len - used < RPCAP_HDR + plen)
				return used;	/* wait for the whole request */
			rpcap_auth(ctx, st, dir, data + used + RPCAP_HDR, plen);
			used += RPCAP_HDR + plen;
			continue;
		}
		switch (type) {
		case RPCAP_AUTH | RPCAP_REPLY:
		case RPCAP_ERROR:
			if (st->auth_dir != 0 && st->auth_dir != dir + 1) {
				tp_cred_report(ctx, "rpcap", &st->cred,
				    type == RPCAP_ERROR ? CRED_OUTCOME_FAILURE :
				    CRED_OUTCOME_SUCCESS);
				st->auth_dir = 0;
			}
			break;
		case RPCAP_OPEN:
			st->opens++;
			break;
		case RPCAP_STARTCAP:
			st->start_dir = (uint8_t)(dir + 1);
			break;
		case RPCAP_STARTCAP | RPCAP_REPLY:
		case RPCAP_PACKET:
			if (st->start_dir != 0 && st->start_dir != dir + 1)
				rpcap_started(ctx, st);
			break;
		}
		used += RPCAP_HDR;
		st->skip[dir] = plen;
	}
	return used;
}

static void
rpcap_free(struct dctx *ctx, void *state)
{
	struct rpcap_state *st = state;

	tp_cred_report(ctx, "rpcap", &st->cred, CRED_OUTCOME_UNKNOWN);
}

const struct dissector rpcap_dissector = {
	.name = "rpcap",
	.description = "rpcapd remote capture: password logins, capture "
	    "starts (mirror facts)",
	.transport = DISSECTOR_TCP,
	.ports = rpcap_ports,
	.probe = rpcap_probe,
	.parse = rpcap_parse,
	.state_size = sizeof(struct rpcap_state),
	.free = rpcap_free,
	.max_pending = RPCAP_HDR + RPCAP_MAX_PAYLOAD,
};
