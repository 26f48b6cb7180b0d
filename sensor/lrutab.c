/*
 * lrutab.c - the correlators' bounded table; see lrutab.h.
 */
#include <stdlib.h>
#include <string.h>

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

void
lrutab_free_all(struct lrutab *t)
{
	struct lru_node *n, *next;

	for (n = t->oldest; n != NULL; n = next) {
		next = n->newer;
		free(n);
	}
	t->oldest = t->newest = NULL;
	t->n = 0;
	lrutab_fini(t);
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

int
addr_ring_has(const struct addr_ring *r, uint8_t family, const uint8_t *addr)
{
	size_t len = family == 6 ? 16 : 4;
	unsigned i;

	for (i = 0; i < r->n; i++)
		if (r->a[i][0] == family && memcmp(r->a[i] + 1, addr, len) == 0)
			return 1;
	return 0;
}

void
addr_ring_add(struct addr_ring *r, uint8_t family, const uint8_t *addr)
{
	uint8_t *slot;

	if (addr_ring_has(r, family, addr))
		return;
	slot = r->a[r->next];
	r->next = (r->next + 1) % ADDR_RING_SIZE;
	if (r->n < ADDR_RING_SIZE)
		r->n++;
	slot[0] = family;
	memcpy(slot + 1, addr, 16);
}
