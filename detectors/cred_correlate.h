/*
 * cred_correlate.h - the credential correlator (correlator.h) in the
 * publisher thread:
 * de-duplication of credential findings, secret reuse across accounts, and
 * brute force / password spraying.
 *
 * The publisher feeds every record to correlate_record() in its final merged
 * order, so the correlator is single-threaded and deterministic: the same
 * capture and config give the same output whatever the number of workers.
 * Its clock is the records' packet time (never the wall clock): the largest
 * ts_us seen so far.  Only records carrying an out_cred header (credential
 * findings from the credential detector, see output.h) take part; every other
 * record passes straight through.
 *
 * De-duplication (dedup_window seconds, 0 = off): the first finding for a
 * dedup key is published at once; repeats until packet time passes
 * first_seen + window are suppressed and counted.  When the window closes
 * (checked as records flow, on eviction and at the end of input) and more
 * than one was seen, one follow-up of the same kind is published with the
 * first's identity fields and endpoints plus
 * "dedup":{"count","first_seen","last_seen","of":<finding_id of the first>}.
 *
 * Secret reuse: per secret HMAC, the distinct accounts (user, protocol,
 * server) that logged in with it, success or unknown outcome (a refused
 * secret is not an account's secret: failures go to attack detection).
 * When a second or later account joins: one credential_reuse finding.
 *
 * Brute force / spraying: per client, failures in a tumbling window of
 * bruteforce_window seconds starting at its first failure.  threshold
 * failures against one user: credential_attack type brute_force; failures
 * against max(2, threshold / 2) distinct users: type password_spraying.
 * At most one finding per (client, type) per window.
 *
 * Live mode: windows close only when a later finding arrives (or at
 * shutdown), since the correlator never reads the wall clock; a follow-up
 * can therefore wait for the next finding from anywhere.
 *
 * Memory: one table of at most max_entries entries (de-duplication,
 * reuse and attack entries together), each allocated when first needed;
 * when full the least recently used entry is evicted (counted; an evicted
 * de-duplication entry publishes its follow-up first).
 */
#ifndef EDGEWARD_CRED_CORRELATE_H
#define EDGEWARD_CRED_CORRELATE_H

#include <stddef.h>
#include <stdint.h>

#include "correlator.h"

struct out_rec;
struct sensor;

struct correlate_opts {
	unsigned	dedup_window;		/* seconds, 0 = off */
	unsigned	bruteforce_window;	/* seconds */
	unsigned	bruteforce_threshold;	/* failures, >= 2 */
	unsigned	max_entries;		/* table size, >= 1 */
};

struct correlate_stats {
	uint64_t	dedup_suppressed;	/* repeats not published */
	uint64_t	dedup_followups;	/* follow-ups published */
	uint64_t	reuse;			/* credential_reuse findings */
	uint64_t	brute_force;		/* credential_attack findings */
	uint64_t	spraying;
	uint64_t	evicted;		/* table full: LRU entry dropped */
	uint64_t	alloc_failed;		/* out of memory: not tracked */
	uint64_t	too_big;		/* a finding did not fit */
	uint64_t	entries;		/* in use now */
	uint64_t	peak_entries;
};

struct correlate;

/*
 * `s` (sensor name, for finding_format) and `run_id` (for dedup.of) must
 * outlive the correlator.  Returns NULL with errbuf filled on failure.
 * The caller owns the result and frees it with correlate_free().
 */
struct correlate *correlate_new(const struct sensor *s,
	    const struct correlate_opts *o, const char *run_id,
	    correlate_out_fn out, void *arg, char *errbuf, size_t errlen);
/*
 * Takes one record in final order; publishes it (or not) through out and
 * returns what out returned for it (0: folded into a count).
 */
uint64_t correlate_record(struct correlate *c, const struct out_rec *r);
/* End of input: closes every de-duplication window. */
void	correlate_finish(struct correlate *c);
const struct correlate_stats *correlate_stats(const struct correlate *c);
void	correlate_free(struct correlate *c);

/*
 * The API above is what the descriptor in cred_correlate.c
 * (credential_correlator, registered in detectors/registry.c) runs; tests
 * drive it directly.
 */

#endif
