/*
 * tunnel_once.h - "report this tunnel once per tunnel_report_interval",
 * shared by the tunnel_* detectors: a per-worker LRU (sensor/lru.h) of
 * what was reported when, keyed by a kind, two addresses and a hash (a
 * domain, a tool, a service).  Memory is charged to the calling detector's
 * detector_memcap; when it is refused or the table is full, the least
 * recently reported key is forgotten (counted by the caller's name), so a
 * forgotten tunnel may be reported again: never silence by overflow.
 *
 * Header-only (static inline) so that each detector stays one file and no
 * detector includes another's code.
 */
#ifndef EDGEWARD_TUNNEL_ONCE_H
#define EDGEWARD_TUNNEL_ONCE_H

#include <stdint.h>
#include <string.h>

#include "config.h"
#include "detector.h"
#include "lru.h"

#define TUNNEL_ONCE_CAP	65536

struct tunnel_once_key {
	uint8_t		family;
	uint8_t		kind;		/* the caller's: a type, a tool */
	uint8_t		pad[6];
	uint8_t		a[16], b[16];	/* client, server (zero: any) */
	uint64_t	h;		/* a name's hash, or 0 */
};

struct tunnel_once {
	struct lru	*t;
	uint64_t	 forgotten;
};

static inline int
tunnel_once_init(struct tunnel_once *o)
{
	o->forgotten = 0;
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
	int may, grew, evicted;

	if (o->t == NULL)
		return 1;
	if ((last = lru_find(o->t, k)) != NULL) {
		if (iv == 0 || now - *last < iv)
			return 0;
		*last = now;
		return 1;
	}
	may = det_mem_charge(ctx, lru_node_bytes(o->t)) == 0;
	last = lru_insert(o->t, k, may, &grew, &evicted);
	if (may && !grew)
		det_mem_release(ctx, lru_node_bytes(o->t));
	if (evicted) {
		o->forgotten++;
		det_count(ctx, forgot_counter);
	}
	if (last != NULL)
		*last = now;
	return 1;
}

#endif
