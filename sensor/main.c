/*
 * main.c - edgeward's command line: options, configuration, start-up,
 * and the end-of-run summary.  Only this file exits.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ndpi_api.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "config.h"
#include "crypto.h"
#include "geoip.h"
#include "redis_sink.h"
#include "output.h"
#include "ring.h"
#include "sensor.h"
#include "stats.h"

#define MAX_INPUTS	16
#define MAX_OVERRIDES	64

static volatile sig_atomic_t stop_flag;	/* the one mutable global */

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
	int		 quiet;
};

static void
on_signal(int sig)
{
	(void)sig;
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
"  -w, --workers N         worker threads (default 1)\n"
"  -c, --config FILE       configuration file (edgeward.conf(5))\n"
"      --set KEY=VALUE     set any configuration key (repeatable)\n"
"  -s, --snaplen N         live snap length\n"
"  -B, --buffer-size MIB   live kernel buffer per interface\n"
"  -p, --no-promisc        do not put interfaces in promiscuous mode\n"
"      --reveal-secrets    put cleartext secrets in findings (off: HMAC only)\n"
"      --redis URL         also publish to Redis: redis://[user:pass@]host:port[/db]\n"
"                          or unix:///path[?db=N] (see edgeward.conf(5))\n"
"      --geoip FILE        MaxMind City/Country or ASN database (repeatable)\n"
"  -u, --user USER         drop privileges to USER after opening captures\n"
"      --check-config      validate the configuration and exit\n"
"      --list-dissectors   list the protocol dissectors and exit\n"
"  -q, --quiet             no summary table at the end\n"
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
		{ "user", required_argument, NULL, 'u' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "list-dissectors", no_argument, NULL, 'L' },
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
			if (add_override(o, "user", optarg) < 0)
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
 * The HMAC key for secret fingerprints: the key file's bytes (at least 16),
 * or a random per-run key (fingerprints then only correlate within a run).
 */
static int
load_key(struct sensor *s, char *errbuf, size_t errlen)
{
	const char *path = s->cfg.secret_key_file;
	struct stat sb;
	ssize_t n;
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
	if ((fd = open(path, O_RDONLY)) < 0) {
		snprintf(errbuf, errlen, "cannot open secret_key_file %s: %s "
		    "(create one: head -c 32 /dev/urandom > %s; chmod 600 %s)",
		    path, strerror(errno), path, path);
		return -1;
	}
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 0077))
		fprintf(stderr, "edgeward: warning: %s is readable by others "
		    "(chmod 600 %s)\n", path, path);
	n = read(fd, s->hmac_key, sizeof(s->hmac_key));
	close(fd);
	if (n < 16) {
		snprintf(errbuf, errlen, "secret_key_file %s holds %zd bytes; "
		    "it needs at least 16 (head -c 32 /dev/urandom > %s)", path,
		    n < 0 ? (ssize_t)0 : n, path);
		return -1;
	}
	s->hmac_key_len = (size_t)n;
	return 0;
}

static int
build_config(struct options *o, struct config *cfg, const char *bpf)
{
	char err[512];
	unsigned i;
	const char *deffile = SYSCONFDIR "/edgeward/edgeward.conf";

	config_defaults(cfg);
	if (o->config_file != NULL) {
		if (config_load(cfg, o->config_file, err, sizeof(err)) < 0) {
			fprintf(stderr, "edgeward: %s\n", err);
			return -1;
		}
	} else if (access(deffile, R_OK) == 0 &&
	    config_load(cfg, deffile, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgeward: %s\n", err);
		return -1;
	}
	for (i = 0; i < o->nov; i++)
		if (config_set(cfg, o->ov_key[i], o->ov_val[i], err,
		    sizeof(err)) < 0) {
			fprintf(stderr, "edgeward: %s\n", err);
			return -1;
		}
	if (bpf[0] != '\0' && config_set(cfg, "bpf", bpf, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "edgeward: %s\n", err);
		return -1;
	}
	return 0;
}

/*
 * Drops root for USER once every capture handle, output and spool is open:
 * supplementary groups, then group, then user; refuses to go on if any step
 * fails or root can be regained.
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
		if (getuid() == pw->pw_uid)
			return 0;
		snprintf(errbuf, errlen, "cannot switch to user %s: not running "
		    "as root", user);
		return -1;
	}
	if (setgroups(1, &pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		snprintf(errbuf, errlen, "cannot drop privileges to %s: %s",
		    user, strerror(errno));
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
	fprintf(stderr, "edgeward: redis: %s\n", line);
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
	ro.log = redis_log;
	return redis_sink_open(&ro, err, errlen);
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
		    "udp");
		for (p = (*d)->ports; p != NULL && *p != 0; p++)
			printf("%s%u", p == (*d)->ports ? " " : ",", *p);
		printf("  %s\n", (*d)->description);
	}
}

int
main(int argc, char **argv)
{
	static struct sensor s;
	static struct options o;
	static struct capture cap;
	static struct publisher pub;
	struct worker *workers = NULL;
	struct sigaction sa;
	struct timespec t0, t1;
	struct totals tot;
	struct sink *sink;
	char err[1024], bpf[1024];
	unsigned i, j, nin;
	int rc = 0;

	if (parse_args(argc, argv, &o, bpf, sizeof(bpf)) < 0)
		return 2;
	if (o.list_dissectors) {
		list_dissectors();
		return 0;
	}
	if (build_config(&o, &s.cfg, bpf) < 0)
		return 2;
	if (o.check_config) {
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
	nin = s.live ? o.nifaces : 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	cap.s = &s;
	cap.files = o.files;
	cap.nfiles = o.nfiles;
	cap.ifaces = o.ifaces;
	cap.nifaces = o.nifaces;
	if (capture_open(&cap, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgeward: %s\n", err);
		capture_close(&cap);
		return 1;
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
		workers[i].dispatched = &cap.dispatched;
		workers[i].nin = nin;
		for (j = 0; j < nin; j++)
			if ((workers[i].in[j] = ring_new((size_t)s.cfg.ring_mb
			    << 20)) == NULL) {
				fprintf(stderr, "edgeward: out of memory for rings "
				    "(lower ring_mb)\n");
				return 1;
			}
	}
	cap.workers = workers;
	cap.nworkers = s.cfg.workers;

	pub.s = &s;
	pub.workers = workers;
	pub.nworkers = s.cfg.workers;
	pub.cap = &cap;
	if (s.cfg.output_file[0] != '\0') {
		if ((sink = file_sink_open(s.cfg.output_file, s.live, err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, "edgeward: %s\n", err);
			return 1;
		}
		pub.sinks[pub.nsinks++] = sink;
	}
	if (s.cfg.redis_url[0] != '\0') {
		if ((sink = open_redis(&s.cfg, err, sizeof(err))) == NULL) {
			fprintf(stderr, "edgeward: %s\n", err);
			return 1;
		}
		pub.sinks[pub.nsinks++] = sink;
	}
	if (drop_privileges(s.cfg.user, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgeward: %s\n", err);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (publisher_start(&pub, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgeward: %s\n", err);
		return 1;
	}
	for (i = 0; i < s.cfg.workers; i++)
		if (worker_start(&workers[i]) < 0) {
			fprintf(stderr, "edgeward: cannot start worker threads\n");
			return 1;
		}
	if (capture_run(&cap, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgeward: %s\n", err);
		rc = 1;
	}
	for (i = 0; i < s.cfg.workers; i++)
		worker_join(&workers[i]);
	publisher_join(&pub);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!o.quiet) {
		totals_collect(&tot, &cap, workers, s.cfg.workers, &pub);
		totals_print(stderr, &tot, (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	for (i = 0; i < pub.nsinks; i++) {
		struct sink_stats ss;

		if (!o.quiet && strcmp(pub.sinks[i]->ops->name, "file") != 0) {
			memset(&ss, 0, sizeof(ss));
			pub.sinks[i]->ops->stats(pub.sinks[i], &ss);
			fprintf(stderr, "  %-28s produced %llu = published %llu + "
			    "spooled %llu + in flight %llu + dropped %llu\n",
			    pub.sinks[i]->ops->name,
			    (unsigned long long)ss.produced,
			    (unsigned long long)ss.published,
			    (unsigned long long)ss.spool_pending,
			    (unsigned long long)ss.inflight,
			    (unsigned long long)ss.dropped);
		}
		pub.sinks[i]->ops->close(pub.sinks[i]);
	}
	if (s.geo != NULL)
		geoip_close(s.geo);
	for (i = 0; i < s.cfg.workers; i++)
		worker_fini(&workers[i]);
	free(workers);
	capture_close(&cap);
	secure_zero(s.hmac_key, sizeof(s.hmac_key));
	return rc;
}
