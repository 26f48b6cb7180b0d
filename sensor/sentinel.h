/*
 * sentinel.h - finding the Redis master through Redis Sentinel, as the
 * Sentinel client guidelines describe (https://redis.io/docs/reference/
 * sentinel-clients/): ask the sentinels in turn for
 * SENTINEL get-master-addr-by-name <name>, take the first answer, move
 * the sentinel that gave it to the front of the list, and check with ROLE
 * that the address given is a master before writing to it.
 *
 * The Redis sink asks at start and after every connection failure, so a
 * failover (the master dies, a replica is promoted) costs the findings
 * made meanwhile a stay in the spool, not their loss.
 */
#ifndef EDGEWARD_SENTINEL_H
#define EDGEWARD_SENTINEL_H

#include <stddef.h>

#define SENTINEL_MAX	8

struct redisContext;

struct sentinel_set {
	struct {
		char	host[256];	/* name or address, no brackets */
		int	port;
	}		 addr[SENTINEL_MAX];
	unsigned	 n;
	char		 master[64];
	char		 password[256];	/* AUTH to each sentinel; empty: none */
};

/*
 * Parses "host:port,host:port,..." ("[v6]:port" for IPv6; the port is
 * required) and the master's name into ss.  0, or -1 with errbuf.
 */
int	sentinel_parse(const char *list, const char *master,
	    struct sentinel_set *ss, char *errbuf, size_t errlen);
/* Reads the sentinels' password from a file (first line). 0 or -1. */
int	sentinel_password_file(const char *path, struct sentinel_set *ss,
	    char *errbuf, size_t errlen);
/*
 * Asks the sentinels, in order, for the master's address; each within
 * connect_ms + 2 * command_ms.  Returns 0 with host/port set (and the
 * sentinel that answered moved first), or -1 with errbuf naming what each
 * said (never a password).
 */
int	sentinel_master(struct sentinel_set *ss, unsigned connect_ms,
	    unsigned command_ms, char *host, size_t hostlen, int *port,
	    char *errbuf, size_t errlen);
/*
 * ROLE on an open connection: 1 if the server is a master, 0 if it is not
 * (a replica, or a sentinel), -1 if the link failed (errbuf set).
 */
int	sentinel_is_master(struct redisContext *c, unsigned command_ms,
	    char *errbuf, size_t errlen);

#endif
