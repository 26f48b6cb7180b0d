/*
 * sink.h - where finished findings go.  Only the publisher thread calls a
 * sink, so sinks need no locking (hiredis contexts are not thread-safe).
 *
 * The publisher hands every finding, in final order, to every open sink with
 * write(), calls poll() at least every 100 ms (reconnects, spool replay,
 * pipelined flushes happen there) and close() once at the end (flush what can
 * be flushed, spool the rest).  write() must return within a bounded time
 * (a slow or absent backend is a reason to spool, never to block workers).
 */
#ifndef EDGEWARD_SINK_H
#define EDGEWARD_SINK_H

#include <stddef.h>
#include <stdint.h>

struct sink_item {
	const char	*json;		/* one finding, no trailing newline */
	size_t		 len;
	const char	*kind;		/* "cleartext_credential", "sensor_health" ... */
	const char	*severity;	/* "info" .. "critical" */
	const char	*finding_id;
	const char	*sensor;
};

/*
 * produced = published + spool_pending + inflight + dropped must always hold;
 * inflight is 0 once a sink has flushed (after close, or a poll that found
 * the backend idle), so then produced = published + spool_pending + dropped.
 */
struct sink_stats {
	uint64_t	produced;	/* items handed to write() */
	uint64_t	published;	/* accepted by the backend */
	uint64_t	spooled;	/* written to the spool (cumulative) */
	uint64_t	spool_pending;	/* in the spool, not yet published */
	uint64_t	inflight;	/* sent, not acknowledged, not spooled */
	uint64_t	replayed;	/* published from the spool */
	uint64_t	dropped;	/* lost (spool full), counted */
	uint64_t	errors;		/* backend errors seen */
	int		connected;	/* backend reachable right now */
};

struct sink;

#define SINK_DRAIN_MS	2000	/* the end-of-run try (drain) */

struct sink_ops {
	const char	*name;
	int		(*write)(struct sink *s, const struct sink_item *it);
	void		(*poll)(struct sink *s, uint64_t now_ms);
	void		(*close)(struct sink *s);	/* frees s */
	void		(*stats)(struct sink *s, struct sink_stats *out);
	/*
	 * Optional, at the end of the run before the summary: one more try
	 * to deliver what waits (a link in its retry backoff is tried once
	 * at once), for at most budget_ms plus a connection timeout.
	 */
	void		(*drain)(struct sink *s, unsigned budget_ms);
};

struct sink {
	const struct sink_ops	*ops;
};

#endif
