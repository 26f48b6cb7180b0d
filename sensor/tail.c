/*
 * tail.c - edgeward-tail: follows the findings stream <prefix>:findings
 * through a consumer group (XREADGROUP, then XACK), filters by kind and
 * minimum severity, and prints one line per finding: the finding's JSON
 * (--json) or a readable summary.
 *
 * The group is created at the end of the stream (or its start with
 * --from-start) with MKSTREAM if missing.  --from-start also re-reads this
 * consumer's pending (delivered, never acknowledged) entries first.
 * Filtered-out entries are acknowledged too: in a consumer group they are
 * this consumer's to handle.
 *
 * Exit status: 0 after --count findings or on SIGINT/SIGTERM, 1 on a
 * Redis or connection error, 2 on a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "redis_conn.h"

#define TAIL_MAX_KINDS	16
#define TAIL_BATCH	100
#define TAIL_BLOCK_MS	1000

static volatile sig_atomic_t stop;

struct tail_opts {
	const char	*url;
	const char	*password_file;
	const char	*prefix;
	const char	*group;
	char		 consumer[128];
	const char	*kinds[TAIL_MAX_KINDS];
	size_t		 nkinds;
	int		 min_severity;
	int		 json;
	unsigned long	 count;		/* 0: forever */
	int		 from_start;
	unsigned	 timeout_ms;
};

/* value-to-name map, in increasing severity */
static const char *const severities[] = {
	"info", "low", "medium", "high", "critical"
};

static int
severity_rank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(severities) / sizeof(severities[0]); i++)
		if (strlen(severities[i]) == n && memcmp(s, severities[i],
		    n) == 0)
			return (int)i;
	return -1;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: edgeward-tail [--redis URL] [--password-file FILE] "
	    "[--prefix P]\n"
	    "         [--group G] [--consumer C] [--kind K]... "
	    "[--min-severity S]\n"
	    "         [--json] [--count N] [--from-start] [--timeout-ms MS]\n"
	    "  URL: redis://[user:password@]host:port[/db] or "
	    "unix:///path[?db=N]\n"
	    "  S: info, low, medium, high or critical\n");
}

/* Writes n bytes, control and non-ASCII bytes shown as '?'. */
static void
put_clean(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		putchar(c < 0x20 || c == 0x7f ? '?' : c);
	}
}

/*
 * Finds a top-level key of a JSON object and returns its value's text
 * (a string without its quotes, escapes left as they are, or a number or
 * literal).  Nested objects and arrays are skipped.  0 if not found.
 */
static size_t
json_top_field(const char *js, size_t n, const char *key, const char **val)
{
	size_t i = 0, klen = strlen(key), start, vstart;
	int depth = 0, is_key;

	while (i < n) {
		char c = js[i];

		if (c == '"') {
			start = ++i;
			while (i < n && js[i] != '"')
				i += js[i] == '\\' ? 2 : 1;
			if (i >= n)
				return 0;
			/* A key is a depth-1 string followed by ':'. */
			is_key = 0;
			if (depth == 1) {
				size_t k = i + 1;

				while (k < n && (js[k] == ' ' || js[k] == '\t'))
					k++;
				is_key = k < n && js[k] == ':';
				if (is_key && i - start == klen &&
				    memcmp(js + start, key, klen) == 0) {
					k++;
					while (k < n && js[k] == ' ')
						k++;
					if (k < n && js[k] == '"') {
						vstart = ++k;
						while (k < n && js[k] != '"')
							k += js[k] == '\\' ?
							    2 : 1;
						if (k > n)
							k = n;
						*val = js + vstart;
						return k - vstart;
					}
					vstart = k;
					while (k < n && !strchr(",}] \t", js[k]))
						k++;
					*val = js + vstart;
					return k - vstart;
				}
			}
			i++;
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']')
			depth--;
		i++;
	}
	return 0;
}

struct entry_view {
	const char	*f[5];		/* kind, severity, finding_id, sensor, json */
	size_t		 n[5];
};

static void
entry_fields(const redisReply *kv, struct entry_view *v)
{
	static const char *const names[5] = {
		"kind", "severity", "finding_id", "sensor", "json"
	};
	size_t i, k;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < 5; i++)
		v->f[i] = "";
	if (kv == NULL || kv->type != REDIS_REPLY_ARRAY)
		return;
	for (k = 0; k + 1 < kv->elements; k += 2) {
		const redisReply *key = kv->element[k], *val = kv->element[k + 1];

		if (key->type != REDIS_REPLY_STRING ||
		    val->type != REDIS_REPLY_STRING)
			continue;
		for (i = 0; i < 5; i++)
			if ((size_t)key->len == strlen(names[i]) &&
			    memcmp(key->str, names[i], key->len) == 0) {
				v->f[i] = val->str;
				v->n[i] = (size_t)val->len;
			}
	}
}

static int
wanted(const struct tail_opts *o, const struct entry_view *v)
{
	int rank = severity_rank(v->f[1], v->n[1]);
	size_t i;

	if (rank < 0)
		rank = 0;
	if (rank < o->min_severity)
		return 0;
	if (o->nkinds == 0)
		return 1;
	for (i = 0; i < o->nkinds; i++)
		if (strlen(o->kinds[i]) == v->n[0] &&
		    memcmp(o->kinds[i], v->f[0], v->n[0]) == 0)
			return 1;
	return 0;
}

static void
print_endpoint(const char *js, size_t n, const char *ipkey,
    const char *portkey)
{
	const char *ip, *port;
	size_t il = json_top_field(js, n, ipkey, &ip);
	size_t pl = json_top_field(js, n, portkey, &port);

	if (il == 0) {
		putchar('-');
		return;
	}
	if (memchr(ip, ':', il) != NULL && pl > 0) {
		putchar('[');
		put_clean(ip, il);
		putchar(']');
	} else
		put_clean(ip, il);
	if (pl > 0) {
		putchar(':');
		put_clean(port, pl);
	}
}

static void
print_entry(const struct tail_opts *o, const struct entry_view *v)
{
	const char *js = v->f[4], *ts;
	size_t n = v->n[4], tl;

	if (o->json) {
		put_clean(js, n);
		putchar('\n');
		return;
	}
	tl = json_top_field(js, n, "timestamp", &ts);
	if (tl > 0)
		put_clean(ts, tl);
	else
		putchar('-');
	putchar(' ');
	put_clean(v->f[1], v->n[1]);
	putchar(' ');
	put_clean(v->f[0], v->n[0]);
	putchar(' ');
	print_endpoint(js, n, "src_ip", "src_port");
	fputs(" -> ", stdout);
	print_endpoint(js, n, "dest_ip", "dest_port");
	fputs(" sensor=", stdout);
	put_clean(v->f[3], v->n[3]);
	fputs(" id=", stdout);
	put_clean(v->f[2], v->n[2]);
	putchar('\n');
}

static int
parse_args(int argc, char **argv, struct tail_opts *o)
{
	static const struct option longopts[] = {
		{ "redis", required_argument, NULL, 'r' },
		{ "password-file", required_argument, NULL, 'P' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "group", required_argument, NULL, 'g' },
		{ "consumer", required_argument, NULL, 'c' },
		{ "kind", required_argument, NULL, 'k' },
		{ "min-severity", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'n' },
		{ "from-start", no_argument, NULL, 'f' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char host[64] = "host", *end;
	int ch, r;

	o->url = "redis://127.0.0.1:6379";
	o->prefix = "edgeward";
	o->group = "edgeward-tail";
	o->timeout_ms = 2000;
	gethostname(host, sizeof(host) - 1);
	snprintf(o->consumer, sizeof(o->consumer), "%s-%ld", host,
	    (long)getpid());
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			o->url = optarg;
			break;
		case 'P':
			o->password_file = optarg;
			break;
		case 'p':
			o->prefix = optarg;
			break;
		case 'g':
			o->group = optarg;
			break;
		case 'c':
			r = snprintf(o->consumer, sizeof(o->consumer), "%s",
			    optarg);
			if (r <= 0 || (size_t)r >= sizeof(o->consumer)) {
				fprintf(stderr, "edgeward-tail: --consumer: "
				    "1 to %zu characters\n",
				    sizeof(o->consumer) - 1);
				return -1;
			}
			break;
		case 'k':
			if (o->nkinds == TAIL_MAX_KINDS) {
				fprintf(stderr, "edgeward-tail: at most %d "
				    "--kind options\n", TAIL_MAX_KINDS);
				return -1;
			}
			o->kinds[o->nkinds++] = optarg;
			break;
		case 's':
			o->min_severity = severity_rank(optarg, strlen(optarg));
			if (o->min_severity < 0) {
				fprintf(stderr, "edgeward-tail: --min-severity "
				    "must be info, low, medium, high or "
				    "critical\n");
				return -1;
			}
			break;
		case 'j':
			o->json = 1;
			break;
		case 'n':
			errno = 0;
			o->count = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || *optarg == '-' ||
			    o->count == 0) {
				fprintf(stderr, "edgeward-tail: --count needs "
				    "a positive number\n");
				return -1;
			}
			break;
		case 'f':
			o->from_start = 1;
			break;
		case 't':
			errno = 0;
			o->timeout_ms = (unsigned)strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg ||
			    o->timeout_ms == 0 || o->timeout_ms > 600000) {
				fprintf(stderr, "edgeward-tail: --timeout-ms "
				    "must be 1 to 600000\n");
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "edgeward-tail: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		return -1;
	}
	if (*o->prefix == '\0' || strlen(o->prefix) > 64 || *o->group == '\0') {
		fprintf(stderr, "edgeward-tail: --prefix and --group must not "
		    "be empty (prefix at most 64 characters)\n");
		return -1;
	}
	return 0;
}

/* One command; prints a one-line error and returns NULL on failure. */
static redisReply *
call(redisContext *c, const struct tail_opts *o, const char *what, int argc,
    const char **argv, unsigned extra_ms)
{
	char err[256];
	size_t lens[TAIL_BATCH + 4];
	redisReply *r;
	int i;

	for (i = 0; i < argc; i++)
		lens[i] = strlen(argv[i]);
	if (redis_conn_call(c, argc, argv, lens, o->timeout_ms + extra_ms, &r,
	    err, sizeof(err)) != 0) {
		fprintf(stderr, "edgeward-tail: %s: %s\n", what, err);
		return NULL;
	}
	return r;
}

static int
create_group(redisContext *c, const struct tail_opts *o, const char *key)
{
	const char *argv[6] = { "XGROUP", "CREATE", key, o->group,
	    o->from_start ? "0" : "$", "MKSTREAM" };
	redisReply *r = call(c, o, "XGROUP CREATE", 6, argv, 0);

	if (r == NULL)
		return -1;
	if (r->type == REDIS_REPLY_ERROR &&
	    strncmp(r->str, "BUSYGROUP", 9) != 0) {
		fprintf(stderr, "edgeward-tail: cannot create group %s on %s: "
		    "%.160s\n", o->group, key, r->str);
		freeReplyObject(r);
		return -1;
	}
	freeReplyObject(r);
	return 0;
}

/*
 * Handles one XREADGROUP reply: prints, acknowledges.  Returns the number
 * of entries in it, or -1 on error; *printed counts what was shown.
 */
static int
handle_batch(redisContext *c, const struct tail_opts *o, const char *key,
    const redisReply *r, unsigned long *printed)
{
	const char *ack[TAIL_BATCH + 3] = { "XACK", key, o->group };
	const redisReply *entries;
	struct entry_view v;
	redisReply *ar;
	size_t i;
	int nack = 3;

	if (r->type == REDIS_REPLY_NIL)
		return 0;
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
	    r->element[0]->type != REDIS_REPLY_ARRAY ||
	    r->element[0]->elements != 2 ||
	    r->element[0]->element[1]->type != REDIS_REPLY_ARRAY) {
		fprintf(stderr, "edgeward-tail: unexpected XREADGROUP reply\n");
		return -1;
	}
	entries = r->element[0]->element[1];
	for (i = 0; i < entries->elements && nack < TAIL_BATCH + 3; i++) {
		const redisReply *e = entries->element[i];

		if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
		    e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		ack[nack++] = e->element[0]->str;
		/* A pending entry deleted by MAXLEN comes back as nil. */
		entry_fields(e->element[1], &v);
		if (v.n[4] > 0 && wanted(o, &v)) {
			print_entry(o, &v);
			(*printed)++;
		}
	}
	fflush(stdout);
	if (nack > 3) {
		ar = call(c, o, "XACK", nack, ack, 0);
		if (ar == NULL)
			return -1;
		if (ar->type == REDIS_REPLY_ERROR) {
			fprintf(stderr, "edgeward-tail: XACK refused: %.160s\n",
			    ar->str);
			freeReplyObject(ar);
			return -1;
		}
		freeReplyObject(ar);
	}
	return (int)entries->elements;
}

int
main(int argc, char **argv)
{
	struct redis_target t;
	struct tail_opts o;
	struct sigaction sa;
	enum redis_conn_fail why;
	redisContext *c;
	char err[300], key[96], block[16], batch[16];
	unsigned long printed = 0;
	int pending_phase, rc = 0;

	memset(&o, 0, sizeof(o));
	if (parse_args(argc, argv, &o) != 0)
		return 2;
	if (redis_url_parse(o.url, &t, err, sizeof(err)) != 0 ||
	    (o.password_file && redis_password_file(o.password_file, &t, err,
	    sizeof(err)) != 0)) {
		fprintf(stderr, "edgeward-tail: %s\n", err);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	c = redis_conn_open(&t, o.timeout_ms, o.timeout_ms, &why, err,
	    sizeof(err));
	explicit_bzero(&t.password, sizeof(t.password));
	if (c == NULL) {
		fprintf(stderr, "edgeward-tail: %s\n", err);
		return 1;
	}
	snprintf(key, sizeof(key), "%s:findings", o.prefix);
	snprintf(block, sizeof(block), "%d", TAIL_BLOCK_MS);
	if (create_group(c, &o, key) != 0) {
		redisFree(c);
		return 1;
	}
	pending_phase = o.from_start;
	while (!stop && (o.count == 0 || printed < o.count)) {
		const char *xr[10] = { "XREADGROUP", "GROUP", o.group,
		    o.consumer, "COUNT", batch, "BLOCK", block, "STREAMS", key };
		const char *xargv[11];
		redisReply *r;
		int n;

		/* Never take more than is still to be shown: no entry is
		 * acknowledged without having been considered. */
		snprintf(batch, sizeof(batch), "%lu", o.count == 0 ||
		    o.count - printed > TAIL_BATCH ? TAIL_BATCH :
		    o.count - printed);
		memcpy(xargv, xr, sizeof(xr));
		xargv[10] = pending_phase ? "0" : ">";
		r = call(c, &o, "XREADGROUP", 11, xargv, TAIL_BLOCK_MS);
		if (r == NULL) {
			rc = 1;
			break;
		}
		if (r->type == REDIS_REPLY_ERROR) {
			fprintf(stderr, "edgeward-tail: XREADGROUP refused: "
			    "%.160s\n", r->str);
			freeReplyObject(r);
			rc = 1;
			break;
		}
		n = handle_batch(c, &o, key, r, &printed);
		freeReplyObject(r);
		if (n < 0) {
			rc = 1;
			break;
		}
		if (pending_phase && n == 0)
			pending_phase = 0;
	}
	redisFree(c);
	return rc;
}
