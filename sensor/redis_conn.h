/*
 * redis_conn.h - what the Redis sink and edgeward-tail share: the target
 * URL parser, the password file, a connect with deadlines (TCP or Unix
 * socket, AUTH, SELECT) and one bounded request/reply round trip.
 *
 * URL forms (https://www.iana.org/assignments/uri-schemes/prov/redis):
 *   redis://[[user]:password@]host[:port][/db]   host may be [IPv6]
 *   unix:///path/to/socket[?db=N]
 * User and password may be percent-encoded (%40 for '@').  rediss:// (TLS)
 * is refused: hiredis 0.14 is built without TLS.  No error message ever
 * contains the password.  Writes block SIGPIPE in the calling thread and
 * swallow the one a vanished peer raises, so callers need no SIGPIPE setup.
 */
#ifndef EDGEWARD_REDIS_CONN_H
#define EDGEWARD_REDIS_CONN_H

#include <stddef.h>

struct redisContext;
struct redisReply;

#define REDIS_DEFAULT_PORT	6379

struct redis_target {
	int	is_unix;
	char	host[256];		/* name or address, no brackets */
	int	port;
	char	path[108];		/* Unix socket (sun_path size) */
	char	user[128];		/* empty: the default user */
	char	password[256];		/* empty: no AUTH */
	int	db;
};

/* Fills t; returns 0, or -1 with errbuf saying what is wrong. */
int	redis_url_parse(const char *url, struct redis_target *t,
	    char *errbuf, size_t errlen);
/*
 * Reads the password from a file (first line, trailing CR/LF stripped),
 * replacing any password from the URL.  0, or -1 with errbuf.
 */
int	redis_password_file(const char *path, struct redis_target *t,
	    char *errbuf, size_t errlen);
/* "host:port", "[v6]:port" or "unix:/path", for messages. */
void	redis_target_name(const struct redis_target *t, char *buf,
	    size_t len);

enum redis_conn_fail {
	REDIS_CONN_OK = 0,
	REDIS_CONN_UNREACHABLE,		/* resolve, connect, timeout, EOF */
	REDIS_CONN_AUTH,		/* AUTH refused */
	REDIS_CONN_REFUSED		/* SELECT or another error reply */
};

/*
 * Connects (every address of a host name in turn, within connect_ms in
 * all), then AUTH and SELECT as the target says, each reply within
 * command_ms.  Returns a non-blocking context the caller owns (redisFree),
 * or NULL with *why and errbuf set.
 */
struct redisContext *redis_conn_open(const struct redis_target *t,
	    unsigned connect_ms, unsigned command_ms, enum redis_conn_fail *why,
	    char *errbuf, size_t errlen);
/*
 * Sends one command on an idle non-blocking context and waits at most
 * timeout_ms for its reply.  Returns 0 with *reply (caller frees with
 * freeReplyObject; it may be an error reply), or -1 with errbuf: the
 * context is then unusable (I/O error, closed, or timed out).
 */
int	redis_conn_call(struct redisContext *c, int argc, const char **argv,
	    const size_t *lens, unsigned timeout_ms, struct redisReply **reply,
	    char *errbuf, size_t errlen);
/* Writes what is buffered and reads what has arrived, without waiting. */
int	redis_conn_io(struct redisContext *c, int *write_done);
/* Waits for readability (and writability if want_write) up to ms. */
void	redis_conn_wait(struct redisContext *c, int want_write, unsigned ms);
/* CLOCK_MONOTONIC in milliseconds. */
unsigned long long redis_now_ms(void);

#endif
