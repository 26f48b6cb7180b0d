/*
 * redis_sink.h - the Redis sink: findings to a stream (XADD ... MAXLEN ~),
 * a capped list and/or a channel, with an on-disk spool so nothing is lost
 * while Redis is down, slow or refusing.
 *
 * Per finding (key prefix P, default "edgeward"):
 *   STREAM  XADD P:findings MAXLEN ~ <maxlen> * kind K severity S
 *           sensor N finding_id ID json LINE
 *   LIST    RPUSH P:findings:list LINE, then LTRIM to the newest <maxlen>
 *   CHANNEL PUBLISH P:findings LINE
 * sensor_health items go only to the stream P:health (MAXLEN ~ health_maxlen).
 *
 * Delivery: the first of STREAM, LIST, CHANNEL that is enabled is the
 * primary; a finding counts as published when Redis acknowledged its
 * primary command.  Commands are pipelined on one connection.  While the
 * link is down, slow (no reply within command_timeout_ms) or refusing
 * (AUTH, NOPERM, OOM, WRONGTYPE ...), findings go to the spool, and new
 * ones follow them there so order is kept; poll() reconnects with
 * exponential backoff and jitter (100 ms doubling to 30 s) and replays the
 * spool, oldest first.  Commands that were in flight when a link broke are
 * checked against the newest entries of the primary stream or list after
 * reconnecting, so a finding is not delivered twice (a channel-only sink
 * cannot check: at-least-once there).  A spool left by a previous run is
 * replayed first and its records count as produced.
 *
 * Bounds: write() never waits longer than command_timeout_ms; poll() not
 * longer than command_timeout_ms, or when it reconnects connect_timeout_ms
 * plus five command_timeout_ms (AUTH, SELECT, two reads to find findings
 * already stored, one replay round).  poll()'s now_ms is not used: the
 * sink keeps its own monotonic clock.  At most
 * REDIS_SINK_INFLIGHT findings are in flight; a finding longer than
 * REDIS_SINK_MAX_ITEM bytes is dropped and counted.
 *
 * Sentinel (sentinels set): the master's address comes from the sentinels
 * (sentinel.h) at open and before every reconnect, and ROLE must say
 * "master" before anything is written; the URL, if any, gives only the
 * user, password and database.  A failover is then a disconnect like any
 * other: findings go to the spool, the in-flight ones are checked against
 * the new master's stream, and the spool is replayed there.  The backoff
 * between attempts is capped at RS_SENTINEL_BACKOFF_MAX, as a failover
 * takes seconds.  A write the old master acknowledged but had not yet
 * replicated when it died is lost with it (edgeward(8), REDIS SENTINEL).
 */
#ifndef EDGEWARD_REDIS_SINK_H
#define EDGEWARD_REDIS_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "redis_conn.h"
#include "sink.h"

#define REDIS_MODE_STREAM	0x1
#define REDIS_MODE_LIST		0x2
#define REDIS_MODE_CHANNEL	0x4

#define REDIS_SINK_INFLIGHT	512
#define REDIS_SINK_MAX_ITEM	(256 * 1024)

/*
 * One line per state change (connected, cannot connect, AUTH failed,
 * refused, slow, connection lost, spool full, recovered).  Never called
 * per finding and never given a password.
 */
typedef void	redis_log_fn(void *arg, const char *line);

struct redis_opts {
	const char	*url;		/* see redis_conn.h; required */
	const char	*password_file;	/* NULL: the URL's password, if any */
	const char	*prefix;	/* NULL: "edgeward" */
	unsigned	 modes;		/* REDIS_MODE_*; 0: STREAM */
	uint64_t	 maxlen;	/* 0: 100000 */
	uint64_t	 health_maxlen;	/* 0: 1000 */
	const char	*spool_dir;	/* required; created if missing */
	uint64_t	 spool_max_bytes; /* 0: 256 MiB */
	unsigned	 connect_timeout_ms; /* 0: 1000 */
	unsigned	 command_timeout_ms; /* 0: 500 */
	redis_log_fn	*log;		/* NULL: stderr */
	void		*log_arg;
	/* Redis Sentinel: "host:port,..."; NULL or "": none */
	const char	*sentinels;
	const char	*master_name;	/* NULL: "mymaster" */
	const char	*sentinel_password_file; /* NULL: no AUTH */
};

/*
 * Parses the URL, reads the password file, opens the spool and tries to
 * connect once (an unreachable Redis is not an error: findings are
 * spooled).  Returns NULL and fills errbuf on a configuration error.  The
 * caller owns the sink and frees it with s->ops->close(s).
 */
struct sink	*redis_sink_open(const struct redis_opts *o, char *errbuf,
		    size_t errlen);

#endif
