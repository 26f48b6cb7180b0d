/*
 * stream.h - TCP reassembly per direction for dissectors.
 *
 * Delivers each direction's bytes in sequence order, once, up to a depth.
 * Out-of-order segments are buffered up to a per-direction byte bound; a
 * hole that is never filled (bound hit, or the flow ends) is a gap: it is
 * counted and delivery in that direction stops, because a parser fed across
 * a hole would misread the protocol.
 *
 * Overlap policy ("first wins"): bytes already delivered or already buffered
 * are kept; the overlapping part of a later segment is discarded.  Overlaps
 * are counted, and overlaps whose bytes differ from buffered data are counted
 * separately (a classic IDS-evasion sign).  Sequence numbers wrap (RFC 793
 * modular comparison).
 *
 * First wins is only sound for segments the receiver accepted too: a forged
 * segment as long as the real one, sent first with a bad checksum, would
 * win and hide it (insertion).  Checksums are therefore checked before a
 * segment gets here, by the flow table (flow_lookup), under the policy of
 * checksum.h (checksum_validation: auto takes what checksum offload leaves
 * on a capturing host and flows of rewritten traces, yes only verified
 * checksums, no everything).  A segment the policy drops never reaches the
 * stream.  Other insertions the receiver would drop (TTL too low to reach
 * it, outside its window, bad TCP options) are not detected.
 *
 * A SYN on a closed connection's 5-tuple starts a new flow, and so a new
 * stream (flow.h, TCP port reuse); within one stream only the first SYN sets
 * the initial sequence number.
 *
 * Ownership: the stream belongs to its flow; memory is charged to the flow
 * table through the charge/release callbacks.
 */
#ifndef EDGEWARD_STREAM_H
#define EDGEWARD_STREAM_H

#include <stddef.h>
#include <stdint.h>

struct stream_stats {
	uint64_t	segments;
	uint64_t	bytes_delivered;
	uint64_t	retransmissions;
	uint64_t	overlaps;
	uint64_t	overlap_mismatch;
	uint64_t	ooo_buffered;
	uint64_t	ooo_limit;
	uint64_t	gaps;
	uint64_t	depth_reached;
};

/* Receives in-order data; returns nothing (the stream keeps no state of it). */
typedef void (*stream_deliver_fn)(void *arg, int dir, const uint8_t *data,
    size_t len);
/* Memory accounting; charge returns -1 when the memcap refuses. */
typedef int (*stream_charge_fn)(void *arg, size_t n);
typedef void (*stream_release_fn)(void *arg, size_t n);

struct stream_opts {
	uint64_t		depth;
	uint64_t		ooo_max;
	stream_deliver_fn	deliver;
	stream_charge_fn	charge;
	stream_release_fn	release;
};

struct stream;

struct stream	*stream_new(void);
void		 stream_free(struct stream *s, const struct stream_opts *o,
		    void *arg);
/*
 * Feeds one segment of direction dir (0 or 1).  flags are the TCP flags.
 * arg is passed to the callbacks.
 */
void		 stream_segment(struct stream *s, const struct stream_opts *o,
		    void *arg, struct stream_stats *st, int dir, uint32_t seq,
		    uint8_t flags, const uint8_t *data, size_t len);
/*
 * Starts direction dir at sequence number next_seq (the byte after its
 * SYN), for a stream created after the handshake went by.
 */
void		 stream_start(struct stream *s, int dir, uint32_t next_seq);
/* Flow end: whatever is still buffered behind a hole is a gap. */
void		 stream_finish(struct stream *s, struct stream_stats *st);
/* Whether direction dir still delivers. */
int		 stream_active(const struct stream *s, int dir);
/* Stops delivery in both directions (the dissector is done). */
void		 stream_stop(struct stream *s);
size_t		 stream_size(void);

#endif
