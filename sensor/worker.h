/*
 * worker.h - one share-nothing worker thread: its flows, defragmentation,
 * nDPI (dpi.h), dissectors (dissect.h) and detectors (detect.h), owned by
 * that thread alone.
 *
 * Output order keys (emit.h): every input item gets a key, and within an
 * item each phase its own, so a worker's findings within one key always
 * come out in ascending (flow_seq, sub) order:
 *   WORKER_KEY_PACKET   findings while processing packet number seq
 *   WORKER_KEY_EXPIRE   flows ending at a tick (or all flows at the end of
 *                       input), in first-packet order
 *   WORKER_KEY_DETECT   detectors' tick work, staged and sorted by order key
 * A tick or the end of input carries the number of the last packet sent
 * before it, so its keys sort right after that packet's.
 */
#ifndef EDGEWARD_WORKER_H
#define EDGEWARD_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "capture.h"
#include "decode.h"
#include "dpi.h"
#include "finding.h"
#include "flow.h"
#include "ring.h"
#include "sensor.h"
#include "stream.h"

#define WORKER_KEY_PACKET(seq)	(4 * (uint64_t)(seq))
#define WORKER_KEY_EXPIRE(seq)	(4 * (uint64_t)(seq) + 1)
#define WORKER_KEY_DETECT(seq)	(4 * (uint64_t)(seq) + 2)

struct defrag;
struct detect;
struct staged;
struct ndpi_detection_module_struct;
struct ndpi_flow_struct;

struct worker_stats {
	uint64_t	packets;
	uint64_t	bytes;
	uint64_t	non_ip;
	uint64_t	findings[FK_MAX];
	uint64_t	observations;		/* det_observe() records */
	uint64_t	findings_dropped;	/* output ring full (live) */
	uint64_t	findings_too_big;
	uint64_t	dissector_pending_overflow;
	uint64_t	defrag_reassembled;
	uint64_t	sessions;		/* DET_EV_SESSION fired */
};

struct worker {
	const struct sensor	*s;		/* &view */
	struct sensor		 view;		/* this worker's copy */
	uint64_t		 cfg_gen;	/* snapshot applied to view */
	_Atomic uint64_t	 cfg_seen;	/* same, for the control thread */
	unsigned		 id;
	struct ring		*in[64];	/* readers, or AF_PACKET hand-offs
						 * from each thread (workers <= 64) */
	unsigned		 nin;
	struct ring_bell	 bell;		/* shared by the input rings */
	struct ring		*out;
	struct flow_table	*flows;
	struct ndpi_detection_module_struct *ndpi;
	/* nDPI flow state for trial runs and replays (dpi.c), never a
	 * flow's own */
	struct ndpi_flow_struct *ndpi_scratch;	/* DPI_SCRATCH states */
	/* Which flow's logged packets each scratch state holds, and how
	 * many (dpi.c: no replay while the flow's handshake goes on). */
	struct {
		const struct flow	*f;
		uint64_t		 first_us;
		uint64_t		 used;	/* scratch_clock; 0: free */
		unsigned		 npre;
	}			 scratch[DPI_SCRATCH];
	uint64_t		 scratch_clock;
	struct dpi_stats	 dpist;
	uint8_t			*ndpi_pkt;	/* dpi.c: a packet rebuilt for
						 * nDPI (DPI_PKT_MAX bytes) */
	struct detect		*det;
	struct defrag		*defrag;
	struct decode_stats	 dstats;
	struct stream_stats	 sstats;
	struct worker_stats	 st;
	struct weird		 weirds[WEIRD_MAX];
	unsigned		 nweirds;
	uint64_t		 now_us;	/* time of the item in work */
	uint64_t		 cur_key;	/* ordering key of that item */
	uint32_t		 emit_seq;	/* emission counter */
	/* Endpoint findings of a tick, staged (emit.c). */
	int			 staging;
	struct staged		*staged;
	unsigned		 nstaged;
	/*
	 * Progress: every record this worker emits from now on is at or
	 * above (pkey, pfs, psub).  Published with a seqlock (pver odd while
	 * writing) for the publisher's ordered merge.
	 */
	_Atomic uint64_t	 pver, pkey, pfs, psub;
	/* Offline: the reader's highest packet number sent (capture.h). */
	_Atomic uint64_t	*dispatched;
	uint64_t		 last_key;
	_Atomic int		 finished;
	unsigned		 ended;		/* IN_END records seen */
	/*
	 * Offline with one worker the reader may run it itself
	 * (capture.c: no ring, no copy, no thread): then worker_start
	 * starts nothing and the reader calls worker_item.
	 */
	int			 inline_mode;
	int			 started;	/* its thread runs */
	struct flow_stats	 final_flows;	/* kept after the table is freed */
	pthread_t		 thread;
	char			 json[FINDING_JSON_MAX];
};

/*
 * Applies the newest configuration snapshot (run-time keys, signature
 * database) to w->view (worker thread, between items).  Cheap when nothing
 * changed: one atomic load.
 */
void	worker_apply_runtime(struct worker *w);
/* Counts a named weird on a worker. */
void	worker_weird(struct worker *w, const char *name);
int	worker_init(struct worker *w, const struct sensor *s, unsigned id,
	    char *errbuf, size_t errlen);
int	worker_start(struct worker *w);
/*
 * One input item (capture.h's IN_* type, its packet number and time; p and
 * frame for IN_PKT and IN_FRAME, p's data re-based on frame).  Called by
 * the worker's thread, or by the reader for an inline worker.  Returns 1
 * after the last IN_END (the worker is finished), else 0.
 */
int	worker_item(struct worker *w, uint32_t type, uint64_t seq,
	    uint64_t ts_us, struct pkt *p, const uint8_t *frame);
void	worker_join(struct worker *w);
void	worker_fini(struct worker *w);
/*
 * One input item, for a thread that owns the worker and reads its own
 * input (afpacket.c) instead of the worker's rings: type and seq as in
 * struct in_rec; p and frame for IN_PKT (p->data is set to frame), frame
 * and p->caplen for IN_FRAME.  IN_END ends every flow and marks the worker
 * finished; nothing may follow it.
 */
void	worker_input(struct worker *w, enum in_type type, uint64_t seq,
	    uint64_t ts, struct pkt *p, const uint8_t *frame);
/* Reads a worker's progress triple consistently (publisher side). */
void	worker_progress(struct worker *w, uint64_t out[3]);
void	worker_set_progress(struct worker *w, uint64_t key, uint64_t fs,
	    uint64_t sub);

#endif
