/*
 * worker_harness.c - see worker_harness.h.
 */
#include <arpa/inet.h>
#include <string.h>

#include "decode.h"
#include "dissector.h"
#include "ring.h"
#include "worker_harness.h"

static uint16_t
csum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t
harness_ip4(uint8_t *b, uint8_t proto, uint32_t src, uint32_t dst,
    uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
    const void *pl, size_t pllen)
{
	size_t l4 = proto == 6 ? 20 : 8, tot = 20 + l4 + pllen;
	uint8_t ph[12];
	uint16_t s;
	unsigned ck = proto == 6 ? 16 : proto == 17 ? 6 : 2;

	memset(b, 0, tot);
	b[0] = 0x45;
	be16(b + 2, (uint16_t)tot);
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, &(uint32_t){ htonl(src) }, 4);
	memcpy(b + 16, &(uint32_t){ htonl(dst) }, 4);
	be16(b + 10, csum(b, 20, 0));
	if (proto == 6) {
		be16(b + 20, sport);
		be16(b + 22, dport);
		memcpy(b + 24, &(uint32_t){ htonl(seq) }, 4);
		memcpy(b + 28, &(uint32_t){ htonl(ack) }, 4);
		b[32] = 5 << 4;
		b[33] = flags;
		b[34] = 0xfa;
	} else if (proto == 17) {
		be16(b + 20, sport);
		be16(b + 22, dport);
		be16(b + 24, (uint16_t)(8 + pllen));
	} else {			/* ICMP echo: type in sport */
		b[20] = (uint8_t)sport;
		b[24] = 0x12;
	}
	if (pllen > 0)
		memcpy(b + 20 + l4, pl, pllen);
	memcpy(ph, b + 12, 8);
	ph[8] = 0;
	ph[9] = proto;
	be16(ph + 10, (uint16_t)(l4 + pllen));
	s = csum(b + 20, l4 + pllen, proto == 1 ? 0 :
	    (uint32_t)(0xffff & ~csum(ph, 12, 0)));
	be16(b + 20 + ck, s);
	return tot;
}

int
harness_init(struct harness *h, const struct sensor *s, uint64_t t0_us)
{
	char err[256];

	memset(h, 0, sizeof(*h));
	if (worker_init(&h->w, s, 0, err, sizeof(err)) < 0)
		return -1;
	h->w.nin = 1;
	h->w.in[0] = ring_new(1 << 20);
	h->w.dispatched = &h->dispatched;
	h->now_us = t0_us;
	return h->w.in[0] != NULL ? 0 : -1;
}

void
harness_push(struct harness *h, uint32_t type, const uint8_t *frame,
    size_t len, uint64_t step_us)
{
	static const struct decode_opts dopts = { 8, 0 };
	struct decode_stats ds;
	struct in_rec *r;

	while ((r = ring_reserve(h->w.in[0],
	    (uint32_t)(sizeof(*r) + len))) == NULL)
		;		/* the tests push far less than the ring holds */
	memset(r, 0, sizeof(*r));
	r->type = type;
	h->now_us += step_us;
	r->ts_us = h->now_us;
	if (type == IN_PKT) {
		r->seq = ++h->seq;
		memset(&ds, 0, sizeof(ds));
		(void)decode_packet(&dopts, &ds, &r->pkt, LINK_RAW, frame,
		    (uint32_t)len, (uint32_t)len, h->now_us);
		r->pkt.seq = h->seq;
		r->pkt.data = NULL;
		memcpy(r->frame, frame, len);
	} else {
		r->seq = h->seq;
	}
	ring_commit(h->w.in[0]);
	atomic_store(&h->dispatched, h->seq);
}

int
harness_run(struct harness *h)
{
	if (worker_start(&h->w) != 0)
		return -1;
	worker_join(&h->w);
	return 0;
}

static size_t
dns_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct dns_fact d;
	struct fact f;

	(void)state;
	(void)dir;
	if (len < 3)
		return len;
	memset(&d, 0, sizeof(d));
	d.is_response = data[0] == 'R';
	d.qname = data + 2;
	d.qname_len = len - 2;
	d.msg_len = len;
	f.type = FACT_DNS;
	f.source = "dns";
	f.u.dns = &d;
	dctx_fact(ctx, &f);
	return len;
}

static const uint16_t dns_ports[] = { 53, 0 };
const struct dissector harness_dns_dissector = {
	.name = "dns",
	.description = "test stand-in: \"Q name\" / \"R name\" datagrams",
	.transport = DISSECTOR_UDP,
	.ports = dns_ports,
	.parse = dns_parse,
};
