/*
 * tunnel_util.h - what the tunnel_* detectors share: getting an entry of a
 * per-worker LRU table (sensor/lru.h) with its memory charged, the Shannon
 * entropy of some bytes, a name hash, and "report this tunnel once per
 * tunnel_report_interval": a per-worker LRU of
 * what was reported when, keyed by a kind, two addresses and a hash (a
 * domain, a tool, a service).  Memory is charged to the calling detector's
 * detector_memcap; when it is refused or the table is full, the least
 * recently reported key is forgotten (counted by the caller's name), so a
 * forgotten tunnel may be reported again: never silence by overflow.
 *
 * Header-only (static inline) so that each detector stays one file and no
 * detector includes another's code.
 */
#ifndef EDGEWARD_TUNNEL_UTIL_H
#define EDGEWARD_TUNNEL_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "detector.h"
#include "lru.h"

#define TUNNEL_ONCE_CAP	65536

/*
 * The entry of key in t, or a new zeroed one (*fresh set): the node's
 * memory is charged to the calling detector's detector_memcap; refused or
 * at the table's cap, the least recently used entry is reused and counted
 * under `evicted_counter` (a string literal).  NULL when nothing could be
 * had.
 */
static inline void *
tunnel_lru_get(struct detctx *ctx, struct lru *t, const void *key,
    int *fresh, const char *evicted_counter)
{
	void *v;
	int may, grew, evicted;

	*fresh = 0;
	if (t == NULL)
		return NULL;
	if ((v = lru_find(t, key)) != NULL)
		return v;
	may = det_mem_charge(ctx, lru_node_bytes(t)) == 0;
	v = lru_insert(t, key, may, &grew, &evicted);
	if (may && !grew)
		det_mem_release(ctx, lru_node_bytes(t));
	if (evicted)
		det_count(ctx, evicted_counter);
	*fresh = v != NULL;
	return v;
}

/*
 * Per-flow state a detector needs only for a few flows (an SSH session, a
 * WebSocket, a pending DoH report): allocated on demand, zeroed, charged
 * to its detector_memcap, so that every other flow carries a pointer and
 * not the state.  NULL when refused (counted under `refused_counter`).
 * Free it with tunnel_flow_free() at the latest in flow_end.
 */
static inline void *
tunnel_flow_alloc(struct detctx *ctx, size_t n, const char *refused_counter)
{
	void *p;

	if (det_mem_charge(ctx, n) < 0) {
		det_count(ctx, refused_counter);
		return NULL;
	}
	if ((p = calloc(1, n)) == NULL)
		det_mem_release(ctx, n);
	return p;
}

static inline void
tunnel_flow_free(struct detctx *ctx, void **slot, size_t n)
{
	if (*slot == NULL)
		return;
	free(*slot);
	*slot = NULL;
	det_mem_release(ctx, n);
}

/* Shannon entropy of n bytes, in hundredths of a bit per byte. */
static inline uint32_t
tunnel_entropy_x100(const uint8_t *p, size_t n)
{
	unsigned cnt[256] = { 0 };
	double h = 0, q;
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		cnt[p[i]]++;
	for (i = 0; i < 256; i++) {
		if (cnt[i] == 0)
			continue;
		q = (double)cnt[i] / (double)n;
		h -= q * log2(q);
	}
	return (uint32_t)(h * 100.0 + 0.5);
}

struct tunnel_once_key {
	uint8_t		family;
	uint8_t		kind;		/* the caller's: a type, a tool */
	uint8_t		pad[6];
	uint8_t		a[16], b[16];	/* client, server (zero: any) */
	uint64_t	h;		/* a name's hash, or 0 */
};

struct tunnel_once {
	struct lru	*t;
};

static inline int
tunnel_once_init(struct tunnel_once *o)
{
	o->t = lru_new(sizeof(struct tunnel_once_key), sizeof(uint64_t),
	    TUNNEL_ONCE_CAP);
	return o->t != NULL ? 0 : -1;
}

static inline void
tunnel_once_free(struct tunnel_once *o)
{
	lru_free(o->t);
	o->t = NULL;
}

/*
 * For a detector whose per-worker state is just its once table:
 * worker_new and worker_free (the state is a struct tunnel_once).
 */
static inline void *
tunnel_once_new(void)
{
	struct tunnel_once *o = calloc(1, sizeof(*o));

	if (o != NULL && tunnel_once_init(o) < 0) {
		free(o);
		return NULL;
	}
	return o;
}

static inline void
tunnel_once_delete(void *p)
{
	if (p == NULL)
		return;
	tunnel_once_free(p);
	free(p);
}

/* FNV-1a of a name, for tunnel_once_key.h. */
static inline uint64_t
tunnel_once_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n-- > 0) {
		h ^= (uint8_t)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * A key for (kind, client, server, name hash) of family 4 or 6; a NULL
 * address stays zero (any).
 */
static inline void
tunnel_once_key(struct tunnel_once_key *k, uint8_t kind, uint8_t family,
    const uint8_t *a, const uint8_t *b, uint64_t h)
{
	size_t n = family == 6 ? 16 : 4;

	memset(k, 0, sizeof(*k));
	k->kind = kind;
	k->family = family;
	if (a != NULL)
		memcpy(k->a, a, n);
	if (b != NULL)
		memcpy(k->b, b, n);
	k->h = h;
}

/*
 * 1 when the key may be reported at packet time now (never reported, or
 * longer ago than tunnel_report_interval; 0 in the config means once), and
 * records it as reported; 0 otherwise.
 */
static inline int
tunnel_once(struct detctx *ctx, struct tunnel_once *o,
    const struct tunnel_once_key *k, const char *forgot_counter)
{
	uint64_t *last, now = det_now_us(ctx);
	uint64_t iv = (uint64_t)det_config(ctx)->tunnel_report_interval *
	    1000000;
	int fresh;

	if (o->t == NULL)
		return 1;
	last = tunnel_lru_get(ctx, o->t, k, &fresh, forgot_counter);
	if (last != NULL && !fresh) {
		/* Packet time may step back across files: not again yet. */
		if (iv == 0 || now < *last || now - *last < iv)
			return 0;
	}
	if (last != NULL)
		*last = now;
	return 1;
}

#endif
