/*
 * redis.c - Redis AUTH (TCP 6379).
 *
 * Spec: Redis serialization protocol (RESP2 and RESP3 "protocol spec"),
 * the AUTH command (legacy "AUTH password" and Redis 6 ACL "AUTH username
 * password") and HELLO [protover [AUTH username password] [SETNAME name]].
 *
 * A fact: every AUTH or HELLO ... AUTH command, as a RESP array of bulk
 * strings or an inline command, is CRED_CLEARTEXT; a connection that tries
 * password after password (brute force often reuses one) gives one fact per
 * attempt.  The legacy form authenticates as the user "default" (AUTH
 * documentation: "the user is implicitly default"), so the fact names that
 * user and carries legacy_auth: true.  Replies are matched to commands in
 * order (pipelining): the reply to an AUTH's own command is its outcome,
 * "+OK" or a HELLO map/array success, an error reply (-WRONGPASS, -ERR
 * invalid password, ...) failure.  At most REDIS_MAX_INFLIGHT AUTHs wait
 * for their replies; one more reports the oldest with outcome unknown (weird
 * redis_auth_backlog), as does the flow's end for those still waiting.
 * Deliberately not a fact: other commands.  With no AUTH waiting for its
 * reply, dissection stops after 16 commands since the last AUTH (or since
 * the start) to save work, and when a value too big to buffer (4 KiB)
 * arrives.  With AUTHs waiting, such a value is not left to the stream's
 * pending buffer (which, full, drops its bytes and resumes mid-value, where
 * value bytes can read as an AUTH): a big command makes the client side
 * unparsed from then on while replies still settle the AUTHs; a big reply
 * settles them as unknown (weird redis_big_value in both cases).
 */
#include <string.h>

#include "cursor.h"
#include "dissector.h"

#define REDIS_MAX_ARGS		8
#define REDIS_MAX_DEPTH		8
#define REDIS_GIVE_UP_AFTER	16
#define REDIS_FIELD_MAX		256
#define REDIS_MAX_INFLIGHT	4	/* AUTHs waiting for their replies */
#define REDIS_PENDING_LIMIT	4096	/* a command or reply not complete
					   by then is not an AUTH answer */

/* Parse result for one RESP value or command. */
#define R_OK		1
#define R_MORE		0
#define R_BAD		(-1)

struct redis_arg {
	const uint8_t	*p;
	size_t		 n;
};

/* An AUTH sent and not answered yet. */
struct redis_auth {
	uint64_t	 index;		/* its command's number = its reply's */
	const char	*mechanism;
	int		 legacy;	/* "AUTH password": user default */
	uint8_t		 user[REDIS_FIELD_MAX];
	size_t		 user_len;
	uint8_t		 secret[REDIS_FIELD_MAX];
	size_t		 secret_len;
};

struct redis_state {
	uint64_t	commands;	/* commands seen from the client */
	uint64_t	replies;	/* replies seen from the server */
	uint64_t	since_auth;	/* commands since the last AUTH */
	int		client_lost;	/* client data no longer parsed */
	/* AUTHs in command order: a ring of ninflight from head */
	unsigned	head, ninflight;
	struct redis_auth inflight[REDIS_MAX_INFLIGHT];
};

static const uint16_t redis_ports[] = { 6379, 0 };

/* Reads a CRLF-terminated line; *line and *n exclude the CRLF. */
static int
redis_line(struct cursor *c, const uint8_t **line, size_t *n)
{
	const uint8_t *p = cur_ptr(c), *nl;
	size_t left = cur_left(c);

	nl = left > 0 ? memchr(p, '\n', left) : NULL;
	if (nl == NULL)
		return R_MORE;
	*line = p;
	*n = (size_t)(nl - p);
	if (*n > 0 && p[*n - 1] == '\r')
		(*n)--;
	cur_skip(c, (size_t)(nl - p) + 1);
	return R_OK;
}

/* A decimal in a header line after the type byte; -2 when bad. */
static long long
redis_number(const uint8_t *p, size_t n)
{
	long long v = 0;
	size_t i = 1;
	int neg = 0;

	if (n > 1 && p[1] == '-') {
		neg = 1;
		i++;
	}
	if (i >= n || n - i > 12)
		return -2;
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -2;
		v = v * 10 + (p[i] - '0');
	}
	return neg ? -v : v;
}

/* Skips one RESP value (any type, nested); R_OK, R_MORE or R_BAD. */
static int
redis_skip_value(struct cursor *c, int depth, uint8_t *first)
{
	const uint8_t *line;
	long long n, i;
	size_t ln;
	int r;

	if (depth > REDIS_MAX_DEPTH)
		return R_BAD;
	if ((r = redis_line(c, &line, &ln)) != R_OK)
		return r;
	if (ln == 0)
		return R_BAD;
	if (first != NULL)
		*first = line[0];
	switch (line[0]) {
	case '+': case '-': case ':': case '_': case '#': case ',': case '(':
		return R_OK;
	case '$': case '!': case '=':
		n = redis_number(line, ln);
		if (n == -1)
			return R_OK;		/* null bulk */
		if (n < 0)
			return R_BAD;
		if (cur_left(c) < (size_t)n + 2)
			return R_MORE;
		cur_skip(c, (size_t)n + 2);
		return R_OK;
	case '*': case '~': case '>': case '%': case '|':
		n = redis_number(line, ln);
		if (n == -1)
			return R_OK;
		if (n < 0 || n > 1000000)
			return R_BAD;
		if (line[0] == '%' || line[0] == '|')
			n *= 2;
		for (i = 0; i < n; i++)
			if ((r = redis_skip_value(c, depth + 1, NULL)) != R_OK)
				return r;
		return R_OK;
	default:
		return R_BAD;
	}
}

/* One client command into args (at most REDIS_MAX_ARGS kept). */
static int
redis_command(struct cursor *c, struct redis_arg *args, size_t *nargs)
{
	const uint8_t *line, *p;
	long long n, len, i;
	size_t ln, k;
	int r;

	*nargs = 0;
	if (cur_peek(c, 0) != '*') {
		/* inline command: words separated by spaces */
		if ((r = redis_line(c, &line, &ln)) != R_OK)
			return r;
		for (k = 0; k < ln && *nargs < REDIS_MAX_ARGS;) {
			while (k < ln && line[k] == ' ')
				k++;
			if (k == ln)
				break;
			p = line + k;
			while (k < ln && line[k] != ' ')
				k++;
			args[*nargs].p = p;
			args[(*nargs)++].n = (size_t)(line + k - p);
		}
		return R_OK;
	}
	if ((r = redis_line(c, &line, &ln)) != R_OK)
		return r;
	n = redis_number(line, ln);
	if (n < 0 || n > 1024 * 1024)
		return R_BAD;
	for (i = 0; i < n; i++) {
		if ((r = redis_line(c, &line, &ln)) != R_OK)
			return r;
		if (ln < 2 || line[0] != '$')
			return R_BAD;
		len = redis_number(line, ln);
		if (len < 0)
			return R_BAD;
		if (cur_left(c) < (size_t)len + 2)
			return R_MORE;
		if (*nargs < REDIS_MAX_ARGS) {
			args[*nargs].p = cur_ptr(c);
			args[(*nargs)++].n = (size_t)len;
		}
		cur_skip(c, (size_t)len + 2);
	}
	return R_OK;
}

static int
redis_is(const struct redis_arg *a, const char *word)
{
	size_t i, n = strlen(word);

	if (a->n != n)
		return 0;
	for (i = 0; i < n; i++)
		if ((a->p[i] | 0x20) != word[i])
			return 0;
	return 1;
}

/* Reports the oldest AUTH in flight with outcome o and drops it. */
static void
redis_settle(struct dctx *ctx, struct redis_state *st, enum cred_outcome o)
{
	static const uint8_t dflt[] = "default";
	struct redis_auth *a;
	struct cred_fact f;

	if (st->ninflight == 0)
		return;
	a = &st->inflight[st->head];
	st->head = (st->head + 1) % REDIS_MAX_INFLIGHT;
	st->ninflight--;
	cred_fact_init(&f, "redis", a->mechanism, CRED_CLEARTEXT);
	f.outcome = o;
	if (a->legacy) {
		f.user = dflt;
		f.user_len = sizeof(dflt) - 1;
		fact_extra_bool(&f, "legacy_auth", 1);
	} else {
		f.user = a->user;
		f.user_len = a->user_len;
	}
	f.secret = a->secret;
	f.secret_len = a->secret_len;
	dctx_credential(ctx, &f);
}

static size_t
redis_copy(uint8_t *dst, const struct redis_arg *a)
{
	size_t n = a->n < REDIS_FIELD_MAX ? a->n : REDIS_FIELD_MAX;

	memcpy(dst, a->p, n);
	return n;
}

/* Queues an AUTH (user NULL: the legacy form) behind those in flight. */
static void
redis_keep(struct dctx *ctx, struct redis_state *st, const char *mech,
    const struct redis_arg *user, const struct redis_arg *pass)
{
	struct redis_auth *a;

	if (st->ninflight == REDIS_MAX_INFLIGHT) {
		dctx_weird(ctx, "redis_auth_backlog");
		redis_settle(ctx, st, CRED_OUTCOME_UNKNOWN);
	}
	a = &st->inflight[(st->head + st->ninflight++) % REDIS_MAX_INFLIGHT];
	a->index = st->commands;
	a->mechanism = mech;
	a->legacy = user == NULL;
	a->user_len = user != NULL ? redis_copy(a->user, user) : 0;
	a->secret_len = redis_copy(a->secret, pass);
	st->since_auth = 0;
}

static void
redis_client(struct dctx *ctx, struct redis_state *st,
    const struct redis_arg *a, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	if (redis_is(&a[0], "auth")) {
		if (n == 2)
			redis_keep(ctx, st, "AUTH", NULL, &a[1]);
		else if (n == 3)
			redis_keep(ctx, st, "AUTH", &a[1], &a[2]);
		else
			dctx_weird(ctx, "redis_bad_auth");
	} else if (redis_is(&a[0], "hello")) {
		for (i = 1; i + 2 < n; i++)
			if (redis_is(&a[i], "auth")) {
				redis_keep(ctx, st, "HELLO AUTH", &a[i + 1],
				    &a[i + 2]);
				break;
			}
	}
}

/* A reply: the outcome of the AUTH whose command it answers, if any. */
static void
redis_reply(struct dctx *ctx, struct redis_state *st, uint8_t first)
{
	if (st->ninflight > 0 &&
	    st->inflight[st->head].index == st->replies)
		redis_settle(ctx, st, first == '-' ? CRED_OUTCOME_FAILURE :
		    CRED_OUTCOME_SUCCESS);
	st->replies++;
}

static size_t
redis_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct redis_state *st = state;
	struct redis_arg args[REDIS_MAX_ARGS];
	struct cursor c;
	size_t used = 0, nargs;
	uint8_t first;
	int r;

	if (dir == DIR_TO_SERVER && st->client_lost)
		return len;
	cur_init(&c, data, len);
	while (cur_left(&c) > 0) {
		if (dir == DIR_TO_SERVER) {
			r = redis_command(&c, args, &nargs);
			if (r == R_OK) {
				st->since_auth++;
				redis_client(ctx, st, args, nargs);
				st->commands++;
			}
		} else {
			r = redis_skip_value(&c, 0, &first);
			if (r == R_OK)
				redis_reply(ctx, st, first);
		}
		if (r == R_BAD) {
			dctx_weird(ctx, "redis_malformed");
			dctx_done(ctx);
			return len;
		}
		if (r == R_MORE)
			break;
		used = c.off;
	}
	if (len - used >= REDIS_PENDING_LIMIT && st->ninflight > 0) {
		/*
		 * A value too big to buffer while AUTHs wait.  Left to the
		 * stream, the pending buffer would overflow and parsing resume
		 * inside the value, where its bytes can read as an AUTH.  A
		 * big command: stop parsing commands, keep matching replies.
		 * A big reply: the later replies cannot be told apart.
		 */
		dctx_weird(ctx, "redis_big_value");
		if (dir == DIR_TO_SERVER) {
			st->client_lost = 1;
			return len;
		}
		while (st->ninflight > 0)
			redis_settle(ctx, st, CRED_OUTCOME_UNKNOWN);
		dctx_done(ctx);
		return len;
	}
	if (st->ninflight == 0 && (st->since_auth >= REDIS_GIVE_UP_AFTER ||
	    st->client_lost || len - used >= REDIS_PENDING_LIMIT))
		dctx_done(ctx);		/* no AUTH for a while, or a big value */
	return used;
}

static int
redis_probe(const uint8_t *data, size_t len, int dir)
{
	/* a RESP array of bulk strings: "*<n>\r\n$" */
	size_t i = 1;

	if (dir != DIR_TO_SERVER || len < 5 || data[0] != '*')
		return 0;
	while (i < len && i < 8 && data[i] >= '0' && data[i] <= '9')
		i++;
	return i > 1 && i + 2 < len && data[i] == '\r' &&
	    data[i + 1] == '\n' && data[i + 2] == '$';
}

static void
redis_free(struct dctx *ctx, void *state)
{
	struct redis_state *st = state;

	while (st->ninflight > 0)
		redis_settle(ctx, st, CRED_OUTCOME_UNKNOWN);
}

const struct dissector redis_dissector = {
	.name = "redis",
	.description = "Redis AUTH and HELLO AUTH passwords",
	.transport = DISSECTOR_TCP,
	.ports = redis_ports,
	.probe = redis_probe,
	.parse = redis_parse,
	.state_size = sizeof(struct redis_state),
	.free = redis_free,
};
