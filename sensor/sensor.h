/*
 * sensor.h - the immutable sensor (built at start-up, shared read-only by
 * every thread) and the per-worker state (owned by one thread).
 */
#ifndef EDGEWARD_SENSOR_H
#define EDGEWARD_SENSOR_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

#include "config.h"
#include "decode.h"
#include "dissector.h"
#include "finding.h"
#include "flow.h"
#include "stream.h"

#define EDGEWARD_MAX_READERS	16
#define WEIRD_MAX		128

struct geoip;
struct defrag;
struct ring;
struct ndpi_detection_module_struct;

/*
 * A published configuration (SIGHUP): the running configuration with the
 * run-time keys of the reloaded file applied (config_runtime_key()).
 * Immutable once published.  The control thread in main.c owns every
 * snapshot and frees one only when every worker and the publisher has
 * applied a newer one (cfg_seen), or at exit.
 */
struct cfg_snapshot {
	struct config		 cfg;
	uint64_t		 gen;		/* 1, 2, ... */
	struct cfg_snapshot	*older;		/* control thread's list */
};

/*
 * What changes while the sensor runs, written only by the control thread:
 * readers poll it at ticks (workers) or polls (publisher), lock-free.
 */
struct runtime {
	_Atomic(struct cfg_snapshot *) snap;	/* newest; NULL: none yet */
	_Atomic uint64_t	 reopen_seq;	/* bumped by every SIGHUP */
	_Atomic int		 stats_request;	/* SIGUSR1: publisher prints */
};

/*
 * The sensor: built at start-up, then read-only.  Workers and the
 * publisher each run on their own copy (struct worker.view,
 * struct publisher.view) whose cfg's run-time keys they update from
 * rt->snap, so the packet path reads its configuration without locks.
 */
struct sensor {
	struct config		 cfg;
	struct decode_opts	 dopts;
	const struct dissector *const *dissectors;
	struct geoip		*geo;
	uint8_t			 hmac_key[64];
	size_t			 hmac_key_len;
	int			 key_ephemeral;	/* no key file: per-run key */
	int			 live;
	unsigned		 nreaders;
	volatile sig_atomic_t	*stop;
	struct runtime		*rt;		/* NULL: no reloads (tests) */
};

/* A named counter ("weird"): names are string literals. */
struct weird {
	const char	*name;
	uint64_t	 count;
};

struct worker_stats {
	uint64_t	packets;
	uint64_t	bytes;
	uint64_t	non_ip;
	uint64_t	findings[FK_MAX];
	uint64_t	findings_dropped;	/* output ring full (live) */
	uint64_t	findings_too_big;
	uint64_t	dissector_pending_overflow;
	uint64_t	ndpi_flows;
	uint64_t	ndpi_giveups;
	uint64_t	defrag_reassembled;
};

struct worker {
	const struct sensor	*s;		/* &view */
	struct sensor		 view;		/* this worker's copy */
	uint64_t		 cfg_gen;	/* snapshot applied to view */
	_Atomic uint64_t	 cfg_seen;	/* same, for the control thread */
	unsigned		 id;
	struct ring		*in[EDGEWARD_MAX_READERS];
	unsigned		 nin;
	struct ring		*out;
	struct flow_table	*flows;
	struct ndpi_detection_module_struct *ndpi;
	struct defrag		*defrag;
	struct decode_stats	 dstats;
	struct stream_stats	 sstats;
	struct worker_stats	 st;
	struct weird		 weirds[WEIRD_MAX];
	unsigned		 nweirds;
	uint64_t		 now_us;	/* time of the item in work */
	uint64_t		 cur_key;	/* ordering key of that item */
	uint32_t		 emit_seq;	/* per-key emission counter */
	/*
	 * Progress: every record this worker emits from now on is at or
	 * above (pkey, pfs, psub).  Published with a seqlock (pver odd while
	 * writing) for the publisher's ordered merge.
	 */
	_Atomic uint64_t	 pver, pkey, pfs, psub;
	_Atomic uint64_t	*dispatched;	/* reader's highest seq sent */
	uint64_t		 last_key;
	_Atomic int		 finished;
	struct flow_stats	 final_flows;	/* kept after the table is freed */
	pthread_t		 thread;
	char			 json[FINDING_JSON_MAX];
};

/*
 * Applies the newest configuration snapshot's run-time keys to w->view
 * (worker thread, at ticks).  Cheap when nothing changed: one atomic load.
 */
void	worker_apply_runtime(struct worker *w);
/* Counts a named weird on a worker. */
void	worker_weird(struct worker *w, const char *name);
int	worker_init(struct worker *w, const struct sensor *s, unsigned id,
	    char *errbuf, size_t errlen);
int	worker_start(struct worker *w);
void	worker_join(struct worker *w);
void	worker_fini(struct worker *w);
/* Name of the flow's application protocol as nDPI says it (static buf). */
const char *worker_app_name(struct worker *w, const struct flow *f,
	    char *buf, size_t len);
/* nDPI's category name for the flow, or NULL (static string). */
const char *worker_app_category(struct worker *w, const struct flow *f);
/* Reads a worker's progress triple consistently (publisher side). */
void	worker_progress(struct worker *w, uint64_t out[3]);
void	worker_set_progress(struct worker *w, uint64_t key, uint64_t fs,
	    uint64_t sub);

#endif
