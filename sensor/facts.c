/*
 * facts.c - building the facts dissectors report (see fact.h).
 */
#include <stdio.h>
#include <string.h>

#include "fact.h"

void
cred_fact_init(struct cred_fact *f, const char *proto, const char *mechanism,
    enum cred_class cls)
{
	memset(f, 0, sizeof(*f));
	f->proto = proto;
	f->mechanism = mechanism;
	f->cls = cls;
}

static struct fact_extra *
fact_extra_slot(struct cred_fact *f, const char *key, enum fact_val_type t)
{
	struct fact_extra *e;

	if (f->nextras >= FACT_MAX_EXTRAS)
		return NULL;
	e = &f->extras[f->nextras++];
	memset(e, 0, sizeof(*e));
	e->key = key;
	e->type = t;
	return e;
}

void
fact_extra_str(struct cred_fact *f, const char *key, const uint8_t *s,
    size_t len)
{
	struct fact_extra *e = fact_extra_slot(f, key, FACT_STR);

	if (e != NULL) {
		e->str = s;
		e->len = len;
	}
}

void
fact_extra_int(struct cred_fact *f, const char *key, int64_t v)
{
	struct fact_extra *e = fact_extra_slot(f, key, FACT_INT);

	if (e != NULL)
		e->num = v;
}

void
fact_extra_bool(struct cred_fact *f, const char *key, int v)
{
	struct fact_extra *e = fact_extra_slot(f, key, FACT_BOOL);

	if (e != NULL)
		e->num = v != 0;
}

void
device_fact_attr(struct device_fact *d, const char *name, const uint8_t *v,
    size_t n)
{
	if (d->nattrs >= DEVICE_MAX_ATTRS || v == NULL || n == 0)
		return;
	d->attrs[d->nattrs].name = name;
	d->attrs[d->nattrs].value = v;
	d->attrs[d->nattrs].len = n;
	d->nattrs++;
}

size_t
device_caps_text(uint32_t bits, const char *const *names, size_t nnames,
    char *out, size_t cap)
{
	size_t n = 0, i;
	int w;

	out[0] = '\0';
	for (i = 0; i < nnames && i < 32; i++) {
		if (!(bits & (1u << i)))
			continue;
		w = snprintf(out + n, cap - n, "%s%s", n ? "," : "", names[i]);
		if (w < 0 || (size_t)w >= cap - n) {
			out[n] = '\0';
			break;
		}
		n += (size_t)w;
	}
	return n;
}
