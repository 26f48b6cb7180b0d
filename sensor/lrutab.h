/*
 * lrutab.h - bounded tables for the publisher's correlators.
 *
 * struct lrutab: entries
 * found by a 64-bit key in a chained hash and kept on one list from the
 * most to the least recently used, so the caller can close idle entries
 * from the tail and evict the least recently used one when the table is
 * full.
 *
 * Intrusive: a caller's entry starts with a struct lru_node; the table
 * never allocates or frees entries, the caller does (and decides what an
 * eviction publishes first).  Keys are hashes the caller makes: several
 * entries may share one, so a lookup walks the chain and compares the
 * caller's own fields.  Single-threaded (the publisher's).
 */
#ifndef EDGEWARD_LRUTAB_H
#define EDGEWARD_LRUTAB_H

#include <stddef.h>
#include <stdint.h>

struct lru_node {
	struct lru_node	*hnext;		/* hash chain */
	struct lru_node	*newer, *older;	/* use order */
	uint64_t	 key;
};

struct lrutab {
	struct lru_node	**buckets;
	size_t		 mask;
	struct lru_node	*newest, *oldest;
	size_t		 n;
};

/* Room for about `expect` entries; 0, or -1 when out of memory. */
int	lrutab_init(struct lrutab *t, size_t expect);
/* Frees the buckets (not the entries: walk from oldest first). */
void	lrutab_fini(struct lrutab *t);
/* Frees every entry (each one malloc'ed block) and the buckets. */
void	lrutab_free_all(struct lrutab *t);
/* The first entry of key's chain; follow hnext for the others. */
struct lru_node *lrutab_chain(const struct lrutab *t, uint64_t key);
/* Adds e (key set) as the most recently used. */
void	lrutab_insert(struct lrutab *t, struct lru_node *e);
void	lrutab_remove(struct lrutab *t, struct lru_node *e);
/* Makes e the most recently used. */
void	lrutab_touch(struct lrutab *t, struct lru_node *e);

/*
 * A small set of recently seen addresses (family, 16 bytes), the oldest
 * replaced when full: the DNS servers a correlator has seen answer, so
 * that their own (forwarded) queries are not taken for a user's.
 */
#define ADDR_RING_SIZE	64

struct addr_ring {
	uint8_t		a[ADDR_RING_SIZE][17];
	unsigned	n, next;
};

int	addr_ring_has(const struct addr_ring *r, uint8_t family,
	    const uint8_t *addr);
void	addr_ring_add(struct addr_ring *r, uint8_t family,
	    const uint8_t *addr);

#endif
