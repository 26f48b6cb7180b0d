/*
 * stats.h - totals across readers and workers, for the end-of-run summary
 * table (stderr) and the periodic sensor_health finding.
 *
 * Counters are written by their owning thread only; a reader of another
 * thread's counters (the publisher's health finding) gets a value that may
 * be a moment old, never a torn one (aligned 64-bit loads).
 */
#ifndef EDGEWARD_STATS_H
#define EDGEWARD_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "capture.h"
#include "checksum.h"
#include "decode.h"
#include "finding.h"
#include "stream.h"

struct worker;
struct publisher;

struct totals {
	uint64_t		packets, bytes, non_ip;
	uint64_t		worker_packets[64];	/* per worker */
	unsigned		nworkers;
	uint64_t		kernel_recv, kernel_drops, ring_drops;
	/* AF_PACKET: ring-full episodes, packets handed to their owner */
	uint64_t		kernel_freezes, handoffs;
	uint64_t		flows_created, flows_active, flows_peak;
	uint64_t		flows_evicted, flows_timed_out;
	uint64_t		flows_end_charge_refused, flows_tcp_reused;
	struct csum_stats	csum;		/* checksum policy */
	uint64_t		memory, peak_memory, fixed_memory;
	uint64_t		flow_unreleased;	/* accounting leak */
	uint64_t		findings[FK_MAX];
	uint64_t		findings_dropped, findings_too_big;
	uint64_t		published;
	/* The publisher's correlator counters, by name (correlator.h). */
	struct weird		corr[WEIRD_MAX];
	unsigned		ncorr;
	uint64_t		defrag_reassembled, defrag_timeouts,
				defrag_overlaps, defrag_drops;
	/* defrag_drops by cause, and the datagrams evicted for room */
	uint64_t		defrag_evicted_memcap, defrag_evicted_datagrams,
				defrag_dropped_memcap, defrag_dropped_fragments;
	uint64_t		ndpi_flows, ndpi_over_memcap, ndpi_memory,
				ndpi_peak;
	uint64_t		pending_overflow;	/* dissector bytes */
	uint64_t		flow_alloc_failures;
	uint64_t		detector_evicted;	/* det counters *_evicted */
	uint64_t		corr_evicted;		/* the correlate table */
	/* Sinks (the owner's view: see summary_print): findings lost by the
	 * output file (write errors) and by Redis (spool full, errors). */
	uint64_t		output_lost, redis_dropped;
	struct decode_stats	decode;
	struct stream_stats	stream;
	uint64_t		decode_anomalies;	/* sum of decode.anomalies */
	/* decode anomalies first (ndecode of them), then protocol and stream
	 * weirds, merged by name */
	const char		*weird_names[256];
	uint64_t		weird_counts[256];
	unsigned		nweirds;
	unsigned		ndecode;
	/*
	 * Detectors' counters (det_count(), their counters() hook) and the
	 * correlators', merged by name; nonzero ones only.
	 */
	const char		*det_names[128];
	uint64_t		det_counts[128];
	unsigned		ndet;
};

/*
 * Every bound the sensor enforces has a counter of the times it was hit;
 * this table names them once, for the summary's "limits" block and the
 * sensor_health finding (same names in both).  key is the configuration
 * key (or the fixed limit) that sets the bound.
 */
struct limit_counter {
	const char	*name;
	const char	*key;
	size_t		 offset;	/* uint64_t in struct totals */
};
extern const struct limit_counter limit_counters[];
uint64_t	limit_value(const struct totals *t, const struct limit_counter *l);

/* A correlator counter by name (0 when none reported it). */
uint64_t totals_corr(const struct totals *t, const char *name);
void	totals_collect(struct totals *t, const struct capture *c,
	    struct worker *w, unsigned nw, const struct publisher *p);
void	totals_print(FILE *fp, const struct totals *t, double secs);
/*
 * The summary table (totals_print) and one line per sink other than the
 * file: produced = published + spooled + in flight + dropped.  Calls the
 * sinks' stats(): only the sinks' owner (the publisher thread, or main once
 * it has joined the publisher) may call it.
 */
struct sink;
void	summary_print(FILE *fp, const struct totals *t, double secs,
	    struct sink *const *sinks, unsigned nsinks);

#endif
