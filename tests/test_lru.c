/*
 * test_lru.c - the bounded LRU table detectors keep per worker: insert,
 * find, growth up to the cap, eviction of the least recently used (a find
 * refreshes), a refused growth reusing the oldest node, walk with removal.
 */
#include <string.h>

#include "lru.h"
#include "unit.h"

struct val {
	unsigned	n;
};

static void
put(struct lru *t, unsigned k, int may, int *grew, int *ev)
{
	struct val *v = lru_insert(t, &k, may, grew, ev);

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->n, 0);		/* zeroed */
	v->n = k * 10;
}

static void
test_grow_and_evict(void)
{
	struct lru *t = lru_new(sizeof(unsigned), sizeof(struct val), 3);
	struct val *v;
	unsigned k;
	int grew, ev;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	for (k = 1; k <= 3; k++) {
		put(t, k, 1, &grew, &ev);
		CU_ASSERT(grew && !ev);
	}
	CU_ASSERT_EQUAL(lru_count(t), 3);
	CU_ASSERT_EQUAL(lru_nodes_bytes(t), 3 * lru_node_bytes(t));
	k = 1;				/* 1 becomes the most recent */
	v = lru_find(t, &k);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->n, 10);
	put(t, 4, 1, &grew, &ev);	/* full: 2 is the oldest */
	CU_ASSERT(!grew && ev);
	k = 2;
	CU_ASSERT_PTR_NULL(lru_find(t, &k));
	for (k = 1; k <= 4; k++)
		if (k != 2)
			CU_ASSERT_PTR_NOT_NULL(lru_find(t, &k));
	CU_ASSERT_EQUAL(lru_count(t), 3);
	lru_free(t);
}

static void
test_refused_growth(void)
{
	struct lru *t = lru_new(sizeof(unsigned), sizeof(struct val), 100);
	unsigned k;
	int grew, ev;

	/* Empty and not allowed to grow: nothing to reuse. */
	k = 9;
	CU_ASSERT_PTR_NULL(lru_insert(t, &k, 0, &grew, &ev));
	put(t, 1, 1, &grew, &ev);
	put(t, 2, 1, &grew, &ev);
	/* The caller's memory is refused: the oldest (1) makes room. */
	put(t, 3, 0, &grew, &ev);
	CU_ASSERT(!grew && ev);
	k = 1;
	CU_ASSERT_PTR_NULL(lru_find(t, &k));
	CU_ASSERT_EQUAL(lru_count(t), 2);
	lru_free(t);
}

static int
drop_odd(void *key, void *val, void *arg)
{
	unsigned *seen = arg;

	(void)val;
	(*seen)++;
	return *(unsigned *)key % 2;
}

static void
test_walk_remove(void)
{
	struct lru *t = lru_new(sizeof(unsigned), sizeof(struct val), 64);
	unsigned k, seen = 0;
	size_t freed;
	int grew, ev;

	for (k = 0; k < 50; k++)
		put(t, k, 1, &grew, &ev);
	lru_walk(t, drop_odd, &seen, &freed);
	CU_ASSERT_EQUAL(seen, 50);
	CU_ASSERT_EQUAL(lru_count(t), 25);
	CU_ASSERT_EQUAL(freed, 25 * lru_node_bytes(t));
	for (k = 0; k < 50; k++)
		CU_ASSERT_EQUAL(lru_find(t, &k) != NULL, k % 2 == 0);
	/* Still a consistent table: the evictions run on. */
	for (k = 100; k < 200; k++)
		put(t, k, 1, &grew, &ev);
	CU_ASSERT_EQUAL(lru_count(t), 64);
	lru_free(t);
}

UNIT_MAIN("lru",
    { "grow to the cap, evict the least recent", test_grow_and_evict },
    { "refused growth reuses the oldest", test_refused_growth },
    { "walk removes", test_walk_remove })
