/*
 * ring.c - SPSC record ring; see ring.h.
 *
 * Layout of a record: a 4-byte length, then the bytes, padded to 8.  A length
 * of RING_WRAP means "continue at offset 0".  head == tail means empty; the
 * producer never lets head catch up with tail from behind, so one byte of the
 * buffer always stays unused.
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
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->buf = malloc(cap)) == NULL) {
		free(r);
		return NULL;
	}
	r->cap = cap;
	r->bell = &r->own_bell;
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

void *
ring_reserve(struct ring *r, uint32_t n)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	size_t need = rec_size(n), at = head;

	if (need + RING_HDR >= r->cap)
		return NULL;
	if (head >= tail) {
		/* Free space: [head, cap) and [0, tail - 1). */
		if (r->cap - head < need) {
			if (tail <= need)	/* must not reach tail */
				return NULL;
			if (r->cap - head >= 4)
				memcpy(r->buf + head, &(uint32_t){ RING_WRAP }, 4);
			at = 0;
		}
	} else if (tail - head <= need) {
		return NULL;
	}
	/* Ending exactly at the buffer's end wraps head to 0: not onto tail. */
	if (at == head && head + need == r->cap && tail == 0)
		return NULL;
	memcpy(r->buf + at, &n, 4);
	r->resv_off = at;
	r->resv_len = need;
	return r->buf + at + RING_HDR;
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

void
ring_commit(struct ring *r)
{
	size_t next = r->resv_off + r->resv_len;

	size_t before;

	if (next == r->cap)
		next = 0;
	before = ring_used(r);
	atomic_store_explicit(&r->head, next, memory_order_release);
	/*
	 * Wake a sleeping consumer (it sleeps only on an empty ring) when this
	 * commit makes a batch of 1/16 of the ring: the full fence of the
	 * sleeper handshake is paid at that crossing only.  A consumer that
	 * fell asleep just before a smaller commit wakes at its timeout or
	 * at the producer's next ring_kick() (every tick).
	 */
	if (before < r->cap / 16 && ring_used(r) >= r->cap / 16)
		ring_kick(r);
}

void
ring_kick(struct ring *r)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load(&r->bell->sleepers) != 0) {
		atomic_fetch_add(&r->bell->seq, 1);
		futex_wake(&r->bell->seq);
	}
}

const void *
ring_peek(struct ring *r, uint32_t *n)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	uint32_t len;

	if (tail == head)
		return NULL;
	if (r->cap - tail < 4) {
		tail = 0;
	} else {
		memcpy(&len, r->buf + tail, 4);
		if (len == RING_WRAP)
			tail = 0;
	}
	if (tail == 0 && atomic_load_explicit(&r->tail,
	    memory_order_relaxed) != 0)
		atomic_store_explicit(&r->tail, 0, memory_order_release);
	if (tail == head)
		return NULL;
	memcpy(&len, r->buf + tail, 4);
	*n = len;
	return r->buf + tail + RING_HDR;
}

void
ring_release(struct ring *r)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint32_t len;
	size_t next, before;

	memcpy(&len, r->buf + tail, 4);
	next = tail + rec_size(len);
	if (next == r->cap)
		next = 0;
	before = ring_used(r);
	atomic_store_explicit(&r->tail, next, memory_order_release);
	/*
	 * Wake a waiting producer once half the ring is free again.  It only
	 * sleeps while more than half is used, so the fence is needed only
	 * when this release crossed below that mark.
	 */
	if (before <= r->cap / 2 || ring_used(r) > r->cap / 2)
		return;
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load(&r->space_sleepers) != 0) {
		atomic_fetch_add(&r->space_seq, 1);
		futex_wake(&r->space_seq);
	}
}

void
ring_wait_data(struct ring *r, unsigned timeout_us)
{
	uint32_t seq;

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

	atomic_fetch_add(&r->space_sleepers, 1);
	atomic_thread_fence(memory_order_seq_cst);
	seq = atomic_load(&r->space_seq);
	/* Re-check after announcing: the consumer may have just released. */
	if (ring_used(r) > r->cap / 2 &&
	    ring_used(r) + rec_size(need) + RING_HDR >= r->cap / 2)
		futex_wait(&r->space_seq, seq, timeout_us);
	atomic_fetch_sub(&r->space_sleepers, 1);
}

int
ring_empty(struct ring *r)
{
	return atomic_load_explicit(&r->tail, memory_order_acquire) ==
	    atomic_load_explicit(&r->head, memory_order_acquire);
}

size_t
ring_used(struct ring *r)
{
	size_t h = atomic_load_explicit(&r->head, memory_order_acquire);
	size_t t = atomic_load_explicit(&r->tail, memory_order_acquire);

	return h >= t ? h - t : r->cap - t + h;
}
