/*
 * mysql.c - MySQL/MariaDB logins (TCP 3306).
 *
 * Spec: MySQL client/server protocol documentation (Connection Phase:
 * Protocol::HandshakeV10, HandshakeResponse41, SSLRequest,
 * AuthSwitchRequest, OK_Packet, ERR_Packet; authentication methods
 * mysql_native_password, caching_sha2_password, mysql_clear_password).
 *
 * A fact: the client's authentication response after a v10 greeting, user
 * from HandshakeResponse41, extra "plugin" (and "database" when sent):
 *  - mysql_clear_password: CRED_CLEARTEXT;
 *  - mysql_native_password (20-byte scramble): CRED_WEAK with the hashcat
 *    11200 line $mysqlna$<20-byte salt hex>*<response hex>;
 *  - caching_sha2_password (32-byte scramble) and other plugins: CRED_WEAK,
 *    no crack line (no tool takes the wire exchange);
 *  - an empty response: CRED_NONE (an account without a password).
 * An AuthSwitchRequest replaces the salt and plugin; the client's next
 * packet is then the response.  The outcome is the server's OK (success)
 * or ERR (failure) packet, after which dissection ends; an SSLRequest ends
 * it at once (TLS follows).  Deliberately not a fact: the RSA-encrypted
 * password of caching_sha2 full authentication, COM_CHANGE_USER, queries.
 */
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "cursor.h"
#include "dissector.h"

#define MY_MAX_PACKET		8192
#define MY_NAME_MAX		64
#define MY_SECRET_MAX		256
#define MY_SALT_LEN		20

#define CLIENT_CONNECT_WITH_DB	0x00000008u
#define CLIENT_PROTOCOL_41	0x00000200u
#define CLIENT_SSL		0x00000800u
#define CLIENT_SECURE_CONN	0x00008000u
#define CLIENT_PLUGIN_AUTH	0x00080000u
#define CLIENT_LENENC_DATA	0x00200000u

enum my_phase {
	MY_GREETING = 0,	/* waiting for the server's HandshakeV10 */
	MY_RESPONSE,		/* waiting for HandshakeResponse41 */
	MY_VERDICT,		/* waiting for OK/ERR/switch */
	MY_SWITCHED		/* waiting for the client's switched answer */
};

struct mysql_state {
	enum my_phase	phase;
	uint8_t		salt[MY_SALT_LEN];
	size_t		salt_len;
	char		plugin[MY_NAME_MAX];
	uint8_t		user[MY_NAME_MAX];
	size_t		user_len;
	uint8_t		database[MY_NAME_MAX];
	size_t		database_len;
	int		pending;
	uint8_t		secret[MY_SECRET_MAX];
	size_t		secret_len;
};

static const uint16_t mysql_ports[] = { 3306, 0 };

static void
my_flush(struct dctx *ctx, struct mysql_state *st, enum cred_outcome o)
{
	char crack[16 + 2 * MY_SALT_LEN + 2 * MY_SECRET_MAX];
	char salt[2 * MY_SALT_LEN + 1], resp[2 * MY_SECRET_MAX + 1];
	struct cred_fact f;
	enum cred_class cls = CRED_WEAK;
	const char *mech = st->plugin;

	if (!st->pending)
		return;
	st->pending = 0;
	if (st->secret_len == 0)
		cls = CRED_NONE;
	else if (strcmp(st->plugin, "mysql_clear_password") == 0)
		cls = CRED_CLEARTEXT;
	if (mech[0] == '\0')
		mech = "mysql_native_password";
	cred_fact_init(&f, "mysql", mech, cls);
	f.outcome = o;
	f.user = st->user;
	f.user_len = st->user_len;
	f.secret = st->secret;
	f.secret_len = st->secret_len;
	if (cls == CRED_WEAK && strcmp(mech, "mysql_native_password") == 0 &&
	    st->secret_len == 20 && st->salt_len == MY_SALT_LEN) {
		hex_encode(st->salt, MY_SALT_LEN, salt, sizeof(salt));
		hex_encode(st->secret, st->secret_len, resp, sizeof(resp));
		snprintf(crack, sizeof(crack), "$mysqlna$%s*%s", salt, resp);
		f.crack = crack;
	}
	fact_extra_str(&f, "plugin", (const uint8_t *)mech, strlen(mech));
	if (st->database_len > 0)
		fact_extra_str(&f, "database", st->database,
		    st->database_len);
	dctx_credential(ctx, &f);
}

static void
my_set_plugin(struct mysql_state *st, const uint8_t *p, size_t n)
{
	if (n >= sizeof(st->plugin))
		n = sizeof(st->plugin) - 1;
	memcpy(st->plugin, p, n);
	st->plugin[n] = '\0';
}

static void
my_keep_secret(struct mysql_state *st, const uint8_t *p, size_t n)
{
	/* the clear-text plugin sends a NUL-terminated password */
	if (n > 0 && p[n - 1] == 0 &&
	    strcmp(st->plugin, "mysql_clear_password") == 0)
		n--;
	st->secret_len = n < MY_SECRET_MAX ? n : MY_SECRET_MAX;
	memcpy(st->secret, p, st->secret_len);
	st->pending = 1;
}

static int
my_greeting(struct mysql_state *st, struct cursor *c)
{
	const uint8_t *p1, *p2, *name;
	size_t n, n2;
	uint16_t cap_lo, cap_hi;
	uint8_t dlen;

	if (cur_u8(c) != 10 || cur_cstring(c, &n) == NULL)
		return 0;
	cur_skip(c, 4);				/* connection id */
	p1 = cur_take(c, 8);
	cur_skip(c, 1);
	cap_lo = cur_le16(c);
	cur_skip(c, 1 + 2);			/* charset, status */
	cap_hi = cur_le16(c);
	dlen = cur_u8(c);
	cur_skip(c, 10);
	if (!cur_ok(c))
		return 0;
	memcpy(st->salt, p1, 8);
	st->salt_len = 8;
	if ((cap_lo & CLIENT_SECURE_CONN) != 0) {
		n2 = dlen > 8 + 13 ? (size_t)dlen - 8 : 13;
		p2 = cur_take(c, n2);
		if (p2 == NULL)
			return 0;
		/* the part is NUL-terminated: 12 bytes of salt, then 0 */
		n = n2 > 12 ? 12 : n2;
		memcpy(st->salt + 8, p2, n);
		st->salt_len = 8 + n;
	}
	st->plugin[0] = '\0';
	if (((uint32_t)cap_hi << 16 & CLIENT_PLUGIN_AUTH) &&
	    (name = cur_cstring(c, &n)) != NULL)
		my_set_plugin(st, name, n);
	else
		c->err = 0;	/* old servers end without the name */
	return 1;
}

static void
my_response(struct dctx *ctx, struct mysql_state *st, struct cursor *c,
    size_t plen)
{
	const uint8_t *user, *auth, *db, *plugin;
	size_t un, an = 0, dn, pn;
	uint32_t caps;

	caps = cur_le32(c);
	if (!cur_ok(c) || !(caps & CLIENT_PROTOCOL_41)) {
		dctx_weird(ctx, "mysql_old_protocol");
		dctx_done(ctx);
		return;
	}
	if ((caps & CLIENT_SSL) && plen == 32) {
		dctx_done(ctx);		/* SSLRequest: TLS follows */
		return;
	}
	cur_skip(c, 4 + 1 + 23);
	user = cur_cstring(c, &un);
	if (caps & CLIENT_LENENC_DATA) {
		an = cur_u8(c);		/* lenenc: one byte below 251 */
		if (an >= 251)
			c->err = 1;
	} else if (caps & CLIENT_SECURE_CONN)
		an = cur_u8(c);
	if (caps & (CLIENT_LENENC_DATA | CLIENT_SECURE_CONN))
		auth = cur_take(c, an);
	else
		auth = cur_cstring(c, &an);
	if (user == NULL || !cur_ok(c)) {
		dctx_weird(ctx, "mysql_malformed");
		return;
	}
	st->user_len = un < MY_NAME_MAX ? un : MY_NAME_MAX;
	memcpy(st->user, user, st->user_len);
	if ((caps & CLIENT_CONNECT_WITH_DB) && cur_left(c) > 0 &&
	    (db = cur_cstring(c, &dn)) != NULL) {
		st->database_len = dn < MY_NAME_MAX ? dn : MY_NAME_MAX;
		memcpy(st->database, db, st->database_len);
	}
	if ((caps & CLIENT_PLUGIN_AUTH) && cur_left(c) > 0 &&
	    (plugin = cur_cstring(c, &pn)) != NULL)
		my_set_plugin(st, plugin, pn);
	my_keep_secret(st, auth, an);
	st->phase = MY_VERDICT;
}

static void
my_server(struct dctx *ctx, struct mysql_state *st, struct cursor *c)
{
	const uint8_t *name, *salt;
	size_t n;
	uint8_t first = cur_peek(c, 0);

	if (first == 0x00) {
		my_flush(ctx, st, CRED_OUTCOME_SUCCESS);
		dctx_done(ctx);
	} else if (first == 0xff) {
		my_flush(ctx, st, CRED_OUTCOME_FAILURE);
		dctx_done(ctx);
	} else if (first == 0xfe) {
		/* AuthSwitchRequest: plugin name, new salt */
		cur_skip(c, 1);
		name = cur_cstring(c, &n);
		if (name == NULL) {
			dctx_weird(ctx, "mysql_malformed");
			return;
		}
		st->pending = 0;	/* the first answer was not used */
		my_set_plugin(st, name, n);
		n = cur_left(c);
		if (n > 0 && cur_peek(c, n - 1) == 0)
			n--;
		salt = cur_ptr(c);
		st->salt_len = n < MY_SALT_LEN ? n : MY_SALT_LEN;
		memcpy(st->salt, salt, st->salt_len);
		st->phase = MY_SWITCHED;
	}
	/* 0x01 AuthMoreData (caching_sha2 fast/full auth): keep waiting */
}

static size_t
mysql_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct mysql_state *st = state;
	struct cursor c, p;
	size_t used = 0;
	uint32_t plen;

	cur_init(&c, data, len);
	while (cur_left(&c) >= 4) {
		plen = (uint32_t)cur_peek(&c, 0) | (uint32_t)cur_peek(&c, 1) <<
		    8 | (uint32_t)cur_peek(&c, 2) << 16;
		if (plen == 0 || plen > MY_MAX_PACKET) {
			dctx_weird(ctx, "mysql_malformed");
			dctx_done(ctx);
			return len;
		}
		if (cur_left(&c) - 4 < plen)
			break;
		cur_skip(&c, 4);
		p = cur_sub(&c, plen);
		used = c.off;
		if (dir == DIR_TO_CLIENT) {
			if (st->phase == MY_GREETING) {
				if (!my_greeting(st, &p)) {
					dctx_weird(ctx, "mysql_bad_greeting");
					dctx_done(ctx);
					return len;
				}
				st->phase = MY_RESPONSE;
			} else
				my_server(ctx, st, &p);
		} else if (st->phase == MY_RESPONSE)
			my_response(ctx, st, &p, plen);
		else if (st->phase == MY_SWITCHED) {
			my_keep_secret(st, cur_ptr(&p), plen);
			st->phase = MY_VERDICT;
		}
	}
	return used;
}

static int
mysql_probe(const uint8_t *data, size_t len, int dir)
{
	/* a server greeting: packet 0, protocol 10, printable version */
	return dir == DIR_TO_CLIENT && len > 8 && data[3] == 0 &&
	    data[4] == 10 && data[5] >= '0' && data[5] <= '9' &&
	    ((size_t)data[0] | (size_t)data[1] << 8) + 4 <= MY_MAX_PACKET &&
	    data[2] == 0;
}

static void
mysql_free(struct dctx *ctx, void *state)
{
	my_flush(ctx, state, CRED_OUTCOME_UNKNOWN);
}

const struct dissector mysql_dissector = {
	.name = "mysql",
	.description = "MySQL/MariaDB native, caching_sha2 and clear logins",
	.transport = DISSECTOR_TCP,
	.ports = mysql_ports,
	.probe = mysql_probe,
	.parse = mysql_parse,
	.state_size = sizeof(struct mysql_state),
	.free = mysql_free,
};
