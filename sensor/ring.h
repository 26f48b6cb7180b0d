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

struct ring {
	uint8_t			*buf;
	size_t			 cap;		/* power of two not required */
	_Atomic size_t		 head;		/* next write offset (producer) */
	char			 pad1[64 - sizeof(size_t)];
	_Atomic size_t		 tail;		/* next read offset (consumer) */
	char			 pad2[64 - sizeof(size_t)];
	size_t			 resv_off;	/* producer-private */
	size_t			 resv_len;
	/* futex words: bumped on commit / release when someone sleeps */
	struct ring_bell	 own_bell;
	struct ring_bell	*bell;		/* data: &own_bell or shared */
	_Atomic uint32_t	 space_seq;
	_Atomic uint32_t	 space_sleepers;
};

struct ring	*ring_new(size_t cap);
void		 ring_free(struct ring *r);
/* Space for a record of n bytes, or NULL when the ring is full. */
void		*ring_reserve(struct ring *r, uint32_t n);
void		 ring_commit(struct ring *r);
/* Wakes a sleeping consumer now (end of a batch, a tick). */
void		 ring_kick(struct ring *r);
/* The oldest record and its length, or NULL when empty. */
const void	*ring_peek(struct ring *r, uint32_t *n);
void		 ring_release(struct ring *r);
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
size_t		 ring_used(struct ring *r);

#endif
