/*
 * output.c - the publisher thread and the JSON-lines file sink; see output.h.
 *
 * Every merged record goes through the correlators (correlator.h), which
 * publish it or fold it (a de-duplication count), and may add findings of
 * their own; sensor_health bypasses them (its time is the wall clock,
 * theirs is packet time).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "codec.h"
#include "crypto.h"
#include "finding.h"
#include "geoip.h"
#include "output.h"
#include "ring.h"
#include "sensor.h"
#include "stats.h"
#include "worker.h"

/* ---- JSON lines file sink ------------------------------------------------ */

/*
 * Lines are gathered in our own buffer and written with write(2), so a
 * failed or short write is seen with the exact bytes that reached the
 * file: the lines wholly written count as published, the rest as lost
 * (st.dropped, the summary's output_lost), and a line cut in the middle
 * is cut off again (ftruncate) where the file is a regular file, so the
 * next write after the disk has room again starts on a line of its own.
 * The first failure is said once on stderr; the run then exits 1
 * (file_sink_lost).
 */
#define FILE_SINK_BUF	(1 << 16)

struct file_sink {
	struct sink		 base;
	int			 fd;
	int			 own;		/* not stdout: ours to close */
	int			 regular;	/* can be cut back (ftruncate) */
	int			 line_buffered;
	int			 said;		/* the failure was reported */
	char			 path[256];
	char			*buf;
	size_t			 used;
	uint64_t		 lines;		/* in buf */
	struct sink_stats	 st;
};

static void
file_fail(struct file_sink *fs, int err, uint64_t lost)
{
	fs->st.errors++;
	fs->st.dropped += lost;
	if (fs->said)
		return;
	fs->said = 1;
	fprintf(stderr, "edgeward: cannot write findings to %s: %s; the "
	    "findings not written are counted (output_lost) and the run will "
	    "exit 1\n", fs->own ? fs->path : "standard output",
	    strerror(err));
}

/* Writes the buffer out; counts what reached the file and what did not. */
static int
file_flush(struct file_sink *fs)
{
	size_t done = 0, whole, i;
	uint64_t nl = 0;
	off_t start = -1;
	ssize_t n;
	int err = 0;

	if (fs->used == 0)
		return 0;
	if (fs->regular)
		start = lseek(fs->fd, 0, SEEK_END);
	while (done < fs->used) {
		n = write(fs->fd, fs->buf + done, fs->used - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : ENOSPC;
			break;
		}
		done += (size_t)n;
	}
	if (done == fs->used) {
		fs->st.published += fs->lines;
		fs->used = 0;
		fs->lines = 0;
		return 0;
	}
	/* Lines written in full; a cut one is cut off the file again. */
	for (i = 0, whole = 0; i < done; i++)
		if (fs->buf[i] == '\n') {
			nl++;
			whole = i + 1;
		}
	if (whole < done && start >= 0 &&
	    ftruncate(fs->fd, start + (off_t)whole) != 0)
		fs->st.errors++;
	fs->st.published += nl;
	file_fail(fs, err, fs->lines - nl);
	fs->used = 0;
	fs->lines = 0;
	return -1;
}

static int
file_write(struct sink *s, const struct sink_item *it)
{
	struct file_sink *fs = (struct file_sink *)s;

	fs->st.produced++;
	if (fs->used + it->len + 1 > FILE_SINK_BUF)
		(void)file_flush(fs);	/* what it lost, it counted */
	if (it->len + 1 > FILE_SINK_BUF) {
		file_fail(fs, EMSGSIZE, 1);
		return -1;
	}
	memcpy(fs->buf + fs->used, it->json, it->len);
	fs->used += it->len;
	fs->buf[fs->used++] = '\n';
	fs->lines++;
	return 0;
}

static void
file_poll(struct sink *s, uint64_t now_ms)
{
	struct file_sink *fs = (struct file_sink *)s;

	(void)now_ms;
	if (fs->line_buffered)
		(void)file_flush(fs);
}

uint64_t
file_sink_flush(struct sink *s)
{
	struct file_sink *fs = (struct file_sink *)s;

	(void)file_flush(fs);
	return fs->st.dropped;
}

static void
file_close(struct sink *s)
{
	struct file_sink *fs = (struct file_sink *)s;

	(void)file_flush(fs);
	if (fs->own)
		close(fs->fd);
	free(fs->buf);
	free(fs);
}

static void
file_stats(struct sink *s, struct sink_stats *out)
{
	*out = ((struct file_sink *)s)->st;
}

static const struct sink_ops file_sink_ops = {
	.name = "file",
	.write = file_write,
	.poll = file_poll,
	.close = file_close,
	.stats = file_stats,
};

/*
 * Opens for appending; a file made here gets mode (0640, 0600 when it
 * will hold secrets), never the umask's 0644.  -1 with errno.
 */
static int
file_open_append(const char *path, mode_t mode)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
	    mode);
}

static int
fd_regular(int fd)
{
	struct stat sb;

	return fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
}

struct sink *
file_sink_open(const char *path, int line_buffered, int secrets,
    char *errbuf, size_t errlen)
{
	struct file_sink *fs;

	if ((fs = calloc(1, sizeof(*fs))) == NULL ||
	    (fs->buf = malloc(FILE_SINK_BUF)) == NULL) {
		free(fs);
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	fs->base.ops = &file_sink_ops;
	fs->line_buffered = line_buffered;
	if (strcmp(path, "-") == 0) {
		fs->fd = STDOUT_FILENO;
	} else {
		if ((fs->fd = file_open_append(path, secrets ? 0600 : 0640))
		    < 0) {
			snprintf(errbuf, errlen, "cannot open output file %s: %s "
			    "(check the directory exists and is writable)", path,
			    strerror(errno));
			free(fs->buf);
			free(fs);
			return NULL;
		}
		fs->own = 1;
		snprintf(fs->path, sizeof(fs->path), "%s", path);
	}
	fs->regular = fd_regular(fs->fd);
	return &fs->base;
}

int
file_sink_reopen(struct sink *s, const char *path, int secrets,
    char *errbuf, size_t errlen)
{
	struct file_sink *fs = (struct file_sink *)s;
	struct stat now, cur;
	int fd;

	if (!fs->own)
		return 0;
	/* Same path, same file still there: nothing was rotated. */
	if (strcmp(path, fs->path) == 0 && stat(path, &now) == 0 &&
	    fstat(fs->fd, &cur) == 0 && now.st_dev == cur.st_dev &&
	    now.st_ino == cur.st_ino)
		return 0;
	/*
	 * Without blocking: this is the publisher thread, and a FIFO with no
	 * reader would stop every finding until one came (ENXIO instead).
	 * Writes block again, as on the first open.
	 */
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOCTTY | O_NONBLOCK, secrets ? 0600 : 0640)) < 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		snprintf(errbuf, errlen, "cannot reopen output file %s: %s "
		    "(still writing to %s)", path, errno == ENXIO ?
		    "a FIFO nothing reads" : strerror(errno), fs->path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	(void)file_flush(fs);
	close(fs->fd);
	fs->fd = fd;
	fs->regular = fd_regular(fd);
	snprintf(fs->path, sizeof(fs->path), "%s", path);
	return 0;
}

/* ---- publisher ----------------------------------------------------------- */

/* Returns the finding's number n ("<run id>-<n>"), 0 if it was not sent. */
static uint64_t
publish_line(struct publisher *p, const struct out_rec *r)
{
	char line[FINDING_JSON_MAX + 128], ts[32], id[48];
	struct sink_item it;
	unsigned i;
	int n;

	/* An observation no correlator folded: not a finding. */
	if (r->obs != 0) {
		p->st.observations_unclaimed++;
		return 0;
	}
	format_time_us(r->ts_us, ts);
	snprintf(id, sizeof(id), "%s-%" PRIu64, p->run_id, ++p->next_id);
	n = snprintf(line, sizeof(line),
	    "{\"timestamp\":\"%s\",\"finding_id\":\"%s\",%.*s", ts, id,
	    (int)r->len, r->body);
	if (n < 0 || (size_t)n >= sizeof(line))
		return 0;
	it.json = line;
	it.len = (size_t)n;
	it.kind = r->kind < FK_MAX ? finding_kind_names[r->kind] : "unknown";
	it.severity = severity_names[r->severity <= SEV_CRITICAL ?
	    r->severity : 0];
	it.finding_id = id;
	it.sensor = p->s->cfg.sensor_name;
	for (i = 0; i < p->nsinks; i++)
		if (p->sinks[i]->ops->write(p->sinks[i], &it) < 0)
			p->st.sink_errors++;
	p->st.findings++;
	if (r->kind < FK_MAX)
		p->st.by_kind[r->kind]++;
	return p->next_id;
}

uint64_t
corr_publish(const struct corr_env *env, const struct finding *f,
    const struct finding_endpoints *ep, const char *app_proto, uint64_t ts_us,
    unsigned flags)
{
	uint64_t buf[(sizeof(struct out_rec) + FINDING_JSON_MAX) /
	    sizeof(uint64_t) + 1];
	struct out_rec *r = (struct out_rec *)(void *)buf;
	struct finding_where w = { NULL, app_proto, NULL, NULL, ep };
	struct geo_info geo[2];
	long n;

	if (ep != NULL && env->s->geo != NULL) {
		geoip_lookup(env->s->geo, ep->family, ep->client, &geo[0]);
		geoip_lookup(env->s->geo, ep->family, ep->server, &geo[1]);
		w.geo = geo;
	}
	n = finding_format(env->s, &w, f, r->body, FINDING_JSON_MAX);
	if (n < 0 || n > UINT16_MAX)
		return 0;
	memset(r, 0, sizeof(*r));
	r->kind = (uint8_t)f->kind;
	r->severity = (uint8_t)f->severity;
	r->len = (uint16_t)n;
	r->ts_us = ts_us;
	r->flags = (uint8_t)flags;
	if (ep != NULL) {
		r->ep = *ep;
		r->has_ep = 1;
	}
	return env->out(env->out_arg, r);
}

/*
 * The correlator chain: stage i's way out (correlate_out_fn) is stage
 * i + 1's record(), the last one's is publish_line().
 */
struct corr_stage {
	struct publisher	*p;
	unsigned		 next;		/* index of the next stage */
};

static uint64_t
stage_out(void *arg, const struct out_rec *r)
{
	const struct corr_stage *st = arg;
	struct publisher *p = st->p;

	if (st->next >= p->ncorr)
		return publish_line(p, r);
	return correlator_registry[st->next]->record(p->corr[st->next], r);
}

static void	chain_stop(struct publisher *p);

/* Into the chain's first stage. */
static void
chain_record(struct publisher *p, const struct out_rec *r)
{
	if (p->ncorr == 0)
		(void)publish_line(p, r);
	else
		(void)correlator_registry[0]->record(p->corr[0], r);
}

static void
corr_put(void *arg, const char *name, uint64_t v)
{
	struct publisher *p = arg;
	unsigned i;

	for (i = 0; i < p->st.ncorr; i++)
		if (strcmp(p->st.corr[i].name, name) == 0) {
			p->st.corr[i].count += v;
			return;
		}
	if (p->st.ncorr < WEIRD_MAX) {
		p->st.corr[p->st.ncorr].name = name;
		p->st.corr[p->st.ncorr++].count = v;
	}
}

/* Refreshes the correlators' counters (publisher thread). */
static void
chain_counters(struct publisher *p)
{
	unsigned i;

	p->st.ncorr = 0;
	for (i = 0; i < p->ncorr; i++)
		if (correlator_registry[i]->counters != NULL)
			correlator_registry[i]->counters(p->corr[i], corr_put, p);
}

static int
rec_less(const struct out_rec *a, const struct out_rec *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	if (a->flow_seq != b->flow_seq)
		return a->flow_seq < b->flow_seq;
	return a->sub < b->sub;
}

/*
 * Whether record a sorts below progress triple p: no worker can still
 * emit anything that sorts before it.
 */
static int
rec_below(const struct out_rec *a, const uint64_t p[3])
{
	if (a->key != p[0])
		return a->key < p[0];
	if (a->flow_seq != p[1])
		return a->flow_seq < p[1];
	return a->sub < p[2];
}

/*
 * Releases every record that is safe to release.  Offline: the smallest head
 * across the rings, as long as it is below every worker's progress (nothing
 * smaller can still come).  Live: everything, merged as it stands.
 * Returns the number released.
 */
static unsigned
drain_rings(struct publisher *p)
{
	const struct out_rec *best, *r;
	uint64_t prog[3], minp[3] = { UINT64_MAX, UINT64_MAX, UINT64_MAX };
	unsigned i, bi = 0, released = 0;
	uint32_t n;

	if (!p->s->live) {
		for (i = 0; i < p->nworkers; i++) {
			worker_progress(&p->workers[i], prog);
			if (prog[0] < minp[0] || (prog[0] == minp[0] &&
			    (prog[1] < minp[1] || (prog[1] == minp[1] &&
			    prog[2] < minp[2]))))
				memcpy(minp, prog, sizeof(minp));
		}
	}
	for (;;) {
		best = NULL;
		for (i = 0; i < p->nworkers; i++) {
			r = ring_peek(p->workers[i].out, &n);
			if (r == NULL)
				continue;
			if (best == NULL || rec_less(r, best)) {
				best = r;
				bi = i;
			}
		}
		if (best == NULL || (!p->s->live && !rec_below(best, minp))) {
			if (released > 0)
				chain_counters(p);
			return released;
		}
		/* The correlators publish it, or fold it into a count. */
		chain_record(p, best);
		ring_release(p->workers[bi].out);
		released++;
	}
}

/* sensor_health's per-kind counters: "findings_<kind>". */
static const char *const health_kind_keys[FK_MAX] = {
	[FK_CLEARTEXT_CREDENTIAL] = "findings_cleartext_credential",
	[FK_WEAK_AUTH] = "findings_weak_auth",
	[FK_EDGE_MGMT_SESSION] = "findings_edge_mgmt_session",
	[FK_PACKET_CAPTURE] = "findings_packet_capture",
	[FK_TUNNEL] = "findings_tunnel",
	[FK_REMOTE_ACCESS] = "findings_remote_access",
	[FK_BEACON] = "findings_beacon",
	[FK_SENSOR_HEALTH] = "findings_sensor_health",
	[FK_CREDENTIAL_REUSE] = "findings_credential_reuse",
	[FK_CREDENTIAL_ATTACK] = "findings_credential_attack",
	[FK_EDGE_DEVICE] = "findings_edge_device",
	[FK_HANDOFF] = "findings_handoff",
};

/*
 * Live mode: a sensor_health finding every health_interval seconds, built
 * from the counters and sent through finding_format like any finding.
 */
static void
publisher_health(struct publisher *p, uint64_t now_ms)
{
	const struct sensor *s = p->s;
	const struct limit_counter *l;
	struct finding f;
	struct totals t;
	struct out_rec *r;
	struct sink_stats ss;
	uint64_t backlog = 0;
	unsigned i;
	long n;
	char body[FINDING_JSON_MAX];

	if (now_ms - p->last_health_ms < (uint64_t)s->cfg.health_interval * 1000
	    || *s->stop)
		return;
	p->last_health_ms = now_ms;
	totals_collect(&t, p->cap, p->workers, p->nworkers, p);
	for (i = 0; i < p->nworkers; i++)
		backlog += ring_used(p->workers[i].out);
	finding_init(&f, FK_SENSOR_HEALTH, SEV_INFO, 100);
	finding_int(&f, "packets", (int64_t)t.packets);
	finding_int(&f, "bytes", (int64_t)t.bytes);
	finding_int(&f, "flows_active", (int64_t)t.flows_active);
	finding_int(&f, "memory_bytes", (int64_t)t.memory);
	finding_int(&f, "ndpi_memory_bytes", (int64_t)t.ndpi_memory);
	finding_int(&f, "publisher_backlog_bytes", (int64_t)backlog);
	finding_int(&f, "kernel_packets", (int64_t)t.kernel_recv);
	finding_int(&f, "kernel_freezes", (int64_t)t.kernel_freezes);
	finding_int(&f, "handoffs", (int64_t)t.handoffs);
	/* Per worker (capture thread on AF_PACKET): an uneven spread shows. */
	for (i = 0; i < t.nworkers; i++) {
		static const char *const wk[] = { "worker0_packets",
		    "worker1_packets", "worker2_packets", "worker3_packets",
		    "worker4_packets", "worker5_packets", "worker6_packets",
		    "worker7_packets" };

		if (i < sizeof(wk) / sizeof(wk[0]))
			finding_int(&f, wk[i], (int64_t)t.worker_packets[i]);
	}
	/* Every limit's counter, named as in the summary (stats.h); the
	 * drops and flows_evicted among them. */
	for (l = limit_counters; l->name != NULL; l++)
		finding_int(&f, l->name, (int64_t)limit_value(&t, l));
	for (i = 0; i < FK_MAX; i++)
		finding_int(&f, health_kind_keys[i], (int64_t)t.findings[i]);
	finding_int(&f, "dedup_suppressed",
	    (int64_t)totals_corr(&t, "dedup_suppressed"));
	finding_int(&f, "correlate_entries", (int64_t)totals_corr(&t, "entries"));
	for (i = 0; i < p->nsinks; i++) {
		memset(&ss, 0, sizeof(ss));
		p->sinks[i]->ops->stats(p->sinks[i], &ss);
		if (strcmp(p->sinks[i]->ops->name, "redis") == 0) {
			/* produced = published + spooled + in flight + dropped
			 * (redis_dropped is among the limits above) */
			finding_int(&f, "redis_produced", (int64_t)ss.produced);
			finding_int(&f, "redis_published", (int64_t)ss.published);
			finding_int(&f, "redis_spooled", (int64_t)ss.spool_pending);
			finding_int(&f, "redis_inflight", (int64_t)ss.inflight);
			finding_int(&f, "redis_connected", ss.connected != 0);
			/* backend errors seen, findings sent from the spool */
			finding_int(&f, "redis_errors", (int64_t)ss.errors);
			finding_int(&f, "redis_replayed", (int64_t)ss.replayed);
		}
	}
	n = finding_format(s, NULL, &f, body + offsetof(struct out_rec, body),
	    sizeof(body) - offsetof(struct out_rec, body));
	if (n < 0)
		return;
	r = (struct out_rec *)(void *)body;
	memset(r, 0, sizeof(*r));
	r->kind = FK_SENSOR_HEALTH;
	r->severity = SEV_INFO;
	r->len = (uint16_t)n;
	r->ts_us = wall_us();
	publish_line(p, r);
}

/*
 * SIGHUP and SIGUSR1 work, between two polls: the newest configuration
 * snapshot's run-time keys, an output file reopen, a statistics table.
 * reopen_seq is read before the snapshot: a reopen then sees a snapshot at
 * least as new as the SIGHUP that asked for it.
 */
static void
publisher_runtime(struct publisher *p, uint64_t now_ms)
{
	struct runtime *rt = p->view.rt;
	struct cfg_snapshot *sn;
	struct totals t;
	char err[512];
	uint64_t seq;

	if (rt == NULL)
		return;
	seq = atomic_load_explicit(&rt->reopen_seq, memory_order_acquire);
	sn = atomic_load_explicit(&rt->snap, memory_order_acquire);
	if (sn != NULL && sn->gen != p->cfg_gen) {
		config_copy_runtime(&p->view.cfg, &sn->cfg);
		if (sn->sigs != NULL)
			p->view.sigs = sn->sigs;
		p->cfg_gen = sn->gen;
		atomic_store_explicit(&p->cfg_seen, sn->gen,
		    memory_order_release);
	}
	if (seq != p->reopen_seen) {
		p->reopen_seen = seq;
		if (p->file != NULL && file_sink_reopen(p->file,
		    p->view.cfg.output_file, p->view.cfg.reveal_secrets, err,
		    sizeof(err)) < 0)
			fprintf(stderr, "edgeward: %s\n", err);
	}
	if (atomic_exchange_explicit(&rt->stats_request, 0,
	    memory_order_acq_rel)) {
		totals_collect(&t, p->cap, p->workers, p->nworkers, p);
		summary_print(stderr, &t, (double)(now_ms - p->start_ms) / 1e3,
		    p->sinks, p->nsinks);
	}
}

/*
 * End of the run: gives each sink its last try (drain: a Redis link in
 * backoff when Redis is back again delivers the spool rather than leave
 * it for the next run), then polls the sinks until nothing is in flight
 * (acknowledged or spooled), for at most a second, so the summary's counts
 * are final.
 * What is still in flight after that is the sink's close() to spool.
 */
static void
publisher_settle(struct publisher *p)
{
	struct timespec pause = { 0, 5 * 1000 * 1000 };
	struct sink_stats ss;
	uint64_t end = mono_ms() + 1000;
	unsigned i, busy;

	for (i = 0; i < p->nsinks; i++)
		if (p->sinks[i]->ops->drain != NULL)
			p->sinks[i]->ops->drain(p->sinks[i], SINK_DRAIN_MS);
	end = mono_ms() + 1000;
	for (;;) {
		busy = 0;
		for (i = 0; i < p->nsinks; i++) {
			p->sinks[i]->ops->poll(p->sinks[i], mono_ms());
			memset(&ss, 0, sizeof(ss));
			p->sinks[i]->ops->stats(p->sinks[i], &ss);
			busy += ss.inflight > 0;
		}
		if (busy == 0 || mono_ms() >= end)
			return;
		nanosleep(&pause, NULL);
	}
}

static void *
publisher_main(void *arg)
{
	struct publisher *p = arg;
	uint64_t now, last_poll = 0;
	unsigned i, idle = 0;
	int done;

	for (;;) {
		done = atomic_load_explicit(&p->workers_done,
		    memory_order_acquire);
		if (drain_rings(p) > 0)
			idle = 0;
		now = mono_ms();
		if (now - last_poll >= 100) {
			for (i = 0; i < p->nsinks; i++)
				p->sinks[i]->ops->poll(p->sinks[i], now);
			if (p->s->live)
				publisher_health(p, now);
			publisher_runtime(p, now);
			last_poll = now;
		}
		if (done) {
			drain_rings(p);
			/* End of input (or stop): close every open window,
			 * stage by stage, so a stage's last findings still go
			 * through the stages after it. */
			for (i = 0; i < p->ncorr; i++)
				if (correlator_registry[i]->finish != NULL)
					correlator_registry[i]->finish(p->corr[i]);
			chain_counters(p);
			break;
		}
		/* Nothing to release: sleep rather than poll (findings are
		 * rare next to packets; workers never wait on us for long).
		 * 0.5 ms at first; after about 100 ms with nothing, 10 ms, so
		 * an idle sensor wakes 100 times a second, not 2000. */
		if (++idle > 2) {
			struct timespec ts = { 0, idle > 200 ? 10000000 :
			    500000 };

			nanosleep(&ts, NULL);
		}
	}
	publisher_settle(p);
	chain_stop(p);
	atomic_store_explicit(&p->cfg_seen, UINT64_MAX, memory_order_release);
	return NULL;
}

static void
chain_stop(struct publisher *p)
{
	unsigned i;

	for (i = 0; p->corr != NULL && i < p->ncorr; i++)
		if (p->corr[i] != NULL)
			correlator_registry[i]->stop(p->corr[i]);
	free(p->corr);
	free(p->corr_env);
	free(p->corr_stages);
	p->corr = NULL;
	p->corr_env = NULL;
	p->corr_stages = NULL;
	p->ncorr = 0;
}

/* Starts every registered correlator, chained in registry order. */
static int
chain_start(struct publisher *p, char *errbuf, size_t errlen)
{
	struct corr_stage *stages;
	unsigned i, n = 0;

	while (correlator_registry[n] != NULL)
		n++;
	p->corr = calloc(n + 1, sizeof(*p->corr));
	p->corr_env = calloc(n + 1, sizeof(*p->corr_env));
	stages = calloc(n + 1, sizeof(*stages));
	p->corr_stages = stages;
	if (p->corr == NULL || p->corr_env == NULL || stages == NULL) {
		chain_stop(p);
		snprintf(errbuf, errlen, "out of memory for the correlators");
		return -1;
	}
	p->ncorr = n;
	for (i = 0; i < n; i++) {
		stages[i].p = p;
		stages[i].next = i + 1;
		p->corr_env[i].s = p->s;
		p->corr_env[i].run_id = p->run_id;
		p->corr_env[i].out = stage_out;
		p->corr_env[i].out_arg = &stages[i];
		if ((p->corr[i] = correlator_registry[i]->start(&p->corr_env[i],
		    errbuf, errlen)) == NULL) {
			chain_stop(p);
			return -1;
		}
	}
	return 0;
}

int
publisher_start(struct publisher *p, char *errbuf, size_t errlen)
{
	uint8_t rnd[8];
	int fd;

	memset(rnd, 0, sizeof(rnd));
	if ((fd = open("/dev/urandom", O_RDONLY)) >= 0) {
		if (read(fd, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd))
			memset(rnd, 0, sizeof(rnd));
		close(fd);
	}
	hex_encode(rnd, sizeof(rnd), p->run_id, sizeof(p->run_id));
	p->view = *p->s;
	p->s = &p->view;
	p->start_ms = mono_ms();
	p->last_health_ms = p->start_ms;
	if (chain_start(p, errbuf, errlen) < 0)
		return -1;
	if (pthread_create(&p->thread, NULL, publisher_main, p) != 0) {
		chain_stop(p);
		snprintf(errbuf, errlen, "cannot start the publisher thread");
		return -1;
	}
	return 0;
}

void
publisher_join(struct publisher *p)
{
	atomic_store_explicit(&p->workers_done, 1, memory_order_release);
	pthread_join(p->thread, NULL);
	secure_zero(p->view.hmac_key, sizeof(p->view.hmac_key));
}
