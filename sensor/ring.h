/*
 * ring.h - single-producer single-consumer byte ring of variable-length
 * records, lock-free (C11 atomics, acquire/release on head and tail).
 *
 * One thread writes with ring_reserve()/ring_commit(), one thread reads with
 * ring_peek()/ring_release().  A record that does not fit before the end of
 * the buffer is preceded by a wrap marker and placed at offset 0.  Nothing
 * blocks here: a full ring makes ring_reserve() return NULL and the caller
 * decides to wait (offline) or count a drop (live).
 *
 * Ownership: the ring owns its buffer (ring_new/ring_free); reserved and
 * peeked pointers borrow it until commit/release.
 */
#ifndef EDGEWARD_RING_H
#define EDGEWARD_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A consumer's doorbell: producers bump seq and wake it when the consumer
 * sleeps (sleepers > 0).  A ring rings its own bell unless ring_set_bell()
 * points it at one shared by all of a consumer's input rings.
 */
struct ring_bell {
	_Atomic uint32_t	 seq;
	_Atomic uint32_t	 sleepers;
};

/*
 * Cache lines: what never changes after ring_new(), the producer's line
 * (the published head, its cached view of tail, its reservation and the
 * commits not yet published) and the consumer's (the published tail, its
 * cached view of head, its read position and the releases not yet
 * published) are each on their own, so neither side writes a line the
 * other reads except when it publishes.
 *
 * Batching (ring_set_batch): with a batch of n, commits are published
 * every n records (and by ring_flush, ring_kick and before the producer
 * waits), releases every n records (and whenever the consumer finds the
 * ring empty).  A batch of 1 (the default) publishes every record at once.
 */
#define RING_LINE	64

struct ring {
	/* set by ring_new/ring_set_bell/ring_set_batch, then read-only */
	uint8_t			*buf;
	size_t			 cap;
	struct ring_bell	*bell;		/* data: &own_bell or shared */
	uint32_t		 batch;

	/* producer */
	_Alignas(RING_LINE) _Atomic size_t head; /* published write offset */
	size_t			 p_head;	/* committed, maybe unpublished */
	size_t			 p_tail;	/* last tail seen */
	size_t			 resv_off;
	size_t			 resv_len;
	uint32_t		 p_unpub;	/* commits not yet published */

	/* consumer */
	_Alignas(RING_LINE) _Atomic size_t tail; /* published read offset */
	size_t			 c_tail;	/* released, maybe unpublished */
	size_t			 c_head;	/* last head seen */
	uint32_t		 c_unpub;	/* releases not yet published */

	/* futex words: bumped when someone sleeps */
	_Alignas(RING_LINE) struct ring_bell own_bell;
	_Atomic uint32_t	 space_seq;
	_Atomic uint32_t	 space_sleepers;
};

struct ring	*ring_new(size_t cap);
void		 ring_free(struct ring *r);
/* Space for a record of n bytes, or NULL when the ring is full. */
void		*ring_reserve(struct ring *r, uint32_t n);
void		 ring_commit(struct ring *r);
/* Publishes the commits of a batch now (producer). */
void		 ring_flush(struct ring *r);
/* Publishes every n commits / releases (n >= 1; before use). */
void		 ring_set_batch(struct ring *r, uint32_t n);
/* Wakes a sleeping consumer now (end of a batch, a tick). */
void		 ring_kick(struct ring *r);
/* The oldest record and its length, or NULL when empty. */
const void	*ring_peek(struct ring *r, uint32_t *n);
void		 ring_release(struct ring *r);
/* Consumer side: no record left to peek (published ones included). */
int		 ring_empty(struct ring *r);
/*
 * Sleeps until the ring has a record (consumer) or room (producer), or
 * timeout_us passes.  Spurious returns are allowed: callers re-check.
 */
void		 ring_wait_data(struct ring *r, unsigned timeout_us);
void		 ring_wait_space(struct ring *r, uint32_t need,
		    unsigned timeout_us);
/* Makes the ring's producer ring `bell` instead of the ring's own. */
void		 ring_set_bell(struct ring *r, struct ring_bell *bell);
/*
 * Consumer of several rings sharing `bell`: sleeps until one of them has a
 * record or timeout_us passes (spurious returns allowed).
 */
void		 ring_wait_any(struct ring_bell *bell, struct ring *const *rs,
		    unsigned n, unsigned timeout_us);
/* Bytes used as published (either side; a moment old). */
size_t		 ring_used(struct ring *r);

#endif
