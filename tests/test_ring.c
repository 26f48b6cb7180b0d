/*
 * test_ring.c - the SPSC record ring: reserve/commit/peek/release, wrap
 * markers with records of varying sizes, a full ring refusing records
 * without touching unread data, a record that ends exactly at the buffer's
 * end, and two-thread producer/consumer runs of 1e6 records carrying
 * sequence numbers and checksums (one spinning, one batched with both
 * sides sleeping on the ring).
 */
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "ring.h"
#include "unit.h"

#define CAP	4096	/* ring_new's minimum */

/* Fills a record with bytes derived from its sequence number. */
static void
fill(uint8_t *b, uint32_t n, uint32_t seq)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(seq * 31 + i * 7);
}

static int
check(const uint8_t *b, uint32_t n, uint32_t seq)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (uint8_t)(seq * 31 + i * 7))
			return 0;
	return 1;
}

static void
test_basic(void)
{
	struct ring *r = ring_new(CAP);
	const uint8_t *q;
	uint8_t *w;
	uint32_t n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE(ring_empty(r));
	CU_ASSERT_PTR_NULL(ring_peek(r, &n));

	w = ring_reserve(r, 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	memcpy(w, "hello", 5);
	/* Reserved but not committed: invisible to the consumer. */
	CU_ASSERT_PTR_NULL(ring_peek(r, &n));
	ring_commit(r);
	CU_ASSERT_FALSE(ring_empty(r));
	CU_ASSERT_EQUAL(ring_used(r), 16);	/* 8 header + 5 padded to 8 */

	w = ring_reserve(r, 0);			/* empty records are allowed */
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	ring_commit(r);

	q = ring_peek(r, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(memcmp(q, "hello", 5), 0);
	/* Peeking twice sees the same record. */
	CU_ASSERT_PTR_EQUAL(ring_peek(r, &n), q);
	ring_release(r);
	q = ring_peek(r, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_EQUAL(n, 0);
	ring_release(r);
	CU_ASSERT_TRUE(ring_empty(r));
	CU_ASSERT_PTR_NULL(ring_peek(r, &n));
	CU_ASSERT_EQUAL(ring_used(r), 0);
	ring_free(r);
	ring_free(NULL);
}

/* Records bigger than the ring can ever hold are refused. */
static void
test_too_big(void)
{
	struct ring *r = ring_new(CAP);

	CU_ASSERT_PTR_NULL(ring_reserve(r, CAP));
	CU_ASSERT_PTR_NULL(ring_reserve(r, 0xffffffffu));
	CU_ASSERT_PTR_NULL(ring_reserve(r, CAP - 8));
	CU_ASSERT_PTR_NOT_NULL(ring_reserve(r, CAP - 32));
	ring_free(r);
}

/*
 * Single-threaded: interleaved produce/consume with sizes cycling through
 * awkward values, so wrap markers land everywhere; every record comes back
 * in order with its content.
 */
static void
test_wrap_varying(void)
{
	static const uint32_t sizes[] = { 1, 7, 8, 9, 63, 100, 250, 513, 0,
	    1000, 31, 4, 1500 };
	struct ring *r = ring_new(CAP);
	uint32_t wseq = 0, rseq = 0, n, round;
	const uint8_t *q;
	uint8_t *w;

	for (round = 0; round < 20000; round++) {
		/* Produce until full (at most 5 per round). */
		unsigned k;

		for (k = 0; k < 5; k++) {
			n = sizes[(wseq + round) % (sizeof(sizes) /
			    sizeof(sizes[0]))];
			if ((w = ring_reserve(r, n + 4)) == NULL)
				break;
			memcpy(w, &wseq, 4);
			fill(w + 4, n, wseq);
			ring_commit(r);
			wseq++;
		}
		/* Consume a varying number. */
		for (k = 0; k < 1 + round % 4; k++) {
			uint32_t seq;

			if ((q = ring_peek(r, &n)) == NULL)
				break;
			CU_ASSERT_FATAL(n >= 4);
			memcpy(&seq, q, 4);
			CU_ASSERT_EQUAL_FATAL(seq, rseq);
			CU_ASSERT_FATAL(check(q + 4, n - 4, seq));
			ring_release(r);
			rseq++;
		}
	}
	while ((q = ring_peek(r, &n)) != NULL) {
		uint32_t seq;

		memcpy(&seq, q, 4);
		CU_ASSERT_EQUAL_FATAL(seq, rseq);
		CU_ASSERT_FATAL(check(q + 4, n - 4, seq));
		ring_release(r);
		rseq++;
	}
	CU_ASSERT_EQUAL(rseq, wseq);
	CU_ASSERT(wseq > 20000);
	CU_ASSERT_TRUE(ring_empty(r));
	ring_free(r);
}

/*
 * A full ring returns NULL, and neither a refused reserve nor a wrap
 * attempt overwrites unread data; after draining one record there is
 * room again.
 */
static void
test_full(void)
{
	struct ring *r = ring_new(CAP);
	uint32_t seq, n, count = 0, i;
	const uint8_t *q;
	uint8_t *w;

	/* 120-byte payloads: 128-byte records, 32 of them would be 4096. */
	while ((w = ring_reserve(r, 120)) != NULL) {
		fill(w, 120, count);
		ring_commit(r);
		count++;
		CU_ASSERT_FATAL(count < 64);
	}
	/* One slot must stay free so head never catches tail. */
	CU_ASSERT_EQUAL(count, 31);
	CU_ASSERT_PTR_NULL(ring_reserve(r, 120));
	/* 121 bytes no longer fit in the last 128: wrapping would hit tail. */
	CU_ASSERT_PTR_NULL(ring_reserve(r, 121));
	for (i = 0; i < count; i++) {
		q = ring_peek(r, &n);
		CU_ASSERT_PTR_NOT_NULL_FATAL(q);
		CU_ASSERT_EQUAL(n, 120);
		CU_ASSERT_FATAL(check(q, n, i));
		/* Now release one and refill: the producer must wrap to 0
		 * only when it stays behind the unread records. */
		ring_release(r);
		w = ring_reserve(r, 120);
		if (w != NULL) {
			fill(w, 120, 1000 + i);
			ring_commit(r);
		}
	}
	/* What was refilled comes out intact, in order. */
	seq = 1000;
	while ((q = ring_peek(r, &n)) != NULL) {
		while (!check(q, n, seq) && seq < 1000 + count)
			seq++;
		CU_ASSERT_FATAL(check(q, n, seq));
		ring_release(r);
		seq++;
	}
	ring_free(r);
}

/* A partly drained ring: a record that fits only after wrapping must not
 * reach the unread tail. */
static void
test_wrap_blocked(void)
{
	struct ring *r = ring_new(CAP);
	const uint8_t *q;
	uint32_t n;
	uint8_t *w;
	int i;

	/* Three 1000-byte records (1008 each) at 0, 1008, 2016; tail at 0. */
	for (i = 0; i < 3; i++) {
		w = ring_reserve(r, 1000);
		CU_ASSERT_PTR_NOT_NULL_FATAL(w);
		fill(w, 1000, (uint32_t)i);
		ring_commit(r);
	}
	/* 1072 free at the end: a 1500-byte record must wrap, but tail is 0. */
	CU_ASSERT_PTR_NULL(ring_reserve(r, 1500));
	/* Release the first: tail at 1008; 1500 still does not fit below. */
	q = ring_peek(r, &n);
	CU_ASSERT_FATAL(check(q, n, 0));
	ring_release(r);
	CU_ASSERT_PTR_NULL(ring_reserve(r, 1500));
	/* 900 bytes fits at the end (908 < 1072) without wrapping. */
	w = ring_reserve(r, 900);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	fill(w, 900, 3);
	ring_commit(r);
	/* The unread records are intact. */
	for (i = 1; i < 4; i++) {
		q = ring_peek(r, &n);
		CU_ASSERT_PTR_NOT_NULL_FATAL(q);
		CU_ASSERT_EQUAL(n, i < 3 ? 1000u : 900u);
		CU_ASSERT_FATAL(check(q, n, (uint32_t)i));
		ring_release(r);
	}
	CU_ASSERT_TRUE(ring_empty(r));
	ring_free(r);
}

/*
 * A record that ends exactly at the buffer's end: head wraps to 0.  When
 * tail is at 0 that would look empty, so it is refused; once the consumer
 * has moved on it is accepted and read back, then the next record goes
 * to offset 0.
 */
static void
test_exact_end(void)
{
	struct ring *r = ring_new(CAP);
	const uint8_t *q, *first;
	uint32_t n;
	uint8_t *w;

	/* 4088 = 8 + 4080: the whole buffer.  Refused (need + 8 >= cap). */
	CU_ASSERT_PTR_NULL(ring_reserve(r, 4080));
	/* 2048 + 2048: the second ends exactly at the end with tail 0. */
	w = ring_reserve(r, 2040);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	fill(w, 2040, 1);
	ring_commit(r);
	first = w;
	CU_ASSERT_PTR_NULL(ring_reserve(r, 2040));
	/* Nothing of the first record was touched. */
	q = ring_peek(r, &n);
	CU_ASSERT_PTR_EQUAL(q, first);
	CU_ASSERT_FATAL(check(q, n, 1));
	ring_release(r);
	/* Tail at 2048 now: the record fits exactly up to the end. */
	w = ring_reserve(r, 2040);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_PTR_EQUAL(w, first + 2048);
	fill(w, 2040, 2);
	ring_commit(r);
	CU_ASSERT_FALSE(ring_empty(r));
	CU_ASSERT_EQUAL(ring_used(r), 2048);
	/* The next record starts at 0 (tail is 2048, 16 < 2048). */
	w = ring_reserve(r, 8);
	CU_ASSERT_PTR_EQUAL(w, first);
	fill(w, 8, 3);
	ring_commit(r);
	q = ring_peek(r, &n);
	CU_ASSERT_EQUAL(n, 2040);
	CU_ASSERT_FATAL(check(q, n, 2));
	ring_release(r);
	q = ring_peek(r, &n);
	CU_ASSERT_PTR_EQUAL(q, first);
	CU_ASSERT_EQUAL(n, 8);
	CU_ASSERT_FATAL(check(q, n, 3));
	ring_release(r);
	CU_ASSERT_TRUE(ring_empty(r));
	ring_free(r);
}

/* ---- two threads ------------------------------------------------------- */

#define STRESS_N	1000000u
#define STRESS_SECS	60

struct stress {
	struct ring	*r;
	uint32_t	 errors;
	uint32_t	 received;
	int		 timed_out;
	int		 sleepy;	/* wait on the ring instead of yielding */
};

static uint32_t
sum32(const uint8_t *b, uint32_t n)
{
	uint32_t s = 2166136261u, i;

	for (i = 0; i < n; i++)
		s = (s ^ b[i]) * 16777619u;
	return s;
}

static time_t
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Record: seq(4) len-dependent payload, checksum(4) of seq+payload. */
static void *
producer(void *arg)
{
	struct stress *s = arg;
	uint32_t seq, n, sum;
	time_t start = now_s();
	uint8_t *w;

	for (seq = 0; seq < STRESS_N; seq++) {
		n = 8 + (seq * 2654435761u >> 24) % 300;
		while ((w = ring_reserve(s->r, n)) == NULL) {
			if (now_s() - start > STRESS_SECS) {
				s->timed_out = 1;
				return NULL;
			}
			if (s->sleepy)
				ring_wait_space(s->r, n, 10 * 1000 * 1000);
			else
				sched_yield();
		}
		memcpy(w, &seq, 4);
		fill(w + 4, n - 8, seq);
		sum = sum32(w, n - 4);
		memcpy(w + n - 4, &sum, 4);
		ring_commit(s->r);
	}
	ring_flush(s->r);
	return NULL;
}

static void *
consumer(void *arg)
{
	struct stress *s = arg;
	const uint8_t *q;
	uint32_t seq, n, sum;
	time_t start = now_s();

	while (s->received < STRESS_N) {
		if ((q = ring_peek(s->r, &n)) == NULL) {
			if (now_s() - start > STRESS_SECS) {
				s->timed_out = 1;
				return NULL;
			}
			if (s->sleepy)
				ring_wait_data(s->r, 10 * 1000 * 1000);
			else
				sched_yield();
			continue;
		}
		memcpy(&seq, q, 4);
		memcpy(&sum, q + n - 4, 4);
		if (n < 8 || seq != s->received || sum != sum32(q, n - 4) ||
		    n != 8 + (seq * 2654435761u >> 24) % 300)
			s->errors++;
		ring_release(s->r);
		s->received++;
	}
	return NULL;
}

/* A producer and a consumer thread through one ring; s->r is freed. */
static void
run_stress(struct stress *s)
{
	pthread_t pt, ct;

	CU_ASSERT_EQUAL_FATAL(pthread_create(&ct, NULL, consumer, s), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&pt, NULL, producer, s), 0);
	pthread_join(pt, NULL);
	pthread_join(ct, NULL);
	CU_ASSERT_FALSE(s->timed_out);
	CU_ASSERT_EQUAL(s->errors, 0);
	CU_ASSERT_EQUAL(s->received, STRESS_N);
	CU_ASSERT_TRUE(ring_empty(s->r));
	ring_free(s->r);
}

static void
test_threads(void)
{
	struct stress s = { 0 };

	s.r = ring_new(CAP * 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s.r);
	run_stress(&s);
}

/*
 * Batched publishing (32 records) with both sides sleeping instead of
 * spinning: the producer on a full ring, the consumer on an empty one,
 * each with a 10 s timeout.  A lost wake-up would cost a whole timeout:
 * the run must take far less.
 */
static void
test_threads_batched_sleeping(void)
{
	struct stress s = { 0 };
	time_t t0 = now_s();

	s.r = ring_new(CAP * 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s.r);
	ring_set_batch(s.r, 32);
	s.sleepy = 1;
	run_stress(&s);
	CU_ASSERT(now_s() - t0 < 8);
}

/*
 * A consumer of two rings sleeps on their shared bell: a record on the
 * second ring must wake it (a consumer that slept on the first ring alone
 * would sleep out its whole timeout).
 */
struct bell_arg {
	struct ring_bell	 bell;
	struct ring		*r[2];
	double			 woke_after;
};

static double
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
bell_sleeper(void *arg)
{
	struct bell_arg *a = arg;
	double t0 = mono_s();

	while (ring_empty(a->r[0]) && ring_empty(a->r[1]) && mono_s() - t0 < 20)
		ring_wait_any(&a->bell, a->r, 2, 10 * 1000 * 1000);
	a->woke_after = mono_s() - t0;
	return NULL;
}

static void
test_shared_bell(void)
{
	static struct bell_arg a;
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	pthread_t th;
	void *p;

	memset(&a, 0, sizeof(a));
	a.r[0] = ring_new(4096);
	a.r[1] = ring_new(4096);
	ring_set_bell(a.r[0], &a.bell);
	ring_set_bell(a.r[1], &a.bell);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, bell_sleeper, &a), 0);
	nanosleep(&pause, NULL);
	p = ring_reserve(a.r[1], 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memset(p, 1, 8);
	ring_commit(a.r[1]);
	ring_kick(a.r[1]);
	pthread_join(th, NULL);
	/* woken by the second ring, not by the 10 s timeout */
	CU_ASSERT(a.woke_after < 5.0);
	ring_free(a.r[0]);
	ring_free(a.r[1]);
}

UNIT_MAIN("ring",
	{ "reserve, commit, peek, release", test_basic },
	{ "records too big for the ring", test_too_big },
	{ "wrap-around with varying sizes", test_wrap_varying },
	{ "full ring refuses, never overwrites", test_full },
	{ "wrap blocked by the unread tail", test_wrap_blocked },
	{ "record ending exactly at the end", test_exact_end },
	{ "batched, both sides sleeping", test_threads_batched_sleeping },
	{ "two threads, 1e6 records", test_threads },
	{ "a shared bell wakes on any ring", test_shared_bell })
