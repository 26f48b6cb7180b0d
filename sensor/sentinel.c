/*
 * sentinel.c - the Redis master's address from Redis Sentinel; see
 * sentinel.h.  Connections to sentinels are short-lived: one connect, AUTH
 * if a password is set, one command, close.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "redis_conn.h"
#include "sentinel.h"

static int
parse_one(const char *s, size_t n, char *host, size_t hostlen, int *port)
{
	const char *colon, *h = s;
	size_t hl;
	char num[8];
	long v;
	char *end;

	if (n > 0 && s[0] == '[') {
		const char *rb = memchr(s, ']', n);

		if (rb == NULL || rb + 1 >= s + n || rb[1] != ':')
			return -1;
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		colon = NULL;
		for (const char *p = s; p < s + n; p++)
			if (*p == ':')
				colon = p;
		if (colon == NULL || memchr(s, ':', (size_t)(colon - s)) != NULL)
			return -1;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= hostlen)
		return -1;
	for (size_t i = 0; i < hl; i++)
		if ((unsigned char)h[i] <= ' ' || (unsigned char)h[i] >= 0x7f)
			return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	n -= (size_t)(colon + 1 - s);
	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, colon + 1, n);
	num[n] = '\0';
	v = strtol(num, &end, 10);
	if (*end != '\0' || v < 1 || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

int
sentinel_parse(const char *list, const char *master, struct sentinel_set *ss,
    char *errbuf, size_t errlen)
{
	const char *p = list, *e;

	memset(ss, 0, sizeof(*ss));
	if (master == NULL || master[0] == '\0' ||
	    strlen(master) >= sizeof(ss->master) ||
	    strpbrk(master, " \t\r\n") != NULL) {
		snprintf(errbuf, errlen, "redis_master_name must be a name of 1 "
		    "to %zu characters without spaces", sizeof(ss->master) - 1);
		return -1;
	}
	snprintf(ss->master, sizeof(ss->master), "%s", master);
	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ',' && *e != ' '; e++)
			;
		if (ss->n >= SENTINEL_MAX) {
			snprintf(errbuf, errlen, "redis_sentinels: at most %d "
			    "sentinels", SENTINEL_MAX);
			return -1;
		}
		if (parse_one(p, (size_t)(e - p), ss->addr[ss->n].host,
		    sizeof(ss->addr[0].host), &ss->addr[ss->n].port) < 0) {
			snprintf(errbuf, errlen, "redis_sentinels: '%.*s' is not "
			    "host:port (IPv6: [addr]:port)", (int)(e - p), p);
			return -1;
		}
		ss->n++;
		p = e;
	}
	if (ss->n == 0) {
		snprintf(errbuf, errlen, "redis_sentinels: no sentinel given "
		    "(host:port,host:port,...)");
		return -1;
	}
	return 0;
}

int
sentinel_password_file(const char *path, struct sentinel_set *ss,
    char *errbuf, size_t errlen)
{
	struct redis_target t;

	memset(&t, 0, sizeof(t));
	if (redis_password_file(path, &t, errbuf, errlen) < 0)
		return -1;
	snprintf(ss->password, sizeof(ss->password), "%s", t.password);
	explicit_bzero(&t, sizeof(t));
	return 0;
}

/* One sentinel: 0 with host/port, -1 with why. */
static int
ask(const struct sentinel_set *ss, unsigned i, unsigned connect_ms,
    unsigned command_ms, char *host, size_t hostlen, int *port, char *why,
    size_t whylen)
{
	const char *argv[3] = { "SENTINEL", "get-master-addr-by-name",
	    ss->master };
	size_t lens[3] = { 8, 23, strlen(ss->master) };
	struct redis_target t;
	enum redis_conn_fail fail;
	redisContext *c;
	redisReply *r;
	char err[256];
	long v;
	int rc = -1;

	memset(&t, 0, sizeof(t));
	snprintf(t.host, sizeof(t.host), "%s", ss->addr[i].host);
	t.port = ss->addr[i].port;
	memcpy(t.password, ss->password, sizeof(t.password));
	c = redis_conn_open(&t, connect_ms, command_ms, &fail, err,
	    sizeof(err));
	explicit_bzero(&t, sizeof(t));
	if (c == NULL) {
		snprintf(why, whylen, "%s", err);
		return -1;
	}
	if (redis_conn_call(c, 3, argv, lens, command_ms, &r, err,
	    sizeof(err)) != 0) {
		snprintf(why, whylen, "%s", err);
		redisFree(c);
		return -1;
	}
	if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	    r->element[0]->type == REDIS_REPLY_STRING &&
	    r->element[1]->type == REDIS_REPLY_STRING &&
	    (size_t)r->element[0]->len < hostlen &&
	    (v = strtol(r->element[1]->str, NULL, 10)) > 0 && v < 65536) {
		memcpy(host, r->element[0]->str, (size_t)r->element[0]->len);
		host[r->element[0]->len] = '\0';
		*port = (int)v;
		rc = 0;
	} else if (r->type == REDIS_REPLY_NIL)
		snprintf(why, whylen, "does not know master '%s'", ss->master);
	else if (r->type == REDIS_REPLY_ERROR)
		snprintf(why, whylen, "%.160s", r->str);
	else
		snprintf(why, whylen, "unexpected reply");
	freeReplyObject(r);
	redisFree(c);
	return rc;
}

int
sentinel_master(struct sentinel_set *ss, unsigned connect_ms,
    unsigned command_ms, char *host, size_t hostlen, int *port, char *errbuf,
    size_t errlen)
{
	char why[300];
	size_t used = 0;
	unsigned i;

	errbuf[0] = '\0';
	for (i = 0; i < ss->n; i++) {
		if (ask(ss, i, connect_ms, command_ms, host, hostlen, port, why,
		    sizeof(why)) == 0) {
			if (i > 0) {
				/* The one that answered is asked first next. */
				__typeof__(ss->addr[0]) a = ss->addr[i];

				memmove(&ss->addr[1], &ss->addr[0],
				    i * sizeof(ss->addr[0]));
				ss->addr[0] = a;
			}
			return 0;
		}
		if (used < errlen)
			used += (size_t)snprintf(errbuf + used, errlen - used,
			    "%ssentinel %s:%d: %s", used ? "; " : "",
			    ss->addr[i].host, ss->addr[i].port, why);
	}
	return -1;
}

int
sentinel_is_master(redisContext *c, unsigned command_ms, char *errbuf,
    size_t errlen)
{
	const char *argv[1] = { "ROLE" };
	size_t lens[1] = { 4 };
	redisReply *r;
	int master;

	if (redis_conn_call(c, 1, argv, lens, command_ms, &r, errbuf,
	    errlen) != 0)
		return -1;
	master = r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_STRING &&
	    strcmp(r->element[0]->str, "master") == 0;
	if (!master)
		snprintf(errbuf, errlen, "ROLE says %s",
		    r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
		    r->element[0]->type == REDIS_REPLY_STRING ?
		    r->element[0]->str : "no role");
	freeReplyObject(r);
	return master;
}
