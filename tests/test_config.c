/*
 * test_config.c - the key table parser: defaults, sizes with k/m/g,
 * bounds, booleans, unknown keys, string and list keys, and config files:
 * comments and blank lines, FILE:LINE in errors, overlong lines, NUL
 * bytes, a missing '=', a missing file; the policy list keys (address
 * sets with roles, pairs, words): append, clear, checks at set time,
 * @FILE errors through config_load, the text limit, reload on SIGHUP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addrset.h"
#include "config.h"
#include "unit.h"

#define MB	(1024ULL * 1024)

static struct config cfg;
static char err[512];

static int
set(const char *k, const char *v)
{
	err[0] = '\0';
	return config_set(&cfg, k, v, err, sizeof(err));
}

/* Writes len bytes to a fresh temporary file; returns its path (static). */
static const char *
tmpfile_with(const void *data, size_t len)
{
	static char path[64];
	FILE *f;
	int fd;

	strcpy(path, "/tmp/test_config.XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

/* Loads text as a config file; returns config_load's result (keys set). */
static int
load_bytes(const void *data, size_t len, const char **pathp)
{
	const char *path = tmpfile_with(data, len);
	int r;

	err[0] = '\0';
	r = config_load(&cfg, path, err, sizeof(err));
	if (pathp != NULL)
		*pathp = path;
	unlink(path);
	return r;
}

/* What workers = 0 means. */
static unsigned
online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

#define LOAD(text)	load_bytes(text, sizeof(text) - 1, NULL)

static void
test_defaults(void)
{
	config_defaults(&cfg);
	CU_ASSERT_EQUAL(cfg.workers, online_cpus());
	CU_ASSERT_EQUAL(cfg.snaplen, 65535);
	CU_ASSERT_EQUAL(cfg.capture_method, CONFIG_CAPTURE_AUTO);
	CU_ASSERT_EQUAL(cfg.afpacket_block_size, 1 << 20);
	CU_ASSERT_EQUAL(cfg.promisc, 1);
	CU_ASSERT_EQUAL(cfg.tzsp_any_port, 1);
	CU_ASSERT_EQUAL(cfg.reveal_secrets, 0);
	CU_ASSERT_EQUAL(cfg.flow_memcap, 512 * MB);
	CU_ASSERT_EQUAL(cfg.stream_depth, 1 * MB);
	CU_ASSERT_EQUAL(cfg.stream_ooo_max, 256 * 1024);
	CU_ASSERT_EQUAL(cfg.spool_max_bytes, 1024 * MB);
	CU_ASSERT_EQUAL(cfg.tcp_idle_timeout, 600);
	CU_ASSERT_EQUAL(cfg.max_encap_depth, 8);
	CU_ASSERT_STRING_EQUAL(cfg.output_file, "-");
	CU_ASSERT_STRING_EQUAL(cfg.redis_prefix, "edgeward");
	CU_ASSERT_STRING_EQUAL(cfg.redis_url, "");
	CU_ASSERT_EQUAL(cfg.geoip_db_count, 0);
	CU_ASSERT(cfg.sensor_name[0] != '\0');	/* the host name */
	CU_ASSERT(strlen(cfg.sensor_name) < sizeof(cfg.sensor_name));
	/* Every key's own default is valid for it. */
	{
		const struct config_key *k;

		for (k = config_keys; k->name != NULL; k++) {
			CU_ASSERT_PTR_EQUAL(config_find(k->name), k);
			CU_ASSERT_PTR_NOT_NULL(k->doc);
			if (k->def[0] != '\0')
				CU_ASSERT_EQUAL(set(k->name, k->def), 0);
		}
	}
	CU_ASSERT_PTR_NULL(config_find("no_such_key"));
}

static void
test_sizes(void)
{
	config_defaults(&cfg);
	CU_ASSERT_EQUAL(set("flow_memcap", "64m"), 0);
	CU_ASSERT_EQUAL(cfg.flow_memcap, 64 * MB);
	CU_ASSERT_EQUAL(set("flow_memcap", "2G"), 0);
	CU_ASSERT_EQUAL(cfg.flow_memcap, 2048 * MB);
	CU_ASSERT_EQUAL(set("flow_memcap", "4096k"), 0);
	CU_ASSERT_EQUAL(cfg.flow_memcap, 4 * MB);
	CU_ASSERT_EQUAL(set("flow_memcap", "1048576"), 0);
	CU_ASSERT_EQUAL(cfg.flow_memcap, 1 * MB);
	CU_ASSERT_EQUAL(set("stream_depth", "1k"), 0);
	CU_ASSERT_EQUAL(cfg.stream_depth, 1024);
	/* Not sizes. */
	CU_ASSERT_EQUAL(set("flow_memcap", "64mb"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a size"));
	CU_ASSERT_EQUAL(set("flow_memcap", "64x"), -1);
	CU_ASSERT_EQUAL(set("flow_memcap", "m"), -1);
	CU_ASSERT_EQUAL(set("flow_memcap", ""), -1);
	CU_ASSERT_EQUAL(set("flow_memcap", "-64m"), -1);
	CU_ASSERT_EQUAL(set("flow_memcap", "17179869184g"), -1);  /* 2^64 */
	CU_ASSERT_EQUAL(cfg.flow_memcap, 1 * MB);		/* unchanged */
	/* Plain numbers take no suffix. */
	CU_ASSERT_EQUAL(set("workers", "4k"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a number"));
	CU_ASSERT_EQUAL(set("workers", "4"), 0);
	CU_ASSERT_EQUAL(cfg.workers, 4);
}

static void
test_range(void)
{
	config_defaults(&cfg);
	CU_ASSERT_EQUAL(set("workers", "65"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "out of range 0..64"));
	/* 0: one per online CPU */
	CU_ASSERT_EQUAL(set("workers", "0"), 0);
	CU_ASSERT_EQUAL(cfg.workers, online_cpus());
	/* AF_PACKET keys */
	CU_ASSERT_EQUAL(set("afpacket_block_size", "96k"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "afpacket_block_size: 98304 is not "
	    "a power of two"));
	CU_ASSERT_EQUAL(set("afpacket_block_size", "32k"), -1);
	CU_ASSERT_EQUAL(set("afpacket_block_size", "4m"), 0);
	CU_ASSERT_EQUAL(set("capture_method", "afpacket"), 0);
	CU_ASSERT_EQUAL(cfg.capture_method, CONFIG_CAPTURE_AFPACKET);
	CU_ASSERT_EQUAL(set("capture_method", "pf_ring"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is not one of auto, afpacket, pcap"));
	CU_ASSERT_EQUAL(set("afpacket_fanout", "hash"), 0);
	CU_ASSERT_EQUAL(cfg.afpacket_fanout, CONFIG_FANOUT_HASH);
	CU_ASSERT_EQUAL(set("capture_cpus", "0,2-3"), 0);
	CU_ASSERT_STRING_EQUAL(cfg.capture_cpus, "0,2-3");
	CU_ASSERT_EQUAL(set("capture_cpus", "3-1"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "capture_cpus: '3-1' is not a CPU "
	    "list"));
	CU_ASSERT_EQUAL(set("capture_cpus", "0,,1"), -1);
	CU_ASSERT_EQUAL(set("capture_cpus", "0,"), -1);
	CU_ASSERT_EQUAL(set("capture_cpus", "x"), -1);
	CU_ASSERT_EQUAL(set("capture_cpus", "5000"), -1);
	CU_ASSERT_EQUAL(set("capture_cpus", ""), 0);
	CU_ASSERT_EQUAL(set("workers", "64"), 0);
	CU_ASSERT_EQUAL(set("workers", "1"), 0);
	CU_ASSERT_EQUAL(set("flow_memcap", "1048575"), -1);	/* below 1m */
	CU_ASSERT_EQUAL(set("flow_memcap", "257g"), -1);
	CU_ASSERT_EQUAL(set("snaplen", "99999999999999999999999"), -1);
	CU_ASSERT_EQUAL(set("snaplen", "4294967360"), -1);	/* 2^32 + 64 */
	CU_ASSERT_EQUAL(cfg.snaplen, 65535);
	CU_ASSERT_EQUAL(set("dedup_window", "0"), 0);		/* min 0 */
	CU_ASSERT_EQUAL(cfg.dedup_window, 0);
}

static void
test_bool(void)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	unsigned i;

	config_defaults(&cfg);
	for (i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(set("reveal_secrets", yes[i]), 0);
		CU_ASSERT_EQUAL(cfg.reveal_secrets, 1);
		CU_ASSERT_EQUAL(set("reveal_secrets", no[i]), 0);
		CU_ASSERT_EQUAL(cfg.reveal_secrets, 0);
	}
	CU_ASSERT_EQUAL(set("promisc", "maybe"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'maybe' is not yes or no"));
	CU_ASSERT_EQUAL(set("promisc", ""), -1);
	CU_ASSERT_EQUAL(set("promisc", "2"), -1);
	CU_ASSERT_EQUAL(cfg.promisc, 1);
}

/* One-word-of-a-list keys (CT_ENUM): the index of the word is stored. */
static void
test_enum(void)
{
	config_defaults(&cfg);
	CU_ASSERT_EQUAL(cfg.checksum_validation, 1);		/* auto */
	CU_ASSERT_EQUAL(set("checksum_validation", "yes"), 0);
	CU_ASSERT_EQUAL(cfg.checksum_validation, 2);
	CU_ASSERT_EQUAL(set("checksum_validation", "no"), 0);
	CU_ASSERT_EQUAL(cfg.checksum_validation, 0);
	CU_ASSERT_EQUAL(set("checksum_validation", "auto"), 0);
	CU_ASSERT_EQUAL(cfg.checksum_validation, 1);
	CU_ASSERT_EQUAL(set("checksum_validation", "true"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err,
	    "'true' is not one of no, auto, yes"));
	CU_ASSERT_EQUAL(set("checksum_validation", ""), -1);
	CU_ASSERT_EQUAL(cfg.checksum_validation, 1);
}

static void
test_unknown_and_strings(void)
{
	char big[300];

	config_defaults(&cfg);
	CU_ASSERT_EQUAL(set("wokers", "2"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown key 'wokers'"));
	CU_ASSERT_EQUAL(set("", "2"), -1);

	CU_ASSERT_EQUAL(set("redis_url", "redis://localhost:6379/0"), 0);
	CU_ASSERT_STRING_EQUAL(cfg.redis_url, "redis://localhost:6379/0");
	/* sensor_name holds 63 characters. */
	memset(big, 'a', 63);
	big[63] = '\0';
	CU_ASSERT_EQUAL(set("sensor_name", big), 0);
	big[63] = 'a';
	big[64] = '\0';
	CU_ASSERT_EQUAL(set("sensor_name", big), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "longer than 63"));
	CU_ASSERT_EQUAL(strlen(cfg.sensor_name), 63);

	/* The repeatable key appends; an empty value clears it. */
	CU_ASSERT_EQUAL(set("geoip_db", "/a.mmdb"), 0);
	CU_ASSERT_EQUAL(set("geoip_db", "/b.mmdb"), 0);
	CU_ASSERT_EQUAL(cfg.geoip_db_count, 2);
	CU_ASSERT_STRING_EQUAL(cfg.geoip_db[1], "/b.mmdb");
	CU_ASSERT_EQUAL(set("geoip_db", ""), 0);
	CU_ASSERT_EQUAL(cfg.geoip_db_count, 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(set("geoip_db", big), -1);
}

static void
test_file_ok(void)
{
	config_defaults(&cfg);
	CU_ASSERT_EQUAL(LOAD(
	    "# edgeward.conf\n"
	    "\n"
	    "   \t\n"
	    "workers = 3\n"
	    "  # indented comment\n"
	    "\tflow_memcap=128m   \n"
	    "promisc =no\r\n"
	    "output_file = /var/log/edgeward.json\n"
	    "bpf = tcp port 21 or (udp and port 53)\n"
	    "geoip_db = /x.mmdb\n"
	    "geoip_db = /y.mmdb\n"
	    "sensor_name = a b c = d\n"
	    "redis_prefix = \n"
	    "tcp_idle_timeout = 30"), 10);	/* no final newline */
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_EQUAL(cfg.workers, 3);
	CU_ASSERT_EQUAL(cfg.flow_memcap, 128 * MB);
	CU_ASSERT_EQUAL(cfg.promisc, 0);
	CU_ASSERT_STRING_EQUAL(cfg.output_file, "/var/log/edgeward.json");
	CU_ASSERT_STRING_EQUAL(cfg.bpf, "tcp port 21 or (udp and port 53)");
	CU_ASSERT_EQUAL(cfg.geoip_db_count, 2);
	CU_ASSERT_STRING_EQUAL(cfg.sensor_name, "a b c = d");
	CU_ASSERT_STRING_EQUAL(cfg.redis_prefix, "");
	CU_ASSERT_EQUAL(cfg.tcp_idle_timeout, 30);
	/* An empty file is fine. */
	CU_ASSERT_EQUAL(LOAD(""), 0);
}

/* Errors name the file and the line. */
static void
test_file_errors(void)
{
	char want[128];
	const char *path;

	config_defaults(&cfg);
	CU_ASSERT_EQUAL(load_bytes("# c\n\nworkers = 99\n", 17, &path), -1);
	snprintf(want, sizeof(want), "%s:3: workers: 99 is out of range", path);
	CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);

	CU_ASSERT_EQUAL(load_bytes("workers = 2\nfoo = 1\n", 20, &path), -1);
	snprintf(want, sizeof(want), "%s:2: unknown key 'foo'", path);
	CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);
	CU_ASSERT_EQUAL(cfg.workers, 2);	/* lines before were applied */

	CU_ASSERT_EQUAL(load_bytes("\n\n\n\nworkers 2\n", 15, &path), -1);
	snprintf(want, sizeof(want), "%s:5: expected 'key = value'", path);
	CU_ASSERT_STRING_EQUAL(err, want);

	CU_ASSERT_EQUAL(LOAD("promisc = sometimes\n"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: promisc: 'sometimes'"));
	CU_ASSERT_EQUAL(LOAD("= 5\n"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: unknown key ''"));
}

static void
test_long_line(void)
{
	char buf[4096];
	size_t n;

	config_defaults(&cfg);
	/* A 2046-byte line plus newline just fits. */
	n = (size_t)snprintf(buf, sizeof(buf), "bpf = ");
	memset(buf + n, 'a', 1000 - n);
	memcpy(buf + 1000, "\n# ", 3);
	memset(buf + 1003, 'c', 2046 - 2);
	buf[1003 + 2044] = '\n';
	CU_ASSERT_EQUAL(load_bytes(buf, 1003 + 2045, NULL), 1);
	CU_ASSERT_EQUAL(strlen(cfg.bpf), 1000 - 6);

	/* 3000 bytes on line 2: an error, not a silent split. */
	memcpy(buf, "workers = 2\n# ", 14);
	memset(buf + 14, 'x', 3000);
	memcpy(buf + 3014, "\nworkers = 9\n", 13);
	CU_ASSERT_EQUAL(load_bytes(buf, 3027, NULL), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: line longer than"));
	/* A long value with '=' after the first 2 KiB must not be parsed. */
	memset(buf, ' ', 2100);
	memcpy(buf + 2100, "workers = 7\n", 12);
	CU_ASSERT_EQUAL(load_bytes(buf, 2112, NULL), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: line longer than"));
	CU_ASSERT_EQUAL(cfg.workers, 2);
}

static void
test_nul(void)
{
	static const char mid[] = "workers = 2\nworkers = 3\0 junk\nworkers = 4\n";
	static const char first[] = "\0workers = 5\n";
	static const char last[] = "workers = 6\0";	/* no newline at EOF */

	config_defaults(&cfg);
	CU_ASSERT_EQUAL(load_bytes(mid, sizeof(mid) - 1, NULL), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: NUL byte in line"));
	CU_ASSERT_NOT_EQUAL(cfg.workers, 4);
	CU_ASSERT_EQUAL(load_bytes(first, sizeof(first) - 1, NULL), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: NUL byte in line"));
	CU_ASSERT_EQUAL(load_bytes(last, sizeof(last) - 1, NULL), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: NUL byte in line"));
	CU_ASSERT_NOT_EQUAL(cfg.workers, 6);
}

static void
test_missing_file(void)
{
	config_defaults(&cfg);
	CU_ASSERT_EQUAL(config_load(&cfg, "/nonexistent/edgeward.conf", err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err,
	    "/nonexistent/edgeward.conf: cannot open"));
	CU_ASSERT_EQUAL(cfg.workers, online_cpus());
}

static void
test_list_keys(void)
{
	struct addrset *as;
	uint8_t a[4] = { 10, 0, 0, 1 };

	config_defaults(&cfg);
	CU_ASSERT_STRING_EQUAL(cfg.edge_devices, "");
	CU_ASSERT_EQUAL(set("edge_devices", "10.0.0.1=firewall, "
	    "10.0.0.0/8=router"), 0);
	CU_ASSERT_EQUAL(set("edge_devices", "192.0.2.1  2001:db8::1=bmc"), 0);
	CU_ASSERT_STRING_EQUAL(cfg.edge_devices, "10.0.0.1=firewall, "
	    "10.0.0.0/8=router, 192.0.2.1  2001:db8::1=bmc");
	/* What the snapshot builder will do with it. */
	as = addrset_build(cfg.edge_devices, &config_role_tags, err,
	    sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(as);
	CU_ASSERT_EQUAL(addrset_lookup(as, 4, a), CONFIG_ROLE_FIREWALL);
	a[3] = 2;
	CU_ASSERT_EQUAL(addrset_lookup(as, 4, a), CONFIG_ROLE_ROUTER);
	CU_ASSERT_EQUAL(addrset_lookup4(as, 0xc0000201), CONFIG_ROLE_OTHER);
	addrset_free(as);
	CU_ASSERT_STRING_EQUAL(config_role_names[CONFIG_ROLE_OTHER], "other");
	CU_ASSERT_STRING_EQUAL(config_role_names[CONFIG_ROLE_BMC], "bmc");

	/* A bad value names the key and the entry, and changes nothing. */
	CU_ASSERT_EQUAL(set("edge_devices", "10.0.0.300"), -1);
	CU_ASSERT_STRING_EQUAL(err, "edge_devices: '10.0.0.300': not an IPv4 "
	    "address");
	CU_ASSERT_EQUAL(set("edge_devices", "10.0.0.5=fw"), -1);
	CU_ASSERT_STRING_EQUAL(err, "edge_devices: '10.0.0.5=fw': unknown role "
	    "'fw' (one of: firewall, vpn, router, switch, hypervisor, bmc, "
	    "other)");
	CU_ASSERT_EQUAL(set("edge_devices", "10.0.0.1/24"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "host bits set (the network is "
	    "10.0.0.0/24)"));
	/* Checked with what is there: one address, two roles. */
	CU_ASSERT_EQUAL(set("edge_devices", "10.0.0.1=vpn"), -1);
	CU_ASSERT_STRING_EQUAL(err, "edge_devices: 10.0.0.1/32 is listed twice "
	    "with different roles (firewall, vpn)");
	CU_ASSERT_STRING_EQUAL(cfg.edge_devices, "10.0.0.1=firewall, "
	    "10.0.0.0/8=router, 192.0.2.1  2001:db8::1=bmc");
	/* An empty value clears. */
	CU_ASSERT_EQUAL(set("edge_devices", ""), 0);
	CU_ASSERT_STRING_EQUAL(cfg.edge_devices, "");

	CU_ASSERT_EQUAL(set("admin_hosts", "10.1.0.0/24, 2001:db8:1::/64"), 0);
	CU_ASSERT_EQUAL(set("admin_hosts", "10.1.0.9=firewall"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "admin_hosts: '10.1.0.9=firewall': "
	    "this list takes addresses only"));
	CU_ASSERT_EQUAL(set("collectors", "192.0.2.10"), 0);
	CU_ASSERT_EQUAL(set("collectors", "192.0.2.256"), -1);
	CU_ASSERT_EQUAL(set("tunnel_allowed", "192.0.2.1 <> 198.51.100.0/24, "
	    "203.0.113.7"), 0);
	CU_ASSERT_STRING_EQUAL(cfg.tunnel_allowed, "192.0.2.1 <> "
	    "198.51.100.0/24, 203.0.113.7");
	CU_ASSERT_EQUAL(set("tunnel_allowed", "192.0.2.1<>2001:db8::1"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "different address families"));
	CU_ASSERT_EQUAL(set("rmm_allowed", "anydesk, teamviewer:123456789"), 0);
	CU_ASSERT_EQUAL(set("rmm_allowed", "teamviewer:"), -1);
	CU_ASSERT_STRING_EQUAL(err, "rmm_allowed: 'teamviewer:': qualifier "
	    "missing after ':'");

	/* All of them are run-time keys, compared and copied as text. */
	{
		static const char *const keys[] = { "edge_devices",
		    "admin_hosts", "collectors", "tunnel_allowed",
		    "rmm_allowed", NULL };
		struct config *other = malloc(sizeof(*other));
		unsigned i;

		CU_ASSERT_PTR_NOT_NULL_FATAL(other);
		config_defaults(other);
		for (i = 0; keys[i] != NULL; i++)
			CU_ASSERT_EQUAL(config_runtime_key(keys[i]), 1);
		CU_ASSERT_EQUAL(config_key_differs(config_find("collectors"),
		    &cfg, other), 1);
		CU_ASSERT_EQUAL(config_key_differs(config_find("edge_devices"),
		    &cfg, other), 0);
		config_copy_runtime(other, &cfg);
		CU_ASSERT_STRING_EQUAL(other->tunnel_allowed,
		    cfg.tunnel_allowed);
		CU_ASSERT_EQUAL(config_key_differs(config_find("rmm_allowed"),
		    &cfg, other), 0);
		free(other);
	}
}

/* The stored text is bounded; a long list goes in a file. */
static void
test_list_limit(void)
{
	char entry[32];
	unsigned i;
	int r = 0;

	config_defaults(&cfg);
	for (i = 0; r == 0 && i < 1000; i++) {
		snprintf(entry, sizeof(entry), "10.0.%u.%u", i / 256, i % 256);
		r = set("collectors", entry);
	}
	CU_ASSERT_EQUAL(r, -1);
	CU_ASSERT_STRING_EQUAL(err, "collectors: the list would be longer than "
	    "4095 bytes; put its entries in a file and give @FILE");
	CU_ASSERT(strlen(cfg.collectors) < CONFIG_LIST_TEXT);
	CU_ASSERT(strlen(cfg.collectors) > CONFIG_LIST_TEXT - 16);
}

/* An error in an included file: config file line, key, include line. */
static void
test_list_include(void)
{
	char inc[64], conf[512], want[512];
	const char *path;
	int r;

	config_defaults(&cfg);
	path = tmpfile_with("# devices\n10.0.0.1=firewall\n10.0.0.300=vpn\n",
	    43);
	snprintf(inc, sizeof(inc), "%s", path);
	snprintf(conf, sizeof(conf), "workers = 2\nedge_devices = 10.9.9.9\n"
	    "edge_devices = @%s\n", inc);
	r = load_bytes(conf, strlen(conf), &path);
	CU_ASSERT_EQUAL(r, -1);
	snprintf(want, sizeof(want), "%s:3: edge_devices: %s:3: '10.0.0.300=vpn'"
	    ": not an IPv4 address", path, inc);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_STRING_EQUAL(cfg.edge_devices, "10.9.9.9");
	unlink(inc);
	/* The file gone: the include is an error too. */
	r = load_bytes(conf, strlen(conf), &path);
	CU_ASSERT_EQUAL(r, -1);
	snprintf(want, sizeof(want), "edge_devices: @%s: cannot open", inc);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
}

UNIT_MAIN("config",
	{ "defaults", test_defaults },
	{ "sizes with k/m/g", test_sizes },
	{ "out of range", test_range },
	{ "booleans", test_bool },
	{ "one word of a list", test_enum },
	{ "unknown keys, strings, lists", test_unknown_and_strings },
	{ "file with comments and blank lines", test_file_ok },
	{ "FILE:LINE in errors", test_file_errors },
	{ "lines longer than 2 KiB", test_long_line },
	{ "NUL bytes", test_nul },
	{ "missing file", test_missing_file },
	{ "policy list keys", test_list_keys },
	{ "list text limit", test_list_limit },
	{ "list @FILE errors through a file", test_list_include })
