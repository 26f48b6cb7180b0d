/*
 * detect.h - the engine side of the detector layer (detector.h is the
 * detectors' side): per-worker detector state, the per-flow state area, and
 * the calls that deliver events to the detectors registered in
 * detectors/registry.c.
 */
#ifndef EDGEWARD_DETECT_H
#define EDGEWARD_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "detector.h"
#include "sensor.h"

struct worker;
struct flow;
struct pkt;

/* Per detector, per worker. */
struct det_stats {
	uint64_t	memory;		/* det_mem_charge() balance */
	uint64_t	peak_memory;
	uint64_t	refused;	/* charges refused by detector_memcap */
};

struct detect {
	unsigned		 n;		/* registered detectors */
	size_t			*off;		/* flow state offsets */
	void			**ws;		/* worker states */
	struct det_stats	*st;
	unsigned		 events;	/* union of every detector's */
	uint8_t			 want_proto[256];	/* DET_EV_PACKET */
	/*
	 * For each event bit, the registry indices of the detectors that
	 * take it, in registry order (at most DETECT_MAX each): an event
	 * walks only its own takers (DET_EV_PACKET is per packet).
	 */
#define DETECT_EVENTS	7
#define DETECT_MAX	32
	uint8_t			 takers[DETECT_EVENTS][DETECT_MAX];
	uint8_t			 ntakers[DETECT_EVENTS];
	/* DET_EV_PACKET: the detectors (bit = registry index) per protocol. */
	uint32_t		 proto_takers[256];
	struct weird		 counts[WEIRD_MAX];	/* det_count() */
	unsigned		 ncounts;
};

/*
 * Bytes of per-flow detector state every flow carries after struct flow
 * (flow_table_opts.extra); the same for every worker.
 */
size_t	detect_flow_bytes(void);
int	detect_init(struct worker *w, char *errbuf, size_t errlen);
void	detect_fini(struct worker *w);

void	detect_flow_start(struct worker *w, struct flow *f);
void	detect_app(struct worker *w, struct flow *f, const struct app_fact *a);
void	detect_fact(struct worker *w, struct flow *f, const struct fact *fa);
void	detect_session(struct worker *w, struct flow *f);
void	detect_packet(struct worker *w, struct flow *f, const struct pkt *p,
	    int dir);
void	detect_flow_end(struct worker *w, struct flow *f);
/* A tick (final: end of input). */
void	detect_tick(struct worker *w, uint64_t now_us, int final);
/* Each detector's counters() and memory, as "detector.name" pairs. */
void	detect_counters(struct worker *w, counter_fn put, void *arg);

#endif
