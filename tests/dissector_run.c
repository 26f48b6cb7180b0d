/*
 * dissector_run.c - scripted conversations for dissector unit tests; see
 * dissector_run.h.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "dissector_run.h"

void *
dr_state(const struct dissector *d)
{
	void *st = calloc(1, d->state_size ? d->state_size : 1);

	if (st == NULL)
		abort();
	return st;
}

void
dr_run(struct dctx *ctx, const struct dissector *d, void *st, uint16_t port,
    const struct dr_step *steps, size_t n, int mode)
{
	size_t i, j, len;

	fake_dctx_reset(ctx, port);
	for (i = 0; i < n; i++) {
		len = steps[i].len ? steps[i].len : strlen(steps[i].data);
		if (mode == DR_WHOLE) {
			fake_feed(ctx, d, st, steps[i].dir, steps[i].data, len);
			continue;
		}
		for (j = 0; j < len; j++)
			fake_feed(ctx, d, st, steps[i].dir, steps[i].data + j,
			    1);
	}
}

void
dr_end(struct dctx *ctx, const struct dissector *d, void *st)
{
	fake_end(ctx, d, st);
	free(st);
}

void
dr_script(struct dctx *ctx, const struct dissector *d, uint16_t port,
    const struct dr_step *steps, size_t n, int mode)
{
	void *st = dr_state(d);

	dr_run(ctx, d, st, port, steps, n, mode);
	dr_end(ctx, d, st);
}

void
dr_expect(const struct dctx *ctx, unsigned i, const char *proto,
    const char *mech, enum cred_class cls, enum cred_outcome outcome,
    const char *user, const char *secret, const char *file, int line)
{
	const struct fake_fact *f = &ctx->facts[i];
	int ok;

	CU_assertImplementation(i < ctx->nfacts, (unsigned)line,
	    "fact present", file, "", CU_FALSE);
	if (i >= ctx->nfacts)
		return;
	ok = strcmp(f->proto, proto) == 0 && strcmp(f->mechanism, mech) == 0;
	CU_assertImplementation(ok, (unsigned)line, "proto and mechanism",
	    file, "", CU_FALSE);
	CU_assertImplementation(f->cls == cls, (unsigned)line, "class", file,
	    "", CU_FALSE);
	CU_assertImplementation(f->outcome == outcome, (unsigned)line,
	    "outcome", file, "", CU_FALSE);
	ok = user == NULL ? f->user_len == 0 : strcmp(f->user, user) == 0;
	CU_assertImplementation(ok, (unsigned)line, "user", file, "",
	    CU_FALSE);
	ok = secret == NULL ? f->secret_len == 0 :
	    (f->secret_len == strlen(secret) &&
	    memcmp(f->secret, secret, f->secret_len) == 0);
	CU_assertImplementation(ok, (unsigned)line, "secret", file, "",
	    CU_FALSE);
}
