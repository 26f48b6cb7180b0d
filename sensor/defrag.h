/*
 * defrag.h - IPv4 and IPv6 fragment reassembly for one worker thread.
 *
 * One struct defrag per worker; it is never shared, so there are no locks.
 * See defrag.c for the specs followed, the overlap policy and the limits.
 */
#ifndef EDGEWARD_DEFRAG_H
#define EDGEWARD_DEFRAG_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* Defaults used for option fields left at 0. */
#define DEFRAG_DEFAULT_MEMCAP		(16u * 1024 * 1024)
#define DEFRAG_DEFAULT_TIMEOUT_US	(30ull * 1000000)	/* Linux: 30 s */
#define DEFRAG_DEFAULT_MAX_FRAGMENTS	256
#define DEFRAG_DEFAULT_MAX_DATAGRAMS	4096
/*
 * The smallest memcap the configuration takes (defrag_memcap): room for
 * two datagrams of the largest size (65,535 bytes in 128 fragments, with
 * their trackers and saved headers: about 68 KiB each), so one cannot
 * starve the other.
 */
#define DEFRAG_MIN_MEMCAP		(160u * 1024)

struct defrag_stats {
	uint64_t	fragments;	/* fragments fed */
	uint64_t	reassembled;	/* datagrams completed */
	uint64_t	timeouts;	/* incomplete datagrams expired */
	uint64_t	memcap_drops;	/* fragments dropped: memcap reached
					 * even after evicting */
	uint64_t	overlaps;	/* fragments overlapping bytes already
					 * held (exact duplicates included) */
	uint64_t	overlap_mismatch; /* ... of which some byte differed */
	uint64_t	too_big;	/* datagrams dropped: reassembled size
					 * would exceed 65535 */
	uint64_t	bad_fragments;	/* malformed, truncated, inconsistent */
	uint64_t	tables_full;	/* datagrams evicted: max_datagrams */
	/* Additions to the contract: */
	uint64_t	memcap_evictions; /* datagrams evicted: memcap */
	uint64_t	too_many_fragments; /* datagrams dropped: more than
					 * max_fragments_per_datagram */
};

struct defrag_opts {
	size_t		memcap;		/* bytes of trackers + fragment data */
	uint64_t	timeout_us;	/* from a datagram's first fragment */
	unsigned	max_fragments_per_datagram;
	unsigned	max_datagrams;	/* incomplete datagrams held at once */
};

struct defrag;

/*
 * Creates a reassembler.  Zero option fields (or o == NULL) take the
 * DEFRAG_DEFAULT_* values.  Returns NULL and fills errbuf on failure.
 * The caller owns the result and frees it with defrag_free().
 */
struct defrag	*defrag_new(const struct defrag_opts *o, char *errbuf,
		    size_t errlen);
void		 defrag_free(struct defrag *d);

/*
 * Feeds one fragment (p->is_fragment set by decode_packet, p->data valid).
 * Returns 1 with *out and *outlen set to a complete IP datagram: a rebuilt
 * IPv4 header (from the offset-0 fragment, total length and checksum fixed,
 * MF/offset cleared) or IPv6 header (payload length fixed, fragment header
 * removed and the preceding next-header byte set to the fragment's next
 * header) followed by the reassembled payload.  The buffer is owned by the
 * defrag module and valid until the next defrag_* call.
 * Returns 0 when the datagram is still incomplete, -1 when the fragment was
 * dropped (counted in stats).  p is only read; nothing of it is kept.
 * Datagrams that timed out by p->ts_us are expired on the way (as by
 * defrag_expire()).
 */
int		 defrag_feed(struct defrag *d, const struct pkt *p,
		    const uint8_t **out, uint32_t *outlen);

/* Drops incomplete datagrams whose first fragment is older than timeout
 * (packet time). */
void		 defrag_expire(struct defrag *d, uint64_t now_us);

/* Counters; the pointer borrows d and lives as long as it. */
const struct defrag_stats *defrag_stats(const struct defrag *d);

/*
 * Bytes held for incomplete datagrams (trackers, saved headers, fragment
 * data): what memcap bounds.  0 when nothing is pending.  The fixed
 * allocations made by defrag_new() (hash buckets, the output buffer) are
 * not included; defrag_fixed_memory() reports them.
 */
size_t		 defrag_memory(const struct defrag *d);
size_t		 defrag_fixed_memory(const struct defrag *d);

/* Incomplete datagrams currently held. */
unsigned	 defrag_pending(const struct defrag *d);

#endif
