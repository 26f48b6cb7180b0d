/*
 * output.h - the worker-to-publisher record format and the publisher thread.
 *
 * Workers append out_rec records to their own output ring (finding_emit).
 * The publisher thread is the only owner of sinks (the JSON-lines file or
 * stdout, Redis): it merges the rings in (key, flow_seq, sub) order, puts
 * timestamp and finding_id in front of each body and hands the line to every
 * sink.  Between the merge and the sinks sit the correlators
 * (correlator.h): de-duplication, secret reuse, brute force ...  Offline, it only releases a record once every worker's watermark has
 * passed its key, which makes the output independent of the worker count.
 */
#ifndef EDGEWARD_OUTPUT_H
#define EDGEWARD_OUTPUT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "correlator.h"
#include "finding.h"
#include "sensor.h"
#include "sink.h"

struct sensor;
struct worker;
struct capture;
struct corr_stage;

#define OUT_CRED_PROTO		16
#define OUT_CRED_MECH		32
#define OUT_CRED_USER		64

/*
 * The fixed header a worker fills (finding_emit) for a credential finding
 * from the credential detector, so the publisher's correlators need
 * no JSON parsing.  The keys are SHA-256 (sensor/crypto.h) of a
 * length-prefixed encoding of their fields, truncated to 64 bits: the fields
 * come from the wire, and a hash anyone can collide (FNV) would let an
 * attacker fold a finding into another's de-duplication entry.  The secret
 * itself never reaches the publisher: only its HMAC.
 */
struct out_cred {
	/* kind, client ip, server ip, server port, user, secret hmac, outcome */
	uint64_t	dedup_key;
	/* user, protocol, server ip: one account, for secret reuse */
	uint64_t	account_key;
	/* user alone, for brute force against one user */
	uint64_t	user_key;
	uint8_t		secret_hmac[32];	/* zero when no secret */
	uint32_t	secret_len;
	uint8_t		has_secret;
	uint8_t		outcome;		/* enum cred_outcome */
	uint8_t		family;			/* 4 or 6 */
	uint8_t		ipproto;
	uint16_t	sport, dport;
	uint8_t		client[16], server[16];
	uint8_t		confidence;
	uint8_t		nmitre;
	uint8_t		user_len;		/* bytes kept in user[] */
	uint8_t		user_truncated;
	const char	*mitre[4];		/* string literals */
	char		protocol[OUT_CRED_PROTO];	/* NUL-terminated */
	char		mechanism[OUT_CRED_MECH];	/* NUL-terminated */
	uint8_t		user[OUT_CRED_USER];	/* bounded copy, not terminated */
};

/*
 * Computes the three keys of an out_cred whose family, addresses, port,
 * protocol, secret_hmac/has_secret and outcome are filled, from the whole
 * user name (the header keeps a bounded copy).  Worker side (emit.c).
 */
void	out_cred_keys(struct out_cred *oc, uint8_t kind, const uint8_t *user,
	    size_t user_len);

/*
 * One record on a worker's output ring: a finding (obs == 0, body is
 * finding_format() JSON) or an observation (obs != 0, det_observe()).
 *
 * Observations carry a detector's binary body (its own struct, the
 * detector and its correlator share the definition) to the publisher's
 * correlators, for work that must see every worker's flows (one series
 * across server addresses, one finding per client and tool).  They are
 * never published: the correlator that owns the type folds them (returns
 * 0), and publish_line() drops any that reach it (counted).  Types: a
 * detector family takes a block of 256, high byte its own (rmm.h 0x01xx,
 * beacon.h 0x02xx).
 *
 * Every finding a worker emits also carries its endpoints (ep, has_ep),
 * so correlators (the hand-off chain) know the hosts of every kind
 * without parsing JSON; a correlator's own finding fills them with
 * corr_publish().  flags (OUT_F_*) say what a correlator stage after the
 * maker should know without parsing: the finding is about something
 * policy allows (a sanctioned remote-access tenant reported with
 * rmm_report_allowed: for the record, not an attack step), or it is a
 * follow-up of an earlier finding (a window's totals, not a new event).
 */
#define OUT_F_ALLOWED	0x01
#define OUT_F_FOLLOWUP	0x02

struct out_rec {
	uint64_t	key;		/* 2*packet or 2*tick+1 */
	uint64_t	flow_seq;	/* first packet of the flow (0: none) */
	uint32_t	sub;		/* emission counter within the key */
	uint8_t		kind;
	uint8_t		severity;
	uint16_t	len;		/* body length, without NUL */
	uint64_t	ts_us;
	uint16_t	obs;		/* observation type, 0: a finding */
	uint8_t		has_ep;		/* ep below is filled */
	uint8_t		flags;		/* OUT_F_* */
	uint8_t		has_cred;	/* cred below is filled */
	uint64_t	fold_key;	/* struct finding's, 0: none */
	uint8_t		fold_tally;	/* struct finding's */
	uint64_t	fold_sum[3];
	struct finding_endpoints ep;
	struct out_cred	cred;
	char		body[];		/* finding_format() output */
};

#define OUTPUT_MAX_SINKS	4

struct publisher_stats {
	uint64_t	findings;		/* lines handed to sinks */
	uint64_t	observations_unclaimed;	/* no correlator took them */
	uint64_t	by_kind[FK_MAX];
	uint64_t	sink_errors;
	/* The correlators' counters, summed by name (their last report). */
	struct weird		corr[WEIRD_MAX];
	unsigned		ncorr;
};

struct publisher {
	const struct sensor	*s;		/* &view once started */
	struct sensor		 view;		/* run-time keys follow SIGHUP */
	uint64_t		 cfg_gen;
	_Atomic uint64_t	 cfg_seen;	/* for the control thread */
	uint64_t		 reopen_seen;
	struct sink		*file;		/* the file sink among sinks, or NULL */
	uint64_t		 start_ms;
	struct worker		*workers;
	unsigned		 nworkers;
	const struct capture	*cap;
	struct sink		*sinks[OUTPUT_MAX_SINKS];
	unsigned		 nsinks;
	char			 run_id[17];
	uint64_t		 next_id;
	struct publisher_stats	 st;
	/* The correlator chain (correlator_registry order), owned by the
	 * publisher thread. */
	void			**corr;
	struct corr_env		*corr_env;
	struct corr_stage	*corr_stages;
	unsigned		 ncorr;
	uint64_t		 last_health_ms;
	pthread_t		 thread;
	/* Set by main once every worker has finished. */
	_Atomic int		 workers_done;
};

/*
 * A sink writing JSON lines to a file ("-" = stdout), appending; a file it
 * creates gets mode 0640, or 0600 with secrets set (reveal_secrets).
 * Returns NULL with errbuf filled when the file cannot be opened.  Write
 * errors (a full disk, a closed stdout) are said once on stderr; the lines
 * not written are counted in stats().dropped, and a line cut in the middle
 * is removed from a regular file.
 */
struct sink	*file_sink_open(const char *path, int line_buffered,
		    int secrets, char *errbuf, size_t errlen);

/*
 * Reopens a file sink's file at path (SIGHUP, after logrotate moved it):
 * the new file is opened first, so on failure (-1, errbuf set) the old one
 * stays in use.  Standard output is left alone.  Publisher thread only.
 */
int	file_sink_reopen(struct sink *s, const char *path, int secrets,
	    char *errbuf, size_t errlen);
/*
 * Writes out what is buffered; returns the findings lost so far (write
 * errors).  The sink's owner only (main once the publisher has ended).
 */
uint64_t file_sink_flush(struct sink *s);

/*
 * Starts the publisher thread.  p->s is copied into p->view first.  Besides
 * merging and publishing, the thread applies configuration snapshots,
 * reopens the output file and prints statistics on request (struct runtime).
 */
int	publisher_start(struct publisher *p, char *errbuf, size_t errlen);
/* Waits for the publisher to drain every ring and close its sinks. */
void	publisher_join(struct publisher *p);

#endif
