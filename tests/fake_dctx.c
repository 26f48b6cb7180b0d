/*
 * fake_dctx.c - recording dissector context for unit tests; see fake_dctx.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_dctx.h"

void
fake_dctx_reset(struct dctx *ctx, uint16_t server_port)
{
	/* Contexts are zero-initialised statics: buffers are NULL or ours. */
	pending_free(&ctx->pend);
	memset(ctx, 0, sizeof(*ctx));
	ctx->server_port = server_port;
	ctx->time_us = 1700000000000000ULL;
}

static void
copy_str(char *dst, size_t cap, const uint8_t *s, size_t n)
{
	if (s == NULL)
		n = 0;
	if (n >= cap)
		n = cap - 1;
	if (n > 0)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

void
dctx_credential(struct dctx *ctx, const struct cred_fact *f)
{
	struct fake_fact *r;
	unsigned i;

	if (ctx->nfacts >= FAKE_MAX_FACTS)
		return;
	r = &ctx->facts[ctx->nfacts++];
	memset(r, 0, sizeof(*r));
	copy_str(r->proto, sizeof(r->proto), (const uint8_t *)f->proto,
	    f->proto ? strlen(f->proto) : 0);
	copy_str(r->mechanism, sizeof(r->mechanism),
	    (const uint8_t *)f->mechanism, f->mechanism ? strlen(f->mechanism) : 0);
	r->cls = f->cls;
	r->outcome = f->outcome;
	copy_str(r->user, sizeof(r->user), f->user, f->user_len);
	r->user_len = f->user_len;
	copy_str(r->domain, sizeof(r->domain), f->domain, f->domain_len);
	r->secret_len = f->secret_len;
	if (f->secret != NULL)
		memcpy(r->secret, f->secret,
		    f->secret_len < FAKE_STR ? f->secret_len : FAKE_STR);
	copy_str(r->crack, sizeof(r->crack), (const uint8_t *)f->crack,
	    f->crack ? strlen(f->crack) : 0);
	r->nextras = f->nextras;
	for (i = 0; i < f->nextras && i < FACT_MAX_EXTRAS; i++) {
		copy_str(r->extra_keys[i], sizeof(r->extra_keys[i]),
		    (const uint8_t *)f->extras[i].key, strlen(f->extras[i].key));
		if (f->extras[i].type == FACT_STR)
			copy_str(r->extra_str[i], FAKE_STR, f->extras[i].str,
			    f->extras[i].len);
		else
			r->extra_num[i] = f->extras[i].num;
	}
}

void
dctx_fact(struct dctx *ctx, const struct fact *f)
{
	const struct device_fact *d;
	struct fake_device *r;
	struct fake_command *c;
	struct fake_dns *dn;
	unsigned i;

	if (f->type == FACT_CREDENTIAL) {
		dctx_credential(ctx, f->u.cred);
		return;
	}
	ctx->nother++;
	if (f->type == FACT_PROXY && ctx->nproxy < FAKE_MAX_FACTS) {
		const struct proxy_fact *p = f->u.proxy;
		struct fake_proxy *pr = &ctx->proxy[ctx->nproxy++];

		copy_str(pr->method, sizeof(pr->method),
		    (const uint8_t *)p->method, p->method ? strlen(p->method) : 0);
		copy_str(pr->command, sizeof(pr->command),
		    (const uint8_t *)p->command, p->command ?
		    strlen(p->command) : 0);
		copy_str(pr->host, sizeof(pr->host), p->host, p->host_len);
		copy_str(pr->path, sizeof(pr->path), p->path, p->path_len);
		copy_str(pr->subprotocol, sizeof(pr->subprotocol),
		    p->subprotocol, p->subprotocol_len);
		pr->port = p->port;
		pr->outcome = p->outcome;
	}
	if (f->type == FACT_DNS && ctx->ndns < FAKE_MAX_FACTS) {
		dn = &ctx->dns[ctx->ndns++];
		dn->f = *f->u.dns;
		copy_str(dn->qname, sizeof(dn->qname), f->u.dns->qname,
		    f->u.dns->qname_len);
		dn->f.qname = (const uint8_t *)dn->qname;
	}
	if (f->type == FACT_COMMAND && ctx->ncommands < FAKE_MAX_COMMANDS) {
		c = &ctx->commands[ctx->ncommands++];
		copy_str(c->proto, sizeof(c->proto),
		    (const uint8_t *)f->u.cmd->proto, strlen(f->u.cmd->proto));
		copy_str(c->line, sizeof(c->line), f->u.cmd->line,
		    f->u.cmd->line_len);
		c->len = f->u.cmd->line_len;
	}
	if (f->type == FACT_FILE && ctx->nfiles < FAKE_MAX_FILES) {
		struct fake_file *ff = &ctx->files[ctx->nfiles++];

		memset(ff, 0, sizeof(*ff));
		copy_str(ff->proto, sizeof(ff->proto),
		    (const uint8_t *)f->u.file->proto, strlen(f->u.file->proto));
		ff->upload = f->u.file->upload;
		copy_str(ff->name, sizeof(ff->name), f->u.file->name,
		    f->u.file->name_len);
		ff->head_len = f->u.file->head_len < sizeof(ff->head) ?
		    f->u.file->head_len : sizeof(ff->head);
		if (f->u.file->head != NULL)
			memcpy(ff->head, f->u.file->head, ff->head_len);
		ff->size = f->u.file->size;
	}
	if (f->type == FACT_MIRROR) {
		ctx->nmirrors++;
		ctx->mirror_exporter_is_client =
		    f->u.mirror->exporter_is_client;
	}
	if (f->type != FACT_DEVICE || ctx->ndevices >= FAKE_MAX_DEVICES)
		return;
	d = f->u.device;
	r = &ctx->devices[ctx->ndevices++];
	memset(r, 0, sizeof(*r));
	copy_str(r->proto, sizeof(r->proto), (const uint8_t *)d->proto,
	    strlen(d->proto));
	r->from_server = d->from_server;
	r->has_mac = d->has_mac;
	memcpy(r->mac, d->mac, 6);
	r->family = d->family;
	memcpy(r->addr, d->addr, 16);
	r->nattrs = d->nattrs;
	for (i = 0; i < d->nattrs && i < DEVICE_MAX_ATTRS; i++) {
		copy_str(r->name[i], sizeof(r->name[i]),
		    (const uint8_t *)d->attrs[i].name, strlen(d->attrs[i].name));
		copy_str(r->value[i], sizeof(r->value[i]), d->attrs[i].value,
		    d->attrs[i].len);
	}
}

const char *
fake_device_attr(const struct fake_device *d, const char *name)
{
	unsigned i;

	for (i = 0; i < d->nattrs && i < DEVICE_MAX_ATTRS; i++)
		if (strcmp(d->name[i], name) == 0)
			return d->value[i];
	return NULL;
}

const void *
dctx_tables(const struct dctx *ctx)
{
	return ctx->tables;
}

void
dctx_weird(struct dctx *ctx, const char *name)
{
	if (ctx->nweirds < 64)
		ctx->weirds[ctx->nweirds++] = name;
}

void
dctx_done(struct dctx *ctx)
{
	ctx->done = 1;
}

uint64_t
dctx_time_us(const struct dctx *ctx)
{
	return ctx->time_us;
}

uint16_t
dctx_server_port(const struct dctx *ctx)
{
	return ctx->server_port;
}

static uint8_t
fake_proto(const struct dctx *ctx, const struct dissector *d)
{
	if (ctx->ip_proto != 0)
		return ctx->ip_proto;
	return d != NULL && (d->transport & DISSECTOR_TCP) ? 6 : 17;
}

uint8_t
dctx_ip_proto(const struct dctx *ctx)
{
	return fake_proto(ctx, ctx->dis);
}

static size_t
fake_parse(void *arg, int dir, const uint8_t *data, size_t len)
{
	struct dctx *ctx = arg;

	return dissector_consume(ctx->dis, ctx, ctx->state, dir, data, len,
	    &ctx->done);
}

static int
fake_done(void *arg)
{
	return ((struct dctx *)arg)->done;
}

static void *
fake_alloc(void *arg, size_t n)
{
	(void)arg;
	return malloc(n);
}

static const struct pending_ops fake_ops = {
	.parse = fake_parse,
	.done = fake_done,
	.alloc = fake_alloc,
};

/*
 * The dissector's tables from the source tree's signatures/, loaded once
 * per test program (the one dissector it tests) and kept to the end.
 */
static const void *
fake_tables(const struct dissector *d)
{
	static const struct dissector *loaded_for;
	static void *tables;
	const char *top = getenv("top_srcdir");
	char dir[1024], err[512];

	if (d->load == NULL)
		return NULL;
	if (loaded_for != d) {
		snprintf(dir, sizeof(dir), "%s/signatures", top ? top : ".");
		if ((tables = d->load(dir, err, sizeof(err))) == NULL)
			fprintf(stderr, "fake_dctx: %s\n", err);
		loaded_for = d;
	}
	return tables;
}

size_t
fake_feed(struct dctx *ctx, const struct dissector *d, void *state, int dir,
    const void *data, size_t len)
{
	if (ctx->done)
		return 0;
	if (ctx->tables == NULL)
		ctx->tables = fake_tables(d);
	if (fake_proto(ctx, d) == 17) {
		ctx->dis = d;
		d->parse(ctx, state, dir, data, len);
		return 0;
	}
	if (ctx->pend.cap == 0)
		pending_init(&ctx->pend, (uint32_t)(d->max_pending ?
		    d->max_pending : 8192));
	ctx->dis = d;
	ctx->state = state;
	if (pending_feed(&ctx->pend, dir, data, len, &fake_ops, ctx) ==
	    PENDING_OVERFLOW)
		dctx_weird(ctx, "stream_pending_overflow");
	return ctx->pend.n[dir];
}

size_t
fake_feeds(struct dctx *ctx, const struct dissector *d, void *state, int dir,
    const char *s)
{
	return fake_feed(ctx, d, state, dir, s, strlen(s));
}

void
fake_end(struct dctx *ctx, const struct dissector *d, void *state)
{
	if (d->free != NULL)
		d->free(ctx, state);
}

unsigned
fake_weird_count(const struct dctx *ctx, const char *name)
{
	unsigned i, n = 0;

	for (i = 0; i < ctx->nweirds; i++)
		if (strcmp(ctx->weirds[i], name) == 0)
			n++;
	return n;
}

const char *
fake_extra_str(const struct fake_fact *f, const char *key)
{
	unsigned i;

	for (i = 0; i < f->nextras && i < FACT_MAX_EXTRAS; i++)
		if (strcmp(f->extra_keys[i], key) == 0)
			return f->extra_str[i];
	return NULL;
}

int64_t
fake_extra_num(const struct fake_fact *f, const char *key)
{
	unsigned i;

	for (i = 0; i < f->nextras && i < FACT_MAX_EXTRAS; i++)
		if (strcmp(f->extra_keys[i], key) == 0)
			return f->extra_num[i];
	return 0;
}
