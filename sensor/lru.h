/*
 * lru.h - a bounded table of fixed-size keys and values with least-
 * recently-used eviction, for detectors' per-worker state (DNS domains per
 * client, tunnel pairs already reported, ICMP peers).
 *
 * Owned by one worker: no locks.  Nodes are allocated one at a time as
 * the table grows, up to `cap`; past it (or when the caller refuses the
 * memory) an insert reuses the least recently used node, and the caller
 * counts that eviction.  Memory is charged by the caller: lru_node_bytes()
 * is what one new node costs, lru_fixed_bytes() what lru_new() allocated.
 * A lookup hashes the key (FNV-1a) into a power-of-two bucket array: O(1).
 *
 * Ownership: values live in the table; a pointer returned by lru_find()
 * or lru_insert() is valid until the next insert or lru_free().
 *
 * (The publisher's correlators use lrutab.h instead: intrusive entries of
 * any size whose eviction the caller handles, since closing one may
 * publish a finding.)
 */
#ifndef EDGEWARD_LRU_H
#define EDGEWARD_LRU_H

#include <stddef.h>
#include <stdint.h>

struct lru;

/* A table for up to cap entries (cap >= 1); NULL when out of memory. */
struct lru	*lru_new(size_t key_size, size_t val_size, unsigned cap);
void		 lru_free(struct lru *t);
size_t		 lru_fixed_bytes(const struct lru *t);
size_t		 lru_node_bytes(const struct lru *t);
unsigned	 lru_count(const struct lru *t);
/* Bytes of all nodes allocated so far (what the caller charged). */
size_t		 lru_nodes_bytes(const struct lru *t);

/* The value of key, made the most recent; NULL when absent. */
void		*lru_find(struct lru *t, const void *key);
/*
 * Inserts key (which must be absent) with a zeroed value and returns the
 * value.  A new node is allocated only when `may_grow` and the table holds
 * fewer than cap entries (*grew set); otherwise the least recently used
 * entry is dropped and its node reused (*evicted set).  NULL when the
 * table is empty and no node could be allocated.
 */
void		*lru_insert(struct lru *t, const void *key, int may_grow,
		    int *grew, int *evicted);
/*
 * Calls fn for every entry, most recent first; fn returns 1 to remove
 * the entry (its node is freed and its bytes are returned in *freed).
 */
void		 lru_walk(struct lru *t, int (*fn)(void *key, void *val,
		    void *arg), void *arg, size_t *freed);

#endif
