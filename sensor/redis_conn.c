/*
 * redis_conn.c - Redis target URL parsing, password file, connect with
 * deadlines and one bounded round trip, on hiredis 0.14 non-blocking
 * contexts.  The deadlines are ours (poll(2)), not socket timeouts, so a
 * slow server costs at most the time the caller allows.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "clock.h"
#include "codec.h"
#include "redis_conn.h"

#define URL_MAX	1024

unsigned long long
redis_now_ms(void)
{
	return mono_ms();
}

/* Percent-decodes s[0..n) into out; -1 on a bad escape, NUL or overflow. */
static int
pct_decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (n - i < 3 || (hi = hex_value((unsigned char)s[i + 1])) < 0 ||
			    (lo = hex_value((unsigned char)s[i + 2])) < 0)
				return -1;
			c = hi << 4 | lo;
			if (c == 0)
				return -1;
			i += 2;
		}
		if (o + 1 >= cap)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

/* A decimal number of at most maxdigits digits, whole string; or -1. */
static long
parse_num(const char *s, size_t n, size_t maxdigits)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > maxdigits)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
parse_db(const char *s, size_t n, struct redis_target *t, char *errbuf,
    size_t errlen)
{
	long v = parse_num(s, n, 5);

	if (v < 0 || v > 65535) {
		snprintf(errbuf, errlen, "Redis URL: database must be a number "
		    "from 0 to 65535");
		return -1;
	}
	t->db = (int)v;
	return 0;
}

static int
parse_unix(const char *p, struct redis_target *t, char *errbuf, size_t errlen)
{
	const char *q = strchr(p, '?');
	size_t plen = q ? (size_t)(q - p) : strlen(p);

	if (plen < 2 || p[0] != '/') {
		snprintf(errbuf, errlen, "Redis URL: unix:// needs an absolute "
		    "socket path, e.g. unix:///run/redis/redis.sock");
		return -1;
	}
	if (plen >= sizeof(t->path)) {
		snprintf(errbuf, errlen, "Redis URL: socket path longer than "
		    "%zu bytes", sizeof(t->path) - 1);
		return -1;
	}
	memcpy(t->path, p, plen);
	t->path[plen] = '\0';
	t->is_unix = 1;
	if (q == NULL)
		return 0;
	q++;
	if (strncmp(q, "db=", 3) != 0 || strchr(q, '&') != NULL) {
		snprintf(errbuf, errlen, "Redis URL: the only parameter of a "
		    "unix:// URL is db=N");
		return -1;
	}
	return parse_db(q + 3, strlen(q + 3), t, errbuf, errlen);
}

static int
host_ok(const char *h, size_t n, int v6)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		char c = h[i];

		if (v6 ? (hex_value((unsigned char)c) < 0 && c != ':' && c != '.') :
		    (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '-' && c != '.' && c != '_'))
			return 0;
	}
	return 1;
}

static int
parse_userinfo(const char *u, size_t n, struct redis_target *t,
    char *errbuf, size_t errlen)
{
	const char *colon = memchr(u, ':', n);

	if (colon == NULL) {
		snprintf(errbuf, errlen, "Redis URL: user info needs a ':' "
		    "(redis://user:password@host or redis://:password@host)");
		return -1;
	}
	if (pct_decode(u, (size_t)(colon - u), t->user, sizeof(t->user)) != 0) {
		snprintf(errbuf, errlen, "Redis URL: bad or too long user name "
		    "(percent-encode reserved characters)");
		return -1;
	}
	if (pct_decode(colon + 1, n - (size_t)(colon - u) - 1, t->password,
	    sizeof(t->password)) != 0) {
		snprintf(errbuf, errlen, "Redis URL: bad or too long password "
		    "(percent-encode reserved characters, at most %zu bytes)",
		    sizeof(t->password) - 1);
		return -1;
	}
	return 0;
}

static int
parse_tcp(const char *p, struct redis_target *t, char *errbuf, size_t errlen)
{
	const char *slash, *at, *h, *end, *portp = NULL;
	size_t alen, hlen;
	int v6 = 0;
	long port;

	if (strpbrk(p, "?#") != NULL) {
		snprintf(errbuf, errlen, "Redis URL: query and fragment are not "
		    "supported in redis:// URLs (use /db for the database)");
		return -1;
	}
	slash = strchr(p, '/');
	alen = slash ? (size_t)(slash - p) : strlen(p);
	/* The last '@' ends the user info, so a raw '@' in a password works. */
	for (at = p + alen; at > p && at[-1] != '@'; at--)
		;
	h = p;
	if (at > p) {
		if (parse_userinfo(p, (size_t)(at - p) - 1, t, errbuf,
		    errlen) != 0)
			return -1;
		h = at;
	}
	end = p + alen;
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));

		if (rb == NULL) {
			snprintf(errbuf, errlen, "Redis URL: missing ']' after "
			    "an IPv6 address");
			return -1;
		}
		v6 = 1;
		hlen = (size_t)(rb - h - 1);
		h++;
		if (rb + 1 < end) {
			if (rb[1] != ':') {
				snprintf(errbuf, errlen, "Redis URL: junk after "
				    "']'");
				return -1;
			}
			portp = rb + 2;
		}
	} else {
		const char *colon = memchr(h, ':', (size_t)(end - h));

		hlen = colon ? (size_t)(colon - h) : (size_t)(end - h);
		if (colon != NULL) {
			portp = colon + 1;
			if (memchr(portp, ':', (size_t)(end - portp)) != NULL) {
				snprintf(errbuf, errlen, "Redis URL: put an IPv6 "
				    "address in brackets, e.g. redis://[::1]:6379");
				return -1;
			}
		}
	}
	if (hlen >= sizeof(t->host) || !host_ok(h, hlen, v6)) {
		snprintf(errbuf, errlen, "Redis URL: missing or invalid host "
		    "name");
		return -1;
	}
	memcpy(t->host, h, hlen);
	t->host[hlen] = '\0';
	if (portp != NULL) {
		port = parse_num(portp, (size_t)(end - portp), 5);
		if (port < 1 || port > 65535) {
			snprintf(errbuf, errlen, "Redis URL: port must be a "
			    "number from 1 to 65535");
			return -1;
		}
		t->port = (int)port;
	}
	if (slash != NULL && slash[1] != '\0')
		return parse_db(slash + 1, strlen(slash + 1), t, errbuf,
		    errlen);
	return 0;
}

int
redis_url_parse(const char *url, struct redis_target *t, char *errbuf,
    size_t errlen)
{
	size_t i, n;
	int r;

	memset(t, 0, sizeof(*t));
	t->port = REDIS_DEFAULT_PORT;
	if (url == NULL || *url == '\0') {
		snprintf(errbuf, errlen, "Redis URL is empty (expected "
		    "redis://host:port[/db] or unix:///path)");
		return -1;
	}
	n = strlen(url);
	if (n > URL_MAX) {
		snprintf(errbuf, errlen, "Redis URL longer than %d bytes",
		    URL_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c <= ' ' || c >= 0x7f) {
			snprintf(errbuf, errlen, "Redis URL contains a space, "
			    "control or non-ASCII byte (percent-encode it)");
			return -1;
		}
	}
	if (strncmp(url, "redis://", 8) == 0)
		r = parse_tcp(url + 8, t, errbuf, errlen);
	else if (strncmp(url, "unix://", 7) == 0)
		r = parse_unix(url + 7, t, errbuf, errlen);
	else if (strncmp(url, "rediss://", 9) == 0) {
		snprintf(errbuf, errlen, "Redis URL: rediss:// (TLS) is not "
		    "supported; use a local stunnel or a Unix socket");
		r = -1;
	} else {
		snprintf(errbuf, errlen, "Redis URL must start with redis:// "
		    "or unix://");
		r = -1;
	}
	if (r != 0)
		explicit_bzero(t, sizeof(*t));
	return r;
}

int
redis_password_file(const char *path, struct redis_target *t, char *errbuf,
    size_t errlen)
{
	char buf[sizeof(t->password) + 2];
	ssize_t n;
	size_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(errbuf, errlen, "cannot read Redis password file %s: "
		    "%s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		snprintf(errbuf, errlen, "cannot read Redis password file %s: "
		    "%s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	len = strcspn(buf, "\n");
	if (len < (size_t)n && buf[len + 1] != '\0' && buf[len + 1] != '\n') {
		/* Several lines: refuse rather than guess which is meant. */
		explicit_bzero(buf, sizeof(buf));
		snprintf(errbuf, errlen, "Redis password file %s has more than "
		    "one line; it must hold only the password", path);
		return -1;
	}
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (len == 0 || len >= sizeof(t->password) || memchr(buf, 0, len)) {
		explicit_bzero(buf, sizeof(buf));
		snprintf(errbuf, errlen, "Redis password file %s is empty, "
		    "holds a NUL or is longer than %zu bytes", path,
		    sizeof(t->password) - 1);
		return -1;
	}
	memcpy(t->password, buf, len + 1);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

void
redis_target_name(const struct redis_target *t, char *buf, size_t len)
{
	if (t->is_unix)
		snprintf(buf, len, "unix:%s", t->path);
	else if (strchr(t->host, ':') != NULL)
		snprintf(buf, len, "[%s]:%d", t->host, t->port);
	else
		snprintf(buf, len, "%s:%d", t->host, t->port);
}

/*
 * hiredis writes with write(2), so a peer that went away raises SIGPIPE.
 * Block it in this thread around the write and swallow the one the write
 * raised, so the process needs no particular SIGPIPE disposition.
 */
static int
write_nosigpipe(redisContext *c, int *done)
{
	static const struct timespec zero;
	sigset_t pipe_set, old, pending;
	int r, was_pending;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	r = redisBufferWrite(c, done);
	if (r != REDIS_OK && !was_pending) {
		sigpending(&pending);
		if (sigismember(&pending, SIGPIPE))
			(void)sigtimedwait(&pipe_set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

int
redis_conn_io(redisContext *c, int *write_done)
{
	int done = 1;

	if (write_nosigpipe(c, &done) != REDIS_OK ||
	    redisBufferRead(c) != REDIS_OK)
		return -1;
	if (write_done != NULL)
		*write_done = done;
	return 0;
}

void
redis_conn_wait(redisContext *c, int want_write, unsigned ms)
{
	struct pollfd pfd;

	pfd.fd = c->fd;
	pfd.events = POLLIN | (want_write ? POLLOUT : 0);
	pfd.revents = 0;
	(void)poll(&pfd, 1, (int)ms);
}

int
redis_conn_call(redisContext *c, int argc, const char **argv,
    const size_t *lens, unsigned timeout_ms, redisReply **reply,
    char *errbuf, size_t errlen)
{
	unsigned long long deadline = redis_now_ms() + timeout_ms, now;
	void *r = NULL;
	int done;

	*reply = NULL;
	if (redisAppendCommandArgv(c, argc, argv, lens) != REDIS_OK) {
		snprintf(errbuf, errlen, "%s", c->errstr);
		return -1;
	}
	for (;;) {
		if (redis_conn_io(c, &done) != 0 ||
		    redisGetReplyFromReader(c, &r) != REDIS_OK) {
			snprintf(errbuf, errlen, "%s", c->errstr);
			return -1;
		}
		if (r != NULL) {
			*reply = r;
			return 0;
		}
		now = redis_now_ms();
		if (now >= deadline) {
			snprintf(errbuf, errlen, "no reply to %s within %u ms",
			    argv[0], timeout_ms);
			return -1;
		}
		redis_conn_wait(c, !done, (unsigned)(deadline - now));
	}
}

/* Waits for a non-blocking connect to finish; 0 or -1 with errbuf. */
static int
wait_connected(redisContext *c, unsigned long long deadline, char *errbuf,
    size_t errlen)
{
	unsigned long long now = redis_now_ms();
	struct pollfd pfd;
	socklen_t sl = sizeof(int);
	int err = 0, r;

	pfd.fd = c->fd;
	pfd.events = POLLOUT;
	pfd.revents = 0;
	r = poll(&pfd, 1, now >= deadline ? 0 : (int)(deadline - now));
	if (r <= 0) {
		snprintf(errbuf, errlen, "connect timed out");
		return -1;
	}
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
		err = errno;
	if (err != 0) {
		snprintf(errbuf, errlen, "%s", strerror(err));
		return -1;
	}
	return 0;
}

static redisContext *
connect_tcp(const struct redis_target *t, unsigned long long deadline,
    char *errbuf, size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	char portstr[8], addr[INET6_ADDRSTRLEN];
	redisContext *c = NULL;
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%d", t->port);
	r = getaddrinfo(t->host, portstr, &hints, &res);
	if (r != 0) {
		snprintf(errbuf, errlen, "cannot resolve: %s", gai_strerror(r));
		return NULL;
	}
	snprintf(errbuf, errlen, "no address");
	/* hiredis tries only one address when non-blocking: walk them here. */
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		const void *a = ai->ai_family == AF_INET6 ?
		    (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr :
		    (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;

		if (inet_ntop(ai->ai_family, a, addr, sizeof(addr)) == NULL)
			continue;
		c = redisConnectNonBlock(addr, t->port);
		if (c == NULL) {
			snprintf(errbuf, errlen, "out of memory");
			break;
		}
		if (c->err == 0 && wait_connected(c, deadline, errbuf,
		    errlen) == 0)
			break;
		if (c->err != 0)
			snprintf(errbuf, errlen, "%s", c->errstr);
		redisFree(c);
		c = NULL;
		if (redis_now_ms() >= deadline)
			break;
	}
	freeaddrinfo(res);
	return c;
}

redisContext *
redis_conn_open(const struct redis_target *t, unsigned connect_ms,
    unsigned command_ms, enum redis_conn_fail *why, char *errbuf,
    size_t errlen)
{
	unsigned long long deadline = redis_now_ms() + connect_ms;
	char name[300], err[200], dbstr[16];
	const char *argv[3];
	size_t lens[3];
	redisContext *c;
	redisReply *r;
	int argc = 0;

	redis_target_name(t, name, sizeof(name));
	*why = REDIS_CONN_UNREACHABLE;
	if (t->is_unix) {
		c = redisConnectUnixNonBlock(t->path);
		if (c == NULL)
			snprintf(err, sizeof(err), "out of memory");
		else if (c->err != 0 || wait_connected(c, deadline, err,
		    sizeof(err)) != 0) {
			if (c->err != 0)
				snprintf(err, sizeof(err), "%s", c->errstr);
			redisFree(c);
			c = NULL;
		}
	} else
		c = connect_tcp(t, deadline, err, sizeof(err));
	if (c == NULL) {
		snprintf(errbuf, errlen, "cannot connect to %s: %s", name, err);
		return NULL;
	}
	if (t->password[0] != '\0') {
		argv[argc] = "AUTH";
		lens[argc++] = 4;
		if (t->user[0] != '\0') {
			argv[argc] = t->user;
			lens[argc] = strlen(t->user);
			argc++;
		}
		argv[argc] = t->password;
		lens[argc] = strlen(t->password);
		argc++;
		if (redis_conn_call(c, argc, argv, lens, command_ms, &r, err,
		    sizeof(err)) != 0) {
			snprintf(errbuf, errlen, "%s: %s", name, err);
			goto fail;
		}
		if (r->type == REDIS_REPLY_ERROR) {
			*why = REDIS_CONN_AUTH;
			snprintf(errbuf, errlen, "AUTH%s%s failed at %s: %.120s; "
			    "check the password (file) and the ACL user",
			    t->user[0] ? " as " : "", t->user, name, r->str);
			freeReplyObject(r);
			goto fail;
		}
		freeReplyObject(r);
	} else {
		/*
		 * No password: ask now whether the server wants one, so that
		 * requirepass is one clear line, not a refused XADD and a
		 * reconnect per retry.
		 */
		argv[0] = "PING";
		lens[0] = 4;
		if (redis_conn_call(c, 1, argv, lens, command_ms, &r, err,
		    sizeof(err)) != 0) {
			snprintf(errbuf, errlen, "%s: %s", name, err);
			goto fail;
		}
		if (r->type == REDIS_REPLY_ERROR &&
		    strncmp(r->str, "NOAUTH", 6) == 0) {
			*why = REDIS_CONN_AUTH;
			snprintf(errbuf, errlen, "%s requires a password and none "
			    "is configured (put it in redis_password_file, or in "
			    "redis_url as redis://:PASSWORD@host:port)", name);
			freeReplyObject(r);
			goto fail;
		}
		freeReplyObject(r);
	}
	if (t->db != 0) {
		snprintf(dbstr, sizeof(dbstr), "%d", t->db);
		argv[0] = "SELECT";
		lens[0] = 6;
		argv[1] = dbstr;
		lens[1] = strlen(dbstr);
		if (redis_conn_call(c, 2, argv, lens, command_ms, &r, err,
		    sizeof(err)) != 0) {
			snprintf(errbuf, errlen, "%s: %s", name, err);
			goto fail;
		}
		if (r->type == REDIS_REPLY_ERROR) {
			*why = REDIS_CONN_REFUSED;
			snprintf(errbuf, errlen, "SELECT %d refused by %s: %.120s",
			    t->db, name, r->str);
			freeReplyObject(r);
			goto fail;
		}
		freeReplyObject(r);
	}
	*why = REDIS_CONN_OK;
	return c;
fail:
	redisFree(c);
	return NULL;
}
