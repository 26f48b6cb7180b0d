/*
 * detector.h - the contract between the engine (sensor/) and detectors
 * (detectors/): facts and flows in, findings out.
 *
 * One file per detector in detectors/, each ending with one
 *     const struct detector <name>_detector = { .name = ..., ... };
 * registered with one line in detectors/registry.c and one line in
 * Makefile.am.  Everything else in a detector file is static.  A detector
 * includes sensor/ headers only: never a dissector's, never another
 * detector's.  The engine calls detectors only through the registry.
 *
 * Events (the `events` mask says which hooks the engine calls):
 *   DET_EV_FLOW_START  a flow was created (its first packet is in work)
 *   DET_EV_APP         nDPI's classification of the flow is final
 *                      (struct app_fact; basis says whether it was guessed)
 *   DET_EV_FACT        a dissector or the engine reported a fact whose
 *                      type is in fact_mask (1u << FACT_*); a FACT_DEVICE
 *                      from a link-layer frame (LLDP, CDP) has no flow:
 *                      det_flow() is NULL and `fs` NULL, and findings
 *                      leave through det_emit_endpoints()
 *   DET_EV_SESSION     the flow became a session: payload went both ways
 *                      (TCP: after a SYN/SYN-ACK handshake, or picked up
 *                      mid-stream); once per flow.  A scan never gets here.
 *   DET_EV_PACKET      every packet of a flow whose IP protocol is listed in
 *                      ip_protos (keep the list short: this is the hot path),
 *                      and every packet of the flows the detector chose with
 *                      det_flow_packets() (a few packets of a flow on a port
 *                      of interest, the packets of a long-lived session)
 *   DET_EV_FLOW_END    the flow ends (timeout, eviction, end of input); the
 *                      flow's other events have all happened by then
 *   DET_EV_TICK        packet time moved on (about once a second of capture
 *                      time, or every 100 ms live); `final` at the end of
 *                      input, when a detector reports what it still holds
 *
 * State:
 *   per flow    flow_state_size bytes, zeroed, allocated with the flow and
 *               charged to the flow memcap, freed by the flow table after
 *               flow_end; the `fs` argument of every flow hook.
 *   per worker  worker_new() at start (NULL: out of memory), worker_free()
 *               at exit; reached with det_worker_state().  Memory a detector
 *               allocates for it is charged with det_mem_charge() against
 *               detector_memcap (per detector, per worker); a refused charge
 *               is the detector's cue to evict, and it counts that with
 *               det_count().
 *   tables      load() builds immutable signature tables (signatures/ and
 *               the configuration) in the control thread at start and on
 *               SIGHUP; unload() frees them.  Workers switch to a new table
 *               between two input items, so per-flow and per-worker state
 *               must not keep pointers or indices into a table across
 *               events: keep values.
 *
 * Observations (det_observe()) are a detector's compact binary records for
 * its own correlator in the publisher (correlator.h), for what must see
 * every worker's flows: workers are chosen by address pair, so one client's
 * connections to several servers (a name served by several addresses, a
 * tool's relays) are spread over workers.  They take their place in the
 * output order like findings and are never published.
 *
 * Findings leave only through det_emit() (about the flow of the event) and
 * det_emit_endpoints() (about endpoints, for cross-flow findings); both end
 * in finding_emit(), which writes the common header and redacts secrets.
 * Output order is deterministic whatever the number of workers: a finding
 * takes its place from the input item being worked on and, within it, from
 * the flow (its first packet number) or, for det_emit_endpoints() from a
 * tick, from the order key the detector gives (a packet number tied to the
 * evidence, e.g. the first packet of the flow that completed it).
 */
#ifndef EDGEWARD_DETECTOR_H
#define EDGEWARD_DETECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "fact.h"
#include "finding.h"
#include "sensor.h"

#define DET_EV_FLOW_START	0x01
#define DET_EV_APP		0x02
#define DET_EV_FACT		0x04
#define DET_EV_SESSION		0x08
#define DET_EV_PACKET		0x10
#define DET_EV_FLOW_END		0x20
#define DET_EV_TICK		0x40

struct config;
struct detctx;
struct flow;
struct pkt;
struct policy_sets;

/* What load() gets. */
struct det_load_args {
	const char		*sigdir;	/* signatures directory */
	const struct config	*cfg;		/* the configuration being loaded */
	/*
	 * nDPI's protocol id for a protocol name ("RDP", "SMBv1"), ignoring
	 * case; -1 when nDPI has no such protocol.  Tables name protocols as
	 * nDPI does and are checked against it when they load.
	 */
	int			(*ndpi_id)(const struct det_load_args *a,
				    const char *name);
	void			*priv;		/* the engine's, for ndpi_id */
};


struct detector {
	const char	*name;		/* short, lower case: "credential" */
	const char	*description;	/* one line for --list-detectors */
	unsigned	 events;	/* DET_EV_* */
	unsigned	 fact_mask;	/* DET_EV_FACT: 1u << FACT_* wanted */
	const uint8_t	*ip_protos;	/* DET_EV_PACKET: 0-terminated list */
	size_t		 flow_state_size;
	void		*(*load)(const struct det_load_args *a, char *errbuf,
			    size_t errlen);
	void		(*unload)(void *tables);
	void		*(*worker_new)(const struct config *cfg);
	void		(*worker_free)(void *ws);
	void		(*flow_start)(struct detctx *ctx, void *fs);
	void		(*app)(struct detctx *ctx, void *fs,
			    const struct app_fact *a);
	void		(*fact)(struct detctx *ctx, void *fs,
			    const struct fact *f);
	void		(*session)(struct detctx *ctx, void *fs);
	void		(*packet)(struct detctx *ctx, void *fs,
			    const struct pkt *p, int dir);
	void		(*flow_end)(struct detctx *ctx, void *fs);
	void		(*tick)(struct detctx *ctx, uint64_t now_us, int final);
	/* Optional: the per-worker counters, for the summary and health. */
	void		(*counters)(const void *ws, counter_fn put,
			    void *arg);
};

/* The registry: a NULL-terminated list built in detectors/registry.c. */
extern const struct detector *const detector_registry[];

/* ---- what a detector may ask of its context ------------------------------ */

/* The flow of the event; NULL in tick(). */
const struct flow	*det_flow(const struct detctx *ctx);
/* The running configuration (follows SIGHUP). */
const struct config	*det_config(const struct detctx *ctx);
/* The address and domain sets of the configuration (edge_devices ...). */
const struct policy_sets *det_sets(const struct detctx *ctx);
/* This detector's current tables (load()), or NULL. */
const void		*det_tables(const struct detctx *ctx);
/* This detector's per-worker state (worker_new()), or NULL. */
void			*det_worker_state(const struct detctx *ctx);
/* Packet time of the event, microseconds since the epoch. */
uint64_t		 det_now_us(const struct detctx *ctx);
/* Emits a finding about the event's flow. */
void			 det_emit(struct detctx *ctx, const struct finding *f);
/*
 * Emits a finding about endpoints rather than one flow.  `order` places it
 * among findings of a tick (see above); in flow events the flow's first
 * packet number is used instead.
 */
void			 det_emit_endpoints(struct detctx *ctx,
			    const struct finding *f,
			    const struct finding_endpoints *ep, uint64_t order);
/*
 * Sends an observation (output.h) of `type` (the detector's block: rmm.h,
 * beacon.h) to the publisher's correlators: about the event's flow (its
 * endpoints go in the record header), or in a tick placed by `order` as
 * det_emit_endpoints().  data (at most 65535 bytes) is copied.
 */
void			 det_observe(struct detctx *ctx, uint16_t type,
			    const void *data, size_t len, uint64_t order);
/*
 * Asks for (on) or stops (off) the packet hook on every further packet of
 * the event's flow, in both directions, whatever ip_protos lists.  Cheap to
 * keep for a few packets (a structural check of the first payloads) or for
 * sparse flows; a detector stops it on bulk flows.  Only the first 16
 * detectors of the registry can subscribe (counted otherwise).
 */
void			 det_flow_packets(struct detctx *ctx, int on);
/* Counts a named event (a string literal), shown in the summary. */
void			 det_count(struct detctx *ctx, const char *name);
/* Per-worker detector memory against detector_memcap; -1: refused. */
int			 det_mem_charge(struct detctx *ctx, size_t n);
void			 det_mem_release(struct detctx *ctx, size_t n);

#endif
