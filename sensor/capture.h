/*
 * capture.h - readers (pcap files, live interfaces) and the record they put
 * on each worker's input ring.
 *
 * The reader decodes each frame once (decode_packet), picks the worker by a
 * symmetric hash of the innermost address pair (so both directions and all
 * fragments of a datagram reach the same worker) and copies the decoded
 * struct pkt and the frame into that worker's ring.  Every tick_packets
 * packets (and every 100 ms live) it sends a tick to every worker so flows
 * expire at the same packet times whatever the number of workers.
 */
#ifndef EDGEWARD_CAPTURE_H
#define EDGEWARD_CAPTURE_H

#include <stdatomic.h>
#include <stdint.h>

#include "decode.h"

enum in_type {
	IN_PKT = 1,
	IN_TICK,
	IN_END,
	IN_FRAME	/* a link-local control frame without IP (decode.h) */
};

struct in_rec {
	uint32_t	type;
	uint32_t	reader;
	uint64_t	seq;		/* IN_PKT, IN_FRAME: packet number; else
					 * last sent */
	uint64_t	ts_us;
	struct pkt	pkt;		/* IN_PKT only; data re-based by worker;
					 * IN_FRAME: caplen only */
	uint8_t		frame[];
};

struct reader_stats {
	uint64_t	packets;
	uint64_t	bytes;
	uint64_t	non_ip;
	uint64_t	ring_waits;	/* offline: waited for a worker */
	uint64_t	ring_drops;	/* live: worker ring full */
	uint64_t	kernel_recv;
	uint64_t	kernel_drops;
	uint64_t	kernel_freezes;	/* AF_PACKET: ring full (tp_freeze_q_cnt) */
	uint64_t	ifdrops;
	uint64_t	handoffs;	/* AF_PACKET: packets given to their
					 * owner thread (afpacket.h) */
	uint64_t	bad_records;
	uint64_t	first_ts_us, last_ts_us;	/* packet times seen */
	struct decode_stats dstats;
};

struct sensor;
struct worker;
struct reader;
struct afpacket;

/*
 * Limits: live interfaces each have a ring per worker (EDGEWARD_MAX_READERS);
 * files are read one after another, one open at a time, so many may be
 * given (rotated captures).
 */
#define CAPTURE_MAX_FILES	4096

/*
 * Offline, the input rings publish every CAPTURE_RING_BATCH records (and at
 * every tick), not every record: fewer fences and wake-ups, and a worker's
 * cached view of the head lasts a batch (ring_set_batch, before the workers
 * start).  Live keeps a batch of one: a quiet link must not hold packets
 * back until the next tick.
 */
#define CAPTURE_RING_BATCH	64
/*
 * Offline, an input ring is at most this many MiB, whatever ring_mb says:
 * the reader waits for room, so a bigger ring buys nothing, and a small one
 * keeps what the reader writes in cache until the worker reads it (16 MiB
 * measured 12-15% more CPU than 2 on the bench mix).  ring_mb is for live
 * bursts.
 */
#define CAPTURE_OFFLINE_RING_MB	2

struct capture {
	const struct sensor	*s;
	struct worker		*workers;
	unsigned		 nworkers;
	/* offline */
	const char *const	*files;
	unsigned		 nfiles;
	/* live */
	const char *const	*ifaces;
	unsigned		 nifaces;
	struct reader_stats	*st;		/* [ninputs] */
	unsigned		 ninputs;
	_Atomic uint64_t	 dispatched;	/* highest seq on every ring, published
						 * (set at ticks) */
	uint64_t		 file_bytes_total;
	/*
	 * The offline progress line (capture_open: stderr is a terminal and
	 * no_progress is 0).  main sets no_progress (-q) and published (the
	 * publisher's count of findings) before capture_open.
	 */
	int			 progress;
	int			 no_progress;
	int			 sizes_known;	/* every input a regular file */
	/*
	 * Offline inputs that ended at a truncated or corrupt record (read up
	 * to it) and that could not be read at their turn (main: exit 3 and
	 * 1, edgeward(8) EXIT STATUS).
	 */
	unsigned		 damaged;
	unsigned		 skipped;
	const uint64_t		*published;
	struct reader		*readers;	/* one per input */
	/* Live on AF_PACKET (afpacket.h): st[] has one entry per thread. */
	struct afpacket		*afp;
};

/*
 * Opens every input and checks it (files readable and of a supported link
 * type, interfaces exist, BPF compiles).  Returns 0 or -1 with errbuf set.
 */
int	capture_open(struct capture *c, char *errbuf, size_t errlen);
/* Runs the readers to the end of input (or stop); returns 0 or -1. */
int	capture_run(struct capture *c, char *errbuf, size_t errlen);
void	capture_close(struct capture *c);

#endif
