/*
 * main.c - edgeward's command line: options, configuration, start-up,
 * signals, and the end-of-run summary.  Only this file exits.
 *
 * Signals: the handlers only set flags.  Every thread but the control
 * thread blocks the signals, so capture and worker system calls are never
 * interrupted; the control thread wakes (every 100 ms or at once when a
 * signal interrupts its sleep) and does the work:
 *   SIGINT, SIGTERM  stop: readers end their input, workers drain and end
 *                    every flow, the publisher flushes its sinks (Redis
 *                    spools what it could not deliver), main prints the
 *                    summary and exits 0.
 *   SIGHUP           reload the configuration file into a new struct
 *                    config (command-line settings applied again on top).
 *                    A broken file changes nothing and is reported in one
 *                    line (FILE:LINE: why).  Otherwise the run-time keys
 *                    (config_runtime_key) that changed are published as a
 *                    new immutable snapshot, which workers apply at their
 *                    next tick and the publisher at its next poll; other
 *                    changed keys are named as needing a restart.  Every
 *                    SIGHUP also reopens the output file (logrotate).
 *   SIGUSR1          the publisher prints the summary table to stderr.
 */
#include "ac-config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ndpi_api.h>
#include <pcap/pcap.h>

#include "afpacket.h"
#include "capture.h"
#include "config.h"
#include "correlator.h"
#include "crypto.h"
#include "detector.h"
#include "dpi.h"
#include "geoip.h"
#include "redis_conn.h"
#include "redis_sink.h"
#include "report.h"
#include "output.h"
#include "sentinel.h"
#include "ring.h"
#include "sensor.h"
#include "sigdb.h"
#include "spool.h"
#include "stats.h"
#include "worker.h"

#define MAX_INPUTS	CAPTURE_MAX_FILES
#define MAX_OVERRIDES	64

/* The mutable globals: flags the signal handlers set. */
static volatile sig_atomic_t stop_flag, reload_flag, stats_flag;

struct options {
	const char	*files[MAX_INPUTS];
	unsigned	 nfiles;
	const char	*ifaces[MAX_INPUTS];
	unsigned	 nifaces;
	const char	*config_file;
	const char	*ov_key[MAX_OVERRIDES];
	const char	*ov_val[MAX_OVERRIDES];
	char		 ov_buf[MAX_OVERRIDES][CONFIG_STR + 64];
	unsigned	 nov;
	int		 check_config;
	int		 list_dissectors;
	int		 list_detectors;
	int		 quiet;
};

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_flag = 1;
	else if (sig == SIGUSR1)
		stats_flag = 1;
	else
		stop_flag = 1;
}

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: edgeward [options] [-r FILE ...] [-i IFACE ...] [BPF expression]\n"
"\n"
"Passive sensor for cleartext credentials, edge-device management and\n"
"capture sessions, tunnels and remote-access tools.  Findings are JSON lines.\n"
"\n"
"  -r, --read FILE         read a pcap/pcapng file ('-' for stdin); repeatable\n"
"  -i, --interface IFACE   capture live on IFACE; repeatable\n"
"  -o, --output FILE       write findings to FILE instead of stdout\n"
"  -w, --workers N         worker threads (default: one per CPU)\n"
"  -c, --config FILE       configuration file (edgeward.conf(5))\n"
"      --set KEY=VALUE     set any configuration key (repeatable)\n"
"  -s, --snaplen N         live snap length\n"
"  -B, --buffer-size MIB   live kernel buffer per interface\n"
"  -p, --no-promisc        do not put interfaces in promiscuous mode\n"
"      --reveal-secrets    put cleartext secrets in findings (off: HMAC only)\n"
"      --redis URL         also publish to Redis: redis://[user:pass@]host:port[/db]\n"
"                          or unix:///path[?db=N] (see edgeward.conf(5))\n"
"      --geoip FILE        MaxMind City/Country or ASN database (repeatable)\n"
"      --report FILE.html  write an HTML report of the run at its end\n"
"  -u, --user USER         drop privileges to USER after opening captures\n"
"      --check-config      validate the configuration and exit\n"
"      --list-dissectors   list the protocol dissectors and exit\n"
"      --list-detectors    list the detectors and exit\n"
"  -q, --quiet             no progress line, no summary table at the end\n"
"  -V, --version           print the version and exit\n"
"  -h, --help              this help\n");
}

static int
add_override(struct options *o, const char *key, const char *val)
{
	if (o->nov >= MAX_OVERRIDES) {
		fprintf(stderr, "edgeward: too many --set options\n");
		return -1;
	}
	o->ov_key[o->nov] = key;
	o->ov_val[o->nov] = val;
	o->nov++;
	return 0;
}

static int
parse_args(int argc, char **argv, struct options *o, char *bpf, size_t bpflen)
{
	static const struct option longopts[] = {
		{ "read", required_argument, NULL, 'r' },
		{ "interface", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "workers", required_argument, NULL, 'w' },
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 'S' },
		{ "snaplen", required_argument, NULL, 's' },
		{ "buffer-size", required_argument, NULL, 'B' },
		{ "no-promisc", no_argument, NULL, 'p' },
		{ "reveal-secrets", no_argument, NULL, 'R' },
		{ "redis", required_argument, NULL, 'D' },
		{ "geoip", required_argument, NULL, 'G' },
		{ "report", required_argument, NULL, 'H' },
		{ "user", required_argument, NULL, 'u' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "list-dissectors", no_argument, NULL, 'L' },
		{ "list-detectors", no_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *eq;
	int ch, i;
	size_t used = 0;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+r:i:o:w:c:s:B:u:pqVh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
		case 'i':
			if ((ch == 'r' ? o->nfiles : o->nifaces) >= MAX_INPUTS) {
				fprintf(stderr, "edgeward: at most %d inputs\n",
				    MAX_INPUTS);
				return -1;
			}
			if (ch == 'r')
				o->files[o->nfiles++] = optarg;
			else
				o->ifaces[o->nifaces++] = optarg;
			break;
		case 'o':
			if (add_override(o, "output_file", optarg) < 0)
				return -1;
			break;
		case 'w':
			if (add_override(o, "workers", optarg) < 0)
				return -1;
			break;
		case 's':
			if (add_override(o, "snaplen", optarg) < 0)
				return -1;
			break;
		case 'B':
			if (add_override(o, "buffer_mb", optarg) < 0)
				return -1;
			break;
		case 'p':
			if (add_override(o, "promisc", "no") < 0)
				return -1;
			break;
		case 'R':
			if (add_override(o, "reveal_secrets", "yes") < 0)
				return -1;
			break;
		case 'D':
			if (add_override(o, "redis_url", optarg) < 0)
				return -1;
			break;
		case 'G':
			if (add_override(o, "geoip_db", optarg) < 0)
				return -1;
			break;
		case 'u':
			/* An empty name would silently stay root. */
			if (optarg[0] == '\0') {
				fprintf(stderr, "edgeward: -u needs a user name "
				    "(leave -u out to run as the starting "
				    "user)\n");
				return -1;
			}
			if (add_override(o, "user", optarg) < 0)
				return -1;
			break;
		case 'H':
			if (add_override(o, "report_file", optarg) < 0)
				return -1;
			break;
		case 'c':
			o->config_file = optarg;
			break;
		case 'S':
			if ((eq = strchr(optarg, '=')) == NULL) {
				fprintf(stderr, "edgeward: --set needs KEY=VALUE, "
				    "got '%s'\n", optarg);
				return -1;
			}
			snprintf(o->ov_buf[o->nov], sizeof(o->ov_buf[0]), "%.*s",
			    (int)(eq - optarg), optarg);
			if (add_override(o, o->ov_buf[o->nov], eq + 1) < 0)
				return -1;
			break;
		case 'C':
			o->check_config = 1;
			break;
		case 'L':
			o->list_dissectors = 1;
			break;
		case 'T':
			o->list_detectors = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'V':
			printf("edgeward %s (nDPI %s, %s)\n", PACKAGE_VERSION,
			    ndpi_revision(), pcap_lib_version());
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		case '?':
		default:
			if (optopt != 0)
				fprintf(stderr, "edgeward: unknown option '-%c' "
				    "(see edgeward --help)\n", optopt);
			else
				fprintf(stderr, "edgeward: unknown or incomplete "
				    "option '%s' (see edgeward --help)\n",
				    argv[optind - 1]);
			return -1;
		}
	}
	/* What remains is a BPF expression, as with tcpdump. */
	bpf[0] = '\0';
	for (i = optind; i < argc; i++) {
		size_t l = strlen(argv[i]);

		if (used + l + 2 > bpflen) {
			fprintf(stderr, "edgeward: filter expression too long\n");
			return -1;
		}
		if (used > 0)
			bpf[used++] = ' ';
		memcpy(bpf + used, argv[i], l + 1);
		used += l;
	}
	return 0;
}

/*
 * Reads secret_key_file into key (its first cap bytes) and refuses what
 * cannot be a secret key (issue 13): a file that is not a regular one (a
 * directory, /dev/zero, a FIFO, which would also block), fewer than
 * KEY_MIN bytes, and a low-entropy key: fewer than KEY_MIN_VALUES distinct
 * byte values, or one value in more than half of the bytes (all zero, one
 * byte or a short word repeated).  A random key passes, raw or written in
 * hex: 16 random bytes show fewer than 8 values with a probability of
 * about 1e-12, 32 random hex digits about 4e-8.  *len is the key's length.
 */
#define KEY_MIN		16
#define KEY_MIN_VALUES	8

static int
read_key(const char *path, uint8_t *key, size_t cap, size_t *len,
    char *errbuf, size_t errlen)
{
	unsigned count[256] = { 0 }, values = 0, most = 0;
	struct stat sb;
	ssize_t n;
	size_t i;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		snprintf(errbuf, errlen, "cannot open secret_key_file %s: %s "
		    "(create one: head -c 32 /dev/urandom > %s; chmod 600 %s)",
		    path, strerror(errno), path, path);
		return -1;
	}
	if (fstat(fd, &sb) != 0)
		sb.st_mode = 0;
	if (!S_ISREG(sb.st_mode)) {
		snprintf(errbuf, errlen, "secret_key_file %s is %s, not a file "
		    "(create one: head -c 32 /dev/urandom > FILE; chmod 600 "
		    "FILE)", path, S_ISDIR(sb.st_mode) ? "a directory" :
		    "a device, FIFO or socket");
		close(fd);
		return -1;
	}
	n = read(fd, key, cap);
	close(fd);
	if (n < KEY_MIN) {
		secure_zero(key, cap);
		snprintf(errbuf, errlen, "secret_key_file %s holds %zd bytes; "
		    "it needs at least %d (head -c 32 /dev/urandom > %s)", path,
		    n < 0 ? (ssize_t)0 : n, KEY_MIN, path);
		return -1;
	}
	for (i = 0; i < (size_t)n; i++)
		if (count[key[i]]++ == 0)
			values++;
	for (i = 0; i < 256; i++)
		if (count[i] > most)
			most = count[i];
	if (values < KEY_MIN_VALUES || 2 * (size_t)most > (size_t)n) {
		secure_zero(key, cap);
		snprintf(errbuf, errlen, "secret_key_file %s is not a random key "
		    "(%u distinct byte values in %zd bytes, one of them %u "
		    "times); fingerprints under it could be brute-forced "
		    "(head -c 32 /dev/urandom > %s)", path, values, n, most,
		    path);
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

/*
 * The HMAC key for secret fingerprints: the key file's bytes (read_key),
 * or a random per-run key (fingerprints then only correlate within a run).
 */
static int
load_key(struct sensor *s, char *errbuf, size_t errlen)
{
	const char *path = s->cfg.secret_key_file;
	struct stat sb;
	int fd;

	if (path[0] == '\0') {
		s->key_ephemeral = 1;
		s->hmac_key_len = 32;
		if ((fd = open("/dev/urandom", O_RDONLY)) < 0 ||
		    read(fd, s->hmac_key, 32) != 32) {
			snprintf(errbuf, errlen, "cannot read /dev/urandom for a "
			    "per-run secret key");
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
		return 0;
	}
	if (read_key(path, s->hmac_key, sizeof(s->hmac_key), &s->hmac_key_len,
	    errbuf, errlen) < 0)
		return -1;
	if (stat(path, &sb) == 0 && (sb.st_mode & 0077))
		fprintf(stderr, "edgeward: warning: %s is readable by others "
		    "(chmod 600 %s)\n", path, path);
	return 0;
}

#define DEFAULT_CONFIG	SYSCONFDIR "/edgeward/edgeward.conf"

/*
 * Builds a configuration: defaults, then the file (-c, or the default file
 * when it exists), then the command line in order.  Returns the number of
 * keys the file set, or -1 with errbuf set.  *file is the file read, or
 * NULL.  Called at start and on every SIGHUP.
 */
static int
build_config(const struct options *o, struct config *cfg, const char *bpf,
    const char **file, char *errbuf, size_t errlen)
{
	char err[512];
	unsigned i;
	int nset = 0;

	config_defaults(cfg);
	*file = o->config_file;
	if (*file == NULL && access(DEFAULT_CONFIG, F_OK) == 0)
		*file = DEFAULT_CONFIG;
	if (*file != NULL &&
	    (nset = config_load(cfg, *file, errbuf, errlen)) < 0)
		return -1;
	for (i = 0; i < o->nov; i++)
		if (config_set(cfg, o->ov_key[i], o->ov_val[i], err,
		    sizeof(err)) < 0) {
			snprintf(errbuf, errlen, "%s", err);
			return -1;
		}
	if (bpf[0] != '\0' && config_set(cfg, "bpf", bpf, err,
	    sizeof(err)) < 0) {
		snprintf(errbuf, errlen, "%s", err);
		return -1;
	}
	/* An empty sensor_name (as in the shipped file) means the host name. */
	if (cfg->sensor_name[0] == '\0' &&
	    gethostname(cfg->sensor_name, sizeof(cfg->sensor_name) - 1) != 0)
		snprintf(cfg->sensor_name, sizeof(cfg->sensor_name), "edgeward");
	return nset;
}

/*
 * Empties the capability bounding set (while root still holds
 * CAP_SETPCAP, which dropping needs, before setuid), so that nothing this process or a
 * child executes can regain a capability; a capability the set no longer
 * holds is skipped.  The loop ends at the first number the kernel does not
 * know.
 */
static int
clear_bounding_set(char *errbuf, size_t errlen)
{
	int cap, r;

	for (cap = 0; cap < 64; cap++) {
		if ((r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0)) < 0)
			break;
		if (r == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			snprintf(errbuf, errlen, "cannot clear the capability "
			    "bounding set (capability %d): %s (edgeward needs "
			    "CAP_SETPCAP to drop it; add it to the unit's "
			    "CapabilityBoundingSet)", cap, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/*
 * Drops root for USER once every capture handle, output and spool is open:
 * supplementary groups, group, the capability bounding set, then user, and
 * no-new-privileges (no set-user-ID or file capability takes effect in an
 * execve() after it); refuses to go on if any step fails or root can be
 * regained.
 */
static int
drop_privileges(const char *user, char *errbuf, size_t errlen)
{
	struct passwd *pw;

	if (user[0] == '\0')
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(errbuf, errlen, "user '%s' does not exist (create it "
		    "or change the user key)", user);
		return -1;
	}
	if (getuid() != 0 && geteuid() != 0) {
		if (getuid() != pw->pw_uid) {
			snprintf(errbuf, errlen, "cannot switch to user %s: not "
			    "running as root", user);
			return -1;
		}
	} else {
		/* The set does not limit what this process holds now: the
		 * set*id calls below keep their capabilities. */
		if (clear_bounding_set(errbuf, errlen) < 0)
			return -1;
		if (setgroups(1, &pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
		    setuid(pw->pw_uid) < 0) {
			snprintf(errbuf, errlen, "cannot drop privileges to %s: "
			    "%s", user, strerror(errno));
			return -1;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(errbuf, errlen, "cannot set no-new-privileges after "
		    "dropping to %s: %s", user, strerror(errno));
		return -1;
	}
	if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(errbuf, errlen, "privilege drop to %s did not stick",
		    user);
		return -1;
	}
	return 0;
}

static void
redis_log(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "edgeward: %s\n", line);
}

/* "stream,list,channel" to REDIS_MODE_* bits; -1 on an unknown word. */
static int
redis_modes(const char *text, unsigned *out)
{
	char buf[64], *tok, *save = NULL;

	*out = 0;
	snprintf(buf, sizeof(buf), "%s", text);
	for (tok = strtok_r(buf, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		if (strcmp(tok, "stream") == 0)
			*out |= REDIS_MODE_STREAM;
		else if (strcmp(tok, "list") == 0)
			*out |= REDIS_MODE_LIST;
		else if (strcmp(tok, "channel") == 0)
			*out |= REDIS_MODE_CHANNEL;
		else
			return -1;
	}
	return 0;
}

static struct sink *
open_redis(const struct config *c, char *err, size_t errlen)
{
	struct redis_opts ro;

	memset(&ro, 0, sizeof(ro));
	ro.url = c->redis_url;
	ro.password_file = c->redis_password_file[0] ? c->redis_password_file :
	    NULL;
	ro.prefix = c->redis_prefix;
	if (redis_modes(c->redis_mode, &ro.modes) < 0) {
		snprintf(err, errlen, "redis_mode '%s': use a comma list of "
		    "stream, list, channel", c->redis_mode);
		return NULL;
	}
	ro.maxlen = c->redis_maxlen;
	ro.spool_dir = c->spool_dir;
	ro.spool_max_bytes = c->spool_max_bytes;
	ro.sentinels = c->redis_sentinels;
	ro.master_name = c->redis_master_name;
	ro.sentinel_password_file = c->redis_sentinel_password_file;
	ro.log = redis_log;
	return redis_sink_open(&ro, err, errlen);
}

/* The smallest AF_PACKET block (a power of two) for a snap length. */
static unsigned long long
block_for(unsigned snaplen)
{
	unsigned long long b = 64 * 1024;

	while (b < (unsigned long long)snaplen + 256)
		b <<= 1;
	return b;
}

/* A byte count as a size value would be written: "512m", "1g", "1536k". */
static const char *
size_str(uint64_t n, char *buf, size_t len)
{
	static const char units[] = "gmk";
	unsigned i;

	for (i = 0; i < 3; i++) {
		uint64_t u = 1ULL << (10 * (3 - i));

		if (n != 0 && n % u == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", n / u, units[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%" PRIu64, n);
	return buf;
}

/*
 * Keys that are each within their range but together leave a table no room
 * for what it holds (issue 13): the flow hash's buckets are charged to
 * flow_memcap before any flow, so flow_hash_size=67108864 (512 MiB of
 * buckets) with the default 512m memcap tracked no flow at all.  The rules
 * (edgeward.conf(5), LIMITS):
 *  - the buckets may take at most half of flow_memcap;
 *  - one flow's out-of-order data, both directions at stream_ooo_max,
 *    must fit in what the buckets leave, so one flow cannot evict all
 *    the others.
 */
static int
check_limits(const struct config *c, char *err, size_t errlen)
{
	uint64_t buckets = flow_table_bucket_bytes(c->flow_hash_size);
	uint64_t ooo = 2 * (uint64_t)c->stream_ooo_max, fit;
	char a[32], b[32], d[32], e[32], g[32], h[32];
	unsigned max_hash;

	if (buckets > c->flow_memcap / 2) {
		for (max_hash = 1024; flow_table_bucket_bytes(max_hash * 2) <=
		    c->flow_memcap / 2; max_hash *= 2)
			;
		snprintf(err, errlen, "flow_hash_size %u and flow_memcap %s: "
		    "the hash buckets (%s per worker) would take more than half "
		    "of the memcap, leaving too little for flows (lower "
		    "flow_hash_size to %u or raise flow_memcap to %s)",
		    c->flow_hash_size, size_str(c->flow_memcap, a, sizeof(a)),
		    size_str(buckets, b, sizeof(b)), max_hash,
		    size_str((2 * buckets + (1 << 20) - 1) & ~(uint64_t)((1 << 20)
		    - 1), d, sizeof(d)));
		return -1;
	}
	if (ooo > c->flow_memcap - buckets) {
		fit = ((c->flow_memcap - buckets) / 2) & ~(uint64_t)1023;
		snprintf(err, errlen, "stream_ooo_max %s and flow_memcap %s: one "
		    "flow's out-of-order data (%s, both directions) would not "
		    "fit in the memcap less its hash buckets (%s), so one flow "
		    "could evict every other (lower stream_ooo_max to %s or "
		    "raise flow_memcap to %s)",
		    size_str(c->stream_ooo_max, a, sizeof(a)),
		    size_str(c->flow_memcap, b, sizeof(b)),
		    size_str(ooo, d, sizeof(d)), size_str(buckets, e, sizeof(e)),
		    size_str(fit, g, sizeof(g)),
		    size_str((buckets + ooo + (1 << 20) - 1) & ~(uint64_t)((1 <<
		    20) - 1), h, sizeof(h)));
		return -1;
	}
	return 0;
}

/*
 * The Redis spool, created as root before the drop to the user key's user,
 * must be the user's to write (spool_dir_for_user): fix at start, check
 * only for --check-config.
 */
static int
spool_for_user(const struct config *c, int fix, char *err, size_t errlen)
{
	struct passwd *pw;

	if (c->user[0] == '\0' || (c->redis_url[0] == '\0' &&
	    c->redis_sentinels[0] == '\0') || c->spool_dir[0] == '\0' ||
	    (pw = getpwnam(c->user)) == NULL)
		return 0;
	return spool_dir_for_user(c->spool_dir, c->user, pw->pw_uid,
	    pw->pw_gid, fix, err, errlen);
}

/*
 * Checks across keys that config_set cannot see.  Always: redis_mode words,
 * the Redis URL, that the user exists, the cross-key limits
 * (check_limits).  deep (--check-config) also opens what the run would
 * open: the GeoIP databases, the secret key and Redis password files, the
 * capture filter, the output file's directory, and checks that the user
 * can write the spool.
 */
static int
validate_config(const struct config *c, int deep, char *err, size_t errlen)
{
	struct redis_target rt;
	struct stat sb;
	unsigned modes, i;
	char dir[CONFIG_STR], *slash;

	if (redis_modes(c->redis_mode, &modes) < 0) {
		snprintf(err, errlen, "redis_mode '%s': use a comma list of "
		    "stream, list, channel", c->redis_mode);
		return -1;
	}
	if (c->redis_url[0] != '\0' &&
	    redis_url_parse(c->redis_url, &rt, err, errlen) < 0)
		return -1;
	secure_zero(&rt, sizeof(rt));
	if (c->redis_sentinels[0] != '\0') {
		struct sentinel_set ss;

		if (sentinel_parse(c->redis_sentinels, c->redis_master_name,
		    &ss, err, errlen) < 0)
			return -1;
		if (deep && c->redis_sentinel_password_file[0] != '\0' &&
		    sentinel_password_file(c->redis_sentinel_password_file,
		    &ss, err, errlen) < 0)
			return -1;
		secure_zero(&ss, sizeof(ss));
	}
	if (c->user[0] != '\0' && getpwnam(c->user) == NULL) {
		snprintf(err, errlen, "user '%s' does not exist (create it or "
		    "change the user key)", c->user);
		return -1;
	}
	/* A block holds whole packets: the kernel would cut longer ones. */
	if (c->afpacket_block_size < (uint64_t)c->snaplen + 256) {
		snprintf(err, errlen, "afpacket_block_size %llu cannot hold a "
		    "packet of snaplen %u bytes (raise it to %llu or lower "
		    "snaplen)", (unsigned long long)c->afpacket_block_size,
		    c->snaplen, (unsigned long long)block_for(c->snaplen));
		return -1;
	}
	if (check_limits(c, err, errlen) < 0)
		return -1;
	if (!deep)
		return 0;
	if (c->geoip_db_count > 0) {
		const char *paths[CONFIG_MAX_LIST];
		struct geoip *g;

		for (i = 0; i < c->geoip_db_count; i++)
			paths[i] = c->geoip_db[i];
		if ((g = geoip_open(paths, c->geoip_db_count, err, errlen)) ==
		    NULL)
			return -1;
		geoip_close(g);
	}
	if (c->secret_key_file[0] != '\0') {
		uint8_t key[sizeof(((struct sensor *)0)->hmac_key)];
		size_t len;
		int r = read_key(c->secret_key_file, key, sizeof(key), &len,
		    err, errlen);

		secure_zero(key, sizeof(key));
		if (r < 0)
			return -1;
	}
	if (c->redis_password_file[0] != '\0' &&
	    access(c->redis_password_file, R_OK) < 0) {
		snprintf(err, errlen, "redis_password_file %s: %s",
		    c->redis_password_file, strerror(errno));
		return -1;
	}
	if (c->bpf[0] != '\0') {
		struct bpf_program prog;
		pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);

		if (dead == NULL || pcap_compile(dead, &prog, c->bpf, 1,
		    PCAP_NETMASK_UNKNOWN) < 0) {
			snprintf(err, errlen, "bad capture filter '%.300s': %s",
			    c->bpf, dead ? pcap_geterr(dead) : "out of memory");
			if (dead != NULL)
				pcap_close(dead);
			return -1;
		}
		pcap_freecode(&prog);
		pcap_close(dead);
	}
	if (c->output_file[0] != '\0' && strcmp(c->output_file, "-") != 0) {
		snprintf(dir, sizeof(dir), "%s", c->output_file);
		if ((slash = strrchr(dir, '/')) == NULL)
			snprintf(dir, sizeof(dir), ".");
		else if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
		if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "output_file %s: directory %s does "
			    "not exist", c->output_file, dir);
			return -1;
		}
	}
	return spool_for_user(c, 0, err, errlen);
}

/* ---- control thread: signals' work (see the top of this file) ---------- */

struct control {
	const struct options	*o;
	const char		*bpf;
	struct config		 running;	/* what the sensor runs with */
	struct runtime		*rt;
	struct cfg_snapshot	*snaps;		/* newest first */
	uint64_t		 gen;
	struct worker		*workers;
	unsigned		 nworkers;
	struct publisher	*pub;
	_Atomic int		 done;
	int			 wake_fd;	/* eventfd: main says done */
	pthread_t		 thread;
};

static void
append_name(char *buf, size_t len, const char *name)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n ? ", " : "", name);
}

/*
 * SIGHUP: a new configuration in full, then only its run-time changes on
 * top of the running one, published as the next snapshot.  One line says
 * what happened.
 */
static void
control_reload_config(struct control *ctl)
{
	const struct config_key *k;
	struct cfg_snapshot *sn;
	struct config *next;
	const char *file = NULL;
	char err[1024], applied[512] = "", restart[512] = "";
	int nset;

	if ((next = malloc(sizeof(*next))) == NULL ||
	    (sn = calloc(1, sizeof(*sn))) == NULL) {
		free(next);
		fprintf(stderr, "edgeward: SIGHUP: out of memory; keeping the "
		    "running configuration\n");
		return;
	}
	if ((nset = build_config(ctl->o, next, ctl->bpf, &file, err,
	    sizeof(err))) < 0 ||
	    validate_config(next, 0, err, sizeof(err)) < 0)
		goto refuse;
	sn->cfg = ctl->running;
	for (k = config_keys; k->name != NULL; k++) {
		if (!config_key_differs(k, &ctl->running, next))
			continue;
		/* stdout or no file to a file (or back) adds or removes a sink */
		if (config_runtime_key(k->name) &&
		    (strcmp(k->name, "output_file") != 0 ||
		    (ctl->pub->file != NULL && next->output_file[0] != '\0' &&
		    strcmp(next->output_file, "-") != 0))) {
			config_copy_key(&sn->cfg, next, k);
			append_name(applied, sizeof(applied), k->name);
		} else
			append_name(restart, sizeof(restart), k->name);
	}
	/* Signatures and sets for the new configuration; a broken file keeps
	 * everything as it is. */
	if ((sn->sigs = sigdb_load(&sn->cfg, NULL, err, sizeof(err))) == NULL)
		goto refuse;
	free(next);
	sn->gen = ++ctl->gen;
	sn->older = ctl->snaps;
	ctl->snaps = sn;
	ctl->running = sn->cfg;
	atomic_store_explicit(&ctl->rt->snap, sn, memory_order_release);
	fprintf(stderr, "edgeward: SIGHUP: reloaded %s (%d keys): applied %s%s%s"
	    "\n", file != NULL ? file : "(no file, defaults)", nset,
	    applied[0] ? applied : "no change",
	    restart[0] ? "; needs a restart, still running the old value: " :
	    "", restart);
	return;
refuse:
	fprintf(stderr, "edgeward: SIGHUP: %s; keeping the running "
	    "configuration and signatures\n", err);
	free(next);
	free(sn);
}

/*
 * Every SIGHUP reopens the output file, even with a broken configuration.
 * The reopen is asked for once the new snapshot is out, so the publisher,
 * which reads reopen_seq before the snapshot, reopens with the new
 * output_file (asked first, a reopen could use the old snapshot and the
 * new path never be opened).
 */
static void
control_reload(struct control *ctl)
{
	control_reload_config(ctl);
	atomic_fetch_add_explicit(&ctl->rt->reopen_seq, 1, memory_order_release);
}

/* Frees the snapshots every reader has moved past (never the newest). */
static void
control_free_old(struct control *ctl, int all)
{
	struct cfg_snapshot **pp, *sn;
	uint64_t min = UINT64_MAX, v;
	unsigned i;

	if (ctl->snaps == NULL)
		return;
	for (i = 0; i < ctl->nworkers; i++)
		if ((v = atomic_load_explicit(&ctl->workers[i].cfg_seen,
		    memory_order_acquire)) < min)
			min = v;
	if ((v = atomic_load_explicit(&ctl->pub->cfg_seen,
	    memory_order_acquire)) < min)
		min = v;
	pp = all ? &ctl->snaps : &ctl->snaps->older;
	while ((sn = *pp) != NULL) {
		if (all || sn->gen < min) {
			*pp = sn->older;
			sigdb_free(sn->sigs);
			free(sn);
		} else
			pp = &sn->older;
	}
	if (all)
		atomic_store_explicit(&ctl->rt->snap, NULL, memory_order_release);
}

/*
 * Sleeps in ppoll() with the signals unblocked for the duration of the
 * call only, so a signal can never slip in between a check of the flags
 * and the sleep; main wakes it for the exit through an eventfd.
 */
static void *
control_main(void *arg)
{
	struct control *ctl = arg;
	struct pollfd pfd;
	struct timespec ts;
	sigset_t open_mask;

	pthread_sigmask(SIG_BLOCK, NULL, &open_mask);
	sigdelset(&open_mask, SIGHUP);
	sigdelset(&open_mask, SIGUSR1);
	sigdelset(&open_mask, SIGINT);
	sigdelset(&open_mask, SIGTERM);
	while (!atomic_load_explicit(&ctl->done, memory_order_acquire)) {
		pfd.fd = ctl->wake_fd;
		pfd.events = POLLIN;
		ts.tv_sec = 1;
		ts.tv_nsec = 0;
		(void)ppoll(&pfd, 1, &ts, &open_mask);
		if (stats_flag) {
			stats_flag = 0;
			atomic_store_explicit(&ctl->rt->stats_request, 1,
			    memory_order_release);
		}
		if (reload_flag) {
			reload_flag = 0;
			control_reload(ctl);
		}
		control_free_old(ctl, 0);
	}
	return NULL;
}

static void
list_dissectors(void)
{
	const struct dissector *const *d;
	const uint16_t *p;

	for (d = dissector_registry; *d != NULL; d++) {
		printf("%-10s %-8s", (*d)->name,
		    ((*d)->transport & DISSECTOR_TCP) ?
		    (((*d)->transport & DISSECTOR_UDP) ? "tcp,udp" : "tcp") :
		    ((*d)->transport & DISSECTOR_UDP) ? "udp" : "frame");
		for (p = (*d)->ports; p != NULL && *p != 0; p++)
			printf("%s%u", p == (*d)->ports ? " " : ",", *p);
		printf("  %s\n", (*d)->description);
	}
}

static void
list_detectors(void)
{
	static const struct {
		unsigned	 bit;
		const char	*name;
	} evs[] = {
		{ DET_EV_FLOW_START, "start" }, { DET_EV_APP, "app" },
		{ DET_EV_FACT, "fact" }, { DET_EV_SESSION, "session" },
		{ DET_EV_PACKET, "packet" }, { DET_EV_FLOW_END, "end" },
		{ DET_EV_TICK, "tick" },
	};
	const struct detector *const *d;
	const struct correlator *const *c;
	char ev[64];
	size_t i, n;

	for (d = detector_registry; *d != NULL; d++) {
		ev[0] = '\0';
		for (i = 0, n = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
			if ((*d)->events & evs[i].bit)
				n += (size_t)snprintf(ev + n, sizeof(ev) - n, "%s%s",
				    n ? "," : "", evs[i].name);
		printf("%-20s %-18s %s\n", (*d)->name, ev, (*d)->description);
	}
	for (c = correlator_registry; *c != NULL; c++)
		printf("%-20s %-18s %s\n", (*c)->name, "correlator",
		    (*c)->description);
}

/*
 * A closed standard descriptor would be handed to the next open(): the
 * spool or a capture would become "standard output".  Each closed one gets
 * /dev/null, standard output read-only so that writing findings to it
 * fails and is reported (file sink) rather than vanishing.
 */
static void
std_fds_reserve(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY) != fd)
			_exit(2);
}

/*
 * CPUs this process may run on.  Offline with one worker and a single CPU,
 * the reader runs the worker itself (worker.h inline_mode): no ring, no
 * copy, no hand-off.  With two or more the reader and the worker overlap,
 * which measured faster in wall time (bench/README.md).
 */
static int
cpus_allowed(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 2;
	return CPU_COUNT(&set);
}

/*
 * A set-up step failed.  A SIGINT or SIGTERM that came while main waited
 * (for a FIFO's writer, or its reader) is the stop it asked for: exit 0
 * with one line, as a stop during the run does.
 */
static int
start_failed(const char *err)
{
	if (stop_flag) {
		fprintf(stderr, "edgeward: stopped by a signal before the run "
		    "began; nothing was analysed\n");
		return 0;
	}
	fprintf(stderr, "edgeward: %s\n", err);
	return 1;
}

int
main(int argc, char **argv)
{
	static struct sensor s;
	static struct options o;
	static struct capture cap;
	static struct publisher pub;
	static struct control ctl;
	static struct runtime rt;
	struct worker *workers = NULL;
	struct sigdb *sigdb;
	struct sigaction sa;
	struct timespec t0, t1;
	struct totals tot;
	struct sink *sink, *report = NULL;
	sigset_t sigs;
	const char *file;
	char err[1024], bpf[1024];
	unsigned i, j, nin;
	size_t ring_mb;
	int rc = 0, nset;

	std_fds_reserve();
	if (parse_args(argc, argv, &o, bpf, sizeof(bpf)) < 0)
		return 2;
	if (o.list_dissectors) {
		list_dissectors();
		return 0;
	}
	if (o.list_detectors) {
		list_detectors();
		return 0;
	}
	if ((nset = build_config(&o, &s.cfg, bpf, &file, err,
	    sizeof(err))) < 0 ||
	    validate_config(&s.cfg, o.check_config, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgeward: %s\n", err);
		return 2;
	}
	if ((s.ndpi_spare = dpi_names_open(&s.ndpi_spare_bytes)) == NULL) {
		fprintf(stderr, "edgeward: nDPI failed to initialise\n");
		return 1;
	}
	if ((sigdb = sigdb_load(&s.cfg, s.ndpi_spare, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "edgeward: %s\n", err);
		return 2;
	}
	s.sigs = sigdb;
	if (o.check_config) {
		sigdb_free(sigdb);
		dpi_names_close(s.ndpi_spare);
		printf("%s: %d keys set, %u from the command line\n",
		    file != NULL ? file : "no configuration file (defaults)",
		    nset, o.nov + (bpf[0] != '\0'));
		printf("configuration OK\n");
		return 0;
	}
	if (o.nfiles == 0 && o.nifaces == 0) {
		fprintf(stderr, "edgeward: nothing to read: give -r FILE or -i "
		    "IFACE (see edgeward --help)\n");
		return 2;
	}
	if (o.nfiles > 0 && o.nifaces > 0) {
		fprintf(stderr, "edgeward: -r and -i cannot be mixed; run one "
		    "edgeward per mode\n");
		return 2;
	}
	if (load_key(&s, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgeward: %s\n", err);
		return 1;
	}
	s.dopts.max_depth = s.cfg.max_encap_depth;
	s.dopts.tzsp_any_port = s.cfg.tzsp_any_port;
	s.dissectors = dissector_registry;
	if (s.cfg.geoip_db_count > 0) {
		const char *paths[CONFIG_MAX_LIST];

		for (i = 0; i < s.cfg.geoip_db_count; i++)
			paths[i] = s.cfg.geoip_db[i];
		if ((s.geo = geoip_open(paths, s.cfg.geoip_db_count, err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, "edgeward: %s\n", err);
			return 1;
		}
	}
	s.live = o.nifaces > 0;
	s.stop = &stop_flag;
	s.rt = &rt;
	nin = s.live ? o.nifaces : 1;
	ring_mb = s.cfg.ring_mb;
	if (!s.live && ring_mb > CAPTURE_OFFLINE_RING_MB)
		ring_mb = CAPTURE_OFFLINE_RING_MB;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/*
	 * Until the threads start, a stop interrupts what main waits in: the
	 * open(2) of a FIFO given as -o or report_file whose reader never
	 * comes would otherwise be restarted for ever.  Afterwards only the
	 * control thread takes signals, in ppoll().
	 */
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	cap.s = &s;
	cap.files = o.files;
	cap.nfiles = o.nfiles;
	cap.ifaces = o.ifaces;
	cap.nifaces = o.nifaces;
	/* The progress line: a terminal, not -q; counts what is published. */
	cap.no_progress = o.quiet;
	cap.published = &pub.st.findings;
	if (capture_open(&cap, err, sizeof(err)) < 0) {
		capture_close(&cap);
		if (s.geo != NULL)
			geoip_close(s.geo);
		sigdb_free(sigdb);
		return start_failed(err);
	}
	if ((workers = calloc(s.cfg.workers, sizeof(*workers))) == NULL) {
		fprintf(stderr, "edgeward: out of memory\n");
		return 1;
	}
	for (i = 0; i < s.cfg.workers; i++) {
		if (worker_init(&workers[i], &s, i, err, sizeof(err)) < 0) {
			fprintf(stderr, "edgeward: %s\n", err);
			return 1;
		}
		/* Offline the publisher merges by packet number; live it
		 * publishes as findings come, so workers need no watermark. */
		workers[i].dispatched = s.live ? NULL : &cap.dispatched;
		/* AF_PACKET: no reader; a hand-off ring from each thread. */
		workers[i].nin = cap.afp != NULL ? s.cfg.workers : nin;
		workers[i].inline_mode = !s.live && s.cfg.workers == 1 &&
		    cpus_allowed() < 2;
		for (j = 0; j < workers[i].nin; j++) {
			if ((workers[i].in[j] = ring_new(cap.afp != NULL ?
			    afpacket_handoff_ring_bytes(&s.cfg) :
			    ring_mb << 20)) == NULL) {
				fprintf(stderr, "edgeward: out of memory for rings "
				    "(lower ring_mb)\n");
				return 1;
			}
			if (!s.live)
				ring_set_batch(workers[i].in[j],
				    CAPTURE_RING_BATCH);
		}
	}
	cap.workers = workers;
	cap.nworkers = s.cfg.workers;

	pub.s = &s;
	pub.workers = workers;
	pub.nworkers = s.cfg.workers;
	pub.cap = &cap;
	if (s.cfg.output_file[0] != '\0') {
		if ((sink = file_sink_open(s.cfg.output_file, s.live,
		    s.cfg.reveal_secrets, err, sizeof(err))) == NULL)
			goto setup_fail;
		pub.sinks[pub.nsinks++] = sink;
		if (strcmp(s.cfg.output_file, "-") != 0)
			pub.file = sink;
	}
	if (s.cfg.redis_url[0] != '\0' || s.cfg.redis_sentinels[0] != '\0') {
		if (spool_for_user(&s.cfg, 1, err, sizeof(err)) < 0 ||
		    (sink = open_redis(&s.cfg, err, sizeof(err))) == NULL)
			goto setup_fail;
		pub.sinks[pub.nsinks++] = sink;
	}
	if (s.cfg.report_file[0] != '\0') {
		struct report_opts rpo;

		memset(&rpo, 0, sizeof(rpo));
		rpo.path = s.cfg.report_file;
		rpo.max_findings = s.cfg.report_max_findings;
		rpo.inputs = s.live ? o.ifaces : o.files;
		rpo.ninputs = s.live ? o.nifaces : o.nfiles;
		rpo.live = s.live;
		rpo.sensor = s.cfg.sensor_name;
		rpo.version = "edgeward " PACKAGE_VERSION;
		if ((report = report_sink_open(&rpo, err, sizeof(err))) == NULL)
			goto setup_fail;
		pub.sinks[pub.nsinks++] = report;
	}
	/* A daemon's fingerprints should survive restarts: say when they won't. */
	if (s.key_ephemeral && o.nifaces > 0)
		fprintf(stderr, "edgeward: note: no secret_key_file set: secret "
		    "fingerprints use a per-run key and will not match across "
		    "restarts (see edgeward.conf(5), SECRETS)\n");
	if (drop_privileges(s.cfg.user, err, sizeof(err)) < 0)
		goto setup_fail;
	/* Only the control thread takes signals (see the top of the file). */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (publisher_start(&pub, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgeward: %s\n", err);
		return 1;
	}
	/* AF_PACKET capture threads are the workers (capture_run). */
	for (i = 0; cap.afp == NULL && i < s.cfg.workers; i++)
		if (worker_start(&workers[i]) < 0) {
			fprintf(stderr, "edgeward: cannot start worker threads\n");
			return 1;
		}
	ctl.o = &o;
	ctl.bpf = bpf;
	ctl.running = s.cfg;
	ctl.rt = &rt;
	ctl.workers = workers;
	ctl.nworkers = s.cfg.workers;
	ctl.pub = &pub;
	if ((ctl.wake_fd = eventfd(0, EFD_CLOEXEC)) < 0 ||
	    pthread_create(&ctl.thread, NULL, control_main, &ctl) != 0) {
		fprintf(stderr, "edgeward: cannot start the control thread\n");
		return 1;
	}
	if (capture_run(&cap, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgeward: %s\n", err);
		rc = 1;
	}
	for (i = 0; cap.afp == NULL && i < s.cfg.workers; i++)
		worker_join(&workers[i]);
	publisher_join(&pub);
	atomic_store_explicit(&ctl.done, 1, memory_order_release);
	if (eventfd_write(ctl.wake_fd, 1) < 0)
		fprintf(stderr, "edgeward: cannot wake the control thread\n");
	pthread_join(ctl.thread, NULL);
	close(ctl.wake_fd);
	control_free_old(&ctl, 1);
	/* The output's last lines, so the summary counts what was lost. */
	for (i = 0; i < pub.nsinks; i++)
		if (strcmp(pub.sinks[i]->ops->name, "file") == 0 &&
		    file_sink_flush(pub.sinks[i]) > 0)
			rc = 1;
	/* Findings a sink lost (its spool full) were not written either. */
	for (i = 0; i < pub.nsinks; i++) {
		struct sink_stats ss;

		memset(&ss, 0, sizeof(ss));
		pub.sinks[i]->ops->stats(pub.sinks[i], &ss);
		if (ss.dropped > 0)
			rc = 1;
	}
	/* A file not read at all is a failure; one read up to damage gave
	 * its findings: 3 (edgeward(8), EXIT STATUS). */
	if (rc == 0 && cap.skipped > 0)
		rc = 1;
	else if (rc == 0 && cap.damaged > 0)
		rc = 3;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!o.quiet || report != NULL)
		totals_collect(&tot, &cap, workers, s.cfg.workers, &pub);
	if (!o.quiet)
		summary_print(stderr, &tot, (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, pub.sinks,
		    pub.nsinks);
	if (report != NULL) {
		uint64_t first = 0, last = 0;

		for (i = 0; cap.st != NULL && i < cap.ninputs; i++) {
			if (cap.st[i].first_ts_us != 0 && (first == 0 ||
			    cap.st[i].first_ts_us < first))
				first = cap.st[i].first_ts_us;
			if (cap.st[i].last_ts_us > last)
				last = cap.st[i].last_ts_us;
		}
		report_sink_run(report, &tot, (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, first, last);
	}
out:
	for (i = 0; i < pub.nsinks; i++)
		pub.sinks[i]->ops->close(pub.sinks[i]);
	if (s.geo != NULL)
		geoip_close(s.geo);
	for (i = 0; i < s.cfg.workers; i++)
		worker_fini(&workers[i]);
	free(workers);
	capture_close(&cap);
	sigdb_free(sigdb);
	secure_zero(s.hmac_key, sizeof(s.hmac_key));
	return rc;

setup_fail:
	/* No thread runs yet: say why, then undo what was opened. */
	rc = start_failed(err);
	goto out;
}
