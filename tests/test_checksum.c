/*
 * test_checksum.c - TCP/UDP checksum verdicts (good, offloaded with and
 * without the length in the pseudo-header, TCP 0, bad, not verifiable: snap
 * length, IPv4 UDP without checksum, source routes, fragments; IPv6 UDP 0
 * is bad), a reassembled datagram verified after defragmentation, the
 * three policies of csum_admit (no, auto, yes) including the rewritten
 * trace whose bad SYN is answered, and the flow table dropping what the
 * policy refuses (nothing created, split or updated; counted).
 * Packets are raw IPv4/IPv6 (LINK_RAW) decoded with decode_packet(); the
 * test computes checksums with its own plain RFC 1071 loop.
 */
#include <string.h>

#include "checksum.h"
#include "decode.h"
#include "defrag.h"
#include "flow.h"
#include "unit.h"

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10

static const struct decode_opts dopts = { 8, 0 };
static struct decode_stats dstats;
static uint8_t frame[256];

static const uint8_t A4[4] = { 192, 0, 2, 10 }, B4[4] = { 198, 51, 100, 21 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, [15] = 0x10 },
    B6[16] = { 0x20, 0x01, 0x0d, 0xb8, 2, [15] = 0x21 };

/* The test's own one's-complement sum (RFC 1071), folded. */
static uint32_t
sum16(const uint8_t *b, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i < n; i++)
		s += i % 2 ? b[i] : (uint32_t)b[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* Pseudo-header sum for an IPv4 or IPv6 packet in frame. */
static uint32_t
pseudo(int v6, uint8_t proto, uint32_t len)
{
	uint8_t t[8] = { 0 };

	t[0] = (uint8_t)(len >> 24);
	t[1] = (uint8_t)(len >> 16);
	t[2] = (uint8_t)(len >> 8);
	t[3] = (uint8_t)len;
	t[7] = proto;
	return sum16(t, 8, v6 ? sum16(frame + 8, 32, 0) : sum16(frame + 12, 8, 0));
}

enum fill { GOOD, BAD, OFFLOAD, OFFLOAD_NOLEN, ZERO };

/*
 * Builds IPv4 (hlen 20 + opt bytes of options) or IPv6 + TCP (20) or UDP
 * (8) + plen payload bytes in frame, its checksum filled as asked; returns
 * the length.
 */
static size_t
build(int v6, uint8_t proto, size_t opt, size_t plen, uint8_t flags,
    enum fill fill)
{
	size_t ih = v6 ? 40 : 20 + opt, th = proto == 6 ? 20 : 8;
	size_t n = ih + th + plen, at = ih + (proto == 6 ? 16 : 6);
	uint8_t *l4 = frame + ih;
	uint32_t s;

	memset(frame, 0, sizeof(frame));
	if (v6) {
		frame[0] = 0x60;
		frame[4] = (uint8_t)((n - 40) >> 8);
		frame[5] = (uint8_t)(n - 40);
		frame[6] = proto;
		frame[7] = 64;
		memcpy(frame + 8, A6, 16);
		memcpy(frame + 24, B6, 16);
	} else {
		frame[0] = (uint8_t)(0x40 | (ih / 4));
		frame[2] = (uint8_t)(n >> 8);
		frame[3] = (uint8_t)n;
		frame[8] = 64;
		frame[9] = proto;
		memcpy(frame + 12, A4, 4);
		memcpy(frame + 16, B4, 4);
		memset(frame + 20, 1, opt);	/* NOPs */
	}
	l4[0] = 0x9c;				/* ports 40000 -> 21 */
	l4[1] = 0x40;
	l4[3] = 21;
	if (proto == 6) {
		l4[4] = 0x11;			/* sequence 0x11223344 */
		l4[5] = 0x22;
		l4[6] = 0x33;
		l4[7] = 0x44;
		l4[12] = 0x50;
		l4[13] = flags;
		l4[15] = 0xff;
	} else {
		l4[4] = (uint8_t)((th + plen) >> 8);
		l4[5] = (uint8_t)(th + plen);
	}
	memset(l4 + th, 'p', plen);
	s = pseudo(v6, proto, (uint32_t)(th + plen));
	switch (fill) {
	case GOOD:
	case BAD:
		s = ~sum16(l4, th + plen, s) & 0xffff;
		if (fill == BAD)
			s ^= 0x0101;
		break;
	case OFFLOAD:
		break;
	case OFFLOAD_NOLEN:
		s = pseudo(v6, proto, 0);
		break;
	case ZERO:
		s = 0;
		break;
	}
	frame[at] = (uint8_t)(s >> 8);
	frame[at + 1] = (uint8_t)s;
	return n;
}

static enum csum_verdict
verdict_of(size_t n, uint32_t caplen)
{
	struct pkt p;

	CU_ASSERT_EQUAL_FATAL(decode_packet(&dopts, &dstats, &p, LINK_RAW,
	    frame, caplen, (uint32_t)n, 0), 0);
	return csum_verdict(&p);
}

#define V(n)	verdict_of((n), (uint32_t)(n))

static void
test_fold(void)
{
	/* RFC 1071 section 3's example: 00 01 f2 03 f4 f5 f6 f7 -> ddf2. */
	static const uint8_t ex[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
	    0xf6, 0xf7 };

	CU_ASSERT_EQUAL(csum_fold(ex, sizeof(ex), 0), 0xddf2);
	CU_ASSERT_EQUAL(csum_fold(ex, 3, 0), 0xf201);	/* odd: padded */
	CU_ASSERT_EQUAL(csum_fold(NULL, 0, 0x1234), 0x1234);
}

static void
test_verdicts(void)
{
	size_t n;

	CU_ASSERT_EQUAL(V(build(0, 6, 0, 11, TH_ACK, GOOD)), CSUM_OK);
	CU_ASSERT_EQUAL(V(build(0, 6, 0, 11, TH_ACK, BAD)), CSUM_BAD);
	CU_ASSERT_EQUAL(V(build(0, 6, 0, 11, TH_ACK, OFFLOAD)), CSUM_OFFLOAD);
	CU_ASSERT_EQUAL(V(build(0, 6, 0, 11, TH_ACK, OFFLOAD_NOLEN)),
	    CSUM_OFFLOAD);
	CU_ASSERT_EQUAL(V(build(0, 6, 0, 11, TH_ACK, ZERO)), CSUM_OFFLOAD);
	CU_ASSERT_EQUAL(V(build(0, 17, 0, 10, 0, GOOD)), CSUM_OK);
	CU_ASSERT_EQUAL(V(build(0, 17, 0, 10, 0, BAD)), CSUM_BAD);
	CU_ASSERT_EQUAL(V(build(0, 17, 0, 10, 0, OFFLOAD)), CSUM_OFFLOAD);
	/* IPv4 UDP 0: no checksum sent.  IPv6 UDP 0: dropped by hosts. */
	CU_ASSERT_EQUAL(V(build(0, 17, 0, 10, 0, ZERO)), CSUM_UNCHECKED);
	CU_ASSERT_EQUAL(V(build(1, 17, 0, 10, 0, ZERO)), CSUM_BAD);
	CU_ASSERT_EQUAL(V(build(1, 17, 0, 10, 0, GOOD)), CSUM_OK);
	CU_ASSERT_EQUAL(V(build(1, 6, 0, 33, TH_ACK, GOOD)), CSUM_OK);
	CU_ASSERT_EQUAL(V(build(1, 6, 0, 33, TH_ACK, BAD)), CSUM_BAD);
	CU_ASSERT_EQUAL(V(build(1, 6, 0, 33, TH_ACK, OFFLOAD)), CSUM_OFFLOAD);
	/* Odd payload lengths, and IPv4 options (NOPs) before TCP. */
	CU_ASSERT_EQUAL(V(build(0, 6, 8, 1, TH_ACK, GOOD)), CSUM_OK);
	CU_ASSERT_EQUAL(V(build(0, 6, 8, 0, TH_SYN, GOOD)), CSUM_OK);
	/* Cut by the snap length: not verifiable. */
	n = build(0, 6, 0, 40, TH_ACK, GOOD);
	CU_ASSERT_EQUAL(verdict_of(n, (uint32_t)n - 10), CSUM_UNCHECKED);
	n = build(0, 6, 0, 40, TH_ACK, BAD);
	CU_ASSERT_EQUAL(verdict_of(n, (uint32_t)n - 10), CSUM_UNCHECKED);
}

/* Source routes change the pseudo-header's destination: not verified. */
static void
test_source_routes(void)
{
	size_t n;

	/* IPv4 LSRR option (131, length 7, pointer 4, one address). */
	n = build(0, 6, 8, 5, TH_ACK, BAD);
	frame[20] = 131;
	frame[21] = 7;
	frame[22] = 4;
	CU_ASSERT_EQUAL(V(n), CSUM_UNCHECKED);
	/* IPv6 routing header with segments left 1 (type 4, empty). */
	n = build(1, 6, 0, 5, TH_ACK, BAD);
	memmove(frame + 48, frame + 40, n - 40);
	memset(frame + 40, 0, 8);
	frame[40] = 6;			/* next header TCP */
	frame[42] = 4;			/* routing type */
	frame[43] = 1;			/* segments left */
	frame[6] = 43;
	frame[5] = (uint8_t)(frame[5] + 8);
	CU_ASSERT_EQUAL(V(n + 8), CSUM_UNCHECKED);
	/* Segments left 0: the destination is final, so it is verified. */
	frame[43] = 0;
	CU_ASSERT_EQUAL(V(n + 8), CSUM_BAD);
}

/*
 * A fragment is never verified (its data is partial); the datagram
 * reassembled from it is.
 */
static void
test_reassembled(void)
{
	static uint8_t f1[128], f2[128];
	struct defrag *d;
	struct pkt p;
	const uint8_t *whole;
	uint32_t wlen;
	char err[64];
	size_t n, i;

	for (i = 0; i < 2; i++) {
		n = build(0, 17, 0, 32, 0, i == 0 ? GOOD : BAD);	/* 60 */
		/* Fragment 1: header + 24 bytes of UDP, MF; 2: the rest. */
		memcpy(f1, frame, 44);
		f1[3] = 44;
		f1[6] = 0x20;
		memcpy(f2, frame, 20);
		memcpy(f2 + 20, frame + 44, n - 44);
		f2[3] = (uint8_t)(20 + n - 44);
		f2[7] = 3;			/* offset 24 bytes */
		d = defrag_new(NULL, err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		CU_ASSERT_EQUAL(decode_packet(&dopts, &dstats, &p, LINK_RAW, f1,
		    44, 44, 0), 0);
		CU_ASSERT(p.is_fragment);
		CU_ASSERT_EQUAL(csum_verdict(&p), CSUM_UNCHECKED);
		CU_ASSERT_EQUAL(defrag_feed(d, &p, &whole, &wlen), 0);
		CU_ASSERT_EQUAL(decode_packet(&dopts, &dstats, &p, LINK_RAW, f2,
		    (uint32_t)(n - 24), (uint32_t)(n - 24), 0), 0);
		CU_ASSERT_EQUAL(csum_verdict(&p), CSUM_UNCHECKED);
		CU_ASSERT_EQUAL_FATAL(defrag_feed(d, &p, &whole, &wlen), 1);
		CU_ASSERT_EQUAL(decode_ip_datagram(&dopts, &dstats, &p, whole,
		    wlen), 0);
		CU_ASSERT_EQUAL(csum_verdict(&p), i == 0 ? CSUM_OK : CSUM_BAD);
		defrag_free(d);
	}
}

/* Decodes what build() left in frame into p. */
static void
decode_frame(struct pkt *p, size_t n)
{
	CU_ASSERT_EQUAL_FATAL(decode_packet(&dopts, &dstats, p, LINK_RAW,
	    frame, (uint32_t)n, (uint32_t)n, 0), 0);
}

/* Sets the TCP acknowledgement number of the IPv4 packet in frame. */
static void
set_ack(uint32_t ack)
{
	frame[28] = (uint8_t)(ack >> 24);
	frame[29] = (uint8_t)(ack >> 16);
	frame[30] = (uint8_t)(ack >> 8);
	frame[31] = (uint8_t)ack;
}

static int
admit(enum csum_mode m, struct csum_flow *cf, size_t n,
    struct csum_stats *st)
{
	struct pkt p;

	decode_frame(&p, n);
	return csum_admit(m, cf, &p, csum_verdict(&p), st);
}

static void
test_policy(void)
{
	struct csum_stats st;
	struct csum_flow cf;

	memset(&st, 0, sizeof(st));
	memset(&cf, 0, sizeof(cf));
	/* no: everything.  (admit() decodes what build() just wrote.) */
	CU_ASSERT(admit(CSUM_MODE_NO, &cf, build(0, 6, 0, 5, TH_ACK, BAD), &st));
	/* yes: only good or unverifiable. */
	CU_ASSERT(admit(CSUM_MODE_YES, &cf, build(0, 6, 0, 5, TH_ACK, GOOD),
	    &st));
	CU_ASSERT_FALSE(admit(CSUM_MODE_YES, &cf,
	    build(0, 6, 0, 5, TH_ACK, OFFLOAD), &st));
	CU_ASSERT_FALSE(admit(CSUM_MODE_YES, &cf, build(0, 17, 0, 5, 0, BAD),
	    &st));
	CU_ASSERT_EQUAL(st.tcp_bad, 1);
	CU_ASSERT_EQUAL(st.udp_bad, 1);
	/* auto: offloaded taken (counted), bad data dropped. */
	memset(&st, 0, sizeof(st));
	CU_ASSERT(admit(CSUM_MODE_AUTO, &cf,
	    build(0, 6, 0, 5, TH_ACK, OFFLOAD), &st));
	CU_ASSERT(admit(CSUM_MODE_AUTO, &cf, build(0, 17, 0, 5, 0, OFFLOAD),
	    &st));
	CU_ASSERT_EQUAL(st.offload, 2);
	CU_ASSERT_FALSE(admit(CSUM_MODE_AUTO, &cf,
	    build(0, 6, 0, 5, TH_PSH | TH_ACK, BAD), &st));
	CU_ASSERT_FALSE(admit(CSUM_MODE_AUTO, &cf,
	    build(0, 6, 0, 0, TH_RST, BAD), &st));
	CU_ASSERT_FALSE(admit(CSUM_MODE_AUTO, &cf,
	    build(0, 6, 0, 0, TH_FIN | TH_ACK, BAD), &st));
	CU_ASSERT_FALSE(admit(CSUM_MODE_AUTO, &cf, build(0, 17, 0, 5, 0, BAD),
	    &st));
	CU_ASSERT_EQUAL(st.tcp_bad, 3);
	CU_ASSERT_EQUAL(st.udp_bad, 1);
}

/*
 * auto on a rewritten trace: the bad SYN is taken provisionally, its bad
 * SYN-ACK answer (ack = SYN + 1) shows the capture is not the wire, and
 * from then on the flow is not verified.  A good SYN or SYN-ACK, or an
 * answer to another sequence number, proves nothing of the kind.
 */
static void
test_policy_rewritten(void)
{
	struct csum_stats st;
	struct csum_flow cf;
	size_t n;

	memset(&st, 0, sizeof(st));
	memset(&cf, 0, sizeof(cf));
	CU_ASSERT(admit(CSUM_MODE_AUTO, &cf, build(0, 6, 0, 0, TH_SYN, BAD),
	    &st));
	/* Data before the answer: still dropped. */
	CU_ASSERT_FALSE(admit(CSUM_MODE_AUTO, &cf,
	    build(0, 6, 0, 5, TH_ACK, BAD), &st));
	/* A SYN-ACK answering another sequence number. */
	n = build(0, 6, 0, 0, TH_SYN | TH_ACK, BAD);
	set_ack(0x11223300);
	CU_ASSERT(admit(CSUM_MODE_AUTO, &cf, n, &st));
	CU_ASSERT_EQUAL(st.unreliable, 0);
	/* The answer: SYN-ACK acknowledging 0x11223344 + 1. */
	n = build(0, 6, 0, 0, TH_SYN | TH_ACK, BAD);
	set_ack(0x11223345);
	CU_ASSERT(admit(CSUM_MODE_AUTO, &cf, n, &st));
	CU_ASSERT_EQUAL(st.unreliable, 1);
	CU_ASSERT(admit(CSUM_MODE_AUTO, &cf, build(0, 6, 0, 5, TH_ACK, BAD),
	    &st));
	CU_ASSERT(admit(CSUM_MODE_AUTO, &cf, build(0, 6, 0, 0, TH_RST, BAD),
	    &st));
	CU_ASSERT_EQUAL(st.tcp_bad, 1);
	/* yes does not care. */
	CU_ASSERT_FALSE(admit(CSUM_MODE_YES, &cf,
	    build(0, 6, 0, 5, TH_ACK, BAD), &st));

	/* A good SYN first: a bad SYN-ACK is dropped, never provisional. */
	memset(&cf, 0, sizeof(cf));
	memset(&st, 0, sizeof(st));
	CU_ASSERT(admit(CSUM_MODE_AUTO, &cf, build(0, 6, 0, 0, TH_SYN, GOOD),
	    &st));
	CU_ASSERT(admit(CSUM_MODE_AUTO, &cf, build(0, 6, 0, 0, TH_SYN, BAD),
	    &st) == 0);
	n = build(0, 6, 0, 0, TH_SYN | TH_ACK, BAD);
	set_ack(0x11223345);
	CU_ASSERT_FALSE(admit(CSUM_MODE_AUTO, &cf, n, &st));
	CU_ASSERT_EQUAL(st.unreliable, 0);
	CU_ASSERT_EQUAL(st.tcp_bad, 2);
	/* A bad SYN carrying data (Fast Open) is not provisional. */
	memset(&cf, 0, sizeof(cf));
	CU_ASSERT_FALSE(admit(CSUM_MODE_AUTO, &cf,
	    build(0, 6, 0, 5, TH_SYN, BAD), &st));
}

/*
 * The flow table applies the policy before anything else: a dropped
 * packet creates no flow, does not update one, and a bad-checksum SYN
 * does not end a closed flow (port reuse).  A flow nothing reads any more
 * has only its SYN, FIN and RST segments verified.
 */
static void
test_flow_table(void)
{
	struct flow_table_opts o;
	struct flow_table *t;
	struct flow *f;
	struct pkt p;
	int dir;

	memset(&o, 0, sizeof(o));
	o.hash_size = 64;
	o.memcap = 1 << 20;
	o.timeout_us[FC_TCP_OPEN] = o.timeout_us[FC_TCP_CLOSED] = 1000000;
	o.checksum = CSUM_MODE_AUTO;
	t = flow_table_new(&o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	decode_frame(&p, build(0, 6, 0, 5, TH_ACK, BAD));
	CU_ASSERT_PTR_NULL(flow_lookup(t, &p, &dir));
	CU_ASSERT_EQUAL(flow_table_stats(t)->created, 0);
	CU_ASSERT_EQUAL(flow_table_stats(t)->csum.tcp_bad, 1);
	decode_frame(&p, build(0, 6, 0, 0, TH_SYN, GOOD));
	f = flow_lookup(t, &p, &dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	flow_update(t, f, &p, dir);
	decode_frame(&p, build(0, 6, 0, 0, TH_RST, GOOD));
	CU_ASSERT_PTR_EQUAL(flow_lookup(t, &p, &dir), f);
	flow_update(t, f, &p, dir);
	/* A forged SYN with another ISN and a bad checksum: not a new flow. */
	decode_frame(&p, build(0, 6, 0, 0, TH_SYN, BAD));
	frame[24] = 0x99;
	decode_frame(&p, 40);
	CU_ASSERT_PTR_NULL(flow_lookup(t, &p, &dir));
	CU_ASSERT_EQUAL(flow_table_stats(t)->tcp_reused, 0);
	CU_ASSERT_EQUAL(flow_table_stats(t)->active, 1);
	CU_ASSERT_EQUAL(f->pkts[0] + f->pkts[1], 2);
	/* Once nDPI and the dissector are done with a session, data is not
	 * verified (nothing reads it), state changes still are. */
	f->dpi_done = 1;
	f->dis_done = 1;
	f->session = 1;
	decode_frame(&p, build(0, 6, 0, 5, TH_ACK, BAD));
	CU_ASSERT_PTR_EQUAL(flow_lookup(t, &p, &dir), f);
	decode_frame(&p, build(0, 6, 0, 0, TH_FIN | TH_ACK, BAD));
	CU_ASSERT_PTR_NULL(flow_lookup(t, &p, &dir));
	CU_ASSERT_EQUAL(flow_table_stats(t)->csum.tcp_bad, 3);
	flow_table_free(t);
}

UNIT_MAIN("checksum",
	{ "RFC 1071 sum", test_fold },
	{ "verdicts", test_verdicts },
	{ "source routes", test_source_routes },
	{ "fragments and reassembled datagrams", test_reassembled },
	{ "policy no, yes, auto", test_policy },
	{ "auto and rewritten traces", test_policy_rewritten },
	{ "flow table drops before anything", test_flow_table })
