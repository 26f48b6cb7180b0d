/*
 * lrutab.c - the correlators' bounded table; see lrutab.h.
 */
#include <stdlib.h>

#include "lrutab.h"

int
lrutab_init(struct lrutab *t, size_t expect)
{
	size_t nb = 16;

	while (nb < expect && nb < ((size_t)1 << 24))
		nb <<= 1;
	t->buckets = calloc(nb, sizeof(*t->buckets));
	t->mask = nb - 1;
	t->newest = t->oldest = NULL;
	t->n = 0;
	return t->buckets != NULL ? 0 : -1;
}

void
lrutab_fini(struct lrutab *t)
{
	free(t->buckets);
	t->buckets = NULL;
}

struct lru_node *
lrutab_chain(const struct lrutab *t, uint64_t key)
{
	/* Keys are hash output: the low bits are as good as any. */
	return t->buckets[key & t->mask];
}

static void
link_newest(struct lrutab *t, struct lru_node *e)
{
	e->older = t->newest;
	e->newer = NULL;
	if (t->newest != NULL)
		t->newest->newer = e;
	t->newest = e;
	if (t->oldest == NULL)
		t->oldest = e;
}

static void
unlink_use(struct lrutab *t, struct lru_node *e)
{
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		t->newest = e->older;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		t->oldest = e->newer;
	e->newer = e->older = NULL;
}

void
lrutab_insert(struct lrutab *t, struct lru_node *e)
{
	struct lru_node **b = &t->buckets[e->key & t->mask];

	e->hnext = *b;
	*b = e;
	link_newest(t, e);
	t->n++;
}

void
lrutab_remove(struct lrutab *t, struct lru_node *e)
{
	struct lru_node **pp;

	for (pp = &t->buckets[e->key & t->mask]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == e) {
			*pp = e->hnext;
			break;
		}
	unlink_use(t, e);
	t->n--;
}

void
lrutab_touch(struct lrutab *t, struct lru_node *e)
{
	if (t->newest == e)
		return;
	unlink_use(t, e);
	link_newest(t, e);
}
