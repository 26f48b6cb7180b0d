/*
 * test_stream.c - TCP reassembly: in-order and out-of-order delivery,
 * retransmissions, the first-wins overlap policy and its mismatch counter,
 * a segment covering several buffered ones, sequence wrap at 2^32, the
 * depth limit, the out-of-order bound, holes at flow end, SYN handling and
 * mid-stream pickup, and that the memory charged through the callbacks
 * returns to zero.
 */
#include <string.h>

#include "stream.h"
#include "unit.h"

#define SYN	0x02
#define ACK	0x10

/* What the callbacks saw. */
struct sink {
	uint8_t		out[2][8192];
	size_t		len[2];
	unsigned	calls;
	long long	charged;	/* outstanding bytes */
	long long	limit;		/* charge refuses beyond this */
};

static void
sink_deliver(void *arg, int dir, const uint8_t *data, size_t len)
{
	struct sink *k = arg;

	CU_ASSERT_FATAL(k->len[dir] + len <= sizeof(k->out[dir]));
	memcpy(k->out[dir] + k->len[dir], data, len);
	k->len[dir] += len;
	k->calls++;
}

static int
sink_charge(void *arg, size_t n)
{
	struct sink *k = arg;

	if (k->limit != 0 && k->charged + (long long)n > k->limit)
		return -1;
	k->charged += (long long)n;
	return 0;
}

static void
sink_release(void *arg, size_t n)
{
	struct sink *k = arg;

	k->charged -= (long long)n;
	CU_ASSERT(k->charged >= 0);
}

/* The reference byte stream: data at sequence offset i. */
static uint8_t ref[4096];

static void
ref_init(void)
{
	size_t i;

	for (i = 0; i < sizeof(ref); i++)
		ref[i] = (uint8_t)(i * 13 + 5);
}

struct rig {
	struct stream		*s;
	struct stream_opts	 o;
	struct stream_stats	 st;
	struct sink		 k;
	uint32_t		 isn;	/* sequence number of ref[0] */
};

static void
rig_init(struct rig *r, uint32_t isn, uint64_t depth, uint64_t ooo_max)
{
	memset(r, 0, sizeof(*r));
	ref_init();
	r->s = stream_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->s);
	r->o.depth = depth;
	r->o.ooo_max = ooo_max;
	r->o.deliver = sink_deliver;
	r->o.charge = sink_charge;
	r->o.release = sink_release;
	r->isn = isn;
}

/* Feeds ref[off, off+len) in direction 0. */
static void
seg(struct rig *r, uint32_t off, uint32_t len)
{
	stream_segment(r->s, &r->o, &r->k, &r->st, 0, r->isn + off, ACK,
	    ref + off, len);
}

/* Feeds other bytes at ref's position off. */
static void
seg_bytes(struct rig *r, uint32_t off, const uint8_t *b, uint32_t len)
{
	stream_segment(r->s, &r->o, &r->k, &r->st, 0, r->isn + off, ACK, b,
	    len);
}

static void
rig_free(struct rig *r)
{
	stream_free(r->s, &r->o, &r->k);
	CU_ASSERT_EQUAL(r->k.charged, 0);
}

/* Delivered direction 0 equals ref[0, n). */
static int
got_ref(const struct rig *r, size_t n)
{
	return r->k.len[0] == n && memcmp(r->k.out[0], ref, n) == 0;
}

static void
test_in_order(void)
{
	struct rig r;

	rig_init(&r, 1000, 1 << 20, 1 << 16);
	seg(&r, 0, 100);
	seg(&r, 100, 50);
	seg(&r, 150, 1);
	CU_ASSERT(got_ref(&r, 151));
	CU_ASSERT_EQUAL(r.st.segments, 3);
	CU_ASSERT_EQUAL(r.st.bytes_delivered, 151);
	CU_ASSERT_EQUAL(r.st.ooo_buffered, 0);
	CU_ASSERT_EQUAL(r.k.len[1], 0);
	/* Direction 1 is independent. */
	stream_segment(r.s, &r.o, &r.k, &r.st, 1, 7, ACK, ref, 10);
	CU_ASSERT_EQUAL(r.k.len[1], 10);
	CU_ASSERT(stream_active(r.s, 0));
	rig_free(&r);
}

static void
test_reverse_five(void)
{
	struct rig r;
	int i;

	rig_init(&r, 5000, 1 << 20, 1 << 16);
	seg(&r, 0, 10);				/* establishes next_seq */
	for (i = 4; i >= 1; i--)
		seg(&r, 10 + 20 * (uint32_t)i, 20);
	CU_ASSERT(got_ref(&r, 10));
	CU_ASSERT_EQUAL(r.st.ooo_buffered, 4);
	CU_ASSERT(r.k.charged > 0);
	seg(&r, 10, 20);			/* fills the hole */
	CU_ASSERT(got_ref(&r, 110));
	CU_ASSERT_EQUAL(r.k.charged, 0);
	CU_ASSERT_EQUAL(r.st.gaps, 0);
	CU_ASSERT_EQUAL(r.st.overlaps, 0);
	stream_finish(r.s, &r.st);
	CU_ASSERT_EQUAL(r.st.gaps, 0);
	rig_free(&r);
}

static void
test_retransmission(void)
{
	struct rig r;

	rig_init(&r, 1, 1 << 20, 1 << 16);
	seg(&r, 0, 100);
	seg(&r, 0, 100);	/* whole segment again */
	seg(&r, 40, 30);	/* a piece of old data */
	CU_ASSERT_EQUAL(r.st.retransmissions, 2);
	CU_ASSERT(got_ref(&r, 100));
	/* Partly old, partly new: the new tail is delivered once. */
	seg(&r, 90, 30);
	CU_ASSERT(got_ref(&r, 120));
	CU_ASSERT_EQUAL(r.st.overlaps, 1);
	rig_free(&r);
}

/* Two buffered copies of the same range: identical bytes are an overlap,
 * different bytes also a mismatch; the first copy is what is delivered. */
static void
test_overlap_buffered(void)
{
	struct rig r;
	uint8_t evil[40];

	rig_init(&r, 77, 1 << 20, 1 << 16);
	seg(&r, 0, 10);
	seg(&r, 20, 20);		/* buffered [20,40) */
	seg(&r, 20, 20);		/* same bytes again */
	CU_ASSERT_EQUAL(r.st.overlaps, 1);
	CU_ASSERT_EQUAL(r.st.overlap_mismatch, 0);
	memset(evil, 'X', sizeof(evil));
	seg_bytes(&r, 30, evil, 20);	/* [30,40) differs, [40,50) new */
	CU_ASSERT_EQUAL(r.st.overlaps, 2);
	CU_ASSERT_EQUAL(r.st.overlap_mismatch, 1);
	seg(&r, 10, 10);		/* fill */
	CU_ASSERT_EQUAL(r.k.len[0], 50);
	/* First wins: ref bytes up to 40, then the X's that were new. */
	CU_ASSERT_EQUAL(memcmp(r.k.out[0], ref, 40), 0);
	CU_ASSERT_EQUAL(memcmp(r.k.out[0] + 40, evil, 10), 0);
	rig_free(&r);
}

/*
 * An in-order segment that overlaps data already buffered ahead of it:
 * the buffered bytes came first and win; differing bytes are counted.
 */
static void
test_overlap_in_order(void)
{
	struct rig r;
	uint8_t evil[60];

	rig_init(&r, 500, 1 << 20, 1 << 16);
	seg(&r, 0, 10);
	seg(&r, 20, 10);		/* buffered [20,30) */
	memset(evil, 'Y', sizeof(evil));
	seg_bytes(&r, 10, evil, 30);	/* in order [10,40), differs in [20,30) */
	CU_ASSERT_EQUAL(r.k.len[0], 40);
	CU_ASSERT_EQUAL(memcmp(r.k.out[0], ref, 10), 0);
	CU_ASSERT_EQUAL(memcmp(r.k.out[0] + 10, evil, 10), 0);
	CU_ASSERT_EQUAL(memcmp(r.k.out[0] + 20, ref + 20, 10), 0);
	CU_ASSERT_EQUAL(memcmp(r.k.out[0] + 30, evil, 10), 0);
	CU_ASSERT_EQUAL(r.st.overlaps, 1);
	CU_ASSERT_EQUAL(r.st.overlap_mismatch, 1);
	/* Same again with identical bytes: an overlap, no mismatch. */
	seg(&r, 60, 10);		/* buffered [60,70) */
	seg(&r, 40, 40);		/* in order [40,80) */
	CU_ASSERT_EQUAL(r.k.len[0], 80);
	CU_ASSERT_EQUAL(memcmp(r.k.out[0] + 40, ref + 40, 40), 0);
	CU_ASSERT_EQUAL(r.st.overlaps, 2);
	CU_ASSERT_EQUAL(r.st.overlap_mismatch, 1);
	CU_ASSERT_EQUAL(r.k.charged, 0);
	rig_free(&r);
}

/* One out-of-order segment covering several buffered ones. */
static void
test_cover_several(void)
{
	struct rig r;

	rig_init(&r, 9000, 1 << 20, 1 << 16);
	seg(&r, 0, 10);
	seg(&r, 30, 10);
	seg(&r, 50, 10);
	seg(&r, 70, 10);
	CU_ASSERT_EQUAL(r.st.ooo_buffered, 3);
	seg(&r, 20, 80);		/* covers all three, fills between */
	CU_ASSERT_EQUAL(r.st.overlaps, 3);
	CU_ASSERT_EQUAL(r.st.overlap_mismatch, 0);
	CU_ASSERT(got_ref(&r, 10));
	seg(&r, 10, 10);
	CU_ASSERT(got_ref(&r, 100));
	CU_ASSERT_EQUAL(r.k.charged, 0);
	rig_free(&r);
}

/* Sequence numbers wrapping past 2^32, in order and out of order. */
static void
test_wrap(void)
{
	struct rig r;

	rig_init(&r, 0xffffffc0u, 1 << 20, 1 << 16);
	seg(&r, 0, 50);			/* crosses 2^32 */
	seg(&r, 100, 50);		/* buffered beyond the wrap */
	seg(&r, 50, 50);
	CU_ASSERT(got_ref(&r, 150));
	seg(&r, 10, 20);		/* old data from before the wrap */
	CU_ASSERT_EQUAL(r.st.retransmissions, 1);
	CU_ASSERT_EQUAL(r.st.gaps, 0);
	rig_free(&r);
}

static void
test_depth(void)
{
	struct rig r;

	rig_init(&r, 10, 100, 1 << 16);
	seg(&r, 0, 60);
	seg(&r, 60, 60);		/* crosses the depth */
	CU_ASSERT(got_ref(&r, 100));
	CU_ASSERT_EQUAL(r.st.depth_reached, 1);
	CU_ASSERT_FALSE(stream_active(r.s, 0));
	CU_ASSERT(stream_active(r.s, 1));
	seg(&r, 120, 60);		/* nothing more */
	CU_ASSERT(got_ref(&r, 100));
	CU_ASSERT_EQUAL(r.st.depth_reached, 1);
	CU_ASSERT_EQUAL(r.st.bytes_delivered, 100);
	rig_free(&r);

	/* Reaching the depth from buffered data while draining. */
	rig_init(&r, 10, 100, 1 << 16);
	seg(&r, 0, 10);
	seg(&r, 50, 80);
	seg(&r, 10, 40);
	CU_ASSERT(got_ref(&r, 100));
	CU_ASSERT_EQUAL(r.st.depth_reached, 1);
	rig_free(&r);
}

static void
test_ooo_limit(void)
{
	struct rig r;

	rig_init(&r, 3, 1 << 20, 100);
	seg(&r, 0, 10);
	seg(&r, 20, 60);		/* 60 buffered */
	CU_ASSERT_EQUAL(r.st.ooo_limit, 0);
	seg(&r, 100, 60);		/* 120 > 100 */
	CU_ASSERT_EQUAL(r.st.ooo_limit, 1);
	CU_ASSERT_EQUAL(r.st.gaps, 1);
	CU_ASSERT_FALSE(stream_active(r.s, 0));
	CU_ASSERT_EQUAL(r.k.charged, 0);	/* buffers dropped */
	seg(&r, 10, 200);		/* delivery stays stopped */
	CU_ASSERT(got_ref(&r, 10));
	stream_finish(r.s, &r.st);
	CU_ASSERT_EQUAL(r.st.gaps, 1);	/* not counted twice */
	rig_free(&r);

	/* The memcap refusing a charge is handled the same way. */
	rig_init(&r, 3, 1 << 20, 1 << 16);
	r.k.limit = 50;
	seg(&r, 0, 10);
	seg(&r, 20, 200);
	CU_ASSERT_EQUAL(r.st.gaps, 1);
	CU_ASSERT_FALSE(stream_active(r.s, 0));
	CU_ASSERT_EQUAL(r.k.charged, 0);
	rig_free(&r);
}

/*
 * malloc wrapper (ld --wrap=malloc, Makefile.am): fails the next call once
 * armed, to drive the out-of-order buffer's allocation failure.
 */
void	*__real_malloc(size_t n);
void	*__wrap_malloc(size_t n);
static int malloc_fail;

void *
__wrap_malloc(size_t n)
{
	if (malloc_fail) {
		malloc_fail = 0;
		return NULL;
	}
	return __real_malloc(n);
}

/*
 * An out-of-order segment whose buffer cannot be allocated: the charge made
 * for it is given back, the hole is a gap, and buffers already held are
 * released (memcap accounting audit, review 3.8).
 */
static void
test_ooo_alloc_failure(void)
{
	struct rig r;

	rig_init(&r, 3, 1 << 20, 1 << 16);
	seg(&r, 0, 10);
	seg(&r, 20, 30);		/* buffered */
	CU_ASSERT(r.k.charged > 30);
	malloc_fail = 1;
	seg(&r, 60, 30);		/* its buffer fails */
	CU_ASSERT_EQUAL(malloc_fail, 0);
	CU_ASSERT_EQUAL(r.st.gaps, 1);
	CU_ASSERT_FALSE(stream_active(r.s, 0));
	CU_ASSERT_EQUAL(r.k.charged, 0);
	CU_ASSERT(got_ref(&r, 10));
	rig_free(&r);
}

static void
test_finish_hole(void)
{
	struct rig r;

	rig_init(&r, 42, 1 << 20, 1 << 16);
	seg(&r, 0, 10);
	seg(&r, 30, 10);
	stream_finish(r.s, &r.st);
	CU_ASSERT_EQUAL(r.st.gaps, 1);
	CU_ASSERT(got_ref(&r, 10));
	rig_free(&r);

	/* No hole: no gap. */
	rig_init(&r, 42, 1 << 20, 1 << 16);
	seg(&r, 0, 10);
	stream_finish(r.s, &r.st);
	CU_ASSERT_EQUAL(r.st.gaps, 0);
	rig_free(&r);
}

static void
test_syn(void)
{
	struct rig r;

	/* SYN at isn-1 consumes one sequence number; then data from isn. */
	rig_init(&r, 1000, 1 << 20, 1 << 16);
	stream_segment(r.s, &r.o, &r.k, &r.st, 0, 999, SYN, NULL, 0);
	CU_ASSERT_EQUAL(r.st.segments, 0);
	/* First data segment arrives late: buffered, not taken as start. */
	seg(&r, 10, 10);
	CU_ASSERT_EQUAL(r.k.len[0], 0);
	seg(&r, 0, 10);
	CU_ASSERT(got_ref(&r, 20));
	/* A retransmitted SYN must not rewind the stream. */
	stream_segment(r.s, &r.o, &r.k, &r.st, 0, 999, SYN, NULL, 0);
	seg(&r, 20, 10);
	CU_ASSERT(got_ref(&r, 30));
	CU_ASSERT_EQUAL(r.st.gaps, 0);
	stream_finish(r.s, &r.st);
	CU_ASSERT_EQUAL(r.st.gaps, 0);
	rig_free(&r);

	/* SYN carrying data (TCP Fast Open). */
	rig_init(&r, 1000, 1 << 20, 1 << 16);
	stream_segment(r.s, &r.o, &r.k, &r.st, 0, 999, SYN, ref, 5);
	seg(&r, 5, 5);
	CU_ASSERT(got_ref(&r, 10));
	/* ... and retransmitted with its data: old data, not new. */
	stream_segment(r.s, &r.o, &r.k, &r.st, 0, 999, SYN, ref, 5);
	CU_ASSERT(got_ref(&r, 10));
	CU_ASSERT_EQUAL(r.st.retransmissions, 1);
	rig_free(&r);
}

static void
test_midstream(void)
{
	struct rig r;

	/* No SYN seen: the first data segment defines the start. */
	rig_init(&r, 123456, 1 << 20, 1 << 16);
	seg(&r, 200, 50);
	seg(&r, 250, 50);
	CU_ASSERT_EQUAL(r.k.len[0], 100);
	CU_ASSERT_EQUAL(memcmp(r.k.out[0], ref + 200, 100), 0);
	seg(&r, 100, 50);		/* before the pickup point: old */
	CU_ASSERT_EQUAL(r.st.retransmissions, 1);
	CU_ASSERT_EQUAL(r.k.len[0], 100);
	/* stream_stop ends both directions. */
	stream_stop(r.s);
	CU_ASSERT_FALSE(stream_active(r.s, 0));
	CU_ASSERT_FALSE(stream_active(r.s, 1));
	seg(&r, 300, 10);
	CU_ASSERT_EQUAL(r.k.len[0], 100);
	rig_free(&r);
}

/* Charges and releases balance whatever state the stream is freed in. */
static void
test_memory_balance(void)
{
	struct rig r;
	uint32_t i;

	rig_init(&r, 0xfffff000u, 1 << 20, 1 << 16);
	seg(&r, 0, 1);
	for (i = 0; i < 50; i++)
		seg(&r, 100 + 37 * i % 900, 1 + i % 29);
	stream_segment(r.s, &r.o, &r.k, &r.st, 1, 5, ACK, ref, 1);
	stream_segment(r.s, &r.o, &r.k, &r.st, 1, 50, ACK, ref, 100);
	CU_ASSERT(r.k.charged > 0);
	CU_ASSERT(stream_size() > 0);
	rig_free(&r);			/* asserts charged == 0 */
	stream_free(NULL, NULL, NULL);
}

UNIT_MAIN("stream",
	{ "in order", test_in_order },
	{ "reverse of five segments", test_reverse_five },
	{ "retransmissions", test_retransmission },
	{ "overlap of buffered data, first wins", test_overlap_buffered },
	{ "in-order segment overlapping buffered data",
	    test_overlap_in_order },
	{ "segment covering several buffered ones", test_cover_several },
	{ "sequence wrap", test_wrap },
	{ "depth limit", test_depth },
	{ "out-of-order bound", test_ooo_limit },
	{ "hole at flow end", test_finish_hole },
	{ "SYN handling", test_syn },
	{ "mid-stream pickup and stop", test_midstream },
	{ "memory charge and release balance", test_memory_balance },
	{ "out-of-order buffer allocation failure", test_ooo_alloc_failure })
