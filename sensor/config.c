/*
 * config.c - the key table and the key = value parser; see config.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addrset.h"
#include "config.h"
#include "defrag.h"
#include "domainset.h"
#include "sigfile.h"
#include "wordlist.h"

#define K(n, t, f, mn, mx, d, doc) \
	{ n, t, offsetof(struct config, f), sizeof(((struct config *)0)->f), \
	  mn, mx, d, doc }
#define MB	(1024ULL * 1024)
#define GB	(1024ULL * MB)

const struct config_key config_keys[] = {
	K("sensor_name", CT_STR, sensor_name, 0, 0, "",
	    "name in every finding's sensor field (default: host name)"),
	K("workers", CT_UINT, workers, 0, 64, "0",
	    "worker threads (share-nothing; flows hashed by address pair); "
	    "0: one per online CPU, at most 64"),
	K("snaplen", CT_UINT, snaplen, 64, 262144, "65535",
	    "live capture snap length in bytes"),
	K("promisc", CT_BOOL, promisc, 0, 1, "yes",
	    "put live interfaces in promiscuous mode"),
	K("buffer_mb", CT_UINT, buffer_mb, 1, 4096, "64",
	    "kernel capture buffer per interface, MiB"),
	K("ring_mb", CT_UINT, ring_mb, 1, 4096, "16",
	    "packet ring between capture and each worker, MiB"),
	K("capture_method", CT_ENUM, capture_method, 0, 2, "auto",
	    "live capture: auto (AF_PACKET where it can, else libpcap), "
	    "afpacket, pcap"),
	K("afpacket_fanout", CT_ENUM, afpacket_fanout, 0, 1, "pair",
	    "how AF_PACKET spreads packets over the threads: pair (a BPF "
	    "program hashing the IP address pair) or hash (the kernel's flow "
	    "hash); packets whose inner pair belongs to another thread are "
	    "handed over"),
	K("afpacket_block_size", CT_SIZE, afpacket_block_size, 64 * 1024,
	    64 * MB, "1m", "AF_PACKET ring block size, a power of two; "
	    "buffer_mb is split into such blocks among the threads"),
	K("capture_cpus", CT_STR, capture_cpus, 0, 0, "",
	    "CPUs the capture threads run on, thread i on the i-th listed "
	    "(e.g. 0,2-3; empty: anywhere)"),
	K("max_encap_depth", CT_UINT, max_encap_depth, 1, 16, "8",
	    "encapsulation layers decoded before giving up"),
	K("tzsp_any_port", CT_BOOL, tzsp_any_port, 0, 1, "yes",
	    "recognise TZSP mirror streams on any UDP port"),
	K("flow_memcap", CT_SIZE, flow_memcap, 1 * MB, 256 * GB, "512m",
	    "flow table memory per worker (flows, nDPI state, streams)"),
	K("flow_hash_size", CT_UINT, flow_hash_size, 1024, 1u << 26, "65536",
	    "flow hash buckets per worker"),
	K("tcp_idle_timeout", CT_UINT, tcp_idle_timeout, 1, 86400, "600",
	    "seconds an established TCP flow may be idle"),
	K("tcp_closed_timeout", CT_UINT, tcp_closed_timeout, 1, 3600, "10",
	    "seconds a TCP flow is kept after FIN or RST"),
	K("udp_idle_timeout", CT_UINT, udp_idle_timeout, 1, 86400, "120",
	    "seconds a UDP flow may be idle"),
	K("other_idle_timeout", CT_UINT, other_idle_timeout, 1, 86400, "60",
	    "seconds any other flow (ICMP, GRE ...) may be idle"),
	K("active_timeout", CT_UINT, active_timeout, 60, 7 * 86400, "3600",
	    "seconds after which a long flow is ended and restarted"),
	K("ndpi_max_packets", CT_UINT, ndpi_max_packets, 0, 255, "32",
	    "packets per flow given to nDPI before it must decide (0: no nDPI)"),
	K("defrag_memcap", CT_SIZE, defrag_memcap, DEFRAG_MIN_MEMCAP, 16 * GB,
	    "32m",
	    "IP fragment reassembly memory per worker"),
	K("defrag_timeout", CT_UINT, defrag_timeout, 1, 600, "30",
	    "seconds an incomplete fragmented datagram is kept"),
	K("stream_depth", CT_SIZE, stream_depth, 1024, 1 * GB, "1m",
	    "TCP bytes per direction reassembled for dissectors"),
	K("stream_ooo_max", CT_SIZE, stream_ooo_max, 1024, 64 * MB, "256k",
	    "out-of-order TCP bytes buffered per direction"),
	K("checksum_validation", CT_ENUM, checksum_validation, 0, 2, "auto",
	    "TCP/UDP checksums: auto (offloaded ones taken), yes (strict), no"),
	K("output_file", CT_STR, output_file, 0, 0, "-",
	    "JSON lines file for findings ('-' for stdout, '' for none)"),
	K("health_interval", CT_UINT, health_interval, 1, 86400, "60",
	    "seconds between sensor_health findings in live mode"),
	K("output_ring_mb", CT_UINT, output_ring_mb, 1, 1024, "4",
	    "finding ring between each worker and the publisher, MiB"),
	K("reveal_secrets", CT_BOOL, reveal_secrets, 0, 1, "no",
	    "put cleartext secrets and crackable material in findings"),
	K("secret_key_file", CT_STR, secret_key_file, 0, 0, "",
	    "file holding the HMAC key for secret fingerprints"),
	K("dedup_window", CT_UINT, dedup_window, 0, 86400, "300",
	    "seconds in which identical credential findings are folded into "
	    "one with a count (0: off)"),
	K("bruteforce_window", CT_UINT, bruteforce_window, 1, 86400, "300",
	    "seconds in which one client's login failures are counted"),
	K("bruteforce_threshold", CT_UINT, bruteforce_threshold, 2, 256, "10",
	    "failures against one user (brute force), or half as many "
	    "distinct users (spraying), that make a credential_attack"),
	K("correlate_max_entries", CT_UINT, correlate_max_entries, 16,
	    1u << 24, "65536",
	    "entries in the correlation table (de-duplication, secret reuse, "
	    "brute force); the least recently used is evicted"),
	K("detector_memcap", CT_SIZE, detector_memcap, 64 * 1024, 64 * GB,
	    "64m", "memory each detector may hold per worker (its tables of "
	    "hosts, domains, sessions); at the limit it evicts, counted"),
	/* tunnels (detectors/tunnel_*.c) */
	K("tunnel_report_interval", CT_UINT, tunnel_report_interval, 0,
	    7 * 86400, "3600",
	    "seconds before the same tunnel (client, server or domain, type) "
	    "is reported again (0: once per run)"),
	K("dns_tunnel_window", CT_UINT, dns_tunnel_window, 10, 86400, "300",
	    "seconds over which a client's queries under one registered "
	    "domain are scored as a DNS tunnel"),
	K("dns_tunnel_min_unique", CT_UINT, dns_tunnel_min_unique, 2, 64,
	    "20", "distinct subdomains of one domain from one client in a "
	    "window before it can be a DNS tunnel"),
	K("dns_tunnel_min_length", CT_UINT, dns_tunnel_min_length, 1, 253,
	    "24", "mean subdomain length (characters) of a DNS tunnel"),
	K("dns_tunnel_min_entropy", CT_UINT, dns_tunnel_min_entropy, 0, 800,
	    "350", "mean Shannon entropy of the subdomains of a DNS tunnel, "
	    "hundredths of a bit per character"),
	K("dns_tunnel_max_domains", CT_UINT, dns_tunnel_max_domains, 16,
	    1u << 22, "16384", "(client, registered domain) pairs a worker "
	    "follows; the least recently seen is evicted, counted"),
	K("icmp_tunnel_window", CT_UINT, icmp_tunnel_window, 10, 86400,
	    "300", "seconds over which echo traffic between two hosts is "
	    "scored as an ICMP tunnel"),
	K("icmp_tunnel_min_packets", CT_UINT, icmp_tunnel_min_packets, 2,
	    1u << 20, "10", "echo requests and replies between two hosts in a "
	    "window before they can be an ICMP tunnel"),
	K("icmp_tunnel_min_entropy", CT_UINT, icmp_tunnel_min_entropy, 0, 800,
	    "500", "mean entropy of echo data no ping program sends that makes "
	    "it a tunnel, hundredths of a bit per byte"),
	K("ssh_forward_min_exchanges", CT_UINT, ssh_forward_min_exchanges, 1,
	    1u << 20, "3", "request/response exchanges through an SSH session "
	    "(after its set-up) that make it port forwarding"),
	K("ssh_forward_min_bytes", CT_SIZE, ssh_forward_min_bytes, 0, 1 * GB,
	    "2k", "bytes those exchanges must move"),
	K("redis_url", CT_STR, redis_url, 0, 0, "",
	    "redis://[user:password@]host:port[/db] or unix:///path[?db=N]"),
	K("redis_password_file", CT_STR, redis_password_file, 0, 0, "",
	    "file holding the Redis password (keeps it off the command line)"),
	K("redis_prefix", CT_STR, redis_prefix, 0, 0, "edgeward",
	    "key prefix: <prefix>:findings, <prefix>:health"),
	K("redis_mode", CT_STR, redis_mode, 0, 0, "stream",
	    "comma list of stream, list, channel"),
	K("redis_maxlen", CT_UINT, redis_maxlen, 100, 1u << 30, "100000",
	    "approximate MAXLEN of the findings stream / list cap"),
	K("spool_dir", CT_STR, spool_dir, 0, 0, "/var/spool/edgeward",
	    "where findings wait while Redis is unreachable"),
	K("spool_max_bytes", CT_SIZE, spool_max_bytes, 64 * 1024, 1024 * GB,
	    "1g", "spool size limit; beyond it findings are dropped, counted"),
	K("redis_sentinels", CT_STR, redis_sentinels, 0, 0, "",
	    "Redis Sentinel addresses, host:port,...: the master is asked "
	    "for at start and after every connection failure"),
	K("redis_master_name", CT_STR, redis_master_name, 0, 0, "mymaster",
	    "the master's name the sentinels know it by"),
	K("redis_sentinel_password_file", CT_STR,
	    redis_sentinel_password_file, 0, 0, "",
	    "file holding the sentinels' password (AUTH to each sentinel)"),
	K("report_file", CT_STR, report_file, 0, 0, "",
	    "HTML report written at the end of the run (--report)"),
	K("report_max_findings", CT_UINT, report_max_findings, 100,
	    1000000, "10000",
	    "findings listed in the report; more are counted, not listed"),
	K("geoip_db", CT_STRLIST, geoip_db, 0, 0, "",
	    "MaxMind-format City/Country or ASN database (repeatable)"),
	K("edge_devices", CT_ROLESET, edge_devices, 0, 0, "",
	    "edge-device inventory: addresses and blocks with their role "
	    "(ADDR[/LEN][=ROLE], repeatable, @FILE)"),
	K("admin_hosts", CT_ADDRSET, admin_hosts, 0, 0, "",
	    "hosts allowed to manage edge devices (ADDR[/LEN], repeatable, "
	    "@FILE)"),
	K("collectors", CT_ADDRSET, collectors, 0, 0, "",
	    "hosts allowed to receive capture and flow exports (ADDR[/LEN], "
	    "repeatable, @FILE)"),
	K("tunnel_allowed", CT_PAIRSET, tunnel_allowed, 0, 0, "",
	    "sanctioned tunnels: A<>B endpoint pairs, or A for any tunnel "
	    "with an end in A (repeatable, @FILE)"),
	K("rmm_allowed", CT_WORDLIST, rmm_allowed, 0, 0, "",
	    "sanctioned remote-access tools: tool[:tenant] (repeatable, "
	    "@FILE)"),
	/* edge devices (detectors/edge_device.c) */
	K("edge_learn", CT_BOOL, edge_learn, 0, 1, "yes",
	    "edge devices discovered from their own traffic count as "
	    "inventoried (edge_mgmt_session)"),
	K("edge_max_devices", CT_UINT, edge_max_devices, 16, 1u << 20, "4096",
	    "discovered edge devices and learned (device, host) pairs "
	    "remembered per worker; the least recently seen is forgotten, "
	    "counted"),
	K("edge_mgmt_window", CT_UINT, edge_mgmt_window, 0, 86400, "3600",
	    "seconds in which management sessions of one client to one "
	    "device and service are one finding with a count (0: off)"),
	K("edge_egress_allowed", CT_PAIRSET, edge_egress_allowed, 0, 0, "",
	    "sessions edge devices may start besides the signatures' "
	    "allow-list: DEVICE<>DEST pairs, or DEST for any device "
	    "(repeatable, @FILE)"),
	/* remote access, beacons and the hand-off chain */
	K("rmm_window", CT_UINT, rmm_window, 60, 7 * 86400, "3600",
	    "seconds one remote_access finding covers per client, tool and "
	    "tenant: repeats are folded, a follow-up closes the window"),
	K("rmm_report_allowed", CT_BOOL, rmm_report_allowed, 0, 1, "no",
	    "report sanctioned tools and tenants (rmm_allowed) too, with "
	    "allowed: true and severity info"),
	K("rmm_max_entries", CT_UINT, rmm_max_entries, 16, 1u << 24, "16384",
	    "open remote_access windows; the least recently used is closed "
	    "early (counted)"),
	K("beacon_min_events", CT_UINT, beacon_min_events, 4, 32, "10",
	    "connections, queries or heartbeats a series needs before it is "
	    "scored"),
	K("beacon_threshold", CT_UINT, beacon_threshold, 1, 100, "70",
	    "beacon score (percent) a series must reach to be reported"),
	K("beacon_min_interval", CT_UINT, beacon_min_interval, 1, 3600, "1",
	    "seconds: events closer than this are one burst, not two beacons"),
	K("beacon_window", CT_UINT, beacon_window, 60, 7 * 86400, "3600",
	    "seconds between follow-ups of a beacon that goes on"),
	K("beacon_max_series", CT_UINT, beacon_max_series, 16, 1u << 24,
	    "65536", "beacon series tracked; the least recently active is "
	    "dropped (counted)"),
	K("public_suffix_list", CT_STR, public_suffix_list, 0, 0,
	    "/usr/share/publicsuffix/public_suffix_list.dat",
	    "Public Suffix List file for DNS beacons' registered domains "
	    "(missing or '': the last two labels)"),
	K("handoff_window", CT_UINT, handoff_window, 1, 86400, "300",
	    "seconds within which a second-stage event on a host completes a "
	    "hand-off chain"),
	K("handoff_max_hosts", CT_UINT, handoff_max_hosts, 16, 1u << 24,
	    "65536", "hosts the hand-off chain tracks; the least recently "
	    "active is dropped (counted)"),
	K("internal_networks", CT_ADDRSET, internal_networks, 0, 0, "",
	    "the hosts hand-off chains are tracked for (ADDR[/LEN], "
	    "repeatable, @FILE; empty: the private ranges of RFC 1918, "
	    "RFC 6598 and RFC 4193)"),
	K("user", CT_STR, user, 0, 0, "",
	    "drop privileges to this user after opening captures"),
	K("signatures_dir", CT_STR, signatures_dir, 0, 0, "",
	    "directory of signature data files (empty: the installed one, or "
	    "the source tree's when run from it)"),
	K("bpf", CT_STR, bpf, 0, 0, "",
	    "capture filter (tcpdump syntax)"),
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL }
};

/*
 * The words of CT_ENUM keys; a value is stored as its index, which the
 * key's enum follows (checksum.h: enum csum_mode).
 */
static const struct {
	const char	*key;
	const char	*words[4];
} enum_words[] = {
	{ "checksum_validation", { "no", "auto", "yes", NULL } },
	{ "capture_method", { "auto", "afpacket", "pcap", NULL } },
	{ "afpacket_fanout", { "pair", "hash", NULL, NULL } },
};

/*
 * Parses a CT_ENUM value into its index.  On failure returns -1 with the
 * key's words listed in words ("no, auto, yes").
 */
static int
parse_enum(const char *key, const char *v, unsigned *out, char *words,
    size_t wlen)
{
	size_t i, n = 0;
	unsigned w;

	words[0] = '\0';
	for (i = 0; i < sizeof(enum_words) / sizeof(enum_words[0]); i++) {
		if (strcmp(enum_words[i].key, key) != 0)
			continue;
		for (w = 0; w < 4 && enum_words[i].words[w] != NULL; w++) {
			if (strcmp(enum_words[i].words[w], v) == 0) {
				*out = w;
				return 0;
			}
			if (n < wlen)
				n += (size_t)snprintf(words + n, wlen - n, "%s%s",
				    w ? ", " : "", enum_words[i].words[w]);
		}
	}
	return -1;
}

/* Keys whose change a running sensor applies on SIGHUP (config.h). */
static const char *const runtime_keys[] = {
	"sensor_name", "ndpi_max_packets", "output_file", "health_interval",
	"reveal_secrets", "dedup_window", "edge_devices", "admin_hosts",
	"collectors", "tunnel_allowed", "rmm_allowed", "rmm_report_allowed",
	/* tunnels */
	"tunnel_report_interval", "dns_tunnel_window", "dns_tunnel_min_unique",
	"dns_tunnel_min_length", "dns_tunnel_min_entropy", "icmp_tunnel_window",
	"icmp_tunnel_min_packets", "icmp_tunnel_min_entropy",
	"ssh_forward_min_exchanges", "ssh_forward_min_bytes",
	/* edge devices */
	"edge_learn", "edge_mgmt_window", "edge_egress_allowed", NULL
};

const char *const config_role_names[] = {
	[CONFIG_ROLE_FIREWALL] = "firewall",
	[CONFIG_ROLE_VPN] = "vpn",
	[CONFIG_ROLE_ROUTER] = "router",
	[CONFIG_ROLE_SWITCH] = "switch",
	[CONFIG_ROLE_HYPERVISOR] = "hypervisor",
	[CONFIG_ROLE_BMC] = "bmc",
	[CONFIG_ROLE_OTHER] = "other",
	NULL
};

const struct addrset_tags config_role_tags = {
	"role", config_role_names, CONFIG_ROLE_OTHER
};

static int
is_list_type(enum config_type t)
{
	return t == CT_ADDRSET || t == CT_ROLESET || t == CT_PAIRSET ||
	    t == CT_DOMAINSET || t == CT_WORDLIST;
}

int
config_runtime_key(const char *name)
{
	const char *const *r;

	for (r = runtime_keys; *r != NULL; r++)
		if (strcmp(*r, name) == 0)
			return 1;
	return 0;
}

int
config_key_differs(const struct config_key *k, const struct config *a,
    const struct config *b)
{
	const char *pa = (const char *)a + k->offset;
	const char *pb = (const char *)b + k->offset;
	unsigned i;

	if (is_list_type(k->type))
		return strcmp(pa, pb) != 0;
	switch (k->type) {
	case CT_STR:
		return strcmp(pa, pb) != 0;
	case CT_STRLIST:
		if (a->geoip_db_count != b->geoip_db_count)
			return 1;
		for (i = 0; i < a->geoip_db_count; i++)
			if (strcmp(a->geoip_db[i], b->geoip_db[i]) != 0)
				return 1;
		return 0;
	default:
		return memcmp(pa, pb, k->size) != 0;
	}
}

void
config_copy_key(struct config *dst, const struct config *src,
    const struct config_key *k)
{
	memcpy((char *)dst + k->offset, (const char *)src + k->offset, k->size);
	if (k->type == CT_STRLIST)
		dst->geoip_db_count = src->geoip_db_count;
}

void
config_copy_runtime(struct config *dst, const struct config *src)
{
	const struct config_key *k;

	for (k = config_keys; k->name != NULL; k++)
		if (config_runtime_key(k->name))
			config_copy_key(dst, src, k);
}

const struct config_key *
config_find(const char *name)
{
	const struct config_key *k;

	for (k = config_keys; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

static int
parse_uint(const char *v, uint64_t *out, int sizes)
{
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)v[0]))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0)
		return -1;
	if (sizes && *end != '\0' && end[1] == '\0') {
		uint64_t mul = 0;

		switch (tolower((unsigned char)*end)) {
		case 'k': mul = 1024; break;
		case 'm': mul = 1024 * 1024; break;
		case 'g': mul = 1024ULL * 1024 * 1024; break;
		}
		if (mul == 0 || n > UINT64_MAX / mul)
			return -1;
		n *= mul;
		end++;
	}
	if (*end != '\0')
		return -1;
	*out = n;
	return 0;
}

static int
parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") ||
	    !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") ||
	    !strcmp(v, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

/*
 * Checks a list key's text by building what the snapshot builder will
 * build from it; 0 or -1 with err.
 */
static int
list_check(enum config_type t, const char *text, char *err, size_t errlen)
{
	struct addrset *as = NULL;
	struct addrpairs *ap = NULL;
	struct domainset *ds = NULL;
	struct wordlist *wl = NULL;
	int ok = 0;

	switch (t) {
	case CT_ADDRSET:
	case CT_ROLESET:
		ok = (as = addrset_build(text, t == CT_ROLESET ?
		    &config_role_tags : NULL, err, errlen)) != NULL;
		break;
	case CT_PAIRSET:
		ok = (ap = addrpairs_build(text, err, errlen)) != NULL;
		break;
	case CT_DOMAINSET:
		ok = (ds = domainset_build(text, err, errlen)) != NULL;
		break;
	case CT_WORDLIST:
		ok = (wl = wordlist_build(text, err, errlen)) != NULL;
		break;
	default:
		snprintf(err, errlen, "not a list key");
		break;
	}
	addrset_free(as);
	addrpairs_free(ap);
	domainset_free(ds);
	wordlist_free(wl);
	return ok ? 0 : -1;
}

/*
 * A list key: value's entries are appended to the key's text (an empty
 * value clears it) once the whole text checks.
 */
static int
set_list(char *text, const struct config_key *k, const char *value,
    char *errbuf, size_t errlen)
{
	size_t have = strlen(text), add = strlen(value);
	char err[512], *joined;

	if (value[0] == '\0') {
		text[0] = '\0';
		return 0;
	}
	if (have + (have ? 2 : 0) + add >= k->size) {
		snprintf(errbuf, errlen, "%s: the list would be longer than %zu "
		    "bytes; put its entries in a file and give @FILE", k->name,
		    k->size - 1);
		return -1;
	}
	if ((joined = malloc(k->size)) == NULL) {
		snprintf(errbuf, errlen, "%s: out of memory", k->name);
		return -1;
	}
	snprintf(joined, k->size, "%s%s%s", text, have ? ", " : "", value);
	if (list_check(k->type, joined, err, sizeof(err)) < 0) {
		snprintf(errbuf, errlen, "%s: %s", k->name, err);
		free(joined);
		return -1;
	}
	memcpy(text, joined, strlen(joined) + 1);
	free(joined);
	return 0;
}

/* Online CPUs, 1..64 (the workers key's bound). */
static unsigned
online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

int
config_cpu_list(const char *text, unsigned *cpus, unsigned max,
    char *errbuf, size_t errlen)
{
	const char *p = text;
	char *end;
	unsigned long a, b;
	unsigned n = 0;

	while (*p != '\0') {
		if (*p < '0' || *p > '9')
			goto bad;
		a = strtoul(p, &end, 10);
		b = a;
		if (*end == '-') {
			p = end + 1;
			if (*p < '0' || *p > '9')
				goto bad;
			b = strtoul(p, &end, 10);
		}
		if (b < a || b >= CONFIG_MAX_CPU)
			goto bad;
		for (; a <= b; a++) {
			if (cpus != NULL && n < max)
				cpus[n] = (unsigned)a;
			n++;
		}
		if (*end == ',' && end[1] != '\0')
			end++;
		else if (*end != '\0')
			goto bad;
		p = end;
	}
	return (int)n;
bad:
	snprintf(errbuf, errlen, "capture_cpus: '%s' is not a CPU list (numbers "
	    "and ranges below %d, e.g. 0,2-3)", text, CONFIG_MAX_CPU);
	return -1;
}

int
config_set(struct config *c, const char *key, const char *value,
    char *errbuf, size_t errlen)
{
	const struct config_key *k = config_find(key);
	char *base = (char *)c;
	uint64_t n;
	int b;

	if (k == NULL) {
		snprintf(errbuf, errlen, "unknown key '%s' (see edgeward.conf(5))",
		    key);
		return -1;
	}
	switch (k->type) {
	case CT_STR:
		if (strlen(value) >= k->size) {
			snprintf(errbuf, errlen, "%s: value longer than %zu bytes",
			    key, k->size - 1);
			return -1;
		}
		if (strcmp(key, "capture_cpus") == 0 &&
		    config_cpu_list(value, NULL, 0, errbuf, errlen) < 0)
			return -1;
		memcpy(base + k->offset, value, strlen(value) + 1);
		return 0;
	case CT_STRLIST: {
		unsigned *count = &c->geoip_db_count;	/* the one list key */
		char (*list)[CONFIG_STR] = (char (*)[CONFIG_STR])(base + k->offset);

		if (value[0] == '\0') {
			*count = 0;
			return 0;
		}
		if (*count >= CONFIG_MAX_LIST || strlen(value) >= CONFIG_STR) {
			snprintf(errbuf, errlen, "%s: too many values or too long",
			    key);
			return -1;
		}
		memcpy(list[*count], value, strlen(value) + 1);
		(*count)++;
		return 0;
	}
	case CT_ENUM: {
		char words[64];

		if (parse_enum(key, value, (unsigned *)(base + k->offset), words,
		    sizeof(words)) < 0) {
			snprintf(errbuf, errlen, "%s: '%s' is not one of %s", key,
			    value, words);
			return -1;
		}
		return 0;
	}
	case CT_BOOL:
		if (parse_bool(value, &b) < 0) {
			snprintf(errbuf, errlen, "%s: '%s' is not yes or no", key,
			    value);
			return -1;
		}
		*(int *)(base + k->offset) = b;
		return 0;
	case CT_UINT:
	case CT_SIZE:
		if (parse_uint(value, &n, k->type == CT_SIZE) < 0) {
			snprintf(errbuf, errlen, "%s: '%s' is not a %s", key, value,
			    k->type == CT_SIZE ? "size (e.g. 64m)" : "number");
			return -1;
		}
		if (n < k->min || n > k->max) {
			snprintf(errbuf, errlen, "%s: %llu is out of range %llu..%llu",
			    key, (unsigned long long)n, (unsigned long long)k->min,
			    (unsigned long long)k->max);
			return -1;
		}
		if (strcmp(key, "afpacket_block_size") == 0 &&
		    (n & (n - 1)) != 0) {
			snprintf(errbuf, errlen, "%s: %llu is not a power of two "
			    "(e.g. 1m)", key, (unsigned long long)n);
			return -1;
		}
		/* workers = 0: one per CPU, resolved here so that everything
		 * after sees the real number. */
		if (strcmp(key, "workers") == 0 && n == 0)
			n = online_cpus();
		if (k->type == CT_UINT)
			*(unsigned *)(base + k->offset) = (unsigned)n;
		else
			*(uint64_t *)(base + k->offset) = n;
		return 0;
	case CT_ADDRSET:
	case CT_ROLESET:
	case CT_PAIRSET:
	case CT_DOMAINSET:
	case CT_WORDLIST:
		return set_list(base + k->offset, k, value, errbuf, errlen);
	}
	return -1;
}

void
config_defaults(struct config *c)
{
	const struct config_key *k;
	char err[128];

	memset(c, 0, sizeof(*c));
	for (k = config_keys; k->name != NULL; k++)
		if (k->def[0] != '\0' || k->type == CT_STR)
			(void)config_set(c, k->name, k->def, err, sizeof(err));
	if (gethostname(c->sensor_name, sizeof(c->sensor_name)) != 0)
		strcpy(c->sensor_name, "edgeward");
	c->sensor_name[sizeof(c->sensor_name) - 1] = '\0';
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

int
config_load(struct config *c, const char *path, char *errbuf, size_t errlen)
{
	char line[2048], err[256], *p, *eq, *key, *val;
	unsigned lineno = 0;
	int nset = 0;
	FILE *f;
	int r;

	if ((f = sigfile_fopen(path, errbuf, errlen)) == NULL)
		return -1;
	while ((r = sigfile_getline(f, line, sizeof(line))) != 0) {
		lineno++;
		if (r == -1) {
			snprintf(errbuf, errlen, "%s:%u: line longer than %zu bytes",
			    path, lineno, sizeof(line) - 2);
			fclose(f);
			return -1;
		}
		if (r == -2) {
			snprintf(errbuf, errlen, "%s:%u: NUL byte in line", path,
			    lineno);
			fclose(f);
			return -1;
		}
		p = trim(line);
		if (*p == '\0' || *p == '#')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			snprintf(errbuf, errlen, "%s:%u: expected 'key = value'",
			    path, lineno);
			fclose(f);
			return -1;
		}
		*eq = '\0';
		key = trim(p);
		val = trim(eq + 1);
		if (config_set(c, key, val, err, sizeof(err)) < 0) {
			snprintf(errbuf, errlen, "%s:%u: %s", path, lineno, err);
			fclose(f);
			return -1;
		}
		nset++;
	}
	if (ferror(f)) {
		snprintf(errbuf, errlen, "%s: read error: %s", path,
		    strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return nset;
}
