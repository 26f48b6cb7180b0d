/*
 * pending.h - the bytes of a TCP direction a dissector has not consumed
 * yet, and the one algorithm that feeds them back (dissector.h explains the
 * contract).  The pipeline (dissect.c) and the dissector tests' recording
 * context (tests/fake_dctx.c) both use it, so tests see what production
 * does.
 *
 * Feeding: new data is parsed directly while nothing is pending; what the
 * parser leaves is kept (up to cap bytes per direction) and presented
 * again, followed by new data.  When the buffer is full and the parser
 * still consumes nothing, the message is larger than the dissector allows:
 * the direction stops for good (PENDING_OVERFLOW).  Resuming after
 * dropping the head of a message would make the parser read the middle of
 * it as protocol.
 *
 * Ownership: buffers are allocated through ops->alloc (which charges a
 * memcap) on first need and freed by pending_free().
 */
#ifndef EDGEWARD_PENDING_H
#define EDGEWARD_PENDING_H

#include <stddef.h>
#include <stdint.h>

#include "dissector.h"

struct pending {
	uint32_t	 n[2];		/* bytes held per direction */
	uint32_t	 cap;		/* per direction */
	uint8_t		 stopped[2];	/* overflow or no memory */
	uint8_t		*buf[2];
};

struct pending_ops {
	/*
	 * Parses as many whole messages as data holds (calling the
	 * dissector until it consumes nothing or is done); returns the bytes
	 * consumed.
	 */
	size_t	(*parse)(void *arg, int dir, const uint8_t *data, size_t len);
	/* Whether the dissector wants no more data at all. */
	int	(*done)(void *arg);
	/* A buffer of n bytes (charged), or NULL. */
	void	*(*alloc)(void *arg, size_t n);
};

enum pending_result {
	PENDING_OK = 0,
	PENDING_OVERFLOW,	/* direction stopped: message larger than cap */
	PENDING_NOMEM,		/* direction stopped: no buffer */
	PENDING_STOPPED		/* the direction had stopped before */
};

/*
 * Calls d->parse on data until it consumes nothing or *done becomes set
 * (dctx_done()); returns the bytes consumed.  The parse of pending_ops.
 */
size_t	dissector_consume(const struct dissector *d, struct dctx *ctx,
	    void *state, int dir, const uint8_t *data, size_t len,
	    const uint8_t *done);

void	pending_init(struct pending *pd, uint32_t cap);
enum pending_result pending_feed(struct pending *pd, int dir,
	    const uint8_t *data, size_t len, const struct pending_ops *ops,
	    void *arg);
/* Bytes of buffers allocated (what ops->alloc was asked for). */
size_t	pending_memory(const struct pending *pd);
/* Frees the buffers (with free()); returns the bytes they held. */
size_t	pending_free(struct pending *pd);

#endif
