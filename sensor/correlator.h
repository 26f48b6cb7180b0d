/*
 * correlator.h - cross-finding correlation in the publisher thread, in the
 * shape of struct detector: one file per correlator in detectors/, one
 * registry line in detectors/registry.c.
 *
 * The publisher merges the workers' findings into their final order and
 * hands every record to the first correlator; each passes records on (or
 * folds them, e.g. de-duplication) to the next through env->out, and may
 * make findings of its own the same way; after the last comes publication.
 * A correlator is single-threaded (the publisher's) and, offline,
 * deterministic: its clock is the records' packet time.
 *
 * Records: struct out_rec (output.h); a credential finding carries its
 * identity in out_rec.cred.
 */
#ifndef EDGEWARD_CORRELATOR_H
#define EDGEWARD_CORRELATOR_H

#include <stddef.h>
#include <stdint.h>

#include "sensor.h"

struct out_rec;

/*
 * Passes a record on; returns the number n of its finding_id
 * "<run id>-<n>" once published, 0 if it was not.  The record is only
 * valid during the call.
 */
typedef uint64_t (*correlate_out_fn)(void *arg, const struct out_rec *r);

/* What a correlator starts with. */
struct corr_env {
	const struct sensor	*s;		/* configuration, GeoIP, key */
	const char		*run_id;	/* for references to findings */
	correlate_out_fn	 out;		/* the next stage */
	void			*out_arg;
};

struct correlator {
	const char	*name;
	const char	*description;
	/* NULL with errbuf set on failure; env outlives the correlator. */
	void		*(*start)(const struct corr_env *env, char *errbuf,
			    size_t errlen);
	/* One record in final order; returns what env->out returned for it,
	 * or 0 when it folded the record. */
	uint64_t	(*record)(void *c, const struct out_rec *r);
	/* End of input (or stop): report what is still open. */
	void		(*finish)(void *c);
	/* Counters for the summary and sensor_health. */
	void		(*counters)(const void *c, counter_fn put, void *arg);
	void		(*stop)(void *c);
};

/* The registry: a NULL-terminated list built in detectors/registry.c. */
extern const struct correlator *const correlator_registry[];

struct finding;
struct finding_endpoints;

/*
 * A correlator's own finding: formats f about the endpoints ep (GeoIP for
 * them when a database is configured; app_proto, nDPI's name, or NULL, as
 * the header's app_proto) at packet time ts_us, fills the
 * record's header (kind, severity, endpoints, flags OUT_F_*: see struct
 * out_rec) and passes it to env->out.  Returns what env->out returned
 * (the finding's number), or 0 when the finding did not fit
 * FINDING_JSON_MAX (nothing passed on).  Publisher thread only; the
 * record lives on this call's stack.
 */
uint64_t	corr_publish(const struct corr_env *env,
		    const struct finding *f, const struct finding_endpoints *ep,
		    const char *app_proto, uint64_t ts_us, unsigned flags);

#endif
