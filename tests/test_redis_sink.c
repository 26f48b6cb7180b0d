/*
 * test_redis_sink.c - the Redis sink against a real redis-server on a free
 * loopback port (started per test in a scratch directory, killed at the end
 * even when a test fails, and by the kernel if this program dies), plus the
 * URL parser and edgeward-tail.
 *
 * Covered: round trip (stream, list, channel, health), Redis down at open,
 * Redis stopped mid-run and restarted (exactly once, in order), a paused
 * (slow) Redis, a wrong password, an ACL user without XADD, a spool kept
 * across two sink instances, a full spool.  Every finding carries a
 * finding_id t-NNNNNN so order and duplicates are checked exactly.
 *
 * If redis-server is not installed the Redis cases print SKIP and pass;
 * CI installs it (apt-get install redis-server).
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "redis_sink.h"
#include "tmpdir.h"
#include "unit.h"

#define CMD_MS		200
#define MAX_SERVERS	4

struct server {
	pid_t	pid;
	int	port;
	char	dir[256];
};

/* Test-program state: the servers to kill at exit and captured logs. */
static pid_t live_pids[MAX_SERVERS];
static char log_lines[64][320];
static int nlog;
static char spool_dir[256];

static void
kill_all(void)
{
	int i;

	for (i = 0; i < MAX_SERVERS; i++)
		if (live_pids[i] > 0) {
			kill(live_pids[i], SIGKILL);
			waitpid(live_pids[i], NULL, 0);
			live_pids[i] = 0;
		}
}

static int
have_redis(void)
{
	static int checked, found;

	if (!checked) {
		checked = 1;
		found = system("redis-server --version >/dev/null 2>&1") == 0;
		if (!found)
			printf("\n  SKIP: redis-server not found "
			    "(apt-get install redis-server) ");
		atexit(kill_all);
	}
	return found;
}

static void
capture_log(void *arg, const char *line)
{
	(void)arg;
	if (nlog < 64)
		snprintf(log_lines[nlog++], sizeof(log_lines[0]), "%s", line);
	fprintf(stderr, "    [log] %s\n", line);
}

static int
log_count(const char *needle)
{
	int i, n = 0;

	for (i = 0; i < nlog; i++)
		if (strstr(log_lines[i], needle) != NULL)
			n++;
	return n;
}

static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == 0)
		port = ntohs(sin.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static unsigned long long
now_ms(void)
{
	return redis_now_ms();
}

static void
msleep(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* A blocking admin connection; NULL if the server does not answer. */
static redisContext *
admin(const struct server *sv, const char *pass)
{
	struct timeval tv = { 2, 0 };
	redisContext *c = redisConnectWithTimeout("127.0.0.1", sv->port, tv);
	redisReply *r;

	if (c == NULL || c->err) {
		if (c)
			redisFree(c);
		return NULL;
	}
	redisSetTimeout(c, tv);
	if (pass != NULL) {
		r = redisCommand(c, "AUTH %s", pass);
		if (r)
			freeReplyObject(r);
	}
	return c;
}

static void
admin_cmd(const struct server *sv, const char *pass, const char *fmt,
    const char *arg)
{
	redisContext *c = admin(sv, pass);
	redisReply *r;

	CU_ASSERT_FATAL(c != NULL);
	r = redisCommand(c, fmt, arg);
	CU_ASSERT(r != NULL && r->type != REDIS_REPLY_ERROR);
	if (r && r->type == REDIS_REPLY_ERROR)
		fprintf(stderr, "admin %s: %s\n", fmt, r->str);
	if (r)
		freeReplyObject(r);
	redisFree(c);
}

/* Starts redis-server on sv->port (chosen if 0) in sv->dir. */
static int
server_start(struct server *sv, const char *opt, const char *val)
{
	char port[8], logf[300];
	int i, slot = -1;
	pid_t pid;

	for (i = 0; i < MAX_SERVERS; i++)
		if (live_pids[i] == 0)
			slot = i;
	if (slot < 0)
		return -1;
	if (sv->port == 0)
		sv->port = free_port();
	if (sv->dir[0] == '\0' && tmpdir_make(sv->dir, sizeof(sv->dir),
	    "redis") != 0)
		return -1;
	snprintf(port, sizeof(port), "%d", sv->port);
	snprintf(logf, sizeof(logf), "%s/redis.log", sv->dir);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		const char *argv[] = { "redis-server", "--port", port,
		    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		    "--dir", sv->dir, "--logfile", logf, "--daemonize", "no",
		    opt, val, NULL };

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execvp("redis-server", (char **)(uintptr_t)argv);
		_exit(127);
	}
	sv->pid = live_pids[slot] = pid;
	for (i = 0; i < 200; i++) {
		redisContext *c = admin(sv, NULL);

		if (c != NULL) {
			redisReply *r = redisCommand(c, "PING");

			redisFree(c);
			if (r != NULL) {
				freeReplyObject(r);
				return 0;
			}
		}
		msleep(25);
	}
	return -1;
}

static void
server_forget(struct server *sv)
{
	int i;

	waitpid(sv->pid, NULL, 0);
	for (i = 0; i < MAX_SERVERS; i++)
		if (live_pids[i] == sv->pid)
			live_pids[i] = 0;
	sv->pid = 0;
}

static void
server_kill(struct server *sv)
{
	if (sv->pid > 0) {
		kill(sv->pid, SIGKILL);
		server_forget(sv);
	}
}

/* SHUTDOWN SAVE: what it stored comes back at the next start. */
static void
server_shutdown_save(struct server *sv)
{
	redisContext *c = admin(sv, NULL);
	redisReply *r;

	CU_ASSERT_FATAL(c != NULL);
	r = redisCommand(c, "SHUTDOWN SAVE");
	if (r)
		freeReplyObject(r);
	redisFree(c);
	server_forget(sv);
}

static void
server_done(struct server *sv)
{
	server_kill(sv);
	tmpdir_remove(sv->dir);
	sv->dir[0] = '\0';
}

static struct sink *
sink_open(const struct server *sv, const char *userinfo, uint64_t spool_max,
    unsigned modes, const char *password_file)
{
	struct redis_opts o;
	struct sink *s;
	char url[300], err[300];

	snprintf(url, sizeof(url), "redis://%s127.0.0.1:%d", userinfo ?
	    userinfo : "", sv->port);
	memset(&o, 0, sizeof(o));
	o.url = url;
	o.password_file = password_file;
	o.modes = modes;
	o.spool_dir = spool_dir;
	o.spool_max_bytes = spool_max;
	o.connect_timeout_ms = 500;
	o.command_timeout_ms = CMD_MS;
	o.log = capture_log;
	s = redis_sink_open(&o, err, sizeof(err));
	if (s == NULL)
		fprintf(stderr, "redis_sink_open: %s\n", err);
	return s;
}

static int
write_one(struct sink *s, int i, const char *kind, const char *sev)
{
	char json[256], id[32];
	struct sink_item it;

	snprintf(id, sizeof(id), "t-%06d", i);
	it.len = (size_t)snprintf(json, sizeof(json), "{\"timestamp\":"
	    "\"2024-01-01T00:00:00.000000Z\",\"finding_id\":\"%s\",\"kind\":"
	    "\"%s\",\"severity\":\"%s\",\"src_ip\":\"192.0.2.1\","
	    "\"src_port\":%d,\"dest_ip\":\"2001:db8::1\",\"dest_port\":21}",
	    id, kind, sev, 1024 + i % 1000);
	it.json = json;
	it.kind = kind;
	it.severity = sev;
	it.finding_id = id;
	it.sensor = "test-sensor";
	return s->ops->write(s, &it);
}

static void
write_range(struct sink *s, int from, int to, int poll_every)
{
	int i;

	for (i = from; i < to; i++) {
		write_one(s, i, "cleartext_credential", "high");
		if (poll_every && i % poll_every == 0)
			s->ops->poll(s, 0);
	}
}

static void
check_invariant(struct sink *s, struct sink_stats *st)
{
	s->ops->stats(s, st);
	CU_ASSERT_EQUAL(st->produced, st->published + st->spool_pending +
	    st->inflight + st->dropped);
}

/* Polls until everything is acknowledged; 1 on success. */
static int
drain(struct sink *s, unsigned ms)
{
	unsigned long long end = now_ms() + ms;
	struct sink_stats st;

	do {
		s->ops->poll(s, now_ms());
		s->ops->stats(s, &st);
		if (st.connected && st.spool_pending == 0 && st.inflight == 0)
			return 1;
		msleep(5);
	} while (now_ms() < end);
	fprintf(stderr, "drain: pending %llu inflight %llu connected %d\n",
	    (unsigned long long)st.spool_pending,
	    (unsigned long long)st.inflight, st.connected);
	return 0;
}

/*
 * Reads the whole findings stream and checks that it is exactly the ids
 * from..to-1, each once, in order; with gaps allowed (a full spool) only
 * order and uniqueness are checked.  Returns the entry count.
 */
static long
check_stream(const struct server *sv, const char *pass, int from, int to,
    int gaps_ok)
{
	redisContext *c = admin(sv, pass);
	redisReply *r;
	long n, bad = 0, last = -1;
	size_t i, k;

	CU_ASSERT_FATAL(c != NULL);
	r = redisCommand(c, "XRANGE edgeward:findings - +");
	CU_ASSERT_FATAL(r != NULL && r->type == REDIS_REPLY_ARRAY);
	n = (long)r->elements;
	if (!gaps_ok)
		CU_ASSERT_EQUAL(n, to - from);
	for (i = 0; i < r->elements; i++) {
		redisReply *kv = r->element[i]->element[1];
		long id = -1;

		for (k = 0; k + 1 < kv->elements; k += 2)
			if (strcmp(kv->element[k]->str, "finding_id") == 0)
				id = strtol(kv->element[k + 1]->str + 2, NULL,
				    10);
		if (gaps_ok ? id <= last : id != from + (long)i) {
			if (bad++ == 0)
				fprintf(stderr, "stream[%zu]: t-%06ld after "
				    "t-%06ld\n", i, id, last);
		}
		last = id;
	}
	CU_ASSERT_EQUAL(bad, 0);
	freeReplyObject(r);
	redisFree(c);
	return n;
}

static int
setup(struct server *sv)
{
	memset(sv, 0, sizeof(*sv));
	nlog = 0;
	if (!have_redis())
		return -1;
	tmpdir_remove(spool_dir);
	CU_ASSERT_FATAL(tmpdir_make(spool_dir, sizeof(spool_dir), "spool") ==
	    0);
	return 0;
}

static void
teardown(struct server *sv)
{
	server_done(sv);
	tmpdir_remove(spool_dir);
}

/* ---- URL parser ---------------------------------------------------------- */

static void
test_url_parser(void)
{
	static const char *const bad[] = {
		"", "redis://", "http://h:1", "redis://h:0", "redis://h:65536",
		"redis://h:-1", "redis://h:6379x", "redis://h:123456",
		"redis://h:", "redis://h/abc", "redis://h/-1", "redis://h/70000",
		"redis://h/0/", "redis://h?db=1", "redis://h#x",
		"redis://pw@h", "redis://:%zz@h", "redis://:%00@h",
		"redis://[::1", "redis://[::1]x", "redis://::1:6379",
		"redis://[zz]:1", "redis://h h", "redis://h\n", "redis://ho$t",
		"rediss://h", "unix://", "unix://rel/path", "unix:///s?db=x",
		"unix:///s?foo=1", "unix:///s?db=1&x=2", "redis://h\x7f",
		"redis://\xc3\xa9", "redis://user:pass@",
	};
	struct redis_target t;
	char err[256], big[2048];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (redis_url_parse(bad[i], &t, err, sizeof(err)) == 0)
			fprintf(stderr, "accepted bad URL #%zu\n", i);
		CU_ASSERT_EQUAL(redis_url_parse(bad[i], &t, err, sizeof(err)),
		    -1);
		CU_ASSERT(err[0] != '\0');
	}
	CU_ASSERT_EQUAL(redis_url_parse(NULL, &t, err, sizeof(err)), -1);
	/* long host, long path, long URL, long password */
	memset(big, 'a', sizeof(big));
	memcpy(big, "redis://", 8);
	big[8 + 300] = '\0';
	CU_ASSERT_EQUAL(redis_url_parse(big, &t, err, sizeof(err)), -1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(redis_url_parse(big, &t, err, sizeof(err)), -1);
	memcpy(big, "unix:///", 8);
	big[8 + 200] = '\0';
	CU_ASSERT_EQUAL(redis_url_parse(big, &t, err, sizeof(err)), -1);
	memset(big, 'a', sizeof(big));
	memcpy(big, "redis://:", 9);
	memcpy(big + 9 + 300, "@h", 3);
	CU_ASSERT_EQUAL(redis_url_parse(big, &t, err, sizeof(err)), -1);

	/* the password never shows in a message */
	CU_ASSERT_EQUAL(redis_url_parse("redis://u:s3cr3t@h:99999", &t, err,
	    sizeof(err)), -1);
	CU_ASSERT(strstr(err, "s3cr3t") == NULL);
	CU_ASSERT_EQUAL(redis_url_parse("redis://u:s3cr3t%zz@h", &t, err,
	    sizeof(err)), -1);
	CU_ASSERT(strstr(err, "s3cr3t") == NULL);

	CU_ASSERT_EQUAL(redis_url_parse("redis://localhost", &t, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(t.host, "localhost");
	CU_ASSERT_EQUAL(t.port, 6379);
	CU_ASSERT_EQUAL(t.db, 0);
	CU_ASSERT_EQUAL(t.password[0], '\0');

	CU_ASSERT_EQUAL(redis_url_parse("redis://alice:p%40ss:w@rd@10.1.2.3:"
	    "6380/7", &t, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(t.user, "alice");
	CU_ASSERT_STRING_EQUAL(t.password, "p@ss:w@rd");
	CU_ASSERT_STRING_EQUAL(t.host, "10.1.2.3");
	CU_ASSERT_EQUAL(t.port, 6380);
	CU_ASSERT_EQUAL(t.db, 7);

	CU_ASSERT_EQUAL(redis_url_parse("redis://:only@[::1]:7000/", &t, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(t.user, "");
	CU_ASSERT_STRING_EQUAL(t.password, "only");
	CU_ASSERT_STRING_EQUAL(t.host, "::1");
	CU_ASSERT_EQUAL(t.port, 7000);

	CU_ASSERT_EQUAL(redis_url_parse("unix:///run/redis/r.sock?db=3", &t,
	    err, sizeof(err)), 0);
	CU_ASSERT(t.is_unix);
	CU_ASSERT_STRING_EQUAL(t.path, "/run/redis/r.sock");
	CU_ASSERT_EQUAL(t.db, 3);
	redis_target_name(&t, big, sizeof(big));
	CU_ASSERT_STRING_EQUAL(big, "unix:/run/redis/r.sock");
}

static void
test_password_file(void)
{
	struct redis_target t;
	char dir[256], path[300], err[256];
	FILE *f;

	CU_ASSERT_FATAL(tmpdir_make(dir, sizeof(dir), "pw") == 0);
	snprintf(path, sizeof(path), "%s/pw", dir);
	CU_ASSERT_EQUAL(redis_url_parse("redis://:urlpw@h", &t, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(redis_password_file(path, &t, err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, path) != NULL);
	f = fopen(path, "w");
	fputs("filepw\r\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(redis_password_file(path, &t, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(t.password, "filepw");
	f = fopen(path, "w");
	fputs("alpha\nbeta\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(redis_password_file(path, &t, err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "alpha") == NULL && strstr(err, "beta") == NULL);
	f = fopen(path, "w");
	fclose(f);
	CU_ASSERT_EQUAL(redis_password_file(path, &t, err, sizeof(err)), -1);
	tmpdir_remove(dir);
}

/* ---- against a real server ----------------------------------------------- */

static void
test_roundtrip(void)
{
	struct server sv;
	struct sink_stats st;
	struct sink *s;
	redisContext *c;
	redisReply *r;
	unsigned long long t0, t1;
	const int n = 20000;

	if (setup(&sv) != 0)
		return;
	CU_ASSERT_FATAL(server_start(&sv, NULL, NULL) == 0);
	s = sink_open(&sv, NULL, 0, 0, NULL);
	CU_ASSERT_FATAL(s != NULL);
	t0 = now_ms();
	write_range(s, 0, n, 100);
	CU_ASSERT(drain(s, 20000));
	t1 = now_ms();
	printf("\n    publish rate to local Redis: %.0f findings/s ",
	    n * 1000.0 / (double)(t1 - t0 ? t1 - t0 : 1));
	check_invariant(s, &st);
	CU_ASSERT_EQUAL(st.published, (uint64_t)n);
	CU_ASSERT_EQUAL(st.spooled, 0);
	CU_ASSERT_EQUAL(st.dropped, 0);
	CU_ASSERT_EQUAL(check_stream(&sv, NULL, 0, n, 0), n);
	/* every field, for one entry */
	c = admin(&sv, NULL);
	CU_ASSERT_FATAL(c != NULL);
	r = redisCommand(c, "XRANGE edgeward:findings - + COUNT 1");
	CU_ASSERT_FATAL(r != NULL && r->elements == 1);
	{
		redisReply *kv = r->element[0]->element[1];

		CU_ASSERT_EQUAL(kv->elements, 10);
		CU_ASSERT_STRING_EQUAL(kv->element[0]->str, "kind");
		CU_ASSERT_STRING_EQUAL(kv->element[1]->str,
		    "cleartext_credential");
		CU_ASSERT_STRING_EQUAL(kv->element[3]->str, "high");
		CU_ASSERT_STRING_EQUAL(kv->element[5]->str, "t-000000");
		CU_ASSERT_STRING_EQUAL(kv->element[7]->str, "test-sensor");
		CU_ASSERT(strncmp(kv->element[9]->str, "{\"timestamp\"", 12) ==
		    0);
	}
	freeReplyObject(r);
	/* a health item goes to its own stream */
	write_one(s, 0, "sensor_health", "info");
	CU_ASSERT(drain(s, 5000));
	r = redisCommand(c, "XLEN edgeward:health");
	CU_ASSERT(r != NULL && r->integer == 1);
	freeReplyObject(r);
	s->ops->close(s);
	CU_ASSERT_EQUAL(log_count("connected"), 1);

	/* list and channel too */
	s = sink_open(&sv, NULL, 0, REDIS_MODE_STREAM | REDIS_MODE_LIST |
	    REDIS_MODE_CHANNEL, NULL);
	CU_ASSERT_FATAL(s != NULL);
	write_range(s, n, n + 10, 0);
	CU_ASSERT(drain(s, 5000));
	check_invariant(s, &st);
	CU_ASSERT_EQUAL(st.errors, 0);
	r = redisCommand(c, "LRANGE edgeward:findings:list 0 -1");
	CU_ASSERT(r != NULL && r->elements == 10);
	CU_ASSERT(r != NULL && r->elements > 0 && strstr(r->element[0]->str,
	    "t-020000") != NULL);
	freeReplyObject(r);
	s->ops->close(s);
	redisFree(c);
	teardown(&sv);
}

/* unix:// with a database number: SELECT happens on every connect. */
static void
test_unix_socket_db(void)
{
	struct server sv;
	struct redis_opts o;
	struct sink_stats st;
	struct sink *s;
	redisContext *c;
	redisReply *r;
	char sock[300], url[400], err[300];

	if (setup(&sv) != 0)
		return;
	CU_ASSERT_FATAL(tmpdir_make(sv.dir, sizeof(sv.dir), "redis") == 0);
	snprintf(sock, sizeof(sock), "%s/r.sock", sv.dir);
	CU_ASSERT_FATAL(server_start(&sv, "--unixsocket", sock) == 0);
	snprintf(url, sizeof(url), "unix://%s?db=2", sock);
	memset(&o, 0, sizeof(o));
	o.url = url;
	o.spool_dir = spool_dir;
	o.prefix = "ew-test";
	o.log = capture_log;
	s = redis_sink_open(&o, err, sizeof(err));
	CU_ASSERT_FATAL(s != NULL);
	write_range(s, 0, 10, 0);
	CU_ASSERT(drain(s, 5000));
	check_invariant(s, &st);
	CU_ASSERT_EQUAL(st.published, 10);
	CU_ASSERT_EQUAL(log_count("unix:"), 1);
	s->ops->close(s);
	c = admin(&sv, NULL);
	CU_ASSERT_FATAL(c != NULL);
	r = redisCommand(c, "SELECT 2");
	freeReplyObject(r);
	r = redisCommand(c, "XLEN ew-test:findings");
	CU_ASSERT(r != NULL && r->integer == 10);
	freeReplyObject(r);
	redisFree(c);
	/* a bad URL or prefix is a set-up error with a message */
	o.url = "redis://host:99999";
	CU_ASSERT(redis_sink_open(&o, err, sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "port") != NULL);
	o.url = url;
	o.prefix = "has space";
	CU_ASSERT(redis_sink_open(&o, err, sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "prefix") != NULL);
	o.prefix = NULL;
	o.spool_dir = NULL;
	CU_ASSERT(redis_sink_open(&o, err, sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "spool") != NULL);
	teardown(&sv);
}

static void
test_down_at_open(void)
{
	struct server sv;
	struct sink_stats st;
	struct sink *s;

	if (setup(&sv) != 0)
		return;
	sv.port = free_port();
	s = sink_open(&sv, NULL, 0, 0, NULL);
	CU_ASSERT_FATAL(s != NULL);
	write_range(s, 0, 200, 10);
	check_invariant(s, &st);
	CU_ASSERT_EQUAL(st.spooled, 200);
	CU_ASSERT_EQUAL(st.spool_pending, 200);
	CU_ASSERT_EQUAL(st.connected, 0);
	CU_ASSERT_EQUAL(log_count("cannot connect"), 1);
	CU_ASSERT_FATAL(server_start(&sv, NULL, NULL) == 0);
	CU_ASSERT(drain(s, 10000));
	write_range(s, 200, 250, 0);		/* live again */
	CU_ASSERT(drain(s, 5000));
	check_invariant(s, &st);
	CU_ASSERT_EQUAL(st.published, 250);
	CU_ASSERT_EQUAL(st.replayed, 200);
	CU_ASSERT_EQUAL(st.spooled, 200);
	CU_ASSERT_EQUAL(log_count("recovered, 200 replayed"), 1);
	s->ops->close(s);
	check_stream(&sv, NULL, 0, 250, 0);
	teardown(&sv);
}

static void
test_mid_run_outage(void)
{
	struct server sv;
	struct sink_stats st;
	struct sink *s;
	int round;

	if (setup(&sv) != 0)
		return;
	CU_ASSERT_FATAL(server_start(&sv, NULL, NULL) == 0);
	s = sink_open(&sv, NULL, 0, 0, NULL);
	CU_ASSERT_FATAL(s != NULL);
	/* Twice: once with a quiet link, once with findings in flight. */
	for (round = 0; round < 2; round++) {
		int base = round * 1000;

		write_range(s, base, base + 300, 50);
		if (round == 0)
			CU_ASSERT(drain(s, 5000));
		server_shutdown_save(&sv);
		write_range(s, base + 300, base + 600, 50);
		check_invariant(s, &st);
		CU_ASSERT(st.spool_pending > 0);
		CU_ASSERT_FATAL(server_start(&sv, NULL, NULL) == 0);
		write_range(s, base + 600, base + 1000, 50);
		CU_ASSERT(drain(s, 15000));
	}
	check_invariant(s, &st);
	CU_ASSERT_EQUAL(st.published, 2000);
	CU_ASSERT(log_count("connection lost") >= 1);
	CU_ASSERT(log_count("recovered") >= 2);
	s->ops->close(s);
	check_stream(&sv, NULL, 0, 2000, 0);
	teardown(&sv);
}

/*
 * Findings in flight when the link broke but stored by Redis anyway: the
 * next sink finds them in the stream and does not send them again.  DEBUG
 * SLEEP freezes Redis; our commands wait in its socket and run when it
 * wakes, after the sink gave up and closed.
 */
static void
test_in_flight_reconciled(void)
{
	struct server sv;
	struct sink_stats st;
	struct sink *s;
	char cmd[300];

	if (setup(&sv) != 0)
		return;
	CU_ASSERT_FATAL(server_start(&sv, "--enable-debug-command", "yes") ==
	    0);
	s = sink_open(&sv, NULL, 0, 0, NULL);
	CU_ASSERT_FATAL(s != NULL);
	write_range(s, 0, 50, 0);
	CU_ASSERT(drain(s, 5000));
	snprintf(cmd, sizeof(cmd), "redis-cli -p %d DEBUG SLEEP 1 >/dev/null "
	    "&", sv.port);
	CU_ASSERT(system(cmd) == 0);
	msleep(200);
	write_range(s, 50, 100, 0);	/* fewer than a batch: still queued */
	s->ops->close(s);		/* sends, waits CMD_MS, gives up */
	msleep(1500);
	s = sink_open(&sv, NULL, 0, 0, NULL);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT(drain(s, 5000));
	check_invariant(s, &st);
	CU_ASSERT_EQUAL(st.produced, 50);
	CU_ASSERT_EQUAL(st.published, 50);
	CU_ASSERT_EQUAL(st.replayed, 0);
	CU_ASSERT_EQUAL(log_count("50 of 50 findings in flight"), 1);
	s->ops->close(s);
	check_stream(&sv, NULL, 0, 100, 0);
	teardown(&sv);
}

static void
test_slow_redis(void)
{
	struct server sv;
	struct sink_stats st;
	unsigned long long worst = 0, t;
	struct sink *s;
	int i;

	if (setup(&sv) != 0)
		return;
	CU_ASSERT_FATAL(server_start(&sv, NULL, NULL) == 0);
	s = sink_open(&sv, NULL, 0, 0, NULL);
	CU_ASSERT_FATAL(s != NULL);
	write_range(s, 0, 100, 0);
	CU_ASSERT(drain(s, 5000));
	admin_cmd(&sv, NULL, "CLIENT PAUSE %s", "1500");
	for (i = 100; i < 1100; i++) {
		t = now_ms();
		write_one(s, i, "cleartext_credential", "high");
		if (i % 50 == 0)
			s->ops->poll(s, 0);
		t = now_ms() - t;
		if (t > worst)
			worst = t;
		if (i % 100 == 0)
			msleep(50);
	}
	printf("\n    slowest write or poll while paused: %llu ms ", worst);
	CU_ASSERT(worst <= 2 * CMD_MS + 50);
	check_invariant(s, &st);
	CU_ASSERT(st.spooled > 0);
	CU_ASSERT(drain(s, 15000));
	check_invariant(s, &st);
	CU_ASSERT_EQUAL(st.published, 1100);
	CU_ASSERT_EQUAL(log_count("no reply within"), 1);
	s->ops->close(s);
	check_stream(&sv, NULL, 0, 1100, 0);
	teardown(&sv);
}

static void
test_wrong_password(void)
{
	struct server sv;
	struct sink_stats st;
	struct sink *s;
	char pwfile[300];
	FILE *f;
	int i;

	if (setup(&sv) != 0)
		return;
	CU_ASSERT_FATAL(server_start(&sv, "--requirepass", "right-pw") == 0);
	snprintf(pwfile, sizeof(pwfile), "%s/../edgeward-pw-%d", spool_dir,
	    (int)getpid());
	f = fopen(pwfile, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs("hunter2-bad\n", f);
	fclose(f);
	/* the file wins over the URL's password */
	s = sink_open(&sv, ":url-pw@", 0, 0, pwfile);
	CU_ASSERT_FATAL(s != NULL);
	write_range(s, 0, 100, 10);
	s->ops->poll(s, 0);
	check_invariant(s, &st);
	CU_ASSERT_EQUAL(st.spooled, 100);
	CU_ASSERT_EQUAL(st.published, 0);
	CU_ASSERT_EQUAL(log_count("AUTH failed"), 1);
	CU_ASSERT_EQUAL(log_count("WRONGPASS"), 1);
	for (i = 0; i < nlog; i++)
		CU_ASSERT(strstr(log_lines[i], "hunter2") == NULL &&
		    strstr(log_lines[i], "right-pw") == NULL);
	/* the operator fixes the server side: everything arrives */
	admin_cmd(&sv, "right-pw", "CONFIG SET requirepass %s", "hunter2-bad");
	CU_ASSERT(drain(s, 20000));
	check_invariant(s, &st);
	CU_ASSERT_EQUAL(st.published, 100);
	CU_ASSERT_EQUAL(log_count("recovered, 100 replayed"), 1);
	s->ops->close(s);
	check_stream(&sv, "hunter2-bad", 0, 100, 0);
	unlink(pwfile);
	teardown(&sv);
}

static void
test_noperm(void)
{
	struct server sv;
	struct sink_stats st;
	struct sink *s;
	redisContext *c;
	redisReply *r;
	int i;

	if (setup(&sv) != 0)
		return;
	CU_ASSERT_FATAL(server_start(&sv, NULL, NULL) == 0);
	c = admin(&sv, NULL);
	CU_ASSERT_FATAL(c != NULL);
	r = redisCommand(c, "ACL SETUSER writer on >wpw ~* &* +@all -xadd");
	CU_ASSERT(r != NULL && r->type == REDIS_REPLY_STATUS);
	freeReplyObject(r);
	s = sink_open(&sv, "writer:wpw@", 0, 0, NULL);
	CU_ASSERT_FATAL(s != NULL);
	write_range(s, 0, 100, 10);
	for (i = 0; i < 300 && log_count("NOPERM") == 0; i++) {
		msleep(10);
		s->ops->poll(s, 0);
	}
	check_invariant(s, &st);
	CU_ASSERT_EQUAL(st.published, 0);
	CU_ASSERT_EQUAL(st.spool_pending, 100);
	CU_ASSERT_EQUAL(log_count("NOPERM"), 1);
	CU_ASSERT_EQUAL(log_count("XADD refused"), 1);
	/* a few retries later it is still one line */
	msleep(400);
	s->ops->poll(s, 0);
	msleep(400);
	s->ops->poll(s, 0);
	CU_ASSERT_EQUAL(log_count("NOPERM"), 1);
	r = redisCommand(c, "ACL SETUSER writer +xadd");
	freeReplyObject(r);
	CU_ASSERT(drain(s, 20000));
	check_invariant(s, &st);
	CU_ASSERT_EQUAL(st.published, 100);
	s->ops->close(s);
	redisFree(c);
	check_stream(&sv, NULL, 0, 100, 0);
	teardown(&sv);
}

static void
test_spool_across_instances(void)
{
	struct server sv;
	struct sink_stats st;
	struct sink *s;

	if (setup(&sv) != 0)
		return;
	sv.port = free_port();
	s = sink_open(&sv, NULL, 0, 0, NULL);
	CU_ASSERT_FATAL(s != NULL);
	write_range(s, 0, 120, 10);
	s->ops->close(s);			/* Redis never came */
	CU_ASSERT_FATAL(server_start(&sv, NULL, NULL) == 0);
	s = sink_open(&sv, NULL, 0, 0, NULL);
	CU_ASSERT_FATAL(s != NULL);
	s->ops->stats(s, &st);
	CU_ASSERT_EQUAL(st.produced, 120);
	CU_ASSERT_EQUAL(log_count("120 findings spooled by an earlier run"), 1);
	write_range(s, 120, 150, 0);		/* queued behind the old ones */
	CU_ASSERT(drain(s, 10000));
	check_invariant(s, &st);
	CU_ASSERT_EQUAL(st.published, 150);
	s->ops->close(s);
	check_stream(&sv, NULL, 0, 150, 0);
	CU_ASSERT_EQUAL(tmpdir_count(spool_dir, ".seg"), 0);
	teardown(&sv);
}

static void
test_spool_full(void)
{
	struct server sv;
	struct sink_stats st;
	struct sink *s;
	long got;

	if (setup(&sv) != 0)
		return;
	sv.port = free_port();
	s = sink_open(&sv, NULL, 16384, 0, NULL);
	CU_ASSERT_FATAL(s != NULL);
	write_range(s, 0, 300, 10);
	check_invariant(s, &st);
	CU_ASSERT(st.dropped > 0);
	CU_ASSERT(st.spool_pending > 0);
	CU_ASSERT_EQUAL(st.spool_pending + st.dropped, 300);
	CU_ASSERT_EQUAL(log_count("spool full"), 1);
	CU_ASSERT_FATAL(server_start(&sv, NULL, NULL) == 0);
	CU_ASSERT(drain(s, 10000));
	check_invariant(s, &st);
	got = check_stream(&sv, NULL, 0, 300, 1);
	CU_ASSERT_EQUAL((uint64_t)got, st.published);
	CU_ASSERT_EQUAL(st.published + st.dropped, 300);
	s->ops->close(s);
	teardown(&sv);
}

/* ---- edgeward-tail ------------------------------------------------------- */

static int
run(const char *cmd, char *out, size_t cap)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0;
	int st;

	if (p == NULL)
		return -1;
	while (n + 1 < cap && fgets(out + n, (int)(cap - n), p) != NULL)
		n += strlen(out + n);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_tail(void)
{
	const char *bd = getenv("top_builddir");
	struct server sv;
	struct sink *s;
	char cmd[1024], out[8192], tail[512];
	int i, rc, lines = 0;
	char *p;

	if (setup(&sv) != 0)
		return;
	snprintf(tail, sizeof(tail), "%s/edgeward-tail", bd ? bd : ".");
	CU_ASSERT_FATAL(access(tail, X_OK) == 0);
	CU_ASSERT_FATAL(server_start(&sv, NULL, NULL) == 0);
	s = sink_open(&sv, NULL, 0, 0, NULL);
	CU_ASSERT_FATAL(s != NULL);
	for (i = 0; i < 40; i++)
		write_one(s, i, i % 2 ? "tunnel" : "weak_auth",
		    i % 4 < 2 ? "low" : "critical");
	CU_ASSERT(drain(s, 5000));

	/* weak_auth and critical: i % 4 == 2 -> 2, 6, 10 ... */
	snprintf(cmd, sizeof(cmd), "timeout 20 %s --redis redis://127.0.0.1:%d"
	    " --from-start --group g1 --consumer c1 --kind weak_auth "
	    "--min-severity high --json --count 3", tail, sv.port);
	rc = run(cmd, out, sizeof(out));
	CU_ASSERT_EQUAL(rc, 0);
	for (p = out; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	CU_ASSERT_EQUAL(lines, 3);
	CU_ASSERT(strstr(out, "\"finding_id\":\"t-000002\"") != NULL);
	CU_ASSERT(strstr(out, "\"finding_id\":\"t-000010\"") != NULL);
	CU_ASSERT(strstr(out, "t-000014") == NULL);

	/* the readable form; the group goes on where it stopped */
	snprintf(cmd, sizeof(cmd), "timeout 20 %s --redis redis://127.0.0.1:%d"
	    " --group g1 --consumer c1 --count 1 --kind tunnel", tail, sv.port);
	rc = run(cmd, out, sizeof(out));
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out, "2024-01-01T00:00:00.000000Z critical "
	    "tunnel 192.0.2.1:1035 -> [2001:db8::1]:21 sensor=test-sensor "
	    "id=t-000011\n");

	/* new findings arrive while it waits */
	snprintf(cmd, sizeof(cmd), "timeout 20 %s --redis redis://127.0.0.1:%d"
	    " --group g2 --count 2 --json > %s/tail.out & ", tail, sv.port,
	    sv.dir);
	CU_ASSERT(system(cmd) == 0);
	msleep(300);
	write_range(s, 100, 102, 0);
	CU_ASSERT(drain(s, 5000));
	msleep(1500);
	snprintf(cmd, sizeof(cmd), "cat %s/tail.out", sv.dir);
	run(cmd, out, sizeof(out));
	CU_ASSERT(strstr(out, "t-000100") != NULL &&
	    strstr(out, "t-000101") != NULL);

	/* errors: one line, and the exit status says which kind */
	snprintf(cmd, sizeof(cmd), "%s --redis redis://127.0.0.1:%d 2>&1",
	    tail, free_port());
	rc = run(cmd, out, sizeof(out));
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT(strncmp(out, "edgeward-tail: cannot connect to", 32) == 0);
	snprintf(cmd, sizeof(cmd), "%s --min-severity bogus 2>&1", tail);
	CU_ASSERT_EQUAL(run(cmd, out, sizeof(out)), 2);
	snprintf(cmd, sizeof(cmd), "%s --redis http://x 2>&1", tail);
	CU_ASSERT_EQUAL(run(cmd, out, sizeof(out)), 2);
	CU_ASSERT(strstr(out, "redis://") != NULL);
	s->ops->close(s);
	teardown(&sv);
}

UNIT_MAIN("redis",
    { "URL parser, hostile input", test_url_parser },
    { "password file", test_password_file },
    { "publish and read back", test_roundtrip },
    { "Unix socket and database number", test_unix_socket_db },
    { "Redis down at open", test_down_at_open },
    { "outage mid-run, exactly once", test_mid_run_outage },
    { "in-flight findings reconciled", test_in_flight_reconciled },
    { "slow Redis", test_slow_redis },
    { "wrong password", test_wrong_password },
    { "ACL user without XADD", test_noperm },
    { "spool across two instances", test_spool_across_instances },
    { "spool full", test_spool_full },
    { "edgeward-tail", test_tail })
