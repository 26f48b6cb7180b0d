/*
 * sensor.h - the immutable sensor (built at start-up, shared read-only by
 * every thread) and what changes while it runs (configuration snapshots).
 * A worker's own state is in worker.h.
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

#define EDGEWARD_MAX_READERS	16
#define WEIRD_MAX		128

struct geoip;
struct sigdb;
struct ndpi_detection_module_struct;

/*
 * A published configuration (SIGHUP): the running configuration with the
 * run-time keys of the reloaded file applied (config_runtime_key()), and
 * the signature database loaded with it.  Immutable once published.  The control thread in main.c owns every
 * snapshot and frees one only when every worker and the publisher has
 * applied a newer one (cfg_seen), or at exit.
 */
struct cfg_snapshot {
	struct config		 cfg;
	struct sigdb		*sigs;		/* owned by the snapshot */
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
	const struct sigdb	*sigs;		/* signatures and sets (sigdb.h) */
	/*
	 * The nDPI module main opened to check the signatures' protocol
	 * names: worker 0 takes it as its own rather than building another.
	 */
	struct ndpi_detection_module_struct *ndpi_spare;
	uint64_t		 ndpi_spare_bytes;
	struct geoip		*geo;
	uint8_t			 hmac_key[64];
	size_t			 hmac_key_len;
	int			 key_ephemeral;	/* no key file: per-run key */
	int			 live;
	unsigned		 nreaders;
	volatile sig_atomic_t	*stop;
	struct runtime		*rt;		/* NULL: no reloads (tests) */
};

/* Reports one named counter (name: a string literal). */
typedef void (*counter_fn)(void *arg, const char *name, uint64_t value);

/* A named counter ("weird"): names are string literals. */
struct weird {
	const char	*name;
	uint64_t	 count;
};

/*
 * Counts one `name` in a table of *n (at most max) counters; a name that
 * finds no free slot is not counted.
 */
void	weird_count(struct weird *tab, unsigned *n, unsigned max,
	    const char *name);

#endif
