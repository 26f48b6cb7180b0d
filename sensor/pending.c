/*
 * pending.c - unconsumed stream bytes for dissectors; see pending.h.
 */
#include <stdlib.h>
#include <string.h>

#include "pending.h"

size_t
dissector_consume(const struct dissector *d, struct dctx *ctx, void *state,
    int dir, const uint8_t *data, size_t len, const uint8_t *done)
{
	size_t used, off = 0;

	while (off < len && !*done) {
		used = d->parse(ctx, state, dir, data + off, len - off);
		if (used == 0)
			break;
		off += used < len - off ? used : len - off;
	}
	return off;
}

void
pending_init(struct pending *pd, uint32_t cap)
{
	memset(pd, 0, sizeof(*pd));
	pd->cap = cap;
}

enum pending_result
pending_feed(struct pending *pd, int dir, const uint8_t *data, size_t len,
    const struct pending_ops *ops, void *arg)
{
	size_t used, take, room;

	if (pd->stopped[dir])
		return PENDING_STOPPED;
	if (ops->done(arg))
		return PENDING_OK;
	if (pd->n[dir] == 0) {
		used = ops->parse(arg, dir, data, len);
		if (used > len)
			used = len;
		data += used;
		len -= used;
	}
	while (len > 0 && !ops->done(arg)) {
		if (pd->buf[dir] == NULL &&
		    (pd->buf[dir] = ops->alloc(arg, pd->cap)) == NULL) {
			pd->stopped[dir] = 1;
			pd->n[dir] = 0;
			return PENDING_NOMEM;
		}
		room = pd->cap - pd->n[dir];
		take = len < room ? len : room;
		memcpy(pd->buf[dir] + pd->n[dir], data, take);
		pd->n[dir] += (uint32_t)take;
		data += take;
		len -= take;
		used = ops->parse(arg, dir, pd->buf[dir], pd->n[dir]);
		if (used > pd->n[dir])
			used = pd->n[dir];
		memmove(pd->buf[dir], pd->buf[dir] + used, pd->n[dir] - used);
		pd->n[dir] -= (uint32_t)used;
		if (used == 0 && pd->n[dir] == pd->cap) {
			pd->stopped[dir] = 1;
			pd->n[dir] = 0;
			return PENDING_OVERFLOW;
		}
	}
	return PENDING_OK;
}

size_t
pending_memory(const struct pending *pd)
{
	return (pd->buf[0] != NULL ? pd->cap : 0) +
	    (pd->buf[1] != NULL ? pd->cap : 0);
}

size_t
pending_free(struct pending *pd)
{
	size_t n = pending_memory(pd);

	free(pd->buf[0]);
	free(pd->buf[1]);
	pd->buf[0] = pd->buf[1] = NULL;
	pd->n[0] = pd->n[1] = 0;
	return n;
}
