/*
 * test_dns.c - the DNS dissector: queries and answers on UDP, compression,
 * escaping, TCP framing (whole, byte by byte, pipelined), the probe's
 * strictness, and hostile names (pointer loops, forward pointers, names
 * past 255 bytes, truncation at every length).
 */
#include <string.h>

#include "dissector_run.h"
#include "unit.h"

extern const struct dissector dns_dissector;
static struct dctx ctx;

/* Query: id 0x1234, RD, one question www.example.com A IN. */
static const uint8_t q_www[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
};

/*
 * Answer: QR RD RA, the question again, a CNAME www -> web (compressed:
 * "web" + pointer to example.com at offset 16), then web A 192.0.2.7 with
 * its name a pointer to the CNAME's target at offset 41.
 */
static const uint8_t r_www[] = {
	0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
	/* answer 1 at 33: name -> 12 */
	0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10,
	0x00, 0x06, 3, 'w', 'e', 'b', 0xc0, 0x10,
	/* answer 2 at 51: name -> 45 (the "web" label) */
	0xc0, 0x2d, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10,
	0x00, 0x04, 192, 0, 2, 7,
};

static void
feed_udp(const void *m, size_t n, int dir)
{
	void *st = dr_state(&dns_dissector);

	fake_dctx_reset(&ctx, 53);
	ctx.ip_proto = 17;
	fake_feed(&ctx, &dns_dissector, st, dir, m, n);
	dr_end(&ctx, &dns_dissector, st);
}

static void
test_query(void)
{
	const struct dns_fact *f;

	feed_udp(q_www, sizeof(q_www), DIR_TO_SERVER);
	CU_ASSERT_EQUAL_FATAL(ctx.ndns, 1);
	f = &ctx.dns[0].f;
	CU_ASSERT_STRING_EQUAL(ctx.dns[0].qname, "www.example.com");
	CU_ASSERT_EQUAL(f->qname_len, 15);
	CU_ASSERT_EQUAL(f->qname_wire_len, 17);
	CU_ASSERT_EQUAL(f->is_response, 0);
	CU_ASSERT_EQUAL(f->id, 0x1234);
	CU_ASSERT_EQUAL(f->qtype, 1);
	CU_ASSERT_EQUAL(f->qclass, 1);
	CU_ASSERT_EQUAL(f->answers, 0);
	CU_ASSERT_EQUAL(f->msg_len, sizeof(q_www));
	CU_ASSERT_EQUAL(f->over_tcp, 0);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_answer_compressed(void)
{
	const struct dns_fact *f;

	feed_udp(r_www, sizeof(r_www), DIR_TO_CLIENT);
	CU_ASSERT_EQUAL_FATAL(ctx.ndns, 1);
	f = &ctx.dns[0].f;
	CU_ASSERT_STRING_EQUAL(ctx.dns[0].qname, "www.example.com");
	CU_ASSERT_EQUAL(f->is_response, 1);
	CU_ASSERT_EQUAL(f->rcode, 0);
	CU_ASSERT_EQUAL(f->answers, 2);
	CU_ASSERT_EQUAL(f->answer_bytes, 6 + 4);
	CU_ASSERT_EQUAL(f->answer_max, 6);
	CU_ASSERT_EQUAL(f->answer_type, 5);
	CU_ASSERT_EQUAL_FATAL(f->naddrs, 1);
	CU_ASSERT_EQUAL(f->addr_family[0], 4);
	CU_ASSERT(memcmp(f->addrs[0], "\xc0\x00\x02\x07", 4) == 0);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
	/* A strict response parses in the probe too. */
	CU_ASSERT(dns_dissector.probe(r_www, sizeof(r_www), DIR_TO_CLIENT));
}

static void
test_nxdomain_txt(void)
{
	static const uint8_t m[] = {
		0xbe, 0xef, 0x81, 0x83, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		4, 'a', 'b', 'c', 'd', 1, 't', 0,
		0x00, 0x10, 0x00, 0x01,
	};
	const struct dns_fact *f;

	feed_udp(m, sizeof(m), DIR_TO_CLIENT);
	CU_ASSERT_EQUAL_FATAL(ctx.ndns, 1);
	f = &ctx.dns[0].f;
	CU_ASSERT_EQUAL(f->rcode, 3);
	CU_ASSERT_EQUAL(f->qtype, 16);
	CU_ASSERT_STRING_EQUAL(ctx.dns[0].qname, "abcd.t");
}

static void
test_escapes(void)
{
	/* label "a.b" (a dot inside), a label with 0x00 and '\\', root */
	static const uint8_t m[] = {
		0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		3, 'a', '.', 'b', 3, 0x00, '\\', 'z', 2, 'i', 'o', 0,
		0x00, 0x0a, 0x00, 0x01,
	};

	feed_udp(m, sizeof(m), DIR_TO_SERVER);
	CU_ASSERT_EQUAL_FATAL(ctx.ndns, 1);
	CU_ASSERT_STRING_EQUAL(ctx.dns[0].qname, "a\\.b.\\000\\\\z.io");
	CU_ASSERT_EQUAL(ctx.dns[0].f.qtype, 10);
}

static void
test_root_and_opt(void)
{
	/* ". NS" query with an EDNS0 OPT record (as resolvers prime) */
	static const uint8_t m[] = {
		0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x01,
		0, 0x00, 0x02, 0x00, 0x01,
		0, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};

	feed_udp(m, sizeof(m), DIR_TO_SERVER);
	CU_ASSERT_EQUAL_FATAL(ctx.ndns, 1);
	CU_ASSERT_STRING_EQUAL(ctx.dns[0].qname, "");
	CU_ASSERT_EQUAL(ctx.dns[0].f.qname_wire_len, 1);
	CU_ASSERT(dns_dissector.probe(m, sizeof(m), DIR_TO_SERVER));
}

/* Two TCP messages in one segment, then the same cut into bytes. */
static void
tcp_pair(int mode)
{
	uint8_t buf[2 + sizeof(q_www) + 2 + sizeof(r_www)];
	size_t n = 0, i;
	void *st = dr_state(&dns_dissector);

	buf[n++] = 0;
	buf[n++] = sizeof(q_www);
	memcpy(buf + n, q_www, sizeof(q_www));
	n += sizeof(q_www);
	buf[n++] = 0;
	buf[n++] = sizeof(r_www);
	memcpy(buf + n, r_www, sizeof(r_www));
	n += sizeof(r_www);
	fake_dctx_reset(&ctx, 53);
	if (mode == DR_WHOLE)
		fake_feed(&ctx, &dns_dissector, st, DIR_TO_SERVER, buf, n);
	else
		for (i = 0; i < n; i++)
			fake_feed(&ctx, &dns_dissector, st, DIR_TO_SERVER,
			    buf + i, 1);
	dr_end(&ctx, &dns_dissector, st);
	CU_ASSERT_EQUAL_FATAL(ctx.ndns, 2);
	CU_ASSERT_EQUAL(ctx.dns[0].f.over_tcp, 1);
	CU_ASSERT_EQUAL(ctx.dns[0].f.is_response, 0);
	CU_ASSERT_EQUAL(ctx.dns[1].f.answers, 2);
	CU_ASSERT_STRING_EQUAL(ctx.dns[1].qname, "www.example.com");
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
	/* The probe takes a TCP segment holding exactly one message. */
	CU_ASSERT(dns_dissector.probe(buf, 2 + sizeof(q_www), DIR_TO_SERVER));
}

static void
test_tcp_whole(void)
{
	tcp_pair(DR_WHOLE);
}

static void
test_tcp_bytes(void)
{
	tcp_pair(DR_BYTES);
}

static void
test_tcp_zero_length(void)
{
	void *st = dr_state(&dns_dissector);

	fake_dctx_reset(&ctx, 53);
	fake_feed(&ctx, &dns_dissector, st, DIR_TO_SERVER, "\0\0\0\0", 4);
	dr_end(&ctx, &dns_dissector, st);
	CU_ASSERT_EQUAL(ctx.ndns, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "dns_tcp_bad_length"), 1);
	CU_ASSERT(ctx.done);
}

static void
test_pointer_loop(void)
{
	/* The name is a pointer to itself, then one to the next byte. */
	static const uint8_t self[] = {
		0x00, 0x03, 0x81, 0x80, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,
	};
	static const uint8_t fwd[] = {
		0x00, 0x03, 0x81, 0x80, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		0xc0, 0x0e, 0x00, 0x01, 0x00, 0x01,
	};

	feed_udp(self, sizeof(self), DIR_TO_CLIENT);
	CU_ASSERT_EQUAL(ctx.ndns, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "dns_malformed"), 1);
	feed_udp(fwd, sizeof(fwd), DIR_TO_CLIENT);
	CU_ASSERT_EQUAL(ctx.ndns, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "dns_malformed"), 1);
}

static void
test_backward_chain_bounded(void)
{
	/*
	 * A question whose name points back into the header region
	 * (offset 2..11 read as labels): must not crash, may fail.  Then a
	 * long chain of pointers each to the one before: more than
	 * DNS_MAX_HOPS hops is refused.
	 */
	uint8_t m[12 + 2 * 40 + 2 + 4];
	size_t n = 12, i;

	memset(m, 0, sizeof(m));
	m[2] = 0x81;
	m[3] = 0x80;
	m[5] = 1;
	/* at 12: a root label; then pointers each to the previous item */
	m[n++] = 0;
	for (i = 0; i < 40; i++) {
		uint16_t to = (uint16_t)(i == 0 ? 12 : 13 + 2 * (i - 1));

		m[n++] = (uint8_t)(0xc0 | to >> 8);
		m[n++] = (uint8_t)to;
	}
	/* The question: its name is the last pointer of the chain. */
	memmove(m + 12, m + 13, n - 13);
	n--;
	feed_udp(m, n, DIR_TO_CLIENT);
	CU_ASSERT_EQUAL(ctx.ndns, 0);
}

/* A query for a name of labels of the given lengths (all 'x'). */
static size_t
long_query(uint8_t *m, size_t cap, const size_t *lab, size_t nlab)
{
	size_t n = 12, i;

	memset(m, 0, cap);
	m[5] = 1;
	for (i = 0; i < nlab; i++) {
		m[n++] = (uint8_t)lab[i];
		memset(m + n, 'x', lab[i]);
		n += lab[i];
	}
	m[n++] = 0;
	memcpy(m + n, "\x00\x10\x00\x01", 4);	/* TXT IN */
	return n + 4;
}

static void
test_name_too_long(void)
{
	/* 5 labels of 63 bytes: 320 wire bytes, over the 255 limit. */
	static const size_t lab[] = { 63, 63, 63, 63, 63 };
	uint8_t m[12 + 5 * 64 + 1 + 4];
	size_t n = long_query(m, sizeof(m), lab, 5);

	feed_udp(m, n, DIR_TO_SERVER);
	CU_ASSERT_EQUAL(ctx.ndns, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "dns_malformed"), 1);
	CU_ASSERT_FALSE(dns_dissector.probe(m, n, DIR_TO_SERVER));
}

static void
test_longest_name(void)
{
	/* 3 x 63 + 1 x 61 + root = 255 wire bytes: accepted. */
	static const size_t lab[] = { 63, 63, 63, 61 };
	uint8_t m[12 + 255 + 4];
	size_t n = long_query(m, sizeof(m), lab, 4);

	feed_udp(m, n, DIR_TO_SERVER);
	CU_ASSERT_EQUAL_FATAL(ctx.ndns, 1);
	CU_ASSERT_EQUAL(ctx.dns[0].f.qname_wire_len, 255);
	CU_ASSERT_EQUAL(ctx.dns[0].f.qname_len, 63 * 3 + 61 + 3);
	CU_ASSERT_EQUAL(ctx.dns[0].f.qtype, 16);
}

static void
test_truncation_sweep(void)
{
	size_t n;

	/* Every cut of the answer: no crash, no fact from a cut message
	 * (a cut before the answers may still parse as fewer records). */
	for (n = 0; n < sizeof(r_www); n++) {
		feed_udp(r_www, n, DIR_TO_CLIENT);
		CU_ASSERT(ctx.ndns == 0 || ctx.dns[0].f.answers < 2);
		CU_ASSERT_FALSE(dns_dissector.probe(r_www, n, DIR_TO_CLIENT));
	}
}

static void
test_udp_gives_up(void)
{
	void *st = dr_state(&dns_dissector);
	unsigned i;

	fake_dctx_reset(&ctx, 53);
	ctx.ip_proto = 17;
	for (i = 0; i < 20; i++)
		fake_feed(&ctx, &dns_dissector, st, DIR_TO_SERVER, "\x01\x02",
		    2);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "dns_malformed"), 8);
	dr_end(&ctx, &dns_dissector, st);
}

static void
test_probe_rejects(void)
{
	uint8_t m[sizeof(q_www) + 1];

	CU_ASSERT(dns_dissector.probe(q_www, sizeof(q_www), DIR_TO_SERVER));
	/* trailing byte */
	memcpy(m, q_www, sizeof(q_www));
	m[sizeof(q_www)] = 0;
	CU_ASSERT_FALSE(dns_dissector.probe(m, sizeof(m), DIR_TO_SERVER));
	/* a query that claims an answer record */
	memcpy(m, q_www, sizeof(q_www));
	m[7] = 1;
	CU_ASSERT_FALSE(dns_dissector.probe(m, sizeof(q_www), DIR_TO_SERVER));
	/* class 7 */
	memcpy(m, q_www, sizeof(q_www));
	m[sizeof(q_www) - 1] = 7;
	CU_ASSERT_FALSE(dns_dissector.probe(m, sizeof(q_www), DIR_TO_SERVER));
	/* look-alikes: HTTP, TLS, SSH */
	CU_ASSERT_FALSE(dns_dissector.probe((const uint8_t *)
	    "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 27, DIR_TO_SERVER));
	CU_ASSERT_FALSE(dns_dissector.probe((const uint8_t *)
	    "\x16\x03\x01\x00\x20\x01\x00\x00\x1c\x03\x03\x00\x00\x00\x00\x00"
	    "\x00\x00\x00\x00", 20, DIR_TO_SERVER));
	CU_ASSERT_FALSE(dns_dissector.probe((const uint8_t *)
	    "SSH-2.0-OpenSSH_9.2\r\n", 21, DIR_TO_SERVER));
}

UNIT_MAIN("dns",
    { "query", test_query },
    { "answer with compression", test_answer_compressed },
    { "NXDOMAIN TXT", test_nxdomain_txt },
    { "presentation escapes", test_escapes },
    { "root name and EDNS0 OPT", test_root_and_opt },
    { "TCP pipelined, whole", test_tcp_whole },
    { "TCP pipelined, byte by byte", test_tcp_bytes },
    { "TCP zero length", test_tcp_zero_length },
    { "pointer loops and forward pointers", test_pointer_loop },
    { "long backward pointer chain", test_backward_chain_bounded },
    { "name over 255 bytes", test_name_too_long },
    { "name of exactly 255 bytes", test_longest_name },
    { "truncation sweep", test_truncation_sweep },
    { "UDP flow of non-DNS is let go", test_udp_gives_up },
    { "probe rejects look-alikes", test_probe_rejects })
