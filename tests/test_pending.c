/*
 * test_pending.c - the pending buffer every TCP dissector is fed through
 * (sensor/pending.c), with a toy protocol of length-prefixed messages:
 * messages split across deliveries are reassembled; a message larger than
 * the buffer stops its direction for good (no parsing from its middle) and
 * leaves the other direction alone; a refused buffer stops the direction.
 */
#include <stdlib.h>
#include <string.h>

#include "pending.h"
#include "unit.h"

#define CAP	16

struct toy {
	uint8_t		 done;
	unsigned	 msgs[2];
	char		 last[2][CAP + 1];
	int		 refuse_alloc;
	size_t		 allocated;
};

/* One message: a length byte n, then n bytes. */
static size_t
toy_parse(void *arg, int dir, const uint8_t *d, size_t len)
{
	struct toy *t = arg;
	size_t off = 0, n;

	while (off < len && !t->done) {
		n = d[off];
		if (len - off < 1 + n)
			break;
		t->msgs[dir]++;
		memcpy(t->last[dir], d + off + 1, n < CAP ? n : CAP);
		t->last[dir][n < CAP ? n : CAP] = '\0';
		off += 1 + n;
	}
	return off;
}

static int
toy_done(void *arg)
{
	return ((struct toy *)arg)->done;
}

static void *
toy_alloc(void *arg, size_t n)
{
	struct toy *t = arg;

	if (t->refuse_alloc)
		return NULL;
	t->allocated += n;
	return malloc(n);
}

static const struct pending_ops ops = { toy_parse, toy_done, toy_alloc };

static enum pending_result
feed(struct pending *pd, struct toy *t, int dir, const char *s, size_t n)
{
	return pending_feed(pd, dir, (const uint8_t *)s, n, &ops, t);
}

static void
test_split(void)
{
	struct pending pd;
	struct toy t;

	memset(&t, 0, sizeof(t));
	pending_init(&pd, CAP);
	CU_ASSERT_EQUAL(feed(&pd, &t, 0, "\x05hel", 4), PENDING_OK);
	CU_ASSERT_EQUAL(t.msgs[0], 0);
	CU_ASSERT_EQUAL(pd.n[0], 4);
	CU_ASSERT_EQUAL(feed(&pd, &t, 0, "lo\x02hi\x03", 6), PENDING_OK);
	CU_ASSERT_EQUAL(t.msgs[0], 2);
	CU_ASSERT_STRING_EQUAL(t.last[0], "hi");
	CU_ASSERT_EQUAL(pd.n[0], 1);
	/* nothing pending: parsed straight from the delivery, no buffer */
	CU_ASSERT_EQUAL(feed(&pd, &t, 1, "\x01x", 2), PENDING_OK);
	CU_ASSERT_EQUAL(t.msgs[1], 1);
	CU_ASSERT_PTR_NULL(pd.buf[1]);
	CU_ASSERT_EQUAL(pending_memory(&pd), CAP);
	CU_ASSERT_EQUAL(pending_free(&pd), CAP);
}

static void
test_overflow_stops_direction(void)
{
	struct pending pd;
	struct toy t;
	/* a 20-byte message (over CAP) whose tail holds a valid message */
	const char big[] = "\x14" "aaaaaaaaaaaaaa" "\x04" "evil";

	memset(&t, 0, sizeof(t));
	pending_init(&pd, CAP);
	CU_ASSERT_EQUAL(feed(&pd, &t, 0, big, 10), PENDING_OK);
	CU_ASSERT_EQUAL(feed(&pd, &t, 0, big + 10, 11), PENDING_OVERFLOW);
	CU_ASSERT_EQUAL(t.msgs[0], 0);		/* no "evil" */
	CU_ASSERT_EQUAL(pd.stopped[0], 1);
	CU_ASSERT_EQUAL(feed(&pd, &t, 0, "\x01z", 2), PENDING_STOPPED);
	CU_ASSERT_EQUAL(t.msgs[0], 0);
	/* the other direction carries on */
	CU_ASSERT_EQUAL(feed(&pd, &t, 1, "\x02ok", 3), PENDING_OK);
	CU_ASSERT_EQUAL(t.msgs[1], 1);
	pending_free(&pd);
}

static void
test_one_big_delivery(void)
{
	struct pending pd;
	struct toy t;
	char big[40];

	/* an oversized message cut short in one delivery overflows too */
	memset(big, 'b', sizeof(big));
	big[0] = 60;
	memset(&t, 0, sizeof(t));
	pending_init(&pd, CAP);
	CU_ASSERT_EQUAL(feed(&pd, &t, 0, big, sizeof(big)), PENDING_OVERFLOW);
	CU_ASSERT_EQUAL(t.msgs[0], 0);
	pending_free(&pd);
}

static void
test_whole_big_message(void)
{
	struct pending pd;
	struct toy t;
	char big[40];

	/* a whole message larger than the buffer in one delivery parses */
	memset(big, 'b', sizeof(big));
	big[0] = 39;
	memset(&t, 0, sizeof(t));
	pending_init(&pd, CAP);
	CU_ASSERT_EQUAL(feed(&pd, &t, 0, big, sizeof(big)), PENDING_OK);
	CU_ASSERT_EQUAL(t.msgs[0], 1);
	CU_ASSERT_PTR_NULL(pd.buf[0]);
	pending_free(&pd);
}

static void
test_exactly_cap(void)
{
	struct pending pd;
	struct toy t;
	char m[CAP];

	/* a message of exactly CAP bytes fits, fed byte by byte */
	memset(m, 'c', sizeof(m));
	m[0] = CAP - 1;
	memset(&t, 0, sizeof(t));
	pending_init(&pd, CAP);
	for (size_t i = 0; i < sizeof(m); i++)
		CU_ASSERT_EQUAL(feed(&pd, &t, 0, m + i, 1), PENDING_OK);
	CU_ASSERT_EQUAL(t.msgs[0], 1);
	CU_ASSERT_EQUAL(pd.n[0], 0);
	pending_free(&pd);
}

static void
test_no_memory(void)
{
	struct pending pd;
	struct toy t;

	memset(&t, 0, sizeof(t));
	t.refuse_alloc = 1;
	pending_init(&pd, CAP);
	CU_ASSERT_EQUAL(feed(&pd, &t, 0, "\x05he", 3), PENDING_NOMEM);
	CU_ASSERT_EQUAL(pd.stopped[0], 1);
	CU_ASSERT_EQUAL(pending_memory(&pd), 0);
	/* done: nothing more is parsed, nothing buffered */
	t.refuse_alloc = 0;
	t.done = 1;
	CU_ASSERT_EQUAL(feed(&pd, &t, 1, "\x05he", 3), PENDING_OK);
	CU_ASSERT_PTR_NULL(pd.buf[1]);
	pending_free(&pd);
}

UNIT_MAIN("pending",
    { "messages split across deliveries", test_split },
    { "overflow stops the direction, not the other", test_overflow_stops_direction },
    { "an oversized message in one delivery", test_one_big_delivery },
    { "a whole large message in one delivery", test_whole_big_message },
    { "a message of exactly the buffer size", test_exactly_cap },
    { "no buffer: the direction stops", test_no_memory })
