/*
 * config.h - edgeward configuration: one key = value file (edgeward.conf(5)),
 * every key also settable on the command line with --set key=value or its
 * long option.  The key table in config.c is the single list of keys: the
 * parser, --help-config and the man page's key list come from it.
 */
#ifndef EDGEWARD_CONFIG_H
#define EDGEWARD_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_LIST	16
#define CONFIG_STR	256
/*
 * Room for the text of a list key (edge_devices ...): what the file's lines
 * gave, joined with ", ".  A longer list goes in a file named with @FILE.
 */
#define CONFIG_LIST_TEXT	4096

struct config {
	char		sensor_name[64];
	unsigned	workers;
	/* capture */
	unsigned	snaplen;
	int		promisc;
	unsigned	buffer_mb;
	unsigned	ring_mb;		/* per worker input ring */
	unsigned	capture_method;		/* enum config_capture */
	unsigned	afpacket_fanout;	/* enum config_fanout */
	uint64_t	afpacket_block_size;	/* bytes, a power of two */
	char		capture_cpus[CONFIG_STR];	/* "0,2-3" */
	/* decode and flows */
	unsigned	max_encap_depth;
	int		tzsp_any_port;
	uint64_t	flow_memcap;		/* bytes per worker */
	unsigned	flow_hash_size;
	unsigned	tcp_idle_timeout;	/* seconds */
	unsigned	tcp_closed_timeout;
	unsigned	udp_idle_timeout;
	unsigned	other_idle_timeout;
	unsigned	active_timeout;
	unsigned	ndpi_max_packets;
	uint64_t	defrag_memcap;
	unsigned	defrag_timeout;
	uint64_t	stream_depth;		/* bytes per direction */
	uint64_t	stream_ooo_max;		/* buffered out-of-order bytes */
	unsigned	checksum_validation;	/* enum csum_mode (checksum.h) */
	/* output */
	char		output_file[CONFIG_STR];
	unsigned	health_interval;	/* seconds, live mode */
	unsigned	output_ring_mb;
	/* secrets */
	int		reveal_secrets;
	char		secret_key_file[CONFIG_STR];
	unsigned	dedup_window;		/* seconds, 0 = off */
	/* correlation (publisher, correlate.h) */
	unsigned	bruteforce_window;	/* seconds */
	unsigned	bruteforce_threshold;	/* failures */
	unsigned	correlate_max_entries;
	/* detectors */
	uint64_t	detector_memcap;	/* bytes per detector per worker */
	/* tunnels (detectors/tunnel_*.c, issue 9) */
	unsigned	tunnel_report_interval;	/* seconds between repeats */
	unsigned	dns_tunnel_window;	/* seconds */
	unsigned	dns_tunnel_min_unique;	/* subdomains per window */
	unsigned	dns_tunnel_min_length;	/* mean subdomain characters */
	unsigned	dns_tunnel_min_entropy;	/* hundredths of a bit/char */
	unsigned	dns_tunnel_max_domains;	/* (client, domain) per worker */
	unsigned	icmp_tunnel_window;	/* seconds */
	unsigned	icmp_tunnel_min_packets;	/* echo packets */
	unsigned	icmp_tunnel_min_entropy;	/* hundredths of a bit/byte */
	unsigned	ssh_forward_min_exchanges;	/* request/response bursts */
	uint64_t	ssh_forward_min_bytes;	/* moved in those exchanges */
	/* redis */
	char		redis_url[CONFIG_STR];
	char		redis_password_file[CONFIG_STR];
	char		redis_prefix[64];
	char		redis_mode[64];
	unsigned	redis_maxlen;
	char		spool_dir[CONFIG_STR];
	uint64_t	spool_max_bytes;
	/* operators: Redis Sentinel, the HTML report */
	char		redis_sentinels[CONFIG_STR];	/* host:port,... */
	char		redis_master_name[64];
	char		redis_sentinel_password_file[CONFIG_STR];
	char		report_file[CONFIG_STR];
	unsigned	report_max_findings;
	/* enrichment */
	char		geoip_db[CONFIG_MAX_LIST][CONFIG_STR];
	unsigned	geoip_db_count;
	/*
	 * Policy lists, kept as text (CONFIG_LIST_TEXT) since struct config
	 * is copied by value; the snapshot builder builds the sets from it
	 * (enum config_type names the function for each type).
	 */
	char		edge_devices[CONFIG_LIST_TEXT];
	char		admin_hosts[CONFIG_LIST_TEXT];
	char		collectors[CONFIG_LIST_TEXT];
	char		tunnel_allowed[CONFIG_LIST_TEXT];
	char		rmm_allowed[CONFIG_LIST_TEXT];
	/* edge devices (detectors/edge_device.c) */
	int		edge_learn;		/* discovered count as inventoried */
	unsigned	edge_max_devices;	/* remembered per worker */
	unsigned	edge_mgmt_window;	/* seconds, de-duplication */
	char		edge_egress_allowed[CONFIG_LIST_TEXT];
	/* remote access, beacons, hand-off (rmm_corr.c, beacon*.c, handoff.c) */
	unsigned	rmm_window;		/* seconds */
	int		rmm_report_allowed;
	unsigned	rmm_max_entries;
	unsigned	beacon_min_events;
	unsigned	beacon_threshold;	/* score, percent */
	unsigned	beacon_min_interval;	/* seconds */
	unsigned	beacon_window;		/* seconds between follow-ups */
	unsigned	beacon_max_series;
	char		public_suffix_list[CONFIG_STR];
	unsigned	handoff_window;		/* seconds */
	unsigned	handoff_max_hosts;
	char		internal_networks[CONFIG_LIST_TEXT];
	/* daemon */
	char		user[64];
	char		signatures_dir[CONFIG_STR];
	char		bpf[1024];
};

/*
 * The list types hold text that config_set checks in full (included files
 * too) by building what the snapshot builder will build, then dropping it;
 * they are repeatable (a repeat appends, an empty value clears):
 *   CT_ADDRSET     addrset_build(text, NULL, ...)
 *   CT_ROLESET     addrset_build(text, &config_role_tags, ...): entries may
 *                  carry "=ROLE" (config_role_names), default "other"
 *   CT_PAIRSET     addrpairs_build(text, ...)
 *   CT_DOMAINSET   domainset_build(text, ...)
 *   CT_WORDLIST    wordlist_build(text, ...)
 * An included file may change between config_set and the build: the
 * builder reports that in its own error buffer.
 */
enum config_type {
	CT_STR = 1,
	CT_UINT,
	CT_SIZE,	/* bytes with optional k/m/g suffix */
	CT_BOOL,
	CT_STRLIST,	/* repeatable */
	CT_ADDRSET,
	CT_ROLESET,
	CT_PAIRSET,
	CT_DOMAINSET,
	CT_WORDLIST,
	CT_ENUM		/* one word of a list (config.c), stored as its
			 * index in an unsigned */
};

/* capture_method and afpacket_fanout (CT_ENUM, their words' order). */
enum config_capture {
	CONFIG_CAPTURE_AUTO = 0,
	CONFIG_CAPTURE_AFPACKET,
	CONFIG_CAPTURE_PCAP
};
enum config_fanout {
	CONFIG_FANOUT_PAIR = 0,
	CONFIG_FANOUT_HASH
};
#define CONFIG_MAX_CPU	1024

/*
 * Parses a CPU list ("0,2-3") into cpus (at most max of them kept; cpus may
 * be NULL to check only).  Returns how many CPUs the list names, or -1 with
 * errbuf set (one line naming the key).
 */
int	config_cpu_list(const char *text, unsigned *cpus, unsigned max,
	    char *errbuf, size_t errlen);

/* Edge-device roles, the tags of edge_devices (CT_ROLESET). */
enum config_role {
	CONFIG_ROLE_FIREWALL = 0,
	CONFIG_ROLE_VPN,
	CONFIG_ROLE_ROUTER,
	CONFIG_ROLE_SWITCH,
	CONFIG_ROLE_HYPERVISOR,
	CONFIG_ROLE_BMC,
	CONFIG_ROLE_OTHER	/* an entry without "=ROLE" */
};
/* Role names indexed by enum config_role, NULL-terminated. */
extern const char *const config_role_names[];
/* The tag table CT_ROLESET keys are built with (struct addrset_tags). */
struct addrset_tags;
extern const struct addrset_tags config_role_tags;

struct config_key {
	const char		*name;
	enum config_type	 type;
	size_t			 offset;
	size_t			 size;		/* CT_STR: buffer size */
	uint64_t		 min, max;	/* numeric bounds */
	const char		*def;		/* default, as text */
	const char		*doc;
};

extern const struct config_key config_keys[];

/* Fills every key with its default. */
void	config_defaults(struct config *c);
/*
 * Sets one key from text.  Returns 0, or -1 with errbuf saying why
 * ("unknown key", "not a number", "out of range 1..64").
 */
int	config_set(struct config *c, const char *key, const char *value,
	    char *errbuf, size_t errlen);
/*
 * Loads a file.  Returns the number of key lines it set (0 or more), or -1
 * with errbuf "FILE:LINE: reason" (or "FILE: cannot open: why").
 * Lines: "key = value", '#' comments, blank lines.  Unknown keys, bad values,
 * NUL bytes and overlong lines are errors.
 */
int	config_load(struct config *c, const char *path, char *errbuf,
	    size_t errlen);
const struct config_key *config_find(const char *name);

/*
 * Run time (SIGHUP): 1 if a change of the key takes effect in a running
 * sensor, 0 if it needs a restart.  The run-time keys are the ones read by
 * workers and the publisher from their own copy of the configuration
 * (reveal_secrets, dedup_window, health_interval, ndpi_max_packets,
 * sensor_name, rmm_report_allowed), output_file, which the publisher
 * reopens, and the policy lists (edge_devices, admin_hosts, collectors,
 * tunnel_allowed, rmm_allowed).  Their sets are to be built again on every
 * SIGHUP, changed or not: an @FILE may have changed while the key's text
 * did not.
 */
int	config_runtime_key(const char *name);
/* 1 if key k has different values in a and b. */
int	config_key_differs(const struct config_key *k, const struct config *a,
	    const struct config *b);
/* Copies key k's value from src to dst. */
void	config_copy_key(struct config *dst, const struct config *src,
	    const struct config_key *k);
/* Copies every run-time key from src to dst (worker and publisher side). */
void	config_copy_runtime(struct config *dst, const struct config *src);

#endif
