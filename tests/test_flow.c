/*
 * test_flow.c - the flow table: canonical keys (both directions, VLAN,
 * IPv6), who the client is (SYN sender, SYN-ACK receiver, port heuristic,
 * ICMP replies), idle expiry per timeout class in first_seq order, memcap
 * eviction of the least recently seen flow with the busy flow spared, the
 * active timeout, and the symmetric pair hash.  Packets are built as raw
 * IP (LINK_RAW) or Ethernet frames and decoded with decode_packet().
 *
 * Re-entrancy: end callbacks that charge memory (as a finding's GeoIP
 * record does) during eviction, expiry and table teardown must never end a
 * flow twice or recurse; memory stays balanced when allocations fail
 * (calloc is wrapped, see Makefile.am: tests_test_flow_LDFLAGS).
 */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "dissector.h"	/* DIR_TO_SERVER, DIR_TO_CLIENT */
#include "flow.h"
#include "unit.h"

#define SEC		1000000ull
#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_RST		0x04
#define TH_ACK		0x10

static const struct decode_opts dopts = { 8, 0 };
static struct decode_stats dstats;

static const uint8_t A4[4] = { 10, 0, 0, 1 }, B4[4] = { 10, 0, 0, 2 },
    C4[4] = { 10, 0, 0, 3 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
    B6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* Frame buffers live as long as the pkt that points into them. */
static uint8_t frame[256];

/* Transport header: TCP (20 bytes), UDP (8) or ICMP (8); returns length. */
static size_t
l4(uint8_t *b, uint8_t proto, uint16_t sport, uint16_t dport, uint8_t flags)
{
	memset(b, 0, 20);
	if (proto == 1 || proto == 58) {
		b[0] = (uint8_t)sport;		/* type */
		b[1] = (uint8_t)dport;		/* code */
		return 8;
	}
	b[0] = (uint8_t)(sport >> 8);
	b[1] = (uint8_t)sport;
	b[2] = (uint8_t)(dport >> 8);
	b[3] = (uint8_t)dport;
	if (proto == 17) {
		b[5] = 8;			/* UDP length */
		return 8;
	}
	b[4] = 0x01;				/* sequence number */
	b[12] = 0x50;				/* data offset 5 */
	b[13] = flags;
	b[15] = 0xff;				/* window */
	return 20;
}

/* IPv4 header + transport at b; returns total length. */
static size_t
ip4(uint8_t *b, const uint8_t *src, const uint8_t *dst, uint8_t proto,
    uint16_t sport, uint16_t dport, uint8_t flags)
{
	size_t n = l4(b + 20, proto, sport, dport, flags) + 20;

	memset(b, 0, 20);
	b[0] = 0x45;
	b[3] = (uint8_t)n;
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	return n;
}

static size_t
ip6(uint8_t *b, const uint8_t *src, const uint8_t *dst, uint8_t proto,
    uint16_t sport, uint16_t dport, uint8_t flags)
{
	size_t n = l4(b + 40, proto, sport, dport, flags);

	memset(b, 0, 40);
	b[0] = 0x60;
	b[5] = (uint8_t)n;
	b[6] = proto;
	b[7] = 64;
	memcpy(b + 8, src, 16);
	memcpy(b + 24, dst, 16);
	return n + 40;
}

/* Decodes a raw IPv4 or IPv6 packet into p. */
static void
pkt_ip(struct pkt *p, int family, uint64_t seq, uint64_t ts,
    const uint8_t *src, const uint8_t *dst, uint8_t proto, uint16_t sport,
    uint16_t dport, uint8_t flags)
{
	size_t n = family == 6 ?
	    ip6(frame, src, dst, proto, sport, dport, flags) :
	    ip4(frame, src, dst, proto, sport, dport, flags);

	CU_ASSERT_EQUAL_FATAL(decode_packet(&dopts, &dstats, p, LINK_RAW,
	    frame, (uint32_t)n, (uint32_t)n, ts), 0);
	p->seq = seq;
}

#define pkt4(p, ...)	pkt_ip(p, 4, __VA_ARGS__)
#define pkt6(p, ...)	pkt_ip(p, 6, __VA_ARGS__)

/* An IPv4 TCP segment with sequence number tseq and plen payload bytes. */
static void
pkt4_seg(struct pkt *p, uint64_t seq, const uint8_t *src, const uint8_t *dst,
    uint16_t sport, uint16_t dport, uint8_t flags, uint32_t tseq, size_t plen)
{
	size_t n = ip4(frame, src, dst, 6, sport, dport, flags);

	frame[24] = (uint8_t)(tseq >> 24);
	frame[25] = (uint8_t)(tseq >> 16);
	frame[26] = (uint8_t)(tseq >> 8);
	frame[27] = (uint8_t)tseq;
	memset(frame + n, 'x', plen);
	n += plen;
	frame[2] = (uint8_t)(n >> 8);
	frame[3] = (uint8_t)n;
	CU_ASSERT_EQUAL_FATAL(decode_packet(&dopts, &dstats, p, LINK_RAW,
	    frame, (uint32_t)n, (uint32_t)n, seq * SEC), 0);
	p->seq = seq;
}

/* Ethernet + 802.1Q tag + IPv4 TCP. */
static void
pkt4_vlan(struct pkt *p, uint64_t seq, uint16_t vid, const uint8_t *src,
    const uint8_t *dst, uint16_t sport, uint16_t dport)
{
	size_t n;

	memset(frame, 0, 18);
	frame[12] = 0x81;			/* TPID 0x8100 */
	frame[14] = (uint8_t)(vid >> 8);
	frame[15] = (uint8_t)vid;
	frame[16] = 0x08;			/* IPv4 */
	n = 18 + ip4(frame + 18, src, dst, 6, sport, dport, TH_ACK);
	CU_ASSERT_EQUAL_FATAL(decode_packet(&dopts, &dstats, p, LINK_EN10MB,
	    frame, (uint32_t)n, (uint32_t)n, seq * SEC), 0);
	CU_ASSERT_EQUAL(p->vlan, vid);
	p->seq = seq;
}

/* End callback: records the first_seq of each ended flow. */
struct ended {
	uint64_t	seq[64];
	uint64_t	first_us[64];
	uint8_t		client_is_a[64];
	unsigned	n;
};

static void
on_end(void *arg, struct flow *f)
{
	struct ended *e = arg;

	if (e->n < 64) {
		e->seq[e->n] = f->first_seq;
		e->first_us[e->n] = f->first_us;
		e->client_is_a[e->n] = f->client_is_a;
		e->n++;
	}
}

static struct flow_table *
table_with(uint64_t memcap, uint64_t active_us, flow_end_fn end, void *arg)
{
	struct flow_table_opts o;

	memset(&o, 0, sizeof(o));
	o.hash_size = 64;
	o.memcap = memcap;
	o.timeout_us[FC_TCP_OPEN] = 100 * SEC;
	o.timeout_us[FC_TCP_CLOSED] = 10 * SEC;
	o.timeout_us[FC_UDP] = 30 * SEC;
	o.timeout_us[FC_OTHER] = 20 * SEC;
	o.active_timeout_us = active_us;
	o.end = end;
	o.end_arg = arg;
	return flow_table_new(&o);
}

static struct flow_table *
table(struct ended *e, uint64_t memcap, uint64_t active_us)
{
	memset(e, 0, sizeof(*e));
	return table_with(memcap, active_us, on_end, e);
}

/* Looks up and updates; returns the flow and its direction. */
static struct flow *
feed(struct flow_table *t, const struct pkt *p, int *dir)
{
	struct flow *f = flow_lookup(t, p, dir);

	if (f != NULL)
		flow_update(t, f, p, *dir);
	return f;
}

static void
test_both_directions(void)
{
	struct ended e;
	struct flow_table *t = table(&e, 1 << 20, 0);
	struct flow *f1, *f2;
	struct pkt p;
	int dir;

	/* Higher address sends first, so the canonical key swaps it. */
	pkt4(&p, 1, SEC, B4, A4, 6, 40000, 80, TH_SYN);
	f1 = feed(t, &p, &dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f1);
	CU_ASSERT_EQUAL(dir, DIR_TO_SERVER);
	pkt4(&p, 2, SEC, A4, B4, 6, 80, 40000, TH_SYN | TH_ACK);
	f2 = feed(t, &p, &dir);
	CU_ASSERT_PTR_EQUAL(f1, f2);
	CU_ASSERT_EQUAL(dir, DIR_TO_CLIENT);
	CU_ASSERT_EQUAL(memcmp(flow_client_addr(f1), B4, 4), 0);
	CU_ASSERT_EQUAL(memcmp(flow_server_addr(f1), A4, 4), 0);
	CU_ASSERT_EQUAL(flow_client_port(f1), 40000);
	CU_ASSERT_EQUAL(flow_server_port(f1), 80);
	CU_ASSERT_EQUAL(f1->pkts[DIR_TO_SERVER], 1);
	CU_ASSERT_EQUAL(f1->pkts[DIR_TO_CLIENT], 1);
	CU_ASSERT_EQUAL(f1->tcp_flags, FLOW_TCP_SYN | FLOW_TCP_SYNACK);
	/* Another port pair is another flow. */
	pkt4(&p, 3, SEC, B4, A4, 6, 40001, 80, TH_SYN);
	CU_ASSERT_PTR_NOT_EQUAL(feed(t, &p, &dir), f1);
	/* Same ports, other protocol: another flow. */
	pkt4(&p, 4, SEC, B4, A4, 17, 40000, 80, 0);
	CU_ASSERT_PTR_NOT_EQUAL(feed(t, &p, &dir), f1);
	CU_ASSERT_EQUAL(flow_table_stats(t)->created, 3);
	CU_ASSERT_EQUAL(flow_table_stats(t)->active, 3);
	flow_table_free(t);
	CU_ASSERT_EQUAL(e.n, 3);
}

static void
test_client_direction(void)
{
	struct ended e;
	struct flow_table *t = table(&e, 1 << 20, 0);
	struct flow *f;
	struct pkt p;
	int dir;

	/* First packet seen is the SYN-ACK from A:443: B is the client. */
	pkt4(&p, 1, SEC, A4, B4, 6, 443, 50000, TH_SYN | TH_ACK);
	f = feed(t, &p, &dir);
	CU_ASSERT_EQUAL(dir, DIR_TO_CLIENT);
	CU_ASSERT_EQUAL(memcmp(flow_client_addr(f), B4, 4), 0);
	CU_ASSERT_EQUAL(flow_client_port(f), 50000);
	pkt4(&p, 2, SEC, B4, A4, 6, 50000, 443, TH_ACK);
	CU_ASSERT_PTR_EQUAL(feed(t, &p, &dir), f);
	CU_ASSERT_EQUAL(dir, DIR_TO_SERVER);

	/* SYN from the high-port side to a high port: the SYN decides. */
	pkt4(&p, 3, SEC, B4, A4, 6, 1024, 60000, TH_SYN);
	f = feed(t, &p, &dir);
	CU_ASSERT_EQUAL(dir, DIR_TO_SERVER);
	CU_ASSERT_EQUAL(flow_client_port(f), 1024);

	/* Mid-stream TCP from the server's well-known port: the port
	 * heuristic makes the receiver the client. */
	pkt4(&p, 4, SEC, C4, A4, 6, 22, 41000, TH_ACK);
	f = feed(t, &p, &dir);
	CU_ASSERT_EQUAL(dir, DIR_TO_CLIENT);
	CU_ASSERT_EQUAL(memcmp(flow_client_addr(f), A4, 4), 0);
	CU_ASSERT_EQUAL(flow_server_port(f), 22);
	/* UDP the same way (DNS answer seen first). */
	pkt4(&p, 5, SEC, C4, B4, 17, 53, 33333, 0);
	f = feed(t, &p, &dir);
	CU_ASSERT_EQUAL(dir, DIR_TO_CLIENT);
	CU_ASSERT_EQUAL(flow_client_port(f), 33333);
	/* Both ports high: the first sender is the client. */
	pkt4(&p, 6, SEC, C4, B4, 17, 5000, 6000, 0);
	f = feed(t, &p, &dir);
	CU_ASSERT_EQUAL(dir, DIR_TO_SERVER);
	CU_ASSERT_EQUAL(memcmp(flow_client_addr(f), C4, 4), 0);
	/* Both ports low: the first sender too. */
	pkt4(&p, 7, SEC, C4, B4, 17, 500, 123, 0);
	f = feed(t, &p, &dir);
	CU_ASSERT_EQUAL(dir, DIR_TO_SERVER);
	flow_table_free(t);
}

static void
test_icmp(void)
{
	struct ended e;
	struct flow_table *t = table(&e, 1 << 20, 0);
	struct flow *f;
	struct pkt p;
	int dir;

	/* Echo reply (type 0) from A seen first: B, its receiver, asked. */
	pkt4(&p, 1, SEC, A4, B4, 1, 0, 0, 0);
	f = feed(t, &p, &dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(dir, DIR_TO_CLIENT);
	CU_ASSERT_EQUAL(memcmp(flow_client_addr(f), B4, 4), 0);
	/* The next echo request (type 8) belongs to the same flow. */
	pkt4(&p, 2, SEC, B4, A4, 1, 8, 0, 0);
	CU_ASSERT_PTR_EQUAL(feed(t, &p, &dir), f);
	CU_ASSERT_EQUAL(dir, DIR_TO_SERVER);
	CU_ASSERT_EQUAL(f->fclass, FC_OTHER);

	/* ICMPv6: echo request from A6 then reply. */
	pkt6(&p, 3, SEC, A6, B6, 58, 128, 0, 0);
	f = feed(t, &p, &dir);
	CU_ASSERT_EQUAL(dir, DIR_TO_SERVER);
	CU_ASSERT_EQUAL(memcmp(flow_client_addr(f), A6, 16), 0);
	pkt6(&p, 4, SEC, B6, A6, 58, 129, 0, 0);
	CU_ASSERT_PTR_EQUAL(feed(t, &p, &dir), f);
	CU_ASSERT_EQUAL(dir, DIR_TO_CLIENT);
	CU_ASSERT_EQUAL(flow_table_stats(t)->created, 2);
	flow_table_free(t);
}

/*
 * Idle expiry: each class times out after its own timeout (strictly
 * more than timeout idle), and flows expiring together end in first_seq
 * order whatever their class or hash position.
 */
static void
test_expiry(void)
{
	struct ended e;
	struct flow_table *t = table(&e, 1 << 20, 0);
	struct flow *f;
	struct pkt p;
	int dir;

	flow_expire(t, 0);			/* nothing to do */
	/* seq 5: TCP open, last seen at 10 s (times out after 110 s). */
	pkt4(&p, 5, 10 * SEC, A4, B4, 6, 1111, 80, TH_SYN);
	feed(t, &p, &dir);
	/* seq 2: UDP at 10 s (times out after 40 s). */
	pkt4(&p, 2, 10 * SEC, A4, B4, 17, 1111, 53, 0);
	feed(t, &p, &dir);
	/* seq 3: ICMP at 10 s (after 30 s). */
	pkt4(&p, 3, 10 * SEC, A4, C4, 1, 8, 0, 0);
	feed(t, &p, &dir);
	/* seq 4: TCP opened at 20 s, closed by RST at 25 s (after 35 s). */
	pkt4(&p, 4, 20 * SEC, A4, C4, 6, 2222, 443, TH_SYN);
	f = feed(t, &p, &dir);
	CU_ASSERT_EQUAL(f->fclass, FC_TCP_OPEN);
	pkt4(&p, 9, 25 * SEC, C4, A4, 6, 443, 2222, TH_RST);
	feed(t, &p, &dir);
	CU_ASSERT_EQUAL(f->fclass, FC_TCP_CLOSED);
	/* seq 1: UDP, first seen at 5 s but active until 60 s (after 90 s). */
	pkt4(&p, 1, 5 * SEC, B4, C4, 17, 1234, 5678, 0);
	f = feed(t, &p, &dir);
	pkt4(&p, 8, 60 * SEC, B4, C4, 17, 1234, 5678, 0);
	CU_ASSERT_PTR_EQUAL(feed(t, &p, &dir), f);

	flow_expire(t, 30 * SEC);		/* idle exactly 20 s: kept */
	CU_ASSERT_EQUAL(e.n, 0);
	flow_expire(t, 30 * SEC + 1);		/* ICMP */
	CU_ASSERT_EQUAL(e.n, 1);
	CU_ASSERT_EQUAL(e.seq[0], 3);
	flow_expire(t, 50 * SEC);		/* UDP seq 2 and RST seq 4 */
	CU_ASSERT_EQUAL_FATAL(e.n, 3);
	CU_ASSERT_EQUAL(e.seq[1], 2);
	CU_ASSERT_EQUAL(e.seq[2], 4);
	flow_expire(t, 109 * SEC);		/* UDP seq 1 */
	CU_ASSERT_EQUAL_FATAL(e.n, 4);
	CU_ASSERT_EQUAL(e.seq[3], 1);
	CU_ASSERT_EQUAL(flow_table_stats(t)->active, 1);
	flow_expire(t, 111 * SEC);		/* TCP open seq 5 */
	CU_ASSERT_EQUAL_FATAL(e.n, 5);
	CU_ASSERT_EQUAL(e.seq[4], 5);
	CU_ASSERT_EQUAL(flow_table_stats(t)->timed_out, 5);
	CU_ASSERT_EQUAL(flow_table_stats(t)->active, 0);
	flow_table_free(t);
	CU_ASSERT_EQUAL(e.n, 5);
}

/* Several flows of one class expiring at once: first_seq order, not LRU. */
static void
test_expiry_order(void)
{
	static const uint64_t seqs[] = { 7, 3, 9, 1, 5 };
	struct ended e;
	struct flow_table *t = table(&e, 1 << 20, 0);
	struct pkt p;
	unsigned i;
	int dir;

	for (i = 0; i < 5; i++) {
		pkt4(&p, seqs[i], (1 + i) * SEC, A4, B4, 17,
		    (uint16_t)(2000 + i), 53, 0);
		feed(t, &p, &dir);
	}
	flow_expire(t, 100 * SEC);
	CU_ASSERT_EQUAL_FATAL(e.n, 5);
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(e.seq[i], 1 + 2 * i);
	flow_table_free(t);

	/* flow_table_free ends what is left in the same order. */
	t = table(&e, 1 << 20, 0);
	for (i = 0; i < 5; i++) {
		pkt4(&p, seqs[i], SEC, A4, B4, i % 2 ? 6 : 17,
		    (uint16_t)(2000 + i), 53, 0);
		feed(t, &p, &dir);
	}
	flow_table_free(t);
	CU_ASSERT_EQUAL_FATAL(e.n, 5);
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(e.seq[i], 1 + 2 * i);
}

/*
 * Memcap: with room for three flows, a fourth evicts the least recently
 * seen one (not the oldest created); the busy flow is never the victim.
 */
static void
test_memcap(void)
{
	struct ended e;
	struct flow_table *t;
	struct flow *f[5];
	struct pkt p;
	uint64_t base;
	int dir, i;

	t = table(&e, 1 << 20, 0);
	base = flow_table_stats(t)->memory;	/* the bucket array */
	flow_table_free(t);
	t = table(&e, base + 3 * flow_mem_block(sizeof(struct flow)), 0);
	for (i = 0; i < 3; i++) {
		pkt4(&p, (uint64_t)i + 1, (uint64_t)(i + 1) * SEC, A4, B4, 17,
		    (uint16_t)(3000 + i), 53, 0);
		f[i] = feed(t, &p, &dir);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f[i]);
	}
	/* Touch flow 0 (TCP would be another class; same class here). */
	pkt4(&p, 9, 4 * SEC, B4, A4, 17, 53, 3000, 0);
	CU_ASSERT_PTR_EQUAL(feed(t, &p, &dir), f[0]);
	/* New flow: flow 1 (last seen 2 s) goes. */
	pkt4(&p, 10, 5 * SEC, A4, C4, 6, 4000, 80, TH_SYN);
	f[3] = feed(t, &p, &dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f[3]);
	CU_ASSERT_EQUAL(flow_table_stats(t)->evicted, 1);
	CU_ASSERT_EQUAL_FATAL(e.n, 1);
	CU_ASSERT_EQUAL(e.seq[0], 2);
	/* Flow 2 (3 s) is now least recent, but busy: flow 0 (4 s) goes. */
	flow_set_busy(t, f[2]);
	pkt4(&p, 11, 6 * SEC, A4, C4, 6, 4001, 80, TH_SYN);
	f[4] = feed(t, &p, &dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f[4]);
	CU_ASSERT_EQUAL(flow_table_stats(t)->evicted, 2);
	CU_ASSERT_EQUAL_FATAL(e.n, 2);
	CU_ASSERT_EQUAL(e.seq[1], 1);
	/* The busy flow is still found. */
	pkt4(&p, 12, 7 * SEC, A4, B4, 17, 3002, 53, 0);
	CU_ASSERT_PTR_EQUAL(flow_lookup(t, &p, &dir), f[2]);
	/* Extra memory charged for a flow's state evicts others too. */
	CU_ASSERT_EQUAL(flow_mem_charge(t, flow_mem_block(sizeof(struct flow))), 0);
	CU_ASSERT_EQUAL(flow_table_stats(t)->evicted, 3);
	CU_ASSERT_EQUAL(e.seq[2], 10);
	flow_mem_release(t, flow_mem_block(sizeof(struct flow)));
	/* With only the busy flow left, a charge that cannot be met fails. */
	CU_ASSERT_EQUAL(flow_mem_charge(t,
	    3 * flow_mem_block(sizeof(struct flow))), -1);
	CU_ASSERT_EQUAL(flow_table_stats(t)->active, 1);
	CU_ASSERT_EQUAL(e.seq[3], 11);
	CU_ASSERT(flow_table_stats(t)->memory <=
	    base + 3 * flow_mem_block(sizeof(struct flow)));
	flow_table_free(t);
	CU_ASSERT_EQUAL(e.n, 5);
}

/* A flow longer than the active timeout is ended and restarted, keeping
 * its client/server direction. */
static void
test_active_timeout(void)
{
	struct ended e;
	struct flow_table *t = table(&e, 1 << 20, 1000 * SEC);
	struct flow *f, *g;
	struct pkt p;
	int dir;

	pkt4(&p, 1, 10 * SEC, A4, B4, 6, 5000, 6000, TH_SYN);
	f = feed(t, &p, &dir);
	pkt4(&p, 2, 500 * SEC, B4, A4, 6, 6000, 5000, TH_ACK);
	CU_ASSERT_PTR_EQUAL(feed(t, &p, &dir), f);
	pkt4(&p, 3, 1010 * SEC, A4, B4, 6, 5000, 6000, TH_ACK);
	CU_ASSERT_PTR_EQUAL(feed(t, &p, &dir), f);	/* exactly at limit */
	CU_ASSERT_EQUAL(e.n, 0);
	/* The server speaks first after the split. */
	pkt4(&p, 4, 1010 * SEC + 1, B4, A4, 6, 6000, 5000, TH_ACK);
	g = feed(t, &p, &dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_EQUAL_FATAL(e.n, 1);
	CU_ASSERT_EQUAL(e.seq[0], 1);
	CU_ASSERT_EQUAL(e.first_us[0], 10 * SEC);
	CU_ASSERT_EQUAL(flow_table_stats(t)->timed_out, 1);
	CU_ASSERT_EQUAL(flow_table_stats(t)->created, 2);
	CU_ASSERT_EQUAL(g->first_seq, 4);
	CU_ASSERT_EQUAL(g->first_us, 1010 * SEC + 1);
	CU_ASSERT_EQUAL(dir, DIR_TO_CLIENT);
	CU_ASSERT_EQUAL(memcmp(flow_client_addr(g), A4, 4), 0);
	CU_ASSERT_EQUAL(flow_client_port(g), 5000);
	flow_table_free(t);
}

static void
test_vlan_key(void)
{
	struct ended e;
	struct flow_table *t = table(&e, 1 << 20, 0);
	struct flow *f10, *f20;
	struct pkt p;
	int dir;

	pkt4_vlan(&p, 1, 10, A4, B4, 40000, 21);
	f10 = feed(t, &p, &dir);
	pkt4_vlan(&p, 2, 20, A4, B4, 40000, 21);
	f20 = feed(t, &p, &dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f10);
	CU_ASSERT_PTR_NOT_EQUAL(f10, f20);
	CU_ASSERT_EQUAL(f10->key.vlan, 10);
	CU_ASSERT_EQUAL(f20->key.vlan, 20);
	pkt4_vlan(&p, 3, 10, B4, A4, 21, 40000);
	CU_ASSERT_PTR_EQUAL(feed(t, &p, &dir), f10);
	CU_ASSERT_EQUAL(dir, DIR_TO_CLIENT);
	/* Untagged is a third flow. */
	pkt4(&p, 4, SEC, A4, B4, 6, 40000, 21, TH_ACK);
	f20 = feed(t, &p, &dir);
	CU_ASSERT_PTR_NOT_EQUAL(f20, f10);
	CU_ASSERT_EQUAL(flow_table_stats(t)->created, 3);
	flow_table_free(t);
}

static void
test_ipv6_keys(void)
{
	struct ended e;
	struct flow_table *t = table(&e, 1 << 20, 0);
	struct flow *f;
	struct pkt p;
	int dir;

	pkt6(&p, 1, SEC, B6, A6, 6, 50000, 443, TH_SYN);
	f = feed(t, &p, &dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->key.family, 6);
	CU_ASSERT_EQUAL(memcmp(f->key.a, A6, 16), 0);	/* canonical order */
	CU_ASSERT_EQUAL(memcmp(flow_client_addr(f), B6, 16), 0);
	pkt6(&p, 2, SEC, A6, B6, 6, 443, 50000, TH_SYN | TH_ACK);
	CU_ASSERT_PTR_EQUAL(feed(t, &p, &dir), f);
	CU_ASSERT_EQUAL(dir, DIR_TO_CLIENT);
	/* Addresses differing only in the last byte are other flows. */
	pkt6(&p, 3, SEC, B6, A6, 6, 50000, 443, TH_ACK);
	CU_ASSERT_PTR_EQUAL(feed(t, &p, &dir), f);
	{
		uint8_t c6[16];

		memcpy(c6, A6, 16);
		c6[0] = 0x30;
		pkt6(&p, 4, SEC, B6, c6, 6, 50000, 443, TH_SYN);
		CU_ASSERT_PTR_NOT_EQUAL(feed(t, &p, &dir), f);
	}
	CU_ASSERT_EQUAL(flow_table_stats(t)->created, 2);
	flow_table_free(t);
}

static void
test_pair_hash(void)
{
	CU_ASSERT_EQUAL(flow_pair_hash(4, A4, B4), flow_pair_hash(4, B4, A4));
	CU_ASSERT_EQUAL(flow_pair_hash(6, A6, B6), flow_pair_hash(6, B6, A6));
	CU_ASSERT_NOT_EQUAL(flow_pair_hash(4, A4, B4),
	    flow_pair_hash(4, A4, C4));
	CU_ASSERT_NOT_EQUAL(flow_pair_hash(6, A6, B6),
	    flow_pair_hash(6, A6, A6));
	CU_ASSERT_EQUAL(flow_pair_hash(4, A4, A4), flow_pair_hash(4, A4, A4));
}

/* Feeds a segment from A:40000 (to_server) or B:21 into t. */
static struct flow *
seg(struct flow_table *t, uint64_t n, int to_server, uint8_t flags,
    uint32_t tseq, size_t plen)
{
	struct pkt p;
	int dir;

	if (to_server)
		pkt4_seg(&p, n, A4, B4, 40000, 21, flags, tseq, plen);
	else
		pkt4_seg(&p, n, B4, A4, 21, 40000, flags, tseq, plen);
	return feed(t, &p, &dir);
}

/*
 * TCP port reuse (review 3.5): a SYN with a new sequence number after FIN
 * or RST, or after a SYN that never carried data, starts a new flow whose
 * client is the SYN's sender.  Not a new flow: the first SYN retransmitted,
 * data after a FIN (half close), a SYN in an open flow with data, the
 * client's late SYN in a flow first seen at its SYN-ACK.
 */
static void
test_port_reuse(void)
{
	struct ended e;
	struct flow_table *t = table(&e, 1 << 20, 0);
	struct flow *f;

	/* Handshake, data, the client's FIN; the server goes on sending. */
	f = seg(t, 1, 1, TH_SYN, 1000, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_EQUAL(seg(t, 2, 0, TH_SYN | TH_ACK, 5000, 0), f);
	CU_ASSERT_PTR_EQUAL(seg(t, 3, 1, TH_ACK, 1001, 10), f);
	CU_ASSERT_PTR_EQUAL(seg(t, 4, 1, TH_FIN | TH_ACK, 1011, 0), f);
	CU_ASSERT_PTR_EQUAL(seg(t, 5, 0, TH_ACK, 5001, 100), f);
	/* The first SYN again (same ISN): a retransmission. */
	CU_ASSERT_PTR_EQUAL(seg(t, 6, 1, TH_SYN, 1000, 0), f);
	CU_ASSERT_PTR_EQUAL(seg(t, 7, 0, TH_FIN | TH_ACK, 5101, 0), f);
	CU_ASSERT_EQUAL(e.n, 0);
	CU_ASSERT_EQUAL(flow_table_stats(t)->tcp_reused, 0);
	/* A new ISN after the FINs: a new connection. */
	f = seg(t, 8, 1, TH_SYN, 90000, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(e.n, 1);
	CU_ASSERT_EQUAL(e.seq[0], 1);
	CU_ASSERT_EQUAL(f->first_seq, 8);
	CU_ASSERT_EQUAL(f->syn_seq, 90000);
	CU_ASSERT_EQUAL(flow_client_port(f), 40000);
	CU_ASSERT_EQUAL(flow_table_stats(t)->tcp_reused, 1);
	CU_ASSERT_EQUAL(f->fclass, FC_TCP_OPEN);
	/* Data, then a SYN with yet another ISN in the open flow: kept. */
	CU_ASSERT_PTR_EQUAL(seg(t, 9, 1, TH_ACK, 90001, 5), f);
	CU_ASSERT_PTR_EQUAL(seg(t, 10, 1, TH_SYN, 123, 0), f);
	/* A RST, then that SYN: new again (the other side may reuse too). */
	CU_ASSERT_PTR_EQUAL(seg(t, 11, 0, TH_RST, 0, 0), f);
	f = seg(t, 12, 0, TH_SYN, 777, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(e.n, 2);
	CU_ASSERT_EQUAL(flow_client_port(f), 21);
	/* A second SYN with a new ISN and no data yet: the first attempt was
	 * abandoned. */
	f = seg(t, 13, 0, TH_SYN, 778, 0);
	CU_ASSERT_EQUAL(e.n, 3);
	CU_ASSERT_EQUAL(f->first_seq, 13);
	CU_ASSERT_EQUAL(flow_table_stats(t)->tcp_reused, 3);
	flow_table_free(t);

	/* First seen at the SYN-ACK: the client's late SYN belongs to it. */
	t = table(&e, 1 << 20, 0);
	f = seg(t, 1, 0, TH_SYN | TH_ACK, 5000, 0);
	CU_ASSERT_PTR_EQUAL(seg(t, 2, 1, TH_SYN, 999, 0), f);
	CU_ASSERT_PTR_EQUAL(seg(t, 3, 1, TH_ACK, 1000, 0), f);
	CU_ASSERT_EQUAL(flow_table_stats(t)->tcp_reused, 0);
	CU_ASSERT_EQUAL(flow_table_stats(t)->created, 1);
	flow_table_free(t);
}

/*
 * An end callback that charges memory like finding_emit()'s GeoIP record
 * (and gives it back, as the worker does when it frees the flow).  It
 * records how deep end callbacks nest and which flows ended how often.
 */
struct charger {
	struct flow_table *t;
	size_t		charge;		/* bytes charged by each end */
	unsigned	depth, max_depth;
	unsigned	ends, refused;
	uint8_t		ended[256];	/* by first_seq: times ended */
};

static void
on_end_charge(void *arg, struct flow *f)
{
	struct charger *c = arg;

	c->ends++;
	if (f->first_seq < sizeof(c->ended))
		c->ended[f->first_seq]++;
	if (++c->depth > c->max_depth)
		c->max_depth = c->depth;
	/* Nested ends are the bug; stop here rather than overflow. */
	if (c->depth == 1) {
		if (flow_mem_charge(c->t, c->charge) == 0)
			flow_mem_release(c->t, c->charge);
		else
			c->refused++;
	}
	c->depth--;
}

static struct flow_table *
charger_table(struct charger *c, uint64_t memcap, size_t charge)
{
	memset(c, 0, sizeof(*c));
	c->charge = charge;
	c->t = table_with(memcap, 0, on_end_charge, c);
	return c->t;
}

static uint64_t
bucket_memory(void)
{
	struct ended e;
	struct flow_table *t = table(&e, 1 << 20, 0);
	uint64_t base = flow_table_stats(t)->memory;

	flow_table_free(t);
	return base;
}

/*
 * Memcap eviction whose end callback charges memory: before the fix the
 * victim was still on the LRU while its callback ran, the charge evicted
 * it again, and so on until the stack overflowed (review 3.1).  Now the
 * charge is refused and counted, and each flow ends exactly once.
 */
static void
test_end_callback_charges(void)
{
	uint64_t base = bucket_memory();
	struct charger c;
	struct flow_table *t;
	struct pkt p;
	unsigned i;
	int dir;

	t = charger_table(&c, base + 3 * flow_mem_block(sizeof(struct flow)), 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	for (i = 1; i <= 10; i++) {
		pkt4(&p, i, i * SEC, A4, B4, 6, (uint16_t)(3000 + i), 3389,
		    TH_SYN);
		CU_ASSERT_PTR_NOT_NULL(feed(t, &p, &dir));
	}
	CU_ASSERT_EQUAL(c.max_depth, 1);
	CU_ASSERT_EQUAL(flow_table_stats(t)->evicted, 7);
	CU_ASSERT_EQUAL(flow_table_stats(t)->active, 3);
	CU_ASSERT_EQUAL(c.ends, 7);
	for (i = 1; i <= 7; i++)
		CU_ASSERT_EQUAL(c.ended[i], 1);
	/* The table was full each time: every callback's charge refused. */
	CU_ASSERT_EQUAL(c.refused, 7);
	CU_ASSERT_EQUAL(flow_table_stats(t)->end_charge_refused, 7);
	CU_ASSERT_EQUAL(flow_table_stats(t)->memory,
	    base + 3 * flow_mem_block(sizeof(struct flow)));
	/* With room under the memcap a callback's charge succeeds. */
	flow_table_free(t);
	t = charger_table(&c, base + 4 * flow_mem_block(sizeof(struct flow)), 64);
	for (i = 1; i <= 3; i++) {
		pkt4(&p, i, i * SEC, A4, B4, 17, (uint16_t)(3000 + i), 53, 0);
		feed(t, &p, &dir);
	}
	flow_expire(t, 100 * SEC);
	CU_ASSERT_EQUAL(c.ends, 3);
	CU_ASSERT_EQUAL(c.refused, 0);
	CU_ASSERT_EQUAL(flow_table_stats(t)->memory, base);
	flow_table_free(t);
}

/*
 * Expiry and teardown end flows from a scratch batch.  Callbacks that
 * charge memory while the table is at its memcap must not evict (and
 * free) flows still waiting in the batch.
 */
static void
test_end_batch_safe(void)
{
	uint64_t base = bucket_memory();
	struct charger c;
	struct flow_table *t;
	struct pkt p;
	unsigned i;
	int dir;

	t = charger_table(&c, base + 20 * flow_mem_block(sizeof(struct flow)),
	    flow_mem_block(sizeof(struct flow)));
	for (i = 1; i <= 20; i++) {
		pkt4(&p, i, SEC, A4, B4, 17, (uint16_t)(4000 + i), 53, 0);
		CU_ASSERT_PTR_NOT_NULL(feed(t, &p, &dir));
	}
	CU_ASSERT_EQUAL(flow_table_stats(t)->active, 20);
	flow_expire(t, 100 * SEC);
	CU_ASSERT_EQUAL(c.ends, 20);
	CU_ASSERT_EQUAL(c.max_depth, 1);
	for (i = 1; i <= 20; i++)
		CU_ASSERT_EQUAL(c.ended[i], 1);
	CU_ASSERT_EQUAL(flow_table_stats(t)->evicted, 0);
	CU_ASSERT_EQUAL(flow_table_stats(t)->active, 0);
	CU_ASSERT_EQUAL(flow_table_stats(t)->memory, base);
	/* Teardown: the same with flow_table_free. */
	for (i = 1; i <= 20; i++) {
		pkt4(&p, 100 + i, 200 * SEC, A4, B4, 17, (uint16_t)(5000 + i),
		    53, 0);
		feed(t, &p, &dir);
	}
	c.ends = 0;
	flow_table_free(t);
	CU_ASSERT_EQUAL(c.ends, 20);
	CU_ASSERT_EQUAL(c.max_depth, 1);
	for (i = 101; i <= 120; i++)
		CU_ASSERT_EQUAL(c.ended[i], 1);
}

/*
 * calloc wrapper (ld --wrap=calloc): fails the next calls of a given size
 * so the flow table's failure paths can be driven.
 */
void	*__real_calloc(size_t n, size_t size);
void	*__wrap_calloc(size_t n, size_t size);
static size_t fail_size;
static unsigned fail_count;

void *
__wrap_calloc(size_t n, size_t size)
{
	if (fail_count > 0 && n == 1 && size == fail_size) {
		fail_count--;
		return NULL;
	}
	return __real_calloc(n, size);
}

/*
 * Memcap accounting when allocation fails (review 3.8): a failed flow
 * allocation gives its charge back, and a flow whose encapsulation record
 * could not be allocated is charged only for itself.
 */
static void
test_alloc_failure_accounting(void)
{
	struct ended e;
	struct flow_table *t = table(&e, 1 << 20, 0);
	uint64_t base = flow_table_stats(t)->memory;
	struct flow *f;
	struct pkt p;
	int dir;

	/* The flow struct itself. */
	fail_size = sizeof(struct flow);
	fail_count = 1;
	pkt4(&p, 1, SEC, A4, B4, 6, 40000, 21, TH_SYN);
	CU_ASSERT_PTR_NULL(flow_lookup(t, &p, &dir));
	CU_ASSERT_EQUAL(fail_count, 0);
	CU_ASSERT_EQUAL(flow_table_stats(t)->alloc_failures, 1);
	CU_ASSERT_EQUAL(flow_table_stats(t)->memory, base);
	CU_ASSERT_EQUAL(flow_table_stats(t)->active, 0);
	/* Its encapsulation record (VLAN-tagged packet). */
	fail_size = sizeof(struct flow_encap);
	fail_count = 1;
	pkt4_vlan(&p, 2, 10, A4, B4, 40000, 21);
	f = flow_lookup(t, &p, &dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fail_count, 0);
	CU_ASSERT_PTR_NULL(f->encap);
	CU_ASSERT_EQUAL(flow_table_stats(t)->alloc_failures, 2);
	CU_ASSERT_EQUAL(flow_table_stats(t)->memory,
	    base + flow_mem_block(sizeof(struct flow)));
	/* With memory, a tagged flow pays for both. */
	fail_count = 0;
	pkt4_vlan(&p, 3, 20, A4, B4, 40000, 21);
	f = flow_lookup(t, &p, &dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(f->encap);
	CU_ASSERT_EQUAL(flow_table_stats(t)->memory, base +
	    2 * flow_mem_block(sizeof(struct flow)) +
	    flow_mem_block(sizeof(struct flow_encap)));
	flow_expire(t, 1000 * SEC);
	CU_ASSERT_EQUAL(flow_table_stats(t)->memory, base);
	flow_table_free(t);
}

/*
 * More flows than twice the buckets: the table doubles them (counted as
 * fixed memory) and every flow is still found, as the same flow.
 */
static void
test_hash_growth(void)
{
	static struct flow *seen[1000];
	struct ended e;
	struct flow_table *t = table(&e, 1 << 30, 0);
	uint64_t fixed = flow_table_stats(t)->fixed_memory;
	struct pkt p;
	unsigned i;
	int dir;

	for (i = 0; i < 1000; i++) {
		pkt4(&p, i + 1, SEC, A4, B4, 6, (uint16_t)(2000 + i), 80,
		    TH_SYN);
		seen[i] = feed(t, &p, &dir);
		CU_ASSERT_PTR_NOT_NULL_FATAL(seen[i]);
	}
	/* 64 buckets at first: 128, 256 and 512 by 1000 flows. */
	CU_ASSERT_EQUAL(flow_table_stats(t)->fixed_memory,
	    fixed + (64 + 128 + 256) * sizeof(void *));
	for (i = 0; i < 1000; i++) {
		pkt4(&p, 2000 + i, 2 * SEC, B4, A4, 6, 80, (uint16_t)(2000 + i),
		    TH_SYN | TH_ACK);
		CU_ASSERT_PTR_EQUAL(feed(t, &p, &dir), seen[i]);
		CU_ASSERT_EQUAL(dir, DIR_TO_CLIENT);
	}
	CU_ASSERT_EQUAL(flow_table_stats(t)->created, 1000);
	flow_table_free(t);
	CU_ASSERT_EQUAL(e.n, 64);	/* the first 64 ends are recorded */
}

UNIT_MAIN("flow",
	{ "more flows than buckets: the table grows", test_hash_growth },
	{ "both directions, one flow", test_both_directions },
	{ "client and server", test_client_direction },
	{ "ICMP replies and requests", test_icmp },
	{ "idle expiry per class", test_expiry },
	{ "expiry in first_seq order", test_expiry_order },
	{ "memcap eviction, busy flow spared", test_memcap },
	{ "active timeout", test_active_timeout },
	{ "VLAN in the key", test_vlan_key },
	{ "IPv6 keys", test_ipv6_keys },
	{ "symmetric pair hash", test_pair_hash },
	{ "TCP port reuse", test_port_reuse },
	{ "end callback charging memory", test_end_callback_charges },
	{ "expiry and teardown batches", test_end_batch_safe },
	{ "memcap accounting on allocation failure",
	    test_alloc_failure_accounting })
