/*
 * ring.c - SPSC record ring; see ring.h.
 *
 * Layout of a record: a 4-byte length, then the bytes, padded to 8.  A length
 * of RING_WRAP means "continue at offset 0".  head == tail means empty; the
 * producer never lets head catch up with tail from behind, so one byte of the
 * buffer always stays unused.
 *
 * Sleeping and waking (a Dekker handshake, one seq_cst fence each side):
 * a consumer announces itself (bell->sleepers++), fences, reads head and
 * sleeps only if there is still nothing; a producer publishes head,
 * fences and wakes the bell if anyone announced.  Either the consumer sees
 * the record or the producer sees the sleeper.  Room for the producer
 * works the same way with tail, space_sleepers and space_seq; a consumer
 * wakes it once no more than half the ring is used.  Unpublished commits
 * are published before a producer sleeps, unpublished releases whenever
 * the consumer finds nothing to read, so neither side can sleep on work
 * the other has not shown it.
 */
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ring.h"

#define RING_WRAP	0xffffffffu
#define RING_HDR	8u

static size_t
rec_size(uint32_t n)
{
	return RING_HDR + (((size_t)n + 7) & ~(size_t)7);
}

struct ring *
ring_new(size_t cap)
{
	struct ring *r;

	if (cap < 4096)
		cap = 4096;
	cap &= ~(size_t)7;
	if ((r = aligned_alloc(RING_LINE, sizeof(*r))) == NULL)
		return NULL;
	memset(r, 0, sizeof(*r));
	if ((r->buf = malloc(cap)) == NULL) {
		free(r);
		return NULL;
	}
	r->cap = cap;
	r->bell = &r->own_bell;
	r->batch = 1;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	return r;
}

void
ring_free(struct ring *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r);
}

void
ring_set_batch(struct ring *r, uint32_t n)
{
	r->batch = n > 0 ? n : 1;
}

static void
futex_wake(_Atomic uint32_t *word)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL,
	    0);
}

static void
futex_wait(_Atomic uint32_t *word, uint32_t val, unsigned timeout_us)
{
	struct timespec ts = { timeout_us / 1000000,
	    (long)(timeout_us % 1000000) * 1000 };

	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, val, &ts,
	    NULL, 0);
}

static size_t
used_between(const struct ring *r, size_t head, size_t tail)
{
	return head >= tail ? head - tail : r->cap - tail + head;
}

/*
 * Whether a record of need bytes fits between head and tail; *at is where
 * it goes (0 when it wraps).
 */
static int
fits(const struct ring *r, size_t head, size_t tail, size_t need, size_t *at)
{
	*at = head;
	if (head >= tail) {
		/* Free space: [head, cap) and [0, tail - 1). */
		if (r->cap - head < need) {
			if (tail <= need)	/* must not reach tail */
				return 0;
			*at = 0;
		}
	} else if (tail - head <= need) {
		return 0;
	}
	/* Ending exactly at the buffer's end wraps head to 0: not onto tail. */
	if (*at == head && head + need == r->cap && tail == 0)
		return 0;
	return 1;
}

void *
ring_reserve(struct ring *r, uint32_t n)
{
	size_t head = r->p_head, need = rec_size(n), at;

	if (need + RING_HDR >= r->cap)
		return NULL;
	if (!fits(r, head, r->p_tail, need, &at)) {
		r->p_tail = atomic_load_explicit(&r->tail, memory_order_acquire);
		if (!fits(r, head, r->p_tail, need, &at))
			return NULL;
	}
	if (at == 0 && head != 0 && r->cap - head >= 4)
		memcpy(r->buf + head, &(uint32_t){ RING_WRAP }, 4);
	memcpy(r->buf + at, &n, 4);
	r->resv_off = at;
	r->resv_len = need;
	return r->buf + at + RING_HDR;
}

/* Wakes the consumer if it sleeps (after a publish of head). */
static void
wake_consumer(struct ring *r)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&r->bell->sleepers, memory_order_relaxed)
	    != 0) {
		atomic_fetch_add(&r->bell->seq, 1);
		futex_wake(&r->bell->seq);
	}
}

static void
publish_head(struct ring *r)
{
	atomic_store_explicit(&r->head, r->p_head, memory_order_release);
	r->p_unpub = 0;
	wake_consumer(r);
}

void
ring_commit(struct ring *r)
{
	size_t next = r->resv_off + r->resv_len;

	if (next == r->cap)
		next = 0;
	r->p_head = next;
	if (++r->p_unpub >= r->batch)
		publish_head(r);
}

void
ring_flush(struct ring *r)
{
	if (r->p_unpub > 0)
		publish_head(r);
}

void
ring_kick(struct ring *r)
{
	if (r->p_unpub > 0)
		publish_head(r);
	else
		wake_consumer(r);
}

/* Publishes the consumer's releases; wakes a producer waiting for room. */
static void
publish_tail(struct ring *r)
{
	if (r->c_unpub == 0)
		return;
	atomic_store_explicit(&r->tail, r->c_tail, memory_order_release);
	r->c_unpub = 0;
	/* It sleeps only while more than half is used. */
	if (used_between(r, r->c_head, r->c_tail) > r->cap / 2)
		return;
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&r->space_sleepers, memory_order_relaxed)
	    != 0) {
		atomic_fetch_add(&r->space_seq, 1);
		futex_wake(&r->space_seq);
	}
}

/*
 * The consumer caught up with its view of head: reloads head; when that is
 * all there is, publishes its releases and says so.
 */
static int
caught_up(struct ring *r)
{
	r->c_head = atomic_load_explicit(&r->head, memory_order_acquire);
	if (r->c_tail != r->c_head)
		return 0;
	publish_tail(r);
	return 1;
}

const void *
ring_peek(struct ring *r, uint32_t *n)
{
	size_t tail = r->c_tail;
	uint32_t len;

	if (tail == r->c_head && caught_up(r))
		return NULL;
	if (r->cap - tail < 4) {
		tail = 0;
	} else {
		memcpy(&len, r->buf + tail, 4);
		if (len == RING_WRAP)
			tail = 0;
	}
	if (tail != r->c_tail) {
		/* Past the wrap marker: that space is free. */
		r->c_tail = tail;
		r->c_unpub++;
		if (tail == r->c_head && caught_up(r))
			return NULL;
	}
	memcpy(&len, r->buf + tail, 4);
	*n = len;
	return r->buf + tail + RING_HDR;
}

void
ring_release(struct ring *r)
{
	size_t tail = r->c_tail;
	uint32_t len;
	size_t next;

	memcpy(&len, r->buf + tail, 4);
	next = tail + rec_size(len);
	if (next == r->cap)
		next = 0;
	r->c_tail = next;
	if (++r->c_unpub >= r->batch)
		publish_tail(r);
}

void
ring_wait_data(struct ring *r, unsigned timeout_us)
{
	uint32_t seq;

	publish_tail(r);
	atomic_fetch_add(&r->bell->sleepers, 1);
	atomic_thread_fence(memory_order_seq_cst);
	seq = atomic_load(&r->bell->seq);
	if (ring_empty(r))
		futex_wait(&r->bell->seq, seq, timeout_us);
	atomic_fetch_sub(&r->bell->sleepers, 1);
}

void
ring_set_bell(struct ring *r, struct ring_bell *bell)
{
	r->bell = bell != NULL ? bell : &r->own_bell;
}

void
ring_wait_any(struct ring_bell *bell, struct ring *const *rs, unsigned n,
    unsigned timeout_us)
{
	uint32_t seq;
	unsigned i;

	for (i = 0; i < n; i++)
		publish_tail(rs[i]);
	atomic_fetch_add(&bell->sleepers, 1);
	atomic_thread_fence(memory_order_seq_cst);
	seq = atomic_load(&bell->seq);
	for (i = 0; i < n; i++)
		if (!ring_empty(rs[i]))
			break;
	if (i == n)
		futex_wait(&bell->seq, seq, timeout_us);
	atomic_fetch_sub(&bell->sleepers, 1);
}

void
ring_wait_space(struct ring *r, uint32_t need, unsigned timeout_us)
{
	uint32_t seq;

	(void)need;
	/* What the consumer has not been shown yet, first. */
	ring_flush(r);
	atomic_fetch_add(&r->space_sleepers, 1);
	atomic_thread_fence(memory_order_seq_cst);
	seq = atomic_load(&r->space_seq);
	/* Re-check after announcing: the consumer may have just released. */
	if (ring_used(r) > r->cap / 2)
		futex_wait(&r->space_seq, seq, timeout_us);
	atomic_fetch_sub(&r->space_sleepers, 1);
}

int
ring_empty(struct ring *r)
{
	return r->c_tail == atomic_load_explicit(&r->head,
	    memory_order_acquire);
}

size_t
ring_used(struct ring *r)
{
	size_t h = atomic_load_explicit(&r->head, memory_order_acquire);
	size_t t = atomic_load_explicit(&r->tail, memory_order_acquire);

	return used_between(r, h, t);
}
