/*
 * lru.c - bounded hash table with LRU eviction; see lru.h.
 *
 * Each node is one allocation: header, key, value (both aligned to 8).
 * Buckets chain nodes singly; the LRU list is doubly linked with the most
 * recent at the head, so eviction takes the tail in O(1).
 */
#include <stdlib.h>
#include <string.h>

#include "lru.h"

struct lru_entry {
	struct lru_entry	*hnext;
	struct lru_entry	*prev, *next;	/* LRU: prev is more recent */
	uint32_t	 hash;
	/* key, then value */
};

struct lru {
	size_t		 ksize, vsize, koff, voff, nsize;
	unsigned	 cap, n, mask;
	struct lru_entry	**buckets;
	struct lru_entry	*head, *tail;
};

static size_t
round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

struct lru *
lru_new(size_t key_size, size_t val_size, unsigned cap)
{
	struct lru *t;
	unsigned nb = 1;

	if (cap == 0 || key_size == 0)
		return NULL;
	while (nb < cap && nb < (1u << 30))
		nb <<= 1;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->buckets = calloc(nb, sizeof(*t->buckets))) == NULL) {
		free(t);
		return NULL;
	}
	t->ksize = key_size;
	t->vsize = val_size;
	t->koff = round8(sizeof(struct lru_entry));
	t->voff = t->koff + round8(key_size);
	t->nsize = t->voff + round8(val_size);
	t->cap = cap;
	t->mask = nb - 1;
	return t;
}

void
lru_free(struct lru *t)
{
	struct lru_entry *n, *next;

	if (t == NULL)
		return;
	for (n = t->head; n != NULL; n = next) {
		next = n->next;
		free(n);
	}
	free(t->buckets);
	free(t);
}

size_t
lru_fixed_bytes(const struct lru *t)
{
	return sizeof(*t) + ((size_t)t->mask + 1) * sizeof(*t->buckets);
}

size_t
lru_node_bytes(const struct lru *t)
{
	return t->nsize;
}

unsigned
lru_count(const struct lru *t)
{
	return t->n;
}

size_t
lru_nodes_bytes(const struct lru *t)
{
	return (size_t)t->n * t->nsize;
}

static uint32_t
hash_key(const void *key, size_t n)
{
	const uint8_t *p = key;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h ^ (h >> 15);
}

static void *
key_of(const struct lru *t, struct lru_entry *n)
{
	return (uint8_t *)n + t->koff;
}

static void *
val_of(const struct lru *t, struct lru_entry *n)
{
	return (uint8_t *)n + t->voff;
}

static void
list_unlink(struct lru *t, struct lru_entry *n)
{
	if (n->prev != NULL)
		n->prev->next = n->next;
	else
		t->head = n->next;
	if (n->next != NULL)
		n->next->prev = n->prev;
	else
		t->tail = n->prev;
	n->prev = n->next = NULL;
}

static void
list_push(struct lru *t, struct lru_entry *n)
{
	n->prev = NULL;
	n->next = t->head;
	if (t->head != NULL)
		t->head->prev = n;
	t->head = n;
	if (t->tail == NULL)
		t->tail = n;
}

static void
bucket_unlink(struct lru *t, struct lru_entry *n)
{
	struct lru_entry **pp = &t->buckets[n->hash & t->mask];

	while (*pp != NULL && *pp != n)
		pp = &(*pp)->hnext;
	if (*pp == n)
		*pp = n->hnext;
	n->hnext = NULL;
}

void *
lru_find(struct lru *t, const void *key)
{
	uint32_t h = hash_key(key, t->ksize);
	struct lru_entry *n;

	for (n = t->buckets[h & t->mask]; n != NULL; n = n->hnext)
		if (n->hash == h && memcmp(key_of(t, n), key, t->ksize) == 0)
			break;
	if (n == NULL)
		return NULL;
	if (t->head != n) {
		list_unlink(t, n);
		list_push(t, n);
	}
	return val_of(t, n);
}

void *
lru_insert(struct lru *t, const void *key, int may_grow, int *grew,
    int *evicted)
{
	struct lru_entry *n = NULL;

	*grew = 0;
	*evicted = 0;
	if (may_grow && t->n < t->cap && (n = malloc(t->nsize)) != NULL) {
		t->n++;
		*grew = 1;
	} else if (t->tail != NULL) {
		n = t->tail;
		list_unlink(t, n);
		bucket_unlink(t, n);
		*evicted = 1;
	}
	if (n == NULL)
		return NULL;
	memset(n, 0, t->nsize);
	memcpy(key_of(t, n), key, t->ksize);
	n->hash = hash_key(key, t->ksize);
	n->hnext = t->buckets[n->hash & t->mask];
	t->buckets[n->hash & t->mask] = n;
	list_push(t, n);
	return val_of(t, n);
}

void
lru_walk(struct lru *t, int (*fn)(void *key, void *val, void *arg),
    void *arg, size_t *freed)
{
	struct lru_entry *n, *next;

	if (freed != NULL)
		*freed = 0;
	for (n = t->head; n != NULL; n = next) {
		next = n->next;
		if (!fn(key_of(t, n), val_of(t, n), arg))
			continue;
		list_unlink(t, n);
		bucket_unlink(t, n);
		free(n);
		t->n--;
		if (freed != NULL)
			*freed += t->nsize;
	}
}
