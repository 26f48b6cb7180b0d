/*
 * dns.c - DNS messages on UDP and TCP, port 53 and any other port by a
 * strict probe.
 *
 * Spec: RFC 1035 section 4 (header, question, resource records; 4.1.4
 * name compression; 4.2.2 TCP framing with a two-byte length), RFC 7766
 * (TCP: several messages per connection, pipelined), RFC 6891 (EDNS0 OPT
 * pseudo-record in the additional section), RFC 3596 (AAAA).
 *
 * Facts: one FACT_DNS per message that parses, in both directions: the
 * first question's name in presentation form (RFC 1035 5.1 / RFC 4343
 * escapes: "\." inside a label, "\\", and \DDD for bytes outside
 * printable ASCII; no trailing dot; "" for the root), type, class, rcode,
 * opcode, the answer count, the RDATA bytes of the answer section and the
 * largest single RDATA, the first answer's type and up to DNS_FACT_ADDRS
 * A/AAAA addresses.  Policy (tunnels, exfiltration, reverse-tunnel
 * services) belongs to the detectors that take FACT_DNS.
 *
 * Bounds: every byte is read through a cursor over the one message.  A
 * compression pointer must point strictly before the label that holds it
 * (so a chain always moves backwards and ends), at most DNS_MAX_HOPS
 * pointers per name, at most 255 wire bytes per name (RFC 1035 3.1).
 * Answers are walked up to DNS_MAX_RR records; what lies beyond is not
 * read.  TCP messages are at most 65535 bytes by their framing.
 *
 * Not facts, counted as weirds instead: a message that breaks the grammar
 * (dns_malformed: bad label, pointer forward or looping, a record past the
 * end) and, on TCP, a zero length (dns_tcp_bad_length).  On TCP a bad
 * message stops dissection of the flow, since the framing cannot be
 * trusted after it; on UDP each datagram stands alone, but a flow whose
 * datagrams keep failing (DNS_BAD_LIMIT) is let go: it is not DNS.
 *
 * The probe (flows not on port 53) accepts only a message whose header and
 * question section parse exactly: one question, a valid name, class IN,
 * CH or ANY, and for a query no answers or authority and at most the one
 * EDNS0 OPT record, ending exactly at the end of the datagram (or of the
 * TCP length prefix); for a response, all records must parse to the end.
 */
#include <string.h>

#include "cursor.h"
#include "dissector.h"

#define DNS_HDR_LEN		12
#define DNS_NAME_WIRE_MAX	255
#define DNS_NAME_TEXT_MAX	(DNS_NAME_WIRE_MAX * 4 + 1)
#define DNS_MAX_HOPS		32
#define DNS_MAX_QD		8
#define DNS_MAX_RR		256
#define DNS_BAD_LIMIT		8
#define DNS_TCP_MAX		(65535 + 2)

#define DNS_T_A			1
#define DNS_T_AAAA		28
#define DNS_T_OPT		41
#define DNS_C_IN		1
#define DNS_C_CH		3
#define DNS_C_ANY		255

struct dns_state {
	uint32_t	bad;		/* UDP datagrams that did not parse */
};

/* A decoded name: presentation text and wire length. */
struct dns_name {
	char		text[DNS_NAME_TEXT_MAX];
	size_t		text_len;
	size_t		wire_len;	/* labels and length bytes, with root */
};

static void
name_put(struct dns_name *n, uint8_t b)
{
	static const char digits[] = "0123456789";

	if (b == '.' || b == '\\') {
		n->text[n->text_len++] = '\\';
		n->text[n->text_len++] = (char)b;
	} else if (b > 0x20 && b < 0x7f) {
		n->text[n->text_len++] = (char)b;
	} else {
		n->text[n->text_len++] = '\\';
		n->text[n->text_len++] = digits[b / 100];
		n->text[n->text_len++] = digits[b / 10 % 10];
		n->text[n->text_len++] = digits[b % 10];
	}
}

/*
 * Reads a name at c's offset within the message msg (c covers the same
 * bytes from 0).  On return c is past the name as it appears in place
 * (labels up to the root or the first pointer).  out may be NULL to only
 * skip and validate.  Returns 0, or -1 on a malformed name.
 */
static int
dns_read_name(const uint8_t *msg, size_t msglen, struct cursor *c,
    struct dns_name *out)
{
	struct cursor j, *r = c;
	size_t wire = 0, start, k;
	unsigned hops = 0;
	uint8_t len;
	const uint8_t *lab;
	uint16_t ptr;

	if (out != NULL)
		out->text_len = 0;
	for (;;) {
		start = r->off;
		len = cur_u8(r);
		if (!cur_ok(r))
			return -1;
		if ((len & 0xc0) == 0xc0) {
			ptr = (uint16_t)((len & 0x3f) << 8 | cur_u8(r));
			if (!cur_ok(r) || ptr >= start || ++hops > DNS_MAX_HOPS)
				return -1;
			/* Follow it in a cursor of its own; c stays put. */
			cur_init(&j, msg, msglen);
			cur_skip(&j, ptr);
			r = &j;
			continue;
		}
		if (len & 0xc0)		/* 0x40, 0x80: obsolete / reserved */
			return -1;
		wire += 1u + len;
		if (wire > DNS_NAME_WIRE_MAX)
			return -1;
		if (len == 0)
			break;
		if ((lab = cur_take(r, len)) == NULL)
			return -1;
		if (out == NULL)
			continue;
		if (out->text_len > 0)
			out->text[out->text_len++] = '.';
		for (k = 0; k < len; k++)
			name_put(out, lab[k]);
	}
	if (out != NULL) {
		out->text[out->text_len] = '\0';
		out->wire_len = wire;
	}
	return 0;
}

/*
 * Parses one whole message into f (name stored in nm).  Returns 0, or -1
 * when the message breaks the grammar.  `strict` (the probe) also wants
 * the shape of an ordinary query or response and no trailing bytes.
 */
static int
dns_parse_msg(const uint8_t *msg, size_t len, struct dns_fact *f,
    struct dns_name *nm, int strict)
{
	struct cursor c;
	uint16_t flags, qd, an, ns, ar, type, rdlen;
	unsigned i;
	const uint8_t *rd;

	memset(f, 0, sizeof(*f));
	cur_init(&c, msg, len);
	f->id = cur_be16(&c);
	flags = cur_be16(&c);
	qd = cur_be16(&c);
	an = cur_be16(&c);
	ns = cur_be16(&c);
	ar = cur_be16(&c);
	if (!cur_ok(&c) || qd > DNS_MAX_QD)
		return -1;
	f->is_response = (flags >> 15) & 1;
	f->opcode = (uint8_t)((flags >> 11) & 0x0f);
	f->rcode = (uint8_t)(flags & 0x0f);
	f->questions = qd;
	f->msg_len = len;
	if (strict && (qd != 1 || f->opcode != 0 || (!f->is_response &&
	    (an != 0 || ns != 0 || ar > 1 || f->rcode != 0))))
		return -1;
	for (i = 0; i < qd; i++) {
		if (dns_read_name(msg, len, &c, i == 0 ? nm : NULL) < 0)
			return -1;
		type = cur_be16(&c);
		flags = cur_be16(&c);		/* the class */
		if (!cur_ok(&c))
			return -1;
		if (i > 0)
			continue;
		f->qtype = type;
		f->qclass = flags;
		f->qname = (const uint8_t *)nm->text;
		f->qname_len = nm->text_len;
		f->qname_wire_len = nm->wire_len;
		/* mDNS sets the top bit (unicast response); ignore it. */
		flags &= 0x7fff;
		if (strict && (type == 0 || (flags != DNS_C_IN &&
		    flags != DNS_C_CH && flags != DNS_C_ANY)))
			return -1;
	}
	/* Answer section: counted and sized; then the rest only if strict. */
	for (i = 0; i < (unsigned)an + ns + ar; i++) {
		if (i >= DNS_MAX_RR) {
			if (strict)
				return -1;
			break;
		}
		if (i >= an && !strict)
			break;
		if (dns_read_name(msg, len, &c, NULL) < 0)
			return -1;
		type = cur_be16(&c);
		cur_skip(&c, 2 + 4);		/* class, TTL */
		rdlen = cur_be16(&c);
		rd = cur_take(&c, rdlen);
		if (rd == NULL)
			return -1;
		if (strict && !f->is_response && type != DNS_T_OPT)
			return -1;
		if (i >= an)
			continue;
		f->answers++;
		f->answer_bytes += rdlen;
		if (rdlen > f->answer_max)
			f->answer_max = rdlen;
		if (f->answers == 1)
			f->answer_type = type;
		if (f->naddrs < DNS_FACT_ADDRS && ((type == DNS_T_A &&
		    rdlen == 4) || (type == DNS_T_AAAA && rdlen == 16))) {
			f->addr_family[f->naddrs] = type == DNS_T_A ? 4 : 6;
			memcpy(f->addrs[f->naddrs], rd, rdlen);
			f->naddrs++;
		}
	}
	if (strict && cur_left(&c) != 0)
		return -1;
	return 0;
}

static void
dns_report(struct dctx *ctx, const struct dns_fact *df)
{
	struct fact f;

	memset(&f, 0, sizeof(f));
	f.type = FACT_DNS;
	f.source = "dns";
	f.u.dns = df;
	dctx_fact(ctx, &f);
}

static size_t
dns_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct dns_state *st = state;
	struct dns_fact df;
	struct dns_name nm;
	struct cursor c;
	uint16_t mlen;
	const uint8_t *m;

	(void)dir;
	if (dctx_ip_proto(ctx) != 6) {
		if (dns_parse_msg(data, len, &df, &nm, 0) < 0) {
			dctx_weird(ctx, "dns_malformed");
			if (++st->bad >= DNS_BAD_LIMIT)
				dctx_done(ctx);
			return len;
		}
		dns_report(ctx, &df);
		return len;
	}
	/* TCP: one length-prefixed message per call; the rest stays. */
	cur_init(&c, data, len);
	mlen = cur_be16(&c);
	if (!cur_ok(&c))
		return 0;
	if (mlen == 0) {
		dctx_weird(ctx, "dns_tcp_bad_length");
		dctx_done(ctx);
		return len;
	}
	if ((m = cur_take(&c, mlen)) == NULL)
		return 0;
	if (dns_parse_msg(m, mlen, &df, &nm, 0) < 0) {
		dctx_weird(ctx, "dns_malformed");
		dctx_done(ctx);
		return len;
	}
	df.over_tcp = 1;
	dns_report(ctx, &df);
	return c.off;
}

static int
dns_probe(const uint8_t *data, size_t len, int dir)
{
	struct dns_fact df;
	struct dns_name nm;
	size_t mlen;

	(void)dir;
	if (len < DNS_HDR_LEN + 5)
		return 0;
	if (dns_parse_msg(data, len, &df, &nm, 1) == 0)
		return 1;
	/* TCP: the length prefix covers exactly this segment's message. */
	mlen = (size_t)data[0] << 8 | data[1];
	return mlen == len - 2 &&
	    dns_parse_msg(data + 2, mlen, &df, &nm, 1) == 0;
}

static const uint16_t dns_ports[] = { 53, 0 };

const struct dissector dns_dissector = {
	.name = "dns",
	.description = "DNS queries and answers (UDP and TCP): name, type, "
	    "rcode, answer sizes, for the tunnel detectors",
	.transport = DISSECTOR_TCP | DISSECTOR_UDP,
	.ports = dns_ports,
	.probe = dns_probe,
	.parse = dns_parse,
	.state_size = sizeof(struct dns_state),
	.max_pending = DNS_TCP_MAX,
};
