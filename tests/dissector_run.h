/*
 * dissector_run.h - driving a dissector through a scripted conversation in
 * unit tests: each step is one direction's bytes, fed whole or one byte at
 * a time (the stream may cut a segment anywhere), through fake_dctx.
 */
#ifndef EDGEWARD_DISSECTOR_RUN_H
#define EDGEWARD_DISSECTOR_RUN_H

#include <stddef.h>

#include "fake_dctx.h"

struct dr_step {
	int		 dir;	/* DIR_TO_SERVER or DIR_TO_CLIENT */
	const char	*data;
	size_t		 len;	/* 0: strlen(data) */
};

/* Client-to-server and server-to-client steps of a script. */
#define C(s)	{ DIR_TO_SERVER, (s), 0 }
#define S(s)	{ DIR_TO_CLIENT, (s), 0 }
/* Steps holding NUL bytes: give the array, its length taken without the
 * literal's terminating NUL. */
#define CB(a)	{ DIR_TO_SERVER, (a), sizeof(a) - 1 }
#define SB(a)	{ DIR_TO_CLIENT, (a), sizeof(a) - 1 }

#define DR_WHOLE	0	/* each step in one call */
#define DR_BYTES	1	/* each step one byte per call */

/* Zeroed per-flow state of d's size (calloc; never NULL in tests). */
void	*dr_state(const struct dissector *d);
/* Runs the steps on a reset context for `port`, leaves the flow open. */
void	 dr_run(struct dctx *ctx, const struct dissector *d, void *st,
	    uint16_t port, const struct dr_step *steps, size_t n, int mode);
/* Ends the flow (d->free) and frees the state. */
void	 dr_end(struct dctx *ctx, const struct dissector *d, void *st);
/* dr_state + dr_run + dr_end in one go. */
void	 dr_script(struct dctx *ctx, const struct dissector *d,
	    uint16_t port, const struct dr_step *steps, size_t n, int mode);

#define DR_SCRIPT(ctx, d, port, steps, mode) \
	dr_script((ctx), (d), (port), (steps), \
	    sizeof(steps) / sizeof((steps)[0]), (mode))



/*
 * Checks fact i of ctx: it exists and has these fields (secret NULL: no
 * secret expected; user NULL: no user).  Failures name the test's line.
 */
#define DR_EXPECT(ctx, i, proto, mech, cls, outcome, user, secret) \
	dr_expect((ctx), (i), (proto), (mech), (cls), (outcome), (user), \
	    (secret), __FILE__, __LINE__)
void	 dr_expect(const struct dctx *ctx, unsigned i, const char *proto,
	    const char *mech, enum cred_class cls, enum cred_outcome outcome,
	    const char *user, const char *secret, const char *file, int line);

#endif
