/*
 * test_defrag.c - IPv4/IPv6 fragment reassembly: fragments are built by
 * hand as raw IP packets, decoded with decode_packet(LINK_RAW) and fed to
 * defrag_feed().  Covers ordering, duplicates, the "first" overlap policy
 * and its counters, timeouts, memcap eviction, size limits, an IPv6
 * extension header before the fragment header, and that the reassembled
 * datagram decodes to the full UDP payload.
 */
#include <string.h>

#include "decode.h"
#include "defrag.h"
#include "unit.h"

#define DGLEN		200	/* UDP header + 192 bytes of payload */
#define SPORT		5353
#define DPORT		53
#define TIMEOUT_US	1000000

static const struct decode_opts dopts = { 8, 0 };

/* The UDP datagram that gets fragmented, payload bytes patterned. */
static void
make_udp(uint8_t *b, size_t n, uint8_t salt)
{
	size_t i;

	b[0] = SPORT >> 8;
	b[1] = SPORT & 0xff;
	b[2] = DPORT >> 8;
	b[3] = DPORT & 0xff;
	b[4] = (uint8_t)(n >> 8);
	b[5] = (uint8_t)n;
	b[6] = b[7] = 0;	/* no checksum */
	for (i = 8; i < n; i++)
		b[i] = (uint8_t)(i * 7 + salt);
}

static uint16_t
cksum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* IPv4 10.0.0.1 -> 10.0.0.2 carrying pl[off, off+len). */
static size_t
ip4_frag(uint8_t *b, uint16_t id, uint8_t proto, const uint8_t *pl,
    uint16_t off, uint16_t len, int mf)
{
	uint16_t total = (uint16_t)(20 + len), fw, ck;

	memset(b, 0, 20);
	b[0] = 0x45;
	b[2] = (uint8_t)(total >> 8);
	b[3] = (uint8_t)total;
	b[4] = (uint8_t)(id >> 8);
	b[5] = (uint8_t)id;
	fw = (uint16_t)((mf ? 0x2000 : 0) | off / 8);
	b[6] = (uint8_t)(fw >> 8);
	b[7] = (uint8_t)fw;
	b[8] = 64;
	b[9] = proto;
	b[12] = 10; b[15] = 1;
	b[16] = 10; b[19] = 2;
	ck = cksum(b, 20);
	b[10] = (uint8_t)(ck >> 8);
	b[11] = (uint8_t)ck;
	memcpy(b + 20, pl + off, len);
	return total;
}

/*
 * IPv6 2001:db8::1 -> 2001:db8::2, optionally with an 8-byte destination
 * options header (one PadN) before the fragment header.
 */
static size_t
ip6_frag(uint8_t *b, uint32_t id, const uint8_t *pl, uint16_t off,
    uint16_t len, int mf, int dstopts)
{
	uint16_t plen = (uint16_t)((dstopts ? 8 : 0) + 8 + len), fw;
	size_t n = 40;

	memset(b, 0, 40);
	b[0] = 0x60;
	b[4] = (uint8_t)(plen >> 8);
	b[5] = (uint8_t)plen;
	b[6] = dstopts ? 60 : 44;
	b[7] = 64;
	b[8] = 0x20; b[9] = 0x01; b[10] = 0x0d; b[11] = 0xb8; b[23] = 1;
	b[24] = 0x20; b[25] = 0x01; b[26] = 0x0d; b[27] = 0xb8; b[39] = 2;
	if (dstopts) {
		static const uint8_t dopt[8] = { 44, 0, 1, 4, 0, 0, 0, 0 };

		memcpy(b + n, dopt, sizeof(dopt));
		n += 8;
	}
	fw = (uint16_t)(off | (mf ? 1 : 0));
	b[n] = 17;
	b[n + 1] = 0;
	b[n + 2] = (uint8_t)(fw >> 8);
	b[n + 3] = (uint8_t)fw;
	b[n + 4] = (uint8_t)(id >> 24);
	b[n + 5] = (uint8_t)(id >> 16);
	b[n + 6] = (uint8_t)(id >> 8);
	b[n + 7] = (uint8_t)id;
	n += 8;
	memcpy(b + n, pl + off, len);
	return n + len;
}

/* Decodes a frame and feeds it; caplen < len simulates a snap length. */
static int
feed_frame(struct defrag *d, int link, const uint8_t *frame, size_t len,
    size_t caplen, uint64_t ts, const uint8_t **out, uint32_t *outlen)
{
	struct decode_stats ds;
	struct pkt p;

	memset(&ds, 0, sizeof(ds));
	memset(&p, 0, sizeof(p));
	CU_ASSERT_FATAL(decode_packet(&dopts, &ds, &p, link, frame,
	    (uint32_t)caplen, (uint32_t)len, ts) == 0);
	CU_ASSERT_FATAL(p.is_fragment);
	return defrag_feed(d, &p, out, outlen);
}

static int
feed4(struct defrag *d, const uint8_t *pl, uint16_t id, uint16_t off,
    uint16_t len, int mf, uint64_t ts, const uint8_t **out, uint32_t *outlen)
{
	uint8_t b[20 + 65535];
	size_t n = ip4_frag(b, id, 17, pl, off, len, mf);

	return feed_frame(d, LINK_RAW, b, n, n, ts, out, outlen);
}

static int
feed6(struct defrag *d, const uint8_t *pl, uint32_t id, uint16_t off,
    uint16_t len, int mf, int dstopts, const uint8_t **out, uint32_t *outlen)
{
	uint8_t b[64 + DGLEN];
	size_t n = ip6_frag(b, id, pl, off, len, mf, dstopts);

	return feed_frame(d, LINK_RAW, b, n, n, 1000, out, outlen);
}

static struct defrag *
mk(size_t memcap, unsigned max_frags, unsigned max_dg)
{
	struct defrag_opts o = { memcap, TIMEOUT_US, max_frags, max_dg };
	char err[128];
	struct defrag *d = defrag_new(&o, err, sizeof(err));

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	return d;
}

/* The reassembled datagram decodes to the UDP ports and full payload. */
static void
check_decodes(const uint8_t *out, uint32_t outlen, int family)
{
	struct decode_stats ds;
	struct pkt q;

	memset(&ds, 0, sizeof(ds));
	memset(&q, 0, sizeof(q));
	CU_ASSERT_EQUAL_FATAL(decode_ip_datagram(&dopts, &ds, &q, out,
	    outlen), 0);
	CU_ASSERT_EQUAL(q.family, family);
	CU_ASSERT_FALSE(q.is_fragment);
	CU_ASSERT_EQUAL(q.proto, 17);
	CU_ASSERT(q.l4_ok);
	CU_ASSERT_EQUAL(q.sport, SPORT);
	CU_ASSERT_EQUAL(q.dport, DPORT);
	CU_ASSERT_EQUAL(q.pl_len, DGLEN - 8);
}

/* A rebuilt IPv4 header around `want`, decodable. */
static void
check_v4(const uint8_t *out, uint32_t outlen, const uint8_t *want)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL_FATAL(outlen, 20 + DGLEN);
	CU_ASSERT_EQUAL(out[0], 0x45);
	CU_ASSERT_EQUAL(out[2] << 8 | out[3], 20 + DGLEN);
	CU_ASSERT_EQUAL(out[6] & 0x3f, 0);	/* MF and offset cleared */
	CU_ASSERT_EQUAL(out[7], 0);
	CU_ASSERT_EQUAL(cksum(out, 20), 0);
	CU_ASSERT(memcmp(out + 20, want, DGLEN) == 0);
	check_decodes(out, outlen, 4);
}

/* Feeds the three fragments [0,80) [80,160) [160,200) in `order`. */
static void
run_order(const int order[3])
{
	static const uint16_t offs[3] = { 0, 80, 160 };
	static const uint16_t lens[3] = { 80, 80, 40 };
	struct defrag *d = mk(0, 0, 0);
	uint8_t pl[DGLEN];
	const uint8_t *out = NULL;
	uint32_t outlen = 0;
	int i, r = -1;

	make_udp(pl, sizeof(pl), 3);
	for (i = 0; i < 3; i++) {
		r = feed4(d, pl, 7, offs[order[i]], lens[order[i]],
		    order[i] != 2, 1000, &out, &outlen);
		CU_ASSERT_EQUAL(r, i == 2 ? 1 : 0);
		if (i < 2)
			CU_ASSERT(defrag_memory(d) > 0);
	}
	check_v4(out, outlen, pl);
	CU_ASSERT_EQUAL(defrag_stats(d)->fragments, 3);
	CU_ASSERT_EQUAL(defrag_stats(d)->reassembled, 1);
	CU_ASSERT_EQUAL(defrag_stats(d)->overlaps, 0);
	CU_ASSERT_EQUAL(defrag_memory(d), 0);
	CU_ASSERT_EQUAL(defrag_pending(d), 0);
	defrag_free(d);
}

static void
test_in_order(void)
{
	static const int o[3] = { 0, 1, 2 };

	run_order(o);
}

static void
test_out_of_order(void)
{
	static const int o[3] = { 1, 2, 0 };

	run_order(o);
}

static void
test_reverse_order(void)
{
	static const int o[3] = { 2, 1, 0 };

	run_order(o);
}

static void
test_duplicate(void)
{
	struct defrag *d = mk(0, 0, 0);
	uint8_t pl[DGLEN];
	const uint8_t *out;
	uint32_t outlen;

	make_udp(pl, sizeof(pl), 5);
	CU_ASSERT_EQUAL(feed4(d, pl, 9, 0, 80, 1, 1, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 9, 80, 80, 1, 2, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 9, 0, 80, 1, 3, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 9, 160, 40, 0, 4, &out, &outlen), 1);
	check_v4(out, outlen, pl);
	CU_ASSERT_EQUAL(defrag_stats(d)->overlaps, 1);
	CU_ASSERT_EQUAL(defrag_stats(d)->overlap_mismatch, 0);
	CU_ASSERT_EQUAL(defrag_stats(d)->reassembled, 1);
	CU_ASSERT_EQUAL(defrag_memory(d), 0);
	defrag_free(d);
}

static void
test_overlap_same_bytes(void)
{
	struct defrag *d = mk(0, 0, 0);
	uint8_t pl[DGLEN];
	const uint8_t *out;
	uint32_t outlen;

	make_udp(pl, sizeof(pl), 11);
	CU_ASSERT_EQUAL(feed4(d, pl, 1, 0, 80, 1, 1, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 1, 40, 120, 1, 1, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 1, 160, 40, 0, 1, &out, &outlen), 1);
	check_v4(out, outlen, pl);
	CU_ASSERT_EQUAL(defrag_stats(d)->overlaps, 1);
	CU_ASSERT_EQUAL(defrag_stats(d)->overlap_mismatch, 0);
	defrag_free(d);
}

/*
 * Policy "first": bytes already held win whichever offset they came at.
 * a = original, b = same headers, different payload bytes.
 */
static void
test_overlap_different_bytes(void)
{
	struct defrag *d = mk(0, 0, 0);
	uint8_t a[DGLEN], b[DGLEN], want[DGLEN];
	const uint8_t *out;
	uint32_t outlen;

	make_udp(a, sizeof(a), 1);
	make_udp(b, sizeof(b), 99);

	/* a[0,80) first, then b[40,160): b wins only on [80,160). */
	CU_ASSERT_EQUAL(feed4(d, a, 2, 0, 80, 1, 1, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, b, 2, 40, 120, 1, 1, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, a, 2, 160, 40, 0, 1, &out, &outlen), 1);
	memcpy(want, a, DGLEN);
	memcpy(want + 80, b + 80, 80);
	check_v4(out, outlen, want);
	CU_ASSERT_EQUAL(defrag_stats(d)->overlaps, 1);
	CU_ASSERT_EQUAL(defrag_stats(d)->overlap_mismatch, 1);

	/* b[40,160) first, then a[0,80): b keeps [40,80). */
	CU_ASSERT_EQUAL(feed4(d, b, 3, 40, 120, 1, 1, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, a, 3, 0, 80, 1, 1, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, a, 3, 160, 40, 0, 1, &out, &outlen), 1);
	memcpy(want, a, DGLEN);
	memcpy(want + 40, b + 40, 120);
	check_v4(out, outlen, want);
	CU_ASSERT_EQUAL(defrag_stats(d)->overlaps, 2);
	CU_ASSERT_EQUAL(defrag_stats(d)->overlap_mismatch, 2);
	CU_ASSERT_EQUAL(defrag_stats(d)->reassembled, 2);
	CU_ASSERT_EQUAL(defrag_memory(d), 0);
	defrag_free(d);
}

static void
test_missing_last_times_out(void)
{
	struct defrag *d = mk(0, 0, 0);
	uint8_t pl[DGLEN];
	const uint8_t *out;
	uint32_t outlen;

	make_udp(pl, sizeof(pl), 4);
	CU_ASSERT_EQUAL(feed4(d, pl, 4, 0, 80, 1, 1000, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 4, 80, 80, 1, 2000, &out, &outlen), 0);
	CU_ASSERT(defrag_memory(d) > 0);
	defrag_expire(d, 1000 + TIMEOUT_US - 1);
	CU_ASSERT_EQUAL(defrag_pending(d), 1);
	CU_ASSERT_EQUAL(defrag_stats(d)->timeouts, 0);
	defrag_expire(d, 1000 + TIMEOUT_US);
	CU_ASSERT_EQUAL(defrag_stats(d)->timeouts, 1);
	CU_ASSERT_EQUAL(defrag_stats(d)->reassembled, 0);
	CU_ASSERT_EQUAL(defrag_pending(d), 0);
	CU_ASSERT_EQUAL(defrag_memory(d), 0);
	defrag_free(d);
}

/* A fragment of another datagram expires the stale one on the way. */
static void
test_feed_expires(void)
{
	struct defrag *d = mk(0, 0, 0);
	uint8_t pl[DGLEN];
	const uint8_t *out;
	uint32_t outlen;

	make_udp(pl, sizeof(pl), 4);
	CU_ASSERT_EQUAL(feed4(d, pl, 5, 0, 80, 1, 10, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 6, 0, 80, 1, 10 + TIMEOUT_US, &out,
	    &outlen), 0);
	CU_ASSERT_EQUAL(defrag_stats(d)->timeouts, 1);
	CU_ASSERT_EQUAL(defrag_pending(d), 1);
	/* The late rest of datagram 5 starts over and cannot complete. */
	CU_ASSERT_EQUAL(feed4(d, pl, 5, 80, 80, 1, 20 + TIMEOUT_US, &out,
	    &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 5, 160, 40, 0, 20 + TIMEOUT_US, &out,
	    &outlen), 0);
	CU_ASSERT_EQUAL(defrag_stats(d)->reassembled, 0);
	defrag_free(d);
}

static void
test_memcap_eviction(void)
{
	struct defrag *d = mk(0, 0, 0);
	uint8_t pl[DGLEN];
	const uint8_t *out;
	uint32_t outlen;
	size_t one;

	make_udp(pl, sizeof(pl), 6);
	CU_ASSERT_EQUAL(feed4(d, pl, 1, 0, 80, 1, 1, &out, &outlen), 0);
	one = defrag_memory(d);
	defrag_free(d);

	/* Room for two first fragments, not three nor a second fragment more. */
	d = mk(2 * one + one / 4, 0, 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 1, 0, 80, 1, 1, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 2, 0, 80, 1, 2, &out, &outlen), 0);
	CU_ASSERT_EQUAL(defrag_memory(d), 2 * one);
	CU_ASSERT_EQUAL(feed4(d, pl, 3, 0, 80, 1, 3, &out, &outlen), 0);
	CU_ASSERT_EQUAL(defrag_stats(d)->memcap_evictions, 1);
	CU_ASSERT_EQUAL(defrag_stats(d)->memcap_drops, 0);
	CU_ASSERT_EQUAL(defrag_pending(d), 2);
	CU_ASSERT(defrag_memory(d) <= 2 * one + one / 4);
	/* Datagram 1 (the oldest) went; 2 still completes. */
	CU_ASSERT_EQUAL(feed4(d, pl, 2, 80, 80, 1, 4, &out, &outlen), 0);
	CU_ASSERT_EQUAL(defrag_stats(d)->memcap_evictions, 2);
	CU_ASSERT_EQUAL(feed4(d, pl, 2, 160, 40, 0, 5, &out, &outlen), 1);
	check_v4(out, outlen, pl);
	defrag_free(d);

	/* A fragment that can never fit is dropped, nothing evicted. */
	d = mk(one / 2, 0, 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 1, 0, 80, 1, 1, &out, &outlen), -1);
	CU_ASSERT_EQUAL(defrag_stats(d)->memcap_drops, 1);
	CU_ASSERT_EQUAL(defrag_memory(d), 0);
	CU_ASSERT_EQUAL(defrag_pending(d), 0);
	defrag_free(d);
}

static void
test_tables_full(void)
{
	struct defrag *d = mk(0, 0, 2);
	uint8_t pl[DGLEN];
	const uint8_t *out;
	uint32_t outlen;

	make_udp(pl, sizeof(pl), 6);
	CU_ASSERT_EQUAL(feed4(d, pl, 1, 0, 80, 1, 1, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 2, 0, 80, 1, 2, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 3, 0, 80, 1, 3, &out, &outlen), 0);
	CU_ASSERT_EQUAL(defrag_stats(d)->tables_full, 1);
	CU_ASSERT_EQUAL(defrag_pending(d), 2);
	CU_ASSERT_EQUAL(feed4(d, pl, 3, 80, 120, 0, 4, &out, &outlen), 1);
	check_v4(out, outlen, pl);
	defrag_free(d);
}

static void
test_too_many_fragments(void)
{
	struct defrag *d = mk(0, 2, 0);
	uint8_t pl[DGLEN];
	const uint8_t *out;
	uint32_t outlen;

	make_udp(pl, sizeof(pl), 6);
	CU_ASSERT_EQUAL(feed4(d, pl, 1, 0, 40, 1, 1, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 1, 40, 40, 1, 1, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 1, 80, 120, 0, 1, &out, &outlen), -1);
	CU_ASSERT_EQUAL(defrag_stats(d)->too_many_fragments, 1);
	CU_ASSERT_EQUAL(defrag_pending(d), 0);
	CU_ASSERT_EQUAL(defrag_memory(d), 0);
	defrag_free(d);
}

static void
test_too_big(void)
{
	struct defrag *d = mk(0, 0, 0);
	static uint8_t big[65536 + 16];	/* room for the bad one's bytes */
	const uint8_t *out;
	uint32_t outlen;

	make_udp(big, sizeof(big), 8);
	CU_ASSERT_EQUAL(feed4(d, big, 1, 0, 80, 1, 1, &out, &outlen), 0);
	/* 65512 + 16 = 65528 payload bytes fit the offset field, but with a
	 * 20-byte header the datagram would be 65548 long. */
	CU_ASSERT_EQUAL(feed4(d, big, 1, 65512, 16, 0, 1, &out, &outlen), -1);
	CU_ASSERT_EQUAL(defrag_stats(d)->too_big, 1);
	CU_ASSERT_EQUAL(defrag_pending(d), 0);
	CU_ASSERT_EQUAL(defrag_memory(d), 0);

	/* Offset + length past 65535 is a bad fragment on its own. */
	CU_ASSERT_EQUAL(feed4(d, big, 2, 65528, 16, 0, 1, &out, &outlen), -1);
	CU_ASSERT_EQUAL(defrag_stats(d)->bad_fragments, 1);
	CU_ASSERT_EQUAL(defrag_stats(d)->too_big, 1);

	/* The largest legal datagram (65535 total) reassembles. */
	CU_ASSERT_EQUAL(feed4(d, big, 3, 0, 32768, 1, 1, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, big, 3, 32768, 65515 - 32768, 0, 1, &out,
	    &outlen), 1);
	CU_ASSERT_EQUAL(outlen, 65535);
	CU_ASSERT_EQUAL(cksum(out, 20), 0);
	CU_ASSERT(memcmp(out + 20, big, 65515) == 0);
	defrag_free(d);
}

/*
 * Two datagrams of the largest size, each in 128 fragments (the most the
 * worker allows), interleaved: both reassemble at the smallest memcap the
 * configuration takes.
 */
static void
test_largest_at_min_memcap(void)
{
	static uint8_t big[2][65515];
	struct defrag *d = mk(DEFRAG_MIN_MEMCAP, 128, 0);
	const uint8_t *out;
	uint32_t outlen;
	uint16_t off;
	int k, r, done = 0;

	make_udp(big[0], sizeof(big[0]), 1);
	make_udp(big[1], sizeof(big[1]), 2);
	for (off = 0; off < 127 * 512; off += 512)
		for (k = 0; k < 2; k++)
			CU_ASSERT_EQUAL(feed4(d, big[k], (uint16_t)(20 + k), off,
			    512, 1, 1, &out, &outlen), 0);
	for (k = 0; k < 2; k++) {
		r = feed4(d, big[k], (uint16_t)(20 + k), 127 * 512,
		    65515 - 127 * 512, 0, 1, &out, &outlen);
		CU_ASSERT_EQUAL(r, 1);
		if (r == 1 && outlen == 65535 &&
		    memcmp(out + 20, big[k], sizeof(big[k])) == 0)
			done++;
	}
	CU_ASSERT_EQUAL(done, 2);
	CU_ASSERT_EQUAL(defrag_stats(d)->memcap_evictions, 0);
	CU_ASSERT_EQUAL(defrag_stats(d)->memcap_drops, 0);
	defrag_free(d);
}

static void
test_bad_fragments(void)
{
	struct defrag *d = mk(0, 0, 0);
	uint8_t pl[DGLEN + 8], b[20 + DGLEN];	/* + 8: the overlong one */
	const uint8_t *out;
	uint32_t outlen;
	size_t n;

	make_udp(pl, DGLEN, 2);
	/* More fragments set but a length that is not a multiple of 8. */
	CU_ASSERT_EQUAL(feed4(d, pl, 1, 0, 84, 1, 1, &out, &outlen), -1);
	CU_ASSERT_EQUAL(defrag_stats(d)->bad_fragments, 1);

	/* Cut by the snap length: cannot be reassembled. */
	n = ip4_frag(b, 1, 17, pl, 0, 80, 1);
	CU_ASSERT_EQUAL(feed_frame(d, LINK_RAW, b, n, n - 10, 1, &out,
	    &outlen), -1);
	CU_ASSERT_EQUAL(defrag_stats(d)->bad_fragments, 2);

	/* First wins for the end too: a second, different last fragment and
	 * a fragment past the known end are bad. */
	CU_ASSERT_EQUAL(feed4(d, pl, 1, 160, 40, 0, 1, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 1, 160, 32, 0, 1, &out, &outlen), -1);
	CU_ASSERT_EQUAL(feed4(d, pl, 1, 160, 48, 1, 1, &out, &outlen), -1);
	CU_ASSERT_EQUAL(defrag_stats(d)->bad_fragments, 4);
	CU_ASSERT_EQUAL(defrag_pending(d), 1);
	CU_ASSERT_EQUAL(defrag_stats(d)->fragments, 5);
	defrag_free(d);
}

/* Same addresses and id on two VLANs (Ethernet + 802.1Q) never mix. */
static void
test_vlan_in_key(void)
{
	struct defrag *d = mk(0, 0, 0);
	uint8_t pl[DGLEN], f[18 + 20 + DGLEN];
	const uint8_t *out;
	uint32_t outlen;
	size_t n;
	static const int vlans[4] = { 10, 10, 20, 10 };
	static const uint16_t offs[4] = { 0, 80, 160, 160 };
	static const uint16_t lens[4] = { 80, 80, 40, 40 };
	static const int want[4] = { 0, 0, 0, 1 };
	int i;

	make_udp(pl, sizeof(pl), 7);
	memset(f, 0, 12);
	f[12] = 0x81;
	f[13] = 0x00;
	f[16] = 0x08;
	f[17] = 0x00;
	for (i = 0; i < 4; i++) {
		f[14] = 0;
		f[15] = (uint8_t)vlans[i];
		n = 18 + ip4_frag(f + 18, 77, 17, pl, offs[i], lens[i],
		    offs[i] != 160);
		CU_ASSERT_EQUAL(feed_frame(d, LINK_EN10MB, f, n, n, 1, &out,
		    &outlen), want[i]);
	}
	check_v4(out, outlen, pl);
	CU_ASSERT_EQUAL(defrag_pending(d), 1);	/* the VLAN 20 one */
	defrag_free(d);
}

/* IPv4 key includes the protocol (RFC 791). */
static void
test_proto_in_key(void)
{
	struct defrag *d = mk(0, 0, 0);
	uint8_t pl[DGLEN], b[20 + DGLEN];
	const uint8_t *out;
	uint32_t outlen;
	size_t n;

	make_udp(pl, sizeof(pl), 7);
	CU_ASSERT_EQUAL(feed4(d, pl, 8, 0, 160, 1, 1, &out, &outlen), 0);
	n = ip4_frag(b, 8, 6, pl, 160, 40, 0);
	CU_ASSERT_EQUAL(feed_frame(d, LINK_RAW, b, n, n, 1, &out, &outlen), 0);
	CU_ASSERT_EQUAL(defrag_pending(d), 2);
	CU_ASSERT_EQUAL(feed4(d, pl, 8, 160, 40, 0, 1, &out, &outlen), 1);
	check_v4(out, outlen, pl);
	defrag_free(d);
}

static void
test_ipv6_dstopts(void)
{
	struct defrag *d = mk(0, 0, 0);
	uint8_t pl[DGLEN];
	const uint8_t *out;
	uint32_t outlen;

	make_udp(pl, sizeof(pl), 9);
	CU_ASSERT_EQUAL(feed6(d, pl, 0xdeadbeef, 96, 104, 0, 1, &out, &outlen),
	    0);
	CU_ASSERT_EQUAL(feed6(d, pl, 0xdeadbeef, 0, 96, 1, 1, &out, &outlen),
	    1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	/* 40 + destination options (8) + the UDP datagram, no frag header. */
	CU_ASSERT_EQUAL_FATAL(outlen, 40 + 8 + DGLEN);
	CU_ASSERT_EQUAL(out[4] << 8 | out[5], 8 + DGLEN);
	CU_ASSERT_EQUAL(out[6], 60);		/* still dest options */
	CU_ASSERT_EQUAL(out[40], 17);		/* was 44, now UDP */
	CU_ASSERT_EQUAL(out[41], 0);
	CU_ASSERT(memcmp(out + 48, pl, DGLEN) == 0);
	check_decodes(out, outlen, 6);
	CU_ASSERT_EQUAL(defrag_memory(d), 0);
	defrag_free(d);
}

static void
test_ipv6_plain(void)
{
	struct defrag *d = mk(0, 0, 0);
	uint8_t pl[DGLEN];
	const uint8_t *out;
	uint32_t outlen;

	make_udp(pl, sizeof(pl), 10);
	CU_ASSERT_EQUAL(feed6(d, pl, 1, 0, 64, 1, 0, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed6(d, pl, 1, 128, 72, 0, 0, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed6(d, pl, 1, 64, 64, 1, 0, &out, &outlen), 1);
	CU_ASSERT_EQUAL_FATAL(outlen, 40 + DGLEN);
	CU_ASSERT_EQUAL(out[4] << 8 | out[5], DGLEN);
	CU_ASSERT_EQUAL(out[6], 17);
	CU_ASSERT(memcmp(out + 40, pl, DGLEN) == 0);
	check_decodes(out, outlen, 6);
	defrag_free(d);
}

/*
 * malloc wrapper (ld --wrap=malloc, Makefile.am): once armed, fails the
 * malloc calls numbered fail_at (1 = the next one).
 */
void	*__real_malloc(size_t n);
void	*__wrap_malloc(size_t n);
static unsigned fail_at;

void *
__wrap_malloc(size_t n)
{
	if (fail_at > 0 && --fail_at == 0)
		return NULL;
	return __real_malloc(n);
}

/*
 * Memory accounting when an allocation fails (audit, review 3.8): nothing
 * is counted for what was not allocated, the fragment is a memcap drop,
 * and the datagram still completes from the fragments that follow.
 */
static void
test_alloc_failure(void)
{
	struct defrag *d = mk(0, 0, 0);
	uint8_t pl[DGLEN];
	const uint8_t *out = NULL;
	uint32_t outlen = 0;
	size_t held;

	make_udp(pl, sizeof(pl), 9);
	CU_ASSERT_EQUAL(feed4(d, pl, 11, 80, 80, 1, 1000, &out, &outlen), 0);
	held = defrag_memory(d);
	/* The first fragment: its saved header's malloc fails. */
	fail_at = 1;
	CU_ASSERT_EQUAL(feed4(d, pl, 11, 0, 80, 1, 1000, &out, &outlen), -1);
	CU_ASSERT_EQUAL(fail_at, 0);
	CU_ASSERT_EQUAL(defrag_memory(d), held);
	CU_ASSERT_EQUAL(defrag_stats(d)->memcap_drops, 1);
	/* The last fragment: its piece's malloc fails. */
	fail_at = 1;
	CU_ASSERT_EQUAL(feed4(d, pl, 11, 160, 40, 0, 1000, &out, &outlen), -1);
	CU_ASSERT_EQUAL(defrag_memory(d), held);
	CU_ASSERT_EQUAL(defrag_stats(d)->memcap_drops, 2);
	/* Sent again, they complete it and everything is given back. */
	CU_ASSERT_EQUAL(feed4(d, pl, 11, 0, 80, 1, 1000, &out, &outlen), 0);
	CU_ASSERT_EQUAL(feed4(d, pl, 11, 160, 40, 0, 1000, &out, &outlen), 1);
	check_v4(out, outlen, pl);
	CU_ASSERT_EQUAL(defrag_memory(d), 0);
	/* A new datagram whose first piece cannot be allocated: its tracker
	 * stays, counted, until it times out. */
	fail_at = 1;
	CU_ASSERT_EQUAL(feed4(d, pl, 12, 80, 80, 1, 1000, &out, &outlen), -1);
	CU_ASSERT_EQUAL(defrag_pending(d), 1);
	CU_ASSERT(defrag_memory(d) > 0);
	defrag_expire(d, 1000 + TIMEOUT_US);
	CU_ASSERT_EQUAL(defrag_memory(d), 0);
	CU_ASSERT_EQUAL(defrag_pending(d), 0);
	defrag_free(d);
}

UNIT_MAIN("defrag",
    { "IPv4 in order", test_in_order },
    { "IPv4 out of order", test_out_of_order },
    { "IPv4 reverse order", test_reverse_order },
    { "duplicate fragment", test_duplicate },
    { "overlap with the same bytes", test_overlap_same_bytes },
    { "overlap with different bytes: first wins",
	test_overlap_different_bytes },
    { "missing last fragment times out", test_missing_last_times_out },
    { "feed expires stale datagrams", test_feed_expires },
    { "memcap eviction and drop", test_memcap_eviction },
    { "max datagrams: oldest evicted", test_tables_full },
    { "max fragments per datagram", test_too_many_fragments },
    { "too big datagram", test_too_big },
    { "two largest datagrams at the smallest memcap",
	test_largest_at_min_memcap },
    { "bad fragments", test_bad_fragments },
    { "VLAN is part of the key", test_vlan_in_key },
    { "IPv4 protocol is part of the key", test_proto_in_key },
    { "IPv6 with destination options before the fragment header",
	test_ipv6_dstopts },
    { "IPv6 out of order", test_ipv6_plain },
    { "allocation failure accounting", test_alloc_failure })
