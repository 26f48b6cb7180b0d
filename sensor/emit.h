/*
 * emit.h - a worker's one way out for findings.
 *
 * finding_emit() formats a finding (finding_format(): the common header,
 * GeoIP, secret redaction) and queues it on the worker's output ring for
 * the publisher, tagged with its place in the deterministic output order:
 *   key       the input item being worked on (worker.h, WORKER_KEY_*)
 *   flow_seq  the flow's first packet number, or the order key a detector
 *             gave a cross-flow finding
 *   sub       emission counter of the worker (ties within one flow)
 * The publisher merges the rings by that triple.  Offline a full ring makes
 * the worker wait (nothing is lost); live it is a counted drop.
 *
 * Findings about endpoints emitted during a tick are staged and committed
 * sorted by their order key when the tick ends, so the order does not
 * depend on which detector ran first or on hash-table order.
 */
#ifndef EDGEWARD_EMIT_H
#define EDGEWARD_EMIT_H

#include <stdint.h>

struct worker;
struct flow;
struct finding;
struct finding_endpoints;

/*
 * Emits f about flow fl, or (fl NULL) about the endpoints ep with order
 * key `order`.  All pointers are borrowed for the call.
 */
void	finding_emit(struct worker *w, const struct flow *fl,
	    const struct finding_endpoints *ep, uint64_t order,
	    const struct finding *f);
/*
 * Queues an observation (output.h: a detector's binary record for the
 * publisher's correlators, never published) of `type` (not 0), about flow
 * fl or, fl NULL, placed by `order` like an endpoint finding.  data is
 * copied; at most 65535 bytes.
 */
void	observe_emit(struct worker *w, const struct flow *fl, uint64_t order,
	    uint16_t type, const void *data, size_t len);
/* Brackets a tick: endpoint findings in between are staged, then sorted. */
void	emit_stage_begin(struct worker *w);
void	emit_stage_end(struct worker *w);
/* Frees what is staged (worker exit). */
void	emit_fini(struct worker *w);

#endif
