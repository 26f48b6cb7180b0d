/*
 * redis_sink.c - findings to Redis with a disk spool; the delivery rules
 * are in redis_sink.h.
 *
 * Every finding is in exactly one place: live in flight (sent on the
 * connection, the only copy in memory), in the spool (pending, possibly
 * also in flight while it is replayed), published, or dropped.  Live
 * sending happens only while the spool holds nothing, so live findings are
 * always older than anything spooled after them; whenever the link gets
 * into trouble the live ones are "spilled" to the spool first, in order,
 * and from then on the spool is the queue until it is empty again.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "redis_sink.h"
#include "sentinel.h"
#include "spool.h"

#define RS_BATCH		64	/* live: flush every N findings */
#define RS_REPLAY_BATCH		256
#define RS_BACKOFF_MIN		100
#define RS_BACKOFF_MAX		30000
#define RS_SENTINEL_BACKOFF_MAX	1000	/* a failover takes seconds */
#define RS_STALL_BREAK_MIN	10000	/* give a slow server this long */
#define RS_RECONCILE_EXTRA	1000	/* other writers' entries to look past */
#define RS_FIELD_MAX		256	/* kind, severity, id, sensor */
#define RS_REC_MAX		(REDIS_SINK_MAX_ITEM + 4 * RS_FIELD_MAX + 64)
#define RS_LOG_INTERVAL		600000	/* ms before a line is shown again */
#define RS_LOG_RECENT		4	/* lines remembered for that */

enum { F_KIND, F_SEVERITY, F_ID, F_SENSOR, F_JSON, F_COUNT };

struct rs_fields {
	const char	*p[F_COUNT];
	size_t		 n[F_COUNT];
};

/* One finding in flight. */
struct rs_entry {
	unsigned long long sent_ms;
	struct spool_ref ref;
	int		 in_spool;	/* else rec holds the only copy */
	int		 lost;		/* spill failed: counted as dropped */
	int		 from_replay;
	int		 failed;	/* primary reply was an error */
	unsigned	 nreplies;
	unsigned	 seen;
	char		*rec;
	size_t		 reclen;
	size_t		 reccap;
};

struct redis_sink {
	struct sink	 base;
	struct redis_target target;
	char		 name[300];
	char		 key_stream[96];
	char		 key_list[96];
	char		 key_health[96];
	char		 maxlen[24];
	char		 health_maxlen[24];
	char		 ltrim_start[24];
	unsigned	 modes;
	unsigned	 connect_ms;
	unsigned	 command_ms;
	unsigned	 stall_break_ms;
	redis_log_fn	*log;
	void		*log_arg;
	char		 lastlog[320];
	struct {
		char		   line[320];
		unsigned long long shown_ms;
	}		 recent[RS_LOG_RECENT];	/* lines shown lately */
	unsigned	 nrecent;
	unsigned long long log_held;	/* lines not shown since the last */
	int		 log_held_other; /* one of them not the last shown */
	int		 last_refused;	/* quiet "connected" until an ack */
	int		 full_logged;
	int		 degraded;	/* something went to the spool */
	uint64_t	 replayed_since;
	struct spool	*sp;
	uint64_t	 corrupt_seen;
	redisContext	*c;
	int		 stalled;
	unsigned long long next_attempt;
	unsigned long long backoff;
	unsigned long long backoff_max;
	int		 use_sentinel;
	struct sentinel_set sentinels;
	uint64_t	 rng;
	struct rs_entry	 ring[REDIS_SINK_INFLIGHT];
	size_t		 head;
	size_t		 n;
	size_t		 nlive;
	struct spool_ref uncertain[REDIS_SINK_INFLIGHT];
	char		*scratch;	/* RS_REC_MAX */
	struct sink_stats st;
};

static void rs_disconnect(struct redis_sink *s, int quiet, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static void
rs_emit(struct redis_sink *s, const char *line)
{
	if (s->log != NULL)
		s->log(s->log_arg, line);
	else
		fprintf(stderr, "edgeward: %s\n", line);
}

/*
 * Lines are rate-limited (issue 13): the same line as the last one is never
 * repeated, and a line shown in the last RS_LOG_INTERVAL ms (one of the
 * last RS_LOG_RECENT) is only counted, so a link that connects and fails
 * in turn, or fails two ways in turn, does not print a line per retry,
 * while news (spool full, a new master) still shows at once.  The next line
 * shown says how many were held back.  RS_LOG_RECOVERED (recovered) always
 * shows and forgets the recent lines.
 */
enum { RS_LOG_LINE, RS_LOG_RECOVERED };

static void
rs_logv(struct redis_sink *s, int kind, const char *fmt, va_list ap)
{
	char line[sizeof(s->lastlog)], more[64] = "";
	unsigned long long now = redis_now_ms();
	unsigned i;

	vsnprintf(line, sizeof(line), fmt, ap);
	if (strcmp(line, s->lastlog) == 0) {
		s->log_held++;
		return;
	}
	for (i = 0; kind != RS_LOG_RECOVERED && i < s->nrecent; i++)
		if (now - s->recent[i].shown_ms < RS_LOG_INTERVAL &&
		    strcmp(line, s->recent[i].line) == 0) {
			s->log_held++;
			s->log_held_other = 1;
			return;
		}
	memcpy(s->lastlog, line, sizeof(line));
	if (kind == RS_LOG_RECOVERED)
		s->nrecent = 0;
	else {
		/* Replace the oldest once full. */
		for (i = 0; s->nrecent == RS_LOG_RECENT && i + 1 < s->nrecent;
		    i++)
			s->recent[i] = s->recent[i + 1];
		if (s->nrecent < RS_LOG_RECENT)
			s->nrecent++;
		memcpy(s->recent[s->nrecent - 1].line, line, sizeof(line));
		s->recent[s->nrecent - 1].shown_ms = now;
	}
	if (s->log_held > 0 && s->log_held_other) {
		snprintf(more, sizeof(more), " (%llu more lines held back "
		    "before it)", s->log_held);
		snprintf(line + strnlen(line, sizeof(line) - sizeof(more)),
		    sizeof(more), "%s", more);
	}
	s->log_held = 0;
	s->log_held_other = 0;
	rs_emit(s, line);
}

/* At the end: how many lines were held back since the last one shown. */
static void
rs_log_held(struct redis_sink *s)
{
	char line[sizeof(s->name) + 96];

	if (s->log_held > 0 && s->log_held_other) {
		snprintf(line, sizeof(line), "redis %s: %llu more lines were "
		    "held back (a line is repeated every %d s at most)", s->name,
		    s->log_held, RS_LOG_INTERVAL / 1000);
		rs_emit(s, line);
	}
	s->log_held = 0;
	s->log_held_other = 0;
}

static void
rs_log(struct redis_sink *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rs_logv(s, RS_LOG_LINE, fmt, ap);
	va_end(ap);
}

static void
rs_log_kind(struct redis_sink *s, int kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rs_logv(s, kind, fmt, ap);
	va_end(ap);
}

/* ---- record encoding: version byte, then 5 x (u32 LE length, bytes) ---- */

static size_t
rec_size(const struct rs_fields *f)
{
	size_t n = 1, i;

	for (i = 0; i < F_COUNT; i++)
		n += 4 + f->n[i];
	return n;
}

static void
rec_encode(const struct rs_fields *f, char *out)
{
	size_t i, o = 1;

	out[0] = 1;
	for (i = 0; i < F_COUNT; i++) {
		uint32_t n = (uint32_t)f->n[i];

		out[o++] = (char)(n & 0xff);
		out[o++] = (char)((n >> 8) & 0xff);
		out[o++] = (char)((n >> 16) & 0xff);
		out[o++] = (char)((n >> 24) & 0xff);
		memcpy(out + o, f->p[i], f->n[i]);
		o += f->n[i];
	}
}

static int
rec_decode(const char *rec, size_t len, struct rs_fields *f)
{
	const uint8_t *p = (const uint8_t *)rec;
	size_t i, o = 1;

	if (len < 1 || p[0] != 1)
		return -1;
	for (i = 0; i < F_COUNT; i++) {
		uint32_t n;

		if (len - o < 4)
			return -1;
		n = (uint32_t)p[o] | (uint32_t)p[o + 1] << 8 |
		    (uint32_t)p[o + 2] << 16 | (uint32_t)p[o + 3] << 24;
		o += 4;
		if (len - o < n)
			return -1;
		f->p[i] = rec + o;
		f->n[i] = n;
		o += n;
	}
	return o == len ? 0 : -1;
}

static int
is_health(const struct rs_fields *f)
{
	return f->n[F_KIND] == 13 && memcmp(f->p[F_KIND], "sensor_health",
	    13) == 0;
}

/* ---- commands ------------------------------------------------------------ */

static int
rs_append_xadd(struct redis_sink *s, const char *key, const char *maxlen,
    const struct rs_fields *f)
{
	static const char *const names[F_COUNT] = {
		"kind", "severity", "finding_id", "sensor", "json"
	};
	const char *argv[16];
	size_t lens[16], i;
	int argc = 0;

	argv[argc++] = "XADD";
	argv[argc++] = key;
	argv[argc++] = "MAXLEN";
	argv[argc++] = "~";
	argv[argc++] = maxlen;
	argv[argc++] = "*";
	for (i = 0; i < (size_t)argc; i++)
		lens[i] = strlen(argv[i]);
	for (i = 0; i < F_COUNT; i++) {
		argv[argc] = names[i];
		lens[argc++] = strlen(names[i]);
		argv[argc] = f->p[i];
		lens[argc++] = f->n[i];
	}
	return redisAppendCommandArgv(s->c, argc, argv, lens);
}

static int
rs_append2(struct redis_sink *s, const char *cmd, const char *key,
    const char *arg, size_t arglen)
{
	const char *argv[3] = { cmd, key, arg };
	size_t lens[3] = { strlen(cmd), strlen(key), arglen };

	return redisAppendCommandArgv(s->c, 3, argv, lens);
}

/*
 * Appends the commands for one finding, primary first; returns how many
 * replies to expect, or 0 if hiredis ran out of memory.
 */
static unsigned
rs_append_cmds(struct redis_sink *s, const struct rs_fields *f)
{
	const char *json = f->p[F_JSON];
	size_t jlen = f->n[F_JSON];
	unsigned n = 0;
	int r = REDIS_OK;

	if (is_health(f))
		return rs_append_xadd(s, s->key_health, s->health_maxlen, f) ==
		    REDIS_OK;
	if (s->modes & REDIS_MODE_STREAM) {
		r |= rs_append_xadd(s, s->key_stream, s->maxlen, f);
		n++;
	}
	if (s->modes & REDIS_MODE_LIST) {
		const char *argv[4] = { "LTRIM", s->key_list, s->ltrim_start,
		    "-1" };
		size_t lens[4] = { 5, strlen(s->key_list),
		    strlen(s->ltrim_start), 2 };

		r |= rs_append2(s, "RPUSH", s->key_list, json, jlen);
		r |= redisAppendCommandArgv(s->c, 4, argv, lens);
		n += 2;
	}
	if (s->modes & REDIS_MODE_CHANNEL) {
		r |= rs_append2(s, "PUBLISH", s->key_stream, json, jlen);
		n++;
	}
	return r == REDIS_OK ? n : 0;
}

/* ---- link state ---------------------------------------------------------- */

static void
rs_schedule_retry(struct redis_sink *s)
{
	unsigned long long d = s->backoff, j;

	/* xorshift64: jitter so many sensors do not reconnect in step. */
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	j = d / 2 + s->rng % (d / 2 + 1);
	s->next_attempt = redis_now_ms() + j;
	s->backoff = d * 2 > s->backoff_max ? s->backoff_max : d * 2;
}

static void
rs_sync_corrupt(struct redis_sink *s)
{
	struct spool_stats ss;

	spool_get_stats(s->sp, &ss);
	if (ss.corrupt > s->corrupt_seen) {
		s->st.dropped += ss.corrupt - s->corrupt_seen;
		rs_log(s, "redis %s: spool %llu corrupt record(s) dropped",
		    s->name, (unsigned long long)ss.corrupt);
		s->corrupt_seen = ss.corrupt;
	}
}

static int
rs_spool_rec(struct redis_sink *s, const char *rec, size_t len,
    uint8_t flags, struct spool_ref *ref)
{
	int r = spool_append(s->sp, rec, len, flags, ref);

	s->degraded = 1;
	if (r == 0) {
		s->st.spooled++;
		s->full_logged = 0;
		return 0;
	}
	s->st.dropped++;
	if (r == SPOOL_FULL) {
		if (!s->full_logged)
			rs_log(s, "redis %s: spool full, dropping findings "
			    "until Redis takes the backlog", s->name);
		s->full_logged = 1;
	} else {
		s->st.errors++;
		rs_log(s, "redis %s: spool write failed (%s), dropping "
		    "findings", s->name, strerror(errno));
	}
	return -1;
}

/*
 * Moves every live in-flight finding into the spool, oldest first.  Live
 * ones exist only while the spool was empty, so afterwards the spool holds
 * exactly what is in flight and the read cursor goes past it.
 */
static void
rs_spill_live(struct redis_sink *s)
{
	size_t i, moved = 0;

	for (i = 0; i < s->n && s->nlive > 0; i++) {
		struct rs_entry *e = &s->ring[(s->head + i) %
		    REDIS_SINK_INFLIGHT];

		if (e->in_spool || e->lost)
			continue;
		s->nlive--;
		if (rs_spool_rec(s, e->rec, e->reclen, 0, &e->ref) == 0) {
			e->in_spool = 1;
			moved++;
		} else
			e->lost = 1;
	}
	if (moved > 0)
		spool_seek_end(s->sp);
}

static void
rs_disconnect(struct redis_sink *s, int quiet, const char *fmt, ...)
{
	char msg[sizeof(s->lastlog)];
	va_list ap;
	size_t i;

	/* Format first: the arguments may point into the context. */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rs_spill_live(s);
	/* Redis may have run these before the link broke: check later. */
	for (i = 0; i < s->n; i++) {
		struct rs_entry *e = &s->ring[(s->head + i) %
		    REDIS_SINK_INFLIGHT];

		if (e->in_spool)
			spool_set_flags(s->sp, &e->ref, SPOOL_F_UNCERTAIN);
	}
	s->n = 0;
	s->head = 0;
	s->nlive = 0;
	redisFree(s->c);
	s->c = NULL;
	s->stalled = 0;
	s->degraded = 1;
	rs_schedule_retry(s);
	if (!quiet)
		rs_log(s, "%s", msg);
}

static void
rs_lost(struct redis_sink *s, const char *why)
{
	s->st.errors++;
	rs_disconnect(s, 0, "redis %s: connection lost (%s); spooling",
	    s->name, why);
}

/* A reply settled the oldest entry. */
static void
rs_finish(struct redis_sink *s, struct rs_entry *e)
{
	if (e->failed) {
		s->st.errors++;
		if (!e->in_spool && !e->lost)
			rs_spill_live(s);	/* keeps it, pending */
	} else {
		if (e->in_spool)
			spool_ack(s->sp, &e->ref);
		else if (e->lost)
			s->st.dropped--;	/* it got there after all */
		else
			s->nlive--;
		s->st.published++;
		if (e->from_replay) {
			s->st.replayed++;
			s->replayed_since++;
		}
		s->backoff = RS_BACKOFF_MIN;
	}
	s->head = (s->head + 1) % REDIS_SINK_INFLIGHT;
	s->n--;
}

/* Takes every complete reply that has arrived; -1 if the link was dropped. */
static int
rs_replies(struct redis_sink *s)
{
	char refusal[200] = "";
	redisReply *r;
	void *vr;

	for (;;) {
		struct rs_entry *e;

		if (redisGetReplyFromReader(s->c, &vr) != REDIS_OK) {
			rs_lost(s, s->c->errstr);
			return -1;
		}
		if (vr == NULL)
			break;
		r = vr;
		if (s->n == 0) {
			freeReplyObject(r);
			rs_lost(s, "reply without a request");
			return -1;
		}
		e = &s->ring[s->head];
		if (r->type == REDIS_REPLY_ERROR) {
			if (e->seen == 0) {
				e->failed = 1;
				if (refusal[0] == '\0')
					snprintf(refusal, sizeof(refusal),
					    "%.160s", r->str);
			} else {
				s->st.errors++;
				rs_log(s, "redis %s: secondary command "
				    "refused: %.160s", s->name, r->str);
			}
		}
		freeReplyObject(r);
		if (++e->seen == e->nreplies)
			rs_finish(s, e);
	}
	if (refusal[0] != '\0') {
		/* AUTH, NOPERM, OOM, WRONGTYPE...: back off and retry later. */
		s->last_refused = 1;
		rs_disconnect(s, 0, "redis %s: %s refused (%s); spooling, "
		    "retrying with backoff", s->name,
		    (s->modes & REDIS_MODE_STREAM) ? "XADD" :
		    (s->modes & REDIS_MODE_LIST) ? "RPUSH" : "PUBLISH", refusal);
		return -1;
	}
	return 0;
}

/* Writes, reads and settles until nothing is in flight or the deadline. */
static int
rs_pump(struct redis_sink *s, unsigned long long deadline)
{
	unsigned long long now;
	int done;

	for (;;) {
		if (redis_conn_io(s->c, &done) != 0) {
			rs_lost(s, s->c->errstr);
			return -1;
		}
		if (rs_replies(s) != 0)
			return -1;
		if (s->n == 0 && done)
			return 0;
		now = redis_now_ms();
		if (now >= deadline)
			return 0;
		redis_conn_wait(s->c, !done, (unsigned)(deadline - now));
	}
}

static void
rs_check_stall(struct redis_sink *s, unsigned long long now)
{
	unsigned long long age;

	if (s->c == NULL)
		return;
	if (s->n == 0) {
		s->stalled = 0;
		return;
	}
	age = now - s->ring[s->head].sent_ms;
	if (age <= s->command_ms) {
		s->stalled = 0;
		return;
	}
	if (!s->stalled) {
		s->stalled = 1;
		rs_spill_live(s);
		rs_log(s, "redis %s: no reply within %u ms; spooling",
		    s->name, s->command_ms);
	}
	if (age > s->stall_break_ms) {
		s->st.errors++;
		rs_disconnect(s, 0, "redis %s: no reply for %llu ms; "
		    "reconnecting", s->name, age);
	}
}

/* Searches a reply window for a finding's JSON line. */
static int
window_has(const redisReply *w, int stream, const struct rs_fields *f)
{
	size_t i, k;

	if (w == NULL || w->type != REDIS_REPLY_ARRAY)
		return 0;
	for (i = 0; i < w->elements; i++) {
		const redisReply *e = w->element[i], *kv;

		if (!stream) {
			if (e->type == REDIS_REPLY_STRING &&
			    (size_t)e->len == f->n[F_JSON] &&
			    memcmp(e->str, f->p[F_JSON], f->n[F_JSON]) == 0)
				return 1;
			continue;
		}
		if (e->type != REDIS_REPLY_ARRAY || e->elements != 2)
			continue;
		kv = e->element[1];
		if (kv->type != REDIS_REPLY_ARRAY)
			continue;
		for (k = 0; k + 1 < kv->elements; k += 2) {
			const redisReply *key = kv->element[k];
			const redisReply *val = kv->element[k + 1];

			if (key->len == 4 && memcmp(key->str, "json", 4) == 0 &&
			    (size_t)val->len == f->n[F_JSON] &&
			    memcmp(val->str, f->p[F_JSON], f->n[F_JSON]) == 0)
				return 1;
		}
	}
	return 0;
}

/*
 * Fetches the newest count entries of a stream or list into *out (NULL if
 * Redis refused); -1 if the link broke.
 */
static int
rs_window(struct redis_sink *s, const char *key, int stream, size_t count,
    redisReply **out)
{
	char num[24], err[200];
	const char *argv[6];
	size_t lens[6], i;
	int argc;

	if (stream) {
		snprintf(num, sizeof(num), "%zu", count);
		argv[0] = "XREVRANGE";
		argv[1] = key;
		argv[2] = "+";
		argv[3] = "-";
		argv[4] = "COUNT";
		argc = 5;
	} else {
		snprintf(num, sizeof(num), "-%zu", count);
		argv[0] = "LRANGE";
		argv[1] = key;
		argv[2] = num;
		argv[3] = "-1";
		argc = 4;
	}
	if (stream)
		argv[argc++] = num;
	for (i = 0; i < (size_t)argc; i++)
		lens[i] = strlen(argv[i]);
	if (redis_conn_call(s->c, argc, argv, lens, s->command_ms, out, err,
	    sizeof(err)) != 0) {
		rs_lost(s, err);
		return -1;
	}
	if ((*out)->type == REDIS_REPLY_ERROR) {
		rs_log(s, "redis %s: cannot check for findings delivered before "
		    "the link broke (%.120s); they are sent again", s->name,
		    (*out)->str);
		freeReplyObject(*out);
		*out = NULL;
	}
	return 0;
}

/*
 * After a reconnect: findings that were in flight when the link broke may
 * have been stored.  Redis runs a connection's commands in order, so they
 * are among the newest entries of the primary key (plus whatever other
 * writers added since): acknowledge those found there, clear the mark on
 * the rest so they are replayed.  -1 if the link broke meanwhile.
 */
static int
rs_reconcile(struct redis_sink *s)
{
	redisReply *win = NULL, *hwin = NULL;
	size_t nu = 0, scanned = 0, found = 0, i, len;
	int stream = (s->modes & REDIS_MODE_STREAM) != 0, r;
	struct spool_ref ref;
	struct rs_fields f;
	uint8_t fl;

	spool_rewind(s->sp);
	while (nu < REDIS_SINK_INFLIGHT && scanned < 2 * REDIS_SINK_INFLIGHT) {
		r = spool_next(s->sp, s->scratch, RS_REC_MAX, &len, &fl, &ref);
		if (r == SPOOL_CORRUPT)
			continue;
		if (r != 1)
			break;
		scanned++;
		if (fl & SPOOL_F_UNCERTAIN)
			s->uncertain[nu++] = ref;
	}
	rs_sync_corrupt(s);
	if (nu == 0)
		return 0;
	if (s->modes & (REDIS_MODE_STREAM | REDIS_MODE_LIST)) {
		if (rs_window(s, stream ? s->key_stream : s->key_list, stream,
		    nu + RS_RECONCILE_EXTRA, &win) != 0)
			return -1;
		if (rs_window(s, s->key_health, 1, nu + RS_RECONCILE_EXTRA,
		    &hwin) != 0) {
			if (win != NULL)
				freeReplyObject(win);
			return -1;
		}
	}
	for (i = 0; i < nu; i++) {
		if (spool_read(s->sp, &s->uncertain[i], s->scratch, RS_REC_MAX,
		    &len, &fl) != 1 || rec_decode(s->scratch, len, &f) != 0)
			continue;
		if (is_health(&f) ? window_has(hwin, 1, &f) :
		    window_has(win, stream, &f)) {
			spool_ack(s->sp, &s->uncertain[i]);
			s->st.published++;
			found++;
		} else
			spool_set_flags(s->sp, &s->uncertain[i], 0);
	}
	if (win != NULL)
		freeReplyObject(win);
	if (hwin != NULL)
		freeReplyObject(hwin);
	if (found > 0)
		rs_log(s, "redis %s: %zu of %zu findings in flight when the "
		    "link broke were already stored; not sent again", s->name,
		    found, nu);
	return 0;
}

/*
 * Sentinel: the master's address, asked before every connect.  0, or -1
 * (logged, retry scheduled) when no sentinel answered.
 */
static int
rs_find_master(struct redis_sink *s)
{
	char host[256], err[1024], old[300];
	int port;

	if (sentinel_master(&s->sentinels, s->connect_ms, s->command_ms, host,
	    sizeof(host), &port, err, sizeof(err)) < 0) {
		s->st.errors++;
		s->degraded = 1;
		rs_schedule_retry(s);
		rs_log(s, "redis: no sentinel named the master '%s' (%.600s); "
		    "spooling, retrying with backoff", s->sentinels.master, err);
		return -1;
	}
	if (strcmp(host, s->target.host) == 0 && port == s->target.port)
		return 0;
	snprintf(old, sizeof(old), "%s", s->target.host[0] != '\0' ?
	    s->name : "");
	snprintf(s->target.host, sizeof(s->target.host), "%s", host);
	s->target.port = port;
	redis_target_name(&s->target, s->name, sizeof(s->name));
	rs_log(s, "redis: the sentinels name %s master '%s'%s%s", s->name,
	    s->sentinels.master, old[0] != '\0' ? ", was " : "", old);
	return 0;
}

static void
rs_connect(struct redis_sink *s)
{
	enum redis_conn_fail why;
	char err[300];

	if (s->use_sentinel && rs_find_master(s) < 0)
		return;
	s->c = redis_conn_open(&s->target, s->connect_ms, s->command_ms, &why,
	    err, sizeof(err));
	if (s->c == NULL) {
		s->st.errors++;
		s->degraded = 1;
		if (why == REDIS_CONN_AUTH || why == REDIS_CONN_REFUSED)
			s->last_refused = 1;
		rs_schedule_retry(s);
		rs_log(s, "redis: %s; spooling, retrying with backoff", err);
		return;
	}
	/* A demoted master still answers, as a replica: write only to one
	 * that says it is the master. */
	if (s->use_sentinel && sentinel_is_master(s->c, s->command_ms, err,
	    sizeof(err)) != 1) {
		redisFree(s->c);
		s->c = NULL;
		s->st.errors++;
		s->degraded = 1;
		rs_schedule_retry(s);
		rs_log(s, "redis %s: not the master (%s); asking the sentinels "
		    "again", s->name, err);
		return;
	}
	s->stalled = 0;
	if (rs_reconcile(s) != 0)
		return;
	spool_rewind(s->sp);
	if (!s->last_refused)
		rs_log(s, "redis %s: connected%s", s->name,
		    spool_pending(s->sp) ? ", replaying the spool" : "");
}

static void
rs_check_recovered(struct redis_sink *s)
{
	if (s->c == NULL || !s->degraded || s->n != 0 ||
	    spool_pending(s->sp) != 0)
		return;
	s->degraded = 0;
	s->last_refused = 0;
	rs_log_kind(s, RS_LOG_RECOVERED, "redis %s: recovered, %llu replayed",
	    s->name,
	    (unsigned long long)s->replayed_since);
	s->replayed_since = 0;
}

/* ---- sink operations ----------------------------------------------------- */

static void
item_fields(const struct sink_item *it, struct rs_fields *f)
{
	const char *s[F_COUNT - 1] = { it->kind, it->severity,
	    it->finding_id, it->sensor };
	size_t i;

	for (i = 0; i < F_COUNT - 1; i++) {
		f->p[i] = s[i] ? s[i] : "";
		f->n[i] = strnlen(f->p[i], RS_FIELD_MAX + 1);
	}
	f->p[F_JSON] = it->json ? it->json : "";
	f->n[F_JSON] = it->json ? it->len : 0;
}

static int
rs_send_live(struct redis_sink *s, const struct rs_fields *f, size_t len)
{
	struct rs_entry *e = &s->ring[(s->head + s->n) % REDIS_SINK_INFLIGHT];
	unsigned long long now;

	if (e->reccap < len) {
		char *p = realloc(e->rec, len);

		if (p == NULL)
			return -1;
		e->rec = p;
		e->reccap = len;
	}
	rec_encode(f, e->rec);
	e->reclen = len;
	e->nreplies = rs_append_cmds(s, f);
	if (e->nreplies == 0) {
		rs_lost(s, "out of memory");
		return -1;
	}
	now = redis_now_ms();
	e->sent_ms = now;
	e->in_spool = e->lost = e->from_replay = e->failed = 0;
	e->seen = 0;
	s->n++;
	s->nlive++;
	if (s->n % RS_BATCH == 0 && rs_pump(s, now) != 0)
		return 0;
	if (s->n == REDIS_SINK_INFLIGHT && rs_pump(s, now + s->command_ms) == 0)
		rs_check_stall(s, redis_now_ms());
	return 0;
}

static int
rs_write(struct sink *base, const struct sink_item *it)
{
	struct redis_sink *s = (struct redis_sink *)base;
	struct rs_fields f;
	size_t len;

	s->st.produced++;
	item_fields(it, &f);
	if (f.n[F_JSON] > REDIS_SINK_MAX_ITEM || f.n[F_KIND] > RS_FIELD_MAX ||
	    f.n[F_SEVERITY] > RS_FIELD_MAX || f.n[F_ID] > RS_FIELD_MAX ||
	    f.n[F_SENSOR] > RS_FIELD_MAX) {
		s->st.dropped++;
		s->st.errors++;
		rs_log(s, "redis %s: a finding over %d bytes was dropped",
		    s->name, REDIS_SINK_MAX_ITEM);
		return -1;
	}
	len = rec_size(&f);
	if (s->c != NULL && !s->stalled && spool_pending(s->sp) == 0 &&
	    s->n < REDIS_SINK_INFLIGHT && rs_send_live(s, &f, len) == 0)
		return 0;
	/* Live ones are older than this one: they go to the spool first. */
	if (s->nlive > 0)
		rs_spill_live(s);
	rec_encode(&f, s->scratch);
	return rs_spool_rec(s, s->scratch, len, 0, NULL);
}

/* Sends one batch from the spool cursor; returns how many were sent. */
static size_t
rs_replay_batch(struct redis_sink *s, unsigned long long now)
{
	struct rs_fields f;
	struct spool_ref ref;
	size_t sent = 0, len;
	uint8_t fl;
	int r;

	while (s->n < REDIS_SINK_INFLIGHT && sent < RS_REPLAY_BATCH) {
		struct rs_entry *e;

		r = spool_next(s->sp, s->scratch, RS_REC_MAX, &len, &fl, &ref);
		if (r == SPOOL_CORRUPT)
			continue;
		if (r == 0)
			break;
		if (r < 0) {
			s->st.errors++;
			rs_log(s, "redis %s: cannot read the spool (%s)",
			    s->name, strerror(errno));
			break;
		}
		if (rec_decode(s->scratch, len, &f) != 0) {
			spool_ack(s->sp, &ref);
			s->st.dropped++;
			continue;
		}
		e = &s->ring[(s->head + s->n) % REDIS_SINK_INFLIGHT];
		e->nreplies = rs_append_cmds(s, &f);
		if (e->nreplies == 0) {
			rs_lost(s, "out of memory");
			break;
		}
		e->sent_ms = now;
		e->ref = ref;
		e->in_spool = e->from_replay = 1;
		e->lost = e->failed = 0;
		e->seen = 0;
		s->n++;
		sent++;
	}
	rs_sync_corrupt(s);
	return sent;
}

static void
rs_poll(struct sink *base, uint64_t now_ms)
{
	struct redis_sink *s = (struct redis_sink *)base;
	unsigned long long now = redis_now_ms(), deadline;

	(void)now_ms;	/* our deadlines use our own monotonic clock */
	if (s->c == NULL) {
		if (now < s->next_attempt)
			return;
		rs_connect(s);
		if (s->c == NULL)
			return;
		now = redis_now_ms();
	}
	deadline = now + s->command_ms;
	if (rs_pump(s, now) != 0)
		return;
	rs_check_stall(s, now);
	while (s->c != NULL && !s->stalled && spool_pending(s->sp) > 0) {
		if (rs_replay_batch(s, now) == 0 || s->c == NULL)
			break;
		if (rs_pump(s, deadline) != 0)
			return;
		now = redis_now_ms();
		rs_check_stall(s, now);
		if (now >= deadline)
			break;
	}
	rs_check_recovered(s);
}

static void
rs_stats(struct sink *base, struct sink_stats *out)
{
	struct redis_sink *s = (struct redis_sink *)base;

	*out = s->st;
	out->spool_pending = spool_pending(s->sp);
	out->inflight = s->nlive;
	out->connected = s->c != NULL;
}

static void
rs_free(struct redis_sink *s)
{
	size_t i;

	for (i = 0; i < REDIS_SINK_INFLIGHT; i++)
		free(s->ring[i].rec);
	spool_close(s->sp);
	free(s->scratch);
	explicit_bzero(&s->target, sizeof(s->target));
	explicit_bzero(&s->sentinels, sizeof(s->sentinels));
	free(s);
}

/*
 * End of the run (sink_ops.drain): a link waiting in its backoff is tried
 * once at once, and the spool replayed while it holds, for budget_ms; a
 * failed try ends it (the spool waits for the next run, as before).  Then
 * the count of lines held back, if any.
 */
static void
rs_drain(struct sink *base, unsigned budget_ms)
{
	struct redis_sink *s = (struct redis_sink *)base;
	struct timespec pause = { 0, 5 * 1000 * 1000 };
	unsigned long long end = redis_now_ms() + budget_ms;

	if (spool_pending(s->sp) > 0 || s->n > 0) {
		if (s->c == NULL)
			s->next_attempt = 0;
		while (redis_now_ms() < end) {
			rs_poll(base, 0);
			if (s->c == NULL ||
			    (spool_pending(s->sp) == 0 && s->n == 0))
				break;
			nanosleep(&pause, NULL);
		}
	}
	rs_log_held(s);		/* before the summary */
}

static void
rs_close(struct sink *base)
{
	struct redis_sink *s = (struct redis_sink *)base;

	if (s->c != NULL && rs_pump(s, redis_now_ms() + s->command_ms) == 0)
		rs_disconnect(s, 1, "closed");
	rs_log_held(s);
	rs_free(s);
}

static const struct sink_ops redis_sink_ops = {
	.name = "redis",
	.write = rs_write,
	.poll = rs_poll,
	.close = rs_close,
	.stats = rs_stats,
	.drain = rs_drain,
};

static int
prefix_ok(const char *p)
{
	size_t n = strlen(p), i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] <= ' ' || (unsigned char)p[i] >= 0x7f)
			return 0;
	return 1;
}

struct sink *
redis_sink_open(const struct redis_opts *o, char *errbuf, size_t errlen)
{
	struct redis_sink *s;
	struct spool_stats ss;
	const char *prefix = o->prefix ? o->prefix : "edgeward";
	uint64_t maxlen = o->maxlen ? o->maxlen : 100000;

	if (o->modes & ~(unsigned)(REDIS_MODE_STREAM | REDIS_MODE_LIST |
	    REDIS_MODE_CHANNEL)) {
		snprintf(errbuf, errlen, "redis sink: unknown mode bits");
		return NULL;
	}
	if (!prefix_ok(prefix)) {
		snprintf(errbuf, errlen, "redis sink: key prefix must be 1 to "
		    "64 printable characters without spaces");
		return NULL;
	}
	if (o->spool_dir == NULL || o->spool_dir[0] == '\0') {
		snprintf(errbuf, errlen, "redis sink: a spool directory is "
		    "required so findings survive Redis outages");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL || (s->scratch = malloc(RS_REC_MAX)) == NULL) {
		free(s);
		snprintf(errbuf, errlen, "redis sink: out of memory");
		return NULL;
	}
	s->base.ops = &redis_sink_ops;
	s->backoff_max = RS_BACKOFF_MAX;
	if (o->sentinels != NULL && o->sentinels[0] != '\0') {
		/* The URL, optional, gives user, password and database. */
		s->use_sentinel = 1;
		s->backoff_max = RS_SENTINEL_BACKOFF_MAX;
		if (sentinel_parse(o->sentinels, o->master_name ?
		    o->master_name : "mymaster", &s->sentinels, errbuf,
		    errlen) != 0 || (o->sentinel_password_file != NULL &&
		    o->sentinel_password_file[0] != '\0' &&
		    sentinel_password_file(o->sentinel_password_file,
		    &s->sentinels, errbuf, errlen) != 0)) {
			rs_free(s);
			return NULL;
		}
	}
	if (s->use_sentinel && (o->url == NULL || o->url[0] == '\0')) {
		memset(&s->target, 0, sizeof(s->target));
		s->target.port = REDIS_DEFAULT_PORT;
	} else if (redis_url_parse(o->url, &s->target, errbuf, errlen) != 0) {
		rs_free(s);
		return NULL;
	}
	if (s->use_sentinel && s->target.is_unix) {
		snprintf(errbuf, errlen, "redis_sentinels: the master's address "
		    "comes from the sentinels; give redis_url as redis://[user:"
		    "password@]host[/db] or leave it empty");
		rs_free(s);
		return NULL;
	}
	if (s->use_sentinel)
		s->target.host[0] = '\0';	/* asked before each connect */
	if (o->password_file != NULL && redis_password_file(o->password_file,
	    &s->target, errbuf, errlen) != 0) {
		rs_free(s);
		return NULL;
	}
	if (s->use_sentinel)
		snprintf(s->name, sizeof(s->name), "master '%s'",
		    s->sentinels.master);
	else
		redis_target_name(&s->target, s->name, sizeof(s->name));
	snprintf(s->key_stream, sizeof(s->key_stream), "%s:findings", prefix);
	snprintf(s->key_list, sizeof(s->key_list), "%s:findings:list", prefix);
	snprintf(s->key_health, sizeof(s->key_health), "%s:health", prefix);
	snprintf(s->maxlen, sizeof(s->maxlen), "%llu",
	    (unsigned long long)maxlen);
	snprintf(s->ltrim_start, sizeof(s->ltrim_start), "-%llu",
	    (unsigned long long)maxlen);
	snprintf(s->health_maxlen, sizeof(s->health_maxlen), "%llu",
	    (unsigned long long)(o->health_maxlen ? o->health_maxlen : 1000));
	s->modes = o->modes ? o->modes : REDIS_MODE_STREAM;
	s->connect_ms = o->connect_timeout_ms ? o->connect_timeout_ms : 1000;
	s->command_ms = o->command_timeout_ms ? o->command_timeout_ms : 500;
	s->stall_break_ms = 10 * s->command_ms > RS_STALL_BREAK_MIN ?
	    10 * s->command_ms : RS_STALL_BREAK_MIN;
	s->log = o->log;
	s->log_arg = o->log_arg;
	s->backoff = RS_BACKOFF_MIN;
	s->rng = (redis_now_ms() << 20) ^ (uint64_t)getpid() ^
	    (uint64_t)(uintptr_t)s;
	if (s->rng == 0)
		s->rng = 1;
	s->sp = spool_open(o->spool_dir, o->spool_max_bytes ?
	    o->spool_max_bytes : 256ull * 1024 * 1024, errbuf, errlen);
	if (s->sp == NULL) {
		rs_free(s);
		return NULL;
	}
	spool_get_stats(s->sp, &ss);
	/* Damage found at open predates this run: reported, not counted. */
	s->corrupt_seen = ss.corrupt;
	if (ss.corrupt > 0)
		rs_log(s, "redis %s: spool %s: %llu corrupt record(s) or "
		    "file(s) skipped", s->name, o->spool_dir,
		    (unsigned long long)ss.corrupt);
	if (ss.recovered > 0) {
		/* Produced by an earlier run; counting them keeps the sums. */
		s->st.produced = ss.recovered;
		s->degraded = 1;
		rs_log(s, "redis %s: %llu findings spooled by an earlier run "
		    "will be replayed first", s->name,
		    (unsigned long long)ss.recovered);
	}
	rs_connect(s);
	return &s->base;
}
