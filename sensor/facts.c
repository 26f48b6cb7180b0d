/*
 * facts.c - building the facts dissectors report (see fact.h).
 */
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
